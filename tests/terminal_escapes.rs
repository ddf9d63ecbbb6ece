//! Escape sequences in a corpus (titles, names, aliases, clause text, file names) and in a
//! query reach the terminal only as visible escapes (`\x1b`, `\u{9b}`): in tables, `show`
//! cards, "did you mean" and diagnostics, and in the errors of `build` and `check`. CSV, TSV
//! and JSON keep the exact text. Concord's own colours still work. Through the real binary.

mod common;

use std::path::Path;

/// An OSC 52 clipboard write, a window title, line erase, clear screen and a C1 CSI.
const TITLE_RAW: &str =
    "Evil \u{1b}]52;c;aGVsbG8=\u{7} \u{1b}]0;pwned\u{7} \u{1b}[2K\u{1b}[2J \u{9b}31m end";
const TITLE_SHOWN: &str =
    "Evil \\x1b]52;c;aGVsbG8=\\x07 \\x1b]0;pwned\\x07 \\x1b[2K\\x1b[2J \\u{9b}31m end";

/// Whether `s` holds a control character a terminal acts on (other than newline and tab).
fn has_raw_controls(s: &str) -> bool {
    s.chars()
        .any(|c| matches!(c, '\0'..='\x08' | '\x0b'..='\x1f' | '\x7f'..='\u{9f}'))
}

/// The example corpus with escape sequences in a title, an actor's name and alias, and a
/// clause; built.
fn hostile_store(s: &common::Scratch) -> std::path::PathBuf {
    let corpus = s.corpus();
    common::copy_dir(&common::example_dir(), &corpus);
    let edit = |file: &str, from: &str, to: &str| {
        let p = corpus.join(file);
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.contains(from), "{file} holds {from}");
        std::fs::write(&p, text.replacen(from, to, 1)).unwrap();
    };
    edit(
        "statements/lavrov-2022-01-27.txt",
        "title = \"Foreign Minister Sergey Lavrov’s answer to a media question, Moscow, 27 January 2022\"",
        "title = \"Evil \\u001b]52;c;aGVsbG8=\\u0007 \\u001b]0;pwned\\u0007 \\u001b[2K\\u001b[2J \\u009b31m end\"",
    );
    edit(
        "statements/lavrov-2022-01-27.txt",
        "Question: You have received",
        "Question: \u{1b}[2J You have received",
    );
    edit(
        "actors.toml",
        "name = \"Sergey Lavrov\"",
        "name = \"Sergey \\u001b]0;title\\u0007Lavrov\"",
    );
    let r = common::build(&corpus, &s.db());
    assert!(r.ok(), "{r:?}");
    s.db()
}

fn query(db: &Path, args: &[&str]) -> common::Run {
    let mut all: Vec<&str> = args.to_vec();
    all.push(db.to_str().unwrap());
    common::run(all)
}

#[test]
fn escape_sequences_in_the_corpus_are_shown_as_escapes_in_tables_and_cards() {
    let s = common::Scratch::new();
    let db = hostile_store(&s);
    // A table (wide enough not to cut the title).
    let r = query(
        &db,
        &[
            "-c",
            "documents where id = lavrov-2022-01-27 select title",
            "--maxrows",
            "0",
        ],
    );
    assert!(r.ok(), "{r:?}");
    assert!(!has_raw_controls(&r.stdout), "{:?}", r.stdout);
    // Cut at 70 columns (a pipe), after the escapes.
    let cut = "Evil \\x1b]52;c;aGVsbG8=\\x07 \\x1b]0;pwned\\x07 \\x1b[2K\\x1b[2J \\u{9b}31m…";
    assert!(r.stdout.contains(cut), "{}", r.stdout);
    // A clause's text in a table, and its actor's name.
    let r = query(
        &db,
        &["-c", "clauses where ref = lavrov-2022-01-27#p1", "--wrap"],
    );
    assert!(!has_raw_controls(&r.stdout), "{:?}", r.stdout);
    assert!(r.stdout.contains("Question: \\x1b[2J You"), "{}", r.stdout);
    let r = query(&db, &["-c", "actors where id = lavrov select name"]);
    assert!(
        r.stdout.contains("Sergey \\x1b]0;title\\x07Lavrov"),
        "{}",
        r.stdout
    );
    assert!(!has_raw_controls(&r.stdout), "{:?}", r.stdout);
    // `show` cards: the document, its clause, the actor.
    for (what, want) in [
        ("show lavrov-2022-01-27", TITLE_SHOWN),
        ("show lavrov-2022-01-27#p1", "Question: \\x1b[2J You"),
        ("show lavrov", "Sergey \\x1b]0;title\\x07Lavrov"),
    ] {
        let r = query(&db, &["-c", what]);
        assert!(r.ok(), "{what}: {r:?}");
        assert!(!has_raw_controls(&r.stdout), "{what}: {:?}", r.stdout);
        assert!(r.stdout.contains(want), "{what}: {}", r.stdout);
    }
    // With colour on, concord's own styling is still there, and the data is still escaped.
    let r = query(&db, &["-c", "show lavrov-2022-01-27", "--color", "always"]);
    let own: String = r.stdout.replace("\u{1b}[1m", "").replace("\u{1b}[0m", "");
    assert!(!has_raw_controls(&own), "{:?}", r.stdout);
    assert!(r.stdout.contains(TITLE_SHOWN));
}

#[test]
fn machine_formats_keep_the_exact_text() {
    let s = common::Scratch::new();
    let db = hostile_store(&s);
    let q = "documents where id = lavrov-2022-01-27 select id, title";
    let r = query(&db, &["-c", q, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON");
    assert_eq!(v[0]["title"], TITLE_RAW);
    let r = query(&db, &["-c", q, "--format", "jsonl"]);
    let v: serde_json::Value = serde_json::from_str(r.stdout.trim()).expect("JSON line");
    assert_eq!(v["title"], TITLE_RAW);
    let r = query(&db, &["-c", q, "--format", "csv"]);
    assert_eq!(
        r.stdout,
        format!("id,title\nlavrov-2022-01-27,{TITLE_RAW}\n")
    );
    let r = query(&db, &["-c", q, "--format", "tsv"]);
    assert_eq!(
        r.stdout,
        format!("id\ttitle\nlavrov-2022-01-27\t{TITLE_RAW}\n")
    );
    let r = query(&db, &["-c", "show lavrov-2022-01-27", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON");
    assert_eq!(v["facts"]["title"], TITLE_RAW);
}

#[test]
fn escape_sequences_in_queries_and_corpus_problems_are_shown_as_escapes() {
    // A query naming an actor with an escape sequence: the message, the quoted line.
    let q = "documents by \"lavrov\u{1b}]52;c;aGk=\u{7}\u{9b}2J\"";
    for color in ["never", "always"] {
        let r = common::run(["-c", q, "--color", color]);
        assert_eq!(r.code, Some(1), "{r:?}");
        let own = r
            .stderr
            .replace("\u{1b}[1;31m", "")
            .replace("\u{1b}[1;34m", "")
            .replace("\u{1b}[1m", "")
            .replace("\u{1b}[0m", "");
        assert!(!has_raw_controls(&own), "{:?}", r.stderr);
        assert!(
            r.stderr
                .contains("unknown actor `lavrov\\x1b]52;c;aGk=\\x07\\u{9b}2J`"),
            "{}",
            r.stderr
        );
        // The quoted line shows the escape character as its picture.
        assert!(
            r.stderr.contains("\"lavrov␛]52;c;aGk=␇\\u{9b}2J\""),
            "{}",
            r.stderr
        );
        if color == "always" {
            assert!(
                r.stderr.contains("\u{1b}[1;31merror\u{1b}[0m"),
                "{:?}",
                r.stderr
            );
        }
    }

    // A corpus problem: an unknown actor with an escape sequence, in a file whose name has one.
    let s = common::Scratch::with_example();
    let bad = "evil\u{1b}]0;x\u{7}.toml";
    common::write_files(
        &s.corpus(),
        &[(
            bad,
            b"[[citation]]\nfrom = \"lavrov-2022-01-27#p4\"\nto = \"istanbul-charter#8\"\nby = [\"lav\\u001b[2Jrov\"]\nstance = \"invokes\"\n",
        )],
    );
    for r in [
        common::check(&s.corpus()),
        common::build(&s.corpus(), &s.db()),
    ] {
        assert_eq!(r.code, Some(1), "{r:?}");
        assert!(!has_raw_controls(&r.stderr), "{:?}", r.stderr);
        assert!(r.stderr.contains("evil\\x1b]0;x\\x07.toml"), "{}", r.stderr);
        assert!(r.stderr.contains("lav\\x1b[2Jrov"), "{}", r.stderr);
    }
    assert!(!s.db().exists());
}
