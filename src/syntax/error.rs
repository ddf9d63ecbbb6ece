//! Syntax errors: where (a byte span), what was expected, what was found, and a hint.
//!
//! In: built by the lexer and parser. Out: `Display` gives the one-line message;
//! `crate::diag::Diagnostic::from(&SyntaxError)` gives the rendered form with the source line.

use std::fmt;

use super::ast::Span;

/// One syntax error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind}")]
pub struct SyntaxError {
    pub kind: ErrorKind,
    pub span: Span,
    /// What would be right, when the parser can tell: `keywords must be quoted ...`.
    pub help: Option<String>,
}

impl SyntaxError {
    /// An error without help text.
    pub fn new(kind: ErrorKind, span: Span) -> SyntaxError {
        SyntaxError {
            kind,
            span,
            help: None,
        }
    }

    /// The same error with help text.
    pub fn with_help(mut self, help: impl Into<String>) -> SyntaxError {
        self.help = Some(help.into());
        self
    }

    /// A short text to print under the underlined span.
    pub fn label(&self) -> String {
        match &self.kind {
            ErrorKind::Expected { expected, .. } | ErrorKind::Keyword { expected, .. } => {
                format!("expected {}", expected.short())
            }
            ErrorKind::UnclosedString => "this string is never closed".into(),
            ErrorKind::UnclosedParen { .. } => "this `(` is never closed".into(),
            ErrorKind::MalformedDate { .. } => "not a valid date".into(),
            ErrorKind::Trailing { .. } => "unexpected here".into(),
            ErrorKind::TooDeep { .. } => "too deep here".into(),
            ErrorKind::Duplicate { clause } => format!("second `{clause}`"),
            ErrorKind::ConflictingOutput { second, .. } => format!("second output `{second}`"),
            ErrorKind::InvalidEscape { .. } => "unknown escape".into(),
            ErrorKind::MissingParamName => "`$` needs a name".into(),
            ErrorKind::MissingLabel => "`#` needs a label".into(),
        }
    }
}

/// What went wrong. Each variant names an input that triggers it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ErrorKind {
    /// A token that cannot stand here: `clauses cited-by )`, `clauses where x 5`.
    #[error("expected {expected}, found {found}")]
    Expected { expected: Expected, found: Found },
    /// A keyword where a name or value was expected: `clauses cited-by where`.
    #[error("expected {expected}, found keyword `{keyword}`")]
    Keyword { expected: Expected, keyword: String },
    /// A string without its closing quote: `clauses where text ~ "indivisible`.
    #[error("unclosed string: expected a closing `\"`, found the end of input")]
    UnclosedString,
    /// A statement ends inside parentheses: `clauses cited-by (usa, nato`.
    #[error("unclosed parenthesis: expected `)`, found {found}")]
    UnclosedParen { found: Found },
    /// A date that does not exist or is not `YYYY[-MM[-DD]]`: `documents after 2022-02-30`.
    #[error("malformed date `{text}`: {reason}")]
    MalformedDate { text: String, reason: String },
    /// Input after a complete query that cannot continue it: `clauses cited-by lavrov )`.
    #[error("unexpected trailing input: expected {expected}, found {found}")]
    Trailing { expected: Expected, found: Found },
    /// More than `limit` nested parentheses, subqueries or `not`s: `clauses where ((((...`.
    #[error(
        "nesting too deep: expected at most {limit} levels of parentheses, subqueries and `not`, found more"
    )]
    TooDeep { limit: usize },
    /// A shaping clause given twice: `clauses where a = 1 where b = 2`.
    #[error("duplicate `{clause}`: expected at most one in a query, found a second")]
    Duplicate { clause: &'static str },
    /// Two outputs: `clauses count select ref`.
    #[error(
        "conflicting outputs: expected one of `count`, `count by` or `select`, found `{second}` after `{first}`"
    )]
    ConflictingOutput {
        first: &'static str,
        second: &'static str,
    },
    /// A backslash escape other than `\"` and `\\`: `clauses where text ~ "a\qb"`.
    #[error("unknown escape `\\{ch}` in a string: expected `\\\"` or `\\\\`")]
    InvalidEscape { ch: char },
    /// A `$` not followed by a name: `clauses cited-by $`.
    #[error("expected a parameter name after `$`")]
    MissingParamName,
    /// A `#` not followed by a label: `show istanbul-charter#`.
    #[error("expected a clause label after `#`")]
    MissingLabel,
}

/// What the parser expected; `Display` gives the long form for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    Statement,
    Set,
    Target,
    /// A name after a kind prefix: `actor lavrov`.
    Name,
    /// The name in `let NAME = ...`.
    LetName,
    /// A filter after `not`.
    Filter,
    Date,
    Value,
    Field,
    Operator,
    Condition,
    /// A whole number or parameter for `limit` / `offset`.
    Count,
    /// What may continue a query: more filters (before any shaping clause), `and`/`or` (right
    /// after a condition), a shaping clause, or its end (`)` inside parentheses).
    QueryContinuation {
        filters: bool,
        condition: bool,
        in_parens: bool,
    },
    /// One fixed piece of text, written as it appears in a message: "`)`", "`,` or `)`".
    Text(&'static str),
}

impl Expected {
    /// Whether a keyword found here was probably meant as a name (and should be quoted).
    pub fn wants_name(self) -> bool {
        matches!(
            self,
            Expected::Target | Expected::Name | Expected::LetName | Expected::Value
        )
    }

    /// A short form for labels.
    pub fn short(self) -> &'static str {
        match self {
            Expected::Statement => "a statement",
            Expected::Set => "a set",
            Expected::Target => "a target",
            Expected::Name => "a name",
            Expected::LetName => "a name",
            Expected::Filter => "a filter",
            Expected::Date => "a date",
            Expected::Value => "a value",
            Expected::Field => "a field",
            Expected::Operator => "an operator",
            Expected::Condition => "a condition",
            Expected::Count => "a number",
            Expected::QueryContinuation {
                in_parens: true, ..
            } => "`)`",
            Expected::QueryContinuation { .. } => "the end of the statement",
            Expected::Text(t) => t,
        }
    }
}

impl fmt::Display for Expected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const SHAPING: &str = "`where`, `order by`, `limit`, `offset`, `count`, `select`,";
        let text = match self {
            Expected::Statement => {
                "a statement (a query starting with a set, `explain`, `show`, `let` or `compare`)"
            }
            Expected::Set => {
                "a set (`documents`, `statements`, `clauses`, `actors`, `principles` or `citations`)"
            }
            Expected::Target => "a target (a name, `DOC#LABEL`, `$param` or `( … )`)",
            Expected::Name => "a name (a word or a quoted string)",
            Expected::LetName => "a name for the set (a word)",
            Expected::Filter => {
                "a filter (`in`, `by`, `cited-by`, `citing`, `expressing`, `before`, `after`, `between` or a relation like `reaffirming`)"
            }
            Expected::Date => "a date (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`) or `$param`",
            Expected::Value => {
                "a value (a quoted string, a word, a number, a date, `DOC#LABEL` or `$param`)"
            }
            Expected::Field => "a field name",
            Expected::Operator => {
                "an operator (`=`, `!=`, `<`, `<=`, `>`, `>=`, `~`, `matches`, `in`, `not in` or `is`)"
            }
            Expected::Condition => "a condition (`FIELD OP VALUE`, `not …` or `( … )`)",
            Expected::Count => "a whole number or `$param`",
            Expected::QueryContinuation {
                filters,
                condition,
                in_parens,
            } => {
                let filters = if *filters { "a filter, " } else { "" };
                let condition = if *condition { "`and`, `or`, " } else { "" };
                let end = if *in_parens {
                    "`)`"
                } else {
                    "the end of the statement"
                };
                return write!(f, "{filters}{condition}{SHAPING} or {end}");
            }
            Expected::Text(t) => t,
        };
        f.write_str(text)
    }
}

/// What the parser found instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    Keyword(String),
    Word(String),
    String,
    Number(String),
    Date(String),
    ClauseRef(String),
    Param(String),
    /// An operator or punctuation: `)`, `,`, `=`.
    Symbol(String),
    /// A character that starts no token: `!`, `'`, `@`.
    Char(char),
    /// `;`
    Semicolon,
    /// A blank line, which ends the statement.
    BlankLine,
    EndOfInput,
}

impl Found {
    /// True for what ends a statement: `;`, a blank line, the end of input.
    pub fn ends_statement(&self) -> bool {
        matches!(
            self,
            Found::Semicolon | Found::BlankLine | Found::EndOfInput
        )
    }
}

impl fmt::Display for Found {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Found::Keyword(k) => write!(f, "keyword `{k}`"),
            Found::Word(w) => write!(f, "word `{w}`"),
            Found::String => f.write_str("a string"),
            Found::Number(n) => write!(f, "number `{n}`"),
            Found::Date(d) => write!(f, "date `{d}`"),
            Found::ClauseRef(r) => write!(f, "clause reference `{r}`"),
            Found::Param(p) => write!(f, "parameter `{p}`"),
            Found::Symbol(s) => write!(f, "`{s}`"),
            Found::Char(c) if c.is_control() || c.is_whitespace() => {
                write!(f, "character `{}`", c.escape_unicode())
            }
            Found::Char(c) => write!(f, "character `{c}`"),
            Found::Semicolon => f.write_str("`;`"),
            Found::BlankLine => f.write_str("a blank line (which ends the statement)"),
            Found::EndOfInput => f.write_str("the end of input"),
        }
    }
}
