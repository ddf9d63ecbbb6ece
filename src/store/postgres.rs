//! Copying a SQLite store into a PostgreSQL database (`concord copy FILE.db postgres://…`).
//!
//! The database gets the schema of `schema/postgres/` and every table's rows, in one
//! transaction: `COPY … FROM STDIN` in PostgreSQL's text format, table by table, with the
//! foreign keys checked at the commit (they are `DEFERRABLE`). A failure leaves the database
//! as it was. The database must be empty of concord's tables; `schema/postgres/0001_tables.sql`
//! checks its encoding and collation.

use std::io::Write as _;
use std::path::Path;
use std::time::Instant;

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

/// `url` without its password, to show in messages.
pub fn redacted(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_string();
    };
    let rest = &url[scheme_end + 3..];
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    match authority.rfind('@') {
        Some(at) => {
            let userinfo = &authority[..at];
            let user = userinfo.split(':').next().unwrap_or("");
            let hidden = if userinfo.contains(':') { ":***" } else { "" };
            format!("{}{user}{hidden}{}", &url[..scheme_end + 3], &rest[at..])
        }
        None => url.to_string(),
    }
}

/// Whether `s` names a PostgreSQL database rather than a file.
pub fn is_postgres_url(s: &str) -> bool {
    s.starts_with("postgres://") || s.starts_with("postgresql://")
}

/// A PostgreSQL error with its causes (`error connecting to server: Connection refused`).
fn pg_err(url: &str, e: impl std::error::Error) -> StoreError {
    let mut message = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        message.push_str(": ");
        message.push_str(&c.to_string());
        cause = c.source();
    }
    pg_msg(url, &message)
}

fn pg_msg(url: &str, message: &str) -> StoreError {
    StoreError::Postgres {
        url: redacted(url),
        message: message.to_string(),
    }
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

/// Copies the store at `db` into the (empty) PostgreSQL database at `url`.
pub fn copy_to_postgres(db: &Path, url: &str) -> Result<CopyStats, StoreError> {
    let start = Instant::now();
    let src = open_reading(db)?;
    super::check_header(&src, db)?;
    let e = |e| sqlite_err(db, e);
    let mut client =
        postgres::Client::connect(url, postgres::NoTls).map_err(|err| pg_err(url, err))?;
    let taken: i64 = client
        .query_one(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name IN ('meta', 'clauses', 'citations')",
            &[],
        )
        .map_err(|err| pg_err(url, err))?
        .get(0);
    if taken > 0 {
        return Err(pg_msg(
            url,
            "the database already holds a concord store; copy into an empty database (nothing was changed)",
        ));
    }
    let mut tx = client.transaction().map_err(|err| pg_err(url, err))?;
    for part in SCHEMA {
        tx.batch_execute(part).map_err(|err| pg_err(url, err))?;
    }
    tx.batch_execute("SET CONSTRAINTS ALL DEFERRED; DELETE FROM meta;")
        .map_err(|err| pg_err(url, err))?;
    // The tables as PostgreSQL has them, the generated full-text column left out.
    let tables = tx
        .query(
            "SELECT c.table_name::text, string_agg(c.column_name::text, ', ' ORDER BY c.ordinal_position)
             FROM information_schema.columns c JOIN information_schema.tables t
               ON t.table_schema = c.table_schema AND t.table_name = c.table_name
             WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
               AND c.is_generated = 'NEVER'
             GROUP BY c.table_name ORDER BY c.table_name",
            &[],
        )
        .map_err(|err| pg_err(url, err))?;
    let mut rows_written = 0u64;
    let mut buf = Vec::with_capacity(1 << 20);
    for t in &tables {
        let (table, cols): (String, String) = (t.get(0), t.get(1));
        // Names from PostgreSQL's catalog of the schema concord just created, not from input.
        let mut st = src
            .prepare(&format!("SELECT {cols} FROM {table}"))
            .map_err(e)?;
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
                writer.write_all(&buf).map_err(|err| pg_err(url, err))?;
                buf.clear();
            }
        }
        writer.write_all(&buf).map_err(|err| pg_err(url, err))?;
        buf.clear();
        writer.finish().map_err(|err| pg_err(url, err))?;
    }
    tx.batch_execute("ANALYZE")
        .map_err(|err| pg_err(url, err))?;
    tx.commit().map_err(|err| pg_err(url, err))?;
    Ok(CopyStats {
        tables: tables.len(),
        rows: rows_written,
        seconds: start.elapsed().as_secs_f64(),
    })
}

#[cfg(test)]
mod tests {
    use super::redacted;

    #[test]
    fn passwords_never_show() {
        assert_eq!(
            redacted("postgres://ann:s3cret@db.example:5432/desk?sslmode=require"),
            "postgres://ann:***@db.example:5432/desk?sslmode=require"
        );
        assert_eq!(
            redacted("postgres://ann@host/desk"),
            "postgres://ann@host/desk"
        );
        assert_eq!(redacted("postgresql://host/desk"), "postgresql://host/desk");
        assert_eq!(redacted("postgres://a:b:c@h/d"), "postgres://a:***@h/d");
    }
}
