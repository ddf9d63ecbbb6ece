//! A cursor over text and the small parsers that clause references are made of: spaces, a
//! case-insensitive word, a number (`51`, `8.5`, `7 bis`), a roman numeral, a bracketed part
//! `(4)`, a list separator.
//!
//! In: the original text and a byte offset. Out: the parsed piece, the cursor moved past it
//! (or left where it was when nothing parsed).

/// A position in a text, with small parsers that advance it on success.
pub(crate) struct Cur<'a> {
    pub s: &'a str,
    pub pos: usize,
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

impl<'a> Cur<'a> {
    pub fn rest(&self) -> &'a str {
        &self.s[self.pos..]
    }

    pub fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    /// Skips spaces and at most one line break; returns how many bytes.
    pub fn spaces(&mut self) -> usize {
        let start = self.pos;
        let mut newlines = 0;
        while let Some(c) = self.peek() {
            if c == '\n' {
                newlines += 1;
                if newlines > 1 {
                    break;
                }
            } else if !(c == ' ' || c == '\t' || c == '\r' || c == '\u{a0}' || c == '\u{202f}') {
                break;
            }
            self.pos += c.len_utf8();
        }
        self.pos - start
    }

    /// Takes `w` (ASCII, any case) when a word boundary follows it.
    pub fn word(&mut self, w: &str) -> bool {
        let r = self.rest();
        let ok = r.len() >= w.len()
            && r.as_bytes()[..w.len()].eq_ignore_ascii_case(w.as_bytes())
            && (!w.ends_with(|c: char| c.is_alphanumeric())
                || !r[w.len()..].starts_with(is_word_char));
        if ok {
            self.pos += w.len();
        }
        ok
    }

    pub fn any_word(&mut self, ws: &[&str]) -> bool {
        ws.iter().any(|w| self.word(w))
    }

    /// A run of letters; returns it.
    pub fn letters(&mut self) -> Option<&'a str> {
        let r = self.rest();
        let n: usize = r
            .chars()
            .take_while(|c| c.is_alphabetic())
            .map(char::len_utf8)
            .sum();
        (n > 0).then(|| {
            self.pos += n;
            &r[..n]
        })
    }

    /// A word with the inner `/`, `-` and `.` of a symbol or compound ("A/7601/Add.1",
    /// "Secretary-General"); returns it.
    pub fn symbol(&mut self) -> Option<&'a str> {
        let start = self.pos;
        let alnum = |c: &mut Cur<'a>| {
            let n: usize = c
                .rest()
                .chars()
                .take_while(|ch| ch.is_alphanumeric())
                .map(char::len_utf8)
                .sum();
            c.pos += n;
            n
        };
        if !self.rest().starts_with(char::is_alphabetic) || alnum(self) == 0 {
            return None;
        }
        while self.rest().starts_with(['/', '-', '.'])
            && self.rest()[1..].starts_with(|ch: char| ch.is_alphanumeric())
        {
            self.pos += 1;
            alnum(self);
        }
        Some(&self.s[start..self.pos])
    }

    /// A single lower-case letter used as a label ("paragraph c", "sub-paragraph d"), when
    /// what follows it ends a reference or goes on with one: punctuation, the end, "of",
    /// "and", "or".
    pub fn letter_label(&mut self) -> Option<String> {
        let r = self.rest();
        let c0 = r.chars().next().filter(char::is_ascii_lowercase)?;
        let after = &r[1..];
        if after.starts_with(is_word_char) {
            return None;
        }
        if !ends_label(after) {
            return None;
        }
        self.pos += 1;
        Some(c0.to_string())
    }

    /// `51`, `8.5`, `8a`, `73 e`, `7 bis`: up to four digits, dotted parts, a letter or bis/ter.
    pub fn number(&mut self) -> Option<String> {
        let r = self.rest();
        let b = r.as_bytes();
        let mut n = b.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 || n > 4 {
            return None;
        }
        while b.get(n) == Some(&b'.') && b.get(n + 1).is_some_and(u8::is_ascii_digit) {
            n += 1 + b[n + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
        }
        let mut label = r[..n].to_string();
        let tail = &r[n..];
        for suffix in ["bis", "ter", "quater"] {
            for lead in ["", " "] {
                let s = format!("{lead}{suffix}");
                if tail.starts_with(&s) && !tail[s.len()..].starts_with(is_word_char) {
                    label.push_str(suffix);
                    n += s.len();
                }
            }
        }
        let c0 = tail.as_bytes().first().copied().unwrap_or(b' ');
        if label.len() == n && c0.is_ascii_lowercase() && !tail[1..].starts_with(is_word_char) {
            label.push(c0 as char);
            n += 1;
        } else if label.len() == n
            && let Some(l) = tail.strip_prefix(' ')
            && let Some(c1) = l.chars().next().filter(char::is_ascii_lowercase)
            && !l[1..].starts_with(is_word_char)
            && ends_label(&l[1..])
        {
            // "Article 73 e of the Charter": a sub-paragraph letter after a space.
            label.push(c1);
            n += 2;
        }
        if r[n..].starts_with(is_word_char) {
            return None;
        }
        self.pos += n;
        Some(label)
    }

    /// An uppercase roman numeral (I to MMMCMXCIX) followed by a word boundary.
    pub fn roman(&mut self) -> Option<String> {
        let r = self.rest();
        let n = r.bytes().take_while(|c| b"IVXLCDM".contains(c)).count();
        if n == 0 || r[n..].starts_with(is_word_char) || roman_value(&r[..n]).is_none() {
            return None;
        }
        self.pos += n;
        Some(r[..n].to_string())
    }

    /// `(4)`, `(a)`, `(iii)`, with at most one space (or no-break space) before.
    pub fn paren(&mut self) -> Option<String> {
        let save = self.pos;
        if let Some(c) = self.peek().filter(|&c| c == ' ' || c == '\u{a0}') {
            self.pos += c.len_utf8();
        }
        let r = self.rest();
        let inner: String = r.strip_prefix('(').map_or(String::new(), |s| {
            s.chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect()
        });
        let ok = !inner.is_empty()
            && inner.len() <= 4
            && !(inner.len() == 4 && inner.bytes().all(|c| c.is_ascii_digit()))
            && r[1 + inner.len()..].starts_with(')');
        if ok {
            self.pos += inner.len() + 2;
            Some(inner)
        } else {
            self.pos = save;
            None
        }
    }

    /// "," / "and" / "or" / ", and" between items; ";" too before a number ("paragraph 2(a);
    /// 2(b) and (c)").
    pub fn sep(&mut self) -> bool {
        let save = self.pos;
        self.spaces();
        if self.rest().starts_with(';') {
            let at = self.pos;
            self.pos += 1;
            self.spaces();
            if self.rest().starts_with(|c: char| c.is_ascii_digit()) {
                return true;
            }
            self.pos = at;
        }
        let comma = self.rest().starts_with(',');
        if comma {
            self.pos += 1;
            self.spaces();
        }
        if self.any_word(&["and", "or", "&"]) {
            if self.spaces() > 0 {
                return true;
            }
        } else if comma {
            return true;
        }
        self.pos = save;
        false
    }
}

/// Whether `after` (the text after a label letter) ends the label: the end, punctuation that
/// closes a reference, or "of", "and", "or".
fn ends_label(after: &str) -> bool {
    let t = after.trim_start_matches(' ');
    if t.is_empty() || t.starts_with([',', ';', ':', ')', '.', '\n']) {
        return true;
    }
    ["of ", "and ", "or "].iter().any(|w| t.starts_with(w)) && t.len() < after.len()
}

/// The value of a canonical roman numeral.
pub(crate) fn roman_value(s: &str) -> Option<u32> {
    let val = |c| match c {
        b'I' => 1,
        b'V' => 5,
        b'X' => 10,
        b'L' => 50,
        b'C' => 100,
        b'D' => 500,
        b'M' => 1000,
        _ => 0,
    };
    let b = s.as_bytes();
    let mut total = 0i64;
    for (i, &c) in b.iter().enumerate() {
        let v = val(c);
        if v == 0 {
            return None;
        }
        if b.get(i + 1).is_some_and(|&n| val(n) > v) {
            total -= v
        } else {
            total += v
        }
    }
    let total = u32::try_from(total).ok()?;
    (1..4000)
        .contains(&total)
        .then_some(total)
        .filter(|&v| to_roman(v) == s)
}

pub(crate) fn to_roman(mut v: u32) -> String {
    const T: [(u32, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut s = String::new();
    for (n, r) in T {
        while v >= n {
            s.push_str(r);
            v -= n;
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn romans() {
        assert_eq!(roman_value("VIII"), Some(8));
        assert_eq!(roman_value("XLIV"), Some(44));
        assert_eq!(roman_value("IIII"), None);
        assert_eq!(roman_value("VX"), None);
    }
}
