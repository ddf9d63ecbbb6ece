//! Meaning, not only robustness: queries of the example compared with each other, and the
//! regressions these comparisons found.

use std::collections::BTreeSet;

use concord::engine::Engine;
use concord::store::Cell;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

use super::generate::{FTS, pick, quote};
use super::{cases, check, example, runner};

// ---------------------------------------------------------------------------------------------
// Meaning: queries compared with each other
// ---------------------------------------------------------------------------------------------

/// The sets with a field that identifies a row.
const KEYED: &[(&str, &str)] = &[
    ("documents", "id"),
    ("clauses", "ref"),
    ("actors", "id"),
    ("principles", "id"),
    ("citations", "id"),
];

/// Predicates that resolve for each keyed set.
fn valid_predicate(set: &str) -> BoxedStrategy<String> {
    let quoted = |items: &'static [&'static str]| prop::sample::select(items).prop_map(quote);
    match set {
        "documents" => prop_oneof![
            pick(&[
                "kind = charter",
                "kind = \"statement\"",
                "kind != draft",
                "date >= 2000",
                "date < 2022-02",
                "date = 2022",
                "author = lavrov",
                "author = osce",
                "alias ~ \"charter\"",
                "place is null",
                "excerpt = true",
                "language = en"
            ]),
            quoted(&["Charter", "Lavrov", "%", "_", "'"]).prop_map(|v| format!("title ~ {v}")),
        ]
        .boxed(),
        "clauses" => prop_oneof![
            3 => pick(&FTS[..8]).prop_map(|q| format!("text matches {q}")),
            2 => quoted(&["security", "State", "alliance", "%", "’", "Лавров", "NATO"])
                .prop_map(|v| format!("text ~ {v}")),
            2 => pick(&["principle = indivisibility", "principle = no-expense",
                        "principle != equal-security", "document = istanbul-charter",
                        "kind = \"statement\"", "date > 2021", "label in (\"8\", \"8.5\", p4)",
                        "parent = istanbul-charter#8", "title is not null"]),
        ]
        .boxed(),
        "actors" => pick(&[
            "kind = person",
            "kind = state",
            "member-of = nato",
            "represents = russia",
            "alias ~ \"ла\"",
            "name ~ \"an\"",
            "role is null",
            "id in (lavrov, usa, nato)",
        ]),
        "principles" => pick(&[
            "name ~ \"security\"",
            "id = neutrality",
            "clauses > 2",
            "description ~ \"istanbul\"",
            "id != indivisibility",
        ]),
        _ => pick(&[
            "stance = invokes",
            "stance = reports",
            "by = lavrov",
            "by != lavrov",
            "to = istanbul-charter",
            "to = istanbul-charter#8.5",
            "to = indivisibility",
            "quote ~ \"security\"",
            "confidence >= 0.9",
            "date = 2022-02-01",
            "method = curated",
            "source is null",
        ]),
    }
}

fn valid_filter(set: &str) -> BoxedStrategy<String> {
    match set {
        "documents" => pick(&[
            "by lavrov",
            "cited-by lavrov",
            "cited-by (usa, nato)",
            "citing istanbul-charter#8",
            "citing indivisibility",
            "expressing no-expense",
            "reaffirming istanbul-charter",
            "reaffirmed-by* paris-charter",
            "after 2000",
            "before 2022-01-28",
            "between 1990 and 2010",
        ]),
        "clauses" => pick(&[
            "in istanbul-charter",
            "in istanbul-charter#8",
            "cited-by lavrov",
            "cited-by usa",
            "citing indivisibility",
            "by russia",
            "expressing indivisibility",
            "after 2020",
            "cited-by (actors in nato)",
            "in (documents by lavrov)",
        ]),
        "actors" => pick(&[
            "in nato",
            "in osce",
            "cited-by lavrov",
            "citing istanbul-charter",
            "citing indivisibility",
            "in (actors in nato)",
        ]),
        "principles" => pick(&[
            "in istanbul-charter",
            "cited-by lavrov",
            "cited-by usa",
            "in astana-declaration",
        ]),
        _ => pick(&[
            "by lavrov",
            "by russia",
            "by nato",
            "after 2022-01-31",
            "before 2022",
        ]),
    }
}

fn keys(engine: &Engine, src: &str) -> Result<BTreeSet<String>, TestCaseError> {
    Ok(ordered_keys(engine, src)?.into_iter().collect())
}

fn ordered_keys(engine: &Engine, src: &str) -> Result<Vec<String>, TestCaseError> {
    let sql = engine
        .compile(src)
        .map_err(|ds| TestCaseError::fail(format!("{src}: {}", ds[0].message)))?;
    let rows = engine
        .store()
        .rows(&sql)
        .map_err(|e| TestCaseError::fail(format!("{src}: {e}")))?;
    Ok(rows
        .rows
        .iter()
        .map(|r| match &r[0] {
            Cell::Text(s) => s.clone(),
            other => format!("{other:?}"),
        })
        .collect())
}

fn keyed_set() -> impl Strategy<Value = (&'static str, &'static str)> {
    prop::sample::select(KEYED)
}

/// `where A and B` keeps the rows of both, `where A or B` those of either.
#[test]
fn and_or_are_intersection_and_union() {
    let engine = example();
    let strategy = keyed_set().prop_flat_map(|(set, key)| {
        (
            Just(set),
            Just(key),
            valid_predicate(set),
            valid_predicate(set),
        )
    });
    check(runner(cases(400)).run(&strategy, |(set, key, a, b)| {
        let rows = |c: &str| keys(&engine, &format!("{set} where {c} select {key}"));
        let (ra, rb) = (rows(&a)?, rows(&b)?);
        let and = rows(&format!("{a} and {b}"))?;
        let or = rows(&format!("{a} or {b}"))?;
        let want_and: BTreeSet<String> = ra.intersection(&rb).cloned().collect();
        let want_or: BTreeSet<String> = ra.union(&rb).cloned().collect();
        prop_assert_eq!(&and, &want_and, "`{} where {} and {}`", set, a, b);
        prop_assert_eq!(&or, &want_or, "`{} where {} or {}`", set, a, b);
        Ok(())
    }));
}

/// Regression: a second `matches` joined by `and` was dropped (the first one is turned into the
/// ranking join and every `matches` of the conjunction was then skipped).
#[test]
fn two_matches_joined_by_and_both_hold() {
    let engine = example();
    let count = |q: &str| ordered_keys(&engine, q).expect("runs").len();
    let both =
        count("clauses where text matches \"security\" and text matches \"neutrality\" select ref");
    let one = count("clauses where text matches \"security neutrality\" select ref");
    let first = count("clauses where text matches \"security\" select ref");
    assert!(
        one < first,
        "the example has clauses with `security` but not `neutrality`"
    );
    assert_eq!(
        both, one,
        "`text matches \"security\" and text matches \"neutrality\"` must keep only clauses with both words"
    );
}

/// A filter and its negation split the set: disjoint, and together everything.
#[test]
fn a_filter_and_its_negation_split_the_set() {
    let engine = example();
    let strategy =
        keyed_set().prop_flat_map(|(set, key)| (Just(set), Just(key), valid_filter(set)));
    check(runner(cases(400)).run(&strategy, |(set, key, f)| {
        let all = keys(&engine, &format!("{set} select {key}"))?;
        let yes = keys(&engine, &format!("{set} {f} select {key}"))?;
        let no = keys(&engine, &format!("{set} not {f} select {key}"))?;
        prop_assert!(yes.is_disjoint(&no), "`{set} {f}` and `not {f}` overlap");
        let union: BTreeSet<String> = yes.union(&no).cloned().collect();
        prop_assert_eq!(
            &union,
            &all,
            "`{} {}` and `not {}` do not cover {}",
            set,
            f,
            f,
            set
        );
        Ok(())
    }));
}

/// `limit N offset M` is the slice `[M..M+N]` of the ordered rows, for any 64-bit N and M.
#[test]
fn limit_and_offset_cut_the_ordered_rows() {
    let engine = example();
    const COUNTS: [u64; 7] = [0, 1, 2, 5, 30, i64::MAX as u64, u64::MAX];
    let strategy = (
        keyed_set(),
        prop::sample::select(&COUNTS[..]),
        prop::sample::select(&COUNTS[..]),
    );
    check(runner(cases(400)).run(&strategy, |((set, key), n, m)| {
        let all = ordered_keys(&engine, &format!("{set} order by {key} select {key}"))?;
        let got = ordered_keys(
            &engine,
            &format!("{set} order by {key} limit {n} offset {m} select {key}"),
        )?;
        let want: Vec<String> = all
            .iter()
            .skip(usize::try_from(m).unwrap_or(usize::MAX))
            .take(usize::try_from(n).unwrap_or(usize::MAX))
            .cloned()
            .collect();
        prop_assert_eq!(&got, &want, "`{} limit {} offset {}`", set, n, m);
        let only_offset = ordered_keys(
            &engine,
            &format!("{set} order by {key} offset {m} select {key}"),
        )?;
        let want: Vec<String> = all
            .iter()
            .skip(usize::try_from(m).unwrap_or(usize::MAX))
            .cloned()
            .collect();
        prop_assert_eq!(&only_offset, &want, "`{} offset {}`", set, m);
        Ok(())
    }));
}

// ---------------------------------------------------------------------------------------------
// Regressions found by the properties above, each on its own so that one fix shows the next
// ---------------------------------------------------------------------------------------------

/// Regression: `date < D` and `date >= D` failed in SQLite with "column index out of range"
/// (two parameters bound, one used). Every operator must run, and since every date of the
/// example is a full day, `<` / `>=` and `<=` / `>` split the dated rows.
#[test]
fn date_comparisons_run_and_split_the_set() {
    let engine = example();
    for (set, key) in [("documents", "id"), ("clauses", "ref"), ("citations", "id")] {
        for date in ["2010", "2022-01", "2022-01-27"] {
            let rows = |c: &str| -> BTreeSet<String> {
                let q = format!("{set} where {c} select {key}");
                match keys(&engine, &q) {
                    Ok(k) => k,
                    Err(e) => panic!("{e}"),
                }
            };
            let all = rows("date is not null");
            for (a, b) in [("<", ">="), ("<=", ">")] {
                let (ra, rb) = (
                    rows(&format!("date {a} {date}")),
                    rows(&format!("date {b} {date}")),
                );
                assert!(
                    ra.is_disjoint(&rb),
                    "{set}: `date {a} {date}` and `date {b} {date}` overlap"
                );
                let union: BTreeSet<String> = ra.union(&rb).cloned().collect();
                assert_eq!(
                    union, all,
                    "{set}: `date {a} {date}` and `date {b} {date}` do not cover it"
                );
            }
        }
    }
}

/// Regression: `~` on a number or boolean field reached SQLite as `concord_fold(<integer>)`,
/// which fails with "Invalid function or filter parameter type Integer at index 0". A clear
/// resolver error would do as well as a result; a failure inside SQLite would not.
#[test]
fn contains_on_number_and_boolean_fields_does_not_fail_in_sqlite() {
    let engine = example();
    for q in [
        "documents where excerpt ~ \"1\"",
        "documents where clauses ~ \"1\"",
        "principles where clauses ~ \"1\"",
        "citations where confidence ~ \"0.9\"",
        "citations where id ~ \"1\"",
    ] {
        if let Ok(sql) = engine.compile(q)
            && let Err(e) = engine.store().rows(&sql)
        {
            panic!("`{q}` resolves but fails in SQLite: {e}\nSQL: {}", sql.text);
        }
    }
}

/// Regression: an offset above `i64::MAX` was bound as a negative number, which SQLite reads
/// as no offset at all, so `offset 18446744073709551615` returned every row.
#[test]
fn offset_beyond_i64_skips_every_row() {
    let engine = example();
    for q in [
        "documents offset 18446744073709551615",
        "documents limit 5 offset 9223372036854775808",
        "clauses offset 18446744073709551615 count",
    ] {
        let sql = engine
            .compile(q)
            .unwrap_or_else(|d| panic!("{q}: {}", d[0].message));
        let rows = engine.store().rows(&sql).expect("runs");
        let n = match rows.rows.as_slice() {
            [row] if q.ends_with("count") => match row[0] {
                Cell::Int(n) => n as usize,
                ref other => panic!("{q}: count is {other:?}"),
            },
            rows => rows.len(),
        };
        assert_eq!(n, 0, "`{q}` must skip every row");
    }
}
