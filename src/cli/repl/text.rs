//! The text of the input line: whether it needs another line, and its colours.
//!
//! Pure and reached through `concord::` paths only (the tests include this file as it is).
//!
//! Multi-line input: rustyline keeps one buffer for the whole statement. When Enter leaves a
//! `(` or a `"` open, the shell inserts a newline and [`INDENT`] (as wide as [`PROMPT`]); the
//! highlighter draws [`CONTINUATION`] over that indentation (also when it lies inside an open
//! string: [`STRING_CONTINUATION`]), so continuation lines show a `...>` prompt while
//! the buffer holds only whitespace. Before the statement runs, [`without_indent`] takes that
//! indentation out again, so that a string continued on the next line holds what was typed.

use concord::syntax::{self, TokenKind};

/// The prompt.
pub const PROMPT: &str = "concord> ";
/// Drawn over [`INDENT`] at the start of a continuation line; as wide as [`PROMPT`].
pub const CONTINUATION: &str = "    ...> ";
/// Drawn over [`INDENT`] at the start of a continuation line inside an open string: the same
/// prompt as inside an open `(`.
pub const STRING_CONTINUATION: &str = CONTINUATION;
/// What Enter inserts after the newline of an unfinished statement.
pub const INDENT: &str = "         ";

const RESET: &str = "\x1b[0m";
const KEYWORD: &str = "\x1b[1;34m";
const STRING: &str = "\x1b[32m";
const CLAUSE_REF: &str = "\x1b[36m";
const PARAM: &str = "\x1b[35m";
const NUMBER: &str = "\x1b[33m";
const COMMENT: &str = "\x1b[2m";
const ERROR: &str = "\x1b[31m";
const COMMAND: &str = "\x1b[1m";
/// Hints and the continuation prompt.
pub const DIM: &str = "\x1b[2m";

/// Whether `input` is unfinished: a `(` or a `"` is still open at its end. An empty last line
/// (Enter pressed on an empty continuation line) gives up, so the statement runs and its
/// error shows. Dot-commands are always one line.
pub fn needs_more(input: &str) -> bool {
    if input.trim_start().starts_with('.') {
        return false;
    }
    let mut depth = 0usize;
    let mut open_string = false;
    let mut prev_end = 0;
    for (span, kind) in syntax::tokens(input) {
        let gap = &input[prev_end..span.start];
        prev_end = span.end;
        if blank_line_in(gap) {
            depth = 0;
        }
        let t = &input[span.start..span.end];
        match kind {
            TokenKind::Punctuation if t == "(" => depth += 1,
            TokenKind::Punctuation if t == ")" => depth = depth.saturating_sub(1),
            TokenKind::Punctuation if t == ";" => depth = 0,
            TokenKind::Error if t.starts_with('"') => open_string = true,
            _ => {}
        }
    }
    if depth == 0 && !open_string {
        return false;
    }
    !matches!(input.rsplit_once('\n'), Some((_, last)) if last.trim().is_empty())
}

/// `input` as typed: without the [`INDENT`] that Enter put at the start of continuation lines.
pub fn without_indent(input: &str) -> String {
    input.replace(&format!("\n{INDENT}"), "\n")
}

/// Whether whitespace `gap` holds a blank line (which ends a statement).
fn blank_line_in(gap: &str) -> bool {
    // Tokens cover all other text, so a gap is whitespace: two newlines make a blank line.
    gap.matches('\n').count() >= 2
}

/// `line` as shown: the continuation prompt over the indentation of continuation lines, and
/// with `color`, ANSI colours for keywords, strings, clause references, parameters, numbers
/// and dates, comments, malformed tokens, and the dot-command of a dot-command line. The
/// display width is unchanged (rustyline requires it).
pub fn highlight(line: &str, color: bool) -> String {
    let mut out = String::with_capacity(line.len() * 2);
    let paint =
        |out: &mut String, c: &str, text: &str| paint(out, if color { c } else { "" }, text);
    if line.trim_start().starts_with('.') && !line.contains('\n') {
        let lead = line.len() - line.trim_start().len();
        let end = line[lead..]
            .find(char::is_whitespace)
            .map_or(line.len(), |n| lead + n);
        out.push_str(&line[..lead]);
        paint(&mut out, COMMAND, &line[lead..end]);
        out.push_str(&line[end..]);
        return out;
    }
    let mut prev_end = 0;
    for (span, kind) in syntax::tokens(line) {
        gap(&mut out, &line[prev_end..span.start], color);
        prev_end = span.end;
        let t = &line[span.start..span.end];
        let c = match kind {
            TokenKind::Keyword => KEYWORD,
            TokenKind::String => STRING,
            TokenKind::ClauseRef => CLAUSE_REF,
            TokenKind::Param => PARAM,
            TokenKind::Number | TokenKind::Date => NUMBER,
            TokenKind::Comment => COMMENT,
            // An unclosed string is still being typed.
            TokenKind::Error if t.starts_with('"') => STRING,
            TokenKind::Error => ERROR,
            TokenKind::Word | TokenKind::Operator | TokenKind::Punctuation => "",
        };
        if c == STRING {
            string(&mut out, t, color);
        } else {
            paint(&mut out, c, t);
        }
    }
    gap(&mut out, &line[prev_end..], color);
    out
}

fn paint(out: &mut String, color: &str, text: &str) {
    if color.is_empty() || text.is_empty() {
        out.push_str(text);
    } else {
        out.push_str(color);
        out.push_str(text);
        out.push_str(RESET);
    }
}

/// A string over several lines, with the string's continuation prompt over indentation.
fn string(out: &mut String, text: &str, color: bool) {
    let mut parts = text.split('\n');
    if let Some(first) = parts.next() {
        paint(out, if color { STRING } else { "" }, first);
    }
    for part in parts {
        out.push('\n');
        let rest = match part.strip_prefix(INDENT) {
            Some(rest) => {
                paint(out, if color { DIM } else { "" }, STRING_CONTINUATION);
                rest
            }
            None => part,
        };
        paint(out, if color { STRING } else { "" }, rest);
    }
}

/// Whitespace between tokens, with the continuation prompt drawn over indentation.
fn gap(out: &mut String, ws: &str, color: bool) {
    let mut parts = ws.split('\n');
    if let Some(first) = parts.next() {
        out.push_str(first);
    }
    for part in parts {
        out.push('\n');
        match part.strip_prefix(INDENT) {
            Some(rest) => {
                paint(out, if color { DIM } else { "" }, CONTINUATION);
                out.push_str(rest);
            }
            None => out.push_str(part),
        }
    }
}
