//! The lexer: source text in, one token at a time out. It never fails: malformed input (an
//! unclosed string, a stray character, a date that does not exist) becomes a `Bad` token that
//! the parser reports and the highlighter colours.
//!
//! Grammar rules implemented here (see `grammar/concord.ebnf`): `WORD`, `KEYWORD`, `STRING`,
//! `NUMBER`, `DATE`, `CLAUSE_REF`, `PARAM`, `COMMENT`, `BLANK_LINE`.

use nom::{
    IResult, Parser,
    branch::alt,
    bytes::complete::{tag, take_while_m_n},
    character::complete::{char, digit1},
    combinator::{all_consuming, opt, recognize},
    sequence::preceded,
};

use super::ast::{CmpOp, Date};

/// The keywords, lowercase; they are matched case-insensitively and cannot be bare names.
pub const KEYWORDS: &[&str] = &[
    "documents",
    "document",
    "statements",
    "statement",
    "clauses",
    "clause",
    "actors",
    "actor",
    "principles",
    "principle",
    "citations",
    "citation",
    "in",
    "by",
    "cited-by",
    "citing",
    "expressing",
    "not",
    "before",
    "after",
    "between",
    "and",
    "or",
    "where",
    "order",
    "asc",
    "desc",
    "limit",
    "offset",
    "count",
    "select",
    "explain",
    "show",
    "let",
    "matches",
    "is",
    "null",
];

/// A keyword, in the order of [`KEYWORDS`] (`keyword` relies on it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kw {
    Documents,
    Document,
    Statements,
    Statement,
    Clauses,
    Clause,
    Actors,
    Actor,
    Principles,
    Principle,
    Citations,
    Citation,
    In,
    By,
    CitedBy,
    Citing,
    Expressing,
    Not,
    Before,
    After,
    Between,
    And,
    Or,
    Where,
    Order,
    Asc,
    Desc,
    Limit,
    Offset,
    Count,
    Select,
    Explain,
    Show,
    Let,
    Matches,
    Is,
    Null,
}

const ALL_KW: [Kw; 37] = {
    use Kw::*;
    [
        Documents, Document, Statements, Statement, Clauses, Clause, Actors, Actor, Principles,
        Principle, Citations, Citation, In, By, CitedBy, Citing, Expressing, Not, Before, After,
        Between, And, Or, Where, Order, Asc, Desc, Limit, Offset, Count, Select, Explain, Show,
        Let, Matches, Is, Null,
    ]
};

/// The keyword `s` spells, in any ASCII case.
pub(crate) fn keyword(s: &str) -> Option<Kw> {
    const MAX: usize = 10; // "expressing", "principles", "statements"
    if s.len() > MAX {
        return None;
    }
    let mut buf = [0u8; MAX];
    for (d, b) in buf.iter_mut().zip(s.bytes()) {
        *d = b.to_ascii_lowercase();
    }
    let lower = &buf[..s.len()];
    KEYWORDS
        .iter()
        .position(|k| k.as_bytes() == lower)
        .map(|n| ALL_KW[n])
}

/// A token's kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tok {
    Word,
    Kw(Kw),
    /// A closed string, escapes still in the text.
    Str,
    Number,
    Date(Date),
    ClauseRef,
    Param,
    LParen,
    RParen,
    Comma,
    Star,
    Op(CmpOp),
    Semi,
    /// A blank line: the text is the newline that starts it.
    Blank,
    Eof,
    Bad(Bad),
}

/// Malformed input, reported by the parser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Bad {
    /// From the opening quote to the end of input.
    UnclosedString,
    /// A date-shaped word (`2022-02-30`, `2022-1-5`) that is not a valid date.
    Date,
    /// One character that starts no token.
    Char,
    /// `$` alone.
    EmptyParam,
    /// `doc#` without a label.
    EmptyLabel,
}

/// A token: its kind and its text, a slice of the source.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Token<'s> {
    pub tok: Tok,
    pub text: &'s str,
}

/// Skips whitespace and `COMMENT`s up to the next token, stopping at a `BLANK_LINE`.
pub(crate) fn skip_trivia(i: &str) -> &str {
    let b = i.as_bytes();
    let mut p = 0;
    loop {
        match b.get(p) {
            Some(b'\n') => {
                let q = p + 1 + hspace_len(&i[p + 1..]);
                if b.get(q) == Some(&b'\n') {
                    return &i[p..];
                }
                p = q;
            }
            Some(b'-') if b.get(p + 1) == Some(&b'-') => {
                p += i[p..].find('\n').unwrap_or(i.len() - p);
            }
            Some(_) => match i[p..].chars().next() {
                Some(c) if c != '\n' && c.is_whitespace() => p += c.len_utf8(),
                _ => return &i[p..],
            },
            None => return &i[p..],
        }
    }
}

/// The length of the whitespace at the start of `s` that is not a newline.
fn hspace_len(s: &str) -> usize {
    s.char_indices()
        .find(|&(_, c)| c == '\n' || !c.is_whitespace())
        .map_or(s.len(), |(n, _)| n)
}

/// Skips trivia, `;` and blank lines: the separators between statements.
pub(crate) fn skip_separators(mut i: &str) -> &str {
    loop {
        i = skip_trivia(i);
        match i.as_bytes().first() {
            Some(b';' | b'\n') => i = &i[1..],
            _ => return i,
        }
    }
}

/// Skips trivia, then reads one token. Returns it and the input after it.
pub(crate) fn next_token(i: &str) -> (Token<'_>, &str) {
    let i = skip_trivia(i);
    let (tok, len) = lex(i);
    let (text, rest) = i.split_at(len);
    (Token { tok, text }, rest)
}

/// Reads the token at the start of `i` (no trivia there): its kind and byte length.
/// `PARAM ::= '$' RUN`; symbols; the rest below.
fn lex(i: &str) -> (Tok, usize) {
    let Some(c) = i.chars().next() else {
        return (Tok::Eof, 0);
    };
    match c {
        '"' => string(i),
        '$' => match word_len(&i[1..]) {
            0 => (Tok::Bad(Bad::EmptyParam), 1),
            n => (Tok::Param, n + 1),
        },
        '(' => (Tok::LParen, 1),
        ')' => (Tok::RParen, 1),
        ',' => (Tok::Comma, 1),
        '*' => (Tok::Star, 1),
        ';' => (Tok::Semi, 1),
        '\n' => (Tok::Blank, 1),
        c if is_word_start(c) => word(i),
        _ => match operator(i) {
            Ok((rest, op)) => (Tok::Op(op), i.len() - rest.len()),
            Err(_) => (Tok::Bad(Bad::Char), c.len_utf8()),
        },
    }
}

/// A `RUN`, classified as `WORD`, `KEYWORD`, `NUMBER`, `DATE` (or `DATE_SHAPED`), or
/// `CLAUSE_REF ::= RUN '#' LABEL`.
fn word(i: &str) -> (Tok, usize) {
    let n = word_len(i);
    if i[n..].starts_with('#') {
        return match word_len(&i[n + 1..]) {
            0 => (Tok::Bad(Bad::EmptyLabel), n + 1),
            m => (Tok::ClauseRef, n + 1 + m),
        };
    }
    let text = &i[..n];
    let digit = text.starts_with(|c: char| c.is_ascii_digit());
    let tok = if digit && is_number(text) {
        Tok::Number
    } else if digit && is_date_shaped(text) {
        match parse_date(text) {
            Ok(d) => Tok::Date(d),
            Err(_) => Tok::Bad(Bad::Date),
        }
    } else if let Some(k) = keyword(text) {
        Tok::Kw(k)
    } else {
        Tok::Word
    };
    (tok, n)
}

/// `STRING`: from `"` to the next unescaped `"`, or to the end of input if there is none.
fn string(i: &str) -> (Tok, usize) {
    let b = i.as_bytes();
    let mut p = 1;
    while p < b.len() {
        match b[p] {
            b'"' => return (Tok::Str, p + 1),
            b'\\' => p += 2,
            _ => p += 1,
        }
    }
    (Tok::Bad(Bad::UnclosedString), i.len())
}

/// `CMP_OP`: `<=`, `>=`, `!=`, `<`, `>`, `=`, `~`.
fn operator(i: &str) -> IResult<&str, CmpOp> {
    alt((
        tag("<=").map(|_| CmpOp::Le),
        tag(">=").map(|_| CmpOp::Ge),
        tag("!=").map(|_| CmpOp::Ne),
        char('<').map(|_| CmpOp::Lt),
        char('>').map(|_| CmpOp::Gt),
        char('=').map(|_| CmpOp::Eq),
        char('~').map(|_| CmpOp::Contains),
    ))
    .parse(i)
}

/// Whether `c` can start a word: a letter or digit in any script, or `_`.
pub(crate) fn is_word_start(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Whether `c` can continue a word: also `-` and `.`.
pub(crate) fn is_word_char(c: char) -> bool {
    is_word_start(c) || c == '-' || c == '.'
}

/// The length of the `RUN` at the start of `s`; a run stops before `--`, which starts a comment.
pub(crate) fn word_len(s: &str) -> usize {
    let mut chars = s.char_indices().peekable();
    match chars.peek() {
        Some(&(_, c)) if is_word_start(c) => {}
        _ => return 0,
    }
    while let Some((n, c)) = chars.next() {
        if !is_word_char(c) || (c == '-' && matches!(chars.peek(), Some((_, '-')))) {
            return n;
        }
    }
    s.len()
}

/// `NUMBER`: digits, with at most one `.` between digits.
pub(crate) fn is_number(s: &str) -> bool {
    let r: IResult<&str, &str> =
        all_consuming(recognize((digit1, opt((char('.'), digit1))))).parse(s);
    r.is_ok()
}

/// Digits and hyphens, starting with a digit and holding a hyphen: meant as a date.
fn is_date_shaped(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_digit())
        && s.contains('-')
        && s.bytes().all(|b| b.is_ascii_digit() || b == b'-')
}

/// `DATE`: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, validated; the error says what is wrong.
pub(crate) fn parse_date(s: &str) -> Result<Date, String> {
    let two = || take_while_m_n(2, 2, |c: char| c.is_ascii_digit());
    let shape: IResult<&str, (&str, Option<&str>, Option<&str>)> = all_consuming((
        take_while_m_n(4, 4, |c: char| c.is_ascii_digit()),
        opt(preceded(char('-'), two())),
        opt(preceded(char('-'), two())),
    ))
    .parse(s);
    let Ok((_, (y, m, d))) = shape else {
        return Err("expected `YYYY`, `YYYY-MM` or `YYYY-MM-DD`".into());
    };
    // The shapes above are all ASCII digits of length 2 or 4, so they parse.
    let year: u16 = y.parse().unwrap_or(0);
    let month: Option<u8> = m.map(|m| m.parse().unwrap_or(0));
    let day: Option<u8> = d.map(|d| d.parse().unwrap_or(0));
    if let Some(m) = month
        && !(1..=12).contains(&m)
    {
        return Err(format!("there is no month {m:02}"));
    }
    if let (Some(m), Some(d)) = (month, day) {
        let last = days_in_month(year, m);
        if d == 0 || d > last {
            return Err(format!("{} {year} has {last} days", MONTHS[m as usize - 1]));
        }
    }
    Ok(Date { year, month, day })
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn days_in_month(year: u16, month: u8) -> u8 {
    let leap = (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Whether `s` reads back as one bare (unquoted, non-keyword) word.
pub(crate) fn is_bare_word(s: &str) -> bool {
    !s.is_empty() && lex(s) == (Tok::Word, s.len())
}
