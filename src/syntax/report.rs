//! Building syntax errors from the token where parsing stopped: what was found, what would
//! be right, and a hint where one helps (methods of [`Parser`] and helpers).

use super::ast::Span;
use super::error::{ErrorKind, Expected, Found, SyntaxError};
use super::lex::{Bad, Tok, Token, next_token, parse_date};
use super::parser::{Parser, set_name};

impl<'s> Parser<'s> {
    /// The error for whatever token comes at `i`, where `expected` was expected.
    pub(crate) fn error_at(&self, i: &'s str, expected: Expected) -> SyntaxError {
        let (t, rest) = next_token(i);
        self.token_error(t, rest, i, expected)
    }

    /// The error for token `t` (followed by `rest`; `before` is the input before its trivia).
    pub(crate) fn token_error(
        &self,
        t: Token<'s>,
        rest: &'s str,
        before: &'s str,
        expected: Expected,
    ) -> SyntaxError {
        let span = match t.tok {
            // Point just after the previous token, not at the end of the trailing space.
            Tok::Eof | Tok::Blank => Span::new(self.off(before), self.off(before)),
            _ => self.span(t, rest),
        };
        match t.tok {
            Tok::Bad(bad) => bad_token(bad, t.text, span, expected),
            Tok::Kw(k) if expected.wants_name() => {
                let keyword = t.text.to_owned();
                let help = if expected == Expected::LetName {
                    "keywords cannot name a set; choose another name".to_owned()
                } else if set_name(k).is_some() && expected == Expected::Target {
                    format!(
                        "keywords must be quoted to be used as names: `\"{keyword}\"`; a subquery is written in parentheses: `({keyword} …)`"
                    )
                } else {
                    format!("keywords must be quoted to be used as names: `\"{keyword}\"`")
                };
                SyntaxError::new(ErrorKind::Keyword { expected, keyword }, span).with_help(help)
            }
            _ => SyntaxError::new(
                ErrorKind::Expected {
                    expected,
                    found: found(t),
                },
                span,
            ),
        }
    }

    /// The error for a statement that starts with `t`, with a suggestion for a misspelt keyword.
    pub(crate) fn statement_start_error(&self, i: &'s str, t: Token<'s>) -> SyntaxError {
        let e = self.error_at(i, Expected::Statement);
        let suggestion = match t.tok {
            Tok::Word if t.text.len() <= 32 => suggest(t.text),
            _ => None,
        };
        match suggestion {
            Some(s) => e.with_help(format!("did you mean `{s}`?")),
            None => e,
        }
    }
}

/// Marks an error as coming after a complete statement.
pub(crate) fn trailing(e: SyntaxError) -> SyntaxError {
    let kind = match e.kind {
        ErrorKind::Expected { expected, found } => ErrorKind::Trailing { expected, found },
        ErrorKind::Keyword { expected, keyword } => ErrorKind::Trailing {
            expected,
            found: Found::Keyword(keyword),
        },
        other => other,
    };
    SyntaxError { kind, ..e }
}

/// What a token is, for "found ..." in messages.
pub(crate) fn found(t: Token<'_>) -> Found {
    let text = clip(t.text);
    match t.tok {
        Tok::Word => Found::Word(text),
        Tok::Kw(_) => Found::Keyword(text),
        Tok::Str | Tok::Bad(Bad::UnclosedString) => Found::String,
        Tok::Number => Found::Number(text),
        Tok::Date(_) | Tok::Bad(Bad::Date) => Found::Date(text),
        Tok::ClauseRef | Tok::Bad(Bad::EmptyLabel) => Found::ClauseRef(text),
        Tok::Param | Tok::Bad(Bad::EmptyParam) => Found::Param(text),
        Tok::LParen | Tok::RParen | Tok::Comma | Tok::Star | Tok::Op(_) => Found::Symbol(text),
        Tok::Semi => Found::Semicolon,
        Tok::Blank => Found::BlankLine,
        Tok::Eof => Found::EndOfInput,
        Tok::Bad(Bad::Char) => Found::Char(t.text.chars().next().unwrap_or('\0')),
    }
}

/// A token's text, shortened for a message.
fn clip(text: &str) -> String {
    const MAX: usize = 40;
    match text.char_indices().nth(MAX) {
        Some((n, _)) => format!("{}…", &text[..n]),
        None => text.to_owned(),
    }
}

/// The error for a malformed token.
fn bad_token(bad: Bad, text: &str, span: Span, expected: Expected) -> SyntaxError {
    let kind = match bad {
        Bad::UnclosedString => ErrorKind::UnclosedString,
        Bad::Date => ErrorKind::MalformedDate {
            text: clip(text),
            reason: parse_date(text).err().unwrap_or_default(),
        },
        Bad::EmptyParam => ErrorKind::MissingParamName,
        Bad::EmptyLabel => ErrorKind::MissingLabel,
        Bad::Char => {
            let found = Found::Char(text.chars().next().unwrap_or('\0'));
            let e = ErrorKind::Expected { expected, found };
            let e = SyntaxError::new(e, span);
            return match text {
                "'" => e.with_help("strings are written in double quotes: `\"…\"`"),
                "!" => e.with_help("`!` only appears in `!=`; to negate, write `not`"),
                "&" => e.with_help("to join conditions, write `and`"),
                "|" => e.with_help("to join conditions, write `or`"),
                _ => e,
            };
        }
    };
    let e = SyntaxError::new(kind, span);
    match bad {
        Bad::UnclosedString => {
            e.with_help("add a closing `\"`; write `\\\"` for a quote inside a string")
        }
        _ => e,
    }
}

/// A statement keyword or set name close to `word`, for "did you mean".
fn suggest(word: &str) -> Option<&'static str> {
    const STARTS: [&str; 15] = [
        "documents",
        "statements",
        "clauses",
        "actors",
        "principles",
        "citations",
        "document",
        "statement",
        "clause",
        "actor",
        "principle",
        "citation",
        "explain",
        "show",
        "let",
    ];
    let word = word.to_lowercase();
    let best = STARTS.iter().min_by_key(|s| edit_distance(&word, s))?;
    let limit = if word.chars().count() <= 4 { 1 } else { 2 };
    (edit_distance(&word, best) <= limit).then_some(best)
}

/// The Levenshtein distance between two short strings, in characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}
