//! Generated statement-like text for benchmarks and recall tests: paragraphs of plain political
//! prose with, now and then, a planted citation (a named document, a clause reference, a
//! quotation of a catalog clause — sometimes with one word changed —, a principle), and the
//! apostrophes and curly quotes of real statements.

#![allow(dead_code)] // shared by tests, benches and examples, each using a part

use concord::cite::{Catalog, ClauseEntry, DocEntry, PrincipleEntry};

/// A small deterministic random source (xorshift64*).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const WORDS: &[&str] = &[
    "the",
    "of",
    "and",
    "to",
    "in",
    "security",
    "cooperation",
    "our",
    "partners",
    "we",
    "have",
    "that",
    "is",
    "for",
    "on",
    "with",
    "as",
    "this",
    "dialogue",
    "states",
    "region",
    "will",
    "be",
    "by",
    "talks",
    "proposals",
    "response",
    "position",
    "it",
    "not",
    "are",
    "which",
    "European",
    "guarantees",
    "military",
    "issue",
    "colleagues",
    "Western",
    "agreements",
    "framework",
    "obligations",
    "consultations",
    "negotiations",
    "ministers",
    "summit",
    "principles",
    "their",
    "Russia’s",
    "NATO’s",
    "alliance’s",
    "point",
    "part",
    "section",
    "article",
    "today",
    "Geneva",
    "Washington",
    "Moscow",
    "Brussels",
    "Vienna",
    "again",
    "clearly",
    "discussed",
    "agreed",
];

/// Citations planted in the text, with what the finder should report for them.
pub const NAMES: &[(&str, &str)] = &[
    ("the Istanbul Charter", "istanbul-charter"),
    ("the 2010 Astana Declaration", "astana-declaration"),
    ("the INF Treaty", "inf-treaty"),
    ("the Charter of Paris", "paris-charter"),
    ("the Helsinki Final Act", "helsinki"),
];

pub const REFS: &[&str] = &[
    "Article 51 of the UN Charter",
    "Article 2(4) of the UN Charter",
    "Articles 41 and 42 of the UN Charter",
    "paragraph 8 of the Istanbul Charter",
    "Principle VIII of the Helsinki Final Act",
];

pub const PRINCIPLES: &[&str] = &["indivisible security", "freedom to choose alliances"];

const PARA_8: &str = "Each participating State has an equal right to security. We reaffirm the inherent right of each and every participating State to be free to choose or change its security arrangements, including treaties of alliance, as they evolve. Each State also has the right to neutrality. Each participating State will respect the rights of all others in these regards. They will not strengthen their security at the expense of the security of other States.";

/// The OSCE documents and principles the generated text cites, added to `base` (the treaties).
pub fn catalog(mut base: Catalog) -> Catalog {
    let doc = |id: &str, aliases: &[&str], year, clauses: Vec<ClauseEntry>| DocEntry {
        id: id.into(),
        title: aliases[0].into(),
        aliases: aliases.iter().map(|a| a.to_string()).collect(),
        year: Some(year),
        clauses,
        // Charters and declarations: instruments.
        instrument: true,
        ..Default::default()
    };
    let para8 = PARA_8
        .split_inclusive(". ")
        .enumerate()
        .map(|(i, t)| ClauseEntry {
            label: format!("8.{}", i + 1),
            text: t.trim().into(),
            ..Default::default()
        })
        .collect();
    base.documents.push(doc(
        "istanbul-charter",
        &["Istanbul Charter", "Charter for European Security"],
        1999,
        para8,
    ));
    base.documents.push(doc(
        "astana-declaration",
        &["Astana Declaration"],
        2010,
        vec![],
    ));
    base.documents
        .push(doc("inf-treaty", &["INF Treaty"], 1987, vec![]));
    base.documents
        .push(doc("paris-charter", &["Charter of Paris"], 1990, vec![]));
    let helsinki = vec![ClauseEntry { label: "VIII".into(), text: "The participating States will respect the equal rights of peoples and their right to self-determination.".into(), ..Default::default() }];
    base.documents
        .push(doc("helsinki", &["Helsinki Final Act"], 1975, helsinki));
    for d in &mut base.documents {
        if d.id == "un-charter" {
            d.aliases = vec!["UN Charter".into()];
        }
    }
    base.principles = vec![
        PrincipleEntry {
            id: "indivisibility".into(),
            name: "Indivisibility of security".into(),
            aliases: vec!["indivisible security".into()],
        },
        PrincipleEntry {
            id: "freedom-of-alliance".into(),
            name: "Freedom of alliance".into(),
            aliases: vec!["freedom to choose alliances".into()],
        },
    ];
    base
}

/// How many citations of each kind were planted.
#[derive(Default, Debug, Clone, Copy)]
pub struct Planted {
    pub names: usize,
    pub refs: usize,
    pub quotes: usize,
    pub misquotes: usize,
    pub principles: usize,
}

fn sentence(rng: &mut Rng, out: &mut String) {
    let n = 8 + rng.below(18);
    for i in 0..n {
        let w = *rng.pick(WORDS);
        if i == 0 {
            let mut c = w.chars();
            let first = c.next().unwrap();
            out.extend(first.to_uppercase());
            out.push_str(c.as_str());
        } else {
            out.push(' ');
            out.push_str(w);
        }
    }
}

/// Paragraphs of about `bytes` bytes in all; one sentence in `every` carries a citation.
pub fn statements(seed: u64, bytes: usize, every: usize) -> (Vec<String>, Planted) {
    let mut rng = Rng::new(seed);
    let quotes: Vec<&str> = PARA_8.split_inclusive(". ").map(str::trim).collect();
    let (mut paras, mut planted, mut total) = (Vec::new(), Planted::default(), 0);
    while total < bytes {
        let mut p = String::new();
        for _ in 0..(3 + rng.below(8)) {
            sentence(&mut rng, &mut p);
            if rng.below(every) == 0 {
                match rng.below(5) {
                    0 => {
                        p.push_str(" under ");
                        p.push_str(rng.pick(NAMES).0);
                        planted.names += 1;
                    }
                    1 => {
                        p.push_str(" as set out in ");
                        p.push_str(REFS[rng.below(REFS.len())]);
                        planted.refs += 1;
                    }
                    2 => {
                        let q = *rng.pick(&quotes);
                        let q = q.trim_end_matches('.');
                        if rng.below(2) == 0 && q.contains("security") {
                            p.push_str(&format!(
                                ", which says: “{}”",
                                q.replacen("security", "defence", 1)
                            ));
                            planted.misquotes += 1;
                        } else {
                            p.push_str(&format!(", which says: “{q}”"));
                            planted.quotes += 1;
                        }
                    }
                    3 => {
                        p.push_str(" and the principle of ");
                        p.push_str(PRINCIPLES[rng.below(PRINCIPLES.len())]);
                        planted.principles += 1;
                    }
                    _ => p.push_str(", as he said, “we will see how it goes”"),
                }
            }
            p.push_str(". ");
        }
        total += p.len();
        paras.push(p.trim_end().to_string());
    }
    (paras, planted)
}
