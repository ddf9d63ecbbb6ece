//! Running statements and printing what they produce: the loop shared by
//! `concord query`, `concord run`, `concord -c`, piped input and the REPL.

use std::io::{self, Write};
use std::ops::ControlFlow;
use std::time::Instant;

use concord::diag::{self, Diagnostic};
use concord::engine::{Engine, Prepared};
use concord::render::{self, Format, TableOptions};
use concord::store::StoreError;
use concord::syntax::{Statement, StatementKind};

/// How statements are run and shown.
#[derive(Debug, Clone)]
pub struct Settings {
    pub format: Format,
    pub table: TableOptions,
    /// Stop at the first failed statement.
    pub bail: bool,
    /// Colour diagnostics.
    pub color: bool,
    /// Print the compiled SQL before results (`.sql on`).
    pub echo_sql: bool,
    /// Print how long each statement took (`.timer on`).
    pub timer: bool,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            format: Format::Table,
            table: TableOptions::default(),
            bail: false,
            color: false,
            echo_sql: false,
            timer: false,
        }
    }
}

/// The error a writer gives once the user has pressed Ctrl-C ([`cancelled_error`]): the
/// statement then ends as interrupted.
#[derive(Debug)]
pub struct Cancelled;

impl std::fmt::Display for Cancelled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("interrupted")
    }
}

impl std::error::Error for Cancelled {}

/// An output error that stops the statement as Ctrl-C does.
pub fn cancelled_error() -> io::Error {
    io::Error::other(Cancelled)
}

fn is_cancelled(e: &io::Error) -> bool {
    e.get_ref().is_some_and(|inner| inner.is::<Cancelled>())
}

/// How a run of statements ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Ok,
    /// At least one statement failed.
    Failed,
    /// Cancelled with Ctrl-C.
    Interrupted,
}

impl Status {
    pub fn worst(self, other: Status) -> Status {
        match (self, other) {
            (Status::Interrupted, _) | (_, Status::Interrupted) => Status::Interrupted,
            (Status::Failed, _) | (_, Status::Failed) => Status::Failed,
            _ => Status::Ok,
        }
    }
}

/// The most diagnostics one run of a text (a script, piped input, a line of the shell) prints;
/// the rest are counted, and said in one line at the end.
pub const MAX_DIAGNOSTICS: usize = 10;

/// The diagnostics printed so far, and those left out.
#[derive(Debug, Default)]
pub struct Budget {
    shown: usize,
    errors_left_out: usize,
    warnings_left_out: usize,
}

impl Budget {
    /// `… and 9,990 more errors`, when some were left out.
    fn finish(&self, err: &mut dyn Write) {
        let what = match (self.errors_left_out, self.warnings_left_out) {
            (0, 0) => return,
            (e, 0) => format!("{} more {}", commas(e), plural(e, "error")),
            (0, w) => format!("{} more {}", commas(w), plural(w, "warning")),
            (e, w) => format!(
                "{} more {} and {} more {}",
                commas(e),
                plural(e, "error"),
                commas(w),
                plural(w, "warning")
            ),
        };
        let _ = writeln!(
            err,
            "… and {what} (only the first {MAX_DIAGNOSTICS} are shown)"
        );
    }
}

/// `word`, or its plural (`s` added) unless `n` is 1.
pub(super) fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        word.into()
    } else {
        format!("{word}s")
    }
}

fn commas(n: usize) -> String {
    render::number_with_commas(n as u64)
}

/// Prints diagnostics for `src` on `err`, each followed by where it is when `origin` names a
/// file; past [`MAX_DIAGNOSTICS`] they are only counted in `budget`.
pub fn print_diagnostics(
    err: &mut dyn Write,
    src: &str,
    origin: Option<&str>,
    ds: &[Diagnostic],
    color: bool,
    budget: &mut Budget,
) {
    for d in ds {
        if budget.shown >= MAX_DIAGNOSTICS {
            if d.warning {
                budget.warnings_left_out += 1;
            } else {
                budget.errors_left_out += 1;
            }
            continue;
        }
        budget.shown += 1;
        let text = diag::render(src, d, color);
        let _ = match origin {
            Some(name) => {
                let (line, col) = diag::line_col(src, d.span.start);
                let mut lines = text.splitn(2, '\n');
                let head = lines.next().unwrap_or("");
                write!(
                    err,
                    "{head}\n  --> {}:{line}:{col}\n{}",
                    concord::text::escape_controls(name),
                    lines.next().unwrap_or("")
                )
            }
            None => write!(err, "{text}"),
        };
    }
}

/// Parses and runs every statement of `src`, all of them on one state of the
/// store: an import that commits meanwhile waits for them (or, past the busy
/// timeout, fails and changes nothing).
pub fn run_text(
    engine: &mut Engine,
    src: &str,
    origin: Option<&str>,
    s: &Settings,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Status {
    let began = engine.store().begin_snapshot();
    let status = run_statements(engine, src, origin, s, out, err);
    engine.store().end_snapshot(began);
    status
}

fn run_statements(
    engine: &mut Engine,
    src: &str,
    origin: Option<&str>,
    s: &Settings,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Status {
    let (script, errors) = concord::syntax::parse_script_partial(src);
    let mut errors: Vec<Diagnostic> = errors.iter().map(Diagnostic::from).collect();
    errors.reverse();
    // With several results, `--format json` prints one array holding each result.
    let results = script
        .statements
        .iter()
        .filter(|st| !matches!(st.kind, StatementKind::Let { .. }))
        .count();
    let wrap = s.format == Format::Json && results + errors.len() > 1;
    if wrap {
        let _ = out.write_all(b"[\n");
    }
    let mut status = Status::Ok;
    let mut first = true;
    let budget = &mut Budget::default();
    for st in &script.statements {
        // Errors before this statement belong to statements that did not parse.
        let mut broken = false;
        while let Some(d) = errors.pop_if(|d| d.span.start < st.span.end) {
            broken |= d.span.start >= st.span.start;
            print_diagnostics(err, src, origin, &[d], s.color, budget);
            status = Status::Failed;
        }
        if status == Status::Failed && s.bail {
            break;
        }
        if broken {
            continue;
        }
        if wrap && !matches!(st.kind, StatementKind::Let { .. }) {
            let _ = out.write_all(if first { b"" } else { b",\n" });
            first = false;
        }
        let mut counted = Counting {
            out: &mut *out,
            bytes: 0,
        };
        let one = run_statement(engine, src, st, origin, s, &mut counted, err, budget);
        if wrap && one != Status::Ok && counted.bytes == 0 {
            // Keep the array well-formed: a failed statement that printed nothing is null
            // (one that failed after printing rows closed its own array).
            let _ = out.write_all(b"null\n");
        }
        status = status.worst(one);
        if one == Status::Interrupted || (one == Status::Failed && s.bail) {
            break;
        }
    }
    if !(s.bail && status == Status::Failed) {
        for d in errors.into_iter().rev() {
            print_diagnostics(err, src, origin, &[d], s.color, budget);
            status = status.worst(Status::Failed);
        }
    }
    if wrap {
        let _ = out.write_all(b"]\n");
    }
    budget.finish(err);
    status
}

/// A writer that counts what goes through it.
struct Counting<'a> {
    out: &'a mut dyn Write,
    bytes: u64,
}

impl Write for Counting<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.out.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// Runs one parsed statement; its diagnostics count against `budget`.
#[allow(clippy::too_many_arguments)]
pub fn run_statement(
    engine: &mut Engine,
    src: &str,
    st: &Statement,
    origin: Option<&str>,
    s: &Settings,
    out: &mut dyn Write,
    err: &mut dyn Write,
    budget: &mut Budget,
) -> Status {
    let started = Instant::now();
    // Rows of the result printed (for the message when it is interrupted).
    let mut shown = 0;
    // No reopening here: the statements of one `-c`, `query` or script run
    // all read the store that was opened for it (the open connection keeps
    // reading the file it opened, even once a build has renamed another
    // over its path), so that they answer from one snapshot. The shell
    // reopens a replaced store between inputs (`Repl::run`).
    let prepared = match engine.prepare(st) {
        Ok(p) => p,
        Err(ds) => {
            print_diagnostics(err, src, origin, &ds, s.color, budget);
            return Status::Failed;
        }
    };
    if let Prepared::Query { plan, .. } = &prepared {
        let ws: Vec<Diagnostic> = plan
            .warnings
            .iter()
            .map(|w| Diagnostic::from(w.clone()).into_warning())
            .collect();
        print_diagnostics(err, src, origin, &ws, s.color, budget);
    }
    let result = match prepared {
        Prepared::Query { plan, set, .. } if s.format == Format::Dot => {
            graph(engine, &plan, set, out)
        }
        Prepared::Query { sql, .. } => {
            if s.echo_sql {
                let _ = writeln!(out, "{}\n-- params: {}", sql.text, params_line(&sql.params));
            }
            stream(engine, &sql, s, out, &mut shown)
        }
        Prepared::Explain { sql, plan } if matches!(s.format, Format::Json | Format::Jsonl) => {
            // The values as JSON values (`"nato"`, `3`), not as SQL would print them.
            let params: Vec<serde_json::Value> = sql
                .params
                .iter()
                .map(|p| match p {
                    concord::sql::Param::Text(s) => serde_json::Value::from(s.as_str()),
                    concord::sql::Param::Int(n) => serde_json::Value::from(*n),
                    concord::sql::Param::Real(r) => serde_json::Value::from(*r),
                })
                .collect();
            let v = serde_json::json!({ "sql": sql.text, "params": params, "plan": plan });
            writeln!(out, "{v}").map_err(StoreError::from_io)
        }
        Prepared::Explain { sql, plan } => explain(out, &sql, &plan).map_err(StoreError::from_io),
        Prepared::Show(card) if matches!(s.format, Format::Json | Format::Jsonl) => {
            writeln!(out, "{}", render::card_json(&card)).map_err(StoreError::from_io)
        }
        Prepared::Show(card) => {
            write!(out, "{}", render::card(&card, &s.table)).map_err(StoreError::from_io)
        }
        Prepared::Let(_) => Ok(()),
    };
    let status = match result {
        Ok(()) => Status::Ok,
        // The reader went away (`concord ... | head`): not an error of the statement.
        Err(StoreError::Output(e)) if e.kind() == io::ErrorKind::BrokenPipe => Status::Ok,
        Err(StoreError::Interrupted) => interrupted(err, shown),
        Err(StoreError::Output(e)) if is_cancelled(&e) => interrupted(err, shown),
        Err(e) => {
            let d = Diagnostic::new(e.to_string(), st.span);
            print_diagnostics(err, src, origin, &[d], s.color, budget);
            Status::Failed
        }
    };
    if s.timer {
        let _ = writeln!(
            err,
            "time: {:.3} ms",
            started.elapsed().as_secs_f64() * 1000.0
        );
    }
    status
}

/// Ctrl-C stopped the statement, after `shown` rows of its result were printed.
fn interrupted(err: &mut dyn Write, shown: u64) -> Status {
    let noun = if shown == 1 { "row" } else { "rows" };
    let _ = writeln!(err, "interrupted ({shown} {noun} shown)");
    Status::Interrupted
}

fn params_line(params: &[concord::sql::Param]) -> String {
    if params.is_empty() {
        return "(none)".into();
    }
    params
        .iter()
        .enumerate()
        .map(|(i, p)| format!("?{} = {p}", i + 1))
        .collect::<Vec<_>>()
        .join(", ")
}

fn explain(out: &mut dyn Write, sql: &concord::sql::Sql, plan: &[String]) -> io::Result<()> {
    writeln!(out, "-- SQL\n{};", sql.text)?;
    writeln!(out, "-- parameters")?;
    if sql.params.is_empty() {
        writeln!(out, "(none)")?;
    }
    for (i, p) in sql.params.iter().enumerate() {
        writeln!(out, "?{} = {p}", i + 1)?;
    }
    writeln!(out, "-- query plan")?;
    for line in plan {
        writeln!(out, "{line}")?;
    }
    Ok(())
}

/// Writes the citation and relation graph around a query's result as DOT.
fn graph(
    engine: &Engine,
    plan: &concord::resolve::Plan,
    set: concord::resolve::plan::Set,
    out: &mut dyn Write,
) -> Result<(), StoreError> {
    let ids = concord::sql::generate_ids(plan, engine.store().dialect());
    let edges = engine.store().graph(set, &ids)?;
    let principles = engine
        .catalog()
        .principles
        .iter()
        .map(|p| p.id.clone())
        .collect();
    render::write_dot(out, &edges, &principles).map_err(StoreError::from_io)
}

/// Runs a query and writes its rows through the format's sink as they come; `shown` is set to
/// the rows written out, however it ends. The sink begins (a CSV header, a JSON `[`) only with
/// the first row or once the query has succeeded, so a query that fails before its first row
/// (SQL that does not prepare, an error in the first step) prints nothing; one that fails
/// later closes a JSON array, so the output stays valid JSON.
fn stream(
    engine: &Engine,
    sql: &concord::sql::Sql,
    s: &Settings,
    out: &mut dyn Write,
    shown: &mut u64,
) -> Result<(), StoreError> {
    let Some(mut sink) = render::sink(s.format, &mut *out, s.table) else {
        unreachable!("dot output is drawn by `graph`, before streaming")
    };
    let mut begun = false;
    let mut total = 0u64;
    let mut given = 0u64;
    let mut io_error = None;
    let ran = engine.store().run(sql, |row| {
        total += 1;
        let written = if begun {
            sink.row(&row)
        } else {
            begun = true;
            sink.begin(&sql.columns).and_then(|()| sink.row(&row))
        };
        match written {
            Ok(()) => {
                given += 1;
                ControlFlow::Continue(())
            }
            Err(e) => {
                io_error = Some(e);
                ControlFlow::Break(())
            }
        }
    });
    let result = match (ran, io_error) {
        (Err(e), _) => {
            if begun && s.format == Format::Json {
                // Rows were printed: close the array (the error is on stderr, the exit is 1).
                let _ = sink.end(total);
            }
            Err(e)
        }
        (Ok(_), Some(e)) => Err(StoreError::from_io(e)),
        (Ok(_), None) if begun => sink.end(total).map_err(StoreError::from_io),
        (Ok(_), None) => sink
            .begin(&sql.columns)
            .and_then(|()| sink.end(total))
            .map_err(StoreError::from_io),
    };
    *shown = sink.shown().unwrap_or(given);
    result
}
