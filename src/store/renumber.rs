//! Keeping row ids across an import that rebuilds the store.
//!
//! A rebuild writes every row anew, numbered in corpus order. Before the new
//! store replaces the old one, its rows take the ids their counterparts had in
//! the old store, so that a saved `show citation 58` or a clause id kept in a
//! notebook still names the same row:
//!
//! - files by path; actors, principles and documents by slug;
//! - clauses by their document and label;
//! - relations by their ends and type;
//! - citations by everything that says what they are (the citing clause, the
//!   target, the words quoted, the method, the stance, the span, who reports
//!   it), matched within their citing document;
//!
//! a row that matches twice, the first new with the first old. A row without
//! a counterpart is numbered after the old store's last id of its table, as
//! an import in place numbers it. Every column that refers to a renumbered
//! table follows (found through the schema's `REFERENCES`), and so does the
//! full-text index, keyed by clause id.

use std::collections::{HashMap, VecDeque};
use std::path::Path;

use rusqlite::{Connection, params};

/// How the rows of a kept table find their counterparts in the old store.
enum Match {
    /// By a column that is unique in the table (its path or slug).
    Column(&'static str),
    /// By a query that inserts `(new, final)` pairs into `temp.keep_TABLE`.
    Sql(&'static str),
    /// Citations: document by document, in Rust ([`match_citations`]).
    Citations,
}

/// The tables whose `id` is kept, in the order their keys need: a clause's key
/// names its document's kept id, a citation's its clauses'.
const KEPT: &[(&str, Match)] = &[
    ("files", Match::Column("path")),
    ("actors", Match::Column("slug")),
    ("principles", Match::Column("slug")),
    ("documents", Match::Column("slug")),
    (
        "clauses",
        Match::Sql(
            "INSERT INTO temp.keep_clauses (new, final)
             SELECT n.id, o.id FROM main.clauses n
             JOIN temp.keep_documents d ON d.new = n.document_id
             JOIN old.clauses o ON o.document_id = d.final AND o.label = n.label",
        ),
    ),
    (
        "relations",
        Match::Sql(
            "INSERT INTO temp.keep_relations (new, final)
             SELECT n.id, o.id
             FROM (SELECT r.id, f.final AS a, r.type, t.final AS b,
                          row_number() OVER (PARTITION BY f.final, r.type, t.final ORDER BY r.id) AS nth
                   FROM main.relations r
                   JOIN temp.keep_documents f ON f.new = r.from_id
                   JOIN temp.keep_documents t ON t.new = r.to_id) n
             JOIN (SELECT id, from_id AS a, type, to_id AS b,
                          row_number() OVER (PARTITION BY from_id, type, to_id ORDER BY id) AS nth
                   FROM old.relations) o
               ON o.a = n.a AND o.type = n.type AND o.b = n.b AND o.nth = n.nth",
        ),
    ),
    ("citations", Match::Citations),
];

/// Gives the rows of the freshly built store on `conn` (committed, outside any
/// transaction) the ids of their counterparts in the store file `old`.
pub(super) fn keep_ids(conn: &Connection, old: &Path) -> rusqlite::Result<()> {
    // Ids are moved one table at a time, so references point nowhere in between.
    conn.pragma_update(None, "foreign_keys", false)?;
    // An absolute path, never read as a `file:` URI.
    let old = std::path::absolute(old).unwrap_or_else(|_| old.to_path_buf());
    conn.execute("ATTACH DATABASE ?1 AS old", [old.to_string_lossy()])?;
    let done = (|| -> rusqlite::Result<()> {
        conn.execute_batch("BEGIN")?;
        match_and_move(conn)?;
        conn.execute_batch("COMMIT")
    })();
    if done.is_err() {
        let _ = conn.execute_batch("ROLLBACK");
    }
    for (table, _) in KEPT {
        let _ = conn.execute_batch(&format!("DROP TABLE IF EXISTS temp.keep_{table}"));
    }
    let detached = conn.execute_batch("DETACH DATABASE old");
    done?;
    detached?;
    conn.pragma_update(None, "foreign_keys", true)
}

fn match_and_move(conn: &Connection) -> rusqlite::Result<()> {
    for (table, matched) in KEPT {
        conn.execute_batch(&format!(
            "CREATE TEMP TABLE keep_{table} (new INTEGER PRIMARY KEY, final INTEGER NOT NULL UNIQUE)"
        ))?;
        match matched {
            Match::Column(c) => conn.execute_batch(&format!(
                "INSERT INTO temp.keep_{table} (new, final)
                 SELECT n.id, o.id FROM main.{table} n JOIN old.{table} o ON o.{c} = n.{c}"
            ))?,
            Match::Sql(sql) => conn.execute_batch(sql)?,
            Match::Citations => match_citations(conn)?,
        }
        // The rest come after the old store's last row, in the order the rebuild gave them.
        conn.execute_batch(&format!(
            "INSERT INTO temp.keep_{table} (new, final)
             SELECT n.id, (SELECT ifnull(max(id), 0) FROM old.{table}) + row_number() OVER (ORDER BY n.id)
             FROM main.{table} n WHERE n.id NOT IN (SELECT new FROM temp.keep_{table})"
        ))?;
    }
    let mut changed: HashMap<&str, i64> = HashMap::new();
    for (table, _) in KEPT {
        let n: i64 = conn.query_row(
            &format!("SELECT count(*) FROM temp.keep_{table} WHERE new <> final"),
            [],
            |r| r.get(0),
        )?;
        if n > 0 {
            changed.insert(table, n);
        }
    }
    if changed.is_empty() {
        return Ok(());
    }
    // The full-text index is keyed by clause id: the moved clauses leave it and come back
    // under their kept ids, or, when most move, it is written again whole (one reading of
    // each text instead of two).
    let clauses_moved = changed.get("clauses").copied().unwrap_or(0);
    let reindex = clauses_moved > 0 && {
        let all: i64 = conn.query_row("SELECT count(*) FROM main.clauses", [], |r| r.get(0))?;
        2 * clauses_moved > all
    };
    if clauses_moved > 0 && !reindex {
        conn.execute_batch(
            "INSERT INTO main.clauses_fts (clauses_fts, rowid, text)
             SELECT 'delete', c.id, c.text FROM main.clauses c
             JOIN temp.keep_clauses k ON k.new = c.id WHERE k.new <> k.final",
        )?;
    }
    // Table by table, every column that holds a moved id at once: out of the way first (ids
    // are positive), then to the kept ids. No row takes an id another row still holds, since
    // the kept id of a row that does not move is its own.
    let mut columns: Vec<(String, String, &str)> = KEPT
        .iter()
        .map(|(t, _)| ((*t).to_string(), "id".to_string(), *t))
        .collect();
    for (t, c, to) in references(conn)? {
        if let Some((kept, _)) = KEPT.iter().find(|k| k.0 == to) {
            columns.push((t, c, kept));
        }
    }
    columns.retain(|c| changed.contains_key(c.2));
    columns.sort();
    for cols in columns.chunk_by(|a, b| a.0 == b.0) {
        let t = &cols[0].0;
        let moving = |(_, c, kept): &(String, String, &str)| {
            format!("\"{c}\" IN (SELECT new FROM temp.keep_{kept} WHERE new <> final)")
        };
        let out_of_way: Vec<String> = cols
            .iter()
            .map(|col| {
                format!(
                    "\"{c}\" = CASE WHEN {} THEN -\"{c}\" ELSE \"{c}\" END",
                    moving(col),
                    c = col.1
                )
            })
            .collect();
        let any_moving: Vec<String> = cols.iter().map(moving).collect();
        let to_kept: Vec<String> = cols
            .iter()
            .map(|(_, c, kept)| {
                format!(
                    "\"{c}\" = CASE WHEN \"{c}\" < 0 THEN \
                     (SELECT final FROM temp.keep_{kept} WHERE new = -\"{t}\".\"{c}\") ELSE \"{c}\" END"
                )
            })
            .collect();
        let any_out: Vec<String> = cols
            .iter()
            .map(|(_, c, _)| format!("\"{c}\" < 0"))
            .collect();
        conn.execute_batch(&format!(
            "UPDATE main.\"{t}\" SET {} WHERE {};
             UPDATE main.\"{t}\" SET {} WHERE {};",
            out_of_way.join(", "),
            any_moving.join(" OR "),
            to_kept.join(", "),
            any_out.join(" OR "),
        ))?;
    }
    if changed.contains_key("files") {
        rechecksum(conn)?;
    }
    if reindex {
        conn.execute_batch("INSERT INTO main.clauses_fts (clauses_fts) VALUES ('rebuild')")?;
    } else if clauses_moved > 0 {
        conn.execute_batch(
            "INSERT INTO main.clauses_fts (rowid, text)
             SELECT c.id, c.text FROM main.clauses c
             JOIN temp.keep_clauses k ON k.final = c.id WHERE k.new <> k.final",
        )?;
    }
    if clauses_moved > 0 {
        conn.execute_batch("INSERT INTO main.clauses_fts (clauses_fts) VALUES ('optimize')")?;
    }
    Ok(())
}

/// The sources' checksums follow `files.id` order: written again in the kept order.
fn rechecksum(conn: &Connection) -> rusqlite::Result<()> {
    let mut st = conn.prepare("SELECT content FROM main.files ORDER BY id")?;
    let contents: Vec<String> = st.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
    conn.execute(
        "UPDATE main.meta SET value = ?1 WHERE key = ?2",
        params![
            super::check::checksums(contents.iter().map(String::as_str)),
            super::check::CHECKSUMS_KEY
        ],
    )?;
    Ok(())
}

/// Every column of the store that refers to another table: `(table, column, referred table)`.
fn references(conn: &Connection) -> rusqlite::Result<Vec<(String, String, String)>> {
    let tables: Vec<String> = conn
        .prepare(
            "SELECT name FROM main.sqlite_master WHERE type = 'table'
               AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'clauses_fts%' ORDER BY name",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut out = Vec::new();
    for t in tables {
        let mut st = conn.prepare("SELECT \"from\", \"table\" FROM pragma_foreign_key_list(?1)")?;
        for r in st.query_map([&t], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })? {
            let (column, referred) = r?;
            out.push((t.clone(), column, referred));
        }
    }
    Ok(out)
}

/// What a citation is: its citing clause, its target (document, clause, principle, label,
/// name), quotation, method, stance, span and reporting document.
type Key = (
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    String,
    Option<i64>,
    Option<i64>,
    i64,
);

/// Matches citations document by document: those of a document both stores hold,
/// by what they are, in id order.
fn match_citations(conn: &Connection) -> rusqlite::Result<()> {
    let mut documents = conn.prepare(
        "SELECT new, final FROM temp.keep_documents
         WHERE final IN (SELECT id FROM old.documents) ORDER BY new",
    )?;
    let pairs: Vec<(i64, i64)> = documents
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    // The new store's ids given as the old store's, where it has them.
    let mut new = conn.prepare(
        "SELECT c.id, fc.final, td.final, tc.final, tp.final, c.to_label, c.to_name, c.quote,
                c.method, c.stance, c.span_start, c.span_end, sd.final
         FROM main.citations c
         LEFT JOIN temp.keep_clauses fc ON fc.new = c.from_clause_id
         LEFT JOIN temp.keep_documents td ON td.new = c.to_document_id
         LEFT JOIN temp.keep_clauses tc ON tc.new = c.to_clause_id
         LEFT JOIN temp.keep_principles tp ON tp.new = c.to_principle_id
         LEFT JOIN temp.keep_documents sd ON sd.new = c.source_document_id
         WHERE c.from_document_id = ?1 ORDER BY c.id",
    )?;
    let mut old = conn.prepare(
        "SELECT id, from_clause_id, to_document_id, to_clause_id, to_principle_id, to_label,
                to_name, quote, method, stance, span_start, span_end, source_document_id
         FROM old.citations WHERE from_document_id = ?1 ORDER BY id",
    )?;
    let mut keep = conn.prepare("INSERT INTO temp.keep_citations (new, final) VALUES (?1, ?2)")?;
    let row = |r: &rusqlite::Row<'_>| -> rusqlite::Result<(i64, Key)> {
        let key = (
            r.get(1)?,
            r.get(2)?,
            r.get(3)?,
            r.get(4)?,
            r.get(5)?,
            r.get(6)?,
            r.get(7)?,
            r.get(8)?,
            r.get(9)?,
            r.get(10)?,
            r.get(11)?,
            r.get(12)?,
        );
        Ok((r.get(0)?, key))
    };
    for (n, o) in pairs {
        let mut olds: HashMap<Key, VecDeque<i64>> = HashMap::new();
        for r in old.query_map([o], row)? {
            let (id, key) = r?;
            olds.entry(key).or_default().push_back(id);
        }
        if olds.is_empty() {
            continue;
        }
        for r in new.query_map([n], row)? {
            let (id, key) = r?;
            if let Some(kept) = olds.get_mut(&key).and_then(|ids| ids.pop_front()) {
                keep.execute(params![id, kept])?;
            }
        }
    }
    Ok(())
}
