//! The query language's syntax: text in, a syntax tree out.
//!
//! - [`parse_script`]: a script (statements separated by `;` or blank lines) → [`Script`], or
//!   every [`SyntaxError`] found (at least one per broken statement).
//! - [`parse_statement`], [`parse_query`]: one statement or query.
//! - `Display` on every node prints canonical text that parses back to an equal tree.
//! - [`tokens`]: a never-failing token stream for highlighting; [`KEYWORDS`] and [`is_keyword`]
//!   for completion.
//! - [`sexpr`] and [`ClearSpans::without_spans`]: for looking at and comparing trees.
//!
//! Nothing here knows the store: relation verbs, field names and target names are words until
//! the resolver looks them up. The grammar is `grammar/concord.ebnf`; each parser function's
//! doc comment names the rule it implements.

pub mod ast;
mod cond;
mod dump;
pub mod error;
mod filter;
mod lex;
mod parser;
mod print;
mod report;
mod shaping;
mod spans;

pub use ast::*;
pub use dump::sexpr;
pub use error::{ErrorKind, Expected, Found, SyntaxError};
pub use lex::KEYWORDS;
pub use parser::{MAX_DEPTH, parse_query, parse_script, parse_script_partial, parse_statement};
pub use spans::ClearSpans;

use lex::{Bad, Tok};

/// Whether `word` is a keyword (in any ASCII case), which must be quoted to be used as a name.
pub fn is_keyword(word: &str) -> bool {
    lex::keyword(word).is_some()
}

/// What a token is, for highlighting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenKind {
    Keyword,
    Word,
    String,
    ClauseRef,
    Param,
    Number,
    Date,
    /// `=`, `!=`, `<`, `<=`, `>`, `>=`, `~`, `*`
    Operator,
    /// `(`, `)`, `,`, `;`
    Punctuation,
    /// `-- ...` to the end of the line
    Comment,
    /// An unclosed string, a malformed date, a stray character, `$` or `DOC#` alone.
    Error,
}

/// Splits `src` into tokens and comments, skipping whitespace. Never fails: what cannot be a
/// token comes out as [`TokenKind::Error`]. The spans cover all non-whitespace text, in order.
pub fn tokens(src: &str) -> Vec<(Span, TokenKind)> {
    let mut out = Vec::new();
    let mut i = src;
    loop {
        i = i.trim_start();
        let start = src.len() - i.len();
        if i.is_empty() {
            return out;
        }
        if i.starts_with("--") {
            let len = i.find('\n').unwrap_or(i.len());
            out.push((Span::new(start, start + len), TokenKind::Comment));
            i = &i[len..];
            continue;
        }
        let (t, rest) = lex::next_token(i);
        out.push((Span::new(start, start + t.text.len()), token_kind(t.tok)));
        i = rest;
    }
}

fn token_kind(t: Tok) -> TokenKind {
    match t {
        Tok::Kw(_) => TokenKind::Keyword,
        Tok::Word => TokenKind::Word,
        Tok::Str => TokenKind::String,
        Tok::ClauseRef => TokenKind::ClauseRef,
        Tok::Param => TokenKind::Param,
        Tok::Number => TokenKind::Number,
        Tok::Date(_) => TokenKind::Date,
        Tok::Op(_) | Tok::Star => TokenKind::Operator,
        Tok::LParen | Tok::RParen | Tok::Comma | Tok::Semi => TokenKind::Punctuation,
        Tok::Bad(
            Bad::UnclosedString | Bad::Date | Bad::Char | Bad::EmptyParam | Bad::EmptyLabel,
        )
        | Tok::Blank
        | Tok::Eof => TokenKind::Error,
    }
}

/// A piece of a script that mixes statements and dot-commands ([`split_dot_commands`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScriptPiece {
    /// Statement text: the byte range of the script it covers.
    Statements(std::ops::Range<usize>),
    /// A dot-command line: from its `.` to the end of the line (without the newline).
    Dot(std::ops::Range<usize>),
}

/// Splits a script (piped input, `concord run`, `.read`) into statement text and dot-command
/// lines. A line is a dot-command when its first character other than spaces is `.` and the
/// line starts outside every token: the language's own lexer reads the statement text, so a
/// line inside a multi-line string literal (`"...\n.output x\n..."`) or after `--` stays
/// part of its string or comment. An unclosed string runs to the end of the input, so no
/// dot-command follows it. The pieces cover the script in order.
pub fn split_dot_commands(src: &str) -> Vec<ScriptPiece> {
    // Where the current line starts, and whether only spaces lie between it and the last
    // token asked about: kept up to date over the text between tokens, so that a long line is
    // read once, not again for each of its tokens (tokens are asked about in order).
    let (mut scanned, mut line_start, mut blank) = (0, 0, true);
    split_with(src, |start| {
        let gap = &src[scanned..start];
        match gap.rfind('\n') {
            Some(n) => {
                line_start = scanned + n + 1;
                blank = src[line_start..start].chars().all(char::is_whitespace);
            }
            None => blank = blank && gap.chars().all(char::is_whitespace),
        }
        scanned = start;
        (line_start, blank)
    })
}

/// The split of [`split_dot_commands`], told by `line_of(start)` where the line of the token
/// at byte `start` begins and whether only spaces come before the token on it. It is asked
/// about every token, in order.
fn split_with(src: &str, mut line_of: impl FnMut(usize) -> (usize, bool)) -> Vec<ScriptPiece> {
    let mut pieces = Vec::new();
    let mut chunk = 0;
    let mut rest = src;
    loop {
        let (t, after) = lex::next_token(rest);
        if t.tok == Tok::Eof {
            break;
        }
        let start = src.len() - rest.len() + (rest.len() - after.len() - t.text.len());
        let (line_start, first_on_line) = line_of(start);
        if t.text.starts_with('.') && first_on_line {
            let end = src[start..].find('\n').map_or(src.len(), |n| start + n);
            if line_start > chunk {
                pieces.push(ScriptPiece::Statements(chunk..line_start));
            }
            pieces.push(ScriptPiece::Dot(start..end));
            chunk = (end + 1).min(src.len());
            rest = &src[chunk..];
            continue;
        }
        rest = after;
    }
    if chunk < src.len() {
        pieces.push(ScriptPiece::Statements(chunk..src.len()));
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The plain form of [`split_dot_commands`]: each token's line read back from the token
    /// (quadratic in a line's tokens, which is why the real one keeps the line as it goes).
    fn split_plainly(src: &str) -> Vec<ScriptPiece> {
        split_with(src, |start| {
            let line_start = src[..start].rfind('\n').map_or(0, |n| n + 1);
            (
                line_start,
                src[line_start..start].chars().all(char::is_whitespace),
            )
        })
    }

    const FRAGMENTS: &[&str] = &[
        "\n",
        " ",
        "\t",
        "\r\n",
        ".output x.txt",
        ".mode csv",
        ".",
        "\"",
        "\"a\nb\"",
        "-- c\n",
        "clauses",
        " cited-by ",
        "(",
        ")",
        "lavrov, ",
        ";",
        "1.5",
        "'",
        "\u{a0}",
        "é",
    ];

    proptest! {
        #[test]
        fn the_pieces_are_those_of_the_plain_split(parts in prop::collection::vec(0..FRAGMENTS.len(), 0..40)) {
            let src: String = parts.iter().map(|&i| FRAGMENTS[i]).collect();
            prop_assert_eq!(split_dot_commands(&src), split_plainly(&src));
        }
    }

    #[test]
    fn a_dot_command_after_a_long_line_and_inside_a_string() {
        let long = format!(
            "clauses cited-by ({}lavrov) count\n",
            "lavrov, ".repeat(1000)
        );
        let src =
            format!("{long}.mode csv\ndocuments where title ~ \"x\n.output y\n\"\n  .timer on\n");
        let pieces = split_dot_commands(&src);
        assert_eq!(pieces, split_plainly(&src));
        let dots: Vec<&str> = pieces
            .iter()
            .filter_map(|p| match p {
                ScriptPiece::Dot(r) => Some(&src[r.clone()]),
                ScriptPiece::Statements(_) => None,
            })
            .collect();
        assert_eq!(dots, [".mode csv", ".timer on"]);
    }
}
