//! `concord build examples/osce -o T/osce.db`: the store it writes, checked
//! against the corpus files themselves.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use common::*;
use rusqlite::Connection;

/// Record counts read from the corpus files by a method independent of
/// concord's reader: `[[kind]]` header lines in the TOML files, and the
/// blank-line separated paragraphs of each `+++` text document's body.
/// (The example has no JSON file and no `text` key on a `[[document]]`,
/// which this simple count relies on; `corpus_counts` asserts it.)
///
/// For reference, the example currently has 11 documents, 37 clauses,
/// 14 actors, 7 principles, 6 relations and 57 citations.
fn corpus_counts(dir: &Path) -> [i64; 6] {
    let (mut documents, mut clauses, mut actors, mut principles, mut relations, mut citations) =
        (0, 0, 0, 0, 0, 0);
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let text = fs::read_to_string(&path).unwrap();
            match path.extension().and_then(|e| e.to_str()) {
                Some("toml") => {
                    let mut table = "";
                    for line in text.lines().map(str::trim) {
                        if line.starts_with('[') {
                            table = line;
                        }
                        assert!(
                            !(line.starts_with("text") && table != "[[document.clause]]"),
                            "a `text` key outside a clause: the simple count would be wrong"
                        );
                        match line {
                            "[[actor]]" => actors += 1,
                            "[[principle]]" => principles += 1,
                            "[[document]]" => documents += 1,
                            "[[document.clause]]" => clauses += 1,
                            "[[relation]]" => relations += 1,
                            "[[citation]]" => citations += 1,
                            _ => {}
                        }
                    }
                }
                Some("txt") | Some("md") if text.starts_with("+++\n") => {
                    documents += 1;
                    let body = text[4..]
                        .split_once("\n+++\n")
                        .expect("closed front matter")
                        .1;
                    let mut in_para = false;
                    for line in body.lines() {
                        let blank = line.trim().is_empty();
                        if !blank && !in_para {
                            clauses += 1;
                        }
                        in_para = !blank;
                    }
                }
                Some("json") => panic!("the simple count does not read JSON"),
                _ => {}
            }
        }
    }
    [documents, clauses, actors, principles, relations, citations]
}

/// Builds the example corpus into a fresh folder; returns the scratch space,
/// the run, and the store path.
fn build_example() -> (Scratch, Run, std::path::PathBuf) {
    let s = Scratch::new();
    let db = s.db();
    let r = build(&example_dir(), &db);
    assert!(r.ok(), "build failed: {r:?}");
    (s, r, db)
}

/// The citation rows `(from, to, by)` as readable strings, by raw joins (not the views).
fn citation_ends(conn: &Connection, where_: &str) -> Vec<Vec<String>> {
    rows(
        conn,
        &format!(
            "SELECT fd.slug || coalesce('#' || fc.label, ''),
                    coalesce(td.slug || '#' || tc.label, tdd.slug, tp.slug),
                    (SELECT group_concat(slug, ',') FROM (SELECT a.slug FROM citation_actors ca
                        JOIN actors a ON a.id = ca.actor_id WHERE ca.citation_id = ci.id ORDER BY a.slug)),
                    sd.slug
             FROM citations ci
             JOIN documents fd ON fd.id = ci.from_document_id
             LEFT JOIN clauses fc ON fc.id = ci.from_clause_id
             LEFT JOIN clauses tc ON tc.id = ci.to_clause_id
             LEFT JOIN documents td ON td.id = tc.document_id
             LEFT JOIN documents tdd ON tdd.id = ci.to_document_id
             LEFT JOIN principles tp ON tp.id = ci.to_principle_id
             JOIN documents sd ON sd.id = ci.source_document_id
             WHERE {where_}
             ORDER BY ci.id"
        ),
    )
}

#[test]
fn build_succeeds_and_prints_a_summary_with_the_counts() {
    let (_s, r, db) = build_example();
    assert_eq!(r.code, Some(0));
    let [d, c, a, p, rel, cit] = corpus_counts(&example_dir());
    let expected = format!(
        "built {}: {d} documents, {c} clauses, {a} actors, {p} principles, {rel} relations, {cit} curated and ",
        db.display()
    );
    assert!(
        r.stderr.contains(&expected),
        "no `{expected}` in stderr:\n{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("note: skipped README.md: no `+++` front matter, so not a document"),
        "the README is not reported as skipped:\n{}",
        r.stderr
    );
    assert!(db.is_file());
}

#[test]
fn store_holds_as_many_records_as_the_corpus_files() {
    let (_s, _r, db) = build_example();
    let conn = open(&db);
    assert_eq!(record_counts(&conn), corpus_counts(&example_dir()));
    // Every corpus file is kept, README.md included (8 files in the example).
    let files = column(&conn, "SELECT path FROM files ORDER BY id");
    assert_eq!(
        files,
        [
            "README.md",
            "actors.toml",
            "citations.toml",
            "documents.toml",
            "principles.toml",
            "statements/lavrov-2022-01-27.txt",
            "statements/lavrov-2022-02-01.txt",
            "statements/osce-article-2022.txt"
        ]
    );
    for (path, content) in rows(&conn, "SELECT path, content FROM files")
        .into_iter()
        .map(|r| (r[0].clone(), r[1].clone()))
    {
        let on_disk = fs::read_to_string(example_dir().join(&path)).unwrap();
        assert_eq!(
            content, on_disk,
            "stored content of {path} differs from the file"
        );
    }
}

#[test]
fn istanbul_paragraph_8_has_sentences_8_1_to_8_6_as_children() {
    let (_s, _r, db) = build_example();
    let conn = open(&db);
    let got = rows(
        &conn,
        "SELECT c.label, coalesce(p.label, 'NULL'), c.text FROM clauses c
         JOIN documents d ON d.id = c.document_id
         LEFT JOIN clauses p ON p.id = c.parent_id
         WHERE d.slug = 'istanbul-charter' AND (c.label = '8' OR c.label LIKE '8.%')
         ORDER BY c.position",
    );
    let labels: Vec<(&str, &str)> = got.iter().map(|r| (r[0].as_str(), r[1].as_str())).collect();
    assert_eq!(
        labels,
        [
            ("8", "NULL"),
            ("8.1", "8"),
            ("8.2", "8"),
            ("8.3", "8"),
            ("8.4", "8"),
            ("8.5", "8"),
            ("8.6", "8")
        ]
    );
    assert_eq!(
        got[2][2],
        "We reaffirm the inherent right of each and every participating State to be free to choose or change its security arrangements, including treaties of alliance, as they evolve."
    );
    // The parent is a clause of the same document.
    assert_eq!(
        int(
            &conn,
            "SELECT count(*) FROM clauses c JOIN clauses p ON p.id = c.parent_id WHERE p.document_id <> c.document_id"
        ),
        0
    );
}

#[test]
fn lavrov_represents_russia() {
    let (_s, _r, db) = build_example();
    let conn = open(&db);
    let got = column(
        &conn,
        "SELECT r.slug FROM representations rp
         JOIN actors a ON a.id = rp.actor_id JOIN actors r ON r.id = rp.represented_id
         WHERE a.slug = 'lavrov' ORDER BY r.slug",
    );
    assert_eq!(got, ["russia"]);
}

#[test]
fn usa_and_france_are_members_of_nato() {
    let (_s, _r, db) = build_example();
    let conn = open(&db);
    let members = column(
        &conn,
        "SELECT m.slug FROM memberships ms
         JOIN actors m ON m.id = ms.member_id JOIN actors g ON g.id = ms.group_id
         WHERE g.slug = 'nato' ORDER BY m.slug",
    );
    assert!(members.contains(&"usa".to_string()), "{members:?}");
    assert!(members.contains(&"france".to_string()), "{members:?}");
    assert!(!members.contains(&"russia".to_string()), "{members:?}");
}

#[test]
fn astana_declaration_reaffirms_the_istanbul_charter() {
    let (_s, _r, db) = build_example();
    let conn = open(&db);
    let got = rows(
        &conn,
        "SELECT t.slug FROM relations r
         JOIN documents f ON f.id = r.from_id JOIN documents t ON t.id = r.to_id
         WHERE f.slug = 'astana-declaration' AND r.type = 'reaffirms' ORDER BY t.slug",
    );
    assert_eq!(got, [["istanbul-charter"], ["paris-charter"]]);
}

#[test]
fn second_hand_citations_of_8_2_by_usa_and_nato_are_reported_by_lavrov() {
    let (_s, _r, db) = build_example();
    let conn = open(&db);
    let got = citation_ends(
        &conn,
        "ci.id IN (SELECT citation_id FROM citation_actors ca JOIN actors a ON a.id = ca.actor_id
                   WHERE a.slug IN ('usa', 'nato'))
         AND tc.label = '8.2'",
    );
    assert_eq!(
        got,
        [
            [
                "lavrov-2022-02-01#p4",
                "istanbul-charter#8.2",
                "usa",
                "lavrov-2022-02-01"
            ],
            [
                "lavrov-2022-02-01#p4",
                "istanbul-charter#8.2",
                "nato",
                "lavrov-2022-02-01"
            ],
        ]
    );
}

#[test]
fn no_citation_by_usa_or_nato_targets_8_5() {
    let (_s, _r, db) = build_example();
    let conn = open(&db);
    let by = |actor: &str, cond: &str| {
        int(
            &conn,
            &format!(
                "SELECT count(*) FROM citations ci
                 JOIN citation_actors ca ON ca.citation_id = ci.id JOIN actors a ON a.id = ca.actor_id
                 LEFT JOIN clauses c ON c.id = ci.to_clause_id
                 LEFT JOIN documents d ON d.id = c.document_id
                 WHERE a.slug = '{actor}' AND {cond}"
            ),
        )
    };
    let to_8_5 = "d.slug = 'istanbul-charter' AND c.label = '8.5'";
    assert_eq!(by("usa", to_8_5), 0);
    assert_eq!(by("nato", to_8_5), 0);
    // Not vacuous: 8.5 is cited (by lavrov and the editors), and usa does cite.
    assert!(by("lavrov", to_8_5) > 0);
    assert!(by("cc", to_8_5) > 0);
    assert!(by("usa", "1") >= 2);
}

#[test]
fn citations_without_by_are_made_by_the_authors_of_the_citing_document() {
    let (_s, _r, db) = build_example();
    let conn = open(&db);
    let text = fs::read_to_string(example_dir().join("citations.toml")).unwrap();
    let file: toml::Table = toml::from_str(&text).unwrap();
    let listed = file["citation"].as_array().unwrap();
    let stored = citation_ends(&conn, "ci.method = 'curated'");
    // citations.toml is the only file with citations, and row ids follow the file's order.
    assert_eq!(stored.len(), listed.len());
    let mut defaulted = 0;
    for (c, row) in listed.iter().zip(&stored) {
        let c = c.as_table().unwrap();
        let from = c["from"].as_str().unwrap();
        assert_eq!(row[0], from);
        assert_eq!(row[1], c["to"].as_str().unwrap());
        let expected: BTreeSet<String> = match c.get("by") {
            Some(by) => by
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a.as_str().unwrap().to_string())
                .collect(),
            None => {
                defaulted += 1;
                let doc = from.split('#').next().unwrap();
                column(
                    &conn,
                    &format!(
                        "SELECT a.slug FROM document_authors da JOIN actors a ON a.id = da.actor_id
                         JOIN documents d ON d.id = da.document_id WHERE d.slug = '{doc}'"
                    ),
                )
                .into_iter()
                .collect()
            }
        };
        let got: BTreeSet<String> = row[2].split(',').map(str::to_string).collect();
        assert_eq!(
            got, expected,
            "`by` of the citation from {from} to {}",
            row[1]
        );
    }
    assert!(defaulted > 40, "only {defaulted} citations without `by`");
    // One of them by name: Lavrov's own citation of the principle of indivisible security.
    let got = citation_ends(
        &conn,
        "fd.slug = 'lavrov-2022-01-27' AND fc.label = 'p4' AND tp.slug = 'indivisibility'",
    );
    assert_eq!(
        got,
        [[
            "lavrov-2022-01-27#p4",
            "indivisibility",
            "lavrov",
            "lavrov-2022-01-27"
        ]]
    );
}

#[test]
fn store_header_says_concord_version_5_in_rollback_mode() {
    let (_s, _r, db) = build_example();
    let bytes = fs::read(&db).unwrap();
    // The SQLite header itself: write/read versions 1 = rollback journal (2 would be WAL,
    // which a reader without write access to the folder cannot open), user_version at 60,
    // application_id at 68.
    assert_eq!(&bytes[..16], b"SQLite format 3\0");
    assert_eq!(
        (bytes[18], bytes[19]),
        (1, 1),
        "file format is not rollback mode"
    );
    assert_eq!(u32::from_be_bytes(bytes[60..64].try_into().unwrap()), 5);
    assert_eq!(
        u32::from_be_bytes(bytes[68..72].try_into().unwrap()),
        0x434E_4344
    );
    let conn = open(&db);
    assert_eq!(int(&conn, "PRAGMA application_id"), 0x434E_4344);
    assert_eq!(int(&conn, "PRAGMA user_version"), 5);
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "delete");
}

#[test]
fn store_passes_foreign_key_and_integrity_checks() {
    let (_s, _r, db) = build_example();
    let conn = open(&db);
    assert_eq!(
        rows(&conn, "PRAGMA foreign_key_check"),
        Vec::<Vec<String>>::new()
    );
    assert_eq!(column(&conn, "PRAGMA integrity_check"), ["ok"]);
    // The FTS index agrees with its content table.
    conn.execute(
        "INSERT INTO clauses_fts (clauses_fts, rank) VALUES ('integrity-check', 1)",
        [],
    )
    .expect("FTS integrity-check");
}

#[test]
fn full_text_index_finds_indivisible_security() {
    let (_s, _r, db) = build_example();
    let conn = open(&db);
    let found = column(
        &conn,
        "SELECT d.slug || '#' || c.label FROM clauses_fts
         JOIN clauses c ON c.id = clauses_fts.rowid JOIN documents d ON d.id = c.document_id
         WHERE clauses_fts MATCH '\"indivisible security\"' ORDER BY c.id",
    );
    let containing = column(
        &conn,
        "SELECT d.slug || '#' || c.label FROM clauses c JOIN documents d ON d.id = c.document_id
         WHERE lower(c.text) LIKE '%indivisible security%' ORDER BY c.id",
    );
    assert_eq!(found, containing);
    for must in [
        "lavrov-2022-01-27#p4",
        "istanbul-charter#fsc",
        "osce-article-2022#p6",
    ] {
        assert!(
            found.contains(&must.to_string()),
            "{must} not found: {found:?}"
        );
    }
    // Diacritics are folded: "indivisíble" matches too.
    let n = int(
        &conn,
        "SELECT count(*) FROM clauses_fts WHERE clauses_fts MATCH 'indivisíble'",
    );
    assert!(n >= found.len() as i64);
}

#[test]
fn building_twice_gives_identical_rows_and_identical_bytes() {
    let s = Scratch::new();
    let (a, b) = (s.out().join("a.db"), s.out().join("b.db"));
    assert!(build(&example_dir(), &a).ok());
    assert!(build(&example_dir(), &b).ok());
    let (da, db) = (dump_file(&a), dump_file(&b));
    assert!(da.len() > 15, "too few tables: {:?}", da.keys());
    assert!(da["clauses"].len() > 30);
    assert_eq!(da, db);
    // In this version the two files are byte for byte the same.
    assert!(
        fs::read(&a).unwrap() == fs::read(&b).unwrap(),
        "the two builds differ in bytes"
    );
}

#[test]
fn rebuilding_over_a_store_replaces_it_and_leaves_nothing_else_in_the_folder() {
    let s = Scratch::with_example();
    let db = s.db();
    assert!(build(&s.corpus(), &db).ok());
    let first = fs::read(&db).unwrap();
    assert_eq!(list_dir(&s.out()), ["osce.db"]);
    // Change one actor's name, build again over the same file.
    let actors = s.corpus().join("actors.toml");
    let text = fs::read_to_string(&actors).unwrap();
    fs::write(
        &actors,
        text.replace("name = \"Sergey Lavrov\"", "name = \"S. Lavrov\""),
    )
    .unwrap();
    let r = build(&s.corpus(), &db);
    assert!(r.ok(), "{r:?}");
    assert_eq!(
        list_dir(&s.out()),
        ["osce.db"],
        "temporary or -wal files left behind"
    );
    assert_ne!(fs::read(&db).unwrap(), first);
    let conn = open(&db);
    assert_eq!(
        column(&conn, "SELECT name FROM actors WHERE slug = 'lavrov'"),
        ["S. Lavrov"]
    );
}

/// A new store should get the permissions any new file gets in that folder
/// (the umask), as files SQLite itself creates do. Found: it is created 0600,
/// the mode of the temporary file it is renamed from.
#[test]
fn new_store_has_the_permissions_of_an_ordinary_new_file() {
    use std::os::unix::fs::PermissionsExt;
    let s = Scratch::new();
    let db = s.db();
    assert!(build(&example_dir(), &db).ok());
    let plain = s.out().join("plain.txt");
    fs::write(&plain, "x").unwrap();
    let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(
        format!("{:o}", mode(&db)),
        format!("{:o}", mode(&plain)),
        "the store's mode differs from a new file's"
    );
}

#[test]
fn records_point_at_their_line_in_the_corpus_files() {
    let (_s, _r, db) = build_example();
    let conn = open(&db);
    let line_of = |path: &str, line: &str| -> String {
        let text = fs::read_to_string(example_dir().join(path)).unwrap();
        let n: usize = line.parse().unwrap();
        text.lines().nth(n - 1).unwrap_or_default().to_string()
    };
    let mut checked = 0;
    // Records in TOML files point at their `[[kind]]` header, text documents at `+++`.
    for (table, header) in [
        ("actors", "[[actor]]"),
        ("principles", "[[principle]]"),
        ("documents", "[[document]]"),
        ("relations", "[[relation]]"),
        ("citations", "[[citation]]"),
    ] {
        for r in rows(
            &conn,
            &format!("SELECT f.path, t.line FROM {table} t JOIN files f ON f.id = t.file_id"),
        ) {
            let expected = if r[0].ends_with(".txt") {
                "+++"
            } else {
                header
            };
            assert_eq!(
                line_of(&r[0], &r[1]).trim(),
                expected,
                "{table} at {}:{}",
                r[0],
                r[1]
            );
            checked += 1;
        }
    }
    // Clauses of text documents point at their paragraph's first line; TOML
    // clauses at their `id` line.
    for r in rows(
        &conn,
        "SELECT f.path, c.line, c.label, c.text FROM clauses c
         JOIN documents d ON d.id = c.document_id JOIN files f ON f.id = d.file_id",
    ) {
        let at = line_of(&r[0], &r[1]);
        if r[0].ends_with(".txt") {
            assert_eq!(
                at,
                r[3].lines().next().unwrap(),
                "clause {} at {}:{}",
                r[2],
                r[0],
                r[1]
            );
        } else {
            assert_eq!(
                at,
                format!("id = \"{}\"", r[2]),
                "clause {} at {}:{}",
                r[2],
                r[0],
                r[1]
            );
        }
        checked += 1;
    }
    assert_eq!(checked, corpus_counts(&example_dir()).iter().sum::<i64>());
}
