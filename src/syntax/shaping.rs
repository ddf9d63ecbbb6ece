//! Parser rules for the shaping clauses: `where`, `order by`, `limit`, `offset`, `count`,
//! `select` (methods of [`Parser`]).

use nom::{Parser as _, combinator::opt, multi::separated_list1};

use super::ast::{Count, Field, OrderKey, Output, Query, Span, Spanned};
use super::error::{ErrorKind, Expected, SyntaxError};
use super::lex::{Kw, Tok, next_token};
use super::parser::{PErr, PResult, Parser, fail, set_name};

/// What the query loop has seen of the shaping clauses.
#[derive(Default)]
pub(crate) struct Shaping {
    pub(crate) started: bool,
    pub(crate) last_where: bool,
    pub(crate) where_: bool,
    pub(crate) order: bool,
    pub(crate) limit: bool,
    pub(crate) offset: bool,
    pub(crate) output: Option<&'static str>,
}

impl<'s> Parser<'s> {
    /// `shaping ::= where | order_by | limit | offset | count | select`, each at most once.
    pub(crate) fn shaping(
        &self,
        i: &'s str,
        k: Kw,
        q: &mut Query,
        st: &mut Shaping,
    ) -> Result<&'s str, nom::Err<PErr>> {
        let (t, rest) = next_token(i);
        let span = self.span(t, rest);
        st.started = true;
        st.last_where = k == Kw::Where;
        let once = |seen: &mut bool, clause: &'static str, span: Span| {
            if std::mem::replace(seen, true) {
                self.soft(SyntaxError::new(ErrorKind::Duplicate { clause }, span));
            }
        };
        match k {
            Kw::Where => {
                once(&mut st.where_, "where", span);
                let (rest, c) = self.condition(rest)?;
                q.condition.get_or_insert(c);
                Ok(rest)
            }
            Kw::Order => {
                once(&mut st.order, "order by", span);
                let rest = self.expect_kw(rest, Kw::By, "`by`")?;
                let (rest, keys) =
                    separated_list1(|i| self.comma(i), |i| self.order_key(i)).parse(rest)?;
                if q.order.is_empty() {
                    q.order = keys;
                }
                Ok(rest)
            }
            Kw::Limit => {
                once(&mut st.limit, "limit", span);
                let (rest, n) = self.count(rest)?;
                q.limit.get_or_insert(n);
                let (rest, offset) = opt(|i| self.keyword(i, Kw::Offset)).parse(rest)?;
                let Some(offset_span) = offset else {
                    return Ok(rest);
                };
                once(&mut st.offset, "offset", offset_span);
                let (rest, n) = self.count(rest)?;
                q.offset.get_or_insert(n);
                Ok(rest)
            }
            Kw::Offset => {
                once(&mut st.offset, "offset", span);
                let (rest, n) = self.count(rest)?;
                q.offset.get_or_insert(n);
                Ok(rest)
            }
            _ => self.output(rest, k, span, q, st),
        }
    }

    /// `count ::= 'count' ('by' field (',' field)*)?`, `select ::= 'select' field (',' field)*`
    fn output(
        &self,
        i: &'s str,
        k: Kw,
        span: Span,
        q: &mut Query,
        st: &mut Shaping,
    ) -> Result<&'s str, nom::Err<PErr>> {
        let (rest, output, name) = if k == Kw::Select {
            let (rest, fields) = separated_list1(|i| self.comma(i), |i| self.field(i)).parse(i)?;
            (rest, Output::Select(fields), "select")
        } else if let (rest, Some(_)) = opt(|i| self.keyword(i, Kw::By)).parse(i)? {
            let (rest, fields) =
                separated_list1(|i| self.comma(i), |i| self.field(i)).parse(rest)?;
            (rest, Output::CountBy(fields), "count by")
        } else {
            (i, Output::Count(span), "count")
        };
        match st.output {
            None => {
                q.output = output;
                st.output = Some(name);
            }
            Some(first) if first == name => self.soft(SyntaxError::new(
                ErrorKind::Duplicate { clause: name },
                span,
            )),
            Some(first) => self.soft(SyntaxError::new(
                ErrorKind::ConflictingOutput {
                    first,
                    second: name,
                },
                span.to(Span::new(span.start, self.off(rest))),
            )),
        }
        Ok(rest)
    }

    /// `order_key ::= field ('asc' | 'desc')?`
    fn order_key(&self, i: &'s str) -> PResult<'s, OrderKey> {
        let (i, field) = self.field(i)?;
        let (t, rest) = next_token(i);
        match t.tok {
            Tok::Kw(Kw::Asc) => Ok((rest, OrderKey { field, desc: false })),
            Tok::Kw(Kw::Desc) => Ok((rest, OrderKey { field, desc: true })),
            _ => Ok((i, OrderKey { field, desc: false })),
        }
    }

    /// `count_value ::= NUMBER | PARAM` (a whole number)
    fn count(&self, i: &'s str) -> PResult<'s, Spanned<Count>> {
        let (t, rest) = next_token(i);
        let span = self.span(t, rest);
        let node = match t.tok {
            Tok::Param => Count::Param(self.ident(t, rest, &t.text[1..])),
            Tok::Number => match t.text.parse() {
                Ok(n) => Count::Number(n),
                Err(_) => {
                    let e = self.error_at(i, Expected::Count);
                    return fail(e.with_help(format!(
                        "`{}` is not a whole number that fits in 64 bits",
                        t.text
                    )));
                }
            },
            _ => return fail(self.error_at(i, Expected::Count)),
        };
        Ok((rest, Spanned { node, span }))
    }

    /// `field ::= WORD | set_name | 'by'`: a field name; the resolver checks it.
    pub(crate) fn field(&self, i: &'s str) -> PResult<'s, Field> {
        let (t, rest) = next_token(i);
        if !is_field_token(t.tok) {
            return fail(self.error_at(i, Expected::Field));
        }
        let span = self.span(t, rest);
        let name = t.text.to_owned();
        Ok((rest, Field { name, span }))
    }

    /// `,` if it comes next (a nom error otherwise, for `separated_list1`).
    pub(crate) fn comma(&self, i: &'s str) -> PResult<'s, ()> {
        match next_token(i) {
            (t, rest) if t.tok == Tok::Comma => Ok((rest, ())),
            _ => Err(nom::Err::Error(PErr::Nom(i.len()))),
        }
    }
}

/// Words and the keywords that are also field names (`document`, `principle`, `by`, ...).
pub(crate) fn is_field_token(t: Tok) -> bool {
    match t {
        Tok::Word => true,
        Tok::Kw(k) => k == Kw::By || set_name(k).is_some(),
        _ => false,
    }
}
