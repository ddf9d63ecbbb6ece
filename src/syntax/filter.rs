//! Parser rules for filters, targets, names, strings and dates (methods of [`Parser`]).

use super::ast::{ClauseRef, DateArg, Filter, FilterKind, KindPrefix, Name, Span, Spanned, Target};
use super::error::{ErrorKind, Expected, SyntaxError};
use super::lex::{Bad, Kw, Tok, Token, next_token, parse_date};
use super::parser::{PErr, PResult, Parser, fail, hard, set_name};

impl<'s> Parser<'s> {
    /// `filter ::= 'not'? filter_body`
    pub(crate) fn filter(&self, i: &'s str) -> PResult<'s, Filter> {
        let (t, rest) = next_token(i);
        let start = self.span(t, rest).start;
        let (negated, i) = match t.tok {
            Tok::Kw(Kw::Not) => (true, rest),
            _ => (false, i),
        };
        let (rest, kind) = self.filter_body(i)?;
        let span = Span::new(start, self.off(rest));
        Ok((
            rest,
            Filter {
                negated,
                kind,
                span,
            },
        ))
    }

    /// `filter_body ::= ('in' | 'by' | 'cited-by' | 'citing' | 'expressing') target
    ///                | 'cited-by' '!' target | 'from' target | relation
    ///                | 'before' date_arg | 'after' date_arg | 'between' date_arg 'and' date_arg`
    fn filter_body(&self, i: &'s str) -> PResult<'s, FilterKind> {
        let (t, rest) = next_token(i);
        let with_target = |f: fn(Target) -> FilterKind| {
            let (rest, target) = self.target(rest)?;
            Ok((rest, f(target)))
        };
        match t.tok {
            Tok::Kw(Kw::In) => with_target(FilterKind::In),
            Tok::Kw(Kw::By) => with_target(FilterKind::By),
            Tok::Kw(Kw::CitedBy) => match rest.strip_prefix('!') {
                Some(after) => {
                    let (rest, target) = self.target(after)?;
                    Ok((rest, FilterKind::CitedDirectly(target)))
                }
                None => with_target(FilterKind::CitedBy),
            },
            Tok::Kw(Kw::Citing) => with_target(FilterKind::Citing),
            Tok::Kw(Kw::Expressing) => with_target(FilterKind::Expressing),
            Tok::Kw(Kw::Before) => {
                let (rest, d) = self.date_arg(rest)?;
                Ok((rest, FilterKind::Before(d)))
            }
            Tok::Kw(Kw::After) => {
                let (rest, d) = self.date_arg(rest)?;
                Ok((rest, FilterKind::After(d)))
            }
            Tok::Kw(Kw::Between) => {
                let (rest, from) = self.date_arg(rest)?;
                let rest = self.expect_kw(rest, Kw::And, "`and`")?;
                let (rest, to) = self.date_arg(rest)?;
                Ok((rest, FilterKind::Between(from, to)))
            }
            // `from` is a word (a field of citations) that reads as a filter here.
            Tok::Word if t.text.eq_ignore_ascii_case("from") && !rest.starts_with('*') => {
                with_target(FilterKind::From)
            }
            Tok::Word => self.relation(t, rest),
            _ => fail(self.error_at(i, Expected::Filter)),
        }
    }

    /// `relation ::= WORD '*'? target`, the `*` right after the word.
    fn relation(&self, t: Token<'s>, rest: &'s str) -> PResult<'s, FilterKind> {
        let verb = self.ident(t, rest, t.text);
        let (transitive, rest) = match rest.strip_prefix('*') {
            Some(after) => (true, after),
            None => (false, rest),
        };
        let (t, after) = next_token(rest);
        let at_target = [self.off(rest), self.span(t, after).start];
        let target = self.target(rest).map_err(|e| match e {
            nom::Err::Failure(PErr::Syntax(e))
                if at_target.contains(&e.span.start)
                    && matches!(e.kind, ErrorKind::Expected { .. } | ErrorKind::Keyword { .. }) =>
            {
                let help = if t.tok == Tok::Star {
                    format!("write the `*` right after the relation: `{}*`", verb.name)
                } else {
                    format!(
                        "`{}` is read as a relation filter (like `reaffirming X`), which takes a \
                         target; to give a filter several targets, write them in parentheses: `(a, b)`",
                        verb.name
                    )
                };
                hard(e.with_help(help))
            }
            e => e,
        });
        let (rest, target) = target?;
        let kind = FilterKind::Relation {
            verb,
            transitive,
            target,
        };
        Ok((rest, kind))
    }

    /// `target ::= kind_prefix? name | 'clause'? CLAUSE_REF | PARAM | '(' (query | target_list) ')'`
    pub(crate) fn target(&self, i: &'s str) -> PResult<'s, Target> {
        let (t, rest) = next_token(i);
        let target = match t.tok {
            Tok::Word | Tok::Str => Target::Name {
                kind: None,
                name: self.name(t, rest),
            },
            Tok::ClauseRef => Target::ClauseRef(self.clause_ref(t, rest)),
            Tok::Param => Target::Param(self.ident(t, rest, &t.text[1..])),
            Tok::Kw(k) if kind_prefix(k).is_some() => return self.prefixed(t, rest),
            Tok::LParen => return self.parenthesized(self.span(t, rest), rest),
            _ => return fail(self.error_at(i, Expected::Target)),
        };
        Ok((rest, target))
    }

    /// `target ::= kind_prefix name | 'clause' CLAUSE_REF`, after the prefix.
    fn prefixed(&self, k: Token<'s>, i: &'s str) -> PResult<'s, Target> {
        let Tok::Kw(kw) = k.tok else {
            return fail(self.error_at(i, Expected::Target));
        };
        let prefix = kind_prefix(kw).unwrap_or(KindPrefix::Clause);
        let (t, rest) = next_token(i);
        match t.tok {
            Tok::Word | Tok::Str | Tok::Number
                if t.tok != Tok::Number || prefix == KindPrefix::Citation =>
            {
                let kind = Some(Spanned {
                    node: prefix,
                    span: self.span(k, i),
                });
                let name = self.name(t, rest);
                Ok((rest, Target::Name { kind, name }))
            }
            Tok::ClauseRef if prefix == KindPrefix::Clause => {
                Ok((rest, Target::ClauseRef(self.clause_ref(t, rest))))
            }
            Tok::ClauseRef => {
                let e = self.error_at(i, Expected::Name);
                fail(e.with_help("a clause reference `DOC#LABEL` takes no prefix but `clause`"))
            }
            _ => fail(self.error_at(i, Expected::Name)),
        }
    }

    /// `'(' subquery_or_list ')'`, after the `(`: a subquery if it starts with a set and parses
    /// as one, else a list.
    fn parenthesized(&self, open: Span, i: &'s str) -> PResult<'s, Target> {
        self.nested(open, || {
            let (t, _) = next_token(i);
            let Tok::Kw(k) = t.tok else {
                return self.target_list(open, i);
            };
            if set_name(k).is_none() {
                return self.target_list(open, i);
            }
            if kind_prefix(k).is_none() {
                return self.subquery(open, i);
            }
            // `(document x)` is a list, `(document reaffirming x)` a subquery: try both.
            let errors = self.error_count();
            let e1 = match self.subquery(open, i) {
                Err(nom::Err::Failure(PErr::Syntax(e1))) => e1,
                r => return r,
            };
            self.truncate_errors(errors);
            match self.target_list(open, i) {
                Err(nom::Err::Failure(PErr::Syntax(e2))) if e1.span.start >= e2.span.start => {
                    self.truncate_errors(errors);
                    fail(e1)
                }
                r => r,
            }
        })
    }

    /// `subquery_or_list ::= query`, then the `)`.
    fn subquery(&self, open: Span, i: &'s str) -> PResult<'s, Target> {
        let (rest, q) = self.query(i, true)?;
        let rest = self.close_paren(open, rest, Expected::Text("`)`"))?;
        Ok((rest, Target::Subquery(Box::new(q))))
    }

    /// `target_list ::= target (',' target)*`, then the `)`.
    fn target_list(&self, open: Span, mut i: &'s str) -> PResult<'s, Target> {
        let mut targets = Vec::new();
        loop {
            let (rest, t) = self.target(i)?;
            targets.push(t);
            match next_token(rest) {
                (
                    Token {
                        tok: Tok::Comma, ..
                    },
                    after,
                ) => i = after,
                _ => {
                    let rest = self.close_paren(open, rest, Expected::Text("`,` or `)`"))?;
                    let span = Span::new(open.start, self.off(rest));
                    return Ok((rest, Target::List(targets, span)));
                }
            }
        }
    }

    /// The `)` that closes the `(` at `open`; an unclosed-parenthesis error if the statement ends.
    pub(crate) fn close_paren(
        &self,
        open: Span,
        i: &'s str,
        expected: Expected,
    ) -> Result<&'s str, nom::Err<PErr>> {
        let (t, rest) = next_token(i);
        match t.tok {
            Tok::RParen => Ok(rest),
            Tok::Semi | Tok::Blank | Tok::Eof => {
                let found = super::report::found(t);
                let e = SyntaxError::new(ErrorKind::UnclosedParen { found }, open);
                Err(hard(e.with_help(
                    "add a `)`; a blank line or `;` always ends a statement",
                )))
            }
            _ => Err(hard(self.error_at(i, expected))),
        }
    }

    /// `name ::= WORD | STRING` from token `t`.
    fn name(&self, t: Token<'s>, rest: &'s str) -> Name {
        let span = self.span(t, rest);
        let quoted = t.tok == Tok::Str;
        let text = if quoted {
            self.unescape(t.text, span)
        } else {
            t.text.to_owned()
        };
        Name { text, quoted, span }
    }

    /// `CLAUSE_REF ::= WORD '#' LABEL` from token `t`.
    pub(crate) fn clause_ref(&self, t: Token<'s>, rest: &'s str) -> ClauseRef {
        let (doc, label) = t.text.split_once('#').unwrap_or((t.text, ""));
        ClauseRef {
            doc: doc.to_owned(),
            label: label.to_owned(),
            span: self.span(t, rest),
        }
    }

    /// The content of `STRING` token `text` (quotes included) at `span`, unescaped.
    /// Unknown escapes are recorded as errors and kept as the escaped character.
    pub(crate) fn unescape(&self, text: &str, span: Span) -> String {
        let inner = text.get(1..text.len().saturating_sub(1)).unwrap_or("");
        if !inner.contains('\\') {
            return inner.to_owned();
        }
        let mut out = String::with_capacity(inner.len());
        let mut chars = inner.char_indices();
        while let Some((n, c)) = chars.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            // A closed string never ends in a lone backslash: it would have escaped the quote.
            let Some((m, e)) = chars.next() else { break };
            if e != '"' && e != '\\' {
                let at = Span::new(span.start + 1 + n, span.start + 1 + m + e.len_utf8());
                let err = SyntaxError::new(ErrorKind::InvalidEscape { ch: e }, at);
                self.soft(err.with_help("write `\\\\` for a backslash"));
            }
            out.push(e);
        }
        out
    }

    /// `date_arg ::= DATE | NUMBER | PARAM` (a four-digit year); a malformed date is recorded
    /// and parsing goes on.
    fn date_arg(&self, i: &'s str) -> PResult<'s, DateArg> {
        let (t, rest) = next_token(i);
        let span = self.span(t, rest);
        let date = match t.tok {
            Tok::Param => return Ok((rest, DateArg::Param(self.ident(t, rest, &t.text[1..])))),
            Tok::Date(date) => date,
            Tok::Number | Tok::Bad(Bad::Date) => match parse_date(t.text) {
                Ok(date) => date,
                Err(reason) => {
                    let text = t.text.to_owned();
                    self.soft(SyntaxError::new(
                        ErrorKind::MalformedDate { text, reason },
                        span,
                    ));
                    super::ast::Date::default()
                }
            },
            _ => return fail(self.error_at(i, Expected::Date)),
        };
        Ok((rest, DateArg::Date { date, span }))
    }
}

/// The kind prefix a keyword writes: `actor`, `document`, `statement`, `principle`, `clause`.
pub(crate) fn kind_prefix(k: Kw) -> Option<KindPrefix> {
    Some(match k {
        Kw::Actor => KindPrefix::Actor,
        Kw::Document => KindPrefix::Document,
        Kw::Statement => KindPrefix::Statement,
        Kw::Principle => KindPrefix::Principle,
        Kw::Clause => KindPrefix::Clause,
        Kw::Citation => KindPrefix::Citation,
        _ => return None,
    })
}
