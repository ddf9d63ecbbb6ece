//! The code paths of the fuzz targets, shared by `fuzz/fuzz_targets/*.rs`
//! (run by `cargo fuzz`) and by `tests/fuzz_replay.rs` (which replays the
//! seeds and the saved crashes on stable Rust, without cargo fuzz).
//!
//! Each function takes the raw bytes of one input and must never panic.
#![allow(dead_code)]

use std::cell::RefCell;

use concord::corpus::{self, SourceFile};
use concord::engine::{Engine, Prepared};
use concord::resolve::Env;

thread_local! {
    /// The built-in example, built once (a fuzzer runs on one thread).
    static ENGINE: RefCell<Engine> =
        RefCell::new(Engine::example().expect("the built-in example builds"));

    /// The finder over the built-in example's documents, principles and clause texts.
    static FINDER: concord::cite::Finder = concord::cite::Finder::new(&example_catalog());
}

/// `query`: arbitrary UTF-8 → parse (as a script and as one query) → resolve
/// and compile against the built-in example → prepare the SQL on its store.
pub fn query(data: &[u8]) {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    ENGINE.with(|engine| {
        let mut engine = engine.borrow_mut();
        // One query, as `concord query` and `-c` compile it.
        if let Ok(sql) = engine.compile(src) {
            engine
                .store()
                .sqlite_connection()
                .expect("the example is a SQLite store")
                .prepare(&sql.text)
                .unwrap_or_else(|e| panic!("generated SQL does not prepare: {e}\n{}", sql.text));
        }
        // A script, as `concord run` and the shell run it: every statement
        // resolved (show cards, explain plans, let) in a fresh session.
        if let Ok(statements) = Engine::parse(src) {
            engine.env = Env::default();
            for stmt in &statements {
                if let Ok(Prepared::Query { sql, .. }) = engine.prepare(stmt) {
                    engine
                        .store()
                        .sqlite_connection()
                        .expect("the example is a SQLite store")
                        .prepare(&sql.text)
                        .unwrap_or_else(|e| {
                            panic!("generated SQL does not prepare: {e}\n{}", sql.text)
                        });
                }
            }
            engine.env = Env::default();
        }
    });
}

/// The extension of a fuzzed file, from the first byte of its part.
const EXTENSIONS: [&str; 4] = ["toml", "json", "txt", "md"];

/// Splits fuzz bytes into corpus files: parts separated by a NUL byte (at
/// most 8); the first byte of a part chooses the extension (`'0'` toml, `'1'`
/// json, `'2'` txt, `'3'` md: byte % 4), the rest is the content, decoded
/// lossily (invalid UTF-8 is refused by the reader, before `load`).
pub fn corpus_files(data: &[u8]) -> Vec<SourceFile> {
    data.split(|&b| b == 0)
        .take(8)
        .enumerate()
        .filter(|(_, part)| !part.is_empty())
        .map(|(i, part)| SourceFile {
            path: format!("f{i}.{}", EXTENSIONS[(part[0] % 4) as usize]),
            content: String::from_utf8_lossy(&part[1..]).into_owned(),
        })
        .collect()
}

/// `corpus`: arbitrary bytes → a few `.toml`/`.json`/`.txt`/`.md` files →
/// `corpus::load`; a corpus that loads is also built into an in-memory store
/// (records written, citations found), as `concord build` does.
pub fn corpus(data: &[u8]) {
    let files = corpus_files(data);
    for f in &files {
        // The readers on their own, as `load` calls them per extension.
        if f.path.ends_with(".toml") {
            let _ = corpus::node::parse_toml(&f.content);
        } else if f.path.ends_with(".json") {
            let _ = corpus::node::parse_json(&f.content);
        } else {
            let _ = corpus::cut::cut(&f.content);
        }
    }
    match corpus::load(files) {
        Ok(c) => {
            concord::store::build_in_memory(&c).expect("a loaded corpus builds");
        }
        Err(errors) => {
            // Every problem renders (with its source line) without panicking.
            for e in &errors {
                let _ = e.to_string();
            }
        }
    }
}

/// `cite`: arbitrary text → `Finder::find` over the example's catalog, as the
/// citing document of each kind (a statement, the charter itself, unknown).
pub fn cite(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    FINDER.with(|finder| {
        for citing in ["lavrov-2022-01-27", "istanbul-charter", "no-such-document"] {
            for f in finder.find(citing, &text) {
                // Spans are character offsets into the text.
                let n = text.chars().count();
                assert!(
                    f.span.0 <= f.span.1 && f.span.1 <= n,
                    "span {:?} outside a text of {n} characters",
                    f.span
                );
            }
        }
    });
}

/// The finder's catalog of the built-in example, with clause texts (the
/// quotation sources of the default in-memory index).
pub fn example_catalog() -> concord::cite::Catalog {
    ENGINE.with(|engine| {
        let engine = engine.borrow();
        let conn = engine
            .store()
            .sqlite_connection()
            .expect("the example is a SQLite store");
        let mut catalog =
            concord::store::cite::catalog_of_store(conn).expect("the example's catalog");
        let mut st = conn
            .prepare(
                "SELECT d.slug, c.label, c.text FROM clauses c JOIN documents d ON d.id = c.document_id
                 ORDER BY c.document_id, c.position",
            )
            .expect("clause texts");
        let rows = st
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })
            .expect("clause texts")
            .collect::<Result<Vec<_>, _>>()
            .expect("clause texts");
        for (doc, label, text) in rows {
            if let Some(d) = catalog.documents.iter_mut().find(|d| d.id == doc)
                && let Some(c) = d.clauses.iter_mut().find(|c| c.label == label)
            {
                c.text = text;
            }
        }
        catalog
    })
}
