//! An import in place gives the store a build from nothing gives.
//!
//! For a corpus and one of its files: build the corpus without the file,
//! put the file back and `concord import` it; build the whole corpus; the two
//! stores must hold the same rows, every id replaced by what it names (ids
//! follow the order of imports, see docs/corpus-format.md), and pass
//! `concord check --db`. Run on the example corpus, the UN speeches beside
//! the open treaties (a speech, and the UN Charter itself, which the
//! speeches cite), and a generated corpus; then on replaced files, on files
//! that make the import rebuild, and on the ids that an import keeps.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use common::*;

/// Every table's rows, each id replaced by the slug, `doc#label` or path it stands for.
type Natural = BTreeMap<&'static str, Vec<Vec<String>>>;

const NATURAL: &[(&str, &str)] = &[
    ("files", "SELECT path, content FROM files"),
    (
        "documents",
        "SELECT d.slug, d.title, d.kind, d.date, d.date_start, d.date_end, d.place, d.language,
                d.source, d.excerpt, f.path, d.line
         FROM documents d JOIN files f ON f.id = d.file_id",
    ),
    (
        "document_authors",
        "SELECT d.slug, a.slug, x.position FROM document_authors x
         JOIN documents d ON d.id = x.document_id JOIN actors a ON a.id = x.actor_id",
    ),
    (
        "document_aliases",
        "SELECT d.slug, x.folded, x.alias FROM document_aliases x JOIN documents d ON d.id = x.document_id",
    ),
    (
        "clauses",
        "SELECT d.slug, c.label, p.label, c.position, c.title, c.text, c.line, c.principle_list,
                c.speaker, a.slug
         FROM clauses c JOIN documents d ON d.id = c.document_id
         LEFT JOIN clauses p ON p.id = c.parent_id LEFT JOIN actors a ON a.id = c.speaker_id",
    ),
    (
        "clause_wordings",
        "SELECT d.slug, c.label, w.position, w.text, w.until FROM clause_wordings w
         JOIN clauses c ON c.id = w.clause_id JOIN documents d ON d.id = c.document_id",
    ),
    (
        "clause_principles",
        "SELECT d.slug, c.label, p.slug FROM clause_principles x JOIN clauses c ON c.id = x.clause_id
         JOIN documents d ON d.id = c.document_id JOIN principles p ON p.id = x.principle_id",
    ),
    (
        "actors",
        "SELECT slug, name, kind, role, (SELECT path FROM files WHERE id = file_id), line FROM actors",
    ),
    (
        "principles",
        "SELECT slug, name, description, (SELECT path FROM files WHERE id = file_id), line FROM principles",
    ),
    (
        "relations",
        "SELECT a.slug, r.type, b.slug, r.note, r.line FROM relations r
         JOIN documents a ON a.id = r.from_id JOIN documents b ON b.id = r.to_id",
    ),
    (
        "citations",
        "SELECT ci.from_ref, ci.to_ref, ci.method, fd.slug, fc.label, td.slug, tc.label, tp.slug,
                ci.to_label, ci.to_name, ci.quote, ci.stance, sd.slug, ci.confidence, ci.span_start,
                ci.span_end, ci.diff, ci.note, ci.line, ci.by_list,
                (SELECT group_concat(s, ', ') FROM (SELECT a.slug AS s FROM citation_actors ca
                 JOIN actors a ON a.id = ca.actor_id WHERE ca.citation_id = ci.id ORDER BY a.slug))
         FROM citations ci
         JOIN documents fd ON fd.id = ci.from_document_id
         LEFT JOIN clauses fc ON fc.id = ci.from_clause_id
         LEFT JOIN documents td ON td.id = ci.to_document_id
         LEFT JOIN clauses tc ON tc.id = ci.to_clause_id
         LEFT JOIN principles tp ON tp.id = ci.to_principle_id
         JOIN documents sd ON sd.id = ci.source_document_id",
    ),
    (
        "actor_cited_clauses",
        "SELECT a.slug, d.slug || '#' || c.label, x.citations FROM actor_cited_clauses x
         JOIN actors a ON a.id = x.actor_id JOIN clauses c ON c.id = x.clause_id
         JOIN documents d ON d.id = c.document_id",
    ),
    (
        "actor_cited_principles",
        "SELECT a.slug, p.slug, x.citations FROM actor_cited_principles x
         JOIN actors a ON a.id = x.actor_id JOIN principles p ON p.id = x.principle_id",
    ),
    (
        "actor_citation_counts",
        "SELECT (SELECT slug FROM actors WHERE id = x.actor_id), x.citations FROM actor_citation_counts x",
    ),
    (
        "meta",
        "SELECT key, value FROM meta WHERE key NOT IN ('files_fnv1a64', 'corpus_root')",
    ),
    (
        "memberships",
        "SELECT a.slug, g.slug FROM memberships x JOIN actors a ON a.id = x.member_id
         JOIN actors g ON g.id = x.group_id",
    ),
    (
        "representations",
        "SELECT a.slug, r.slug FROM representations x JOIN actors a ON a.id = x.actor_id
         JOIN actors r ON r.id = x.represented_id",
    ),
    (
        "actor_aliases",
        "SELECT a.slug, x.folded, x.alias FROM actor_aliases x JOIN actors a ON a.id = x.actor_id",
    ),
    (
        "principle_aliases",
        "SELECT p.slug, x.folded, x.alias FROM principle_aliases x
         JOIN principles p ON p.id = x.principle_id",
    ),
    (
        "citation_actors",
        "SELECT ci.from_ref, ci.to_ref, ci.method, ci.span_start, ci.quote, a.slug
         FROM citation_actors x JOIN citations ci ON ci.id = x.citation_id
         JOIN actors a ON a.id = x.actor_id",
    ),
];

fn natural(db: &Path) -> Natural {
    let conn = open(db);
    let mut out = Natural::new();
    for (table, sql) in NATURAL {
        let mut r = rows(&conn, sql);
        r.sort();
        out.insert(table, r);
    }
    // Every table is covered: a new one must be added above.
    let tables = column(
        &conn,
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'clauses_fts%'
           AND name NOT LIKE 'sqlite_%'",
    );
    for t in tables {
        assert!(out.contains_key(t.as_str()), "table {t} is not compared");
    }
    out
}

/// Rows of `a` and `b` that differ, table by table, for the failure message.
fn differences(a: &Natural, b: &Natural) -> String {
    let mut out = String::new();
    for (t, rows) in a {
        let other = &b[t];
        let only_a: Vec<_> = rows.iter().filter(|r| !other.contains(r)).take(5).collect();
        let only_b: Vec<_> = other.iter().filter(|r| !rows.contains(r)).take(5).collect();
        if !only_a.is_empty() || !only_b.is_empty() {
            out.push_str(&format!(
                "{t}: {} vs {} rows\n  only built: {only_a:?}\n  only imported: {only_b:?}\n",
                rows.len(),
                other.len()
            ));
        }
    }
    out
}

fn check_store(db: &Path) {
    let r = run(["check".as_ref(), "--db".as_ref(), db.as_os_str()]);
    assert!(r.ok(), "concord check --db {}: {r:?}", db.display());
}

/// Builds `corpus` whole, and without `file` (relative to it) then imports
/// `file`; asserts both stores agree. Returns the import's stderr.
fn built_equals_imported(corpus: &Path, file: &str) -> String {
    let s = Scratch::new();
    let whole = s.out().join("whole.db");
    let r = build(corpus, &whole);
    assert!(r.ok(), "build: {r:?}");
    let part = s.tmp.path().join("part");
    copy_dir(corpus, &part);
    let held = s.tmp.path().join("held");
    fs::copy(part.join(file), &held).unwrap();
    fs::remove_file(part.join(file)).unwrap();
    let db = s.out().join("imported.db");
    let r = build(&part, &db);
    assert!(r.ok(), "build without {file}: {r:?}");
    fs::copy(&held, part.join(file)).unwrap();
    let r = import(&[&part.join(file)], &db);
    assert!(r.ok(), "import {file}: {r:?}");
    let (a, b) = (natural(&whole), natural(&db));
    assert!(a == b, "{file}:\n{}", differences(&a, &b));
    check_store(&db);
    r.stderr
}

/// The UN speeches of `tests/data/ungdc` beside the open treaties, as a corpus in `s`.
fn speeches(s: &Scratch) -> PathBuf {
    let corpus = s.tmp.path().join("ungdc");
    let speeches = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/ungdc/speeches");
    convert("examples/ungdc/convert.py", &speeches, &corpus);
    corpus
}

/// The text files under `dir`, relative to it, sorted.
fn text_files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "md" || x == "txt") {
                out.push(p.strip_prefix(dir).unwrap().to_string_lossy().into_owned());
            }
        }
    }
    out.sort();
    out
}

/// Builds a copy of `corpus`, writes `changes` (path relative to it, new
/// content) into the copy and imports them; builds the changed copy from
/// nothing; asserts both stores agree. Returns the import's stderr.
fn changed_equals_built(corpus: &Path, changes: &[(&str, String)]) -> String {
    let s = Scratch::new();
    let work = s.tmp.path().join("work");
    copy_dir(corpus, &work);
    let db = s.out().join("imported.db");
    let r = build(&work, &db);
    assert!(r.ok(), "build: {r:?}");
    let mut paths = Vec::new();
    for (rel, content) in changes {
        let p = work.join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(&p, content).unwrap();
        paths.push(p);
    }
    let given: Vec<&Path> = paths.iter().map(PathBuf::as_path).collect();
    let r = import(&given, &db);
    assert!(r.ok(), "import: {r:?}");
    let whole = s.out().join("whole.db");
    assert!(build(&work, &whole).ok());
    let (a, b) = (natural(&whole), natural(&db));
    assert!(
        a == b,
        "{:?}:\n{}",
        changes.iter().map(|c| c.0).collect::<Vec<_>>(),
        differences(&a, &b)
    );
    check_store(&db);
    r.stderr
}

/// Builds `corpus` without the text files under `folder` (relative to it), then imports
/// them all in one command (its searches on `threads` threads, or as many as there are
/// cores); asserts the store equals the whole corpus built. Returns the import's stderr.
fn folder_imported_equals_built(corpus: &Path, folder: &str, threads: Option<&str>) -> String {
    let s = Scratch::new();
    let whole = s.out().join("whole.db");
    let r = build(corpus, &whole);
    assert!(r.ok(), "build: {r:?}");
    let part = s.tmp.path().join("part");
    copy_dir(corpus, &part);
    let held = s.tmp.path().join("held");
    fs::rename(part.join(folder), &held).unwrap();
    let db = s.out().join("imported.db");
    let r = build(&part, &db);
    assert!(r.ok(), "build without {folder}: {r:?}");
    fs::rename(&held, part.join(folder)).unwrap();
    let files: Vec<PathBuf> = text_files(&part.join(folder))
        .iter()
        .map(|f| part.join(folder).join(f))
        .collect();
    assert!(files.len() >= 10, "{files:?}");
    let mut cmd = concord();
    cmd.arg("import").args(&files).arg("--db").arg(&db);
    if let Some(n) = threads {
        cmd.env("CONCORD_THREADS", n);
    }
    let r = run_with_stdin(&mut cmd, None);
    assert!(r.ok(), "import {folder}: {r:?}");
    // Before anything opens it: nothing beside it, and its header in rollback mode (file
    // format versions 1 and 1, where WAL mode writes 2 and 2).
    assert_eq!(
        list_dir(&s.out()),
        ["imported.db", "whole.db"],
        "the copy and its log are gone"
    );
    let header = fs::read(&db).unwrap();
    assert_eq!(header[18..20], [1, 1], "the store is in rollback mode");
    let (a, b) = (natural(&whole), natural(&db));
    assert!(a == b, "{folder}:\n{}", differences(&a, &b));
    check_store(&db);
    r.stderr
}

/// A generated corpus of 40 documents in `s`, without its curated citations: they name
/// nearly every statement, and without them any statement can be left out of a first build.
fn generated_without_curated(s: &Scratch) -> PathBuf {
    let corpus = s.corpus();
    let r = run([
        "gen".as_ref(),
        "--documents".as_ref(),
        "40".as_ref(),
        "-o".as_ref(),
        corpus.as_os_str(),
    ]);
    assert!(r.ok(), "{r:?}");
    fs::remove_file(corpus.join("citations-end.toml")).unwrap();
    corpus
}

/// Found: an import of 1,000 statements into a store of the treaties took 1.5 times a
/// build of both, searching on one core where the build searches on all. An import large
/// beside the store is now written into a copy of it and searched on every core.
#[test]
fn many_files_imported_at_once_give_the_built_store_through_a_copy_or_in_place() {
    let s = Scratch::new();
    let corpus = generated_without_curated(&s);
    for threads in [None, Some("1"), Some("3")] {
        let said = folder_imported_equals_built(&corpus, "statements", threads);
        assert!(
            said.contains("in place (written into a copy"),
            "{threads:?}: {said}"
        );
    }
    // The UN speeches (excerpts, 13 kB), which quote each other and the Charter, into the
    // larger store of the treaties: in place, all at once.
    let corpus = speeches(&s);
    let said = folder_imported_equals_built(&corpus, "speeches", None);
    assert!(said.contains("in place: added 15 documents"), "{said}");
}

/// A statement that names, cites and quotes the example's documents.
const CITING: &str = "+++
id = \"zz-reply\"
title = \"A reply on European security\"
kind = \"statement\"
date = 2022-03-01
authors = [\"usa\"]
+++
We recall the Istanbul Charter and its paragraph 8, and the Charter for European Security as a whole.

As Minister Lavrov said, \"no State can strengthen its security at the expense of others\".

The Charter of Paris for a New Europe says that \"security is indivisible\", and the Helsinki Final Act agrees.
";

#[test]
fn statements_added_to_the_example_in_place_give_the_built_store() {
    let corpus = example_dir();
    let said = changed_equals_built(&corpus, &[("statements/zz-reply.md", CITING.to_string())]);
    assert!(said.contains("in place"), "{said}");
    // Two at once, one of them quoting the other.
    let second = CITING
        .replace("zz-reply", "zz-second")
        .replace("2022-03-01", "2022-03-02")
        .replace(
            "We recall",
            "As the reply of 1 March put it, \"We recall the Istanbul Charter\"; we recall",
        );
    let said = changed_equals_built(
        &corpus,
        &[
            ("statements/zz-reply.md", CITING.to_string()),
            ("zz/zz-second.txt", second),
        ],
    );
    assert!(said.contains("in place"), "{said}");
}

#[test]
fn replacing_a_statement_that_curated_records_name_rebuilds_and_agrees() {
    let corpus = example_dir();
    let rel = "statements/lavrov-2022-01-27.txt";
    let text = fs::read_to_string(corpus.join(rel)).unwrap();
    let changed = format!("{text}\nOne more paragraph on the indivisibility of security.\n");
    let said = changed_equals_built(&corpus, &[(rel, changed)]);
    assert!(said.contains("rebuilt"), "{said}");
}

#[test]
fn a_speech_and_the_charter_it_cites_imported_in_place_give_the_built_store() {
    let s = Scratch::new();
    let corpus = speeches(&s);
    let files = text_files(&corpus);
    assert!(files.len() >= 10, "{files:?}");
    // The first, a middle and the last speech.
    for f in [&files[0], &files[files.len() / 2], &files[files.len() - 1]] {
        let said = built_equals_imported(&corpus, f);
        assert!(said.contains("in place"), "{said}");
    }
    // The Charter: the speeches' references to its articles resolve once it is there.
    let charter = "treaties/un-charter.json";
    assert!(corpus.join(charter).exists());
    let said = built_equals_imported(&corpus, charter);
    assert!(said.contains("in place"), "{said}");
}

#[test]
fn generated_documents_imported_in_place_give_the_built_store() {
    let s = Scratch::new();
    let corpus = generated_without_curated(&s);
    let files = text_files(&corpus);
    assert!(files.len() >= 10, "{files:?}");
    for f in [&files[0], &files[files.len() / 3], &files[files.len() - 1]] {
        let said = built_equals_imported(&corpus, f);
        assert!(said.contains("in place"), "{said}");
    }
    // The treaties, in TOML, that the statements cite.
    built_equals_imported(&corpus, "treaties.toml");
}

#[test]
fn a_replaced_statement_gives_the_store_built_from_the_new_text() {
    let corpus = example_dir();
    let rel = "statements/zz-reply.md";
    let s = Scratch::new();
    let base = s.tmp.path().join("base");
    copy_dir(&corpus, &base);
    fs::write(base.join(rel), CITING).unwrap();
    // One paragraph fewer, one new paragraph that quotes the Istanbul Charter.
    let cut = CITING.rfind("\n\n").unwrap();
    let changed = format!(
        "{}\n\nAs the Charter says, \"we will not strengthen our security at the expense of the security of other States\".\n",
        &CITING[..cut]
    );
    let said = changed_equals_built(&base, &[(rel, changed)]);
    assert!(said.contains("in place"), "{said}");
}

#[test]
fn files_with_actors_or_curated_citations_rebuild_the_store_and_agree_too() {
    let corpus = example_dir();
    let actors = fs::read_to_string(corpus.join("actors.toml")).unwrap();
    let more =
        format!("{actors}\n[[actor]]\nid = \"zz-state\"\nname = \"Zembla\"\nkind = \"state\"\n");
    let said = changed_equals_built(&corpus, &[("actors.toml", more)]);
    assert!(said.contains("rebuilt"), "{said}");
    let citation = "[[citation]]\nfrom = \"lavrov-2022-02-01#p3\"\nto = \"istanbul-charter#8\"\n";
    let said = changed_equals_built(&corpus, &[("zz-citations.toml", citation.to_string())]);
    assert!(said.contains("rebuilt"), "{said}");
}

/// The ids of the files, actors, documents, clauses and citations of `db`, in id order, each
/// with what it names.
fn ids(db: &Path) -> [Vec<Vec<String>>; 5] {
    let conn = open(db);
    [
        rows(&conn, "SELECT id, path FROM files ORDER BY id"),
        rows(&conn, "SELECT id, slug FROM actors ORDER BY id"),
        rows(&conn, "SELECT id, slug FROM documents ORDER BY id"),
        rows(
            &conn,
            "SELECT c.id, d.slug, c.label, c.text FROM clauses c
             JOIN documents d ON d.id = c.document_id ORDER BY c.id",
        ),
        rows(
            &conn,
            "SELECT id, from_ref, to_ref, method, span_start, quote FROM citations ORDER BY id",
        ),
    ]
}

/// What `show citation N` prints on `db`.
fn card(db: &Path, n: &str) -> String {
    let r = run([
        "-c".as_ref(),
        format!("show citation {n}").as_ref(),
        db.as_os_str(),
    ]);
    assert!(r.ok(), "{r:?}");
    r.stdout
}

#[test]
fn an_import_keeps_the_ids_of_the_rows_it_does_not_touch() {
    let s = Scratch::new();
    let corpus = s.tmp.path().join("osce");
    copy_dir(&example_dir(), &corpus);
    let db = s.out().join("osce.db");
    assert!(build(&corpus, &db).ok());
    let before = ids(&db);
    let shown = card(&db, "3");
    // A statement that names nothing the store holds: nothing else is touched.
    let file = corpus.join("statements/zz-unrelated.md");
    fs::write(
        &file,
        "+++\nid = \"zz-unrelated\"\ntitle = \"Remarks on fisheries\"\nkind = \"statement\"\ndate = 2023-05-05\n+++\nThe fisheries of the northern seas need a new survey.\n\nThe survey will begin in spring.\n",
    )
    .unwrap();
    let r = import(&[&file], &db);
    assert!(r.ok(), "{r:?}");
    let after = ids(&db);
    for (old, new) in before.iter().zip(&after) {
        assert_eq!(
            &new[..old.len()],
            &old[..],
            "the rows before the import keep their ids"
        );
    }
    assert_eq!(after[2].len(), before[2].len() + 1);
    assert_eq!(after[3].len(), before[3].len() + 2);
    assert_eq!(
        card(&db, "3"),
        shown,
        "show citation 3 shows the same citation"
    );
    check_store(&db);
}

#[test]
fn an_import_that_rebuilds_keeps_the_ids_of_the_rows_it_still_holds() {
    let s = Scratch::new();
    let corpus = s.tmp.path().join("osce");
    copy_dir(&example_dir(), &corpus);
    let db = s.out().join("osce.db");
    assert!(build(&corpus, &db).ok());
    // A statement imported in place first: its rows come after the built ones, out of
    // corpus order, as they do in a store that has grown by imports.
    let late = corpus.join("statements/zz-late.md");
    fs::write(
        &late,
        "+++\nid = \"zz-late\"\ntitle = \"Late remarks\"\nkind = \"statement\"\ndate = 2023-05-05\nauthors = [\"lavrov\"]\n+++\nWe recall paragraph 8 of the Istanbul Charter of 1999.\n",
    )
    .unwrap();
    let r = import(&[&late], &db);
    assert!(r.stderr.contains("in place"), "{r:?}");
    let before = ids(&db);
    let late_citation: String = open(&db)
        .query_row(
            "SELECT id FROM citations WHERE from_ref = 'zz-late#p1'",
            [],
            |r| r.get::<_, i64>(0),
        )
        .unwrap()
        .to_string();
    let shown = [card(&db, "3"), card(&db, &late_citation)];

    // A new actor, and a statement of theirs whose file sorts first: the rebuild numbers
    // both in corpus order, before everything else.
    fs::write(
        corpus.join("aa-actors.toml"),
        "[[actor]]\nid = \"aa-new\"\nname = \"Aa New\"\nkind = \"state\"\n",
    )
    .unwrap();
    fs::write(
        corpus.join("aa-first.md"),
        "+++\nid = \"aa-first\"\ntitle = \"First remarks\"\nkind = \"statement\"\ndate = 2023-06-05\nauthors = [\"aa-new\"]\n+++\nParagraph 8 of the Istanbul Charter says that each participating State has an equal right to security.\n",
    )
    .unwrap();
    let r = import(
        &[&corpus.join("aa-actors.toml"), &corpus.join("aa-first.md")],
        &db,
    );
    assert!(r.stderr.contains("rebuilt"), "{r:?}");
    let after = ids(&db);
    for (old, new) in before.iter().zip(&after) {
        assert_eq!(
            &new[..old.len()],
            &old[..],
            "the rows before the import keep their ids"
        );
        assert!(new.len() > old.len(), "the new rows come after: {new:?}");
    }
    assert_eq!(after[1].last().unwrap()[1], "aa-new");
    assert_eq!(after[2].last().unwrap()[1], "aa-first");
    assert_eq!([card(&db, "3"), card(&db, &late_citation)], shown);
    check_store(&db);
    let whole = s.out().join("whole.db");
    assert!(build(&corpus, &whole).ok());
    let (a, b) = (natural(&whole), natural(&db));
    assert!(a == b, "{}", differences(&a, &b));
    // The store answers as the one built from nothing, in an order that follows ids.
    for q in [
        "clauses where text matches \"equal right\" select ref",
        "citations count by by",
    ] {
        let sorted = |db: &Path| {
            let r = run([
                "-c".as_ref(),
                q.as_ref(),
                "--format".as_ref(),
                "csv".as_ref(),
                db.as_os_str(),
            ]);
            assert!(r.ok(), "{r:?}");
            let mut lines: Vec<String> = r.stdout.lines().map(String::from).collect();
            lines.sort();
            lines
        };
        assert_eq!(sorted(&db), sorted(&whole), "{q}");
    }

    // A statement that curated citations name, changed: the rebuild keeps the ids of its
    // paragraphs that stay, and of every other row; the new paragraph comes last.
    let before = ids(&db);
    let rel = corpus.join("statements/lavrov-2022-01-27.txt");
    let text = fs::read_to_string(&rel).unwrap();
    fs::write(
        &rel,
        format!("{text}\nOne more paragraph on the indivisibility of security.\n"),
    )
    .unwrap();
    let r = import(&[&rel], &db);
    assert!(r.stderr.contains("rebuilt"), "{r:?}");
    let after = ids(&db);
    let clauses = (&before[3], &after[3]);
    assert_eq!(
        &clauses.1[..clauses.0.len()],
        &clauses.0[..],
        "kept clauses"
    );
    let added = clauses.1.last().unwrap();
    assert_eq!(added[1], "lavrov-2022-01-27");
    assert!(added[3].starts_with("One more paragraph"), "{added:?}");
    let kept: Vec<_> = after[4].iter().filter(|c| before[4].contains(c)).collect();
    assert_eq!(
        kept.len(),
        before[4].len(),
        "every citation is found again under its id"
    );
    check_store(&db);
}
