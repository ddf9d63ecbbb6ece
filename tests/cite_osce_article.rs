//! The finder over every paragraph of the source article (tests/data/sources/osce-article-2022.txt):
//! Lavrov's two statements name the Istanbul and Astana declarations, the INF Treaty and the
//! principle of indivisible security; the commentary quotes the Istanbul Charter.
//!
//! The Charter's clauses hold the passages the article quotes (paragraph 8 cut into sentences
//! `8.1`..`8.6`, as the corpus format suggests); the other labels are this test's own.

#[path = "cite_common/mod.rs"]
mod common;

use common::treaties;
use concord::cite::{
    Catalog, ClauseEntry, Context, DocEntry, Finder, Found, Method, PrincipleEntry, Target, Verdict,
};

const PARA_8: [&str; 6] = [
    "Each participating State has an equal right to security.",
    "We reaffirm the inherent right of each and every participating State to be free to choose or change its security arrangements, including treaties of alliance, as they evolve.",
    "Each State also has the right to neutrality.",
    "Each participating State will respect the rights of all others in these regards.",
    "They will not strengthen their security at the expense of the security of other States.",
    "Within the OSCE no State, group of States or organization can have any pre-eminent responsibility for maintaining peace and stability in the OSCE area or can consider any part of the OSCE area as its sphere of influence.",
];

fn platform(spelling: &str) -> String {
    format!(
        "The OSCE will work co-operatively with those {o}s and institutions whose members individually and \
         collectively, in a manner consistent with the modalities appropriate to each {o} or institution, now \
         and in the future: - Adhere to the principles of the Charter of the United Nations and of the OSCE; \
         - Support the principles of transparency and predictability in their actions; - Actively support the \
         OSCE's concept of common, comprehensive and indivisible security and a common security space free of \
         dividing lines; - Play a role in the development of mutual co-operation.",
        o = spelling
    )
}

fn catalog(spelling: &str) -> Catalog {
    let mut clauses: Vec<ClauseEntry> = vec![ClauseEntry {
        label: "1".into(),
        text: "We are committed to preventing the outbreak of violent conflicts wherever possible. The Charter will \
               contribute to the formation of a common and indivisible security space. It will advance the creation \
               of an OSCE area free of dividing lines and zones with different levels of security."
            .into(), ..Default::default()
    }];
    for (i, t) in PARA_8.iter().enumerate() {
        clauses.push(ClauseEntry {
            label: format!("8.{}", i + 1),
            text: t.to_string(),
            ..Default::default()
        });
    }
    let more = [
        (
            "9",
            "We will build our relations in conformity with the concept of common and comprehensive security, guided by equal partnership, solidarity and transparency. The security of each participating State is inseparably linked to that of all others. We will address the human, economic, political and military dimensions of security as an integral whole.",
        ),
        (
            "fsc-a",
            "We are determined to make further efforts within the FSC in order to jointly address common security concerns of participating States and to pursue the OSCE’s concept of comprehensive and indivisible security so far as the politico-military dimension is concerned. We will continue a substantial security dialogue and task our representatives to conduct this dialogue in the framework of the FSC.",
        ),
        (
            "fsc-b",
            "We are determined to broaden and strengthen our dialogue concerning developments related to all aspects of security in the OSCE area. We charge the Permanent Council and the FSC within their respective areas of competence to address in greater depth security concerns of the participating States and to pursue the OSCE’s concept of comprehensive and indivisible security.",
        ),
    ];
    for (l, t) in more {
        clauses.push(ClauseEntry {
            label: l.into(),
            text: t.into(),
            ..Default::default()
        });
    }
    clauses.push(ClauseEntry {
        label: "pcs-4".into(),
        text: platform(spelling),
        ..Default::default()
    });
    let doc = |id: &str, title: &str, aliases: &[&str], year, clauses| DocEntry {
        id: id.into(),
        title: title.into(),
        aliases: aliases.iter().map(|a| a.to_string()).collect(),
        year: Some(year),
        clauses,
        // Charters and declarations: instruments.
        instrument: true,
        ..Default::default()
    };
    Catalog {
        documents: vec![
            doc(
                "istanbul-charter",
                "Charter for European Security",
                &[
                    "Istanbul Charter",
                    "Charter for European Security",
                    "OSCE Charter for European Security",
                    "Istanbul Declaration",
                ],
                1999,
                clauses,
            ),
            doc(
                "astana-declaration",
                "Astana Commemorative Declaration",
                &["Astana Declaration"],
                2010,
                vec![],
            ),
            doc(
                "inf-treaty",
                "Intermediate-Range Nuclear Forces Treaty",
                &["INF Treaty"],
                1987,
                vec![],
            ),
            doc(
                "paris-charter",
                "Charter of Paris for a New Europe",
                &["Charter of Paris", "Paris Charter"],
                1990,
                vec![],
            ),
        ],
        principles: vec![PrincipleEntry {
            id: "indivisibility".into(),
            name: "Indivisibility of security".into(),
            aliases: vec![
                "indivisible security".into(),
                "indivisibility of security".into(),
            ],
        }],
    }
}

/// Every non-empty line of the article is a paragraph; returns (line, citations) in order, with
/// the context carried from one paragraph to the next.
fn run(finder: &Finder, text: &str) -> Vec<(String, Vec<Found>)> {
    let mut ctx = Context::default();
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            (
                l.to_string(),
                finder.find_with("osce-article-2022", l, &mut ctx),
            )
        })
        .collect()
}

fn article() -> String {
    std::fs::read_to_string(treaties::data("sources/osce-article-2022.txt"))
        .expect("the source article in tests/data/sources")
}

fn commentary(all: &[(String, Vec<Found>)]) -> &[(String, Vec<Found>)] {
    let at = all
        .iter()
        .position(|(l, _)| l.starts_with("The OSCE’s Istanbul Charter"))
        .unwrap();
    &all[at..]
}

fn clause(label: &str) -> Target {
    Target::Clause {
        doc: "istanbul-charter".into(),
        label: label.into(),
    }
}

#[test]
fn every_charter_quotation_in_the_commentary_is_verified() {
    let finder = Finder::new(&catalog("organisation"));
    let all = run(&finder, &article());
    let quotes: Vec<&Found> = commentary(&all)
        .iter()
        .flat_map(|(_, f)| f)
        .filter(|f| f.quote.is_some())
        .collect();
    let got: Vec<(Target, Verdict)> = quotes
        .iter()
        .map(|f| (f.target.clone(), f.check.as_ref().unwrap().verdict))
        .collect();
    use Verdict::*;
    let want = vec![
        (clause("8.2"), Exact),
        (clause("1"), Exact),
        (clause("9"), Exact),
        (clause("fsc-a"), Exact),
        (clause("fsc-b"), Exact),
        (clause("pcs-4"), Normalized), // the unmarked passage with two […] elisions
        (clause("8.1"), Exact),
        (clause("8.2"), Exact),
        (clause("8.4"), Exact), // one quotation of two sentences: cited sentence by sentence
        (clause("8.5"), Exact),
    ];
    assert_eq!(got, want);
    let elided = quotes[5];
    assert!(elided.quote.as_deref().unwrap().contains("[…]"));
    assert!(
        elided
            .check
            .as_ref()
            .unwrap()
            .source_text
            .as_deref()
            .unwrap()
            .starts_with("The OSCE will work")
    );
    assert_eq!(elided.method, Method::QuoteNormalized);
}

/// British and American spelling change no word: the quotation is `normalized`, not `near`.
#[test]
fn the_elided_passage_is_normalized_when_the_source_spells_otherwise() {
    let finder = Finder::new(&catalog("organization"));
    let all = run(&finder, &article());
    let elided = commentary(&all)
        .iter()
        .flat_map(|(_, f)| f)
        .find(|f| f.quote.as_deref().is_some_and(|q| q.contains("[…]")))
        .unwrap();
    let check = elided.check.as_ref().unwrap();
    assert_eq!(
        (elided.target.clone(), check.verdict),
        (clause("pcs-4"), Verdict::Normalized)
    );
    assert!(check.changed.is_empty() && check.added.is_empty() && check.dropped.is_empty());
}

#[test]
fn a_planted_misquote_is_near_with_the_changed_word() {
    let finder = Finder::new(&catalog("organisation"));
    let text = article().replace(
        "They will not strengthen their security",
        "They will not strengthen their defence",
    );
    let all = run(&finder, &text);
    let near: Vec<&Found> = all
        .iter()
        .flat_map(|(_, f)| f)
        .filter(|f| f.method == Method::QuoteNear)
        .collect();
    assert_eq!(near.len(), 1);
    assert_eq!(near[0].target, clause("8.5"));
    let check = near[0].check.as_ref().unwrap();
    assert_eq!(
        check.changed,
        [("security".to_string(), "defence".to_string())]
    );
    assert!(near[0].confidence > 0.8 && near[0].confidence < 0.9);
}

#[test]
fn lavrov_names_the_istanbul_and_astana_declarations() {
    let finder = Finder::new(&catalog("organisation"));
    let all = run(&finder, &article());
    let statements = &all[..all.len() - commentary(&all).len()];
    let named = |needle: &str| -> Vec<Target> {
        let (_, found) = statements.iter().find(|(l, _)| l.contains(needle)).unwrap();
        let mut t: Vec<Target> = found
            .iter()
            .filter(|f| f.method == Method::Alias)
            .map(|f| f.target.clone())
            .collect();
        t.dedup();
        t
    };
    let both = vec![
        Target::Document("istanbul-charter".into()),
        Target::Document("astana-declaration".into()),
    ];
    assert_eq!(
        named("the 1999 Istanbul Declaration and the 2010 Astana Declaration"),
        both
    );
    assert_eq!(named("the Istanbul or the Astana declarations"), both);
    assert_eq!(named("signed the Istanbul and Astana declarations"), both);
    assert_eq!(
        named("the Istanbul Charter and the Astana Declaration"),
        both
    );
    assert_eq!(named("INF Treaty"), [Target::Document("inf-treaty".into())]);
    let principle = Target::Principle("indivisibility".into());
    let invoked = statements
        .iter()
        .flat_map(|(_, f)| f)
        .filter(|f| f.target == principle)
        .count();
    assert_eq!(
        invoked, 2,
        "the principle of indivisible security; the indivisibility of security"
    );
    assert!(
        statements
            .iter()
            .flat_map(|(_, f)| f)
            .all(|f| f.quote.is_none()),
        "the statements hold no quotation"
    );
}

#[test]
fn point_8_of_the_charter_is_the_charter_named_before() {
    let finder = Finder::new(&catalog("organisation"));
    let all = run(&finder, &article());
    let (_, found) = all
        .iter()
        .find(|(l, _)| l.contains("in a sentence in point 8 of the Charter"))
        .unwrap();
    let targets: Vec<Target> = found.iter().map(|f| f.target.clone()).collect();
    assert_eq!(
        targets,
        [
            Target::Document("istanbul-charter".into()),
            Target::DocumentLabel {
                doc: "istanbul-charter".into(),
                label: "8".into()
            }
        ]
    );
}

#[test]
fn sentence_clauses_are_preferred_to_the_paragraph_holding_them() {
    // As in the project's example corpus: paragraph 8 stored whole and cut into 8.1..8.6.
    let mut cat = catalog("organisation");
    let whole = PARA_8.join(" ");
    cat.documents[0].clauses.push(ClauseEntry {
        label: "8".into(),
        text: whole,
        ..Default::default()
    });
    let finder = Finder::new(&cat);
    let all = run(&finder, &article());
    let quotes: Vec<Target> = commentary(&all)
        .iter()
        .flat_map(|(_, f)| f)
        .filter(|f| f.quote.is_some())
        .map(|f| f.target.clone())
        .collect();
    assert_eq!(quotes[0], clause("8.2"));
    assert_eq!(
        quotes[quotes.len() - 4..],
        [clause("8.1"), clause("8.2"), clause("8.4"), clause("8.5")]
    );
    // A quotation of two sentences in a statement with no sentence clauses stays whole.
    let text = "the Charter says: “Each participating State will respect the rights of all others in these \
                regards. They will not strengthen their security at the expense of the security of other States.”";
    let mut cat = catalog("organisation");
    cat.documents[0]
        .clauses
        .retain(|c| !c.label.starts_with("8."));
    cat.documents[0].clauses.push(ClauseEntry {
        label: "8".into(),
        text: PARA_8.join(" "),
        ..Default::default()
    });
    let found = Finder::new(&cat).find("statement", text);
    assert_eq!(
        (found[0].target.clone(), found[0].method),
        (clause("8"), Method::QuoteExact)
    );
}
