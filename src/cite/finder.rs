//! The [`Finder`]: compiled once from a [`Catalog`], then run over one clause at a time.
//!
//! In: the citing document's id and a clause's text. Out: [`Found`] citations, sorted by span.
//! The text is folded and scanned once (see [`super::patterns`]); each hit is then read in
//! order — a clause reference, a plural list, an elision mark, or a name — and last the
//! quotations are found with `memchr` and checked against their likeliest sources.

use std::collections::{HashMap, HashSet};

use super::cursor::roman_value;
use super::fold::fold;
use super::index::{MemoryIndex, QuoteSources};
use super::patterns::{Hit, Patterns};
use super::run::Run;
use super::{Catalog, Found, RefUnit};

/// Tunable thresholds.
#[derive(Clone, Debug)]
pub struct Options {
    /// Least word similarity (Dice coefficient over aligned words) for a `near` quotation.
    pub near_threshold: f64,
    /// Fewest words for a quotation.
    pub min_quote_words: usize,
    /// Clauses asked of the [`QuoteSources`] per lookup.
    pub candidates: usize,
    /// Fewest words for a `near` verdict: a short phrase nearly matching some clause says little.
    pub min_near_words: usize,
    /// Quotations shorter than this found only by searching the whole catalog (no document
    /// named nearby) get their confidence scaled by [`Options::stray_factor`].
    pub min_stray_words: usize,
    /// See [`Options::min_stray_words`].
    pub stray_factor: f64,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            near_threshold: 0.8,
            min_quote_words: 4,
            candidates: 12,
            min_near_words: 8,
            min_stray_words: 12,
            stray_factor: 0.6,
        }
    }
}

/// What one clause leaves to the next of the same document: the documents named in the
/// clauses just read, so that a bare "Article 51" or a quotation in the next paragraph is
/// looked for in them, and "the Charter" can mean one of them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Context {
    /// Documents named in the clauses before, the latest last, with how many clauses back
    /// (0: the clause just before). At most [`CONTEXT_CLAUSES`] back.
    pub(super) named: Vec<(Named, u32)>,
    /// The label of the clause being read (`61.2`), so that "paragraph 3" of an
    /// article means that article's paragraph 3.
    pub clause: Option<String>,
    /// The date of the text being read, (first day, last day), when its document is not in the
    /// catalog (a draft given to `concord verify`): no quotation source dated after it.
    pub date: Option<(String, String)>,
}

/// How many clauses back a document named counts as "named last" for a bare reference.
pub const CONTEXT_CLAUSES: u32 = 6;

/// How many of the documents named in one clause the clauses after it remember.
const CONTEXT_PER_CLAUSE: usize = 8;

/// A document named in a text: one of the catalog, or one outside it by its name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Named {
    /// Its index in the catalog; `None` for a document outside it.
    pub doc: Option<u32>,
    /// For a document outside the catalog: its name as written.
    pub name: Option<String>,
    /// The instrument noun that names it ("charter", "resolution"), folded.
    pub head: Option<String>,
}

pub(super) struct DocInfo {
    pub id: String,
    pub year: Option<i32>,
    /// The first day its date can mean, `YYYY-MM-DD`.
    pub date_start: Option<String>,
    /// The last day its date can mean.
    pub date_end: Option<String>,
    /// A treaty, charter, declaration...: its own clauses are its bare references' targets.
    pub instrument: bool,
    pub labels: Labels,
    /// Folded words of its title and aliases ("the Charter" may mean it when named last).
    pub words: HashSet<String>,
    /// Has labels other than `pN` and `preamble`: numbered like a treaty.
    pub structured: bool,
    /// Numbered by articles (a bare "paragraph 5" is none of its clauses).
    pub articles: bool,
    /// The instrument noun of its title ("Optional Protocol to the ..." → "protocol").
    pub head: Option<String>,
    /// Documents whose title its title contains (a protocol's convention).
    pub parents: Vec<u32>,
}

/// A document's clause labels: `pN` paragraphs as sorted numbers (most of a large store's
/// labels, held without a string each), the others as a set.
#[derive(Debug, Default)]
pub(super) struct Labels {
    paragraphs: Vec<u32>,
    other: HashSet<String>,
}

impl Labels {
    fn new<'a>(labels: impl Iterator<Item = &'a str>, paragraphs: &[u32]) -> Labels {
        let mut out = Labels {
            paragraphs: paragraphs.to_vec(),
            other: HashSet::new(),
        };
        for l in labels {
            match super::paragraph_number(l) {
                Some(n) => out.paragraphs.push(n),
                None => {
                    out.other.insert(l.to_string());
                }
            }
        }
        out.paragraphs.sort_unstable();
        out.paragraphs.dedup();
        out
    }

    /// Whether the document has a clause labelled `label`.
    pub fn contains(&self, label: &str) -> bool {
        match super::paragraph_number(label) {
            Some(n) => self.paragraphs.binary_search(&n).is_ok(),
            None => self.other.contains(label),
        }
    }

    /// Whether some clause's label begins with `label.` (`8.1` under `8`): a `pN` label
    /// holds no dot, so it is looked for among the others alone.
    pub fn has_children(&self, label: &str) -> bool {
        self.other.iter().any(|l| {
            l.strip_prefix(label)
                .is_some_and(|rest| rest.starts_with('.'))
        })
    }
}

/// Nouns that name a kind of instrument, preferred as the head of a title.
pub(super) const INSTRUMENTS: &[&str] = &[
    "charter",
    "treaty",
    "convention",
    "covenant",
    "protocol",
    "statute",
    "declaration",
    "act",
    "agreement",
    "accord",
    "memorandum",
    "pact",
    "document",
    "constitution",
    "code",
    "communiqué",
];
const TITLE_BREAKS: &[&str] = &[
    "of",
    "on",
    "to",
    "for",
    "against",
    "relating",
    "relative",
    "between",
    "concerning",
    "governing",
    "in",
    "and",
    "with",
    "among",
    "by",
];

/// The head noun of a title: the first instrument noun before the first preposition, else the
/// last word before it.
fn head_noun(title: &str) -> Option<String> {
    let folded = fold(title).text;
    let words: Vec<&str> = folded
        .split_whitespace()
        .take_while(|w| !TITLE_BREAKS.contains(w) && !w.starts_with('('))
        .collect();
    let head = words
        .iter()
        .find(|w| INSTRUMENTS.contains(w))
        .or(words.last())?;
    Some(
        head.trim_matches(|c: char| !c.is_alphanumeric())
            .to_string(),
    )
}

/// For each document, the others whose (folded) title or alias of two words or more its own
/// title contains ("Protocol Additional to the Geneva Conventions of 12 August 1949" holds the
/// four Conventions' alias): one automaton over the names, so that this stays linear in their
/// length.
fn parents(titles: &[String], names: &[Vec<String>]) -> Vec<Vec<u32>> {
    let long: Vec<(u32, &str)> = names
        .iter()
        .enumerate()
        .flat_map(|(j, ns)| ns.iter().map(move |n| (j as u32, n.as_str())))
        .filter(|(_, n)| n.len() >= 10 && n.contains(' '))
        .collect();
    let ac = aho_corasick::AhoCorasick::new(long.iter().map(|(_, n)| n));
    let Ok(ac) = ac else {
        return vec![Vec::new(); titles.len()];
    };
    titles
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let mut found: Vec<u32> = ac
                .find_overlapping_iter(t.as_str())
                .map(|m| long[m.pattern().as_usize()].0)
                .filter(|&j| j as usize != i)
                .collect();
            found.sort_unstable();
            found.dedup();
            found
        })
        .collect()
}

/// Finds citations in clause texts. Build once per catalog; `find` takes `&self` and may run on
/// many threads at once when `S` is `Sync`.
pub struct Finder<S = MemoryIndex> {
    pub(super) docs: Vec<DocInfo>,
    pub(super) doc_ix: HashMap<String, u32>,
    pub(super) principles: Vec<String>,
    pub(super) patterns: Patterns,
    pub(super) sources: S,
    pub options: Options,
}

impl Finder<MemoryIndex> {
    /// Compiles the automaton and indexes every clause text of the catalog for quotations.
    pub fn new(catalog: &Catalog) -> Finder<MemoryIndex> {
        Finder::with_sources(catalog, MemoryIndex::new(catalog))
    }
}

fn is_paragraph_label(l: &str) -> bool {
    l == "preamble"
        || l.strip_prefix('p')
            .is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()))
}

impl<S: QuoteSources> Finder<S> {
    /// Like [`Finder::new`], with quotations looked up in `sources` (a SQLite FTS5 table, say).
    pub fn with_sources(catalog: &Catalog, sources: S) -> Finder<S> {
        let mut docs: Vec<DocInfo> = catalog
            .documents
            .iter()
            .map(|d| DocInfo {
                id: d.id.clone(),
                year: d.year,
                date_start: d.date.as_ref().map(|x| x.0.clone()),
                date_end: d.date.as_ref().map(|x| x.1.clone()),
                instrument: d.instrument,
                labels: Labels::new(d.clauses.iter().map(|c| c.label.as_str()), &d.paragraphs),
                words: std::iter::once(&d.title)
                    .chain(&d.aliases)
                    .flat_map(|p| {
                        fold(p)
                            .text
                            .split_whitespace()
                            .map(String::from)
                            .collect::<Vec<_>>()
                    })
                    .collect(),
                structured: d.clauses.iter().any(|c| !is_paragraph_label(&c.label)),
                articles: d.articles,
                head: head_noun(&d.title),
                parents: Vec::new(),
            })
            .collect();
        let titles: Vec<String> = catalog
            .documents
            .iter()
            .map(|d| super::patterns::key(&d.title))
            .collect();
        let names: Vec<Vec<String>> = catalog
            .documents
            .iter()
            .map(|d| {
                std::iter::once(&d.title)
                    .chain(&d.aliases)
                    .map(|n| super::patterns::key(n))
                    .collect()
            })
            .collect();
        for (d, p) in docs.iter_mut().zip(parents(&titles, &names)) {
            d.parents = p;
        }
        let phrases = |t: &'_ String, a: &'_ Vec<String>| -> Vec<String> {
            std::iter::once(t.clone())
                .chain(a.iter().cloned())
                .collect()
        };
        let doc_phrases: Vec<Vec<String>> = catalog
            .documents
            .iter()
            .map(|d| phrases(&d.title, &d.aliases))
            .collect();
        let pr_phrases: Vec<Vec<String>> = catalog
            .principles
            .iter()
            .map(|p| phrases(&p.name, &p.aliases))
            .collect();
        let patterns = Patterns::new(
            doc_phrases
                .iter()
                .map(|v| v.iter().map(String::as_str).collect()),
            pr_phrases
                .iter()
                .map(|v| v.iter().map(String::as_str).collect()),
            catalog
                .documents
                .iter()
                .map(|d| d.authors.iter().map(String::as_str).collect()),
        );
        Finder {
            doc_ix: docs
                .iter()
                .enumerate()
                .map(|(i, d)| (d.id.clone(), i as u32))
                .collect(),
            docs,
            principles: catalog.principles.iter().map(|p| p.id.clone()).collect(),
            patterns,
            sources,
            options: Options::default(),
        }
    }

    /// The citations in `text`, a clause of the document `citing_doc`. Never a citation of the
    /// citing document as a whole or a quotation of it; its own clauses may be referred to.
    pub fn find(&self, citing_doc: &str, text: &str) -> Vec<Found> {
        self.find_with(citing_doc, text, &mut Context::default())
    }

    /// Like [`Finder::find`], carrying `ctx` from one clause of a document to the next.
    pub fn find_with(&self, citing_doc: &str, text: &str, ctx: &mut Context) -> Vec<Found> {
        self.find_using(&self.sources, citing_doc, text, ctx)
    }

    /// Like [`Finder::find_with`], with quotations looked up in `sources` instead of the
    /// finder's own: one finder shared by threads that each read their own connection.
    pub fn find_using(
        &self,
        sources: &dyn QuoteSources,
        citing_doc: &str,
        text: &str,
        ctx: &mut Context,
    ) -> Vec<Found> {
        // Names are matched with single spaces between their words; a text with runs of
        // spaces ("the United  Nations") is folded with the runs collapsed (a slower pass, so
        // only when there are any).
        let mut folded = fold(text);
        if memchr::memmem::find(folded.text.as_bytes(), b"  ").is_some() {
            folded = super::fold::normalize(text);
        }
        let hits = self.patterns.scan(&folded.text);
        let hits = hits.into_iter().map(|h| Hit {
            start: folded.orig(h.start),
            end: folded.orig(h.end),
            ..h
        });
        let citing_ix = self.doc_ix.get(citing_doc).copied();
        let citing = citing_ix.map(|d| &self.docs[d as usize]);
        let mut run = Run {
            f: self,
            sources,
            citing: citing_doc,
            citing_ix,
            citing_instrument: citing.is_some_and(|d| d.instrument),
            citing_start: citing
                .and_then(|d| d.date_start.clone())
                .or_else(|| ctx.date.as_ref().map(|d| d.0.clone())),
            citing_end: citing
                .and_then(|d| d.date_end.clone())
                .or_else(|| ctx.date.as_ref().map(|d| d.1.clone())),
            citing_clause: ctx.clause.clone(),
            text,
            hits: hits.collect(),
            out: Vec::new(),
            mentions: Vec::new(),
            elisions: Vec::new(),
            authors: Vec::new(),
            before: &ctx.named,
            known: Vec::new(),
            named_docs: Default::default(),
        };
        run.names_and_refs();
        run.quotations();
        let mut mentions = run.mentions.clone();
        mentions.sort_by_key(|m| m.0);
        let named: Vec<Named> = mentions.into_iter().map(|m| m.1).collect();
        let found = run.finish();
        // This clause's documents become the latest context; older ones age by a clause.
        for (_, age) in ctx.named.iter_mut() {
            *age += 1;
        }
        ctx.named.retain(|(_, age)| *age < CONTEXT_CLAUSES);
        // The latest few distinct documents of this clause, oldest first (a clause naming
        // thousands of documents leaves no more context than one naming a few).
        let mut latest: Vec<Named> = Vec::new();
        for n in named.into_iter().rev() {
            if latest.len() == CONTEXT_PER_CLAUSE {
                break;
            }
            if !latest.contains(&n) {
                latest.push(n);
            }
        }
        for n in latest.into_iter().rev() {
            ctx.named.retain(|(m, _)| *m != n);
            ctx.named.push((n, 0));
        }
        found
    }
}

/// The label as stored in the document: as written, else (roman, where the unit allows) in
/// arabic figures: "Principle VIII" → `8`.
pub(super) fn stored_label(doc: &DocInfo, label: &str, unit: RefUnit) -> Option<String> {
    if !unit.numbers_clauses() {
        // A chapter, part, section or annex is a clause only under its own label.
        let qualified = unit.division_label(label);
        return doc.labels.contains(&qualified).then_some(qualified);
    }
    if doc.labels.contains(label) {
        return Some(label.to_string());
    }
    if !unit.arabic_fallback() {
        return None;
    }
    let (head, rest) = label.split_once('.').map_or((label, ""), |(h, r)| (h, r));
    let n = roman_value(head)?;
    let arabic = if rest.is_empty() {
        n.to_string()
    } else {
        format!("{n}.{rest}")
    };
    doc.labels.contains(&arabic).then_some(arabic)
}
