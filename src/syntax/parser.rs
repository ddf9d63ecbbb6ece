//! The parser: source text in, a [`Script`] (or one [`Query`]) out, or every error it could find.
//!
//! Built on nom over `&str`: the lexer (`lex.rs`) reads one token at a time, and each rule below is
//! a nom parser (`&str -> IResult<&str, T, PErr>`) that peeks at the next token and dispatches on
//! it, so nothing is lexed more than a few times and nothing backtracks far. The rules are methods
//! of [`Parser`], which holds the source (for spans), the nesting depth and the errors collected
//! without stopping ("soft" errors: a malformed date, a duplicate `where`). A hard error ends the
//! statement; the script parser then skips to the next `;` or blank line and goes on.
//!
//! Rules for filters and targets are in `filter.rs`, for shaping clauses in `shaping.rs`, for
//! conditions in `cond.rs`; the errors are built in `report.rs`.

use std::cell::{Cell, RefCell};

use nom::{IResult, Parser as _, error::ErrorKind as NomKind, multi::separated_list1};

use super::ast::{Ident, Output, Query, Script, SetName, Span, Spanned, Statement, StatementKind};
use super::error::{ErrorKind, Expected, SyntaxError};
use super::lex::{Kw, Tok, Token, next_token, skip_separators};
use super::report::trailing;
use super::shaping::Shaping;

/// How deep parentheses, subqueries and `not`s may nest, together.
pub const MAX_DEPTH: usize = 64;

/// The parser's error inside nom: a syntax error, or an error made by a nom combinator itself
/// (kept as the length of the input left, so that it can still be placed).
#[derive(Debug)]
pub(crate) enum PErr {
    Syntax(SyntaxError),
    Nom(usize),
}

impl nom::error::ParseError<&str> for PErr {
    fn from_error_kind(input: &str, _: NomKind) -> Self {
        PErr::Nom(input.len())
    }

    fn append(_: &str, _: NomKind, other: Self) -> Self {
        other
    }
}

pub(crate) type PResult<'s, T> = IResult<&'s str, T, PErr>;

/// A committed error: the statement cannot be parsed further.
pub(crate) fn fail<'s, T>(e: SyntaxError) -> PResult<'s, T> {
    Err(hard(e))
}

/// A syntax error as a nom failure (no backtracking).
pub(crate) fn hard(e: SyntaxError) -> nom::Err<PErr> {
    nom::Err::Failure(PErr::Syntax(e))
}

/// Parses a script: statements separated by `;` or blank lines. An empty script has none.
pub fn parse_script(src: &str) -> Result<Script, Vec<SyntaxError>> {
    let p = Parser::new(src);
    let statements = p.script(src);
    p.finish(Some(Script { statements }))
}

/// Parses a script as far as it can: the statements that parsed, and every
/// error. A statement whose span holds an error is broken (it parsed only
/// because the error was one the parser could step over); the runner skips it.
pub fn parse_script_partial(src: &str) -> (Script, Vec<SyntaxError>) {
    let p = Parser::new(src);
    let statements = p.script(src);
    (Script { statements }, p.take_errors())
}

/// Parses one statement (a trailing `;` is allowed).
pub fn parse_statement(src: &str) -> Result<Statement, Vec<SyntaxError>> {
    let p = Parser::new(src);
    let r = p.statement(skip_separators(src));
    p.whole(r)
}

/// Parses one query (a trailing `;` is allowed).
pub fn parse_query(src: &str) -> Result<Query, Vec<SyntaxError>> {
    let p = Parser::new(src);
    let r = p.query(skip_separators(src), false);
    p.whole(r)
}

/// The state of one parse: the source, the nesting depth, the errors so far.
pub(crate) struct Parser<'s> {
    src: &'s str,
    depth: Cell<usize>,
    errors: RefCell<Vec<SyntaxError>>,
}

impl<'s> Parser<'s> {
    fn new(src: &'s str) -> Parser<'s> {
        Parser {
            src,
            depth: Cell::new(0),
            errors: RefCell::new(Vec::new()),
        }
    }

    /// All errors recorded, sorted by position.
    fn take_errors(&self) -> Vec<SyntaxError> {
        let mut errors = self.errors.take();
        errors.sort_by_key(|e| e.span.start);
        errors
    }

    /// The value, or every error if there was any.
    fn finish<T>(&self, value: Option<T>) -> Result<T, Vec<SyntaxError>> {
        let errors = self.take_errors();
        match value {
            Some(v) if errors.is_empty() => Ok(v),
            _ => Err(errors),
        }
    }

    /// Finishes a parse of one thing that must take the whole input.
    fn whole<T>(&self, r: PResult<'s, T>) -> Result<T, Vec<SyntaxError>> {
        let value = match r {
            Ok((rest, value)) => {
                let rest = skip_separators(rest);
                if !rest.is_empty() {
                    let e = self.error_at(rest, Expected::Text("the end of input"));
                    self.soft(trailing(e));
                }
                Some(value)
            }
            Err(e) => {
                self.soft(self.syntax_error(e));
                None
            }
        };
        self.finish(value)
    }

    /// `script`: statements until the end of input, recovering after each failed one.
    fn script(&self, mut i: &'s str) -> Vec<Statement> {
        let mut out = Vec::new();
        loop {
            i = skip_separators(i);
            if i.is_empty() {
                return out;
            }
            match self.statement(i) {
                Ok((rest, st)) => {
                    out.push(st);
                    i = rest;
                }
                Err(e) => {
                    let e = self.syntax_error(e);
                    let from = self.src.get(e.span.start..).unwrap_or(i);
                    self.soft(e);
                    i = skip_statement(if from.len() <= i.len() { from } else { i });
                }
            }
        }
    }

    /// `statement ::= query | explain | show | let`
    pub(crate) fn statement(&self, i: &'s str) -> PResult<'s, Statement> {
        let (t, rest) = next_token(i);
        let start = self.span(t, rest).start;
        let (rest, kind) = match t.tok {
            Tok::Kw(Kw::Explain) => {
                let (rest, q) = self.query(rest, false)?;
                (rest, StatementKind::Explain(q))
            }
            Tok::Kw(Kw::Show) => {
                let (rest, target) = self.target(rest)?;
                self.end_of_statement(rest)?;
                (rest, StatementKind::Show(target))
            }
            Tok::Kw(Kw::Let) => self.let_statement(rest)?,
            // `compare` is a word, not a keyword: it reads as a statement only here.
            Tok::Word if t.text.eq_ignore_ascii_case("compare") => self.compare(rest)?,
            Tok::Kw(k) if set_name(k).is_some() => {
                let (rest, q) = self.query(i, false)?;
                (rest, StatementKind::Query(q))
            }
            _ => return fail(self.statement_start_error(i, t)),
        };
        let span = Span::new(start, self.off(rest));
        Ok((rest, Statement { kind, span }))
    }

    /// `compare ::= 'compare' target (',' target)* 'in' target`
    fn compare(&self, i: &'s str) -> PResult<'s, StatementKind> {
        let (rest, actors) = separated_list1(|i| self.comma(i), |i| self.target(i)).parse(i)?;
        let rest = self.expect_kw(rest, Kw::In, "`,` and another actor, or `in`")?;
        let (rest, within) = self.target(rest)?;
        self.end_of_statement(rest)?;
        Ok((rest, StatementKind::Compare { actors, within }))
    }

    /// `let ::= 'let' WORD '=' query`
    fn let_statement(&self, i: &'s str) -> PResult<'s, StatementKind> {
        let (t, rest) = next_token(i);
        if t.tok != Tok::Word {
            return fail(self.error_at(i, Expected::LetName));
        }
        let name = self.ident(t, rest, t.text);
        let (t, after) = next_token(rest);
        if t.tok != Tok::Op(super::ast::CmpOp::Eq) {
            return fail(self.error_at(rest, Expected::Text("`=`")));
        }
        let (rest, query) = self.query(after, false)?;
        Ok((rest, StatementKind::Let { name, query }))
    }

    /// `query ::= set_name filter* shaping*`; stops before `;`, a blank line, the end, or `)`.
    pub(crate) fn query(&self, i: &'s str, in_parens: bool) -> PResult<'s, Query> {
        let (t, mut i) = next_token(i);
        let set = match t.tok {
            Tok::Kw(k) if set_name(k).is_some() => set_name(k),
            _ => None,
        };
        let Some(set) = set else {
            return fail(self.token_error(t, i, i, Expected::Set));
        };
        let set = Spanned {
            node: set,
            span: self.span(t, i),
        };
        let mut q = Query {
            span: set.span,
            set,
            filters: Vec::new(),
            condition: None,
            order: Vec::new(),
            limit: None,
            offset: None,
            output: Output::Rows,
        };
        let mut st = Shaping::default();
        loop {
            let (t, _) = next_token(i);
            i = match t.tok {
                Tok::Word
                | Tok::Kw(
                    Kw::Not
                    | Kw::In
                    | Kw::By
                    | Kw::CitedBy
                    | Kw::Citing
                    | Kw::Expressing
                    | Kw::Before
                    | Kw::After
                    | Kw::Between,
                ) if !st.started => {
                    let (rest, f) = self.filter(i)?;
                    q.filters.push(f);
                    rest
                }
                Tok::Kw(
                    k @ (Kw::Where | Kw::Order | Kw::Limit | Kw::Offset | Kw::Count | Kw::Select),
                ) => self.shaping(i, k, &mut q, &mut st)?,
                Tok::Semi | Tok::Blank | Tok::Eof => break,
                Tok::RParen if in_parens => break,
                _ => return fail(self.query_end_error(i, &st, in_parens)),
            };
        }
        q.span.end = self.off(i);
        Ok((i, q))
    }

    /// The error for a token that cannot continue a query.
    fn query_end_error(&self, i: &'s str, st: &Shaping, in_parens: bool) -> SyntaxError {
        let expected = Expected::QueryContinuation {
            filters: !st.started,
            condition: st.last_where,
            in_parens,
        };
        let e = self.error_at(i, expected);
        let e = if in_parens { e } else { trailing(e) };
        let (t, _) = next_token(i);
        let help = match t.tok {
            Tok::Word if st.last_where => "a value of several words must be quoted: `\"…\"`",
            Tok::Word
            | Tok::Kw(Kw::Not | Kw::In | Kw::By | Kw::CitedBy | Kw::Citing | Kw::Expressing)
            | Tok::Kw(Kw::Before | Kw::After | Kw::Between)
                if st.started =>
            {
                "filters come right after the set, before `where`, `order by`, `limit`, `count` and `select`"
            }
            _ => return e,
        };
        if e.help.is_some() {
            e
        } else {
            e.with_help(help)
        }
    }

    /// The keyword `k` if it comes next (a nom error otherwise, for `opt`).
    pub(crate) fn keyword(&self, i: &'s str, k: Kw) -> PResult<'s, Span> {
        match next_token(i) {
            (t, rest) if t.tok == Tok::Kw(k) => Ok((rest, self.span(t, rest))),
            _ => Err(nom::Err::Error(PErr::Nom(i.len()))),
        }
    }

    /// The keyword `k`, which must come next; `text` names it in the error.
    pub(crate) fn expect_kw(
        &self,
        i: &'s str,
        k: Kw,
        text: &'static str,
    ) -> Result<&'s str, nom::Err<PErr>> {
        match next_token(i) {
            (t, rest) if t.tok == Tok::Kw(k) => Ok(rest),
            _ => Err(hard(self.error_at(i, Expected::Text(text)))),
        }
    }

    /// Checks that the statement ends here.
    fn end_of_statement(&self, i: &'s str) -> Result<(), nom::Err<PErr>> {
        match next_token(i).0.tok {
            Tok::Semi | Tok::Blank | Tok::Eof => Ok(()),
            _ => Err(hard(trailing(
                self.error_at(i, Expected::Text("the end of the statement")),
            ))),
        }
    }

    /// Runs `f` one nesting level deeper; `at` is where the new level opens.
    pub(crate) fn nested<T>(&self, at: Span, f: impl FnOnce() -> PResult<'s, T>) -> PResult<'s, T> {
        let depth = self.depth.get();
        if depth >= MAX_DEPTH {
            return fail(SyntaxError::new(
                ErrorKind::TooDeep { limit: MAX_DEPTH },
                at,
            ));
        }
        self.depth.set(depth + 1);
        let r = f();
        self.depth.set(depth);
        r
    }

    /// Records an error and goes on parsing.
    pub(crate) fn soft(&self, e: SyntaxError) {
        self.errors.borrow_mut().push(e);
    }

    /// How many errors have been recorded, to roll back to after a failed alternative.
    pub(crate) fn error_count(&self) -> usize {
        self.errors.borrow().len()
    }

    pub(crate) fn truncate_errors(&self, n: usize) {
        self.errors.borrow_mut().truncate(n);
    }

    /// The byte offset of `i`, a suffix of the source.
    pub(crate) fn off(&self, i: &str) -> usize {
        self.src.len() - i.len()
    }

    /// The span of token `t`, which `rest` follows.
    pub(crate) fn span(&self, t: Token<'_>, rest: &str) -> Span {
        let end = self.off(rest);
        Span::new(end - t.text.len(), end)
    }

    /// An identifier from token `t` with the given name (a `$param`'s without the `$`).
    pub(crate) fn ident(&self, t: Token<'_>, rest: &str, name: &str) -> Ident {
        let name = name.to_owned();
        let span = self.span(t, rest);
        Ident { name, span }
    }

    /// Turns any error that escaped into a placed syntax error.
    fn syntax_error(&self, e: nom::Err<PErr>) -> SyntaxError {
        match e {
            nom::Err::Error(PErr::Syntax(e)) | nom::Err::Failure(PErr::Syntax(e)) => e,
            nom::Err::Error(PErr::Nom(left)) | nom::Err::Failure(PErr::Nom(left)) => {
                let at = self.src.len().saturating_sub(left);
                let i = self.src.get(at..).unwrap_or("");
                self.error_at(i, Expected::Text("valid input"))
            }
            nom::Err::Incomplete(_) => self.error_at("", Expected::Text("more input")),
        }
    }
}

/// Skips the rest of a failed statement, up to the next `;`, blank line or the end.
fn skip_statement(mut i: &str) -> &str {
    loop {
        let (t, rest) = next_token(i);
        match t.tok {
            Tok::Semi | Tok::Blank | Tok::Eof => return rest,
            _ => i = rest,
        }
    }
}

/// The set a keyword names, singular or plural.
pub(crate) fn set_name(k: Kw) -> Option<SetName> {
    Some(match k {
        Kw::Documents | Kw::Document => SetName::Documents,
        Kw::Statements | Kw::Statement => SetName::Statements,
        Kw::Clauses | Kw::Clause => SetName::Clauses,
        Kw::Actors | Kw::Actor => SetName::Actors,
        Kw::Principles | Kw::Principle => SetName::Principles,
        Kw::Citations | Kw::Citation => SetName::Citations,
        _ => return None,
    })
}
