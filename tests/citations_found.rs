//! Citations found in text, through the real binary: on `build` (stored with
//! method, confidence, span and differences), in the language
//! (`citations where method = quote-near`), in `show citation N`, and in
//! `concord verify` on a draft.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn concord(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_concord"))
        .args(args)
        .args(["--color", "never"])
        .output()
        .expect("concord runs")
}

fn text(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn example(file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/osce")
        .join(file)
}

/// A copy of the example corpus plus a copy of the editors' commentary (as a
/// new document) in which one quoted word is changed: security → defence.
fn corpus_with_misquote(dir: &Path) -> PathBuf {
    let corpus = dir.join("corpus");
    fs::create_dir_all(corpus.join("statements")).unwrap();
    for f in [
        "actors.toml",
        "principles.toml",
        "documents.toml",
        "citations.toml",
    ] {
        fs::copy(example(f), corpus.join(f)).unwrap();
    }
    for f in [
        "lavrov-2022-01-27.txt",
        "lavrov-2022-02-01.txt",
        "osce-article-2022.txt",
    ] {
        fs::copy(
            example(&format!("statements/{f}")),
            corpus.join("statements").join(f),
        )
        .unwrap();
    }
    let original = fs::read_to_string(example("statements/osce-article-2022.txt")).unwrap();
    let planted = original
        .replace(
            "id = \"osce-article-2022\"",
            "id = \"osce-article-2022-copy\"",
        )
        .replace(
            "They will not strengthen their security at the expense",
            "They will not strengthen their defence at the expense",
        );
    assert_ne!(planted, original);
    fs::write(corpus.join("statements/copy.txt"), planted).unwrap();
    corpus
}

#[test]
fn a_planted_misquote_is_stored_as_quote_near_with_the_changed_word() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = corpus_with_misquote(dir.path());
    let db = dir.path().join("mq.db");
    let b = common::build(&corpus, &db);
    assert!(b.ok(), "{}", b.stderr);
    let q = concord(&[
        "query",
        "citations where method = quote-near select id, from, to, quote, diff",
        "--db",
        db.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let rows: serde_json::Value = serde_json::from_slice(&q.stdout).expect("JSON rows");
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    let r = &rows[0];
    assert_eq!(r["from"], "osce-article-2022-copy#p11");
    assert_eq!(r["to"], "istanbul-charter#8.5");
    let diff: serde_json::Value = serde_json::from_str(r["diff"].as_str().unwrap()).unwrap();
    assert_eq!(
        diff["changed"],
        serde_json::json!([["security", "defence"]])
    );
    assert_eq!(diff["verdict"], "near");

    // `show citation N` puts the quotation beside its source, the changed word marked.
    let id = r["id"].as_i64().unwrap();
    let show = concord(&["-c", &format!("show citation {id}"), db.to_str().unwrap()]);
    let card = text(&show);
    assert!(
        card.contains("quotation  They will not strengthen their [[defence]] at the expense"),
        "{card}"
    );
    assert!(
        card.contains("source text  They will not strengthen their security at the expense"),
        "{card}"
    );
    assert!(card.contains("changed  security → defence"), "{card}");

    // Confidence is queryable: the near quotation is below 0.9, exact ones are 1.
    let low = concord(&[
        "query",
        "citations where confidence < 0.9 and method = quote-near count",
        "--db",
        db.to_str().unwrap(),
        "--format",
        "csv",
    ]);
    assert_eq!(text(&low), "count\n1\n");
}

#[test]
fn found_citations_never_duplicate_curated_ones() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("osce.db");
    let b = common::build(&example(""), &db);
    assert!(b.ok(), "{}", b.stderr);
    let conn = rusqlite::Connection::open(&db).unwrap();
    let dup: i64 = conn
        .query_row(
            "SELECT count(*) FROM citations f JOIN citations c ON c.method = 'curated' AND f.method <> 'curated'
             AND c.from_clause_id = f.from_clause_id
             AND c.to_document_id IS f.to_document_id AND c.to_clause_id IS f.to_clause_id AND c.to_principle_id IS f.to_principle_id",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(dup, 0);
    let found: i64 = conn
        .query_row(
            "SELECT count(*) FROM citations WHERE method <> 'curated'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        found > 10,
        "only {found} citations found in the example's text"
    );
    // Every found citation records where it is in its clause.
    let unplaced: i64 = conn
        .query_row("SELECT count(*) FROM citations WHERE method <> 'curated' AND (span_start IS NULL OR span_end <= span_start)", [], |r| r.get(0))
        .unwrap();
    assert_eq!(unplaced, 0);
}

#[test]
fn verify_passes_the_editors_commentary_with_every_charter_quotation_verified() {
    let v = concord(&[
        "verify",
        example("statements/osce-article-2022.txt")
            .to_str()
            .unwrap(),
    ]);
    let out = text(&v);
    assert!(v.status.success(), "{out}");
    assert!(
        out.ends_with("quotations: 10 verified, 0 altered, 0 without a source\n"),
        "{out}"
    );
    for clause in [
        "#8.1",
        "#8.2",
        "#8.4",
        "#1",
        "#9",
        "#fsc",
        "#dialogue",
        "#platform",
    ] {
        assert!(
            out.contains(&format!(
                "quotation ok (exact, confidence 1.00) → istanbul-charter{clause}"
            )),
            "{clause} not verified:\n{out}"
        );
    }
    assert!(
        out.contains("quotation ok (exact, confidence 1.00) → istanbul-charter#8.5"),
        "{out}"
    );
}

#[test]
fn verify_finds_lavrovs_references_to_the_istanbul_and_astana_declarations() {
    let v = concord(&[
        "verify",
        example("statements/lavrov-2022-01-27.txt")
            .to_str()
            .unwrap(),
    ]);
    let out = text(&v);
    assert!(v.status.success(), "{out}");
    assert!(
        out.contains("p4:") && out.contains("→ istanbul-charter"),
        "{out}"
    );
    assert!(out.contains("→ astana-declaration"), "{out}");
    let lines: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with("p4:") && l.contains("alias"))
        .collect();
    assert!(
        lines
            .iter()
            .any(|l| l.contains("Istanbul Declaration") && l.contains("istanbul-charter")),
        "{lines:?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains("Astana Declaration") && l.contains("astana-declaration")),
        "{lines:?}"
    );
}

#[test]
fn verify_flags_an_altered_quotation_with_its_source_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let draft = dir.path().join("draft.md");
    fs::write(
        &draft,
        "# Draft\n\nThe Charter is plain. Paragraph 8 of the Istanbul Charter says: \
         “They will not strengthen their defence at the expense of the security of other States.”\n",
    )
    .unwrap();
    let v = concord(&["verify", draft.to_str().unwrap()]);
    let out = text(&v);
    assert_eq!(v.status.code(), Some(1), "{out}");
    assert!(out.contains("quotation ALTERED (near"), "{out}");
    assert!(out.contains("→ istanbul-charter#8.5"), "{out}");
    assert!(out.contains("quoted: “They will not strengthen their defence at the expense of the security of other States.”"), "{out}");
    assert!(out.contains("source: They will not strengthen their security at the expense of the security of other States"), "{out}");
    assert!(out.contains("changed: security → defence"), "{out}");
    assert!(out.ends_with("1 altered, 0 without a source\n"), "{out}");
}

#[test]
fn verify_reports_a_quotation_without_a_source_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let draft = dir.path().join("draft.txt");
    fs::write(
        &draft,
        "The minister said: “Security is a garden that must be tended every single day.”\n",
    )
    .unwrap();
    let v = concord(&["verify", draft.to_str().unwrap()]);
    let out = text(&v);
    assert_eq!(v.status.code(), Some(1), "{out}");
    assert!(out.contains("quotation NO SOURCE"), "{out}");
    assert!(out.ends_with("0 altered, 1 without a source\n"), "{out}");
}

/// A quotation of a statement that no document named beside it: its source is looked for in
/// the documents of the author named beside it ("Sergei Lavrov told reporters: ..."), found
/// through the store's catalog, which must list each document's authors with their aliases.
/// The same words with no author named stay without a source: a statement is credited only
/// when something beside the quotation points to it.
#[test]
fn a_statement_is_credited_when_its_author_is_named_beside_the_quotation() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    common::copy_dir(&common::example_dir(), &corpus);
    let words =
        "the responses offer grounds for serious talks only on matters of secondary importance";
    for (id, lead) in [
        ("zz-named", "Sergei Lavrov told reporters that"),
        ("zz-unnamed", "It was said that"),
    ] {
        fs::write(
            corpus.join(format!("statements/{id}.txt")),
            format!(
                "+++\nid = \"{id}\"\ntitle = \"Statement {id}\"\nkind = \"statement\"\n\
                 date = 2022-02-03\nauthors = [\"usa\"]\n+++\n{lead} \"{words}\".\n"
            ),
        )
        .unwrap();
    }
    let db = dir.path().join("named.db");
    let b = common::build(&corpus, &db);
    assert!(b.ok(), "{}", b.stderr);
    let source = |from: &str| {
        let q = concord(&[
            "query",
            &format!("citations from {from} where quote is not null select method, to"),
            "--db",
            db.to_str().unwrap(),
            "--format",
            "csv",
        ]);
        assert!(q.status.success(), "{}", String::from_utf8_lossy(&q.stderr));
        text(&q)
    };
    assert_eq!(
        source("zz-named#p1"),
        "method,to\nquote-exact,lavrov-2022-01-27#p3\n"
    );
    assert_eq!(source("zz-unnamed#p1"), "method,to\nquote-unverified,\n");
}
