//! The names a statement may look up in the catalog, gathered before resolving
//! it, so that a store can load only the catalog entries they denote.
//!
//! In: a parsed query or `show` target and the session (`$params`, `let`
//! sets). Out: every text that the resolver might look up as a name: target
//! names, clause references' documents, condition values, parameter values,
//! and the same inside subqueries and the `let` sets used. A superset is
//! harmless (a name that denotes nothing loads nothing); a name missed only
//! makes the resolver fail on the partial catalog, and the caller then
//! resolves again with the whole one.

use crate::syntax::ast::{Cond, DateArg, FilterKind, Query, Target, Value};

use super::{Env, MAX_LET_DEPTH};

/// The names `q` may look up, in order of appearance, repeats removed.
pub fn in_query(q: &Query, env: &Env) -> Vec<String> {
    let mut c = Collector {
        env,
        out: Vec::new(),
        depth: 0,
    };
    c.query(q);
    c.finish()
}

/// The names a `compare` statement may look up.
pub fn in_targets(ts: &[&Target], env: &Env) -> Vec<String> {
    let mut c = Collector {
        env,
        out: Vec::new(),
        depth: 0,
    };
    for t in ts {
        c.target(t);
    }
    c.finish()
}

/// The names a `show` target may look up.
pub fn in_target(t: &Target, env: &Env) -> Vec<String> {
    let mut c = Collector {
        env,
        out: Vec::new(),
        depth: 0,
    };
    c.target(t);
    c.finish()
}

struct Collector<'a> {
    env: &'a Env,
    out: Vec<String>,
    /// `let` sets entered, against cycles.
    depth: usize,
}

impl Collector<'_> {
    fn finish(mut self) -> Vec<String> {
        let mut seen = std::collections::HashSet::new();
        self.out.retain(|n| seen.insert(n.clone()));
        self.out
    }

    fn query(&mut self, q: &Query) {
        for f in &q.filters {
            match &f.kind {
                FilterKind::In(t)
                | FilterKind::By(t)
                | FilterKind::CitedBy(t)
                | FilterKind::Citing(t)
                | FilterKind::Expressing(t)
                | FilterKind::CitedDirectly(t)
                | FilterKind::From(t)
                | FilterKind::Relation { target: t, .. } => self.target(t),
                FilterKind::Before(d) | FilterKind::After(d) => self.date(d),
                FilterKind::Between(a, b) => {
                    self.date(a);
                    self.date(b);
                }
            }
        }
        if let Some(c) = &q.condition {
            self.cond(c);
        }
    }

    fn target(&mut self, t: &Target) {
        match t {
            Target::Name { name, .. } => self.out.push(name.text.clone()),
            Target::ClauseRef(r) => self.out.push(r.doc.clone()),
            Target::Param(p) => self.param(&p.name),
            Target::Subquery(q) => self.query(q),
            Target::List(items, _) => items.iter().for_each(|t| self.target(t)),
        }
    }

    /// A `$name`: a parameter's value, or the names of a `let` set.
    fn param(&mut self, name: &str) {
        if let Some(v) = self.env.params.get(name) {
            self.out.push(v.clone());
            // A parameter may hold a clause reference: its document is a name.
            if let Some((doc, _)) = v.split_once('#') {
                self.out.push(doc.to_string());
            }
        }
        if let Some(q) = self.env.lets.get(name)
            && self.depth < MAX_LET_DEPTH
        {
            self.depth += 1;
            self.query(q);
            self.depth -= 1;
        }
    }

    fn date(&mut self, d: &DateArg) {
        if let DateArg::Param(p) = d {
            self.param(&p.name);
        }
    }

    fn cond(&mut self, c: &Cond) {
        match c {
            Cond::Or(items) | Cond::And(items) => items.iter().for_each(|c| self.cond(c)),
            Cond::Not { cond, .. } => self.cond(cond),
            Cond::Cmp { value, .. } | Cond::Matches { query: value, .. } => self.value(value),
            Cond::In { values, .. } => values.iter().for_each(|v| self.value(v)),
            Cond::IsNull { .. } => {}
        }
    }

    fn value(&mut self, v: &Value) {
        match v {
            Value::Str { text, .. } | Value::Word { text, .. } | Value::Number { text, .. } => {
                self.out.push(text.clone())
            }
            Value::ClauseRef(r) => self.out.push(r.doc.clone()),
            Value::Param(p) => self.param(&p.name),
            Value::Date { .. } => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse_query;

    fn names(src: &str, env: &Env) -> Vec<String> {
        in_query(&parse_query(src).expect("parses"), env)
    }

    #[test]
    fn targets_values_params_and_lets() {
        let mut env = Env::default();
        env.params.insert("who".into(), "usa".into());
        env.params.insert("clause".into(), "helsinki#7".into());
        env.lets.insert(
            "mine".into(),
            parse_query("clauses cited-by lavrov").expect("parses"),
        );
        assert_eq!(
            names(
                "clauses in istanbul-charter#8 cited-by (\"Sergey Lavrov\", $who) \
                 not cited-by $mine where principle = indivisibility or kind in (statement, $clause)",
                &env
            ),
            [
                "istanbul-charter",
                "Sergey Lavrov",
                "usa",
                "lavrov",
                "indivisibility",
                "statement",
                "helsinki#7",
                "helsinki"
            ]
        );
        assert_eq!(
            names(
                "documents reaffirming* (documents citing osce) after $who",
                &env
            ),
            ["osce", "usa"]
        );
    }

    #[test]
    fn let_cycles_end() {
        let mut env = Env::default();
        env.lets.insert(
            "a".into(),
            parse_query("clauses cited-by $a").expect("parses"),
        );
        assert_eq!(names("clauses cited-by $a", &env), Vec::<String>::new());
    }
}
