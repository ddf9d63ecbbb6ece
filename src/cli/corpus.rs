//! `concord build`, `import` and `check`: corpus files into a store.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use concord::{corpus, store};

/// Text for the terminal: control characters (in file names, say) shown as escapes.
fn shown(s: &str) -> std::borrow::Cow<'_, str> {
    concord::text::escape_controls(s)
}

fn print_errors(errors: &[corpus::CorpusError]) {
    for e in errors {
        eprintln!("{e}\n");
    }
    eprintln!(
        "error: {} problem(s) found; nothing was written",
        errors.len()
    );
}

fn load(dir: &Path) -> Result<corpus::Corpus, ExitCode> {
    let corpus = corpus::load_dir(dir).map_err(|errors| {
        print_errors(&errors);
        ExitCode::FAILURE
    })?;
    for s in &corpus.skipped {
        eprintln!(
            "note: skipped {}: no `+++` front matter, so not a document",
            shown(s)
        );
    }
    Ok(corpus)
}

pub fn build(dir: &Path, out: &Path) -> ExitCode {
    let corpus = match load(dir) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let mut bar = progress::Bar::new("building");
    match store::build(&corpus, Some(dir), out, &mut |d, t| bar.update(d, t)) {
        Ok(stats) => {
            bar.finish();
            eprintln!("built {}: {}", out.display(), summary(&stats));
            ExitCode::SUCCESS
        }
        Err(e) => {
            bar.finish();
            eprintln!("error: {}", shown(&e.to_string()));
            ExitCode::FAILURE
        }
    }
}

pub fn import(files: &[PathBuf], db: &Path) -> ExitCode {
    let mut bar = progress::Bar::new("importing");
    match store::import(db, files, &mut |d, t| bar.update(d, t)) {
        Ok(stats) if stats.in_place => {
            bar.finish();
            eprintln!(
                "imported {} file(s) into {} in place: added {}",
                files.len(),
                db.display(),
                summary(&stats)
            );
            ExitCode::SUCCESS
        }
        Ok(stats) => {
            bar.finish();
            eprintln!(
                "imported {} file(s) into {}, rebuilt from its sources (the files hold more than documents): {}",
                files.len(),
                db.display(),
                summary(&stats)
            );
            ExitCode::SUCCESS
        }
        Err(store::BuildError::Corpus(errors)) => {
            bar.finish();
            print_errors(&errors);
            ExitCode::FAILURE
        }
        Err(store::BuildError::Store(e)) => {
            bar.finish();
            eprintln!("error: {}", shown(&e.to_string()));
            ExitCode::FAILURE
        }
    }
}

pub fn check(dir: &Path) -> ExitCode {
    match load(dir) {
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
                db.display()
            );
            ExitCode::SUCCESS
        }
        Ok(problems) => {
            for p in &problems {
                eprintln!("error: {}: {p}", db.display());
            }
            eprintln!(
                "error: {} problem(s) in {}; rebuild it from the corpus with `concord build CORPUS -o {}`",
                problems.len(),
                db.display(),
                db.display()
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
        "{} documents, {} clauses, {} actors, {} principles, {} relations, {} curated and {} found citations ({} of text) in {:.2} s",
        c.documents,
        c.clauses,
        c.actors,
        c.principles,
        c.relations,
        c.citations,
        c.found,
        bytes(c.text_bytes),
        s.seconds
    )
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
