//! Corpus files whose names or keys are odd get clear errors, and deep folders are walked:
//! a file name that is not UTF-8, a JSON key given twice, a statement 2,000 folders down.

mod common;

use common::{Scratch, build, check};

#[cfg(unix)]
#[test]
fn a_file_name_that_is_not_utf8_is_named_in_the_error() {
    use std::os::unix::ffi::OsStrExt;
    let s = Scratch::with_example();
    let name = std::ffi::OsStr::from_bytes(b"bad\xff.txt");
    let path = s.corpus().join("statements").join(name);
    if std::fs::write(&path, "+++\nid = \"x\"\n+++\n").is_err() {
        eprintln!("skipped: this file system refuses names that are not UTF-8");
        return;
    }
    let r = check(&s.corpus());
    assert_eq!(r.code, Some(1), "{r:?}");
    assert!(
        r.stderr
            .contains(r#"the name "bad\xFF.txt" is not UTF-8 text; rename it"#),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("No such file"), "{}", r.stderr);
    let r = build(&s.corpus(), &s.db());
    assert_eq!(r.code, Some(1), "{r:?}");
    assert!(!s.db().exists());
}

#[test]
fn a_json_key_given_twice_is_a_duplicate_not_an_unknown_key() {
    let s = Scratch::with_example();
    std::fs::write(
        s.corpus().join("more.json"),
        r#"{"actor":[{"id":"someone","name":"A","name":"B","kind":"person"}]}"#,
    )
    .unwrap();
    let r = check(&s.corpus());
    assert_eq!(r.code, Some(1), "{r:?}");
    assert!(
        r.stderr.contains("duplicate key `name` in actor"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("more.json:1:"), "{}", r.stderr);
    assert!(!r.stderr.contains("did you mean `name`"), "{}", r.stderr);
}

#[test]
fn a_statement_two_thousand_folders_down_is_found() {
    let s = Scratch::with_example();
    let mut dir = s.corpus().join("deep");
    for _ in 0..2000 {
        dir.push("a");
    }
    if std::fs::create_dir_all(&dir).is_err() {
        eprintln!("skipped: the file system refuses a path this deep");
        return;
    }
    std::fs::write(
        dir.join("deep.md"),
        "+++\nid = \"deep-statement\"\ntitle = \"Deep\"\nkind = \"statement\"\ndate = 2022-03-01\n+++\n\nOne paragraph.\n",
    )
    .unwrap();
    let r = build(&s.corpus(), &s.db());
    assert!(r.ok(), "{r:?}");
    let rows = common::query_csv(
        &s.db(),
        "documents where id = deep-statement select id",
        &[],
    );
    assert_eq!(rows, [["deep-statement"]]);
}
