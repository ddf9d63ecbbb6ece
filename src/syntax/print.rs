//! Printing the syntax tree back as canonical source text.
//!
//! In: any node. Out: text that parses back to an equal tree (spans aside): plural set names,
//! one space between tokens, shaping clauses in the order `where`, `order by`, `limit`, `offset`,
//! output; strings re-escaped; a name that is a keyword or not a bare word printed quoted;
//! parentheses only where the tree needs them. Statements of a script end in `;` and a newline.

use std::fmt::{self, Display, Formatter, Write as _};

use super::ast::{
    ClauseRef, CmpOp, Cond, Count, Date, DateArg, Field, Filter, FilterKind, Ident, KindPrefix,
    Name, OrderKey, Output, Query, Script, SetName, Statement, StatementKind, Target, Value,
};
use super::lex::is_bare_word;

impl Display for Script {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        self.statements.iter().try_for_each(|s| writeln!(f, "{s};"))
    }
}

impl Display for Statement {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        self.kind.fmt(f)
    }
}

impl Display for StatementKind {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            StatementKind::Query(q) => q.fmt(f),
            StatementKind::Explain(q) => write!(f, "explain {q}"),
            StatementKind::Show(t) => write!(f, "show {t}"),
            StatementKind::Compare { actors, within } => {
                write!(f, "compare {} in {within}", List(actors))
            }
            StatementKind::Let { name, query } => write!(f, "let {name} = {query}"),
        }
    }
}

impl Display for Query {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        self.set.node.fmt(f)?;
        for filter in &self.filters {
            write!(f, " {filter}")?;
        }
        if let Some(c) = &self.condition {
            write!(f, " where {c}")?;
        }
        if !self.order.is_empty() {
            write!(f, " order by {}", List(&self.order))?;
        }
        if let Some(n) = &self.limit {
            write!(f, " limit {}", n.node)?;
        }
        if let Some(n) = &self.offset {
            write!(f, " offset {}", n.node)?;
        }
        match &self.output {
            Output::Rows => Ok(()),
            Output::Count(_) => f.write_str(" count"),
            Output::CountBy(fields) => write!(f, " count by {}", List(fields)),
            Output::Select(fields) => write!(f, " select {}", List(fields)),
        }
    }
}

/// Items separated by `, `.
struct List<'a, T>(&'a [T]);

impl<T: Display> Display for List<'_, T> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        for (n, item) in self.0.iter().enumerate() {
            if n > 0 {
                f.write_str(", ")?;
            }
            item.fmt(f)?;
        }
        Ok(())
    }
}

impl Display for SetName {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Display for KindPrefix {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Display for CmpOp {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Display for Count {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Count::Number(n) => n.fmt(f),
            Count::Param(p) => write!(f, "${p}"),
        }
    }
}

impl Display for OrderKey {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        self.field.fmt(f)?;
        if self.desc {
            f.write_str(" desc")?;
        }
        Ok(())
    }
}

impl Display for Field {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

impl Display for Ident {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

impl Display for Filter {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if self.negated {
            f.write_str("not ")?;
        }
        self.kind.fmt(f)
    }
}

impl Display for FilterKind {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            FilterKind::In(t) => write!(f, "in {t}"),
            FilterKind::By(t) => write!(f, "by {t}"),
            FilterKind::CitedBy(t) => write!(f, "cited-by {t}"),
            FilterKind::Citing(t) => write!(f, "citing {t}"),
            FilterKind::Expressing(t) => write!(f, "expressing {t}"),
            FilterKind::CitedDirectly(t) => write!(f, "cited-by! {t}"),
            FilterKind::From(t) => write!(f, "from {t}"),
            FilterKind::Relation {
                verb,
                transitive,
                target,
            } => {
                let star = if *transitive { "*" } else { "" };
                write!(f, "{verb}{star} {target}")
            }
            FilterKind::Before(d) => write!(f, "before {d}"),
            FilterKind::After(d) => write!(f, "after {d}"),
            FilterKind::Between(a, b) => write!(f, "between {a} and {b}"),
        }
    }
}

impl Display for Target {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Target::Name {
                kind: Some(k),
                name,
            } => write!(f, "{} {name}", k.node),
            Target::Name { kind: None, name } => name.fmt(f),
            Target::ClauseRef(r) => r.fmt(f),
            Target::Param(p) => write!(f, "${p}"),
            Target::Subquery(q) => write!(f, "({q})"),
            Target::List(items, _) => write!(f, "({})", List(items)),
        }
    }
}

impl Display for Name {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        // A number stands bare only as it was typed: after `citation`.
        let number = !self.text.is_empty() && self.text.bytes().all(|b| b.is_ascii_digit());
        if !self.quoted && (is_bare_word(&self.text) || number) {
            f.write_str(&self.text)
        } else {
            quoted(f, &self.text)
        }
    }
}

impl Display for ClauseRef {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}#{}", self.doc, self.label)
    }
}

impl Display for Date {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
        }
        if let Some(d) = self.day {
            write!(f, "-{d:02}")?;
        }
        Ok(())
    }
}

impl Display for DateArg {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            DateArg::Date { date, .. } => date.fmt(f),
            DateArg::Param(p) => write!(f, "${p}"),
        }
    }
}

impl Display for Cond {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Cond::Or(items) => joined(f, self, items, " or "),
            Cond::And(items) => joined(f, self, items, " and "),
            Cond::Not { cond, .. } => {
                f.write_str("not ")?;
                child(f, self, cond)
            }
            Cond::Cmp {
                field, op, value, ..
            } => write!(f, "{field} {op} {value}"),
            Cond::Matches { field, query, .. } => write!(f, "{field} matches {query}"),
            Cond::In {
                field,
                negated,
                values,
                ..
            } => {
                let not = if *negated { "not " } else { "" };
                write!(f, "{field} {not}in ({})", List(values))
            }
            Cond::IsNull { field, negated, .. } => {
                let not = if *negated { "not " } else { "" };
                write!(f, "{field} is {not}null")
            }
        }
    }
}

/// How tightly a condition binds: `or` < `and` < `not` < a predicate.
fn precedence(c: &Cond) -> u8 {
    match c {
        Cond::Or(_) => 1,
        Cond::And(_) => 2,
        Cond::Not { .. } => 3,
        _ => 4,
    }
}

fn joined(f: &mut Formatter<'_>, parent: &Cond, items: &[Cond], sep: &str) -> fmt::Result {
    for (n, item) in items.iter().enumerate() {
        if n > 0 {
            f.write_str(sep)?;
        }
        child(f, parent, item)?;
    }
    Ok(())
}

/// Prints `c` inside `parent`, in parentheses if it would otherwise parse differently (a
/// nested `and` inside an `and` is kept as written, so it is parenthesized too).
fn child(f: &mut Formatter<'_>, parent: &Cond, c: &Cond) -> fmt::Result {
    let p = precedence(parent);
    let needs = match parent {
        Cond::Not { .. } => precedence(c) < p,
        _ => precedence(c) <= p,
    };
    if needs { write!(f, "({c})") } else { c.fmt(f) }
}

impl Display for Value {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Value::Str { text, .. } => quoted(f, text),
            Value::Word { text, .. } if is_bare_word(text) || is_kind_word(text) => {
                f.write_str(text)
            }
            Value::Word { text, .. } => quoted(f, text),
            Value::Number { text, .. } => f.write_str(text),
            Value::Date { date, .. } => date.fmt(f),
            Value::Param(p) => write!(f, "${p}"),
            Value::ClauseRef(r) => r.fmt(f),
        }
    }
}

/// Writes `text` as a string literal: in double quotes, `"` and `\` escaped.
fn quoted(f: &mut Formatter<'_>, text: &str) -> fmt::Result {
    f.write_char('"')?;
    for c in text.chars() {
        if c == '"' || c == '\\' {
            f.write_char('\\')?;
        }
        f.write_char(c)?;
    }
    f.write_char('"')
}

/// The singular set names, which a value may use bare (`kind = statement`).
fn is_kind_word(text: &str) -> bool {
    [
        "statement",
        "document",
        "clause",
        "actor",
        "principle",
        "citation",
    ]
    .iter()
    .any(|k| k.eq_ignore_ascii_case(text))
}
