//! Building a store file from a corpus, atomically.
//!
//! `build` writes into a temporary file beside the target, syncs it, and
//! renames it over the target: a failed or killed build leaves an existing
//! store exactly as it was. `import` reads the sources a store was built from,
//! replaces or adds the given files, validates the whole corpus again, and
//! builds the result the same way.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use rusqlite::Connection;
use tempfile::NamedTempFile;

use super::write::{Counts, write_corpus};
use super::{StoreError, check_header, create_schema, sqlite_err};
use crate::corpus::{self, Corpus, CorpusError, SourceFile};

/// What a build did.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BuildStats {
    pub counts: Counts,
    pub seconds: f64,
    /// An import written into the existing store (its counts are what it
    /// added), not a store rebuilt from its sources (the whole store's counts).
    pub in_place: bool,
    /// An import in place written into a copy of the store (the import large beside the
    /// store), which then replaced it.
    pub copied: bool,
}

/// Called as work advances: `(done, total)` corpus files.
pub type Progress<'a> = &'a mut dyn FnMut(usize, usize);

/// Why a build or import failed.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("{} problem(s) in the corpus", .0.len())]
    Corpus(Vec<CorpusError>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Builds `corpus` into the file `out`, replacing it only on success.
pub fn build(
    corpus: &Corpus,
    root: Option<&Path>,
    out: &Path,
    progress: Progress<'_>,
) -> Result<BuildStats, StoreError> {
    if super::is_database_url(out) {
        return build_into_database(corpus, root, out, progress);
    }
    // Through a symlink, the file it names is replaced, in its own folder
    // and under that folder's lock; the link stays.
    let out = &super::file::resolve(out)?;
    super::file::regular_file(out)?;
    let _lock = WriteLock::acquire(out)?;
    refuse_foreign(out)?;
    let old = OldStore::take(out)?;
    build_locked(corpus, root, out, old, false, progress)
}

/// Builds `corpus` into a SQLite file in the temporary folder, then writes it into the
/// PostgreSQL database `url` (see [`super::postgres::publish`]).
fn build_into_database(
    corpus: &Corpus,
    root: Option<&Path>,
    url: &Path,
    progress: Progress<'_>,
) -> Result<BuildStats, StoreError> {
    let start = Instant::now();
    let url_text = url.to_string_lossy();
    let tmp = temporary_file(".concord-build-")?;
    let counts = {
        let conn = Connection::open(tmp.path()).map_err(|e| sqlite_err(tmp.path(), e))?;
        let counts = fill(&conn, Some(tmp.path()), corpus, root, progress)
            .map_err(|e| sqlite_err(tmp.path(), e))?;
        rollback_mode(&conn, tmp.path())?;
        conn.close().map_err(|(_, e)| sqlite_err(tmp.path(), e))?;
        counts
    };
    super::postgres::publish(&url_text, tmp.path())?;
    Ok(BuildStats {
        counts,
        seconds: start.elapsed().as_secs_f64(),
        in_place: false,
        copied: false,
    })
}

/// A new SQLite file in the temporary folder (a store on its way into PostgreSQL), removed
/// when dropped.
pub(crate) fn temporary_file(prefix: &str) -> Result<NamedTempFile, StoreError> {
    tempfile::Builder::new()
        .prefix(prefix)
        .suffix(".db")
        .tempfile()
        .map_err(|e| StoreError::Io {
            path: std::env::temp_dir(),
            source: e,
        })
}

/// Writes a new store into the file `out` as a build does: under the folder's write lock,
/// into a temporary file beside it that `fill` writes (it gets the schema-less database),
/// then put in the place of `out`, which is replaced only when it is a concord store.
pub(crate) fn write_new_store(
    out: &Path,
    fill: impl FnOnce(&Connection) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    let out = &super::file::resolve(out)?;
    super::file::regular_file(out)?;
    let _lock = WriteLock::acquire(out)?;
    refuse_foreign(out)?;
    let old = OldStore::take(out)?;
    let tmp = temporary_beside(out)?;
    {
        let conn = Connection::open(tmp.path()).map_err(|e| sqlite_err(out, e))?;
        conn.pragma_update(None, "journal_mode", "off")
            .map_err(|e| sqlite_err(out, e))?;
        fill(&conn)?;
        rollback_mode(&conn, out)?;
        conn.close().map_err(|(_, e)| sqlite_err(out, e))?;
    }
    install(tmp, out, old)
}

/// An existing `out` may be replaced only when it is a concord store this
/// version writes: never a text file, another program's database, or a store
/// of a newer concord; and not a store made read-only.
fn refuse_foreign(out: &Path) -> Result<(), StoreError> {
    let Some(_) = super::file::regular_file(out)? else {
        return Ok(());
    };
    let meta = fs::metadata(out).map_err(|e| StoreError::Io {
        path: out.to_path_buf(),
        source: e,
    })?;
    if meta.permissions().readonly() {
        return Err(StoreError::ReadOnly(out.to_path_buf()));
    }
    if meta.len() == 0 {
        return Ok(());
    }
    // Opened as queries open it, so that closing leaves no -wal or -shm behind.
    let conn = super::open_reading(out)?;
    match check_header(&conn, out) {
        // A build replaces an older store: that is how it is brought up to date.
        Ok(()) | Err(StoreError::Older { .. }) => Ok(()),
        Err(StoreError::Foreign(p, id)) => Err(StoreError::WontReplace(
            p,
            format!("a SQLite database, but not a concord store (application_id {id:#x})"),
        )),
        Err(StoreError::NotSqlite(p)) => {
            Err(StoreError::WontReplace(p, "not a SQLite database".into()))
        }
        Err(StoreError::Damaged(p, why)) => Err(StoreError::WontReplace(
            p,
            format!("it is damaged or not a concord store ({why})"),
        )),
        Err(other) => Err(other),
    }
}

/// Removes the temporary files of builds that were killed: while the folder
/// lock is held no other build is running, so every such file is stale.
fn remove_stale_temporaries(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let name = name.to_string_lossy();
        if name.starts_with(".concord-build-")
            && [".db", ".db-journal", ".db-wal", ".db-shm"]
                .iter()
                .any(|end| name.ends_with(end))
        {
            let _ = fs::remove_file(e.path());
        }
    }
}

/// Builds while the caller holds `out`'s write lock.
fn build_locked(
    corpus: &Corpus,
    root: Option<&Path>,
    out: &Path,
    old: Option<OldStore>,
    keep_ids: bool,
    progress: Progress<'_>,
) -> Result<BuildStats, StoreError> {
    let start = Instant::now();
    let tmp = temporary_beside(out)?;
    let counts = {
        let conn = Connection::open(tmp.path()).map_err(|e| sqlite_err(out, e))?;
        let counts = fill(&conn, Some(tmp.path()), corpus, root, progress)
            .map_err(|e| sqlite_err(out, e))?;
        // An import that rebuilds keeps the old store's ids for the rows it still holds.
        if keep_ids && old.is_some() {
            super::renumber::keep_ids(&conn, out).map_err(|e| sqlite_err(out, e))?;
        }
        // Rollback mode, not WAL: a reader that cannot write the file or its
        // folder (another user, a read-only mount) can open it; a WAL store
        // needs to create `-shm` beside it.
        rollback_mode(&conn, out)?;
        conn.close().map_err(|(_, e)| sqlite_err(out, e))?;
        counts
    };
    install(tmp, out, old)?;
    Ok(BuildStats {
        counts,
        seconds: start.elapsed().as_secs_f64(),
        in_place: false,
        copied: false,
    })
}

/// Puts the complete store at `tmp` in the place of `out`, through SQLite or by a rename
/// (below), and lets the old store (`old`, held under its write lock) go.
fn install(tmp: NamedTempFile, out: &Path, old: Option<OldStore>) -> Result<(), StoreError> {
    let dir = folder_of(out);
    let io = |e: std::io::Error| StoreError::Io {
        path: out.to_path_buf(),
        source: e,
    };
    // An existing store gets the new one's pages through SQLite, in one transaction on
    // the same file: a client that has it open (the sqlite3 shell, Python, Datasette)
    // sees the new store at its next read and commits on top of it, where a rename
    // would leave it writing into the unlinked old file.
    let old = match old {
        Some(old) if fs::metadata(out).is_ok_and(|m| m.len() <= COPY_IN_PLACE_BYTES) => {
            match replace_through_sqlite(old, tmp.path(), out)? {
                None => return Ok(()),
                fallback => fallback,
            }
        }
        other => other,
    };
    // The new store keeps the old one's permissions (a new one: rw-r--r--,
    // not the temporary file's rw-------).
    match fs::metadata(out) {
        Ok(old) => fs::set_permissions(tmp.path(), old.permissions()).map_err(io)?,
        Err(_) => set_default_permissions(tmp.path()).map_err(io)?,
    }
    tmp.as_file().sync_all().map_err(io)?;
    // Else the new file is renamed over the old. The old store's SQLite write lock is held
    // across the rename (see OldStore), and its log was folded in when it was taken: no
    // write of another program falls between what was read and what replaces it.
    tmp.persist(out).map_err(|e| io(e.error))?;
    if let Ok(d) = fs::File::open(&dir) {
        let _ = d.sync_all(); // best effort: makes the rename durable on Linux
    }
    if let Some(old) = old {
        old.release();
    }
    Ok(())
}

/// The folder that holds `path`.
fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// A new temporary file beside `out`, named so that a later build removes it if this one
/// is killed.
fn temporary_beside(out: &Path) -> Result<NamedTempFile, StoreError> {
    let dir = folder_of(out);
    remove_stale_temporaries(&dir);
    tempfile::Builder::new()
        .prefix(".concord-build-")
        .suffix(".db")
        .tempfile_in(&dir)
        .map_err(|e| StoreError::Io {
            path: out.to_path_buf(),
            source: e,
        })
}

/// Stores up to this size are replaced through SQLite ([`replace_through_sqlite`]); a
/// larger one is renamed over, since a copy of its every page would keep readers out (SQLite
/// takes the exclusive lock once the copy outgrows its page cache) for seconds.
const COPY_IN_PLACE_BYTES: u64 = 64 << 20;

/// Copies the complete store at `new` over the existing store `old` holds, page by page,
/// with SQLite's backup in one write transaction of the old store's file: a client that has
/// the store open (the sqlite3 shell, Python, Datasette) sees the new store at its next read
/// and commits on top of it, where a rename would leave it writing into the unlinked old
/// file. A kill leaves a hot journal that the next connection plays back (the old store).
///
/// SQLite will not start a backup into a connection inside a transaction, so the write lock
/// `old` held since before the sources were read is let go just before the copy takes it
/// again; a commit of another client in that moment is seen by the file's change counter
/// (the header's bytes 24–27, which every commit in rollback mode increments), and the
/// copy is then abandoned, nothing changed. When a reader holds the store (a query still
/// printing), the copy cannot commit: it is abandoned, and the old store taken back under
/// its write lock (`Some`), for the caller to rename the new file over it as before.
fn replace_through_sqlite(
    mut old: OldStore,
    new: &Path,
    out: &Path,
) -> Result<Option<OldStore>, StoreError> {
    use rusqlite::backup::{Backup, StepResult};
    let e = |e| sqlite_err(out, e);
    let changed = || {
        StoreError::InUse(
            out.to_path_buf(),
            "it committed a change while the store was being rebuilt".into(),
        )
    };
    // Through the descriptor `old` holds (see OldStore), field by field while the backup
    // borrows the connection; `old` drops its connection before its file.
    let counter = |file: &fs::File| change_counter(file, out);
    let before = counter(&old.file)?;
    old.conn.execute_batch("ROLLBACK").map_err(e)?;
    let src = Connection::open_with_flags(
        new,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(e)?;
    // Readers are waited for a moment only: past it, the rename serves them better.
    old.conn
        .busy_timeout(std::time::Duration::from_secs(1))
        .map_err(e)?;
    let copied = {
        let backup = Backup::new(&src, &mut old.conn).map_err(e)?;
        // The first page taken holds the write lock on the old store; until the commit
        // nothing reaches its file but what the page cache spills (under the same lock).
        match backup.step(1).map_err(e)? {
            StepResult::Busy | StepResult::Locked => false,
            // A store of one page, copied and committed at once (never a concord store:
            // its schema alone takes dozens).
            StepResult::Done => true,
            _ if counter(&old.file)? != before => return Err(changed()),
            _ => matches!(backup.step(-1).map_err(e)?, StepResult::Done),
        }
        // Dropped unfinished, the backup rolls its transaction back.
    };
    if copied {
        let OldStore { conn, file } = old;
        conn.close().map_err(|(_, err)| e(err))?;
        drop(file);
        return Ok(None);
    }
    old.conn
        .busy_timeout(std::time::Duration::from_secs(super::BUSY_TIMEOUT_SECS))
        .map_err(e)?;
    old.conn.execute_batch("BEGIN IMMEDIATE").map_err(e)?;
    if counter(&old.file)? != before {
        return Err(changed());
    }
    Ok(Some(old))
}

/// Builds `corpus` into a new in-memory database (the built-in example).
pub fn build_in_memory(corpus: &Corpus) -> rusqlite::Result<(Connection, Counts)> {
    let conn = Connection::open_in_memory()?;
    let counts = fill(&conn, None, corpus, None, &mut |_, _| {})?;
    Ok((conn, counts))
}

/// Creates the schema and writes the corpus: the records in one transaction,
/// the citations found in them in a second one (see below).
fn fill(
    conn: &Connection,
    path: Option<&Path>,
    corpus: &Corpus,
    root: Option<&Path>,
    progress: Progress<'_>,
) -> rusqlite::Result<Counts> {
    conn.pragma_update(None, "journal_mode", "off")?;
    conn.pragma_update(None, "synchronous", "off")?;
    conn.pragma_update(None, "foreign_keys", true)?;
    conn.execute_batch("BEGIN")?;
    create_schema(conn)?;
    if let Some(root) = root {
        let root = fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
        conn.execute(
            "INSERT INTO meta (key, value) VALUES ('corpus_root', ?1)",
            [root.to_string_lossy()],
        )?;
    }
    // Progress counts each file twice: once written, once searched for citations.
    let total = 2 * corpus.files.len();
    let (mut counts, ids) = write_corpus(conn, corpus, &mut |f| progress(f + 1, total))?;
    let n = corpus.files.len();
    // A store in a file is searched on every core: the records are committed
    // first (the file is still a temporary one, renamed only when complete),
    // then the finder's threads read them on connections of their own while
    // this one writes the citations, the log now write-ahead so that the
    // readers keep the records' state.
    let readers = match path {
        Some(p) => {
            // The full-text index as written is a stack of segments, one per flush, that
            // every search walks in step; merged into one before the searches begin, a
            // posting list is read once.
            conn.execute_batch("INSERT INTO clauses_fts (clauses_fts) VALUES ('optimize')")?;
            conn.execute_batch("COMMIT")?;
            conn.pragma_update(None, "journal_mode", "wal")?;
            conn.execute_batch("BEGIN")?;
            let threads = search_threads();
            Some((p, threads))
        }
        None => None,
    };
    counts.found = super::cite::write_found(
        conn,
        corpus,
        &ids,
        counts.citations as i64,
        readers,
        &mut |f| progress(n + f + 1, total),
    )?;
    conn.execute_batch(super::DERIVE)?;
    conn.execute_batch("COMMIT; PRAGMA optimize;")?;
    progress(total, total);
    Ok(counts)
}

/// Threads that search for citations: `CONCORD_THREADS` when set to a number,
/// else one per core.
pub(super) fn search_threads() -> usize {
    std::env::var("CONCORD_THREADS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|&n| n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// The store being replaced, held with SQLite's write lock (`BEGIN
/// IMMEDIATE`) from before it is read until after the rename, so that no
/// other SQLite client commits to it meanwhile: a build or import takes all
/// of its committed state, or none of it changes.
///
/// A store in WAL mode (an older concord's, or switched by another program)
/// is first brought back to rollback mode, which folds its log into the file
/// and removes `-wal` and `-shm`: a log left beside the path would be
/// replayed into the new file. SQLite allows that only when no other
/// connection has the store open; otherwise the build is refused, naming
/// what to close.
///
/// The file is also held open by `file`, through which concord reads its header and
/// copies it while the lock is held: POSIX drops every lock a process holds on a file
/// when the process closes any descriptor of it, so a file opened and closed meanwhile
/// (to read its header, say) would let SQLite's lock go, and a reader would take the
/// journal of the write in progress for one left by a crash. `file` is declared after
/// `conn`, so it is closed after it.
struct OldStore {
    conn: Connection,
    file: fs::File,
}

impl OldStore {
    /// Takes the write lock on the existing store at `out` (none: `None`).
    fn take(out: &Path) -> Result<Option<OldStore>, StoreError> {
        let Some(len) = super::file::regular_file(out)? else {
            return Ok(None);
        };
        if len == 0 {
            return Ok(None);
        }
        let header = super::file::header(out, len)?;
        super::file::refuse_stray_wal(out, &header)?;
        // Opened before SQLite takes any lock on the file, closed after it lets them go.
        let file = fs::File::open(out).map_err(|e| StoreError::Io {
            path: out.to_path_buf(),
            source: e,
        })?;
        let e = |e| sqlite_err(out, e);
        let conn = Connection::open_with_flags(
            out,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(e)?;
        conn.busy_timeout(std::time::Duration::from_secs(super::BUSY_TIMEOUT_SECS))
            .map_err(e)?;
        if header.journal == super::file::Journal::Wal {
            let in_use = || {
                StoreError::InUse(
                    out.to_path_buf(),
                    "in write-ahead-log mode, with its changes in the -wal file".into(),
                )
            };
            let mode: String = conn
                .query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))
                .map_err(|err| match err.sqlite_error_code() {
                    Some(
                        rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked,
                    ) => in_use(),
                    _ => e(err),
                })?;
            if !mode.eq_ignore_ascii_case("delete") || super::file::wal_len(out) > 0 {
                return Err(in_use());
            }
        }
        conn.execute_batch("BEGIN IMMEDIATE").map_err(e)?;
        same_file(&file, out)?;
        Ok(Some(OldStore { conn, file }))
    }

    /// Copies the store's file, as committed (its write lock held, nothing written), to
    /// `to`, through the descriptor held open.
    fn copy_to(&self, to: &Path) -> std::io::Result<()> {
        use std::io::{Seek, SeekFrom};
        let mut from = &self.file;
        from.seek(SeekFrom::Start(0))?;
        let mut dest = fs::File::create(to)?;
        std::io::copy(&mut from, &mut dest)?;
        Ok(())
    }

    /// Ends the transaction (it wrote nothing) and closes the connection, then the file.
    fn release(self) {
        let _ = self.conn.execute_batch("ROLLBACK");
        let _ = self.conn.close();
        drop(self.file);
    }
}

/// Refuses when `out` is no longer the file `file` holds open (another program renamed a
/// file over it between the two opens): the header read and the copy made through `file`
/// would then not be what SQLite locked.
#[cfg(unix)]
fn same_file(file: &fs::File, out: &Path) -> Result<(), StoreError> {
    use std::os::unix::fs::MetadataExt;
    let io = |e| StoreError::Io {
        path: out.to_path_buf(),
        source: e,
    };
    let (held, now) = (file.metadata().map_err(io)?, fs::metadata(out).map_err(io)?);
    if (held.dev(), held.ino()) == (now.dev(), now.ino()) {
        Ok(())
    } else {
        Err(StoreError::InUse(
            out.to_path_buf(),
            "it put another file in the store's place while concord opened it".into(),
        ))
    }
}

#[cfg(not(unix))]
fn same_file(_file: &fs::File, _out: &Path) -> Result<(), StoreError> {
    Ok(())
}

/// The file change counter in the header of the store open as `file` (bytes 24–27, which
/// every commit in rollback mode increments).
fn change_counter(file: &fs::File, out: &Path) -> Result<u32, StoreError> {
    let mut buf = [0u8; 4];
    read_at(file, &mut buf, 24).map_err(|e| StoreError::Io {
        path: out.to_path_buf(),
        source: e,
    })?;
    Ok(u32::from_be_bytes(buf))
}

#[cfg(unix)]
fn read_at(file: &fs::File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

#[cfg(not(unix))]
fn read_at(mut file: &fs::File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    use std::io::{Read, Seek, SeekFrom};
    file.seek(SeekFrom::Start(offset))?;
    file.read_exact(buf)
}

#[cfg(unix)]
fn set_default_permissions(path: &Path) -> std::io::Result<()> {
    fs::set_permissions(path, std::os::unix::fs::PermissionsExt::from_mode(0o644))
}

#[cfg(not(unix))]
fn set_default_permissions(_path: &Path) -> std::io::Result<()> {
    Ok(())
}

/// The writers' lock of a store: an advisory lock on the folder that holds
/// it. It outlives the renames that replace the store file, so a second
/// `build` or `import` waits for the first and then works on its result; and
/// it leaves no lock file behind.
struct WriteLock {
    _dir: fs::File,
}

impl WriteLock {
    fn acquire(db: &Path) -> Result<WriteLock, StoreError> {
        let dir = match db.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let io = |e| StoreError::Io {
            path: dir.clone(),
            source: e,
        };
        let file = fs::File::open(&dir).map_err(io)?;
        let deadline = Instant::now() + std::time::Duration::from_secs(super::BUSY_TIMEOUT_SECS);
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(WriteLock { _dir: file }),
                Err(fs::TryLockError::WouldBlock) if Instant::now() < deadline => {
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                Err(fs::TryLockError::WouldBlock) => {
                    return Err(StoreError::Locked(
                        db.to_path_buf(),
                        super::BUSY_TIMEOUT_SECS,
                    ));
                }
                Err(fs::TryLockError::Error(e)) => return Err(io(e)),
            }
        }
    }
}

/// Adds or replaces `paths` in the store at `db`: the store's own sources plus
/// these files are validated together and rebuilt atomically.
pub fn import(
    db: &Path,
    paths: &[PathBuf],
    progress: Progress<'_>,
) -> Result<BuildStats, BuildError> {
    let new = corpus::read_files(Path::new(""), paths).map_err(BuildError::Corpus)?;
    let incoming = new
        .into_iter()
        .zip(paths)
        .map(|(f, p)| (p.clone(), f.content))
        .collect();
    import_sources(db, incoming, progress)
}

/// Adds or replaces files given as text: each `(path, content)` is stored
/// under the key `path` would have (relative to the corpus folder the store
/// was built from when it lies there); the path need not exist (`add`
/// stores the corpus text it made from a PDF, say, under `speech.pdf.md`).
pub fn import_sources(
    db: &Path,
    incoming: Vec<(PathBuf, String)>,
    progress: Progress<'_>,
) -> Result<BuildStats, BuildError> {
    if super::is_database_url(db) {
        let url = db.to_string_lossy().into_owned();
        return super::postgres::import_into(&url, |local| {
            import_sources(local, incoming, progress).map(|mut stats| {
                stats.copied = false;
                stats
            })
        });
    }
    // Hold the store's write lock for the whole import, so that two imports
    // cannot both rebuild from the same sources and lose one's files.
    let start = Instant::now();
    let db = &super::file::resolve(db)?;
    let _lock = WriteLock::acquire(db)?;
    let (root, old) = take_store(db)?;
    let base = root.clone().unwrap_or_default();
    let mut new: Vec<SourceFile> = Vec::with_capacity(incoming.len());
    for (p, content) in incoming {
        let f = SourceFile {
            path: key_for(&base, &p),
            content,
        };
        match new.iter_mut().find(|n| n.path == f.path) {
            Some(n) => *n = f,
            None => new.push(f),
        }
    }
    new.sort_by(|a, b| a.path.cmp(&b.path));
    // Documents alone are written in place; anything else rebuilds the store. An import
    // large beside the store is written into a copy, renamed over the store when done.
    // The copy saves time only: one that cannot be made (no room for it, say) leaves the
    // import to be written in place.
    let copy = match private_copy(db, &old, &new).unwrap_or(None) {
        Some((tmp, conn)) => {
            let done =
                super::incremental::import(&conn, db, new.clone(), Some(tmp.path()), progress)
                    .and_then(|r| {
                        if r.is_some() {
                            finish_copy(conn, db).map_err(BuildError::Store)?;
                        }
                        Ok(r)
                    });
            match done {
                Ok(Some(stats)) => {
                    install(tmp, db, Some(old))?;
                    // The copy and its installing included.
                    return Ok(BuildStats {
                        seconds: start.elapsed().as_secs_f64(),
                        ..stats
                    });
                }
                Ok(None) => None,
                Err(e) => {
                    old.release();
                    return Err(e);
                }
            }
        }
        None => Some(()),
    };
    let done = match copy {
        // The copy found the import must rebuild: nothing was written in place.
        None => Ok(None),
        Some(()) => super::incremental::import(&old.conn, db, new.clone(), None, progress)
            .and_then(|r| {
                if r.is_some() {
                    old.conn
                        .execute_batch("COMMIT")
                        .map_err(|e| BuildError::Store(sqlite_err(db, e)))?;
                }
                Ok(r)
            }),
    };
    let done = match done {
        Ok(r) => r,
        Err(e) => {
            // After a failed write (a full disk, say) SQLite may leave the journal for the
            // next connection to play back: play it back now, so the store is as it was.
            old.release();
            if fs::metadata(super::file::beside(db, "-journal")).is_ok_and(|m| m.len() > 0) {
                let _ = super::roll_back_killed_import(db);
            }
            return Err(e);
        }
    };
    match done {
        Some(stats) => {
            old.release();
            Ok(stats)
        }
        None => {
            // The stored sources are all carried into the new store: all checked first.
            super::check::before_import(&old.conn, db)?;
            let mut files = stored_files(&old.conn, db)?;
            for f in new {
                match files.iter_mut().find(|old| old.path == f.path) {
                    Some(old) => *old = f,
                    None => files.push(f),
                }
            }
            files.sort_by(|a, b| a.path.cmp(&b.path));
            let corpus = corpus::load(files).map_err(BuildError::Corpus)?;
            Ok(build_locked(
                &corpus,
                root.as_deref(),
                db,
                Some(old),
                true,
                progress,
            )?)
        }
    }
}

/// The path under which an imported file is stored: relative to the corpus
/// folder the store was built from when it lies there, else its full path.
fn key_for(root: &Path, p: &Path) -> String {
    // A path that does not exist (yet) is keyed by its folder's real path.
    let full = fs::canonicalize(p).unwrap_or_else(|_| match (p.parent(), p.file_name()) {
        (Some(dir), Some(name)) => {
            let dir = if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                dir
            };
            fs::canonicalize(dir).map_or_else(|_| p.to_path_buf(), |d| d.join(name))
        }
        _ => p.to_path_buf(),
    });
    let rel = full.strip_prefix(root).unwrap_or(&full);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
        .replace("//", "/")
}

/// The store at `db`, checked, under its SQLite write lock (held until the
/// import commits or its rebuilt store replaces it), and the corpus root it
/// was built from.
fn take_store(db: &Path) -> Result<(Option<PathBuf>, OldStore), StoreError> {
    // Checked as a query checks it (header, version, tables) before any
    // read-write connection is made.
    {
        let conn = super::open_reading(db)?;
        check_header(&conn, db)?;
        super::check::on_open(&conn, db)?;
    }
    if fs::metadata(db).is_ok_and(|m| m.permissions().readonly()) {
        return Err(StoreError::ReadOnly(db.to_path_buf()));
    }
    let Some(old) = OldStore::take(db)? else {
        return Err(StoreError::Empty(db.to_path_buf()));
    };
    let conn = &old.conn;
    let e = |e| sqlite_err(db, e);
    let root: Option<String> = conn
        .query_row(
            "SELECT value FROM meta WHERE key = 'corpus_root'",
            [],
            |r| r.get(0),
        )
        .map(Some)
        .or_else(|err| {
            if err == rusqlite::Error::QueryReturnedNoRows {
                Ok(None)
            } else {
                Err(err)
            }
        })
        .map_err(e)?;
    Ok((root.map(PathBuf::from), old))
}

/// An import whose text is at least this share of the store file's size is written into a
/// copy of the store (copying costs less than the import's own writes and searches), for
/// stores of up to [`COPY_IN_PLACE_BYTES`].
const COPY_FOR_IMPORT_SHARE: u64 = 4;

/// For an import of `new` large beside the store at `db` (held under its write lock, so the
/// file is as committed): a copy of the store beside it, open in a transaction.
fn private_copy(
    db: &Path,
    old: &OldStore,
    new: &[SourceFile],
) -> Result<Option<(NamedTempFile, Connection)>, StoreError> {
    let bytes: u64 = new.iter().map(|f| f.content.len() as u64).sum();
    // The size of the file SQLite locked, from the descriptor held on it.
    let len = old
        .file
        .metadata()
        .map_err(|e| StoreError::Io {
            path: db.to_path_buf(),
            source: e,
        })?
        .len();
    // Only a store that is then copied back into its own file (not renamed over), so that
    // clients holding it open see the import as they see one written in place.
    if new.len() < 2 || len > COPY_IN_PLACE_BYTES || bytes * COPY_FOR_IMPORT_SHARE < len {
        return Ok(None);
    }
    let tmp = temporary_beside(db)?;
    old.copy_to(tmp.path()).map_err(|e| StoreError::Io {
        path: tmp.path().to_path_buf(),
        source: e,
    })?;
    let e = |e| sqlite_err(db, e);
    let conn = Connection::open(tmp.path()).map_err(e)?;
    // A kill leaves only the copy, which the next build removes: no need to sync it before
    // it is complete.
    conn.pragma_update(None, "synchronous", "off").map_err(e)?;
    conn.execute_batch("BEGIN IMMEDIATE").map_err(e)?;
    Ok(Some((tmp, conn)))
}

/// Commits an import written into a private copy and brings it back to rollback mode.
fn finish_copy(conn: Connection, db: &Path) -> Result<(), StoreError> {
    let e = |e| sqlite_err(db, e);
    conn.execute_batch("COMMIT").map_err(e)?;
    rollback_mode(&conn, db)?;
    conn.close().map_err(|(_, err)| e(err))
}

/// Brings the store on `conn` to rollback mode (`journal_mode=DELETE`), or fails: a store
/// left in WAL mode would reach its users with a header that asks for `-wal` and `-shm`.
fn rollback_mode(conn: &Connection, out: &Path) -> Result<(), StoreError> {
    let mode: String = conn
        .query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))
        .map_err(|e| sqlite_err(out, e))?;
    if mode.eq_ignore_ascii_case("delete") {
        Ok(())
    } else {
        Err(StoreError::Io {
            path: out.to_path_buf(),
            source: std::io::Error::other(format!(
                "the new store stayed in journal mode {mode}, not rollback mode; nothing was changed"
            )),
        })
    }
}

/// The source files recorded in a store.
fn stored_files(conn: &Connection, db: &Path) -> Result<Vec<SourceFile>, StoreError> {
    let e = |e| sqlite_err(db, e);
    let mut st = conn
        .prepare("SELECT path, content FROM files ORDER BY id")
        .map_err(e)?;
    let files = st
        .query_map([], |r| {
            Ok(SourceFile {
                path: r.get(0)?,
                content: r.get(1)?,
            })
        })
        .map_err(e)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(e)?;
    Ok(files)
}
