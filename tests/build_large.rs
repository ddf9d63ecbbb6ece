//! `concord build` of larger corpora: one long document (whose cost must grow
//! with the size of its text, not with its square: BENCHMARKS.md measures the
//! growth), and a generated corpus searched for citations on several threads.

mod common;

use std::fmt::Write;

use common::*;

/// Found: writing a store computes each clause's line number by counting the
/// newlines from the start of its file (`Corpus::line_of`, src/corpus/mod.rs,
/// called per record by `line` in src/store/write.rs), so a document of n
/// paragraphs costs O(n × file size). In a debug build, 2 500 / 5 000 /
/// 10 000 / 20 000 one-line paragraphs (1.3 MB) take 1.2 / 4.0 / 11.6 / 39 s,
/// nearly all of it in `memchr::count`; a 23 MB document of 60 000
/// paragraphs did not finish in ten minutes.
#[test]
fn a_document_of_20000_paragraphs_builds_with_its_line_numbers() {
    let s = Scratch::new();
    let mut text = String::from("+++\nid = \"long\"\ntitle = \"A long document\"\n+++\n");
    for i in 0..20_000 {
        writeln!(
            text,
            "Paragraph number {i} says something about security and alliances.\n"
        )
        .unwrap();
    }
    write_files(&s.corpus(), &[("long.txt", text.as_bytes())]);
    let r = build(&s.corpus(), &s.db());
    assert!(r.ok(), "{r:?}");
    assert_eq!(int(&open(&s.db()), "SELECT count(*) FROM clauses"), 20_000);
    assert_eq!(
        int(
            &open(&s.db()),
            "SELECT line FROM clauses WHERE label = 'p20000'"
        ),
        4 + 2 * 19_999 + 1
    );
}

/// The citations of a file store are searched on several threads while one
/// writes them in document order: the store must not depend on the number of
/// threads (`CONCORD_THREADS`), byte for byte.
#[test]
fn a_build_on_several_threads_equals_one_on_a_single_thread() {
    let s = Scratch::new();
    let generated = concord()
        .args([
            "gen",
            "--documents",
            "120",
            "--paragraphs",
            "12",
            "--seed",
            "7",
            "-o",
        ])
        .arg(s.corpus())
        .output()
        .unwrap();
    assert!(
        generated.status.success(),
        "{}",
        String::from_utf8_lossy(&generated.stderr)
    );
    let mut stores = Vec::new();
    for threads in ["1", "2", "5"] {
        let db = s.out().join(format!("t{threads}.db"));
        let out = concord()
            .env("CONCORD_THREADS", threads)
            .args(["build"])
            .arg(s.corpus())
            .arg("-o")
            .arg(&db)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        stores.push(std::fs::read(&db).unwrap());
    }
    let conn = open(&s.out().join("t2.db"));
    let found = int(
        &conn,
        "SELECT count(*) FROM citations WHERE method <> 'curated'",
    );
    assert!(found > 100, "only {found} citations found");
    assert_eq!(column(&conn, "PRAGMA integrity_check"), ["ok"]);
    assert!(
        stores[0] == stores[1],
        "2 threads built another store than 1"
    );
    assert!(
        stores[0] == stores[2],
        "5 threads built another store than 1"
    );
}
