//! `concord build`, `import` and `check`: corpus files into a store.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use concord::{corpus, store};

use super::add::{self, MetaArgs, Problem};

/// Text for the terminal: control characters (in file names, say) shown as escapes.
fn shown(s: &str) -> std::borrow::Cow<'_, str> {
    concord::text::escape_controls(s)
}

pub(super) fn print_errors(errors: &[corpus::CorpusError]) {
    for e in errors {
        eprintln!("{e}\n");
    }
    eprintln!(
        "error: {} problem(s) found; nothing was written",
        errors.len()
    );
}

/// The front-matter block a `.md`/`.txt` document opens with, as help text.
fn front_matter_example(file: &str) -> String {
    let stem = Path::new(file)
        .file_stem()
        .map(|s| super::add::slug(&s.to_string_lossy()))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "my-statement".into());
    format!(
        "make it a document: open it with a front-matter block, e.g.\n\
         \x20     +++\n\
         \x20     id = \"{stem}\"\n\
         \x20     title = \"Statement to the General Assembly\"\n\
         \x20     kind = \"statement\"\n\
         \x20     date = 2024-09-24\n\
         \x20     authors = [\"lavrov\"]\n\
         \x20     +++"
    )
}

/// Reads and loads a corpus folder, its plain files made documents when `meta` asks.
fn load(dir: &Path, meta: &MetaArgs) -> Result<corpus::Corpus, ExitCode> {
    let (files, mut errors) = corpus::read_dir_lossy(dir);
    let (files, made) = match super::add::plain_documents(files, meta) {
        Ok(f) => f,
        Err(problems) => {
            for e in &errors {
                eprintln!("{e}\n");
            }
            let n = problems.len() + errors.len();
            for p in &problems {
                eprintln!("{p}\n");
            }
            eprintln!("error: {n} problem(s) found; nothing was written");
            return Err(ExitCode::FAILURE);
        }
    };
    let corpus = match corpus::load(files) {
        Ok(c) if errors.is_empty() => c,
        Ok(_) => {
            print_errors(&errors);
            return Err(ExitCode::FAILURE);
        }
        Err(more) => {
            errors.extend(more);
            errors.sort_by(|a, b| a.path.cmp(&b.path).then(a.line.cmp(&b.line)));
            // A document made of a plain file is not on disk: say what it was made of.
            for e in &mut errors {
                if let Some(m) = made.iter().find(|m| m.path.to_string_lossy() == e.path) {
                    let stored = &e.path;
                    let file = stored.trim_end_matches(".md");
                    let note = format!(
                        "(`{stored}` is the document `{}` made of `{file}`, its front matter from the options and the table)",
                        m.id
                    );
                    e.help = Some(match e.help.take() {
                        Some(h) => format!("{h} {note}"),
                        None => note,
                    });
                }
            }
            print_errors(&errors);
            return Err(ExitCode::FAILURE);
        }
    };
    for s in &corpus.skipped {
        eprintln!(
            "note: skipped {}: no `+++` front matter, so not a document",
            shown(s)
        );
    }
    if corpus.documents.is_empty() {
        let dir = shown(&dir.display().to_string()).into_owned();
        eprintln!("error: {dir} holds no document: the store would be empty; nothing was written");
        if corpus.skipped.is_empty() {
            eprintln!(
                "  = help: a document is a `.md`/`.txt` file with `+++` front matter, or a `[[document]]` record (docs/corpus-format.md)"
            );
        } else {
            eprintln!(
                "  = help: {} file(s) have no front matter; to make plain files documents, give their metadata: `--defaults kind=statement` (ids from the file names, titles from their first lines), or `--meta TABLE.csv` (a row per file: file,id,title,author,date); or {}",
                corpus.skipped.len(),
                front_matter_example(
                    corpus
                        .skipped
                        .iter()
                        .find(|s| !s.to_lowercase().contains("readme"))
                        .unwrap_or(&corpus.skipped[0])
                )
            );
        }
        return Err(ExitCode::FAILURE);
    }
    Ok(corpus)
}

pub fn build(dir: &Path, out: &Path, meta: &MetaArgs) -> ExitCode {
    let corpus = match load(dir, meta) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let mut bar = progress::Bar::new("building");
    match store::build(&corpus, Some(dir), out, &mut |d, t| bar.update(d, t)) {
        Ok(stats) => {
            bar.finish();
            eprintln!("built {}: {}", store::display_name(out), summary(&stats));
            ExitCode::SUCCESS
        }
        Err(e) => {
            bar.finish();
            eprintln!("error: {}", shown(&e.to_string()));
            ExitCode::FAILURE
        }
    }
}

/// `concord import FILE... --db STORE`: corpus files only. A file that is not one (no front
/// matter, empty, another extension) or is given twice is an error, and nothing is written.
pub fn import(files: &[PathBuf], db: &Path) -> ExitCode {
    let mut problems = Vec::new();
    let mut seen: HashMap<PathBuf, String> = HashMap::new();
    let db_shown = store::display_name(db).to_string();
    for f in files {
        let name = f.display().to_string();
        // A file that cannot be opened is left to the import, which says why (a broken
        // link, a symlink loop) as a build does.
        let Ok(canonical) = std::fs::canonicalize(f) else {
            continue;
        };
        if let Some(first) = seen.get(&canonical) {
            problems.push(
                Problem::new(&name, format!("given twice (also as {first})"))
                    .help("name each file once"),
            );
            continue;
        }
        seen.insert(canonical, name.clone());
        let ext = f
            .extension()
            .map(|e| e.to_string_lossy().into_owned())
            .unwrap_or_default();
        if !CORPUS_EXTENSIONS.contains(&ext.as_str()) {
            let what = if ext.is_empty() {
                "no extension".to_string()
            } else {
                format!("unknown extension `.{ext}`")
            };
            let help = if concord::ingest::format_of(f).is_ok() {
                format!(
                    "`concord import` reads corpus files (.toml, .json, .md, .txt with front matter); add this one as a document: concord add {name} --db {db_shown} --title \"…\" --author ACTOR"
                )
            } else {
                "`concord import` reads corpus files: .toml, .json, and .md or .txt with front matter (docs/corpus-format.md)".to_string()
            };
            problems.push(Problem::new(&name, format!("not a corpus file: {what}")).help(help));
            continue;
        }
        let Ok(bytes) = std::fs::read(f) else {
            continue;
        };
        let text = String::from_utf8_lossy(&bytes);
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        if text.trim().is_empty() {
            problems.push(
                Problem::new(&name, "the file is empty")
                    .help("give a file with records or a document in it"),
            );
            continue;
        }
        if matches!(ext.as_str(), "md" | "txt") && !add::has_front_matter(&bytes) {
            problems.push(
                Problem::new(&name, "not a document: no `+++` front matter")
                    .help(format!(
                        "{}\n    or add the file as it is, its metadata as options: concord add {name} --db {db_shown} --title \"…\" --author ACTOR",
                        front_matter_example(&name)
                    )),
            );
        }
    }
    if !problems.is_empty() {
        add::print_problems(&problems);
        return ExitCode::FAILURE;
    }
    let mut bar = progress::Bar::new("importing");
    let result = store::import(db, files, &mut |d, t| bar.update(d, t));
    bar.finish();
    report_import(
        result,
        &format!(
            "imported {} into {}",
            counted(files.len(), "file"),
            store::display_name(db)
        ),
        "added ",
    )
}

/// What an import did, or why it failed. `what` says what was done (`imported 2 files into
/// osce.db`); `added` introduces the counts of an import in place (`added `, or nothing where
/// `what` says it already).
fn report_import(
    result: Result<store::BuildStats, store::BuildError>,
    what: &str,
    added: &str,
) -> ExitCode {
    match result {
        Ok(stats) if stats.in_place => {
            let how = if stats.copied {
                " (written into a copy of the store, small beside the files)"
            } else {
                ""
            };
            eprintln!("{what} in place{how}: {added}{}", summary(&stats));
            ExitCode::SUCCESS
        }
        Ok(stats) => {
            eprintln!(
                "{what}, rebuilt from its sources (the files hold more than documents): {}",
                summary(&stats)
            );
            ExitCode::SUCCESS
        }
        Err(store::BuildError::Corpus(errors)) => {
            print_errors(&errors);
            ExitCode::FAILURE
        }
        Err(store::BuildError::Store(e)) => {
            eprintln!("error: {}", shown(&e.to_string()));
            ExitCode::FAILURE
        }
    }
}

/// The extensions of corpus files (`concord import` reads these).
const CORPUS_EXTENSIONS: [&str; 4] = ["toml", "json", "md", "txt"];

/// `concord add FILE... --db STORE`: documents made of files without front matter, checked
/// against the store, imported together (or written to `to`).
pub fn add(req: &add::AddRequest<'_>, db: &Path, to: Option<&Path>) -> ExitCode {
    let opened = match store::Store::open(db) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {}", shown(&e.to_string()));
            if matches!(e, store::StoreError::Missing(_)) {
                eprintln!(
                    "  = help: `concord add` adds to a store that holds the authors; build one first: concord build CORPUS -o {}",
                    store::display_name(db)
                );
            }
            return ExitCode::FAILURE;
        }
    };
    let catalog = match opened.catalog() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {}", shown(&e.to_string()));
            return ExitCode::FAILURE;
        }
    };
    let made = match add::add_documents(req, &add::Actors::new(catalog)) {
        Ok(m) => m,
        Err(problems) => {
            add::print_problems(&problems);
            return ExitCode::FAILURE;
        }
    };
    // An id the store holds already, from another source, is taken.
    let mut problems = Vec::new();
    let root = stored_root(&opened);
    for m in &made {
        let key = import_key(root.as_deref(), &m.path);
        match opened.document_source(&m.id) {
            Ok(Some(path)) if path != key => problems.push(
                Problem::new(
                    m.path.display().to_string(),
                    format!("the id `{}` is taken: the store has it from {path}", m.id),
                )
                .help("give another id (--id, or the table's `id` column); adding the same file again replaces it"),
            ),
            Ok(_) => {}
            Err(e) => problems.push(Problem::new(store::display_name(db).to_string(), e.to_string())),
        }
    }
    drop(opened);
    if !problems.is_empty() {
        add::print_problems(&problems);
        return ExitCode::FAILURE;
    }
    if let Some(dir) = to {
        return write_to(dir, &made);
    }
    let n = made.len();
    let keys: Vec<(String, String)> = made
        .iter()
        .map(|m| (import_key(root.as_deref(), &m.path), m.id.clone()))
        .collect();
    let incoming = made.into_iter().map(|m| (m.path, m.text)).collect();
    let mut bar = progress::Bar::new("adding");
    let mut result = store::import_sources(db, incoming, &mut |d, t| bar.update(d, t));
    bar.finish();
    // A document made by `add` is not on disk: say what it was made of.
    if let Err(store::BuildError::Corpus(errors)) = &mut result {
        for e in errors.iter_mut() {
            if let Some((stored, id)) = keys.iter().find(|(k, _)| *k == e.path) {
                let note = format!(
                    "(`{stored}` is the document `{id}` that `concord add` made of `{}`)",
                    stored.trim_end_matches(".md")
                );
                e.help = Some(match e.help.take() {
                    Some(h) => format!("{h} {note}"),
                    None => note,
                });
            }
        }
    }
    report_import(
        result,
        &format!(
            "added {} to {}",
            counted(n, "document"),
            store::display_name(db)
        ),
        "",
    )
}

/// `add --to DIR`: the corpus files written into DIR, none over an existing file.
fn write_to(dir: &Path, made: &[add::Made]) -> ExitCode {
    let target = |m: &add::Made| dir.join(m.path.file_name().unwrap_or(m.path.as_os_str()));
    let mut problems = Vec::new();
    let mut names = HashSet::new();
    for m in made {
        let t = target(m);
        if t.exists() {
            problems.push(
                Problem::new(t.display().to_string(), "exists already")
                    .help("remove it, or write into another folder"),
            );
        } else if !names.insert(t.clone()) {
            problems.push(Problem::new(
                t.display().to_string(),
                "two of the files have this name",
            ));
        }
    }
    if !problems.is_empty() {
        add::print_problems(&problems);
        return ExitCode::FAILURE;
    }
    if let Err(e) = std::fs::create_dir_all(dir) {
        eprintln!("error: {}: {e}", dir.display());
        return ExitCode::FAILURE;
    }
    for m in made {
        let t = target(m);
        if let Err(e) = std::fs::write(&t, &m.text) {
            eprintln!("error: {}: {e}", t.display());
            return ExitCode::FAILURE;
        }
        eprintln!("wrote {}", shown(&t.display().to_string()));
    }
    ExitCode::SUCCESS
}

/// The corpus folder the store was built from, as it records it.
fn stored_root(s: &store::Store) -> Option<PathBuf> {
    s.meta_value("corpus_root")
        .ok()
        .flatten()
        .map(PathBuf::from)
}

/// The key `concord import` stores `p` under: relative to the store's corpus folder when it
/// lies there, else its full path (a path that does not exist is keyed by its folder's).
fn import_key(root: Option<&Path>, p: &Path) -> String {
    let full = std::fs::canonicalize(p).unwrap_or_else(|_| match (p.parent(), p.file_name()) {
        (Some(dir), Some(name)) => {
            let dir = if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                dir
            };
            std::fs::canonicalize(dir).map_or_else(|_| p.to_path_buf(), |d| d.join(name))
        }
        _ => p.to_path_buf(),
    });
    let rel = full
        .strip_prefix(root.unwrap_or(Path::new("")))
        .unwrap_or(&full);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
        .replace("//", "/")
}

pub fn check(dir: &Path, meta: &MetaArgs) -> ExitCode {
    match load(dir, meta) {
        Ok(c) => {
            let clauses: usize = c.documents.iter().map(|d| d.rec.clauses.len()).sum();
            eprintln!(
                "ok: {} files, {} documents, {} clauses, {} actors, {} principles, {} relations, {} citations",
                c.files.len(),
                c.documents.len(),
                clauses,
                c.actors.len(),
                c.principles.len(),
                c.relations.len(),
                c.citations.len()
            );
            ExitCode::SUCCESS
        }
        Err(code) => code,
    }
}

/// `concord check --db FILE.db`: every problem of the store, exit 1 if any.
pub fn check_store(db: &Path) -> ExitCode {
    match store::verify(db) {
        Ok(problems) if problems.is_empty() => {
            eprintln!(
                "ok: {}: integrity, foreign keys, full-text index, stored summaries, derived tables and source checksums agree",
                store::display_name(db)
            );
            ExitCode::SUCCESS
        }
        Ok(problems) => {
            for p in &problems {
                eprintln!("error: {}: {p}", store::display_name(db));
            }
            eprintln!(
                "error: {} problem(s) in {}; rebuild it from the corpus with `concord build CORPUS -o {}`",
                problems.len(),
                store::display_name(db),
                store::display_name(db)
            );
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn summary(s: &store::BuildStats) -> String {
    let c = &s.counts;
    format!(
        "{}, {}, {}, {}, {}, {} curated and {} ({} of text) in {:.2} s",
        counted(c.documents, "document"),
        counted(c.clauses, "clause"),
        counted(c.actors, "actor"),
        counted(c.principles, "principle"),
        counted(c.relations, "relation"),
        c.citations,
        counted(c.found, "found citation"),
        bytes(c.text_bytes),
        s.seconds
    )
}

/// `1 document`, `2 documents`, `0 documents`.
fn counted(n: usize, noun: &str) -> String {
    format!("{n} {}", super::run::plural(n, noun))
}

/// `1.2 MB`, `34 kB`, `512 B`.
fn bytes(n: usize) -> String {
    match n {
        0..1_000 => format!("{n} B"),
        1_000..1_000_000 => format!("{:.0} kB", n as f64 / 1e3),
        _ => format!("{:.1} MB", n as f64 / 1e6),
    }
}

mod progress {
    //! A progress bar on stderr that appears only when work takes more than a moment.
    use std::time::{Duration, Instant};

    use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

    pub struct Bar {
        bar: Option<ProgressBar>,
        started: Instant,
        what: &'static str,
    }

    impl Bar {
        pub fn new(what: &'static str) -> Bar {
            Bar {
                bar: None,
                started: Instant::now(),
                what,
            }
        }

        pub fn update(&mut self, done: usize, total: usize) {
            if self.bar.is_none()
                && self.started.elapsed() > Duration::from_millis(500)
                && done < total
            {
                let bar =
                    ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
                let style =
                    ProgressStyle::with_template("{msg} {bar:30} {pos}/{len} files, {elapsed}")
                        .unwrap_or_else(|_| ProgressStyle::default_bar());
                bar.set_style(style);
                bar.set_message(self.what);
                self.bar = Some(bar);
            }
            if let Some(b) = &self.bar {
                b.set_position(done as u64);
            }
        }

        pub fn finish(&mut self) {
            if let Some(b) = self.bar.take() {
                b.finish_and_clear();
            }
        }
    }
}
