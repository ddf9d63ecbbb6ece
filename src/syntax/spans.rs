//! Clearing spans, to compare trees whatever their layout in the source:
//! `a.without_spans() == b.without_spans()`.

use super::ast::{
    ClauseRef, Cond, Count, DateArg, Field, Filter, FilterKind, Ident, Name, OrderKey, Output,
    Query, Script, Span, Spanned, Statement, StatementKind, Target, Value,
};

/// A node whose spans can be cleared (set to `0..0`).
pub trait ClearSpans: Clone {
    /// Sets every span in the node to `0..0`.
    fn clear_spans(&mut self);

    /// A copy with every span `0..0`.
    fn without_spans(&self) -> Self {
        let mut copy = self.clone();
        copy.clear_spans();
        copy
    }
}

impl ClearSpans for Span {
    fn clear_spans(&mut self) {
        *self = Span::default();
    }
}

impl<T: ClearSpans> ClearSpans for Vec<T> {
    fn clear_spans(&mut self) {
        self.iter_mut().for_each(T::clear_spans);
    }
}

impl<T: ClearSpans> ClearSpans for Option<T> {
    fn clear_spans(&mut self) {
        self.iter_mut().for_each(T::clear_spans);
    }
}

impl<T: ClearSpans> ClearSpans for Box<T> {
    fn clear_spans(&mut self) {
        T::clear_spans(self);
    }
}

impl<T: Clone> ClearSpans for Spanned<T> {
    fn clear_spans(&mut self) {
        self.span.clear_spans();
    }
}

impl ClearSpans for Script {
    fn clear_spans(&mut self) {
        self.statements.clear_spans();
    }
}

impl ClearSpans for Statement {
    fn clear_spans(&mut self) {
        self.span.clear_spans();
        match &mut self.kind {
            StatementKind::Query(q) | StatementKind::Explain(q) => q.clear_spans(),
            StatementKind::Show(t) => t.clear_spans(),
            StatementKind::Compare { actors, within } => {
                actors.iter_mut().for_each(ClearSpans::clear_spans);
                within.clear_spans();
            }
            StatementKind::Let { name, query } => {
                name.clear_spans();
                query.clear_spans();
            }
        }
    }
}

impl ClearSpans for Query {
    fn clear_spans(&mut self) {
        self.span.clear_spans();
        self.set.clear_spans();
        self.filters.clear_spans();
        self.condition.clear_spans();
        self.order.clear_spans();
        for n in [&mut self.limit, &mut self.offset].into_iter().flatten() {
            n.span.clear_spans();
            if let Count::Param(p) = &mut n.node {
                p.clear_spans();
            }
        }
        match &mut self.output {
            Output::Rows => {}
            Output::Count(span) => span.clear_spans(),
            Output::CountBy(fs) => fs.clear_spans(),
            Output::Select(fs) => fs.clear_spans(),
        }
    }
}

impl ClearSpans for Ident {
    fn clear_spans(&mut self) {
        self.span.clear_spans();
    }
}

impl ClearSpans for Field {
    fn clear_spans(&mut self) {
        self.span.clear_spans();
    }
}

impl ClearSpans for OrderKey {
    fn clear_spans(&mut self) {
        self.field.clear_spans();
    }
}

impl ClearSpans for Filter {
    fn clear_spans(&mut self) {
        self.span.clear_spans();
        match &mut self.kind {
            FilterKind::In(t)
            | FilterKind::By(t)
            | FilterKind::CitedBy(t)
            | FilterKind::Citing(t)
            | FilterKind::Expressing(t)
            | FilterKind::CitedDirectly(t)
            | FilterKind::From(t) => t.clear_spans(),
            FilterKind::Relation { verb, target, .. } => {
                verb.clear_spans();
                target.clear_spans();
            }
            FilterKind::Before(d) | FilterKind::After(d) => d.clear_spans(),
            FilterKind::Between(a, b) => {
                a.clear_spans();
                b.clear_spans();
            }
        }
    }
}

impl ClearSpans for DateArg {
    fn clear_spans(&mut self) {
        match self {
            DateArg::Date { span, .. } => span.clear_spans(),
            DateArg::Param(p) => p.clear_spans(),
        }
    }
}

impl ClearSpans for Target {
    fn clear_spans(&mut self) {
        match self {
            Target::Name { kind, name } => {
                kind.clear_spans();
                name.clear_spans();
            }
            Target::ClauseRef(r) => r.clear_spans(),
            Target::Param(p) => p.clear_spans(),
            Target::Subquery(q) => q.clear_spans(),
            Target::List(items, span) => {
                items.clear_spans();
                span.clear_spans();
            }
        }
    }
}

impl ClearSpans for Name {
    fn clear_spans(&mut self) {
        self.span.clear_spans();
    }
}

impl ClearSpans for ClauseRef {
    fn clear_spans(&mut self) {
        self.span.clear_spans();
    }
}

impl ClearSpans for Cond {
    fn clear_spans(&mut self) {
        match self {
            Cond::Or(items) | Cond::And(items) => items.clear_spans(),
            Cond::Not { cond, span } => {
                cond.clear_spans();
                span.clear_spans();
            }
            Cond::Cmp {
                field, value, span, ..
            } => {
                field.clear_spans();
                value.clear_spans();
                span.clear_spans();
            }
            Cond::Matches { field, query, span } => {
                field.clear_spans();
                query.clear_spans();
                span.clear_spans();
            }
            Cond::In {
                field,
                values,
                span,
                ..
            } => {
                field.clear_spans();
                values.clear_spans();
                span.clear_spans();
            }
            Cond::IsNull { field, span, .. } => {
                field.clear_spans();
                span.clear_spans();
            }
        }
    }
}

impl ClearSpans for Value {
    fn clear_spans(&mut self) {
        match self {
            Value::Str { span, .. }
            | Value::Word { span, .. }
            | Value::Number { span, .. }
            | Value::Date { span, .. } => span.clear_spans(),
            Value::Param(p) => p.clear_spans(),
            Value::ClauseRef(r) => r.clear_spans(),
        }
    }
}
