//! No panic and well-formed spans on any input: slices of real texts cut at random places, and
//! random soup of the characters the finder reacts to.

#[path = "cite_common/mod.rs"]
mod common;

use common::{statements, treaties};
use concord::cite::{Finder, Target};

const SOUP: &[&str] = &[
    "Article ",
    "Articles ",
    "Art.",
    "§",
    "§§ ",
    "paragraph ",
    "para. ",
    "of the ",
    "this ",
    "present ",
    "Charter",
    "Istanbul ",
    "Declaration",
    "declarations",
    "and ",
    "or ",
    ", ",
    "to ",
    "(",
    ")",
    "4",
    "51",
    "1999 ",
    "VII",
    "IIII",
    "“",
    "”",
    "‘",
    "’",
    "\"",
    "'",
    "«",
    "»",
    "„",
    "[…]",
    "[...]",
    "…",
    ". ",
    "\n",
    "\n\n",
    "İ",
    "Σ",
    "СТАМБУЛЬСКАЯ",
    "ﬁ",
    "\u{a0}",
    "\u{ad}",
    "-",
    "–",
    "a",
    "bis ",
    "Chapter ",
    "Principle ",
];

fn check(finder: &Finder, text: &str) {
    let chars = text.chars().count();
    for f in finder.find("statement", text) {
        assert!(
            f.span.0 <= f.span.1 && f.span.1 <= chars,
            "{f:?} in {text:?}"
        );
        if let Some(q) = &f.quote {
            let s: String = text
                .chars()
                .skip(f.span.0)
                .take(f.span.1 - f.span.0)
                .collect();
            assert_eq!(&s, q);
        }
        assert!((0.0..=1.0).contains(&f.confidence));
        if let Target::Clause { label, .. } | Target::DocumentLabel { label, .. } = &f.target {
            assert!(!label.is_empty());
        }
    }
}

#[test]
fn random_soup_never_panics() {
    let catalog = statements::catalog(treaties::all());
    let finder = Finder::new(&catalog);
    let mut rng = statements::Rng::new(42);
    for _ in 0..3000 {
        let n = 1 + rng.below(40);
        let text: String = (0..n).map(|_| *rng.pick(SOUP)).collect();
        check(&finder, &text);
    }
}

#[test]
fn slices_of_real_text_never_panic() {
    let catalog = statements::catalog(treaties::all());
    let finder = Finder::new(&catalog);
    let article = std::fs::read_to_string(treaties::data("sources/osce-article-2022.txt"))
        .expect("the source article in tests/data/sources");
    let mut texts: Vec<String> = vec![article];
    texts.extend(
        catalog
            .documents
            .iter()
            .take(6)
            .flat_map(|d| d.clauses.iter().take(20).map(|c| c.text.clone())),
    );
    let mut rng = statements::Rng::new(7);
    for text in &texts {
        let bounds: Vec<usize> = text
            .char_indices()
            .map(|(i, _)| i)
            .chain([text.len()])
            .collect();
        for _ in 0..40 {
            let a = bounds[rng.below(bounds.len())];
            let b = bounds[rng.below(bounds.len())];
            check(&finder, &text[a.min(b)..a.max(b)]);
        }
    }
}
