//! Golden tests of the query language, in the style of PRQL's `tests/integration/queries.rs`.
//!
//! In: every `tests/queries/<corpus>/*.cq` script. Each corpus is built ONCE, through the real
//! build path (`corpus::load_dir` then `store::build` into a temporary file), and opened with
//! `Engine::open`. Out: for each script, the text of what its statements produce (the compiled
//! SQL, its bound parameters and the rows as CSV; or the rendered diagnostics), compared with the
//! `<name>.out` file next to it. Every failing case of a corpus is reported, with a line diff,
//! before the test fails.
//!
//! `UPDATE_GOLDEN=1 cargo test --test golden` rewrites the `.out` files instead of comparing.
//!
//! Lines of a `.cq` the harness reads (the query language sees them as comments):
//! - `-- param: NAME=VALUE` sets `$NAME` as `--param NAME=VALUE` would;
//! - `-- FIXME: ...` marks a known wrong output: the paragraph it opens (up to a bare `--` line or
//!   the first line that is not a comment) is copied to the top of the `.out`, so that the mark
//!   survives `UPDATE_GOLDEN=1` and the wrong output stays visible next to what is expected.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use concord::diag::{self, Diagnostic};
use concord::engine::{Engine, Prepared};
use concord::render::{Delimited, Sink};
use concord::resolve::Env;
use concord::store::{Card, Cell, Rows};
use concord::syntax::Statement;

#[test]
fn osce() {
    run_corpus("osce", &manifest_dir().join("examples/osce"));
}

#[test]
fn climate() {
    run_corpus("climate", &manifest_dir().join("tests/fixtures/climate"));
}

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn update_mode() -> bool {
    std::env::var("UPDATE_GOLDEN").is_ok_and(|v| !v.is_empty() && v != "0")
}

/// Builds the store of the corpus at `dir` into `tmp` and opens it.
fn open_corpus(dir: &Path, tmp: &Path) -> Engine {
    let corpus = concord::corpus::load_dir(dir).unwrap_or_else(|errs| {
        let all: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
        panic!("corpus {} is invalid:\n{}", dir.display(), all.join("\n"))
    });
    let db = tmp.join("store.db");
    concord::store::build(&corpus, Some(dir), &db, &mut |_, _| {})
        .unwrap_or_else(|e| panic!("building {}: {e}", dir.display()));
    Engine::open(&db).unwrap_or_else(|e| panic!("opening {}: {e}", db.display()))
}

/// The `.cq` files of `dir`, sorted.
fn cases(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("readable directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "cq"))
        .collect();
    files.sort();
    files
}

/// Runs every case of one corpus; panics once, listing every failure.
fn run_corpus(name: &str, corpus_dir: &Path) {
    let tmp = tempfile::tempdir().expect("a temporary directory");
    let mut engine = open_corpus(corpus_dir, tmp.path());
    let qdir = manifest_dir().join("tests/queries").join(name);
    let cases = cases(&qdir);
    assert!(!cases.is_empty(), "no .cq files in {}", qdir.display());
    let mut failures = orphans(&qdir);
    for case in &cases {
        let src = std::fs::read_to_string(case).expect("a readable .cq file");
        if !src.starts_with("--") {
            let name = case.file_name().unwrap_or_default().to_string_lossy();
            failures.push(format!(
                "=== {name}: must open with `--` comments saying what it asks and why the rows are right\n"
            ));
        }
        let actual = run_case(&mut engine, &src);
        if let Some(f) = check(case, &actual) {
            failures.push(f);
        }
    }
    if !failures.is_empty() {
        panic!(
            "{} of {} golden case(s) of `{name}` failed (run with UPDATE_GOLDEN=1 to accept the new output):\n\n{}",
            failures.len(),
            cases.len(),
            failures.join("\n")
        );
    }
}

/// `.out` files whose `.cq` is gone.
fn orphans(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).expect("readable queries directory") {
        let p = e.expect("readable directory entry").path();
        if p.extension().is_some_and(|x| x == "out") && !p.with_extension("cq").exists() {
            out.push(format!("{}: no .cq next to this .out\n", p.display()));
        }
    }
    out
}

/// Compares (or, with `UPDATE_GOLDEN`, writes) the `.out` of `case`; a failure's report.
fn check(case: &Path, actual: &str) -> Option<String> {
    let out = case.with_extension("out");
    let expected = std::fs::read_to_string(&out).ok();
    if update_mode() {
        if expected.as_deref() != Some(actual) {
            std::fs::write(&out, actual).expect("a writable .out file");
        }
        return None;
    }
    let name = case.file_name().unwrap_or_default().to_string_lossy();
    match expected {
        Some(e) if e == actual => None,
        Some(e) => Some(format!(
            "=== {name}: differs (- expected, + actual)\n{}",
            diff(&e, actual)
        )),
        None => Some(format!(
            "=== {name}: no {} yet; actual output:\n{actual}",
            out.display()
        )),
    }
}

/// Runs a script with fresh parameters and `let` sets; the text its `.out` holds.
fn run_case(engine: &mut Engine, src: &str) -> String {
    engine.env = Env::default();
    let mut out = String::new();
    let mut in_fixme = false;
    for line in src.lines().map(str::trim) {
        // A FIXME paragraph runs to a bare `--` or the first line that is not a comment.
        in_fixme = line.starts_with("-- FIXME") || (in_fixme && line.starts_with("-- "));
        if in_fixme {
            out.push_str(line);
            out.push('\n');
        } else if let Some(p) = line.strip_prefix("-- param:") {
            let (k, v) = p.split_once('=').expect("`-- param: NAME=VALUE`");
            engine
                .env
                .params
                .insert(k.trim().to_string(), v.trim().to_string());
        }
    }
    let statements = match Engine::parse(src) {
        Ok(st) => st,
        Err(ds) => return out + &error_block(src, &ds),
    };
    if statements.is_empty() {
        return out + "-- HARNESS: the script holds no statement\n";
    }
    let many = statements.len() > 1;
    for (i, st) in statements.iter().enumerate() {
        if many {
            let text = &src[st.span.start..st.span.end];
            let one_line: Vec<&str> = text.split_whitespace().collect();
            let _ = writeln!(out, "-- statement {}: {}", i + 1, one_line.join(" "));
        }
        out += &run_statement(engine, src, st);
    }
    out
}

/// What one statement produces.
fn run_statement(engine: &mut Engine, src: &str, st: &Statement) -> String {
    let prepared = match engine.prepare(st) {
        Ok(p) => p,
        Err(ds) => return error_block(src, &ds),
    };
    match prepared {
        Prepared::Query { sql, .. } => {
            let mut out = sql_block(&sql);
            match engine.store().rows(&sql) {
                Ok(rows) => out += &rows_block(&rows),
                // As the CLI does: a failure while running is reported on the whole statement.
                Err(e) => out += &error_block(src, &[Diagnostic::new(e.to_string(), st.span)]),
            }
            out
        }
        Prepared::Explain { sql, plan } => {
            // The plan depends on SQLite's version and statistics: only its presence is checked.
            let plan = if plan.is_empty() {
                "EMPTY"
            } else {
                "present, not compared"
            };
            format!("-- explain\n{}-- query plan: {plan}\n", sql_block(&sql))
        }
        Prepared::Show(card) => card_block(&card),
        Prepared::Let(name) => format!("-- let {name}\n"),
    }
}

fn sql_block(sql: &concord::sql::Sql) -> String {
    let mut out = format!("-- sql\n{}\n-- params\n", sql.text.trim_end());
    if sql.params.is_empty() {
        out.push_str("(none)\n");
    }
    for (i, p) in sql.params.iter().enumerate() {
        let _ = writeln!(out, "?{} = {p}", i + 1);
    }
    out
}

fn error_block(src: &str, ds: &[Diagnostic]) -> String {
    let mut out = String::from("-- error\n");
    for d in ds {
        out += &diag::render(src, d, false);
    }
    out
}

/// Rows as `--format csv` writes them, after a count.
fn rows_block(rows: &Rows) -> String {
    format!(
        "-- rows ({})\n{}",
        rows.rows.len(),
        csv(&rows.columns, &rows.rows)
    )
}

fn csv(columns: &[String], rows: &[Vec<Cell>]) -> String {
    let mut buf = Vec::new();
    {
        let mut sink = Delimited::new(&mut buf, b',');
        sink.begin(columns).expect("CSV into memory");
        for r in rows {
            sink.row(r).expect("CSV into memory");
        }
        sink.end(rows.len() as u64).expect("CSV into memory");
    }
    String::from_utf8(buf).expect("CSV of UTF-8 cells is UTF-8")
}

/// A `show` card: its title, its facts one a line, then each section as CSV (empty ones too).
fn card_block(card: &Card) -> String {
    let mut out = format!("-- show\n{}\n", card.title);
    for (k, v) in &card.facts {
        let _ = writeln!(out, "{k}: {}", v.as_text().unwrap_or_default());
    }
    for s in &card.sections {
        let _ = writeln!(out, "-- section: {} ({})", s.heading, s.rows.rows.len());
        out += &csv(&s.rows.columns, &s.rows.rows);
    }
    out
}

/// A line diff (longest common subsequence), unchanged runs cut to 2 lines of context.
fn diff(expected: &str, actual: &str) -> String {
    let a: Vec<&str> = expected.lines().collect();
    let b: Vec<&str> = actual.lines().collect();
    let (n, m) = (a.len(), b.len());
    let mut lcs = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let mut lines: Vec<(char, &str)> = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            lines.push((' ', a[i]));
            (i, j) = (i + 1, j + 1);
        } else if i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1]) {
            lines.push(('-', a[i]));
            i += 1;
        } else {
            lines.push(('+', b[j]));
            j += 1;
        }
    }
    let near_change = |k: usize| {
        let lo = k.saturating_sub(2);
        let hi = (k + 3).min(lines.len());
        lines[lo..hi].iter().any(|(c, _)| *c != ' ')
    };
    let mut out = String::new();
    let mut skipped = false;
    for (k, (c, l)) in lines.iter().enumerate() {
        if near_change(k) {
            if skipped {
                out.push_str("  ...\n");
            }
            skipped = false;
            let _ = writeln!(out, "{c} {l}");
        } else {
            skipped = true;
        }
    }
    if expected.ends_with('\n') != actual.ends_with('\n') {
        out.push_str("  (the final newline differs)\n");
    }
    out
}
