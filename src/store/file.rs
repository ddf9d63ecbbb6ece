//! What a path given as a store is, before SQLite is let near it.
//!
//! SQLite opens whatever it is given: a FIFO blocks the open for ever, a
//! directory gives `disk I/O error`, `/dev/null` and an empty file read as
//! an empty database, and a `-wal` file lying beside a database is replayed
//! into it, whoever wrote it. So every path is looked at first: symlinks are
//! followed to the file they name, anything but a regular file is refused,
//! and so is a write-ahead log beside a store that does not use one.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::StoreError;

/// Symlinks followed before giving up (as Linux does).
const MAX_LINKS: usize = 40;

/// The file a path names, symlinks followed (the last one may name nothing
/// yet: a build creates it). Relative link targets are read from the link's
/// folder.
pub(crate) fn resolve(path: &Path) -> Result<PathBuf, StoreError> {
    let mut cur = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match fs::symlink_metadata(&cur) {
            Ok(m) if m.file_type().is_symlink() => {
                let target = fs::read_link(&cur).map_err(|e| StoreError::Io {
                    path: cur.clone(),
                    source: e,
                })?;
                cur = match cur.parent() {
                    Some(dir) if target.is_relative() => dir.join(target),
                    _ => target,
                };
            }
            _ => return Ok(cur),
        }
    }
    Err(StoreError::NotAFile(
        path.to_path_buf(),
        "a symlink loop (more than 40 links)",
    ))
}

/// What is at `path` (symlinks followed): `None` when nothing is, else its
/// length; anything but a regular file is refused.
pub(crate) fn regular_file(path: &Path) -> Result<Option<u64>, StoreError> {
    let m = match fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(StoreError::Io {
                path: path.to_path_buf(),
                source: e,
            });
        }
    };
    if m.is_file() {
        return Ok(Some(m.len()));
    }
    Err(StoreError::NotAFile(path.to_path_buf(), kind_of(&m)))
}

fn kind_of(m: &fs::Metadata) -> &'static str {
    if m.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = m.file_type();
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    "not a regular file"
}

/// How a SQLite file logs its writes, from bytes 18–19 of its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Journal {
    /// 1, 1: a rollback journal (`journal_mode=DELETE`); every reader can open it read-only.
    Rollback,
    /// 2, 2: a write-ahead log beside it (`-wal`).
    Wal,
}

/// The first 100 bytes of a SQLite file, checked.
pub(crate) struct Header {
    pub journal: Journal,
}

/// Reads and checks the header of the regular file `path` of `len` bytes.
pub(crate) fn header(path: &Path, len: u64) -> Result<Header, StoreError> {
    if len == 0 {
        return Err(StoreError::Empty(path.to_path_buf()));
    }
    let mut buf = [0u8; 100];
    let read = fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut buf))
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::UnexpectedEof => StoreError::NotSqlite(path.to_path_buf()),
            _ => StoreError::Io {
                path: path.to_path_buf(),
                source: e,
            },
        });
    read?;
    if &buf[..16] != b"SQLite format 3\0" {
        return Err(StoreError::NotSqlite(path.to_path_buf()));
    }
    let damaged = |what: String| StoreError::Damaged(path.to_path_buf(), what);
    let journal = match (buf[18], buf[19]) {
        (1, 1) => Journal::Rollback,
        (2, 2) => Journal::Wal,
        (w, r) => {
            return Err(damaged(format!(
                "its header gives file format versions {w} and {r}, where SQLite writes 1 or 2"
            )));
        }
    };
    let page = u32::from(u16::from_be_bytes([buf[16], buf[17]]));
    let page = if page == 1 { 65536 } else { page };
    if page < 512 || !page.is_power_of_two() {
        return Err(damaged(format!(
            "its header gives a page size of {page} bytes"
        )));
    }
    if !len.is_multiple_of(u64::from(page)) {
        return Err(damaged(format!(
            "it is {len} bytes long, not a whole number of {page}-byte pages (cut short?)"
        )));
    }
    // The page count in the header is valid when the change counter equals
    // the "version valid for" number (every SQLite since 3.7.0 keeps both).
    let counter = &buf[24..28];
    let valid_for = &buf[92..96];
    let pages = u64::from(u32::from_be_bytes([buf[28], buf[29], buf[30], buf[31]]));
    // (Not while a rollback journal lies beside it: an import killed while it
    // committed leaves the file half-written, and the journal restores it.)
    let journal_beside = fs::metadata(beside(path, "-journal")).is_ok_and(|m| m.len() > 0);
    if counter == valid_for
        && journal == Journal::Rollback
        && !journal_beside
        && pages * u64::from(page) != len
    {
        return Err(damaged(format!(
            "its header counts {pages} pages of {page} bytes, but the file is {len} bytes long"
        )));
    }
    Ok(Header { journal })
}

/// `path` with `suffix` appended (`osce.db` → `osce.db-wal`).
pub(crate) fn beside(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// The length of the `-wal` file beside `path` (0 when there is none).
pub(crate) fn wal_len(path: &Path) -> u64 {
    fs::metadata(beside(path, "-wal")).map_or(0, |m| m.len())
}

/// Refuses a write-ahead log that cannot belong to the store at `path`: a
/// store in rollback mode has none (SQLite removes it when leaving WAL
/// mode), so a `-wal` with frames beside it was put there from elsewhere,
/// and SQLite would replay it into the store.
pub(crate) fn refuse_stray_wal(path: &Path, h: &Header) -> Result<(), StoreError> {
    if h.journal == Journal::Rollback && wal_len(path) > 0 {
        return Err(StoreError::StrayWal(
            beside(path, "-wal"),
            path.to_path_buf(),
        ));
    }
    Ok(())
}

/// Everything checked before a store at `path` (symlinks followed) is opened
/// to read: it is a regular, non-empty SQLite file whose header is sound and
/// beside which lies no write-ahead log of another file.
pub(crate) fn inspect(path: &Path) -> Result<Header, StoreError> {
    let Some(len) = regular_file(path)? else {
        return Err(StoreError::Missing(path.to_path_buf()));
    };
    let h = header(path, len)?;
    refuse_stray_wal(path, &h)?;
    Ok(h)
}
