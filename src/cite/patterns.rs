//! The one automaton run over a clause: document aliases and titles, principle aliases and names,
//! the words that open a clause reference, plural nouns (for "the Istanbul and Astana
//! declarations") and the elision mark `[...]`.
//!
//! In: the catalog's phrases. Out: [`Hit`]s — whole-word, leftmost-longest matches in a folded
//! text (see [`super::fold`]).

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickKind, Anchored, Input, MatchKind, StartKind};

use super::RefUnit;
use super::fold::{char_at, char_before, fold};

/// What a pattern stands for. One pattern may stand for several things (an alias shared by two
/// documents).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Meaning {
    /// An alias or the title of the document with this index.
    Doc(u32),
    /// An alias or the name of the principle with this index.
    Principle(u32),
    /// A word that opens a clause reference ("article", "§").
    Unit(RefUnit),
    /// The plural of the last word of a document alias ("declarations").
    Plural,
    /// `[...]` or `[…]`: marks a quotation even without quote marks.
    Elision,
    /// The name or an alias of an author of the document with this index.
    Author(u32),
    /// A noun that heads the title of an instrument ("Charter", "Convention", "resolution"):
    /// it may name a document outside the catalog ("the Atlantic Charter", "the Treaty of
    /// Tlatelolco", "resolution 242 (1967)") or point back to one named before.
    Instrument,
}

/// The nouns of [`Meaning::Instrument`], folded.
pub(crate) const INSTRUMENT_NOUNS: &[&str] = &[
    "charter",
    "convention",
    "covenant",
    "treaty",
    "protocol",
    "statute",
    "declaration",
    "constitution",
    "pact",
    "agreement",
    "accord",
    "accords",
    "resolution",
    "resolutions",
    "conventions",
    "covenants",
    "treaties",
    "protocols",
    "declarations",
    "charters",
];

/// One accepted match, in folded byte offsets.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Hit {
    pub start: usize,
    pub end: usize,
    pub pattern: u32,
}

/// The compiled automaton and what each of its patterns means.
pub(crate) struct Patterns {
    /// Unanchored: the scan.
    ac: AhoCorasick,
    /// The same patterns, anchored: shorter matches at the start of a rejected one.
    anchored: AhoCorasick,
    /// Meanings by pattern id.
    pub meanings: Vec<Vec<Meaning>>,
    /// Number of words in each pattern.
    pub word_counts: Vec<usize>,
    /// Singular noun of each plural pattern ("declarations" → "declaration").
    pub singular: HashMap<u32, String>,
    /// Folded alias → documents, used to expand lists ("istanbul" + "declaration").
    pub doc_alias: HashMap<String, Vec<u32>>,
}

/// The trigger words of clause references, folded.
const UNIT_WORDS: &[(&str, RefUnit)] = &[
    ("article", RefUnit::Article),
    ("articles", RefUnit::Article),
    ("art.", RefUnit::Article),
    ("arts.", RefUnit::Article),
    ("paragraph", RefUnit::Paragraph),
    ("paragraphs", RefUnit::Paragraph),
    ("para.", RefUnit::Paragraph),
    ("paras.", RefUnit::Paragraph),
    ("para", RefUnit::Paragraph),
    ("paras", RefUnit::Paragraph),
    ("point", RefUnit::Point),
    ("points", RefUnit::Point),
    ("principle", RefUnit::Principle),
    ("principles", RefUnit::Principle),
    ("chapter", RefUnit::Chapter),
    ("chapters", RefUnit::Chapter),
    ("section", RefUnit::Section),
    ("sections", RefUnit::Section),
    ("§", RefUnit::Paragraph),
    ("§§", RefUnit::Paragraph),
    ("clause", RefUnit::Clause),
    ("clauses", RefUnit::Clause),
    ("part", RefUnit::Part),
    ("parts", RefUnit::Part),
    ("annex", RefUnit::Annex),
    ("annexes", RefUnit::Annex),
    ("preamble", RefUnit::Preamble),
];

/// Folds a phrase into a pattern key: folded, spaces collapsed, a leading "the " dropped.
pub(crate) fn key(phrase: &str) -> String {
    let folded = fold(phrase).text;
    let joined = folded.split_whitespace().collect::<Vec<_>>().join(" ");
    match joined.strip_prefix("the ") {
        Some(rest) if !rest.is_empty() => rest.to_string(),
        _ => joined,
    }
}

/// English plural of a noun, or `None` for a word that already looks plural.
fn plural(word: &str) -> Option<String> {
    if word.ends_with('s') || word.chars().count() < 3 || !word.chars().all(char::is_alphabetic) {
        return None;
    }
    let consonant_y = word.ends_with('y') && !word.ends_with("ay") && !word.ends_with("ey");
    Some(if consonant_y {
        format!("{}ies", &word[..word.len() - 1])
    } else if word.ends_with("sh") || word.ends_with("ch") || word.ends_with('x') {
        format!("{word}es")
    } else {
        format!("{word}s")
    })
}

#[derive(Default)]
struct Builder {
    ids: HashMap<String, u32>,
    keys: Vec<String>,
    meanings: Vec<Vec<Meaning>>,
}

impl Builder {
    fn add(&mut self, key: String, meaning: Meaning) -> Option<u32> {
        if key.chars().count() < 2 {
            return None;
        }
        let id = *self.ids.entry(key.clone()).or_insert_with(|| {
            self.keys.push(key);
            self.meanings.push(Vec::new());
            (self.meanings.len() - 1) as u32
        });
        let list = &mut self.meanings[id as usize];
        if !list.contains(&meaning) {
            list.push(meaning);
        }
        Some(id)
    }
}

impl Patterns {
    /// Compiles the automaton. `docs` and `principles` give each entry's naming phrases.
    pub fn new<'a>(
        docs: impl Iterator<Item = Vec<&'a str>>,
        principles: impl Iterator<Item = Vec<&'a str>>,
        authors: impl Iterator<Item = Vec<&'a str>>,
    ) -> Patterns {
        let mut b = Builder::default();
        let mut doc_alias: HashMap<String, Vec<u32>> = HashMap::new();
        let mut plurals: HashMap<String, String> = HashMap::new();
        for (i, phrases) in docs.enumerate() {
            for phrase in phrases {
                let k = key(phrase);
                if b.add(k.clone(), Meaning::Doc(i as u32)).is_none() {
                    continue;
                }
                if let Some((_, last)) = k.rsplit_once(' ')
                    && let Some(p) = plural(last)
                {
                    plurals.insert(p, last.to_string());
                }
                let list = doc_alias.entry(k).or_default();
                if !list.contains(&(i as u32)) {
                    list.push(i as u32);
                }
            }
        }
        for (i, phrases) in principles.enumerate() {
            for phrase in phrases {
                b.add(key(phrase), Meaning::Principle(i as u32));
            }
        }
        for (i, phrases) in authors.enumerate() {
            for phrase in phrases {
                b.add(key(phrase), Meaning::Author(i as u32));
            }
        }
        for &(word, unit) in UNIT_WORDS {
            b.add(word.to_string(), Meaning::Unit(unit));
        }
        b.add("[...]".to_string(), Meaning::Elision);
        for word in INSTRUMENT_NOUNS {
            b.add(word.to_string(), Meaning::Instrument);
        }
        let mut singular = HashMap::new();
        for (p, s) in plurals {
            if let Some(id) = b.add(p, Meaning::Plural) {
                singular.insert(id, s);
            }
        }
        let build = |start| {
            AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                .start_kind(start)
                .kind(Some(AhoCorasickKind::DFA))
                .build(&b.keys)
                .expect("patterns are plain strings of bounded size")
        };
        let (ac, anchored) = (build(StartKind::Unanchored), build(StartKind::Anchored));
        let word_counts = b.keys.iter().map(|k| k.split(' ').count()).collect();
        Patterns {
            ac,
            anchored,
            meanings: b.meanings,
            word_counts,
            singular,
            doc_alias,
        }
    }

    /// All whole-word matches in the folded text `hay`, leftmost-longest, not overlapping.
    /// A match that fails the word test gives way to a shorter match at the same start, then
    /// to matches starting after its first character.
    pub fn scan(&self, hay: &str) -> Vec<Hit> {
        let mut out = Vec::new();
        let mut pos = 0;
        while pos < hay.len() {
            let Some(m) = self.ac.find(Input::new(hay).range(pos..)) else {
                break;
            };
            if let Some(hit) = self.accept_at(hay, m.start(), m.end(), m.pattern().as_u32()) {
                pos = hit.end;
                out.push(hit);
            } else {
                pos = m.start() + char_at(hay, m.start()).map_or(1, char::len_utf8);
            }
        }
        out
    }

    /// Accepts the match `start..end`, or the longest shorter one at `start` that passes.
    fn accept_at(&self, hay: &str, start: usize, mut end: usize, mut pat: u32) -> Option<Hit> {
        loop {
            if let Some(end) = self.word_end(hay, start, end, pat) {
                return Some(Hit {
                    start,
                    end,
                    pattern: pat,
                });
            }
            let input = Input::new(hay)
                .range(start..end - 1)
                .anchored(Anchored::Yes);
            let m = self.anchored.find(input)?;
            (end, pat) = (m.end(), m.pattern().as_u32());
        }
    }

    /// The end of the match if `start..end` is a whole word (or phrase); a document alias may be
    /// followed by a footnote number ("Security1"), which the match then takes in.
    fn word_end(&self, hay: &str, start: usize, end: usize, pat: u32) -> Option<usize> {
        let first = char_at(hay, start)?;
        let last = char_before(hay, end)?;
        if first.is_alphanumeric() && char_before(hay, start).is_some_and(char::is_alphanumeric) {
            return None;
        }
        let after = char_at(hay, end);
        if !last.is_alphanumeric() || !after.is_some_and(char::is_alphanumeric) {
            return Some(end);
        }
        let is_doc = self.meanings[pat as usize]
            .iter()
            .any(|m| matches!(m, Meaning::Doc(_)));
        if !is_doc || !last.is_alphabetic() {
            return None;
        }
        let digits = hay[end..].bytes().take_while(u8::is_ascii_digit).count();
        let next = char_at(hay, end + digits);
        (digits > 0 && digits <= 2 && !next.is_some_and(char::is_alphanumeric)).then_some(end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pats() -> Patterns {
        let docs = vec![
            vec!["Istanbul Charter", "Istanbul Declaration"],
            vec!["Astana Declaration"],
            vec!["the Charter"],
        ];
        Patterns::new(
            docs.into_iter(),
            std::iter::once(vec!["indivisible security"]),
            std::iter::empty(),
        )
    }

    fn found(p: &Patterns, hay: &str) -> Vec<String> {
        p.scan(hay)
            .iter()
            .map(|h| hay[h.start..h.end].to_string())
            .collect()
    }

    #[test]
    fn longest_and_whole_words() {
        let p = pats();
        assert_eq!(
            found(&p, "the istanbul charter and charters"),
            ["istanbul charter", "charters"]
        );
        assert_eq!(found(&p, "the istanbul charterhouse"), Vec::<String>::new());
        assert_eq!(
            found(&p, "article 5 of the charter"),
            ["article", "charter"]
        );
        assert!(found(&p, "particle chartered").is_empty());
    }

    #[test]
    fn plural_after_failed_alias() {
        let p = pats();
        assert_eq!(
            found(&p, "istanbul and astana declarations"),
            ["declarations"]
        );
    }

    #[test]
    fn footnote_digits_after_alias() {
        let p = pats();
        assert_eq!(
            found(&p, "the istanbul charter1, which"),
            ["istanbul charter"]
        );
        assert!(found(&p, "istanbul charter123x").is_empty());
    }

    #[test]
    fn plural_rules() {
        assert_eq!(plural("treaty").as_deref(), Some("treaties"));
        assert_eq!(plural("act").as_deref(), Some("acts"));
        assert_eq!(plural("accords"), None);
        assert_eq!(key("The  Charter"), "charter");
    }
}
