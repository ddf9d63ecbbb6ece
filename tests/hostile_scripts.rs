//! Scripts and piped input that try to do more than they say, through the real binary: a
//! dot-command hidden in a string literal, a failing dot-command, a byte order mark, a
//! statement that fails after its output would have begun, and diagnostics for a query of
//! thousands of unknown names.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use common::Run;

/// Runs concord in `dir` with `args`, `input` on its standard input.
fn piped(dir: &Path, args: &[&str], input: &[u8]) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_concord"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("concord starts");
    let mut stdin = child.stdin.take().expect("stdin");
    let input = input.to_vec();
    // Written from a thread, so that a large input cannot block against a full stderr pipe.
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let out = child.wait_with_output().expect("concord ends");
    writer.join().expect("the writer ends");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs `concord run FILE ARGS` in `dir`.
fn run_file(dir: &Path, file: &str, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_concord"))
        .arg("run")
        .arg(file)
        .args(args)
        .current_dir(dir)
        .output()
        .expect("concord runs");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

const HIDDEN: &str = "indivisible\n.output victim.txt\ndocuments\n.output\n";

#[test]
fn a_dot_command_inside_a_string_literal_is_part_of_the_string() {
    let s = common::Scratch::new();
    let dir = s.tmp.path();
    let victim = dir.join("victim.txt");
    std::fs::write(&victim, "precious\n").unwrap();
    // The attack of the issue: piped, and as a script file.
    let query = format!("clauses where text ~ \"{HIDDEN}\" count\n");
    let r = piped(dir, &["--format", "csv"], query.as_bytes());
    assert!(r.ok(), "{r:?}");
    // No clause holds the four lines, so the count is 0 (a query cut at the `.output`
    // line would not parse, and `documents` would print 11 rows).
    assert_eq!(r.stdout, "count\n0\n", "{r:?}");
    std::fs::write(dir.join("attack.cq"), &query).unwrap();
    let r = run_file(dir, "attack.cq", &["--format", "csv"]);
    assert_eq!(
        (r.code, r.stdout.as_str()),
        (Some(0), "count\n0\n"),
        "{r:?}"
    );
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious\n");
    assert_eq!(
        common::list_dir(dir),
        ["attack.cq", "corpus", "out", "victim.txt"]
    );

    // The string holds the `.output` line, exactly: `explain` shows the bound value.
    let explain = format!("explain clauses where text ~ \"{HIDDEN}\"\n.format csv\n");
    let r = piped(dir, &["--format", "json"], explain.as_bytes());
    assert!(r.ok(), "{r:?}");
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("one JSON object");
    assert_eq!(v["params"][0], serde_json::json!(HIDDEN), "{v}");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious\n");

    // After `--`, a `.` line is a dot-command again only on a line of its own: a comment
    // ends at its line, while a string goes on.
    let script = "-- a comment \"\n.format csv\ndocuments count\n";
    let r = piped(dir, &[], script.as_bytes());
    assert_eq!(
        (r.code, r.stdout.as_str()),
        (Some(0), "count\n11\n"),
        "{r:?}"
    );
    // A real dot-command after a closed multi-line string still runs.
    let script =
        format!("clauses where text ~ \"{HIDDEN}\" count\n.output out.csv\ndocuments count\n");
    let r = piped(dir, &["--format", "csv"], script.as_bytes());
    assert_eq!(
        (r.code, r.stdout.as_str()),
        (Some(0), "count\n0\n"),
        "{r:?}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("out.csv")).unwrap(),
        "count\n11\n"
    );
}

#[test]
fn an_unclosed_string_swallows_the_dot_commands_after_it() {
    let s = common::Scratch::new();
    let dir = s.tmp.path();
    let r = piped(
        dir,
        &["--format", "csv"],
        b"documents where title ~ \"x\n.output victim.txt\ndocuments\n",
    );
    assert_eq!(r.code, Some(1), "{r:?}");
    assert!(r.stderr.contains("unclosed string"), "{}", r.stderr);
    assert_eq!(r.stdout, "");
    assert!(!dir.join("victim.txt").exists());
}

#[test]
fn a_failing_dot_command_fails_the_script() {
    let s = common::Scratch::new();
    let dir = s.tmp.path();
    let missing = dir.join("no-such.db");
    let missing = missing.to_str().unwrap();
    for (dot, says) in [
        (format!(".open {missing}"), "no-such.db"),
        (
            ".output no-such-dir/out.csv".to_string(),
            "no-such-dir/out.csv",
        ),
        (".read no-such.cq".to_string(), "no-such.cq"),
        (".format yaml".to_string(), "unknown format `yaml`"),
    ] {
        let script = format!("{dot}\ndocuments count\n");
        // Without --bail: the error, the rest runs (on the example), exit 1.
        let r = piped(dir, &["--format", "csv"], script.as_bytes());
        assert_eq!(r.code, Some(1), "{dot}: {r:?}");
        assert!(r.stderr.contains(says), "{dot}: {}", r.stderr);
        assert_eq!(r.stdout, "count\n11\n", "{dot}");
        // With --bail: stops there; the query does not run on the built-in example.
        let r = piped(dir, &["--format", "csv", "--bail"], script.as_bytes());
        assert_eq!(r.code, Some(1), "{dot}: {r:?}");
        assert_eq!(r.stdout, "", "{dot}: ran on after the failure");
        // The same as a script file.
        std::fs::write(dir.join("s.cq"), &script).unwrap();
        let r = run_file(dir, "s.cq", &["--format", "csv", "--bail"]);
        assert_eq!((r.code, r.stdout.as_str()), (Some(1), ""), "{dot}: {r:?}");
        assert!(r.stderr.contains(says), "{dot}: {}", r.stderr);
    }
    assert!(!dir.join("no-such.db").exists());

    // A failing `.open` keeps the previous store: under --bail nothing runs on it either.
    let b = common::Scratch::built_example();
    let db = b.db();
    let script = format!(".open {}\n.open {missing}\ndocuments count\n", db.display());
    let r = piped(dir, &["--format", "csv", "--bail"], script.as_bytes());
    assert_eq!(
        (r.code, r.stdout.contains("count")),
        (Some(1), false),
        "{r:?}"
    );
    assert!(r.stdout.starts_with("opened "), "{r:?}");

    // A statement that fails before a dot-command stops a --bail script too.
    let r = piped(
        dir,
        &["--format", "csv", "--bail"],
        b"documents by nobody-at-all\n.output after.csv\ndocuments count\n",
    );
    assert_eq!((r.code, r.stdout.as_str()), (Some(1), ""), "{r:?}");
    assert!(!dir.join("after.csv").exists());
}

#[test]
fn a_byte_order_mark_at_the_start_of_a_script_is_dropped() {
    let s = common::Scratch::new();
    let dir = s.tmp.path();
    for script in [
        "\u{feff}documents count\n",
        "\u{feff}.format csv\ndocuments count\n",
    ] {
        let r = piped(dir, &["--format", "csv"], script.as_bytes());
        assert_eq!(
            (r.code, r.stdout.as_str()),
            (Some(0), "count\n11\n"),
            "{r:?}"
        );
        assert_eq!(r.stderr, "");
        std::fs::write(dir.join("bom.cq"), script).unwrap();
        let r = run_file(dir, "bom.cq", &["--format", "csv"]);
        assert_eq!(
            (r.code, r.stdout.as_str()),
            (Some(0), "count\n11\n"),
            "{r:?}"
        );
        // `.read` of the same file.
        let r = piped(dir, &["--format", "csv"], b".read bom.cq\n");
        assert_eq!(
            (r.code, r.stdout.as_str()),
            (Some(0), "count\n11\n"),
            "{r:?}"
        );
    }
    // Errors still point at the right column: the mark is not counted.
    std::fs::write(dir.join("bad.cq"), "\u{feff}documents by lavorv\n").unwrap();
    let r = run_file(dir, "bad.cq", &[]);
    assert_eq!(r.code, Some(1));
    assert!(r.stderr.contains("--> bad.cq:1:14"), "{}", r.stderr);
}

/// The built example whose `clauses` table has lost its `text` column (a table of that name
/// is still there, so the store opens): queries of clause text fail when SQLite prepares
/// them, queries of documents still work.
fn store_without_clauses(s: &common::Scratch) -> std::path::PathBuf {
    let r = common::build(&common::example_dir(), &s.db());
    assert!(r.ok(), "{r:?}");
    let conn = rusqlite::Connection::open(s.db()).unwrap();
    conn.execute_batch(
        "PRAGMA foreign_keys = OFF; PRAGMA legacy_alter_table = ON;
         ALTER TABLE clauses RENAME TO clauses_old;
         CREATE TABLE clauses (id INTEGER PRIMARY KEY, document_id INTEGER, label TEXT);",
    )
    .unwrap();
    drop(conn);
    s.db()
}

#[test]
fn a_statement_that_fails_prints_nothing_on_stdout() {
    let s = common::Scratch::new();
    let db = store_without_clauses(&s);
    let db = db.to_str().unwrap();
    for format in ["csv", "tsv", "json", "jsonl", "markdown", "table"] {
        let r = common::run([
            "-c",
            "clauses where text ~ \"security\"",
            "--format",
            format,
            db,
        ]);
        assert_eq!(r.code, Some(1), "{format}: {r:?}");
        assert!(
            r.stderr.contains("no such column"),
            "{format}: {}",
            r.stderr
        );
        assert_eq!(
            r.stdout, "",
            "--format {format}: a failed statement printed"
        );
    }
    // Several statements under --format json: one valid array, the failed result `null`.
    let r = common::run([
        "-c",
        "documents count; clauses where text ~ \"x\" count; documents where id = istanbul-charter",
        "--format",
        "json",
        db,
    ]);
    assert_eq!(r.code, Some(1), "{r:?}");
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("valid JSON");
    assert_eq!(v[0], serde_json::json!([{"count": 11}]), "{v}");
    assert_eq!(v[1], serde_json::Value::Null, "{v}");
    assert_eq!(v[2][0]["id"], "istanbul-charter", "{v}");
    assert_eq!(v.as_array().map(Vec::len), Some(3));
    // The same from a script file, under --bail: the array closes after the failure.
    std::fs::write(
        s.tmp.path().join("two.cq"),
        "documents count;\nclauses where text ~ \"x\" count;\ndocuments count\n",
    )
    .unwrap();
    let r = run_file(
        s.tmp.path(),
        "two.cq",
        &["--format", "json", "--bail", "--db", db],
    );
    assert_eq!(r.code, Some(1), "{r:?}");
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("valid JSON");
    assert_eq!(v, serde_json::json!([[{"count": 11}], null]), "{v}");
    // A query that succeeds with no rows still prints its (empty) result: the header, `[]`.
    let none = "documents where title = \"no such title\"";
    let r = common::run(["-c", none, "--format", "json", db]);
    assert_eq!((r.code, r.stdout.as_str()), (Some(0), "[]\n"), "{r:?}");
    let r = common::run(["-c", none, "--format", "csv", db]);
    assert!(r.ok(), "{r:?}");
    assert!(
        r.stdout.starts_with("id,") && r.stdout.lines().count() == 1,
        "{r:?}"
    );
}

/// The first snippet after the line holding `head`: the quoted text, the display column where
/// its carets start, and how many carets.
fn caret_column(stderr: &str, head: &str) -> Option<(String, usize, usize)> {
    let from = stderr.find(head)?;
    let mut lines = stderr[from..].lines();
    while let Some(line) = lines.next() {
        if line.contains(" | ") {
            let marks = lines.next()?;
            let text = line.split_once(" | ")?.1.to_string();
            let marks = marks.split_once(" |")?.1;
            let marks = marks.strip_prefix(' ').unwrap_or(marks);
            let col = marks.chars().take_while(|&c| c == ' ').count();
            let width = marks.chars().skip(col).take_while(|&c| c == '^').count();
            return Some((text, col, width));
        }
    }
    None
}

#[test]
fn ten_thousand_unknown_names_give_bounded_diagnostics() {
    let s = common::Scratch::new();
    let dir = s.tmp.path();
    let names: Vec<String> = (0..10_000).map(|i| format!("zq{i}")).collect();
    let query = format!("documents by ({})\n", names.join(", "));
    assert!(query.len() > 69_000);
    std::fs::write(dir.join("many.cq"), &query).unwrap();
    let r = run_file(dir, "many.cq", &[]);
    assert_eq!(r.code, Some(1), "{}", &r.stderr[..r.stderr.len().min(2000)]);
    assert_eq!(r.stdout, "");
    assert!(
        r.stderr.len() < 20_000,
        "{} bytes of stderr",
        r.stderr.len()
    );
    assert_eq!(r.stderr.matches("error: unknown actor").count(), 10);
    assert!(
        r.stderr
            .ends_with("… and 9,990 more errors (only the first 10 are shown)\n"),
        "{}",
        &r.stderr[r.stderr.len() - 300..]
    );
    // Each quoted line is a window around its name, and the carets sit under the name.
    for (i, name) in names.iter().take(10).enumerate() {
        let (text, col, width) = caret_column(&r.stderr, &format!("unknown actor `{name}`"))
            .expect("a snippet for each name");
        assert!(text.chars().count() < 200, "{text}");
        let at: String = text.chars().skip(col).take(width).collect();
        assert_eq!(&at, name, "diagnostic {i}: {text}");
        assert!(r.stderr.contains(&format!(
            "--> many.cq:1:{}",
            query.find(&format!("{name},")).unwrap() + 1
        )));
    }

    // Piped: 10,000 statements, each with an unknown name: the same cap for the script.
    let script: String = names
        .iter()
        .map(|n| format!("documents by {n};\n"))
        .collect();
    let r = piped(dir, &[], script.as_bytes());
    assert_eq!(r.code, Some(1));
    assert!(
        r.stderr.len() < 20_000,
        "{} bytes of stderr",
        r.stderr.len()
    );
    assert_eq!(r.stderr.matches("error: unknown actor").count(), 10);
    assert!(
        r.stderr
            .ends_with("… and 9,990 more errors (only the first 10 are shown)\n")
    );
}

#[test]
fn a_mistake_far_along_a_long_line_is_quoted_around_it() {
    let s = common::Scratch::new();
    let dir = s.tmp.path();
    // 100,000 characters of Cyrillic and CJK before the mistake (display widths 1 and 2).
    let filler = "Лавров 中文 ".repeat(10_000);
    let query = format!("documents where title ~ \"{filler}\" and nosuchfield = 1\n");
    let r = piped(dir, &[], query.as_bytes());
    assert_eq!(r.code, Some(1), "{r:?}");
    assert!(r.stderr.len() < 2_000, "{} bytes of stderr", r.stderr.len());
    let (text, col, width) = caret_column(&r.stderr, "nosuchfield").expect("a snippet");
    assert!(text.starts_with('…'), "{text}");
    // Display columns: a CJK ideograph is two wide.
    let mut shown = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = if ('\u{4e00}'..='\u{9fff}').contains(&c) {
            2
        } else {
            1
        };
        if used >= col && used < col + width {
            shown.push(c);
        }
        used += w;
    }
    assert_eq!(shown, "nosuchfield", "{text}");
}
