//! The README and the docs cannot drift from the program: every command they show is run, in
//! order, by a shell in a scratch folder (with `examples/`, `tests/` and `docs/` of this
//! repository beside it and the built `concord` first on the PATH), as a new user would paste it.
//!
//! - In a ```sh block, each line that is not a comment is a command, and must succeed; the
//!   `sqlite> `, `concord> ` and `...> ` lines after one are what is typed into it (its standard input).
//!   `cargo run --release -- ARGS` and `target/release/concord ARGS` are run as `concord ARGS`,
//!   and `cargo run --release` as `concord` with no input. Lines that set up other tools or would
//!   run for ever are listed in [`NOT_RUN`] and skipped.
//! - A ```sh dev block is a developer's recipe: it reads the data sets beside the clone
//!   (`CONCORD_DATA`, `../shared/data`) or builds tools the tests do not. It runs with
//!   `CONCORD_DOCS_DEV=1` (and the data in place), and is otherwise listed as skipped. A ```sh
//!   long block (fuzzing for hours) is never run here.
//! - A ```sh pg block needs the PostgreSQL server of `bench/pg` (`bench/` is linked into the
//!   scratch folder, and the commands see this build's target folder, where the server lives):
//!   it runs when `CONCORD_PG_URL` says the server is up, as in CI, and is otherwise skipped,
//!   unless `CONCORD_REQUIRE_PG=1`.
//! - In a plain ``` block, a line `$ COMMAND` is a command, and the lines after it, up to the
//!   next `$` or the end of the block, are its output (stdout, then stderr), compared exactly
//!   when the document shows any. It must succeed unless its output shows an error (`error:`)
//!   or an altered quotation (`ALTERED`, exit 1; in `verify`'s rows, `quote-near` or
//!   `quote-unverified`).

use std::path::Path;
use std::process::Command;

/// Commands the README shows that this test does not run, by how they begin.
const NOT_RUN: &[&str] = &[
    "cargo test",               // this very test suite
    "cargo install",            // writes to ~/.cargo
    "cargo build",              // the test already has the binary
    "export CONCORD_DATA=",     // the test passes the environment's own
    "python3 -m venv",          // installs Datasette from the network
    "venv/bin/datasette serve", // a server that runs until stopped
];

struct Cmd {
    line: usize,
    text: String,
    /// What is typed into it, if anything.
    input: Option<String>,
    /// The output the document shows, if any.
    output: Option<String>,
    /// In a ```sh dev block.
    dev: bool,
    /// In a ```sh pg block.
    pg: bool,
}

fn commands(readme: &str) -> Vec<Cmd> {
    let mut out: Vec<Cmd> = Vec::new();
    let mut lines = readme.lines().enumerate().peekable();
    while let Some((_, l)) = lines.next() {
        let Some(lang) = l.trim_start().strip_prefix("```") else {
            continue;
        };
        let mut block: Vec<(usize, &str)> = Vec::new();
        for (n, b) in lines.by_ref() {
            if b.trim_start().starts_with("```") {
                break;
            }
            block.push((n + 1, b));
        }
        let lang = lang.trim();
        let dev = lang == "sh dev";
        let pg = lang == "sh pg";
        match lang {
            "sh long" => {}
            "sh" | "sh dev" | "sh pg" => {
                for (n, b) in block {
                    let t = b.trim();
                    if t.is_empty() || t.starts_with('#') {
                        continue;
                    }
                    // Each line typed at concord's prompt runs on Enter; piped, a blank line
                    // ends it.
                    let (typed, end) = match t.strip_prefix("concord> ") {
                        Some(typed) => (Some(typed), "\n\n"),
                        None => (
                            t.strip_prefix("sqlite> ")
                                .or_else(|| t.strip_prefix("...> ")),
                            "\n",
                        ),
                    };
                    if let (Some(typed), Some(last)) = (typed, out.last_mut()) {
                        let input: &mut String = last.input.get_or_insert_with(String::new);
                        input.push_str(typed);
                        input.push_str(end);
                        continue;
                    }
                    out.push(Cmd {
                        line: n,
                        text: t.to_string(),
                        input: None,
                        output: None,
                        dev,
                        pg,
                    });
                }
            }
            "" => {
                let mut i = 0;
                while i < block.len() {
                    let (n, b) = block[i];
                    i += 1;
                    let Some(cmd) = b.strip_prefix("$ ") else {
                        continue;
                    };
                    let mut shown = Vec::new();
                    while i < block.len() && !block[i].1.starts_with("$ ") {
                        shown.push(block[i].1.trim_end());
                        i += 1;
                    }
                    out.push(Cmd {
                        line: n,
                        text: cmd.trim().to_string(),
                        input: None,
                        output: (!shown.is_empty()).then(|| shown.join("\n")),
                        dev: false,
                        pg: false,
                    });
                }
            }
            _ => {}
        }
    }
    out
}

/// Runs the commands of the document `name` (a path from the repository's root) and returns
/// how many ran; fails the test on any command that fails or prints what the document does
/// not show.
fn run_document(name: &str) -> usize {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let doc = std::fs::read_to_string(root.join(name)).unwrap();
    let cmds = commands(&doc);
    let dev = std::env::var_os("CONCORD_DOCS_DEV").is_some_and(|v| v == "1");

    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("docs")
        .join(name.replace('/', "-"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for shared in ["examples", "tests", "docs", "bench"] {
        std::os::unix::fs::symlink(root.join(shared), dir.join(shared)).unwrap();
    }
    let data = std::env::var_os("CONCORD_DATA")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| root.join("../shared/data"));
    let bin = Path::new(env!("CARGO_BIN_EXE_concord")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );

    let pg = std::env::var_os("CONCORD_PG_URL").is_some_and(|v| !v.is_empty());
    // Where bench/pg keeps the server: CONCORD_PG_TARGET (CI, when it had to put it apart),
    // else this build's target folder.
    let target = std::env::var_os("CONCORD_PG_TARGET")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_TARGET_TMPDIR"))
                .parent()
                .unwrap()
                .to_path_buf()
        });
    let mut ran = 0;
    let mut failures = Vec::new();
    for c in &cmds {
        if c.pg && !pg {
            assert!(
                std::env::var_os("CONCORD_REQUIRE_PG").is_none_or(|v| v != "1"),
                "{name}:{}: CONCORD_PG_URL is not set, and CONCORD_REQUIRE_PG=1 asks for PostgreSQL",
                c.line
            );
            eprintln!(
                "{name}:{}: skipped (needs the server of `bench/pg start`, CONCORD_PG_URL): {}",
                c.line, c.text
            );
            continue;
        }
        if NOT_RUN.iter().any(|p| c.text.starts_with(p)) {
            continue;
        }
        if c.dev && !dev {
            eprintln!(
                "{name}:{}: skipped (a developer's recipe; CONCORD_DOCS_DEV=1 runs it): {}",
                c.line, c.text
            );
            continue;
        }
        let text = if let Some(rest) = c.text.strip_prefix("cargo run --release -- ") {
            format!("concord {rest}")
        } else if let Some(rest) = c.text.strip_prefix("target/release/concord ") {
            format!("concord {rest}")
        } else if c.text == "cargo run --release" {
            "concord < /dev/null".to_string()
        } else {
            c.text.clone()
        };
        // A command that needs a tool this machine lacks (Graphviz, the sqlite3 shell) is
        // skipped, not failed; CI installs both.
        let tool = if text.contains("| dot ") {
            Some("dot")
        } else if text.starts_with("sqlite3 ") {
            Some("sqlite3")
        } else {
            None
        };
        if let Some(tool) = tool
            && !Command::new("sh")
                .args(["-c", &format!("command -v {tool}")])
                .output()
                .is_ok_and(|o| o.status.success())
        {
            eprintln!("{name}:{}: skipped, no `{tool}` here: {text}", c.line);
            continue;
        }
        let mut child = Command::new("sh")
            .args(["-c", &text])
            .current_dir(&dir)
            .env("PATH", &path)
            .env("NO_COLOR", "1")
            .env("CONCORD_DATA", &data)
            .env("CARGO_TARGET_DIR", &target)
            .env_remove("CONCORD_DB")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        {
            use std::io::Write;
            let mut stdin = child.stdin.take().unwrap();
            stdin
                .write_all(c.input.as_deref().unwrap_or("").as_bytes())
                .unwrap();
        }
        let out = child.wait_with_output().unwrap();
        ran += 1;
        let mut got = String::from_utf8_lossy(&out.stdout).into_owned();
        got.push_str(&String::from_utf8_lossy(&out.stderr));
        let got: Vec<&str> = got.lines().map(str::trim_end).collect();
        let got = got.join("\n");
        let shown = c.output.as_deref().unwrap_or("");
        let altered_rows = c.text.starts_with("concord verify ")
            && (shown.contains("quote-near") || shown.contains("quote-unverified"));
        let expect_fail = shown.contains("error:") || shown.contains("ALTERED") || altered_rows;
        if out.status.success() == expect_fail {
            failures.push(format!(
                "{name}:{}: `{}` exited {:?}:\n{got}",
                c.line,
                c.text,
                out.status.code()
            ));
            continue;
        }
        if let Some(shown) = &c.output
            && got.trim_end() != shown.trim_end()
        {
            failures.push(format!(
                "{name}:{}: `{}` printed\n{got}\n--- but the document shows ---\n{shown}",
                c.line, c.text
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    ran
}

#[test]
fn every_readme_command_runs_as_printed() {
    let ran = run_document("README.md");
    assert!(ran >= 10, "ran only {ran} commands");
}

#[test]
fn the_example_corpora_readmes_run_as_printed() {
    assert!(run_document("examples/plain/README.md") >= 3);
    assert!(run_document("examples/open-treaties/README.md") >= 3);
    assert!(run_document("examples/ungdc/README.md") >= 2);
}

#[test]
fn the_docs_commands_run_as_printed() {
    // docs/language.md is run by tests/docs.rs, its outputs compared.
    assert!(run_document("docs/citation-quality.md") >= 2);
    run_document("docs/corpus-format.md");
    run_document("docs/formats.md");
    run_document("docs/hardening.md");
}
