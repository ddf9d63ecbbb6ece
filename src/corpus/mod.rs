//! Reading a corpus: plain files → validated records.
//!
//! In: a folder (or a list of files) of `.toml`, `.json`, `.md` and `.txt`
//! files in the corpus format. Out: a [`Corpus`] whose every reference has been
//! checked, or every problem found, each with its file, line and column.
//!
//! `read` does the I/O; `parse` turns text into records; `validate` links the
//! references. Nothing here touches SQLite.

mod error;
mod extract;
mod read;
mod validate;

pub mod cut;
pub mod node;
pub mod records;

use std::ops::Range;

pub use error::{CorpusError, Problem};
pub use read::{read_dir, read_dir_lossy, read_files};
pub use records::{Actor, Citation, Clause, Date, Document, Principle, Ref, Relation};

/// A byte range in a source file.
pub type Span = Range<usize>;

/// One corpus file as read from disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Path relative to the corpus folder, with `/` separators.
    pub path: String,
    pub content: String,
}

/// A record and the index (in [`Corpus::files`]) of the file it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct At<T> {
    pub file: usize,
    pub rec: T,
}

/// Every record of a corpus, in file order then order of appearance.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Corpus {
    pub files: Vec<SourceFile>,
    pub actors: Vec<At<Actor>>,
    pub principles: Vec<At<Principle>>,
    pub documents: Vec<At<Document>>,
    pub relations: Vec<At<Relation>>,
    pub citations: Vec<At<Citation>>,
    /// Files that hold no records (a `.md` without front matter): said on stderr.
    pub skipped: Vec<String>,
}

impl Corpus {
    /// The starts of the lines of every file, to find a record's line quickly.
    pub fn line_index(&self) -> LineIndex {
        LineIndex(
            self.files
                .iter()
                .map(|f| {
                    memchr::memchr_iter(b'\n', f.content.as_bytes())
                        .map(|i| i + 1)
                        .collect()
                })
                .collect(),
        )
    }
}

/// Newline positions of each file: the line of a byte offset in O(log n).
pub struct LineIndex(Vec<Vec<usize>>);

impl LineIndex {
    /// The line (1-based) of byte `offset` in file `file`.
    pub fn line(&self, file: usize, offset: usize) -> usize {
        self.0
            .get(file)
            .map_or(1, |starts| starts.partition_point(|&s| s <= offset) + 1)
    }
}

/// The most bytes a corpus file may hold: SQLite's default limit on one
/// stored value (`SQLITE_MAX_LENGTH`), as the store keeps each file whole.
pub const MAX_FILE_BYTES: usize = 1_000_000_000;

/// Parses and validates `files` into a corpus; all problems are returned
/// together, in file order and then in order of position.
pub fn load(files: Vec<SourceFile>) -> Result<Corpus, Vec<CorpusError>> {
    let mut corpus = Corpus::default();
    let mut problems: Vec<(usize, Problem)> = Vec::new();
    for (i, file) in files.iter().enumerate() {
        if file.content.len() > MAX_FILE_BYTES {
            let p = Problem::new(
                Default::default(),
                format!(
                    "file too big to store: {} bytes, and SQLite keeps at most {} in one value \
                     (a store keeps each source file whole)",
                    file.content.len(),
                    MAX_FILE_BYTES
                ),
            )
            .help("split it into smaller files; nothing was written");
            problems.push((i, p));
            continue;
        }
        problems.extend(
            extract::extract_file(i, file, &mut corpus)
                .into_iter()
                .map(|p| (i, p)),
        );
    }
    corpus.files = files;
    problems.extend(validate::validate(&mut corpus));
    if problems.is_empty() {
        return Ok(corpus);
    }
    problems.sort_by_key(|(f, p)| (*f, p.span.start));
    Err(problems
        .into_iter()
        .map(|(f, p)| CorpusError::new(&corpus.files[f], p))
        .collect())
}

/// The records a store already holds, for checking new files against it
/// without reading its sources again (see [`load_beside`]).
#[derive(Debug, Clone, Default)]
pub struct Known {
    /// Shown where a problem points at one of these records.
    pub name: String,
    pub actors: Vec<Actor>,
    pub principles: Vec<Principle>,
    /// Documents of the store that stay (their clauses may be left out).
    pub documents: Vec<Document>,
}

/// Parses and validates `files` as if they were added to a corpus holding
/// `known`: references to its actors and principles resolve, and an id that
/// one of its documents already has is a duplicate. The result holds
/// `known`'s records first, from a file (index 0) with no content, then the
/// records of `files` (index 1 on). `Ok(None)` when `files` hold records
/// other than documents (they are then not checked).
pub fn load_beside(
    known: Known,
    files: Vec<SourceFile>,
) -> Result<Option<Corpus>, Vec<CorpusError>> {
    fn known_at<T>(recs: Vec<T>) -> Vec<At<T>> {
        recs.into_iter().map(|rec| At { file: 0, rec }).collect()
    }
    let mut corpus = Corpus {
        actors: known_at(known.actors),
        principles: known_at(known.principles),
        documents: known_at(known.documents),
        ..Corpus::default()
    };
    let mut all = Vec::with_capacity(files.len() + 1);
    all.push(SourceFile {
        path: known.name,
        content: String::new(),
    });
    all.extend(files);
    let mut problems: Vec<(usize, Problem)> = Vec::new();
    for (i, file) in all.iter().enumerate().skip(1) {
        problems.extend(
            extract::extract_file(i, file, &mut corpus)
                .into_iter()
                .map(|p| (i, p)),
        );
    }
    corpus.files = all;
    let added = |file: usize| file >= 1;
    if corpus.actors.iter().any(|a| added(a.file))
        || corpus.principles.iter().any(|p| added(p.file))
        || !corpus.relations.is_empty()
        || !corpus.citations.is_empty()
    {
        return Ok(None);
    }
    problems.extend(validate::validate(&mut corpus));
    if problems.is_empty() {
        return Ok(Some(corpus));
    }
    problems.sort_by_key(|(f, p)| (*f, p.span.start));
    Err(problems
        .into_iter()
        .map(|(f, p)| CorpusError::new(&corpus.files[f], p))
        .collect())
}

/// Reads a corpus folder and loads it; files that cannot be read are reported
/// together with the problems of the files that can.
pub fn load_dir(dir: &std::path::Path) -> Result<Corpus, Vec<CorpusError>> {
    let (files, mut errors) = read_dir_lossy(dir);
    match load(files) {
        Ok(c) if errors.is_empty() => Ok(c),
        Ok(_) => Err(errors),
        Err(more) => {
            errors.extend(more);
            errors.sort_by(|a, b| a.path.cmp(&b.path).then(a.line.cmp(&b.line)));
            Err(errors)
        }
    }
}
