//! `concord build` of one long document: the cost must grow with the size
//! of the text, not with its square.

mod common;

use std::fmt::Write;
use std::time::{Duration, Instant};

use common::*;

/// Found: writing a store computes each clause's line number by counting the
/// newlines from the start of its file (`Corpus::line_of`, src/corpus/mod.rs,
/// called per record by `line` in src/store/write.rs), so a document of n
/// paragraphs costs O(n × file size). In a debug build, 2 500 / 5 000 /
/// 10 000 / 20 000 one-line paragraphs (1.3 MB) take 1.2 / 4.0 / 11.6 / 39 s,
/// nearly all of it in `memchr::count`; a 23 MB document of 60 000
/// paragraphs did not finish in ten minutes.
#[test]
fn building_a_document_of_20000_paragraphs_takes_seconds_not_minutes() {
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
    let started = Instant::now();
    let r = build(&s.corpus(), &s.db());
    let took = started.elapsed();
    assert!(r.ok(), "{r:?}");
    assert_eq!(int(&open(&s.db()), "SELECT count(*) FROM clauses"), 20_000);
    assert_eq!(
        int(
            &open(&s.db()),
            "SELECT line FROM clauses WHERE label = 'p20000'"
        ),
        4 + 2 * 19_999 + 1
    );
    // About 1.4 MB of text: a linear build takes a second or two even unoptimised.
    assert!(took < Duration::from_secs(15), "building took {took:?}");
}
