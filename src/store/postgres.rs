//! Writing and moving stores in PostgreSQL: `concord copy FILE.db postgres://…` and back,
//! `concord build -o postgres://…`, and imports.
//!
//! A store goes into PostgreSQL with the schema of `schema/postgres/` and every table's rows,
//! in one transaction: `COPY … FROM STDIN` in PostgreSQL's text format, table by table, with
//! the foreign keys checked at the commit (they are `DEFERRABLE`). A failure leaves the
//! database as it was. `schema/postgres/0001_tables.sql` checks the database's encoding and
//! collation.
//!
//! A build and an import are written the same way, under an advisory lock that serialises
//! the writers: a build is made in a SQLite file and then replaces the database's store; an
//! import reads the database's store into a SQLite file, imports there as into any store,
//! and writes the result back, all in one transaction. Readers see the old store until the
//! commit. The store comes back out of PostgreSQL (`concord copy postgres://… FILE.db`, and
//! the in-memory copies `concord check` and `concord verify` read) through SQLite's own
//! inserts, its full-text index filled by the schema's triggers.

use std::io::Write as _;
use std::path::Path;
use std::time::Instant;

use postgres::GenericClient;
use rusqlite::Connection;

use super::query::Cell;
use super::{StoreError, open_reading, sqlite_err};

const SCHEMA: [&str; 3] = [
    include_str!("../../schema/postgres/0001_tables.sql"),
    include_str!("../../schema/postgres/0002_fulltext.sql"),
    include_str!("../../schema/postgres/0003_views.sql"),
];

/// What a copy wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct CopyStats {
    pub tables: usize,
    pub rows: u64,
    pub seconds: f64,
}

pub use super::pgconn::{is_postgres_url, redacted};

/// A PostgreSQL error with its causes (`error connecting to server: Connection refused`).
fn pg_err(url: &str, e: postgres::Error) -> StoreError {
    pg_msg(url, &super::db::pg_message(&e))
}

fn pg_msg(url: &str, message: &str) -> StoreError {
    StoreError::Postgres {
        url: redacted(url),
        message: message.to_string(),
    }
}

/// Checks that the database `client` is connected to holds a concord store this version
/// reads (`url` is already without its password).
pub(crate) fn check_store(client: &mut impl GenericClient, url: &str) -> Result<(), StoreError> {
    let has_meta: bool = client
        .query_one("SELECT to_regclass('meta') IS NOT NULL", &[])
        .map_err(|e| pg_err(url, e))?
        .get(0);
    if !has_meta {
        return Err(pg_msg(
            url,
            "the database holds no concord store (it has no table `meta`); put one there with `concord build CORPUS -o URL` or `concord copy FILE.db URL`",
        ));
    }
    let rows = client
        .query(
            "SELECT key, value FROM meta WHERE key IN ('application', 'schema_version')",
            &[],
        )
        .map_err(|e| pg_err(url, e))?;
    // Read as text whatever the columns hold: a foreign `meta` is refused below, not a panic.
    let get = |k: &str| {
        rows.iter()
            .find(|r| r.try_get::<_, String>(0).is_ok_and(|key| key == k))
            .and_then(|r| r.try_get::<_, String>(1).ok())
    };
    if get("application").as_deref() != Some("concord") {
        return Err(pg_msg(
            url,
            "a table `meta` that is not a concord store's (no `application = concord` row)",
        ));
    }
    let version: i32 = get("schema_version")
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| pg_msg(url, "the store's `meta` gives no schema_version"))?;
    let path = std::path::PathBuf::from(url);
    if version > super::SCHEMA_VERSION {
        return Err(StoreError::Newer {
            path,
            found: version,
        });
    }
    if version < super::SCHEMA_VERSION {
        return Err(StoreError::Older {
            path,
            found: version,
        });
    }
    Ok(())
}

/// A value in PostgreSQL's text `COPY` format.
fn copy_field(out: &mut Vec<u8>, v: rusqlite::types::ValueRef<'_>) {
    use rusqlite::types::ValueRef;
    match v {
        ValueRef::Null => out.extend_from_slice(b"\\N"),
        ValueRef::Integer(i) => {
            let _ = write!(out, "{i}");
        }
        ValueRef::Real(r) => {
            let _ = write!(out, "{r}");
        }
        ValueRef::Text(t) | ValueRef::Blob(t) => {
            for &b in t {
                match b {
                    b'\\' => out.extend_from_slice(b"\\\\"),
                    b'\t' => out.extend_from_slice(b"\\t"),
                    b'\n' => out.extend_from_slice(b"\\n"),
                    b'\r' => out.extend_from_slice(b"\\r"),
                    b => out.push(b),
                }
            }
        }
    }
}

/// The key of the advisory lock every writer of a store in PostgreSQL holds until it commits
/// (`CNCD`, the SQLite store's application id): two imports from two machines run one after
/// the other, the second reading what the first wrote.
const WRITE_LOCK: i64 = 0x434E_4344;

/// The meta rows PostgreSQL's schema writes itself (a SQLite store keeps these in its
/// header): never copied from one engine to the other.
/// `revision` changes with every write, for sessions that cache what they read.
const OWN_META: &str = "key NOT IN ('application', 'schema_version', 'revision')";

/// Marks the store as changed by the transaction `tx` (see [`super::Store::stamp`]).
fn new_revision(tx: &mut postgres::Transaction<'_>, url: &str) -> Result<(), StoreError> {
    tx.batch_execute(
        "INSERT INTO meta (key, value) VALUES ('revision', txid_current()::text)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .map_err(|err| pg_err(url, err))
}

fn has_concord_tables(client: &mut impl GenericClient, url: &str) -> Result<bool, StoreError> {
    let taken: i64 = client
        .query_one(
            "SELECT count(*) FROM (VALUES ('meta'), ('clauses'), ('citations')) AS t(name) WHERE to_regclass(t.name) IS NOT NULL",
            &[],
        )
        .map_err(|err| pg_err(url, err))?
        .get(0);
    Ok(taken > 0)
}

/// The tables as PostgreSQL has them, with their columns, the generated full-text column
/// left out: (table, `col, col, …`).
fn tables(
    client: &mut impl GenericClient,
    url: &str,
    sqlite: &Connection,
    db: &Path,
) -> Result<Vec<(String, String)>, StoreError> {
    // concord's tables only: those the SQLite store has too (a team may keep tables of its
    // own beside the store; they are left alone).
    let mut st = sqlite
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .map_err(|e| sqlite_err(db, e))?;
    let known: std::collections::HashSet<String> = st
        .query_map([], |r| r.get(0))
        .map_err(|e| sqlite_err(db, e))?
        .collect::<Result<_, _>>()
        .map_err(|e| sqlite_err(db, e))?;
    let rows = client
        .query(
            "SELECT c.table_name::text, string_agg(c.column_name::text, ', ' ORDER BY c.ordinal_position)
             FROM information_schema.columns c JOIN information_schema.tables t
               ON t.table_schema = c.table_schema AND t.table_name = c.table_name
             WHERE c.table_schema = (SELECT n.nspname::text FROM pg_class k JOIN pg_namespace n
                                     ON n.oid = k.relnamespace WHERE k.oid = to_regclass('meta'))
               AND t.table_type = 'BASE TABLE' AND c.is_generated = 'NEVER'
             GROUP BY c.table_name ORDER BY c.table_name",
            &[],
        )
        .map_err(|err| pg_err(url, err))?;
    Ok(rows
        .iter()
        .map(|r| (r.get::<_, String>(0), r.get::<_, String>(1)))
        .filter(|(t, _)| known.contains(t))
        .collect())
}

/// Writes every table of the SQLite store `src` into the PostgreSQL store of `tx` with
/// `COPY FROM STDIN`, after deleting what the tables held (`replace`). Foreign keys are
/// checked at the commit. Returns (tables, rows).
fn push(
    tx: &mut postgres::Transaction<'_>,
    url: &str,
    src: &Connection,
    db: &Path,
    replace: bool,
) -> Result<(usize, u64), StoreError> {
    let e = |e| sqlite_err(db, e);
    tx.batch_execute("SET CONSTRAINTS ALL DEFERRED")
        .map_err(|err| pg_err(url, err))?;
    let tables = tables(tx, url, src, db)?;
    if replace {
        for (table, _) in &tables {
            // Names from PostgreSQL's catalog of concord's schema, not from input.
            let delete = if table == "meta" {
                format!("DELETE FROM meta WHERE {OWN_META}")
            } else {
                format!("DELETE FROM {table}")
            };
            tx.batch_execute(&delete).map_err(|err| pg_err(url, err))?;
        }
    }
    // Into new tables, the indexes that no constraint needs are made after the rows are in:
    // one sort per index instead of an insertion per row (PostgreSQL's advice for bulk loads).
    // A store that is replaced keeps its indexes: readers go on reading it meanwhile.
    let deferred: Vec<(String, String)> = if replace {
        Vec::new()
    } else {
        tx.query(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid), t.relname::text
             FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
             WHERE t.relnamespace = (SELECT relnamespace FROM pg_class WHERE oid = to_regclass('meta'))
               AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
             ORDER BY 1",
            &[],
        )
        .map_err(|err| pg_err(url, err))?
        .iter()
        .filter(|r| tables.iter().any(|(t, _)| *t == r.get::<_, String>(2)))
        .map(|r| (r.get(0), r.get(1)))
        .collect()
    };
    for (index, _) in &deferred {
        // Index names from PostgreSQL's catalog of concord's schema.
        tx.batch_execute(&format!("DROP INDEX {index}"))
            .map_err(|err| pg_err(url, err))?;
    }
    let mut rows_written = 0u64;
    let mut buf = Vec::with_capacity(1 << 20);
    for (table, cols) in &tables {
        let select = if table == "meta" {
            format!("SELECT {cols} FROM meta WHERE {OWN_META}")
        } else {
            format!("SELECT {cols} FROM {table}")
        };
        let mut st = src.prepare(&select).map_err(e)?;
        let n = st.column_count();
        let mut writer = tx
            .copy_in(&format!("COPY {table} ({cols}) FROM STDIN"))
            .map_err(|err| pg_err(url, err))?;
        let mut rows = st.query([]).map_err(e)?;
        while let Some(row) = rows.next().map_err(e)? {
            for i in 0..n {
                if i > 0 {
                    buf.push(b'\t');
                }
                copy_field(&mut buf, row.get_ref(i).map_err(e)?);
            }
            buf.push(b'\n');
            rows_written += 1;
            if buf.len() >= 1 << 20 {
                writer
                    .write_all(&buf)
                    .map_err(|err| pg_msg(url, &err.to_string()))?;
                buf.clear();
            }
        }
        writer
            .write_all(&buf)
            .map_err(|err| pg_msg(url, &err.to_string()))?;
        buf.clear();
        writer.finish().map_err(|err| pg_err(url, err))?;
    }
    if !deferred.is_empty() {
        // The foreign keys are checked now (an index cannot be made while checks wait).
        tx.batch_execute("SET CONSTRAINTS ALL IMMEDIATE; SET LOCAL maintenance_work_mem = '256MB'")
            .map_err(|err| pg_err(url, err))?;
    }
    for (_, definition) in &deferred {
        tx.batch_execute(definition)
            .map_err(|err| pg_err(url, err))?;
    }
    new_revision(tx, url)?;
    tx.batch_execute("ANALYZE")
        .map_err(|err| pg_err(url, err))?;
    Ok((tables.len(), rows_written))
}

/// Reads every table of the PostgreSQL store `client` reads into the SQLite database `dest`,
/// which holds concord's schema and no rows (the full-text index fills as the clauses go in,
/// by the schema's triggers). Returns (tables, rows).
fn pull(
    client: &mut impl GenericClient,
    url: &str,
    dest: &Connection,
    out: &Path,
) -> Result<(usize, u64), StoreError> {
    use postgres::fallible_iterator::FallibleIterator;
    let e = |e| sqlite_err(out, e);
    let tables = tables(client, url, dest, out)?;
    let mut n_rows = 0u64;
    // Tables go in name order, not in the order their keys need; `concord check` runs
    // SQLite's foreign-key check on the copy.
    dest.execute_batch("PRAGMA foreign_keys = OFF; BEGIN")
        .map_err(e)?;
    for (table, cols) in &tables {
        let select = if table == "meta" {
            format!("SELECT {cols} FROM meta WHERE {OWN_META}")
        } else {
            // In id order where there is one, as a build writes them.
            format!("SELECT {cols} FROM {table} ORDER BY 1")
        };
        let n = cols.split(", ").count();
        let marks = (1..=n)
            .map(|i| format!("?{i}"))
            .collect::<Vec<_>>()
            .join(", ");
        let mut insert = dest
            .prepare(&format!("INSERT INTO {table} ({cols}) VALUES ({marks})"))
            .map_err(e)?;
        let empty: [&(dyn postgres::types::ToSql + Sync); 0] = [];
        let mut rows = client
            .query_raw(&select, empty)
            .map_err(|err| pg_err(url, err))?;
        while let Some(r) = rows.next().map_err(|err| pg_err(url, err))? {
            for i in 0..n {
                let cell = r
                    .try_get::<_, super::db::AnyCell>(i)
                    .map_err(|err| pg_err(url, err))?
                    .0;
                let bound = match cell {
                    Cell::Null => insert.raw_bind_parameter(i + 1, rusqlite::types::Null),
                    Cell::Int(v) => insert.raw_bind_parameter(i + 1, v),
                    Cell::Real(v) => insert.raw_bind_parameter(i + 1, v),
                    Cell::Text(t) => insert.raw_bind_parameter(i + 1, t),
                    Cell::List(v) => insert.raw_bind_parameter(i + 1, v.join(", ")),
                };
                bound.map_err(e)?;
            }
            insert.raw_execute().map_err(e)?;
            n_rows += 1;
        }
    }
    dest.execute_batch(
        "INSERT INTO clauses_fts (clauses_fts) VALUES ('optimize'); COMMIT; PRAGMA optimize;",
    )
    .map_err(e)?;
    Ok((tables.len(), n_rows))
}

/// `concord copy FROM TO`: a store file into an empty PostgreSQL database, or a database's
/// store into a file. Both ends files, or both databases: [`StoreError::Usage`].
pub fn copy(from: &str, to: &str) -> Result<CopyStats, StoreError> {
    match (is_postgres_url(from), is_postgres_url(to)) {
        (false, true) => copy_to_postgres(Path::new(from), to),
        (true, false) => copy_from_postgres(from, Path::new(to)),
        (true, true) => Err(StoreError::Usage(format!(
            "both ends are databases; copy through a file: `concord copy {} local.db`, then `concord copy local.db {}`",
            redacted(from),
            redacted(to)
        ))),
        (false, false) => Err(StoreError::Usage(
            "neither end is a PostgreSQL URL; `concord copy` copies a store into a database named `postgres://[user@]host[:port]/name`, or out of one into a file (to copy a file, use cp)".into(),
        )),
    }
}

/// Copies the store at `db` into the (empty) PostgreSQL database at `url`.
pub fn copy_to_postgres(db: &Path, url: &str) -> Result<CopyStats, StoreError> {
    let start = Instant::now();
    let src = open_reading(db)?;
    super::check_header(&src, db)?;
    let mut client = super::pgconn::connect(&super::pgconn::target(url)?)?;
    if has_concord_tables(&mut client, url)? {
        return Err(pg_msg(
            url,
            "the database already holds a concord store; copy into an empty database (nothing was changed)",
        ));
    }
    let mut tx = client.transaction().map_err(|err| pg_err(url, err))?;
    for part in SCHEMA {
        tx.batch_execute(part).map_err(|err| pg_err(url, err))?;
    }
    let (tables, rows) = push(&mut tx, url, &src, db, false)?;
    tx.commit().map_err(|err| pg_err(url, err))?;
    Ok(CopyStats {
        tables,
        rows,
        seconds: start.elapsed().as_secs_f64(),
    })
}

/// A read-only transaction on one snapshot of the database, which holds a concord store.
fn read_snapshot<'a>(
    client: &'a mut postgres::Client,
    url: &str,
) -> Result<postgres::Transaction<'a>, StoreError> {
    let mut tx = client
        .build_transaction()
        .isolation_level(postgres::IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()
        .map_err(|err| pg_err(url, err))?;
    check_store(&mut tx, &redacted(url))?;
    Ok(tx)
}

/// A transaction that holds the writers' advisory lock (taken before anything is read, so
/// that a second writer reads what the first committed).
fn writing<'a>(
    client: &'a mut postgres::Client,
    url: &str,
) -> Result<postgres::Transaction<'a>, StoreError> {
    let mut tx = client.transaction().map_err(|err| pg_err(url, err))?;
    tx.query_one("SELECT pg_advisory_xact_lock($1)", &[&WRITE_LOCK])
        .map_err(|err| pg_err(url, err))?;
    Ok(tx)
}

/// Copies the store in the PostgreSQL database at `url` into the file `out` (created, or a
/// store it replaces), from one snapshot of the database.
pub fn copy_from_postgres(url: &str, out: &Path) -> Result<CopyStats, StoreError> {
    let start = Instant::now();
    let mut client = super::pgconn::connect(&super::pgconn::target(url)?)?;
    let mut tx = read_snapshot(&mut client, url)?;
    let mut stats = (0, 0);
    super::build::write_new_store(out, |conn| {
        super::create_schema(conn).map_err(|e| sqlite_err(out, e))?;
        stats = pull(&mut tx, url, conn, out)?;
        Ok(())
    })?;
    Ok(CopyStats {
        tables: stats.0,
        rows: stats.1,
        seconds: start.elapsed().as_secs_f64(),
    })
}

/// A copy of the store at `url` in a SQLite database in memory (for `concord check` and
/// `concord verify`, which read it through SQLite).
pub(crate) fn snapshot(url: &str) -> Result<Connection, StoreError> {
    let mut client = super::pgconn::connect(&super::pgconn::target(url)?)?;
    let mut tx = read_snapshot(&mut client, url)?;
    let mem = Path::new(":memory:");
    let conn = Connection::open_in_memory().map_err(|e| sqlite_err(mem, e))?;
    super::create_schema(&conn).map_err(|e| sqlite_err(mem, e))?;
    pull(&mut tx, url, &conn, mem)?;
    Ok(conn)
}

/// What is wrong with the server's side of the store at `url`, which a copy into SQLite
/// cannot show: a table, view or column of concord's schema (those of `local`, a SQLite
/// store, and `clauses.fts`) that the database lacks, or a missing full-text or trigram index.
pub(crate) fn server_problems(url: &str, local: &Connection) -> Result<Vec<String>, StoreError> {
    let mem = Path::new(":memory:");
    let target = super::pgconn::target(url)?;
    let mut client = super::pgconn::connect(&target)?;
    let schema = "(SELECT n.nspname::text FROM pg_class k JOIN pg_namespace n ON n.oid = k.relnamespace WHERE k.oid = to_regclass('meta'))";
    let held: std::collections::HashSet<(String, String)> = client
        .query(
            &format!(
                "SELECT table_name::text, column_name::text FROM information_schema.columns WHERE table_schema = {schema}"
            ),
            &[],
        )
        .map_err(|err| pg_err(url, err))?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let indexes: std::collections::HashSet<String> = client
        .query(
            &format!("SELECT indexname::text FROM pg_indexes WHERE schemaname = {schema}"),
            &[],
        )
        .map_err(|err| pg_err(url, err))?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let mut st = local
        .prepare(
            "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p
             WHERE m.type IN ('table', 'view') AND m.name NOT LIKE 'clauses_fts%'
               AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, p.cid",
        )
        .map_err(|e| sqlite_err(mem, e))?;
    let mut want: Vec<(String, String)> = st
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .map_err(|e| sqlite_err(mem, e))?
        .collect::<Result<_, _>>()
        .map_err(|e| sqlite_err(mem, e))?;
    want.push(("clauses".into(), "fts".into()));
    let mut problems = Vec::new();
    let tables: std::collections::HashSet<&String> = held.iter().map(|(t, _)| t).collect();
    let mut missing_tables = std::collections::BTreeSet::new();
    for (table, column) in &want {
        if !tables.contains(table) {
            missing_tables.insert(table.clone());
        } else if !held.contains(&(table.clone(), column.clone())) {
            problems.push(format!("server: {table} has no column {column}"));
        }
    }
    for t in missing_tables {
        problems.push(format!("server: the database has no table or view {t}"));
    }
    for index in ["clauses_fts", "clauses_text_trgm", "citations_quote_trgm"] {
        if !indexes.contains(index) {
            problems.push(format!("server: the index {index} is missing"));
        }
    }
    Ok(problems)
}

/// Writes the SQLite store built at `built` into the PostgreSQL database at `url`, in one
/// transaction under the writers' lock: a new store in a database without one, else in the
/// place of the store it holds. Readers see the old store until the commit, then the new.
pub(crate) fn publish(url: &str, built: &Path) -> Result<(), StoreError> {
    let mut client = super::pgconn::connect(&super::pgconn::target(url)?)?;
    let mut tx = writing(&mut client, url)?;
    let replace = has_concord_tables(&mut tx, url)?;
    if replace {
        match check_store(&mut tx, &redacted(url)) {
            Err(StoreError::Older { found, .. }) => {
                return Err(pg_msg(
                    url,
                    &format!(
                        "the database holds a store of an older concord (store version {found}), which a build does not replace in PostgreSQL; build into a new, empty database (nothing was changed)"
                    ),
                ));
            }
            other => other?,
        }
    } else {
        for part in SCHEMA {
            tx.batch_execute(part).map_err(|err| pg_err(url, err))?;
        }
    }
    let src = open_reading(built)?;
    push(&mut tx, url, &src, built, replace)?;
    tx.commit().map_err(|err| pg_err(url, err))
}

/// Imports into the store at `url`: under the writers' lock, in one transaction, the store is
/// read into a SQLite file, `import` runs on that file as on any store, and the result
/// replaces the database's store at the commit. A failed or killed import changes nothing.
pub(crate) fn import_into<T>(
    url: &str,
    import: impl FnOnce(&Path) -> Result<T, super::BuildError>,
) -> Result<T, super::BuildError> {
    let mut client = super::pgconn::connect(&super::pgconn::target(url)?)?;
    let mut tx = writing(&mut client, url)?;
    check_store(&mut tx, &redacted(url))?;
    let tmp = super::build::temporary_file(".concord-import-")?;
    let local = tmp.path();
    {
        let conn = Connection::open(local).map_err(|e| sqlite_err(local, e))?;
        super::create_schema(&conn).map_err(|e| sqlite_err(local, e))?;
        pull(&mut tx, url, &conn, local)?;
        conn.close().map_err(|(_, e)| sqlite_err(local, e))?;
    }
    let done = import(local)?;
    let src = open_reading(local)?;
    push(&mut tx, url, &src, local, true)?;
    drop(src);
    tx.commit().map_err(|err| pg_err(url, err))?;
    Ok(done)
}
