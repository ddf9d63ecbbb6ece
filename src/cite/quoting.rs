//! Quotations in one `find` call: each one found by [`super::quotes`] is checked against the
//! clauses of the documents named nearby, then against the whole catalog, through
//! [`QuoteSources`]; a quotation of several sentences not found whole is cited sentence by
//! sentence.
//!
//! In: the [`Run`] after names and references (its mentions steer the search). Out: quotation
//! citations pushed onto the run.
//!
//! The source credited is the one a careful reader would name:
//!
//! - never a text dated after the quoting one;
//! - never a clause that itself holds the words inside quotation marks: that clause quotes
//!   them too (a *co-quoter*, listed with the quotation), and the quotation stays unverified
//!   when only co-quoters hold it;
//! - an instrument (a treaty, charter, declaration...) before a statement;
//! - a quotation of a few common words ("as soon as possible") quotes no clause;
//! - an amended clause is checked against the wording in force at the quoting text's date.

use super::Wording;
use super::fold::word_count;
use super::index::{QuoteSources, Scope, SourceClause};
use super::quotes::{self, QuoteSpan};
use super::run::{Run, found};
use super::verify::{Check, Prepared};
use super::{Method, QuoteCheck, Target, Verdict};

/// Fewest distinctive words (four letters or more, not among [`COMMON`]) a quotation needs to
/// be credited to a clause found by searching the whole catalog; one found in a document named
/// beside it needs [`MIN_DISTINCTIVE_NAMED`].
pub const MIN_DISTINCTIVE: usize = 3;
/// See [`MIN_DISTINCTIVE`].
pub const MIN_DISTINCTIVE_NAMED: usize = 2;

/// How many of a named author's documents a quotation is looked for in.
const AUTHORED: usize = 8;

/// Words too common to make a phrase distinctive.
const COMMON: &[&str] = &[
    "that",
    "this",
    "these",
    "those",
    "with",
    "from",
    "have",
    "been",
    "were",
    "will",
    "shall",
    "would",
    "should",
    "could",
    "their",
    "there",
    "they",
    "them",
    "which",
    "what",
    "when",
    "where",
    "while",
    "also",
    "such",
    "than",
    "then",
    "into",
    "upon",
    "only",
    "more",
    "most",
    "very",
    "much",
    "many",
    "some",
    "other",
    "others",
    "each",
    "every",
    "over",
    "under",
    "about",
    "after",
    "before",
    "between",
    "within",
    "without",
    "against",
    "through",
    "being",
    "must",
    "does",
    "done",
    "make",
    "made",
    "well",
    "soon",
    "possible",
    "just",
    "like",
    "your",
    "ours",
    "here",
    "said",
    "same",
    "even",
    "ever",
    "never",
    "always",
    "because",
    "whether",
    "both",
    "either",
    "neither",
    "nothing",
    "anything",
    "something",
    "time",
    "year",
    "years",
    "united",
    "nations",
    "world",
    "people",
    "peoples",
    "country",
    "countries",
    "today",
];

/// A quotation's source: the clause, the comparison, and whether its document was named nearby.
struct Source {
    clause: SourceClause,
    check: Check,
    named: bool,
    short: bool,
    /// The clause's document is an instrument.
    instrument: bool,
    /// Matched against an earlier wording, in force until this day: its text.
    wording: Option<Wording>,
    /// Found in a document named beside the quotation (not only in the clauses before).
    beside: bool,
}

/// What the search for one quotation's source found.
#[derive(Default)]
struct Lookup {
    best: Option<Source>,
    /// Clauses that hold the same words inside quotation marks (`doc#label`).
    co_quoters: Vec<String>,
}

impl<S: QuoteSources> Run<'_, S> {
    pub fn quotations(&mut self) {
        // The documents of the catalog named in this text, by position, and as a set: each
        // quotation looks them up without reading every mention again.
        self.known = self
            .mentions
            .iter()
            .filter_map(|(at, n)| n.doc.map(|d| (*at, d)))
            .collect();
        self.known.sort_unstable();
        self.named_docs = self
            .known
            .iter()
            .map(|k| k.1)
            .chain(self.before.iter().filter_map(|(n, _)| n.doc))
            .collect();
        let min = self.f.options.min_quote_words;
        let marked = quotes::marked(self.text, min);
        let unmarked = quotes::unmarked(self.text, &self.elisions, &marked, min);
        for q in marked.iter().chain(&unmarked) {
            self.quotation(q);
        }
    }

    /// Checks one quotation. A quotation of several sentences that is not found whole (exact or
    /// normalized) but whose every sentence is found, is cited sentence by sentence: a corpus
    /// that cuts a paragraph into sentence clauses (`8.4`, `8.5`) has no single source for it.
    fn quotation(&mut self, q: &QuoteSpan) {
        let quoted = &self.text[q.start..q.end];
        // "an item entitled “…”", "the theme “…”": a title, not words quoted from a clause.
        if q.marked && titled(&self.text[..q.start]) {
            self.emit_quote((q.start, q.end), Lookup::default(), true);
            return;
        }
        let whole = self.best_source(&Prepared::new(quoted), q);
        let sentences = sentences(quoted);
        if sentences.len() > 1 && self.split_is_better(whole.best.as_ref()) {
            let parts: Vec<_> = sentences
                .iter()
                .map(|&(s, e)| ((s, e), self.best_source(&Prepared::new(&quoted[s..e]), q)))
                .collect();
            if self.parts_fit(whole.best.as_ref(), &parts) {
                for ((s, e), found) in parts {
                    self.emit_quote((q.start + s, q.start + e), found, true);
                }
                return;
            }
        }
        self.emit_quote((q.start, q.end), whole, q.marked);
    }

    /// Whether to try a quotation sentence by sentence: when it is not found whole, only
    /// nearly, or found in a clause that has sentence clauses under it (`8` with `8.1`...).
    fn split_is_better(&self, whole: Option<&Source>) -> bool {
        let Some(w) = whole else { return true };
        w.check.verdict == Verdict::Near || self.has_children(&w.clause.doc, &w.clause.label)
    }

    /// Whether the sentences' sources replace the whole's: all found, and — when the whole was
    /// found exactly in a clause with children — all found exactly in those children.
    fn parts_fit(&self, whole: Option<&Source>, parts: &[((usize, usize), Lookup)]) -> bool {
        match whole {
            Some(w) if w.check.verdict != Verdict::Near => {
                let child = format!("{}.", w.clause.label);
                parts.iter().all(|(_, b)| {
                    b.best.as_ref().is_some_and(|b| {
                        b.check.verdict != Verdict::Near
                            && b.clause.doc == w.clause.doc
                            && b.clause.label.starts_with(&child)
                    })
                })
            }
            _ => parts.iter().all(|(_, b)| b.best.is_some()),
        }
    }

    fn has_children(&self, doc: &str, label: &str) -> bool {
        let Some(&d) = self.f.doc_ix.get(doc) else {
            return false;
        };
        self.f.docs[d as usize].labels.has_children(label)
    }

    fn emit_quote(&mut self, span: (usize, usize), found_: Lookup, marked: bool) {
        let quoted = &self.text[span.0..span.1];
        let Lookup { best, co_quoters } = found_;
        let mut f = match &best {
            Some(s) => {
                let (method, conf) = match s.check.verdict {
                    Verdict::Exact => (Method::QuoteExact, 1.0),
                    Verdict::Normalized => (Method::QuoteNormalized, 0.95),
                    _ => (Method::QuoteNear, 0.9 * s.check.similarity),
                };
                let stray = if s.short && !s.named {
                    self.f.options.stray_factor
                } else {
                    1.0
                };
                let target = Target::Clause {
                    doc: s.clause.doc.clone(),
                    label: s.clause.label.clone(),
                };
                found(span, target, method, conf * stray)
            }
            None if marked => found(span, Target::None, Method::QuoteUnverified, 0.3),
            None => return,
        };
        f.quote = Some(quoted.to_string());
        f.check = Some(match best {
            Some(s) => {
                let text: &str = s.wording.as_ref().map_or(&s.clause.text, |w| &w.text);
                QuoteCheck {
                    verdict: s.check.verdict,
                    similarity: s.check.similarity,
                    source_text: Some(text[s.check.span.0..s.check.span.1].to_string()),
                    added: s.check.added,
                    dropped: s.check.dropped,
                    changed: s.check.changed,
                    co_quoted: co_quoters,
                    wording_until: s.wording.map(|w| w.until),
                }
            }
            None => QuoteCheck {
                verdict: Verdict::Unverified,
                similarity: 0.0,
                source_text: None,
                added: vec![],
                dropped: vec![],
                changed: vec![],
                co_quoted: co_quoters,
                wording_until: None,
            },
        });
        self.out.push(f);
    }

    /// Documents to search first for quotation `q`: named last before it, named just after it
    /// ("“…” (Istanbul Charter, para. 8)"), or named last in the clauses before.
    fn preferred(&self, q: &QuoteSpan) -> Vec<u32> {
        let known = &self.known;
        let i = known.partition_point(|k| k.0 < q.start);
        let before = i.checked_sub(1).map(|i| known[i].1);
        let j = known.partition_point(|k| k.0 < q.end);
        let after = known.get(j).filter(|k| k.0 <= q.end + 80).map(|k| k.1);
        // The document named last in the clause just before.
        let earlier = self
            .before
            .iter()
            .rev()
            .filter(|(_, age)| *age == 0)
            .find_map(|(n, _)| n.doc);
        let mut out: Vec<u32> = before
            .into_iter()
            .chain(after)
            .chain(self.authored(q))
            .chain(earlier)
            .collect();
        let mut seen = std::collections::HashSet::new();
        out.retain(|&d| Some(d) != self.citing_ix && seen.insert(d));
        out
    }

    /// The documents of the author a quotation `q` is put in the mouth of: named just before
    /// it with a verb of saying between ("Minister Vetrova said that “…”", "as Mr Acheson put
    /// it, “…”") or just after it with one beside ("“…”, said Mr Blinken"). The latest
    /// [`AUTHORED`] of them that are not dated after the citing text.
    fn authored(&self, q: &QuoteSpan) -> Vec<u32> {
        let text = self.text;
        // Author hits come in reading order.
        let authors = &self.authors;
        let i = authors.partition_point(|a| a.0 < q.start);
        let before = i
            .checked_sub(1)
            .map(|i| authors[i].0)
            .filter(|&at| at + 300 >= q.start && says(&text[at..q.start]));
        let j = authors.partition_point(|a| a.0 < q.end);
        let after = authors
            .get(j)
            .map(|a| a.0)
            .filter(|&at| at <= q.end + 80)
            .filter(|&at| {
                let end = (at + 60).min(text.len());
                let end = (0..=end)
                    .rev()
                    .find(|&i| text.is_char_boundary(i))
                    .unwrap_or(at);
                says(&text[q.end..end])
            });
        let Some(at) = before.or(after) else {
            return Vec::new();
        };
        let end = self.citing_end.as_deref();
        let from = authors.partition_point(|a| a.0 < at);
        let mut docs: Vec<u32> = authors[from..]
            .iter()
            .take_while(|a| a.0 == at)
            .map(|a| a.1)
            .filter(|&d| {
                let start = self.f.docs[d as usize].date_start.as_deref();
                start.is_none_or(|s| end.is_none_or(|e| s <= e))
            })
            .collect();
        docs.sort_by(|a, b| {
            let date = |d: &u32| self.f.docs[*d as usize].date_start.clone();
            date(b).cmp(&date(a))
        });
        docs.truncate(AUTHORED);
        docs
    }

    /// Whether clause `c` may be the source at all: not the citing document's, not dated
    /// after the citing text.
    fn eligible(&self, c: &SourceClause) -> bool {
        if c.doc == self.citing {
            return false;
        }
        let start = self
            .f
            .doc_ix
            .get(&c.doc)
            .and_then(|&d| self.f.docs[d as usize].date_start.as_deref());
        match (start, self.citing_end.as_deref()) {
            (Some(s), Some(end)) => s <= end,
            _ => true,
        }
    }

    /// The first day of a document's date.
    fn date_of(&self, doc: &str) -> Option<&str> {
        self.f
            .doc_ix
            .get(doc)
            .and_then(|&d| self.f.docs[d as usize].date_start.as_deref())
    }

    fn is_instrument(&self, doc: &str) -> bool {
        self.f
            .doc_ix
            .get(doc)
            .is_some_and(|&d| self.f.docs[d as usize].instrument)
    }

    /// The clause that best matches the quotation, searched first in the documents named
    /// nearby, then in the whole catalog (never in the citing document).
    fn best_source(&self, prep: &Prepared, q: &QuoteSpan) -> Lookup {
        let words = prep.query_words();
        let o = &self.f.options;
        let near = prep.word_count() >= o.min_near_words;
        let mut best: Option<Source> = None;
        let mut co_quoters: Vec<String> = Vec::new();
        let mut consider = |cands: Vec<SourceClause>, named: bool| {
            for c in cands.into_iter().filter(|c| self.eligible(c)) {
                let instrument = self.is_instrument(&c.doc);
                // An instrument is credited before a statement: a statement cannot better one.
                if best.as_ref().is_some_and(|b| b.instrument && !instrument) {
                    continue;
                }
                let same_rank = best.as_ref().is_none_or(|b| b.instrument == instrument);
                // Only what could beat the best so far is computed: after an exact match, only
                // another exact one (in a shorter clause); after a normalized one, no alignment.
                let b_sim = best.as_ref().map_or(0.0, |b| b.check.similarity);
                let check = match best.as_ref().map(|b| b.check.verdict) {
                    Some(Verdict::Exact) if same_rank => prep.exact(&c.text),
                    Some(Verdict::Normalized) if same_rank => {
                        prep.check_with(&c.text, &c.norm, o.near_threshold, false)
                    }
                    // After a near match, one as similar at least (an alignment that cannot
                    // reach it is never computed).
                    Some(_) if same_rank => {
                        prep.check_with(&c.text, &c.norm, b_sim.max(o.near_threshold), near)
                    }
                    _ => prep.check_with(&c.text, &c.norm, o.near_threshold, near),
                };
                let Some(check) = check else {
                    continue;
                };
                // A statement that nobody named beside the quotation and that holds the same
                // words quotes them too, as a rule, from a text both quote (a resolution, a
                // report, the Charter's preamble): it is no source.
                if quoted_in(&c.text, check.span) || !instrument && !named {
                    let r = format!("{}#{}", c.doc, c.label);
                    if !co_quoters.contains(&r) {
                        co_quoters.push(r);
                    }
                    continue;
                }
                let beats = best.as_ref().is_none_or(|b| {
                    instrument && !b.instrument
                        || better(
                            (&check, &c, self.date_of(&c.doc)),
                            (&b.check, &b.clause, self.date_of(&b.clause.doc)),
                        )
                });
                if beats {
                    // An exact match of (nearly) the whole clause of an instrument cannot be
                    // bettered.
                    let whole = instrument
                        && check.verdict == Verdict::Exact
                        && (check.span.1 - check.span.0) * 10 >= c.text.trim().len() * 9;
                    best = Some(Source {
                        clause: c,
                        check,
                        named,
                        short: false,
                        instrument,
                        wording: None,
                        beside: named,
                    });
                    if whole {
                        break;
                    }
                }
            }
            // Nothing yet, a near match, or one that no other clause can better.
            best.as_ref().map(|b| b.check.verdict != Verdict::Near)
        };
        let mut nearly = false;
        for d in self.preferred(q) {
            let scope = Scope::Document(&self.f.docs[d as usize].id);
            match consider(self.sources.candidates(&words, scope, o.candidates), true) {
                Some(true) => return self.finish_lookup(prep, best, co_quoters),
                Some(false) => nearly = true,
                None => {}
            }
        }
        // Found in a document named beside it, if only nearly: the quotation is checked
        // against the source it names. The whole store is searched only when no named
        // document holds it (another text repeating the same words, or the same alteration,
        // is no better source).
        if !nearly {
            let scope = Scope::AllBut(self.citing);
            consider(self.sources.candidates(&words, scope, o.candidates), false);
        }
        if let Some(b) = best.as_mut() {
            // Found by searching everything, in a document named in this clause or the few
            // before: the quotation's words are as good as attributed.
            let named_here = self
                .f
                .doc_ix
                .get(&b.clause.doc)
                .is_some_and(|d| self.named_docs.contains(d));
            b.named = b.named || named_here;
            b.short = prep.word_count() < o.min_stray_words;
        }
        self.finish_lookup(prep, best, co_quoters)
    }

    /// The last checks of a source found: an amended clause's earlier wording in force at the
    /// quoting text's date, and the distinctiveness a quotation needs.
    fn finish_lookup(
        &self,
        prep: &Prepared,
        mut best: Option<Source>,
        co_quoters: Vec<String>,
    ) -> Lookup {
        if let Some(b) = best.as_mut()
            && b.check.verdict == Verdict::Near
        {
            let start = self.citing_start.clone();
            for w in self.sources.earlier(&b.clause.doc, &b.clause.label) {
                if start.as_deref().is_some_and(|s| s > w.until.as_str()) {
                    continue;
                }
                let norm = std::sync::OnceLock::new();
                if let Some(c) = prep.check_with(&w.text, &norm, 1.0, false)
                    && c.verdict != Verdict::Near
                {
                    b.check = c;
                    b.wording = Some(w);
                    break;
                }
            }
        }
        let need = match &best {
            Some(b) if b.beside => MIN_DISTINCTIVE_NAMED,
            _ => MIN_DISTINCTIVE,
        };
        if distinctive(prep) < need {
            best = None;
        }
        Lookup { best, co_quoters }
    }
}

/// Words that announce a title in quotation marks: an agenda item, a session's theme, a slogan.
const TITLE_WORDS: &[&str] = &[
    "entitled", "titled", "theme", "slogan", "motto", "heading", "headline", "item", "caption",
];

/// Whether the text before a quotation (`head`) ends by announcing a title: one of
/// [`TITLE_WORDS`] among its last four words.
fn titled(head: &str) -> bool {
    let mut from = head.len().saturating_sub(80);
    while !head.is_char_boundary(from) {
        from += 1;
    }
    let folded = super::fold::fold(&head[from..]).text;
    let words = super::fold::words(&folded);
    words
        .iter()
        .rev()
        .take(4)
        .any(|&(s, e)| TITLE_WORDS.contains(&&folded[s..e]))
}

/// Verbs that attribute words to a speaker.
const SAYING: &[&str] = &[
    "said",
    "says",
    "say",
    "reads",
    "read",
    "stated",
    "states",
    "declared",
    "declares",
    "wrote",
    "writes",
    "noted",
    "notes",
    "put it",
    "puts it",
    "remarked",
    "observed",
    "told",
    "affirmed",
    "stressed",
    "emphasized",
    "emphasised",
    "recalled",
    "added",
    "argued",
    "insisted",
    "proclaimed",
    "announced",
    "warned",
    "asserted",
    "reminded",
    "quote",
    "quoted",
    "words",
];

/// Whether `between` (the text between a speaker's name and the quotation) holds a verb of
/// saying, within one sentence.
fn says(between: &str) -> bool {
    let b = between.as_bytes();
    let sentence_ends = between.char_indices().any(|(i, c)| {
        matches!(c, '.' | '!' | '?')
            && b.get(i + 1) == Some(&b' ')
            && b.get(i + 2).is_some_and(u8::is_ascii_uppercase)
            && !["Mr", "Mrs", "Ms", "Dr", "St", "No"]
                .iter()
                .any(|a| between[..i].ends_with(a))
    });
    if sentence_ends {
        return false;
    }
    let folded = super::fold::fold(between).text;
    let ws: Vec<&str> = super::fold::words(&folded)
        .into_iter()
        .map(|(s, e)| &folded[s..e])
        .collect();
    ws.iter().enumerate().any(|(i, w)| {
        SAYING.contains(w)
            || ws
                .get(i + 1)
                .is_some_and(|n| SAYING.contains(&format!("{w} {n}").as_str()))
    })
}

/// How many distinctive words a quotation has: of four letters or more, not among [`COMMON`].
fn distinctive(prep: &Prepared) -> usize {
    let mut seen: Vec<&str> = prep
        .query_words()
        .into_iter()
        .filter(|w| w.chars().count() >= 4 && !COMMON.contains(w))
        .collect();
    seen.sort_unstable();
    seen.dedup();
    seen.len()
}

/// Whether the span `span` of `text` lies (mostly) inside quotation marks of `text`: the clause
/// quotes those words itself.
fn quoted_in(text: &str, span: (usize, usize)) -> bool {
    let len = span.1.saturating_sub(span.0).max(1);
    quotes::marked(text, 1).iter().any(|q| {
        let overlap = q.end.min(span.1).saturating_sub(q.start.max(span.0));
        overlap * 2 >= len
    })
}

/// Byte ranges of the sentences of a quotation (cut after `.`, `!`, `?` or `;` followed by a
/// space and an uppercase letter), trimmed; only sentences of three words or more count.
fn sentences(q: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    let b = q.as_bytes();
    for (i, c) in q.char_indices() {
        if !matches!(c, '.' | '!' | '?' | ';') || !b.get(i + 1).is_some_and(u8::is_ascii_whitespace)
        {
            continue;
        }
        if q[i + 1..].trim_start().starts_with(char::is_uppercase) {
            out.push((start, i + 1));
            start = i + 1;
        }
    }
    out.push((start, q.len()));
    out.into_iter()
        .map(|(s, e)| {
            let t = &q[s..e];
            (s + (t.len() - t.trim_start().len()), s + t.trim_end().len())
        })
        .filter(|&(s, e)| word_count(&q[s..e]) >= 3)
        .collect()
}

fn rank(v: Verdict) -> u8 {
    match v {
        Verdict::Exact => 3,
        Verdict::Normalized => 2,
        Verdict::Near => 1,
        Verdict::Unverified => 0,
    }
}

/// A candidate source: the comparison, the clause, its document's date.
type Candidate<'a> = (&'a Check, &'a SourceClause, Option<&'a str>);

/// Whether `a` beats `b`: a better verdict, a higher similarity; as good, the earlier of two
/// dated documents (a later text repeating an earlier one's words is no source of them), then
/// the shorter clause (the more specific one: `8.1` rather than `8`).
fn better(a: Candidate<'_>, b: Candidate<'_>) -> bool {
    let key = |c: &Check| (rank(c.verdict), c.similarity);
    match key(a.0).partial_cmp(&key(b.0)) {
        Some(std::cmp::Ordering::Greater) => true,
        Some(std::cmp::Ordering::Equal) => match (a.2, b.2) {
            (Some(x), Some(y)) if a.1.doc != b.1.doc && x != y => x < y,
            _ => a.1.text.len() < b.1.text.len(),
        },
        _ => false,
    }
}
