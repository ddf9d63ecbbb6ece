//! No input exhausts the stack or takes long: nesting is limited, recovery is linear.

use std::time::{Duration, Instant};

use concord::syntax::{ErrorKind, MAX_DEPTH, SyntaxError, parse_query, parse_script};

fn errors(src: &str) -> Vec<SyntaxError> {
    match parse_script(src) {
        Ok(script) => panic!("expected errors, parsed {script}"),
        Err(errors) => errors,
    }
}

fn is_too_deep(e: &SyntaxError) -> bool {
    matches!(e.kind, ErrorKind::TooDeep { .. })
}

#[test]
fn hundred_thousand_open_parens_are_an_error_not_an_overflow() {
    let parens = "(".repeat(100_000);
    assert_eq!(errors(&parens).len(), 1);
    for prefix in ["clauses cited-by ", "clauses where ", "show "] {
        let errs = errors(&format!("{prefix}{parens}"));
        assert!(errs.iter().any(is_too_deep), "{prefix}: {errs:?}");
    }
}

#[test]
fn hundred_thousand_nots_are_an_error_not_an_overflow() {
    let errs = errors(&format!("clauses where {}a = 1", "not ".repeat(100_000)));
    assert!(errs.iter().any(is_too_deep), "{errs:?}");
}

#[test]
fn deeply_nested_subqueries_are_an_error_not_an_overflow() {
    let src = format!(
        "clauses cited-by {}",
        "(actors citing (documents reaffirming ".repeat(50_000)
    );
    assert!(errors(&src).iter().any(is_too_deep));
    let src = format!("clauses cited-by {}", "(document x ".repeat(100_000));
    assert!(errors(&src).iter().any(is_too_deep));
}

#[test]
fn nesting_up_to_the_limit_parses() {
    let ok = format!(
        "clauses where {}a = 1{}",
        "(".repeat(MAX_DEPTH),
        ")".repeat(MAX_DEPTH)
    );
    parse_query(&ok).expect("MAX_DEPTH levels are allowed");
    let deep = format!(
        "clauses where {}a = 1{}",
        "(".repeat(MAX_DEPTH + 1),
        ")".repeat(MAX_DEPTH + 1)
    );
    assert!(errors(&deep).iter().any(is_too_deep));
    let nested = (0..MAX_DEPTH).fold("x".to_owned(), |t, _| format!("({t})"));
    parse_query(&format!("clauses cited-by {nested}")).expect("nested lists");
}

/// Parses `src` and fails if that takes longer than `limit` (generous: debug builds are slow).
fn timed(src: &str, limit: Duration) -> Result<(), Vec<SyntaxError>> {
    let start = Instant::now();
    let r = parse_script(src).map(|_| ());
    assert!(
        start.elapsed() < limit,
        "took {:?} for {} bytes",
        start.elapsed(),
        src.len()
    );
    r
}

#[test]
fn large_inputs_parse_in_linear_time() {
    let limit = Duration::from_secs(5);
    let good = "clauses in istanbul-charter#8 cited-by lavrov not cited-by usa;\n".repeat(20_000);
    timed(&good, limit).expect("valid script");
    let bad = "clauses cited-by where;\n".repeat(20_000);
    assert_eq!(timed(&bad, limit).unwrap_err().len(), 20_000);
    let filters = format!("clauses{}", " cited-by x".repeat(50_000));
    timed(&filters, limit).expect("many filters");
    let list = format!("clauses cited-by (x{})", ", x".repeat(50_000));
    timed(&list, limit).expect("long list");
    let string = format!("clauses where text = \"{}", "a\\\"".repeat(100_000));
    assert!(timed(&string, limit).is_err());
    let word = "a".repeat(1_000_000);
    assert!(timed(&word, limit).is_err());
    let value = format!("clauses where text = \"{}\"", "Ж".repeat(500_000));
    timed(&value, limit).expect("long string");
    let backtrack = format!("clauses cited-by {}", "(document x, ".repeat(MAX_DEPTH - 1));
    assert!(timed(&backtrack, limit).is_err());
}

#[test]
fn every_broken_statement_of_a_script_is_reported() {
    let src =
        "clauses cited-by;\nprinciples\n\nactors in (nato\n\ndocuments after 2022-02-30;\nclauses";
    let errs = errors(src);
    assert_eq!(errs.len(), 3, "{errs:#?}");
    assert!(matches!(errs[1].kind, ErrorKind::UnclosedParen { .. }));
    assert!(matches!(errs[2].kind, ErrorKind::MalformedDate { .. }));
}
