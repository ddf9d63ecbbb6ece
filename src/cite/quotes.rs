//! Finding quotations: text in “…”, „…“, «…», ‘…’, "…" or '…', and, without marks, a sentence
//! run holding an elision mark `[…]` (a block quotation set off only by its elisions).
//!
//! In: the original text. Out: byte spans of the quoted words (inside the marks). An apostrophe
//! inside or after a word ("Russia’s", "states’") never opens a quotation.

use memchr::{memchr, memchr3, memmem};

use super::fold::{char_at, char_before, word_count};

/// A quotation's byte span, inside its marks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct QuoteSpan {
    pub start: usize,
    pub end: usize,
    /// False for a quotation known only by its elision marks.
    pub marked: bool,
}

/// How far a closing mark is looked for (bytes): ASCII apostrophes are cheap to open by mistake.
const MAX_SINGLE: usize = 3000;
const MAX_QUOTE: usize = 20_000;

/// The characters that may open a quotation (whether one does depends on its neighbours: see
/// [`opener`]). A marked quotation's span starts just after one of them.
pub const OPENING_MARKS: [char; 6] = ['\u{201c}', '\u{201e}', '\u{ab}', '\u{2018}', '"', '\''];

fn opens_after(prev: Option<char>) -> bool {
    prev.is_none_or(|p| p.is_whitespace() || "([{/:;,—–-\u{2014}\u{a0}".contains(p))
}

/// If `c` at byte `i` opens a quotation: the characters that may close it and the search limit.
fn opener(text: &str, i: usize, c: char) -> Option<(&'static [char], usize)> {
    let prev = char_before(text, i);
    let next = char_at(text, i + c.len_utf8());
    let next_word = next.is_some_and(|n| !n.is_whitespace());
    match c {
        '\u{201c}' => Some((&['\u{201d}', '"'], MAX_QUOTE)),
        '\u{201e}' => Some((&['\u{201c}', '\u{201d}', '"'], MAX_QUOTE)),
        '\u{ab}' => Some((&['\u{bb}'], MAX_QUOTE)),
        '\u{2018}' if !prev.is_some_and(char::is_alphanumeric) && next_word => {
            Some((&['\u{2019}'], MAX_SINGLE))
        }
        '"' if opens_after(prev) && next_word => Some((&['"', '\u{201d}'], MAX_QUOTE)),
        '\'' if opens_after(prev) && next.is_some_and(char::is_alphanumeric) => {
            Some((&['\''], MAX_SINGLE))
        }
        _ => None,
    }
}

/// The byte range of the mark closing a quotation whose text starts at `from`.
fn closer(
    text: &str,
    from: usize,
    open: char,
    closers: &[char],
    limit: usize,
) -> Option<(usize, usize)> {
    let mut end = (from + limit).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let region = &text[from..end];
    let region = &region[..memmem::find(region.as_bytes(), b"\n\n").unwrap_or(region.len())];
    let single = matches!(open, '\'' | '\u{2018}');
    for (j, c) in region.char_indices() {
        let at = from + j;
        if c == open && !single && open != '"' {
            return None; // a second opener first: this one was never closed
        }
        if !closers.contains(&c) {
            continue;
        }
        if single {
            let before = char_before(text, at);
            let after = char_at(text, at + c.len_utf8());
            if before.is_none_or(char::is_whitespace) || after.is_some_and(char::is_alphanumeric) {
                continue; // an apostrophe: "Russia’s", "don't"
            }
        }
        return Some((at, at + c.len_utf8()));
    }
    None
}

/// Quotations in marks with at least `min_words` words.
pub(crate) fn marked(text: &str, min_words: usize) -> Vec<QuoteSpan> {
    let b = text.as_bytes();
    let guillemets = !text.is_ascii() && memmem::find(b, "\u{ab}".as_bytes()).is_some();
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < b.len() {
        let mut next = memchr3(b'"', b'\'', 0xE2, &b[pos..]);
        if guillemets && let Some(g) = memchr(0xC2, &b[pos..]) {
            next = Some(next.map_or(g, |n| n.min(g)));
        }
        let Some(rel) = next else { break };
        let i = pos + rel;
        let Some(c) = char_at(text, i) else { break };
        let after = i + c.len_utf8();
        pos = after;
        let Some((closers, limit)) = opener(text, i, c) else {
            continue;
        };
        if let Some((cs, ce)) = closer(text, after, c, closers, limit) {
            if word_count(&text[after..cs]) >= min_words {
                out.push(QuoteSpan {
                    start: after,
                    end: cs,
                    marked: true,
                });
            }
            pos = ce;
        }
    }
    out
}

fn sentence_start(text: &str, i: usize) -> usize {
    let head = &text[..i];
    let mut cut = 0;
    for (j, c) in head.char_indices().rev() {
        let next_ws = char_at(text, j + c.len_utf8()).is_some_and(char::is_whitespace);
        if c == '\n'
            || (matches!(c, '.' | '!' | '?' | ':') && next_ws && !head[..j].ends_with("[.."))
        {
            cut = j + c.len_utf8();
            break;
        }
    }
    cut + (text[cut..i].len() - text[cut..i].trim_start().len())
}

fn sentence_end(text: &str, i: usize) -> usize {
    for (j, c) in text[i..].char_indices() {
        let at = i + j;
        if c == '\n' {
            return at;
        }
        let next = char_at(text, at + c.len_utf8());
        if matches!(c, '.' | '!' | '?') && next.is_none_or(char::is_whitespace) {
            return at + 1;
        }
    }
    text.len()
}

/// Quotations without marks: for the elision marks starting at the byte offsets `elisions`
/// (each `[...]` or `[…]`, outside marked quotations), the sentences from the one holding the
/// first mark of a paragraph to the one holding its last.
pub(crate) fn unmarked(
    text: &str,
    elisions: &[(usize, usize)],
    marked: &[QuoteSpan],
    min_words: usize,
) -> Vec<QuoteSpan> {
    let free: Vec<(usize, usize)> = elisions
        .iter()
        .copied()
        .filter(|&(s, _)| !marked.iter().any(|q| q.start <= s && s < q.end))
        .collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < free.len() {
        let mut j = i;
        while j + 1 < free.len() && !text[free[j].1..free[j + 1].0].contains("\n\n") {
            j += 1;
        }
        let (start, end) = (
            sentence_start(text, free[i].0),
            sentence_end(text, free[j].1),
        );
        if start < end && word_count(&text[start..end]) >= min_words {
            out.push(QuoteSpan {
                start,
                end,
                marked: false,
            });
        }
        i = j + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quoted(text: &str) -> Vec<&str> {
        marked(text, 4)
            .iter()
            .map(|q| &text[q.start..q.end])
            .collect()
    }

    #[test]
    fn the_opening_marks_are_the_characters_that_open_a_quotation() {
        for c in OPENING_MARKS {
            let text = format!("said {c}these words here");
            assert!(opener(&text, 5, c).is_some(), "{c} opens nothing");
        }
        // Nothing else opens one, even where a mark would.
        for c in ['\u{201d}', '\u{bb}', '\u{2019}', '`', '(', '<'] {
            let text = format!("said {c}these words here");
            assert!(opener(&text, 5, c).is_none(), "{c} opens a quotation");
        }
    }

    #[test]
    fn marks_of_all_kinds() {
        assert_eq!(
            quoted("He said “one two three four” and"),
            ["one two three four"]
        );
        assert_eq!(
            quoted("Er sagte „eins zwei drei vier“."),
            ["eins zwei drei vier"]
        );
        assert_eq!(
            quoted("Il a dit « un deux trois quatre »."),
            [" un deux trois quatre "]
        );
        assert_eq!(quoted("a ‘one two three four’ b"), ["one two three four"]);
        assert_eq!(quoted("a \"one two three four\" b"), ["one two three four"]);
        assert_eq!(quoted("a 'one two three four' b"), ["one two three four"]);
        assert_eq!(
            quoted("the “right to neutrality\", the"),
            Vec::<&str>::new(),
            "3 words"
        );
        assert_eq!(
            quoted("the “right to real neutrality\", the"),
            ["right to real neutrality"]
        );
    }

    #[test]
    fn apostrophes_do_not_open() {
        let t = "Russia’s view and the states’ commitment, and NATO’s plan, it’s ‘not one two three’ ok";
        assert_eq!(quoted(t), ["not one two three"]);
        assert!(quoted("don't 'tis the members' view of it all").is_empty());
    }

    #[test]
    fn unclosed_opener_is_skipped() {
        assert_eq!(
            quoted("a “b c d e f “one two three four” g"),
            ["one two three four"]
        );
    }

    #[test]
    fn elisions_without_marks() {
        let t = "It says so. The OSCE will work now and in the future […] actively support it […]. Next one.";
        let first = t.find('[').unwrap();
        let second = t.rfind('[').unwrap();
        let el = [(first, first + 5), (second, second + 5)];
        let got = unmarked(t, &el, &[], 4);
        assert_eq!(
            &t[got[0].start..got[0].end],
            "The OSCE will work now and in the future […] actively support it […]."
        );
    }
}
