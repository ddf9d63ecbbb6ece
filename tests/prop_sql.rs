//! Property tests of the whole query pipeline on the built-in example corpus.
//!
//! A small generator writes random but well-formed scripts over the example's real names
//! (actor, document and principle ids, aliases in Latin and Cyrillic script, clause references
//! such as `istanbul-charter#8.5`), with fields valid and invalid for the set, every filter,
//! nested subqueries and lists, conditions with `and` / `or` / `not` / parentheses, every
//! operator, quoted values full of quotes, Unicode and SQL metacharacters, and every shaping
//! clause. For each script:
//!
//! - (a) printing the parsed tree and parsing the text again gives an equal tree (spans cleared);
//! - (b) preparing each statement either succeeds or returns diagnostics, which render, and whose
//!   spans lie inside the source on character boundaries (never a panic);
//! - (c) when it succeeds, the SQL prepares and runs in SQLite on the example store;
//! - (d) the SQL text never contains a string the user wrote in quotes, nor a `--param` value:
//!   values are bound parameters.
//!
//! A second group checks meaning rather than robustness, by comparing queries with each other:
//! `and` / `or` of two conditions are the intersection / union of their rows, a filter and its
//! `not` split the set, and `limit` / `offset` cut the ordered rows.
//!
//! The generator is in `prop_sql/generate.rs`, the meaning properties and their regressions in
//! `prop_sql/meaning.rs`. `PROPTEST_CASES=N` changes the number of cases (default: 3000 for the
//! pipeline, 400 for each meaning property).

use std::cell::RefCell;

use concord::diag::{self, Diagnostic};
use concord::engine::{Engine, Prepared};
use concord::syntax::{self, ClearSpans, Cond, Filter, FilterKind, Name, Query, StatementKind};
use concord::syntax::{Target, Value};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestCaseError, TestError, TestRunner};

#[path = "prop_sql/generate.rs"]
mod generate;
#[path = "prop_sql/meaning.rs"]
mod meaning;

use generate::{PARAMS, query, script};

// ---------------------------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------------------------

fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn runner(cases: u32) -> TestRunner {
    TestRunner::new(Config {
        cases,
        failure_persistence: None,
        max_shrink_iters: 4000,
        ..Config::default()
    })
}

/// Runs a property and turns a failure into a panic that shows the minimal input.
fn check<T: std::fmt::Debug>(result: Result<(), TestError<T>>) {
    match result {
        Ok(()) => {}
        Err(TestError::Fail(why, input)) => panic!("{why}\nminimal failing input: {input:?}"),
        Err(e) => panic!("{e}"),
    }
}

fn example() -> Engine {
    let mut engine = Engine::example().expect("the built-in example loads");
    reset(&mut engine);
    engine
}

fn reset(engine: &mut Engine) {
    engine.env.lets.clear();
    engine.env.params = PARAMS
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
}

/// Every string the user wrote in quotes in `q`: values and quoted names, in subqueries too.
fn quoted_strings(q: &Query, out: &mut Vec<String>) {
    for f in &q.filters {
        filter_strings(f, out);
    }
    if let Some(c) = &q.condition {
        cond_strings(c, out);
    }
}

fn filter_strings(f: &Filter, out: &mut Vec<String>) {
    match &f.kind {
        FilterKind::In(t)
        | FilterKind::By(t)
        | FilterKind::CitedBy(t)
        | FilterKind::Citing(t)
        | FilterKind::Expressing(t)
        | FilterKind::CitedDirectly(t)
        | FilterKind::From(t)
        | FilterKind::Relation { target: t, .. } => target_strings(t, out),
        FilterKind::Before(_) | FilterKind::After(_) | FilterKind::Between(..) => {}
    }
}

fn target_strings(t: &Target, out: &mut Vec<String>) {
    match t {
        Target::Name {
            name: Name {
                text, quoted: true, ..
            },
            ..
        } => out.push(text.clone()),
        Target::Subquery(q) => quoted_strings(q, out),
        Target::List(items, _) => items.iter().for_each(|t| target_strings(t, out)),
        _ => {}
    }
}

fn cond_strings(c: &Cond, out: &mut Vec<String>) {
    let value = |v: &Value, out: &mut Vec<String>| {
        if let Value::Str { text, .. } = v {
            out.push(text.clone());
        }
    };
    match c {
        Cond::Or(items) | Cond::And(items) => items.iter().for_each(|c| cond_strings(c, out)),
        Cond::Not { cond, .. } => cond_strings(cond, out),
        Cond::Cmp { value: v, .. } => value(v, out),
        Cond::Matches { query, .. } => value(query, out),
        Cond::In { values, .. } => values.iter().for_each(|v| value(v, out)),
        Cond::IsNull { .. } => {}
    }
}

/// (d): no quoted string of the user (of three characters or more; shorter ones such as `%`
/// may legitimately occur in SQL) and no parameter value appears in the SQL text.
fn no_value_in_sql(src: &str, sql: &str, strings: &[String]) -> Result<(), TestCaseError> {
    let params = PARAMS.iter().map(|(_, v)| v.to_string());
    for s in strings.iter().cloned().chain(params) {
        if s.chars().count() < 3 {
            continue;
        }
        for form in [s.clone(), concord::fold::fold(&s)] {
            prop_assert!(
                !sql.contains(&form),
                "the SQL text contains the user value {form:?}\nquery: {src}\nSQL: {sql}"
            );
        }
    }
    Ok(())
}

/// (b): a diagnostic points into the source and renders.
fn diagnostic_ok(src: &str, d: &Diagnostic) -> Result<(), TestCaseError> {
    let s = d.span;
    prop_assert!(
        s.start <= s.end && s.end <= src.len(),
        "span {s} outside the source ({} bytes): {d:?}\nsource: {src:?}",
        src.len()
    );
    prop_assert!(
        src.is_char_boundary(s.start) && src.is_char_boundary(s.end),
        "span {s} splits a character: {d:?}\nsource: {src:?}"
    );
    prop_assert!(!d.message.is_empty(), "empty message: {d:?}");
    let text = diag::render(src, d, false);
    prop_assert!(text.starts_with("error: "), "rendered: {text}");
    Ok(())
}

fn pipeline(engine: &RefCell<Engine>, src: &str) -> Result<(), TestCaseError> {
    // (a) print and parse again.
    let script = match syntax::parse_script(src) {
        Ok(s) => s,
        Err(errs) => {
            return Err(TestCaseError::fail(format!(
                "the generator wrote text that does not parse: {src:?}\n{errs:?}"
            )));
        }
    };
    let printed = script.to_string();
    let again = syntax::parse_script(&printed).map_err(|errs| {
        TestCaseError::fail(format!(
            "printed text does not parse\nsource:  {src:?}\nprinted: {printed:?}\n{errs:?}"
        ))
    })?;
    prop_assert_eq!(
        script.without_spans(),
        again.without_spans(),
        "print/parse changed the tree\nsource:  {:?}\nprinted: {:?}",
        src,
        printed
    );

    let mut engine = engine.borrow_mut();
    reset(&mut engine);
    for st in &script.statements {
        let mut strings = Vec::new();
        match &st.kind {
            StatementKind::Query(q) | StatementKind::Explain(q) => quoted_strings(q, &mut strings),
            StatementKind::Let { query, .. } => quoted_strings(query, &mut strings),
            StatementKind::Show(t) => target_strings(t, &mut strings),
            StatementKind::Compare { actors, within } => {
                for t in actors.iter().chain([within]) {
                    target_strings(t, &mut strings);
                }
            }
        }
        // `prepare` turns a failure of SQLite under `explain` or `show` into a diagnostic too,
        // which would hide a broken query: resolve those on their own first.
        match &st.kind {
            StatementKind::Explain(q) => {
                let as_query = syntax::Statement {
                    kind: StatementKind::Query(q.clone()),
                    span: st.span,
                };
                let resolved = prepared(&mut engine, src, &as_query, &strings)?;
                let explained = engine.prepare(st);
                prop_assert!(
                    !resolved || explained.is_ok(),
                    "`explain` fails on a query that runs: {src}\n{explained:?}"
                );
            }
            StatementKind::Show(t) => {
                let e = &*engine;
                if let Ok(thing) = concord::resolve::resolve_show(t, e.catalog(), e.store(), &e.env)
                {
                    let card = e.store().card(&thing);
                    prop_assert!(card.is_ok(), "`show` of {thing:?} fails: {card:?}\n{src}");
                }
                prepared(&mut engine, src, st, &strings)?;
            }
            _ => {
                prepared(&mut engine, src, st, &strings)?;
            }
        }
    }
    Ok(())
}

/// (b)–(d) for one statement; returns whether it resolved.
fn prepared(
    engine: &mut Engine,
    src: &str,
    st: &syntax::Statement,
    strings: &[String],
) -> Result<bool, TestCaseError> {
    // (b) resolve: Ok or diagnostics, never a panic.
    match engine.prepare(st) {
        Err(ds) => {
            prop_assert!(!ds.is_empty(), "an error without diagnostics: {src}");
            for d in &ds {
                diagnostic_ok(src, d)?;
            }
            Ok(false)
        }
        // (c) the SQL runs; (d) no value in its text.
        Ok(Prepared::Query { sql, .. }) | Ok(Prepared::Explain { sql, .. }) => {
            no_value_in_sql(src, &sql.text, strings)?;
            if let Err(e) = engine.store().rows(&sql) {
                return Err(TestCaseError::fail(format!(
                    "the SQL failed: {e}\nquery: {src}\nSQL: {}\nparams: {:?}",
                    sql.text, sql.params
                )));
            }
            Ok(true)
        }
        Ok(Prepared::Show(_)) | Ok(Prepared::Let(_)) => Ok(true),
    }
}

/// (a)–(d) on random scripts.
#[test]
fn random_scripts_round_trip_resolve_and_run() {
    let engine = RefCell::new(example());
    let mut r = runner(cases(3000));
    check(r.run(&script(), |src| pipeline(&engine, &src)));
}

/// The generator is not too timid: over a sample, most statements parse, many resolve and run,
/// many fail to resolve, and the values are in the SQL's parameters.
#[test]
fn generator_reaches_every_outcome() {
    let engine = RefCell::new(example());
    let mut runner = TestRunner::deterministic();
    let (mut ok, mut failed, mut with_params) = (0, 0, 0);
    let strategy = query(2);
    for _ in 0..400 {
        let src = strategy.new_tree(&mut runner).expect("a value").current();
        let mut engine = engine.borrow_mut();
        reset(&mut engine);
        match engine.compile(&src) {
            Ok(sql) => {
                ok += 1;
                if !sql.params.is_empty() {
                    with_params += 1;
                }
            }
            Err(_) => failed += 1,
        }
    }
    assert!(ok >= 120, "only {ok} of 400 generated queries resolve");
    assert!(
        failed >= 80,
        "only {failed} of 400 generated queries fail to resolve"
    );
    assert!(
        with_params >= 80,
        "only {with_params} resolved queries bind parameters"
    );
}
