//! The citation finder: which documents, clauses and principles one clause's text cites.
//!
//! In: a [`Catalog`] (documents with aliases, years and clause labels and texts; principles with
//! aliases), compiled once into a [`Finder`]; then the text of one clause and the id of its
//! document. Out: [`Found`] citations with character spans, targets, method, confidence, and for
//! quotations a word-level [`QuoteCheck`] against the source clause. Pure: no I/O.
//!
//! ```ignore
//! // (the crate path differs where this module is copied; the unit test `doc_example` runs it)
//! use concord_cite::cite::{Catalog, DocEntry, Finder, Target};
//! let catalog = Catalog {
//!     documents: vec![DocEntry {
//!         id: "astana".into(),
//!         title: "Astana Commemorative Declaration".into(),
//!         aliases: vec!["Astana Declaration".into()],
//!         year: Some(2010),
//!         ..Default::default()
//!     }],
//!     principles: vec![],
//! };
//! let finder = Finder::new(&catalog);
//! let found = finder.find("lavrov-2022-01-27", "the 2010 Astana Declaration says");
//! assert_eq!(found[0].target, Target::Document("astana".into()));
//! assert_eq!(found[0].span, (9, 27)); // characters, not bytes
//! ```
//!
//! # How it works
//!
//! 1. **One pass.** The text is folded (`fold.rs`: ASCII through a byte table; other characters
//!    lowercased by Unicode rules, typographic quotes and dashes made plain, with a sparse map
//!    back to the original offsets) and scanned once by a single leftmost-longest Aho-Corasick
//!    DFA (`patterns.rs`) holding every alias and title, every principle name and alias, the
//!    words that open a clause reference ("article", "art.", "paragraph", "point", "principle",
//!    "chapter", "section", "§", "clause", "part", "annex"), the plurals of the last words of
//!    aliases ("declarations") and the elision mark `[...]`. A match must be whole words; one
//!    that is not gives way to a shorter match at the same start, then to later matches.
//!    Quotation marks are found with `memchr` (`quotes.rs`). Text with no hit and no quotation
//!    mark costs the fold, the scan and the `memchr` passes only.
//! 2. **Names** (`run.rs`, `names.rs`): a 4-digit year just before a name, or "of YYYY", "(YYYY)",
//!    "of 21 November 1990" just after, chooses among documents sharing the alias and rules out
//!    the ones of other years; "in YYYY" after only chooses. A plural noun reads the list before
//!    it: "the 1999 Istanbul and the Astana declarations" → the aliases "Istanbul Declaration"
//!    and "Astana Declaration".
//! 3. **Clause references** (`refs.rs`, `cursor.rs`, `run.rs`) are parsed from the opening word
//!    on: labels (`2(4)` → `2.4`, "Article 2, paragraph 4" → `2.4`, "paragraph 3 of Article 52"
//!    → `52.3`, "paragraph c", "Article 73 e", lists, ranges, "(4) and (7)", "the Preamble"), then
//!    the document: an alias after "of (the)" or "in the", also after a comma ("Article 2,
//!    paragraph 3, of the Charter") and through a division ("of Chapter VII of the Charter", the
//!    chapter cited too); "our/its/the same Charter"; "this" / "the present" X (the citing
//!    instrument); the same document as the next reference of a list ("Article 2(4) and Article
//!    51 of the Charter"); an alias just before ("the Istanbul Charter, paragraph 8"). With none
//!    named, an instrument's reference is to its own clauses; a statement's to the document named
//!    last in it or in the few clauses before ([`CONTEXT_CLAUSES`]) that has such a
//!    clause — never to the statement's own paragraphs. A reference to a document outside the
//!    catalog ("[1413th meeting, para. 72]", "Article 15 of the Charter of the Organization of
//!    American States", "paragraph 3 of resolution 242 (1967)"), or to none the context names,
//!    is [`Target::Unresolved`], with the name it gives: it cites no clause of the catalog.
//! 4. **Quotations** (`quoting.rs`, `verify.rs`, `canon.rs`, `index.rs`): text in “…” „…“ «…» ‘…’
//!    "…" '…' of at least four words, and unmarked sentences holding `[…]`. Each is looked for
//!    first in the clauses of the documents named just before or just after it (or in the clause
//!    before), in the documents of an author it is put in the mouth of ("Minister X said
//!    “…”"), then in the whole catalog through [`QuoteSources`] (by default [`MemoryIndex`], an
//!    inverted index over words ranking clauses by their rarest shared words), instruments first.
//!    A source is never dated after the quoting text; a clause holding the words in quotation
//!    marks, or a statement nobody named, is a co-quoter, not the source; of two instruments the
//!    earlier; a few common words are no quotation; a title ("an item entitled “…”") none. A
//!    candidate is checked exact (each elided part verbatim, in order), normalized (the same
//!    words once case, punctuation, hyphens, British/American spelling, list markers and a small
//!    word at the quotation's edge are set aside), then near (a semi-global word alignment with
//!    at least 80% word similarity and one word at least added, dropped or changed, for
//!    quotations of eight words or more); an amended clause is checked against its wording in
//!    force at the quoting text's date. A quotation of several sentences found in no single
//!    clause is cited sentence by sentence.
//!
//! # Known limits
//!
//! - Whole-word matching relies on spaces, so aliases inside Chinese or Japanese text without
//!   spaces are not found.
//! - Plural lists are read only back from the noun and only for aliases whose last word is that
//!   noun; "the Helsinki and Paris documents" needs aliases "Helsinki Document"/"Paris Document".
//! - Quotation marks that are not closed within the paragraph are ignored; a quotation quoted
//!   inside another is part of it.
//! - Ordinals ("the very first Article of the Charter", "the second paragraph of Article 51")
//!   and references by content alone ("the enemy-State clauses") are not read.

mod canon;
mod cursor;
mod finder;
mod fold;
mod index;
mod names;
mod patterns;
mod quotes;
mod quoting;
mod refs;
mod run;
mod verify;
pub use quotes::OPENING_MARKS;
pub(crate) use verify::Prepared;
pub use verify::SourceText;

/// The quotations in marks of `text` with at least `min_words` words, as written.
pub fn quotations(text: &str, min_words: usize) -> Vec<&str> {
    quotes::marked(text, min_words)
        .iter()
        .map(|q| &text[q.start..q.end])
        .collect()
}

pub use finder::{CONTEXT_CLAUSES, Context, Finder, Options};
pub use index::{
    MIN_COVERAGE, MemoryIndex, POSTINGS_BUDGET, QUERY_WORDS, QuoteSources, Scope, SourceClause,
};

/// Everything the finder knows about: built once, from the store or a corpus.
#[derive(Clone, Debug, Default)]
pub struct Catalog {
    pub documents: Vec<DocEntry>,
    pub principles: Vec<PrincipleEntry>,
}

/// A document that texts may cite.
#[derive(Clone, Debug, Default)]
pub struct DocEntry {
    /// The document's id (a slug).
    pub id: String,
    /// Its title; matched like an alias.
    pub title: String,
    /// Phrases by which other texts name it ("Istanbul Charter"). A leading "the" is ignored.
    pub aliases: Vec<String>,
    /// Year of the document's date, used to choose between documents sharing an alias.
    pub year: Option<i32>,
    /// The first and last day its date can mean (`YYYY-MM-DD`): a text never quotes one dated
    /// after it.
    pub date: Option<(String, String)>,
    /// An instrument (a treaty, charter, declaration, convention, ...: see [`is_instrument`]):
    /// its bare references ("Article 5") are to its own clauses. A statement's never are.
    pub instrument: bool,
    /// Numbered by articles, as treaties are (its clauses' titles say "Article ..."): a bare
    /// "paragraph 5" then names none of its clauses.
    pub articles: bool,
    /// The names and aliases of its authors: a quotation next to one ("Minister Vetrova said
    /// that …") is looked for in the documents they wrote.
    pub authors: Vec<String>,
    /// Its clauses. With the default [`MemoryIndex`] the texts are the quotation sources; with
    /// another [`QuoteSources`] the texts may be left empty (labels are still needed).
    pub clauses: Vec<ClauseEntry>,
    /// More of its clauses, given by label alone: `pN` as the number N (see
    /// [`paragraph_number`]). A store's catalog lists its million paragraphs this way, a
    /// number each instead of a string; their texts are the store's to look up.
    pub paragraphs: Vec<u32>,
}

/// The N of a paragraph label `pN` written without leading zeros (`p1`, `p42`; not `p01`,
/// `p`, `p1.2`): such labels can be kept as numbers and read back unchanged.
pub fn paragraph_number(label: &str) -> Option<u32> {
    let n = label.strip_prefix('p')?;
    if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) || (n.len() > 1 && n.starts_with('0'))
    {
        return None;
    }
    n.parse().ok()
}

/// One clause of a document.
#[derive(Clone, Debug, Default)]
pub struct ClauseEntry {
    /// The clause's label within its document (`8`, `8.5`, `2.4`, `preamble`, `p3`).
    pub label: String,
    pub text: String,
    /// Earlier wordings (an amended article), oldest first: a quotation dated before a
    /// wording's `until` may quote it.
    pub earlier: Vec<Wording>,
}

/// A clause's wording that was in force until a date.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Wording {
    pub text: String,
    /// The last day it was in force (`YYYY-MM-DD`).
    pub until: String,
}

/// Document kinds whose own numbered clauses their bare references mean: instruments, as
/// opposed to statements, speeches, transcripts, articles and letters. The default kind
/// `document` counts as one when its clauses are numbered like a treaty's.
pub const INSTRUMENT_KINDS: &[&str] = &[
    "treaty",
    "charter",
    "convention",
    "covenant",
    "declaration",
    "protocol",
    "statute",
    "agreement",
    "accord",
    "pact",
    "act",
    "final-act",
    "constitution",
    "resolution",
    "decision",
    "code",
    "amendment",
    "memorandum",
    "communique",
    "instrument",
    "law",
    "regulation",
    "directive",
];

/// Whether a document of `kind` is an instrument (see [`INSTRUMENT_KINDS`]); `structured`:
/// whether it has labels other than `pN` and `preamble`.
pub fn is_instrument(kind: &str, structured: bool) -> bool {
    INSTRUMENT_KINDS.contains(&kind) || kind == "document" && structured
}

/// A principle that texts may invoke.
#[derive(Clone, Debug, Default)]
pub struct PrincipleEntry {
    pub id: String,
    /// Its name; matched like an alias.
    pub name: String,
    /// Phrases that name the principle in running text ("indivisible security").
    pub aliases: Vec<String>,
}

/// One citation found in a text.
#[derive(Clone, Debug, PartialEq)]
pub struct Found {
    /// Character offsets (not bytes) into the text, `start..end`: the name, the whole clause
    /// reference ("Articles 41 and 42 of the Charter"), or the words inside the quotation marks.
    pub span: (usize, usize),
    pub target: Target,
    pub method: Method,
    /// 0..=1; see [`Method`] for the usual values.
    pub confidence: f64,
    /// For a quotation: the quoted words as written (inside the marks).
    pub quote: Option<String>,
    /// For a quotation: how it compares with its source.
    pub check: Option<QuoteCheck>,
    /// For a clause reference: the unit it named ("Chapter VII" → `Chapter`).
    pub unit: Option<RefUnit>,
}

/// What a citation points at.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    /// A document named as a whole.
    Document(String),
    /// A clause of the store.
    Clause { doc: String, label: String },
    /// A clause reference whose label is not in the store: document and label as written
    /// (after `2(4)` → `2.4`; roman numerals kept).
    DocumentLabel { doc: String, label: String },
    /// A principle.
    Principle(String),
    /// A quotation whose source was not found.
    None,
    /// A clause reference to a document that is not in the catalog, or to none that the
    /// context names: the name it gives ("1413th meeting", "Charter of the Organization of
    /// American States"; `None` when it names none), and its labels as read (`2.4`, `72`).
    Unresolved {
        name: Option<String>,
        labels: String,
    },
}

/// How a citation was found. Usual confidences: alias 0.9 (0.7 for a one-word alias, halved when
/// several documents share it and no year tells them apart, 0.95 when a year confirms it);
/// clause-ref 0.95 to a stored clause, 0.85 to a label not in the store, 0.8 through "the
/// Charter" meaning the document named last; quote-exact 1.0; quote-normalized 0.95; quote-near
/// 0.9 × similarity; quote-unverified 0.3; principle 0.8 (0.7 for a one-word alias).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Method {
    Alias,
    ClauseRef,
    QuoteExact,
    QuoteNormalized,
    QuoteNear,
    QuoteUnverified,
    Principle,
}

impl Method {
    /// The method's name as stored: "alias", "clause-ref", "quote-exact", ...
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Alias => "alias",
            Method::ClauseRef => "clause-ref",
            Method::QuoteExact => "quote-exact",
            Method::QuoteNormalized => "quote-normalized",
            Method::QuoteNear => "quote-near",
            Method::QuoteUnverified => "quote-unverified",
            Method::Principle => "principle",
        }
    }
}

/// The word that opened a clause reference.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RefUnit {
    Article,
    Paragraph,
    Point,
    Principle,
    Chapter,
    Section,
    Clause,
    Part,
    Annex,
    /// "the preamble of the Charter": the clause labelled `preamble`.
    Preamble,
}

impl RefUnit {
    /// Lowercase name: "article", "paragraph", ...
    pub fn as_str(self) -> &'static str {
        match self {
            RefUnit::Article => "article",
            RefUnit::Paragraph => "paragraph",
            RefUnit::Point => "point",
            RefUnit::Principle => "principle",
            RefUnit::Chapter => "chapter",
            RefUnit::Section => "section",
            RefUnit::Clause => "clause",
            RefUnit::Part => "part",
            RefUnit::Annex => "annex",
            RefUnit::Preamble => "preamble",
        }
    }

    /// Whether this unit's numbers are the instrument's own clause labels (an article, a
    /// paragraph, a point); chapters, parts, sections and annexes are numbered apart, and a
    /// bare number of theirs is no clause ("section 7" of UNCLOS is not its article 7).
    pub fn numbers_clauses(self) -> bool {
        !matches!(
            self,
            RefUnit::Chapter | RefUnit::Part | RefUnit::Section | RefUnit::Annex
        )
    }

    /// The label of a division as cited: a roman chapter or part as written (`VII`, `XI`),
    /// else qualified by its unit (`part-9`, `section-7`), an annex always (`annex-III`), so
    /// that it never reads as an article.
    pub fn division_label(self, label: &str) -> String {
        let roman = label.bytes().all(|b| b"IVXLCDM".contains(&b));
        if self.numbers_clauses() || roman && self != RefUnit::Annex {
            label.to_string()
        } else {
            format!("{}-{label}", self.as_str())
        }
    }

    /// Whether a roman label may also be looked up in arabic ("Article IV" → `4`). Not for
    /// chapters, parts, sections and annexes, which treaties number apart from their articles
    /// ("Chapter VII" of the UN Charter is not Article 7).
    pub fn arabic_fallback(self) -> bool {
        matches!(
            self,
            RefUnit::Article
                | RefUnit::Paragraph
                | RefUnit::Point
                | RefUnit::Principle
                | RefUnit::Clause
        )
    }
}

/// How a quotation compares with its source clause.
#[derive(Clone, Debug, PartialEq)]
pub struct QuoteCheck {
    pub verdict: Verdict,
    /// Word-level similarity, 0..=1 (1 for exact and normalized).
    pub similarity: f64,
    /// The matched span of the source clause (from the first to the last matched word, elided
    /// parts included).
    pub source_text: Option<String>,
    /// Words in the quotation that the source does not have.
    pub added: Vec<String>,
    /// Words of the source that the quotation leaves out (not counting elisions).
    pub dropped: Vec<String>,
    /// (source word, quoted word) pairs.
    pub changed: Vec<(String, String)>,
    /// Clauses that hold the same words inside quotation marks, quoting them too (`doc#label`):
    /// never the source.
    pub co_quoted: Vec<String>,
    /// When the source matched is a clause's earlier wording: the last day it was in force.
    pub wording_until: Option<String>,
}

/// The verdict on a quotation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// Occurs verbatim (each part, in order, when elided).
    Exact,
    /// Equal after folding case, quote marks, dashes, whitespace and edge punctuation.
    Normalized,
    /// A word alignment matches at least the similarity threshold.
    Near,
    /// No source found.
    Unverified,
}

impl Verdict {
    /// "exact", "normalized", "near", "unverified".
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Exact => "exact",
            Verdict::Normalized => "normalized",
            Verdict::Near => "near",
            Verdict::Unverified => "unverified",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_example() {
        let catalog = Catalog {
            documents: vec![DocEntry {
                id: "astana".into(),
                title: "Astana Commemorative Declaration".into(),
                aliases: vec!["Astana Declaration".into()],
                year: Some(2010),
                ..Default::default()
            }],
            principles: vec![],
        };
        let finder = Finder::new(&catalog);
        let found = finder.find("lavrov-2022-01-27", "the 2010 Astana Declaration says");
        assert_eq!(found[0].target, Target::Document("astana".into()));
        assert_eq!(found[0].span, (9, 27));
        assert_eq!(found[0].method.as_str(), "alias");
    }

    #[test]
    fn finder_is_shareable_between_threads() {
        fn shareable<T: Send + Sync>() {}
        shareable::<Finder>();
    }
}
