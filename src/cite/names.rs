//! Naming documents: years beside a name, choosing among documents sharing an alias, and lists
//! ending in a plural noun ("the 1999 Istanbul and 2010 Astana declarations").
//!
//! In: the original text and byte offsets of a match. Out: document indexes with a confidence
//! factor.

use std::collections::HashMap;

use super::patterns::key;

/// A year written beside a document's name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum YearHint {
    /// "the 1999 Istanbul Declaration", "the Paris document of 1990", "(1990)": a document
    /// whose year differs is not the one meant.
    Strong(i32),
    /// "the Istanbul Charter in 1999": may be when something happened to it, so it only
    /// chooses among documents sharing the alias.
    Soft(i32),
}

const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Whether `s` opens with the name of a month ("August 1949").
pub(crate) fn starts_with_month(s: &str) -> bool {
    let n = s.bytes().take_while(u8::is_ascii_alphabetic).count();
    MONTHS.iter().any(|m| m.eq_ignore_ascii_case(&s[..n]))
}

fn year_at(s: &str) -> Option<i32> {
    let b = s.as_bytes();
    if b.len() < 4 || !b[..4].iter().all(u8::is_ascii_digit) {
        return None;
    }
    if b.get(4).is_some_and(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    let y: i32 = s[..4].parse().ok()?;
    (1000..3000).contains(&y).then_some(y)
}

/// A 4-digit year right before byte `start`, separated by spaces only ("1999 Istanbul").
pub(crate) fn year_before(text: &str, start: usize) -> Option<i32> {
    let head = &text[..start];
    let trimmed = head.trim_end_matches(' ');
    if trimmed.len() == head.len() || trimmed.len() < 4 {
        return None;
    }
    let at = trimmed.len() - 4;
    if !trimmed.is_char_boundary(at) {
        return None;
    }
    let before_ok = trimmed[..at]
        .chars()
        .next_back()
        .is_none_or(|c| !c.is_alphanumeric());
    if before_ok {
        year_at(&trimmed[at..])
    } else {
        None
    }
}

fn strip_word<'a>(s: &'a str, word: &str) -> Option<&'a str> {
    let head = s.get(..word.len())?;
    let rest = &s[word.len()..];
    (head.eq_ignore_ascii_case(word) && rest.starts_with(' ')).then(|| rest.trim_start())
}

/// A year right after byte `end`: "(1990)", "of 1990", "of 21 November 1990", "in 1999".
pub(crate) fn year_after(text: &str, end: usize) -> Option<YearHint> {
    let rest = text[end..].trim_start_matches([' ', ',']);
    if let Some(r) = rest.strip_prefix('(') {
        return year_at(r)
            .filter(|_| r.as_bytes().get(4) == Some(&b')'))
            .map(YearHint::Strong);
    }
    if let Some(r) = strip_word(rest, "in") {
        return year_at(r).map(YearHint::Soft);
    }
    let mut r = strip_word(rest, "of")?;
    let day = r.bytes().take_while(u8::is_ascii_digit).count();
    if (1..=2).contains(&day) && r.as_bytes().get(day) == Some(&b' ') {
        r = r[day..].trim_start();
    }
    let word_len = r.bytes().take_while(u8::is_ascii_alphabetic).count();
    if MONTHS
        .iter()
        .any(|m| m.eq_ignore_ascii_case(&r[..word_len]))
    {
        r = r[word_len..].trim_start_matches([' ', ',']);
    }
    year_at(r).map(YearHint::Strong)
}

/// The documents among `cands` that a name with this year hint names, each with a confidence
/// factor: ×1.05 when the year confirms it, ×0.5 when several remain, ×0.85 when a soft year
/// contradicts the only one left. A strong year that no candidate has names a document outside
/// the catalog: nothing is returned (unless no candidate has a year to compare).
pub(crate) fn choose(
    cands: &[u32],
    years: &[Option<i32>],
    hint: Option<YearHint>,
) -> Vec<(u32, f64)> {
    let year = |d: u32| years[d as usize];
    let (list, factor): (Vec<u32>, f64) = match hint {
        None => (cands.to_vec(), 1.0),
        Some(YearHint::Strong(y) | YearHint::Soft(y)) => {
            let same: Vec<u32> = cands
                .iter()
                .copied()
                .filter(|&d| year(d) == Some(y))
                .collect();
            let none_dated = cands.iter().all(|&d| year(d).is_none());
            if !same.is_empty() {
                (same, 1.05)
            } else if none_dated {
                (cands.to_vec(), 1.0)
            } else if matches!(hint, Some(YearHint::Soft(_))) {
                (cands.to_vec(), 0.85)
            } else {
                (Vec::new(), 0.0)
            }
        }
    };
    let factor = if list.len() > 1 { factor * 0.5 } else { factor };
    list.into_iter().map(|d| (d, factor)).collect()
}

enum Tok {
    Word(usize, usize),
    Comma,
    Stop,
}

fn tokens(s: &str) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices() {
        if c.is_alphanumeric() || (start.is_some() && c == '-') {
            start.get_or_insert(i);
            continue;
        }
        if let Some(st) = start.take() {
            out.push(Tok::Word(st, i));
        }
        match c {
            ',' => out.push(Tok::Comma),
            c if c.is_whitespace() => {}
            _ => out.push(Tok::Stop),
        }
    }
    if let Some(st) = start {
        out.push(Tok::Word(st, s.len()));
    }
    out
}

/// Documents named by a list ending in the plural noun at `text[start..]` whose singular is
/// `singular`: "Istanbul and Astana declarations" → the documents with the aliases "Istanbul
/// Declaration" and "Astana Declaration". Reads back from the noun: heads of one to four words
/// (each may follow "the" or a year), separated by ",", "and", "or". Returns (document, byte
/// start of its head, year written before its head).
pub(crate) fn plural_list(
    text: &str,
    start: usize,
    singular: &str,
    aliases: &HashMap<String, Vec<u32>>,
) -> Vec<(Vec<u32>, usize, Option<i32>)> {
    let mut from = start.saturating_sub(300);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    let win = &text[from..start];
    let toks = tokens(win);
    let word = |t: &Tok| match t {
        Tok::Word(s, e) => Some(&win[*s..*e]),
        _ => None,
    };
    let mut out = Vec::new();
    let mut i = toks.len();
    loop {
        // One head: the longest run of words before i that, with the noun, is an alias.
        let mut found = None;
        for k in (1..=4.min(i)).rev() {
            let ws: Option<Vec<&str>> = toks[i - k..i].iter().map(word).collect();
            let Some(ws) = ws else { continue };
            if let Some(docs) = aliases.get(&key(&format!("{} {singular}", ws.join(" ")))) {
                found = Some((docs.clone(), k));
                break;
            }
        }
        let Some((docs, k)) = found else { break };
        i -= k;
        let Tok::Word(head_start, _) = toks[i] else {
            break;
        };
        let year = (i > 0)
            .then(|| word(&toks[i - 1]).and_then(year_at))
            .flatten();
        if year.is_some() {
            i -= 1;
        }
        out.push((docs, from + head_start, year));
        if i > 0 && word(&toks[i - 1]).is_some_and(|w| w.eq_ignore_ascii_case("the")) {
            i -= 1;
        }
        // A separator, or the list is over.
        let mut sep = false;
        while i > 0 {
            match &toks[i - 1] {
                Tok::Comma => {}
                t if word(t).is_some_and(|w| {
                    ["and", "or", "&"].iter().any(|s| s.eq_ignore_ascii_case(w))
                }) => {}
                _ => break,
            }
            sep = true;
            i -= 1;
        }
        if !sep {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_beside_names() {
        let t = "the 1999 Istanbul Declaration";
        assert_eq!(year_before(t, 9), Some(1999));
        assert_eq!(year_before("x1999 Istanbul", 6), None);
        let t = "the Paris document of 1990, and";
        assert_eq!(year_after(t, 18), Some(YearHint::Strong(1990)));
        assert_eq!(
            year_after("Charter of 21 November 1990.", 7),
            Some(YearHint::Strong(1990))
        );
        assert_eq!(
            year_after("Charter in 2010 was", 7),
            Some(YearHint::Soft(2010))
        );
        assert_eq!(
            year_after("Charter (1975) says", 7),
            Some(YearHint::Strong(1975))
        );
        assert_eq!(year_after("Charter of the UN", 7), None);
    }

    #[test]
    fn choose_by_year() {
        let years = [Some(1999), Some(2010), None];
        assert_eq!(
            choose(&[0, 1], &years, Some(YearHint::Strong(2010))),
            [(1, 1.05)]
        );
        assert_eq!(choose(&[0, 1], &years, None), [(0, 0.5), (1, 0.5)]);
        assert!(choose(&[0], &years, Some(YearHint::Strong(1975))).is_empty());
        assert_eq!(
            choose(&[0], &years, Some(YearHint::Soft(2010))),
            [(0, 0.85)]
        );
        assert_eq!(
            choose(&[2], &years, Some(YearHint::Strong(1975))),
            [(2, 1.0)]
        );
    }

    #[test]
    fn lists_before_plural_noun() {
        let mut aliases = HashMap::new();
        aliases.insert("istanbul declaration".to_string(), vec![0]);
        aliases.insert("astana declaration".to_string(), vec![1]);
        let t = "signed the 1999 Istanbul, Paris and the Astana declarations";
        let got = plural_list(t, t.find("declarations").unwrap(), "declaration", &aliases);
        let docs: Vec<(u32, Option<i32>)> = got.iter().map(|(d, _, y)| (d[0], *y)).collect();
        assert_eq!(docs, [(1, None)], "an unknown head (Paris) ends the list");
        let t = "signed the 1999 Istanbul and the Astana declarations";
        let got = plural_list(t, t.find("declarations").unwrap(), "declaration", &aliases);
        let docs: Vec<(u32, Option<i32>)> = got.iter().map(|(d, _, y)| (d[0], *y)).collect();
        assert_eq!(docs, [(1, None), (0, Some(1999))]);
        assert_eq!(got[1].1, t.find("Istanbul").unwrap());
        assert!(plural_list("both declarations", 5, "declaration", &aliases).is_empty());
    }
}
