//! `~` finds exactly the clauses whose folded text holds the needle.
//!
//! On clause text, `~` first narrows the clauses through the full-text index
//! by the needle's whole words (`sql::generate::full_text_words`), then
//! searches each. That narrowing must never drop a clause that holds the
//! needle. Here needles cut from real treaty text (the 28 open treaties, as
//! `examples/open-treaties/convert.py` writes them, and the example corpus), starting and ending
//! inside words, at word edges and on punctuation, in other cases and in
//! other scripts, are counted by concord and by a plain search of every
//! clause's folded text, which must agree.

mod common;

use std::path::Path;

use common::{Scratch, build, column, convert_open_treaties, open, query_csv};
use concord::fold::fold;

/// A small deterministic generator (the test needs no randomness crate).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n.max(1)
    }
}

/// Needles cut from `texts`: `count` of them, each a run of characters that
/// starts and ends anywhere, widened to word edges or to a separator now and
/// then, sometimes upper-cased, sometimes changed so that nothing holds it.
fn needles(texts: &[String], count: usize, seed: u64) -> Vec<String> {
    let mut rng = Lcg(seed);
    let mut out = Vec::new();
    while out.len() < count {
        let text: Vec<char> = texts[rng.below(texts.len())].chars().collect();
        if text.len() < 4 {
            continue;
        }
        let mut start = rng.below(text.len() - 1);
        let mut end = (start + 1 + rng.below(30)).min(text.len());
        match rng.below(4) {
            // Out to the word edges, then one separator more on each side.
            0 => {
                while start > 0 && text[start - 1].is_alphanumeric() {
                    start -= 1;
                }
                while end < text.len() && text[end].is_alphanumeric() {
                    end += 1;
                }
                start = start.saturating_sub(1);
                end = (end + 1).min(text.len());
            }
            // From the start of a word.
            1 => {
                while start > 0 && text[start - 1].is_alphanumeric() {
                    start -= 1;
                }
            }
            _ => {}
        }
        let mut needle: String = text[start..end].iter().collect();
        match rng.below(5) {
            0 => needle = needle.to_uppercase(),
            1 => needle.push_str("zq"),
            _ => {}
        }
        if !needle.trim().is_empty() {
            out.push(needle);
        }
    }
    out
}

fn check(db: &Path, count: usize, seed: u64) -> usize {
    let texts = column(&open(db), "SELECT text FROM clauses");
    let folded: Vec<String> = texts.iter().map(|t| fold(t)).collect();
    let mut found_somewhere = 0;
    for needle in needles(&texts, count, seed) {
        let n = fold(&needle);
        let expected = folded.iter().filter(|t| t.contains(&n)).count();
        let rows = query_csv(
            db,
            "clauses where text ~ $needle count",
            &[("needle", &needle)],
        );
        let got: usize = rows[0][0].parse().unwrap();
        assert_eq!(got, expected, "clauses where text ~ {needle:?}");
        found_somewhere += usize::from(expected > 0);
    }
    found_somewhere
}

#[test]
fn contains_agrees_with_a_plain_search_on_the_open_treaties() {
    let s = Scratch::new();
    let corpus = s.corpus();
    convert_open_treaties(&corpus);
    let db = s.out().join("treaties.db");
    let r = build(&corpus, &db);
    assert!(r.ok(), "{r:?}");
    let found = check(&db, 120, 7);
    // The needles are cut from the texts: most are found, some (changed) are not.
    assert!((60..120).contains(&found), "{found} of 120 needles found");
}

#[test]
fn contains_agrees_with_a_plain_search_on_the_example() {
    let s = Scratch::new();
    let db = s.out().join("osce.db");
    let r = build(&common::example_dir(), &db);
    assert!(r.ok(), "{r:?}");
    let found = check(&db, 60, 11);
    assert!((30..60).contains(&found), "{found} of 60 needles found");
}
