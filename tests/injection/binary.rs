//! The injection tests that run the real binary: exit codes, `--param`, `explain`, timing.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use super::fixture::{fixture, snapshot};
use super::{MALFORMED_FTS, PAYLOADS, megabyte, quote, too_common};

const BIN: &str = env!("CARGO_BIN_EXE_concord");

/// A malformed full-text query through the binary: exit code 1, a diagnostic, no panic.
#[test]
fn malformed_full_text_queries_exit_with_code_1() {
    for fts in MALFORMED_FTS {
        let src = format!("clauses where text matches {}", quote(fts));
        let out = concord(&["query", &src], Some(fixture()));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{src}: {stderr}");
        assert!(stderr.starts_with("error: "), "{src}: {stderr}");
        assert!(!stderr.contains("panicked"), "{src}: {stderr}");
    }
}

/// Waits for `child` at most `limit` (its output pipes, if any, must not fill up meanwhile).
fn wait_within(mut child: Child, limit: Duration) -> Option<Output> {
    let started = Instant::now();
    loop {
        match child.try_wait().expect("wait") {
            Some(_) => return Some(child.wait_with_output().expect("output")),
            None if started.elapsed() > limit => {
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
            None => std::thread::sleep(Duration::from_millis(50)),
        }
    }
}

/// Runs the binary on `args` (and `--db`).
fn concord(args: &[&str], db: Option<&Path>) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.args(args).args(["--color", "never"]);
    if let Some(db) = db {
        cmd.arg("--db").arg(db);
    }
    cmd.output().expect("run concord")
}

/// A 1 MB name that names nothing must be reported as unknown quickly, wherever it stands.
/// (The "did you mean" search must not compare a megabyte against every name in the store.)
#[test]
fn megabyte_names_fail_quickly() {
    let dir = tempfile::tempdir().expect("temp dir");
    let name = megabyte("a");
    // The built-in example has a few hundred names to compare with; the fixture a dozen.
    let example = None;
    let small = Some(fixture());
    let cases = [
        (
            "target",
            format!("clauses cited-by {}", quote(&name)),
            example,
        ),
        (
            "field value",
            format!("clauses where principle = {}", quote(&name)),
            example,
        ),
        ("show", format!("show {}", quote(&name)), example),
        ("relation verb", format!("documents {name} pact"), small),
        ("field name", format!("clauses where {name} = 1"), small),
        ("parameter name", format!("clauses cited-by ${name}"), small),
    ];
    // All at once, one deadline: a query that takes longer is killed. Their stderr (which
    // repeats the megabyte) goes to files, so that no pipe fills up and blocks them.
    let limit = Duration::from_secs(30);
    let children: Vec<(&str, Child, PathBuf)> = cases
        .iter()
        .map(|(what, src, db)| {
            let stem = what.replace(' ', "-");
            let file = dir.path().join(format!("{stem}.cq"));
            let err = dir.path().join(format!("{stem}.err"));
            std::fs::write(&file, src).expect("write script");
            let mut cmd = Command::new(BIN);
            cmd.arg("run").arg(&file).args(["--color", "never"]);
            if let Some(db) = db {
                cmd.arg("--db").arg(db);
            }
            let child = cmd
                .stdout(Stdio::null())
                .stderr(std::fs::File::create(&err).expect("stderr file"))
                .spawn()
                .expect("spawn");
            (*what, child, err)
        })
        .collect();
    let started = Instant::now();
    let mut slow = Vec::new();
    for (what, child, err) in children {
        let left = limit.saturating_sub(started.elapsed());
        match wait_within(child, left) {
            None => slow.push(what),
            Some(out) => {
                let stderr = std::fs::read_to_string(&err).expect("stderr");
                assert_eq!(
                    out.status.code(),
                    Some(1),
                    "{what}: {}",
                    &stderr[..200.min(stderr.len())]
                );
                assert!(stderr.starts_with("error: "), "{what}");
                assert!(!stderr.contains("panicked"), "{what}");
            }
        }
    }
    assert!(
        slow.is_empty(),
        "a 1 MB unknown name took over {limit:?} to report as: {slow:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// The binary: parameters from the command line, `explain`, and the store afterwards
// ---------------------------------------------------------------------------------------------

/// `--param` values never reach the SQL text that `explain` prints (only its parameter list),
/// and queries with SQL in their values leave the store file unchanged.
#[test]
fn command_line_values_stay_parameters() {
    let before = snapshot(fixture());
    for payload in PAYLOADS
        .iter()
        .filter(|p| !p.contains('\0') && !too_common(p))
    {
        let param = format!("v={payload}");
        for src in [
            "explain clauses where text ~ $v or label = $v",
            "explain documents where alias in ($v, \"x\")",
        ] {
            let out = concord(&["query", src, "--param", &param], Some(fixture()));
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert_eq!(out.status.code(), Some(0), "{src} with {payload:?}");
            let (sql, params) = stdout
                .split_once("-- parameters")
                .unwrap_or_else(|| panic!("no parameter section in:\n{stdout}"));
            assert!(!sql.contains(payload), "{payload:?} in the SQL:\n{sql}");
            let forms = [
                payload.to_string(),
                concord::fold::fold(payload),
                concord::fold::name_key(payload),
            ];
            assert!(
                forms.iter().any(|f| params.contains(&format!("{f:?}"))),
                "{payload:?} not among the parameters:\n{params}"
            );
        }
        let quoted = quote(payload);
        let out = concord(
            &[
                "query",
                &format!("clauses where text ~ {quoted} or text = $v"),
                "--param",
                &param,
            ],
            Some(fixture()),
        );
        assert_eq!(out.status.code(), Some(0), "{payload:?}");
    }
    assert_eq!(before, snapshot(fixture()), "the store changed");
}

/// A malformed full-text query is the user's text, so its diagnostic underlines that string
/// (not the whole statement) and says it is the full-text syntax that is wrong: SQLite's bare
/// "unterminated string" or "unknown special query" says neither where nor what would be right.
#[test]
fn malformed_full_text_query_diagnostic_underlines_the_query() {
    for fts in MALFORMED_FTS {
        let quoted = quote(fts);
        let src = format!("clauses where text matches {quoted} select ref");
        let out = concord(&["query", &src], Some(fixture()));
        let stderr = String::from_utf8_lossy(&out.stderr);
        let head = stderr.lines().next().unwrap_or("").to_lowercase();
        assert!(
            head.contains("full-text") || head.contains("fts"),
            "{src}: the message must say that the full-text query is malformed:\n{stderr}"
        );
        let col = src.find(&quoted).expect("quoted query in the source");
        let want = format!("{}{}", " ".repeat(col), "^".repeat(quoted.chars().count()));
        let marks = stderr
            .lines()
            .nth(2)
            .and_then(|l| l.split_once("| "))
            .map_or("", |(_, m)| m);
        assert!(
            marks.starts_with(&want) && !marks[want.len()..].starts_with('^'),
            "{src}: the underline must be under {quoted}:\n{stderr}"
        );
    }
}
