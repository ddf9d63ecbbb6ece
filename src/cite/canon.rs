//! The words of a quotation or a source as compared by the `normalized` and `near` verdicts:
//! what a reader would call "the same words".
//!
//! In: a text as written. Out: its words in canonical form, each with its byte span in the
//! text. Differences that change no word disappear:
//!
//! - case, punctuation, quotation marks, dashes and spacing (only words are kept);
//! - hyphens inside a word and at a line end ("co-operation", "co-opera-\ntion" →
//!   `cooperation`);
//! - British and American spelling ("organisation"/"organization", "labour"/"labor",
//!   "defence"/"defense", "centre"/"center", "programme"/"program", "fulfil"/"fulfill",
//!   "connexion"/"connection");
//! - list markers ("b. promoting", "(a) to maintain", "2) the Organization").
//!
//! Both sides are canonicalised alike, so a rule that folds two real words together ("four" is
//! left alone for that reason) can only make two quotations equal that differ in spelling.

/// Canonical words and where each lies in the text (bytes, `start..end`).
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Words {
    pub words: Vec<String>,
    pub spans: Vec<(usize, usize)>,
    /// A 64-bit hash of each word ([`key`]): compared before the words themselves.
    pub keys: Vec<u64>,
}

/// A word's key: FNV-1a over its bytes. Equal words have equal keys; a search compares keys
/// first and confirms with the words, so a collision costs time, never a wrong answer.
pub(crate) fn key(w: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in w.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    h
}

impl Words {
    pub fn of(text: &str) -> Words {
        let mut out = Words::default();
        let b = text.as_bytes();
        let mut it = text.char_indices().peekable();
        // (start, end, folded) of the word being read
        let mut cur: Option<(usize, usize, String)> = None;
        while let Some((i, c)) = it.next() {
            if c.is_alphanumeric() {
                let w = cur.get_or_insert_with(|| (i, i, String::new()));
                w.1 = i + c.len_utf8();
                for l in c.to_lowercase() {
                    w.2.push(l);
                }
                continue;
            }
            let Some(word) = cur.as_mut() else {
                continue;
            };
            let next = it.peek().map(|&(_, n)| n);
            let joiner = matches!(c, '-' | '\u{2010}' | '\u{2011}' | '\u{00ad}');
            let apostrophe = matches!(c, '\'' | '\u{2019}');
            if (joiner || apostrophe) && next.is_some_and(char::is_alphanumeric) {
                if apostrophe {
                    word.2.push('\'');
                }
                continue;
            }
            // "co-opera-\ntion", "self- determination": a hyphen at a line end (or before a
            // space a line end became), the word going on in lower case.
            if joiner {
                let rest = &text[i + c.len_utf8()..];
                let after = rest.trim_start_matches([' ', '\t', '\r']);
                let after = after.strip_prefix('\n').unwrap_or(after);
                let after = after.trim_start_matches([' ', '\t', '\r']);
                if after.len() < rest.len() && after.starts_with(char::is_lowercase) {
                    // skip to the next word's first character
                    let skip = text.len() - after.len();
                    while it.peek().is_some_and(|&(j, _)| j < skip) {
                        it.next();
                    }
                    continue;
                }
            }
            let (s, e, w) = cur.take().unwrap_or_default();
            out.push(b, s, e, w);
        }
        if let Some((s, e, w)) = cur {
            out.push(b, s, e, w);
        }
        out
    }

    fn push(&mut self, text: &[u8], start: usize, end: usize, word: String) {
        // A list marker, or a stray letter of OCR noise ("standards of living t full"): not
        // a word of the text.
        let stray = word.len() == 1
            && word.bytes().all(|b| b.is_ascii_lowercase())
            && word != "a"
            && word != "i";
        if stray || is_marker(text, start, end, &word) {
            return;
        }
        let word = canonical(word);
        self.keys.push(key(&word));
        self.words.push(word);
        self.spans.push((start, end));
    }

    pub fn len(&self) -> usize {
        self.words.len()
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The first place at or after word `from` where `needle` occurs as a run of words.
    pub fn find(&self, needle: &Words, from: usize) -> Option<usize> {
        let first = *needle.keys.first()?;
        let n = needle.keys.len();
        let last_start = self.keys.len().checked_sub(n)?;
        let mut k = from;
        while k <= last_start {
            k += self.keys[k..=last_start].iter().position(|&x| x == first)?;
            if self.keys[k..k + n] == needle.keys[..] && self.words[k..k + n] == needle.words[..] {
                return Some(k);
            }
            k += 1;
        }
        None
    }
}

/// A list marker: a letter, a number of one or two digits or a small roman numeral, written
/// "(b)" "(ii)", or "b." "b)" "2)" at the start of the text or after a space or a line break.
fn is_marker(text: &[u8], start: usize, end: usize, word: &str) -> bool {
    let before = start.checked_sub(1).map(|i| text[i]);
    let after = text.get(end).copied();
    let small = word.chars().count() == 1
        || word.len() <= 2 && word.bytes().all(|c| c.is_ascii_digit())
        || word.len() <= 4 && word.bytes().all(|c| b"ivx".contains(&c));
    if !small {
        return false;
    }
    if before == Some(b'(') && after == Some(b')') {
        return true;
    }
    let opener = |c: u8| c.is_ascii_whitespace() || b"\"'([".contains(&c) || c >= 0x80;
    let alone = before.is_none_or(opener);
    let closed = matches!(after, Some(b'.' | b')'));
    let followed = text.get(end + 1).is_none_or(|c| c.is_ascii_whitespace());
    alone && closed && followed && word.chars().count() <= 2
}

/// The canonical form of a folded word (see the module's documentation).
fn canonical(mut w: String) -> String {
    if w.contains('-') {
        w.retain(|c| c != '-');
    }
    let n = w.len();
    if !w.is_ascii() || n < 5 {
        return w;
    }
    const ENDINGS: &[(&str, &str)] = &[
        ("isations", "izations"),
        ("isation", "ization"),
        ("ising", "izing"),
        ("ised", "ized"),
        ("ises", "izes"),
        ("ise", "ize"),
        ("ourable", "orable"),
        ("ouring", "oring"),
        ("oured", "ored"),
        ("ours", "ors"),
        ("our", "or"),
        ("tres", "ters"),
        ("tre", "ter"),
        ("ences", "enses"),
        ("ence", "ense"),
        ("xion", "ction"),
        ("xions", "ctions"),
        ("ogrammes", "ograms"),
        ("ogramme", "ogram"),
        ("gement", "gment"),
        ("geing", "ging"),
    ];
    // "practise" is the British verb of "practice".
    if let Some(rest) = w.strip_prefix("practis") {
        w = format!("practic{rest}");
    }
    for (from, to) in ENDINGS {
        if let Some(stem) = w.strip_suffix(from)
            && stem.len() >= 2
        {
            w = format!("{stem}{to}");
            break;
        }
    }
    // "fulfil"/"fulfill", "travelled"/"traveled", "enrolment"/"enrollment".
    if w.contains("ll") {
        w = w.replace("ll", "l");
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(t: &str) -> Vec<String> {
        Words::of(t).words
    }

    #[test]
    fn what_changes_no_word() {
        assert_eq!(
            w("Co-operation, Organisation!"),
            w("cooperation organization")
        );
        assert_eq!(w("co-opera-\ntion"), w("cooperation"));
        assert_eq!(w("self- determination"), w("self-determination"));
        assert_eq!(w("to practise tolerance"), w("to practice tolerance"));
        assert_eq!(
            w("standards of living t full employment"),
            w("standards of living, full employment")
        );
        assert_eq!(w("labour and defence"), w("labor and defense"));
        assert_eq!(w("in connexion with"), w("in connection with"));
        assert_eq!(w("to fulfil the programme"), w("to fulfill the program"));
        assert_eq!(
            w("b. promoting international co-operation"),
            w("promoting international cooperation")
        );
        assert_eq!(
            w("(a) to maintain; (ii) to develop"),
            w("to maintain to develop")
        );
        assert_eq!(w("the States’ rights"), w("the States' rights"));
        assert_ne!(w("four"), w("for"));
        assert_ne!(w("six other Members"), w("ten other Members"));
    }

    #[test]
    fn spans_point_at_the_words() {
        let t = "a. Promoting co-operation";
        let ws = Words::of(t);
        let got: Vec<&str> = ws.spans.iter().map(|&(s, e)| &t[s..e]).collect();
        assert_eq!(got, ["Promoting", "co-operation"]);
        assert_eq!(ws.find(&Words::of("cooperation"), 0), Some(1));
    }
}
