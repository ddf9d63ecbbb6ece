//! The README cannot drift from the program: every command it shows is run, in order, by a
//! shell in a scratch folder (with `examples/` of this repository beside it and the built
//! `concord` first on the PATH), as a new user would paste it.
//!
//! - In a ```sh block, each line that is not a comment is a command, and must succeed; the
//!   `sqlite> ` and `...> ` lines after one are what is typed into it (its standard input).
//!   `cargo run --release -- ARGS` is run as `concord ARGS`, and `cargo run --release` as
//!   `concord` with no input. Lines that set up other tools or would run for ever are listed in
//!   [`NOT_RUN`] and skipped.
//! - In a plain ``` block, a line `$ COMMAND` is a command, and the lines after it, up to the
//!   next `$` or the end of the block, are its output (stdout, then stderr), compared exactly
//!   when the README shows any. It must succeed unless its output shows an error (`error:`)
//!   or an altered quotation (`ALTERED`, exit 1; in `verify`'s rows, `quote-near` or
//!   `quote-unverified`).

use std::path::Path;
use std::process::Command;

/// Commands the README shows that this test does not run, by how they begin.
const NOT_RUN: &[&str] = &[
    "cargo test",               // this very test suite
    "cargo install",            // writes to ~/.cargo
    "cargo build",              // the test already has the binary
    "python3 -m venv",          // installs Datasette from the network
    "venv/bin/datasette serve", // a server that runs until stopped
];

struct Cmd {
    line: usize,
    text: String,
    /// What is typed into it, if anything.
    input: Option<String>,
    /// The output the README shows, if any.
    output: Option<String>,
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
        match lang.trim() {
            "sh" => {
                for (n, b) in block {
                    let t = b.trim();
                    if t.is_empty() || t.starts_with('#') {
                        continue;
                    }
                    let typed = t
                        .strip_prefix("sqlite> ")
                        .or_else(|| t.strip_prefix("...> "));
                    if let (Some(typed), Some(last)) = (typed, out.last_mut()) {
                        let input: &mut String = last.input.get_or_insert_with(String::new);
                        input.push_str(typed);
                        input.push('\n');
                        continue;
                    }
                    out.push(Cmd {
                        line: n,
                        text: t.to_string(),
                        input: None,
                        output: None,
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
                    });
                }
            }
            _ => {}
        }
    }
    out
}

#[test]
fn every_readme_command_runs_as_printed() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let cmds = commands(&readme);
    assert!(cmds.len() >= 10, "found only {} commands", cmds.len());

    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("readme");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::os::unix::fs::symlink(root.join("examples"), dir.join("examples")).unwrap();
    let bin = Path::new(env!("CARGO_BIN_EXE_concord")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );

    let mut ran = 0;
    let mut failures = Vec::new();
    for c in &cmds {
        if NOT_RUN.iter().any(|p| c.text.starts_with(p)) {
            continue;
        }
        let text = if let Some(rest) = c.text.strip_prefix("cargo run --release -- ") {
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
            eprintln!("README.md:{}: skipped, no `{tool}` here: {text}", c.line);
            continue;
        }
        let mut child = Command::new("sh")
            .args(["-c", &text])
            .current_dir(&dir)
            .env("PATH", &path)
            .env("NO_COLOR", "1")
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
                "README.md:{}: `{}` exited {:?}:\n{got}",
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
                "README.md:{}: `{}` printed\n{got}\n--- but the README shows ---\n{shown}",
                c.line, c.text
            ));
        }
    }
    assert!(ran >= 10, "ran only {ran} commands");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
