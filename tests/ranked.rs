//! A limited full-text search picks its best-ranked ids first, then reads the
//! rows of those alone (`sql::generate::ranked_ids_first`). Here each limited
//! query is checked against the same query without a limit, cut by hand: the
//! same rows in the same order, ties included, with and without other
//! conditions, on the example store and on a generated one.

mod common;

use std::path::Path;

use common::{Scratch, generated_store, query_csv};

/// `query` with `limit`/`offset` gives the rows of `query` alone, cut.
fn check(db: &Path, query: &str) -> usize {
    let all = query_csv(db, query, &[]);
    for (limit, offset) in [(1, 0), (3, 0), (5, 2), (50, 7), (1000, 0)] {
        let cut = query_csv(db, &format!("{query} limit {limit} offset {offset}"), &[]);
        let expected: Vec<Vec<String>> = all.iter().skip(offset).take(limit).cloned().collect();
        assert_eq!(
            cut,
            expected,
            "{}: `{query} limit {limit} offset {offset}`",
            db.display()
        );
    }
    all.len()
}

#[test]
fn limited_full_text_searches_keep_the_rank_order_on_the_example() {
    let s = Scratch::built_example();
    let mut found = 0;
    for q in [
        "clauses where text matches \"security\"",
        "clauses where text matches \"security\" select ref",
        "clauses where text matches \"security OR states\" select ref, principle",
        "clauses where text matches \"indivisible security\" and principle = indivisibility",
        "clauses in istanbul-charter where text matches \"security\"",
        "clauses where text matches \"security\" and not (text ~ \"alliance\")",
    ] {
        found += check(&s.db(), q);
    }
    assert!(found > 40, "only {found} rows in all");
}

#[test]
fn limited_full_text_searches_keep_the_rank_order_on_a_generated_store() {
    let s = Scratch::new();
    let db = generated_store(&s, 60);
    let mut found = 0;
    for q in [
        // Generated text repeats its words: many equal ranks, broken by id.
        "clauses where text matches \"security\" select ref",
        "clauses where text matches \"treaty\" select ref, text",
        "clauses where text matches \"cooperation dialogue\" and principle = cooperation select ref",
    ] {
        found += check(&db, q);
    }
    assert!(found > 500, "only {found} rows in all");
}
