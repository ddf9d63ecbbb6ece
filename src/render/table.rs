//! Tables for people: comfy-table, fitted to the terminal, a row cap with a footer
//! (`1,234 rows (40 shown)`), NULL shown.
//!
//! Fitting: key columns (identifiers: `ref`, `id`, `from`, `to`, `by`, ...) are never cut;
//! text columns (`text`, `title`, `quote`, ...) share the rest of the terminal's width, and
//! their long text is cut with `…` or, with `wrap`, wraps inside its cell. When even the key
//! columns do not fit, the table is wider than the terminal. With no width (a file or a pipe),
//! text columns are cut (or wrapped) at `max_cell`.

use std::borrow::Cow;
use std::io::{self, Write};

use comfy_table::{Attribute, Cell as TCell, CellAlignment, ContentArrangement, presets};
use unicode_width::UnicodeWidthChar;

use super::Sink;
use crate::store::{Card, Cell};
use crate::text::{escape_controls, is_hostile_control};

/// How a table is drawn.
#[derive(Debug, Clone, Copy)]
pub struct TableOptions {
    /// Rows drawn at most; the footer tells how many there were.
    pub max_rows: usize,
    /// Total width to fit (the terminal's), or none to draw at natural width.
    pub width: Option<u16>,
    /// With no width: the widest a text column may be, in display columns.
    pub max_cell: usize,
    /// Long text wraps inside its cell instead of being cut with `…`.
    pub wrap: bool,
    pub color: bool,
}

impl Default for TableOptions {
    fn default() -> TableOptions {
        TableOptions {
            max_rows: 40,
            width: None,
            max_cell: 70,
            wrap: false,
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
    /// Rows printed whole so far.
    shown: u64,
}

impl<W: Write> Table<W> {
    pub fn new(out: W, opts: TableOptions) -> Table<W> {
        Table {
            out,
            opts,
            columns: Vec::new(),
            rows: Vec::new(),
            drawn: false,
            shown: 0,
        }
    }

    /// Prints the table line by line, counting the rows printed whole (so that an output
    /// stopped halfway, by Ctrl-C, knows how far it got).
    fn draw_once(&mut self) -> io::Result<()> {
        if self.drawn {
            return Ok(());
        }
        self.drawn = true;
        if self.columns.is_empty() {
            return Ok(());
        }
        let (table, heights) = draw(&self.columns, &self.rows, &self.opts);
        // The top border, the header and the line under it; then each row's lines.
        let mut ends = Vec::with_capacity(heights.len());
        let mut end = 3;
        for h in heights {
            end += h;
            ends.push(end);
        }
        for (i, line) in table.lines().enumerate() {
            writeln!(self.out, "{line}")?;
            self.shown = ends.partition_point(|&e| e <= i + 1) as u64;
        }
        self.out.flush()
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

/// `1234567` as `1,234,567`.
pub fn number_with_commas(n: u64) -> String {
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

/// Columns whose values are identifiers: never cut.
const KEY_COLUMNS: &[&str] = &[
    "ref",
    "id",
    "from",
    "to",
    "by",
    "doc",
    "document",
    "parent",
    "author",
    "represents",
    "member-of",
    "label",
];

/// Columns of prose: they give way to fit the terminal.
const TEXT_COLUMNS: &[&str] = &[
    "text",
    "title",
    "quote",
    "name",
    "description",
    "note",
    "place",
    "role",
    "alias",
    "speaker",
    "named",
    "diff",
    "principle",
    "principles",
];

/// The narrowest a text column is made (or its natural width, when less).
const MIN_TEXT: usize = 10;

fn text_width(s: &str) -> usize {
    s.chars().map(|c| c.width().unwrap_or(0)).sum()
}

/// Whether column `i` holds identifiers (shown whole): a key column by name, or one not
/// named as text whose values are all single words (`kind`, `date`, `stance`, `source` of
/// citations).
fn is_key(columns: &[String], rows: &[Vec<Cell>], i: usize) -> bool {
    let name = columns[i].to_ascii_lowercase();
    if KEY_COLUMNS.contains(&name.as_str()) {
        return true;
    }
    if TEXT_COLUMNS.contains(&name.as_str()) {
        return false;
    }
    rows.iter().all(|r| match r.get(i) {
        Some(Cell::Text(s)) => !s.trim().contains(char::is_whitespace),
        _ => true,
    })
}

/// Wraps `s` at word boundaries to lines of at most `width` display columns; a word longer
/// than that is broken, after a hyphen when it has one in reach. Line breaks in `s` become
/// spaces, as when it is cut.
pub fn wrap_cell(s: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    for word in s.split_whitespace() {
        let w = text_width(word);
        if used > 0 && used + 1 + w <= width {
            line.push(' ');
            line.push_str(word);
            used += 1 + w;
            continue;
        }
        if used > 0 {
            lines.push(std::mem::take(&mut line));
        }
        let mut rest = word;
        while text_width(rest) > width {
            // The longest head that fits (at least one character), cut after its last hyphen.
            let mut fit = 0;
            let mut cols = 0;
            for (i, c) in rest.char_indices() {
                cols += c.width().unwrap_or(0);
                if cols > width && fit > 0 {
                    break;
                }
                fit = i + c.len_utf8();
            }
            let cut = match rest[..fit].rfind('-') {
                Some(h) if h > 0 && h + 1 < fit => h + 1,
                _ => fit,
            };
            lines.push(rest[..cut].to_string());
            rest = &rest[cut..];
        }
        line = rest.to_string();
        used = text_width(rest);
    }
    if used > 0 || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// The text of a cell in a column `width` wide: whole in a key column, else cut (or wrapped).
fn content(c: &Cell, key: bool, width: usize, opts: &TableOptions) -> String {
    // A list reads as its values joined (`Cell::as_text`), and no value as NULL.
    let text = match c {
        Cell::Text(_) | Cell::List(_) => c.as_text(),
        Cell::Null | Cell::Int(_) | Cell::Real(_) => {
            return c.as_text().map_or("NULL".into(), |t| t.into_owned());
        }
    };
    match text {
        None => "NULL".to_string(),
        Some(s) if key => s.split_whitespace().collect::<Vec<_>>().join(" "),
        Some(s) if opts.wrap => wrap_cell(&s, width).join("\n"),
        Some(s) => shorten(&s, width),
    }
}

fn styled(c: &Cell, text: String, opts: &TableOptions) -> TCell {
    match c {
        Cell::Null if opts.color => TCell::new(text).add_attribute(Attribute::Dim),
        Cell::List(v) if v.is_empty() && opts.color => {
            TCell::new(text).add_attribute(Attribute::Dim)
        }
        Cell::Int(_) | Cell::Real(_) => TCell::new(text).set_alignment(CellAlignment::Right),
        _ => TCell::new(text),
    }
}

/// Whether a cell holds a control character a terminal would act on.
fn has_controls(c: &Cell) -> bool {
    match c {
        Cell::Text(s) => s.chars().any(is_hostile_control),
        Cell::List(v) => v.iter().any(|s| s.chars().any(is_hostile_control)),
        _ => false,
    }
}

/// `rows` with control characters shown as escapes (`\x1b`), so that text from the corpus
/// cannot drive the terminal; borrowed when there is none. Widths are measured afterwards.
fn escaped_rows(rows: &[Vec<Cell>]) -> Cow<'_, [Vec<Cell>]> {
    if !rows.iter().flatten().any(has_controls) {
        return Cow::Borrowed(rows);
    }
    let esc = |s: &String| escape_controls(s).into_owned();
    Cow::Owned(
        rows.iter()
            .map(|r| {
                r.iter()
                    .map(|c| match c {
                        Cell::Text(s) => Cell::Text(esc(s)),
                        Cell::List(v) => Cell::List(v.iter().map(esc).collect()),
                        c => c.clone(),
                    })
                    .collect()
            })
            .collect(),
    )
}

/// The table, and how many lines each row takes.
fn draw(
    columns: &[String],
    rows: &[Vec<Cell>],
    opts: &TableOptions,
) -> (comfy_table::Table, Vec<usize>) {
    let columns: Vec<String> = columns
        .iter()
        .map(|c| escape_controls(c).into_owned())
        .collect();
    let columns = &columns[..];
    let rows = escaped_rows(rows);
    let rows = &rows[..];
    let mut t = comfy_table::Table::new();
    t.load_style(presets::UTF8_FULL_CONDENSED);
    t.force_no_tty();
    // The cells are already cut or wrapped to their widths: comfy-table must not rearrange
    // them (it would cut key columns to fit).
    t.set_content_arrangement(ContentArrangement::Disabled);
    if opts.color {
        t.enforce_styling();
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
    let keys: Vec<bool> = (0..columns.len())
        .map(|i| is_key(columns, rows, i))
        .collect();
    let widths = fit(columns, rows, &keys, opts);
    let mut heights = Vec::with_capacity(rows.len());
    for r in rows {
        let cells: Vec<(&Cell, String)> = r
            .iter()
            .zip(widths.iter().zip(&keys))
            .map(|(c, (w, key))| (c, content(c, *key, *w, opts)))
            .collect();
        heights.push(
            cells
                .iter()
                .map(|(_, s)| s.split('\n').count())
                .max()
                .unwrap_or(1),
        );
        t.add_row(
            cells
                .into_iter()
                .map(|(c, s)| styled(c, s, opts))
                .collect::<Vec<_>>(),
        );
    }
    (t, heights)
}

/// The width of each column. Key columns: their widest cell. Text columns: their widest cell,
/// at most `max_cell` when there is no width to fit; to fit a width, they share what the key
/// columns leave (a narrow one keeps its natural width, the rest is split evenly among the
/// wider ones), none narrower than [`MIN_TEXT`] or its header.
fn fit(columns: &[String], rows: &[Vec<Cell>], keys: &[bool], opts: &TableOptions) -> Vec<usize> {
    let headers: Vec<usize> = columns.iter().map(|c| text_width(c)).collect();
    let mut widths = headers.clone();
    for r in rows {
        for (w, c) in widths.iter_mut().zip(r) {
            let cw = match c {
                Cell::Text(s) => s
                    .split_whitespace()
                    .map(|w| text_width(w) + 1)
                    .sum::<usize>()
                    .saturating_sub(1),
                Cell::Null => 4,
                _ => c.as_text().map_or(0, |t| text_width(&t)),
            };
            *w = (*w).max(cw);
        }
    }
    let text: Vec<usize> = (0..columns.len()).filter(|i| !keys[*i]).collect();
    let Some(total) = opts.width else {
        for &i in &text {
            widths[i] = widths[i].min(opts.max_cell.max(headers[i]));
        }
        return widths;
    };
    // Borders and padding: one column of border plus two of padding per column, and one more.
    let available = (total as usize).saturating_sub(3 * columns.len() + 1);
    let keys_width: usize = (0..columns.len())
        .filter(|i| keys[*i])
        .map(|i| widths[i])
        .sum();
    let mut room = available.saturating_sub(keys_width);
    if text.iter().map(|&i| widths[i]).sum::<usize>() <= room {
        return widths;
    }
    let mut by_width = text;
    by_width.sort_by_key(|&i| widths[i]);
    for (n, &i) in by_width.iter().enumerate() {
        let share = room / (by_width.len() - n);
        let floor = widths[i].min(headers[i].max(MIN_TEXT));
        widths[i] = widths[i].min(share).max(floor);
        room = room.saturating_sub(widths[i]);
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

    fn shown(&self) -> Option<u64> {
        Some(self.shown)
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
    out.push_str(&bold(&escape_controls(&c.title)));
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
        let text = v.as_text().unwrap_or_default();
        let (k, v) = (escape_controls(k), escape_controls(&text));
        let lines = wrap(&v, wrap_at);
        for (i, line) in lines.iter().enumerate() {
            let key = if i == 0 { &k[..] } else { "" };
            out.push_str(&format!("  {key:>key_width$}  {line}\n"));
        }
    }
    for s in &c.sections {
        if s.rows.rows.is_empty() {
            continue;
        }
        out.push('\n');
        out.push_str(&bold(&format!(
            "{} ({})",
            escape_controls(&s.heading),
            s.rows.rows.len()
        )));
        out.push('\n');
        out.push_str(&draw(&s.rows.columns, &s.rows.rows, opts).0.to_string());
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
    fn wrap_cell_keeps_every_word_within_the_width() {
        assert_eq!(wrap_cell("short", 10), ["short"]);
        assert_eq!(wrap_cell("", 10), [""]);
        assert_eq!(
            wrap_cell("Each participating State has\nan equal right", 13),
            ["Each", "participating", "State has an", "equal right"]
        );
        // A long word is broken after a hyphen in reach, else where the width ends.
        assert_eq!(
            wrap_cell("freedom-of-alliance, x", 12),
            ["freedom-of-", "alliance, x"]
        );
        assert_eq!(wrap_cell("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(
            wrap_cell("日本語のテキスト", 5),
            ["日本", "語の", "テキ", "スト"]
        );
        // A character wider than the width still goes somewhere.
        assert_eq!(wrap_cell("日本", 1), ["日", "本"]);
    }

    fn rendered(columns: &[&str], rows: Vec<Vec<Cell>>, opts: TableOptions) -> String {
        let mut out = Vec::new();
        let mut t = Table::new(&mut out, opts);
        t.begin(&columns.iter().map(|c| c.to_string()).collect::<Vec<_>>())
            .unwrap();
        let n = rows.len() as u64;
        for r in rows {
            t.row(&r).unwrap();
        }
        t.end(n).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn key_columns_stay_whole_when_the_width_is_short() {
        let long = "word ".repeat(40);
        let rows = vec![
            vec![
                Cell::Text("a-rather-long-document-id#12.3".into()),
                Cell::Text(long.clone()),
            ],
            vec![
                Cell::Text("a-rather-long-document-id#12.4".into()),
                Cell::Text(long),
            ],
        ];
        let opts = TableOptions {
            width: Some(30),
            ..TableOptions::default()
        };
        let text = rendered(&["ref", "text"], rows, opts);
        assert!(
            text.contains("│ a-rather-long-document-id#12.3 ┆ word word… │"),
            "{text}"
        );
        assert!(
            text.contains("│ a-rather-long-document-id#12.4 ┆"),
            "{text}"
        );
    }

    /// Takes `lines` lines, then fails as the shell's output does after Ctrl-C.
    struct StopsAfter {
        lines: usize,
        out: Vec<u8>,
    }

    impl Write for StopsAfter {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if self.out.iter().filter(|b| **b == b'\n').count() >= self.lines {
                return Err(io::Error::other("stopped"));
            }
            self.out.extend_from_slice(buf);
            Ok(buf.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_table_stopped_halfway_counts_the_rows_it_printed() {
        let long = "word ".repeat(30);
        let opts = TableOptions {
            width: Some(40),
            wrap: true,
            ..TableOptions::default()
        };
        // Row 0 takes one line, row 1 several, row 2 one.
        let rows = [
            vec![Cell::Text("a".into()), Cell::Text("short".into())],
            vec![Cell::Text("b".into()), Cell::Text(long)],
            vec![Cell::Text("c".into()), Cell::Text("short".into())],
        ];
        let cols = ["ref".to_string(), "text".to_string()];
        let whole = rendered(&["ref", "text"], rows.to_vec(), opts);
        let lines = whole.lines().count() - 1; // without the footer
        for (stop, shown) in [(3, 0), (4, 1), (5, 1), (lines - 2, 2), (lines - 1, 3)] {
            let mut w = StopsAfter {
                lines: stop,
                out: Vec::new(),
            };
            let mut t = Table::new(&mut w, opts);
            t.begin(&cols).unwrap();
            for r in &rows {
                t.row(r).unwrap();
            }
            assert!(t.end(3).is_err());
            assert_eq!(
                t.shown(),
                Some(shown),
                "stopped after {stop} lines:\n{whole}"
            );
        }
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
