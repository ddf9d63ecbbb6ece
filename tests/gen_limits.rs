//! `concord gen` refuses what it should not do: write over a folder that holds files, or a
//! corpus too large to write (it used to abort on an allocation failure).

mod common;

use common::{Scratch, list_dir, run};

#[test]
fn gen_does_not_write_over_a_folder_that_holds_files() {
    let s = Scratch::with_example();
    let corpus = s.corpus();
    let before = list_dir(&corpus);
    let documents = std::fs::read(corpus.join("documents.toml")).unwrap();
    let r = run([
        "gen".as_ref(),
        "--documents".as_ref(),
        "40".as_ref(),
        "-o".as_ref(),
        corpus.as_os_str(),
    ]);
    assert_eq!(r.code, Some(1), "{r:?}");
    assert!(r.stderr.contains("is not empty"), "{}", r.stderr);
    assert!(r.stderr.contains("--force"), "{}", r.stderr);
    assert_eq!(list_dir(&corpus), before, "nothing was written");
    assert_eq!(
        std::fs::read(corpus.join("documents.toml")).unwrap(),
        documents
    );
    // An empty folder, or a new one, is written; `--force` writes into a full one.
    let empty = s.out().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let r = run([
        "gen".as_ref(),
        "--documents".as_ref(),
        "40".as_ref(),
        "-o".as_ref(),
        empty.as_os_str(),
    ]);
    assert!(r.ok(), "{r:?}");
    assert!(empty.join("actors.toml").exists());
    let r = run([
        "gen".as_ref(),
        "--documents".as_ref(),
        "40".as_ref(),
        "--force".as_ref(),
        "-o".as_ref(),
        empty.as_os_str(),
    ]);
    assert!(r.ok(), "{r:?}");
    // A file where the folder should be.
    let file = s.out().join("a-file");
    std::fs::write(&file, "x").unwrap();
    let r = run(["gen".as_ref(), "-o".as_ref(), file.as_os_str()]);
    assert_eq!(r.code, Some(1), "{r:?}");
    assert_eq!(std::fs::read(&file).unwrap(), b"x");
}

#[test]
fn gen_refuses_a_corpus_too_large_to_write() {
    let s = Scratch::new();
    let out = s.out().join("big");
    for (flag, value, says) in [
        (
            "--mentions",
            "18446744073709551615",
            "--mentions 18446744073709551615 is more than",
        ),
        (
            "--paragraphs",
            "18446744073709551615",
            "--paragraphs 18446744073709551615 is more than",
        ),
        (
            "--documents",
            "18446744073709551615",
            "--documents 18446744073709551615 is more than",
        ),
    ] {
        let r = run([
            "gen".as_ref(),
            flag.as_ref(),
            value.as_ref(),
            "-o".as_ref(),
            out.as_os_str(),
        ]);
        assert_eq!(r.code, Some(2), "{flag}: {r:?}");
        assert!(r.stderr.contains(says), "{flag}: {}", r.stderr);
        assert!(!out.exists(), "{flag}: nothing is written");
    }
    let r = run([
        "gen".as_ref(),
        "--documents".as_ref(),
        "1000000".as_ref(),
        "--paragraphs".as_ref(),
        "5000".as_ref(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    assert_eq!(r.code, Some(2), "{r:?}");
    assert!(r.stderr.contains("paragraphs, more than"), "{}", r.stderr);
    assert!(!out.exists());
}
