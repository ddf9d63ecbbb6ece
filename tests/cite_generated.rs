//! Recall on generated statement text: every planted citation is found, and nothing else.

#[path = "cite_common/mod.rs"]
mod common;

use common::{statements, treaties};
use concord::cite::{Finder, Method};

#[test]
fn every_planted_citation_is_found() {
    let catalog = statements::catalog(treaties::all());
    let finder = Finder::new(&catalog);
    let (paras, planted) = statements::statements(7, 300_000, 12);
    let count = |m: Method| -> usize {
        paras
            .iter()
            .flat_map(|p| finder.find("statement", p))
            .filter(|f| f.method == m)
            .count()
    };
    assert_eq!(count(Method::Alias), planted.names);
    assert_eq!(count(Method::QuoteExact), planted.quotes);
    assert_eq!(count(Method::QuoteNear), planted.misquotes);
    assert_eq!(count(Method::Principle), planted.principles);
    assert_eq!(count(Method::QuoteNormalized), 0);
    let refs = count(Method::ClauseRef);
    assert!(
        refs >= planted.refs && refs <= planted.refs * 2,
        "{refs} for {planted:?}"
    );
    assert!(
        planted.names > 30 && planted.quotes > 20 && planted.misquotes > 5,
        "{planted:?}"
    );
}
