//! Printing the SQL tree as text for one dialect.
//!
//! Everything that differs between SQLite and other engines (full-text
//! search, case folding, string aggregation, recursive CTE syntax, parameter
//! markers) is decided here and nowhere else.

use std::collections::HashMap;
use std::fmt::{self, Write};

use super::Param;
use super::tree::*;

/// The SQL dialect to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Dialect {
    /// SQLite 3.40 or later with FTS5 and concord's `concord_contains` function.
    #[default]
    Sqlite,
    /// PostgreSQL 15 with `pg_trgm` and the schema of `schema/postgres/`: the full-text
    /// index is the column `clauses.fts` (a `tsvector` with a GIN index), matched with
    /// `to_tsquery('simple', …)` (the generator gives the query in tsquery syntax); `~`
    /// is a `LIKE` on `lower(column)`, served by trigram indexes.
    Postgres,
}

/// Prints `select` as one statement; `params` are its bound values (`?1`, `$1` is
/// `params[0]`), whose types PostgreSQL is told by a cast (`$1::text`).
/// Whether an order key is never NULL: the row's own id and slug (`t.id`, `t.slug`: the
/// primary key, and a `NOT NULL UNIQUE` column of every table that has one; `t` is the
/// table a query's rows come from, never the outer side of a join).
fn never_null(e: &Expr) -> bool {
    matches!(e, Expr::Col(alias, "id" | "slug") if *alias == super::fields::T)
}

pub fn print(select: &Select, dialect: Dialect, params: &[Param]) -> String {
    let mut p = Printer {
        out: String::with_capacity(2048),
        dialect,
        params,
        queries: HashMap::new(),
    };
    // Writing into a String cannot fail.
    let _ = p.select(select, true);
    p.out
}

struct Printer<'p> {
    out: String,
    dialect: Dialect,
    params: &'p [Param],
    /// The full-text query of each full-text alias in scope (PostgreSQL's rank names it).
    queries: HashMap<&'static str, Expr>,
}

impl Printer<'_> {
    fn select(&mut self, s: &Select, top: bool) -> fmt::Result {
        let nl = if top { "\n" } else { " " };
        if self.dialect == Dialect::Postgres {
            // ts_rank needs the query the rows were matched with: taken before the columns.
            for f in &s.from {
                match f {
                    From::FullText { alias, query, .. } => {
                        self.queries.insert(alias, (**query).clone());
                    }
                    From::FullTextIndex { alias } => {
                        if let Some(Expr::FullTextQuery(q)) = s
                            .filter
                            .iter()
                            .find(|e| matches!(e, Expr::FullTextQuery(_)))
                        {
                            self.queries.insert(alias, (**q).clone());
                        }
                    }
                    _ => {}
                }
            }
        }
        if !s.ctes.is_empty() {
            let recursive = s.ctes.iter().any(|c| c.step.is_some());
            self.out.push_str(if recursive {
                "WITH RECURSIVE "
            } else {
                "WITH "
            });
            for (i, c) in s.ctes.iter().enumerate() {
                if i > 0 {
                    write!(self.out, ",{nl}  ")?;
                }
                let kept = if c.materialized { "MATERIALIZED " } else { "" };
                write!(self.out, "{}({}) AS {kept}(", c.name, c.column)?;
                self.select(&c.base, false)?;
                for more in &c.more {
                    self.out.push_str(" UNION ");
                    self.select(more, false)?;
                }
                if let Some(step) = &c.step {
                    self.out.push_str(" UNION ");
                    self.select(step, false)?;
                }
                self.out.push(')');
            }
            self.out.push_str(nl);
        }
        self.out.push_str(if s.distinct {
            "SELECT DISTINCT "
        } else {
            "SELECT "
        });
        for (i, (e, alias)) in s.columns.iter().enumerate() {
            if i > 0 {
                self.out.push_str(", ");
            }
            self.expr(e)?;
            if let Some(a) = alias {
                self.out.push_str(" AS \"");
                if a.contains('"') {
                    self.out.push_str(&a.replace('"', "\"\""));
                } else {
                    self.out.push_str(a);
                }
                self.out.push('"');
            }
        }
        self.from(&s.from, nl)?;
        if !s.filter.is_empty() {
            cat(&mut self.out, &[nl, "WHERE "]);
            if let [only] = s.filter.as_slice() {
                self.expr(only)?;
            } else {
                self.joined(&s.filter, " AND ")?;
            }
        }
        self.list(&s.group_by, &format!("{nl}GROUP BY "))?;
        for u in &s.union_all {
            cat(&mut self.out, &[nl, "UNION ALL", nl]);
            self.select(u, false)?;
        }
        if !s.order_by.is_empty() {
            cat(&mut self.out, &[nl, "ORDER BY "]);
            for (i, (e, desc)) in s.order_by.iter().enumerate() {
                if i > 0 {
                    self.out.push_str(", ");
                }
                self.expr(e)?;
                match (e, self.dialect) {
                    // SQLite sorts NULLs first ascending, last descending. `NULLS LAST`
                    // (SQLite 3.30) still reads an index in order.
                    (Expr::NullsLast(_), Dialect::Sqlite) if !desc => {
                        self.out.push_str(" NULLS LAST")
                    }
                    (_, Dialect::Sqlite) if *desc => self.out.push_str(" DESC"),
                    (_, Dialect::Sqlite) => {}
                    // PostgreSQL sorts them the other way round: SQLite's order spelled out.
                    (Expr::NullsLast(_), Dialect::Postgres) if !desc => {
                        self.out.push_str(" NULLS LAST")
                    }
                    // A key that is never NULL needs no NULL order, and keeps its index:
                    // PostgreSQL reads a btree in order only as `ASC NULLS LAST` or
                    // `DESC NULLS FIRST`, so `t.id NULLS FIRST` would sort every row.
                    (e, Dialect::Postgres) if never_null(e) && *desc => self.out.push_str(" DESC"),
                    (e, Dialect::Postgres) if never_null(e) => {}
                    (_, Dialect::Postgres) if *desc => self.out.push_str(" DESC NULLS LAST"),
                    (_, Dialect::Postgres) => self.out.push_str(" NULLS FIRST"),
                }
            }
        }
        if let Some(l) = &s.limit {
            write!(self.out, "{nl}LIMIT ")?;
            self.expr(l)?;
        }
        if let Some(o) = &s.offset {
            if s.limit.is_none() && self.dialect == Dialect::Sqlite {
                write!(self.out, "{nl}LIMIT -1")?;
            }
            self.out.push_str(" OFFSET ");
            self.expr(o)?;
        }
        Ok(())
    }

    fn list(&mut self, items: &[Expr], head: &str) -> fmt::Result {
        if items.is_empty() {
            return Ok(());
        }
        self.out.push_str(head);
        for (i, e) in items.iter().enumerate() {
            if i > 0 {
                self.out.push_str(", ");
            }
            self.expr(e)?;
        }
        Ok(())
    }

    fn from(&mut self, items: &[From], nl: &str) -> fmt::Result {
        for (i, f) in items.iter().enumerate() {
            let (join, name, alias) = match f {
                From::Table { table, alias, join } => (join, *table, *alias),
                From::Cte { name, alias, join } => (join, name.as_str(), *alias),
                From::Sub { select, alias } => {
                    if i == 0 {
                        cat(&mut self.out, &[nl, "FROM "]);
                    } else {
                        self.out.push_str(", ");
                    }
                    self.sub(select)?;
                    write!(self.out, " {alias}")?;
                    continue;
                }
                From::FullText {
                    alias,
                    query,
                    rowid_of,
                } => {
                    // FTS5: the index table joined by rowid, filtered with MATCH; PostgreSQL:
                    // the clause's own row, by its tsvector.
                    match self.dialect {
                        Dialect::Sqlite => {
                            write!(self.out, "{nl}JOIN clauses_fts {alias} ON {alias}.rowid = ")?;
                            self.expr(rowid_of)?;
                            self.out.push_str(" AND clauses_fts MATCH ");
                        }
                        Dialect::Postgres => {
                            write!(self.out, "{nl}JOIN clauses {alias} ON {alias}.id = ")?;
                            self.expr(rowid_of)?;
                            write!(self.out, " AND {alias}.fts @@ ")?;
                        }
                    }
                    self.ts_query(query)?;
                    continue;
                }
                From::FullTextIndex { alias } => match self.dialect {
                    Dialect::Sqlite => (&None, "clauses_fts", *alias),
                    Dialect::Postgres => (&None, "clauses", *alias),
                },
            };
            match join {
                None if i == 0 => cat(&mut self.out, &[nl, "FROM ", name, " ", alias]),
                None => cat(&mut self.out, &[", ", name, " ", alias]),
                Some(j) => {
                    let kw = if j.left { "LEFT JOIN" } else { "JOIN" };
                    cat(&mut self.out, &[nl, kw, " ", name, " ", alias, " ON "]);
                    self.expr(&j.on)?;
                }
            }
        }
        Ok(())
    }

    fn sub(&mut self, s: &Select) -> fmt::Result {
        self.out.push('(');
        self.select(s, false)?;
        self.out.push(')');
        Ok(())
    }

    fn expr(&mut self, e: &Expr) -> fmt::Result {
        match e {
            Expr::Col(a, c) => {
                self.out.push_str(a);
                self.out.push('.');
                // A full-text alias is the clause's row in PostgreSQL: FTS5's rowid is its id.
                if *c == "rowid"
                    && self.dialect == Dialect::Postgres
                    && self.queries.contains_key(a)
                {
                    self.out.push_str("id");
                } else {
                    self.out.push_str(c);
                }
                Ok(())
            }
            Expr::Name(n) => {
                cat(&mut self.out, &["\"", n, "\""]);
                Ok(())
            }
            Expr::Param(n) => {
                match self.dialect {
                    Dialect::Sqlite => {
                        self.out.push('?');
                        push_number(&mut self.out, *n as u64);
                    }
                    Dialect::Postgres => {
                        self.out.push('$');
                        push_number(&mut self.out, *n as u64);
                        self.out.push_str(match self.params.get(n - 1) {
                            Some(Param::Int(_)) => "::bigint",
                            Some(Param::Real(_)) => "::float8",
                            Some(Param::Text(_)) | None => "::text",
                        });
                    }
                }
                Ok(())
            }
            Expr::Const(s) => {
                cat(&mut self.out, &["'", &s.replace('\'', "''"), "'"]);
                Ok(())
            }
            Expr::Int(i) => {
                if *i < 0 {
                    self.out.push('-');
                }
                push_number(&mut self.out, i.unsigned_abs());
                Ok(())
            }
            Expr::Null => {
                self.out.push_str("NULL");
                Ok(())
            }
            Expr::Star => {
                self.out.push('*');
                Ok(())
            }
            Expr::Bin(a, op, b) => {
                self.expr(a)?;
                let op = match op {
                    Op::Eq => " = ",
                    Op::Ne => " <> ",
                    Op::Lt => " < ",
                    Op::Le => " <= ",
                    Op::Gt => " > ",
                    Op::Ge => " >= ",
                    Op::Minus => " - ",
                };
                self.out.push_str(op);
                self.expr(b)
            }
            Expr::And(items) => self.joined(items, " AND "),
            Expr::Or(items) => self.joined(items, " OR "),
            Expr::Not(inner) => {
                self.out.push_str("NOT ");
                self.paren(inner)
            }
            Expr::NullsLast(inner) => self.expr(inner),
            Expr::IsNull(inner, negated) => {
                self.expr(inner)?;
                self.out
                    .push_str(if *negated { " IS NOT NULL" } else { " IS NULL" });
                Ok(())
            }
            Expr::InSelect(a, s) => {
                self.expr(a)?;
                self.out.push_str(" IN ");
                self.sub(s)
            }
            Expr::InList(a, items) => {
                self.expr(a)?;
                self.out.push_str(" IN (");
                self.joined_plain(items, ", ")?;
                self.out.push(')');
                Ok(())
            }
            Expr::InValues(a, list, kind) => match self.dialect {
                // The list parameter is a JSON array (SQLite 3.38 has json_each built in).
                Dialect::Sqlite => {
                    self.expr(a)?;
                    self.out.push_str(" IN (SELECT value FROM json_each(");
                    self.expr(list)?;
                    self.out.push_str("))");
                    Ok(())
                }
                // The elements as the type of the list's values (numbers or texts), so that
                // an index on `a` serves.
                Dialect::Postgres => {
                    self.expr(a)?;
                    self.out.push_str(" IN (SELECT value");
                    match kind {
                        ListOf::Integers => self.out.push_str("::bigint"),
                        ListOf::Numbers => self.out.push_str("::float8"),
                        ListOf::Texts => {}
                    }
                    self.out.push_str(" FROM jsonb_array_elements_text((");
                    self.expr(list)?;
                    self.out.push_str(")::jsonb) AS j(value))");
                    Ok(())
                }
            },
            Expr::Coalesce(a, b) => {
                self.out.push_str("coalesce(");
                self.expr(a)?;
                self.out.push_str(", ");
                self.expr(b)?;
                self.out.push(')');
                Ok(())
            }
            Expr::Exists(s) => {
                self.out.push_str("EXISTS ");
                self.sub(s)
            }
            Expr::Concat(items) => self.joined_plain(items, " || "),
            Expr::Case(arms, other) => {
                self.out.push_str("CASE");
                for (c, v) in arms {
                    self.out.push_str(" WHEN ");
                    self.expr(c)?;
                    self.out.push_str(" THEN ");
                    self.expr(v)?;
                }
                self.out.push_str(" ELSE ");
                self.expr(other)?;
                self.out.push_str(" END");
                Ok(())
            }
            Expr::Func(f, arg) => self.func(*f, arg),
            Expr::Scalar(s) => self.sub(s),
            Expr::Contains(hay, needle) => match self.dialect {
                Dialect::Sqlite => {
                    self.out.push_str("concord_contains(");
                    self.expr(hay)?;
                    self.out.push_str(", ");
                    self.expr(needle)?;
                    self.out.push(')');
                    Ok(())
                }
                // A LIKE pattern (the needle's `\`, `%` and `_` escaped), which a trigram
                // index on `lower(column)` serves.
                Dialect::Postgres => {
                    self.out.push_str("lower(");
                    self.expr(hay)?;
                    self.out
                        .push_str(") LIKE '%' || replace(replace(replace(lower(");
                    self.expr(needle)?;
                    self.out
                        .push_str("), '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%'");
                    Ok(())
                }
            },
            Expr::FtsRank(alias) => match self.dialect {
                Dialect::Sqlite => write!(self.out, "{alias}.rank"),
                // Lower is better, as FTS5's rank.
                Dialect::Postgres => {
                    write!(self.out, "(-ts_rank({alias}.fts, ")?;
                    match self.queries.get(alias).cloned() {
                        Some(q) => self.ts_query(&q)?,
                        None => self.out.push_str("NULL"),
                    }
                    self.out.push_str("))");
                    Ok(())
                }
            },
            Expr::FullTextQuery(query) => {
                match self.dialect {
                    Dialect::Sqlite => self.out.push_str("clauses_fts MATCH "),
                    Dialect::Postgres => {
                        let alias = self
                            .queries
                            .iter()
                            .find(|(_, q)| *q == &**query)
                            .map_or("clauses", |(a, _)| *a);
                        write!(self.out, "{alias}.fts @@ ")?;
                    }
                }
                self.ts_query(query)
            }
            Expr::FullTextMatch { rowid, query } => {
                self.expr(rowid)?;
                match self.dialect {
                    Dialect::Sqlite => self
                        .out
                        .push_str(" IN (SELECT rowid FROM clauses_fts WHERE clauses_fts MATCH "),
                    Dialect::Postgres => self
                        .out
                        .push_str(" IN (SELECT id FROM clauses WHERE fts @@ "),
                }
                self.ts_query(query)?;
                self.out.push(')');
                Ok(())
            }
        }
    }

    fn func(&mut self, f: Func, arg: &Expr) -> fmt::Result {
        match f {
            Func::Count => self.out.push_str("count("),
            Func::CountDistinct => self.out.push_str("count(DISTINCT "),
            Func::OrZero => {
                self.out.push_str("coalesce(");
                self.expr(arg)?;
                self.out.push_str(", 0)");
                return Ok(());
            }
            Func::GroupConcat => {
                // U+001F, the unit separator (`sql::fields::JOINED_SEPARATOR`).
                match self.dialect {
                    Dialect::Sqlite => {
                        self.out.push_str("group_concat(");
                        self.expr(arg)?;
                        self.out.push_str(", char(31))");
                    }
                    Dialect::Postgres => {
                        self.out.push_str("string_agg((");
                        self.expr(arg)?;
                        self.out.push_str(")::text, chr(31))");
                    }
                }
                return Ok(());
            }
        }
        self.expr(arg)?;
        self.out.push(')');
        Ok(())
    }

    /// A full-text query parameter as the dialect matches it: FTS5 reads the text itself,
    /// PostgreSQL its `tsquery`.
    fn ts_query(&mut self, query: &Expr) -> fmt::Result {
        match self.dialect {
            Dialect::Sqlite => self.expr(query),
            Dialect::Postgres => {
                self.out.push_str("to_tsquery('simple', ");
                self.expr(query)?;
                self.out.push(')');
                Ok(())
            }
        }
    }

    /// An operand of AND/OR/NOT: parenthesised when it is itself compound.
    fn paren(&mut self, e: &Expr) -> fmt::Result {
        if matches!(e, Expr::And(_) | Expr::Or(_) | Expr::Not(_)) {
            self.out.push('(');
            self.expr(e)?;
            self.out.push(')');
            Ok(())
        } else {
            self.expr(e)
        }
    }

    fn joined(&mut self, items: &[Expr], sep: &str) -> fmt::Result {
        // A long chain is printed as a balanced tree of parenthesised halves:
        // SQLite parses `a OR b OR c ...` into a tree as deep as the chain is
        // long, and refuses one deeper than 1000.
        if items.len() > BALANCED {
            let (left, right) = items.split_at(items.len() / 2);
            self.out.push('(');
            self.joined(left, sep)?;
            self.out.push(')');
            self.out.push_str(sep);
            self.out.push('(');
            self.joined(right, sep)?;
            self.out.push(')');
            return Ok(());
        }
        for (i, e) in items.iter().enumerate() {
            if i > 0 {
                self.out.push_str(sep);
            }
            self.paren(e)?;
        }
        Ok(())
    }

    fn joined_plain(&mut self, items: &[Expr], sep: &str) -> fmt::Result {
        for (i, e) in items.iter().enumerate() {
            if i > 0 {
                self.out.push_str(sep);
            }
            self.expr(e)?;
        }
        Ok(())
    }
}

/// The longest `AND`/`OR` chain printed flat.
const BALANCED: usize = 32;

/// Appends the decimal digits of `n` without going through `fmt`.
fn push_number(out: &mut String, mut n: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend(buf[i..].iter().map(|&b| b as char));
}

/// Appends every piece to `out`.
fn cat(out: &mut String, pieces: &[&str]) {
    for p in pieces {
        out.push_str(p);
    }
}
