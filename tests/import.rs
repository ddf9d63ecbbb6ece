//! `concord import FILE --db X.db`: adding, replacing, refusing, and being
//! killed half-way, on a store built from a copy of the example corpus.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::thread::sleep;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use common::*;

/// A copy of the example corpus built into `out/osce.db`.
/// A statement by Lavrov: an unlabelled paragraph, then points 1 and 2.
const NEW_STATEMENT: &str = "+++
id = \"zz-new\"
title = \"A new statement\"
kind = \"statement\"
date = 2022-02-02
authors = [\"lavrov\"]
+++
Opening words about Zanzibar.

1. The first point.

2. The second point.
";

/// Tables whose rows follow from the others and may be rewritten wholesale
/// by a rebuild: the FTS index and the planner's statistics.
fn derived(table: &str) -> bool {
    table.starts_with("clauses_fts") || table.starts_with("sqlite_stat")
}

/// Every table of `d` except the derived ones, and without the sources'
/// checksums in `meta` (`files_fnv1a64`, one per file: they change with the
/// files, and tests/store_safety.rs checks them).
fn records(d: Dump) -> Dump {
    d.into_iter()
        .filter(|(t, _)| !derived(t))
        .map(|(t, rows)| {
            let rows = rows
                .into_iter()
                .filter(|r| {
                    t != "meta"
                        || r.first() != Some(&rusqlite::types::Value::Text("files_fnv1a64".into()))
                })
                .collect();
            (t, rows)
        })
        .collect()
}

/// `concord import` run from the folder `cwd`.
fn import_from(cwd: &Path, file: &str, db: &Path) -> Run {
    let out = concord()
        .current_dir(cwd)
        .args(["import", file, "--db"])
        .arg(db)
        .output()
        .unwrap();
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A statement of `paragraphs` paragraphs of `lines` lines of words each
/// (about 60 bytes a line), deterministic.
fn big_statement(paragraphs: usize, lines: usize) -> String {
    const WORDS: [&str; 12] = [
        "security",
        "alliance",
        "charter",
        "indivisible",
        "freedom",
        "states",
        "expense",
        "participating",
        "reaffirm",
        "neutrality",
        "commitment",
        "dialogue",
    ];
    let mut out = String::from(
        "+++\nid = \"zz-big\"\ntitle = \"A very long statement\"\nkind = \"statement\"\nauthors = [\"lavrov\"]\n+++\n",
    );
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..paragraphs {
        for _ in 0..lines {
            for w in 0..8 {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                if w > 0 {
                    out.push(' ');
                }
                out.push_str(WORDS[(x % WORDS.len() as u64) as usize]);
            }
            out.push_str(".\n");
        }
        out.push('\n');
    }
    out
}

/// A pseudo-random number generator for kill delays, seeded from the clock.
struct Jitter(u64);

impl Jitter {
    fn new() -> Jitter {
        let seed = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_nanos() as u64
            | 1;
        eprintln!("kill delays seeded with {seed}");
        Jitter(seed)
    }

    /// A number in [0, 1).
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

// ---------------------------------------------------------------------------

#[test]
fn import_adds_a_new_statement_document_and_keeps_every_other_row() {
    let s = Scratch::built_example();
    let db = s.db();
    let before = records(dump_file(&db));
    let file = s.corpus().join("statements/zz-new.txt");
    fs::write(&file, NEW_STATEMENT).unwrap();

    let r = import(&[&file], &db);
    assert!(r.ok(), "{r:?}");
    // Documents alone go in place: the summary counts what was added.
    let summary = format!(
        "imported 1 file into {} in place: added 1 document, 3 clauses, 0 actors, 0 principles, 0 relations, 0 curated and ",
        db.display()
    );
    assert!(
        r.stderr.contains(&summary),
        "no `{summary}` in\n{}",
        r.stderr
    );

    let conn = open(&db);
    assert_eq!(
        rows(
            &conn,
            "SELECT title, kind, date, date_start, date_end FROM documents WHERE slug = 'zz-new'"
        ),
        [[
            "A new statement",
            "statement",
            "2022-02-02",
            "2022-02-02",
            "2022-02-02"
        ]]
    );
    assert_eq!(
        rows(
            &conn,
            "SELECT c.label, c.text, c.position FROM clauses c JOIN documents d ON d.id = c.document_id
             WHERE d.slug = 'zz-new' ORDER BY c.position"
        ),
        [
            ["p1", "Opening words about Zanzibar.", "1"],
            ["1", "1. The first point.", "2"],
            ["2", "2. The second point.", "3"]
        ]
    );
    assert_eq!(
        column(
            &conn,
            "SELECT a.slug FROM document_authors da JOIN actors a ON a.id = da.actor_id
             JOIN documents d ON d.id = da.document_id WHERE d.slug = 'zz-new'"
        ),
        ["lavrov"]
    );
    assert_eq!(
        rows(
            &conn,
            "SELECT path, content FROM files WHERE path LIKE '%zz-new%'"
        ),
        [["statements/zz-new.txt", NEW_STATEMENT]]
    );
    assert_eq!(
        column(
            &conn,
            "SELECT d.slug || '#' || c.label FROM clauses_fts JOIN clauses c ON c.id = clauses_fts.rowid
             JOIN documents d ON d.id = c.document_id WHERE clauses_fts MATCH 'zanzibar'"
        ),
        ["zz-new#p1"]
    );
    drop(conn);

    // Every row that was there is still there, unchanged; the new file sorts
    // last, so the new rows come after the old ones in every table.
    let after = records(dump_file(&db));
    assert_eq!(
        after.keys().collect::<Vec<_>>(),
        before.keys().collect::<Vec<_>>()
    );
    for (table, old) in &before {
        let new = &after[table];
        let added = match table.as_str() {
            "files" | "documents" | "document_authors" | "document_aliases" => 1,
            "clauses" => 3,
            _ => 0,
        };
        assert_eq!(new.len(), old.len() + added, "rows added to {table}");
        assert_eq!(&new[..old.len()], &old[..], "rows of {table} changed");
    }
    assert_eq!(list_dir(&s.out())[0], "osce.db");
}

#[test]
fn reimporting_an_edited_file_replaces_its_records_instead_of_adding_them() {
    let s = Scratch::built_example();
    let db = s.db();
    let before = records(dump_file(&db));
    let counts = record_counts(&open(&db));
    let rel = "statements/lavrov-2022-01-27.txt";
    let file = s.corpus().join(rel);
    let text = fs::read_to_string(&file).unwrap();
    let edited = text
        .replacen(
            "title = \"Foreign Minister Sergey Lavrov’s answer to a media question, Moscow, 27 January 2022\"",
            "title = \"Lavrov, 27 January 2022 (edited)\"",
            1,
        )
        .trim_end()
        .to_string()
        + " Zanzibar.\n";
    assert_ne!(edited, text);
    fs::write(&file, &edited).unwrap();

    let r = import(&[&file], &db);
    assert!(r.ok(), "{r:?}");
    let conn = open(&db);
    assert_eq!(
        record_counts(&conn),
        counts,
        "records were added, not replaced"
    );
    assert_eq!(
        rows(
            &conn,
            "SELECT path, content FROM files WHERE path LIKE '%lavrov-2022-01-27%'"
        ),
        [[rel, edited.as_str()]]
    );
    assert_eq!(
        column(
            &conn,
            "SELECT title FROM documents WHERE slug = 'lavrov-2022-01-27'"
        ),
        ["Lavrov, 27 January 2022 (edited)"]
    );
    assert_eq!(
        column(
            &conn,
            "SELECT d.slug || '#' || c.label FROM clauses_fts JOIN clauses c ON c.id = clauses_fts.rowid
             JOIN documents d ON d.id = c.document_id WHERE clauses_fts MATCH 'zanzibar'"
        ),
        ["lavrov-2022-01-27#p7"]
    );
    drop(conn);

    let after = records(dump_file(&db));
    for (table, old) in &before {
        let new = &after[table];
        assert_eq!(new.len(), old.len(), "row count of {table}");
        let changed = new.iter().zip(old).filter(|(a, b)| a != b).count();
        let expected = match table.as_str() {
            "files" | "documents" | "clauses" => 1, // the file, its title, paragraph 7
            "document_aliases" => 1,                // the title is also an alias
            _ => 0,
        };
        assert_eq!(changed, expected, "changed rows in {table}");
    }

    // The same file again, named relative to the corpus folder: still one copy.
    let again = import_from(&s.corpus(), rel, &db);
    assert!(again.ok(), "{again:?}");
    assert_eq!(records(dump_file(&db)), after);
}

#[test]
fn import_of_a_file_with_a_bad_reference_leaves_the_store_unchanged() {
    let s = Scratch::built_example();
    let db = s.db();
    let bytes = fs::read(&db).unwrap();
    let file = s.corpus().join("statements/zz-new.txt");
    fs::write(&file, NEW_STATEMENT.replace("[\"lavrov\"]", "[\"lavorv\"]")).unwrap();

    let r = import(&[&file], &db);
    assert_eq!(r.code, Some(1), "{r:?}");
    let expected = "error: unknown actor `lavorv`
 --> statements/zz-new.txt:6:12
  |
6 | authors = [\"lavorv\"]
  |            ^^^^^^^^ did you mean `lavrov`?

error: 1 problem(s) found; nothing was written
";
    assert!(
        r.stderr.ends_with(expected),
        "expected\n{expected}\nin\n{}",
        r.stderr
    );
    assert!(fs::read(&db).unwrap() == bytes, "the store changed");
    assert_eq!(
        list_dir(&s.out()),
        ["osce.db"],
        "files left beside the store"
    );
}

/// A killed import must leave the store as it was (or, when the kill came
/// after the rename, exactly as a finished import leaves it).
#[test]
fn killed_import_leaves_the_store_intact() {
    let s = Scratch::built_example();
    let db = s.db();
    let big = s.corpus().join("statements/zz-big.txt");
    // 40 paragraphs of 8000 lines: about 21 MB of text.
    fs::write(&big, big_statement(40, 8000)).unwrap();
    eprintln!("generated {} bytes", fs::metadata(&big).unwrap().len());

    // The finished import, on a copy, to know the "after" state and its duration.
    let reference = s.tmp.path().join("reference");
    fs::create_dir(&reference).unwrap();
    fs::copy(&db, reference.join("osce.db")).unwrap();
    let started = Instant::now();
    let r = import(&[&big], &reference.join("osce.db"));
    let full = started.elapsed();
    assert!(r.ok(), "{r:?}");
    eprintln!("a full import takes {full:?}");
    let after = dump_file(&reference.join("osce.db"));
    fs::remove_dir_all(&reference).unwrap();

    let before = dump_file(&db);
    let before_bytes = fs::read(&db).unwrap();
    assert_ne!(before, after);
    let mut jitter = Jitter::new();
    let (mut completed, mut temps, mut temp_bytes) = (0, 0usize, 0u64);
    for round in 0..10 {
        // Each round from the store as it was (an import of the same file again would
        // replace what the last one added, under new row ids); a journal a kill left
        // belongs to the store replaced here.
        let pristine = s.out().join("pristine.tmp");
        fs::write(&pristine, &before_bytes).unwrap();
        fs::rename(&pristine, &db).unwrap();
        let _ = fs::remove_file(s.out().join("osce.db-journal"));
        let delay = full.mul_f64(0.02 + 0.98 * jitter.next());
        let mut child = concord()
            .arg("import")
            .arg(&big)
            .arg("--db")
            .arg(&db)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        sleep(delay);
        child.kill().unwrap(); // SIGKILL
        let status = child.wait().unwrap();

        // What is left in the folder: the store, and only what a killed
        // process cannot clean up.
        for name in list_dir(&s.out()) {
            let path = s.out().join(&name);
            let len = fs::metadata(&path).unwrap().len();
            // The journal of an import killed while it wrote in place: the next
            // connection plays it back.
            if name == "osce.db" || name == "osce.db-shm" || name == "osce.db-journal" {
                continue;
            } else if name == "osce.db-wal" {
                assert_eq!(len, 0, "round {round}: a -wal with pending frames was left");
            } else {
                assert!(
                    name.starts_with(".concord-build-")
                        && [".db", ".db-wal", ".db-shm"]
                            .iter()
                            .any(|end| name.ends_with(end)),
                    "round {round}: unexpected file {name} left beside the store"
                );
            }
        }
        let conn = open(&db);
        assert_eq!(
            column(&conn, "PRAGMA integrity_check"),
            ["ok"],
            "round {round}"
        );
        assert_eq!(int(&conn, "PRAGMA application_id"), 0x434E_4344);
        let now = dump(&conn);
        drop(conn);
        let state = if now == before {
            "as before"
        } else if now == after {
            completed += 1;
            "import finished"
        } else {
            panic!(
                "round {round}: after a kill at {delay:?} the store is neither as before nor as imported"
            );
        };
        eprintln!("round {round}: killed after {delay:?} ({status}): store {state}");
    }
    for name in list_dir(&s.out()) {
        if name.starts_with(".concord-build-") {
            temps += 1;
            temp_bytes += fs::metadata(s.out().join(&name)).unwrap().len();
            assert_ne!(
                s.out().join(&name),
                db,
                "a temporary file is the store itself"
            );
        }
    }
    eprintln!(
        "{completed} of 10 killed imports had finished; {temps} temporary files left ({temp_bytes} bytes)"
    );
    assert!(
        completed < 10,
        "no kill landed before the import finished: the test proved nothing"
    );

    // The leftovers do not stop a later import, which gives the finished state: from the
    // store as it was (the last round's import may have finished, and importing the file
    // again would replace what it added, under new row ids).
    let pristine = s.out().join("pristine.tmp");
    fs::write(&pristine, &before_bytes).unwrap();
    fs::rename(&pristine, &db).unwrap();
    let _ = fs::remove_file(s.out().join("osce.db-journal"));
    let r = import(&[&big], &db);
    assert!(r.ok(), "{r:?}");
    let conn = open(&db);
    assert_eq!(column(&conn, "PRAGMA integrity_check"), ["ok"]);
    assert!(
        dump(&conn) == after,
        "the final import differs from the reference import"
    );
}

/// Found: every import waits five seconds (rusqlite's default busy timeout)
/// in `checkpoint_old` (src/store/build.rs), whose `wal_checkpoint(TRUNCATE)`
/// waits for the write lock that the same import holds through
/// `lock_for_write`.
#[test]
fn importing_a_small_file_does_not_wait_for_its_own_lock() {
    let s = Scratch::built_example();
    let file = s.corpus().join("statements/zz-new.txt");
    fs::write(&file, NEW_STATEMENT).unwrap();
    let started = Instant::now();
    let r = import(&[&file], &s.db());
    let took = started.elapsed();
    assert!(r.ok(), "{r:?}");
    // The whole build of the example takes a few hundredths of a second.
    assert!(
        took < Duration::from_millis(2500),
        "importing one small file took {took:?}"
    );
}

/// Found: after a successful import an empty `osce.db-wal` and an
/// `osce.db-shm` stay beside the store (the write-lock connection is still
/// open on the old file when the new one is renamed over it), although a
/// build takes care to leave no stale -wal file (`checkpoint_old`).
#[test]
fn successful_import_leaves_no_wal_or_shm_beside_the_store() {
    let s = Scratch::built_example();
    let file = s.corpus().join("statements/zz-new.txt");
    fs::write(&file, NEW_STATEMENT).unwrap();
    let r = import(&[&file], &s.db());
    assert!(r.ok(), "{r:?}");
    assert_eq!(list_dir(&s.out()), ["osce.db"]);
}

/// Two imports of different files into one store, the second started while
/// the first holds the write lock. Each import that reports success must
/// find its document in the final store. Found: the second import waits for
/// the lock on the *old* file (the first one renames a new file over it),
/// then rebuilds from the old file's sources: the first import's document is
/// silently lost, although both exit 0.
#[test]
fn concurrent_imports_keep_every_imported_file() {
    let s = Scratch::built_example();
    let db = s.db();
    let a = s.corpus().join("statements/zz-a.txt");
    let b = s.corpus().join("statements/zz-b.txt");
    fs::write(&a, NEW_STATEMENT.replace("zz-new", "zz-a")).unwrap();
    fs::write(&b, NEW_STATEMENT.replace("zz-new", "zz-b")).unwrap();

    let first = concord()
        .arg("import")
        .arg(&a)
        .arg("--db")
        .arg(&db)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    sleep(Duration::from_millis(1000));
    let second = import(&[&b], &db);
    let first = first.wait_with_output().unwrap();
    eprintln!(
        "first: {:?} {}",
        first.status,
        String::from_utf8_lossy(&first.stderr)
    );
    eprintln!("second: {second:?}");

    let conn = open(&db);
    let docs = column(
        &conn,
        "SELECT slug FROM documents WHERE slug LIKE 'zz-%' ORDER BY slug",
    );
    assert!(
        first.status.success() || second.ok(),
        "neither import succeeded"
    );
    if first.status.success() {
        assert!(
            docs.contains(&"zz-a".to_string()),
            "the first import succeeded but zz-a is missing: {docs:?}"
        );
    }
    if second.ok() {
        assert!(
            docs.contains(&"zz-b".to_string()),
            "the second import succeeded but zz-b is missing: {docs:?}"
        );
    }
    let files: Vec<PathBuf> = column(&conn, "SELECT path FROM files")
        .into_iter()
        .map(PathBuf::from)
        .collect();
    assert_eq!(files.len(), 8 + docs.len());
}
