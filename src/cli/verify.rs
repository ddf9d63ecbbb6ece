//! `concord verify FILE`: check a draft's citations and quotations against a
//! store, without importing it. Exits 1 when a quotation is altered or has no
//! source. Prints a report as text, or one row per citation found in a row format
//! (`--format json|jsonl|csv|tsv|markdown`); either way each citation is placed at its own
//! line and column in the file.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use concord::cite::{Found, Method, OPENING_MARKS, QuoteCheck, Target};
use concord::engine::Engine;
use concord::render::{self, Format, TableOptions};
use concord::store::Cell;

fn target(t: &Target) -> String {
    match t {
        Target::Document(d) => d.clone(),
        Target::Clause { doc, label } | Target::DocumentLabel { doc, label } => {
            format!("{doc}#{label}")
        }
        Target::Principle(p) => format!("principle {p}"),
        Target::None => "(no source found)".into(),
        Target::Unresolved { name, labels } => match name {
            Some(n) => format!("{labels} of “{n}” (not in the store)"),
            None => format!("{labels} (no document named; unresolved)"),
        },
    }
}

/// What a citation points at, as the store's `to` names it (`doc#label`, a document, a
/// principle); `None` for a quotation without a source and a reference to a document the
/// store does not hold.
fn target_ref(t: &Target) -> Option<String> {
    match t {
        Target::Document(d) | Target::Principle(d) => Some(d.clone()),
        Target::Clause { doc, label } | Target::DocumentLabel { doc, label } => {
            Some(format!("{doc}#{label}"))
        }
        Target::None | Target::Unresolved { .. } => None,
    }
}

/// A paragraph's text with the byte offset of each character: spans count characters, and a
/// paragraph with many citations is sliced without rescanning it from the start each time.
struct Chars<'a> {
    text: &'a str,
    /// The byte offset of each character, then the text's length.
    at: Vec<usize>,
}

impl<'a> Chars<'a> {
    fn new(text: &'a str) -> Chars<'a> {
        let at = text
            .char_indices()
            .map(|(i, _)| i)
            .chain(std::iter::once(text.len()))
            .collect();
        Chars { text, at }
    }

    /// The characters `span` covers.
    fn slice(&self, span: (usize, usize)) -> &'a str {
        let n = self.at.len() - 1;
        let (s, e) = (span.0.min(n), span.1.min(n).max(span.0.min(n)));
        &self.text[self.at[s]..self.at[e]]
    }

    /// The byte offset of character `i` (the text's length past its end).
    fn byte(&self, i: usize) -> usize {
        self.at[i.min(self.at.len() - 1)]
    }

    /// Where a citation starts, as a character index: a quotation at its opening mark (its
    /// span holds only the words inside the marks), anything else at its first word.
    fn start(&self, f: &Found) -> usize {
        let s = f.span.0.min(self.at.len() - 1);
        let quotation = f.quote.is_some() || f.check.is_some();
        let before = s
            .checked_sub(1)
            .and_then(|b| self.text[self.at[b]..self.at[s]].chars().next());
        match before {
            Some(c) if quotation && OPENING_MARKS.contains(&c) => s - 1,
            _ => s,
        }
    }
}

/// Line and column (1-based; the column in characters) of byte offsets in a text.
struct Lines<'a> {
    text: &'a str,
    /// The byte offset where each line starts.
    starts: Vec<usize>,
    /// The last position asked `(byte, column)`: positions come mostly in order, and a
    /// column is counted on from there rather than from the line's start (one long line
    /// of many quotations would be quadratic).
    last: std::cell::Cell<(usize, usize)>,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Lines<'a> {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Lines {
            text,
            starts,
            last: std::cell::Cell::new((0, 1)),
        }
    }

    fn at(&self, byte: usize) -> (usize, usize) {
        let line = self.starts.partition_point(|&s| s <= byte);
        let start = self.starts[line - 1];
        let (last_byte, last_column) = self.last.get();
        let column = if last_byte >= start && last_byte <= byte {
            last_column
                + self
                    .text
                    .get(last_byte..byte)
                    .map_or(0, |t| t.chars().count())
        } else {
            self.text.get(start..byte).map_or(0, |t| t.chars().count()) + 1
        };
        self.last.set((byte, column));
        (line, column)
    }
}

/// One citation found in the draft, placed in the file.
struct Cited<'a> {
    /// The label of the paragraph that holds it (`p2`, `8`).
    label: &'a str,
    line: usize,
    column: usize,
    found: &'a Found,
    /// The draft's words: a quotation's words inside the marks, else the words that cite.
    words: &'a str,
}

impl Cited<'_> {
    fn quotation(&self) -> bool {
        self.found.quote.is_some() || self.found.check.is_some()
    }
}

/// The columns of a citation row.
const COLUMNS: [&str; 8] = [
    "line", "column", "method", "verdict", "target", "quoted", "source", "diff",
];

/// What a quotation changes in its source, as the report words it: "changed: security →
/// defence; added: …; dropped: …"; `None` when it changes nothing.
fn diff(c: &QuoteCheck) -> Option<String> {
    let mut parts = Vec::new();
    if !c.changed.is_empty() {
        let pairs: Vec<String> = c
            .changed
            .iter()
            .map(|(was, now)| format!("{was} → {now}"))
            .collect();
        parts.push(format!("changed: {}", pairs.join(", ")));
    }
    if !c.added.is_empty() {
        parts.push(format!("added: {}", c.added.join(" ")));
    }
    if !c.dropped.is_empty() {
        parts.push(format!("dropped: {}", c.dropped.join(" ")));
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

fn row(c: &Cited<'_>) -> Vec<Cell> {
    let text = |s: Option<String>| s.map_or(Cell::Null, Cell::Text);
    let f = c.found;
    let check = f.check.as_ref();
    vec![
        Cell::Int(c.line as i64),
        Cell::Int(c.column as i64),
        Cell::Text(f.method.as_str().into()),
        // A quotation's verdict as the report gives it in brackets; none for other citations.
        text(c.quotation().then(|| {
            check
                .map_or("unverified", |k| k.verdict.as_str())
                .to_string()
        })),
        text(target_ref(&f.target)),
        Cell::Text(c.words.to_string()),
        text(check.and_then(|k| k.source_text.clone())),
        text(check.and_then(diff)),
    ]
}

/// The citations as rows through the format's sink.
fn write_rows(out: &mut dyn Write, format: Format, cited: &[Cited<'_>]) -> io::Result<()> {
    let Some(mut sink) = render::sink(format, out, TableOptions::default()) else {
        return Err(io::Error::other(format!(
            "verify cannot write --format {}",
            format.name()
        )));
    };
    let columns: Vec<String> = COLUMNS.iter().map(|c| c.to_string()).collect();
    sink.begin(&columns)?;
    for c in cited {
        sink.row(&row(c))?;
    }
    sink.end(cited.len() as u64)
}

struct Tally {
    citations: usize,
    quotations: usize,
    verified: usize,
    altered: usize,
    unverified: usize,
}

fn print_quote(out: &mut dyn Write, c: &Cited<'_>, color: bool) -> io::Result<()> {
    let f = c.found;
    let check = f.check.as_ref();
    let verdict = check.map_or("unverified", |c| c.verdict.as_str());
    let paint = |code: &str, s: &str| {
        if color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    };
    let mark = match f.method {
        Method::QuoteExact | Method::QuoteNormalized => paint("32", "ok"),
        Method::QuoteNear => paint("1;33", "ALTERED"),
        _ => paint("1;31", "NO SOURCE"),
    };
    writeln!(
        out,
        "{}:{}:{} quotation {mark} ({verdict}, confidence {:.2}) → {}",
        c.label,
        c.line,
        c.column,
        f.confidence,
        target(&f.target)
    )?;
    writeln!(out, "    quoted: “{}”", c.words)?;
    if let Some(c) = check {
        if let Some(src) = &c.source_text {
            writeln!(out, "    source: {src}")?;
        }
        for (was, now) in &c.changed {
            writeln!(
                out,
                "    changed: {} → {}",
                paint("31", was),
                paint("32", now)
            )?;
        }
        if !c.added.is_empty() {
            writeln!(out, "    added: {}", c.added.join(" "))?;
        }
        if !c.dropped.is_empty() {
            writeln!(out, "    dropped: {}", c.dropped.join(" "))?;
        }
        if let Some(u) = &c.wording_until {
            writeln!(out, "    wording: as in force until {u}")?;
        }
        if !c.co_quoted.is_empty() {
            writeln!(out, "    also quoted by: {}", c.co_quoted.join(", "))?;
        }
    }
    Ok(())
}

pub fn verify(
    file: &Path,
    db: Option<PathBuf>,
    date: Option<&str>,
    format: Format,
    color: bool,
) -> ExitCode {
    let date = match date.map(|d| (d, concord::corpus::Date::parse(d.trim()))) {
        Some((_, Some(d))) => Some(d),
        Some((d, None)) => {
            eprintln!(
                "error: --date {d}: not a date (dates are `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, and must exist in the calendar)"
            );
            return ExitCode::from(2);
        }
        None => None,
    };
    let draft = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {}: {e}", file.display());
            return ExitCode::from(1);
        }
    };
    let engine = match db {
        Some(p) => Engine::open(&p).map_err(|e| e.to_string()),
        None => Engine::example(),
    };
    let engine = match engine {
        Ok(e) => e,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    let paragraphs = match engine.store().verify(&draft, date) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    let lines = Lines::new(&draft);
    let mut cited = Vec::new();
    for p in &paragraphs {
        let chars = Chars::new(&p.text);
        for f in &p.found {
            let (line, column) = lines.at(p.offset + chars.byte(chars.start(f)));
            cited.push(Cited {
                label: &p.label,
                line,
                column,
                found: f,
                words: f.quote.as_deref().unwrap_or_else(|| chars.slice(f.span)),
            });
        }
    }
    let mut t = Tally {
        citations: cited.len(),
        quotations: 0,
        verified: 0,
        altered: 0,
        unverified: 0,
    };
    for c in cited.iter().filter(|c| c.quotation()) {
        t.quotations += 1;
        match c.found.method {
            Method::QuoteExact | Method::QuoteNormalized => t.verified += 1,
            Method::QuoteNear => t.altered += 1,
            _ => t.unverified += 1,
        }
    }
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let written = match format {
        Format::Table => write_report(&mut out, &cited, &t, color),
        _ => write_rows(&mut out, format, &cited),
    }
    .and_then(|()| out.flush());
    match written {
        Ok(()) => {}
        // The reader went away (`concord verify ... | head`): not an error.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => return ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: cannot write the report: {e}");
            return ExitCode::from(1);
        }
    }
    if t.altered + t.unverified > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The report as text: a line (and, for a quotation, its comparison) per citation, then the
/// tally.
fn write_report(
    out: &mut dyn Write,
    cited: &[Cited<'_>],
    t: &Tally,
    color: bool,
) -> io::Result<()> {
    for c in cited {
        if c.quotation() {
            print_quote(out, c, color)?;
        } else {
            let f = c.found;
            writeln!(
                out,
                "{}:{}:{} {} “{}” → {} ({:.2})",
                c.label,
                c.line,
                c.column,
                f.method.as_str(),
                c.words,
                target(&f.target),
                f.confidence
            )?;
        }
    }
    writeln!(
        out,
        "{} citations; {} quotations: {} verified, {} altered, {} without a source",
        t.citations, t.quotations, t.verified, t.altered, t.unverified
    )
}
