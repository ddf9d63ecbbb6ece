//! A store numbers its clauses in reading order: by document, then by
//! position within the document. Queries order clauses by id on the strength
//! of it (no sort where rows are read by id), so every way of writing a store
//! (build, import in place, a generated corpus) is checked to keep it, and
//! the rows of `clauses` to come in that order through the real binary.

mod common;

use std::fs;
use std::path::Path;

use common::{Scratch, generated_store, import, open, query_csv, rows};

/// The clauses of `db` as (id, document id, position, ref), by id.
fn clauses_by_id(db: &Path) -> Vec<(i64, i64, i64, String)> {
    let conn = open(db);
    rows(
        &conn,
        "SELECT c.id, c.document_id, c.position, d.slug || '#' || c.label
         FROM clauses c JOIN documents d ON d.id = c.document_id ORDER BY c.id",
    )
    .into_iter()
    .map(|r| {
        (
            r[0].parse().unwrap(),
            r[1].parse().unwrap(),
            r[2].parse().unwrap(),
            r[3].clone(),
        )
    })
    .collect()
}

/// Checks that ids follow (document, position) in `db`, and that `clauses`
/// lists them in that order; returns how many clauses there were.
fn check_reading_order(db: &Path) -> usize {
    let by_id = clauses_by_id(db);
    for pair in by_id.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        assert!(
            (a.1, a.2) < (b.1, b.2),
            "{}: clause {} ({}, document {} position {}) is numbered before clause {} ({}, document {} position {})",
            db.display(),
            a.0,
            a.3,
            a.1,
            a.2,
            b.0,
            b.3,
            b.1,
            b.2
        );
    }
    let listed: Vec<String> = query_csv(db, "clauses select ref", &[])
        .into_iter()
        .map(|r| r[0].clone())
        .collect();
    let mut expected: Vec<(i64, i64, String)> =
        by_id.into_iter().map(|(_, d, p, r)| (d, p, r)).collect();
    expected.sort();
    let expected: Vec<String> = expected.into_iter().map(|(_, _, r)| r).collect();
    assert_eq!(listed, expected, "{}: `clauses` order", db.display());
    listed.len()
}

#[test]
fn the_example_store_numbers_clauses_in_reading_order_before_and_after_an_import() {
    let s = Scratch::built_example();
    let db = s.db();
    let before = check_reading_order(&db);
    assert!(before > 30, "only {before} clauses");
    let old = clauses_by_id(&db);

    // A file whose path sorts before the others. An import in place keeps
    // every stored clause's id (a saved `show` still points at the same
    // clause) and numbers the new document after all of them, so the order
    // by id is still (document, position).
    let file = s.corpus().join("aa-new.txt");
    fs::write(
        &file,
        "+++\nid = \"aa-new\"\ntitle = \"A new statement\"\nkind = \"statement\"\n\
         date = 2022-02-02\nauthors = [\"lavrov\"]\n+++\nOpening words.\n\n\
         1. The first point.\n\n2. The second point.\n",
    )
    .unwrap();
    let r = import(&[&file], &db);
    assert!(r.ok(), "{r:?}");
    let after = check_reading_order(&db);
    assert_eq!(after, before + 3, "the import added its three clauses");
    let now = clauses_by_id(&db);
    assert_eq!(now[..before], old[..], "stored clauses keep their ids");
    let added: Vec<&str> = now[before..].iter().map(|c| c.3.as_str()).collect();
    assert_eq!(added, ["aa-new#p1", "aa-new#1", "aa-new#2"]);

    // A changed document is written again as a whole: its clauses are
    // numbered last, in their own reading order, and the others keep theirs.
    fs::write(
        &file,
        "+++\nid = \"aa-new\"\ntitle = \"A new statement\"\nkind = \"statement\"\n\
         date = 2022-02-02\nauthors = [\"lavrov\"]\n+++\nOpening words.\n\n\
         1. The first point.\n\n2. The second point.\n\n3. A third point.\n",
    )
    .unwrap();
    let r = import(&[&file], &db);
    assert!(r.ok(), "{r:?}");
    assert_eq!(check_reading_order(&db), before + 4);
    let again = clauses_by_id(&db);
    assert_eq!(again[..before], old[..], "untouched clauses keep their ids");
    let rewritten: Vec<&str> = again[before..].iter().map(|c| c.3.as_str()).collect();
    assert_eq!(rewritten, ["aa-new#p1", "aa-new#1", "aa-new#2", "aa-new#3"]);
}

#[test]
fn a_generated_store_numbers_clauses_in_reading_order() {
    let s = Scratch::new();
    let db = generated_store(&s, 60);
    let n = check_reading_order(&db);
    assert!(n > 1000, "only {n} clauses");
}
