//! Checking a quotation against a source clause: exact, normalized, or near (a word alignment).
//!
//! In: a quotation (split at its elisions into parts, each to be found in order) and a clause
//! text. Out: the best verdict for that clause, the matched span of the clause, and the words
//! added, dropped and changed.

use std::sync::OnceLock;

use memchr::memmem;

use super::Verdict;
use super::canon::Words;
use super::fold::{char_at, char_before, normalize, words as fold_words};

/// A quotation made ready for checking against many clauses.
pub(crate) struct Prepared {
    /// Parts between elisions, whitespace-trimmed, as written.
    parts: Vec<String>,
    /// The canonical words of each part ([`Words`]), with their spans in the part.
    words: Vec<Words>,
    /// The keys of all canonical words of the quotation, sorted (repeats kept).
    sorted: Vec<u64>,
    /// Its words as written, folded to lower case: what an index of the sources is asked.
    query: Vec<String>,
    /// `words` without a small word at the quotation's very start or end ("to settle their
    /// disputes" quoting "All Members shall settle their disputes"): the quoting sentence's
    /// grammar, not the source's words.
    edged: Vec<Words>,
}

/// Small words a quotation may open or close with that belong to the sentence quoting it.
const EDGE_WORDS: &[&str] = &[
    "to", "and", "that", "the", "a", "an", "of", "in", "for", "by", "as", "which", "with", "or",
    "but", "is", "are", "be",
];

/// `parts` without an edge word at the start of the first and the end of the last.
fn edged(parts: &[Words]) -> Vec<Words> {
    let mut out = parts.to_vec();
    let trim = |w: &mut Words, front: bool| {
        let at = if front { 0 } else { w.len().saturating_sub(1) };
        if w.len() > 1 && EDGE_WORDS.contains(&w.words[at].as_str()) {
            w.words.remove(at);
            w.spans.remove(at);
            w.keys.remove(at);
        }
    };
    if let Some(first) = out.iter_mut().find(|w| !w.is_empty()) {
        trim(first, true);
    }
    if let Some(last) = out.iter_mut().rev().find(|w| !w.is_empty()) {
        trim(last, false);
    }
    out
}

/// A source text made ready for checking against many quotations: its canonical words, also
/// in sorted order.
pub struct SourceText {
    words: Words,
    /// The keys of `words`, sorted (repeats kept).
    sorted: Vec<u64>,
}

impl SourceText {
    pub fn new(text: &str) -> SourceText {
        let words = Words::of(text);
        let mut sorted = words.keys.clone();
        sorted.sort_unstable();
        SourceText { words, sorted }
    }
}

/// The outcome against one clause.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Check {
    pub verdict: Verdict,
    pub similarity: f64,
    /// Byte span in the clause text.
    pub span: (usize, usize),
    pub added: Vec<String>,
    pub dropped: Vec<String>,
    pub changed: Vec<(String, String)>,
}

const ELISIONS: &[&str] = &[
    "[…]", "[...]", "(…)", "(...)", "[. . .]", ". . .", "…", "...",
];

/// Splits a quotation at its elision marks (also a run of three dots or more with spaces
/// between, ". . ." or ".. ."); parts without a word are dropped.
fn split(quote: &str) -> Vec<&str> {
    let mut parts = vec![quote];
    for mark in ELISIONS {
        parts = parts.iter().flat_map(|p| p.split(mark)).collect();
    }
    parts
        .into_iter()
        .flat_map(split_dots)
        .map(str::trim)
        .filter(|p| p.chars().any(char::is_alphanumeric))
        .collect()
}

/// Splits at runs of dots and spaces holding three dots or more.
fn split_dots(s: &str) -> Vec<&str> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let (mut from, mut i) = (0, 0);
    while i < b.len() {
        if b[i] != b'.' {
            i += 1;
            continue;
        }
        let mut j = i;
        let mut dots = 0;
        while j < b.len() && (b[j] == b'.' || b[j] == b' ') {
            dots += usize::from(b[j] == b'.');
            j += 1;
        }
        if dots >= 3 {
            out.push(&s[from..i]);
            from = j;
        }
        i = j.max(i + 1);
    }
    out.push(&s[from..]);
    out
}

impl Prepared {
    pub fn new(quote: &str) -> Prepared {
        let parts: Vec<&str> = split(quote);
        let words: Vec<Words> = parts.iter().map(|p| Words::of(p)).collect();
        let mut sorted: Vec<u64> = words.iter().flat_map(|w| w.keys.iter().copied()).collect();
        sorted.sort_unstable();
        let query = parts
            .iter()
            .flat_map(|p| {
                let n = normalize(p);
                fold_words(&n.text)
                    .into_iter()
                    .map(|(s, e)| n.text[s..e].to_string())
                    .collect::<Vec<_>>()
            })
            .collect();
        Prepared {
            parts: parts.into_iter().map(String::from).collect(),
            edged: edged(&words),
            words,
            sorted,
            query,
        }
    }

    /// The folded words of the quotation as written, for an index query.
    pub fn query_words(&self) -> Vec<&str> {
        self.query.iter().map(String::as_str).collect()
    }

    /// Number of words quoted (elided parts together).
    pub fn word_count(&self) -> usize {
        self.words.iter().map(Words::len).sum()
    }

    /// Compares with one clause text; `None` when not even near (`threshold` similarity), or
    /// when not exact or normalized and `near` is false.
    #[cfg(test)]
    pub fn check(&self, source: &str, threshold: f64, near: bool) -> Option<Check> {
        self.check_with(source, &OnceLock::new(), threshold, near)
    }

    /// [`Prepared::check`] with the source's canonical words kept in `norm` (computed on first
    /// need, then shared by every quotation checked against the same clause); `norm` must only
    /// ever hold [`SourceText::new`] of `source`. The whole source is compared at once: a long
    /// one is cut by the alignment to the densest run of the quotation's words.
    pub fn check_with(
        &self,
        source: &str,
        norm: &OnceLock<SourceText>,
        threshold: f64,
        near: bool,
    ) -> Option<Check> {
        if let Some(exact) = self.exact(source) {
            return Some(exact);
        }
        if self.parts.is_empty() {
            return None;
        }
        let norm = norm.get_or_init(|| SourceText::new(source));
        self.check_normalized(source, norm, threshold, near)
    }

    /// The exact comparison alone: every part found as written, in order, whole words at the
    /// edges. What a caller holding an exact match already needs to check the other clauses.
    pub fn exact(&self, source: &str) -> Option<Check> {
        if self.parts.is_empty() {
            return None;
        }
        find_in_order(source, self.parts.iter().map(String::as_str), |i| i)
            .map(|span| Check::whole(Verdict::Exact, span))
    }

    fn check_normalized(
        &self,
        source: &str,
        norm: &SourceText,
        threshold: f64,
        near: bool,
    ) -> Option<Check> {
        // How many of the quotation's words the source holds at all: a bound on both checks.
        let common = self.common_words(norm);
        // Every part's words, in order, as a run of the source's words; else the same without
        // a small word at the very edges (two words at most).
        if common + 2 >= self.sorted.len() {
            for parts in [&self.words, &self.edged] {
                if let Some(span) = find_parts(&norm.words, parts) {
                    return Some(Check::whole(Verdict::Normalized, span));
                }
            }
        }
        if near {
            self.near(source, norm, threshold, common)
        } else {
            None
        }
    }

    fn near(
        &self,
        source: &str,
        norm: &SourceText,
        threshold: f64,
        common: usize,
    ) -> Option<Check> {
        let bound = 2.0 * common as f64 / (self.sorted.len() + common).max(1) as f64;
        if bound < threshold {
            return None;
        }
        let spans = &norm.words.spans;
        let src: Vec<&str> = norm.words.words.iter().map(String::as_str).collect();
        let orig = |k: usize| &source[spans[k].0..spans[k].1];
        let mut check = Check::whole(Verdict::Near, (usize::MAX, 0));
        let (mut cursor, mut matched, mut total) = (0usize, 0usize, 0usize);
        for (part, text) in self.edged.iter().zip(&self.parts) {
            if part.is_empty() {
                continue;
            }
            let q: Vec<&str> = part.words.iter().map(String::as_str).collect();
            let written = |qi: usize| text[part.spans[qi].0..part.spans[qi].1].to_string();
            let mut a = align(&q, &src[cursor..])?;
            // No sentence ends between source words k-1 and k (offsets from `cursor`).
            let joined = |k: usize| {
                let (prev, next) = (spans[cursor + k - 1].1, spans[cursor + k].0);
                !source[prev..next].contains(['.', '!', '?', ';', ':'])
            };
            // Weighed as aligned: the words paired at the edges change the report, not
            // which quotations are near enough.
            total += q.len() + (a.end - a.start);
            a.pair_edges(src.len() - cursor, joined);
            for op in &a.ops {
                match *op {
                    Op::Same => matched += 1,
                    Op::Changed(qi, si) => {
                        check.changed.push((orig(cursor + si).into(), written(qi)))
                    }
                    Op::Added(qi) => check.added.push(written(qi)),
                    Op::Dropped(si) => check.dropped.push(orig(cursor + si).into()),
                }
            }
            check.span.0 = check.span.0.min(spans[cursor + a.start].0);
            check.span.1 = spans[cursor + a.end - 1].1;
            cursor += a.end;
        }
        check.similarity = 2.0 * matched as f64 / total.max(1) as f64;
        // A change of no word at all is no alteration (the normalized check decides those).
        let altered =
            !(check.changed.is_empty() && check.added.is_empty() && check.dropped.is_empty());
        (altered && check.similarity >= threshold).then_some(check)
    }
}

/// The byte span in the source of every part's words found, in order, as a run of the
/// source's words.
fn find_parts(src: &Words, parts: &[Words]) -> Option<(usize, usize)> {
    let mut from = 0;
    let mut span: Option<(usize, usize)> = None;
    for part in parts.iter().filter(|p| !p.is_empty()) {
        let k = src.find(part, from)?;
        let last = k + part.len() - 1;
        span = Some((span.map_or(src.spans[k].0, |s| s.0), src.spans[last].1));
        from = last + 1;
    }
    span
}

impl Prepared {
    /// The quotation's words that occur in `src` at all (counted with repeats, at most as
    /// often as in `src`): the most an alignment can match, so `2 common / (quoted + common)`
    /// bounds the similarity it can reach.
    fn common_words(&self, src: &SourceText) -> usize {
        // Compared by key: a collision of two different words can only raise the bound.
        let quoted = &self.sorted;
        let have = &src.sorted;
        let (mut i, mut j, mut common) = (0, 0, 0);
        while i < quoted.len() && j < have.len() {
            match quoted[i].cmp(&have[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => (i, j, common) = (i + 1, j + 1, common + 1),
            }
        }
        common
    }
}

impl Check {
    fn whole(verdict: Verdict, span: (usize, usize)) -> Check {
        Check {
            verdict,
            similarity: 1.0,
            span,
            added: vec![],
            dropped: vec![],
            changed: vec![],
        }
    }
}

/// Finds each needle in order, whole words at the edges; returns the span (through `map`) from
/// the first needle's start to the last one's end.
fn find_in_order<'a>(
    hay: &str,
    needles: impl Iterator<Item = &'a str>,
    map: impl Fn(usize) -> usize,
) -> Option<(usize, usize)> {
    let (mut cursor, mut first, mut last) = (0, None, 0);
    for needle in needles {
        if needle.is_empty() {
            continue;
        }
        let finder = memmem::Finder::new(needle.as_bytes());
        let mut from = cursor;
        let at = loop {
            let at = from + finder.find(&hay.as_bytes()[from..])?;
            let end = at + needle.len();
            let edge =
                |c: Option<char>, inner: bool| !inner || !c.is_some_and(char::is_alphanumeric);
            let starts_word = needle.starts_with(char::is_alphanumeric);
            let ends_word = needle.ends_with(char::is_alphanumeric);
            if edge(char_before(hay, at), starts_word) && edge(char_at(hay, end), ends_word) {
                break at;
            }
            from = at + 1;
            while !hay.is_char_boundary(from) {
                from += 1;
            }
        };
        first.get_or_insert(at);
        cursor = at + needle.len();
        last = cursor;
    }
    Some((map(first?), map(last)))
}

/// One step of a word alignment (indexes into the quote part and the source window).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Same,
    Changed(usize, usize),
    Added(usize),
    Dropped(usize),
}

const INDEL: u32 = 2;

fn sub(a: &str, b: &str) -> u32 {
    if a == b { 0 } else { 3 }
}

struct Alignment {
    /// Source words `start..end` are aligned with the whole quote.
    start: usize,
    end: usize,
    ops: Vec<Op>,
}

/// Semi-global word alignment: the whole quote `q` against the best-matching run of `s`
/// (edit distance; a changed word costs 3 and an added or dropped one 2, so one word swapped
/// for another is a change, but a change never stands in for a mere insertion; source words
/// before and after the run are free). A long source is first cut
/// to the window densest in the quote's words.
fn align(q: &[&str], s: &[&str]) -> Option<Alignment> {
    if q.is_empty() || s.is_empty() {
        return None;
    }
    let (off, s) = window(q, s);
    let (m, n) = (q.len(), s.len());
    let w = n + 1;
    let mut d = vec![0u32; (m + 1) * w];
    for i in 1..=m {
        d[i * w] = INDEL * i as u32;
        for j in 1..=n {
            let diag = d[(i - 1) * w + j - 1] + sub(q[i - 1], s[j - 1]);
            let up = d[(i - 1) * w + j] + INDEL;
            let left = d[i * w + j - 1] + INDEL;
            d[i * w + j] = diag.min(up).min(left);
        }
    }
    // Of the ends as cheap, the last: it matches the words an earlier one would add.
    let end = (1..=n).rev().min_by_key(|&j| d[m * w + j])?;
    let (mut i, mut j, mut ops) = (m, end, Vec::new());
    while i > 0 {
        let here = d[i * w + j];
        if j > 0 && here == d[(i - 1) * w + j - 1] + sub(q[i - 1], s[j - 1]) {
            ops.push(if q[i - 1] == s[j - 1] {
                Op::Same
            } else {
                Op::Changed(i - 1, off + j - 1)
            });
            (i, j) = (i - 1, j - 1);
        } else if here == d[(i - 1) * w + j] + INDEL {
            ops.push(Op::Added(i - 1));
            i -= 1;
        } else {
            ops.push(Op::Dropped(off + j - 1));
            j -= 1;
        }
    }
    ops.reverse();
    // Leading drops belong to the free prefix, not to the quotation.
    let lead = ops
        .iter()
        .take_while(|o| matches!(o, Op::Dropped(_)))
        .count();
    ops.drain(..lead);
    let start = off + j + lead;
    let end = off + end;
    (start < end).then_some(Alignment { start, end, ops })
}

impl Alignment {
    /// Quote words added at an edge of the run, where the rest of the source's sentence is no
    /// longer than they are, are that rest changed: "an equal right to defence" against "an
    /// equal right to security." changed `security` → `defence`, not added `defence` (a free
    /// source word beyond the run costs nothing, a change 3). Where the sentence goes on for
    /// longer ("at the expense of others" against "... of the security of other States") the
    /// words stay added. `n` is the source's length; `joined(k)` says that no sentence ends
    /// between words k-1 and k.
    fn pair_edges(&mut self, n: usize, joined: impl Fn(usize) -> bool) {
        let added = |ops: &mut dyn Iterator<Item = &Op>| {
            ops.take_while(|o| matches!(o, Op::Added(_))).count()
        };
        let trailing = added(&mut self.ops.iter().rev());
        let rest = (self.end..n).take_while(|&k| joined(k)).count();
        if trailing > 0 && rest > 0 && rest <= trailing {
            let first = self.ops.len() - trailing;
            for k in first..first + rest {
                if let Op::Added(qi) = self.ops[k] {
                    self.ops[k] = Op::Changed(qi, self.end);
                    self.end += 1;
                }
            }
        }
        let leading = added(&mut self.ops.iter());
        let rest = (1..=self.start).rev().take_while(|&k| joined(k)).count();
        if leading > 0 && rest > 0 && rest <= leading {
            for k in (leading - rest..leading).rev() {
                if let Op::Added(qi) = self.ops[k] {
                    self.start -= 1;
                    self.ops[k] = Op::Changed(qi, self.start);
                }
            }
        }
    }
}

/// The part of `s` worth aligning with `q`: all of it when short, else a window around the
/// densest run of the quote's words. Returns the window's offset and the window.
fn window<'a, 'b>(q: &[&str], s: &'b [&'a str]) -> (usize, &'b [&'a str]) {
    let len = 2 * q.len() + 16;
    if s.len() <= 4 * q.len() + 64 {
        return (0, s);
    }
    let hit: Vec<u32> = s.iter().map(|w| u32::from(q.contains(w))).collect();
    let (mut best, mut best_at, mut run) = (0, 0, hit[..len].iter().sum::<u32>());
    for k in len..hit.len() {
        run = run + hit[k] - hit[k - len];
        if run > best {
            (best, best_at) = (run, k + 1 - len);
        }
    }
    let from = best_at.saturating_sub(q.len() / 2);
    let to = (best_at + len + q.len() / 2).min(s.len());
    (from, &s[from..to])
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRC: &str = "Each participating State will respect the rights of all others in these regards. \
        They will not strengthen their security at the expense of the security of other States.";

    #[test]
    fn exact_and_normalized() {
        let q = Prepared::new("They will not strengthen their security");
        assert_eq!(q.check(SRC, 0.8, true).unwrap().verdict, Verdict::Exact);
        let q = Prepared::new("they will NOT strengthen their security at the expense,");
        let c = q.check(SRC, 0.8, true).unwrap();
        assert_eq!(c.verdict, Verdict::Normalized);
        assert_eq!(
            &SRC[c.span.0..c.span.1],
            "They will not strengthen their security at the expense"
        );
    }

    #[test]
    fn elided_parts_in_order() {
        let q = Prepared::new(
            "Each participating State […] at the expense of the security of other States.",
        );
        let c = q.check(SRC, 0.8, true).unwrap();
        assert_eq!(c.verdict, Verdict::Exact);
        assert_eq!((c.span.0, c.span.1), (0, SRC.len()));
        let q = Prepared::new("at the expense of the security … Each participating State will");
        assert_ne!(
            q.check(SRC, 0.8, true).map(|c| c.verdict),
            Some(Verdict::Exact)
        );
    }

    #[test]
    fn near_records_changes() {
        let q = Prepared::new(
            "They will not strengthen their defence at the expense of the security of other States.",
        );
        let c = q.check(SRC, 0.8, true).unwrap();
        assert_eq!(c.verdict, Verdict::Near);
        assert_eq!(c.changed, [("security".to_string(), "defence".to_string())]);
        assert!(c.added.is_empty() && c.dropped.is_empty());
        assert!(c.similarity > 0.9);
        let q = Prepared::new(
            "They will not at all strengthen security at the expense of the security of other States",
        );
        let c = q.check(SRC, 0.8, true).unwrap();
        assert_eq!(
            (c.added.clone(), c.dropped.clone()),
            (vec!["at".into(), "all".into()], vec!["their".into()])
        );
    }

    #[test]
    fn a_last_or_first_word_swapped_is_a_change() {
        // The sentence's last word replaced: a change, and the source shows the word.
        let q = Prepared::new(
            "They will not strengthen their security at the expense of the security of other nations",
        );
        let c = q.check(SRC, 0.8, true).unwrap();
        assert_eq!(c.changed, [("States".to_string(), "nations".to_string())]);
        assert!(c.added.is_empty(), "{:?}", c.added);
        assert!(SRC[c.span.0..c.span.1].ends_with("other States"));
        // Its first word replaced, where the sentence begins at the source's start.
        let q = Prepared::new(
            "Every participating State will respect the rights of all others in these regards",
        );
        let c = q.check(SRC, 0.8, true).unwrap();
        assert_eq!(c.changed, [("Each".to_string(), "Every".to_string())]);
        assert_eq!(c.span.0, 0);
        // A word added before a sentence, the one before it ended: added, not a change.
        let q = Prepared::new(
            "Indeed they will not strengthen their security at the expense of the security",
        );
        let c = q.check(SRC, 0.8, true).unwrap();
        assert_eq!(
            (c.added.clone(), c.changed.clone()),
            (vec!["Indeed".into()], vec![])
        );
        // Where the sentence goes on for longer than the words added, they stay added.
        let q = Prepared::new("They will not strengthen their security at the expense of others");
        let c = q.check(SRC, 0.8, true).unwrap();
        assert_eq!(
            (c.added.clone(), c.changed.clone()),
            (vec!["others".into()], vec![])
        );
    }

    #[test]
    fn unrelated_is_none() {
        let q = Prepared::new("The weather in Geneva was pleasant all week long");
        assert!(q.check(SRC, 0.8, true).is_none());
    }

    #[test]
    fn long_source_window() {
        let filler = "lorem ipsum dolor sit amet ".repeat(200);
        let src = format!("{filler}{SRC} {filler}");
        let q = Prepared::new(
            "They will not strengthen their defence at the expense of the security of other States",
        );
        let c = q.check(&src, 0.8, true).unwrap();
        assert_eq!(c.changed, [("security".to_string(), "defence".to_string())]);
    }
}
