//! Resolving `where` conditions: fields checked, values converted to the
//! field's kind, names in values resolved like targets.

use super::catalog::Kind as Named;
use super::fields::{self, Kind};
use super::plan::{CmpOp, Cond, Field, Set, Value};
use super::{ErrorKind, ResolveError, Resolver};
use crate::syntax::ast::{self, Span};

impl Resolver<'_> {
    pub fn cond(&mut self, set: Set, c: &ast::Cond) -> Option<Cond> {
        match c {
            ast::Cond::Or(items) => self.all(set, items).map(Cond::Or),
            ast::Cond::And(items) => self.all(set, items).map(Cond::And),
            ast::Cond::Not { cond, .. } => self.cond(set, cond).map(|c| Cond::Not(Box::new(c))),
            ast::Cond::Cmp {
                field,
                op,
                value: typed,
                ..
            } => {
                let f = self.field(set, field)?;
                let value = self.value(f, *op, typed)?;
                if matches!(op, CmpOp::Eq | CmpOp::Ne) {
                    self.known_value(set, f, &value, ast_span(typed));
                }
                Some(Cond::Cmp {
                    field: f,
                    op: *op,
                    value,
                })
            }
            ast::Cond::Matches { field, query, .. } => {
                let f = self.field(set, field)?;
                if f != Field::ClauseText {
                    let msg = format!("`matches` searches clause text, not `{}`", field.name);
                    let e = ResolveError::new(ErrorKind::BadValue, field.span, msg)
                        .note("write `clauses where text matches \"...\"`, or use `~` (contains) on other fields");
                    self.errors.push(e);
                    return None;
                }
                let (text, span) = self.raw(query)?;
                let words = full_text_words(&text);
                if words > MAX_FULL_TEXT_WORDS {
                    let msg = format!(
                        "a full-text query holds at most {MAX_FULL_TEXT_WORDS} words; this one has {words}"
                    );
                    let e = ResolveError::new(ErrorKind::BadValue, span, msg).note(
                        "SQLite's full-text parser takes time that grows with the square of the query's length; \
                         split the search into several queries, or use `in (...)` on another field",
                    );
                    self.errors.push(e);
                    return None;
                }
                let text = full_text_query(&text);
                let checked = self.clauses.check_full_text(&text);
                if let Err(super::FullText::Unchecked(why)) = &checked {
                    let e = ResolveError::new(
                        ErrorKind::BadValue,
                        span,
                        format!("the full-text index could not be searched: {why}"),
                    );
                    self.errors.push(e);
                    return None;
                }
                if let Err(super::FullText::Malformed(why)) = checked {
                    let e = ResolveError::new(ErrorKind::BadValue, span, format!("malformed full-text query: {why}"))
                        .note("words match words; \"quoted phrases\" match in order; AND, OR, NOT and NEAR(a b) in capitals; prefix* matches prefixes")
                        .note("to search for text as written, use `~` (contains)");
                    self.errors.push(e);
                    return None;
                }
                Some(Cond::Matches {
                    field: f,
                    query: text,
                })
            }
            ast::Cond::In {
                field,
                negated,
                values,
                ..
            } => {
                let f = self.field(set, field)?;
                let before = self.errors.len();
                let values: Vec<Value> = values
                    .iter()
                    .filter_map(|v| {
                        let value = self.value(f, CmpOp::Eq, v)?;
                        self.known_value(set, f, &value, ast_span(v));
                        Some(value)
                    })
                    .collect();
                (self.errors.len() == before).then_some(Cond::In {
                    field: f,
                    negated: *negated,
                    values,
                })
            }
            ast::Cond::IsNull { field, negated, .. } => {
                let f = self.field(set, field)?;
                Some(Cond::IsNull {
                    field: f,
                    negated: *negated,
                })
            }
        }
    }

    fn all(&mut self, set: Set, items: &[ast::Cond]) -> Option<Vec<Cond>> {
        let before = self.errors.len();
        let out: Vec<Cond> = items.iter().filter_map(|c| self.cond(set, c)).collect();
        (self.errors.len() == before).then_some(out)
    }

    /// The text of a value as typed (a parameter's value for `$p`), and its span.
    fn raw(&mut self, v: &ast::Value) -> Option<(String, Span)> {
        Some(match v {
            ast::Value::Str { text, span }
            | ast::Value::Word { text, span }
            | ast::Value::Number { text, span } => (text.clone(), *span),
            ast::Value::Date { date, span } => {
                let (start, end) = super::date_bounds(date);
                let text = if start == end {
                    start
                } else {
                    date_text(date, &start)
                };
                (text, *span)
            }
            ast::Value::Param(p) => (self.param(p)?, p.span),
            ast::Value::ClauseRef(r) => (format!("{}#{}", r.doc, r.label), r.span),
        })
    }

    /// Converts a value to what field `f` holds.
    fn value(&mut self, f: Field, op: CmpOp, v: &ast::Value) -> Option<Value> {
        let def = fields::def(f);
        let (text, span) = self.raw(v)?;
        if op == CmpOp::Contains {
            return Some(Value::Text(crate::fold::fold(&text)));
        }
        let bad = |this: &mut Self, what: &str| {
            let msg = format!("`{}` compares with {what}, not `{text}`", def.name);
            this.errors
                .push(ResolveError::new(ErrorKind::BadValue, span, msg));
            None
        };
        match def.kind {
            Kind::Text | Kind::ClauseRef => Some(Value::Text(self.text_value(f, text, span)?)),
            Kind::Number => match text.trim().parse::<f64>() {
                Ok(n) if n.is_finite() => Some(Value::Number(n)),
                _ => bad(self, "a number"),
            },
            Kind::Bool => match text.to_ascii_lowercase().as_str() {
                "true" | "yes" | "1" => Some(Value::Number(1.0)),
                "false" | "no" | "0" => Some(Value::Number(0.0)),
                _ => bad(self, "true or false"),
            },
            Kind::Date => match crate::corpus::Date::parse(text.trim()) {
                Some(d) => Some(Value::Date {
                    start: d.start,
                    end: d.end,
                }),
                None => bad(self, "a date (YYYY, YYYY-MM or YYYY-MM-DD)"),
            },
            Kind::Actor => self.entity(&text, span, &[Named::Actor]),
            Kind::Document => self.entity(&text, span, &[Named::Document]),
            Kind::Principle => self.entity(&text, span, &[Named::Principle]),
            Kind::Target if text.contains('#') => Some(Value::Text(self.text_value(
                Field::CitationTo,
                text,
                span,
            )?)),
            Kind::Target => self.entity(&text, span, &[Named::Document, Named::Principle]),
        }
    }

    /// Warns when no row has `value` in a field of few values, with the value
    /// meant: `stance = invoke` (did you mean `invokes`?).
    fn known_value(&mut self, set: Set, f: Field, value: &Value, span: Span) {
        let Value::Text(text) = value else { return };
        let Some(held) = self.clauses.missing_value(f, text) else {
            return;
        };
        let name = fields::def(f).name;
        let mut w = ResolveError::new(
            ErrorKind::BadValue,
            span,
            format!(
                "no {} has {name} `{text}`",
                set.as_str().trim_end_matches('s')
            ),
        )
        .suggest(text, held.iter().map(String::as_str));
        if w.label.is_none() && !held.is_empty() && held.len() <= 12 {
            w = w.note(format!("{name} is one of: {}", held.join(", ")));
        }
        self.warnings.push(w);
    }

    /// Text values; clause references are checked to exist.
    fn text_value(&mut self, f: Field, text: String, span: Span) -> Option<String> {
        let is_ref = matches!(fields::def(f).kind, Kind::ClauseRef | Kind::Target);
        match text.split_once('#') {
            Some((doc, label)) if is_ref => {
                let id = self.clause_exists(doc, label, span)?;
                Some(format!("{id}#{label}"))
            }
            None if f == Field::CitationFrom => {
                self.entity(&text, span, &[Named::Document])
                    .map(|v| match v {
                        Value::Text(t) => t,
                        _ => text,
                    })
            }
            _ => Some(text),
        }
    }

    /// A name in a value, resolved to the id of a thing of `kinds`.
    fn entity(&mut self, text: &str, span: Span, kinds: &[Named]) -> Option<Value> {
        let t = ast::Target::Name {
            kind: None,
            name: ast::Name {
                text: text.to_string(),
                quoted: true,
                span,
            },
        };
        let found = self.target(&t, kinds, false, "this field")?;
        let id = found
            .actors
            .into_iter()
            .chain(found.documents)
            .chain(found.principles)
            .find_map(|s| match s {
                super::plan::Source::Id(id) => Some(id),
                _ => None,
            })?;
        Some(Value::Text(id))
    }
}

/// Where a value was typed.
fn ast_span(v: &ast::Value) -> Span {
    match v {
        ast::Value::Str { span, .. }
        | ast::Value::Word { span, .. }
        | ast::Value::Number { span, .. }
        | ast::Value::Date { span, .. } => *span,
        ast::Value::Param(p) => p.span,
        ast::Value::ClauseRef(r) => r.span,
    }
}

/// `2022` or `2022-01` as written (a partial date compares by its bounds).
fn date_text(d: &ast::Date, start: &str) -> String {
    match d.month {
        Some(_) => start[..7].to_string(),
        None => start[..4].to_string(),
    }
}

/// The most words a `matches` query may hold (its terms and operators; a
/// `"quoted phrase"` is one).
pub const MAX_FULL_TEXT_WORDS: usize = 1000;

/// The words of a `matches` query, a `"quoted phrase"` counted as one: what
/// makes FTS5's parser slow is the number of terms and operators it joins.
fn full_text_words(query: &str) -> usize {
    let mut n = 0;
    for (i, part) in query.split('"').enumerate() {
        if i % 2 == 1 {
            n += 1;
        } else {
            n += part.split_whitespace().count();
        }
    }
    n
}

/// A `matches` query as FTS5 reads it: a word with characters FTS5 would
/// read as syntax (`co-operation`, `U.S.`) is an ordinary search word, so it
/// is quoted as a phrase (`"co-operation"`, `"U.S."`; a final `*` stays a
/// prefix: `"U.S"*`). `AND`, `OR`, `NOT`, `NEAR(...)`, `"phrases"`,
/// parentheses, commas, `prefix*`, `^first` and column filters (`text:`) are kept.
pub(crate) fn full_text_query(query: &str) -> String {
    let bare = |c: char| c.is_alphanumeric() || c == '_' || !c.is_ascii();
    let mut out = String::with_capacity(query.len() + 8);
    let mut chars = query.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '"' {
            // A phrase, as written, to its closing quote ("" is a quote inside).
            out.push(c);
            while let Some((_, d)) = chars.next() {
                out.push(d);
                if d == '"' {
                    if chars.peek().is_some_and(|&(_, e)| e == '"') {
                        out.push('"');
                        chars.next();
                    } else {
                        break;
                    }
                }
            }
            continue;
        }
        if c.is_whitespace() || matches!(c, '(' | ')' | ',') {
            out.push(c);
            continue;
        }
        let mut end = i + c.len_utf8();
        while let Some(&(j, d)) = chars.peek() {
            if d.is_whitespace() || matches!(d, '(' | ')' | ',' | '"') {
                break;
            }
            end = j + d.len_utf8();
            chars.next();
        }
        let word = &query[i..end];
        let (stem, prefix) = match word.strip_suffix('*') {
            Some(stem) if !stem.is_empty() => (stem, "*"),
            _ => (word, ""),
        };
        let syntax = matches!(word, "AND" | "OR" | "NOT" | "NEAR")
            || stem.chars().all(bare)
            || word.contains(':')
            || word.starts_with(['^', '+', '-', '{'])
            || word == "*";
        if syntax {
            out.push_str(word);
        } else {
            out.push('"');
            out.push_str(stem);
            out.push('"');
            out.push_str(prefix);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::full_text_query;

    #[test]
    fn search_words_with_punctuation_are_quoted_and_syntax_is_kept() {
        assert_eq!(full_text_query("co-operation"), "\"co-operation\"");
        assert_eq!(full_text_query("U.S."), "\"U.S.\"");
        assert_eq!(full_text_query("U.S.* OR nato"), "\"U.S.\"* OR nato");
        assert_eq!(
            full_text_query("indivisible AND \"equal security\" NOT co-operation"),
            "indivisible AND \"equal security\" NOT \"co-operation\""
        );
        assert_eq!(
            full_text_query("NEAR(secur* alliance, 5)"),
            "NEAR(secur* alliance, 5)"
        );
        assert_eq!(full_text_query("(a OR b) c*"), "(a OR b) c*");
        assert_eq!(
            full_text_query("\"say \"\"no\"\"\" x"),
            "\"say \"\"no\"\"\" x"
        );
        assert_eq!(full_text_query("лавров"), "лавров");
    }
}
