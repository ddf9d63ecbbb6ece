//! `count` and `count by` agree with the rows they count.
//!
//! Both are compiled to their own SQL (a count of the distinct ids a
//! membership test lists; a many-valued field's link table grouped by value,
//! then the rows without a value). Here each answer is checked against other
//! statements that reach the same rows by other SQL: the rows themselves,
//! `where F = v`, and `where F is null`, on the example store and on a
//! generated one, through the real binary.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::{Scratch, build, generated_store, query_csv as csv};

fn count(db: &Path, query: &str, params: &[(&str, &str)]) -> u64 {
    let rows = csv(db, query, params);
    assert_eq!(rows.len(), 1, "{query}: {rows:?}");
    rows[0][0].parse().unwrap()
}

/// `set where cond`, with `and more` when the set already has a condition.
fn narrowed(set: &str, more: &str) -> String {
    match set.split_once(" where ") {
        Some((rows, cond)) => format!("{rows} where ({cond}) and {more}"),
        None => format!("{set} where {more}"),
    }
}

/// Checks `set count`, and `set count by field` for each field.
fn check(db: &Path, set: &str, fields: &[&str]) {
    let rows = csv(db, set, &[]).len() as u64;
    let total = count(db, &format!("{set} count"), &[]);
    assert_eq!(total, rows, "`{set} count` against its rows");
    for field in fields {
        let q = format!("{set} count by {field}");
        let groups = csv(db, &q, &[]);
        let mut seen = BTreeMap::new();
        for g in &groups {
            assert_eq!(g.len(), 2, "{q}: {g:?}");
            let n: u64 = g[1].parse().unwrap();
            assert!(n > 0, "{q}: an empty group {g:?}");
            assert!(seen.insert(g[0].clone(), n).is_none(), "{q}: {g:?} twice");
        }
        // Largest first, then by value.
        let counts: Vec<u64> = groups.iter().map(|g| g[1].parse().unwrap()).collect();
        assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{q}: {counts:?}");
        // Every row has a value (counted once in each) or sits in the empty group.
        let none = count(
            db,
            &format!("{} count", narrowed(set, &format!("{field} is null"))),
            &[],
        );
        assert_eq!(
            seen.get("").copied().unwrap_or(0),
            none,
            "{q}: the rows without a value"
        );
        let sum: u64 = seen.values().sum();
        assert!(sum >= total, "{q}: {sum} counted, {total} rows");
        // A few groups, checked one by one: the largest, the smallest, one between.
        let named: Vec<(&String, &u64)> = seen.iter().filter(|(v, _)| !v.is_empty()).collect();
        let mut picks: Vec<usize> = vec![0, named.len() / 2, named.len().saturating_sub(1)];
        picks.dedup();
        for i in picks.into_iter().filter(|&i| i < named.len()) {
            let (value, n) = named[i];
            let one = count(
                db,
                &format!("{} count", narrowed(set, &format!("{field} = $v"))),
                &[("v", value)],
            );
            assert_eq!(one, *n, "{q}: the group {value:?}");
        }
    }
}

const SETS: &[(&str, &[&str])] = &[
    ("documents", &["author", "alias"]),
    ("statements", &["author", "alias"]),
    ("clauses", &["principle"]),
    ("actors", &["alias", "member-of", "represents"]),
    ("citations", &["by"]),
];

fn example_store(s: &Scratch) -> PathBuf {
    let db = s.out().join("osce.db");
    let r = build(&common::example_dir(), &db);
    assert!(r.ok(), "{r:?}");
    db
}

#[test]
fn counts_agree_with_rows_on_the_example() {
    let s = Scratch::new();
    let db = example_store(&s);
    for (set, fields) in SETS {
        check(&db, set, fields);
    }
    check(&db, "citations by lavrov", &["by"]);
    check(&db, "citations by russia where stance = invokes", &["by"]);
    check(&db, "clauses in istanbul-charter", &["principle"]);
    check(&db, "clauses cited-by lavrov", &["principle"]);
    check(&db, "documents cited-by lavrov", &["author", "alias"]);
    check(&db, "actors in nato", &["member-of", "represents", "alias"]);
}

#[test]
fn counts_agree_with_rows_on_a_generated_store() {
    let s = Scratch::new();
    let db = generated_store(&s, 40);
    for (set, fields) in SETS {
        check(&db, set, fields);
    }
    check(&db, "citations by minister7", &["by"]);
    check(&db, "citations where stance = invokes", &["by"]);
    check(&db, "clauses cited-by minister7", &["principle"]);
    check(
        &db,
        "clauses where text matches \"sovereign\"",
        &["principle"],
    );
    check(&db, "actors in g0", &["member-of", "represents"]);
    check(&db, "statements by state7", &["author"]);
}
