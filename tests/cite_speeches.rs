//! The citation finder on real speeches: passages of UN General Debate speeches
//! (`tests/data/ungdc/`, one small file per pattern of docs/citation-quality.md) are turned into
//! a corpus beside the 28 open treaties by `examples/ungdc/convert.py`, built by the real
//! `concord build`, and the stored targets and verdicts are checked against what a careful
//! reader of each passage finds. `concord verify` is run on drafts made of the same sentences.
//!
//! Each assertion names the pattern it keeps fixed; the passages were read in the source first.

mod common;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use rusqlite::{Connection, OpenFlags};

struct Built {
    db: PathBuf,
}

/// Converts and builds once; every test reads the same store.
fn built() -> &'static Built {
    static BUILT: OnceLock<Built> = OnceLock::new();
    BUILT.get_or_init(|| {
        let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cite-speeches");
        let corpus = root.join("corpus");
        let db = root.join("speeches.db");
        std::fs::create_dir_all(&root).unwrap();
        let speeches = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/ungdc/speeches");
        common::convert("examples/ungdc/convert.py", &speeches, &corpus);
        let b = common::build(&corpus, &db);
        assert!(b.ok(), "concord build: {b:?}");
        Built { db }
    })
}

fn open() -> Connection {
    Connection::open_with_flags(&built().db, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap()
}

/// One found citation as the store holds it.
#[derive(Debug, Clone, PartialEq)]
struct Cit {
    method: String,
    to: Option<String>,
    label: Option<String>,
    name: Option<String>,
    quote: Option<String>,
    diff: Option<serde_json::Value>,
}

/// The citations found in clause `from` (`doc#label`).
fn from(from: &str) -> Vec<Cit> {
    let conn = open();
    let mut st = conn
        .prepare(
            "SELECT method, to_ref, to_label, to_name, quote, diff FROM citations
             WHERE from_ref = ?1 ORDER BY span_start, id",
        )
        .unwrap();
    st.query_map([from], |r| {
        let diff: Option<String> = r.get(5)?;
        Ok(Cit {
            method: r.get(0)?,
            to: r.get(1)?,
            label: r.get(2)?,
            name: r.get(3)?,
            quote: r.get(4)?,
            diff: diff.map(|d| serde_json::from_str(&d).unwrap()),
        })
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

/// The targets of the clause references found in `clause`.
fn refs(clause: &str) -> Vec<String> {
    from(clause)
        .into_iter()
        .filter(|c| c.method == "clause-ref")
        .filter_map(|c| c.to)
        .collect()
}

fn quotes(clause: &str) -> Vec<Cit> {
    from(clause)
        .into_iter()
        .filter(|c| c.method.starts_with("quote-"))
        .collect()
}

/// The one quotation found in `clause`.
fn the_quote(clause: &str) -> Cit {
    let q = quotes(clause);
    assert_eq!(q.len(), 1, "{clause}: {q:#?}");
    q.into_iter().next().unwrap()
}

#[test]
fn no_speech_cites_its_own_paragraphs() {
    // Pattern 1: speeches number their paragraphs; "Article 43" is never the speech's #43.
    let own = common::int(
        &open(),
        "SELECT count(*) FROM citations c JOIN documents d ON d.id = c.from_document_id
         WHERE c.to_document_id = c.from_document_id AND d.kind = 'statement'",
    );
    assert_eq!(own, 0, "clause-refs from a statement to itself");
    let to_speeches = common::int(
        &open(),
        "SELECT count(*) FROM citations c JOIN documents d ON d.id = c.to_document_id
         WHERE c.method = 'clause-ref' AND d.kind = 'statement'",
    );
    assert_eq!(to_speeches, 0, "clause-refs to a speech's paragraphs");
}

#[test]
fn a_bare_article_goes_to_the_charter_named_before_it() {
    // USA_05_1950 ¶48 says "Article 43" with no document after it; the Charter was named in ¶43
    // and ¶47. The speech has its own ¶43.
    assert_eq!(refs("usa-05-1950#48"), ["un-charter#43"]);
    // ¶43 names Articles 10, 11 and 14 after "the Charter" and Article 24 of the Charter.
    let mut r = refs("usa-05-1950#43");
    r.sort();
    assert_eq!(
        r,
        [
            "un-charter#10",
            "un-charter#11",
            "un-charter#14",
            "un-charter#24"
        ]
    );
}

#[test]
fn a_comma_or_words_between_the_reference_and_the_document_keep_the_document() {
    // Pattern 2, each in its real sentence.
    // IND_31_1976: "Article 2, paragraph 3, of the Charter stipulates".
    assert_eq!(refs("ind-31-1976#55"), ["un-charter#2.3"]);
    // ISL_13_1958: "Article 55, paragraph c, of our Charter".
    assert_eq!(refs("isl-13-1958#137"), ["un-charter#55.c"]);
    // NLD_16_1961: "Article 73 e of the Charter", in Chapter XI.
    let mut r = refs("nld-16-1961#9");
    r.sort();
    assert_eq!(r, ["un-charter#73e", "un-charter#XI"]);
    // SLE_21_1966: "Articles 41 and 42 of Chapter VII of the Charter".
    let mut r = refs("sle-21-1966#129");
    r.sort();
    assert_eq!(r, ["un-charter#41", "un-charter#42", "un-charter#VII"]);
}

#[test]
fn references_to_meeting_records_and_documents_are_unresolved() {
    // Pattern 3. CAN_22_1967 ¶130: "[1413th meeting, para. 72.]": no clause of any document,
    // and not the speech's ¶130.72; kept with the name it gives.
    let can = from("can-22-1967#130");
    let unresolved: Vec<&Cit> = can.iter().filter(|c| c.method == "clause-ref").collect();
    assert_eq!(unresolved.len(), 1, "{can:#?}");
    assert_eq!(unresolved[0].to, None);
    assert_eq!(unresolved[0].name.as_deref(), Some("1413th meeting"));
    assert_eq!(unresolved[0].label.as_deref(), Some("72"));
    // SYR_24_1969 ¶70: "[A/7601/Add.1, para. 84]".
    let syr: Vec<Cit> = from("syr-24-1969#70")
        .into_iter()
        .filter(|c| c.method == "clause-ref")
        .collect();
    assert_eq!(syr.len(), 1, "{syr:#?}");
    assert_eq!(syr[0].to, None);
    assert_eq!(syr[0].name.as_deref(), Some("A/7601/Add.1"));
    assert_eq!(syr[0].label.as_deref(), Some("84"));
    // A curator asks which missing sources are cited: the query language reads them too.
    let rows = common::query_csv(
        &built().db,
        "citations where method = clause-ref and to is null select from",
        &[],
    );
    let froms: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert!(froms.contains(&"can-22-1967#130"), "{rows:?}");
    assert!(froms.contains(&"syr-24-1969#70"), "{rows:?}");
}

#[test]
fn other_charters_are_not_the_un_charter() {
    // Pattern 5. URY_05_1950: "the Charter of the Organization of American States";
    // BRA_01_1946: "the Atlantic Charter". Neither is an alias citation of the UN Charter.
    for clause in ["ury-05-1950", "bra-01-1946"] {
        let n = common::int(
            &open(),
            &format!(
                "SELECT count(*) FROM citations WHERE from_ref LIKE '{clause}#%' AND to_ref LIKE 'un-charter%'"
            ),
        );
        assert_eq!(n, 0, "{clause} cites the UN Charter");
    }
}

#[test]
fn the_preamble_is_in_the_store_and_is_the_source() {
    // Pattern 6. AFG_75_2020 quotes "to save succeeding generations from the scourge of war";
    // the source is the Charter's preamble, not another speech.
    let q = the_quote("afg-75-2020#p1");
    assert_eq!(q.to.as_deref(), Some("un-charter#preamble"));
    assert_eq!(q.method, "quote-exact");
}

#[test]
fn co_quoters_are_not_sources() {
    // Pattern 6. GBR_01_1946 and USA_01_1946 both quote the same words of President Truman,
    // which no document of the store holds: each quotation is unverified and names the other
    // speech as a co-quoter.
    for (a, b) in [
        ("gbr-01-1946#p1", "usa-01-1946#p1"),
        ("usa-01-1946#p1", "gbr-01-1946#p1"),
    ] {
        let q = the_quote(a);
        assert_eq!(q.method, "quote-unverified");
        assert_eq!(q.to, None);
        let co = &q.diff.as_ref().unwrap()["co_quoted"];
        assert_eq!(co, &serde_json::json!([b]), "{a}");
    }
    // `show` lists them.
    let id = common::int(
        &open(),
        "SELECT id FROM citations WHERE from_ref = 'gbr-01-1946#p1' AND method = 'quote-unverified'",
    );
    let r = common::run([
        "-c".to_string(),
        format!("show citation {id}"),
        built().db.display().to_string(),
    ]);
    assert!(r.ok(), "{r:?}");
    assert!(
        r.stdout.contains("also quoted by  usa-01-1946#p1"),
        "{}",
        r.stdout
    );
}

#[test]
fn a_paragraph_letter_inside_a_quotation_is_normalized_not_near() {
    // Pattern 7. CHN_06_1951 quotes Article 13 with its "b." inside the quotation marks.
    let q = the_quote("chn-06-1951#35");
    assert_eq!(q.to.as_deref(), Some("un-charter#13.1"));
    assert_eq!(q.method, "quote-normalized");
    let d = q.diff.as_ref().unwrap();
    for k in ["added", "dropped", "changed"] {
        assert_eq!(d[k], serde_json::json!([]), "{k}: {d}");
    }
}

#[test]
fn a_common_phrase_is_no_quotation_of_a_clause() {
    // Pattern 8. NOR_09_1954: By "as soon as possible" I mean ...: Article 102.1 says "as soon
    // as possible", but three common words are no quotation of it.
    let q = the_quote("nor-09-1954#92");
    assert_eq!(q.quote.as_deref(), Some("as soon as possible"));
    assert_eq!(q.to, None);
    assert_eq!(q.method, "quote-unverified");
}

#[test]
fn an_amended_article_is_quoted_as_worded_then() {
    // Pattern 9. NGA_17_1962 quotes Article 23 as it stood in 1962 ("six other Members").
    let q = the_quote("nga-17-1962#141");
    assert_eq!(q.to.as_deref(), Some("un-charter#23.1"));
    assert_eq!(q.method, "quote-normalized");
    let d = q.diff.as_ref().unwrap();
    assert_eq!(d["wording_until"], "1965-08-30");
    assert_eq!(d["changed"], serde_json::json!([]));
}

/// `concord verify DRAFT --db the-store --date DATE`: (exit code, stdout).
fn verify(text: &str, date: &str) -> (Option<i32>, String) {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cite-speeches-verify");
    std::fs::create_dir_all(&dir).unwrap();
    let draft = dir.join(format!("draft-{date}.txt"));
    std::fs::write(&draft, text).unwrap();
    let r = common::run([
        "verify".as_ref(),
        draft.as_os_str(),
        "--db".as_ref(),
        built().db.as_os_str(),
        "--date".as_ref(),
        date.as_ref(),
    ]);
    (r.code, r.stdout)
}

#[test]
fn verify_reads_an_amended_article_by_the_drafts_date() {
    let draft = "Article 23 of the Charter says: \"The General Assembly shall elect six other \
                 Members of the United Nations to be non-permanent members of the Security \
                 Council\".\n";
    // In 1962 the words were in force: no alarm.
    let (code, out) = verify(draft, "1962");
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("quotation ok (exact"), "{out}");
    assert!(
        out.contains("wording: as in force until 1965-08-30"),
        "{out}"
    );
    // In 2020 they are not: the changed word is named.
    let (code, out) = verify(draft, "2020");
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("quotation ALTERED"), "{out}");
    assert!(out.contains("changed: ten → six"), "{out}");
}

#[test]
fn verify_does_not_alarm_on_a_faithful_quotation_of_the_preamble() {
    // The AFG_75_2020 sentence as a draft: punctuation and case aside, the preamble's words.
    let draft = "As the Charter says, we are determined \"to save succeeding generations from the \
                 scourge of war, which twice in our lifetime has brought untold sorrow to mankind\".\n";
    let (code, out) = verify(draft, "2020");
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("→ un-charter#preamble"), "{out}");
    assert!(!out.contains("ALTERED"), "{out}");
}

#[test]
fn the_examples_transcript_attributes_the_question_to_nobody() {
    // Pattern 10. The first statement of examples/osce is a press conference: its first
    // paragraph is the journalist's question ("Question: ..."), its second Lavrov's answer.
    let s = common::Scratch::built_example();
    let conn = common::open(&s.db());
    let speaker = common::rows(
        &conn,
        "SELECT c.speaker, c.speaker_id IS NULL FROM clauses c JOIN documents d ON d.id = c.document_id
         WHERE d.slug = 'lavrov-2022-01-27' AND c.label = 'p1'",
    );
    assert_eq!(speaker, [["Question", "1"]]);
    let by = common::rows(
        &conn,
        "SELECT count(*), count(by_list) FROM citations WHERE from_ref = 'lavrov-2022-01-27#p1'",
    );
    assert_ne!(by[0][0], "0", "the question cites something");
    assert_eq!(
        by[0][1], "0",
        "a citation of the question is credited to an actor"
    );
    let answer = common::column(
        &conn,
        "SELECT DISTINCT by_list FROM citations WHERE from_ref = 'lavrov-2022-01-27#p2'",
    );
    assert_eq!(answer, ["lavrov"]);
}

#[test]
fn every_output_format_handles_citations_without_a_target() {
    // An unverified quotation and an unresolved reference have no `to`.
    let db = built().db.display().to_string();
    // The citations themselves, in every row format: both rows come out, `to` empty or null.
    for format in ["table", "csv", "tsv", "json", "jsonl", "markdown"] {
        let r = common::run([
            "-c",
            "citations where from = can-22-1967#130 and to is null select method, to, named",
            "--format",
            format,
            db.as_str(),
        ]);
        assert!(r.ok(), "--format {format}: {r:?}");
        assert!(
            r.stdout.contains("1413th meeting"),
            "--format {format}: {}",
            r.stdout
        );
        assert!(
            r.stdout.contains("quote-unverified"),
            "--format {format}: {}",
            r.stdout
        );
    }
    // The graph draws them as dangling nodes, one per citation, and says so.
    let r = common::run([
        "-c",
        "documents where id = can-22-1967",
        "--format",
        "dot",
        db.as_str(),
    ]);
    assert!(r.ok(), "--format dot: {r:?}");
    assert!(
        r.stdout
            .contains("// 2 citation(s) without a target in the store"),
        "{}",
        r.stdout
    );
    let meeting = r
        .stdout
        .lines()
        .find(|l| l.contains("-> \"1413th meeting #"))
        .unwrap_or_else(|| panic!("{}", r.stdout));
    assert!(
        meeting.starts_with("  \"can-22-1967#130\" -> "),
        "{meeting}"
    );
    assert!(
        r.stdout.contains("\"can-22-1967#130\" -> \"no source #"),
        "{}",
        r.stdout
    );
    let rows = common::query_csv(
        &built().db,
        "citations where from = can-22-1967#130 and to is null select method, named, label",
        &[],
    );
    assert!(
        rows.contains(&vec![
            "clause-ref".into(),
            "1413th meeting".into(),
            "72".into()
        ]),
        "{rows:?}"
    );
}
