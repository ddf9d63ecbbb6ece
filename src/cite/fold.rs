//! Folding text for matching, with a map back to the original byte offsets.
//!
//! In: any `&str`. Out: a folded copy (lowercase, typographic quotes, dashes and odd spaces made
//! plain) plus, where folding changed byte lengths, a map from folded to original offsets.
//! Also: word tokenising and byte→character offset conversion.

/// A folded copy of a text and the way back to the original's byte offsets.
pub(crate) struct Folded {
    /// The folded text.
    pub text: String,
    /// Each character whose folded form changed byte length: (folded start, folded end,
    /// original start, original end), ascending. Empty for ASCII text.
    shifts: Vec<[u32; 4]>,
}

impl Folded {
    /// The original byte offset of folded byte offset `i` (inside a character's folded form:
    /// that character's start).
    pub fn orig(&self, i: usize) -> usize {
        let k = self.shifts.partition_point(|s| s[0] as usize <= i);
        let Some(&[_, f_end, o_start, o_end]) = k.checked_sub(1).map(|k| &self.shifts[k]) else {
            return i;
        };
        if i < f_end as usize {
            o_start as usize
        } else {
            i - f_end as usize + o_end as usize
        }
    }
}

/// Byte table for ASCII: lowercase letters, tabs and line breaks become spaces.
static ASCII_FOLD: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        t[i] = match b {
            b'A'..=b'Z' => b + 32,
            b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => b' ',
            _ => b,
        };
        i += 1;
    }
    t
};

/// Folds one non-ASCII character onto `out` (see [`fold`]); returns how many characters it
/// pushed.
fn push_folded(c: char, out: &mut Vec<u8>) -> usize {
    let plain = match c {
        '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}' | '\u{2032}' => b'\'',
        '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{201f}' | '\u{00ab}' | '\u{00bb}'
        | '\u{2033}' => b'"',
        '\u{2010}'..='\u{2015}' | '\u{2212}' => b'-',
        '\u{00a0}' | '\u{2000}'..='\u{200a}' | '\u{202f}' | '\u{205f}' | '\u{3000}' => b' ',
        '\u{2026}' => {
            out.extend_from_slice(b"...");
            return 3;
        }
        '\u{00ad}' => return 0, // soft hyphen: invisible
        _ => {
            let mut buf = [0u8; 4];
            let mut n = 0;
            for l in c.to_lowercase() {
                out.extend_from_slice(l.encode_utf8(&mut buf).as_bytes());
                n += 1;
            }
            return n;
        }
    };
    out.push(plain);
    1
}

/// Folds `text`: Unicode lowercase, ’‘ → `'`, “”„«» → `"`, dashes → `-`, `…` → `...`,
/// odd spaces and line breaks → space. ASCII runs are copied through a byte table; only the
/// other characters are decoded, and a shift is recorded where one changes the byte length.
pub(crate) fn fold(text: &str) -> Folded {
    let bytes = text.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(text.len() + 16);
    let mut shifts = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let run = bytes[i..]
            .iter()
            .position(|b| !b.is_ascii())
            .unwrap_or(bytes.len() - i);
        let from = out.len();
        out.extend_from_slice(&bytes[i..i + run]);
        fold_ascii(&mut out[from..]);
        i += run;
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        let start = out.len();
        let chars = push_folded(c, &mut out);
        if out.len() - start != c.len_utf8() || chars != 1 {
            shifts.push([
                start as u32,
                out.len() as u32,
                i as u32,
                (i + c.len_utf8()) as u32,
            ]);
        }
        i += c.len_utf8();
    }
    // Only whole characters were pushed, so the bytes are valid UTF-8 and this cannot fail.
    let text = String::from_utf8(out).unwrap_or_default();
    Folded { text, shifts }
}

/// Lowercases ASCII bytes in place and turns tabs and line breaks into spaces.
fn fold_ascii(bytes: &mut [u8]) {
    bytes.make_ascii_lowercase();
    for at in memchr::memchr3_iter(b'\n', b'\t', b'\r', bytes).collect::<Vec<_>>() {
        bytes[at] = b' ';
    }
}

/// Like [`fold`], and also collapses whitespace runs to one space. Used to compare quotations
/// with their sources ("normalized" equality).
pub(crate) fn normalize(text: &str) -> Folded {
    let mut out: Vec<u8> = Vec::with_capacity(text.len() + 16);
    let mut shifts = Vec::new();
    let mut last_space = false;
    for (i, c) in text.char_indices() {
        let before = out.len();
        let chars = if c.is_ascii() {
            out.push(ASCII_FOLD[c as usize]);
            1
        } else {
            push_folded(c, &mut out)
        };
        if out.len() == before + 1 && out[before] == b' ' {
            if last_space {
                out.truncate(before);
            }
            last_space = true;
        } else if out.len() > before {
            last_space = false;
        }
        if out.len() - before != c.len_utf8() || (chars != 1 && out.len() > before) {
            shifts.push([
                before as u32,
                out.len() as u32,
                i as u32,
                (i + c.len_utf8()) as u32,
            ]);
        }
    }
    // Only whole characters were pushed, so the bytes are valid UTF-8 and this cannot fail.
    Folded {
        text: String::from_utf8(out).unwrap_or_default(),
        shifts,
    }
}

/// A word: a run of letters and digits, with `'` or `-` kept between two such characters.
/// Returns byte ranges into `text` (which should be folded, so `’` is already `'`).
pub(crate) fn words(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut iter = text.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        if c.is_alphanumeric() {
            start.get_or_insert(i);
            continue;
        }
        let joiner = matches!(c, '\'' | '-' | '\u{2019}');
        let next_alnum = iter.peek().is_some_and(|&(_, n)| n.is_alphanumeric());
        if joiner && start.is_some() && next_alnum {
            continue;
        }
        if let Some(s) = start.take() {
            out.push((s, i));
        }
    }
    if let Some(s) = start {
        out.push((s, text.len()));
    }
    out
}

/// Counts words (as [`words`] does) without allocating.
pub(crate) fn word_count(text: &str) -> usize {
    let mut n = 0;
    let mut in_word = false;
    for c in text.chars() {
        let alnum = c.is_alphanumeric();
        if alnum && !in_word {
            n += 1;
        }
        if alnum {
            in_word = true;
        } else if !matches!(c, '\'' | '-' | '\u{2019}') {
            in_word = false;
        }
    }
    n
}

/// Converts byte offsets into `text` to character offsets, in place.
pub(crate) fn to_char_offsets(text: &str, offsets: &mut [&mut usize]) {
    if text.is_ascii() {
        return;
    }
    offsets.sort_by_key(|o| **o);
    let (mut byte, mut chars) = (0usize, 0usize);
    for o in offsets.iter_mut() {
        let target = (**o).min(text.len());
        chars += text[byte..target].chars().count();
        byte = target;
        **o = chars;
    }
}

/// The character just before byte `i` of `s`, if any.
pub(crate) fn char_before(s: &str, i: usize) -> Option<char> {
    s[..i].chars().next_back()
}

/// The character starting at byte `i` of `s`, if any.
pub(crate) fn char_at(s: &str, i: usize) -> Option<char> {
    s[i..].chars().next()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_fold_keeps_offsets() {
        let f = fold("The Istanbul\nCharter");
        assert_eq!(f.text, "the istanbul charter");
        assert_eq!(f.orig(4), 4);
    }

    #[test]
    fn cyrillic_fold_maps_back() {
        let text = "СТАМБУЛЬСКАЯ Хартия";
        let f = fold(text);
        assert_eq!(f.text, "стамбульская хартия");
        let i = f.text.find("хартия").unwrap();
        assert_eq!(&text[f.orig(i)..], "Хартия");
    }

    #[test]
    fn quotes_and_dashes_fold() {
        assert_eq!(fold("Russia’s “A” – B…").text, "russia's \"a\" - b...");
    }

    #[test]
    fn normalize_collapses_spaces() {
        let n = normalize("a  \n b");
        assert_eq!(n.text, "a b");
        assert_eq!(n.orig(2), 5);
        assert_eq!(n.orig(3), 6);
        let n = normalize("“Ab”  c");
        assert_eq!(n.text, "\"ab\" c");
        assert_eq!((n.orig(1), n.orig(4), n.orig(5), n.orig(6)), (3, 8, 10, 11));
    }

    #[test]
    fn fold_maps_every_offset() {
        let text = "Ýes – “Article” İx ΣΑΣ ok…";
        let f = fold(text);
        for (i, _) in f.text.char_indices() {
            assert!(text.is_char_boundary(f.orig(i)), "{i}");
        }
        assert_eq!(f.orig(f.text.len()), text.len());
        let a = f.text.find("article").unwrap();
        assert_eq!(&text[f.orig(a)..f.orig(a + 7)], "Article");
    }

    #[test]
    fn words_keep_inner_apostrophes() {
        let t = "the osce's pre-eminent - role";
        let w: Vec<&str> = words(t).into_iter().map(|(s, e)| &t[s..e]).collect();
        assert_eq!(w, ["the", "osce's", "pre-eminent", "role"]);
        assert_eq!(word_count(t), 4);
    }

    #[test]
    fn char_offsets() {
        let text = "Ах, Article 5";
        let mut a = text.find("Article").unwrap();
        let mut b = text.len();
        to_char_offsets(text, &mut [&mut b, &mut a]);
        assert_eq!((a, b), (4, 13));
    }
}
