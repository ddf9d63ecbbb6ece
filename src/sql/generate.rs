//! Plan → SQL: one statement, every value a bound parameter.
//!
//! Relation filters become `t.id IN (SELECT ...)` membership tests, so no
//! join ever multiplies the rows; transitive relations, membership and
//! representation become recursive CTEs hoisted to the top of the statement.

use super::fields::{self, T, base, date_bounds, many, scalar};
use super::print::{Dialect, print};
use super::tree::{Cte, Expr, From, Func, Join, ListOf, Op, Select};
use super::{Param, Sql};
use crate::resolve::fields::{Kind, def};
use crate::resolve::plan::{CmpOp, Cond, Field, Filter, FilterKind, Output, Plan, Set, Value};

/// The SQL that lists the row ids (`id` column) of `plan`'s result, in its
/// order and within its limit: for outputs that need the rows' relations,
/// such as the citation graph.
pub fn generate_ids(plan: &Plan, dialect: Dialect) -> Sql {
    let mut g = Gen {
        dialect,
        ..Gen::default()
    };
    let mut s = g.rows(plan);
    s.columns = vec![(Expr::col(T, "id"), Some("id".into()))];
    s.prune_joins();
    s.ctes = std::mem::take(&mut g.ctes);
    Sql {
        text: print(&s, dialect, &g.params),
        params: g.params,
        columns: vec!["id".into()],
        lists: Vec::new(),
    }
}

/// Generates the SQL of `plan` for SQLite.
pub fn generate(plan: &Plan) -> Sql {
    generate_for(plan, Dialect::Sqlite)
}

/// Generates the SQL of `plan` for `dialect`.
pub fn generate_for(plan: &Plan, dialect: Dialect) -> Sql {
    let mut g = Gen {
        dialect,
        ..Gen::default()
    };
    let select = g.top(plan);
    Sql {
        text: print(&select, dialect, &g.params),
        params: g.params,
        columns: g.columns,
        lists: g.lists,
    }
}

/// The longest list of values written as a plain `IN (?, ?, ...)`.
pub const SHORT_LIST: usize = 16;

/// The alias of a subquery's list of ids ([`Gen::subquery`]): a select that
/// mentions it reads a subquery.
pub const SUBQUERY: &str = "sq";

#[derive(Default)]
pub(super) struct Gen {
    pub params: Vec<Param>,
    pub ctes: Vec<Cte>,
    columns: Vec<String>,
    lists: Vec<Option<&'static str>>,
    pub(super) dialect: Dialect,
}

impl Gen {
    pub fn param(&mut self, p: Param) -> Expr {
        self.params.push(p);
        Expr::Param(self.params.len())
    }

    pub fn text(&mut self, s: &str) -> Expr {
        self.param(Param::Text(s.to_string()))
    }

    /// A `matches` query (FTS5 syntax) as the dialect's full-text query parameter.
    fn full_text(&mut self, query: &str) -> Expr {
        match self.dialect {
            Dialect::Sqlite => self.text(query),
            // No word: a query that matches nothing.
            Dialect::Postgres => {
                let q = super::tsquery::from_fts5(query).unwrap_or_default();
                self.text(&q)
            }
        }
    }

    /// `lhs IN (values)`: a plain list of parameters when short (SQLite
    /// plans it as well as a list parameter, and it reads better), else one
    /// parameter holding the whole list ([`Expr::InValues`]), so that a list
    /// of any length is one bound value and one node of the tree.
    pub fn in_values(&mut self, lhs: Expr, values: Vec<Param>) -> Expr {
        if values.len() <= SHORT_LIST {
            let params = values.into_iter().map(|v| self.param(v)).collect();
            return Expr::InList(Box::new(lhs), params);
        }
        let kind = if values.iter().all(|v| matches!(v, Param::Int(_))) {
            ListOf::Integers
        } else if values
            .iter()
            .all(|v| matches!(v, Param::Int(_) | Param::Real(_)))
        {
            ListOf::Numbers
        } else {
            ListOf::Texts
        };
        let json: Vec<serde_json::Value> = values
            .into_iter()
            .map(|v| match v {
                Param::Text(s) => serde_json::Value::String(s),
                Param::Int(i) => serde_json::Value::from(i),
                Param::Real(r) => serde_json::Value::from(r),
            })
            .collect();
        let list = serde_json::Value::Array(json).to_string();
        let p = self.param(Param::Text(list));
        Expr::InValues(Box::new(lhs), Box::new(p), kind)
    }

    /// The ids of a subquery's rows, listed once in a CTE of their own and
    /// read from it (`SELECT sq.id FROM rN sq`): a subquery is named once
    /// however many times a filter reads it, so the statement grows with
    /// the nesting, not exponentially, and its text nests no deeper.
    pub fn subquery(&mut self, plan: &Plan) -> Select {
        // A CTE is a scope of its own: its row alias `t` needs no wrapping.
        let ids = self.own_ids(plan);
        let name = self.cte("id", ids, |_| None);
        Select::from_cte(Expr::col(SUBQUERY, "id"), &name, SUBQUERY)
    }

    /// A new CTE name.
    pub fn cte(
        &mut self,
        column: &'static str,
        base: Select,
        step: impl FnOnce(&str) -> Option<Select>,
    ) -> String {
        self.cte_union(column, vec![base], step)
    }

    /// A CTE whose starting rows are the union of `bases` (at least one).
    pub fn cte_union(
        &mut self,
        column: &'static str,
        mut bases: Vec<Select>,
        step: impl FnOnce(&str) -> Option<Select>,
    ) -> String {
        let name = format!("r{}", self.ctes.len() + 1);
        let step = step(&name);
        let base = if bases.is_empty() {
            Select::default()
        } else {
            bases.remove(0)
        };
        self.ctes.push(Cte {
            name: name.clone(),
            column,
            base,
            more: bases,
            step,
            materialized: false,
        });
        name
    }

    /// A CTE computed once, for a list that several parts of the statement read.
    pub fn cte_kept(&mut self, column: &'static str, base: Select) -> String {
        let name = self.cte(column, base, |_| None);
        if let Some(c) = self.ctes.last_mut() {
            c.materialized = true;
        }
        name
    }

    fn top(&mut self, plan: &Plan) -> Select {
        let mut s = self.rows(plan);
        match &plan.output {
            Output::Rows(cols) => {
                self.columns = cols
                    .iter()
                    .map(|f| fields::column_name(*f).to_string())
                    .collect();
                self.lists = cols.iter().map(|f| fields::separator(*f)).collect();
                s.columns = cols
                    .iter()
                    .map(|f| (scalar(*f), Some(fields::column_name(*f).to_string())))
                    .collect();
                if let Some(who) = &plan.via {
                    s.columns.extend(self.via_columns(who));
                    self.columns.extend(["directly".into(), "via".into()]);
                    self.lists.extend([None, Some(fields::JOINED_SEPARATOR)]);
                }
                s.prune_joins();
                s = limited_ids_first(s);
                s = ranked_ids_first(s);
            }
            Output::Compare(actors) => {
                // ref, text, a count per actor, principles; the actors' columns are
                // named in the result, not in the SQL (`n1`, `n2`, ...).
                let mut columns = vec![
                    (scalar(Field::ClauseRef), Some("ref".to_string())),
                    (scalar(Field::ClauseText), Some("text".to_string())),
                ];
                self.columns = vec!["ref".into(), "text".into()];
                for (n, (name, who)) in actors.iter().enumerate() {
                    let made = self.made_by(who);
                    let cites = Select::from_table(
                        Expr::Func(Func::Count, Box::new(Expr::Star)),
                        "citations",
                        "ci",
                        vec![
                            Expr::eq(Expr::col("ci", "to_clause_id"), Expr::col(T, "id")),
                            made,
                        ],
                    );
                    columns.push((Expr::Scalar(Box::new(cites)), Some(format!("n{}", n + 1))));
                    self.columns.push(name.clone());
                }
                columns.push((
                    scalar(Field::ClausePrinciple),
                    Some("principle".to_string()),
                ));
                self.columns.push("principle".into());
                self.lists = vec![None; self.columns.len()];
                if let Some(last) = self.lists.last_mut() {
                    *last = fields::separator(Field::ClausePrinciple);
                }
                s.columns = columns;
                s.prune_joins();
            }
            Output::Count => {
                self.columns = vec!["count".into()];
                s = self.count(s);
            }
            Output::CountBy(fs) => {
                self.columns = fs
                    .iter()
                    .map(|f| fields::column_name(*f).to_string())
                    .chain(["count".to_string()])
                    .collect();
                s = match fs.as_slice() {
                    [f] => self.count_by(s, *f),
                    _ => self.count_by_fields(s, fs),
                };
            }
        }
        s.ctes = std::mem::take(&mut self.ctes);
        s
    }

    /// The filtered, ordered, limited rows of `plan` (columns left to the caller).
    fn rows(&mut self, plan: &Plan) -> Select {
        let mut s = base(plan.set);
        if plan.set == Set::Statements {
            s.filter
                .push(Expr::eq(Expr::col(T, "kind"), Expr::Const("statement")));
        }
        // A set already narrowed by where it stands or who wrote it (`clauses
        // in X`, `statements by Y`) holds few rows: its citation filters are
        // then asked row by row, through the citations of each row, rather
        // than by listing every citing or cited row of a much-cited target.
        let narrowed = matches!(plan.set, Set::Clauses | Set::Documents | Set::Statements)
            && plan
                .filters
                .iter()
                .any(|f| !f.negated && matches!(f.kind, FilterKind::In(_) | FilterKind::By(_)));
        for f in &plan.filters {
            let mut e = self.filter(plan.set, f);
            if narrowed && matches!(f.kind, FilterKind::Citing(_) | FilterKind::CitedBy(_)) {
                e = correlate(e);
            }
            s.filter.push(if f.negated { Expr::negate(e) } else { e });
        }
        let ranked = self.full_text_join(plan, &mut s);
        if let Some(c) = &plan.cond {
            let skip_top_match = ranked;
            if let Some(e) = self.cond(plan.set, c, skip_top_match) {
                s.filter.push(e);
            }
        }
        for (f, desc) in &plan.order {
            if def(*f).kind == Kind::Date {
                // Dates order by their first day, undated rows last either way.
                let (lo, _) = date_bounds(plan.set);
                s.order_by.push((Expr::NullsLast(Box::new(lo)), *desc));
            } else {
                s.order_by.push((scalar(*f), *desc));
            }
        }
        if ranked && plan.order.is_empty() {
            s.order_by.push((Expr::FtsRank("fts"), false));
        }
        // The default order also breaks the ties of an explicit one.
        for key in default_order(plan.set) {
            if !s.order_by.iter().any(|(e, _)| *e == key.0) {
                s.order_by.push(key);
            }
        }
        // SQLite's LIMIT and OFFSET are signed: larger counts mean "all" and "past the end".
        s.limit = plan
            .limit
            .map(|n| self.param(Param::Int(n.min(i64::MAX as u64) as i64)));
        s.offset = plan
            .offset
            .map(|n| self.param(Param::Int(n.min(i64::MAX as u64) as i64)));
        s
    }

    /// When the condition is (or is a conjunction holding) `text matches "..."`,
    /// joins the full-text index so that results can be ranked.
    fn full_text_join(&mut self, plan: &Plan, s: &mut Select) -> bool {
        let query = match &plan.cond {
            Some(Cond::Matches { query, .. }) => query,
            Some(Cond::And(items)) => match items.iter().find_map(|c| match c {
                Cond::Matches { query, .. } => Some(query),
                _ => None,
            }) {
                Some(q) => q,
                None => return false,
            },
            _ => return false,
        };
        let q = self.full_text(query);
        s.from.push(From::FullText {
            alias: "fts",
            query: Box::new(q),
            rowid_of: Box::new(Expr::col(T, "id")),
        });
        true
    }

    /// The ids of the rows of `plan` (its own order and limit kept), under its row alias `t`.
    fn own_ids(&mut self, plan: &Plan) -> Select {
        let mut s = self.rows(plan);
        s.columns = vec![(Expr::col(T, "id"), None)];
        if s.limit.is_none() {
            s.order_by.clear();
        }
        s.prune_joins();
        s
    }

    fn count(&mut self, s: Select) -> Select {
        let count = |inner: Select, what: Expr| Select {
            columns: vec![(
                Expr::Func(Func::Count, Box::new(what)),
                Some("count".into()),
            )],
            ..inner
        };
        if s.limit.is_some() || s.offset.is_some() {
            let mut i = s;
            i.columns = vec![(Expr::col(T, "id"), None)];
            i.prune_joins();
            let outer = Select {
                from: vec![From::Sub {
                    select: Box::new(i),
                    alias: "n",
                }],
                ..Select::default()
            };
            return count(outer, Expr::Star);
        }
        let mut i = s;
        i.order_by.clear();
        i.columns.clear();
        i.prune_joins();
        // Rows chosen by one membership test alone: count the distinct ids it
        // lists, without reading the rows (each listed id is a row's: the
        // lists come from foreign keys, and a NULL is not counted).
        if let Some(mut list) = membership_list(&i) {
            let (listed, _) = list.columns.remove(0);
            return Select {
                columns: vec![(
                    Expr::Func(Func::CountDistinct, Box::new(listed)),
                    Some("count".into()),
                )],
                ..list
            };
        }
        count(i, Expr::Star)
    }

    /// `count by a, b, ...`: a row per combination of values, with the number
    /// of rows that have it. A many-valued field is joined (outer: a row with
    /// no value counts under NULL), so a row with two values counts once
    /// under each.
    fn count_by_fields(&mut self, mut s: Select, fs: &[Field]) -> Select {
        const ALIASES: [(&str, &str); crate::resolve::MAX_COUNT_BY] = [
            ("k1", "v1"),
            ("k2", "v2"),
            ("k3", "v3"),
            ("k4", "v4"),
            ("k5", "v5"),
            ("k6", "v6"),
        ];
        s.order_by.clear();
        let (limit, offset) = (s.limit.take(), s.offset.take());
        let mut values = Vec::new();
        for (f, (la, va)) in fs.iter().zip(ALIASES) {
            let Some(link) = fields::link(*f) else {
                values.push(scalar(*f));
                continue;
            };
            s = s.left_join(
                link.table,
                la,
                Expr::eq(Expr::col(la, link.owner), Expr::col(T, "id")),
            );
            values.push(match link.value {
                Some((table, _, column)) => {
                    s = s.left_join_one(
                        table,
                        va,
                        Expr::eq(Expr::col(va, "id"), Expr::col(la, link.key)),
                    );
                    Expr::col(va, column)
                }
                None => Expr::col(la, link.key),
            });
        }
        s.columns = values
            .iter()
            .zip(fs)
            .map(|(v, f)| (v.clone(), Some(fields::column_name(*f).to_string())))
            .chain([(
                Expr::Func(Func::Count, Box::new(Expr::Star)),
                Some("count".into()),
            )])
            .collect();
        s.group_by = values;
        s.prune_joins();
        s.order_by = std::iter::once((Expr::Name("count"), true))
            .chain(
                fs.iter()
                    .map(|f| (Expr::Name(fields::column_name(*f)), false)),
            )
            .collect();
        s.limit = limit;
        s.offset = offset;
        s
    }

    fn count_by(&mut self, mut s: Select, f: Field) -> Select {
        let name = fields::column_name(f);
        s.order_by.clear();
        let (limit, offset) = (s.limit.take(), s.offset.take());
        let mut out = match fields::link(f) {
            Some(link) => count_by_link(self, s, link, name),
            None => {
                let value = scalar(f);
                s.columns = vec![
                    (value.clone(), Some(name.to_string())),
                    (
                        Expr::Func(Func::Count, Box::new(Expr::Star)),
                        Some("count".into()),
                    ),
                ];
                s.group_by = vec![value];
                s.prune_joins();
                s
            }
        };
        out.order_by = vec![(Expr::Name("count"), true), (Expr::Name(name), false)];
        out.limit = limit;
        out.offset = offset;
        out
    }

    fn cond(&mut self, set: Set, c: &Cond, skip_top_match: bool) -> Option<Expr> {
        Some(match c {
            Cond::And(items) => {
                // The first `matches` of a top-level `and` is the joined, ranked one;
                // any other stays a condition.
                let mut skip = skip_top_match;
                let parts: Vec<Expr> = items
                    .iter()
                    .filter(|c| {
                        let joined = skip && matches!(c, Cond::Matches { .. });
                        skip &= !joined;
                        !joined
                    })
                    .filter_map(|c| self.cond(set, c, false))
                    .collect();
                if parts.is_empty() {
                    return None;
                }
                Expr::and(parts)
            }
            Cond::Matches { .. } if skip_top_match => return None,
            Cond::Or(items) => {
                // `source = a or source = b`: one list read through the index (an
                // `OR` of two lists may make SQLite read citations in id order).
                let sources: Vec<&str> = items.iter().filter_map(source_slug).collect();
                let mut parts = Vec::new();
                if sources.len() > 1 {
                    parts.push(self.sources_in(&sources));
                }
                parts.extend(
                    items
                        .iter()
                        .filter(|c| sources.len() < 2 || source_slug(c).is_none())
                        .filter_map(|c| self.cond(set, c, false)),
                );
                Expr::or(parts)
            }
            Cond::Not(inner) => Expr::negate(self.cond(set, inner, false)?),
            Cond::Matches { query, .. } => {
                let q = self.full_text(query);
                Expr::FullTextMatch {
                    rowid: Box::new(Expr::col(T, "id")),
                    query: Box::new(q),
                }
            }
            Cond::Cmp { field, op, value } => self.compare(set, *field, *op, value),
            Cond::In {
                field: Field::CitationSource,
                negated,
                values,
            } if values.iter().all(|v| matches!(v, Value::Text(_))) => {
                let slugs: Vec<&str> = values
                    .iter()
                    .filter_map(|v| match v {
                        Value::Text(s) => Some(s.as_str()),
                        _ => None,
                    })
                    .collect();
                let any = self.sources_in(&slugs);
                if *negated { Expr::negate(any) } else { any }
            }
            Cond::In {
                field,
                negated,
                values,
            } if values.len() > SHORT_LIST
                && *field != Field::CitationFrom
                && values
                    .iter()
                    .all(|v| matches!(v, Value::Text(_) | Value::Number(_))) =>
            {
                // A long list: one list parameter, not a chain of comparisons.
                let any = self.in_list(*field, values);
                if *negated { Expr::negate(any) } else { any }
            }
            Cond::In {
                field,
                negated,
                values,
            } => {
                let any = Expr::or(
                    values
                        .iter()
                        .map(|v| self.compare(set, *field, CmpOp::Eq, v))
                        .collect(),
                );
                if *negated { Expr::negate(any) } else { any }
            }
            Cond::IsNull { field, negated } => match many(*field) {
                Some(values) => {
                    let e = Expr::Exists(Box::new(values));
                    if *negated { e } else { Expr::negate(e) }
                }
                None => Expr::IsNull(Box::new(scalar(*field)), *negated),
            },
        })
    }

    fn compare(&mut self, set: Set, f: Field, op: CmpOp, v: &Value) -> Expr {
        if let Some(mut values) = many(f) {
            // "any value": EXISTS a value that compares; `!=` means no value equals.
            let (value_op, negate) = if op == CmpOp::Ne {
                (CmpOp::Eq, true)
            } else {
                (op, false)
            };
            let mut value = values.columns.pop().map(|c| c.0).unwrap_or(Expr::Null);
            let mut v = v.clone();
            if def(f).kind == Kind::Text
                && value_op == CmpOp::Eq
                && let Value::Text(text) = &v
            {
                // Aliases compare case-insensitively, on the folded column.
                value = Expr::col("x", "folded");
                v = Value::Text(crate::fold::name_key(text));
            }
            let test = self.simple(value, value_op, &v);
            values.columns = vec![(Expr::Int(1), None)];
            values.filter.push(test);
            let e = Expr::Exists(Box::new(values));
            return if negate { Expr::negate(e) } else { e };
        }
        // A citation's source by id, through the index (not a lookup per row).
        if f == Field::CitationSource
            && op == CmpOp::Eq
            && let Value::Text(slug) = v
        {
            return self.sources_in(&[slug]);
        }
        // `from = DOC` (a document, where `from` holds clauses): the citations made
        // anywhere in that document, through the citing document's id.
        if f == Field::CitationFrom
            && matches!(op, CmpOp::Eq | CmpOp::Ne)
            && let Value::Text(slug) = v
            && !slug.contains('#')
        {
            let p = self.text(slug);
            let ids = Select::from_table(
                Expr::col("x", "id"),
                "documents",
                "x",
                vec![Expr::eq(Expr::col("x", "slug"), p)],
            );
            let e = Expr::in_select(Expr::col(T, "from_document_id"), ids);
            return if op == CmpOp::Ne { Expr::negate(e) } else { e };
        }
        if let Value::Date { start, end } = v {
            // A row's date is a range [lo, hi]; so is the value [start, end].
            let (lo, hi) = date_bounds(set);
            let within = |g: &mut Gen, lo: Expr, hi: Expr| {
                let (s, e) = (g.text(start), g.text(end));
                Expr::and(vec![Expr::bin(lo, Op::Ge, s), Expr::bin(hi, Op::Le, e)])
            };
            return match op {
                CmpOp::Eq => within(self, lo, hi),
                CmpOp::Ne => Expr::negate(within(self, lo, hi)),
                CmpOp::Lt => Expr::bin(hi, Op::Lt, self.text(start)),
                CmpOp::Le => Expr::bin(hi, Op::Le, self.text(end)),
                CmpOp::Gt => Expr::bin(lo, Op::Gt, self.text(end)),
                CmpOp::Ge | CmpOp::Contains => Expr::bin(lo, Op::Ge, self.text(start)),
            };
        }
        let test = self.simple(scalar(f), op, v);
        // `text ~ "..."` on clauses: the whole words of the needle narrow the
        // clauses through the full-text index first (see `full_text_words`).
        // (PostgreSQL's trigram index serves `~` itself.)
        if set == Set::Clauses
            && self.dialect == Dialect::Sqlite
            && f == Field::ClauseText
            && op == CmpOp::Contains
            && let Value::Text(needle) = v
            && let Some(words) = full_text_words(needle)
        {
            let q = self.text(&words);
            let narrowed = Expr::FullTextMatch {
                rowid: Box::new(Expr::col(T, "id")),
                query: Box::new(q),
            };
            return Expr::and(vec![narrowed, test]);
        }
        test
    }

    /// `field in (values)` (text or numbers) as one membership test: on a
    /// many-valued field, "any value is one of them" (aliases compared
    /// folded, as `=` compares them).
    fn in_list(&mut self, f: Field, values: &[Value]) -> Expr {
        let folded = def(f).kind == Kind::Text;
        let params = |fold: bool| -> Vec<Param> {
            values
                .iter()
                .map(|v| match v {
                    Value::Text(t) if fold => Param::Text(crate::fold::name_key(t)),
                    Value::Text(t) => Param::Text(t.clone()),
                    Value::Number(n) => Param::Real(*n),
                    Value::Date { start, .. } => Param::Text(start.clone()),
                })
                .collect()
        };
        match many(f) {
            Some(mut rows) => {
                let mut value = rows.columns.pop().map(|c| c.0).unwrap_or(Expr::Null);
                if folded {
                    value = Expr::col("x", "folded");
                }
                let test = self.in_values(value, params(folded));
                rows.columns = vec![(Expr::Int(1), None)];
                rows.filter.push(test);
                Expr::Exists(Box::new(rows))
            }
            None => self.in_values(scalar(f), params(false)),
        }
    }

    /// The citations reported by one of the documents `slugs`, through the index.
    fn sources_in(&mut self, slugs: &[&str]) -> Expr {
        let values = slugs.iter().map(|s| Param::Text(s.to_string())).collect();
        let listed = self.in_values(Expr::col("x", "slug"), values);
        let ids = Select::from_table(Expr::col("x", "id"), "documents", "x", vec![listed]);
        Expr::in_select(Expr::col(T, "source_document_id"), ids)
    }

    /// `lhs OP ?`.
    fn simple(&mut self, lhs: Expr, op: CmpOp, v: &Value) -> Expr {
        let p = match v {
            Value::Text(s) => self.text(s),
            Value::Number(n) => self.param(Param::Real(*n)),
            Value::Date { start, .. } => self.text(start),
        };
        let op = match op {
            CmpOp::Contains => return Expr::Contains(Box::new(lhs), Box::new(p)),
            CmpOp::Eq => Op::Eq,
            CmpOp::Ne => Op::Ne,
            CmpOp::Lt => Op::Lt,
            CmpOp::Le => Op::Le,
            CmpOp::Gt => Op::Gt,
            CmpOp::Ge => Op::Ge,
        };
        Expr::bin(lhs, op, p)
    }

    fn filter(&mut self, set: Set, f: &Filter) -> Expr {
        match &f.kind {
            FilterKind::Dates { after, before } => {
                let (lo, hi) = date_bounds(set);
                let mut parts = Vec::new();
                if let Some((day, inclusive)) = after {
                    let p = self.text(day);
                    parts.push(Expr::bin(lo, if *inclusive { Op::Ge } else { Op::Gt }, p));
                }
                if let Some((day, inclusive)) = before {
                    let p = self.text(day);
                    parts.push(Expr::bin(hi, if *inclusive { Op::Le } else { Op::Lt }, p));
                }
                Expr::and(parts)
            }
            other => self.relation_filter(set, other),
        }
    }
}

/// A limited result with computed columns (authors, principles...): the ids of
/// its rows are chosen first, in a subquery that computes nothing else, and
/// the columns only for them. SQLite computes every column of every row before
/// it sorts them, so `documents order by date desc limit 3` would otherwise
/// gather the authors of every document.
fn limited_ids_first(s: Select) -> Select {
    let computed = s.columns.iter().any(|(e, _)| matches!(e, Expr::Scalar(_)));
    let ranked = s.from.iter().any(|f| matches!(f, From::FullText { .. }));
    if s.limit.is_none() || !computed || ranked || !s.group_by.is_empty() {
        return s;
    }
    let mut ids = s.clone();
    ids.columns = vec![(Expr::col(T, "id"), None)];
    // The joins the columns needed may go (the clause's document, for `ref`).
    ids.prune_joins();
    let mut rows = s;
    rows.filter = vec![Expr::in_select(Expr::col(T, "id"), ids)];
    rows.limit = None;
    rows.offset = None;
    rows
}

/// A limited result in full-text rank order: the best-ranked ids and their
/// ranks first, then the rows' columns for those alone. SQLite otherwise
/// computes every column of every match (the clause's text, its principles)
/// before it keeps the best few. With no other condition on the clause, the
/// index alone is read for the ids, without looking up each matching clause.
fn ranked_ids_first(s: Select) -> Select {
    let Some(query) = s.from.iter().find_map(|f| match f {
        From::FullText {
            alias: "fts",
            query,
            ..
        } => Some(query.clone()),
        _ => None,
    }) else {
        return s;
    };
    let clauses_first = matches!(
        s.from.first(),
        Some(From::Table {
            table: "clauses",
            alias: T,
            join: None
        })
    );
    if !clauses_first
        || s.limit.is_none()
        || !s.group_by.is_empty()
        || s.order_by.first() != Some(&(Expr::FtsRank("fts"), false))
    {
        return s;
    }
    let mut ids = s.clone();
    ids.columns = vec![
        (Expr::col(T, "id"), Some("id".into())),
        (Expr::FtsRank("fts"), Some("r".into())),
    ];
    ids.prune_joins();
    if ids.filter.is_empty() && ids.from.len() == 2 {
        // Only the clause and the index: the index's rowid is the clause's id.
        let rowid = Expr::col("fts", "rowid");
        ids.columns[0].0 = rowid.clone();
        ids.from = vec![From::FullTextIndex { alias: "fts" }];
        ids.filter = vec![Expr::FullTextQuery(query)];
        for (key, _) in &mut ids.order_by {
            if *key == Expr::col(T, "id") {
                *key = rowid.clone();
            }
        }
    }
    let mut rows = s;
    rows.from.retain(|f| !matches!(f, From::FullText { .. }));
    rows.from[0] = From::Table {
        table: "clauses",
        alias: T,
        join: Some(Join {
            left: false,
            on: Expr::eq(Expr::col(T, "id"), Expr::col("top", "id")),
            one: false,
        }),
    };
    rows.from.insert(
        0,
        From::Sub {
            select: Box::new(ids),
            alias: "top",
        },
    );
    rows.filter.clear();
    rows.order_by[0].0 = Expr::col("top", "r");
    rows.limit = None;
    rows.offset = None;
    rows
}

/// The tables whose membership lists are worth not building: a correlated
/// test reads only the rows of the outer row, through an index.
const LARGE: &[&str] = &["citations", "citation_actors", "actor_cited_clauses"];

/// Turns membership tests on the large tables into correlated `EXISTS`:
/// `x IN (SELECT col FROM citations ci WHERE cond)` becomes
/// `EXISTS (SELECT 1 FROM citations ci WHERE col = x AND cond)`, inside
/// `OR`, `NOT` and the conditions of the rewritten selects. The same rows
/// pass: the listed columns are never NULL-padded ids here (`coalesce(col, 0)`
/// is unwrapped, as a NULL never equals an id, and `NOT EXISTS` has no
/// `NOT IN`'s trouble with NULLs).
fn correlate(e: Expr) -> Expr {
    match e {
        Expr::InSelect(lhs, sel)
            if sel.columns.len() == 1
                && !matches!(sel.columns[0].0, Expr::Coalesce(..))
                && sel.ctes.is_empty()
                && !sel.distinct
                && sel.group_by.is_empty()
                && sel.limit.is_none()
                && matches!(sel.from.first(), Some(From::Table { table, .. }) if LARGE.contains(table)) =>
        {
            let mut sel = *sel;
            let listed = unwrap_or_zero(sel.columns.remove(0).0);
            sel.columns = vec![(Expr::Int(1), None)];
            let mut filter = vec![Expr::eq(listed, *lhs)];
            filter.extend(sel.filter.into_iter().map(correlate));
            sel.filter = filter;
            Expr::Exists(Box::new(sel))
        }
        Expr::Or(items) => Expr::Or(items.into_iter().map(correlate).collect()),
        Expr::And(items) => Expr::And(items.into_iter().map(correlate).collect()),
        Expr::Not(inner) => Expr::Not(Box::new(correlate(*inner))),
        other => other,
    }
}

/// The order rows come in when the query does not say.
fn default_order(set: Set) -> Vec<(Expr, bool)> {
    match set {
        Set::Documents | Set::Statements => vec![
            (Expr::NullsLast(Box::new(Expr::col(T, "date_start"))), false),
            (Expr::col(T, "slug"), false),
        ],
        // A document's clauses in their order, documents in theirs: a store
        // numbers its clauses in that order (see `clauses.id` in the schema),
        // so the rowid alone orders them, and rows read by id need no sort.
        Set::Clauses => vec![(Expr::col(T, "id"), false)],
        Set::Actors | Set::Principles => vec![(Expr::col(T, "slug"), false)],
        Set::Citations => vec![(Expr::col(T, "id"), false)],
    }
}

/// An id column as a list of ids: `coalesce(x, 0)` (see `Func::OrZero`) is
/// `x`, as a NULL, like 0, is no row's id.
fn unwrap_or_zero(e: Expr) -> Expr {
    match e {
        Expr::Func(Func::OrZero, inner) => *inner,
        other => other,
    }
}

/// The list of ids that chooses `rows` when its only condition is
/// `t.id IN (list)` on its own table (no joins left, nothing else to check),
/// its column unwrapped (`unwrap_or_zero`). Each id it lists is a row's (the
/// lists come from foreign keys), possibly more than once.
fn membership_list(rows: &Select) -> Option<Select> {
    let [From::Table { join: None, .. }] = rows.from.as_slice() else {
        return None;
    };
    match rows.filter.as_slice() {
        [Expr::InSelect(lhs, list)]
            if **lhs == Expr::col(T, "id")
                && list.columns.len() == 1
                && !list.distinct
                && list.group_by.is_empty()
                && list.union_all.is_empty()
                && list.limit.is_none()
                && list.offset.is_none() =>
        {
            let mut list = (**list).clone();
            list.columns[0].0 = unwrap_or_zero(list.columns[0].0.clone());
            Some(list)
        }
        _ => None,
    }
}

/// `count by` a many-valued field: the link table grouped by value (read
/// through its index, each (row, value) pair once, so `count(*)` counts
/// rows), then the rows without any value as one `NULL` group, when there
/// are any:
///
/// ```sql
/// SELECT a.slug AS "by", grp.n AS "count"
/// FROM (SELECT ca.actor_id AS k, count(*) AS n FROM citation_actors ca
///       [WHERE ca.citation_id IN (SELECT t.id FROM <rows>)] GROUP BY ca.actor_id) grp
/// JOIN actors a ON a.id = grp.k
/// UNION ALL
/// SELECT NULL, z.n FROM (SELECT (SELECT count(*) FROM <rows>)
///       - (SELECT count(DISTINCT ca.citation_id) FROM citation_actors ca [WHERE ...]) AS n) z
/// WHERE z.n > 0
/// ```
///
/// When the rows are not the whole table, their ids are listed once, in a
/// CTE that the three parts read.
///
/// (The distinct owners are counted along the link table's primary key, in
/// order; a `NOT EXISTS` per row would look each row up.)
fn count_by_link(g: &mut Gen, mut rows: Select, link: fields::Link, name: &str) -> Select {
    rows.columns.clear();
    rows.prune_joins();
    let every_row = rows.filter.is_empty() && rows.from.len() == 1;
    if every_row && let Some(totals) = link.totals {
        return counted_in_advance(link, totals, name);
    }
    let key = Expr::col(link.alias, link.key);
    let mut groups = Select::from_table(key.clone(), link.table, link.alias, vec![]);
    groups.columns = vec![
        (key.clone(), Some("k".into())),
        (
            Expr::Func(Func::Count, Box::new(Expr::Star)),
            Some("n".into()),
        ),
    ];
    let owner = Expr::col(link.alias, link.owner);
    let mut owners = Select::from_table(
        Expr::Func(Func::CountDistinct, Box::new(owner.clone())),
        link.table,
        link.alias,
        vec![],
    );
    // The rows' ids, listed once (a CTE that SQLite builds once for its three
    // readers), unless the rows are the whole table.
    let mut all = rows;
    if !every_row {
        let (listed, repeats) = match membership_list(&all) {
            Some(list) => (list, true),
            None => {
                let mut ids = all.clone();
                ids.columns = vec![(Expr::col(T, "id"), None)];
                (ids, false)
            }
        };
        let name = g.cte_kept("id", listed);
        let ids = || Select::from_cte(Expr::col("q", "id"), &name, "q");
        groups.filter = vec![Expr::in_select(owner.clone(), ids())];
        owners.filter = vec![Expr::in_select(owner, ids())];
        // A membership list may name a row twice; a NULL is no row.
        let counted = Expr::col("q", "id");
        let counted = if repeats {
            Expr::Func(Func::CountDistinct, Box::new(counted))
        } else {
            Expr::Func(Func::Count, Box::new(Expr::Star))
        };
        all = ids();
        all.columns = vec![(counted, None)];
    } else {
        all.columns = vec![(Expr::Func(Func::Count, Box::new(Expr::Star)), None)];
    }
    groups.group_by = vec![key];
    let mut out = Select {
        from: vec![From::Sub {
            select: Box::new(groups),
            alias: "grp",
        }],
        ..Select::default()
    };
    let value = match link.value {
        Some((table, alias, column)) => {
            out = out.join(
                table,
                alias,
                Expr::eq(Expr::col(alias, "id"), Expr::col("grp", "k")),
            );
            Expr::col(alias, column)
        }
        None => Expr::col("grp", "k"),
    };
    out.columns = vec![
        (value, Some(name.to_string())),
        (Expr::col("grp", "n"), Some("count".into())),
    ];
    // Kept, so that the test `n > 0` and the column do not count twice.
    let without = g.cte_kept(
        "n",
        Select {
            columns: vec![(
                Expr::bin(
                    Expr::Scalar(Box::new(all)),
                    Op::Minus,
                    Expr::Scalar(Box::new(owners)),
                ),
                None,
            )],
            ..Select::default()
        },
    );
    let mut nulls = Select::from_cte(Expr::Null, &without, "z");
    nulls.columns.push((Expr::col("z", "n"), None));
    nulls.filter = vec![Expr::bin(Expr::col("z", "n"), Op::Gt, Expr::Int(0))];
    out.union_all = vec![nulls];
    out
}

/// `count by` a many-valued field over every row, from the derived table
/// that holds each key's count (e.g. `citations count by by`:
/// `actor_citation_counts`, one row per maker and a NULL maker for the
/// citations that name none, instead of the millions of (citation, maker)
/// pairs):
///
/// ```sql
/// SELECT a.slug AS "by", n.citations AS count
/// FROM actor_citation_counts n LEFT JOIN actors a ON a.id = n.actor_id
/// ```
fn counted_in_advance(
    link: fields::Link,
    (table, count): (&'static str, &'static str),
    name: &str,
) -> Select {
    let key = Expr::col("n", link.key);
    let mut s = Select::from_table(key.clone(), table, "n", vec![]);
    let value = match link.value {
        Some((values, alias, column)) => {
            s = s.left_join_one(values, alias, Expr::eq(Expr::col(alias, "id"), key));
            Expr::col(alias, column)
        }
        None => key,
    };
    s.columns = vec![
        (value, Some(name.to_string())),
        (Expr::col("n", count), Some("count".into())),
    ];
    s
}

/// `source = slug`: the slug.
fn source_slug(c: &Cond) -> Option<&str> {
    match c {
        Cond::Cmp {
            field: Field::CitationSource,
            op: CmpOp::Eq,
            value: Value::Text(slug),
        } => Some(slug),
        _ => None,
    }
}

/// The shortest word [`full_text_words`] asks the index for.
pub const MIN_WORD: usize = 4;

/// The most words [`full_text_words`] asks for.
pub const MAX_WORDS: usize = 6;

/// A full-text query that every clause whose text holds `needle` (folded)
/// matches, or `None` when the needle has no whole word to ask for.
///
/// The index (`unicode61`) cuts text into runs of letters and digits. Inside
/// an ASCII needle, a run with a separator on both sides is a whole word of any
/// text that holds the needle (`"of"` in `treaty of place17`), and the last
/// run, with a separator before it, begins a word (`"place17"*`); the first run
/// may end a longer word, so it is not asked for. Words with only separators
/// between them in the needle stand next to each other in the text, so they
/// are asked for as a phrase: `negotiations transpar` is `"negotiations
/// transpar"*`, which far fewer clauses match than both words apart. The index
/// folds case and diacritics at least as far as `~` does, so no clause that
/// holds the needle is missed; the `~` test itself still decides. A needle
/// with other than ASCII characters is not narrowed.
///
/// Words shorter than [`MIN_WORD`] (`of`, `the`, `and`) are left out, and
/// split the phrases: nearly every clause has them, and merging their lists
/// costs more than it saves. At most [`MAX_WORDS`] words are asked for, from
/// the phrases with the most letters, so a long needle makes no long query.
pub fn full_text_words(needle: &str) -> Option<String> {
    if !needle.is_ascii() {
        return None;
    }
    let bytes = needle.as_bytes();
    // Runs of adjacent long words; the last one's last word may be a prefix.
    let mut phrases: Vec<(Vec<&str>, bool)> = vec![(Vec::new(), false)];
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_alphanumeric() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
            i += 1;
        }
        let word = &needle[start..i];
        if start == 0 || word.len() < MIN_WORD {
            // May end a longer word; or too common to narrow much.
            if phrases.last().is_some_and(|(w, _)| !w.is_empty()) {
                phrases.push((Vec::new(), false));
            }
            continue;
        }
        let last = phrases.last_mut().expect("never empty");
        last.0.push(word);
        last.1 = i == bytes.len();
    }
    phrases.retain(|(w, _)| !w.is_empty());
    let letters = |w: &[&str]| w.iter().map(|w| w.len()).sum::<usize>();
    phrases.sort_by(|a, b| letters(&b.0).cmp(&letters(&a.0)).then(a.cmp(b)));
    // Each phrase once: its whole form sorts before its prefix form, and a
    // phrase asked for whole need not be asked for as a prefix too.
    phrases.dedup_by(|next, kept| next.0 == kept.0);
    let mut budget = MAX_WORDS;
    let mut terms = Vec::new();
    for (mut words, mut prefix) in phrases {
        if budget == 0 {
            break;
        }
        if words.len() > budget {
            // Its first words are still adjacent; the last kept one is whole.
            words.truncate(budget);
            prefix = false;
        }
        budget -= words.len();
        terms.push(format!(
            "\"{}\"{}",
            words.join(" "),
            if prefix { "*" } else { "" }
        ));
    }
    (!terms.is_empty()).then(|| terms.join(" AND "))
}

#[cfg(test)]
mod tests {
    use super::full_text_words;

    #[test]
    fn full_text_words_asks_for_phrases_of_whole_words_and_a_last_prefix() {
        assert_eq!(
            full_text_words("treaty of place17").as_deref(),
            Some("\"place17\"*")
        );
        // A separator at either end makes the word next to it whole; short words
        // are left out.
        assert_eq!(
            full_text_words(" at the expense of ").as_deref(),
            Some("\"expense\"")
        );
        assert_eq!(
            full_text_words("the treaty shall enter into force").as_deref(),
            Some("\"treaty shall enter into force\"*")
        );
        // Adjacent words are one phrase, of at most six words.
        assert_eq!(
            full_text_words(&"'; drop table clauses; -- ".repeat(1000)).as_deref(),
            Some("\"drop table clauses drop table clauses\"")
        );
        assert_eq!(
            full_text_words("troustlampiar negotiations transpar").as_deref(),
            Some("\"negotiations transpar\"*")
        );
        // Short words split phrases; the phrases with the most letters first,
        // each once.
        assert_eq!(
            full_text_words("at the expense of the security of other states, at the expense")
                .as_deref(),
            Some("\"other states\" AND \"security\" AND \"expense\"")
        );
        assert_eq!(
            full_text_words("x aaaa bbbbbbb cccc dddddddd eeee ffffff gggggg hhhh ending")
                .as_deref(),
            Some("\"aaaa bbbbbbb cccc dddddddd eeee ffffff\"")
        );
        assert_eq!(
            full_text_words("x aaaa bbbbbbb of dddddddd eeee ffffff of hhhh ending").as_deref(),
            Some("\"dddddddd eeee ffffff\" AND \"aaaa bbbbbbb\" AND \"hhhh\"")
        );
        assert_eq!(full_text_words("u.s. and the"), None);
        // One run touching both ends, or the first run alone: nothing to ask for.
        assert_eq!(full_text_words("verification"), None);
        assert_eq!(full_text_words("verif "), None);
        assert_eq!(full_text_words(""), None);
        assert_eq!(full_text_words("  "), None);
        // Only ASCII needles are narrowed.
        assert_eq!(full_text_words("the лавров"), None);
    }
}
