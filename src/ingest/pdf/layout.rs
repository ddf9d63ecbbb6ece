//! The layout of a PDF's glyphs read again as text: lines, running headers and footers, page
//! numbers, footnotes, paragraphs and hyphenation, from positions and sizes alone (the rules are
//! those of the module above).
//!
//! In: the glyphs of each page. Out: [`Extracted`] (its title left for the caller when the
//! document's information names one).

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap, HashSet};

use super::super::Extracted;
use super::{Glyph, PageGlyphs};

/// A line of text: its glyphs, baseline, main size and extent.
#[derive(Debug, Clone)]
struct Line {
    glyphs: Vec<Glyph>,
    y: f64,
    size: f64,
    x0: f64,
    x1: f64,
    page: usize,
}

impl Line {
    fn is_superscript(&self, g: &Glyph) -> bool {
        g.size < 0.85 * self.size && g.y > self.y + 0.12 * self.size
    }

    /// The line's text; superscript digits left out when `markers` is given (and collected).
    fn text(&self, mut markers: Option<&mut Vec<u32>>) -> String {
        let mut out = String::new();
        let mut last_end: Option<f64> = None;
        let mut pending_space = false;
        let mut digits = String::new();
        for g in &self.glyphs {
            let sup = self.is_superscript(g) && g.text.chars().all(|c| c.is_ascii_digit());
            if markers.is_some() && sup && !g.text.is_empty() {
                digits.push_str(&g.text);
                last_end = Some(g.end);
                continue;
            }
            if !digits.is_empty() {
                if let (Some(m), Ok(n)) = (markers.as_deref_mut(), digits.parse()) {
                    m.push(n);
                }
                digits.clear();
            }
            if g.text.trim().is_empty() {
                pending_space = true;
                continue;
            }
            let gap = last_end.map_or(0.0, |e| g.x - e);
            let hyphen_at_end = g.text == "-" && out.ends_with(|c: char| c.is_alphabetic());
            if !out.is_empty()
                && (pending_space || gap > 0.15 * self.size)
                && !(hyphen_at_end && gap < 0.4 * self.size && !pending_space)
            {
                out.push(' ');
            }
            pending_space = false;
            out.push_str(&ligatures(&g.text));
            last_end = Some(g.end);
        }
        if let (false, Some(m), Ok(n)) = (digits.is_empty(), markers, digits.parse()) {
            m.push(n);
        }
        out
    }
}

fn ligatures(text: &str) -> Cow<'_, str> {
    if !text
        .chars()
        .any(|c| ('\u{fb00}'..='\u{fb06}').contains(&c) || c == '\u{ad}')
    {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.replace('\u{fb00}', "ff")
            .replace('\u{fb01}', "fi")
            .replace('\u{fb02}', "fl")
            .replace('\u{fb03}', "ffi")
            .replace('\u{fb04}', "ffl")
            .replace(['\u{fb05}', '\u{fb06}'], "st")
            .replace('\u{ad}', "-"),
    )
}

/// The glyphs of a page grouped into lines, in content order.
fn lines_of(page: &PageGlyphs, number: usize) -> Vec<Line> {
    let mut lines: Vec<Line> = Vec::new();
    for g in &page.glyphs {
        let joins = lines.last().is_some_and(|l| {
            let size = l.size.max(g.size);
            (g.y - l.y).abs() <= 0.5 * size && g.x >= l.x1 - 2.0 * size
        });
        if joins {
            if let Some(l) = lines.last_mut() {
                if !g.text.trim().is_empty() && g.size > l.size * 1.01 {
                    l.size = g.size;
                    l.y = g.y;
                }
                l.x1 = l.x1.max(g.end);
                l.glyphs.push(g.clone());
            }
        } else {
            lines.push(Line {
                glyphs: vec![g.clone()],
                y: g.y,
                size: g.size,
                x0: g.x,
                x1: g.end,
                page: number,
            });
        }
    }
    for l in &mut lines {
        // A line's size is that of most of its glyphs, its baseline theirs.
        let mut counts: HashMap<i64, usize> = HashMap::new();
        for g in l.glyphs.iter().filter(|g| !g.text.trim().is_empty()) {
            *counts.entry((g.size * 4.0).round() as i64).or_default() += 1;
        }
        if let Some((&size, _)) = counts.iter().max_by_key(|(s, n)| (**n, **s)) {
            l.size = size as f64 / 4.0;
            if let Some(g) = l
                .glyphs
                .iter()
                .find(|g| ((g.size * 4.0).round() as i64) == size)
            {
                l.y = g.y;
            }
        }
        l.x0 = l
            .glyphs
            .iter()
            .filter(|g| !g.text.trim().is_empty())
            .map(|g| g.x)
            .fold(f64::INFINITY, f64::min);
        l.x1 = l
            .glyphs
            .iter()
            .filter(|g| !g.text.trim().is_empty())
            .map(|g| g.end)
            .fold(f64::NEG_INFINITY, f64::max);
    }
    lines.retain(|l| l.x0.is_finite() && l.x1.is_finite());
    lines
}

/// The text of a line with its digits made `#`, lowercased and its whitespace collapsed.
fn furniture_key(text: &str) -> String {
    let text: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_digit() {
                '#'
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect();
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The runs of digits of a line, in order.
fn digit_runs(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_ascii_digit())
        .filter(|r| !r.is_empty())
        .map(str::to_string)
        .collect()
}

/// Whether a line is only a page number.
fn is_page_number(text: &str) -> bool {
    let t = text.trim().to_lowercase();
    if t.is_empty() || t.chars().count() > 24 {
        return false;
    }
    let words: Vec<&str> = t
        .split(|c: char| c.is_whitespace() || "-–—·|/.,()[]".contains(c))
        .filter(|w| !w.is_empty() && !matches!(*w, "page" | "p" | "of" | "pg" | "seite"))
        .collect();
    !words.is_empty()
        && words.len() <= 2
        && words.iter().all(|w| {
            w.chars().all(|c| c.is_ascii_digit())
                || (w.len() <= 6 && w.chars().all(|c| "ivxlc".contains(c)))
        })
}

/// The lines that are running headers, footers or page numbers: (page, index in page).
fn furniture(pages: &[Vec<Line>], is_note: impl Fn(&Line) -> bool) -> HashSet<(usize, usize)> {
    // (page, line, key, height, side, rank from the edge) of the two top and two bottom lines.
    let mut candidates: Vec<(usize, usize, String, f64, bool, usize)> = Vec::new();
    for (p, lines) in pages.iter().enumerate() {
        let mut order: Vec<usize> = (0..lines.len()).collect();
        order.sort_by(|&a, &b| lines[b].y.total_cmp(&lines[a].y));
        let n = order.len();
        let top = order.iter().take(2).map(|&i| (i, true));
        let bottom = order
            .iter()
            .rev()
            .take(2.min(n.saturating_sub(2)))
            .map(|&i| (i, false));
        for (rank, (i, top)) in top.enumerate().chain(bottom.enumerate()) {
            let text = lines[i].text(None);
            candidates.push((p, i, furniture_key(&text), lines[i].y, top, rank));
        }
    }
    candidates.sort_by_key(|c| c.5);
    let need = (pages.len() as f64 * 0.5).ceil().max(2.0) as usize;
    // Per key: (page, height, the line's numbers).
    type Seen = Vec<(usize, f64, Vec<String>)>;
    let mut by_key: HashMap<&str, Seen> = HashMap::new();
    for (p, i, key, y, _, _) in &candidates {
        let numbers = digit_runs(&pages[*p][*i].text(None));
        by_key
            .entry(key.as_str())
            .or_default()
            .push((*p, *y, numbers));
    }
    let mut out = HashSet::new();
    // Edge lines first: a second line from the edge is furniture only below (above) furniture.
    let mut edge_is_furniture: HashSet<(usize, bool)> = HashSet::new();
    for (p, i, key, y, top, rank) in &candidates {
        if *rank > 0 && !edge_is_furniture.contains(&(*p, *top)) {
            continue;
        }
        if is_note(&pages[*p][*i]) {
            continue;
        }
        let text = pages[*p][*i].text(None);
        let numbers = digit_runs(&text);
        let same: BTreeSet<usize> = by_key
            .get(key.as_str())
            .into_iter()
            .flatten()
            .filter(|(_, y2, n2)| {
                (y - y2).abs() <= 2.0 && numbers.iter().zip(n2).filter(|(a, b)| a != b).count() <= 1
            })
            .map(|(p2, _, _)| *p2)
            .collect();
        if is_page_number(&text) || (same.len() >= need && !key.is_empty()) {
            out.insert((*p, *i));
            edge_is_furniture.insert((*p, *top));
        }
    }
    out
}

/// The most common size of the glyphs of `lines`.
fn body_size<'a>(lines: impl Iterator<Item = &'a Line>) -> f64 {
    let mut counts: HashMap<i64, usize> = HashMap::new();
    for l in lines {
        let n = l
            .glyphs
            .iter()
            .filter(|g| !g.text.trim().is_empty())
            .count();
        *counts.entry((l.size * 4.0).round() as i64).or_default() += n;
    }
    counts
        .into_iter()
        .max_by_key(|&(s, n)| (n, s))
        .map_or(10.0, |(s, _)| s as f64 / 4.0)
}

/// The leading number of a footnote line, and the line's text after it.
fn note_number(text: &str) -> Option<(u32, String)> {
    let t = text.trim_start();
    let digits: String = t.chars().take_while(|c| c.is_ascii_digit()).collect();
    if digits.is_empty() || digits.len() > 4 {
        return None;
    }
    let rest = t[digits.len()..]
        .trim_start_matches(['.', ')'])
        .trim_start();
    Some((digits.parse().ok()?, rest.to_string()))
}

/// Body lines, footnote texts, and everything else from the glyphs of each page.
pub(super) fn layout(pages: &[PageGlyphs]) -> Extracted {
    let lines: Vec<Vec<Line>> = pages
        .iter()
        .enumerate()
        .map(|(i, p)| lines_of(p, i))
        .collect();
    // A small line starting with a number the body has as a marker is a footnote's, never
    // furniture (notes such as "4 Ibid." repeat at the foot of pages).
    let all_size = body_size(lines.iter().flatten());
    let mut all_markers = Vec::new();
    for l in lines.iter().flatten() {
        if (l.size - all_size).abs() < 0.1 * all_size {
            l.text(Some(&mut all_markers));
        }
    }
    let is_note = |l: &Line| {
        let text = l.text(None);
        l.size < 0.92 * all_size
            && !is_page_number(&text)
            && note_number(&text).is_some_and(|(n, _)| all_markers.contains(&n))
    };
    let furniture = &furniture(&lines, is_note);
    let kept = |p: usize| {
        lines[p]
            .iter()
            .enumerate()
            .filter(move |(i, _)| !furniture.contains(&(p, *i)))
            .map(|(_, l)| l)
    };
    let size = body_size((0..lines.len()).flat_map(kept));

    // Markers: superscript numbers in body-size lines.
    let mut markers = Vec::new();
    for p in 0..lines.len() {
        for l in kept(p).filter(|l| (l.size - size).abs() < 0.1 * size) {
            l.text(Some(&mut markers));
        }
    }
    let markers: HashSet<u32> = markers.into_iter().collect();

    let mut body: Vec<&Line> = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    let mut note_lines: Vec<Vec<String>> = Vec::new();
    for p in 0..lines.len() {
        let page: Vec<&Line> = kept(p).collect();
        // The run of small lines at the bottom of the page.
        let mut order: Vec<usize> = (0..page.len()).collect();
        order.sort_by(|&a, &b| page[a].y.total_cmp(&page[b].y));
        let small: Vec<usize> = order
            .iter()
            .take_while(|&&i| page[i].size < 0.92 * size)
            .copied()
            .collect();
        let mut block: Vec<usize> = small.into_iter().rev().collect();
        // Top to bottom; the block starts at its first numbered line, or continues a note.
        let starts = |i: usize| {
            note_number(&page[i].text(None))
                .is_some_and(|(n, _)| markers.is_empty() || markers.contains(&n))
        };
        let first_start = block.iter().position(|&i| starts(i));
        match first_start {
            // Lines above the first numbered one continue the last note, if there is one.
            Some(0) => {}
            Some(_) if !note_lines.is_empty() => {}
            Some(k) => {
                block.drain(..k);
            }
            None if note_lines.is_empty() => block.clear(),
            None => {}
        }
        let in_block: HashSet<usize> = block.iter().copied().collect();
        for &i in &block {
            let text = page[i].text(None);
            if starts(i) {
                let (_, rest) = note_number(&text).unwrap_or((0, text.clone()));
                note_lines.push(vec![rest]);
            } else if let Some(last) = note_lines.last_mut() {
                last.push(text);
            }
        }
        body.extend(
            page.iter()
                .enumerate()
                .filter(|(i, _)| !in_block.contains(i))
                .map(|(_, l)| *l),
        );
    }

    // Words the document writes, for the hyphenation rule.
    let mut words: HashSet<String> = HashSet::new();
    let body_texts: Vec<String> = body.iter().map(|l| l.text(Some(&mut Vec::new()))).collect();
    for text in body_texts.iter().chain(note_lines.iter().flatten()) {
        let tokens: Vec<&str> = text.split_whitespace().collect();
        for (k, w) in tokens.iter().enumerate() {
            if k + 1 == tokens.len() && w.ends_with('-') {
                continue;
            }
            words.insert(word_core(w).to_lowercase());
        }
    }
    for lines in &note_lines {
        let mut note = String::new();
        for line in lines {
            join_line(&mut note, line, &words);
        }
        if !note.trim().is_empty() {
            notes.push(note);
        }
    }

    // Paragraphs.
    let body_lines: Vec<&Line> = body.to_vec();
    let sized: Vec<&Line> = body_lines
        .iter()
        .copied()
        .filter(|l| (l.size - size).abs() < 0.1 * size)
        .collect();
    let mut left = mode(sized.iter().map(|l| l.x0));
    // Where every paragraph is one indented line, the margin shows only in other lines
    // (headings, notes): the leftmost start that two lines share, if nearly all body lines
    // are indented from it.
    let mut starts: HashMap<i64, usize> = HashMap::new();
    for l in lines.iter().flatten() {
        *starts.entry((l.x0 * 2.0).round() as i64).or_default() += 1;
    }
    if let Some(margin) = starts
        .iter()
        .filter(|(_, n)| **n >= 2)
        .map(|(x, _)| *x as f64 / 2.0)
        .min_by(f64::total_cmp)
    {
        let indented = sized
            .iter()
            .filter(|l| l.x0 > margin + 0.7 * l.size)
            .count();
        if margin < left && indented * 10 >= sized.len() * 9 {
            left = margin;
        }
    }
    let mut ends: Vec<f64> = sized.iter().map(|l| l.x1).collect();
    ends.sort_by(f64::total_cmp);
    let right = ends
        .get(ends.len().saturating_sub(1) * 9 / 10)
        .copied()
        .unwrap_or(left);
    let spacing = mode(
        sized
            .windows(2)
            .filter(|w| w[0].page == w[1].page)
            .map(|w| w[0].y - w[1].y)
            .filter(|d| *d > 0.0 && *d < 3.0 * size),
    );
    let width = (right - left).max(size);
    // Why each line would start a paragraph, from what its page shows.
    let ends_sentence = |t: &str| {
        t.trim_end()
            .ends_with(['.', '!', '?', ':', '"', '\u{201d}', ')'])
    };
    let mut why: Vec<Break> = Vec::with_capacity(body_lines.len());
    for (k, l) in body_lines.iter().enumerate() {
        let Some(p) = k.checked_sub(1).map(|k| body_lines[k]) else {
            why.push(Break::First);
            continue;
        };
        let body_sized = (l.size - size).abs() < 0.1 * size;
        let scale = p.size.max(l.size) / size;
        let dy = p.y - l.y;
        why.push(if (p.size - l.size).abs() > 0.08 * p.size.max(l.size) {
            Break::Size
        } else if p.page == l.page && (dy < 0.0 || dy > spacing * scale * 1.25 + 0.5) {
            Break::Gap
        } else if body_sized && l.x0 > left + 0.7 * l.size {
            Break::Indent
        } else if p.x1 < right - width / 3.0 && ends_sentence(&body_texts[k - 1]) {
            Break::Short
        } else if p.page != l.page && ends_sentence(&body_texts[k - 1]) {
            Break::PageEndsSentence
        } else {
            Break::None
        });
    }
    // Where paragraphs are set apart by space and not by indents, a sentence ending at the
    // foot of a page ends its paragraph (the page hides the space); elsewhere it does not.
    let gaps = why.iter().filter(|w| **w == Break::Gap).count();
    let indents = why.iter().filter(|w| **w == Break::Indent).count();
    let spaced = gaps > indents;
    let mut paragraphs: Vec<(String, f64, usize)> = Vec::new();
    for ((l, text), why) in body_lines.iter().zip(&body_texts).zip(&why) {
        let new = match why {
            Break::None => false,
            Break::PageEndsSentence => spaced,
            _ => true,
        };
        if new || paragraphs.is_empty() {
            paragraphs.push((text.trim().to_string(), l.size, l.page));
        } else if let Some((last, _, _)) = paragraphs.last_mut() {
            join_line(last, text, &words);
        }
    }
    paragraphs.retain(|(t, _, _)| !t.trim().is_empty());
    let title = paragraphs
        .first()
        .filter(|(_, s, page)| *page == 0 && *s > 1.15 * size)
        .map(|(t, _, _)| t.clone());
    let mut body = paragraphs
        .iter()
        .map(|(t, _, _)| t.as_str())
        .collect::<Vec<_>>()
        .join("\n\n");
    if !body.is_empty() {
        body.push('\n');
    }
    Extracted { title, body, notes }
}

/// Why a line starts a paragraph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Break {
    First,
    Size,
    Gap,
    Indent,
    Short,
    PageEndsSentence,
    None,
}

/// The most common of `values` (to the half point).
fn mode(values: impl Iterator<Item = f64>) -> f64 {
    let mut counts: HashMap<i64, usize> = HashMap::new();
    for v in values {
        *counts.entry((v * 2.0).round() as i64).or_default() += 1;
    }
    counts
        .into_iter()
        .max_by_key(|&(v, n)| (n, -v))
        .map_or(0.0, |(v, _)| v as f64 / 2.0)
}

/// A word without the punctuation around it.
fn word_core(w: &str) -> &str {
    w.trim_matches(|c: char| !c.is_alphanumeric())
}

/// Appends `line` to the paragraph `text`: a space between them, or the hyphenation undone.
fn join_line(text: &mut String, line: &str, words: &HashSet<String>) {
    let line = line.trim();
    if line.is_empty() {
        return;
    }
    if text.is_empty() {
        text.push_str(line);
        return;
    }
    // A line broken after a slash or a dash set close ("A/|51/61", "2015–|2024") joins close.
    let close = text.ends_with(['/', '–', '—'])
        && text
            .chars()
            .rev()
            .nth(1)
            .is_some_and(|c| !c.is_whitespace());
    if close {
        text.push_str(line);
        return;
    }
    let Some(stem) = text.strip_suffix('-') else {
        text.push(' ');
        text.push_str(line);
        return;
    };
    let before = stem.chars().last();
    let after = line.chars().next();
    match (before, after) {
        (Some(b), Some(a)) if b.is_alphabetic() && a.is_alphabetic() => {
            let last = stem
                .rsplit(char::is_whitespace)
                .next()
                .map(word_core)
                .unwrap_or("");
            let first = line
                .split(char::is_whitespace)
                .next()
                .map(word_core)
                .unwrap_or("");
            let joined = format!("{last}{first}").to_lowercase();
            let hyphenated = format!("{last}-{first}").to_lowercase();
            let keep = !(b.is_lowercase() && a.is_lowercase())
                || (words.contains(&hyphenated) && !words.contains(&joined));
            if keep {
                text.push_str(line);
            } else {
                text.truncate(stem.len());
                text.push_str(line);
            }
        }
        // "1990-|2015", "Secretary-|General" (above), "A-|4": the hyphen stays, no space.
        (Some(b), Some(_)) if !b.is_whitespace() => text.push_str(line),
        _ => {
            text.push(' ');
            text.push_str(line);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hyphenation() {
        let words: HashSet<String> = ["so-called", "well-known", "wellknown"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let join = |a: &str, b: &str| {
            let mut t = a.to_string();
            join_line(&mut t, b, &words);
            t
        };
        assert_eq!(join("the secu-", "rity of all"), "the security of all");
        assert_eq!(join("the so-", "called peace"), "the so-called peace");
        assert_eq!(join("a well-", "known fact"), "a wellknown fact");
        assert_eq!(
            join("the Secretary-", "General said"),
            "the Secretary-General said"
        );
        assert_eq!(join("from 1990-", "2015"), "from 1990-2015");
        assert_eq!(join("see A/", "73/PV.7"), "see A/73/PV.7");
        assert_eq!(join("a dash -", "here"), "a dash - here");
        assert_eq!(join("one", "two"), "one two");
    }

    #[test]
    fn page_numbers() {
        for t in [
            "7",
            "- 7 -",
            "– 12 –",
            "Page 3",
            "page 3 of 10",
            "iv",
            "3/10",
        ] {
            assert!(is_page_number(t), "{t}");
        }
        for t in ["In 2015 we", "Article 7 of the Charter", "", "I"] {
            assert!(!is_page_number(t) || t == "I", "{t}");
        }
    }
}
