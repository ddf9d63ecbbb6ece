//! One `find` call: reading the automaton's hits in order — a clause reference, a plural list,
//! an elision mark, a name, or an instrument noun — into citations, then handing over to
//! [`super::quoting`].
//!
//! In: the hits of [`super::patterns`] in original byte offsets, and the documents named in the
//! clauses just before. Out: [`Found`]s with byte spans, turned into character spans by
//! [`Run::finish`].
//!
//! A reference is resolved as a careful reader would: to the document named after it (with
//! commas or words between), just before it, or beside it in a list ("Article 2(4) and Article
//! 51 of the Charter"); a bare one ("Article 109") to the citing instrument's own clause, or in a
//! statement to the document named last — in this clause or the few before — that has such a
//! clause. A reference to a document outside the catalog, or to none, is kept unresolved with
//! the name it gives, and never becomes a citation of a clause in the catalog.

use super::cursor::Cur;
use super::finder::{Finder, INSTRUMENTS, Named, stored_label};
use super::fold::{fold, to_char_offsets};
use super::index::QuoteSources;
use super::names::{YearHint, choose, plural_list, year_after, year_before};
use super::patterns::{Hit, Meaning};
use super::refs::{self, DocSpec, name_end};
use super::{Found, Method, RefUnit, Target};

/// The state of one `find` call. Spans are in bytes until [`Run::finish`].
pub(super) struct Run<'a, S> {
    pub f: &'a Finder<S>,
    /// Where quotations are looked up: the finder's own sources, or the caller's.
    pub sources: &'a dyn QuoteSources,
    pub citing: &'a str,
    pub citing_ix: Option<u32>,
    /// Whether the citing document is an instrument (its bare references are its own).
    pub citing_instrument: bool,
    /// The first and last day the citing text's date can mean: no quotation source dated
    /// after it; an amended clause's wording in force then.
    pub citing_start: Option<String>,
    pub citing_end: Option<String>,
    /// The label of the clause being read, when known.
    pub citing_clause: Option<String>,
    pub text: &'a str,
    pub hits: Vec<Hit>,
    pub out: Vec<Found>,
    /// (byte offset, document) of each document named, for references and quotations.
    pub mentions: Vec<(usize, Named)>,
    pub elisions: Vec<(usize, usize)>,
    /// (byte offset, document) of each author named: "Minister Vetrova said …" names her
    /// statements as the likely sources of a quotation.
    pub authors: Vec<(usize, u32)>,
    /// The documents named in the clauses before, the latest last.
    pub before: &'a [(Named, u32)],
    /// For quotations: (byte offset, document) of the catalog's documents named in this
    /// text, sorted; and those documents with the ones named in the clauses before.
    pub known: Vec<(usize, u32)>,
    pub named_docs: std::collections::HashSet<u32>,
}

pub(super) fn found(
    span: (usize, usize),
    target: Target,
    method: Method,
    confidence: f64,
) -> Found {
    Found {
        span,
        target,
        method,
        confidence: confidence.min(1.0),
        quote: None,
        check: None,
        unit: None,
    }
}

/// What a clause reference resolves to.
enum Resolved {
    /// Documents of the catalog (`None`: the citing document, not in the catalog), each with a
    /// confidence and whether it was named (a label it lacks is still cited then).
    Docs(Vec<(Option<u32>, f64, bool)>),
    /// A document outside the catalog, by the name the text gives (or none).
    Outside(Option<String>),
    /// Not a citation at all ("paragraph 1 of this article", "paragraph 50 above").
    Nothing,
}

/// How many of the documents named last a name or a bare reference looks back at.
const RECENT: usize = 24;

/// Words that may open a sentence or stand before a title without being part of it.
const NOT_TITLE_WORDS: &[&str] = &[
    "the", "a", "an", "this", "that", "these", "those", "our", "its", "their", "your", "his",
    "her", "of", "in", "and", "or", "under", "by", "with", "to", "from", "for", "on", "at", "as",
    "whose", "which", "new", "whole", "entire", "present", "said", "same", "mr", "mrs", "ms", "if",
    "but", "when", "while", "both", "all", "every", "each", "no", "not", "i", "we", "she", "he",
    "it", "they", "you", "there", "here", "so", "thus", "yet", "indeed", "now", "then", "also",
    "however", "moreover", "finally", "first", "second", "last", "article", "chapter", "its",
    "one", "any", "such", "his", "what", "how", "why", "where", "who",
];

impl<S: QuoteSources> Run<'_, S> {
    fn meanings(&self, h: &Hit) -> &[Meaning] {
        &self.f.patterns.meanings[h.pattern as usize]
    }

    pub fn names_and_refs(&mut self) {
        let mut consumed = 0;
        for i in 0..self.hits.len() {
            let h = self.hits[i];
            if h.start < consumed {
                continue;
            }
            let meanings = self.meanings(&h).to_vec();
            for m in &meanings {
                if let Meaning::Unit(u) = *m
                    && let Some(end) = self.clause_ref(&h, u)
                {
                    consumed = end;
                }
            }
            if consumed > h.start || (meanings.contains(&Meaning::Plural) && self.plural(&h)) {
                continue;
            }
            if meanings.contains(&Meaning::Elision) {
                self.elisions.push((h.start, h.end));
            }
            for m in &meanings {
                if let Meaning::Author(d) = *m {
                    self.authors.push((h.start, d));
                }
            }
            let docs: Vec<u32> = meanings
                .iter()
                .filter_map(|m| {
                    if let Meaning::Doc(d) = m {
                        Some(*d)
                    } else {
                        None
                    }
                })
                .collect();
            if !docs.is_empty() {
                self.alias(&h, &docs);
            } else if meanings.contains(&Meaning::Instrument) {
                self.instrument(&h);
            }
            for m in &meanings {
                if let Meaning::Principle(p) = *m {
                    let conf = if self.f.patterns.word_counts[h.pattern as usize] > 1 {
                        0.8
                    } else {
                        0.7
                    };
                    let target = Target::Principle(self.f.principles[p as usize].clone());
                    self.out
                        .push(found((h.start, h.end), target, Method::Principle, conf));
                }
            }
        }
    }

    fn years(&self) -> Vec<Option<i32>> {
        self.f.docs.iter().map(|d| d.year).collect()
    }

    fn known(&self, d: u32) -> Named {
        Named {
            doc: Some(d),
            name: None,
            head: self.f.docs[d as usize].head.clone(),
        }
    }

    /// A document outside the catalog named by `text[s..e]`, with its instrument noun.
    fn outside(&self, s: usize, e: usize) -> Named {
        let name = self.text[s..e].trim().to_string();
        let folded = fold(&name).text;
        let head = folded
            .split(|c: char| !c.is_alphanumeric())
            .rfind(|w| super::patterns::INSTRUMENT_NOUNS.contains(w) || INSTRUMENTS.contains(w))
            .map(|w| w.trim_end_matches('s').to_string());
        Named {
            doc: None,
            name: Some(name),
            head,
        }
    }

    /// The latest document named before byte `pos` (in this text, else in the clauses
    /// before) for which `pred` holds.
    /// Only the [`RECENT`] latest documents named are looked at, so that a paragraph dense
    /// with names costs no more per name than a sparse one.
    fn latest(&self, pos: usize, pred: impl Fn(&Named) -> bool) -> Option<Named> {
        self.recent(pos).find(|n| pred(n)).cloned()
    }

    /// Like [`Run::latest`], among the documents named in this text only.
    fn latest_here(&self, pos: usize, pred: impl Fn(&Named) -> bool) -> Option<Named> {
        self.mentions
            .iter()
            .rev()
            .filter(|m| m.0 < pos)
            .take(RECENT)
            .map(|m| &m.1)
            .find(|n| pred(n))
            .cloned()
    }

    /// The documents named before byte `pos`, the latest first: in this text, then in the
    /// clauses before; at most [`RECENT`] of them. Mentions are recorded in reading order,
    /// except a few pushed back to where a title began, so reading them backwards from the
    /// end is their order.
    fn recent(&self, pos: usize) -> impl Iterator<Item = &Named> {
        self.mentions
            .iter()
            .rev()
            .filter(move |m| m.0 < pos)
            .map(|m| &m.1)
            .chain(self.before.iter().rev().map(|(n, _)| n))
            .take(RECENT)
    }

    /// Whether `n` may be called by the noun `word` ("charter").
    fn called(&self, n: &Named, word: &str) -> bool {
        match n.doc {
            Some(d) => self.f.docs[d as usize].words.contains(word),
            None => n.head.as_deref() == Some(word.trim_end_matches('s')),
        }
    }

    /// The longer title that a name at `start..end` is part of, when it is one: "the
    /// Charter" in "the Charter of the Organization of American States", "the Geneva
    /// Conventions on the Law of the Sea"; for a one-word name also "the Atlantic Charter",
    /// "the OAU Charter". Returns the title's span.
    fn longer_title(&self, start: usize, end: usize, one_word: bool) -> Option<(usize, usize)> {
        let text = self.text;
        let mut c = Cur { s: text, pos: end };
        if c.rest().starts_with(' ')
            && c.spaces() == 1
            && c.any_word(&["of", "on", "for", "against", "concerning", "relating"])
            && c.spaces() > 0
        {
            let at = c.pos;
            if !(c.word("to") && c.spaces() > 0) {
                c.pos = at;
            }
            let at = c.pos;
            if !(c.word("the") && c.spaces() > 0) {
                c.pos = at;
            }
            let capital = c.rest().starts_with(char::is_uppercase);
            let month = super::names::starts_with_month(c.rest());
            if capital && !month {
                let from = self.title_start(start, one_word);
                return Some((from, name_end(text, start).max(end)));
            }
        }
        if one_word {
            let from = self.title_start(start, true);
            if from < start {
                return Some((from, end));
            }
            // "the Charter of their organization", "the Charter of that body": another's.
            let mut c = Cur { s: text, pos: end };
            if c.spaces() == 1
                && c.word("of")
                && c.spaces() > 0
                && c.any_word(&[
                    "their", "that", "its", "his", "her", "these", "those", "this",
                ])
                && c.spaces() > 0
                && let Some(w) = c.letters()
                && !w.starts_with(char::is_uppercase)
            {
                return Some((start, c.pos));
            }
        }
        None
    }

    /// Where a title ending in the name at `start` begins: at the capitalised words right
    /// before it ("Atlantic", "OAU", "African"), when there are any.
    fn title_start(&self, start: usize, one_word: bool) -> usize {
        if !one_word {
            return start;
        }
        let head = &self.text[..start];
        let Some(h) = head.strip_suffix(' ') else {
            return start;
        };
        let w_start = h
            .char_indices()
            .rev()
            .take_while(|(_, c)| c.is_alphanumeric() || *c == '-' || *c == '.')
            .last()
            .map_or(h.len(), |(i, _)| i);
        let w = h[w_start..].trim_end_matches('.');
        let title_word = w.starts_with(char::is_uppercase)
            && !NOT_TITLE_WORDS.contains(&w.to_lowercase().as_str())
            && !super::names::starts_with_month(w);
        if title_word { w_start } else { start }
    }

    fn alias(&mut self, h: &Hit, docs: &[u32]) {
        let one_word = self.f.patterns.word_counts[h.pattern as usize] == 1;
        // "the charter" in lower case is no name; a caseless script has no such test.
        if one_word && self.text[h.start..].starts_with(char::is_lowercase) {
            return;
        }
        if let Some((s, e)) = self.longer_title(h.start, h.end, one_word) {
            let n = self.outside(s, e);
            self.mentions.push((s, n));
            return;
        }
        let base = if one_word { 0.7 } else { 0.9 };
        if one_word {
            // "the Charter" right after another charter was named (in this clause) means
            // that one.
            let word = fold(&self.text[h.start..h.end]).text;
            if let Some(n) = self.latest_here(h.start, |n| self.called(n, &word))
                && !n.doc.is_some_and(|d| docs.contains(&d))
            {
                if let Some(d) = n.doc.filter(|&d| Some(d) != self.citing_ix) {
                    let target = Target::Document(self.f.docs[d as usize].id.clone());
                    self.out
                        .push(found((h.start, h.end), target, Method::Alias, 0.6));
                }
                self.mentions.push((h.start, n));
                return;
            }
        }
        let hint = year_before(self.text, h.start)
            .map(YearHint::Strong)
            .or_else(|| year_after(self.text, h.end));
        for (d, factor) in choose(docs, &self.years(), hint) {
            if Some(d) == self.citing_ix {
                continue;
            }
            self.mentions.push((h.start, self.known(d)));
            let target = Target::Document(self.f.docs[d as usize].id.clone());
            self.out.push(found(
                (h.start, h.end),
                target,
                Method::Alias,
                (base * factor).min(0.98),
            ));
        }
    }

    /// An instrument noun that is no alias: a title outside the catalog ("the Atlantic
    /// Charter", "the Treaty of Tlatelolco", "resolution 242 (1967)"), or a word pointing back
    /// to a document named before ("the Convention"), which it names again.
    fn instrument(&mut self, h: &Hit) {
        let word = &self.text[h.start..h.end];
        let folded = fold(word).text;
        if folded.starts_with("resolution") {
            let rest = &self.text[h.end..];
            let numbered = rest
                .trim_start_matches(' ')
                .starts_with(|c: char| c.is_ascii_digit());
            if numbered && rest.starts_with(' ') {
                let from = self.title_start_words(h.start);
                let n = self.outside(from, name_end(self.text, h.start));
                self.mentions.push((from, n));
            }
            return;
        }
        if !word.starts_with(char::is_uppercase) {
            return;
        }
        if let Some((s, e)) = self.longer_title(h.start, h.end, true) {
            let n = self.outside(s, e);
            self.mentions.push((s, n));
        } else if self.citing_instrument && self.defined_term(h, &folded) {
        } else if let Some(n) = self.latest(h.start, |n| self.called(n, &folded)) {
            self.mentions.push((h.start, n));
        }
    }

    /// "the Covenant" in the Optional Protocol to the Covenant, "the Conventions" in the
    /// Protocol Additional to the Geneva Conventions: the instrument's defined term for the
    /// instruments its title names (see `DocInfo::parents`), cited as named. A singular noun
    /// must fit one of them only.
    fn defined_term(&mut self, h: &Hit, folded: &str) -> bool {
        let Some(citing) = self.citing_ix else {
            return false;
        };
        let plural = folded.ends_with('s') && folded != "accords";
        let head = if plural {
            &folded[..folded.len() - 1]
        } else {
            folded
        };
        // "the present Protocol" in a protocol is the protocol itself.
        if self.f.docs[citing as usize].head.as_deref() == Some(head) {
            return false;
        }
        let docs: Vec<u32> = self.f.docs[citing as usize]
            .parents
            .iter()
            .copied()
            .filter(|&p| self.f.docs[p as usize].head.as_deref() == Some(head))
            .collect();
        if docs.is_empty() || !plural && docs.len() > 1 {
            return false;
        }
        for d in docs {
            self.mentions.push((h.start, self.known(d)));
            let target = Target::Document(self.f.docs[d as usize].id.clone());
            self.out
                .push(found((h.start, h.end), target, Method::Alias, 0.75));
        }
        true
    }

    /// The capitalised words before a lower-case "resolution": "Security Council", "General
    /// Assembly".
    fn title_start_words(&self, start: usize) -> usize {
        let mut from = start;
        for _ in 0..3 {
            let s = self.title_start(from, true);
            if s == from {
                break;
            }
            from = s;
        }
        from
    }

    fn plural(&mut self, h: &Hit) -> bool {
        let Some(singular) = self.f.patterns.singular.get(&h.pattern) else {
            return false;
        };
        let list = plural_list(self.text, h.start, singular, &self.f.patterns.doc_alias);
        let Some(&(_, first, _)) = list.last() else {
            return false;
        };
        let years = self.years();
        for (docs, head, year) in list.iter().rev() {
            for (d, factor) in choose(docs, &years, year.map(YearHint::Strong)) {
                if Some(d) != self.citing_ix {
                    self.mentions.push((*head, self.known(d)));
                    let target = Target::Document(self.f.docs[d as usize].id.clone());
                    self.out.push(found(
                        (first, h.end),
                        target,
                        Method::Alias,
                        (0.85 * factor).min(0.95),
                    ));
                }
            }
        }
        true
    }

    /// The hit starting at byte `pos` (hits are sorted and do not overlap).
    fn hit_at(&self, pos: usize) -> Option<&Hit> {
        let i = self.hits.partition_point(|x| x.start < pos);
        self.hits.get(i).filter(|x| x.start == pos)
    }

    fn alias_end(&self, pos: usize) -> Option<usize> {
        self.hit_at(pos)
            .filter(|x| {
                self.f.patterns.meanings[x.pattern as usize]
                    .iter()
                    .any(|m| matches!(m, Meaning::Doc(_)))
            })
            .map(|x| x.end)
    }

    /// Reads a clause reference opened by hit `h`; returns where it ends when it is one.
    fn clause_ref(&mut self, h: &Hit, unit: RefUnit) -> Option<usize> {
        let alias_end = |pos: usize| self.alias_end(pos);
        let mut start = h.start;
        let mut parsed = match refs::parse(self.text, h.end, unit, &alias_end) {
            Some(p) => p,
            None => {
                let (s, labels, unit) = self.relative(h, unit)?;
                start = s;
                refs::parse_after(self.text, h.end, unit, labels, &alias_end)
            }
        };
        // In an instrument, "paragraph 3" with no article or document named, read inside
        // article 61, is paragraph 3 of article 61 ("paragraph 3 of this article" too).
        let article: Option<String> = self
            .citing_clause
            .as_deref()
            .and_then(|l| l.split('.').next())
            .filter(|a| a.starts_with(|c: char| c.is_ascii_digit()))
            .map(str::to_string);
        // (A label "1.a" is paragraph 1's sub-paragraph (a); "8.5" names an article itself.)
        let paragraph_label = |l: &String| {
            let mut parts = l.split('.');
            parts
                .next()
                .is_some_and(|p| p.bytes().all(|b| b.is_ascii_digit()))
                && parts.all(|p| !p.bytes().any(|b| b.is_ascii_digit()))
        };
        let own_paragraph = self.citing_instrument
            && parsed.unit == RefUnit::Paragraph
            && parsed.labels.iter().all(paragraph_label)
            && matches!(
                parsed.doc,
                DocSpec::SameClause | DocSpec::Implicit | DocSpec::Here
            )
            && (!matches!(parsed.doc, DocSpec::Implicit) || self.name_before(h.start).is_none());
        // "subparagraph (d)" read inside paragraph 161.8 is 161.8.d.
        let lettered = |l: &String| l.bytes().all(|b| b.is_ascii_lowercase());
        let paragraph = self
            .citing_clause
            .as_deref()
            .filter(|l| l.split('.').count() == 2 && article.is_some());
        let own_subparagraph = self.citing_instrument
            && parsed.unit == RefUnit::Paragraph
            && self.text[h.start..h.end].to_lowercase().starts_with("sub")
            && !parsed.labels.is_empty()
            && parsed.labels.iter().all(lettered)
            && matches!(
                parsed.doc,
                DocSpec::Implicit | DocSpec::SameClause | DocSpec::Here
            );
        if let (true, Some(p)) = (own_subparagraph, paragraph) {
            parsed.labels = parsed.labels.iter().map(|l| format!("{p}.{l}")).collect();
            parsed.doc = DocSpec::This(String::new());
        } else if let (true, Some(a)) = (own_paragraph, article) {
            parsed.labels = parsed.labels.iter().map(|l| format!("{a}.{l}")).collect();
            parsed.doc = DocSpec::This(String::new());
        }
        let resolved = match parsed.doc.clone() {
            DocSpec::SameClause | DocSpec::Here => Resolved::Nothing,
            DocSpec::SameArticle => match self.last_article() {
                Some((doc, article)) => {
                    parsed.labels = parsed
                        .labels
                        .iter()
                        .map(|l| format!("{article}.{l}"))
                        .collect();
                    parsed.unit = RefUnit::Article;
                    Resolved::Docs(vec![(doc, 0.85, true)])
                }
                None => Resolved::Outside(None),
            },
            DocSpec::This(_) if self.citing_instrument => {
                Resolved::Docs(vec![(self.citing_ix, 0.95, true)])
            }
            DocSpec::This(word) | DocSpec::Anaphor(word) => self.anaphor(h.start, &word),
            DocSpec::Alias(pos) => {
                let end = self.alias_end(pos).unwrap_or(pos);
                let one_word = !self.text[pos..end].trim().contains(' ');
                match self.longer_title(pos, end, one_word) {
                    Some((s, e)) => {
                        let n = self.outside(s, e);
                        let name = n.name.clone();
                        self.mentions.push((s, n));
                        parsed.end = parsed.end.max(e);
                        Resolved::Outside(name)
                    }
                    None => self.alias_docs(pos),
                }
            }
            DocSpec::Unknown(s, e) => {
                let n = self.outside(s, e);
                let name = n.name.clone();
                self.mentions.push((s, n));
                Resolved::Outside(name)
            }
            DocSpec::Common(pos) => {
                // The article common to every document the alias names.
                let docs: Vec<(Option<u32>, f64, bool)> = self
                    .hit_at(pos)
                    .map(|h| self.meanings(h).to_vec())
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(|m| match m {
                        Meaning::Doc(d) => Some((Some(d), 0.9, true)),
                        _ => None,
                    })
                    .collect();
                Resolved::Docs(docs)
            }
            DocSpec::Implicit => {
                if let Some(name) = self.record_before(h.start) {
                    Resolved::Outside(Some(name))
                } else if let Some((s, d)) = self.name_before(h.start) {
                    start = s;
                    Resolved::Docs(vec![(Some(d), 0.95, true)])
                } else if let Some(r) = self.shared_document(parsed.end, 4) {
                    r
                } else if self.citing_instrument {
                    Resolved::Docs(vec![(self.citing_ix, 0.9, false)])
                } else {
                    let capital = self.text[h.start..].starts_with(char::is_uppercase);
                    self.named_last(h.start, &parsed.labels, parsed.unit, capital)
                }
            }
        };
        match resolved {
            Resolved::Nothing => {}
            Resolved::Outside(name) => {
                let labels = shown_labels(&parsed.labels);
                let mut f = found(
                    (start, parsed.end),
                    Target::Unresolved { name, labels },
                    Method::ClauseRef,
                    0.5,
                );
                f.unit = Some(parsed.unit);
                self.out.push(f);
            }
            Resolved::Docs(docs) => {
                for (doc, conf, explicit) in docs {
                    let mut any = false;
                    let labels = parsed.labels.iter().map(|l| (parsed.unit, l));
                    let divisions = parsed.divisions.iter().map(|(u, l)| (*u, l));
                    for (unit, label) in labels.chain(divisions) {
                        if let Some(mut f) = self.ref_target(doc, label, unit, explicit, conf) {
                            f.span = (start, parsed.end);
                            f.unit = Some(unit);
                            self.out.push(f);
                            any = true;
                        }
                    }
                    if any && let Some(d) = doc.filter(|&d| Some(d) != self.citing_ix) {
                        self.mentions.push((start, self.known(d)));
                    }
                }
            }
        }
        Some(parsed.end)
    }

    /// A reference with no number after its opening word, read from the words before it: an
    /// ordinal ("the second paragraph of Article 51" → `2`, "the first paragraph above"), or in
    /// an instrument "the foregoing paragraph" / "the preceding article" (the clause before the
    /// one being read). Returns where it starts, its labels and its unit.
    fn relative(&self, h: &Hit, unit: RefUnit) -> Option<(usize, Vec<String>, RefUnit)> {
        if !matches!(unit, RefUnit::Paragraph | RefUnit::Article) {
            return None;
        }
        let head = &self.text[..h.start];
        let word_start = head
            .trim_end()
            .rfind(|c: char| !c.is_alphabetic())
            .map_or(0, |i| i + 1);
        let word = head.trim_end().get(word_start..)?;
        if head.len() - head.trim_end().len() != 1 {
            return None;
        }
        let lower = word.to_lowercase();
        let start = {
            let before = head[..word_start].trim_end();
            // Only the last word is looked at: the whole text before it is never folded.
            let n = before.len();
            let the = n >= 3
                && before.is_char_boundary(n - 3)
                && before[n - 3..].eq_ignore_ascii_case("the")
                && !before[..n - 3].ends_with(char::is_alphanumeric);
            if the { n - 3 } else { word_start }
        };
        if let Some(n) = refs::ordinal(&lower) {
            return Some((start, vec![n.to_string()], unit));
        }
        // "the foregoing Articles" (plural) names no one clause.
        let plural = self.text[h.start..h.end].to_lowercase().ends_with('s');
        if !self.citing_instrument
            || plural
            || !["foregoing", "preceding", "previous"].contains(&lower.as_str())
        {
            return None;
        }
        let label = self.citing_clause.as_deref()?;
        let mut parts: Vec<&str> = label.split('.').collect();
        let last: usize = match unit {
            RefUnit::Article => parts.first()?.parse().ok()?,
            _ if parts.len() >= 2 => parts.last()?.parse().ok()?,
            _ => return None,
        };
        let prev = last.checked_sub(1).filter(|&p| p > 0)?.to_string();
        let labels = match unit {
            RefUnit::Article => vec![prev],
            _ => {
                let n = parts.len();
                parts[n - 1] = &prev;
                vec![parts.join(".")]
            }
        };
        Some((start, labels, RefUnit::Article))
    }

    /// The document and article of the article reference found last in this text ("paragraph
    /// 3 of the same Article" continues it).
    fn last_article(&self) -> Option<(Option<u32>, String)> {
        self.out.iter().rev().take(RECENT).find_map(|f| {
            if f.unit != Some(RefUnit::Article) {
                return None;
            }
            let (doc, label) = match &f.target {
                Target::Clause { doc, label } | Target::DocumentLabel { doc, label } => {
                    (doc, label)
                }
                _ => return None,
            };
            let d = self.f.doc_ix.get(doc).copied();
            let article = label.split('.').next()?.to_string();
            Some((d, article))
        })
    }

    /// "[1413th meeting, para. 72.]", "(A/7601/Add.1, para. 84)", "[ibid., para. 160]": a
    /// reference inside brackets after the name of a record (a meeting, a document symbol,
    /// "ibid."). Returns that name.
    fn record_before(&self, pos: usize) -> Option<String> {
        let mut from = pos.saturating_sub(200);
        while !self.text.is_char_boundary(from) {
            from += 1;
        }
        let head = &self.text[from..pos];
        let open = head.rfind(['[', '('])?;
        if head[open..].contains([']', ')']) {
            return None;
        }
        let inside = head[open + 1..]
            .trim()
            .trim_end_matches([',', ';', ':'])
            .trim();
        let lower = inside.to_lowercase();
        let record = lower.contains("meeting")
            || lower.starts_with("ibid")
            || lower.contains("op. cit")
            || lower.contains("official records")
            || lower.contains("resolution")
            || lower.contains("document")
            || lower.contains("report")
            || inside.split_whitespace().any(|w| {
                let w = w.trim_matches(|c: char| !c.is_alphanumeric());
                w.contains('/')
                    && w.starts_with(char::is_uppercase)
                    && w.chars().any(|c| c.is_ascii_digit())
            });
        (record && !inside.is_empty()).then(|| inside.to_string())
    }

    /// "Article 2(4) and Article 51 of the Charter": a bare reference followed (after ",",
    /// "and", "or", "as well as") by another that names its document shares that document.
    fn shared_document(&mut self, end: usize, hops: u32) -> Option<Resolved> {
        if hops == 0 {
            return None;
        }
        let mut c = Cur {
            s: self.text,
            pos: end,
        };
        let mut joined = false;
        loop {
            let save = c.pos;
            c.spaces();
            if c.rest().starts_with(',') {
                c.pos += 1;
                joined = true;
                continue;
            }
            if c.any_word(&["and", "or"]) || c.word("as well as") {
                joined = true;
                continue;
            }
            // "Article 1, paragraph 1 and for Article 2 ... of the Charter"
            if joined
                && c.any_word(&[
                    "for",
                    "to",
                    "in",
                    "under",
                    "with",
                    "by",
                    "also",
                    "especially",
                    "particularly",
                    "notably",
                    "even",
                    "then",
                ])
            {
                continue;
            }
            c.pos = save;
            break;
        }
        c.spaces();
        if !joined {
            return None;
        }
        // "and the opening Articles of the Charter": a few words before a unit without number.
        let mut next = self.hit_at(c.pos).copied();
        let mut bare = false;
        if next.is_none() {
            for _ in 0..2 {
                if c.letters().is_none() || c.spaces() == 0 {
                    break;
                }
                if let Some(h) = self.hit_at(c.pos) {
                    next = Some(*h);
                    bare = true;
                    break;
                }
            }
        }
        let next = next?;
        let unit = self.meanings(&next).iter().find_map(|m| match m {
            Meaning::Unit(u) => Some(*u),
            _ => None,
        })?;
        let alias_end = |pos: usize| self.alias_end(pos);
        let parsed = match refs::parse(self.text, next.end, unit, &alias_end) {
            Some(p) if !bare => p,
            _ => refs::parse_unnumbered(self.text, next.end, &alias_end)?,
        };
        match parsed.doc {
            DocSpec::Alias(pos) => {
                let e = self.alias_end(pos).unwrap_or(pos);
                let one_word = !self.text[pos..e].trim().contains(' ');
                match self.longer_title(pos, e, one_word) {
                    Some((s, e)) => Some(Resolved::Outside(self.outside(s, e).name)),
                    None => Some(self.alias_docs(pos)),
                }
            }
            DocSpec::Anaphor(word) => Some(self.anaphor(next.start, &word)),
            DocSpec::This(word) if !self.citing_instrument => Some(self.anaphor(next.start, &word)),
            DocSpec::Unknown(s, e) => Some(Resolved::Outside(self.outside(s, e).name)),
            DocSpec::Implicit => self.shared_document(parsed.end, hops - 1),
            _ => None,
        }
    }

    /// A bare reference in a statement: the document named last — in this clause before it,
    /// else in the few clauses before — that has such a clause (a document outside the
    /// catalog named in this clause or the one before stops the search, unless it is a record
    /// without articles and an article is asked for). From the clauses before, only a
    /// reference written with a capital ("Article 51", "Chapter VII", not "article 7" or
    /// "annex III") is resolved.
    fn named_last(&self, pos: usize, labels: &[String], unit: RefUnit, capital: bool) -> Resolved {
        // (clauses back: 0 for this one, 1 for the one before...; document named)
        let candidates = self
            .mentions
            .iter()
            .rev()
            .filter(|m| m.0 < pos)
            .map(|m| (0, &m.1))
            .chain(self.before.iter().rev().map(|(n, age)| (age + 1, n)))
            .take(RECENT);
        let bare_paragraph = matches!(unit, RefUnit::Paragraph | RefUnit::Point)
            && labels.iter().all(|l| !l.contains('.'));
        for (back, n) in candidates {
            match n.doc {
                // Further back than this clause, only "Article 5", "Chapter VII" as an
                // instrument's own articles are written; "article 7" or "annex III" then
                // belongs to some text nearer by that no name marks.
                Some(_) if back > 0 && (!capital || unit == RefUnit::Annex) => {}
                Some(d) if Some(d) != self.citing_ix => {
                    let info = &self.f.docs[d as usize];
                    // An instrument numbered by articles has no bare "paragraph 5".
                    if bare_paragraph && info.articles {
                        continue;
                    }
                    let has = labels.iter().any(|l| stored_label(info, l, unit).is_some());
                    let structural = !matches!(
                        unit,
                        RefUnit::Article
                            | RefUnit::Paragraph
                            | RefUnit::Point
                            | RefUnit::Principle
                            | RefUnit::Clause
                    );
                    if has || structural && info.structured {
                        return Resolved::Docs(vec![(Some(d), 0.85, structural)]);
                    }
                }
                Some(_) => {}
                None => {
                    let record = matches!(
                        n.head.as_deref(),
                        Some("resolution" | "report" | "meeting" | "decision")
                    );
                    // A document outside the catalog, whose clauses cannot be checked, is the
                    // one meant when named in this clause or the one before; further back,
                    // a document of the catalog that has the clause is looked for.
                    if unit == RefUnit::Article && record || back > 1 {
                        continue;
                    }
                    return Resolved::Outside(n.name.clone());
                }
            }
        }
        Resolved::Outside(None)
    }

    /// Documents for an alias match starting at `pos` inside a reference (with its year).
    fn alias_docs(&self, pos: usize) -> Resolved {
        let Some(h) = self.hit_at(pos) else {
            return Resolved::Outside(None);
        };
        let docs: Vec<u32> = self
            .meanings(h)
            .iter()
            .filter_map(|m| {
                if let Meaning::Doc(d) = m {
                    Some(*d)
                } else {
                    None
                }
            })
            .collect();
        let one_word = self.f.patterns.word_counts[h.pattern as usize] == 1;
        if one_word {
            // "Article 15 of the Charter" right after another charter was named (in this
            // clause): that one.
            let word = fold(&self.text[h.start..h.end]).text;
            if let Some(n) = self.latest_here(h.start, |n| self.called(n, &word))
                && !n.doc.is_some_and(|d| docs.contains(&d))
            {
                return match n.doc {
                    Some(d) => Resolved::Docs(vec![(Some(d), 0.8, true)]),
                    None => Resolved::Outside(n.name),
                };
            }
        }
        let hint = year_before(self.text, pos)
            .map(YearHint::Strong)
            .or_else(|| year_after(self.text, h.end));
        let chosen: Vec<(Option<u32>, f64, bool)> = choose(&docs, &self.years(), hint)
            .into_iter()
            .map(|(d, f)| (Some(d), 0.95 * f.min(1.0), true))
            .collect();
        // None (a year none has), or several that nothing tells apart ("Articles 31 and 33 of
        // the Geneva Conventions"): which clause is meant is not known.
        if chosen.len() != 1 {
            return Resolved::Outside(Some(self.text[h.start..h.end].to_string()));
        }
        Resolved::Docs(chosen)
    }

    /// "the Istanbul Charter, paragraph 8", "the Charter’s Article 51": an alias found just
    /// before the reference (its Document citation is withdrawn). Returns (its start, document).
    fn name_before(&mut self, start: usize) -> Option<(usize, u32)> {
        let last = self.out.last()?;
        let Target::Document(id) = &last.target else {
            return None;
        };
        let gap = &self.text[last.span.1..start];
        let adjacent = ["", " ", ", ", "’s ", "'s "].contains(&gap);
        if last.method != Method::Alias || !adjacent || last.confidence < 0.6 {
            return None;
        }
        let d = *self.f.doc_ix.get(id)?;
        let s = last.span.0;
        self.out.pop();
        Some((s, d))
    }

    /// "the Charter", "our Charter", "this Charter" (in a statement): the document named last
    /// (in this text, else in the clauses before) that `word` may call; else the citing
    /// instrument if `word` is the head noun of its title ("of the Convention" in a
    /// convention); else a document whose title the citing document's title contains, with
    /// that head noun ("of the Covenant" in the Optional Protocol to the Covenant). A document
    /// outside the catalog named last by that word, or none at all, leaves it unresolved.
    fn anaphor(&self, before: usize, written: &str) -> Resolved {
        let folded = written.to_lowercase();
        let word = folded.as_str();
        if !word.is_empty()
            && let Some(n) = self.latest(before, |n| self.called(n, word))
        {
            return match n.doc {
                Some(d) if Some(d) != self.citing_ix || self.citing_instrument => {
                    Resolved::Docs(vec![(Some(d), 0.8, true)])
                }
                Some(_) => Resolved::Outside(None),
                None => Resolved::Outside(n.name),
            };
        }
        let docs = &self.f.docs;
        if let Some(citing) = self.citing_ix.map(|c| &docs[c as usize]) {
            if self.citing_instrument && citing.head.as_deref() == Some(word) {
                return Resolved::Docs(vec![(self.citing_ix, 0.8, true)]);
            }
            if let Some(p) = citing
                .parents
                .iter()
                .copied()
                .find(|&p| docs[p as usize].head.as_deref() == Some(word))
            {
                return Resolved::Docs(vec![(Some(p), 0.8, true)]);
            }
        }
        let shown = (!written.is_empty()).then(|| format!("the {written}"));
        Resolved::Outside(shown)
    }

    /// The citation of `label` in document `doc` (`None`: the citing document, not in the
    /// catalog). An implicit reference to the citing document is kept only when the clause
    /// exists, or when a treaty-like document names an article, chapter, part, section or annex.
    fn ref_target(
        &self,
        doc: Option<u32>,
        label: &str,
        unit: RefUnit,
        explicit: bool,
        conf: f64,
    ) -> Option<Found> {
        let Some(d) = doc else {
            let target = Target::DocumentLabel {
                doc: self.citing.to_string(),
                label: unit.division_label(label),
            };
            return (explicit && self.citing_instrument)
                .then(|| found((0, 0), target, Method::ClauseRef, 0.85));
        };
        if Some(d) == self.citing_ix && !self.citing_instrument {
            return None;
        }
        // A clause never cites itself (an instrument's "Article 1" heading inside article 1).
        if Some(d) == self.citing_ix && self.citing_clause.as_deref() == Some(label) {
            return None;
        }
        let info = &self.f.docs[d as usize];
        if let Some(l) = stored_label(info, label, unit) {
            let target = Target::Clause {
                doc: info.id.clone(),
                label: l,
            };
            return Some(found((0, 0), target, Method::ClauseRef, conf));
        }
        let structural = !matches!(
            unit,
            RefUnit::Paragraph | RefUnit::Point | RefUnit::Principle | RefUnit::Clause
        );
        if !(explicit || info.structured && structural) {
            return None;
        }
        let target = Target::DocumentLabel {
            doc: info.id.clone(),
            label: unit.division_label(label),
        };
        Some(found((0, 0), target, Method::ClauseRef, conf.min(0.85)))
    }

    /// Sorts, drops a citation repeating one of the same target over the same words, and turns
    /// byte spans into character spans.
    pub fn finish(mut self) -> Vec<Found> {
        self.out.sort_by(|a, b| {
            a.span
                .cmp(&b.span)
                .then(b.confidence.total_cmp(&a.confidence))
        });
        // Sorted by start, a citation overlaps an earlier one of the same target when it
        // starts before the furthest end kept for that target.
        let mut kept: Vec<Found> = Vec::with_capacity(self.out.len());
        let mut reach: std::collections::HashMap<Target, usize> = Default::default();
        for f in self.out {
            let end = reach.entry(f.target.clone()).or_insert(0);
            if f.span.0 < *end {
                continue;
            }
            *end = (*end).max(f.span.1);
            kept.push(f);
        }
        let mut offsets: Vec<&mut usize> = kept
            .iter_mut()
            .flat_map(|f| [&mut f.span.0, &mut f.span.1])
            .collect();
        to_char_offsets(self.text, &mut offsets);
        kept
    }
}

/// The labels of an unresolved reference as one string: "72", "2.4, 2.7", "135–200" for a
/// long range.
fn shown_labels(labels: &[String]) -> String {
    match labels {
        [] => String::new(),
        [one] => one.clone(),
        [first, .., last] if labels.len() > 6 => format!("{first}–{last}"),
        _ => labels.join(", "),
    }
}
