//! The store, in a SQLite file or a PostgreSQL database: the only module that opens a
//! connection or runs SQL.
//!
//! In: a validated [`Corpus`] (to build) or a path (to open). Out: a store
//! file with the schema of `schema/*.sql`, or an open [`Store`] to query.
//! A file that is not SQLite, a SQLite file of another application, and a
//! store written by a newer concord are refused with a clear error.

mod build;
mod check;
pub mod cite;
mod db;
mod file;
mod graph;
mod incremental;
mod pgconn;
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
    /// A command given what it cannot do (`concord copy` between two files).
    #[error("{0}")]
    Usage(String),
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

/// An open store, read-only, on either engine.
pub struct Store {
    conn: db::Conn,
    /// The file, or the database's URL without its password.
    path: PathBuf,
    /// Clause references already checked (`doc#label` → exists): a store is
    /// read-only while open, so an answer stays true.
    clause_cache: std::cell::RefCell<std::collections::HashMap<String, bool>>,
}

/// Stops the statement a store runs, from another thread (Ctrl-C).
pub struct Interrupt(InterruptKind);

enum InterruptKind {
    Sqlite(rusqlite::InterruptHandle),
    Postgres(::postgres::CancelToken, pgconn::Tls),
}

impl Interrupt {
    pub fn interrupt(&self) {
        match &self.0 {
            InterruptKind::Sqlite(h) => h.interrupt(),
            InterruptKind::Postgres(token, tls) => pgconn::cancel(token, tls),
        }
    }
}

/// A SQLite connection to a store, its own or a copy's (see [`Store::sqlite_view`]).
pub(crate) enum SqliteView<'a> {
    Borrowed(&'a Connection),
    Owned(Connection),
}

impl std::ops::Deref for SqliteView<'_> {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        match self {
            SqliteView::Borrowed(c) => c,
            SqliteView::Owned(c) => c,
        }
    }
}

/// How `db` is shown in messages: a file's path, or a database's URL without its password.
pub fn display_name(db: &Path) -> String {
    match db.to_str() {
        Some(url) if pgconn::is_postgres_url(url) => pgconn::redacted(url),
        _ => db.display().to_string(),
    }
}

/// Whether `db` names a PostgreSQL database (`postgres://…`, `postgresql://…`) rather than a file.
pub fn is_database_url(db: &Path) -> bool {
    db.to_str().is_some_and(pgconn::is_postgres_url)
}

impl Store {
    /// Opens an existing store for queries: no statement run through it can
    /// change it (a SQLite file is opened read-only with `PRAGMA query_only`; a
    /// PostgreSQL session runs read-only transactions).
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        if let Some(url) = path.to_str().filter(|s| pgconn::is_postgres_url(s)) {
            return Store::open_postgres(url);
        }
        let conn = open_reading(path)?;
        check_header(&conn, path)?;
        check::on_open(&conn, path)?;
        let store = Store {
            conn: db::Conn::Sqlite(conn),
            path: path.to_path_buf(),
            clause_cache: Default::default(),
        };
        store.prepare_connection()?;
        Ok(store)
    }

    /// Opens the store a PostgreSQL database holds, in a session whose every transaction is
    /// read-only.
    fn open_postgres(url: &str) -> Result<Store, StoreError> {
        let target = pgconn::target(url)?;
        let mut client = pgconn::connect(&target)?;
        let shown = target.url.clone();
        let pg = |e: ::postgres::Error| StoreError::Postgres {
            url: shown.clone(),
            message: db::pg_message(&e),
        };
        client
            .batch_execute("SET default_transaction_read_only = on")
            .map_err(pg)?;
        postgres::check_store(&mut client, &shown)?;
        let fts_syntax = Connection::open_in_memory()
            .and_then(|c| {
                c.execute_batch("CREATE VIRTUAL TABLE syntax USING fts5(text)")?;
                Ok(c)
            })
            .map_err(|e| sqlite_err(Path::new(":memory:"), e))?;
        let cancel = client.cancel_token();
        Ok(Store {
            conn: db::Conn::Postgres(Box::new(db::Pg {
                client: std::cell::RefCell::new(client),
                url: url.to_string(),
                cancel,
                tls: target.tls,
                in_snapshot: std::cell::Cell::new(false),
                fts_syntax,
            })),
            path: PathBuf::from(shown),
            clause_cache: Default::default(),
        })
    }

    /// Starts a read transaction, so that the statements run until
    /// [`Store::end_snapshot`] all read one state of the store (a writer that
    /// commits meanwhile is not seen). Returns whether it started one (not when one
    /// is open already).
    pub fn begin_snapshot(&self) -> bool {
        match &self.conn {
            db::Conn::Sqlite(conn) => {
                if !conn.is_autocommit() {
                    return false;
                }
                if conn.execute_batch("BEGIN").is_err() {
                    return false;
                }
                // The first read takes the shared lock: the snapshot starts here. (When it
                // fails, the statements report why themselves.)
                let read = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
                    r.get::<_, i64>(0)
                });
                if read.is_err() {
                    let _ = conn.execute_batch("ROLLBACK");
                    return false;
                }
                true
            }
            db::Conn::Postgres(pg) => {
                if pg.in_snapshot.get() {
                    return false;
                }
                let began = pg
                    .client
                    .borrow_mut()
                    .batch_execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    .is_ok();
                pg.in_snapshot.set(began);
                began
            }
        }
    }

    /// Ends the read transaction that [`Store::begin_snapshot`] started (when `began`).
    pub fn end_snapshot(&self, began: bool) {
        if !began {
            return;
        }
        match &self.conn {
            db::Conn::Sqlite(conn) => {
                if !conn.is_autocommit() {
                    let _ = conn.execute_batch("COMMIT");
                }
            }
            db::Conn::Postgres(pg) => {
                if pg.in_snapshot.replace(false) {
                    let _ = pg.client.borrow_mut().batch_execute("COMMIT");
                }
            }
        }
    }

    /// Wraps a connection that already holds a store (e.g. built in memory).
    pub fn from_connection(conn: Connection, name: &str) -> Result<Store, StoreError> {
        let store = Store {
            conn: db::Conn::Sqlite(conn),
            path: PathBuf::from(name),
            clause_cache: Default::default(),
        };
        store.prepare_connection()?;
        Ok(store)
    }

    fn prepare_connection(&self) -> Result<(), StoreError> {
        let db::Conn::Sqlite(conn) = &self.conn else {
            return Ok(());
        };
        check_header(conn, &self.path)?;
        let e = |e| sqlite_err(&self.path, e);
        conn.busy_timeout(std::time::Duration::from_secs(BUSY_TIMEOUT_SECS))
            .map_err(e)?;
        conn.pragma_update(None, "query_only", true).map_err(e)?;
        functions::register(conn).map_err(e)?;
        Ok(())
    }

    /// The path (or name, or URL without its password) the store was opened from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// What identifies the version of the store now: a SQLite file's size, time and inode
    /// (an import or build replaces or rewrites it), a PostgreSQL store's `revision` (every
    /// write sets it). `None` for a store in memory.
    pub fn stamp(&self) -> Option<String> {
        match &self.conn {
            db::Conn::Sqlite(_) => {
                let m = std::fs::metadata(&self.path).ok()?;
                #[cfg(unix)]
                let inode = std::os::unix::fs::MetadataExt::ino(&m);
                #[cfg(not(unix))]
                let inode = 0;
                Some(format!("{:?} {} {inode}", m.modified().ok(), m.len()))
            }
            db::Conn::Postgres(_) => self
                .meta_value("revision")
                .ok()
                .map(|r| r.unwrap_or_default()),
        }
    }

    /// Opens the store again (the same file or database).
    pub fn reopen(&self) -> Result<Store, StoreError> {
        match &self.conn {
            db::Conn::Sqlite(_) => Store::open(&self.path),
            db::Conn::Postgres(pg) => Store::open_postgres(&pg.url),
        }
    }

    /// The SQL dialect queries on this store are printed in.
    pub fn dialect(&self) -> crate::sql::print::Dialect {
        match &self.conn {
            db::Conn::Sqlite(_) => crate::sql::print::Dialect::Sqlite,
            db::Conn::Postgres(_) => crate::sql::print::Dialect::Postgres,
        }
    }

    /// The SQLite connection, when the store is a SQLite file (tests look through it).
    pub fn sqlite_connection(&self) -> Option<&Connection> {
        match &self.conn {
            db::Conn::Sqlite(c) => Some(c),
            db::Conn::Postgres(_) => None,
        }
    }

    /// The store as SQLite reads it: a SQLite store's own connection, or a copy in memory of
    /// a store in PostgreSQL.
    pub(crate) fn sqlite_view(&self) -> Result<SqliteView<'_>, StoreError> {
        match &self.conn {
            db::Conn::Sqlite(c) => Ok(SqliteView::Borrowed(c)),
            db::Conn::Postgres(pg) => postgres::snapshot(&pg.url).map(SqliteView::Owned),
        }
    }

    /// The FTS5 table that checks `matches` queries on a PostgreSQL store.
    fn fts_syntax(&self) -> Option<&Connection> {
        match &self.conn {
            db::Conn::Postgres(pg) => Some(&pg.fts_syntax),
            db::Conn::Sqlite(_) => None,
        }
    }

    /// A handle that stops the running statement from another thread.
    pub fn interrupt(&self) -> Interrupt {
        Interrupt(match &self.conn {
            db::Conn::Sqlite(c) => InterruptKind::Sqlite(c.get_interrupt_handle()),
            db::Conn::Postgres(pg) => InterruptKind::Postgres(pg.cancel.clone(), pg.tls.clone()),
        })
    }

    /// Runs `sql`, printed for this store's engine, calling `each` with every row; returns the
    /// column names. `lists` gives the separator of each many-valued column.
    pub(crate) fn select_native(
        &self,
        sql: &str,
        params: &[crate::sql::Param],
        lists: &[Option<&str>],
        each: impl FnMut(Vec<Cell>) -> std::ops::ControlFlow<()>,
    ) -> Result<Vec<String>, db::DbError> {
        match &self.conn {
            db::Conn::Sqlite(c) => Ok(db::sqlite_each(c, sql, params, lists, each)?),
            db::Conn::Postgres(pg) => {
                let mut client = pg.client.borrow_mut();
                // In a script's snapshot, a statement that fails (and some failures are
                // answers: a value no row holds) would abort the whole transaction on
                // PostgreSQL; each statement runs under a savepoint instead, as each does
                // on SQLite.
                let snapshot = pg.in_snapshot.get();
                if snapshot {
                    client.batch_execute("SAVEPOINT concord_statement")?;
                }
                let result = db::pg_each(&mut client, sql, params, lists, each);
                if snapshot {
                    let end = if result.is_ok() {
                        "RELEASE SAVEPOINT concord_statement"
                    } else {
                        "ROLLBACK TO SAVEPOINT concord_statement"
                    };
                    client.batch_execute(end)?;
                }
                Ok(result?)
            }
        }
    }

    /// Runs `sql`, written for both engines with `?N` parameters, calling `each` with every
    /// row; returns the column names.
    pub(crate) fn select(
        &self,
        sql: &str,
        params: &[crate::sql::Param],
        lists: &[Option<&str>],
        each: impl FnMut(Vec<Cell>) -> std::ops::ControlFlow<()>,
    ) -> Result<Vec<String>, db::DbError> {
        match &self.conn {
            db::Conn::Sqlite(_) => self.select_native(sql, params, lists, each),
            db::Conn::Postgres(_) => {
                self.select_native(&db::pg_placeholders(sql, params), params, lists, each)
            }
        }
    }

    /// Every row of `sql` (written for both engines, `?N` parameters).
    pub(crate) fn rows_of(
        &self,
        sql: &str,
        params: &[crate::sql::Param],
    ) -> Result<Vec<Vec<Cell>>, StoreError> {
        let mut out = Vec::new();
        self.select(sql, params, &[], |r| {
            out.push(r);
            std::ops::ControlFlow::Continue(())
        })
        .map_err(|e| self.store_err(e))?;
        Ok(out)
    }

    /// Whether `sql` (written for both engines, `?N` parameters) has a row: asked as
    /// `SELECT EXISTS (sql)`, so that either engine stops at the first row (a PostgreSQL
    /// client that stopped reading would still be sent every row).
    pub(crate) fn exists(
        &self,
        sql: &str,
        params: &[crate::sql::Param],
    ) -> Result<bool, StoreError> {
        let rows = self.rows_of(&format!("SELECT EXISTS ({sql})"), params)?;
        Ok(rows.first().is_some_and(|r| query::int(&r[0]) == 1))
    }

    /// An engine's error reading the store, as the store's error.
    pub(crate) fn store_err(&self, e: db::DbError) -> StoreError {
        match e {
            db::DbError::Sqlite(e) => sqlite_err(&self.path, e),
            db::DbError::Pg(e) if db::pg_cancelled(&e) => StoreError::Interrupted,
            db::DbError::Pg(e) => StoreError::Postgres {
                url: self.path.display().to_string(),
                message: db::pg_message(&e),
            },
        }
    }

    /// An engine's error running a query, in its words (never the statement's text).
    pub(crate) fn query_err(&self, e: db::DbError) -> StoreError {
        match e {
            db::DbError::Sqlite(e) => query::query_err_sqlite(e),
            db::DbError::Pg(e) if db::pg_cancelled(&e) => StoreError::Interrupted,
            db::DbError::Pg(e) if e.as_db_error().is_some() => {
                StoreError::Query(db::pg_message(&e))
            }
            db::DbError::Pg(e) => self.store_err(db::DbError::Pg(e)),
        }
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
