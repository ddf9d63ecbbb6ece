//! Error golden tests: each `tests/errors/NAME.cq` is run through the real binary, and its
//! rendered diagnostics (stderr) must equal `tests/errors/NAME.err`.
//!
//! A `.cq` file is the query text, after optional directive lines at its top:
//!
//! ```text
//! --! corpus: ambiguous      run against a tiny corpus where an actor and a document share a name
//! --! mode: run              run the text as a script file (`concord run FILE`), not `concord query`
//! --! underline: TEXT        a diagnostic underlines exactly TEXT (one directive per diagnostic, in order)
//! ```
//!
//! The directives are stripped before the text is run, so line numbers in the `.err` files count
//! from the first line of the query. Every case must exit with code 1 and print nothing on stdout.
//! `UPDATE_GOLDEN=1 cargo test --test diagnostics` rewrites the `.err` files; otherwise a mismatch
//! fails with a line diff.
//!
//! Besides the golden text, each `underline:` directive is checked by measurement: the carets
//! must start at the display column of TEXT in the printed source line (a Cyrillic letter is one
//! column, a CJK ideograph two, a tab four) and be exactly as wide, so that a golden file
//! recorded with a wrong underline cannot pass.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use unicode_width::UnicodeWidthStr;

const BIN: &str = env!("CARGO_BIN_EXE_concord");

fn errors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/errors")
}

/// A `.cq` file split into its directives and the query text.
struct Case {
    corpus: Option<String>,
    run_as_script: bool,
    underlines: Vec<String>,
    text: String,
}

fn read_case(name: &str) -> Case {
    let path = errors_dir().join(format!("{name}.cq"));
    let src = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut case = Case {
        corpus: None,
        run_as_script: false,
        underlines: Vec::new(),
        text: String::new(),
    };
    let mut rest = src.as_str();
    while let Some(line) = rest.strip_prefix("--! ") {
        let (line, after) = line.split_once('\n').unwrap_or((line, ""));
        rest = after;
        let (key, value) = line
            .split_once(": ")
            .unwrap_or_else(|| panic!("{name}.cq: bad directive `{line}`"));
        match key {
            "corpus" => case.corpus = Some(value.to_string()),
            "mode" => case.run_as_script = value == "run",
            "underline" => case.underlines.push(value.to_string()),
            _ => panic!("{name}.cq: unknown directive `{key}`"),
        }
    }
    case.text = rest.to_string();
    case
}

/// The tiny corpus where actor `helsinki-group` and document `helsinki-final-act` are both
/// called "Helsinki", built once with `concord build`.
fn ambiguous_store() -> &'static Path {
    static STORE: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, db) = STORE.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let corpus = dir.path().join("corpus");
        std::fs::create_dir(&corpus).expect("corpus dir");
        std::fs::write(
            corpus.join("actors.toml"),
            r#"[[actor]]
id = "helsinki-group"
name = "Helsinki Group"
kind = "group"
aliases = ["Helsinki"]
"#,
        )
        .expect("write actors");
        std::fs::write(
            corpus.join("documents.toml"),
            r#"[[document]]
id = "helsinki-final-act"
title = "Helsinki Final Act"
kind = "treaty"
date = 1975-08-01
authors = ["helsinki-group"]
aliases = ["Helsinki"]

[[document.clause]]
id = "1"
text = "The participating States will respect each other's sovereign equality."
"#,
        )
        .expect("write documents");
        let db = dir.path().join("ambiguous.db");
        let out = Command::new(BIN)
            .arg("build")
            .arg(&corpus)
            .arg("-o")
            .arg(&db)
            .output()
            .expect("run concord build");
        assert!(
            out.status.success(),
            "concord build failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        (dir, db)
    });
    db
}

fn run_case(name: &str, case: &Case) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.env("NO_COLOR", "1").env_remove("COLUMNS");
    let script_dir;
    if case.run_as_script {
        // A relative path, so that the `--> FILE:LINE:COL` lines do not depend on the machine.
        script_dir = tempfile::tempdir().expect("temp dir");
        let file = format!("{name}.cq");
        std::fs::write(script_dir.path().join(&file), &case.text).expect("write script");
        cmd.current_dir(script_dir.path()).arg("run").arg(file);
    } else {
        cmd.arg("query").arg(&case.text);
    }
    match case.corpus.as_deref() {
        None => {}
        Some("ambiguous") => {
            cmd.arg("--db").arg(ambiguous_store());
        }
        Some(other) => panic!("{name}.cq: unknown corpus `{other}`"),
    }
    cmd.arg("--color").arg("never");
    cmd.output().expect("run concord")
}

/// A line diff of expected and actual text, for failure messages.
fn diff(expected: &str, actual: &str) -> String {
    let (e, a): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), actual.lines().collect());
    let mut out = String::new();
    for i in 0..e.len().max(a.len()) {
        match (e.get(i), a.get(i)) {
            (Some(x), Some(y)) if x == y => out += &format!("  {x}\n"),
            (x, y) => {
                if let Some(x) = x {
                    out += &format!("- {x}\n");
                }
                if let Some(y) = y {
                    out += &format!("+ {y}\n");
                }
            }
        }
    }
    if expected.ends_with('\n') != actual.ends_with('\n') {
        out += "(the texts differ in their final newline)\n";
    }
    out
}

/// The (source line, marks line) pairs of every snippet in a rendered diagnostic text:
/// `  N | text` followed by `    | ^^^ label`.
fn snippets(stderr: &str) -> Vec<(String, String)> {
    let lines: Vec<&str> = stderr.lines().collect();
    let mut out = Vec::new();
    for pair in lines.windows(2) {
        let (Some((g1, text)), Some((g2, marks))) =
            (pair[0].split_once('|'), pair[1].split_once('|'))
        else {
            continue;
        };
        let numbered = !g1.trim().is_empty() && g1.trim().bytes().all(|b| b.is_ascii_digit());
        if numbered && g2.trim().is_empty() && g1.len() == g2.len() {
            let strip = |s: &str| s.strip_prefix(' ').unwrap_or(s).to_string();
            out.push((strip(text), strip(marks)));
        }
    }
    out
}

/// Checks that the carets sit exactly under `want` in the printed source line.
fn check_underline(name: &str, source: &str, marks: &str, want: &str) -> Result<(), String> {
    let Some(at) = source.find(want) else {
        return Err(format!(
            "{name}: `{want}` is not on the printed line `{source}`"
        ));
    };
    let col = source[..at].width();
    let width = want.width();
    let expected = format!("{}{}", " ".repeat(col), "^".repeat(width));
    let got_carets: String = marks
        .chars()
        .take_while(|&c| c == ' ' || c == '^')
        .collect();
    if got_carets.trim_end() != expected {
        return Err(format!(
            "{name}: underline of `{want}` is misplaced\n  source: {source}\n  got:    {marks}\n  want:   {expected}"
        ));
    }
    Ok(())
}

fn golden(name: &str) {
    let case = read_case(name);
    let out = run_case(name, &case);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{name}: exit code must be 1; stderr:\n{stderr}"
    );
    assert!(
        stdout.is_empty(),
        "{name}: nothing may be printed on stdout, got:\n{stdout}"
    );
    assert!(
        !stderr.contains("panicked"),
        "{name}: the binary panicked:\n{stderr}"
    );

    let errors = stderr.lines().filter(|l| l.starts_with("error: ")).count();
    assert_eq!(
        errors,
        case.underlines.len().max(1),
        "{name}: expected {} diagnostic(s), got:\n{stderr}",
        case.underlines.len().max(1)
    );
    let snippets = snippets(&stderr);
    assert_eq!(
        snippets.len(),
        errors,
        "{name}: every diagnostic must show its source line and an underline:\n{stderr}"
    );
    for ((source, marks), want) in snippets.iter().zip(&case.underlines) {
        if let Err(msg) = check_underline(name, source, marks, want) {
            panic!("{msg}\nfull stderr:\n{stderr}");
        }
    }

    let path = errors_dir().join(format!("{name}.err"));
    if std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| v == "1") {
        std::fs::write(&path, &stderr).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; run `UPDATE_GOLDEN=1 cargo test --test diagnostics` to create it.\nactual:\n{stderr}",
            path.display()
        )
    });
    if expected != stderr {
        panic!(
            "{name}: the diagnostic differs from {name}.err (- expected, + actual):\n{}",
            diff(&expected, &stderr)
        );
    }
}

macro_rules! golden_tests {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                golden(stringify!($name));
            }
        )*

        /// Every `.cq` in `tests/errors` has a test above, and every test its files.
        #[test]
        fn every_error_file_has_a_test() {
            let listed: Vec<&str> = vec![$(stringify!($name)),*];
            let mut on_disk: Vec<String> = std::fs::read_dir(errors_dir())
                .expect("tests/errors")
                .filter_map(|e| e.ok())
                .filter_map(|e| e.file_name().to_str()?.strip_suffix(".cq").map(String::from))
                .collect();
            on_disk.sort();
            let mut want: Vec<String> = listed.iter().map(|s| s.to_string()).collect();
            want.sort();
            assert_eq!(on_disk, want, "add new .cq files to golden_tests! in tests/diagnostics.rs");
        }
    };
}

golden_tests! {
    unknown_actor,
    unknown_field,
    unknown_field_actors,
    filter_not_applicable,
    misspelt_filter,
    misspelt_keyword,
    ambiguous_name,
    malformed_date,
    malformed_date_in_value,
    unclosed_string,
    unclosed_paren,
    keyword_as_value,
    unknown_relation,
    unknown_clause,
    unknown_param,
    unknown_principle_in_value,
    cyrillic_unknown_actor,
    cyrillic_unknown_field,
    cjk_before_error,
    cjk_unknown_name,
    tab_before_error,
    two_broken_statements,
    script_two_syntax_errors,
}

/// The measurement above must itself be able to fail: a caret line off by one is caught.
#[test]
fn underline_check_rejects_a_misplaced_underline() {
    let source = "clauses cited-by Лавровв";
    let right = format!("{}{}", " ".repeat(17), "^".repeat(7));
    assert!(check_underline("self-test", source, &right, "Лавровв").is_ok());
    // Counting bytes instead of characters would put the carets 7 columns further right.
    let bytes = format!("{}{}", " ".repeat(17), "^".repeat("Лавровв".len()));
    assert!(check_underline("self-test", source, &bytes, "Лавровв").is_err());
    let cjk = "clauses where text ~ \"中文\" and txt = 1";
    let chars_not_columns = format!("{}^^^", " ".repeat(30));
    assert!(check_underline("self-test", cjk, &chars_not_columns, "txt").is_err());
    let columns = format!("{}^^^", " ".repeat(32));
    assert!(check_underline("self-test", cjk, &columns, "txt").is_ok());
}

/// The ambiguous name is settled by a kind prefix (the fix the diagnostic suggests).
#[test]
fn ambiguous_name_settled_by_kind_prefix() {
    for q in [
        "clauses cited-by actor Helsinki",
        "clauses cited-by document Helsinki",
        "documents by Helsinki",
    ] {
        let out = Command::new(BIN)
            .args(["query", q, "--format", "csv", "--color", "never", "--db"])
            .arg(ambiguous_store())
            .output()
            .expect("run concord");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{q}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
