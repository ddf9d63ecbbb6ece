//! Parser rules for `where` conditions and values (methods of [`Parser`]).
//!
//! Precedence, loosest first: `or`, `and`, `not`, then a parenthesized condition or a predicate.

use super::ast::{CmpOp, Cond, Date, Field, Span, Value};
use super::error::{ErrorKind, Expected, SyntaxError};
use super::lex::{Bad, Kw, Tok, Token, next_token, parse_date};
use super::parser::{PResult, Parser, fail};
use super::shaping::is_field_token;

impl<'s> Parser<'s> {
    /// `condition ::= and_cond ('or' and_cond)*`
    pub(crate) fn condition(&self, i: &'s str) -> PResult<'s, Cond> {
        self.chain(i, Kw::Or, Cond::Or, |i| self.and_cond(i))
    }

    /// `and_cond ::= not_cond ('and' not_cond)*`
    fn and_cond(&self, i: &'s str) -> PResult<'s, Cond> {
        self.chain(i, Kw::And, Cond::And, |i| self.not_cond(i))
    }

    /// One or more `item`s joined by keyword `op`; two or more make a `join`.
    fn chain(
        &self,
        i: &'s str,
        op: Kw,
        join: fn(Vec<Cond>) -> Cond,
        item: impl Fn(&'s str) -> PResult<'s, Cond>,
    ) -> PResult<'s, Cond> {
        let (mut i, first) = item(i)?;
        let mut items = vec![first];
        while let (t, rest) = next_token(i)
            && t.tok == Tok::Kw(op)
        {
            let (rest, c) = item(rest)?;
            items.push(c);
            i = rest;
        }
        let cond = match items.len() {
            1 => items.pop().unwrap_or_else(|| unreachable!("one item")),
            _ => join(items),
        };
        Ok((i, cond))
    }

    /// `not_cond ::= 'not' not_cond | '(' condition ')' | predicate`
    fn not_cond(&self, i: &'s str) -> PResult<'s, Cond> {
        let (t, rest) = next_token(i);
        let span = self.span(t, rest);
        match t.tok {
            Tok::Kw(Kw::Not) => self.nested(span, || {
                let (rest, cond) = self.not_cond(rest)?;
                let span = Span::new(span.start, self.off(rest));
                let cond = Box::new(cond);
                Ok((rest, Cond::Not { cond, span }))
            }),
            Tok::LParen => self.nested(span, || {
                let (rest, cond) = self.condition(rest)?;
                let expected = Expected::Text("`and`, `or` or `)`");
                let rest = self.close_paren(span, rest, expected)?;
                Ok((rest, cond))
            }),
            tok if is_field_token(tok) => self.predicate(i),
            _ => fail(self.error_at(i, Expected::Condition)),
        }
    }

    /// `predicate ::= field (CMP_OP value | 'matches' value | 'not'? 'in' value_list | 'is' 'not'? 'null')`
    fn predicate(&self, i: &'s str) -> PResult<'s, Cond> {
        let (i, field) = self.field(i)?;
        let start = field.span.start;
        let (t, rest) = next_token(i);
        let (rest, cond) = match t.tok {
            Tok::Op(op) => {
                let (rest, value) = self.value(rest)?;
                (rest, Cmp { field, op, value })
            }
            Tok::Kw(Kw::Matches) => {
                let (rest, query) = self.value(rest)?;
                (rest, Matches { field, query })
            }
            Tok::Kw(Kw::In) => self.in_list(field, false, rest)?,
            Tok::Kw(Kw::Not) => {
                let rest = self.expect_kw(rest, Kw::In, "`in` (as in `not in (…)`)")?;
                self.in_list(field, true, rest)?
            }
            Tok::Kw(Kw::Is) => {
                let (rest, not) = match next_token(rest) {
                    (t, after) if t.tok == Tok::Kw(Kw::Not) => (after, true),
                    _ => (rest, false),
                };
                let rest = self.expect_kw(rest, Kw::Null, "`null`")?;
                (
                    rest,
                    IsNull {
                        field,
                        negated: not,
                    },
                )
            }
            _ => return fail(self.error_at(i, Expected::Operator)),
        };
        Ok((rest, cond.with_span(Span::new(start, self.off(rest)))))
    }

    /// `value_list ::= '(' value (',' value)* ')'`, after `in`.
    fn in_list(&self, field: Field, negated: bool, i: &'s str) -> PResult<'s, Pred> {
        let (t, mut rest) = next_token(i);
        if t.tok != Tok::LParen {
            return fail(self.error_at(i, Expected::Text("`(` and a list of values")));
        }
        let open = self.span(t, rest);
        let mut values = Vec::new();
        loop {
            let (after, v) = self.value(rest)?;
            values.push(v);
            match next_token(after) {
                (
                    Token {
                        tok: Tok::Comma, ..
                    },
                    next,
                ) => rest = next,
                _ => {
                    let rest = self.close_paren(open, after, Expected::Text("`,` or `)`"))?;
                    let pred = In {
                        field,
                        negated,
                        values,
                    };
                    return Ok((rest, pred));
                }
            }
        }
    }

    /// `value ::= STRING | WORD | NUMBER | DATE | PARAM | CLAUSE_REF`
    pub(crate) fn value(&self, i: &'s str) -> PResult<'s, Value> {
        let (t, rest) = next_token(i);
        let span = self.span(t, rest);
        let value = match t.tok {
            Tok::Str => Value::Str {
                text: self.unescape(t.text, span),
                span,
            },
            // Set and kind names are values too: `where kind = statement`.
            Tok::Word
            | Tok::Kw(
                Kw::Statement
                | Kw::Document
                | Kw::Clause
                | Kw::Actor
                | Kw::Principle
                | Kw::Citation,
            ) => Value::Word {
                text: t.text.to_owned(),
                span,
            },
            Tok::Number => Value::Number {
                text: t.text.to_owned(),
                span,
            },
            Tok::Date(date) => Value::Date { date, span },
            Tok::Bad(Bad::Date) => {
                let reason = parse_date(t.text).err().unwrap_or_default();
                let text = t.text.to_owned();
                self.soft(SyntaxError::new(
                    ErrorKind::MalformedDate { text, reason },
                    span,
                ));
                let date = Date::default();
                Value::Date { date, span }
            }
            Tok::Param => Value::Param(self.ident(t, rest, &t.text[1..])),
            Tok::ClauseRef => Value::ClauseRef(self.clause_ref(t, rest)),
            _ => return fail(self.error_at(i, Expected::Value)),
        };
        Ok((rest, value))
    }
}

/// A predicate before its span is known.
enum Pred {
    Cmp {
        field: Field,
        op: CmpOp,
        value: Value,
    },
    Matches {
        field: Field,
        query: Value,
    },
    In {
        field: Field,
        negated: bool,
        values: Vec<Value>,
    },
    IsNull {
        field: Field,
        negated: bool,
    },
}

use Pred::{Cmp, In, IsNull, Matches};

impl Pred {
    fn with_span(self, span: Span) -> Cond {
        match self {
            Cmp { field, op, value } => Cond::Cmp {
                field,
                op,
                value,
                span,
            },
            Matches { field, query } => Cond::Matches { field, query, span },
            In {
                field,
                negated,
                values,
            } => Cond::In {
                field,
                negated,
                values,
                span,
            },
            IsNull { field, negated } => Cond::IsNull {
                field,
                negated,
                span,
            },
        }
    }
}
