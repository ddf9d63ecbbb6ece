//! Cutting a text body into clauses.
//!
//! In: the body of a text document (or a `text` key). Out: its paragraphs as
//! labelled clauses. Paragraphs are separated by blank lines. A paragraph that
//! opens with a label (`8.`, `8)`, `(8)`, `8.2`, `Article 5`, `Art. 5`,
//! `Point 8`, `§ 8`, `IV.`) becomes the clause with that label; a line
//! `{#label}` alone at the end of a paragraph sets the label explicitly; any
//! other paragraph, or one whose detected label was already used, becomes
//! `pN`, N being its position among all paragraphs of the body.

use std::collections::HashSet;

/// One paragraph of a body, labelled.
#[derive(Debug, Clone, PartialEq)]
pub struct Cut {
    pub label: String,
    /// The paragraph text, trimmed, without an explicit `{#label}` line.
    pub text: String,
    /// Byte offset of the paragraph in the body (for line numbers).
    pub offset: usize,
    /// Byte offset of the explicit `{#label}` line, when there is one.
    pub explicit_at: Option<usize>,
    /// The speaker label the paragraph opens with ("Question", "Sergey Lavrov"), if it looks
    /// like one (see [`speaker_label`]).
    pub speaker: Option<String>,
}

/// Splits `body` into labelled paragraphs. Duplicate explicit labels are
/// returned as they are; the caller reports them (it knows the file).
pub fn cut(body: &str) -> Vec<Cut> {
    let mut used = HashSet::new();
    let mut out = Vec::new();
    for (n, (offset, para)) in paragraphs(body).into_iter().enumerate() {
        let (text, explicit) = split_explicit(para);
        let (label, explicit_at) = match explicit {
            Some((label, at)) => (label.to_string(), Some(offset + at)),
            None => match detect_label(text) {
                Some(l) if !used.contains(&l) => (l, None),
                _ => (format!("p{}", n + 1), None),
            },
        };
        used.insert(label.clone());
        out.push(Cut {
            label,
            speaker: speaker_label(text),
            text: text.trim().to_string(),
            offset,
            explicit_at,
        });
    }
    out
}

/// The paragraphs of `body` with their byte offsets: runs of lines separated
/// by lines that hold only whitespace.
fn paragraphs(body: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut end = 0;
    let mut pos = 0;
    for line in body.split_inclusive('\n') {
        if line.trim().is_empty() {
            if let Some(s) = start.take() {
                out.push((s, &body[s..end]));
            }
        } else {
            let lead = line.len() - line.trim_start().len();
            start.get_or_insert(pos + lead);
            end = pos + line.trim_end().len();
        }
        pos += line.len();
    }
    if let Some(s) = start {
        out.push((s, &body[s..end]));
    }
    out
}

/// Splits off a last line `{#label}`; returns the rest and the label with its
/// offset within the paragraph.
fn split_explicit(para: &str) -> (&str, Option<(&str, usize)>) {
    let last_start = para.rfind('\n').map_or(0, |i| i + 1);
    let last = para[last_start..].trim();
    if let Some(inner) = last.strip_prefix("{#").and_then(|s| s.strip_suffix('}')) {
        let at = last_start + (para[last_start..].len() - para[last_start..].trim_start().len());
        return (&para[..last_start], Some((inner.trim(), at)));
    }
    (para, None)
}

/// A speaker label that opens a paragraph of a transcript: "Question: …", "Sergey Lavrov: …",
/// "Mr Blinken: …", or the label alone on the first line with ":" opening the next ("Sergey
/// Lavrov\n: I believe …") or ending the first ("Sergey Lavrov:\nI believe …"). A label is one
/// to six words, at most 48 characters, that open with a capital (or a caseless letter) and
/// hold no digits and no punctuation but a dot after an abbreviation ("Mr.") and inner hyphens
/// and apostrophes. Whether it names a speaker is decided with the corpus's actors.
pub fn speaker_label(para: &str) -> Option<String> {
    let s = para.trim_start();
    let first = s.lines().next().unwrap_or("");
    let (label, _) = match first.split_once(':') {
        Some((l, rest)) if rest.is_empty() || rest.starts_with([' ', '\t']) => (l, rest),
        None => {
            // "Sergey Lavrov" alone, ":" opening the next line.
            let second = s.lines().nth(1)?;
            if !second.trim_start().starts_with(':') {
                return None;
            }
            (first, "")
        }
        _ => return None,
    };
    let label = label.trim();
    let words: Vec<&str> = label.split_whitespace().collect();
    if words.is_empty() || words.len() > 6 || label.chars().count() > 48 {
        return None;
    }
    let opens = |w: &str| {
        w.chars()
            .next()
            .is_some_and(|c| c.is_uppercase() || c.is_alphabetic() && !c.is_lowercase())
    };
    if !opens(words[0]) {
        return None;
    }
    let plain = words.iter().all(|w| {
        let w = w.strip_suffix('.').unwrap_or(w);
        !w.is_empty()
            && w.chars()
                .all(|c| c.is_alphabetic() || c == '-' || c == '\'' || c == '’' || c == '.')
    });
    plain.then(|| label.to_string())
}

/// The label a paragraph opens with, if any.
pub fn detect_label(para: &str) -> Option<String> {
    let s = para.trim_start();
    numbered(s)
        .or_else(|| parenthesised(s))
        .or_else(|| worded(s))
        .or_else(|| roman(s))
}

/// `8.` `8)` `8.2` `8.2.` followed by whitespace or the end.
fn numbered(s: &str) -> Option<String> {
    let num_len = dotted_number_len(s)?;
    let num = s[..num_len].trim_end_matches('.');
    let rest = &s[num_len..];
    let dotted = num.contains('.');
    let (punct, rest) = match rest.as_bytes().first() {
        Some(b')') => (true, &rest[1..]),
        _ => (s[..num_len].ends_with('.'), rest),
    };
    if (punct || dotted) && starts_with_space_or_end(rest) {
        return Some(num.to_string());
    }
    None
}

/// Length of `\d+(\.\d+)*\.?` at the start of `s`.
fn dotted_number_len(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut i = 0;
    loop {
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start || i - start > 4 {
            return if start == 0 { None } else { Some(start) };
        }
        if i < b.len() && b[i] == b'.' {
            i += 1;
        } else {
            return Some(i);
        }
    }
}

/// `(8)` followed by whitespace or the end.
fn parenthesised(s: &str) -> Option<String> {
    let inner = s.strip_prefix('(')?;
    let close = inner.find(')')?;
    let num = &inner[..close];
    let ok = !num.is_empty() && num.len() <= 4 && num.bytes().all(|b| b.is_ascii_digit());
    (ok && starts_with_space_or_end(&inner[close + 1..])).then(|| num.to_string())
}

/// `Article 5`, `Art. 5`, `Point 8`, `§ 8` (any case), then the end of the
/// line, punctuation, or a word that does not start in lower case: prose such
/// as "Article 5 of the Charter says" is not a label.
fn worded(s: &str) -> Option<String> {
    let lower = s
        .get(..8.min(s.len()))
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let skip = ["article ", "art. ", "point ", "§ ", "§"]
        .iter()
        .find(|w| lower.starts_with(**w) || s.starts_with(**w))
        .map(|w| w.len())?;
    let rest = s[skip..].trim_start();
    let len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.'))
        .unwrap_or(rest.len());
    let label = rest[..len].trim_end_matches('.');
    let valid = !label.is_empty()
        && (label.bytes().all(|b| b.is_ascii_digit() || b == b'.') || is_roman(label));
    if !valid {
        return None;
    }
    let after = rest[len..].trim_start_matches([' ', '\t']);
    let next = after.chars().next();
    match next {
        None | Some('\n' | '\r') => Some(label.to_string()),
        Some(c) if c.is_lowercase() => None,
        Some(_) => Some(label.to_string()),
    }
}

/// `IV.` (upper-case roman numeral and a dot) followed by whitespace or the end.
fn roman(s: &str) -> Option<String> {
    let len = s.find(|c: char| !"IVXLCDM".contains(c)).unwrap_or(s.len());
    let rest = &s[len..];
    (len > 0 && rest.starts_with('.') && starts_with_space_or_end(&rest[1..]))
        .then(|| s[..len].to_string())
}

fn is_roman(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| "IVXLCDM".contains(c))
}

fn starts_with_space_or_end(s: &str) -> bool {
    s.chars().next().is_none_or(char::is_whitespace)
}

/// The label of the clause that `label` lies under: its longest dotted prefix
/// that is in `known` (`8.2.1` → `8.2`, else `8`).
pub fn parent_label<'a>(label: &'a str, known: &HashSet<&str>) -> Option<&'a str> {
    let mut cut = label;
    while let Some(i) = cut.rfind('.') {
        cut = &cut[..i];
        if known.contains(cut) {
            return Some(cut);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(body: &str) -> Vec<String> {
        cut(body).into_iter().map(|c| c.label).collect()
    }

    #[test]
    fn label_forms_of_the_spec() {
        for (para, label) in [
            ("8. Each participating State", "8"),
            ("8) Each", "8"),
            ("(8) Each", "8"),
            ("8.2 We reaffirm", "8.2"),
            ("8.2. We reaffirm", "8.2"),
            ("Article 5\nThe Parties agree", "5"),
            ("Article 5. The Parties", "5"),
            ("ARTICLE 51 Nothing in", "51"),
            ("Art. 5 The Parties", "5"),
            ("Point 8: Each", "8"),
            ("§ 8 Each", "8"),
            ("IV. Our common response", "IV"),
            ("Article IV\nText", "IV"),
        ] {
            assert_eq!(detect_label(para).as_deref(), Some(label), "{para}");
        }
    }

    #[test]
    fn prose_is_not_a_label() {
        for para in [
            "1990 was the year",
            "Article 5 of the Charter says",
            "Point of order",
            "I believe that",
            "cc. The intensified confrontation",
            "In 1999. the charter",
            "Even Point 8 of the Treaty",
            "12345. too long",
        ] {
            assert_eq!(detect_label(para), None, "{para}");
        }
    }

    #[test]
    fn paragraphs_become_pn_and_labels_are_not_reused() {
        let body = "Intro text.\n\n1. First.\n\n  \n2. Second\ncontinued.\n\n1. A list again.\n";
        assert_eq!(labels(body), ["p1", "1", "2", "p4"]);
        assert_eq!(cut(body)[2].text, "2. Second\ncontinued.");
    }

    #[test]
    fn explicit_label_line() {
        let body = "Some paragraph\n{#preamble}\n\nNext.";
        let c = cut(body);
        assert_eq!(c[0].label, "preamble");
        assert_eq!(c[0].text, "Some paragraph");
        assert_eq!(c[0].explicit_at, Some(15));
        assert_eq!(c[1].label, "p2");
    }

    #[test]
    fn offsets_point_at_paragraph_starts() {
        let body = "a\n\n  b c\n";
        let c = cut(body);
        assert_eq!(c[1].offset, 5);
        assert_eq!(&body[c[1].offset..c[1].offset + 3], "b c");
    }

    #[test]
    fn parents_by_longest_known_prefix() {
        let known: HashSet<&str> = ["8", "8.2"].into_iter().collect();
        assert_eq!(parent_label("8.2.1", &known), Some("8.2"));
        assert_eq!(parent_label("8.5", &known), Some("8"));
        assert_eq!(parent_label("9.1", &known), None);
        assert_eq!(parent_label("8", &known), None);
    }
}
