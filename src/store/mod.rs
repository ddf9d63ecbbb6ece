//! The SQLite store: the only module that opens a connection or runs SQL.
//!
//! In: a validated [`Corpus`] (to build) or a path (to open). Out: a store
//! file with the schema of `schema/*.sql`, or an open [`Store`] to query.
//! A file that is not SQLite, a SQLite file of another application, and a
//! store written by a newer concord are refused with a clear error.

mod build;
mod check;
pub mod cite;
mod file;
mod graph;
mod incremental;
pub mod postgres;
mod query;
mod renumber;
mod show;
mod write;

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};

pub use build::{BuildError, BuildStats, Progress, build, build_in_memory, import, import_sources};
pub use check::verify;
pub use graph::Edge;
pub use query::{Cell, Rows, format_real};
pub use show::{Card, Section};
pub use write::Counts;

/// `PRAGMA application_id` of a concord store: the bytes `CNCD`.
pub const APPLICATION_ID: i32 = 0x434E_4344;

/// `PRAGMA user_version` this concord writes and reads.
pub const SCHEMA_VERSION: i32 = 5;

/// The schema, in the order it is applied.
pub const SCHEMA: [(&str, &str); 3] = [
    (
        "0001_tables.sql",
        include_str!("../../schema/0001_tables.sql"),
    ),
    (
        "0002_fulltext.sql",
        include_str!("../../schema/0002_fulltext.sql"),
    ),
    (
        "0003_views.sql",
        include_str!("../../schema/0003_views.sql"),
    ),
];

/// Fills the derived tables from the citations, once they are all written.
pub const DERIVE: &str = include_str!("../../schema/derive.sql");

/// Why a store could not be opened, built or changed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// `concord query x --db README.md`
    #[error("{0}: not a SQLite database")]
    NotSqlite(PathBuf),
    /// An empty file (a 0-byte file, `/dev/null` seen through a copy).
    #[error("{0}: an empty file, not a concord store")]
    Empty(PathBuf),
    /// A directory, a FIFO, a device...: never opened, never replaced.
    #[error("{0}: {1}, not a store file (a store is a regular file); nothing was read or written")]
    NotAFile(PathBuf, &'static str),
    /// A SQLite file whose header or pages make no sense.
    #[error(
        "{0}: the file is damaged, or not a concord store: {1}; rebuild it with `concord build CORPUS -o {0}`"
    )]
    Damaged(PathBuf, String),
    /// A `-wal` beside a store in rollback mode: another file's log.
    #[error(
        "{0}: a write-ahead log that does not belong to {1} (the store keeps none), which SQLite would replay into it; move it away (it may hold another copy's changes); nothing was read or written"
    )]
    StrayWal(PathBuf, PathBuf),
    /// Another SQLite client holds the store open in a way that would lose its changes or ours.
    #[error(
        "{0}: another program has the store open ({1}); close it (the sqlite3 shell, a Python or Datasette session) and try again; nothing was changed"
    )]
    InUse(PathBuf, String),
    /// A store that failed its checks before being changed.
    #[error(
        "{path}: the store is damaged ({problem}); nothing was changed; rebuild it from the corpus with `concord build CORPUS -o {path}` (`concord check --db {path}` lists every problem)"
    )]
    Corrupt { path: PathBuf, problem: String },
    /// A SQLite file written by another program (application_id differs, or tables without ours).
    #[error("{0}: a SQLite database, but not a concord store (application_id {1:#x})")]
    Foreign(PathBuf, i32),
    /// A store from a newer concord (`user_version` above ours).
    #[error(
        "{path}: written by a newer concord (store version {found}, this concord reads version {SCHEMA_VERSION}); upgrade concord"
    )]
    Newer { path: PathBuf, found: i32 },
    /// A store from an older concord (`user_version` below ours): its tables
    /// lack columns that queries read. Building over it replaces it.
    #[error(
        "{path}: built by an older concord (store version {found}, this concord reads version {SCHEMA_VERSION}); rebuild it with `concord build CORPUS -o {path}`"
    )]
    Older { path: PathBuf, found: i32 },
    /// The path does not exist (reading).
    #[error("{0}: no such file")]
    Missing(PathBuf),
    /// `concord build -o FILE` where FILE is something else than a concord store.
    #[error("{0}: will not replace it: {1}; remove it or choose another output")]
    WontReplace(PathBuf, String),
    /// The store file is not writable (`chmod a-w`).
    #[error("{0}: the store is read-only; nothing was changed")]
    ReadOnly(PathBuf),
    /// Another process holds the write lock for longer than we wait.
    #[error("{0}: the store is locked by another writer (waited {1} s)")]
    Locked(PathBuf, u64),
    /// A query SQLite refused while running it (e.g. a malformed full-text query).
    #[error("{0}")]
    Query(String),
    /// Results could not be written (a closed pipe, a full disk).
    #[error("cannot write the output: {0}")]
    Output(std::io::Error),
    /// The query was cancelled (Ctrl-C).
    #[error("interrupted")]
    Interrupted,
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {source}")]
    Sqlite {
        path: PathBuf,
        source: rusqlite::Error,
    },
    /// A PostgreSQL server refused or failed (`url` without its password).
    #[error("{url}: {message}")]
    Postgres { url: String, message: String },
}

impl StoreError {
    /// An error writing results.
    pub fn from_io(e: std::io::Error) -> StoreError {
        StoreError::Output(e)
    }
}

/// How long a writer waits for another writer's lock before giving up.
pub const BUSY_TIMEOUT_SECS: u64 = 5;

/// An open store.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// Clause references already checked (`doc#label` → exists): a store is
    /// read-only while open, so an answer stays true.
    clause_cache: std::cell::RefCell<std::collections::HashMap<String, bool>>,
}

impl Store {
    /// Opens an existing store for queries: no statement run through it can
    /// change the file (`PRAGMA query_only`).
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let conn = open_reading(path)?;
        check_header(&conn, path)?;
        check::on_open(&conn, path)?;
        let store = Store {
            conn,
            path: path.to_path_buf(),
            clause_cache: Default::default(),
        };
        store.prepare_connection()?;
        Ok(store)
    }

    /// Starts a read transaction, so that the statements run until
    /// [`Store::end_snapshot`] all read one state of the store (a writer that
    /// commits meanwhile waits). Returns whether it started one (not when one
    /// is open already).
    pub fn begin_snapshot(&self) -> bool {
        if !self.conn.is_autocommit() {
            return false;
        }
        if self.conn.execute_batch("BEGIN").is_err() {
            return false;
        }
        // The first read takes the shared lock: the snapshot starts here. (When it
        // fails, the statements report why themselves.)
        let read = self
            .conn
            .query_row("SELECT count(*) FROM sqlite_master", [], |r| {
                r.get::<_, i64>(0)
            });
        if read.is_err() {
            let _ = self.conn.execute_batch("ROLLBACK");
            return false;
        }
        true
    }

    /// Ends the read transaction that [`Store::begin_snapshot`] started (when `began`).
    pub fn end_snapshot(&self, began: bool) {
        if began && !self.conn.is_autocommit() {
            let _ = self.conn.execute_batch("COMMIT");
        }
    }

    /// Wraps a connection that already holds a store (e.g. built in memory).
    pub fn from_connection(conn: Connection, name: &str) -> Result<Store, StoreError> {
        let store = Store {
            conn,
            path: PathBuf::from(name),
            clause_cache: Default::default(),
        };
        store.prepare_connection()?;
        Ok(store)
    }

    fn prepare_connection(&self) -> Result<(), StoreError> {
        check_header(&self.conn, &self.path)?;
        let e = |e| sqlite_err(&self.path, e);
        self.conn
            .busy_timeout(std::time::Duration::from_secs(BUSY_TIMEOUT_SECS))
            .map_err(e)?;
        self.conn
            .pragma_update(None, "query_only", true)
            .map_err(e)?;
        functions::register(&self.conn).map_err(e)?;
        Ok(())
    }

    /// The path (or name) the store was opened from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The connection, for the query executor in this module's children.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }
}

/// Opens `path` to read, never to write: `SQLITE_OPEN_READ_ONLY`, so that
/// no query, and no closing connection, changes the file or leaves files
/// beside it (a store in rollback mode needs none to be read). The path is
/// inspected first ([`file::inspect`]): no FIFO, device or directory reaches
/// SQLite, and no write-ahead log of another file is replayed.
pub(crate) fn open_reading(path: &Path) -> Result<Connection, StoreError> {
    let path = &file::resolve(path)?;
    let header = file::inspect(path)?;
    let base = OpenFlags::SQLITE_OPEN_NO_MUTEX
        | OpenFlags::SQLITE_OPEN_URI
        | OpenFlags::SQLITE_OPEN_READ_ONLY;
    // A store left in WAL mode (by an older concord, or another program)
    // with no log: nothing is waiting in a log, so it is read as immutable,
    // without creating the `-wal` and `-shm` files SQLite would otherwise
    // make (and, read-only, could not remove).
    let uri = if header.journal == file::Journal::Wal && file::wal_len(path) == 0 {
        format!("file:{}?immutable=1", uri_path(path))
    } else {
        format!("file:{}", uri_path(path))
    };
    let conn = Connection::open_with_flags(&uri, base).map_err(|e| sqlite_err(path, e))?;
    // An import killed while it wrote in place leaves a hot rollback journal,
    // which a read-only connection cannot play back (SQLITE_READONLY_ROLLBACK):
    // a connection that may write plays it back, restoring the store as it was
    // before that import, and the store is opened again to read.
    match conn.query_row("PRAGMA schema_version", [], |r| r.get::<_, i64>(0)) {
        Err(rusqlite::Error::SqliteFailure(f, _))
            if f.extended_code == rusqlite::ffi::SQLITE_READONLY_ROLLBACK =>
        {
            drop(conn);
            roll_back_killed_import(path)?;
            Connection::open_with_flags(&uri, base).map_err(|e| sqlite_err(path, e))
        }
        _ => Ok(conn),
    }
}

/// Plays back the hot journal of an import that was killed (see `open_reading`).
pub(crate) fn roll_back_killed_import(path: &Path) -> Result<(), StoreError> {
    let e = |e| sqlite_err(path, e);
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|err| match err.sqlite_error_code() {
        Some(rusqlite::ErrorCode::ReadOnly | rusqlite::ErrorCode::CannotOpen) => {
            StoreError::Damaged(
                path.to_path_buf(),
                "an import was killed while it wrote, and its journal can only be played \
                 back by a user who may write the store"
                    .into(),
            )
        }
        _ => e(err),
    })?;
    conn.busy_timeout(std::time::Duration::from_secs(BUSY_TIMEOUT_SECS))
        .map_err(e)?;
    conn.query_row("PRAGMA schema_version", [], |r| r.get::<_, i64>(0))
        .map_err(e)?;
    conn.close().map_err(|(_, err)| e(err))
}

/// `path` for a `file:` URI: `%`, `?` and `#` escaped.
fn uri_path(path: &Path) -> String {
    let mut out = String::new();
    for c in path.to_string_lossy().chars() {
        match c {
            '%' => out.push_str("%25"),
            '?' => out.push_str("%3f"),
            '#' => out.push_str("%23"),
            c => out.push(c),
        }
    }
    out
}

pub(crate) fn sqlite_err(path: &Path, e: rusqlite::Error) -> StoreError {
    use rusqlite::ErrorCode::*;
    match e.sqlite_error_code() {
        Some(NotADatabase) => StoreError::NotSqlite(path.to_path_buf()),
        Some(DatabaseCorrupt) => StoreError::Damaged(
            path.to_path_buf(),
            "SQLite reports: database disk image is malformed".into(),
        ),
        Some(DatabaseBusy | DatabaseLocked) => {
            StoreError::Locked(path.to_path_buf(), BUSY_TIMEOUT_SECS)
        }
        _ => StoreError::Sqlite {
            path: path.to_path_buf(),
            source: e,
        },
    }
}

/// Checks that `conn` holds a concord store this version can read.
pub fn check_header(conn: &Connection, path: &Path) -> Result<(), StoreError> {
    let e = |e| sqlite_err(path, e);
    let app: i32 = conn
        .pragma_query_value(None, "application_id", |r| r.get(0))
        .map_err(e)?;
    let version: i32 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(e)?;
    if app != APPLICATION_ID {
        return Err(StoreError::Foreign(path.to_path_buf(), app));
    }
    // A newer concord counts up from ours; a number far beyond it (or below
    // 1) is a damaged header, not a store from the future.
    if !(1..=SCHEMA_VERSION + 1000).contains(&version) {
        return Err(StoreError::Damaged(
            path.to_path_buf(),
            format!("its header gives store version {version}, which no concord writes"),
        ));
    }
    if version > SCHEMA_VERSION {
        return Err(StoreError::Newer {
            path: path.to_path_buf(),
            found: version,
        });
    }
    if version < SCHEMA_VERSION {
        return Err(StoreError::Older {
            path: path.to_path_buf(),
            found: version,
        });
    }
    Ok(())
}

/// Creates the schema in an empty database and stamps it as a concord store.
pub(crate) fn create_schema(conn: &Connection) -> rusqlite::Result<()> {
    for (_, sql) in SCHEMA {
        conn.execute_batch(sql)?;
    }
    conn.pragma_update(None, "application_id", APPLICATION_ID)?;
    conn.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    Ok(())
}

/// SQL functions concord registers on its own connections (never used in
/// views, triggers or defaults, so other tools can still read the file).
pub mod functions {
    use rusqlite::Connection;
    use rusqlite::functions::FunctionFlags;

    /// Registers `concord_contains(hay, needle)`, for `~`.
    pub fn register(conn: &Connection) -> rusqlite::Result<()> {
        let flags = FunctionFlags::SQLITE_UTF8
            | FunctionFlags::SQLITE_DETERMINISTIC
            | FunctionFlags::SQLITE_INNOCUOUS;
        // Whether `hay`, folded to Unicode lower case (numbers read as their
        // text), holds `needle` (already folded): 1 or 0, NULL when either is NULL.
        conn.create_scalar_function("concord_contains", 2, flags, |ctx| {
            use rusqlite::types::ValueRef;
            // The needle is a bound parameter: its searcher is made once per statement.
            let finder = ctx.get_or_create_aux(1, |v| -> rusqlite::Result<_> {
                Ok(text_of(v).map(|n| Needle::new(&n)))
            })?;
            let Some(needle) = finder.as_ref() else {
                return Ok(None);
            };
            let found = match ctx.get_raw(0) {
                ValueRef::Text(t) => needle.in_text(t),
                other => match text_of(other) {
                    Some(hay) => needle.in_text(hay.as_bytes()),
                    None => return Ok(None),
                },
            };
            Ok(Some(i64::from(found)))
        })
    }

    /// A value as `~` reads it: numbers as their text, NULL and blobs as nothing.
    fn text_of(v: rusqlite::types::ValueRef<'_>) -> Option<String> {
        use rusqlite::types::ValueRef;
        match v {
            ValueRef::Text(t) => Some(String::from_utf8_lossy(t).into_owned()),
            ValueRef::Integer(i) => Some(i.to_string()),
            ValueRef::Real(r) => Some(crate::store::format_real(r)),
            ValueRef::Null | ValueRef::Blob(_) => None,
        }
    }

    /// A folded needle and its searcher (Two-Way with vector prefilters: time
    /// linear in the haystack whatever the needle, so no text makes one row
    /// take long, and an interrupt, checked between rows, lands promptly).
    pub struct Needle {
        finder: memchr::memmem::Finder<'static>,
    }

    impl Needle {
        pub fn new(folded: &str) -> Needle {
            Needle {
                finder: memchr::memmem::Finder::new(folded.as_bytes()).into_owned(),
            }
        }

        /// Whether the folded `hay` (UTF-8 text) holds the needle. ASCII text is
        /// lowered into a reused buffer; other text is folded first.
        pub fn in_text(&self, hay: &[u8]) -> bool {
            thread_local! {
                static LOWER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
            }
            if hay.is_ascii() {
                LOWER.with_borrow_mut(|buf| {
                    buf.clear();
                    buf.extend_from_slice(hay);
                    buf.make_ascii_lowercase();
                    let found = self.finder.find(buf).is_some();
                    if buf.capacity() > 1 << 24 {
                        *buf = Vec::new(); // not kept for one huge text
                    }
                    found
                })
            } else {
                let folded = crate::fold::fold(&String::from_utf8_lossy(hay));
                self.finder.find(folded.as_bytes()).is_some()
            }
        }
    }

    #[cfg(test)]
    mod tests {
        use super::Needle;

        fn contains(hay: &str, needle: &str) -> bool {
            Needle::new(&crate::fold::fold(needle)).in_text(hay.as_bytes())
        }

        #[test]
        fn contains_ignores_case_in_any_script() {
            assert!(contains("Indivisible Security", "security"));
            assert!(contains("INDIVISIBLE", "visi"));
            assert!(!contains("Indivisible", "security"));
            assert!(contains("Лавров СКАЗАЛ", "сказал"));
            assert!(!contains("Lavrov", "лавров"));
            assert!(contains("abc", ""));
            assert!(!contains("ab", "abc"));
            assert!(contains("xxABC", "abc"));
            // The Kelvin sign folds to an ASCII `k`.
            assert!(contains("\u{212A}ey", "key"));
        }

        #[test]
        fn a_repetitive_needle_is_found_only_where_it_is() {
            // 90,000 `a`s and a `b` in 2,000,000 `a`s: a naive search makes
            // ~1.8e11 comparisons (minutes); Two-Way makes a few million. This
            // test would not finish with the former; it asserts no time.
            let needle = format!("{}b", "a".repeat(90_000));
            let mut hay = "A".repeat(2_000_000);
            assert!(!Needle::new(&needle).in_text(hay.as_bytes()));
            hay.push('B');
            assert!(Needle::new(&needle).in_text(hay.as_bytes()));
        }
    }
}
