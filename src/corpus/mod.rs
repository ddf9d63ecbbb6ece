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
pub use read::{read_dir, read_files};
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
    /// The line (1-based) of byte `offset` in file `file`.
    pub fn line_of(&self, file: usize, offset: usize) -> usize {
        let text = &self.files[file].content;
        let end = offset.min(text.len());
        memchr::memchr_iter(b'\n', &text.as_bytes()[..end]).count() + 1
    }
}

/// Parses and validates `files` into a corpus; all problems are returned together.
pub fn load(files: Vec<SourceFile>) -> Result<Corpus, Vec<CorpusError>> {
    let mut corpus = Corpus::default();
    let mut errors = Vec::new();
    for (i, file) in files.iter().enumerate() {
        let problems = extract::extract_file(i, file, &mut corpus);
        errors.extend(problems.into_iter().map(|p| CorpusError::new(file, p)));
    }
    corpus.files = files;
    let problems = validate::validate(&mut corpus);
    errors.extend(
        problems
            .into_iter()
            .map(|(f, p)| CorpusError::new(&corpus.files[f], p)),
    );
    if errors.is_empty() {
        Ok(corpus)
    } else {
        Err(errors)
    }
}

/// Reads a corpus folder and loads it.
pub fn load_dir(dir: &std::path::Path) -> Result<Corpus, Vec<CorpusError>> {
    load(read_dir(dir)?)
}
