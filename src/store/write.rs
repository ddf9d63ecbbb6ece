//! Writing a validated corpus into an empty store, inside the caller's transaction.
//!
//! Row ids follow the corpus order (files in sorted path order, records in
//! order of appearance), so building the same corpus twice gives the same rows.

use std::collections::{HashMap, HashSet};

use rusqlite::{Connection, params};

use crate::corpus::{Corpus, LineIndex, cut::parent_label};
use crate::fold::fold;

/// Row counts of a written store.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub files: usize,
    pub documents: usize,
    pub clauses: usize,
    pub actors: usize,
    pub principles: usize,
    pub relations: usize,
    /// Curated citations (written in the corpus).
    pub citations: usize,
    /// Citations found in the text.
    pub found: usize,
    /// Bytes of clause text.
    pub text_bytes: usize,
}

/// Slug → row id maps of the written records.
#[derive(Default)]
pub struct Ids {
    pub actors: HashMap<String, i64>,
    pub principles: HashMap<String, i64>,
    pub documents: HashMap<String, i64>,
    /// `doc#label` → clause row id.
    pub clauses: HashMap<String, i64>,
    /// Authors of each document (default `by` of its citations).
    pub authors: HashMap<i64, Vec<i64>>,
    /// The speaker of each clause in a transcript's turn (none: nobody in the corpus); the
    /// default `by` of the citations made in it.
    pub speakers: HashMap<i64, Vec<i64>>,
    /// The slug of each actor, by row id (`actor_slugs[id - 1]`).
    pub actor_slugs: Vec<String>,
}

impl Ids {
    /// Who makes a citation from clause `clause` of document `doc` when the citation does not
    /// say: the clause's speaker in a transcript's turn, else the document's authors.
    pub fn makers(&self, doc: i64, clause: Option<i64>) -> Vec<i64> {
        match clause.and_then(|c| self.speakers.get(&c)) {
            Some(speaker) => speaker.clone(),
            None => self.authors.get(&doc).cloned().unwrap_or_default(),
        }
    }

    /// A citation's `by_list`: the slugs of `actors` (see [`shown_list`]).
    pub fn by_list(&self, actors: &[i64]) -> Option<String> {
        shown_list(
            actors
                .iter()
                .map(|&a| self.actor_slugs[a as usize - 1].as_str()),
        )
    }
}

/// A list as stored for display (a clause's `principle_list`, a citation's
/// `by_list`): the slugs, sorted (as SQLite's BINARY collation sorts), each
/// once, joined with ', '; `None` for none.
pub(super) fn shown_list<'a>(slugs: impl Iterator<Item = &'a str>) -> Option<String> {
    let mut slugs: Vec<&str> = slugs.collect();
    slugs.sort_unstable();
    slugs.dedup();
    (!slugs.is_empty()).then(|| slugs.join(", "))
}

/// Writes every record of `corpus`; `tick` is called after each file's worth of work.
pub fn write_corpus(
    conn: &Connection,
    corpus: &Corpus,
    tick: &mut dyn FnMut(usize),
) -> rusqlite::Result<(Counts, Ids)> {
    let mut ids = Ids::default();
    let lines = corpus.line_index();
    let mut counts = Counts {
        files: corpus.files.len(),
        ..Counts::default()
    };
    let mut st = conn.prepare("INSERT INTO files (id, path, content) VALUES (?1, ?2, ?3)")?;
    for (i, f) in corpus.files.iter().enumerate() {
        st.execute(params![i as i64 + 1, f.path, f.content])?;
    }
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2)",
        params![
            super::check::CHECKSUMS_KEY,
            super::check::checksums(corpus.files.iter().map(|f| f.content.as_str()))
        ],
    )?;
    write_actors(conn, corpus, &lines, &mut ids)?;
    write_principles(conn, corpus, &lines, &mut ids)?;
    counts.actors = ids.actors.len();
    counts.principles = ids.principles.len();
    write_documents(conn, corpus, &lines, &mut ids, &mut counts, tick)?;
    counts.relations = write_relations(conn, corpus, &lines, &ids)?;
    counts.citations = write_citations(conn, corpus, &lines, &ids)?;
    Ok((counts, ids))
}

fn line(lines: &LineIndex, file: usize, offset: usize) -> i64 {
    lines.line(file, offset) as i64
}

fn write_actors(
    conn: &Connection,
    corpus: &Corpus,
    lines: &LineIndex,
    ids: &mut Ids,
) -> rusqlite::Result<()> {
    let mut ins = conn.prepare("INSERT INTO actors (id, slug, name, kind, role, file_id, line) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")?;
    let mut alias = conn.prepare(
        "INSERT OR IGNORE INTO actor_aliases (actor_id, alias, folded) VALUES (?1, ?2, ?3)",
    )?;
    for (n, a) in corpus.actors.iter().enumerate() {
        let id = n as i64 + 1;
        let r = &a.rec;
        ins.execute(params![
            id,
            r.id,
            r.name,
            r.kind,
            r.role,
            a.file as i64 + 1,
            line(lines, a.file, r.span.start)
        ])?;
        for name in std::iter::once(&r.name).chain(&r.aliases) {
            alias.execute(params![id, name, crate::fold::name_key(name)])?;
        }
        ids.actors.insert(r.id.clone(), id);
        ids.actor_slugs.push(r.id.clone());
    }
    let mut member =
        conn.prepare("INSERT OR IGNORE INTO memberships (member_id, group_id) VALUES (?1, ?2)")?;
    let mut repr = conn.prepare(
        "INSERT OR IGNORE INTO representations (actor_id, represented_id) VALUES (?1, ?2)",
    )?;
    for a in &corpus.actors {
        let me = ids.actors[&a.rec.id];
        for g in &a.rec.member_of {
            member.execute(params![me, ids.actors[&g.id]])?;
        }
        for g in &a.rec.represents {
            repr.execute(params![me, ids.actors[&g.id]])?;
        }
    }
    Ok(())
}

fn write_principles(
    conn: &Connection,
    corpus: &Corpus,
    lines: &LineIndex,
    ids: &mut Ids,
) -> rusqlite::Result<()> {
    let mut ins = conn.prepare("INSERT INTO principles (id, slug, name, description, file_id, line) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")?;
    let mut alias = conn.prepare(
        "INSERT OR IGNORE INTO principle_aliases (principle_id, alias, folded) VALUES (?1, ?2, ?3)",
    )?;
    for (n, p) in corpus.principles.iter().enumerate() {
        let id = n as i64 + 1;
        let r = &p.rec;
        ins.execute(params![
            id,
            r.id,
            r.name,
            r.description,
            p.file as i64 + 1,
            line(lines, p.file, r.span.start)
        ])?;
        for name in std::iter::once(&r.name).chain(&r.aliases) {
            alias.execute(params![id, name, crate::fold::name_key(name)])?;
        }
        ids.principles.insert(r.id.clone(), id);
    }
    Ok(())
}

fn write_documents(
    conn: &Connection,
    corpus: &Corpus,
    lines: &LineIndex,
    ids: &mut Ids,
    counts: &mut Counts,
    tick: &mut dyn FnMut(usize),
) -> rusqlite::Result<()> {
    let all: Vec<(i64, usize)> = (0..corpus.documents.len())
        .map(|n| (n as i64 + 1, n))
        .collect();
    let placed = Placement {
        docs: &all,
        last_clause_id: 0,
        file_id: &|f| f as i64 + 1,
    };
    write_some_documents(conn, corpus, lines, ids, counts, tick, &placed)?;
    counts.documents = corpus.documents.len();
    Ok(())
}

/// Where [`write_some_documents`] puts documents: their row ids, after which
/// clause id their clauses are numbered, and the `files` row of each corpus file.
pub(super) struct Placement<'a> {
    /// `(row id, index in corpus.documents)` of each document to write.
    pub docs: &'a [(i64, usize)],
    pub last_clause_id: i64,
    /// The `files.id` of the corpus file at an index (a build: the index + 1).
    pub file_id: &'a dyn Fn(usize) -> i64,
}

/// Writes the documents `at.docs` of `corpus`, their clauses numbered from
/// `at.last_clause_id + 1` on.
pub(super) fn write_some_documents(
    conn: &Connection,
    corpus: &Corpus,
    lines: &LineIndex,
    ids: &mut Ids,
    counts: &mut Counts,
    tick: &mut dyn FnMut(usize),
    at: &Placement<'_>,
) -> rusqlite::Result<()> {
    let docs = at.docs;
    let mut ins = conn.prepare(
        "INSERT INTO documents (id, slug, title, kind, date, date_start, date_end, place, language, source, excerpt, file_id, line)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?;
    let mut alias = conn.prepare(
        "INSERT OR IGNORE INTO document_aliases (document_id, alias, folded) VALUES (?1, ?2, ?3)",
    )?;
    let mut author = conn.prepare("INSERT OR IGNORE INTO document_authors (document_id, actor_id, position) VALUES (?1, ?2, ?3)")?;
    let mut clause = conn.prepare(
        "INSERT INTO clauses (id, document_id, label, parent_id, position, title, text, line, principle_list, speaker, speaker_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?;
    let mut wording = conn.prepare(
        "INSERT INTO clause_wordings (clause_id, position, text, until) VALUES (?1, ?2, ?3, ?4)",
    )?;
    let mut tag = conn.prepare(
        "INSERT OR IGNORE INTO clause_principles (clause_id, principle_id) VALUES (?1, ?2)",
    )?;
    let mut clause_id = at.last_clause_id;
    let mut last_file = usize::MAX;
    for &(id, n) in docs {
        let d = &corpus.documents[n];
        let r = &d.rec;
        let (date, start, end) = match &r.date {
            Some(dt) => (Some(&dt.text), Some(&dt.start), Some(&dt.end)),
            None => (None, None, None),
        };
        let file_id = (at.file_id)(d.file);
        ins.execute(params![
            id,
            r.id,
            r.title,
            fold(r.kind.trim()),
            date,
            start,
            end,
            r.place,
            r.language,
            r.source,
            r.excerpt,
            file_id,
            line(lines, d.file, r.span.start)
        ])?;
        for name in std::iter::once(&r.title).chain(&r.aliases) {
            alias.execute(params![id, name, crate::fold::name_key(name)])?;
        }
        let mut authors = Vec::new();
        for (pos, a) in r.authors.iter().enumerate() {
            let actor = ids.actors[&a.id];
            author.execute(params![id, actor, pos as i64 + 1])?;
            authors.push(actor);
        }
        ids.authors.insert(id, authors);
        ids.documents.insert(r.id.clone(), id);
        let known: HashSet<&str> = r.clauses.iter().map(|c| c.label.as_str()).collect();
        let mut local: HashMap<&str, i64> = HashMap::new();
        for (pos, c) in r.clauses.iter().enumerate() {
            clause_id += 1;
            local.insert(&c.label, clause_id);
            let parent = parent_label(&c.label, &known).and_then(|l| local.get(l).copied());
            let ln = line(lines, d.file, c.span.start);
            clause.execute(params![
                clause_id,
                id,
                c.label,
                parent,
                pos as i64 + 1,
                c.title,
                c.text,
                ln,
                shown_list(c.principles.iter().map(|p| p.id.as_str())),
                c.turn.as_ref().map(|t| &t.label),
                c.turn
                    .as_ref()
                    .and_then(|t| t.actor.as_ref())
                    .map(|a| ids.actors[a])
            ])?;
            for (k, w) in c.earlier.iter().enumerate() {
                wording.execute(params![clause_id, k as i64 + 1, w.text, w.until.end])?;
            }
            if let Some(t) = &c.turn {
                ids.speakers
                    .insert(clause_id, t.actor.iter().map(|a| ids.actors[a]).collect());
            }
            for p in &c.principles {
                tag.execute(params![clause_id, ids.principles[&p.id]])?;
            }
            ids.clauses
                .insert(format!("{}#{}", r.id, c.label), clause_id);
            counts.text_bytes += c.text.len();
        }
        counts.clauses += r.clauses.len();
        if d.file != last_file {
            last_file = d.file;
            tick(d.file);
        }
    }
    // A parent written after its child (e.g. `8.1` listed before `8`) is linked now.
    fix_late_parents(conn, corpus, ids, docs)?;
    Ok(())
}

fn fix_late_parents(
    conn: &Connection,
    corpus: &Corpus,
    ids: &Ids,
    docs: &[(i64, usize)],
) -> rusqlite::Result<()> {
    let mut upd =
        conn.prepare("UPDATE clauses SET parent_id = ?1 WHERE id = ?2 AND parent_id IS NULL")?;
    for d in docs.iter().map(|&(_, n)| &corpus.documents[n]) {
        let known: HashSet<&str> = d.rec.clauses.iter().map(|c| c.label.as_str()).collect();
        for c in &d.rec.clauses {
            if let Some(p) = parent_label(&c.label, &known) {
                let key = |l: &str| ids.clauses[&format!("{}#{}", d.rec.id, l)];
                upd.execute(params![key(p), key(&c.label)])?;
            }
        }
    }
    Ok(())
}

fn write_relations(
    conn: &Connection,
    corpus: &Corpus,
    lines: &LineIndex,
    ids: &Ids,
) -> rusqlite::Result<usize> {
    let mut ins = conn.prepare("INSERT INTO relations (from_id, type, to_id, note, file_id, line) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")?;
    for r in &corpus.relations {
        let x = &r.rec;
        ins.execute(params![
            ids.documents[&x.from.id],
            x.rtype,
            ids.documents[&x.to.id],
            x.note,
            r.file as i64 + 1,
            line(lines, r.file, x.span.start)
        ])?;
    }
    Ok(corpus.relations.len())
}

/// What a citation end names, as row ids.
enum End {
    Clause(i64, i64),
    Document(i64),
    Principle(i64),
}

fn end(id: &str, ids: &Ids) -> End {
    match id.split_once('#') {
        Some((doc, _)) => End::Clause(ids.documents[doc], ids.clauses[id]),
        None => match ids.documents.get(id) {
            Some(d) => End::Document(*d),
            None => End::Principle(ids.principles[id]),
        },
    }
}

fn write_citations(
    conn: &Connection,
    corpus: &Corpus,
    lines: &LineIndex,
    ids: &Ids,
) -> rusqlite::Result<usize> {
    let mut ins = conn.prepare(
        "INSERT INTO citations (id, from_document_id, from_clause_id, to_document_id, to_clause_id, to_principle_id,
                                quote, stance, source_document_id, method, confidence, note, file_id, line,
                                from_ref, to_ref, by_list)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'curated', 1.0, ?10, ?11, ?12, ?13, ?14, ?15)",
    )?;
    let mut by = conn
        .prepare("INSERT OR IGNORE INTO citation_actors (citation_id, actor_id) VALUES (?1, ?2)")?;
    for (n, c) in corpus.citations.iter().enumerate() {
        let id = n as i64 + 1;
        let x = &c.rec;
        let (from_doc, from_clause) = match end(&x.from.id, ids) {
            End::Clause(d, c) => (d, Some(c)),
            End::Document(d) => (d, None),
            End::Principle(_) => {
                unreachable!("validation admits only clauses and documents as citation sources")
            }
        };
        let (to_doc, to_clause, to_principle) = match end(&x.to.id, ids) {
            End::Clause(_, c) => (None, Some(c), None),
            End::Document(d) => (Some(d), None, None),
            End::Principle(p) => (None, None, Some(p)),
        };
        let source = x.source.as_ref().map_or(from_doc, |s| ids.documents[&s.id]);
        let ln = line(lines, c.file, x.span.start);
        let actors: Vec<i64> = match &x.by {
            Some(list) => list.iter().map(|a| ids.actors[&a.id]).collect(),
            None => ids.makers(from_doc, from_clause),
        };
        // Both ends are validated ids: `doc#label`, a document or a principle.
        ins.execute(params![
            id,
            from_doc,
            from_clause,
            to_doc,
            to_clause,
            to_principle,
            x.quote,
            fold_stance(&x.stance),
            source,
            x.note,
            c.file as i64 + 1,
            ln,
            x.from.id,
            x.to.id,
            ids.by_list(&actors)
        ])?;
        for a in actors {
            by.execute(params![id, a])?;
        }
    }
    Ok(corpus.citations.len())
}

/// Stances are words compared case-insensitively; they are stored folded.
fn fold_stance(s: &str) -> String {
    fold(s.trim())
}
