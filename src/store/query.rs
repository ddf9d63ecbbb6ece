//! Reading a store: the catalog of names, clause checks, and running
//! generated SQL row by row.

use std::collections::{BTreeMap, HashMap};
use std::ops::ControlFlow;

use super::{Store, StoreError, sqlite_err};
use crate::resolve::catalog::{Catalog, Entry, Kind};
use crate::resolve::plan::Field;
use crate::resolve::{Clauses, FullText};
use crate::sql::{Param, Sql};

/// One value of a result row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    /// The values of a many-valued field (shown `, `-joined; a JSON array).
    List(Vec<String>),
}

impl Cell {
    /// The cell as display text (`NULL` is the caller's to show).
    pub fn as_text(&self) -> Option<std::borrow::Cow<'_, str>> {
        match self {
            Cell::Null => None,
            Cell::Int(i) => Some(i.to_string().into()),
            Cell::Real(r) => Some(format_real(*r).into()),
            Cell::Text(s) => Some(s.as_str().into()),
            // No value reads as NULL does (in JSON it is `[]`).
            Cell::List(v) if v.is_empty() => None,
            Cell::List(v) => Some(v.join(", ").into()),
        }
    }
}

/// Reals print without noise: `0.95`, `1.0`.
pub fn format_real(r: f64) -> String {
    if r.fract() == 0.0 && r.abs() < 1e15 {
        format!("{r:.1}")
    } else {
        format!("{r}")
    }
}

/// A whole result held in memory (small results, tests, `show`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Rows {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// Names looked up by one statement (each is a bound parameter, read twice).
const NAMES_PER_LOOKUP: usize = 200;

/// One statement that finds what `n` folded names (`?1` to `?n`) denote:
/// rows of (kind: 0 actor, 1 document, 2 principle; row id; slug; name;
/// detail; the name's key), through the indexes on `slug` and on the
/// aliases' `folded` column. One statement rather than three a name: each
/// statement is compiled when first run with its values, so that one
/// statement for all names costs one compilation.
fn names_lookup(n: usize) -> String {
    let list = (1..=n)
        .map(|i| format!("?{i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let parts = [
        (0, "actors", "t.name", "t.kind", "actor_aliases", "actor_id"),
        (
            1,
            "documents",
            "t.title",
            "t.kind",
            "document_aliases",
            "document_id",
        ),
        (
            2,
            "principles",
            "t.name",
            "''",
            "principle_aliases",
            "principle_id",
        ),
    ];
    parts
        .iter()
        .map(|(k, table, name, detail, aliases, owner)| {
            format!(
                "SELECT {k}, t.id, t.slug, {name}, {detail}, t.slug FROM {table} t WHERE t.slug IN ({list}) \
                 UNION ALL SELECT {k}, t.id, t.slug, {name}, {detail}, x.folded FROM {aliases} x \
                 JOIN {table} t ON t.id = x.{owner} WHERE x.folded IN ({list})"
            )
        })
        .collect::<Vec<_>>()
        .join(" UNION ALL ")
}

impl Store {
    /// Loads every name of the store (actors, documents, principles, aliases, relation types).
    pub fn catalog(&self) -> Result<Catalog, StoreError> {
        let entries = |sql: &str| -> Result<Vec<Entry>, StoreError> {
            Ok(self
                .rows_of(sql, &[])?
                .into_iter()
                .map(|r| Entry {
                    id: text(&r[0]),
                    name: text(&r[1]),
                    detail: text(&r[2]),
                })
                .collect())
        };
        let actors = entries("SELECT slug, name, kind FROM actors ORDER BY id")?;
        let documents = entries("SELECT slug, title, kind FROM documents ORDER BY id")?;
        let principles = entries("SELECT slug, name, '' FROM principles ORDER BY id")?;
        let mut aliases = Vec::new();
        for (kind, sql) in [
            (
                Kind::Actor,
                "SELECT a.slug, x.alias FROM actor_aliases x JOIN actors a ON a.id = x.actor_id",
            ),
            (
                Kind::Document,
                "SELECT d.slug, x.alias FROM document_aliases x JOIN documents d ON d.id = x.document_id",
            ),
            (
                Kind::Principle,
                "SELECT p.slug, x.alias FROM principle_aliases x JOIN principles p ON p.id = x.principle_id",
            ),
        ] {
            for r in self.rows_of(sql, &[])? {
                aliases.push((kind, text(&r[0]), text(&r[1])));
            }
        }
        let types = self.relation_types()?;
        Ok(Catalog::new(actors, documents, principles, aliases, types))
    }

    /// The part of the catalog that `names` denote: the actors, documents and
    /// principles whose id (a slug is its own folded form), name or alias folds
    /// to one of them, read through the indexes on `slug` and on the aliases'
    /// `folded` column, plus the relation types. Every entry a name denotes is
    /// in it, so the resolver sees the same hits (and ambiguities) as with the
    /// whole catalog; the names of a statement are few, a store's may be
    /// hundreds of thousands.
    pub fn catalog_of_names(&self, names: &[String]) -> Result<Catalog, StoreError> {
        let keyed: Vec<(String, &String)> = names
            .iter()
            .map(|n| (crate::fold::name_key(n), n))
            .filter(|(k, _)| !k.is_empty())
            .collect();
        let mut keys: Vec<&str> = keyed.iter().map(|(k, _)| k.as_str()).collect();
        keys.sort_unstable();
        keys.dedup();
        // (kind, key) -> the entries it denotes, by row id.
        let mut hits: HashMap<(usize, String), BTreeMap<i64, Entry>> = HashMap::new();
        for chunk in keys.chunks(NAMES_PER_LOOKUP) {
            let params: Vec<Param> = chunk.iter().map(|k| Param::Text(k.to_string())).collect();
            for r in self.rows_of(&names_lookup(chunk.len()), &params)? {
                let entry = Entry {
                    id: text(&r[2]),
                    name: text(&r[3]),
                    detail: text(&r[4]),
                };
                hits.entry((int(&r[0]) as usize, text(&r[5])))
                    .or_default()
                    .insert(int(&r[1]), entry);
            }
        }
        let mut found: [BTreeMap<i64, Entry>; 3] = Default::default();
        let mut aliases = Vec::new();
        for (key, name) in &keyed {
            for (i, kind) in [Kind::Actor, Kind::Document, Kind::Principle]
                .into_iter()
                .enumerate()
            {
                for (id, entry) in hits.get(&(i, key.clone())).into_iter().flatten() {
                    aliases.push((kind, entry.id.clone(), (*name).clone()));
                    found[i].entry(*id).or_insert_with(|| entry.clone());
                }
            }
        }
        // In store order, as the whole catalog has them.
        let [actors, documents, principles] = found.map(|m| m.into_values().collect::<Vec<_>>());
        Ok(Catalog::new(
            actors,
            documents,
            principles,
            aliases,
            self.relation_types()?,
        ))
    }

    fn relation_types(&self) -> Result<Vec<String>, StoreError> {
        Ok(self
            .rows_of("SELECT DISTINCT type FROM relations ORDER BY type", &[])?
            .iter()
            .map(|r| text(&r[0]))
            .collect())
    }

    /// Runs `sql`, calling `row` with each result row until it says stop.
    pub fn run(
        &self,
        sql: &Sql,
        row: impl FnMut(Vec<Cell>) -> ControlFlow<()>,
    ) -> Result<(), StoreError> {
        within_limits(sql)?;
        self.select_native(&sql.text, &sql.params, &sql.lists, row)
            .map_err(|e| self.query_err(e))?;
        Ok(())
    }

    /// Runs `sql` and collects every row.
    pub fn rows(&self, sql: &Sql) -> Result<Rows, StoreError> {
        let mut out = Rows {
            columns: sql.columns.clone(),
            rows: Vec::new(),
        };
        self.run(sql, |r| {
            out.rows.push(r);
            ControlFlow::Continue(())
        })?;
        Ok(out)
    }

    /// The engine's query plan for `sql`, one line per step, indented by depth (SQLite's
    /// `EXPLAIN QUERY PLAN`, PostgreSQL's `EXPLAIN`).
    pub fn query_plan(&self, sql: &Sql) -> Result<Vec<String>, StoreError> {
        within_limits(sql)?;
        let explained = match self.dialect() {
            crate::sql::print::Dialect::Sqlite => format!("EXPLAIN QUERY PLAN {}", sql.text),
            crate::sql::print::Dialect::Postgres => format!("EXPLAIN {}", sql.text),
        };
        let mut rows = Vec::new();
        self.select_native(&explained, &sql.params, &[], |r| {
            rows.push(r);
            ControlFlow::Continue(())
        })
        .map_err(|e| self.query_err(e))?;
        if self.dialect() == crate::sql::print::Dialect::Postgres {
            // One line a step, already indented.
            return Ok(rows.iter().map(|r| text(&r[0])).collect());
        }
        let mut depth: Vec<(i64, usize)> = Vec::new();
        let mut out = Vec::new();
        for r in rows {
            let (id, parent, detail) = (int(&r[0]), int(&r[1]), text(&r[3]));
            let level = depth
                .iter()
                .find(|(i, _)| *i == parent)
                .map_or(0, |(_, l)| l + 1);
            depth.push((id, level));
            out.push(format!("{}{detail}", "  ".repeat(level)));
        }
        Ok(out)
    }
}

impl Store {
    /// The value of `key` in the store's `meta` table.
    pub fn meta_value(&self, key: &str) -> Result<Option<String>, StoreError> {
        let rows = self.rows_of(
            "SELECT value FROM meta WHERE key = ?1",
            &[Param::Text(key.to_string())],
        )?;
        Ok(rows.first().and_then(|r| opt_text(&r[0])))
    }

    /// The path of the stored source file document `id` comes from.
    pub fn document_source(&self, id: &str) -> Result<Option<String>, StoreError> {
        let rows = self.rows_of(
            "SELECT f.path FROM documents d JOIN files f ON f.id = d.file_id WHERE d.slug = ?1",
            &[Param::Text(id.to_string())],
        )?;
        Ok(rows.first().and_then(|r| opt_text(&r[0])))
    }
}

/// A cell's text ('' for NULL), integer (0 for anything else) or optional text.
pub(crate) fn text(c: &Cell) -> String {
    c.as_text().map(|t| t.into_owned()).unwrap_or_default()
}

pub(crate) fn int(c: &Cell) -> i64 {
    match c {
        Cell::Int(i) => *i,
        Cell::Real(r) => *r as i64,
        Cell::Text(t) => t.parse().unwrap_or(0),
        _ => 0,
    }
}

pub(crate) fn opt_text(c: &Cell) -> Option<String> {
    match c {
        Cell::Null => None,
        c => Some(text(c)),
    }
}

/// A failure while running a query: a full-text syntax error, an interrupt.
/// The most values one statement may bind (SQLite's `SQLITE_MAX_VARIABLE_NUMBER`).
pub const MAX_VALUES: usize = 32766;

/// Refuses, in concord's words, a statement with more bound values than
/// SQLite takes (lists are one value each, but other values are one apiece).
fn within_limits(sql: &Sql) -> Result<(), StoreError> {
    if sql.params.len() > MAX_VALUES {
        return Err(StoreError::Query(format!(
            "the query has {} values to look up, more than the {MAX_VALUES} one query may hold; split it into several queries",
            sql.params.len()
        )));
    }
    Ok(())
}

/// A failure while running a query, in SQLite's words (never the statement's text).
pub(crate) fn query_err_sqlite(e: rusqlite::Error) -> StoreError {
    let msg = match &e {
        rusqlite::Error::SqlInputError { msg, .. } => msg.clone(),
        rusqlite::Error::SqliteFailure(f, _)
            if f.code == rusqlite::ErrorCode::OperationInterrupted =>
        {
            return StoreError::Interrupted;
        }
        rusqlite::Error::SqliteFailure(_, Some(m)) => m.clone(),
        other => other.to_string(),
    };
    StoreError::Query(msg)
}

impl Clauses for Store {
    fn missing_value(&self, field: Field, value: &str) -> Option<Vec<String>> {
        // (is there a row with the value, every value held); the value is bound.
        let (one, all) = match field {
            Field::CitationStance => (
                "SELECT 1 FROM citations WHERE stance = ?1",
                "SELECT DISTINCT stance FROM citations ORDER BY 1 LIMIT 200",
            ),
            Field::CitationMethod => (
                "SELECT 1 FROM citations WHERE method = ?1",
                "SELECT DISTINCT method FROM citations ORDER BY 1 LIMIT 200",
            ),
            Field::DocKind => (
                "SELECT 1 FROM documents WHERE kind = ?1",
                "SELECT DISTINCT kind FROM documents ORDER BY 1 LIMIT 200",
            ),
            Field::DocLanguage => (
                "SELECT 1 FROM documents WHERE language = ?1",
                "SELECT DISTINCT language FROM documents WHERE language IS NOT NULL ORDER BY 1 LIMIT 200",
            ),
            Field::ActorKind => (
                "SELECT 1 FROM actors WHERE kind = ?1",
                "SELECT DISTINCT kind FROM actors ORDER BY 1 LIMIT 200",
            ),
            _ => return None,
        };
        let value = [Param::Text(value.to_string())];
        // A store that cannot be read says so elsewhere: no suggestion here.
        let held = self.exists(one, &value).unwrap_or(true);
        if held {
            return None;
        }
        let values = self.rows_of(all, &[]).ok()?;
        Some(values.iter().map(|r| text(&r[0])).collect())
    }

    fn has_clause(&self, doc: &str, label: &str) -> bool {
        let key = format!("{doc}#{label}");
        if let Some(known) = self.clause_cache.borrow().get(&key) {
            return *known;
        }
        let sql = "SELECT 1 FROM clauses c JOIN documents d ON d.id = c.document_id WHERE d.slug = ?1 AND c.label = ?2";
        let params = [Param::Text(doc.to_string()), Param::Text(label.to_string())];
        let found = self.exists(sql, &params).unwrap_or(false);
        let mut cache = self.clause_cache.borrow_mut();
        if cache.len() > 100_000 {
            cache.clear();
        }
        cache.insert(key, found);
        found
    }

    fn check_full_text(&self, query: &str) -> Result<(), FullText> {
        use rusqlite::ErrorCode;
        // FTS5's syntax on both engines: PostgreSQL's store checks it on an empty FTS5 table.
        let (conn, sql) = match self.fts_syntax() {
            Some(conn) => (conn, "SELECT 1 FROM syntax WHERE syntax MATCH ?1 LIMIT 1"),
            None => match self.sqlite_connection() {
                Some(conn) => (
                    conn,
                    "SELECT 1 FROM clauses_fts WHERE clauses_fts MATCH ?1 LIMIT 1",
                ),
                None => return Ok(()),
            },
        };
        let failed = |e: rusqlite::Error| -> FullText {
            match e.sqlite_error_code() {
                // A syntax error in the query is SQLITE_ERROR with fts5's words.
                Some(ErrorCode::Unknown) | None => match e {
                    rusqlite::Error::SqliteFailure(_, Some(m)) => {
                        FullText::Malformed(m.trim_start_matches("fts5: ").to_string())
                    }
                    e => FullText::Malformed(e.to_string()),
                },
                Some(ErrorCode::OperationInterrupted) => FullText::Unchecked("interrupted".into()),
                Some(_) => FullText::Unchecked(format!(
                    "{}; check the store with `concord check --db {}`",
                    sqlite_err(&self.path, e),
                    self.path.display()
                )),
            }
        };
        let mut st = conn.prepare_cached(sql).map_err(failed)?;
        st.exists([query]).map(|_| ()).map_err(failed)
    }

    fn labels(&self, doc: &str) -> Vec<String> {
        let sql = "SELECT c.label FROM clauses c JOIN documents d ON d.id = c.document_id WHERE d.slug = ?1 ORDER BY c.position LIMIT 1000";
        self.rows_of(sql, &[Param::Text(doc.to_string())])
            .map(|rows| rows.iter().map(|r| text(&r[0])).collect())
            .unwrap_or_default()
    }
}
