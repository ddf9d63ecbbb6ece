//! Resolving a parsed query against the store's catalog.
//!
//! In: a [`Query`](crate::syntax::ast::Query), the [`Catalog`], a way to check
//! clause labels, and the session's parameters and `let` sets. Out: a
//! [`Plan`] in the store's terms, or every error found, each with its span.

pub mod catalog;
mod cond;
mod error;
pub mod fields;
pub mod names;
pub mod plan;
mod target;

use std::collections::HashMap;

pub use catalog::Catalog;
#[cfg(test)]
pub(crate) use cond::full_text_query;
pub use error::{ErrorKind, ResolveError};
pub use plan::Plan;

use crate::syntax::ast;
use plan::{Field, Filter, FilterKind, Output, Set};

/// Why a full-text query was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FullText {
    /// The query's syntax is wrong: the engine's words.
    Malformed(String),
    /// The index could not be asked (the store is damaged, or the query was interrupted).
    Unchecked(String),
}

/// The most fields one `count by` groups by.
pub const MAX_COUNT_BY: usize = 6;

/// Checks clause labels against the store (the catalog does not hold clauses:
/// a store may have millions).
pub trait Clauses {
    /// Whether document `doc` (a canonical id) has a clause `label`.
    fn has_clause(&self, doc: &str, label: &str) -> bool;
    /// The labels of `doc`, for suggestions.
    fn labels(&self, doc: &str) -> Vec<String>;
    /// Whether `query` is valid full-text syntax: the engine's message if not
    /// ([`FullText::Malformed`]), or why the index could not be asked
    /// ([`FullText::Unchecked`]: a damaged store, an interrupt).
    fn check_full_text(&self, query: &str) -> Result<(), FullText>;
    /// For a field of few values (a citation's stance or method, a document's
    /// or an actor's kind, a language): the values the store holds, when no
    /// row has `value`; `None` when one has it, or for other fields.
    fn missing_value(&self, field: Field, value: &str) -> Option<Vec<String>> {
        let _ = (field, value);
        None
    }
}

/// The session's named values: `--param k=v` / `.param set`, and `let` sets.
#[derive(Debug, Clone, Default)]
pub struct Env {
    pub params: HashMap<String, String>,
    pub lets: HashMap<String, ast::Query>,
}

/// How deeply `let` sets may refer to each other (`$a` defined through `$b`, ...).
pub(crate) const MAX_LET_DEPTH: usize = 16;

/// Resolves `query`; all errors found are returned together.
pub fn resolve(
    query: &ast::Query,
    catalog: &Catalog,
    clauses: &dyn Clauses,
    env: &Env,
) -> Result<Plan, Vec<ResolveError>> {
    let mut r = Resolver::new(catalog, clauses, env);
    let mut plan = r.query(query);
    plan.warnings = std::mem::take(&mut r.warnings);
    if r.errors.is_empty() {
        Ok(plan)
    } else {
        Err(r.errors)
    }
}

pub(crate) struct Resolver<'a> {
    pub catalog: &'a Catalog,
    pub clauses: &'a dyn Clauses,
    pub env: &'a Env,
    pub errors: Vec<ResolveError>,
    pub warnings: Vec<ResolveError>,
    pub depth: usize,
    /// The `let` sets being expanded, outermost first (a name twice is a cycle).
    pub expanding: Vec<String>,
}

impl<'a> Resolver<'a> {
    fn new(catalog: &'a Catalog, clauses: &'a dyn Clauses, env: &'a Env) -> Resolver<'a> {
        Resolver {
            catalog,
            clauses,
            env,
            errors: Vec::new(),
            warnings: Vec::new(),
            depth: 0,
            expanding: Vec::new(),
        }
    }
}

impl Resolver<'_> {
    pub fn query(&mut self, q: &ast::Query) -> Plan {
        let set = q.set.node;
        let filters: Vec<Filter> = q
            .filters
            .iter()
            .filter_map(|f| self.filter(set, f))
            .collect();
        let cond = q.condition.as_ref().and_then(|c| self.cond(set, c));
        let order = q
            .order
            .iter()
            .filter_map(|k| {
                let f = self.field(set, &k.field)?;
                if fields::def(f).many {
                    let msg = format!(
                        "cannot order by `{}`: a row can have several values of it",
                        k.field.name
                    );
                    self.errors
                        .push(ResolveError::new(ErrorKind::BadValue, k.field.span, msg));
                    return None;
                }
                Some((f, k.desc))
            })
            .collect();
        let output = match &q.output {
            ast::Output::Rows => Output::Rows(fields::default_columns(set)),
            ast::Output::Count(_) => Output::Count,
            ast::Output::CountBy(list) => {
                if list.len() > MAX_COUNT_BY {
                    let span = list[MAX_COUNT_BY].span.to(list[list.len() - 1].span);
                    let msg = format!("`count by` takes at most {MAX_COUNT_BY} fields");
                    self.errors
                        .push(ResolveError::new(ErrorKind::BadValue, span, msg));
                }
                Output::CountBy(
                    list.iter()
                        .take(MAX_COUNT_BY)
                        .map(|f| self.field(set, f).unwrap_or(Field::Count))
                        .collect(),
                )
            }
            ast::Output::Select(list) => {
                Output::Rows(list.iter().filter_map(|f| self.field(set, f)).collect())
            }
        };
        let limit = q.limit.as_ref().and_then(|l| self.count(l));
        let offset = q.offset.as_ref().and_then(|l| self.count(l));
        // `principles cited-by X`, default columns: say how X reached each one.
        let via = match (&q.output, set, filters.as_slice()) {
            (ast::Output::Rows, Set::Principles, fs) => {
                let mut cited = fs.iter().filter_map(|f: &Filter| match &f.kind {
                    FilterKind::CitedBy(t) if !f.negated => Some(t.clone()),
                    _ => None,
                });
                match (cited.next(), cited.next()) {
                    (Some(t), None) => Some(t),
                    _ => None,
                }
            }
            _ => None,
        };
        Plan {
            set,
            filters,
            cond,
            order,
            limit,
            offset,
            output,
            // The whole statement's warnings are given to the outermost plan.
            warnings: Vec::new(),
            via,
        }
    }

    /// Looks up a field of `set`, or records an error listing the fields.
    pub fn field(&mut self, set: Set, f: &ast::Field) -> Option<Field> {
        if let Some(d) = fields::lookup(set, &f.name) {
            return Some(d.field);
        }
        let names: Vec<&str> = fields::fields(set).iter().map(|d| d.name).collect();
        let e = ResolveError::new(
            ErrorKind::UnknownField,
            f.span,
            format!("unknown field `{}` for {}", f.name, set.as_str()),
        )
        .suggest(&f.name, names.iter().copied())
        .note(format!(
            "the fields of {} are: {}",
            set.as_str(),
            names.join(", ")
        ));
        self.errors.push(e);
        None
    }

    fn count(&mut self, c: &ast::Spanned<ast::Count>) -> Option<u64> {
        match &c.node {
            ast::Count::Number(n) => Some(*n),
            ast::Count::Param(p) => {
                let v = self.param(p)?;
                match v.trim().parse() {
                    Ok(n) => Some(n),
                    Err(_) => {
                        let msg = format!("`${}` is `{v}`, not a whole number", p.name);
                        self.errors
                            .push(ResolveError::new(ErrorKind::BadValue, c.span, msg));
                        None
                    }
                }
            }
        }
    }

    /// The value of a `$param`, or an error.
    pub fn param(&mut self, p: &ast::Ident) -> Option<String> {
        if let Some(v) = self.env.params.get(&p.name) {
            return Some(v.clone());
        }
        let mut names: Vec<&str> = self.env.params.keys().map(String::as_str).collect();
        names.extend(self.env.lets.keys().map(String::as_str));
        let e = ResolveError::new(
            ErrorKind::UnknownParam,
            p.span,
            format!("parameter `${}` is not set", p.name),
        )
        .suggest(&p.name, names)
        .note(format!(
            "set it with `--param {0}=VALUE`, `.param set {0} VALUE` or `let {0} = QUERY`",
            p.name
        ));
        self.errors.push(e);
        None
    }

    fn filter(&mut self, set: Set, f: &ast::Filter) -> Option<Filter> {
        use ast::FilterKind as K;
        use catalog::Kind as C;
        let applies = |sets: &[Set]| sets.contains(&set);
        let (name, sets): (&str, &[Set]) = match &f.kind {
            K::In(_) => (
                "in",
                &[Set::Clauses, Set::Actors, Set::Principles, Set::Citations],
            ),
            K::From(_) => ("from", &[Set::Citations]),
            K::CitedDirectly(_) => (
                "cited-by!",
                &[Set::Documents, Set::Statements, Set::Principles],
            ),
            K::By(_) => (
                "by",
                &[
                    Set::Documents,
                    Set::Statements,
                    Set::Clauses,
                    Set::Citations,
                ],
            ),
            K::CitedBy(_) => (
                "cited-by",
                &[
                    Set::Clauses,
                    Set::Documents,
                    Set::Statements,
                    Set::Principles,
                    Set::Actors,
                ],
            ),
            K::Citing(_) => (
                "citing",
                &[Set::Documents, Set::Statements, Set::Clauses, Set::Actors],
            ),
            K::Expressing(_) => (
                "expressing",
                &[Set::Clauses, Set::Documents, Set::Statements],
            ),
            K::Relation { verb, .. } => (verb.name.as_str(), &[Set::Documents, Set::Statements]),
            K::Before(_) | K::After(_) | K::Between(..) => (
                "date",
                &[
                    Set::Documents,
                    Set::Statements,
                    Set::Clauses,
                    Set::Citations,
                ],
            ),
        };
        if !applies(sets) {
            // A word that is no filter at all (`clauses cited-bi lavrov`, `clauses selct ref`)
            // is read as a relation; say so, with the filter or keyword meant.
            if let K::Relation { verb, .. } = &f.kind
                && self.catalog.verb(&verb.name).is_none()
            {
                let e = ResolveError::new(
                    ErrorKind::UnknownRelation,
                    verb.span,
                    format!("unknown filter `{}`", verb.name),
                )
                .suggest(&verb.name, crate::syntax::KEYWORDS.iter().copied());
                self.errors.push(e);
                return None;
            }
            let head = f.span;
            let list: Vec<&str> = sets.iter().map(|s| s.as_str()).collect();
            let what = match &f.kind {
                K::Before(_) => "before",
                K::After(_) => "after",
                K::Between(..) => "between",
                _ => name,
            };
            let e = ResolveError::new(
                ErrorKind::NotApplicable,
                head,
                format!("`{what}` does not apply to {}", set.as_str()),
            )
            .note(format!("`{what}` applies to {}", list.join(", ")));
            self.errors.push(e);
            return None;
        }
        let kind = match &f.kind {
            K::In(t) => {
                let kinds: &[C] = if set == Set::Actors {
                    &[C::Actor]
                } else {
                    &[C::Document]
                };
                FilterKind::In(self.target(t, kinds, set != Set::Actors, "in")?)
            }
            K::From(t) => FilterKind::In(self.target(t, &[C::Document], true, "from")?),
            K::By(t) => FilterKind::By(self.target(t, &[C::Actor], false, "by")?),
            K::CitedBy(t) => {
                FilterKind::CitedBy(self.target(t, &[C::Actor, C::Document], true, "cited-by")?)
            }
            K::CitedDirectly(t) => FilterKind::CitedDirectly(self.target(
                t,
                &[C::Actor, C::Document],
                true,
                "cited-by!",
            )?),
            K::Citing(t) => FilterKind::Citing(self.target(
                t,
                &[C::Document, C::Principle, C::Actor],
                true,
                "citing",
            )?),
            K::Expressing(t) => {
                FilterKind::Expressing(self.target(t, &[C::Principle], false, "expressing")?)
            }
            K::Relation {
                verb,
                transitive,
                target,
            } => self.relation(verb, *transitive, target)?,
            // `before 2022`: ends before 2022-01-01; `after 2021`: starts after 2021-12-31;
            // `between 1990 and 2000`: within 1990-01-01 ..= 2000-12-31.
            K::Before(d) => FilterKind::Dates {
                after: None,
                before: Some((self.date_arg(d)?.0, false)),
            },
            K::After(d) => FilterKind::Dates {
                after: Some((self.date_arg(d)?.1, false)),
                before: None,
            },
            K::Between(a, b) => {
                let (a, b) = (self.date_arg(a), self.date_arg(b));
                if let (Some(first), Some(last)) = (&a, &b)
                    && first.0 > last.1
                {
                    let w = ResolveError::new(
                        ErrorKind::BadValue,
                        f.span,
                        format!(
                            "this range holds nothing: {} is after {}",
                            first.0, last.1
                        ),
                    )
                    .note("`between A and B` keeps the dates from A to B; write the earlier date first");
                    self.warnings.push(w);
                }
                FilterKind::Dates {
                    after: Some((a?.0, true)),
                    before: Some((b?.1, true)),
                }
            }
        };
        Some(Filter {
            negated: f.negated,
            kind,
        })
    }

    fn relation(
        &mut self,
        verb: &ast::Ident,
        transitive: bool,
        target: &ast::Target,
    ) -> Option<FilterKind> {
        let Some((rtype, inverse)) = self.catalog.verb(&verb.name) else {
            // Suggested and listed: the forms the language reference names, as completion
            // offers them (`reaffirms`, `reaffirming`, `reaffirmed-by`), though the others
            // (`reaffirm`, `reaffirms-by`) are read too.
            let named = self.catalog.named_verb_forms();
            let forms: Vec<&str> = named.iter().map(String::as_str).collect();
            let mut e = ResolveError::new(
                ErrorKind::UnknownRelation,
                verb.span,
                format!("unknown filter or relation `{}`", verb.name),
            )
            .suggest(
                &verb.name,
                forms
                    .iter()
                    .copied()
                    .chain(["in", "by", "cited-by", "citing", "expressing"]),
            );
            e = e.note(if forms.is_empty() {
                "this store has no relations between documents".to_string()
            } else {
                format!("relations in this store: {}", forms.join(", "))
            });
            self.errors.push(e);
            return None;
        };
        let rtype = rtype.to_string();
        let target = self.target(target, &[catalog::Kind::Document], false, &verb.name)?;
        Some(FilterKind::Relation {
            rtype,
            inverse,
            transitive,
            target,
        })
    }

    /// A date argument as its first and last day.
    fn date_arg(&mut self, d: &ast::DateArg) -> Option<(String, String)> {
        match d {
            ast::DateArg::Date { date, .. } => Some(date_bounds(date)),
            ast::DateArg::Param(p) => {
                let v = self.param(p)?;
                match crate::corpus::Date::parse(v.trim()) {
                    Some(d) => Some((d.start, d.end)),
                    None => {
                        let msg = format!(
                            "`${}` is `{v}`, not a date (YYYY, YYYY-MM or YYYY-MM-DD)",
                            p.name
                        );
                        self.errors
                            .push(ResolveError::new(ErrorKind::BadValue, p.span, msg));
                        None
                    }
                }
            }
        }
    }
}

/// The first and last day of a parsed date.
pub fn date_bounds(d: &ast::Date) -> (String, String) {
    let text = match (d.month, d.day) {
        (Some(m), Some(day)) => format!("{:04}-{m:02}-{day:02}", d.year),
        (Some(m), None) => format!("{:04}-{m:02}", d.year),
        _ => format!("{:04}", d.year),
    };
    // The parser validated the date, so it parses.
    let parsed = crate::corpus::Date::parse(&text).unwrap_or(crate::corpus::Date {
        text: text.clone(),
        start: text.clone(),
        end: text,
    });
    (parsed.start, parsed.end)
}

/// One thing to `show` in full.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Thing {
    Actor(String),
    Document(String),
    Principle(String),
    Clause(String, String),
    /// A citation by its number.
    Citation(i64),
}

/// Resolves `compare A, B, ... in X` to the plan of `clauses in X` with a
/// column of citation counts per actor.
pub fn resolve_compare(
    actors: &[ast::Target],
    within: &ast::Target,
    catalog: &Catalog,
    clauses: &dyn Clauses,
    env: &Env,
) -> Result<Plan, Vec<ResolveError>> {
    let mut r = Resolver::new(catalog, clauses, env);
    let place = r.target(within, &[catalog::Kind::Document], true, "compare ... in");
    let mut columns: Vec<(String, plan::Targets)> = Vec::new();
    for a in actors {
        let Some(found) = r.target(a, &[catalog::Kind::Actor], false, "compare") else {
            continue;
        };
        let ids: Vec<&str> = found
            .actors
            .iter()
            .filter_map(|s| match s {
                plan::Source::Id(id) => Some(id.as_str()),
                _ => None,
            })
            .collect();
        let name = match (ids.as_slice(), found.actors.len()) {
            ([id], 1) => id.to_string(),
            _ => {
                let e = ResolveError::new(
                    ErrorKind::BadValue,
                    a.span(),
                    "`compare` takes one actor per column, by name",
                )
                .note("write the actors apart: `compare lavrov, usa in istanbul-charter#8`");
                r.errors.push(e);
                continue;
            }
        };
        if columns.iter().any(|(n, _)| *n == name) {
            let e = ResolveError::new(
                ErrorKind::BadValue,
                a.span(),
                format!("`{name}` is compared twice"),
            );
            r.errors.push(e);
            continue;
        }
        columns.push((name, found));
    }
    match place {
        Some(place) if r.errors.is_empty() => Ok(Plan {
            set: Set::Clauses,
            filters: vec![Filter {
                negated: false,
                kind: FilterKind::In(place),
            }],
            cond: None,
            order: Vec::new(),
            limit: None,
            offset: None,
            output: Output::Compare(columns),
            warnings: Vec::new(),
            via: None,
        }),
        _ => Err(r.errors),
    }
}

/// Resolves the target of `show` to exactly one thing of any kind.
pub fn resolve_show(
    t: &ast::Target,
    catalog: &Catalog,
    clauses: &dyn Clauses,
    env: &Env,
) -> Result<Thing, Vec<ResolveError>> {
    if let ast::Target::Name {
        kind: Some(k),
        name,
    } = t
        && k.node == ast::KindPrefix::Citation
    {
        return match name.text.parse::<i64>() {
            Ok(n) if n > 0 => Ok(Thing::Citation(n)),
            _ => Err(vec![
                ResolveError::new(
                    ErrorKind::BadValue,
                    name.span,
                    format!("a citation is shown by its number, not `{}`", name.text),
                )
                .note("find numbers with `citations select id, from, to`"),
            ]),
        };
    }
    let mut r = Resolver::new(catalog, clauses, env);
    let kinds = [
        catalog::Kind::Actor,
        catalog::Kind::Document,
        catalog::Kind::Principle,
    ];
    let found = r.target(t, &kinds, true, "show");
    let Some(found) = found else {
        return Err(r.errors);
    };
    let mut things = Vec::new();
    use plan::Source;
    for s in found.actors {
        if let Source::Id(id) = s {
            things.push(Thing::Actor(id));
        }
    }
    for s in found.documents {
        if let Source::Id(id) = s {
            things.push(Thing::Document(id));
        }
    }
    for s in found.principles {
        if let Source::Id(id) = s {
            things.push(Thing::Principle(id));
        }
    }
    for s in found.clauses {
        if let Source::Clause(d, l) = s {
            things.push(Thing::Clause(d, l));
        }
    }
    match things.len() {
        1 => Ok(things.remove(0)),
        _ => Err(vec![ResolveError::new(
            ErrorKind::WrongKind,
            t.span(),
            "`show` takes one actor, document, principle or clause",
        )]),
    }
}
