//! Resolving targets: names, clause references, parameters, subqueries, lists.

use super::catalog::{Hit, Kind};
use super::plan::{Set, Source, Targets};
use super::{ErrorKind, MAX_LET_DEPTH, ResolveError, Resolver};
use crate::syntax::ast::{self, KindPrefix, Span};

impl Resolver<'_> {
    /// Resolves `t` to things of `kinds` (and clauses when `clauses`), for the filter `what`.
    pub fn target(
        &mut self,
        t: &ast::Target,
        kinds: &[Kind],
        clauses: bool,
        what: &str,
    ) -> Option<Targets> {
        match t {
            ast::Target::Name { kind, name } => {
                self.name(kind.as_ref(), &name.text, name.span, kinds, clauses, what)
            }
            ast::Target::ClauseRef(r) => self.clause_ref(&r.doc, &r.label, r.span, clauses, what),
            ast::Target::Param(p) => self.param_target(p, kinds, clauses, what),
            ast::Target::Subquery(q) => self.subquery(q, kinds, clauses, what),
            ast::Target::List(items, _) => {
                let mut all = Targets::default();
                let mut ok = true;
                for i in items {
                    match self.target(i, kinds, clauses, what) {
                        Some(t) => all.extend(t),
                        None => ok = false,
                    }
                }
                ok.then_some(all)
            }
        }
    }

    fn param_target(
        &mut self,
        p: &ast::Ident,
        kinds: &[Kind],
        clauses: bool,
        what: &str,
    ) -> Option<Targets> {
        if let Some(q) = self.env.lets.get(&p.name) {
            if self.expanding.contains(&p.name) {
                let msg = format!("`${}` is defined through itself", p.name);
                self.errors
                    .push(ResolveError::new(ErrorKind::Cycle, p.span, msg));
                return None;
            }
            if self.depth >= MAX_LET_DEPTH {
                let chain = self
                    .expanding
                    .iter()
                    .map(|n| format!("${n}"))
                    .collect::<Vec<_>>()
                    .join(" → ");
                let msg = format!(
                    "`let` sets are chained too deep: `${}` would be the {}th inside another, and at most {MAX_LET_DEPTH} may be",
                    p.name,
                    self.depth + 1
                );
                self.errors.push(
                    ResolveError::new(ErrorKind::TooDeep, p.span, msg)
                        .note(format!("the chain: {chain} → ${}", p.name))
                        .note("define a set with fewer `let`s in between, e.g. by writing a subquery in place of one"),
                );
                return None;
            }
            self.depth += 1;
            self.expanding.push(p.name.clone());
            let q = q.clone();
            let r = self.subquery_at(&q, p.span, kinds, clauses, what);
            self.expanding.pop();
            self.depth -= 1;
            return r;
        }
        let value = self.param(p)?;
        match value.split_once('#') {
            Some((doc, label)) => self.clause_ref(doc, label, p.span, clauses, what),
            None => self.name(None, &value, p.span, kinds, clauses, what),
        }
    }

    fn subquery(
        &mut self,
        q: &ast::Query,
        kinds: &[Kind],
        clauses: bool,
        what: &str,
    ) -> Option<Targets> {
        self.subquery_at(q, q.span, kinds, clauses, what)
    }

    fn subquery_at(
        &mut self,
        q: &ast::Query,
        span: Span,
        kinds: &[Kind],
        clauses: bool,
        what: &str,
    ) -> Option<Targets> {
        let before = self.errors.len();
        let plan = self.query(q);
        if self.errors.len() > before {
            return None;
        }
        let set = plan.set;
        let mut t = Targets::default();
        let src = Source::Query(Box::new(plan));
        match set {
            Set::Actors if kinds.contains(&Kind::Actor) => t.actors.push(src),
            Set::Documents | Set::Statements if kinds.contains(&Kind::Document) => {
                t.documents.push(src)
            }
            Set::Principles if kinds.contains(&Kind::Principle) => t.principles.push(src),
            Set::Clauses if clauses => t.clauses.push(src),
            _ => {
                let msg = format!("`{what}` cannot take a set of {}", set.as_str());
                let e = ResolveError::new(ErrorKind::WrongKind, span, msg)
                    .note(format!("`{what}` takes {}", takes(kinds, clauses)));
                self.errors.push(e);
                return None;
            }
        }
        Some(t)
    }

    /// `DOC#LABEL`: the document must exist and have the clause.
    pub fn clause_ref(
        &mut self,
        doc: &str,
        label: &str,
        span: Span,
        clauses: bool,
        what: &str,
    ) -> Option<Targets> {
        if !clauses {
            let msg = format!("`{what}` does not take a clause");
            let e = ResolveError::new(ErrorKind::WrongKind, span, msg)
                .label(format!("`{what}` takes {}", takes(&[], false)));
            self.errors.push(e);
            return None;
        }
        let id = self.clause_exists(doc, label, span)?;
        Some(Targets {
            clauses: vec![Source::Clause(id, label.to_string())],
            ..Targets::default()
        })
    }

    /// Checks `doc#label`; returns the document's canonical id.
    pub fn clause_exists(&mut self, doc: &str, label: &str, span: Span) -> Option<String> {
        let hits: Vec<Hit> = self
            .catalog
            .lookup(doc)
            .iter()
            .copied()
            .filter(|h| h.kind == Kind::Document)
            .collect();
        let Some(hit) = hits.first() else {
            let cands = self.catalog.candidates(&[Kind::Document]);
            let e = ResolveError::new(
                ErrorKind::UnknownName,
                span,
                format!("unknown document `{doc}`"),
            )
            .suggest(doc, cands);
            self.errors.push(e);
            return None;
        };
        let id = self.catalog.entry(*hit).id.clone();
        if !self.clauses.has_clause(&id, label) {
            let labels = self.clauses.labels(&id);
            let mut e = ResolveError::new(
                ErrorKind::UnknownClause,
                span,
                format!("document `{id}` has no clause `{label}`"),
            );
            e = match crate::suggest::closest(label, labels.iter().map(String::as_str)) {
                Some(s) => e.label(format!("did you mean `{id}#{s}`?")),
                None => e,
            };
            let shown: Vec<&str> = labels.iter().take(15).map(String::as_str).collect();
            if !shown.is_empty() {
                let more = if labels.len() > shown.len() {
                    ", ..."
                } else {
                    ""
                };
                e = e.note(format!("its clauses are: {}{more}", shown.join(", ")));
            }
            self.errors.push(e);
            return None;
        }
        Some(id)
    }

    /// A name, perhaps with a kind prefix.
    fn name(
        &mut self,
        prefix: Option<&ast::Spanned<KindPrefix>>,
        text: &str,
        span: Span,
        kinds: &[Kind],
        clauses: bool,
        what: &str,
    ) -> Option<Targets> {
        let want: Vec<Kind> = match prefix.map(|p| p.node) {
            Some(KindPrefix::Clause) => {
                return match text.split_once('#') {
                    Some((d, l)) => self.clause_ref(d, l, span, clauses, what),
                    None => {
                        let e = ResolveError::new(
                            ErrorKind::BadValue,
                            span,
                            "a clause is written `DOC#LABEL`",
                        );
                        self.errors.push(e.label(format!("e.g. `clause {text}#8`")));
                        None
                    }
                };
            }
            Some(KindPrefix::Citation) => {
                let e = ResolveError::new(
                    ErrorKind::WrongKind,
                    span,
                    format!("`{what}` does not take a citation"),
                )
                .note("a citation is shown with `show citation N`; as a target, use what it cites");
                self.errors.push(e);
                return None;
            }
            Some(p) => vec![prefix_kind(p)],
            None => kinds.to_vec(),
        };
        if let Some(p) = prefix
            && !kinds.contains(&prefix_kind(p.node))
        {
            let msg = format!("`{what}` does not take a {}", p.node.as_str());
            self.errors.push(
                ResolveError::new(ErrorKind::WrongKind, p.span, msg)
                    .note(format!("`{what}` takes {}", takes(kinds, clauses))),
            );
            return None;
        }
        let all = self.catalog.lookup(text);
        let mut hits: Vec<Hit> = all
            .iter()
            .copied()
            .filter(|h| want.contains(&h.kind))
            .collect();
        if prefix.map(|p| p.node) == Some(KindPrefix::Statement) {
            hits.retain(|h| self.catalog.entry(*h).detail == "statement");
        }
        hits.sort_by_key(|h| (h.kind, h.index));
        hits.dedup();
        match hits.len() {
            1 => Some(one(self.catalog.entry(hits[0]).id.clone(), hits[0].kind)),
            0 if !all.is_empty() => {
                let h = all[0];
                let msg = format!(
                    "`{text}` is {}, and `{what}` takes {}",
                    h.kind.with_article(),
                    takes(&want, clauses)
                );
                self.errors
                    .push(ResolveError::new(ErrorKind::WrongKind, span, msg));
                None
            }
            0 => {
                let cands = self.catalog.candidates(&want);
                let close = crate::suggest::closest(text, cands.iter().copied());
                // Name the kind the user most likely meant: the one the filter
                // takes, or the kind of the closest name.
                let noun = match (want.as_slice(), close) {
                    ([k], _) => k.as_str(),
                    (_, Some(c)) => self
                        .catalog
                        .lookup(c)
                        .first()
                        .map_or("name", |h| h.kind.as_str()),
                    _ => "name",
                };
                let mut e = ResolveError::new(
                    ErrorKind::UnknownName,
                    span,
                    format!("unknown {noun} `{text}`"),
                );
                if let Some(c) = close {
                    e = e.label(format!("did you mean `{c}`?"));
                } else {
                    e = e.note(format!("`{what}` takes {}", takes(&want, clauses)));
                }
                self.errors.push(e);
                None
            }
            _ => {
                let mut e = ResolveError::new(
                    ErrorKind::Ambiguous,
                    span,
                    format!("`{text}` names {} things", hits.len()),
                )
                .label("which one?");
                for h in &hits {
                    let en = self.catalog.entry(*h);
                    e = e.note(format!(
                        "candidate: {} `{}` ({})",
                        h.kind.as_str(),
                        en.id,
                        en.name
                    ));
                }
                let prefixes: Vec<String> = hits
                    .iter()
                    .map(|h| format!("`{} {}`", h.kind.as_str(), self.catalog.entry(*h).id))
                    .collect();
                self.errors.push(e.note(format!(
                    "say which with its kind and id: {}",
                    prefixes.join(" or ")
                )));
                None
            }
        }
    }
}

fn prefix_kind(p: KindPrefix) -> Kind {
    match p {
        KindPrefix::Actor => Kind::Actor,
        KindPrefix::Document | KindPrefix::Statement => Kind::Document,
        KindPrefix::Principle => Kind::Principle,
        KindPrefix::Clause | KindPrefix::Citation => Kind::Document,
    }
}

fn one(id: String, kind: Kind) -> Targets {
    let mut t = Targets::default();
    let list = match kind {
        Kind::Actor => &mut t.actors,
        Kind::Document => &mut t.documents,
        Kind::Principle => &mut t.principles,
    };
    list.push(Source::Id(id));
    t
}

/// "actors, documents or clauses"
fn takes(kinds: &[Kind], clauses: bool) -> String {
    let mut words: Vec<&str> = kinds
        .iter()
        .map(|k| match k {
            Kind::Actor => "actors",
            Kind::Document => "documents",
            Kind::Principle => "principles",
        })
        .collect();
    if clauses {
        words.push("clauses");
    }
    match words.len() {
        0 => "no clause".to_string(),
        1 => words[0].to_string(),
        n => format!("{} or {}", words[..n - 1].join(", "), words[n - 1]),
    }
}
