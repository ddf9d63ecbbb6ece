//! Citations found in text, on `build`, `import` and `concord verify`.
//!
//! In: the clauses of a store (or a draft text) and the finder of
//! [`crate::cite`]. Out: found citations written beside the curated ones, each
//! with its method, confidence, span and, for quotations, the word-level
//! differences from its source. Quotation sources are looked up in SQLite: the
//! clauses of the document named nearby, else the full-text index.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use rusqlite::{Connection, OpenFlags, params};

use super::write::Ids;
use crate::cite::{self, Found, Method, QuoteSources, Scope, SourceClause, Target};
use crate::corpus::{At, Corpus};

type Document = At<crate::corpus::Document>;

/// Quotation sources read from a store's connection. The clauses of recently
/// quoted documents are kept (folded) in memory: citations follow a heavy
/// tail, so a few documents are quoted again and again.
pub struct ConnSources<'a> {
    conn: &'a Connection,
    cache: std::cell::RefCell<std::collections::HashMap<String, Folded>>,
}

/// The clauses of one document with their folded texts.
type Folded = std::rc::Rc<Vec<(SourceClause, String)>>;

/// Documents whose clauses are kept in memory at most.
const CACHED_DOCUMENTS: usize = 256;

impl<'a> ConnSources<'a> {
    pub fn new(conn: &'a Connection) -> ConnSources<'a> {
        ConnSources {
            conn,
            cache: Default::default(),
        }
    }
}

impl QuoteSources for ConnSources<'_> {
    fn candidates(&self, words: &[&str], scope: Scope<'_>, limit: usize) -> Vec<SourceClause> {
        let rows = match scope {
            Scope::Document(d) => self.document_clauses(d, words),
            Scope::AllBut(citing) => self.full_text(words, limit, citing),
        };
        rows.unwrap_or_default()
    }

    fn earlier(&self, doc: &str, label: &str) -> Vec<cite::Wording> {
        self.wordings(doc, label).unwrap_or_default()
    }
}

impl ConnSources<'_> {
    /// The earlier wordings of clause `label` of `doc`, oldest first.
    fn wordings(&self, doc: &str, label: &str) -> rusqlite::Result<Vec<cite::Wording>> {
        let mut st = self.conn.prepare_cached(
            "SELECT w.text, w.until FROM clause_wordings w JOIN clauses c ON c.id = w.clause_id
             JOIN documents d ON d.id = c.document_id WHERE d.slug = ?1 AND c.label = ?2
             ORDER BY w.position",
        )?;
        let rows = st.query_map([doc, label], |r| {
            Ok(cite::Wording {
                text: r.get(0)?,
                until: r.get(1)?,
            })
        })?;
        rows.collect()
    }

    /// The clauses of `doc`, with their folded text.
    fn clauses_of(&self, doc: &str) -> rusqlite::Result<Folded> {
        if let Some(c) = self.cache.borrow().get(doc) {
            return Ok(c.clone());
        }
        let mut st = self.conn.prepare_cached(
            "SELECT c.label, c.text FROM clauses c JOIN documents d ON d.id = c.document_id WHERE d.slug = ?1 ORDER BY c.position",
        )?;
        let rows = st.query_map([doc], |r| {
            Ok(SourceClause::new(doc.to_string(), r.get(0)?, r.get(1)?))
        })?;
        let mut list = Vec::new();
        for r in rows {
            let c = r?;
            let folded = crate::fold::fold(&c.text);
            list.push((c, folded));
        }
        let list = std::rc::Rc::new(list);
        let mut cache = self.cache.borrow_mut();
        if cache.len() >= CACHED_DOCUMENTS {
            cache.clear();
        }
        cache.insert(doc.to_string(), list.clone());
        Ok(list)
    }

    /// The clauses of `doc` that hold the longest of the quoted words.
    fn document_clauses(&self, doc: &str, words: &[&str]) -> rusqlite::Result<Vec<SourceClause>> {
        let all = self.clauses_of(doc)?;
        let longest = words.iter().max_by_key(|w| w.len()).copied().unwrap_or("");
        let finder = memchr::memmem::Finder::new(longest.as_bytes());
        Ok(all
            .iter()
            .filter(|(_, folded)| finder.find(folded.as_bytes()).is_some())
            .map(|(c, _)| c.clone())
            .collect())
    }

    /// The best full-text matches for the quoted words: clauses holding all of
    /// the three longest of them (the rarest, as a rule), ranked, the instruments'
    /// first; when none of them is an instrument's (a changed word may be among
    /// the three, and statements that repeat the alteration hold it), also those
    /// holding the next three, the instruments' among them before the rest.
    fn full_text(
        &self,
        words: &[&str],
        limit: usize,
        citing: &str,
    ) -> rusqlite::Result<Vec<SourceClause>> {
        let mut distinct: Vec<&str> = words
            .iter()
            .copied()
            .filter(|w| w.chars().filter(|c| c.is_alphanumeric()).count() > 2)
            .collect();
        distinct.sort_by(|a, b| b.chars().count().cmp(&a.chars().count()).then(a.cmp(b)));
        distinct.dedup();
        // The FTS query is a bound parameter: words become quoted FTS5 strings, never SQL.
        // The instruments' clauses come first (their kinds, concord's list, are a bound JSON
        // array too), so that statements repeating a treaty's words cannot crowd it out.
        let mut st = self.conn.prepare_cached(
            "SELECT d.slug, c.label, c.text, d.kind IN (SELECT value FROM json_each(?3)) AS instrument
             FROM clauses_fts f JOIN clauses c ON c.id = f.rowid
             JOIN documents d ON d.id = c.document_id WHERE clauses_fts MATCH ?1 AND d.slug <> ?4
             ORDER BY instrument DESC, f.rank LIMIT ?2",
        )?;
        let kinds = serde_json::json!(cite::INSTRUMENT_KINDS).to_string();
        let mut groups: Vec<Vec<(SourceClause, bool)>> = Vec::new();
        for group in distinct.chunks(3).take(2) {
            let query: Vec<String> = group
                .iter()
                .map(|w| format!("\"{}\"", w.replace('"', "\"\"")))
                .collect();
            let rows = st.query_map(
                params![query.join(" AND "), limit as i64, &kinds, citing],
                |r| {
                    Ok((
                        SourceClause::new(r.get(0)?, r.get(1)?, r.get(2)?),
                        r.get::<_, bool>(3)?,
                    ))
                },
            )?;
            let found: Vec<(SourceClause, bool)> = rows.collect::<rusqlite::Result<_>>()?;
            let instrument = found.iter().any(|(_, i)| *i);
            groups.push(found);
            if instrument {
                break;
            }
        }
        let mut groups = groups.into_iter();
        let mut first = groups.next().unwrap_or_default();
        let Some(second) = groups.next() else {
            return Ok(first.into_iter().map(|(c, _)| c).collect());
        };
        // The second group's instruments, then the first group, then the rest of the second.
        let (mut out, rest): (Vec<_>, Vec<_>) = second.into_iter().partition(|(_, i)| *i);
        out.append(&mut first);
        out.extend(rest);
        let mut seen = std::collections::HashSet::new();
        Ok(out
            .into_iter()
            .map(|(c, _)| c)
            .filter(|c| seen.insert((c.doc.clone(), c.label.clone())))
            .take(limit)
            .collect())
    }
}

/// Whether a document has labels other than `pN` and `preamble`.
pub(super) fn structured<'a>(mut labels: impl Iterator<Item = &'a str>) -> bool {
    labels.any(|l| {
        !(l == "preamble"
            || l.strip_prefix('p')
                .is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit())))
    })
}

/// Whether a clause's title says "Article ...".
fn is_article_title(t: &str) -> bool {
    t.trim_start()
        .get(..8)
        .is_some_and(|p| p.eq_ignore_ascii_case("article "))
}

/// Whether most of a document's titled clauses (`titled`, of which `articles` are titled
/// "Article ...") are articles: numbered by articles.
fn by_articles(titled: u32, articles: u32) -> bool {
    titled > 0 && articles * 2 > titled
}

/// The finder's catalog of an open store.
pub fn catalog_of_store(conn: &Connection) -> rusqlite::Result<cite::Catalog> {
    let mut docs: Vec<cite::DocEntry> = Vec::new();
    let mut kinds: Vec<String> = Vec::new();
    let mut index = std::collections::HashMap::new();
    let mut st = conn.prepare(
        // In corpus order (files by path, documents in order within each), as a build
        // writes them: a store that was imported into keeps its ids in the order of imports.
        "SELECT d.id, d.slug, d.title, substr(d.date, 1, 4), d.date_start, d.date_end, d.kind
         FROM documents d JOIN files f ON f.id = d.file_id ORDER BY f.path, d.line, d.id",
    )?;
    let rows = st.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, Option<String>>(3)?,
            r.get::<_, Option<String>>(4)?,
            r.get::<_, Option<String>>(5)?,
            r.get::<_, String>(6)?,
        ))
    })?;
    for r in rows {
        let (id, slug, title, year, start, end, kind) = r?;
        index.insert(id, docs.len());
        docs.push(cite::DocEntry {
            id: slug,
            title,
            year: year.and_then(|y| y.parse().ok()),
            date: start.zip(end),
            ..Default::default()
        });
        kinds.push(kind);
    }
    let mut st = conn.prepare("SELECT document_id, alias FROM document_aliases")?;
    for r in st.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))? {
        let (d, alias) = r?;
        // The title is stored among the aliases; the catalog keeps it apart.
        if let Some(&i) = index.get(&d)
            && alias != docs[i].title
        {
            docs[i].aliases.push(alias);
        }
    }
    // Labels from the (document, label) index alone, titles from the index of titled
    // clauses: neither reads the table's pages, which hold the texts (reading a million
    // clauses' titles from the table took 0.5 s, the labels from the index 0.07 s). A
    // paragraph label `pN` is kept as its number, another label as a string, and a title
    // only counted. The order within a document does not matter here: the finder keeps
    // the labels as a set, and `structured` and `by_articles` count.
    fn text<'r>(r: &'r rusqlite::Row, i: usize) -> rusqlite::Result<&'r str> {
        r.get_ref(i)?.as_str().map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
        })
    }
    let mut last: Option<(i64, usize)> = None;
    let mut doc_of = |d: i64| match last {
        Some((ld, li)) if ld == d => Some(li),
        _ => {
            let i = *index.get(&d)?;
            last = Some((d, i));
            Some(i)
        }
    };
    let mut st = conn.prepare("SELECT document_id, label FROM clauses")?;
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        let Some(i) = doc_of(r.get(0)?) else {
            continue;
        };
        let label = text(r, 1)?;
        match cite::paragraph_number(label) {
            Some(n) => docs[i].paragraphs.push(n),
            None => docs[i].clauses.push(cite::ClauseEntry {
                label: label.to_string(),
                ..Default::default()
            }),
        }
    }
    let mut titled: Vec<(u32, u32)> = vec![(0, 0); docs.len()];
    let mut st = conn.prepare("SELECT document_id, title FROM clauses WHERE title IS NOT NULL")?;
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        let Some(i) = doc_of(r.get(0)?) else {
            continue;
        };
        titled[i].0 += 1;
        titled[i].1 += u32::from(is_article_title(text(r, 1)?));
    }
    // Each document's authors, by name and every alias: a quotation is looked for first in
    // the documents of an author named beside it ("the Minister for Foreign Affairs of
    // Chile, Mr. Carlos Martínez Sotomayor, ... in the following words").
    let mut st = conn.prepare(
        "SELECT da.document_id, a.name, (SELECT group_concat(alias, char(31)) FROM actor_aliases x WHERE x.actor_id = a.id)
         FROM document_authors da JOIN actors a ON a.id = da.actor_id",
    )?;
    for r in st.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Option<String>>(2)?,
        ))
    })? {
        let (d, name, aliases) = r?;
        if let Some(&i) = index.get(&d) {
            let others: Vec<String> = aliases
                .iter()
                .flat_map(|a| a.split('\u{1f}'))
                .filter(|a| *a != name)
                .map(String::from)
                .collect();
            docs[i].authors.push(name);
            docs[i].authors.extend(others);
        }
    }
    for ((d, kind), &(titled, articles)) in docs.iter_mut().zip(&kinds).zip(&titled) {
        d.instrument =
            cite::is_instrument(kind, structured(d.clauses.iter().map(|c| c.label.as_str())));
        d.articles = by_articles(titled, articles);
    }
    let mut principles: Vec<cite::PrincipleEntry> = Vec::new();
    let mut st = conn.prepare("SELECT p.slug, p.name, x.alias FROM principles p LEFT JOIN principle_aliases x ON x.principle_id = p.id ORDER BY p.id")?;
    for r in st.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Option<String>>(2)?,
        ))
    })? {
        let (id, name, alias) = r?;
        if principles.last().is_none_or(|p| p.id != id) {
            principles.push(cite::PrincipleEntry {
                id,
                name,
                aliases: Vec::new(),
            });
        }
        if let (Some(a), Some(p)) = (alias, principles.last_mut())
            && a != p.name
        {
            p.aliases.push(a);
        }
    }
    Ok(cite::Catalog {
        documents: docs,
        principles,
    })
}

/// The word-level differences of a quotation, as stored in `citations.diff`.
pub fn diff_json(f: &Found) -> Option<String> {
    let c = f.check.as_ref()?;
    let v = serde_json::json!({
        "verdict": c.verdict.as_str(),
        "similarity": (c.similarity * 1000.0).round() / 1000.0,
        "source": c.source_text,
        "added": c.added,
        "dropped": c.dropped,
        "changed": c.changed,
    });
    let mut v = v;
    if !c.co_quoted.is_empty() {
        v["co_quoted"] = serde_json::json!(c.co_quoted);
    }
    if let Some(u) = &c.wording_until {
        v["wording_until"] = serde_json::json!(u);
    }
    Some(v.to_string())
}

/// Finds the citations in every clause of `corpus` and writes them, after
/// the curated ones (which they never duplicate). Returns how many it wrote.
///
/// With `readers` (the path of the store being built, its records committed),
/// documents are searched on that many threads, each with its own read-only
/// connection for quotation sources, while this thread writes what they find
/// in document order: the store is the same as with one thread. Without, the
/// search runs here on `conn` (an in-memory store has no second connection).
pub fn write_found(
    conn: &Connection,
    corpus: &Corpus,
    ids: &Ids,
    first_id: i64,
    readers: Option<(&Path, usize)>,
    tick: &mut dyn FnMut(usize),
) -> rusqlite::Result<usize> {
    // Read back from the store, as an import reads it: both see the same catalog.
    let catalog = catalog_of_store(conn)?;
    // The finder's own sources are left empty: each search is given a connection's.
    let finder = cite::Finder::with_sources(&catalog, cite::MemoryIndex::default());
    let mut writer = FoundWriter::new(conn, dates_of(corpus), ids, first_id, None)?;
    let mut last_file = usize::MAX;
    let mut written = |d: &Document, found: Vec<Vec<Found>>| -> rusqlite::Result<()> {
        writer.document(d, found)?;
        if d.file != last_file {
            last_file = d.file;
            tick(d.file);
        }
        Ok(())
    };
    match readers {
        Some((path, threads)) if threads > 1 && corpus.documents.len() > 1 => {
            let docs: Vec<&Document> = corpus.documents.iter().collect();
            find_parallel(&finder, &docs, path, threads, &mut written)?
        }
        _ => {
            let sources = ConnSources::new(conn);
            for d in &corpus.documents {
                written(d, find_document(&finder, &sources, d))?;
            }
        }
    }
    Ok((writer.next - first_id) as usize)
}

/// Takes what was found in a document, clause by clause.
pub(super) type Written<'a> = dyn FnMut(&Document, Vec<Vec<Found>>) -> rusqlite::Result<()> + 'a;

/// The citations found in each clause of `d`, in order.
pub(super) fn find_document<S: QuoteSources>(
    finder: &cite::Finder<S>,
    sources: &dyn QuoteSources,
    d: &Document,
) -> Vec<Vec<Found>> {
    let mut ctx = cite::Context::default();
    d.rec
        .clauses
        .iter()
        .map(|c| {
            ctx.clause = Some(c.label.clone());
            finder.find_using(sources, &d.rec.id, &c.text, &mut ctx)
        })
        .collect()
}

/// Documents are dealt round-robin to `threads` workers, each sending its
/// results through a bounded channel of its own; they are taken back in
/// document order, so memory holds a few documents' results, not the corpus's.
pub(super) fn find_parallel<S: QuoteSources + Sync>(
    finder: &cite::Finder<S>,
    docs: &[&Document],
    path: &Path,
    threads: usize,
    written: &mut Written<'_>,
) -> rusqlite::Result<()> {
    type Batch = rusqlite::Result<Vec<Vec<Found>>>;
    std::thread::scope(|s| {
        let mut inboxes = Vec::with_capacity(threads);
        for k in 0..threads {
            let (tx, rx) = std::sync::mpsc::sync_channel::<Batch>(16);
            inboxes.push(rx);
            s.spawn(move || {
                let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
                let conn = match Connection::open_with_flags(path, flags) {
                    Ok(c) => c,
                    Err(e) => {
                        let _ = tx.send(Err(e));
                        return;
                    }
                };
                let sources = ConnSources::new(&conn);
                for d in docs.iter().skip(k).step_by(threads) {
                    // The receiver is gone when writing failed: stop.
                    if tx.send(Ok(find_document(finder, &sources, d))).is_err() {
                        return;
                    }
                }
            });
        }
        for (i, d) in docs.iter().enumerate() {
            let found = inboxes[i % threads].recv().map_err(|_| {
                rusqlite::Error::UserFunctionError("a citation search thread stopped".into())
            })??;
            written(d, found)?;
        }
        Ok(())
    })
}

/// Writes found citations, skipping those a curated citation already makes,
/// repeats within a clause, and quotations of texts written later.
pub(super) struct FoundWriter<'c> {
    ins: rusqlite::Statement<'c>,
    by: rusqlite::Statement<'c>,
    curated: HashSet<CuratedPair>,
    ids: &'c Ids,
    /// (start, end) of each dated document.
    dates: Dates,
    pub(super) next: i64,
}

/// (first day, last day) of each dated document, by slug.
pub(super) type Dates = HashMap<String, (String, String)>;

/// The dates of the documents of `corpus`.
fn dates_of(corpus: &Corpus) -> Dates {
    corpus
        .documents
        .iter()
        .filter_map(|d| {
            d.rec
                .date
                .as_ref()
                .map(|dt| (d.rec.id.clone(), (dt.start.clone(), dt.end.clone())))
        })
        .collect()
}

impl<'c> FoundWriter<'c> {
    pub(super) fn new(
        conn: &'c Connection,
        dates: Dates,
        ids: &'c Ids,
        first_id: i64,
        only: Option<&[i64]>,
    ) -> rusqlite::Result<FoundWriter<'c>> {
        let ins = conn.prepare(
            "INSERT INTO citations (id, from_document_id, from_clause_id, to_document_id, to_clause_id, to_principle_id, to_label,
                                    quote, stance, source_document_id, method, confidence, span_start, span_end, diff,
                                    from_ref, to_ref, by_list, to_name)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?2, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
        )?;
        let by = conn.prepare(
            "INSERT OR IGNORE INTO citation_actors (citation_id, actor_id) VALUES (?1, ?2)",
        )?;
        Ok(FoundWriter {
            ins,
            by,
            curated: curated_pairs(conn, only)?,
            ids,
            dates,
            next: first_id,
        })
    }

    /// A text cannot quote what was written after it.
    fn later(&self, citing: &str, t: &Target) -> bool {
        match (t, self.dates.get(citing)) {
            (
                Target::Clause { doc, .. }
                | Target::DocumentLabel { doc, .. }
                | Target::Document(doc),
                Some((_, end)),
            ) => self
                .dates
                .get(doc.as_str())
                .is_some_and(|(start, _)| start.as_str() > end.as_str()),
            _ => false,
        }
    }

    /// Writes what was found in `d`, clause by clause (`found[i]` for its clause `i`).
    pub(super) fn document(
        &mut self,
        d: &Document,
        found: Vec<Vec<Found>>,
    ) -> rusqlite::Result<()> {
        let ids = self.ids;
        let doc_id = ids.documents[&d.rec.id];
        for (c, found) in d.rec.clauses.iter().zip(found) {
            let from_ref = format!("{}#{}", d.rec.id, c.label);
            let clause_id = ids.clauses[&from_ref];
            let authors = ids.makers(doc_id, Some(clause_id));
            let by_list = ids.by_list(&authors);
            let mut seen = HashSet::new();
            for f in found {
                let (to_doc, to_clause, to_principle, to_label, to_name) =
                    target_ids(&f.target, ids);
                let to_ref = target_ref(&f.target, (to_doc, to_clause, to_principle));
                let key = (
                    to_doc,
                    to_clause,
                    to_principle,
                    to_label.clone(),
                    to_name.clone(),
                );
                // A clause tagged with a principle expresses it; naming it is no citation.
                let tagged = matches!(&f.target, Target::Principle(p) if c.principles.iter().any(|r| &r.id == p));
                if tagged
                    || self
                        .curated
                        .contains(&(clause_id, to_doc, to_clause, to_principle))
                    || (f.quote.is_some() && self.later(&d.rec.id, &f.target))
                    || !seen.insert((key, f.method))
                {
                    continue;
                }
                self.next += 1;
                let next = self.next;
                let stance = if f.quote.is_some() {
                    "quotes"
                } else {
                    "mentions"
                };
                self.ins.execute(params![
                    next,
                    doc_id,
                    clause_id,
                    to_doc,
                    to_clause,
                    to_principle,
                    to_label,
                    f.quote,
                    stance,
                    f.method.as_str(),
                    (f.confidence * 1000.0).round() / 1000.0,
                    f.span.0 as i64,
                    f.span.1 as i64,
                    diff_json(&f),
                    from_ref,
                    to_ref,
                    by_list,
                    to_name
                ])?;
                for a in &authors {
                    self.by.execute(params![next, a])?;
                }
            }
        }
        Ok(())
    }
}

/// (document, clause, principle, label, name) of a found citation's target.
type TargetIds = (
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<String>,
    Option<String>,
);

fn target_ids(t: &Target, ids: &Ids) -> TargetIds {
    match t {
        Target::Document(d) => (ids.documents.get(d).copied(), None, None, None, None),
        Target::Clause { doc, label } => (
            None,
            ids.clauses.get(&format!("{doc}#{label}")).copied(),
            None,
            None,
            None,
        ),
        Target::DocumentLabel { doc, label } => (
            ids.documents.get(doc).copied(),
            None,
            None,
            Some(label.clone()),
            None,
        ),
        Target::Principle(p) => (None, None, ids.principles.get(p).copied(), None, None),
        Target::None => (None, None, None, None, None),
        Target::Unresolved { name, labels } => {
            (None, None, None, Some(labels.clone()), name.clone())
        }
    }
}

/// How a found citation's target is shown (`to_ref`), given the ids it was
/// found to have: the target's own name when it is in the store, else nothing.
fn target_ref(
    t: &Target,
    (doc, clause, principle): (Option<i64>, Option<i64>, Option<i64>),
) -> Option<String> {
    match t {
        Target::Clause { doc: d, label } if clause.is_some() => Some(format!("{d}#{label}")),
        Target::DocumentLabel { doc: d, label } if doc.is_some() => Some(format!("{d}#{label}")),
        Target::Document(d) if doc.is_some() => Some(d.clone()),
        Target::Principle(p) if principle.is_some() => Some(p.clone()),
        _ => None,
    }
}

/// A curated citation's citing clause and target (document, clause, principle).
type CuratedPair = (i64, Option<i64>, Option<i64>, Option<i64>);

/// (citing clause, target) of every curated citation (of the documents `only`, when given:
/// the ones searched), so that a found one never repeats it.
fn curated_pairs(
    conn: &Connection,
    only: Option<&[i64]>,
) -> rusqlite::Result<HashSet<CuratedPair>> {
    let row = |r: &rusqlite::Row<'_>| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?));
    let sql = "SELECT from_clause_id, to_document_id, to_clause_id, to_principle_id FROM citations
               WHERE from_clause_id IS NOT NULL AND method = 'curated'";
    let Some(docs) = only else {
        return conn.prepare(sql)?.query_map([], row)?.collect();
    };
    let mut st = conn.prepare(&format!("{sql} AND from_document_id = ?1"))?;
    let mut out = HashSet::new();
    for d in docs {
        for r in st.query_map([d], row)? {
            out.insert(r?);
        }
    }
    Ok(out)
}

/// Whether a found citation is a quotation whose words differ from its source.
pub fn is_altered(f: &Found) -> bool {
    matches!(f.method, Method::QuoteNear | Method::QuoteUnverified)
}

/// One paragraph of a draft checked by `concord verify`.
#[derive(Debug, Clone)]
pub struct Paragraph {
    /// `pN`, or the label the paragraph opens with.
    pub label: String,
    /// Line of the draft where it starts (1-based).
    pub line: usize,
    /// Byte offset in the draft where its text starts: `text` is the draft's text from there
    /// (the finder's spans are read against it).
    pub offset: usize,
    pub text: String,
    pub found: Vec<Found>,
}

impl super::Store {
    /// Finds the citations of a draft text (with or without `+++` front matter)
    /// against this store, without changing it. The draft's date is `date`, else its front
    /// matter's `date`.
    pub fn verify(
        &self,
        draft: &str,
        date: Option<crate::corpus::Date>,
    ) -> Result<Vec<Paragraph>, super::StoreError> {
        // A store in PostgreSQL is searched as a build searches it, through SQLite's
        // full-text index, on a copy in memory.
        let view = self.sqlite_view()?;
        let conn: &rusqlite::Connection = &view;
        let e = |e| super::sqlite_err(&self.path, e);
        let catalog = catalog_of_store(conn).map_err(e)?;
        let finder = cite::Finder::with_sources(&catalog, ConnSources::new(conn));
        let body_start = front_matter_end(draft);
        let body = &draft[body_start..];
        let date = date.or_else(|| front_matter_date(&draft[..body_start]));
        let mut ctx = cite::Context::default();
        ctx.date = date.map(|d| (d.start, d.end));
        let mut out = Vec::new();
        // Lines counted on from the paragraph before (paragraphs come in order): counting
        // from the top for each would be quadratic in the draft.
        let (mut counted_to, mut line) = (0, 1);
        for c in crate::corpus::cut::cut(body) {
            let offset = body_start + c.offset;
            debug_assert!(draft[offset..].starts_with(&c.text));
            if offset >= counted_to {
                line += draft[counted_to..offset].matches('\n').count();
            } else {
                line = draft[..offset].matches('\n').count() + 1;
            }
            counted_to = offset;
            let found = finder.find_with("(draft)", &c.text, &mut ctx);
            out.push(Paragraph {
                label: c.label,
                line,
                offset,
                text: c.text,
                found,
            });
        }
        Ok(out)
    }
}

/// The `date` of a `+++` front-matter block (`head`, fences included), if it gives a valid one.
fn front_matter_date(head: &str) -> Option<crate::corpus::Date> {
    let inner = head.strip_prefix("+++")?.trim_end();
    let inner = inner.strip_suffix("+++")?;
    let table: toml::Table = inner.parse().ok()?;
    let text = match table.get("date")? {
        toml::Value::String(s) => s.clone(),
        toml::Value::Datetime(d) => d.to_string(),
        toml::Value::Integer(i) => i.to_string(),
        _ => return None,
    };
    crate::corpus::Date::parse(&text)
}

/// Where the body of a text starts: after a `+++` front-matter block, if any.
fn front_matter_end(text: &str) -> usize {
    if text.lines().next().map(str::trim_end) != Some("+++") {
        return 0;
    }
    let mut pos = text.find('\n').map_or(text.len(), |i| i + 1);
    for line in text[pos..].split_inclusive('\n') {
        pos += line.len();
        if line.trim_end() == "+++" {
            return pos;
        }
    }
    0
}
