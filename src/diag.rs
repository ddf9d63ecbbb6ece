//! Diagnostics: a message about a span of the source, rendered with the source line underlined.
//!
//! In: the source text and a [`Diagnostic`] (from any stage; `From<&SyntaxError>` for the
//! parser's). Out: text like
//!
//! ```text
//! error: unknown actor `lavorv`
//!   1 | clauses cited-by lavorv
//!     |                  ^^^^^^ did you mean `lavrov`?
//! ```
//!
//! Columns are display columns (a Cyrillic letter is one, a CJK ideograph two, a tab four), so
//! the underline sits under the text whatever its script. Spans are byte offsets; one that is not
//! on a character boundary is moved back to one, and one past the end is clamped, so rendering
//! never panics.

use std::borrow::Cow;

use unicode_width::UnicodeWidthChar;

use crate::syntax::{Span, SyntaxError};
use crate::text::{control_escape, escape_controls};

/// An error message about a span of the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub message: String,
    pub span: Span,
    /// Printed after the underline.
    pub label: Option<String>,
    /// Printed below, as `= note: ...` or `= help: ...`.
    pub notes: Vec<Note>,
    /// A warning: the statement still runs (its answer may not be the one meant).
    pub warning: bool,
}

/// A line under the snippet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Note {
    /// `= note: ...`: more about what is wrong.
    Note(String),
    /// `= help: ...`: what would be right.
    Help(String),
}

impl Diagnostic {
    /// The same, as a warning.
    pub fn into_warning(mut self) -> Diagnostic {
        self.warning = true;
        self
    }

    /// A diagnostic with no label and no notes.
    pub fn new(message: impl Into<String>, span: Span) -> Diagnostic {
        Diagnostic {
            message: message.into(),
            span,
            label: None,
            notes: Vec::new(),
            warning: false,
        }
    }

    /// With a label after the underline.
    pub fn with_label(mut self, label: impl Into<String>) -> Diagnostic {
        self.label = Some(label.into());
        self
    }

    /// With a `= note:` line.
    pub fn with_note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(Note::Note(note.into()));
        self
    }

    /// With a `= help:` line.
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.notes.push(Note::Help(help.into()));
        self
    }
}

impl From<&SyntaxError> for Diagnostic {
    fn from(e: &SyntaxError) -> Diagnostic {
        let d = Diagnostic::new(e.to_string(), e.span).with_label(e.label());
        match &e.help {
            Some(help) => d.with_help(help.clone()),
            None => d,
        }
    }
}

/// The 1-based line and column (in characters) of byte `offset` in `src`.
pub fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let offset = floor_boundary(src, offset);
    let before = &src[..offset];
    let line_start = before.rfind('\n').map_or(0, |n| n + 1);
    let line = before.matches('\n').count() + 1;
    (line, before[line_start..].chars().count() + 1)
}

/// Renders `d` against `src`: the message, the line holding the span's start with the span
/// underlined (to the end of that line if it goes on), then the notes. `color` adds ANSI colours.
pub fn render(src: &str, d: &Diagnostic, color: bool) -> String {
    let paint = Paint(color);
    let (line_no, line, start, end) = locate(src, d.span);
    let (line, start, end) = window(line, start, end);
    let (text, col, width) = layout(&line, start, end);
    let w = line_no.to_string().len();
    let pad = " ".repeat(w);
    let head = if d.warning {
        paint.yellow("warning")
    } else {
        paint.red("error")
    };
    let mut out = format!("{head}: {}\n", paint.bold(&escape_controls(&d.message)));
    let gutter = paint.blue(&format!("  {line_no:>w$} |"));
    out += format!("{gutter} {text}").trim_end();
    out.push('\n');
    let mut marks = format!("{}{}", " ".repeat(col), "^".repeat(width.max(1)));
    if let Some(label) = &d.label {
        marks = format!("{marks} {}", escape_controls(label));
    }
    out += &format!(
        "{} {}\n",
        paint.blue(&format!("  {pad} |")),
        if d.warning {
            paint.yellow(&marks)
        } else {
            paint.red(&marks)
        }
    );
    for note in &d.notes {
        let (kind, text) = match note {
            Note::Note(t) => ("note", t),
            Note::Help(t) => ("help", t),
        };
        out += &format!(
            "  {pad} {} {}\n",
            paint.bold(&format!("= {kind}:")),
            escape_controls(text)
        );
    }
    out
}

/// The 1-based number and text of the line where `span` starts, and the span's byte range
/// within that line (clamped to it). A span at the very end of a source that ends in a newline
/// is shown after the last character of the last line instead.
fn locate(src: &str, span: Span) -> (usize, &str, usize, usize) {
    let mut start = floor_boundary(src, span.start);
    let end = floor_boundary(src, span.end.max(start));
    if start == src.len() && src.ends_with('\n') {
        start = src.trim_end_matches(['\n', '\r']).len();
    }
    let line_start = src[..start].rfind('\n').map_or(0, |n| n + 1);
    let line_end = src[start..].find('\n').map_or(src.len(), |n| start + n);
    let line = src[line_start..line_end].trim_end_matches('\r');
    let line_no = src[..line_start].matches('\n').count() + 1;
    let s = (start - line_start).min(line.len());
    let e = end.clamp(start, line_start + line.len()) - line_start;
    (line_no, line, s, e.max(s))
}

/// How much of a long line is quoted either side of the span's start, in bytes (as corpus
/// problems are quoted): one mistake on a line of megabytes, or each of thousands of mistakes
/// on one line, prints a bounded snippet.
const WINDOW: usize = 80;

/// The part of `line` quoted around `start` (at most [`WINDOW`] bytes either side, `…` where
/// it is cut), with `start..end` as byte offsets within it (the end clamped to it).
fn window(line: &str, start: usize, end: usize) -> (Cow<'_, str>, usize, usize) {
    if line.len() <= 2 * WINDOW {
        return (Cow::Borrowed(line), start, end);
    }
    let from = floor_boundary(line, start.saturating_sub(WINDOW));
    let to = floor_boundary(line, start + WINDOW).max(start);
    let lead = if from > 0 { "…" } else { "" };
    let tail = if to < line.len() { "…" } else { "" };
    let text = format!("{lead}{}{tail}", &line[from..to]);
    let shift = |n: usize| n.clamp(from, to) - from + lead.len();
    (Cow::Owned(text), shift(start), shift(end))
}

/// The line as displayed (tabs as four spaces, C0 control characters as their pictures, C1
/// ones as escapes like `\u{9b}`), the display column of byte `start`, and the display width
/// of `start..end`.
fn layout(line: &str, start: usize, end: usize) -> (String, usize, usize) {
    let mut text = String::with_capacity(line.len());
    let (mut col, mut width) = (0, 0);
    for (n, c) in line.char_indices() {
        let (shown, w) = display(c);
        if n < start {
            col += w;
        } else if n < end {
            width += w;
        }
        match shown {
            Some(s) => text.push_str(&s),
            None => text.push(c),
        }
    }
    (text, col, width)
}

/// How a character is shown (if not as itself) and its display width.
fn display(c: char) -> (Option<String>, usize) {
    match c {
        '\t' => (Some("    ".into()), 4),
        '\0'..='\x1f' => {
            let picture = char::from_u32(0x2400 + c as u32).unwrap_or('?');
            (Some(picture.into()), 1)
        }
        '\x7f' => (Some("␡".into()), 1),
        '\u{80}'..='\u{9f}' => {
            let escape = control_escape(c);
            let w = escape.len();
            (Some(escape), w)
        }
        c => (None, c.width().unwrap_or(0)),
    }
}

/// `offset` moved back to a character boundary of `s`, and to at most its length.
fn floor_boundary(s: &str, offset: usize) -> usize {
    let mut n = offset.min(s.len());
    while !s.is_char_boundary(n) {
        n -= 1;
    }
    n
}

/// ANSI colours, or none.
struct Paint(bool);

impl Paint {
    fn code(&self, code: &str, text: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    fn red(&self, text: &str) -> String {
        self.code("1;31", text)
    }

    fn yellow(&self, text: &str) -> String {
        self.code("1;33", text)
    }

    fn blue(&self, text: &str) -> String {
        self.code("1;34", text)
    }

    fn bold(&self, text: &str) -> String {
        self.code("1", text)
    }
}
