//! Tables for people: comfy-table, fitted to the terminal, long text cut
//! with `…`, a row cap with a footer (`1,234 rows (40 shown)`), NULL shown.

use std::io::{self, Write};

use comfy_table::{Attribute, Cell as TCell, CellAlignment, ContentArrangement, presets};
use unicode_width::UnicodeWidthChar;

use super::Sink;
use crate::store::{Card, Cell};

/// How a table is drawn.
#[derive(Debug, Clone, Copy)]
pub struct TableOptions {
    /// Rows drawn at most; the footer tells how many there were.
    pub max_rows: usize,
    /// Total width to fit (the terminal's), or none to draw at natural width.
    pub width: Option<u16>,
    /// The longest a cell may be, in display columns, before it is cut with `…`.
    pub max_cell: usize,
    pub color: bool,
}

impl Default for TableOptions {
    fn default() -> TableOptions {
        TableOptions {
            max_rows: 40,
            width: None,
            max_cell: 70,
            color: false,
        }
    }
}

/// A table sink: keeps the first `max_rows` rows and prints them as soon as
/// a row beyond them arrives (so a long result shows at once), then counts
/// the rest for the footer.
pub struct Table<W: Write> {
    out: W,
    opts: TableOptions,
    columns: Vec<String>,
    rows: Vec<Vec<Cell>>,
    /// The table is printed; only the footer is left.
    drawn: bool,
}

impl<W: Write> Table<W> {
    pub fn new(out: W, opts: TableOptions) -> Table<W> {
        Table {
            out,
            opts,
            columns: Vec::new(),
            rows: Vec::new(),
            drawn: false,
        }
    }

    fn draw_once(&mut self) -> io::Result<()> {
        if !self.drawn && !self.columns.is_empty() {
            writeln!(self.out, "{}", draw(&self.columns, &self.rows, &self.opts))?;
            self.out.flush()?;
        }
        self.drawn = true;
        Ok(())
    }
}

/// Cuts `s` to at most `width` display columns, ending in `…` when cut;
/// line breaks become spaces.
pub fn shorten(s: &str, width: usize) -> String {
    let flat = s.split_whitespace().collect::<Vec<_>>().join(" ");
    let total: usize = flat.chars().map(|c| c.width().unwrap_or(0)).sum();
    if total <= width {
        return flat;
    }
    let mut out = String::new();
    let mut used = 0;
    for c in flat.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out
}

fn number_with_commas(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn styled(c: &Cell, opts: &TableOptions, width: usize) -> TCell {
    match c {
        Cell::Null => {
            let cell = TCell::new("NULL");
            if opts.color {
                cell.add_attribute(Attribute::Dim)
            } else {
                cell
            }
        }
        Cell::Int(_) | Cell::Real(_) => {
            TCell::new(c.as_text().unwrap_or_default()).set_alignment(CellAlignment::Right)
        }
        Cell::Text(s) => TCell::new(shorten(s, width)),
    }
}

fn draw(columns: &[String], rows: &[Vec<Cell>], opts: &TableOptions) -> comfy_table::Table {
    let mut t = comfy_table::Table::new();
    t.load_style(presets::UTF8_FULL_CONDENSED);
    t.force_no_tty();
    if opts.color {
        t.enforce_styling();
    }
    if let Some(w) = opts.width {
        t.set_width(w);
        t.set_content_arrangement(ContentArrangement::Dynamic);
    }
    let head: Vec<TCell> = columns
        .iter()
        .map(|c| {
            if opts.color {
                TCell::new(c).add_attribute(Attribute::Bold)
            } else {
                TCell::new(c)
            }
        })
        .collect();
    t.set_header(head);
    let widths = fit(columns, rows, opts);
    for r in rows {
        t.add_row(
            r.iter()
                .zip(&widths)
                .map(|(c, w)| styled(c, opts, *w))
                .collect::<Vec<_>>(),
        );
    }
    t
}

/// The width of each column: its widest cell (at most `max_cell`), then, to
/// fit a terminal, the widest columns narrowed in turn, so that each row stays
/// on one line and long text is cut with `…` rather than wrapped.
fn fit(columns: &[String], rows: &[Vec<Cell>], opts: &TableOptions) -> Vec<usize> {
    let text_width = |s: &str| s.chars().map(|c| c.width().unwrap_or(0)).sum::<usize>();
    let mut widths: Vec<usize> = columns.iter().map(|c| text_width(c)).collect();
    for r in rows {
        for (w, c) in widths.iter_mut().zip(r) {
            let cw = c.as_text().map_or(4, |t| text_width(&t).min(opts.max_cell));
            *w = (*w).max(cw);
        }
    }
    if let Some(total) = opts.width {
        // Borders and padding: one column of border plus two of padding per column, and one more.
        let available = (total as usize).saturating_sub(3 * columns.len() + 1);
        let floor = |i: usize| text_width(&columns[i]).clamp(4, 12);
        while widths.iter().sum::<usize>() > available {
            let Some((i, _)) = widths
                .iter()
                .enumerate()
                .filter(|(i, w)| **w > floor(*i))
                .max_by_key(|(_, w)| **w)
            else {
                break;
            };
            widths[i] -= 1;
        }
    }
    widths
}

impl<W: Write> Sink for Table<W> {
    fn begin(&mut self, columns: &[String]) -> io::Result<()> {
        self.columns = columns.to_vec();
        Ok(())
    }

    fn row(&mut self, row: &[Cell]) -> io::Result<()> {
        // `max_rows` 0: no cap.
        if self.opts.max_rows == 0 || self.rows.len() < self.opts.max_rows {
            self.rows.push(row.to_vec());
        } else if !self.drawn {
            // More rows than are shown: the table is complete, print it now.
            self.draw_once()?;
        }
        Ok(())
    }

    fn end(&mut self, total: u64) -> io::Result<()> {
        self.draw_once()?;
        let shown = self.rows.len() as u64;
        let noun = if total == 1 { "row" } else { "rows" };
        if shown < total {
            writeln!(
                self.out,
                "{} {noun} ({} shown)",
                number_with_commas(total),
                number_with_commas(shown)
            )?;
        } else {
            writeln!(self.out, "{} {noun}", number_with_commas(total))?;
        }
        self.out.flush()
    }
}

/// A `show` card as text: the title, its facts (long ones wrapped), then each
/// non-empty section as a table.
pub fn card(c: &Card, opts: &TableOptions) -> String {
    let mut out = String::new();
    let bold = |s: &str| {
        if opts.color {
            format!("\x1b[1m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    };
    out.push_str(&bold(&c.title));
    out.push('\n');
    let key_width = c
        .facts
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0);
    let wrap_at = opts
        .width
        .map_or(100, |w| (w as usize).saturating_sub(key_width + 4).max(30));
    for (k, v) in &c.facts {
        let lines = wrap(v, wrap_at);
        for (i, line) in lines.iter().enumerate() {
            let key = if i == 0 { k.as_str() } else { "" };
            out.push_str(&format!("  {key:>key_width$}  {line}\n"));
        }
    }
    for s in &c.sections {
        if s.rows.rows.is_empty() {
            continue;
        }
        out.push('\n');
        out.push_str(&bold(&format!("{} ({})", s.heading, s.rows.rows.len())));
        out.push('\n');
        out.push_str(&draw(&s.rows.columns, &s.rows.rows, opts).to_string());
        out.push('\n');
    }
    out
}

/// Wraps text at word boundaries to `width` display columns.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        let mut used = 0;
        for word in para.split_whitespace() {
            let w: usize = word.chars().map(|c| c.width().unwrap_or(0)).sum();
            if used > 0 && used + 1 + w > width {
                lines.push(std::mem::take(&mut line));
                used = 0;
            }
            if used > 0 {
                line.push(' ');
                used += 1;
            }
            line.push_str(word);
            used += w;
        }
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shorten_counts_display_columns() {
        assert_eq!(shorten("short", 10), "short");
        assert_eq!(shorten("abcdefghijkl", 5), "abcd…");
        assert_eq!(shorten("Лавров сказал", 7), "Лавров…");
        assert_eq!(shorten("日本語のテキスト", 7), "日本語…");
        assert_eq!(shorten("two\nlines", 20), "two lines");
    }

    #[test]
    fn footer_counts_with_commas() {
        let mut out = Vec::new();
        let mut t = Table::new(
            &mut out,
            TableOptions {
                max_rows: 2,
                ..TableOptions::default()
            },
        );
        t.begin(&["n".to_string()]).unwrap();
        for i in 0..1234 {
            t.row(&[Cell::Int(i)]).unwrap();
        }
        t.end(1234).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.ends_with("1,234 rows (2 shown)\n"), "{text}");
        assert!(text.contains("│ 1 │"), "{text}");
    }
}
