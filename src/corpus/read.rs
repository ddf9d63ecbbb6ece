//! Finding and reading corpus files.
//!
//! In: a folder or a list of paths. Out: [`SourceFile`]s in sorted path order,
//! or every file that could not be read (I/O error, invalid UTF-8, a symlink
//! loop).

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use super::{CorpusError, SourceFile};

/// The extensions a corpus is made of.
pub const EXTENSIONS: [&str; 4] = ["toml", "json", "md", "txt"];

/// Reads every corpus file under `dir`, recursively, in sorted path order,
/// skipping names that start with `.` or `_`.
pub fn read_dir(dir: &Path) -> Result<Vec<SourceFile>, Vec<CorpusError>> {
    let (files, errors) = read_dir_lossy(dir);
    if errors.is_empty() {
        Ok(files)
    } else {
        Err(errors)
    }
}

/// Reads what it can of `dir`: the files that could be read, and a problem
/// for each one that could not (so that other files can still be checked).
pub fn read_dir_lossy(dir: &Path) -> (Vec<SourceFile>, Vec<CorpusError>) {
    let mut paths = Vec::new();
    let mut errors = Vec::new();
    let mut seen = HashSet::new();
    match fs::metadata(dir) {
        Ok(m) if m.is_dir() => walk(dir, dir, &mut seen, &mut paths, &mut errors),
        Ok(_) => errors.push(CorpusError::file(
            &dir.display().to_string(),
            "not a folder",
        )),
        Err(e) => errors.push(CorpusError::file(&dir.display().to_string(), e.to_string())),
    }
    paths.sort();
    let files = read_all(dir, paths, &mut errors);
    (files, errors)
}

/// Reads the given files; their paths are kept relative to `base` when they
/// lie under it, else as given.
pub fn read_files(base: &Path, paths: &[PathBuf]) -> Result<Vec<SourceFile>, Vec<CorpusError>> {
    let mut errors = Vec::new();
    let files = read_all(base, paths.to_vec(), &mut errors);
    if errors.is_empty() {
        Ok(files)
    } else {
        Err(errors)
    }
}

fn walk(
    root: &Path,
    dir: &Path,
    seen: &mut HashSet<(u64, u64)>,
    out: &mut Vec<String>,
    errors: &mut Vec<CorpusError>,
) {
    let name = dir.display().to_string();
    // A folder is known by its device and inode, not its canonical path: resolving the path
    // of every folder costs a lookup per component of it, cubic in the depth of a deep tree.
    match fs::metadata(dir) {
        Ok(m) if !seen.insert(folder_key(&m)) => {
            let real = fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
            errors.push(CorpusError::file(
                &name,
                format!("symlink loop: this folder is {} again", real.display()),
            ));
            return;
        }
        Err(e) => {
            errors.push(CorpusError::file(&name, e.to_string()));
            return;
        }
        Ok(_) => {}
    }
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => return errors.push(CorpusError::file(&name, e.to_string())),
    };
    for entry in entries {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                errors.push(CorpusError::file(&name, e.to_string()));
                continue;
            }
        };
        let os_name = entry.file_name();
        let file_name = os_name.to_string_lossy().into_owned();
        if file_name.starts_with('.') || file_name.starts_with('_') {
            continue;
        }
        let path = entry.path();
        // A name that is not UTF-8 cannot be a path in the store (nor be read back by it).
        if os_name.to_str().is_none() {
            let dir_or_corpus =
                fs::metadata(&path).is_ok_and(|m| m.is_dir()) || has_corpus_extension(&path);
            if dir_or_corpus {
                errors.push(CorpusError::file(
                    &relative(root, &path),
                    format!(
                        "the name {:?} is not UTF-8 text; rename it (the store keeps paths as text)",
                        os_name
                    ),
                ));
            }
            continue;
        }
        // `metadata` follows symlinks, so a linked folder is walked (and a loop caught above);
        // the entry's own type (read with the folder) settles the rest without a lookup.
        let kind = match entry.file_type() {
            Ok(t) if t.is_symlink() => fs::metadata(&path).map(|m| m.is_dir()),
            Ok(t) => Ok(t.is_dir()),
            Err(e) => Err(e),
        };
        match kind {
            Ok(true) => walk(root, &path, seen, out, errors),
            Ok(false) if has_corpus_extension(&path) => out.push(relative(root, &path)),
            Ok(_) => {}
            Err(e) => errors.push(CorpusError::file(
                &relative(root, &path),
                io_message(&path, &e),
            )),
        }
    }
}

/// What went wrong opening `path`: a symlink loop or a broken symlink said
/// so, with the links followed; otherwise the system's message.
fn io_message(path: &Path, e: &std::io::Error) -> String {
    let mut chain = vec![path.to_path_buf()];
    let mut at = path.to_path_buf();
    while fs::symlink_metadata(&at).is_ok_and(|m| m.file_type().is_symlink()) {
        let Ok(target) = fs::read_link(&at) else {
            break;
        };
        let next = match at.parent() {
            Some(dir) if target.is_relative() => dir.join(&target),
            _ => target,
        };
        let show = |p: &Path| {
            p.file_name().map_or_else(
                || p.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            )
        };
        if chain.contains(&next) || chain.len() > 40 {
            chain.push(next);
            let names: Vec<String> = chain.iter().map(|p| show(p)).collect();
            return format!("symlink loop: {}", names.join(" → "));
        }
        if fs::symlink_metadata(&next).is_err() {
            return format!(
                "broken symlink: {} → {} does not exist",
                show(&at),
                next.display()
            );
        }
        chain.push(next.clone());
        at = next;
    }
    e.to_string()
}

/// What tells two folders apart on this machine.
#[cfg(unix)]
fn folder_key(m: &fs::Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (m.dev(), m.ino())
}

#[cfg(not(unix))]
fn folder_key(_: &fs::Metadata) -> (u64, u64) {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    (0, NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
}

fn has_corpus_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.contains(&e))
}

/// `path` relative to `root`, `/`-separated.
fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn read_all(
    base: &Path,
    paths: Vec<impl AsRef<Path>>,
    errors: &mut Vec<CorpusError>,
) -> Vec<SourceFile> {
    let mut files = Vec::with_capacity(paths.len());
    for p in paths {
        let p = p.as_ref();
        let full = if p.is_absolute() || base == Path::new("") {
            p.to_path_buf()
        } else {
            base.join(p)
        };
        let full = if full.exists() { full } else { p.to_path_buf() };
        let path = relative(base, p);
        match read_text(&full, &path) {
            Ok(content) => files.push(SourceFile { path, content }),
            Err(e) => errors.push(e),
        }
    }
    files
}

/// Reads a file as UTF-8; invalid UTF-8 is reported at its line and column.
// The error (a located, rendered problem) is large, but taken once per bad file.
#[allow(clippy::result_large_err)]
fn read_text(full: &Path, path: &str) -> Result<String, CorpusError> {
    let bytes = fs::read(full).map_err(|e| CorpusError::file(path, io_message(full, &e)))?;
    match String::from_utf8(bytes) {
        Ok(mut s) => {
            if s.starts_with('\u{feff}') {
                s.replace_range(..3, "");
            }
            Ok(s)
        }
        Err(e) => {
            let good = e.utf8_error().valid_up_to();
            let bytes = e.as_bytes();
            let valid = std::str::from_utf8(&bytes[..good]).unwrap_or_default();
            let line = valid.matches('\n').count() + 1;
            let column = valid.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            Err(CorpusError::at(
                path,
                line,
                column,
                format!(
                    "invalid UTF-8 (byte 0x{:02x} at offset {good}); save the file as UTF-8",
                    bytes[good]
                ),
            ))
        }
    }
}
