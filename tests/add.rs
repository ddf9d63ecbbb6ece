//! `concord add FILE... --db X.db`: documents without front matter, their metadata from
//! options, `--defaults` or a table; `import`, `build` and `check` refusing what would be
//! silently ignored; and the UN General Debate speeches going in through `add --meta` and
//! `build --meta` with the same clauses and citations as through `examples/ungdc/convert.py`.

mod common;

use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};

use common::*;

/// concord run in `cwd` with `args`, `stdin` piped in.
fn run_in(cwd: &Path, args: &[&OsStr], stdin: Option<&str>) -> Run {
    run_with_stdin(concord().current_dir(cwd).args(args), stdin)
}

fn os<'a>(args: &'a [&'a str]) -> Vec<&'a OsStr> {
    args.iter().map(OsStr::new).collect()
}

/// `concord add ARGS... --db DB`, run in `dir`.
fn add(dir: &Path, args: &[&str], db: &Path) -> Run {
    let mut a = vec![OsStr::new("add")];
    a.extend(os(args));
    a.push(OsStr::new("--db"));
    a.push(db.as_os_str());
    run_in(dir, &a, None)
}

/// A statement with no front matter: a title line, then a paragraph that names paragraph 8
/// of the Istanbul Charter and indivisible security (so the finder cites a clause and a
/// principle), then one that quotes it.
const SPEECH: &str = "On European security\n\n\
Paragraph 8 of the Istanbul Charter speaks of indivisible security.\n\n\
States “will not strengthen their security at the expense of the security of other States.”\n";

/// The example store, with `files` (name, text) written into `s.out()`.
fn store_and_files(files: &[(&str, &str)]) -> Scratch {
    let s = Scratch::built_example();
    for (name, text) in files {
        let path = s.out().join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    s
}

/// A document's row: slug, title, kind, date, place, language, authors.
fn document(db: &Path, id: &str) -> Vec<String> {
    let conn = open(db);
    let r = rows(
        &conn,
        &format!(
            "SELECT slug, title, kind, coalesce(date, 'NULL'), coalesce(place, 'NULL'), \
             coalesce(language, 'NULL'), \
             coalesce((SELECT group_concat(a.slug, ',') FROM (SELECT a.slug FROM document_authors x \
               JOIN actors a ON a.id = x.actor_id WHERE x.document_id = d.id ORDER BY x.position) a), '') \
             FROM documents d WHERE slug = '{id}'"
        ),
    );
    assert_eq!(r.len(), 1, "no document {id}: {r:?}");
    r.into_iter().next().unwrap()
}

fn documents(db: &Path) -> i64 {
    int(&open(db), "SELECT count(*) FROM documents")
}

/// Asserts that a failed command said `wants` and left the store byte for byte as it was.
fn refused(r: &Run, before: &[u8], db: &Path, wants: &[&str]) {
    assert_eq!(r.code, Some(1), "{r:?}");
    for w in wants {
        assert!(r.stderr.contains(w), "no {w:?} in:\n{}", r.stderr);
    }
    assert!(r.stderr.contains("nothing was written"), "{}", r.stderr);
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    assert_eq!(fs::read(db).unwrap(), before, "the store changed");
}

#[test]
fn every_option_is_stored() {
    let s = store_and_files(&[("speech.txt", SPEECH)]);
    let db = s.db();
    let r = add(
        &s.out(),
        &[
            "speech.txt",
            "--id",
            "lavrov-2022-03",
            "--title",
            "A \"quoted\" title, with \\ and\n+++\na line break",
            "--kind",
            "article",
            "--author",
            "lavrov,Russia",
            "--author",
            "Sergei Lavrov",
            "--date",
            "2022-03",
            "--place",
            "Moscow",
            "--language",
            "ru",
            "--source",
            "https://example.org/statement?id=1&lang=ru",
        ],
        &db,
    );
    assert!(r.ok(), "{r:?}");
    assert_eq!(
        column(
            &open(&db),
            "SELECT source FROM documents WHERE slug = 'lavrov-2022-03'"
        ),
        ["https://example.org/statement?id=1&lang=ru"]
    );
    assert!(r.stderr.contains("added 1 document to "), "{}", r.stderr);
    assert_eq!(
        document(&db, "lavrov-2022-03"),
        [
            "lavrov-2022-03",
            "A \"quoted\" title, with \\ and +++ a line break",
            "article",
            "2022-03",
            "Moscow",
            "ru",
            "lavrov,russia"
        ]
    );
    // Stored under the file's path plus `.md`, as a corpus text the store rebuilds from.
    let conn = open(&db);
    let stored = column(
        &conn,
        "SELECT content FROM files WHERE path LIKE '%speech.txt.md'",
    );
    assert_eq!(stored.len(), 1, "{stored:?}");
    assert!(
        stored[0].starts_with("+++\nid = \"lavrov-2022-03\"\n"),
        "{}",
        stored[0]
    );
    drop(conn);
    let r = run([OsStr::new("check"), OsStr::new("--db"), db.as_os_str()]);
    assert!(r.ok(), "{r:?}");
}

#[test]
fn defaults_are_a_slug_of_the_file_name_and_the_first_line() {
    let s = store_and_files(&[("My Speech_2024 (final).txt", SPEECH)]);
    let db = s.db();
    let r = add(&s.out(), &["My Speech_2024 (final).txt"], &db);
    assert!(r.ok(), "{r:?}");
    assert_eq!(
        document(&db, "my-speech-2024-final"),
        [
            "my-speech-2024-final",
            "On European security",
            "statement",
            "NULL",
            "NULL",
            "NULL",
            ""
        ]
    );
    // The body is cut into clauses as a corpus text's, and the finder reads them.
    let cites = query_csv(
        &db,
        "citations from my-speech-2024-final select to, method",
        &[],
    );
    let cites: Vec<(String, String)> = cites
        .into_iter()
        .map(|r| (r[0].clone(), r[1].clone()))
        .collect();
    for want in [
        ("istanbul-charter#8", "clause-ref"),
        ("indivisibility", "principle"),
        ("istanbul-charter#8.5", "quote-exact"),
    ] {
        assert!(
            cites.iter().any(|(t, m)| (t.as_str(), m.as_str()) == want),
            "{want:?} not in {cites:?}"
        );
    }
}

#[test]
fn a_csv_table_gives_each_file_its_metadata() {
    let s = store_and_files(&[
        ("speeches/a.txt", SPEECH),
        ("speeches/b.md", "# Second\n\nText.\n"),
        (
            "meta.csv",
            "file,id,title,author,date,place\n\
             speeches/a.txt,first,\"Security, indivisible\",\"lavrov, russia\",2022-01-14,Moscow\n\
             b.md,,,blinken,2022-01-26,\n",
        ),
    ]);
    let db = s.db();
    let r = add(
        &s.out(),
        &[
            "speeches/a.txt",
            "speeches/b.md",
            "--meta",
            "meta.csv",
            "--kind",
            "letter",
            "--place",
            "Geneva",
        ],
        &db,
    );
    assert!(r.ok(), "{r:?}");
    assert_eq!(
        document(&db, "first"),
        [
            "first",
            "Security, indivisible",
            "letter",
            "2022-01-14",
            "Moscow",
            "NULL",
            "lavrov,russia"
        ]
    );
    // An empty cell gives nothing: the id and title are the defaults, the place the option's.
    assert_eq!(
        document(&db, "b"),
        [
            "b",
            "Second",
            "letter",
            "2022-01-26",
            "Geneva",
            "NULL",
            "blinken"
        ]
    );
}

#[test]
fn a_tsv_table_too() {
    let s = store_and_files(&[
        ("a.txt", SPEECH),
        (
            "meta.tsv",
            "file\tid\ttitle\tauthors\tdate\tlanguage\n\
             a.txt\ttsv-one\tA \"title\", with a tab:\\there\tusa\t2021\ten\n",
        ),
    ]);
    let db = s.db();
    let r = add(&s.out(), &["a.txt", "--meta", "meta.tsv"], &db);
    assert!(r.ok(), "{r:?}");
    assert_eq!(
        document(&db, "tsv-one"),
        [
            "tsv-one",
            "A \"title\", with a tab:\there",
            "statement",
            "2021",
            "NULL",
            "en",
            "usa"
        ]
    );
}

#[test]
fn a_table_row_without_its_file_or_a_file_without_its_row_is_an_error() {
    let s = store_and_files(&[
        ("a.txt", SPEECH),
        ("b.txt", SPEECH),
        ("meta.csv", "file,id\na.txt,one\nc.txt,three\n"),
        ("nofile.csv", "id,title\nx,y\n"),
        ("badcol.csv", "file,autor\na.txt,lavrov\n"),
    ]);
    let db = s.db();
    let before = fs::read(&db).unwrap();
    let r = add(&s.out(), &["a.txt", "b.txt", "--meta", "meta.csv"], &db);
    refused(
        &r,
        &before,
        &db,
        &[
            "no row of meta.csv names this file",
            "--> b.txt",
            "meta.csv:3",
            "the row for `c.txt` names no file given",
        ],
    );
    let r = add(&s.out(), &["a.txt", "--meta", "nofile.csv"], &db);
    refused(&r, &before, &db, &["no `file` column", "header row"]);
    let r = add(&s.out(), &["a.txt", "--meta", "badcol.csv"], &db);
    refused(
        &r,
        &before,
        &db,
        &["unknown column `autor`", "did you mean `author`?"],
    );
}

#[test]
fn standard_input_needs_an_id_and_is_stored_as_id_md() {
    let s = Scratch::built_example();
    let db = s.db();
    let before = fs::read(&db).unwrap();
    let args = |extra: &[&str]| {
        let mut a = vec!["add", "-", "--db", db.to_str().unwrap()];
        a.extend_from_slice(extra);
        a.into_iter().map(String::from).collect::<Vec<_>>()
    };
    let a = args(&[]);
    let a: Vec<&OsStr> = a.iter().map(OsStr::new).collect();
    let r = run_in(&s.out(), &a, Some(SPEECH));
    refused(&r, &before, &db, &["needs an id", "--id"]);
    let a = args(&["--id", "from-stdin", "--author", "putin"]);
    let a: Vec<&OsStr> = a.iter().map(OsStr::new).collect();
    let r = run_in(&s.out(), &a, Some(SPEECH));
    assert!(r.ok(), "{r:?}");
    assert_eq!(
        document(&db, "from-stdin"),
        [
            "from-stdin",
            "On European security",
            "statement",
            "NULL",
            "NULL",
            "NULL",
            "putin"
        ]
    );
    let paths = column(
        &open(&db),
        "SELECT path FROM files WHERE path LIKE '%from-stdin.md'",
    );
    assert_eq!(paths.len(), 1, "{paths:?}");
}

#[test]
fn an_unknown_author_is_refused_with_a_suggestion_and_nothing_is_written() {
    let s = store_and_files(&[
        ("a.txt", SPEECH),
        (
            "meta.csv",
            "file,title,author\na.txt,T,\"lavrov,stoltenbreg\"\n",
        ),
    ]);
    let db = s.db();
    let before = fs::read(&db).unwrap();
    let r = add(&s.out(), &["a.txt", "--author", "lavorv"], &db);
    refused(
        &r,
        &before,
        &db,
        &[
            "unknown actor `lavorv`",
            "--> the option --author",
            "did you mean `lavrov`?",
        ],
    );
    let r = add(&s.out(), &["a.txt", "--meta", "meta.csv"], &db);
    refused(
        &r,
        &before,
        &db,
        &[
            "unknown actor `stoltenbreg`",
            "meta.csv:2 (column 3, `author`)",
            "did you mean `stoltenberg`?",
        ],
    );
}

#[test]
fn a_bad_date_is_refused_where_it_was_given() {
    let s = store_and_files(&[
        ("a.txt", SPEECH),
        ("b.txt", SPEECH),
        ("meta.csv", "file,date\na.txt,2022\nb.txt,2022-02-30\n"),
    ]);
    let db = s.db();
    let before = fs::read(&db).unwrap();
    let r = add(&s.out(), &["a.txt", "--date", "24/02/2022"], &db);
    refused(
        &r,
        &before,
        &db,
        &["`24/02/2022` is not a date", "did you mean `2022-02-24`?"],
    );
    let r = add(&s.out(), &["a.txt", "b.txt", "--meta", "meta.csv"], &db);
    refused(
        &r,
        &before,
        &db,
        &[
            "`2022-02-30` is not a date",
            "meta.csv:3 (column 2, `date`)",
            "2022-02 has 28 days",
        ],
    );
}

#[test]
fn duplicates_empty_files_and_unknown_extensions_are_refused() {
    let s = store_and_files(&[
        ("a.txt", SPEECH),
        ("b.txt", SPEECH),
        ("empty.txt", " \n\n"),
        ("data.csv", "a,b\n1,2\n"),
        ("blob.bin", "\u{1}\u{2}"),
        ("fm.md", "+++\nid = \"x\"\ntitle = \"X\"\n+++\nText.\n"),
    ]);
    let db = s.db();
    let before = fs::read(&db).unwrap();
    let r = add(&s.out(), &["a.txt", "./a.txt"], &db);
    refused(
        &r,
        &before,
        &db,
        &["--> ./a.txt", "given twice (also as a.txt)"],
    );
    let r = add(&s.out(), &["empty.txt"], &db);
    refused(&r, &before, &db, &["--> empty.txt", "the file is empty"]);
    let r = add(&s.out(), &["data.csv", "blob.bin"], &db);
    refused(
        &r,
        &before,
        &db,
        &["unknown extension `.csv`", "unknown extension `.bin`"],
    );
    let r = add(&s.out(), &["fm.md"], &db);
    refused(
        &r,
        &before,
        &db,
        &["already a corpus document", "concord import fm.md"],
    );
    // Two files whose ids are the same; an id the store holds from another file.
    let r = add(&s.out(), &["a.txt", "b.txt", "--defaults", "id=same"], &db);
    refused(&r, &before, &db, &["the id `same` is given twice"]);
    fs::write(s.out().join("istanbul-charter.txt"), SPEECH).unwrap();
    let r = add(&s.out(), &["istanbul-charter.txt"], &db);
    refused(
        &r,
        &before,
        &db,
        &["the id `istanbul-charter` is taken", "documents.toml"],
    );
}

#[test]
fn adding_the_same_file_again_replaces_it() {
    let s = store_and_files(&[("a.txt", SPEECH)]);
    let db = s.db();
    let n = documents(&db);
    assert!(add(&s.out(), &["a.txt", "--title", "One"], &db).ok());
    assert!(add(&s.out(), &["a.txt", "--title", "Two"], &db).ok());
    assert_eq!(documents(&db), n + 1);
    assert_eq!(document(&db, "a")[1], "Two");
    // The stored source rebuilds: importing another file keeps the added document.
    statement_citing_paragraph_8(&s, "zz-later", "2022-03-01", Some("[\"lavrov\"]"));
    let r = import(&[&s.corpus().join("statements/zz-later.txt")], &db);
    assert!(r.ok(), "{r:?}");
    assert_eq!(documents(&db), n + 2);
    assert_eq!(document(&db, "a")[1], "Two");
}

#[test]
fn to_writes_the_corpus_file_instead() {
    let s = store_and_files(&[("a.txt", SPEECH)]);
    let db = s.db();
    let before = fs::read(&db).unwrap();
    let r = add(
        &s.out(),
        &[
            "a.txt", "--to", "kept", "--author", "lavrov", "--date", "2022",
        ],
        &db,
    );
    assert!(r.ok(), "{r:?}");
    assert_eq!(fs::read(&db).unwrap(), before);
    let text = fs::read_to_string(s.out().join("kept/a.txt.md")).unwrap();
    assert_eq!(
        text,
        format!(
            "+++\nid = \"a\"\ntitle = \"On European security\"\nkind = \"statement\"\ndate = \"2022\"\nauthors = [\"lavrov\"]\n+++\n{}",
            SPEECH
        )
    );
    // Never written over.
    let r = add(&s.out(), &["a.txt", "--to", "kept"], &db);
    assert_eq!(r.code, Some(1), "{r:?}");
    assert!(r.stderr.contains("exists already"), "{}", r.stderr);
    // The written file is a corpus document: importable as it is.
    let r = import(&[&s.out().join("kept/a.txt.md")], &db);
    assert!(r.ok(), "{r:?}");
    assert_eq!(document(&db, "a")[6], "lavrov");
}

#[test]
fn import_refuses_what_is_not_a_corpus_file() {
    let s = store_and_files(&[
        ("speech.txt", SPEECH),
        ("empty.txt", ""),
        ("data.csv", "a,b\n"),
        ("blob.bin", "x"),
        ("page.html", "<title>T</title>"),
    ]);
    let db = s.db();
    let before = fs::read(&db).unwrap();
    let at = |n: &str| s.out().join(n);
    let r = import(&[&at("speech.txt")], &db);
    refused(
        &r,
        &before,
        &db,
        &[
            "not a document: no `+++` front matter",
            "+++\n      id = \"speech\"",
            "title = ",
            "concord add",
            "--title",
            "--author",
        ],
    );
    let r = import(&[&at("empty.txt")], &db);
    refused(&r, &before, &db, &["the file is empty"]);
    let r = import(&[&at("data.csv"), &at("blob.bin")], &db);
    refused(
        &r,
        &before,
        &db,
        &["unknown extension `.csv`", "unknown extension `.bin`"],
    );
    let r = import(&[&at("page.html")], &db);
    refused(
        &r,
        &before,
        &db,
        &["unknown extension `.html`", "concord add"],
    );
    let good = statement_citing_paragraph_8(&s, "zz-one", "2022-03-01", None);
    let same = s.corpus().join("statements/../statements/zz-one.txt");
    let r = import(&[&good, &same], &db);
    refused(&r, &before, &db, &["given twice"]);
    let r = import(&[&good], &db);
    assert!(r.ok(), "{r:?}");
}

#[test]
fn a_folder_of_plain_files_builds_only_with_their_metadata() {
    // The example corpus, and two plain statements in it.
    let s = Scratch::built_example();
    let example = s.db();
    write_files(
        &s.corpus(),
        &[
            ("speeches/one.txt", SPEECH.as_bytes()),
            ("speeches/two.txt", SPEECH.as_bytes()),
        ],
    );
    let bare = s.tmp.path().join("bare");
    write_files(
        &bare,
        &[("a.txt", SPEECH.as_bytes()), ("b.txt", SPEECH.as_bytes())],
    );
    let out = s.out().join("plain.db");
    // Only plain files: no store, and the way out said.
    let r = build(&bare, &out);
    assert_eq!(r.code, Some(1), "{r:?}");
    assert!(r.stderr.contains("holds no document"), "{}", r.stderr);
    assert!(
        r.stderr.contains("--defaults kind=statement"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("nothing was written"), "{}", r.stderr);
    assert!(!out.exists());
    let r = check(&bare);
    assert_eq!(r.code, Some(1), "{r:?}");
    assert!(r.stderr.contains("holds no document"), "{}", r.stderr);
    // Without options the plain files are skipped, and said to be.
    let r = build(&s.corpus(), &out);
    assert!(r.ok(), "{r:?}");
    assert!(
        r.stderr.contains("note: skipped speeches/one.txt"),
        "{}",
        r.stderr
    );
    // With defaults: documents, slug ids, first-line titles; the README stays a README.
    let r = run([
        OsStr::new("build"),
        s.corpus().as_os_str(),
        OsStr::new("-o"),
        out.as_os_str(),
        OsStr::new("--defaults"),
        OsStr::new("kind=statement"),
        OsStr::new("--author"),
        OsStr::new("lavrov"),
    ]);
    assert!(r.ok(), "{r:?}");
    assert!(r.stderr.contains("note: skipped README.md"), "{}", r.stderr);
    let count = |db: &Path, q: &str| query_csv(db, q, &[])[0][0].parse::<i64>().unwrap();
    let statements = "documents where kind = statement count";
    assert_eq!(count(&out, statements), count(&example, statements) + 2);
    assert_eq!(document(&out, "one")[1], "On European security");
    assert_eq!(document(&out, "two")[6], "lavrov");
    let cited = "citations by lavrov where to = istanbul-charter#8 count";
    assert_eq!(count(&out, cited), count(&example, cited) + 2);
    let r = run([
        OsStr::new("check"),
        s.corpus().as_os_str(),
        OsStr::new("--defaults"),
        OsStr::new("kind=statement"),
    ]);
    assert!(r.ok(), "{r:?}");
    assert!(r.stderr.contains("13 documents"), "{}", r.stderr);
    // A misspelt author is refused, nothing written.
    let before = fs::read(&out).unwrap();
    let r = run([
        OsStr::new("build"),
        s.corpus().as_os_str(),
        OsStr::new("-o"),
        out.as_os_str(),
        OsStr::new("--author"),
        OsStr::new("lavorv"),
    ]);
    refused(
        &r,
        &before,
        &out,
        &["unknown actor `lavorv`", "did you mean `lavrov`?"],
    );
}

// ---------------------------------------------------------------------------------------
// The UN General Debate speeches

fn repo(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
}

/// Clauses (document, label, text) and citations (from, to, method, verdict-bearing
/// columns) of a store, sorted: what the two ways in must agree on.
fn clauses_and_citations(db: &Path) -> (Vec<Vec<String>>, Vec<Vec<String>>) {
    let conn = open(db);
    let clauses = rows(
        &conn,
        "SELECT d.slug, c.label, c.text FROM clauses c JOIN documents d ON d.id = c.document_id \
         ORDER BY 1, 2",
    );
    let cites = rows(
        &conn,
        "SELECT from_ref, coalesce(to_ref, ''), method, coalesce(to_label, ''), \
         coalesce(to_name, ''), coalesce(quote, ''), coalesce(by_list, ''), confidence, \
         coalesce(span_start, -1) FROM citations ORDER BY 1, 2, 3, 4, 5, 6, 9",
    );
    (clauses, cites)
}

fn python3() -> bool {
    std::process::Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn the_speeches_go_in_through_add_and_build_as_through_convert_py() {
    if !python3() {
        eprintln!("skipped: no python3 here (examples/ungdc/convert.py and meta.py need it)");
        return;
    }
    let s = Scratch::new();
    let speeches = repo("tests/data/ungdc/speeches");
    // The reference: convert.py's corpus, built.
    let converted = s.tmp.path().join("converted");
    convert("examples/ungdc/convert.py", &speeches, &converted);
    let reference = s.out().join("converted.db");
    let r = build(&converted, &reference);
    assert!(r.ok(), "{r:?}");
    // The table, written by the committed script from the file names.
    let table = s.tmp.path().join("meta.csv");
    let r = std::process::Command::new("python3")
        .arg(repo("examples/ungdc/meta.py"))
        .arg(&speeches)
        .arg(&table)
        .output()
        .unwrap();
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let text = fs::read_to_string(&table).unwrap();
    assert!(
        text.contains("Session 05 - 1950/USA_05_1950.txt,usa-05-1950,\"United States of America, General Debate, 5th session (1950)\",usa,1950,"),
        "{text}"
    );
    // A folder of the actors, the treaties and the speeches as they come: `build --meta`.
    let plain = s.tmp.path().join("plain");
    copy_dir(&converted.join("treaties"), &plain.join("treaties"));
    fs::copy(converted.join("actors.toml"), plain.join("actors.toml")).unwrap();
    copy_dir(&speeches, &plain.join("speeches"));
    let built = s.out().join("built.db");
    let mut args: Vec<&OsStr> = os(&["build"]);
    args.push(plain.as_os_str());
    args.extend(os(&["-o"]));
    args.push(built.as_os_str());
    args.extend(os(&["--meta"]));
    args.push(table.as_os_str());
    args.extend(os(&["--paragraphs", "lines"]));
    let r = run(&args);
    assert!(r.ok(), "{r:?}");
    // A store of the actors and treaties, then the speeches by `add --meta`.
    let base = s.tmp.path().join("base");
    copy_dir(&converted.join("treaties"), &base.join("treaties"));
    fs::copy(converted.join("actors.toml"), base.join("actors.toml")).unwrap();
    let added = s.out().join("added.db");
    let r = build(&base, &added);
    assert!(r.ok(), "{r:?}");
    let mut files: Vec<String> = Vec::new();
    for session in list_dir(&speeches) {
        for f in list_dir(&speeches.join(&session)) {
            files.push(format!("{session}/{f}"));
        }
    }
    assert_eq!(files.len(), 15);
    let mut args: Vec<&OsStr> = os(&["add"]);
    args.extend(files.iter().map(OsStr::new));
    args.extend(os(&["--meta"]));
    args.push(table.as_os_str());
    args.extend(os(&["--paragraphs", "lines", "--db"]));
    args.push(added.as_os_str());
    let r = run_in(&speeches, &args, None);
    assert!(r.ok(), "{r:?}");
    assert!(r.stderr.contains("added 15 documents to "), "{}", r.stderr);

    let want = clauses_and_citations(&reference);
    assert!(want.0.len() > 100, "{}", want.0.len());
    assert!(want.1.len() > 20, "{}", want.1.len());
    for db in [&built, &added] {
        let got = clauses_and_citations(db);
        assert_eq!(got.0.len(), want.0.len(), "clauses of {}", db.display());
        assert!(got.0 == want.0, "the clauses of {} differ", db.display());
        assert_eq!(got.1.len(), want.1.len(), "citations of {}", db.display());
        assert!(got.1 == want.1, "the citations of {} differ", db.display());
    }
    // The metadata is the table's.
    assert_eq!(
        document(&added, "usa-05-1950"),
        [
            "usa-05-1950",
            "United States of America, General Debate, 5th session (1950)",
            "statement",
            "1950",
            "New York",
            "en",
            "usa"
        ]
    );
}

#[test]
fn a_plain_file_beside_the_file_add_writes_for_it_is_refused() {
    let s = Scratch::with_example();
    write_files(
        &s.corpus(),
        &[
            ("speeches/one.txt", SPEECH.as_bytes()),
            (
                "speeches/one.txt.md",
                b"+++\nid = \"one-kept\"\ntitle = \"Kept\"\n+++\nText.\n",
            ),
        ],
    );
    let out = s.out().join("x.db");
    let r = run([
        OsStr::new("build"),
        s.corpus().as_os_str(),
        OsStr::new("-o"),
        out.as_os_str(),
        OsStr::new("--defaults"),
        OsStr::new("kind=statement"),
    ]);
    assert_eq!(r.code, Some(1), "{r:?}");
    assert!(
        r.stderr.contains("--> speeches/one.txt.md")
            && r.stderr.contains("a file of the folder has it"),
        "{}",
        r.stderr
    );
    assert!(!out.exists());
}
