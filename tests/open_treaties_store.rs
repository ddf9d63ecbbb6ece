//! The open-treaties corpus end to end: `examples/open-treaties/convert.py` turns the 28 treaty
//! files of `tests/data/open-treaties` into a corpus, the real `concord build` makes a store,
//! and the citations it finds in the treaties' own text are checked against what the text says
//! (each fact below was read in the source first; see docs/citation-quality.md).
//!
//! The corpus and the store are made once per run under cargo's `CARGO_TARGET_TMPDIR`. The
//! failure patterns first measured in docs/citation-quality.md are kept as regression tests.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use rusqlite::{Connection, OpenFlags};

struct Built {
    corpus: PathBuf,
    db: PathBuf,
}

/// Converts and builds once; every test reads the same store.
fn built() -> &'static Built {
    static BUILT: OnceLock<Built> = OnceLock::new();
    BUILT.get_or_init(|| {
        let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("open-treaties-store");
        let corpus = root.join("corpus");
        let db = root.join("open-treaties.db");
        std::fs::create_dir_all(&root).unwrap();
        common::convert_open_treaties(&corpus);
        let out = Command::new(env!("CARGO_BIN_EXE_concord"))
            .args([
                "build".as_ref(),
                corpus.as_os_str(),
                "-o".as_ref(),
                db.as_os_str(),
            ])
            .output()
            .expect("concord runs");
        assert!(
            out.status.success(),
            "concord build failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Built { corpus, db }
    })
}

fn open() -> Connection {
    Connection::open_with_flags(&built().db, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap()
}

/// `concord query Q --db DB --format json`, as a list of objects.
fn query(q: &str) -> Vec<serde_json::Map<String, serde_json::Value>> {
    let out = Command::new(env!("CARGO_BIN_EXE_concord"))
        .arg("query")
        .arg(q)
        .arg("--db")
        .arg(&built().db)
        .args(["--format", "json", "--color", "never"])
        .output()
        .expect("concord runs");
    assert!(
        out.status.success(),
        "{q}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_object().unwrap().clone())
        .collect()
}

fn field(r: &serde_json::Map<String, serde_json::Value>, k: &str) -> String {
    r.get(k)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string()
}

/// The (from, to) pairs of the found citations with this method.
fn pairs(method: &str) -> BTreeSet<(String, String)> {
    query(&format!(
        "citations where method = {method} select from, to"
    ))
    .iter()
    .map(|r| (field(r, "from"), field(r, "to")))
    .collect()
}

fn has(set: &BTreeSet<(String, String)>, from: &str, to: &str) -> bool {
    set.contains(&(from.to_string(), to.to_string()))
}

fn clause_text(doc: &str, label: &str) -> String {
    open()
        .query_row(
            "SELECT c.text FROM clauses c JOIN documents d ON d.id = c.document_id WHERE d.slug = ?1 AND c.label = ?2",
            [doc, label],
            |r| r.get(0),
        )
        .unwrap_or_else(|_| panic!("no clause {doc}#{label}"))
}

#[test]
fn the_converter_writes_one_document_per_treaty_and_keeps_the_licence() {
    let b = built();
    let mut files: Vec<String> = std::fs::read_dir(&b.corpus)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let json: Vec<&String> = files.iter().filter(|f| f.ends_with(".json")).collect();
    assert_eq!(json.len(), 28, "{files:?}");
    assert!(files.contains(&"un-charter.json".to_string()));
    assert!(files.contains(&"_DATA_LICENSE".to_string()));
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(b.corpus.join("un-charter.json")).unwrap())
            .unwrap();
    let d = &doc["document"][0];
    assert_eq!(d["id"], "un-charter");
    assert_eq!(d["title"], "Charter of the United Nations");
    assert_eq!(d["kind"], "treaty");
    let aliases: Vec<&str> = d["aliases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    assert!(aliases.contains(&"United Nations Charter"), "{aliases:?}");
    assert!(
        d["source"]
            .as_str()
            .unwrap()
            .contains("lawchat-oss/open-treaties")
    );
}

#[test]
fn the_store_holds_28_treaties() {
    let n: i64 = open()
        .query_row(
            "SELECT count(*) FROM documents WHERE kind = 'treaty'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 28);
    let docs = query("documents count");
    assert_eq!(docs[0]["count"], 28);
}

#[test]
fn the_charter_has_its_preamble_and_articles_1_to_111() {
    let labels: BTreeSet<String> = query("clauses in un-charter select ref")
        .iter()
        .map(|r| field(r, "ref"))
        .collect();
    assert!(labels.contains("un-charter#preamble"));
    for n in 1..=111 {
        assert!(labels.contains(&format!("un-charter#{n}")), "article {n}");
    }
    assert!(!labels.contains("un-charter#112"));
    assert!(clause_text("un-charter", "51").starts_with(
        "Nothing in the present Charter shall impair the inherent right of individual or collective self-defence"
    ));
}

#[test]
fn charter_article_2_paragraph_4_is_the_use_of_force_paragraph() {
    // Article 2: an unnumbered opening sentence (2.0), then seven paragraphs (2.1 .. 2.7).
    assert!(clause_text("un-charter", "2.0").starts_with(
        "The Organization and its Members, in pursuit of the Purposes stated in Article 1"
    ));
    assert!(
        clause_text("un-charter", "2.1")
            .starts_with("The Organization is based on the principle of the sovereign equality")
    );
    assert!(clause_text("un-charter", "2.4").starts_with(
        "All Members shall refrain in their international relations from the threat or use of force"
    ));
    assert!(clause_text("un-charter", "2.7").ends_with("enforcement measures under Chapter Vll."));
    // Article 1 likewise; ICESCR Article 10 too ("…recognize that:" then 1. 2. 3.)
    assert_eq!(
        clause_text("un-charter", "1.0"),
        "The Purposes of the United Nations are:"
    );
    assert!(clause_text("icescr", "10.3").starts_with("Special measures of protection"));
    // a numbered article: the numbers go into the labels, not the text
    assert!(clause_text("vclt", "65.3").starts_with("If, however, objection has been raised"));
    // the Rome Statute's 8 bis, and UNCLOS's last article from the digit-by-digit numeral 三二〇
    clause_text("rome-statute", "8bis");
    clause_text("unclos", "320");
}

#[test]
fn headings_glued_to_articles_are_moved_to_the_next_article_title() {
    assert!(clause_text("unclos", "16").ends_with("Secretary-General of the United Nations."));
    let title: String = open()
        .query_row(
            "SELECT c.title FROM clauses c JOIN documents d ON d.id = c.document_id WHERE d.slug = 'uncac' AND c.label = '5'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(title.contains("Chapter II. Preventive measures"), "{title}");
}

#[test]
fn cross_references_inside_the_charter() {
    let refs = pairs("clause-ref");
    // Article 2: "in pursuit of the Purposes stated in Article 1"
    assert!(has(&refs, "un-charter#2.0", "un-charter#1"));
    // Article 39: "in accordance with Articles 41 and 42"
    assert!(has(&refs, "un-charter#39", "un-charter#41"));
    assert!(has(&refs, "un-charter#39", "un-charter#42"));
    // Article 42: "measures provided for in Article 41"; Article 44: "under Article 43"
    assert!(has(&refs, "un-charter#42", "un-charter#41"));
    assert!(has(&refs, "un-charter#44", "un-charter#43"));
    // Article 27(3): "under paragraph 3 of Article 52" is article 52, paragraph 3 (a stored clause)
    assert!(has(&refs, "un-charter#27.3", "un-charter#52.3"));
    // Article 24(2): "laid down in Chapters VI, VII, VIII, and XII" (chapter labels, no clauses)
    for ch in ["VI", "VII", "VIII", "XII"] {
        assert!(
            has(&refs, "un-charter#24.2", &format!("un-charter#{ch}")),
            "{ch}"
        );
    }
    // Article 38: "Without prejudice to the provisions of Articles 33 to 37"
    for n in 33..=37 {
        assert!(
            has(&refs, "un-charter#38", &format!("un-charter#{n}")),
            "{n}"
        );
    }
}

#[test]
fn other_treaties_cite_the_charter() {
    let refs = pairs("clause-ref");
    // Rome Statute 13(b) and 16: "under Chapter VII of the Charter of the United Nations"
    assert!(has(&refs, "rome-statute#13", "un-charter#VII"));
    assert!(has(&refs, "rome-statute#16", "un-charter#VII"));
    // VCLT 30(1): "Subject to Article 103 of the Charter of the United Nations"
    assert!(has(&refs, "vclt#30.1", "un-charter#103"));
    // Outer Space Treaty 14(6): "registered ... pursuant to Article 102 of the Charter of the United Nations"
    assert!(has(&refs, "outer-space#14", "un-charter#102"));
    // UNCLOS 74(1): "as referred to in Article 38 of the Statute of the International Court of Justice"
    assert!(has(&refs, "unclos#74.1", "icj-statute#38"));
    let aliases = pairs("alias");
    // ICJ Statute 1: "established by the Charter of the United Nations"
    assert!(has(&aliases, "icj-statute#1", "un-charter"));
    // Charter 93(1): "ipso facto parties to the Statute of the International Court of Justice"
    assert!(has(&aliases, "un-charter#93.1", "icj-statute"));
    // Rome Statute 8(2)(a): "Grave breaches of the Geneva Conventions of 12 August 1949": all four
    for gc in ["gc-i", "gc-ii", "gc-iii", "gc-iv"] {
        assert!(has(&aliases, "rome-statute#8.2", gc), "{gc}");
    }
}

#[test]
fn protocols_cite_their_conventions() {
    let refs = pairs("clause-ref");
    // Protocol I 45(3): "notwithstanding Article 5 of the Fourth Convention"
    assert!(has(&refs, "gc-ap1#45.3", "gc-iv#5"));
    // ICCPR Second Optional Protocol 3: "in accordance with article 40 of the Covenant"
    assert!(has(&refs, "iccpr-op2#3", "iccpr#40"));
    // GC IV 140: "Article 123 of the Geneva Convention relative to the Treatment of Prisoners of War"
    assert!(has(&refs, "gc-iv#140.1", "gc-iii#123"));
}

// ---- what the finder does not do yet (docs/citation-quality.md, "failure patterns")

/// Regression: a bare "paragraph N" was read as article N of the citing treaty.
#[test]
fn a_paragraph_of_the_same_article_is_that_paragraph() {
    let refs = pairs("clause-ref");
    // Charter 61(2): "Subject to the provisions of paragraph 3" is 61(3), not Article 3
    assert!(!has(&refs, "un-charter#61.2", "un-charter#3"));
    assert!(has(&refs, "un-charter#61.2", "un-charter#61.3"));
    // Charter 53(2): "as used in paragraph 1 of this Article" is 53(1)
    assert!(has(&refs, "un-charter#53.2", "un-charter#53.1"));
}

/// Regression: ", of the Charter" after "Article 2, paragraph 3" was not attached, so the
/// reference went to the citing treaty (`unclos#2.3`).
#[test]
fn a_comma_before_of_keeps_the_document() {
    let refs = pairs("clause-ref");
    // UNCLOS 279: "in accordance with Article 2, paragraph 3, of the Charter of the United Nations"
    assert!(has(&refs, "unclos#279", "un-charter#2.3"));
    assert!(!has(&refs, "unclos#279", "unclos#2.3"));
}

/// Regression: "Article 3 common to the Geneva Conventions" went to the citing Protocol
/// (`gc-ap2#3`); it is the article common to the four Conventions.
#[test]
fn common_article_3_is_the_conventions_article() {
    let refs = pairs("clause-ref");
    for gc in ["gc-i", "gc-ii", "gc-iii", "gc-iv"] {
        assert!(has(&refs, "gc-ap2#preamble", &format!("{gc}#3")), "{gc}");
    }
    assert!(!has(&refs, "gc-ap2#preamble", "gc-ap2#3"));
}
