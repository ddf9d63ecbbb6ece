//! One `find` call: reading the automaton's hits in order — a clause reference, a plural list,
//! an elision mark, or a name — into citations, then handing over to [`super::quoting`].
//!
//! In: the hits of [`super::patterns`] in original byte offsets. Out: [`Found`]s with byte
//! spans, turned into character spans by [`Run::finish`].

use super::finder::{Finder, stored_label};
use super::fold::to_char_offsets;
use super::index::QuoteSources;
use super::names::{YearHint, choose, plural_list, year_after, year_before};
use super::patterns::{Hit, Meaning};
use super::refs::{self, DocSpec};
use super::{Found, Method, RefUnit, Target};

/// The state of one `find` call. Spans are in bytes until [`Run::finish`].
pub(super) struct Run<'a, S> {
    pub f: &'a Finder<S>,
    /// Where quotations are looked up: the finder's own sources, or the caller's.
    pub sources: &'a dyn QuoteSources,
    pub citing: &'a str,
    pub citing_ix: Option<u32>,
    /// The label of the clause being read, when known.
    pub citing_clause: Option<String>,
    pub text: &'a str,
    pub hits: Vec<Hit>,
    pub out: Vec<Found>,
    /// (byte offset, document) of each document named, for quotations and "the Charter".
    pub mentions: Vec<(usize, u32)>,
    pub elisions: Vec<(usize, usize)>,
    pub ctx_doc: Option<u32>,
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

    fn alias(&mut self, h: &Hit, docs: &[u32]) {
        let hint = year_before(self.text, h.start)
            .map(YearHint::Strong)
            .or_else(|| year_after(self.text, h.end));
        let base = if self.f.patterns.word_counts[h.pattern as usize] > 1 {
            0.9
        } else {
            0.7
        };
        for (d, factor) in choose(docs, &self.years(), hint) {
            if Some(d) == self.citing_ix {
                continue;
            }
            self.mentions.push((h.start, d));
            let target = Target::Document(self.f.docs[d as usize].id.clone());
            self.out.push(found(
                (h.start, h.end),
                target,
                Method::Alias,
                (base * factor).min(0.98),
            ));
        }
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
                    self.mentions.push((*head, d));
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

    /// Reads a clause reference opened by hit `h`; returns where it ends when it is one.
    fn clause_ref(&mut self, h: &Hit, unit: RefUnit) -> Option<usize> {
        let hits = &self.hits;
        let meanings = &self.f.patterns.meanings;
        let alias_end = |pos: usize| {
            hits.iter()
                .find(|x| {
                    x.start == pos
                        && meanings[x.pattern as usize]
                            .iter()
                            .any(|m| matches!(m, Meaning::Doc(_)))
                })
                .map(|x| x.end)
        };
        let mut parsed = refs::parse(self.text, h.end, unit, &alias_end)?;
        let mut start = h.start;
        // "paragraph 3" with no article or document named, read inside article 61,
        // is paragraph 3 of article 61 ("paragraph 3 of this article" too).
        let article: Option<String> = self
            .citing_clause
            .as_deref()
            .and_then(|l| l.split('.').next())
            .filter(|a| a.starts_with(|c: char| c.is_ascii_digit()))
            .map(str::to_string);
        let own_paragraph = unit == RefUnit::Paragraph
            && parsed.labels.iter().all(|l| !l.contains('.'))
            && matches!(parsed.doc, DocSpec::SameClause | DocSpec::Implicit)
            && (matches!(parsed.doc, DocSpec::SameClause) || self.name_before(h.start).is_none());
        if let (true, Some(a)) = (own_paragraph, article) {
            parsed.labels = parsed.labels.iter().map(|l| format!("{a}.{l}")).collect();
            parsed.doc = DocSpec::This;
        }
        let docs: Vec<(Option<u32>, f64, bool)> = match &parsed.doc {
            DocSpec::Implicit => match self.name_before(h.start) {
                Some((s, d)) => {
                    start = s;
                    vec![(Some(d), 0.95, true)]
                }
                None => vec![(self.citing_ix, 0.9, false)],
            },
            DocSpec::This => vec![(self.citing_ix, 0.95, true)],
            DocSpec::Alias(pos) => self.alias_docs(*pos),
            DocSpec::Anaphor(word) => self
                .anaphor(h.start, word)
                .map(|d| vec![(d, 0.8, true)])
                .unwrap_or_default(),
            DocSpec::Unknown | DocSpec::SameClause => Vec::new(),
        };
        for (doc, conf, explicit) in docs {
            for label in &parsed.labels {
                if let Some(mut f) = self.ref_target(doc, label, parsed.unit, explicit, conf) {
                    f.span = (start, parsed.end);
                    f.unit = Some(parsed.unit);
                    if let Some(d) = doc.filter(|&d| Some(d) != self.citing_ix) {
                        self.mentions.push((start, d));
                    }
                    self.out.push(f);
                }
            }
        }
        Some(parsed.end)
    }

    /// Documents for an alias match starting at `pos` inside a reference (with its year).
    fn alias_docs(&self, pos: usize) -> Vec<(Option<u32>, f64, bool)> {
        let Some(h) = self.hits.iter().find(|x| x.start == pos) else {
            return Vec::new();
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
        let hint = year_before(self.text, pos)
            .map(YearHint::Strong)
            .or_else(|| year_after(self.text, h.end));
        choose(&docs, &self.years(), hint)
            .into_iter()
            .map(|(d, f)| (Some(d), 0.95 * f.min(1.0), true))
            .collect()
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

    /// "the Charter": the document named last (in this text, else in the clause before) if
    /// `word` is a word of its title or aliases; else the citing document if `word` is the
    /// head noun of its title ("of the Convention" in a convention); else a document whose
    /// title the citing document's title contains, with that head noun ("of the Covenant" in
    /// the Optional Protocol to the Covenant). `Some(None)`: the citing document, not in the
    /// catalog — never, since its head is unknown then.
    fn anaphor(&self, before: usize, word: &str) -> Option<Option<u32>> {
        let docs = &self.f.docs;
        let last = self
            .mentions
            .iter()
            .filter(|m| m.0 < before)
            .max_by_key(|m| m.0)
            .map(|m| m.1);
        if let Some(d) = last
            .or(self.ctx_doc)
            .filter(|&d| docs[d as usize].words.contains(word))
        {
            return Some(Some(d));
        }
        let citing = &docs[self.citing_ix? as usize];
        if citing.head.as_deref() == Some(word) {
            return Some(self.citing_ix);
        }
        citing
            .parents
            .iter()
            .copied()
            .find(|&p| docs[p as usize].head.as_deref() == Some(word))
            .map(Some)
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
                label: label.to_string(),
            };
            return explicit.then(|| found((0, 0), target, Method::ClauseRef, 0.85));
        };
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
            label: label.to_string(),
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
        let mut kept: Vec<Found> = Vec::with_capacity(self.out.len());
        for f in self.out {
            let dup = kept
                .iter()
                .any(|k| k.target == f.target && k.span.0 < f.span.1 && f.span.0 < k.span.1);
            if !dup {
                kept.push(f);
            }
        }
        let mut offsets: Vec<&mut usize> = kept
            .iter_mut()
            .flat_map(|f| [&mut f.span.0, &mut f.span.1])
            .collect();
        to_char_offsets(self.text, &mut offsets);
        kept
    }
}
