//! Replays the fuzz seeds (`fuzz/seeds/<target>/`) and every crash the
//! fuzzers found (`tests/fuzz_regressions/<target>/`) through the same code
//! as the fuzz targets (`fuzz/harness.rs`), on stable Rust without cargo
//! fuzz. Each input must run without a panic. See docs/hardening.md.

#[path = "../fuzz/harness.rs"]
mod harness;

use std::fs;
use std::panic;
use std::path::{Path, PathBuf};

/// The files of `dir` (none when it does not exist), sorted; dot-files skipped.
fn inputs(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .filter(|p| !p.file_name().unwrap().to_string_lossy().starts_with('.'))
        .collect();
    out.sort();
    out
}

/// Runs every seed and regression of `target` through `run`; reports all
/// inputs that panicked together.
fn replay(target: &str, run: fn(&[u8])) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let seeds = inputs(&root.join("fuzz/seeds").join(target));
    let regressions = inputs(&root.join("tests/fuzz_regressions").join(target));
    assert!(!seeds.is_empty(), "no seeds for the fuzz target {target}");
    let mut failed = Vec::new();
    for path in seeds.iter().chain(&regressions) {
        let data = fs::read(path).unwrap();
        if panic::catch_unwind(|| run(&data)).is_err() {
            failed.push(path.display().to_string());
        }
    }
    eprintln!(
        "{target}: replayed {} seeds and {} regressions",
        seeds.len(),
        regressions.len()
    );
    assert!(
        failed.is_empty(),
        "{} input(s) of the fuzz target {target} panicked:\n{}",
        failed.len(),
        failed.join("\n")
    );
}

#[test]
fn query_seeds_and_regressions_do_not_panic() {
    replay("query", harness::query);
}

#[test]
fn corpus_seeds_and_regressions_do_not_panic() {
    replay("corpus", harness::corpus);
}

#[test]
fn cite_seeds_and_regressions_do_not_panic() {
    replay("cite", harness::cite);
}

/// The splitting of fuzz bytes into corpus files that the seeds rely on.
#[test]
fn corpus_inputs_split_into_files_by_nul() {
    let files = harness::corpus_files(b"0a = 1\x001{}\x002text\x003md\x00\x00");
    let names: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(names, ["f0.toml", "f1.json", "f2.txt", "f3.md"]);
    assert_eq!(files[0].content, "a = 1");
}
