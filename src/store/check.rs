//! Checking a store: what SQLite can tell (its b-trees, indexes, foreign
//! keys, the full-text index) and what only concord knows (the stored
//! summaries agree with the rows they summarise, the derived tables with the
//! citations, the sources with their checksums).
//!
//! [`verify`] does all of it (`concord check --db`); [`on_open`] does what is
//! cheap enough for every open; [`before_import`] what an import relies on.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use rusqlite::{Connection, OptionalExtension};

use super::{StoreError, check_header, sqlite_err};

/// The `meta` key of the sources' checksums: one FNV-1a 64-bit hash (16 hex
/// digits) of each file's content, in `files.id` order, space-separated.
pub(crate) const CHECKSUMS_KEY: &str = "files_fnv1a64";

/// FNV-1a, 64 bits: enough to catch damage (not meant against forgery).
pub(crate) fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The checksums value for `contents`, in order.
pub(crate) fn checksums<'a>(contents: impl Iterator<Item = &'a str>) -> String {
    contents
        .map(|c| format!("{:016x}", fnv1a64(c.as_bytes())))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Tables and views a store of this version has (from `schema/*.sql`).
const EXPECTED: &[&str] = &[
    "meta",
    "files",
    "actors",
    "documents",
    "clauses",
    "citations",
    "principles",
    "clauses_fts",
    "actor_cited_clauses",
    "actor_cited_principles",
    "actor_citation_counts",
];

/// Stores up to this size get a full `PRAGMA quick_check` on every open.
/// Its cost grows with the file: 2 ms for the example store (1 MB), but
/// 0.7–1.4 s for a generated store of 2,000 documents (63 MB) in a debug
/// build (0.16 s in the sqlite3 shell), against 15 ms for opening it and
/// counting its documents. Bigger stores get the header and schema checks
/// on open, and the full check from `concord check --db` (and from every
/// import, which must not rebuild from damaged sources).
pub(crate) const QUICK_CHECK_ON_OPEN_BYTES: u64 = 4 << 20;

/// Checks made on every open, after the header ([`super::file::inspect`] and
/// [`check_header`]): the schema can be read and has concord's tables, and
/// a store of up to [`QUICK_CHECK_ON_OPEN_BYTES`] passes `quick_check`.
pub(crate) fn on_open(conn: &Connection, path: &Path) -> Result<(), StoreError> {
    has_tables(conn, path)?;
    let small = std::fs::metadata(path).is_ok_and(|m| m.len() <= QUICK_CHECK_ON_OPEN_BYTES);
    if small {
        quick_check_on_open(conn, path)?;
    }
    Ok(())
}

/// The schema can be read and has concord's tables.
fn has_tables(conn: &Connection, path: &Path) -> Result<(), StoreError> {
    let names: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")
        .and_then(|mut st| st.query_map([], |r| r.get(0))?.collect())
        .map_err(|e| sqlite_err(path, e))?;
    if let Some(missing) = EXPECTED.iter().find(|t| !names.iter().any(|n| n == *t)) {
        return Err(StoreError::Damaged(
            path.to_path_buf(),
            format!("it has no table `{missing}`"),
        ));
    }
    Ok(())
}

fn quick_check_on_open(conn: &Connection, path: &Path) -> Result<(), StoreError> {
    {
        match pragma_lines(conn, "PRAGMA quick_check(5)") {
            Ok(lines) if lines == ["ok"] => {}
            Ok(lines) => {
                return Err(StoreError::Damaged(
                    path.to_path_buf(),
                    format!("SQLite's quick_check: {}", lines.join("; ")),
                ));
            }
            Err(e) => {
                return Err(StoreError::Damaged(
                    path.to_path_buf(),
                    format!("SQLite's quick_check: {e}"),
                ));
            }
        }
    }
    Ok(())
}

/// What an import reads from a store must be sound: `PRAGMA quick_check`
/// passes and every source file matches its checksum. Run on the
/// connection the import reads from, inside its transaction.
pub(crate) fn before_import(conn: &Connection, path: &Path) -> Result<(), StoreError> {
    let corrupt = |problem: String| StoreError::Corrupt {
        path: path.to_path_buf(),
        problem,
    };
    let quick = pragma_lines(conn, "PRAGMA quick_check(20)");
    match quick {
        Ok(lines) if lines == ["ok"] => {}
        Ok(lines) => return Err(corrupt(format!("quick_check: {}", lines.join("; ")))),
        Err(e) => return Err(corrupt(format!("quick_check: {e}"))),
    }
    if let Some(p) = source_problems(conn)
        .map_err(|e| corrupt(e.to_string()))?
        .into_iter()
        .next()
    {
        return Err(corrupt(p));
    }
    Ok(())
}

/// The store size up to which an import in place checks as a rebuild does
/// (`quick_check`, and every stored file against its checksum): both read the
/// whole file (about 0.1 s per 40 MB here), which would cost an import into a
/// large store more than its own work. (A rebuild always runs them: it carries
/// every stored source into the new file.)
pub(crate) const QUICK_CHECK_IN_PLACE_BYTES: u64 = 64 << 20;

/// What an import in place checks before it writes: on a store of at most
/// [`QUICK_CHECK_IN_PLACE_BYTES`], everything a rebuild checks; on a larger
/// one, the checksums of the stored files it replaces, and that every stored
/// file has one. A page damaged
/// elsewhere is not read by the import (SQLite refuses one it does read);
/// `concord check --db` reads everything.
pub(crate) fn before_in_place(
    conn: &Connection,
    path: &Path,
    replaced: &[i64],
) -> Result<(), StoreError> {
    let corrupt = |problem: String| StoreError::Corrupt {
        path: path.to_path_buf(),
        problem,
    };
    let size = std::fs::metadata(path).map_or(0, |m| m.len());
    if size <= QUICK_CHECK_IN_PLACE_BYTES {
        return before_import(conn, path);
    }
    let problem = (|| -> rusqlite::Result<Option<String>> {
        let Some(want) = stored_checksums(conn)? else {
            return Ok(None);
        };
        let files: i64 = conn.query_row("SELECT count(*) FROM files", [], |r| r.get(0))?;
        if files as usize != want.len() {
            return Ok(Some(format!(
                "{} source files but {} checksums: rows were added or lost",
                files,
                want.len()
            )));
        }
        let mut st = conn.prepare("SELECT path, content FROM files WHERE id = ?1")?;
        for &id in replaced {
            let (p, content): (String, Vec<u8>) = st.query_row([id], |r| {
                let bytes = match r.get_ref(1)? {
                    rusqlite::types::ValueRef::Text(t) | rusqlite::types::ValueRef::Blob(t) => {
                        t.to_vec()
                    }
                    _ => Vec::new(),
                };
                Ok((r.get(0)?, bytes))
            })?;
            let got = format!("{:016x}", fnv1a64(&content));
            if want.get(id as usize - 1) != Some(&got) {
                return Ok(Some(format!(
                    "source file {p} (files row {id}) does not match its checksum"
                )));
            }
        }
        Ok(None)
    })()
    .map_err(|e| corrupt(e.to_string()))?;
    match problem {
        Some(p) => Err(corrupt(p)),
        None => Ok(()),
    }
}

fn pragma_lines(conn: &Connection, sql: &str) -> rusqlite::Result<Vec<String>> {
    let mut st = conn.prepare(sql)?;
    let n = st.column_count();
    st.query_map([], |r| {
        let mut parts = Vec::new();
        for i in 0..n {
            let v: rusqlite::types::Value = r.get(i)?;
            parts.push(match v {
                rusqlite::types::Value::Null => "NULL".to_string(),
                rusqlite::types::Value::Integer(i) => i.to_string(),
                rusqlite::types::Value::Real(f) => f.to_string(),
                rusqlite::types::Value::Text(t) => t,
                rusqlite::types::Value::Blob(b) => format!("<{} bytes>", b.len()),
            });
        }
        Ok(parts.join(" "))
    })?
    .collect::<rusqlite::Result<Vec<String>>>()
    .map(|lines| {
        // integrity_check puts several problems in one value, one a line,
        // after a header naming the database.
        lines
            .iter()
            .flat_map(|l| l.lines())
            .filter(|l| !l.starts_with("*** in database"))
            .map(str::to_string)
            .collect()
    })
}

/// The checksums of the stored files, in `files.id` order (`None`: the store
/// records none, a store of an earlier build of this version).
pub(crate) fn stored_checksums(conn: &Connection) -> rusqlite::Result<Option<Vec<String>>> {
    let stored: Option<String> = conn
        .query_row(
            "SELECT value FROM meta WHERE key = ?1",
            [CHECKSUMS_KEY],
            |r| r.get(0),
        )
        .optional()?;
    Ok(stored.map(|v| {
        v.split(' ')
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect()
    }))
}

/// Source files that do not match their checksums (none when the store
/// records no checksums: a store of an earlier build of this version).
fn source_problems(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let Some(want) = stored_checksums(conn)? else {
        return Ok(Vec::new());
    };
    let mut st = conn.prepare("SELECT id, path, content FROM files ORDER BY id")?;
    let mut rows = st.query([])?;
    let mut out = Vec::new();
    let mut n = 0usize;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let path: String = r.get(1)?;
        // Read as bytes: a damaged value may no longer be UTF-8.
        let content = match r.get_ref(2)? {
            rusqlite::types::ValueRef::Text(t) | rusqlite::types::ValueRef::Blob(t) => t.to_vec(),
            _ => Vec::new(),
        };
        let got = format!("{:016x}", fnv1a64(&content));
        match want.get(n) {
            Some(w) if *w == got => {}
            Some(_) => out.push(format!(
                "source file {path} (files row {id}) does not match its checksum"
            )),
            None => out.push(format!(
                "source file {path} (files row {id}) has no checksum: a row was added"
            )),
        }
        n += 1;
    }
    if n < want.len() {
        out.push(format!(
            "{} source file(s) have checksums but no row in `files`: rows were lost",
            want.len() - n
        ));
    }
    Ok(out)
}

/// Every problem found in the store at `path` (an empty list: it is sound).
/// Errors only when the file cannot be opened as a concord store at all.
pub fn verify(path: &Path) -> Result<Vec<String>, StoreError> {
    // A store in PostgreSQL is checked on a copy in SQLite, which holds every row as the
    // server does (PostgreSQL keeps its own pages, indexes and foreign keys sound), and its
    // tables, columns and search indexes on the server.
    let url = path.to_str().filter(|_| super::is_database_url(path));
    let conn = match url {
        Some(url) => super::postgres::snapshot(url)?,
        None => super::open_reading(path)?,
    };
    let server = match url {
        Some(url) => super::postgres::server_problems(url, &conn)?,
        None => Vec::new(),
    };
    check_header(&conn, path)?;
    // Not `on_open`: its quick_check would stop at the first damage, where
    // integrity_check below lists it all.
    has_tables(&conn, path)?;
    let mut problems = server;
    let mut sql = |label: &str, q: &str, ok_when_empty: bool| match pragma_lines(&conn, q) {
        Ok(lines) if ok_when_empty && lines.is_empty() => {}
        Ok(lines) if !ok_when_empty && lines == ["ok"] => {}
        Ok(lines) => problems.extend(lines.into_iter().map(|l| format!("{label}: {l}"))),
        Err(e) => problems.push(format!("{label}: {e}")),
    };
    // integrity_check rather than quick_check: it also compares every index
    // with its table (a damaged index entry answers `order by` wrongly).
    sql("integrity_check", "PRAGMA integrity_check(100)", false);
    sql("foreign_key_check", "PRAGMA foreign_key_check", true);
    let mut own = |label: &str, r: rusqlite::Result<Vec<String>>| match r {
        Ok(v) => problems.extend(v),
        Err(e) => problems.push(format!("{label}: cannot be read: {e}")),
    };
    own("files", source_problems(&conn));
    own("citations", refs(&conn));
    own("lists", lists(&conn));
    own("copy", on_a_copy(&conn));
    Ok(problems)
}

/// Rows listed by `sql` (the first column names the row), each a problem.
fn listed(conn: &Connection, sql: &str, what: &str) -> rusqlite::Result<Vec<String>> {
    let mut st = conn.prepare(sql)?;
    let rows = st.query_map([], |r| {
        let id: i64 = r.get(0)?;
        let stored: Option<String> = r.get(1)?;
        let want: Option<String> = r.get(2)?;
        Ok(format!(
            "{what} of row {id} is {}, but its rows say {}",
            shown(stored.as_deref()),
            shown(want.as_deref())
        ))
    })?;
    rows.take(100).collect()
}

fn shown(v: Option<&str>) -> String {
    v.map_or_else(|| "NULL".to_string(), |s| format!("`{s}`"))
}

/// The citations' `from_ref` and `to_ref` name the rows their ids point to.
fn refs(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let from = "SELECT ci.id, ci.from_ref, CASE WHEN ci.from_clause_id IS NOT NULL THEN \
          (SELECT d.slug || '#' || c.label FROM clauses c JOIN documents d ON d.id = c.document_id WHERE c.id = ci.from_clause_id) \
          ELSE (SELECT slug FROM documents WHERE id = ci.from_document_id) END AS want \
        FROM citations ci WHERE want IS NOT ci.from_ref ORDER BY ci.id";
    let to = "SELECT ci.id, ci.to_ref, CASE \
          WHEN ci.to_clause_id IS NOT NULL THEN \
            (SELECT d.slug || '#' || c.label FROM clauses c JOIN documents d ON d.id = c.document_id WHERE c.id = ci.to_clause_id) \
          WHEN ci.to_document_id IS NOT NULL AND ci.to_label IS NOT NULL THEN \
            (SELECT slug FROM documents WHERE id = ci.to_document_id) || '#' || ci.to_label \
          WHEN ci.to_document_id IS NOT NULL THEN (SELECT slug FROM documents WHERE id = ci.to_document_id) \
          WHEN ci.to_principle_id IS NOT NULL THEN (SELECT slug FROM principles WHERE id = ci.to_principle_id) \
          END AS want \
        FROM citations ci WHERE want IS NOT ci.to_ref ORDER BY ci.id";
    let mut out = listed(conn, from, "citations.from_ref")?;
    out.extend(listed(conn, to, "citations.to_ref")?);
    Ok(out)
}

/// `citations.by_list` and `clauses.principle_list` list the slugs of the
/// rows they summarise, sorted, each once, `, `-joined (NULL for none).
fn lists(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut out = Vec::new();
    let cases = [
        (
            "citations.by_list",
            "SELECT id, by_list FROM citations ORDER BY id",
            "SELECT ca.citation_id, a.slug FROM citation_actors ca JOIN actors a ON a.id = ca.actor_id",
        ),
        (
            "clauses.principle_list",
            "SELECT id, principle_list FROM clauses ORDER BY id",
            "SELECT cp.clause_id, p.slug FROM clause_principles cp JOIN principles p ON p.id = cp.principle_id",
        ),
    ];
    for (what, stored, members) in cases {
        let mut want: BTreeMap<i64, Vec<String>> = BTreeMap::new();
        let mut st = conn.prepare(members)?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            want.entry(r.get(0)?).or_default().push(r.get(1)?);
        }
        let mut st = conn.prepare(stored)?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            let got: Option<String> = r.get(1)?;
            let expected = want.remove(&id).map(|mut v| {
                v.sort_unstable();
                v.dedup();
                v.join(", ")
            });
            if got != expected && out.len() < 100 {
                out.push(format!(
                    "{what} of row {id} is {}, but its rows say {}",
                    shown(got.as_deref()),
                    shown(expected.as_deref())
                ));
            }
        }
        for id in want.keys().take(10) {
            out.push(format!("{what}: rows name row {id}, which does not exist"));
        }
    }
    Ok(out)
}

/// The derived tables and the full-text index, checked on an in-memory
/// copy (page for page, through SQLite's backup): the derived tables are
/// filled again from the citations and compared, and FTS5's own
/// `integrity-check` (a write statement) runs there.
fn on_a_copy(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut copy = Connection::open_in_memory()?;
    {
        let b = rusqlite::backup::Backup::new(conn, &mut copy)?;
        b.run_to_completion(1024, std::time::Duration::ZERO, None)?;
    }
    let mut out = Vec::new();
    if let Err(e) = copy.execute(
        // rank 1: also compare the index with its content table, `clauses`.
        "INSERT INTO clauses_fts (clauses_fts, rank) VALUES ('integrity-check', 1)",
        [],
    ) {
        out.push(format!(
            "full-text index clauses_fts does not agree with clauses: {e}"
        ));
    }
    let derived = [
        "actor_cited_clauses",
        "actor_cited_principles",
        "actor_citation_counts",
    ];
    let tx = copy.transaction()?;
    let mut before = Vec::new();
    for t in derived {
        before.push(table_rows(&tx, t)?);
        tx.execute(&format!("DELETE FROM {t}"), [])?;
    }
    tx.execute_batch(super::DERIVE)?;
    for (t, old) in derived.iter().zip(before) {
        let new = table_rows(&tx, t)?;
        if new != old {
            let (old_set, new_set): (BTreeSet<&String>, BTreeSet<&String>) =
                (old.iter().collect(), new.iter().collect());
            let extra = old_set.difference(&new_set).count();
            let missing = new_set.difference(&old_set).count();
            out.push(format!(
                "derived table {t} does not agree with the citations: {extra} row(s) that should not be there, {missing} missing"
            ));
        }
    }
    tx.rollback()?;
    Ok(out)
}

fn table_rows(conn: &Connection, table: &str) -> rusqlite::Result<Vec<String>> {
    pragma_lines(conn, &format!("SELECT * FROM {table} ORDER BY 1, 2"))
}
