//! The finder on the forms named in its brief, one assertion per form.

use concord::cite::{
    Catalog, ClauseEntry, DocEntry, Finder, Found, Method, PrincipleEntry, RefUnit, Target, Verdict,
};

fn doc(
    id: &str,
    title: &str,
    aliases: &[&str],
    year: Option<i32>,
    clauses: &[(&str, &str)],
) -> DocEntry {
    DocEntry {
        id: id.into(),
        title: title.into(),
        aliases: aliases.iter().map(|a| a.to_string()).collect(),
        year,
        clauses: clauses
            .iter()
            .map(|(l, t)| ClauseEntry {
                label: l.to_string(),
                text: t.to_string(),
                ..Default::default()
            })
            .collect(),
        instrument: id != "statement",
        ..Default::default()
    }
}

fn catalog() -> Catalog {
    Catalog {
        documents: vec![
            doc(
                "un-charter",
                "Charter of the United Nations",
                &["UN Charter", "United Nations Charter", "the Charter"],
                Some(1945),
                &[
                    (
                        "1",
                        "The Purposes of the United Nations are: to maintain international peace and security.",
                    ),
                    (
                        "2",
                        "The Organization and its Members shall act in accordance with the following Principles.",
                    ),
                    (
                        "2.4",
                        "All Members shall refrain in their international relations from the threat or use of force against the territorial integrity or political independence of any state.",
                    ),
                    (
                        "2.7",
                        "Nothing contained in the present Charter shall authorize the United Nations to intervene in matters which are essentially within the domestic jurisdiction of any state.",
                    ),
                    (
                        "41",
                        "The Security Council may decide what measures not involving the use of armed force are to be employed.",
                    ),
                    (
                        "42",
                        "Should the Security Council consider that measures provided for in Article 41 would be inadequate, it may take such action by air, sea, or land forces.",
                    ),
                    (
                        "43",
                        "All Members of the United Nations undertake to make available to the Security Council armed forces.",
                    ),
                    (
                        "51",
                        "Nothing in the present Charter shall impair the inherent right of individual or collective self-defence if an armed attack occurs against a Member of the United Nations.",
                    ),
                ],
            ),
            doc(
                "helsinki",
                "Final Act of the Conference on Security and Co-operation in Europe",
                &["Helsinki Final Act"],
                Some(1975),
                &[(
                    "8",
                    "The participating States will respect the equal rights of peoples and their right to self-determination.",
                )],
            ),
            doc(
                "istanbul-charter",
                "Charter for European Security",
                &[
                    "Istanbul Charter",
                    "OSCE Charter for European Security",
                    "Istanbul Declaration",
                ],
                Some(1999),
                &[
                    (
                        "8.1",
                        "Each participating State has an equal right to security.",
                    ),
                    (
                        "8.5",
                        "They will not strengthen their security at the expense of the security of other States.",
                    ),
                ],
            ),
            doc(
                "istanbul-2010",
                "Istanbul Declaration of 2010",
                &["Istanbul Declaration"],
                Some(2010),
                &[],
            ),
            doc(
                "astana-declaration",
                "Astana Commemorative Declaration",
                &["Astana Declaration"],
                Some(2010),
                &[],
            ),
            doc(
                "paris-charter",
                "Charter of Paris for a New Europe",
                &["Paris document", "Charter of Paris"],
                Some(1990),
                &[],
            ),
            doc(
                "paris-2015",
                "Paris Agreement",
                &["Paris document"],
                Some(2015),
                &[],
            ),
            doc(
                "istanbul-ru",
                "Хартия европейской безопасности",
                &["Стамбульская хартия"],
                Some(1999),
                &[],
            ),
            doc(
                "statement",
                "A statement",
                &[],
                Some(2022),
                &[("p1", "We speak."), ("p2", "We speak again.")],
            ),
        ],
        principles: vec![PrincipleEntry {
            id: "indivisibility".into(),
            name: "Indivisibility of security".into(),
            aliases: vec![
                "indivisible security".into(),
                "неделимость безопасности".into(),
            ],
        }],
    }
}

fn targets(found: &[Found]) -> Vec<Target> {
    found.iter().map(|f| f.target.clone()).collect()
}

fn clause(doc: &str, label: &str) -> Target {
    Target::Clause {
        doc: doc.into(),
        label: label.into(),
    }
}

fn document(doc: &str) -> Target {
    Target::Document(doc.into())
}

fn refs(text: &str) -> Vec<Target> {
    let f = Finder::new(&catalog());
    let found = f.find("statement", text);
    targets(
        &found
            .into_iter()
            .filter(|x| x.method == Method::ClauseRef)
            .collect::<Vec<_>>(),
    )
}

#[test]
fn clause_ref_forms() {
    assert_eq!(
        refs("under Article 51 of the Charter, states"),
        [clause("un-charter", "51")]
    );
    assert_eq!(
        refs("Art. 2(4) of the UN Charter"),
        [clause("un-charter", "2.4")]
    );
    assert_eq!(
        refs("Article 2, paragraph 4 of the UN Charter"),
        [clause("un-charter", "2.4")]
    );
    assert_eq!(
        refs("paragraph 8.5 of the Istanbul Charter"),
        [clause("istanbul-charter", "8.5")]
    );
    let dl = |d: &str, l: &str| Target::DocumentLabel {
        doc: d.into(),
        label: l.into(),
    };
    assert_eq!(
        refs("paragraph 8 of the Istanbul Charter"),
        [dl("istanbul-charter", "8")]
    );
    assert_eq!(
        refs("point 8 of the Istanbul Charter"),
        [dl("istanbul-charter", "8")]
    );
    assert_eq!(
        refs("Principle VIII of the Helsinki Final Act"),
        [clause("helsinki", "8")],
        "roman falls back to arabic"
    );
    assert_eq!(
        refs("Principle IX of the Helsinki Final Act"),
        [dl("helsinki", "IX")]
    );
    assert_eq!(
        refs("Articles 41 and 42 of the Charter"),
        [clause("un-charter", "41"), clause("un-charter", "42")]
    );
    assert_eq!(
        refs("Articles 41, 42 and 43 of the UN Charter"),
        [
            clause("un-charter", "41"),
            clause("un-charter", "42"),
            clause("un-charter", "43")
        ]
    );
    assert_eq!(
        refs("Chapter VII of the Charter"),
        [dl("un-charter", "VII")]
    );
    assert_eq!(
        refs("Article 2(4) and (7) of the Charter"),
        [clause("un-charter", "2.4"), clause("un-charter", "2.7")]
    );
    assert_eq!(
        refs("the Istanbul Charter, paragraph 8.1, says"),
        [clause("istanbul-charter", "8.1")]
    );
}

#[test]
fn clause_ref_spans_and_units() {
    let f = Finder::new(&catalog());
    let text = "See Articles 41 and 42 of the Charter.";
    let found = f.find("statement", text);
    assert_eq!(found.len(), 2);
    assert!(
        found
            .iter()
            .all(|x| x.span == (4, 37) && x.unit == Some(RefUnit::Article) && x.confidence == 0.95)
    );
    let found = f.find("un-charter", "enforcement measures under Chapter VII.");
    assert_eq!(found[0].unit, Some(RefUnit::Chapter));
}

#[test]
fn clause_refs_without_a_document_are_the_citing_documents() {
    let f = Finder::new(&catalog());
    assert_eq!(
        targets(&f.find("un-charter", "in accordance with Article 51")),
        [clause("un-charter", "51")]
    );
    assert_eq!(
        targets(&f.find("un-charter", "the Purposes stated in Article 1, shall")),
        [clause("un-charter", "1")]
    );
    let dl = Target::DocumentLabel {
        doc: "un-charter".into(),
        label: "VII".into(),
    };
    assert_eq!(
        targets(&f.find("un-charter", "measures under Chapter VII.")),
        [dl]
    );
    assert_eq!(
        targets(&f.find("un-charter", "Article 99 of the present Charter")).len(),
        1
    );
    // A statement's bare references are never its own paragraphs: with no document named,
    // they stay unresolved, naming none.
    let unresolved = |name: Option<&str>, labels: &str| Target::Unresolved {
        name: name.map(String::from),
        labels: labels.into(),
    };
    assert_eq!(
        targets(&f.find("statement", "as paragraph 8 says, and Article 5 too")),
        [unresolved(None, "8"), unresolved(None, "5")]
    );
    assert_eq!(
        targets(&f.find("statement", "as paragraph p2 says")),
        Vec::<Target>::new()
    );
    // A document named but not in the catalog: no citation of the catalog's clauses; the
    // reference is kept with the name it gives.
    assert_eq!(
        targets(&f.find("statement", "Article 5 of the Washington Treaty")),
        [unresolved(Some("the Washington Treaty"), "5")]
    );
}

#[test]
fn aliases_longest_whole_words() {
    let f = Finder::new(&catalog());
    let text = "The OSCE Charter for European Security was signed.";
    let found = f.find("statement", text);
    assert_eq!(targets(&found), [document("istanbul-charter")]);
    assert_eq!(found[0].span, (4, 38));
    assert_eq!(found[0].method.as_str(), "alias");
    assert!(
        f.find(
            "statement",
            "the Istanbul Charterhouse and the Astana Declarationism"
        )
        .is_empty()
    );
    assert!(
        f.find("statement", "the Washington Treaty and the Dayton Accords")
            .is_empty()
    );
}

#[test]
fn year_chooses_between_documents_sharing_an_alias() {
    let f = Finder::new(&catalog());
    assert_eq!(
        targets(&f.find("statement", "the 1999 Istanbul Declaration")),
        [document("istanbul-charter")]
    );
    assert_eq!(
        targets(&f.find("statement", "the 2010 Istanbul Declaration")),
        [document("istanbul-2010")]
    );
    assert_eq!(
        targets(&f.find("statement", "the Istanbul Declaration of 2010")),
        [document("istanbul-2010")]
    );
    assert_eq!(
        targets(&f.find("statement", "the Paris document of 1990")),
        [document("paris-charter")]
    );
    assert!(
        f.find("statement", "the 1975 Istanbul Declaration")
            .is_empty()
    );
    let both = f.find("statement", "the Istanbul Declaration");
    assert_eq!(
        targets(&both),
        [document("istanbul-charter"), document("istanbul-2010")]
    );
    assert!(both.iter().all(|x| x.confidence < 0.5));
    let found = f.find(
        "statement",
        "(the 1999 Istanbul Declaration and the 2010 Astana Declaration)",
    );
    assert_eq!(
        targets(&found),
        [document("istanbul-charter"), document("astana-declaration")]
    );
    assert!(found[0].confidence > 0.9);
}

#[test]
fn plural_lists_name_each_document() {
    let f = Finder::new(&catalog());
    let text = "all countries whose leaders signed the 1999 Istanbul and Astana declarations.";
    let found = f.find("statement", text);
    assert_eq!(
        targets(&found),
        [document("istanbul-charter"), document("astana-declaration")]
    );
    let text = "no mention of the Istanbul or the Astana declarations during";
    let mut got = targets(&f.find("statement", text));
    got.sort_by_key(|t| format!("{t:?}"));
    assert_eq!(
        got.len(),
        3,
        "Istanbul alone is ambiguous without a year: {got:?}"
    );
    assert!(f.find("statement", "both declarations set out").is_empty());
}

#[test]
fn cyrillic_case_folding_and_char_offsets() {
    let f = Finder::new(&catalog());
    let text = "Ещё: СТАМБУЛЬСКАЯ ХАРТИЯ и НЕДЕЛИМОСТЬ БЕЗОПАСНОСТИ.";
    let found = f.find("statement", text);
    assert_eq!(
        targets(&found),
        [
            document("istanbul-ru"),
            Target::Principle("indivisibility".into())
        ]
    );
    let chars: Vec<char> = text.chars().collect();
    let s: String = chars[found[0].span.0..found[0].span.1].iter().collect();
    assert_eq!(s, "СТАМБУЛЬСКАЯ ХАРТИЯ");
}

#[test]
fn never_cites_itself_by_name_or_quotation() {
    let f = Finder::new(&catalog());
    assert!(
        f.find("istanbul-charter", "this Istanbul Charter")
            .is_empty()
    );
    let q = "as we said: “Each participating State has an equal right to security.”";
    assert!(
        f.find("istanbul-charter", q)
            .iter()
            .all(|x| x.method == Method::QuoteUnverified)
    );
}

#[test]
fn principles_by_alias() {
    let f = Finder::new(&catalog());
    let found = f.find(
        "statement",
        "the principle of indivisible security and Indivisibility of Security",
    );
    assert_eq!(found.len(), 2);
    assert!(
        found
            .iter()
            .all(|x| x.method == Method::Principle && x.confidence == 0.8)
    );
}

#[test]
fn quotations_verified_against_the_named_document() {
    let f = Finder::new(&catalog());
    let text = "The Istanbul Charter says: “They will not strengthen their security at the expense of the security of other States.”";
    let found = f.find("statement", text);
    let q = found.iter().find(|x| x.quote.is_some()).unwrap();
    assert_eq!(q.target, clause("istanbul-charter", "8.5"));
    assert_eq!(q.method, Method::QuoteExact);
    assert_eq!(q.confidence, 1.0);
    let text = "as they put it, ‘they will not strengthen their security at the expense …’";
    let found = f.find("statement", text);
    assert_eq!(found[0].method, Method::QuoteNormalized);
    assert_eq!(found[0].target, clause("istanbul-charter", "8.5"));
    let text = "he said: “We will never ever agree to any of this.”";
    let found = f.find("statement", text);
    assert_eq!(
        (found[0].target.clone(), found[0].method),
        (Target::None, Method::QuoteUnverified)
    );
    assert_eq!(
        found[0].check.as_ref().unwrap().verdict,
        Verdict::Unverified
    );
}

#[test]
fn apostrophes_never_open_quotations() {
    let f = Finder::new(&catalog());
    let text = "Russia’s answer to the Americans’ response, NATO’s view and the states’ commitment";
    assert!(f.find("statement", text).is_empty());
}
