//! A small SQL syntax tree: just what concord's queries need.
//!
//! Identifiers come only from the schema (`&'static str`); every value a user
//! typed is an [`Expr::Param`] pointing into the statement's parameter list.
//! Dialect-specific forms (full-text match, case folding, string aggregation)
//! are their own nodes, so that only the printer knows how SQLite spells them.

/// A `SELECT` statement, possibly with common table expressions.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Select {
    pub ctes: Vec<Cte>,
    pub distinct: bool,
    pub columns: Vec<(Expr, Option<String>)>,
    pub from: Vec<From>,
    pub filter: Vec<Expr>,
    pub group_by: Vec<Expr>,
    pub order_by: Vec<(Expr, bool)>,
    pub limit: Option<Expr>,
    pub offset: Option<Expr>,
    /// Further selects whose rows follow this one's (`UNION ALL`); the order,
    /// limit and offset above then apply to all of them, by output column name.
    pub union_all: Vec<Select>,
}

/// A (possibly recursive) common table expression:
/// `name(column) AS (base UNION more... UNION step)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Cte {
    pub name: String,
    pub column: &'static str,
    pub base: Select,
    /// Further starting rows, each select read through its own index (an `OR`
    /// across columns in one select would read the table's rows instead).
    pub more: Vec<Select>,
    /// The recursive step, which refers to `name`.
    pub step: Option<Select>,
    /// Computed once and kept, for a CTE read in several places (SQLite would
    /// otherwise compute it again for each).
    pub materialized: bool,
}

/// One item of a `FROM` clause.
#[derive(Debug, Clone, PartialEq)]
pub enum From {
    /// `table alias` (the first item) or `JOIN table alias ON ...`.
    Table {
        table: &'static str,
        alias: &'static str,
        join: Option<Join>,
    },
    /// A CTE by name.
    Cte {
        name: String,
        alias: &'static str,
        join: Option<Join>,
    },
    /// `(select) alias`
    Sub {
        select: Box<Select>,
        alias: &'static str,
    },
    /// The full-text index of clauses, matched against a parameter, joined to `on_rowid_of`:
    /// gives the `rank` column through [`Expr::FtsRank`].
    FullText {
        alias: &'static str,
        query: Box<Expr>,
        rowid_of: Box<Expr>,
    },
    /// The full-text index of clauses alone, as the first item (filtered with
    /// [`Expr::FullTextQuery`]): its `rowid` is a clause's id, and it gives
    /// the `rank` column through [`Expr::FtsRank`].
    FullTextIndex { alias: &'static str },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Join {
    pub left: bool,
    pub on: Expr,
    /// An outer join on a key: every row on the left meets at most one row
    /// here, so the join adds and removes no rows, and can be dropped when
    /// nothing reads it.
    pub one: bool,
}

/// Binary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    /// Arithmetic `a - b`.
    Minus,
}

/// Scalar and aggregate functions that every dialect has under some name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Func {
    Count,
    CountDistinct,
    /// String aggregation with `', '` as separator.
    GroupConcat,
    /// `coalesce(x, 0)`: an id column whose NULLs become 0, a value no row has.
    OrZero,
}

/// What the values of a long list are (its one parameter is a JSON array of them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListOf {
    Texts,
    /// Integers only.
    Integers,
    /// Numbers, some not integers.
    Numbers,
}

/// An expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// `alias.column`
    Col(&'static str, &'static str),
    /// A bare output column name (in ORDER BY of a grouped query).
    Name(&'static str),
    /// The n-th bound parameter (1-based).
    Param(usize),
    /// A string constant written by concord itself (never user text).
    Const(&'static str),
    Int(i64),
    Null,
    Star,
    Bin(Box<Expr>, Op, Box<Expr>),
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Not(Box<Expr>),
    IsNull(Box<Expr>, bool),
    /// `e IN (select)` (negated: `NOT IN`).
    InSelect(Box<Expr>, Box<Select>),
    InList(Box<Expr>, Vec<Expr>),
    /// `e IN (the values of a list parameter)`: the parameter holds the whole
    /// list (as a JSON array), so a list of any length is one bound value
    /// (negated: `NOT IN`). Each dialect reads the list its own way; `numbers`: every
    /// value is an integer (PostgreSQL reads the elements as `bigint`, else as text).
    InValues(Box<Expr>, Box<Expr>, ListOf),
    /// `coalesce(a, b)`: `a`, or `b` where `a` is NULL.
    Coalesce(Box<Expr>, Box<Expr>),
    Exists(Box<Select>),
    /// `a || b || ...`
    Concat(Vec<Expr>),
    /// `CASE WHEN c THEN v ... ELSE e END`
    Case(Vec<(Expr, Expr)>, Box<Expr>),
    Func(Func, Box<Expr>),
    /// A scalar subquery.
    Scalar(Box<Select>),
    /// Case-insensitive, Unicode-aware "contains": `haystack` holds `needle`
    /// (the needle parameter is already folded).
    Contains(Box<Expr>, Box<Expr>),
    /// `rowid` is the id of a clause whose text matches the full-text query.
    FullTextMatch {
        rowid: Box<Expr>,
        query: Box<Expr>,
    },
    /// The rank of a full-text match (lower is better in SQLite).
    FtsRank(&'static str),
    /// The rows of [`From::FullTextIndex`] that match the full-text query.
    FullTextQuery(Box<Expr>),
    /// An `ORDER BY` key whose NULLs sort last in either direction (each dialect
    /// spells it its own way); elsewhere, the expression itself.
    NullsLast(Box<Expr>),
}

impl Expr {
    /// Whether the expression (its subqueries included) names `alias`.
    pub fn mentions(&self, alias: &str) -> bool {
        match self {
            Expr::Col(a, _) => *a == alias,
            Expr::FtsRank(a) => *a == alias,
            Expr::Name(_)
            | Expr::Param(_)
            | Expr::Const(_)
            | Expr::Int(_)
            | Expr::Null
            | Expr::Star => false,
            Expr::Bin(a, _, b)
            | Expr::Contains(a, b)
            | Expr::InValues(a, b, _)
            | Expr::Coalesce(a, b) => a.mentions(alias) || b.mentions(alias),
            Expr::FullTextMatch { rowid, query } => rowid.mentions(alias) || query.mentions(alias),
            Expr::And(items) | Expr::Or(items) | Expr::Concat(items) => {
                items.iter().any(|e| e.mentions(alias))
            }
            Expr::Not(e) | Expr::IsNull(e, _) | Expr::Func(_, e) | Expr::NullsLast(e) => {
                e.mentions(alias)
            }
            Expr::FullTextQuery(q) => q.mentions(alias),
            Expr::InSelect(e, s) => e.mentions(alias) || s.mentions(alias),
            Expr::InList(e, items) => e.mentions(alias) || items.iter().any(|i| i.mentions(alias)),
            Expr::Exists(s) | Expr::Scalar(s) => s.mentions(alias),
            Expr::Case(arms, other) => {
                arms.iter()
                    .any(|(c, v)| c.mentions(alias) || v.mentions(alias))
                    || other.mentions(alias)
            }
        }
    }

    pub fn col(alias: &'static str, column: &'static str) -> Expr {
        Expr::Col(alias, column)
    }

    pub fn bin(a: Expr, op: Op, b: Expr) -> Expr {
        Expr::Bin(Box::new(a), op, Box::new(b))
    }

    pub fn eq(a: Expr, b: Expr) -> Expr {
        Expr::bin(a, Op::Eq, b)
    }

    pub fn in_select(a: Expr, s: Select) -> Expr {
        Expr::InSelect(Box::new(a), Box::new(s))
    }

    pub fn negate(e: Expr) -> Expr {
        Expr::Not(Box::new(e))
    }

    /// `a AND b ...`, flattening and dropping empties.
    pub fn and(items: Vec<Expr>) -> Expr {
        let mut out = Vec::new();
        for i in items {
            match i {
                Expr::And(inner) => out.extend(inner),
                e => out.push(e),
            }
        }
        if out.len() == 1 {
            out.pop().unwrap_or(Expr::Int(1))
        } else {
            Expr::And(out)
        }
    }

    /// `a OR b ...`; a single item stands alone.
    pub fn or(mut items: Vec<Expr>) -> Expr {
        if items.len() == 1 {
            items.pop().unwrap_or(Expr::Int(0))
        } else {
            Expr::Or(items)
        }
    }
}

impl Select {
    /// `SELECT column FROM table alias WHERE filter...`
    pub fn from_table(
        column: Expr,
        table: &'static str,
        alias: &'static str,
        filter: Vec<Expr>,
    ) -> Select {
        Select {
            columns: vec![(column, None)],
            from: vec![From::Table {
                table,
                alias,
                join: None,
            }],
            filter,
            ..Select::default()
        }
    }

    /// Adds `JOIN table alias ON on`.
    pub fn join(self, table: &'static str, alias: &'static str, on: Expr) -> Select {
        self.joined(table, alias, false, false, on)
    }

    /// `LEFT JOIN table alias ON on`, where `on` finds at most one row.
    pub fn left_join_one(self, table: &'static str, alias: &'static str, on: Expr) -> Select {
        self.joined(table, alias, true, true, on)
    }

    /// `LEFT JOIN table alias ON on`, where `on` may find many rows.
    pub fn left_join(self, table: &'static str, alias: &'static str, on: Expr) -> Select {
        self.joined(table, alias, true, false, on)
    }

    /// Drops the joins marked [`Join::one`] that nothing else in the select
    /// reads: the same rows, fewer lookups.
    pub fn prune_joins(&mut self) {
        let mut i = 1;
        while i < self.from.len() {
            let unread = match &self.from[i] {
                From::Table {
                    alias,
                    join: Some(Join { one: true, .. }),
                    ..
                } => {
                    let alias = *alias;
                    let removed = self.from.remove(i);
                    let read = self.mentions(alias);
                    if read {
                        self.from.insert(i, removed);
                    }
                    !read
                }
                _ => false,
            };
            if !unread {
                i += 1;
            }
        }
    }

    /// Whether anything in the select (its subqueries included) names `alias`:
    /// conservative, as a subquery's own table of that alias counts too.
    pub fn mentions(&self, alias: &str) -> bool {
        let from = self.from.iter().any(|f| match f {
            From::Table { join, .. } | From::Cte { join, .. } => {
                join.as_ref().is_some_and(|j| j.on.mentions(alias))
            }
            From::Sub { select, .. } => select.mentions(alias),
            From::FullText {
                alias: own,
                query,
                rowid_of,
            } => *own == alias || query.mentions(alias) || rowid_of.mentions(alias),
            From::FullTextIndex { alias: own } => *own == alias,
        });
        from || self.columns.iter().any(|(e, _)| e.mentions(alias))
            || self.filter.iter().any(|e| e.mentions(alias))
            || self.group_by.iter().any(|e| e.mentions(alias))
            || self.order_by.iter().any(|(e, _)| e.mentions(alias))
            || self.limit.as_ref().is_some_and(|e| e.mentions(alias))
            || self.offset.as_ref().is_some_and(|e| e.mentions(alias))
            || self.union_all.iter().any(|s| s.mentions(alias))
            || self.ctes.iter().any(|c| {
                c.base.mentions(alias)
                    || c.more.iter().any(|s| s.mentions(alias))
                    || c.step.as_ref().is_some_and(|s| s.mentions(alias))
            })
    }

    /// Adds `[LEFT] JOIN table alias ON on`; `one`: see [`Join::one`].
    fn joined(
        mut self,
        table: &'static str,
        alias: &'static str,
        left: bool,
        one: bool,
        on: Expr,
    ) -> Select {
        self.from.push(From::Table {
            table,
            alias,
            join: Some(Join { left, on, one }),
        });
        self
    }

    /// `SELECT column FROM cte alias`.
    pub fn from_cte(column: Expr, name: &str, alias: &'static str) -> Select {
        Select {
            columns: vec![(column, None)],
            from: vec![From::Cte {
                name: name.to_string(),
                alias,
                join: None,
            }],
            ..Select::default()
        }
    }
}
