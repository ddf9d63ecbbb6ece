//! Rendering results: tables, CSV, TSV, JSON, JSON lines, Markdown.
//!
//! In: column names, then rows one at a time. Out: text on a writer. Every
//! format but `table` writes each row as it comes, so a million-row result
//! streams in bounded memory; `table` keeps at most its row cap.

mod dot;
mod table;

use std::io::{self, Write};

use crate::store::Cell;

pub use dot::write_dot;
pub use table::{Table, TableOptions, card, number_with_commas, shorten};

/// The output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Csv,
    Tsv,
    Json,
    Jsonl,
    Markdown,
    /// The citation and relation graph of the result, for Graphviz.
    Dot,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Csv => "csv",
            Format::Tsv => "tsv",
            Format::Json => "json",
            Format::Jsonl => "jsonl",
            Format::Markdown => "markdown",
            Format::Dot => "dot",
        }
    }

    /// Parses a format name.
    pub fn parse(s: &str) -> Option<Format> {
        <Format as clap::ValueEnum>::from_str(s, true).ok()
    }
}

/// Receives a result row by row.
pub trait Sink {
    fn begin(&mut self, columns: &[String]) -> io::Result<()>;
    fn row(&mut self, row: &[Cell]) -> io::Result<()>;
    /// `total` rows were produced.
    fn end(&mut self, total: u64) -> io::Result<()>;
    /// The rows written out so far, when not every row given (a table holds its rows back
    /// until it can size its columns).
    fn shown(&self) -> Option<u64> {
        None
    }
}

/// The sink that writes rows in `format` (`table` with `table`'s options); `None` for `dot`,
/// which draws a graph, not rows.
pub fn sink<'a>(
    format: Format,
    out: &'a mut dyn Write,
    table: TableOptions,
) -> Option<Box<dyn Sink + 'a>> {
    Some(match format {
        Format::Table => Box::new(Table::new(out, table)),
        Format::Csv => Box::new(Delimited::new(out, b',')),
        Format::Tsv => Box::new(Tsv::new(out)),
        Format::Json => Box::new(Json::new(out, false)),
        Format::Jsonl => Box::new(Json::new(out, true)),
        Format::Markdown => Box::new(Markdown::new(out)),
        Format::Dot => return None,
    })
}

/// A cell as JSON: numbers stay numbers, NULL is null.
fn json_value(c: &Cell) -> serde_json::Value {
    match c {
        Cell::Null => serde_json::Value::Null,
        Cell::Int(i) => (*i).into(),
        Cell::Real(r) => serde_json::Number::from_f64(*r)
            .map_or(serde_json::Value::Null, serde_json::Value::Number),
        Cell::Text(s) => s.clone().into(),
        Cell::List(v) => v
            .iter()
            .map(|s| serde_json::Value::from(s.as_str()))
            .collect(),
    }
}

/// One row as a JSON object, its keys in the columns' order (a `serde_json` map would sort
/// them: `principle` before `ref`).
fn write_object(out: &mut dyn Write, columns: &[String], row: &[Cell]) -> io::Result<()> {
    out.write_all(b"{")?;
    for (i, (c, v)) in columns.iter().zip(row).enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        serde_json::to_writer(&mut *out, c)?;
        out.write_all(b":")?;
        serde_json::to_writer(&mut *out, &json_value(v))?;
    }
    out.write_all(b"}")
}

/// A `show` card as one JSON object: `title`, `facts` (an object, in the card's order), and
/// each section as an array of row objects (keys in column order) under its heading.
pub fn card_json(c: &crate::store::Card) -> String {
    let mut out: Vec<u8> = Vec::new();
    let s = |v: &str| serde_json::to_string(v).unwrap_or_default();
    out.extend_from_slice(format!("{{\"title\":{},\"facts\":{{", s(&c.title)).as_bytes());
    for (i, (k, v)) in c.facts.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(format!("{}:{}", s(k), json_value(v)).as_bytes());
    }
    out.extend_from_slice(b"},\"sections\":{");
    for (i, sec) in c.sections.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(format!("{}:[", s(&sec.heading)).as_bytes());
        for (j, r) in sec.rows.rows.iter().enumerate() {
            if j > 0 {
                out.push(b',');
            }
            // Writing to a Vec cannot fail.
            let _ = write_object(&mut out, &sec.rows.columns, r);
        }
        out.push(b']');
    }
    out.extend_from_slice(b"}}");
    String::from_utf8(out).unwrap_or_default()
}

/// JSON: one array of objects keyed by column name (`lines`: one object per line).
pub struct Json<W: Write> {
    out: W,
    columns: Vec<String>,
    lines: bool,
    first: bool,
}

impl<W: Write> Json<W> {
    pub fn new(out: W, lines: bool) -> Json<W> {
        Json {
            out,
            columns: Vec::new(),
            lines,
            first: true,
        }
    }
}

impl<W: Write> Sink for Json<W> {
    fn begin(&mut self, columns: &[String]) -> io::Result<()> {
        self.columns = columns.to_vec();
        if !self.lines {
            self.out.write_all(b"[")?;
        }
        Ok(())
    }

    fn row(&mut self, row: &[Cell]) -> io::Result<()> {
        if !self.lines {
            self.out
                .write_all(if self.first { b"\n  " } else { b",\n  " })?;
        }
        self.first = false;
        write_object(&mut self.out, &self.columns, row)?;
        if self.lines {
            self.out.write_all(b"\n")?;
        }
        Ok(())
    }

    fn end(&mut self, _total: u64) -> io::Result<()> {
        if !self.lines {
            self.out
                .write_all(if self.first { b"]\n" } else { b"\n]\n" })?;
        }
        self.out.flush()
    }
}

/// CSV or TSV with a header row; NULL is an empty field.
pub struct Delimited<W: Write> {
    out: csv::Writer<W>,
}

impl<W: Write> Delimited<W> {
    pub fn new(out: W, delimiter: u8) -> Delimited<W> {
        Delimited {
            out: csv::WriterBuilder::new()
                .delimiter(delimiter)
                .from_writer(out),
        }
    }
}

/// A CSV writer's error as the I/O error under it when there is one, so that a closed pipe is
/// still seen as one (`concord ... | head` ends quietly).
fn csv_io(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

impl<W: Write> Sink for Delimited<W> {
    fn begin(&mut self, columns: &[String]) -> io::Result<()> {
        self.out.write_record(columns).map_err(csv_io)
    }

    fn row(&mut self, row: &[Cell]) -> io::Result<()> {
        // Field by field, text borrowed from the cell: a million-row export
        // copies no field twice.
        for c in row {
            let text = c.as_text();
            self.out
                .write_field(text.as_deref().unwrap_or(""))
                .map_err(csv_io)?;
        }
        self.out.write_record(None::<&[u8]>).map_err(csv_io)
    }

    fn end(&mut self, _total: u64) -> io::Result<()> {
        self.out.flush()
    }
}

/// Tab-separated values as `cut`, `awk` and `sort` read them: a header row, a tab between
/// fields, a line per row, never quoted; a tab, a line break or a backslash inside a field is
/// written `\t`, `\n` (`\r`) or `\\`. NULL is an empty field.
pub struct Tsv<W: Write> {
    out: W,
}

impl<W: Write> Tsv<W> {
    pub fn new(out: W) -> Tsv<W> {
        Tsv { out }
    }

    fn field(&mut self, s: &str) -> io::Result<()> {
        let mut from = 0;
        for (i, b) in s.bytes().enumerate() {
            let esc: &[u8] = match b {
                b'\t' => b"\\t",
                b'\n' => b"\\n",
                b'\r' => b"\\r",
                b'\\' => b"\\\\",
                _ => continue,
            };
            self.out.write_all(&s.as_bytes()[from..i])?;
            self.out.write_all(esc)?;
            from = i + 1;
        }
        self.out.write_all(&s.as_bytes()[from..])
    }
}

impl<W: Write> Sink for Tsv<W> {
    fn begin(&mut self, columns: &[String]) -> io::Result<()> {
        for (i, c) in columns.iter().enumerate() {
            if i > 0 {
                self.out.write_all(b"\t")?;
            }
            self.field(c)?;
        }
        self.out.write_all(b"\n")
    }

    fn row(&mut self, row: &[Cell]) -> io::Result<()> {
        for (i, c) in row.iter().enumerate() {
            if i > 0 {
                self.out.write_all(b"\t")?;
            }
            if let Some(t) = c.as_text() {
                self.field(&t)?;
            }
        }
        self.out.write_all(b"\n")
    }

    fn end(&mut self, _total: u64) -> io::Result<()> {
        self.out.flush()
    }
}

/// A GitHub-flavoured Markdown table.
pub struct Markdown<W: Write> {
    out: W,
}

impl<W: Write> Markdown<W> {
    pub fn new(out: W) -> Markdown<W> {
        Markdown { out }
    }
}

fn md_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('\n', "<br>")
}

impl<W: Write> Sink for Markdown<W> {
    fn begin(&mut self, columns: &[String]) -> io::Result<()> {
        let head: Vec<String> = columns.iter().map(|c| md_escape(c)).collect();
        writeln!(self.out, "| {} |", head.join(" | "))?;
        writeln!(self.out, "|{}|", vec!["---"; columns.len()].join("|"))
    }

    fn row(&mut self, row: &[Cell]) -> io::Result<()> {
        let cells: Vec<String> = row
            .iter()
            .map(|c| {
                c.as_text()
                    .map_or_else(|| "NULL".to_string(), |t| md_escape(&t))
            })
            .collect();
        writeln!(self.out, "| {} |", cells.join(" | "))
    }

    fn end(&mut self, _total: u64) -> io::Result<()> {
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::{Delimited, Sink};
    use crate::store::Cell;

    fn delimited(delimiter: u8, rows: &[Vec<Cell>]) -> String {
        let mut out = Vec::new();
        let mut sink = Delimited::new(&mut out, delimiter);
        sink.begin(&["a".into(), "b".into()]).unwrap();
        for r in rows {
            sink.row(r).unwrap();
        }
        sink.end(rows.len() as u64).unwrap();
        drop(sink);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn delimited_rows_quote_what_needs_it_and_show_null_as_empty() {
        let rows = vec![
            vec![Cell::Text("x, \"y\"\nz".into()), Cell::Null],
            vec![Cell::Int(-3), Cell::Real(0.5)],
            vec![Cell::Null, Cell::Text("plain".into())],
        ];
        assert_eq!(
            delimited(b',', &rows),
            "a,b\n\"x, \"\"y\"\"\nz\",\n-3,0.5\n,plain\n"
        );
        let mut out = Vec::new();
        let mut sink = super::Tsv::new(&mut out);
        sink.begin(&["a".into(), "b".into()]).unwrap();
        for r in &rows {
            sink.row(r).unwrap();
        }
        sink.row(&[
            Cell::Text("tab\there\\".into()),
            Cell::Text("two\r\nlines".into()),
        ])
        .unwrap();
        sink.end(4).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "a\tb\nx, \"y\"\\nz\t\n-3\t0.5\n\tplain\ntab\\there\\\\\ttwo\\r\\nlines\n"
        );
        // A record of one empty field is `""`, not an empty line.
        let mut out = Vec::new();
        let mut sink = Delimited::new(&mut out, b',');
        sink.begin(&["note".into()]).unwrap();
        sink.row(&[Cell::Null]).unwrap();
        sink.end(1).unwrap();
        drop(sink);
        assert_eq!(String::from_utf8(out).unwrap(), "note\n\"\"\n");
    }
}
