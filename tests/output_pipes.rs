//! Output as filters and files expect it, through the real binary: a closed pipe ends concord
//! quietly with status 0, a table written to a file or a pipe has no row cap (unless
//! `--maxrows` says so), TSV escapes tabs and line breaks inside fields, and `.timer` speaks
//! milliseconds.

mod common;

use std::io::Read;
use std::process::{Command, Stdio};

/// Runs `concord ARGS`, reads `keep` bytes of its output, then closes the pipe; returns its
/// exit code and what it wrote to stderr.
fn closed_early(args: &[&str], keep: usize) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_concord"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut buf = vec![0u8; keep];
    stdout.read_exact(&mut buf).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_closed_pipe_ends_concord_quietly() {
    // Enough rows to fill a pipe's buffer many times over.
    let s = common::Scratch::new();
    let db = common::generated_store(&s, 300);
    let db = db.to_str().unwrap();
    for format in ["table", "csv", "tsv", "json", "jsonl", "markdown"] {
        let (code, stderr) = closed_early(
            &["-c", "clauses", "--format", format, "--maxrows", "0", db],
            100,
        );
        assert_eq!(code, Some(0), "--format {format}: {stderr}");
        assert_eq!(stderr, "", "--format {format}");
    }
}

#[test]
fn a_table_into_a_file_or_a_pipe_has_no_row_cap() {
    // The example holds 80 citations; a terminal would show 40.
    let r = common::run(["-c", "citations"]);
    assert!(r.ok(), "{r:?}");
    assert!(r.stdout.ends_with("80 rows\n"), "{}", r.stdout);
    assert!(r.stdout.matches("lavrov-2022").count() > 40, "{}", r.stdout);
    let r = common::run(["-c", "citations", "--maxrows", "3"]);
    assert!(r.stdout.ends_with("80 rows (3 shown)\n"), "{}", r.stdout);
    // `.maxrows 0` in the shell: no cap either.
    let mut child = common::concord()
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut i = child.stdin.take().unwrap();
        i.write_all(b".maxrows 2\ncitations;\n.maxrows 0\ncitations;\n")
            .unwrap();
    }
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("80 rows (2 shown)\n"), "{text}");
    assert!(text.ends_with("80 rows\n"), "{text}");
}

#[test]
fn tsv_escapes_tabs_and_line_breaks_inside_fields() {
    let s = common::Scratch::new();
    common::write_files(
        &s.corpus(),
        &[(
            "d.toml",
            b"[[document]]\nid = \"d\"\ntitle = \"Tab\\there\"\n[[document.clause]]\nid = \"1\"\ntext = \"one\\ntwo \\\\ three\"\n",
        )],
    );
    let r = common::build(&s.corpus(), &s.db());
    assert!(r.ok(), "{r:?}");
    let r = common::run([
        "-c",
        "clauses in d select ref, text, document",
        "--format",
        "tsv",
        s.db().to_str().unwrap(),
    ]);
    assert!(r.ok(), "{r:?}");
    assert_eq!(
        r.stdout,
        "ref\ttext\tdocument\nd#1\tone\\ntwo \\\\ three\td\n"
    );
    let r = common::run([
        "-c",
        "documents select id, title",
        "--format",
        "tsv",
        s.db().to_str().unwrap(),
    ]);
    assert_eq!(r.stdout, "id\ttitle\nd\tTab\\there\n");
    // Every line has as many fields as the header: `cut` and `awk` can count on it.
    for line in r.stdout.lines() {
        assert_eq!(line.split('\t').count(), 2, "{line:?}");
    }
}

#[test]
fn the_timer_speaks_milliseconds() {
    let mut child = common::concord()
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut i = child.stdin.take().unwrap();
        i.write_all(b".timer on\nclauses limit 1;\n").unwrap();
    }
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    let line = err
        .lines()
        .find(|l| l.starts_with("time: "))
        .unwrap_or_else(|| panic!("{err}"));
    let ms: f64 = line
        .strip_prefix("time: ")
        .and_then(|l| l.strip_suffix(" ms"))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{line}"));
    assert!(ms > 0.0, "{line}");
}

#[test]
fn json_keeps_the_columns_order_and_plain_values() {
    let r = common::run([
        "-c",
        "clauses in istanbul-charter#8 cited-by lavrov select text, ref limit 1",
        "--format",
        "jsonl",
    ]);
    assert!(r.ok(), "{r:?}");
    assert!(
        r.stdout.starts_with("{\"text\":\"We reaffirm"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .trim_end()
            .ends_with("\"ref\":\"istanbul-charter#8.2\"}"),
        "{}",
        r.stdout
    );
    let r = common::run(["-c", "citations by lavrov count by to", "--format", "json"]);
    let first = r.stdout.lines().nth(1).unwrap_or("");
    assert!(first.trim_start().starts_with("{\"to\":"), "{}", r.stdout);
    let r = common::run(["-c", "explain clauses cited-by nato", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(r.stdout.trim()).unwrap();
    assert_eq!(v["params"], serde_json::json!(["nato"]), "{}", r.stdout);
    let r = common::run(["-c", "show istanbul-charter#8.5", "--format", "json"]);
    let facts = r
        .stdout
        .find("\"facts\":{\"document\":")
        .unwrap_or_else(|| panic!("{}", r.stdout));
    assert!(facts > 0);
    let v: serde_json::Value = serde_json::from_str(r.stdout.trim()).unwrap();
    assert_eq!(v["facts"]["label"], "8.5");
}

#[test]
fn the_top_level_takes_the_store_as_db_too() {
    // `concord -c Q --db S` (the subcommands' spelling) runs on S, as `concord -c Q S` does;
    // a store with one more document than the built-in example tells the two apart.
    let s = common::Scratch::built_example();
    let db = s.db();
    let extra = common::statement_citing_paragraph_8(&s, "zz-extra", "2023-01-01", None);
    let added = common::import(&[&extra], &db);
    assert!(added.ok(), "{added:?}");
    let q = ["-c", "documents count", "--format", "csv"];
    let builtin = common::run(q);
    assert_eq!(builtin.stdout, "count\n11\n", "{builtin:?}");
    let by_flag = common::run(q.into_iter().chain(["--db", db.to_str().unwrap()]));
    assert_eq!(by_flag.stdout, "count\n12\n", "{by_flag:?}");
    let by_path = common::run(q.into_iter().chain([db.to_str().unwrap()]));
    assert_eq!(by_path.stdout, by_flag.stdout);
    // Both at once is a usage error, not a silent choice.
    let both =
        common::run(
            q.into_iter()
                .chain(["--db", db.to_str().unwrap(), db.to_str().unwrap()]),
        );
    assert_eq!(both.code, Some(2), "{both:?}");
}
