//! The SQL concord prints for PostgreSQL gives the rows SQLite gives.
//!
//! For each corpus of the golden tests (`tests/queries/<corpus>`): the corpus is built into a
//! SQLite store as usual, and copied into a fresh PostgreSQL database by `concord copy`
//! (schema/postgres/ and every table, in one transaction); then every query of the corpus's
//! `.cq` scripts is compiled for both dialects, run on both engines, and the rows compared, in
//! order, PostgreSQL's rows read through `psql` (so that the printer is checked apart from the
//! store's PostgreSQL connection).
//!
//! Then the same through concord itself (`concord_answers_the_same_on_sqlite_and_postgresql`):
//! built by `concord build -o postgres://…`, queried by `concord --db postgres://…`.
//!
//! Needs a PostgreSQL 15 server: `CONCORD_PG_URL` (`bench/pg start` starts one and prints its
//! URL), and `psql`. Without `CONCORD_PG_URL` the test says so on stderr and checks nothing,
//! unless `CONCORD_REQUIRE_PG=1` (`.ci/run` sets it, after starting a server).

mod common;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::pg::{fresh_database, with_database};
use concord::engine::{Engine, Prepared};
use concord::resolve::Env;
use concord::sql::print::Dialect;
use concord::sql::{Param, generate_for};
use concord::store::Cell;

fn server() -> Option<String> {
    common::pg::server("tests/postgres.rs")
}

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `psql` on `url` with `script` on its standard input; its standard output, or a panic
/// with what it printed.
fn psql(url: &str, script: &str, csv: bool) -> String {
    use std::io::Write as _;
    let mut cmd = Command::new("psql");
    cmd.args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url]);
    if csv {
        cmd.args(["--csv", "-t"]);
    }
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("psql runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(script.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "psql failed: {}\n--- script (first 4000 bytes) ---\n{}",
        String::from_utf8_lossy(&out.stderr),
        &script[..script.len().min(4000)]
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Makes the empty database `name` on the server and copies the SQLite store `db` into it
/// with `concord copy`; returns its URL.
fn load(url: &str, name: &str, db: &Path) -> String {
    psql(
        url,
        &format!(
            "DROP DATABASE IF EXISTS {name};\nCREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C.UTF-8';\n"
        ),
        false,
    );
    let target = with_database(url, name);
    let out = Command::new(env!("CARGO_BIN_EXE_concord"))
        .arg("copy")
        .arg(db)
        .arg(&target)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "concord copy: {said}");
    assert!(
        said.contains("copied") && said.contains("20 tables"),
        "{said}"
    );
    // A second copy into the same database is refused and changes nothing.
    let again = Command::new(env!("CARGO_BIN_EXE_concord"))
        .arg("copy")
        .arg(db)
        .arg(&target)
        .output()
        .unwrap();
    assert!(
        !again.status.success()
            && String::from_utf8_lossy(&again.stderr).contains("already holds a concord store"),
        "{again:?}"
    );
    target
}

/// `param` as a literal of its type, for `EXECUTE`.
fn literal(p: &Param) -> String {
    match p {
        Param::Text(s) => format!("'{}'::text", s.replace('\'', "''")),
        Param::Int(i) => format!("{i}::bigint"),
        Param::Real(r) => format!("{r}::float8"),
    }
}

/// A SQLite cell as PostgreSQL's `--csv` prints the same value (NULL and '' alike); a
/// many-valued field joined back with its separator (`sep`), as the column holds it.
fn as_pg(c: &Cell, sep: Option<&str>) -> String {
    match c {
        Cell::Null => String::new(),
        Cell::Int(i) => i.to_string(),
        Cell::Real(r) => format!("{r}"),
        Cell::Text(s) => s.clone(),
        Cell::List(v) => v.join(sep.unwrap_or("\u{1f}")),
    }
}

/// How two engines' rows must agree: in order, or (a query ranked by full-text relevance,
/// which the engines rank each their own way: docs/postgres.md) as a set, or only in number
/// (ranked and cut by a limit, so the engines may keep different rows).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Agree {
    InOrder,
    AsSet,
    InNumber,
}

/// Compiles and runs every query of the corpus's scripts on both engines; the differences.
fn compare(corpus: &str, dir: &Path, url: &str) -> (usize, Vec<String>) {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("store.db");
    let c = concord::corpus::load_dir(dir).unwrap_or_else(|_| panic!("{corpus} loads"));
    concord::store::build(&c, Some(dir), &db, &mut |_, _| {}).unwrap();
    let pg = load(url, &format!("concord_cmp_{corpus}"), &db);
    let mut engine = Engine::open(&db).unwrap();
    let mut scripts: Vec<PathBuf> =
        std::fs::read_dir(manifest_dir().join("tests/queries").join(corpus))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "cq"))
            .collect();
    scripts.sort();
    let (mut compared, mut failures) = (0, Vec::new());
    let mut kinds: std::collections::BTreeMap<String, usize> = Default::default();
    for script in &scripts {
        let src = std::fs::read_to_string(script).unwrap();
        engine.env = Env::default();
        for line in src.lines().map(str::trim) {
            if let Some(p) = line.strip_prefix("-- param:") {
                let (k, v) = p.split_once('=').unwrap();
                engine.env.params.insert(k.trim().into(), v.trim().into());
            }
        }
        let Ok(statements) = Engine::parse(&src) else {
            continue;
        };
        for st in &statements {
            // Statements that fail to compile are the golden tests' error cases.
            let Ok(Prepared::Query { sql, plan, .. }) = engine.prepare(st) else {
                continue;
            };
            let name = format!(
                "{}: {}",
                script.file_name().unwrap().to_string_lossy(),
                src[st.span.start..st.span.end]
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            );
            let Ok(want) = engine.store().rows(&sql) else {
                continue;
            };
            let mut want: Vec<Vec<String>> = want
                .rows
                .iter()
                .map(|r| {
                    r.iter()
                        .enumerate()
                        .map(|(i, c)| as_pg(c, sql.lists.get(i).copied().flatten()))
                        .collect()
                })
                .collect();
            let ranked = sql.text.contains(".rank");
            let agree = match (ranked, plan.limit.is_some()) {
                (false, _) => Agree::InOrder,
                (true, false) => Agree::AsSet,
                (true, true) => Agree::InNumber,
            };
            let pg_sql = generate_for(&plan, Dialect::Postgres);
            let args: Vec<String> = pg_sql.params.iter().map(literal).collect();
            let exec = if args.is_empty() {
                "EXECUTE q;".to_string()
            } else {
                format!("EXECUTE q({});", args.join(", "))
            };
            let script = format!(
                "BEGIN READ ONLY;\nPREPARE q AS {};\n{exec}\nCOMMIT;\n",
                pg_sql.text
            );
            let out = std::panic::catch_unwind(|| psql(&pg, &script, true));
            compared += 1;
            let mut got: Vec<Vec<String>> = match out {
                Ok(text) => csv::ReaderBuilder::new()
                    .has_headers(false)
                    .flexible(true)
                    .from_reader(text.as_bytes())
                    .records()
                    .map(|r| r.unwrap().iter().map(str::to_string).collect())
                    .collect(),
                Err(e) => {
                    let why = e.downcast_ref::<String>().cloned().unwrap_or_default();
                    failures.push(format!(
                        "{name}\n  PostgreSQL failed: {}\n  SQL: {}",
                        why.lines().next().unwrap_or(""),
                        pg_sql.text
                    ));
                    continue;
                }
            };
            match agree {
                Agree::InOrder => {}
                Agree::AsSet => {
                    want.sort();
                    got.sort();
                }
                Agree::InNumber => {
                    if want.len() == got.len() {
                        *kinds.entry(format!("{agree:?}")).or_insert(0) += 1;
                        continue;
                    }
                }
            }
            *kinds.entry(format!("{agree:?}")).or_insert(0) += 1;
            if got != want {
                let first = (0..want.len().max(got.len()))
                    .find(|&i| want.get(i) != got.get(i))
                    .unwrap_or(0);
                failures.push(format!(
                    "{name}\n  {} rows in SQLite, {} in PostgreSQL; first difference at row {first}:\n  SQLite:     {:?}\n  PostgreSQL: {:?}\n  SQL: {}",
                    want.len(),
                    got.len(),
                    want.get(first),
                    got.get(first),
                    pg_sql.text
                ));
            }
        }
    }
    eprintln!("{corpus}: compared {kinds:?}");
    (compared, failures)
}

#[test]
fn golden_queries_give_the_same_rows_on_postgresql() {
    let Some(url) = server() else {
        return;
    };
    let mut report = String::new();
    let mut total = 0;
    for (corpus, dir) in [
        ("osce", manifest_dir().join("examples/osce")),
        ("climate", manifest_dir().join("tests/fixtures/climate")),
    ] {
        let (n, failures) = compare(corpus, &dir, &url);
        total += n;
        eprintln!("{corpus}: {n} queries compared, {} differ", failures.len());
        for f in failures {
            let _ = writeln!(report, "=== {corpus}: {f}");
        }
    }
    assert!(total > 100, "only {total} queries compared");
    assert!(report.is_empty(), "{report}");
}

// ---------------------------------------------------------------------------------------------
// Through concord itself: `concord build -o postgres://…`, then the same statements on both
// ---------------------------------------------------------------------------------------------

/// Runs the concord binary; (status, stdout and stderr together) with the store's name
/// replaced by `STORE`.
fn concord(args: &[&str], store: &str) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_concord"))
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("CONCORD_DB")
        .stdin(Stdio::null())
        .output()
        .expect("the concord binary runs");
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    (
        out.status.code().unwrap_or(-1),
        text.replace(store, "STORE"),
    )
}

/// One statement to run on both engines, and how its outputs must agree.
struct Case {
    name: String,
    args: Vec<String>,
    agree: Agree,
    /// `explain` prints each engine's own plan: only the exit status is compared.
    plan_only: bool,
}

/// The statements of a corpus's golden scripts, one case each, with the script's parameters.
fn golden_cases(corpus: &str, engine: &mut Engine) -> Vec<Case> {
    let mut scripts: Vec<PathBuf> =
        std::fs::read_dir(manifest_dir().join("tests/queries").join(corpus))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "cq"))
            .collect();
    scripts.sort();
    let mut cases = Vec::new();
    for script in &scripts {
        let src = std::fs::read_to_string(script).unwrap();
        let mut params = Vec::new();
        engine.env = Env::default();
        for line in src.lines().map(str::trim) {
            if let Some(p) = line.strip_prefix("-- param:") {
                let (k, v) = p.split_once('=').unwrap();
                params.push(format!("{}={}", k.trim(), v.trim()));
                engine.env.params.insert(k.trim().into(), v.trim().into());
            }
        }
        let file = script.file_name().unwrap().to_string_lossy().into_owned();
        let Ok(statements) = Engine::parse(&src) else {
            // A script with a syntax error runs whole: its diagnostics must agree.
            let mut args = vec!["run".to_string(), script.display().to_string()];
            for p in &params {
                args.extend(["--param".to_string(), p.clone()]);
            }
            cases.push(Case {
                name: file,
                args,
                agree: Agree::InOrder,
                plan_only: false,
            });
            continue;
        };
        // Statement by statement, each after the `let`s before it.
        let mut lets = String::new();
        for st in &statements {
            let own = &src[st.span.start..st.span.end];
            let text = format!("{lets}{own}");
            if matches!(st.kind, concord::syntax::StatementKind::Let { .. }) {
                lets.push_str(own);
                lets.push_str(";\n");
            }
            let (agree, plan_only) = match engine.prepare(st) {
                Ok(Prepared::Query { sql, plan, .. }) => (
                    match (sql.text.contains(".rank"), plan.limit.is_some()) {
                        (false, _) => Agree::InOrder,
                        (true, false) => Agree::AsSet,
                        (true, true) => Agree::InNumber,
                    },
                    false,
                ),
                Ok(Prepared::Explain { .. }) => (Agree::InOrder, true),
                _ => (Agree::InOrder, false),
            };
            let mut args = vec![
                "--color".to_string(),
                "never".into(),
                "--format".into(),
                "json".into(),
                "-c".into(),
                text,
            ];
            for p in &params {
                args.extend(["--param".to_string(), p.clone()]);
            }
            let name = format!(
                "{file}: {}",
                src[st.span.start..st.span.end]
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            );
            // A query's citation graph too (`--format dot`), which reads the store again.
            if !plan_only && matches!(st.kind, concord::syntax::StatementKind::Query(_)) {
                let mut dot = args.clone();
                dot[3] = "dot".into();
                // Ranked and cut by a limit, the engines may keep other rows, so other
                // nodes: only the exit status is compared.
                cases.push(Case {
                    name: format!("{name} (--format dot)"),
                    args: dot,
                    agree,
                    plan_only: agree == Agree::InNumber,
                });
            }
            cases.push(Case {
                name,
                args,
                agree,
                plan_only,
            });
        }
    }
    cases
}

/// How the outputs of `src`'s statements must agree: as the least strict of its statements'.
fn agreement(src: &str, engine: &mut Engine) -> Agree {
    let mut agree = Agree::InOrder;
    engine.env = Env::default();
    for st in Engine::parse(src).unwrap_or_default() {
        if let Ok(Prepared::Query { sql, plan, .. }) = engine.prepare(&st)
            && sql.text.contains(".rank")
        {
            agree = if plan.limit.is_some() {
                Agree::InNumber
            } else if agree == Agree::InOrder {
                Agree::AsSet
            } else {
                agree
            };
        }
    }
    agree
}

/// Every ```concord block of docs/language.md, as the reader sees its output (a table).
fn doc_cases(engine: &mut Engine) -> Vec<Case> {
    let doc = std::fs::read_to_string(manifest_dir().join("docs/language.md")).unwrap();
    let mut cases = Vec::new();
    let mut lines = doc.lines();
    while let Some(line) = lines.next() {
        if line.trim() != "```concord" {
            continue;
        }
        let mut query = String::new();
        for l in lines.by_ref() {
            if l.trim() == "```" {
                break;
            }
            query.push_str(l);
            query.push('\n');
        }
        let explain = query.trim_start().starts_with("explain");
        cases.push(Case {
            name: format!("docs/language.md: {}", query.trim()),
            agree: agreement(&query, engine),
            args: vec!["--color".into(), "never".into(), "-c".into(), query],
            plan_only: explain,
        });
    }
    cases
}

/// The queries the other tests of the suite ask of the example: every string literal of
/// `tests/*.rs` that is a statement the example's store answers (a query, `show`, `compare`),
/// once each. Literals with placeholders (`{}`, `$name`) do not resolve and are left out.
fn suite_cases(engine: &mut Engine) -> Vec<Case> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(manifest_dir().join("tests"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .collect();
    files.sort();
    let starts = [
        "clauses",
        "citations",
        "documents",
        "actors",
        "principles",
        "statements",
        "show ",
        "compare ",
    ];
    let mut seen = std::collections::BTreeSet::new();
    let mut cases = Vec::new();
    for file in &files {
        let src = std::fs::read_to_string(file).unwrap();
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        // Plain string literals, `\"` and `\\` unescaped.
        let mut chars = src.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if c != '"' || src[..i].ends_with('r') || src[..i].ends_with('\'') {
                continue;
            }
            let mut lit = String::new();
            let mut closed = false;
            while let Some((_, c)) = chars.next() {
                match c {
                    '\\' => match chars.next() {
                        Some((_, 'n')) => lit.push('\n'),
                        Some((_, c)) => lit.push(c),
                        None => break,
                    },
                    '"' => {
                        closed = true;
                        break;
                    }
                    c => lit.push(c),
                }
            }
            if !closed || !starts.iter().any(|s| lit.starts_with(s)) || !seen.insert(lit.clone()) {
                continue;
            }
            engine.env = Env::default();
            let Ok(statements) = Engine::parse(&lit) else {
                continue;
            };
            if statements.len() != 1 || engine.prepare(&statements[0]).is_err() {
                continue;
            }
            cases.push(Case {
                name: format!("{name}: {lit}"),
                agree: agreement(&lit, engine),
                args: vec![
                    "--color".into(),
                    "never".into(),
                    "--format".into(),
                    "json".into(),
                    "-c".into(),
                    lit,
                ],
                plan_only: false,
            });
        }
    }
    cases
}

/// The saved scripts of examples/, run whole by `concord run`.
fn example_cases() -> Vec<Case> {
    let mut scripts: Vec<PathBuf> = std::fs::read_dir(manifest_dir().join("examples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "cq"))
        .collect();
    scripts.sort();
    scripts
        .iter()
        .map(|s| Case {
            name: format!("examples/{}", s.file_name().unwrap().to_string_lossy()),
            args: vec![
                "run".into(),
                s.display().to_string(),
                "--color".into(),
                "never".into(),
            ],
            agree: Agree::InOrder,
            plan_only: false,
        })
        .collect()
}

/// Runs every case on the SQLite file and on the PostgreSQL store; the differences.
fn compare_outputs(
    cases: &[Case],
    file: &str,
    url: &str,
    kinds: &mut [usize; 4],
    succeeded: &mut usize,
) -> Vec<String> {
    let mut failures = Vec::new();
    for case in cases {
        let with = |db: &str| {
            let mut args: Vec<&str> = case.args.iter().map(String::as_str).collect();
            if args.first() == Some(&"run") {
                args.extend(["--db", db]);
            } else {
                args.splice(0..0, ["--db", db]);
            }
            concord(&args, db)
        };
        let (a_status, a) = with(file);
        let (b_status, b) = with(url);
        if a_status == 0 {
            *succeeded += 1;
        }
        let same = a_status == b_status
            && (case.plan_only
                || match case.agree {
                    Agree::InOrder => a == b,
                    Agree::AsSet => {
                        // JSON rows one a line, the last without its comma.
                        let rows = |t: &str| -> Vec<String> {
                            t.lines()
                                .map(|l| l.trim_end_matches(',').to_string())
                                .collect()
                        };
                        let (mut x, mut y) = (rows(&a), rows(&b));
                        x.sort_unstable();
                        y.sort_unstable();
                        x == y
                    }
                    Agree::InNumber => a.lines().count() == b.lines().count(),
                });
        kinds[match (case.plan_only, case.agree) {
            (true, _) => 3,
            (_, Agree::InOrder) => 0,
            (_, Agree::AsSet) => 1,
            (_, Agree::InNumber) => 2,
        }] += 1;
        if !same {
            failures.push(format!(
                "{}\n  SQLite (exit {a_status}):\n{a}\n  PostgreSQL (exit {b_status}):\n{b}",
                case.name
            ));
        }
    }
    failures
}

/// The comparison suite: each golden corpus is built twice by `concord build`, into a SQLite
/// file and into a PostgreSQL database, and every golden statement, every example of
/// docs/language.md and every saved script of examples/ is run by the binary on both; the
/// outputs (JSON for the golden statements, the table a reader sees for the rest) must be the
/// same, byte for byte, but where docs/postgres.md says they may differ: rows ranked by
/// full-text relevance (compared as sets, or in number under a limit) and `explain`'s plans.
#[test]
fn concord_answers_the_same_on_sqlite_and_postgresql() {
    let Some(server) = server() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let mut report = String::new();
    let mut total = 0;
    for (corpus, dir) in [
        ("osce", manifest_dir().join("examples/osce")),
        ("climate", manifest_dir().join("tests/fixtures/climate")),
    ] {
        let file = tmp.path().join(format!("{corpus}.db"));
        let file = file.to_str().unwrap();
        let url = fresh_database(&server, &format!("concord_via_{corpus}"));
        for out in [file, url.as_str()] {
            let (status, text) = concord(&["build", dir.to_str().unwrap(), "-o", out], out);
            assert_eq!(status, 0, "build -o {out}: {text}");
            assert!(text.contains("built STORE: "), "{text}");
        }
        let mut engine = Engine::open(Path::new(file)).unwrap();
        let mut cases = golden_cases(corpus, &mut engine);
        if corpus == "osce" {
            cases.extend(doc_cases(&mut engine));
            let suite = suite_cases(&mut engine);
            assert!(
                suite.len() > 50,
                "only {} queries found in tests/*.rs",
                suite.len()
            );
            cases.extend(suite);
            cases.extend(example_cases());
        }
        let (mut kinds, mut succeeded) = ([0; 4], 0);
        let failures = compare_outputs(&cases, file, &url, &mut kinds, &mut succeeded);
        // Most cases answer; the rest are the golden suite's error cases, whose messages
        // must agree too.
        assert!(
            succeeded * 10 > cases.len() * 7,
            "{corpus}: only {succeeded} of {} cases ran without error on SQLite",
            cases.len()
        );
        eprintln!(
            "{corpus}: {} statements and scripts run on both engines, {succeeded} of them without error ({} in order, {} as sets, {} in number, {} explain), {} differ",
            cases.len(),
            kinds[0],
            kinds[1],
            kinds[2],
            kinds[3],
            failures.len()
        );
        total += cases.len();
        for f in failures {
            let _ = writeln!(report, "=== {corpus}: {f}");
        }
    }
    assert!(total > 300, "only {total} cases compared");
    assert!(report.is_empty(), "{report}");
}
