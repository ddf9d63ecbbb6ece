//! Where quotations are looked up: the [`QuoteSources`] trait and its in-memory default, an
//! inverted index from words to clauses that ranks clauses by the rarest words of a quotation.
//!
//! In: the catalog's clauses (once). Out: for a quotation's words, the few clauses worth
//! verifying word by word.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use super::Catalog;
use super::fold::{fold, words};
use super::verify::SourceText;

/// A clause offered as a possible source of a quotation.
#[derive(Clone)]
pub struct SourceClause {
    /// Document id.
    pub doc: String,
    /// Clause label within the document.
    pub label: String,
    /// The clause's text as stored (shared: an index hands out copies without copying it).
    pub text: Arc<str>,
    /// The text normalized for quotation checks, filled on first need; shared by the copies
    /// of this clause that the same source hands out.
    pub norm: Arc<OnceLock<SourceText>>,
}

impl PartialEq for SourceClause {
    fn eq(&self, other: &SourceClause) -> bool {
        (&self.doc, &self.label, &self.text) == (&other.doc, &other.label, &other.text)
    }
}

impl std::fmt::Debug for SourceClause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SourceClause")
            .field("doc", &self.doc)
            .field("label", &self.label)
            .field("text", &self.text)
            .finish_non_exhaustive()
    }
}

impl SourceClause {
    pub fn new(doc: String, label: String, text: String) -> SourceClause {
        SourceClause {
            doc,
            label,
            text: text.into(),
            norm: Arc::default(),
        }
    }
}

/// Where a quotation's source is looked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope<'a> {
    /// The clauses of one document (named beside the quotation).
    Document(&'a str),
    /// Every clause but those of one document (the quoting one): the instruments' (see
    /// [`super::DocEntry::instrument`]) first, so that many statements quoting the same words
    /// cannot crowd out their source.
    AllBut(&'a str),
}

/// A store of clauses that can propose the likely sources of a quotation.
///
/// The finder verifies every proposal itself, so an implementation may be generous; it should
/// rank the clauses sharing the quotation's rarest words first. A SQLite store can implement it
/// with an FTS5 `MATCH` over the words joined by `OR`, ordered by `bm25`.
pub trait QuoteSources {
    /// At most `limit` clauses of `scope` that may contain the quoted `words` (folded to
    /// lowercase), best first (for [`Scope::AllBut`], the instruments' before the others').
    fn candidates(&self, words: &[&str], scope: Scope<'_>, limit: usize) -> Vec<SourceClause>;

    /// The earlier wordings of clause `label` of `doc` (an amended article), oldest first.
    fn earlier(&self, _doc: &str, _label: &str) -> Vec<super::Wording> {
        Vec::new()
    }
}

/// The default [`QuoteSources`]: every clause of the catalog in memory, with an inverted index
/// from each word to the clauses holding it.
///
/// A query looks up the quotation's words, keeps the [`QUERY_WORDS`] rarest ones the index
/// knows, and scores each clause by the summed inverse document frequency of those it holds.
/// Only the postings of rare words are read, rarest first and at most [`POSTINGS_BUDGET`] of
/// them, so a query costs little even with a million clauses (a common word's long posting
/// list is never touched while rarer words are available). A proposed clause must also hold
/// [`MIN_COVERAGE`] of the quotation's distinct words (checked by binary search in the
/// postings), so the finder never reads the text of a clause that cannot match.
#[derive(Default)]
pub struct MemoryIndex {
    docs: Vec<String>,
    /// Whether each document is an instrument.
    instruments: Vec<bool>,
    /// The clause numbers of each document: `start..end` (a document's clauses are added
    /// together).
    ranges: Vec<(u32, u32)>,
    doc_ids: HashMap<String, u32>,
    /// (document index, label, text, normalized text once needed) by clause number.
    clauses: Vec<IndexedClause>,
    vocab: HashMap<String, u32>,
    /// Clause numbers holding each word, ascending, no repeats.
    postings: Vec<Vec<u32>>,
    /// Earlier wordings by (document, label).
    earlier: HashMap<(String, String), Vec<super::Wording>>,
}

/// (document index, label, text, normalized text once needed).
type IndexedClause = (u32, String, Arc<str>, Arc<OnceLock<SourceText>>);

/// Least share of a quotation's distinct words that a proposed clause must hold.
pub const MIN_COVERAGE: f64 = 0.6;

/// How many postings a query reads at most (beyond its rarest word's): bounds the cost of a
/// quotation made only of common words.
pub const POSTINGS_BUDGET: usize = 32_768;

/// How many of a quotation's rarest words a query uses.
pub const QUERY_WORDS: usize = 8;

impl MemoryIndex {
    /// Indexes every clause of the catalog.
    pub fn new(catalog: &Catalog) -> MemoryIndex {
        let mut ix = MemoryIndex::default();
        for d in &catalog.documents {
            let di = ix.docs.len() as u32;
            ix.docs.push(d.id.clone());
            ix.instruments.push(d.instrument);
            ix.doc_ids.insert(d.id.clone(), di);
            let start = ix.clauses.len() as u32;
            for c in &d.clauses {
                ix.add(di, &c.label, &c.text);
                if !c.earlier.is_empty() {
                    ix.earlier
                        .insert((d.id.clone(), c.label.clone()), c.earlier.clone());
                }
            }
            ix.ranges.push((start, ix.clauses.len() as u32));
        }
        ix
    }

    fn add(&mut self, doc: u32, label: &str, text: &str) {
        let n = self.clauses.len() as u32;
        let folded = fold(text).text;
        for (s, e) in words(&folded) {
            let w = &folded[s..e];
            let id = match self.vocab.get(w) {
                Some(&id) => id,
                None => {
                    self.vocab.insert(w.to_string(), self.postings.len() as u32);
                    self.postings.push(Vec::new());
                    (self.postings.len() - 1) as u32
                }
            };
            let list = &mut self.postings[id as usize];
            if list.last() != Some(&n) {
                list.push(n);
            }
        }
        self.clauses
            .push((doc, label.to_string(), text.into(), Arc::default()));
    }

    /// Number of clauses indexed.
    pub fn len(&self) -> usize {
        self.clauses.len()
    }

    /// True when no clause is indexed.
    pub fn is_empty(&self) -> bool {
        self.clauses.is_empty()
    }
}

impl QuoteSources for MemoryIndex {
    fn earlier(&self, doc: &str, label: &str) -> Vec<super::Wording> {
        self.earlier
            .get(&(doc.to_string(), label.to_string()))
            .cloned()
            .unwrap_or_default()
    }

    fn candidates(&self, query: &[&str], scope: Scope<'_>, limit: usize) -> Vec<SourceClause> {
        let (only, except) = match scope {
            Scope::Document(d) => match self.doc_ids.get(d) {
                Some(&i) => (Some(i), None),
                None => return Vec::new(),
            },
            Scope::AllBut(d) => (None, self.doc_ids.get(d).copied()),
        };

        let mut ids: Vec<u32> = query
            .iter()
            .filter_map(|w| self.vocab.get(*w).copied())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids.sort_by_key(|&id| self.postings[id as usize].len());
        let total = self.clauses.len().max(1) as f64;
        // Words in more than a tenth of the clauses rank nothing; skip them when rarer ones exist.
        let common = (self.clauses.len() / 10).max(64);
        let rare = ids
            .iter()
            .filter(|&&id| self.postings[id as usize].len() <= common)
            .count();
        let mut hits: Vec<(u32, f64)> = Vec::new();
        let mut used = 0;
        for &id in ids
            .iter()
            .take(if rare > 0 { rare.min(QUERY_WORDS) } else { 1 })
        {
            let list = &self.postings[id as usize];
            if !hits.is_empty() && hits.len() + list.len() > POSTINGS_BUDGET {
                break;
            }
            used += 1;
            let idf = (total / list.len() as f64).ln() + 1.0;
            // One document's clauses are a slice of the (ascending) postings.
            let list = match only {
                Some(o) => {
                    let (lo, hi) = self.ranges[o as usize];
                    &list[list.partition_point(|&c| c < lo)..list.partition_point(|&c| c < hi)]
                }
                None => &list[..],
            };
            let mine = list
                .iter()
                .filter(|&&c| except != Some(self.clauses[c as usize].0));
            hits.extend(mine.map(|&c| (c, idf)));
        }
        // A clause holding too few of the quotation's words cannot match it: leave it out
        // before anyone reads its text. Words not read above may still be held: an upper bound
        // prunes first, binary searches in the postings decide.
        let mut distinct: Vec<&str> = query.to_vec();
        distinct.sort_unstable();
        distinct.dedup();
        let need = MIN_COVERAGE * distinct.len() as f64;
        let unread = ids.len() - used;
        hits.sort_unstable_by_key(|h| h.0);
        let mut ranked: Vec<(u32, f64, usize)> = Vec::new();
        for (c, idf) in hits {
            match ranked.last_mut() {
                Some(last) if last.0 == c => (last.1, last.2) = (last.1 + idf, last.2 + 1),
                _ => ranked.push((c, idf, 1)),
            }
        }
        ranked.retain(|r| (r.2 + unread) as f64 >= need);
        let instrument = |c: u32| self.instruments[self.clauses[c as usize].0 as usize];
        // A total order (the clause number breaks ties): unstable sorting is deterministic.
        ranked.sort_unstable_by(|a, b| {
            instrument(b.0)
                .cmp(&instrument(a.0))
                .then(b.1.total_cmp(&a.1))
                .then(a.0.cmp(&b.0))
        });
        let holds = |c: u32| {
            ids.iter()
                .filter(|&&id| self.postings[id as usize].binary_search(&c).is_ok())
                .count()
        };
        ranked
            .into_iter()
            .filter(|&(c, _, _)| holds(c) as f64 >= need)
            .take(limit)
            .map(|(c, _, _)| {
                let (d, label, text, norm) = &self.clauses[c as usize];
                SourceClause {
                    doc: self.docs[*d as usize].clone(),
                    label: label.clone(),
                    text: text.clone(),
                    norm: norm.clone(),
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::super::{ClauseEntry, DocEntry};
    use super::*;

    fn doc(id: &str, clauses: &[(&str, &str)]) -> DocEntry {
        DocEntry {
            id: id.into(),
            title: id.into(),
            clauses: clauses
                .iter()
                .map(|(l, t)| ClauseEntry {
                    label: l.to_string(),
                    text: t.to_string(),
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        }
    }

    #[test]
    fn rare_words_rank_first() {
        let cat = Catalog {
            documents: vec![
                doc(
                    "a",
                    &[
                        ("1", "the security of states"),
                        ("2", "the right to neutrality"),
                    ],
                ),
                doc("b", &[("1", "the security of the states and neutrality")]),
            ],
            principles: vec![],
        };
        let ix = MemoryIndex::new(&cat);
        let got = ix.candidates(&["right", "to", "neutrality"], Scope::AllBut("none"), 5);
        assert_eq!((got[0].doc.as_str(), got[0].label.as_str()), ("a", "2"));
        let got = ix.candidates(&["security", "states"], Scope::Document("b"), 5);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].doc, "b");
        assert!(
            ix.candidates(&["unknown"], Scope::AllBut("none"), 5)
                .is_empty()
        );
    }
}
