//! Quotations in one `find` call: each one found by [`super::quotes`] is checked against the
//! clauses of the documents named nearby, then against the whole catalog, through
//! [`QuoteSources`]; a quotation of several sentences not found whole is cited sentence by
//! sentence.
//!
//! In: the [`Run`] after names and references (its mentions steer the search). Out: quotation
//! citations pushed onto the run.

use super::fold::word_count;
use super::index::{QuoteSources, SourceClause};
use super::quotes::{self, QuoteSpan};
use super::run::{Run, found};
use super::verify::{Check, Prepared};
use super::{Method, QuoteCheck, Target, Verdict};

impl<S: QuoteSources> Run<'_, S> {
    pub fn quotations(&mut self) {
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
        let whole = self.best_source(&Prepared::new(quoted), q);
        let sentences = sentences(quoted);
        if sentences.len() > 1 && self.split_is_better(whole.as_ref()) {
            let parts: Vec<_> = sentences
                .iter()
                .map(|&(s, e)| ((s, e), self.best_source(&Prepared::new(&quoted[s..e]), q)))
                .collect();
            if self.parts_fit(whole.as_ref(), &parts) {
                for ((s, e), best) in parts {
                    self.emit_quote((q.start + s, q.start + e), best, true);
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
    fn parts_fit(
        &self,
        whole: Option<&Source>,
        parts: &[((usize, usize), Option<Source>)],
    ) -> bool {
        match whole {
            Some(w) if w.check.verdict != Verdict::Near => {
                let child = format!("{}.", w.clause.label);
                parts.iter().all(|(_, b)| {
                    b.as_ref().is_some_and(|b| {
                        b.check.verdict != Verdict::Near
                            && b.clause.doc == w.clause.doc
                            && b.clause.label.starts_with(&child)
                    })
                })
            }
            _ => parts.iter().all(|(_, b)| b.is_some()),
        }
    }

    fn has_children(&self, doc: &str, label: &str) -> bool {
        let Some(&d) = self.f.doc_ix.get(doc) else {
            return false;
        };
        let child = format!("{label}.");
        self.f.docs[d as usize]
            .labels
            .iter()
            .any(|l| l.starts_with(&child))
    }

    fn emit_quote(&mut self, span: (usize, usize), best: Option<Source>, marked: bool) {
        let quoted = &self.text[span.0..span.1];
        let mut f = match &best {
            Some(Source {
                clause: src,
                check: c,
                named,
                short,
            }) => {
                let (method, conf) = match c.verdict {
                    Verdict::Exact => (Method::QuoteExact, 1.0),
                    Verdict::Normalized => (Method::QuoteNormalized, 0.95),
                    _ => (Method::QuoteNear, 0.9 * c.similarity),
                };
                let stray = if *short && !named {
                    self.f.options.stray_factor
                } else {
                    1.0
                };
                let target = Target::Clause {
                    doc: src.doc.clone(),
                    label: src.label.clone(),
                };
                found(span, target, method, conf * stray)
            }
            None if marked => found(span, Target::None, Method::QuoteUnverified, 0.3),
            None => return,
        };
        f.quote = Some(quoted.to_string());
        f.check = Some(match best {
            Some(Source {
                clause: src,
                check: c,
                ..
            }) => QuoteCheck {
                verdict: c.verdict,
                similarity: c.similarity,
                source_text: Some(src.text[c.span.0..c.span.1].to_string()),
                added: c.added,
                dropped: c.dropped,
                changed: c.changed,
            },
            None => QuoteCheck {
                verdict: Verdict::Unverified,
                similarity: 0.0,
                source_text: None,
                added: vec![],
                dropped: vec![],
                changed: vec![],
            },
        });
        self.out.push(f);
    }

    /// Documents to search first for quotation `q`: named last before it, named just after it
    /// ("“…” (Istanbul Charter, para. 8)"), or named last in the clause before.
    fn preferred(&self, q: &QuoteSpan) -> Vec<u32> {
        let before = self
            .mentions
            .iter()
            .filter(|m| m.0 < q.start)
            .max_by_key(|m| m.0)
            .map(|m| m.1);
        let after = self
            .mentions
            .iter()
            .filter(|m| m.0 >= q.end && m.0 <= q.end + 80)
            .min_by_key(|m| m.0)
            .map(|m| m.1);
        let mut out: Vec<u32> = before
            .into_iter()
            .chain(after)
            .chain(self.ctx_doc)
            .collect();
        out.dedup();
        out.retain(|&d| Some(d) != self.citing_ix);
        out
    }

    /// The clause that best matches the quotation, searched first in the documents named
    /// nearby, then in the whole catalog (never in the citing document).
    fn best_source(&self, prep: &Prepared, q: &QuoteSpan) -> Option<Source> {
        let words = prep.query_words();
        let o = &self.f.options;
        let near = prep.word_count() >= o.min_near_words;
        let mut best: Option<Source> = None;
        let mut consider = |cands: Vec<SourceClause>, named: bool| {
            for c in cands.into_iter().filter(|c| c.doc != self.citing) {
                // Only what could beat the best so far is computed: after an exact match, only
                // another exact one (in a shorter clause); after a normalized one, no alignment.
                let b_sim = best.as_ref().map_or(0.0, |b| b.check.similarity);
                let check = match best.as_ref().map(|b| b.check.verdict) {
                    Some(Verdict::Exact) => prep.exact(&c.text),
                    Some(Verdict::Normalized) => {
                        prep.check_with(&c.text, &c.norm, o.near_threshold, false)
                    }
                    // After a near match, one as similar at least (an alignment that cannot
                    // reach it is never computed).
                    Some(_) => prep.check_with(&c.text, &c.norm, b_sim.max(o.near_threshold), near),
                    None => prep.check_with(&c.text, &c.norm, o.near_threshold, near),
                };
                let Some(check) = check else {
                    continue;
                };
                if best
                    .as_ref()
                    .is_none_or(|b| better(&check, &c, &b.check, &b.clause))
                {
                    // An exact match of (nearly) the whole clause cannot be bettered.
                    let whole = check.verdict == Verdict::Exact
                        && (check.span.1 - check.span.0) * 10 >= c.text.trim().len() * 9;
                    best = Some(Source {
                        clause: c,
                        check,
                        named,
                        short: false,
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
            match consider(
                self.sources
                    .candidates(&words, Some(&self.f.docs[d as usize].id), o.candidates),
                true,
            ) {
                Some(true) => return best,
                Some(false) => nearly = true,
                None => {}
            }
        }
        // Found in a document named beside it, if only nearly: the quotation is checked
        // against the source it names. The whole store is searched only when no named
        // document holds it (another text repeating the same words, or the same alteration,
        // is no better source).
        if nearly {
            return best;
        }
        consider(self.sources.candidates(&words, None, o.candidates), false);
        if let Some(b) = best.as_mut() {
            b.named = b.named
                || self
                    .preferred(q)
                    .iter()
                    .any(|&d| self.f.docs[d as usize].id == b.clause.doc);
            b.short = prep.word_count() < o.min_stray_words;
        }
        best
    }
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

/// A quotation's source: the clause, the comparison, and whether its document was named nearby.
struct Source {
    clause: SourceClause,
    check: Check,
    named: bool,
    short: bool,
}

fn rank(v: Verdict) -> u8 {
    match v {
        Verdict::Exact => 3,
        Verdict::Normalized => 2,
        Verdict::Near => 1,
        Verdict::Unverified => 0,
    }
}

/// Whether `a` (in clause `ac`) beats `b` (in `bc`): a better verdict, a higher similarity, or
/// as good in a shorter clause (the more specific one: `8.1` rather than `8`).
fn better(a: &Check, ac: &SourceClause, b: &Check, bc: &SourceClause) -> bool {
    let key = |c: &Check| (rank(c.verdict), c.similarity);
    match key(a).partial_cmp(&key(b)) {
        Some(std::cmp::Ordering::Greater) => true,
        Some(std::cmp::Ordering::Equal) => ac.text.len() < bc.text.len(),
        _ => false,
    }
}
