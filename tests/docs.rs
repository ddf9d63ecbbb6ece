//! The language reference cannot drift from the program: every ```concord
//! block of docs/language.md is run by the real binary on the built-in
//! example, and its output must equal the ```text block that follows it.
//! `UPDATE_GOLDEN=1` rewrites the outputs.

use std::path::Path;
use std::process::Command;

/// Runs `query` as `concord -c` on the built-in example; stdout and stderr together.
fn run(query: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_concord"))
        .args(["--color", "never", "-c", query])
        .env("NO_COLOR", "1")
        .output()
        .expect("the concord binary runs");
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    if !out.status.success() {
        text.push_str(&format!(
            "(exit status {})\n",
            out.status.code().unwrap_or(-1)
        ));
    }
    text
}

/// The doc with every ```concord block followed by its actual output.
fn with_outputs(doc: &str) -> (String, usize) {
    let mut out = String::new();
    let mut lines = doc.lines().peekable();
    let mut blocks = 0;
    while let Some(line) = lines.next() {
        out.push_str(line);
        out.push('\n');
        if line.trim() != "```concord" {
            continue;
        }
        let mut query = String::new();
        for l in lines.by_ref() {
            out.push_str(l);
            out.push('\n');
            if l.trim() == "```" {
                break;
            }
            query.push_str(l);
            query.push('\n');
        }
        blocks += 1;
        // Drop the old output block (a blank line, then ```text ... ```).
        let mut ahead = lines.clone();
        if ahead.next().map(str::trim) == Some("") && ahead.next().map(str::trim) == Some("```text")
        {
            lines.next();
            lines.next();
            for l in lines.by_ref() {
                if l.trim() == "```" {
                    break;
                }
            }
        }
        out.push_str("\n```text\n");
        out.push_str(&run(&query));
        out.push_str("```\n");
    }
    (out, blocks)
}

#[test]
fn every_example_of_the_language_reference_prints_what_the_doc_says() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/language.md");
    let doc = std::fs::read_to_string(&path).expect("docs/language.md exists");
    let (expected, blocks) = with_outputs(&doc);
    assert!(
        blocks >= 30,
        "the reference should show every form; found {blocks} examples"
    );
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, expected).expect("docs/language.md is writable");
        return;
    }
    if expected != doc {
        let diff: Vec<String> = doc
            .lines()
            .zip(expected.lines())
            .enumerate()
            .filter(|(_, (a, b))| a != b)
            .take(10)
            .map(|(i, (a, b))| format!("line {}:\n  doc:    {a}\n  actual: {b}", i + 1))
            .collect();
        panic!(
            "docs/language.md differs from concord's output (UPDATE_GOLDEN=1 to refresh):\n{}",
            diff.join("\n")
        );
    }
}
