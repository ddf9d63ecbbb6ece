//! Reading a store: the catalog of names, clause checks, and running
//! generated SQL row by row.

use std::collections::{BTreeMap, HashMap};
use std::ops::ControlFlow;

use rusqlite::types::ValueRef;

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
        let e = |e| sqlite_err(&self.path, e);
        let entries = |sql: &str| -> Result<Vec<Entry>, StoreError> {
            let mut st = self.conn.prepare(sql).map_err(e)?;
            let rows = st
                .query_map([], |r| {
                    Ok(Entry {
                        id: r.get(0)?,
                        name: r.get(1)?,
                        detail: r.get(2)?,
                    })
                })
                .map_err(e)?;
            rows.collect::<Result<_, _>>().map_err(e)
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
            let mut st = self.conn.prepare(sql).map_err(e)?;
            let rows = st
                .query_map([], |r| {
                    Ok((kind, r.get::<_, String>(0)?, r.get::<_, String>(1)?))
                })
                .map_err(e)?;
            for row in rows {
                aliases.push(row.map_err(e)?);
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
        let e = |e| sqlite_err(&self.path, e);
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
            let mut st = self
                .conn
                .prepare_cached(&names_lookup(chunk.len()))
                .map_err(e)?;
            let mut rows = st.query(rusqlite::params_from_iter(chunk)).map_err(e)?;
            while let Some(r) = rows.next().map_err(e)? {
                let kind: i64 = r.get(0).map_err(e)?;
                let entry = Entry {
                    id: r.get(2).map_err(e)?,
                    name: r.get(3).map_err(e)?,
                    detail: r.get(4).map_err(e)?,
                };
                hits.entry((kind as usize, r.get(5).map_err(e)?))
                    .or_default()
                    .insert(r.get(1).map_err(e)?, entry);
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
        let e = |e| sqlite_err(&self.path, e);
        let mut st = self
            .conn
            .prepare_cached("SELECT DISTINCT type FROM relations ORDER BY type")
            .map_err(e)?;
        let types = st
            .query_map([], |r| r.get(0))
            .map_err(e)?
            .collect::<Result<Vec<String>, _>>()
            .map_err(e)?;
        Ok(types)
    }

    /// Runs `sql`, calling `row` with each result row until it says stop.
    pub fn run(
        &self,
        sql: &Sql,
        mut row: impl FnMut(Vec<Cell>) -> ControlFlow<()>,
    ) -> Result<(), StoreError> {
        let e = |e| query_err(e);
        within_limits(sql)?;
        let mut st = self.conn.prepare_cached(&sql.text).map_err(e)?;
        bind(&mut st, &sql.params).map_err(e)?;
        let n = st.column_count();
        let mut rows = st.raw_query();
        while let Some(r) = rows.next().map_err(e)? {
            let mut cells = Vec::with_capacity(n);
            for i in 0..n {
                let list = sql.lists.get(i).copied().flatten();
                cells.push(match r.get_ref(i).map_err(e)? {
                    ValueRef::Null if list.is_some() => Cell::List(Vec::new()),
                    ValueRef::Null => Cell::Null,
                    ValueRef::Integer(v) => Cell::Int(v),
                    ValueRef::Real(v) => Cell::Real(v),
                    ValueRef::Text(t) => {
                        let t = String::from_utf8_lossy(t);
                        match list {
                            Some(sep) => Cell::List(t.split(sep).map(str::to_string).collect()),
                            None => Cell::Text(t.into_owned()),
                        }
                    }
                    ValueRef::Blob(b) => Cell::Text(format!("<{} bytes>", b.len())),
                });
            }
            if row(cells).is_break() {
                break;
            }
        }
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

    /// SQLite's query plan for `sql`, one line per step, indented by depth.
    pub fn query_plan(&self, sql: &Sql) -> Result<Vec<String>, StoreError> {
        let e = |e| query_err(e);
        within_limits(sql)?;
        let mut st = self
            .conn
            .prepare(&format!("EXPLAIN QUERY PLAN {}", sql.text))
            .map_err(e)?;
        bind(&mut st, &sql.params).map_err(e)?;
        let mut depth: Vec<(i64, usize)> = Vec::new();
        let mut out = Vec::new();
        let mut rows = st.raw_query();
        while let Some(r) = rows.next().map_err(e)? {
            let (id, parent, detail): (i64, i64, String) = (
                r.get(0).map_err(e)?,
                r.get(1).map_err(e)?,
                r.get(3).map_err(e)?,
            );
            let level = depth
                .iter()
                .find(|(i, _)| *i == parent)
                .map_or(0, |(_, l)| l + 1);
            depth.push((id, level));
            out.push(format!("{}{detail}", "  ".repeat(level)));
        }
        Ok(out)
    }

    /// A handle that interrupts a running query from another thread (Ctrl-C).
    pub fn interrupt_handle(&self) -> rusqlite::InterruptHandle {
        self.conn.get_interrupt_handle()
    }
}

fn bind(st: &mut rusqlite::Statement<'_>, params: &[Param]) -> rusqlite::Result<()> {
    for (i, p) in params.iter().enumerate() {
        match p {
            Param::Text(s) => st.raw_bind_parameter(i + 1, s)?,
            Param::Int(n) => st.raw_bind_parameter(i + 1, n)?,
            Param::Real(r) => st.raw_bind_parameter(i + 1, r)?,
        }
    }
    Ok(())
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

fn query_err(e: rusqlite::Error) -> StoreError {
    let msg = match &e {
        // The message alone: never the statement's text.
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
        let held = self
            .conn
            .prepare_cached(one)
            .and_then(|mut st| st.exists([value]))
            .unwrap_or(true);
        if held {
            return None;
        }
        let mut st = self.conn.prepare_cached(all).ok()?;
        let values = st
            .query_map([], |r| r.get::<_, String>(0))
            .ok()?
            .filter_map(Result::ok)
            .collect();
        Some(values)
    }

    fn has_clause(&self, doc: &str, label: &str) -> bool {
        let key = format!("{doc}#{label}");
        if let Some(known) = self.clause_cache.borrow().get(&key) {
            return *known;
        }
        let sql = "SELECT 1 FROM clauses c JOIN documents d ON d.id = c.document_id WHERE d.slug = ?1 AND c.label = ?2";
        let found = self
            .conn
            .prepare_cached(sql)
            .and_then(|mut st| st.exists(rusqlite::params![doc, label]))
            .unwrap_or(false);
        let mut cache = self.clause_cache.borrow_mut();
        if cache.len() > 100_000 {
            cache.clear();
        }
        cache.insert(key, found);
        found
    }

    fn check_full_text(&self, query: &str) -> Result<(), FullText> {
        use rusqlite::ErrorCode;
        let sql = "SELECT 1 FROM clauses_fts WHERE clauses_fts MATCH ?1 LIMIT 1";
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
        let mut st = self.conn.prepare_cached(sql).map_err(failed)?;
        st.exists([query]).map(|_| ()).map_err(failed)
    }

    fn labels(&self, doc: &str) -> Vec<String> {
        let sql = "SELECT c.label FROM clauses c JOIN documents d ON d.id = c.document_id WHERE d.slug = ?1 ORDER BY c.position LIMIT 1000";
        let Ok(mut st) = self.conn.prepare_cached(sql) else {
            return Vec::new();
        };
        st.query_map([doc], |r| r.get(0))
            .map(|rows| rows.filter_map(Result::ok).collect())
            .unwrap_or_default()
    }
}
