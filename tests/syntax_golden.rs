//! Golden tests: each `tests/parse/NAME.cq` parses, and its tree (an S-expression with spans) and
//! canonical text are in `NAME.ast`; each `tests/parse_errors/NAME.cq` fails, and its rendered
//! diagnostics are in `NAME.err`. `UPDATE_GOLDEN=1 cargo test` rewrites the expected files.

use std::fs;
use std::path::{Path, PathBuf};

use concord::diag::{Diagnostic, render};
use concord::syntax::{ClearSpans, parse_script, sexpr};

/// The `.cq` files in `tests/DIR`, sorted.
fn inputs(dir: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(dir);
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "cq"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no .cq files in {}", dir.display());
    files
}

/// Compares `actual` with the file `path`, or writes it there when `UPDATE_GOLDEN` is set.
/// Returns a description of the mismatch, if any.
fn check(path: &Path, actual: &str) -> Option<String> {
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        fs::write(path, actual).expect("write golden file");
        return None;
    }
    let expected = fs::read_to_string(path).unwrap_or_default();
    (expected != actual).then(|| {
        format!(
            "--- {} (expected)\n{expected}\n--- actual\n{actual}\n",
            path.display()
        )
    })
}

fn run(dir: &str, ext: &str, output: impl Fn(&str) -> Result<String, String>) {
    let mut failures = Vec::new();
    for input in inputs(dir) {
        let src = fs::read_to_string(&input).expect("read .cq file");
        match output(&src) {
            Ok(actual) => failures.extend(check(&input.with_extension(ext), &actual)),
            Err(why) => failures.push(format!("{}: {why}", input.display())),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn parse_golden() {
    run("parse", "ast", |src| {
        let script = parse_script(src).map_err(|errors| {
            let rendered: Vec<String> = errors
                .iter()
                .map(|e| render(src, &Diagnostic::from(e), false))
                .collect();
            format!("expected to parse, got:\n{}", rendered.join(""))
        })?;
        let printed = script.to_string();
        let reparsed = parse_script(&printed)
            .map_err(|e| format!("canonical text does not parse: {e:?}\n{printed}"))?;
        if reparsed.without_spans() != script.without_spans() {
            return Err(format!("canonical text parses differently:\n{printed}"));
        }
        Ok(format!("{}\n-- canonical\n{printed}", sexpr(&script)))
    });
}

#[test]
fn parse_errors_golden() {
    run("parse_errors", "err", |src| match parse_script(src) {
        Ok(script) => Err(format!("expected errors, parsed:\n{}", sexpr(&script))),
        Err(errors) => Ok(errors
            .iter()
            .map(|e| render(src, &Diagnostic::from(e), false))
            .collect::<Vec<_>>()
            .join("\n")),
    });
}
