//! The saved scripts in `examples/` answer the article's questions: each runs
//! through the real binary on the built-in example, its CSV output must equal
//! `tests/scripts/NAME.out` (`UPDATE_GOLDEN=1` rewrites), and its JSON output
//! must be one valid JSON document.

use std::path::{Path, PathBuf};
use std::process::Command;

fn scripts() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("examples/ exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "cq"))
        .collect();
    v.sort();
    v
}

/// The `--param NAME=VALUE` that a script's comments show it run with (`-- concord run
/// examples/actor.cq --db osce.db --param actor=lavrov`).
fn params(script: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(script).expect("the script reads");
    let mut out = Vec::new();
    for line in text.lines().filter(|l| l.trim_start().starts_with("--")) {
        let mut words = line.split_whitespace();
        while let Some(w) = words.next() {
            if w == "--param"
                && let Some(v) = words.next()
            {
                out.push("--param".to_string());
                out.push(v.trim_end_matches(['.', ',', '`']).to_string());
            }
        }
    }
    out
}

fn run(script: &Path, format: &str) -> (String, String, i32) {
    let out = Command::new(env!("CARGO_BIN_EXE_concord"))
        .args([
            "run",
            script.to_str().expect("utf-8 path"),
            "--format",
            format,
            "--color",
            "never",
        ])
        .args(params(script))
        .output()
        .expect("concord runs");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

#[test]
fn every_saved_script_prints_its_checked_answer() {
    let scripts = scripts();
    assert!(
        scripts.len() >= 4,
        "expected the four article scripts, found {}",
        scripts.len()
    );
    let mut failures = Vec::new();
    for s in &scripts {
        let (stdout, stderr, code) = run(s, "csv");
        assert_eq!(code, 0, "{} failed:\n{stderr}", s.display());
        assert!(
            stderr.is_empty(),
            "{} printed diagnostics:\n{stderr}",
            s.display()
        );
        let name = s.file_stem().and_then(|n| n.to_str()).expect("a file name");
        let expected_path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/scripts")
            .join(format!("{name}.out"));
        if std::env::var_os("UPDATE_GOLDEN").is_some() {
            std::fs::write(&expected_path, &stdout).expect("tests/scripts is writable");
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if expected != stdout {
            failures.push(format!(
                "{}: output differs from {}",
                s.display(),
                expected_path.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_saved_script_prints_valid_json() {
    for s in scripts() {
        let (stdout, stderr, code) = run(&s, "json");
        assert_eq!(code, 0, "{} failed:\n{stderr}", s.display());
        let v: serde_json::Value = serde_json::from_str(&stdout)
            .unwrap_or_else(|e| panic!("{}: not valid JSON ({e}):\n{stdout}", s.display()));
        let results = v
            .as_array()
            .unwrap_or_else(|| panic!("{}: expected an array of results", s.display()));
        assert!(
            results.len() >= 3,
            "{}: {} results",
            s.display(),
            results.len()
        );
    }
}

#[test]
fn paragraph_8_script_shows_what_lavrov_invokes_and_the_us_leaves_out() {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/paragraph-8.cq");
    let (stdout, _, _) = run(&script, "json");
    let v: serde_json::Value = serde_json::from_str(&stdout).expect("valid JSON");
    let refs = |i: usize| -> Vec<String> {
        v[i].as_array()
            .expect("rows")
            .iter()
            .map(|r| r["ref"].as_str().expect("a ref").to_string())
            .collect()
    };
    assert_eq!(
        refs(1),
        [
            "istanbul-charter#8.2",
            "istanbul-charter#8.4",
            "istanbul-charter#8.5"
        ]
    );
    assert_eq!(refs(2), ["istanbul-charter#8.2"]);
    assert_eq!(refs(3), ["istanbul-charter#8.4", "istanbul-charter#8.5"]);
}

#[test]
fn piped_statements_may_carry_dot_commands_like_the_sqlite3_shell() {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_concord"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("concord runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b".format csv\nclauses in istanbul-charter#8 cited-by usa select ref\n.format jsonl\nactors in nato select id\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "ref\nistanbul-charter#8.2\n{\"id\":\"france\"}\n{\"id\":\"germany\"}\n{\"id\":\"usa\"}\n"
    );
}
