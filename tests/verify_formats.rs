//! `concord verify` through the real binary: the row formats (`--format json|jsonl|csv|tsv`)
//! give one row per citation with its fields in order, each citation placed at its own line
//! and column in the file (front matter and multi-line paragraphs counted), the text report at
//! the same place; the exit code is the same in every format, and a closed pipe ends it
//! quietly. And each subcommand's `--help` lists only the options it uses.

mod common;

use std::fmt;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::Value;

/// The fields of a row, in order.
const FIELDS: [&str; 8] = [
    "line", "column", "method", "verdict", "target", "quoted", "source", "diff",
];

fn draft_md() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/draft.md")
}

fn verify(file: &Path, format: &str) -> common::Run {
    common::run([
        "verify".as_ref(),
        file.as_os_str(),
        "--format".as_ref(),
        format.as_ref(),
        "--color".as_ref(),
        "never".as_ref(),
    ])
}

/// A JSON object's keys in the order written (a `serde_json::Map` sorts them).
struct Keys(Vec<String>);

impl<'de> Deserialize<'de> for Keys {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Keys, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Keys;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Keys, A::Error> {
                let mut keys = Vec::new();
                while let Some((k, _)) = m.next_entry::<String, serde::de::IgnoredAny>()? {
                    keys.push(k);
                }
                Ok(Keys(keys))
            }
        }
        d.deserialize_map(V)
    }
}

/// Line and column (1-based, the column in characters) of byte `at` of `text`.
fn line_col(text: &str, at: usize) -> (i64, i64) {
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = text[line_start..at].chars().count() + 1;
    (line as i64, col as i64)
}

/// The byte offset of (1-based) `line` and `col` (in characters) of `text`.
fn offset(text: &str, line: i64, col: i64) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line as usize - 1)
        .map(str::len)
        .sum();
    start
        + text[start..]
            .char_indices()
            .nth(col as usize - 1)
            .map_or(text.len() - start, |(i, _)| i)
}

/// Each row's position points at its words in `text`: a quotation at the opening mark just
/// before its quoted words, any other citation at its first word.
fn assert_placed(text: &str, rows: &[Value]) {
    for r in rows {
        let at = offset(
            text,
            r["line"].as_i64().unwrap(),
            r["column"].as_i64().unwrap(),
        );
        let words = r["quoted"].as_str().unwrap();
        let here = &text[at..];
        if r["method"].as_str().unwrap().starts_with("quote") {
            let mark = here.chars().next().unwrap();
            assert!("“„«‘\"'".contains(mark), "{r}: at {:?}", &here[..20]);
            assert!(
                here[mark.len_utf8()..].starts_with(words),
                "{r}: at {here:?}"
            );
        } else {
            assert!(here.starts_with(words), "{r}: at {here:?}");
        }
    }
}

#[test]
fn json_rows_of_the_example_draft_have_their_fields_in_order_and_their_own_place() {
    let r = verify(&draft_md(), "json");
    // The draft misquotes paragraph 8.5: exit 1, as the text report does.
    assert_eq!(r.code, Some(1), "{r:?}");
    assert_eq!(r.stderr, "");
    let keys: Vec<Keys> = serde_json::from_str(&r.stdout).expect("a JSON array of objects");
    let rows: Vec<Value> = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(rows.len(), 4, "{}", r.stdout);
    for k in &keys {
        assert_eq!(k.0, FIELDS);
    }

    let text = std::fs::read_to_string(draft_md()).unwrap();
    assert_placed(&text, &rows);

    // The quotation: where its opening mark sits in the file, computed from the file's text.
    let quoted = rows
        .iter()
        .find(|r| r["method"] == "quote-near")
        .expect("the altered quotation");
    let words = quoted["quoted"].as_str().unwrap();
    let at = text.find(words).unwrap();
    let mark = text[..at].chars().next_back().unwrap();
    assert_eq!(mark, '“');
    let (line, col) = line_col(&text, at - mark.len_utf8());
    assert!(line > 5, "the front matter's 5 lines are counted");
    assert_eq!(
        (
            quoted["line"].as_i64().unwrap(),
            quoted["column"].as_i64().unwrap()
        ),
        (line, col)
    );
    assert!(col > 1, "the quotation's own column, not its paragraph's");
    assert_eq!(quoted["verdict"], "near");
    assert_eq!(quoted["target"], "istanbul-charter#8.5");
    assert_eq!(quoted["diff"], "changed: security → defence");
    let source = quoted["source"].as_str().unwrap();
    assert!(
        source.contains("strengthen their security at the expense"),
        "{source}"
    );

    // The other citations have no verdict, no source words and no diff; each has a target.
    for r in rows.iter().filter(|r| r["method"] != "quote-near") {
        assert_eq!(r["verdict"], Value::Null, "{r}");
        assert_eq!(r["source"], Value::Null, "{r}");
        assert_eq!(r["diff"], Value::Null, "{r}");
        assert!(r["target"].is_string(), "{r}");
    }
    let methods: Vec<&str> = rows.iter().map(|r| r["method"].as_str().unwrap()).collect();
    assert_eq!(methods, ["alias", "clause-ref", "quote-near", "principle"]);
    let principle = &rows[3];
    assert_eq!(principle["target"], "no-expense");
}

#[test]
fn every_row_format_gives_the_same_rows_and_the_same_exit_code() {
    let draft = draft_md();
    let json: Vec<Value> = serde_json::from_str(&verify(&draft, "json").stdout).unwrap();

    let jsonl = verify(&draft, "jsonl");
    assert_eq!(jsonl.code, Some(1), "{jsonl:?}");
    let lines: Vec<Value> = jsonl
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("one object a line"))
        .collect();
    assert_eq!(lines, json);
    for l in jsonl.stdout.lines() {
        let k: Keys = serde_json::from_str(l).unwrap();
        assert_eq!(k.0, FIELDS);
    }

    let csv = verify(&draft, "csv");
    assert_eq!(csv.code, Some(1), "{csv:?}");
    let mut reader = csv::Reader::from_reader(csv.stdout.as_bytes());
    assert_eq!(reader.headers().unwrap(), FIELDS.as_slice());
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), lines.len());
    for (rec, row) in records.iter().zip(&json) {
        for (field, name) in rec.iter().zip(FIELDS) {
            let want = match &row[name] {
                Value::Null => String::new(),
                Value::String(s) => s.clone(),
                v => v.to_string(),
            };
            assert_eq!(field, want, "{name} of {row}");
        }
    }

    let tsv = verify(&draft, "tsv");
    assert_eq!(tsv.code, Some(1), "{tsv:?}");
    let tsv_lines: Vec<&str> = tsv.stdout.lines().collect();
    assert_eq!(tsv_lines[0], FIELDS.join("\t"));
    assert_eq!(tsv_lines.len(), json.len() + 1);
    assert!(
        tsv_lines
            .iter()
            .all(|l| l.split('\t').count() == FIELDS.len())
    );

    let md = verify(&draft, "markdown");
    assert_eq!(md.code, Some(1), "{md:?}");
    assert_eq!(md.stdout.lines().count(), json.len() + 2);

    // `dot` draws a query's graph: not a format of verify.
    let dot = verify(&draft, "dot");
    assert_eq!(dot.code, Some(2), "{dot:?}");
    assert!(dot.stderr.contains("invalid value 'dot'"), "{}", dot.stderr);
}

#[test]
fn a_faithful_draft_exits_0_and_an_unsourced_quotation_exits_1_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let faithful = dir.path().join("faithful.txt");
    std::fs::write(
        &faithful,
        "The Istanbul Charter says that the participating States “will not strengthen their \
         security at the expense of the security of other States”.\n",
    )
    .unwrap();
    let unsourced = dir.path().join("unsourced.txt");
    std::fs::write(
        &unsourced,
        "The minister said: “Security is a garden that must be tended every single day.”\n",
    )
    .unwrap();
    for format in ["table", "json", "jsonl", "csv", "tsv", "markdown"] {
        let r = verify(&faithful, format);
        assert_eq!(r.code, Some(0), "--format {format}: {r:?}");
        let r = verify(&unsourced, format);
        assert_eq!(r.code, Some(1), "--format {format}: {r:?}");
    }
    let rows: Vec<Value> = serde_json::from_str(&verify(&unsourced, "json").stdout).unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    let r = &rows[0];
    assert_eq!(r["method"], "quote-unverified");
    assert_eq!(r["verdict"], "unverified");
    assert_eq!(r["target"], Value::Null);
    assert_eq!(r["source"], Value::Null);
    assert_eq!(r["diff"], Value::Null);
    let text = std::fs::read_to_string(&unsourced).unwrap();
    let (line, col) = line_col(&text, text.find('“').unwrap());
    assert_eq!(
        (r["line"].as_i64(), r["column"].as_i64()),
        (Some(line), Some(col))
    );
    let rows: Vec<Value> = serde_json::from_str(&verify(&faithful, "json").stdout).unwrap();
    let q = rows
        .iter()
        .find(|r| r["method"] == "quote-exact")
        .unwrap_or_else(|| panic!("{rows:?}"));
    assert_eq!(q["verdict"], "exact");
    assert_eq!(q["diff"], Value::Null);
}

#[test]
fn a_quotation_inside_a_long_paragraph_is_placed_on_its_own_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("draft.md");
    // Front matter, then a paragraph over four lines: the quotation opens on its third, after
    // an indent and a non-ASCII word (columns count characters), and closes on the fourth.
    let text = "+++\ntitle = \"A draft\"\ndate = \"2022-02-10\"\n+++\n\nAn opening sentence.\n\n\
                As paragraph 8 of the Istanbul Charter puts it,\n\
                the participating États — all of them —\n  \
                “will not strengthen their defence at the expense of the security of\n\
                other States”, and that is the point.\n";
    std::fs::write(&file, text).unwrap();
    let r = verify(&file, "json");
    assert_eq!(r.code, Some(1), "{r:?}");
    let rows: Vec<Value> = serde_json::from_str(&r.stdout).unwrap();
    assert_placed(text, &rows);
    let q = rows
        .iter()
        .find(|r| r["method"] == "quote-near")
        .unwrap_or_else(|| panic!("{rows:?}"));
    let at = text.find("“will").unwrap();
    let (line, col) = line_col(text, at);
    assert_eq!((line, col), (10, 3));
    assert_eq!(
        (q["line"].as_i64().unwrap(), q["column"].as_i64().unwrap()),
        (line, col)
    );
    let words = q["quoted"].as_str().unwrap();
    assert!(words.contains('\n'), "{words:?}");
    // The reference opens the paragraph: its line is the paragraph's.
    let reference = rows
        .iter()
        .find(|r| r["method"] == "clause-ref" && r["target"] == "istanbul-charter#8")
        .unwrap_or_else(|| panic!("{rows:?}"));
    assert_eq!(
        (reference["line"].as_i64(), reference["column"].as_i64()),
        (Some(8), Some(4))
    );

    // The text report gives the same place, after the paragraph's label.
    let report = verify(&file, "table");
    assert_eq!(report.code, Some(1));
    let head = format!("p2:{line}:{col} quotation ALTERED");
    assert!(report.stdout.contains(&head), "{}", report.stdout);
    assert!(
        report.stdout.contains("p2:8:4 clause-ref"),
        "{}",
        report.stdout
    );

    // TSV keeps a row on one line (the break inside the quotation escaped); CSV quotes it.
    let tsv = verify(&file, "tsv");
    let line = tsv
        .stdout
        .lines()
        .find(|l| l.contains("quote-near"))
        .unwrap();
    assert!(line.contains("of the security of\\nother States"), "{line}");
    let csv = verify(&file, "csv");
    let mut reader = csv::Reader::from_reader(csv.stdout.as_bytes());
    let rec = reader
        .records()
        .map(Result::unwrap)
        .find(|r| &r[2] == "quote-near")
        .unwrap();
    assert_eq!(&rec[5], words);
}

#[test]
fn a_closed_pipe_ends_verify_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("long.md");
    // Far more output than a pipe holds, every quotation altered.
    let para = "As paragraph 8 of the Istanbul Charter puts it, the participating States “will \
                not strengthen their defence at the expense of the security of other States.”\n\n";
    std::fs::write(&file, para.repeat(800)).unwrap();
    for format in ["table", "jsonl", "csv"] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_concord"))
            .args(["verify", file.to_str().unwrap(), "--format", format])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdout = child.stdout.take().unwrap();
        let mut buf = vec![0u8; 100];
        stdout.read_exact(&mut buf).unwrap();
        drop(stdout);
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(0), "--format {format}");
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            "",
            "--format {format}"
        );
    }
    // Read to the end, the same draft fails: the closed pipe, not the draft, ended it with 0.
    let whole = verify(&file, "jsonl");
    assert_eq!(whole.code, Some(1));
    assert!(whole.stdout.len() > 200_000, "{}", whole.stdout.len());
}

#[test]
fn each_subcommands_help_lists_only_the_options_it_uses() {
    let help = |args: &[&str]| {
        let r = common::run(args.iter().chain(&["--help"]));
        assert!(r.ok(), "{args:?}: {r:?}");
        r.stdout
    };
    let has = |text: &str, opt: &str| text.lines().any(|l| l.trim_start().starts_with(opt));
    let statements = [
        "--format",
        "--param",
        "--bail",
        "--color",
        "--maxrows",
        "--wrap",
    ];
    for cmd in [&[][..], &["query"], &["run"]] {
        let h = help(cmd);
        for opt in statements {
            assert!(has(&h, opt), "{cmd:?} --help lacks {opt}:\n{h}");
        }
    }
    let h = help(&["verify"]);
    for opt in ["--format", "--color", "--db", "--date"] {
        assert!(has(&h, opt), "verify --help lacks {opt}:\n{h}");
    }
    for opt in ["--param", "--bail", "--maxrows", "--wrap"] {
        assert!(!h.contains(opt), "verify --help lists {opt}:\n{h}");
    }
    assert!(!h.contains("dot"), "verify --help offers dot:\n{h}");
    for cmd in ["build", "import", "add", "check", "gen", "completions"] {
        let h = help(&[cmd]);
        for opt in statements {
            assert!(!h.contains(opt), "{cmd} --help lists {opt}:\n{h}");
        }
    }
    // An option that does nothing for verify is refused, not ignored.
    let r = common::run(["verify", "examples/draft.md", "--param", "a=b"]);
    assert_eq!(r.code, Some(2), "{r:?}");
    assert!(r.stderr.contains("--param"), "{}", r.stderr);
}

#[test]
fn the_options_still_work_where_they_are_written() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // Top level, before or after -c.
    let r = common::run(["--format", "csv", "-c", "documents count"]);
    assert!(r.ok(), "{r:?}");
    let count = r.stdout.strip_prefix("count\n").expect("a CSV count");
    assert!(count.trim().parse::<u64>().unwrap() > 0, "{}", r.stdout);
    let r2 = common::run(["-c", "documents count", "--format", "csv", "--maxrows", "1"]);
    assert_eq!(r2.stdout, r.stdout);
    // After the subcommand.
    let q = common::run(["query", "documents count", "--format", "csv", "--bail"]);
    assert!(q.ok(), "{q:?}");
    assert_eq!(q.stdout, r.stdout);
    let actor = root.join("examples/actor.cq");
    let with = common::run([
        "run".as_ref(),
        actor.as_os_str(),
        "--param".as_ref(),
        "actor=lavrov".as_ref(),
        "--format".as_ref(),
        "jsonl".as_ref(),
    ]);
    assert!(with.ok(), "{with:?}");
    assert!(with.stdout.lines().count() > 3, "{}", with.stdout);
    // Without the parameter the script fails: `--param` reached it.
    let without = common::run([
        "run".as_ref(),
        actor.as_os_str(),
        "--format".as_ref(),
        "jsonl".as_ref(),
    ]);
    assert!(!without.ok(), "{without:?}");
    assert!(
        without.stderr.contains("parameter `$actor` is not set"),
        "{}",
        without.stderr
    );
    // Scripts that pass `--color never` to every command keep working.
    let dir = tempfile::tempdir().unwrap();
    let corpus = root.join("examples/osce");
    let c = common::run([
        "check".as_ref(),
        corpus.as_os_str(),
        "--color".as_ref(),
        "never".as_ref(),
    ]);
    assert!(c.ok(), "{c:?}");
    let db = dir.path().join("osce.db");
    let b = common::run([
        "build".as_ref(),
        corpus.as_os_str(),
        "-o".as_ref(),
        db.as_os_str(),
        "--color".as_ref(),
        "never".as_ref(),
    ]);
    assert!(b.ok(), "{b:?}");
    let v = common::run([
        "verify".as_ref(),
        draft_md().as_os_str(),
        "--db".as_ref(),
        db.as_os_str(),
        "--format".as_ref(),
        "jsonl".as_ref(),
        "--color".as_ref(),
        "always".as_ref(),
    ]);
    assert_eq!(v.code, Some(1), "{v:?}");
    assert!(!v.stdout.contains('\x1b'), "rows are never coloured");
    assert_eq!(v.stdout.lines().count(), 4, "{}", v.stdout);
}
