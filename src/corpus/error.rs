//! Problems in corpus files, located by file, line and column.

use std::fmt;

use super::{SourceFile, Span};
use crate::text::escape_controls;

/// A problem found in one file, at a byte span of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub span: Span,
    pub message: String,
    pub help: Option<String>,
}

impl Problem {
    pub fn new(span: Span, message: impl Into<String>) -> Problem {
        Problem {
            span,
            message: message.into(),
            help: None,
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Problem {
        self.help = Some(help.into());
        self
    }
}

/// A problem with its file, line and column resolved, ready to print.
///
/// Displays as
/// ```text
/// error: unknown actor `lavorv`
///   --> citations.toml:12:8
///    |
/// 12 | by = ["lavorv"]
///    |       ^^^^^^^^ did you mean `lavrov`?
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorpusError {
    pub path: String,
    /// 1-based line; 0 when the problem concerns the whole file.
    pub line: usize,
    /// 1-based column in characters.
    pub column: usize,
    pub message: String,
    pub help: Option<String>,
    /// The source line and the underlined range in display columns.
    snippet: Option<(String, usize, usize)>,
}

impl CorpusError {
    /// Locates `p` in `file`.
    pub fn new(file: &SourceFile, p: Problem) -> CorpusError {
        let text = &file.content;
        let start = floor_char(text, p.span.start.min(text.len()));
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let line = memchr::memchr_iter(b'\n', &text.as_bytes()[..start]).count() + 1;
        // A long line is quoted only around the problem (80 bytes either side).
        let from = floor_char(text, start.saturating_sub(80).max(line_start));
        let to = floor_char(text, (start + 80).min(line_end)).max(start);
        let (lead, tail) = (
            if from > line_start { "…" } else { "" },
            if to < line_end { "…" } else { "" },
        );
        // Control characters are shown as escapes (`\x1b`): a corpus file cannot drive the
        // terminal of whoever builds it. Columns are measured on what is shown.
        let shown = |s: &str| escape_controls(s).into_owned();
        let line_text = format!(
            "{lead}{}{tail}",
            shown(text[from..to].trim_end_matches('\r'))
        );
        let col = display_width(lead) + display_width(&shown(&text[from..start]));
        let end = floor_char(text, p.span.end.clamp(start, to));
        let width = display_width(&shown(&text[start..end])).max(1);
        CorpusError {
            path: file.path.clone(),
            line,
            column: text[line_start..start].chars().count() + 1,
            message: p.message,
            help: p.help,
            snippet: Some((line_text.replace('\t', " "), col, width)),
        }
    }

    /// A problem with a whole file (unreadable, not UTF-8, ...).
    pub fn file(path: &str, message: impl Into<String>) -> CorpusError {
        CorpusError {
            path: path.to_string(),
            line: 0,
            column: 0,
            message: message.into(),
            help: None,
            snippet: None,
        }
    }

    /// A whole-file problem at a known line and column.
    pub fn at(path: &str, line: usize, column: usize, message: impl Into<String>) -> CorpusError {
        CorpusError {
            path: path.to_string(),
            line,
            column,
            message: message.into(),
            help: None,
            snippet: None,
        }
    }
}

fn floor_char(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn display_width(s: &str) -> usize {
    s.chars()
        .map(|c| {
            if c == '\t' {
                1
            } else {
                unicode_width::UnicodeWidthChar::width(c).unwrap_or(0)
            }
        })
        .sum()
}

impl fmt::Display for CorpusError {
    /// Names, messages and file names are shown with their control characters escaped.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = escape_controls(&self.path);
        let help = self.help.as_deref().map(escape_controls);
        writeln!(f, "error: {}", escape_controls(&self.message))?;
        let Some((text, col, width)) = &self.snippet else {
            match self.line {
                0 => write!(f, "  --> {path}")?,
                l => write!(f, "  --> {path}:{l}:{}", self.column)?,
            }
            if let Some(h) = &help {
                write!(f, "\n  = help: {h}")?;
            }
            return Ok(());
        };
        let gutter = self.line.to_string().len();
        let pad = " ".repeat(gutter);
        writeln!(f, "{pad}--> {path}:{}:{}", self.line, self.column)?;
        writeln!(f, "{pad} |")?;
        writeln!(f, "{} | {}", self.line, text)?;
        write!(f, "{pad} | {}{}", " ".repeat(*col), "^".repeat(*width))?;
        if let Some(h) = &help {
            write!(f, " {h}")?;
        }
        Ok(())
    }
}

impl std::error::Error for CorpusError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_line_column_and_underline() {
        let file = SourceFile {
            path: "c.toml".into(),
            content: "[[citation]]\nby = [\"lavorv\"]\n".into(),
        };
        let e = CorpusError::new(
            &file,
            Problem::new(19..27, "unknown actor `lavorv`").help("did you mean `lavrov`?"),
        );
        assert_eq!((e.line, e.column), (2, 7));
        assert_eq!(
            e.to_string(),
            "error: unknown actor `lavorv`\n --> c.toml:2:7\n  |\n2 | by = [\"lavorv\"]\n  |       ^^^^^^^^ did you mean `lavrov`?"
        );
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let file = SourceFile {
            path: "a.toml".into(),
            content: "name = \"Лавров\" x".into(),
        };
        let e = CorpusError::new(&file, Problem::new(22..23, "bad"));
        assert_eq!(e.column, 17);
        assert!(e.to_string().ends_with("  |                 ^"), "{e}");
    }
}
