//! Printing the SQL tree as text for one dialect.
//!
//! Everything that differs between SQLite and other engines (full-text
//! search, case folding, string aggregation, recursive CTE syntax, parameter
//! markers) is decided here and nowhere else.

use std::fmt::{self, Write};

use super::tree::*;

/// The SQL dialect to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// SQLite 3.40 or later with FTS5 and concord's `concord_contains` function.
    Sqlite,
}

/// Prints `select` as one statement.
pub fn print(select: &Select, dialect: Dialect) -> String {
    let mut p = Printer {
        out: String::with_capacity(2048),
        dialect,
    };
    // Writing into a String cannot fail.
    let _ = p.select(select, true);
    p.out
}

struct Printer {
    out: String,
    dialect: Dialect,
}

impl Printer {
    fn select(&mut self, s: &Select, top: bool) -> fmt::Result {
        let nl = if top { "\n" } else { " " };
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
                match e {
                    // SQLite sorts NULLs first ascending, last descending. `NULLS LAST`
                    // (SQLite 3.30) still reads an index in order.
                    Expr::NullsLast(_) if !desc => self.out.push_str(" NULLS LAST"),
                    _ if *desc => self.out.push_str(" DESC"),
                    _ => {}
                }
            }
        }
        if let Some(l) = &s.limit {
            write!(self.out, "{nl}LIMIT ")?;
            self.expr(l)?;
        }
        if let Some(o) = &s.offset {
            if s.limit.is_none() {
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
                    // FTS5: the index table joined by rowid, filtered with MATCH.
                    write!(self.out, "{nl}JOIN clauses_fts {alias} ON {alias}.rowid = ")?;
                    self.expr(rowid_of)?;
                    write!(self.out, " AND clauses_fts MATCH ")?;
                    self.expr(query)?;
                    continue;
                }
                From::FullTextIndex { alias } => (&None, "clauses_fts", *alias),
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
                self.out.push_str(c);
                Ok(())
            }
            Expr::Name(n) => {
                cat(&mut self.out, &["\"", n, "\""]);
                Ok(())
            }
            Expr::Param(n) => {
                self.out.push('?');
                push_number(&mut self.out, *n as u64);
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
            Expr::InValues(a, list) => match self.dialect {
                // The list parameter is a JSON array (SQLite 3.38 has json_each built in).
                Dialect::Sqlite => {
                    self.expr(a)?;
                    self.out.push_str(" IN (SELECT value FROM json_each(");
                    self.expr(list)?;
                    self.out.push_str("))");
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
            },
            Expr::FtsRank(alias) => write!(self.out, "{alias}.rank"),
            Expr::FullTextQuery(query) => match self.dialect {
                Dialect::Sqlite => {
                    self.out.push_str("clauses_fts MATCH ");
                    self.expr(query)
                }
            },
            Expr::FullTextMatch { rowid, query } => match self.dialect {
                Dialect::Sqlite => {
                    self.expr(rowid)?;
                    self.out
                        .push_str(" IN (SELECT rowid FROM clauses_fts WHERE clauses_fts MATCH ");
                    self.expr(query)?;
                    self.out.push(')');
                    Ok(())
                }
            },
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
                self.out.push_str("group_concat(");
                self.expr(arg)?;
                // U+001F, the unit separator (`sql::fields::JOINED_SEPARATOR`).
                self.out.push_str(", char(31))");
                return Ok(());
            }
        }
        self.expr(arg)?;
        self.out.push(')');
        Ok(())
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
