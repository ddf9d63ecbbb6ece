//! Importing documents into a store in place: the cost grows with what is
//! added and what it touches, not with the store.
//!
//! An import whose files hold documents only (text files with front matter,
//! `add`'s output, TOML or JSON with `[[document]]`s alone), replacing files
//! that held documents only, is written into the existing store in one
//! transaction (rollback journal: a reader sees the old store or the new one,
//! a killed import leaves the old one). Anything else (actors, principles,
//! relations or curated citations in the files, or records elsewhere in the
//! corpus that name a replaced document) changes what every text may cite,
//! and the store is rebuilt from its sources instead (`build::import_sources`).
//!
//! In place:
//! - the new files are checked against the store's actors, principles and
//!   documents (`corpus::load_beside`), without reading the other sources;
//! - a replaced file's documents are removed (a document that comes back
//!   under the same id keeps its row id), the new ones written after the
//!   last rows;
//! - the citation finder reads the new documents, and again the existing
//!   documents whose citations they may change: those that cite a removed
//!   document, those with a clause that names a new or removed document (its
//!   title or an alias, looked up in the full-text index), a clause with a
//!   quotation, next to a new document's author, that the new documents
//!   hold, and those with a quotation found before that a new instrument
//!   holds. Their found citations are written again; every other row keeps
//!   its id.
//! - the derived tables change by what the removed citations took from them
//!   and the written ones add (schema/derive_delta.sql, derive_apply.sql).
//!
//! The result answers every query as a store built from nothing over the
//! same files; only row ids, and so the order of rows that queries order by
//! id (clauses across documents, citations), follow the order of imports.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;
use std::sync::OnceLock;
use std::time::Instant;

use rusqlite::{Connection, OptionalExtension, params};

use super::build::{BuildError, BuildStats, Progress};
use super::cite::{ConnSources, FoundWriter, catalog_of_store, find_document};
use super::sqlite_err;
use super::write::{Counts, Ids, Placement, write_some_documents};
use crate::cite::{self, Found, Target};
use crate::corpus::{self, At, Corpus, Known, SourceFile};

/// What some citations add to the derived tables, and the sums added to them.
const DERIVE_DELTA: &str = include_str!("../../schema/derive_delta.sql");
const DERIVE_APPLY: &str = include_str!("../../schema/derive_apply.sql");

/// A quotation is read again when at least this share of its pairs of
/// consecutive words occurs in the new documents (a near match needs far more).
const QUOTE_PAIRS_SHARE: f64 = 0.4;

/// Imports `files` (keyed) into the store open on `conn`, inside the write
/// transaction the caller holds; returns `None` when the import must rebuild
/// the store instead (nothing written then).
///
/// With `private`, the store is a copy at that path that no one else reads
/// (a large import, renamed over the store when done): the import may then
/// commit on the way, and searches the documents on every core as a build
/// does, after merging the full-text index into one segment.
pub(super) fn import(
    conn: &Connection,
    db: &Path,
    files: Vec<SourceFile>,
    private: Option<&Path>,
    progress: Progress<'_>,
) -> Result<Option<BuildStats>, BuildError> {
    let start = Instant::now();
    let e = |e| BuildError::Store(sqlite_err(db, e));
    // The stored files these replace, and their documents.
    let mut replaced: Vec<(i64, usize)> = Vec::new(); // (file id, index in `files`)
    {
        let mut st = conn
            .prepare("SELECT id FROM files WHERE path = ?1")
            .map_err(e)?;
        for (i, f) in files.iter().enumerate() {
            if let Some(id) = st
                .query_row([&f.path], |r| r.get::<_, i64>(0))
                .optional()
                .map_err(e)?
            {
                replaced.push((id, i));
            }
        }
    }
    let replaced_files: Vec<i64> = replaced.iter().map(|r| r.0).collect();
    super::check::before_in_place(conn, db, &replaced_files)?;
    if !only_documents_in(conn, &replaced_files).map_err(e)? {
        return Ok(None);
    }
    let old_docs: Vec<(i64, String)> = ids_in(
        conn,
        "SELECT id, slug FROM documents WHERE file_id = ?1",
        &replaced_files,
    )
    .map_err(e)?;
    let old_ids: Vec<i64> = old_docs.iter().map(|d| d.0).collect();
    if named_by_records(conn, &old_ids).map_err(e)? {
        return Ok(None);
    }

    // Check the new files against what stays.
    let known = known(conn, db, &old_ids).map_err(e)?;
    let Some(corpus) = corpus::load_beside(known, files).map_err(BuildError::Corpus)? else {
        return Ok(None);
    };
    let new_file = |f: usize| f >= 1;
    let new_docs: Vec<usize> = (0..corpus.documents.len())
        .filter(|&n| new_file(corpus.documents[n].file))
        .collect();

    // Which existing documents the change may touch, found before anything is removed.
    let affected = affected(conn, &corpus, &new_docs, &old_docs).map_err(e)?;

    // Remove the found citations that will be found again, and the replaced documents.
    conn.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS derive_delta
             (kind TEXT NOT NULL, actor_id INTEGER, key_id INTEGER, n INTEGER NOT NULL);
         CREATE TEMP TABLE IF NOT EXISTS counted (id INTEGER PRIMARY KEY);
         CREATE TEMP TABLE IF NOT EXISTS redo (id INTEGER PRIMARY KEY);
         DELETE FROM derive_delta; DELETE FROM counted; DELETE FROM redo;",
    )
    .map_err(e)?;
    {
        let mut ins = conn
            .prepare("INSERT OR IGNORE INTO redo (id) VALUES (?1)")
            .map_err(e)?;
        for id in affected.iter().chain(&old_ids) {
            ins.execute([id]).map_err(e)?;
        }
    }
    remove_found(conn).map_err(e)?;
    remove_documents(conn, &old_ids).map_err(e)?;

    // Write the files and the new documents.
    let mut stored_files: HashMap<usize, i64> = HashMap::new(); // corpus file → files.id
    let mut next_file = last_id(conn, "files").map_err(e)?;
    for (i, f) in corpus.files.iter().enumerate().skip(1) {
        let id = match replaced.iter().find(|r| r.1 + 1 == i) {
            Some(&(id, _)) => {
                conn.execute(
                    "UPDATE files SET content = ?1 WHERE id = ?2",
                    params![f.content, id],
                )
                .map_err(e)?;
                id
            }
            None => {
                next_file += 1;
                conn.execute(
                    "INSERT INTO files (id, path, content) VALUES (?1, ?2, ?3)",
                    params![next_file, f.path, f.content],
                )
                .map_err(e)?;
                next_file
            }
        };
        stored_files.insert(i, id);
    }
    update_checksums(conn, &corpus, &stored_files).map_err(e)?;
    let mut ids = store_ids(conn, &affected).map_err(e)?;
    let mut next_doc = last_id(conn, "documents").map_err(e)?;
    let old_by_slug: HashMap<&str, i64> =
        old_docs.iter().map(|(id, s)| (s.as_str(), *id)).collect();
    let mut rows: Vec<(i64, usize)> = Vec::new();
    for &n in &new_docs {
        let slug = corpus.documents[n].rec.id.as_str();
        let id = match old_by_slug.get(slug) {
            Some(&id) => id,
            None => {
                next_doc += 1;
                next_doc
            }
        };
        rows.push((id, n));
    }
    let last_clause = last_id(conn, "clauses").map_err(e)?;
    let lines = corpus.line_index();
    let mut counts = Counts::default();
    // The rows name files by their stored id, not their place in this import.
    let placed = Placement {
        docs: &rows,
        last_clause_id: last_clause,
        file_id: &|f| stored_files[&f],
    };
    write_some_documents(
        conn,
        &corpus,
        &lines,
        &mut ids,
        &mut counts,
        &mut |_| {},
        &placed,
    )
    .map_err(e)?;

    // Search the new documents and the touched ones, with the store's catalog as it is now.
    let catalog = catalog_of_store(conn).map_err(e)?;
    let finder = cite::Finder::with_sources(&catalog, cite::MemoryIndex::default());
    let sources = ConnSources::new(conn);
    let touched_docs = stored_documents(conn, &affected, &mut ids).map_err(e)?;
    let docs: Vec<&At<corpus::Document>> = rows
        .iter()
        .map(|&(_, n)| &corpus.documents[n])
        .chain(touched_docs.iter())
        .collect();
    let total = docs.len();
    let mut found: Vec<Vec<Vec<Found>>> = Vec::with_capacity(total);
    if private.is_some() {
        // As a build does: the full-text index merged into one segment that every search
        // walks once, then (the copy still private) the written rows committed for
        // readers on connections of their own.
        conn.execute_batch("INSERT INTO clauses_fts (clauses_fts) VALUES ('optimize')")
            .map_err(e)?;
    }
    let threads = super::build::search_threads();
    match private.filter(|_| threads > 1 && total > 1) {
        Some(path) => {
            conn.execute_batch("COMMIT").map_err(e)?;
            conn.pragma_update(None, "journal_mode", "wal").map_err(e)?;
            conn.execute_batch("BEGIN").map_err(e)?;
            super::cite::find_parallel(&finder, &docs, path, threads, &mut |_, f| {
                found.push(f);
                progress(found.len(), total + 1);
                Ok(())
            })
            .map_err(e)?;
        }
        None => {
            for d in &docs {
                found.push(find_document(&finder, &sources, d));
                progress(found.len(), total + 1);
            }
        }
    }
    let results: Vec<(&At<corpus::Document>, Vec<Vec<Found>>)> =
        docs.into_iter().zip(found).collect();
    // The clauses the citations name, looked up once.
    look_up_targets(conn, &results, &mut ids).map_err(e)?;
    let first = last_id(conn, "citations").map_err(e)?;
    let dates = store_dates(conn).map_err(e)?;
    let written = {
        let searched: Vec<i64> = rows
            .iter()
            .map(|r| r.0)
            .chain(affected.iter().copied())
            .collect();
        let mut writer = FoundWriter::new(conn, dates, &ids, first, Some(&searched)).map_err(e)?;
        for (d, found) in results {
            writer.document(d, found).map_err(e)?;
        }
        writer.next - first
    };
    conn.execute_batch("DELETE FROM counted").map_err(e)?;
    conn.execute(
        "INSERT INTO counted (id) SELECT id FROM citations WHERE id > ?1",
        [first],
    )
    .map_err(e)?;
    count_into_derived(conn, 1).map_err(e)?;
    conn.execute_batch(DERIVE_APPLY).map_err(e)?;
    progress(total + 1, total + 1);
    // What this import wrote (a build's counts are the whole store's).
    counts.documents = rows.len();
    counts.files = corpus.files.len() - 1;
    counts.found = written as usize;
    Ok(Some(BuildStats {
        counts,
        seconds: start.elapsed().as_secs_f64(),
        in_place: true,
        copied: private.is_some(),
    }))
}

/// Whether the stored files `files` hold documents only (no actor, principle,
/// relation or curated citation).
fn only_documents_in(conn: &Connection, files: &[i64]) -> rusqlite::Result<bool> {
    for table in ["actors", "principles", "relations", "citations"] {
        let sql = format!("SELECT count(*) FROM {table} WHERE file_id = ?1");
        let mut st = conn.prepare(&sql)?;
        for f in files {
            if st.query_row([f], |r| r.get::<_, i64>(0))? > 0 {
                return Ok(false);
            }
        }
    }
    Ok(true)
}

/// Whether a relation or a curated citation names one of `docs` (or a clause of one).
fn named_by_records(conn: &Connection, docs: &[i64]) -> rusqlite::Result<bool> {
    let mut rel =
        conn.prepare("SELECT count(*) FROM relations WHERE from_id = ?1 OR to_id = ?1")?;
    let mut cit = conn.prepare(
        "SELECT count(*) FROM citations ci
         WHERE ci.method = 'curated'
           AND (ci.from_document_id = ?1 OR ci.to_document_id = ?1 OR ci.source_document_id = ?1
                OR ci.to_clause_id IN (SELECT id FROM clauses WHERE document_id = ?1))",
    )?;
    for d in docs {
        if rel.query_row([d], |r| r.get::<_, i64>(0))? > 0
            || cit.query_row([d], |r| r.get::<_, i64>(0))? > 0
        {
            return Ok(true);
        }
    }
    Ok(false)
}

/// `(id, slug)` rows of `sql` (one parameter) for each key.
fn ids_in(conn: &Connection, sql: &str, keys: &[i64]) -> rusqlite::Result<Vec<(i64, String)>> {
    let mut st = conn.prepare(sql)?;
    let mut out = Vec::new();
    for k in keys {
        for r in st.query_map([k], |r| Ok((r.get(0)?, r.get(1)?)))? {
            out.push(r?);
        }
    }
    Ok(out)
}

/// The largest row id of `table` (one of the store's own tables), 0 when it is empty.
fn last_id(conn: &Connection, table: &'static str) -> rusqlite::Result<i64> {
    conn.query_row(
        &format!("SELECT coalesce(max(id), 0) FROM {table}"),
        [],
        |r| r.get(0),
    )
}

/// The aliases of row `id` but its name (the store keeps the name among them).
fn others(aliases: &HashMap<i64, Vec<String>>, id: i64, name: &str) -> Vec<String> {
    aliases
        .get(&id)
        .map(|v| v.iter().filter(|a| *a != name).cloned().collect())
        .unwrap_or_default()
}

/// The store's actors, principles and documents (but `leaving`), as records to check new
/// files against.
fn known(conn: &Connection, db: &Path, leaving: &[i64]) -> rusqlite::Result<Known> {
    let leaving: HashSet<i64> = leaving.iter().copied().collect();
    let aliases = |sql: &str| -> rusqlite::Result<HashMap<i64, Vec<String>>> {
        let mut out: HashMap<i64, Vec<String>> = HashMap::new();
        let mut st = conn.prepare(sql)?;
        for r in st.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))? {
            let (id, a) = r?;
            out.entry(id).or_default().push(a);
        }
        Ok(out)
    };
    let actor_aliases = aliases("SELECT actor_id, alias FROM actor_aliases")?;
    let principle_aliases = aliases("SELECT principle_id, alias FROM principle_aliases")?;
    let document_aliases = aliases("SELECT document_id, alias FROM document_aliases")?;
    let mut k = Known {
        name: db.display().to_string(),
        ..Known::default()
    };
    let mut st = conn.prepare("SELECT id, slug, name, kind, role FROM actors ORDER BY id")?;
    for r in st.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, Option<String>>(4)?,
        ))
    })? {
        let (id, slug, name, kind, role) = r?;
        k.actors.push(corpus::Actor {
            id: slug,
            span: 0..0,
            aliases: others(&actor_aliases, id, &name),
            name,
            kind,
            role,
            member_of: Vec::new(),
            represents: Vec::new(),
        });
    }
    let mut st = conn.prepare("SELECT id, slug, name, description FROM principles ORDER BY id")?;
    for r in st.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, Option<String>>(3)?,
        ))
    })? {
        let (id, slug, name, description) = r?;
        k.principles.push(corpus::Principle {
            id: slug,
            span: 0..0,
            aliases: others(&principle_aliases, id, &name),
            name,
            description,
        });
    }
    let mut st = conn.prepare("SELECT id, slug, title, kind FROM documents ORDER BY id")?;
    for r in st.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
        ))
    })? {
        let (id, slug, title, kind) = r?;
        if leaving.contains(&id) {
            continue;
        }
        k.documents.push(corpus::Document {
            id: slug,
            span: 0..0,
            aliases: others(&document_aliases, id, &title),
            title,
            kind,
            date: None,
            place: None,
            authors: Vec::new(),
            language: None,
            source: None,
            excerpt: false,
            speakers: Vec::new(),
            clauses: Vec::new(),
        });
    }
    Ok(k)
}

/// The existing documents (neither new nor replaced) whose found citations the
/// import may change.
fn affected(
    conn: &Connection,
    corpus: &Corpus,
    new_docs: &[usize],
    old_docs: &[(i64, String)],
) -> rusqlite::Result<BTreeSet<i64>> {
    let mut out = BTreeSet::new();
    let old: HashSet<i64> = old_docs.iter().map(|d| d.0).collect();
    // Those that cite a removed document or one of its clauses.
    let mut st = conn.prepare(
        "SELECT DISTINCT from_document_id FROM citations
         WHERE method <> 'curated'
           AND (to_document_id = ?1 OR to_clause_id IN (SELECT id FROM clauses WHERE document_id = ?1))",
    )?;
    for (d, _) in old_docs {
        for r in st.query_map([d], |r| r.get::<_, i64>(0))? {
            out.insert(r?);
        }
    }
    // Those that name a new or a removed document.
    let mut names: Vec<String> = Vec::new();
    for &n in new_docs {
        let r = &corpus.documents[n].rec;
        names.push(r.title.clone());
        names.extend(r.aliases.iter().cloned());
    }
    let mut st = conn.prepare("SELECT alias FROM document_aliases WHERE document_id = ?1")?;
    for (d, _) in old_docs {
        for r in st.query_map([d], |r| r.get::<_, String>(0))? {
            names.push(r?);
        }
    }
    let mut hits = conn.prepare(
        "SELECT DISTINCT c.document_id FROM clauses_fts f JOIN clauses c ON c.id = f.rowid
         WHERE clauses_fts MATCH ?1",
    )?;
    for q in names.iter().filter_map(|n| all_words(n)) {
        for r in hits.query_map([&q], |r| r.get::<_, i64>(0))? {
            out.insert(r?);
        }
    }
    // The finder's own comparison tells which quotations the new documents hold.
    let options = cite::Options::default();
    // Indexed when a first quotation asks (often none does).
    let new_text = std::cell::OnceCell::new();
    let held = |quote: &str| {
        new_text
            .get_or_init(|| {
                NewText::new(
                    new_docs
                        .iter()
                        .flat_map(|&n| &corpus.documents[n].rec.clauses)
                        .map(|c| c.text.as_str()),
                )
            })
            .holds(quote, &options)
    };
    // Those with a quotation, beside a new document's author, that the new documents hold
    // (the finder looks for it in the documents of the author it is put in the mouth of).
    let mut authors: BTreeSet<String> = BTreeSet::new();
    {
        let mut st = conn.prepare(
            "SELECT alias FROM actor_aliases x JOIN actors a ON a.id = x.actor_id WHERE a.slug = ?1",
        )?;
        let ids: BTreeSet<&str> = new_docs
            .iter()
            .flat_map(|&n| &corpus.documents[n].rec.authors)
            .map(|a| a.id.as_str())
            .collect();
        for id in ids {
            for r in st.query_map([id], |r| r.get::<_, String>(0))? {
                authors.insert(r?);
            }
        }
    }
    let mut beside = conn.prepare(
        "SELECT c.document_id, c.text FROM clauses_fts f JOIN clauses c ON c.id = f.rowid
         WHERE clauses_fts MATCH ?1",
    )?;
    for q in authors.iter().filter_map(|n| all_words(n)) {
        let mut rows = beside.query([&q])?;
        while let Some(r) = rows.next()? {
            let d: i64 = r.get(0)?;
            if out.contains(&d) {
                continue;
            }
            let text: String = r.get(1)?;
            if cite::quotations(&text, options.min_quote_words)
                .into_iter()
                .any(held)
            {
                out.insert(d);
            }
        }
    }
    // Those with a quotation found before that a new instrument holds: it may be the
    // quotation's source now. (Searching the whole store, the finder takes only an
    // instrument as a source; a statement that holds the same words is listed as another
    // text that quotes them, "also quoted by", which an import does not update for the
    // quotations found before: see docs/corpus-format.md.) Most of the quotation's pairs of
    // consecutive words occur in the instrument first: a cheap test that a near match passes.
    let instruments = NewText::new(
        new_docs
            .iter()
            .map(|&n| &corpus.documents[n].rec)
            .filter(|r| {
                cite::is_instrument(
                    &crate::fold::fold(r.kind.trim()),
                    super::cite::structured(r.clauses.iter().map(|c| c.label.as_str())),
                )
            })
            .flat_map(|r| &r.clauses)
            .map(|c| c.text.as_str()),
    );
    if !instruments.is_empty() {
        let mut st = conn.prepare(
            "SELECT from_document_id, quote FROM citations
             WHERE quote IS NOT NULL AND method <> 'curated'",
        )?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let d: i64 = r.get(0)?;
            if out.contains(&d) {
                continue;
            }
            let q: String = r.get(1)?;
            if instruments.shares_pairs(&q) && instruments.holds(&q, &options) {
                out.insert(d);
            }
        }
    }
    out.retain(|d| !old.contains(d));
    Ok(out)
}

/// The clauses of the new documents, indexed for the question which quotations they hold.
struct NewText<'a> {
    texts: Vec<(&'a str, OnceLock<cite::SourceText>)>,
    /// Folded word (hashed) → the clauses that hold it.
    postings: HashMap<u64, Vec<u32>>,
    /// Pairs of consecutive folded words (hashed).
    pairs: HashSet<u64>,
}

/// The words of `text`, folded and hashed.
fn word_keys(text: &str) -> Vec<u64> {
    use std::hash::{BuildHasher, BuildHasherDefault};
    let h = BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default();
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| h.hash_one(crate::fold::fold(w)))
        .collect()
}

fn pair_key(a: u64, b: u64) -> u64 {
    a.rotate_left(29) ^ b.wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

/// The candidates for a quotation are the clauses holding one of its rarest words.
const RAREST_WORDS: usize = 4;

impl<'a> NewText<'a> {
    fn new(texts: impl Iterator<Item = &'a str>) -> NewText<'a> {
        let mut out = NewText {
            texts: Vec::new(),
            postings: HashMap::new(),
            pairs: HashSet::new(),
        };
        for (i, t) in texts.enumerate() {
            let keys = word_keys(t);
            for w in keys.windows(2) {
                out.pairs.insert(pair_key(w[0], w[1]));
            }
            let mut seen = HashSet::new();
            for k in keys {
                if seen.insert(k) {
                    out.postings.entry(k).or_default().push(i as u32);
                }
            }
            out.texts.push((t, OnceLock::new()));
        }
        out
    }

    fn is_empty(&self) -> bool {
        self.texts.is_empty()
    }

    /// Whether at least [`QUOTE_PAIRS_SHARE`] of the pairs of consecutive words of `quote`
    /// occur in the new text.
    fn shares_pairs(&self, quote: &str) -> bool {
        let keys = word_keys(quote);
        let mine: HashSet<u64> = keys.windows(2).map(|w| pair_key(w[0], w[1])).collect();
        let shared = mine.iter().filter(|p| self.pairs.contains(*p)).count();
        !mine.is_empty() && shared as f64 >= QUOTE_PAIRS_SHARE * mine.len() as f64
    }

    /// Whether a clause of the new text holds `quote`, exactly, normalized or nearly, by the
    /// finder's own comparison. Only clauses holding one of its rarest words are compared.
    fn holds(&self, quote: &str, options: &cite::Options) -> bool {
        let p = cite::Prepared::new(quote);
        let n = p.word_count();
        if n < options.min_quote_words {
            return false;
        }
        let mut words: Vec<u64> = word_keys(quote);
        words.sort_unstable();
        words.dedup();
        // Words the new text lacks (changed in a near match) choose nothing.
        words.retain(|k| self.postings.contains_key(k));
        words.sort_by_key(|k| self.postings[k].len());
        let mut candidates: Vec<u32> = words
            .iter()
            .take(RAREST_WORDS)
            .flat_map(|k| self.postings.get(k).into_iter().flatten().copied())
            .collect();
        candidates.sort_unstable();
        candidates.dedup();
        candidates.into_iter().any(|i| {
            let (t, norm) = &self.texts[i as usize];
            p.check_with(t, norm, options.near_threshold, n >= options.min_near_words)
                .is_some()
        })
    }
}

/// A full-text query that every clause holding all the words of `name` matches
/// (each word a quoted string), or `None` when it has no word.
fn all_words(name: &str) -> Option<String> {
    let words: Vec<String> = name
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{w}\""))
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

/// Removes the found citations of the documents in `redo`, after counting
/// what they took from the derived tables.
fn remove_found(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(
        "DELETE FROM counted;
         INSERT INTO counted (id)
             SELECT ci.id FROM citations ci
             WHERE ci.from_document_id IN (SELECT id FROM redo) AND ci.method <> 'curated';",
    )?;
    count_into_derived(conn, -1)?;
    conn.execute_batch(
        "DELETE FROM citation_actors WHERE citation_id IN (SELECT id FROM counted);
         DELETE FROM citations WHERE id IN (SELECT id FROM counted);",
    )
}

/// Adds what the citations in `counted` count in the derived tables, times
/// `sign`, to `derive_delta` (schema/derive_delta.sql, statement by statement).
fn count_into_derived(conn: &Connection, sign: i64) -> rusqlite::Result<()> {
    // Comment lines out first: their words may hold a `;`.
    let code: String = DERIVE_DELTA
        .lines()
        .filter(|l| !l.trim_start().starts_with("--"))
        .collect::<Vec<_>>()
        .join("\n");
    for sql in code.split(';').filter(|s| !s.trim().is_empty()) {
        conn.execute(sql, [sign])?;
    }
    Ok(())
}

/// Removes documents `docs` with their clauses and everything that hangs on them (their
/// found citations are gone already).
fn remove_documents(conn: &Connection, docs: &[i64]) -> rusqlite::Result<()> {
    for d in docs {
        conn.execute(
            "DELETE FROM clause_wordings WHERE clause_id IN (SELECT id FROM clauses WHERE document_id = ?1)",
            [d],
        )?;
        conn.execute(
            "DELETE FROM clause_principles WHERE clause_id IN (SELECT id FROM clauses WHERE document_id = ?1)",
            [d],
        )?;
        conn.execute(
            "UPDATE clauses SET parent_id = NULL WHERE document_id = ?1",
            [d],
        )?;
        conn.execute("DELETE FROM clauses WHERE document_id = ?1", [d])?;
        conn.execute("DELETE FROM document_aliases WHERE document_id = ?1", [d])?;
        conn.execute("DELETE FROM document_authors WHERE document_id = ?1", [d])?;
        conn.execute("DELETE FROM documents WHERE id = ?1", [d])?;
    }
    Ok(())
}

/// The stored checksum of each file, the new ones set.
fn update_checksums(
    conn: &Connection,
    corpus: &Corpus,
    stored: &HashMap<usize, i64>,
) -> rusqlite::Result<()> {
    let key = super::check::CHECKSUMS_KEY;
    let Some(mut sums) = super::check::stored_checksums(conn)? else {
        return Ok(());
    };
    for (&i, &id) in stored {
        let at = id as usize - 1;
        if sums.len() <= at {
            sums.resize(at + 1, String::new());
        }
        sums[at] = super::check::checksums(std::iter::once(corpus.files[i].content.as_str()));
    }
    conn.execute(
        "UPDATE meta SET value = ?1 WHERE key = ?2",
        params![sums.join(" "), key],
    )?;
    Ok(())
}

/// Slug → row id maps of the store, and the authors and speakers of the documents `docs`.
fn store_ids(conn: &Connection, docs: &BTreeSet<i64>) -> rusqlite::Result<Ids> {
    let mut ids = Ids::default();
    let mut st = conn.prepare("SELECT id, slug FROM actors ORDER BY id")?;
    for r in st.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))? {
        let (id, slug) = r?;
        // Actors are written by builds only, numbered from 1 with no gap.
        debug_assert_eq!(id as usize, ids.actor_slugs.len() + 1);
        ids.actors.insert(slug.clone(), id);
        ids.actor_slugs.push(slug);
    }
    let mut st = conn.prepare("SELECT id, slug FROM principles")?;
    for r in st.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))? {
        let (id, slug) = r?;
        ids.principles.insert(slug, id);
    }
    let mut st = conn.prepare("SELECT id, slug FROM documents")?;
    for r in st.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))? {
        let (id, slug) = r?;
        ids.documents.insert(slug, id);
    }
    let mut authors = conn.prepare(
        "SELECT actor_id FROM document_authors WHERE document_id = ?1 ORDER BY position",
    )?;
    for d in docs {
        let list = authors
            .query_map([d], |r| r.get::<_, i64>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        ids.authors.insert(*d, list);
    }
    Ok(ids)
}

/// The documents `docs` as records to search again (clauses with label, text and
/// principles), their clauses and speakers added to `ids`.
fn stored_documents(
    conn: &Connection,
    docs: &BTreeSet<i64>,
    ids: &mut Ids,
) -> rusqlite::Result<Vec<At<corpus::Document>>> {
    let mut doc = conn.prepare("SELECT slug, title, kind FROM documents WHERE id = ?1")?;
    let mut clauses = conn.prepare(
        "SELECT c.id, c.label, c.text, c.speaker, c.speaker_id,
                (SELECT group_concat(p.slug, char(31)) FROM clause_principles cp
                 JOIN principles p ON p.id = cp.principle_id WHERE cp.clause_id = c.id)
         FROM clauses c WHERE c.document_id = ?1 ORDER BY c.position",
    )?;
    let mut out = Vec::with_capacity(docs.len());
    for &d in docs {
        let (slug, title, kind): (String, String, String) =
            doc.query_row([d], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        let mut list = Vec::new();
        let rows = clauses.query_map([d], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, Option<i64>>(4)?,
                r.get::<_, Option<String>>(5)?,
            ))
        })?;
        for r in rows {
            let (id, label, text, speaker, speaker_id, principles) = r?;
            ids.clauses.insert(format!("{slug}#{label}"), id);
            if speaker.is_some() {
                ids.speakers.insert(id, speaker_id.into_iter().collect());
            }
            list.push(corpus::Clause {
                label,
                span: 0..0,
                title: None,
                text,
                principles: principles
                    .iter()
                    .flat_map(|p| p.split('\u{1f}'))
                    .map(|p| corpus::Ref {
                        id: p.to_string(),
                        span: 0..0,
                    })
                    .collect(),
                earlier: Vec::new(),
                opens: None,
                turn: None,
            });
        }
        out.push(At {
            file: 0,
            rec: corpus::Document {
                id: slug,
                span: 0..0,
                title,
                kind,
                date: None,
                place: None,
                authors: Vec::new(),
                aliases: Vec::new(),
                language: None,
                source: None,
                excerpt: false,
                speakers: Vec::new(),
                clauses: list,
            },
        });
    }
    Ok(out)
}

/// Puts the row id of every clause the found citations name into `ids`.
fn look_up_targets(
    conn: &Connection,
    results: &[(&At<corpus::Document>, Vec<Vec<Found>>)],
    ids: &mut Ids,
) -> rusqlite::Result<()> {
    let mut st = conn.prepare_cached(
        "SELECT c.id FROM clauses c JOIN documents d ON d.id = c.document_id
         WHERE d.slug = ?1 AND c.label = ?2",
    )?;
    for (_, found) in results {
        for f in found.iter().flatten() {
            if let Target::Clause { doc, label } = &f.target {
                let key = format!("{doc}#{label}");
                if ids.clauses.contains_key(&key) {
                    continue;
                }
                if let Some(id) = st
                    .query_row(params![doc, label], |r| r.get::<_, i64>(0))
                    .optional()?
                {
                    ids.clauses.insert(key, id);
                }
            }
        }
    }
    Ok(())
}

/// (first day, last day) of every dated document of the store.
fn store_dates(conn: &Connection) -> rusqlite::Result<super::cite::Dates> {
    let mut st = conn.prepare(
        "SELECT slug, date_start, date_end FROM documents WHERE date_start IS NOT NULL AND date_end IS NOT NULL",
    )?;
    st.query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))?
        .collect()
}
