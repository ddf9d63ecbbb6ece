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
}

#[derive(Debug, Clone, PartialEq)]
pub struct Join {
    pub left: bool,
    pub on: Expr,
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
    /// An `ORDER BY` key whose NULLs sort last in either direction (each dialect
    /// spells it its own way); elsewhere, the expression itself.
    NullsLast(Box<Expr>),
}

impl Expr {
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
        self.joined(table, alias, Join { left: false, on })
    }

    /// `LEFT JOIN table alias ON on`.
    pub fn left_join(self, table: &'static str, alias: &'static str, on: Expr) -> Select {
        self.joined(table, alias, Join { left: true, on })
    }

    fn joined(mut self, table: &'static str, alias: &'static str, join: Join) -> Select {
        self.from.push(From::Table {
            table,
            alias,
            join: Some(join),
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
