//! Values full of SQL, quotes, wildcards, NUL and megabytes, in every place a user value can
//! go: `where` values of text fields, `~`, `in (...)`, names in targets and in name-valued
//! fields, `$param` values, and `matches`.
//!
//! Each one either matches literally (`%` and `_` are not wildcards, a quote is a quote) or
//! fails with a clear error (a malformed full-text query: exit code 1, no panic); the SQL text
//! never contains the value; and afterwards the store is byte-for-byte unchanged and still
//! passes `PRAGMA integrity_check`. The query connection cannot write at all.
//!
//! The fixture is a tiny corpus built in a temporary folder, whose clause texts hold `100%_sure`,
//! quotes, and a piece of SQL, next to near-misses that a `LIKE` pattern would also match.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use concord::engine::Engine;
use concord::store::{Cell, StoreError};

#[path = "injection/binary.rs"]
mod binary;
#[path = "injection/fixture.rs"]
mod fixture;

use fixture::{fixture, open, snapshot};

// ---------------------------------------------------------------------------------------------
// Payloads and places
// ---------------------------------------------------------------------------------------------

const PAYLOADS: &[&str] = &[
    "'; DROP TABLE clauses; --",
    "\"; DROP TABLE clauses; --",
    "Robert'); DROP TABLE clauses; --",
    "' OR '1'='1",
    "\" OR \"\"=\"",
    ") OR 1=1 --",
    "')) OR 1=1; DELETE FROM clauses; --",
    "1; ATTACH DATABASE '/tmp/x.db' AS x; --",
    "UNION SELECT sql FROM sqlite_master --",
    "SELECT * FROM clauses",
    "DROP TABLE clauses",
    "'",
    "\"",
    "''",
    "\\",
    "\\\"",
    "%",
    "_",
    "%%",
    "100%",
    "100%_sure",
    "\0",
    "a\0b",
    "*/ /*",
    "?1",
    ":name",
    "@name",
    "$name",
    "\u{202E}evil",
    "Лавров' --",
    "中文\"",
    "🙂'",
    "\n; DELETE FROM clauses;\n",
];

/// Where a quoted value can go; `{}` is replaced by the quoted payload.
const PLACES: &[&str] = &[
    // values of text fields
    "clauses where text = {}",
    "clauses where text != {}",
    "clauses where label < {}",
    "documents where title >= {}",
    "actors where name = {}",
    "citations where quote = {}",
    "citations where stance <= {}",
    "principles where description > {}",
    "documents where alias = {}",
    "actors where alias != {}",
    // contains
    "clauses where text ~ {}",
    "documents where title ~ {}",
    "actors where alias ~ {}",
    "citations where quote ~ {}",
    "principles where description ~ {}",
    "clauses where not (text ~ {}) or label ~ {}",
    // lists
    "clauses where text in ({}, \"x\")",
    "clauses where label not in ({})",
    "documents where alias in ({}, {})",
    // long lists: one bound list value (a JSON array read with json_each)
    "clauses where text in ({}, \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\")",
    "clauses where label not in (\"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", {})",
    "documents where alias in ({}, \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\")",
    "citations where by in ({}, league, league, league, league, league, league, league, league, league, league, league, league, league, league, league, league, league, league, league, league)",
    "actors in ({}, league, league, league, league, league, league, league, league, league, league, league, league, league, league, league, league, league, league, league, league)",
    "clauses cited-by (league, league, league, league, league, league, league, league, league, league, league, league, league, league, league, league, league, league, league, league, {})",
    // names: targets and name-valued fields
    "clauses cited-by {}",
    "clauses in {}",
    "documents by {}",
    "documents by actor {}",
    "actors in ({}, league)",
    "documents reaffirming {}",
    "clauses cited-by (actors where name ~ {})",
    "clauses where principle = {}",
    "citations where by = {}",
    "documents where author != {}",
    "clauses where document = {}",
    "citations where to = {}",
    "show {}",
    // full-text search
    "clauses where text matches {}",
];

/// `text` as a string literal of the language.
fn quote(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Whether `value` could appear in generated SQL for a reason other than a leak: it is too short
/// or is SQL's own vocabulary (`?1`, `'`, `_` occur in every statement).
fn too_common(value: &str) -> bool {
    value.chars().count() < 4
}

/// What one statement did.
#[derive(Debug)]
enum Outcome {
    Rows(Vec<Vec<Cell>>),
    /// Parse or resolve diagnostics (rendered).
    Rejected(String),
    /// SQLite refused the query while running it.
    Failed(StoreError),
}

/// Parses, prepares and runs `src`, checking that no SQL text contains `value`.
fn run(engine: &mut Engine, src: &str, value: &str) -> Outcome {
    let statements = match Engine::parse(src) {
        Ok(s) => s,
        Err(ds) => return Outcome::Rejected(render(src, &ds)),
    };
    assert_eq!(statements.len(), 1, "{src:?} is one statement");
    match engine.prepare(&statements[0]) {
        Err(ds) => Outcome::Rejected(render(src, &ds)),
        Ok(concord::engine::Prepared::Query { sql, plan, .. }) => {
            if !too_common(value) {
                assert!(
                    !sql.text.contains(value),
                    "the SQL text contains the value {value:?}\nquery: {src:?}\nSQL: {}",
                    sql.text
                );
                // The same plan printed for PostgreSQL binds the value too.
                let pg = concord::sql::generate_for(&plan, concord::sql::print::Dialect::Postgres);
                assert!(
                    !pg.text.contains(value),
                    "the PostgreSQL text contains the value {value:?}\nquery: {src:?}\nSQL: {}",
                    pg.text
                );
            }
            match engine.store().rows(&sql) {
                Ok(rows) => Outcome::Rows(rows.rows),
                Err(e) => Outcome::Failed(e),
            }
        }
        Ok(concord::engine::Prepared::Show(card)) => {
            Outcome::Rows(vec![vec![Cell::Text(format!("{card:?}"))]])
        }
        Ok(other) => panic!("{src:?}: unexpected {other:?}"),
    }
}

fn render(src: &str, ds: &[concord::diag::Diagnostic]) -> String {
    assert!(!ds.is_empty(), "{src:?}: rejected without a diagnostic");
    ds.iter()
        .map(|d| concord::diag::render(src, d, false))
        .collect()
}

/// Every payload in every place: matched, or rejected with a diagnostic; `matches` may also
/// fail in SQLite with a full-text syntax error, nothing else may. The store is unchanged.
#[test]
fn every_payload_in_every_place_is_inert() {
    let before = snapshot(fixture());
    let mut engine = open();
    let mut outcomes = [0usize; 3];
    for place in PLACES {
        for payload in PAYLOADS {
            let src = place.replace("{}", &quote(payload));
            match run(&mut engine, &src, payload) {
                Outcome::Rows(_) => outcomes[0] += 1,
                Outcome::Rejected(text) => {
                    assert!(text.starts_with("error: "), "{src:?}: {text}");
                    outcomes[1] += 1;
                }
                Outcome::Failed(StoreError::Query(msg)) if place.contains("matches") => {
                    assert!(!msg.is_empty(), "{src:?}: an empty message");
                    outcomes[2] += 1;
                }
                Outcome::Failed(e) => panic!("{src:?} failed in SQLite: {e}"),
            }
        }
    }
    // Both kinds of outcome occur: the test is not vacuous.
    assert!(outcomes[0] > 200, "rows: {outcomes:?}");
    assert!(outcomes[1] > 100, "rejected: {outcomes:?}");
    drop(engine);
    assert_eq!(before, snapshot(fixture()), "the store changed");
    assert_eq!(before.integrity, "ok");
}

/// The same payloads as `$param` values (`--param`, `.param set`), in every place a parameter
/// can stand.
#[test]
fn every_payload_as_a_parameter_is_inert() {
    const PARAM_PLACES: &[&str] = &[
        "clauses where text = $v",
        "clauses where text ~ $v",
        "clauses where label in ($v, \"1\")",
        "clauses cited-by $v",
        "documents by $v",
        "clauses where principle = $v",
        "documents after $v",
        "documents between 2000 and $v",
        "documents limit $v",
        "clauses offset $v",
        "clauses where text matches $v",
        "show $v",
    ];
    let before = snapshot(fixture());
    let mut engine = open();
    for payload in PAYLOADS {
        engine.env.params.insert("v".into(), payload.to_string());
        for place in PARAM_PLACES {
            match run(&mut engine, place, payload) {
                Outcome::Rows(_) => {}
                Outcome::Rejected(text) => assert!(text.starts_with("error: "), "{place}: {text}"),
                Outcome::Failed(StoreError::Query(msg)) if place.contains("matches") => {
                    assert!(
                        !msg.is_empty(),
                        "{place} with {payload:?}: an empty message"
                    )
                }
                Outcome::Failed(e) => panic!("{place} with $v = {payload:?} failed in SQLite: {e}"),
            }
        }
    }
    drop(engine);
    assert_eq!(before, snapshot(fixture()), "the store changed");
}

// ---------------------------------------------------------------------------------------------
// Literal matching
// ---------------------------------------------------------------------------------------------

/// The labels of the clauses `src` returns (`clauses ... select label`).
fn labels(engine: &Engine, src: &str) -> BTreeSet<String> {
    let sql = engine
        .compile(src)
        .unwrap_or_else(|ds| panic!("{src}: {}", ds[0].message));
    let rows = engine
        .store()
        .rows(&sql)
        .unwrap_or_else(|e| panic!("{src}: {e}"));
    rows.rows
        .into_iter()
        .map(|r| match &r[0] {
            Cell::Text(s) => s.clone(),
            other => panic!("{src}: {other:?}"),
        })
        .collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// `~` is "contains", literally: `%` and `_` are not wildcards, quotes are quotes, SQL in the
/// data is only text.
#[test]
fn contains_matches_literally() {
    let engine = open();
    let cases: &[(&str, &[&str])] = &[
        (r#"clauses where text ~ "100%_sure" select label"#, &["1"]),
        // As a LIKE pattern `%100%%` would also take clause 2 ("100 percent").
        (r#"clauses where text ~ "100%" select label"#, &["1", "4"]),
        // As a LIKE pattern `%100_sure%` would also take clause 2 ("100 sure").
        (r#"clauses where text ~ "100_sure" select label"#, &["3"]),
        (r#"clauses where text ~ "%" select label"#, &["1", "4"]),
        (r#"clauses where text ~ "_" select label"#, &["1", "3"]),
        (r#"clauses where text ~ "%_" select label"#, &["1"]),
        (r#"clauses where text ~ "O'Brien" select label"#, &["1"]),
        (r#"clauses where text ~ "o'BRIEN" select label"#, &["1"]),
        (r#"clauses where text ~ "\"yes\"" select label"#, &["1"]),
        (
            r#"clauses where text ~ "'); DROP TABLE clauses; --" select label"#,
            &["5"],
        ),
        (
            r#"clauses where text = "Robert'); DROP TABLE clauses; -- was here" select label"#,
            &["5"],
        ),
        (
            r#"clauses where text in ("Robert'); DROP TABLE clauses; -- was here", "%") select label"#,
            &["5"],
        ),
        (r#"clauses where text ~ "' OR '1'='1" select label"#, &[]),
        ("clauses where text ~ \"a\0b\" select label", &[]),
        (
            r#"clauses where not (text ~ "%") select label"#,
            &["2", "3", "5", "6"],
        ),
        (
            r#"clauses where text matches "\"DROP TABLE\"" select label"#,
            &["5"],
        ),
        (r#"clauses cited-by "O'Brien" select label"#, &["1"]),
        (
            r#"clauses cited-by "Robert'); DROP TABLE actors; --" select label"#,
            &["1"],
        ),
        (
            r#"clauses in "'; DROP TABLE documents; --" select label"#,
            &["1", "2", "3", "4", "5", "6"],
        ),
    ];
    for (src, want) in cases {
        assert_eq!(labels(&engine, src), set(want), "{src}");
    }
}

/// Names with quotes in values of name-valued and many-valued fields compare literally too.
#[test]
fn quoted_names_and_aliases_compare_literally() {
    let engine = open();
    let ids = |src: &str| labels(&engine, src);
    assert_eq!(
        ids(r#"actors where alias = "o'brien" select id"#),
        set(&["obrien"])
    );
    assert_eq!(
        ids(r#"actors where alias ~ "'); drop" select id"#),
        set(&["obrien"])
    );
    assert_eq!(ids(r#"actors where alias = "%" select id"#), set(&[]));
    assert_eq!(
        ids(r#"documents where alias = "O'Brien Pact" select id"#),
        set(&["pact"])
    );
    assert_eq!(
        ids(r#"documents where author = "O'Brien" select id"#),
        set(&["pact"])
    );
    assert_eq!(
        ids(r#"documents where title ~ "'Quotes'" select id"#),
        set(&["pact"])
    );
    assert_eq!(
        ids(r#"principles where name ~ "(\"100%\")" select id"#),
        set(&["candour"])
    );
    assert_eq!(
        ids(r#"citations where quote = "100%_sure" select stance"#),
        set(&["invokes"])
    );
    assert_eq!(
        ids(r#"citations where quote ~ "_" select stance"#),
        set(&["invokes"])
    );
}

// ---------------------------------------------------------------------------------------------
// NUL, malformed full-text queries, megabytes
// ---------------------------------------------------------------------------------------------

/// A NUL inside a string is a character like any other; outside one it is a syntax error.
#[test]
fn nul_in_and_outside_strings() {
    let mut engine = open();
    for src in [
        "clauses where text ~ \"\0\"",
        "clauses where text = \"a\0b\"",
        "clauses where label in (\"\0\", \"1\")",
        "documents where title ~ \"\0'\0\"",
    ] {
        match run(&mut engine, src, "\0") {
            Outcome::Rows(_) => {}
            other => panic!("{src:?}: {other:?}"),
        }
    }
    for src in [
        "clauses cited-by \"\0\"",
        "clauses where principle = \"\0\"",
    ] {
        match run(&mut engine, src, "\0") {
            // Named, as a visible escape (a raw NUL would reach the terminal).
            Outcome::Rejected(text) => assert!(text.contains("\\x00"), "{src:?}: {text}"),
            other => panic!("{src:?} should name nothing: {other:?}"),
        }
    }
    for src in ["clauses where text ~ \0", "clauses \0", "\0"] {
        match run(&mut engine, src, "\0") {
            Outcome::Rejected(text) => {
                assert!(text.starts_with("error: "), "{src:?}: {text}");
                // The renderer shows control characters as their pictures.
                assert!(text.contains('\u{2400}'), "{src:?}: {text}");
            }
            other => panic!("{src:?} must be a syntax error: {other:?}"),
        }
    }
}

const MALFORMED_FTS: &[&str] = &[
    "AND OR",
    "\"",
    "NEAR(",
    "a AND",
    "(",
    "*",
    "\"unclosed",
    "NOT",
];

/// A malformed full-text query is an error, from the resolver or from SQLite, never rows and
/// never a panic.
#[test]
fn malformed_full_text_queries_fail_cleanly() {
    let mut engine = open();
    for fts in MALFORMED_FTS {
        let src = format!("clauses where text matches {}", quote(fts));
        match run(&mut engine, &src, fts) {
            Outcome::Rejected(_) => {}
            Outcome::Failed(StoreError::Query(msg)) => {
                assert!(!msg.is_empty(), "{src}: empty message")
            }
            other => panic!("{src}: a malformed FTS5 query must fail, got {other:?}"),
        }
    }
}

fn megabyte(unit: &str) -> String {
    unit.repeat((1 << 20) / unit.len())
}

/// 1 MB values are bound like any other, and run at once.
#[test]
fn megabyte_values_are_bound_and_fast() {
    let mut engine = open();
    for unit in ["a", "'; DROP TABLE clauses; -- ", "100%_sure\"\\"] {
        let big = megabyte(unit);
        for place in [
            "clauses where text ~ {}",
            "clauses where text = {}",
            "clauses where text in ({}, \"x\")",
            "documents where title >= {}",
            "actors where alias ~ {}",
        ] {
            let src = place.replace("{}", &quote(&big));
            let started = Instant::now();
            match run(&mut engine, &src, &big) {
                Outcome::Rows(rows) => assert!(rows.len() <= 6, "{place}"),
                other => panic!("{place} with 1 MB of {unit:?}: {other:?}"),
            }
            let took = started.elapsed();
            assert!(took < Duration::from_secs(20), "{place}: {took:?}");
        }
    }
    let wild = megabyte("%_");
    engine.env.params.insert("v".into(), wild.clone());
    match run(&mut engine, "clauses where text ~ $v", &wild) {
        Outcome::Rows(rows) => assert!(rows.is_empty()),
        other => panic!("$v of 1 MB: {other:?}"),
    }
    let one_word = megabyte("a");
    match run(
        &mut engine,
        &format!("clauses where text matches {}", quote(&one_word)),
        &one_word,
    ) {
        Outcome::Rows(rows) => assert!(rows.is_empty()),
        other => panic!("matches of 1 MB: {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// The connection cannot write
// ---------------------------------------------------------------------------------------------

/// `Engine::open` gives a connection with `query_only` on, opened read-only: no statement run
/// through it can change the store, even after turning `query_only` off.
#[test]
fn opened_store_connection_cannot_write() {
    let before = snapshot(fixture());
    let engine = open();
    let conn = engine.store().sqlite_connection().expect("a SQLite store");
    let query_only: i64 = conn
        .pragma_query_value(None, "query_only", |r| r.get(0))
        .expect("pragma");
    assert_eq!(query_only, 1, "PRAGMA query_only must be on");
    for sql in [
        "DELETE FROM clauses",
        "DROP TABLE clauses",
        "UPDATE clauses SET text = 'x'",
        "INSERT INTO meta (key, value) VALUES ('k', 'v')",
        "CREATE TABLE evil (x)",
        "INSERT INTO clauses_fts (clauses_fts) VALUES ('delete-all')",
    ] {
        assert!(conn.execute(sql, []).is_err(), "`{sql}` succeeded");
    }
    conn.pragma_update(None, "query_only", false)
        .expect("pragma");
    assert!(
        conn.execute("DELETE FROM clauses", []).is_err(),
        "the store must be opened read-only, not only query_only"
    );
    drop(engine);
    assert_eq!(before, snapshot(fixture()), "the store changed");
}

/// The built-in example (in memory) is query_only too.
#[test]
fn example_store_connection_is_query_only() {
    let engine = Engine::example().expect("example");
    let conn = engine.store().sqlite_connection().expect("a SQLite store");
    let query_only: i64 = conn
        .pragma_query_value(None, "query_only", |r| r.get(0))
        .expect("pragma");
    assert_eq!(query_only, 1);
    assert!(conn.execute("DELETE FROM clauses", []).is_err());
    let n: i64 = conn
        .query_row("SELECT count(*) FROM clauses", [], |r| r.get(0))
        .expect("count");
    assert!(n > 0);
}
