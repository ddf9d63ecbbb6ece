//! Looking at trees: an S-expression dump with spans (for golden tests and `--dump-ast`), and
//! copies with every span cleared (to compare trees whatever their layout in the source).

use std::fmt::Write as _;

use super::ast::{
    ClauseRef, Cond, Count, DateArg, Field, Filter, FilterKind, Ident, Name, OrderKey, Output,
    Query, Script, Span, Statement, StatementKind, Target, Value,
};

/// An S-expression: an atom or a list.
enum S {
    Atom(String),
    List(Vec<S>),
}

fn atom(s: impl Into<String>) -> S {
    S::Atom(s.into())
}

fn at(span: Span) -> S {
    S::Atom(format!("@{span}"))
}

impl S {
    /// The one-line form.
    fn flat(&self, out: &mut String) {
        match self {
            S::Atom(a) => out.push_str(a),
            S::List(items) => {
                out.push('(');
                for (n, item) in items.iter().enumerate() {
                    if n > 0 {
                        out.push(' ');
                    }
                    item.flat(out);
                }
                out.push(')');
            }
        }
    }

    /// One line if it fits in 100 columns, else the leading atoms and then one child a line.
    fn pretty(&self, indent: usize, out: &mut String) {
        let mut line = String::new();
        self.flat(&mut line);
        let S::List(items) = self else {
            out.push_str(&line);
            return;
        };
        if indent + line.chars().count() <= 100 {
            out.push_str(&line);
            return;
        }
        out.push('(');
        let head = items.iter().take_while(|s| matches!(s, S::Atom(_))).count();
        for (n, item) in items.iter().enumerate() {
            if n < head {
                if n > 0 {
                    out.push(' ');
                }
                item.flat(out);
            } else {
                let _ = write!(out, "\n{:1$}", "", indent + 2);
                item.pretty(indent + 2, out);
            }
        }
        out.push(')');
    }
}

/// The tree of a script as an S-expression, one statement per top-level line.
pub fn sexpr(script: &Script) -> String {
    let mut out = String::new();
    for st in &script.statements {
        statement(st).pretty(0, &mut out);
        out.push('\n');
    }
    out
}

fn statement(st: &Statement) -> S {
    match &st.kind {
        StatementKind::Query(q) => query(q),
        StatementKind::Explain(q) => S::List(vec![atom("explain"), at(st.span), query(q)]),
        StatementKind::Show(t) => S::List(vec![atom("show"), at(st.span), target(t)]),
        StatementKind::Compare { actors, within } => S::List(
            [atom("compare"), at(st.span)]
                .into_iter()
                .chain(actors.iter().map(target))
                .chain([atom("in"), target(within)])
                .collect(),
        ),
        StatementKind::Let { name, query: q } => S::List(vec![
            atom("let"),
            at(st.span),
            ident("name", name),
            query(q),
        ]),
    }
}

fn query(q: &Query) -> S {
    let mut items = vec![atom("query"), at(q.span)];
    items.push(S::List(vec![
        atom("set"),
        atom(q.set.node.as_str()),
        at(q.set.span),
    ]));
    items.extend(q.filters.iter().map(filter));
    if let Some(c) = &q.condition {
        items.push(S::List(vec![atom("where"), cond(c)]));
    }
    if !q.order.is_empty() {
        let keys = q.order.iter().map(order_key);
        items.push(S::List(
            std::iter::once(atom("order")).chain(keys).collect(),
        ));
    }
    for (name, n) in [("limit", &q.limit), ("offset", &q.offset)] {
        if let Some(n) = n {
            items.push(S::List(vec![atom(name), count(&n.node), at(n.span)]));
        }
    }
    match &q.output {
        Output::Rows => {}
        Output::Count(span) => items.push(S::List(vec![atom("count"), at(*span)])),
        Output::CountBy(fs) => items.push(S::List(
            std::iter::once(atom("count-by"))
                .chain(fs.iter().map(field))
                .collect(),
        )),
        Output::Select(fs) => {
            let fields = fs.iter().map(field);
            items.push(S::List(
                std::iter::once(atom("select")).chain(fields).collect(),
            ));
        }
    }
    S::List(items)
}

fn count(c: &Count) -> S {
    match c {
        Count::Number(n) => atom(n.to_string()),
        Count::Param(p) => ident("param", p),
    }
}

fn order_key(k: &OrderKey) -> S {
    let dir = if k.desc { "desc" } else { "asc" };
    S::List(vec![atom(dir), field(&k.field)])
}

fn field(f: &Field) -> S {
    S::List(vec![atom("field"), atom(&f.name), at(f.span)])
}

fn ident(head: &str, i: &Ident) -> S {
    S::List(vec![atom(head), atom(&i.name), at(i.span)])
}

fn filter(f: &Filter) -> S {
    let mut items = vec![atom("filter"), at(f.span)];
    if f.negated {
        items.push(atom("not"));
    }
    match &f.kind {
        FilterKind::In(t) => items.extend([atom("in"), target(t)]),
        FilterKind::By(t) => items.extend([atom("by"), target(t)]),
        FilterKind::CitedBy(t) => items.extend([atom("cited-by"), target(t)]),
        FilterKind::Citing(t) => items.extend([atom("citing"), target(t)]),
        FilterKind::Expressing(t) => items.extend([atom("expressing"), target(t)]),
        FilterKind::CitedDirectly(t) => items.extend([atom("cited-by!"), target(t)]),
        FilterKind::From(t) => items.extend([atom("from"), target(t)]),
        FilterKind::Relation {
            verb,
            transitive,
            target: t,
        } => {
            let head = if *transitive { "relation*" } else { "relation" };
            items.extend([atom(head), ident("verb", verb), target(t)]);
        }
        FilterKind::Before(d) => items.extend([atom("before"), date_arg(d)]),
        FilterKind::After(d) => items.extend([atom("after"), date_arg(d)]),
        FilterKind::Between(a, b) => items.extend([atom("between"), date_arg(a), date_arg(b)]),
    }
    S::List(items)
}

fn date_arg(d: &DateArg) -> S {
    match d {
        DateArg::Date { date, span } => {
            S::List(vec![atom("date"), atom(date.to_string()), at(*span)])
        }
        DateArg::Param(p) => ident("param", p),
    }
}

fn target(t: &Target) -> S {
    match t {
        Target::Name { kind, name: n } => {
            let mut items = vec![atom("name")];
            if let Some(k) = kind {
                items.push(S::List(vec![
                    atom("kind"),
                    atom(k.node.as_str()),
                    at(k.span),
                ]));
            }
            items.extend(name(n));
            S::List(items)
        }
        Target::ClauseRef(r) => clause_ref(r),
        Target::Param(p) => ident("param", p),
        Target::Subquery(q) => S::List(vec![atom("subquery"), query(q)]),
        Target::List(items, span) => {
            let head = [atom("list"), at(*span)];
            S::List(head.into_iter().chain(items.iter().map(target)).collect())
        }
    }
}

fn name(n: &Name) -> Vec<S> {
    let mut items = vec![atom(format!("{:?}", n.text))];
    if n.quoted {
        items.push(atom("quoted"));
    }
    items.push(at(n.span));
    items
}

fn clause_ref(r: &ClauseRef) -> S {
    S::List(vec![atom("ref"), atom(&r.doc), atom(&r.label), at(r.span)])
}

fn cond(c: &Cond) -> S {
    let list = |head: &str, items: &[Cond]| {
        S::List(
            std::iter::once(atom(head))
                .chain(items.iter().map(cond))
                .collect(),
        )
    };
    match c {
        Cond::Or(items) => list("or", items),
        Cond::And(items) => list("and", items),
        Cond::Not { cond: c, span } => S::List(vec![atom("not"), at(*span), cond(c)]),
        Cond::Cmp {
            field: f,
            op,
            value: v,
            span,
        } => S::List(vec![atom(op.as_str()), at(*span), field(f), value(v)]),
        Cond::Matches {
            field: f,
            query,
            span,
        } => S::List(vec![atom("matches"), at(*span), field(f), value(query)]),
        Cond::In {
            field: f,
            negated,
            values,
            span,
        } => {
            let head = if *negated { "not-in" } else { "in" };
            let mut items = vec![atom(head), at(*span), field(f)];
            items.extend(values.iter().map(value));
            S::List(items)
        }
        Cond::IsNull {
            field: f,
            negated,
            span,
        } => {
            let head = if *negated { "is-not-null" } else { "is-null" };
            S::List(vec![atom(head), at(*span), field(f)])
        }
    }
}

fn value(v: &Value) -> S {
    let leaf =
        |head: &str, text: String, span: Span| S::List(vec![atom(head), atom(text), at(span)]);
    match v {
        Value::Str { text, span } => leaf("str", format!("{text:?}"), *span),
        Value::Word { text, span } => leaf("word", text.clone(), *span),
        Value::Number { text, span } => leaf("number", text.clone(), *span),
        Value::Date { date, span } => leaf("date", date.to_string(), *span),
        Value::Param(p) => ident("param", p),
        Value::ClauseRef(r) => clause_ref(r),
    }
}
