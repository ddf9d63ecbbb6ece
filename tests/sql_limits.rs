//! Generated SQL within SQLite's limits, through the real binary: nested
//! subqueries give SQL linear in the depth, lists of any length are one
//! bound value, and concord's own limits are reported in its own words.

use std::collections::BTreeSet;
use std::io::Write;
use std::process::{Command, Output};

fn concord(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_concord"))
        .args(args)
        .output()
        .expect("run concord")
}

/// Runs one query on the built-in example; its stdout, or a panic with stderr.
fn query(q: &str) -> String {
    let out = concord(&["query", "--format", "csv", q]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{q}\n{stderr}");
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// Runs a script file (for statements longer than an argument may be).
fn script(text: &str) -> Output {
    let dir = std::env::temp_dir().join(format!("concord-sql-limits-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(format!("q{}.cq", text.len()));
    std::fs::File::create(&path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .expect("write script");
    let out = concord(&["run", "--format", "csv", path.to_str().expect("path")]);
    let _ = std::fs::remove_file(&path);
    out
}

fn rows(csv: &str) -> BTreeSet<String> {
    csv.lines().skip(1).map(str::to_string).collect()
}

/// `prefix (prefix (... seed))`, `n` times parenthesised.
fn nested(prefix: &str, seed: &str, n: usize) -> String {
    let mut q = format!("{prefix} {seed}");
    for _ in 0..n {
        q = format!("{prefix} ({q})");
    }
    q
}

/// The SQL text of `explain q` (between `-- SQL` and `-- parameters`).
fn sql_of(q: &str) -> String {
    let out = query(&format!("explain {q}"));
    let start = out.find("-- SQL").expect("-- SQL");
    let end = out.find("-- parameters").expect("-- parameters");
    out[start..end].to_string()
}

#[test]
fn sixty_four_nested_subqueries_answer_with_sql_linear_in_the_depth() {
    for (prefix, seed) in [
        ("documents cited-by", "lavrov"),
        ("documents citing", "istanbul-charter"),
        ("clauses cited-by", "lavrov"),
        ("clauses citing", "istanbul-charter"),
        ("actors citing", "istanbul-charter"),
        ("actors cited-by", "lavrov"),
    ] {
        let one = sql_of(&nested(prefix, seed, 1)).len();
        let seventeen = sql_of(&nested(prefix, seed, 17)).len();
        let deepest = nested(prefix, seed, 64);
        let sixty_four = sql_of(&deepest).len();
        assert!(
            sixty_four < 64 * one,
            "{prefix}: 64 levels {sixty_four} bytes, 1 level {one}"
        );
        // Linear: each level adds about as much as the one before.
        let per_level = (sixty_four - seventeen) / 47;
        assert!(
            per_level < 2 * (seventeen - one) / 16 + 1,
            "{prefix}: {one} / {seventeen} / {sixty_four}"
        );
        let counted = query(&format!("{deepest} count"));
        assert!(counted.starts_with("count\n"), "{prefix}: {counted}");
    }
    // Alternating kinds, as in the issue.
    let mut q = "lavrov".to_string();
    for _ in 0..32 {
        q = format!("clauses cited-by (actors citing ({q}))");
    }
    assert!(query(&format!("{q} count")).starts_with("count\n"));
}

/// Each level of a nested query equals the same filter over the previous
/// level's rows, named one by one.
#[test]
fn nested_subqueries_answer_as_the_same_filters_over_named_rows() {
    for (prefix, seed, column) in [
        ("documents cited-by", "lavrov", "id"),
        ("documents citing", "istanbul-charter", "id"),
        ("actors citing", "istanbul-charter", "id"),
        ("actors cited-by", "lavrov", "id"),
        ("clauses citing", "istanbul-charter", "ref"),
        ("principles cited-by", "lavrov-2022-01-27", "id"),
    ] {
        let inner = match prefix {
            // Principles cannot be cited-by principles: the inner levels are documents.
            "principles cited-by" => "documents citing",
            p => p,
        };
        let mut named: BTreeSet<String> = rows(&query(&format!("{inner} {seed} select {column}")));
        for depth in 1..4 {
            if named.is_empty() {
                break;
            }
            let list = named.iter().cloned().collect::<Vec<_>>().join(", ");
            let outer_column = if prefix == "principles cited-by" {
                "id"
            } else {
                column
            };
            let by_names = rows(&query(&format!("{prefix} ({list}) select {outer_column}")));
            let inner_nested = nested(inner, seed, depth - 1);
            let by_nesting = rows(&query(&format!(
                "{prefix} ({inner_nested}) select {outer_column}"
            )));
            assert_eq!(by_names, by_nesting, "{prefix} at depth {depth}");
            if prefix == "principles cited-by" {
                break;
            }
            named = by_nesting;
        }
    }
}

#[test]
fn a_hundred_thousand_names_in_a_list_answer_as_their_union() {
    let names = ["lavrov", "nato", "usa", "russia", "osce"];
    let mut union = BTreeSet::new();
    for n in names {
        union.extend(rows(&query(&format!("clauses cited-by {n} select ref"))));
    }
    let list: Vec<&str> = (0..100_000).map(|i| names[i % names.len()]).collect();
    let out = script(&format!(
        "clauses cited-by ({}) select ref",
        list.join(", ")
    ));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(rows(&String::from_utf8_lossy(&out.stdout)), union);
    assert!(!union.is_empty());
}

#[test]
fn a_hundred_thousand_clause_references_answer_as_their_union() {
    let refs = ["lavrov-2022-01-27#p4", "osce-article-2022#p11"];
    let mut union = BTreeSet::new();
    for r in refs {
        union.extend(rows(&query(&format!("citations in {r} select id"))));
    }
    let list: Vec<&str> = (0..100_000).map(|i| refs[i % refs.len()]).collect();
    let out = script(&format!("citations in ({}) select id", list.join(", ")));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(rows(&String::from_utf8_lossy(&out.stdout)), union);
    assert!(!union.is_empty());
}

#[test]
fn in_with_999_and_100_000_values_works() {
    let two = query("citations where stance in (invokes, disputes) count");
    for n in [999, 100_000] {
        // Known values (an unknown one is warned about, with the whole line).
        let mut values: Vec<&str> = (0..n)
            .map(|i| if i % 2 == 0 { "invokes" } else { "disputes" })
            .collect();
        values[n / 2] = "no-such-stance";
        let out = script(&format!(
            "citations where stance in ({}) count",
            values.join(", ")
        ));
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(String::from_utf8_lossy(&out.stdout), two, "{n} values");
    }
    // Numbers, and a many-valued field.
    // No confidence is over 1: only the 1 matches.
    let ones: Vec<String> = (0..999).map(|i| format!("{}", 1.5 + i as f64)).collect();
    let out = script(&format!(
        "citations where confidence in (1, {}) count",
        ones.join(", ")
    ));
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        query("citations where confidence = 1 count")
    );
    let mut by = vec!["lavrov".to_string()];
    by.extend((0..998).map(|_| "lavrov".to_string()));
    let out = script(&format!("citations where by in ({}) count", by.join(", ")));
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        query("citations where by = lavrov count")
    );
}

#[test]
fn a_long_list_is_one_bound_value_and_a_short_one_stays_plain() {
    let long: Vec<&str> = std::iter::repeat_n("lavrov", 100).collect();
    let out = query(&format!("explain clauses cited-by ({})", long.join(", ")));
    assert!(out.contains("json_each(?1)"), "{out}");
    assert!(!out.contains("?2"), "{out}");
    let short = query("explain clauses cited-by (lavrov, usa)");
    assert!(short.contains("IN (?1, ?2)"), "{short}");
}

#[test]
fn too_many_values_are_refused_in_concords_words_without_the_sql() {
    // Dates are two values each: 20,000 of them are over SQLite's 32,766.
    let dates: Vec<&str> = std::iter::repeat_n("2022-01-27", 20_000).collect();
    let out = script(&format!(
        "documents where date in ({}) count",
        dates.join(", ")
    ));
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("more than the 32766 one query may hold"),
        "{stderr}"
    );
    assert!(!stderr.contains("SELECT"), "{stderr}");
    assert!(!stderr.contains("json_each"), "{stderr}");
}

#[test]
fn full_text_words_with_hyphens_and_dots_are_search_words() {
    // The example holds `co-operatively` and `co-operate`, not `co-operation`.
    for word in ["co-operatively", "co-operation", "U.S.", "U.S"] {
        let matched = rows(&query(&format!(
            "clauses where text matches \"{word}\" select ref"
        )));
        let contained = rows(&query(&format!(
            "clauses where text ~ \"{word}\" select ref"
        )));
        assert_eq!(matched, contained, "{word}");
    }
    assert!(
        !rows(&query(
            "clauses where text matches \"co-operatively\" select ref"
        ))
        .is_empty()
    );
    // FTS5 syntax still works.
    let both = rows(&query(
        "clauses where text matches \"indivisible AND co-oper*\" select ref",
    ));
    assert!(both.contains("istanbul-charter#platform"), "{both:?}");
    let phrase = rows(&query(
        "clauses where text matches \"\\\"indivisible security\\\" OR co-operatively\" select ref",
    ));
    assert!(phrase.contains("istanbul-charter#platform"), "{phrase:?}");
}

#[test]
fn chained_lets_over_the_limit_say_the_limit_and_a_cycle_says_itself() {
    let mut s = "let a0 = actors in nato".to_string();
    for i in 1..=17 {
        s.push_str(&format!("; let a{i} = actors in $a{}", i - 1));
    }
    let out = concord(&["query", &s]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("chained too deep"), "{stderr}");
    assert!(stderr.contains("at most 16"), "{stderr}");
    assert!(!stderr.contains("defined through itself"), "{stderr}");
    // Sixteen chained (`$a15` through `$a0`) are fine.
    let mut s = "let a0 = actors in nato".to_string();
    for i in 1..=15 {
        s.push_str(&format!("; let a{i} = actors in $a{}", i - 1));
    }
    s.push_str("; actors in $a15 count");
    let out = concord(&["query", "--format", "csv", &s]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = concord(&[
        "query",
        "let a = actors; let a = actors in $a; actors in $a",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("`$a` is defined through itself"),
        "{stderr}"
    );
}

/// SQLite's full-text parser takes time that grows with the square of a query's length:
/// `matches` takes at most 1,000 words, and says so past them.
#[test]
fn a_full_text_query_of_more_than_a_thousand_words_is_refused_in_concords_words() {
    let words = |n: usize| vec!["security"; n].join(" OR ");
    // 500 terms and 499 ORs: 999 words, answered.
    let q = format!("clauses where text matches \"{}\" count", words(500));
    let r = concord(&["-c", &q]);
    assert!(r.status.success(), "{r:?}");
    let q = format!("clauses where text matches \"{}\" count", words(501));
    let r = concord(&["-c", &q]);
    assert_eq!(r.status.code(), Some(1), "{r:?}");
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert!(
        stderr.contains("a full-text query holds at most 1000 words; this one has 1001"),
        "{stderr}"
    );
    assert!(r.stdout.is_empty());
}
