//! The fixture of `injection`: a tiny corpus whose clause texts hold `100%_sure`, quotes and a
//! piece of SQL, next to near-misses that a `LIKE` pattern would also match; built once in a
//! temporary folder through the library's build path. And a snapshot of a store, to show that
//! nothing changed it.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use concord::engine::Engine;
use rusqlite::{Connection, OpenFlags};

const ACTORS: &str = r#"
[[actor]]
id = "obrien"
name = "Pat O'Brien"
kind = "person"
aliases = ["O'Brien", "Robert'); DROP TABLE actors; --"]

[[actor]]
id = "league"
name = "The League"
kind = "organization"
"#;

const PRINCIPLES: &str = r#"
[[principle]]
id = "candour"
name = "Candour (\"100%\")"
description = "Say what you mean; 100%_sure or not at all."
"#;

/// Clause `1` is the one literal `100%_sure`; the others are near-misses for `LIKE` patterns.
const DOCUMENTS: &str = r#"
[[document]]
id = "pact"
title = "The Pact of 'Quotes' and \"Wildcards\""
kind = "treaty"
date = 2001-02-03
authors = ["obrien", "league"]
aliases = ["O'Brien Pact", "'; DROP TABLE documents; --"]

[[document.clause]]
id = "1"
text = "We are 100%_sure of it; the O'Brien clause says \"yes\"."
principles = ["candour"]

[[document.clause]]
id = "2"
text = "We are 100 percent sure, or 100 sure at least."

[[document.clause]]
id = "3"
text = "The label x100_sure is written with an underscore."

[[document.clause]]
id = "4"
text = "Another 100%Xsure here."

[[document.clause]]
id = "5"
text = "Robert'); DROP TABLE clauses; -- was here"

[[document.clause]]
id = "6"
text = "Nothing special: security and neutrality."

[[citation]]
from = "pact#6"
to = "pact#1"
by = ["obrien"]
quote = "100%_sure"
stance = "invokes"
"#;

/// The fixture store, built once through the library's build path.
pub fn fixture() -> &'static Path {
    static STORE: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, db) = STORE.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let corpus = dir.path().join("corpus");
        std::fs::create_dir(&corpus).expect("corpus dir");
        for (name, text) in [
            ("actors.toml", ACTORS),
            ("principles.toml", PRINCIPLES),
            ("documents.toml", DOCUMENTS),
        ] {
            std::fs::write(corpus.join(name), text).expect("write corpus");
        }
        let loaded = concord::corpus::load_dir(&corpus)
            .unwrap_or_else(|e| panic!("fixture corpus invalid: {e:?}"));
        let db = dir.path().join("fixture.db");
        concord::store::build(&loaded, Some(&corpus), &db, &mut |_, _| {}).expect("build fixture");
        (dir, db)
    });
    db
}

pub fn open() -> Engine {
    Engine::open(fixture()).expect("open fixture")
}

/// What must not change: every table's row count, the integrity check, the file's bytes.
#[derive(Debug, PartialEq)]
pub struct Snapshot {
    pub counts: Vec<(String, i64)>,
    pub integrity: String,
    pub bytes: Vec<u8>,
}

pub fn snapshot(db: &Path) -> Snapshot {
    let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY).expect("open");
    let mut st = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .expect("list tables");
    let tables: Vec<String> = st
        .query_map([], |r| r.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("names");
    let counts = tables
        .into_iter()
        .map(|t| {
            let n = conn
                .query_row(&format!("SELECT count(*) FROM \"{t}\""), [], |r| r.get(0))
                .expect("count");
            (t, n)
        })
        .collect();
    let integrity = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("integrity_check");
    drop(st);
    drop(conn);
    Snapshot {
        counts,
        integrity,
        bytes: std::fs::read(db).expect("read db"),
    }
}
