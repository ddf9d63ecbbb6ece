//! The connection a [`super::Store`] reads through, whichever engine holds the store: a
//! SQLite file or a PostgreSQL database. Nothing outside `store` sees which.
//!
//! Statements written by hand in this module's siblings are written once, for both engines,
//! with SQLite's numbered parameters (`?1`); for PostgreSQL they become `$1::text` (or
//! `::bigint`, `::float8`, by the value bound), so that the server knows every parameter's
//! type. Generated statements ([`crate::sql::Sql`]) are printed for the store's dialect and
//! run as they are. Values are always bound, never written into the text.

use std::cell::{Cell as StdCell, RefCell};
use std::ops::ControlFlow;

use postgres::types::{FromSql, ToSql, Type};
use rusqlite::Connection;
use rusqlite::types::ValueRef;

use super::query::Cell;
use crate::sql::Param;

/// The engine behind a store.
pub(crate) enum Conn {
    Sqlite(Connection),
    Postgres(Box<Pg>),
}

/// A PostgreSQL session that only reads: every transaction is `READ ONLY`.
pub(crate) struct Pg {
    pub client: RefCell<postgres::Client>,
    /// The URL as given, password and all: to connect again, never to show (the store's
    /// path is the URL without the password).
    pub url: String,
    pub cancel: postgres::CancelToken,
    pub tls: super::pgconn::Tls,
    /// Inside a transaction that [`super::Store::begin_snapshot`] began.
    pub in_snapshot: StdCell<bool>,
    /// An in-memory FTS5 table: `matches` takes FTS5's syntax on both engines, and a query is
    /// checked (with SQLite's own message for a malformed one) before it is translated.
    pub fts_syntax: Connection,
}

/// A failure of either engine.
#[derive(Debug)]
pub(crate) enum DbError {
    Sqlite(rusqlite::Error),
    Pg(postgres::Error),
}

impl From<rusqlite::Error> for DbError {
    fn from(e: rusqlite::Error) -> DbError {
        DbError::Sqlite(e)
    }
}

impl From<postgres::Error> for DbError {
    fn from(e: postgres::Error) -> DbError {
        DbError::Pg(e)
    }
}

impl std::fmt::Display for DbError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DbError::Sqlite(e) => write!(f, "{e}"),
            DbError::Pg(e) => f.write_str(&pg_message(e)),
        }
    }
}

/// A PostgreSQL error as the server words it (`relation "x" does not exist`), else the
/// client's error with its causes (`error connecting to server: Connection refused`).
pub(crate) fn pg_message(e: &postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        let mut m = db.message().to_string();
        if let Some(d) = db.detail() {
            m.push_str(" (");
            m.push_str(d);
            m.push(')');
        }
        return m;
    }
    let mut message = e.to_string();
    let mut cause = std::error::Error::source(e);
    while let Some(c) = cause {
        let text = c.to_string();
        if !message.contains(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        cause = c.source();
    }
    message
}

/// Whether a PostgreSQL error is a statement cancelled by the user (Ctrl-C), not by the
/// server's `statement_timeout`, which shares its code.
pub(crate) fn pg_cancelled(e: &postgres::Error) -> bool {
    e.code() == Some(&postgres::error::SqlState::QUERY_CANCELED)
        && e.as_db_error()
            .is_none_or(|d| !d.message().contains("timeout"))
}

/// `sql` with SQLite's `?N` parameters written as PostgreSQL's `$N::type`. Only this crate's
/// own statements are rewritten: none holds a `?` in a string literal.
pub(crate) fn pg_placeholders(sql: &str, params: &[Param]) -> String {
    let mut out = String::with_capacity(sql.len() + 16);
    let bytes = sql.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'?' {
            let start = i + 1;
            let mut end = start;
            while end < bytes.len() && bytes[end].is_ascii_digit() {
                end += 1;
            }
            if end > start {
                let n: usize = sql[start..end].parse().unwrap_or(0);
                let cast = match params.get(n.wrapping_sub(1)) {
                    Some(Param::Int(_)) => "::bigint",
                    Some(Param::Real(_)) => "::float8",
                    _ => "::text",
                };
                out.push('$');
                out.push_str(&sql[start..end]);
                out.push_str(cast);
                i = end;
                continue;
            }
        }
        let ch = sql[i..].chars().next().unwrap_or('?');
        out.push(ch);
        i += ch.len_utf8();
    }
    out
}

/// The values of `params` as the `postgres` crate binds them.
pub(crate) fn pg_params(params: &[Param]) -> Vec<&(dyn ToSql + Sync)> {
    params
        .iter()
        .map(|p| match p {
            Param::Text(s) => s as &(dyn ToSql + Sync),
            Param::Int(n) => n as &(dyn ToSql + Sync),
            Param::Real(r) => r as &(dyn ToSql + Sync),
        })
        .collect()
}

/// Any PostgreSQL value as a [`Cell`]: integers and booleans as integers (SQLite has no
/// booleans), floating and decimal numbers as reals (a decimal without a fraction, as
/// `sum` gives, as an integer), everything else as its text.
pub(crate) struct AnyCell(pub Cell);

impl<'a> FromSql<'a> for AnyCell {
    fn from_sql(
        ty: &Type,
        raw: &'a [u8],
    ) -> Result<AnyCell, Box<dyn std::error::Error + Sync + Send>> {
        Ok(AnyCell(match *ty {
            Type::BOOL => Cell::Int(i64::from(bool::from_sql(ty, raw)?)),
            Type::INT2 => Cell::Int(i64::from(i16::from_sql(ty, raw)?)),
            Type::INT4 => Cell::Int(i64::from(i32::from_sql(ty, raw)?)),
            Type::INT8 => Cell::Int(i64::from_sql(ty, raw)?),
            Type::OID => Cell::Int(i64::from(u32::from_sql(ty, raw)?)),
            Type::FLOAT4 => Cell::Real(f64::from(f32::from_sql(ty, raw)?)),
            Type::FLOAT8 => Cell::Real(f64::from_sql(ty, raw)?),
            Type::NUMERIC => numeric(raw)?,
            // jsonb's binary form is a version byte and the text.
            Type::JSONB if !raw.is_empty() => {
                Cell::Text(String::from_utf8_lossy(&raw[1..]).into_owned())
            }
            _ => Cell::Text(String::from_utf8_lossy(raw).into_owned()),
        }))
    }

    fn from_sql_null(_: &Type) -> Result<AnyCell, Box<dyn std::error::Error + Sync + Send>> {
        Ok(AnyCell(Cell::Null))
    }

    fn accepts(_: &Type) -> bool {
        true
    }
}

/// A `numeric` in PostgreSQL's binary form: digit count, weight, sign, scale, then base-10,000
/// digits.
fn numeric(raw: &[u8]) -> Result<Cell, Box<dyn std::error::Error + Sync + Send>> {
    let word = |i: usize| -> Result<u16, Box<dyn std::error::Error + Sync + Send>> {
        raw.get(i..i + 2)
            .map(|b| u16::from_be_bytes([b[0], b[1]]))
            .ok_or_else(|| "a numeric value cut short".into())
    };
    let ndigits = word(0)? as usize;
    let weight = word(2)? as i16;
    let sign = word(4)?;
    let scale = word(6)?;
    if sign == 0xC000 {
        return Ok(Cell::Real(f64::NAN));
    }
    let mut digits = Vec::with_capacity(ndigits);
    for k in 0..ndigits {
        digits.push(word(8 + 2 * k)?);
    }
    let negative = sign == 0x4000;
    if scale == 0 && weight < 9 {
        // Up to 10,000^9: within i128, then within i64 or read as a real below.
        let mut v: i128 = 0;
        for (k, d) in digits.iter().enumerate() {
            let power = i32::from(weight) - k as i32;
            if power >= 0 {
                v += i128::from(*d) * 10_000i128.pow(power as u32);
            }
        }
        // (Zero groups after the last digit are not stored: the weight places the digits.)
        if let Ok(v) = i64::try_from(if negative { -v } else { v }) {
            return Ok(Cell::Int(v));
        }
    }
    let mut v = 0f64;
    for (k, d) in digits.iter().enumerate() {
        v += f64::from(*d) * 10_000f64.powi(i32::from(weight) - k as i32);
    }
    Ok(Cell::Real(if negative { -v } else { v }))
}

/// Runs `sql` on PostgreSQL (its text already in PostgreSQL's dialect), calling `each` with
/// every row; returns the column names.
pub(crate) fn pg_each(
    client: &mut postgres::Client,
    sql: &str,
    params: &[Param],
    lists: &[Option<&str>],
    mut each: impl FnMut(Vec<Cell>) -> ControlFlow<()>,
) -> Result<Vec<String>, postgres::Error> {
    use postgres::fallible_iterator::FallibleIterator;
    let st = client.prepare(sql)?;
    let columns: Vec<String> = st.columns().iter().map(|c| c.name().to_string()).collect();
    let n = columns.len();
    let mut rows = client.query_raw(&st, pg_params(params))?;
    while let Some(r) = rows.next()? {
        let mut cells = Vec::with_capacity(n);
        for i in 0..n {
            let cell = r.try_get::<_, AnyCell>(i)?.0;
            cells.push(listed(cell, lists.get(i).copied().flatten()));
        }
        if each(cells).is_break() {
            break;
        }
    }
    Ok(columns)
}

/// Runs `sql` on SQLite, calling `each` with every row; returns the column names.
pub(crate) fn sqlite_each(
    conn: &Connection,
    sql: &str,
    params: &[Param],
    lists: &[Option<&str>],
    mut each: impl FnMut(Vec<Cell>) -> ControlFlow<()>,
) -> Result<Vec<String>, rusqlite::Error> {
    let mut st = conn.prepare_cached(sql)?;
    for (i, p) in params.iter().enumerate() {
        match p {
            Param::Text(s) => st.raw_bind_parameter(i + 1, s)?,
            Param::Int(n) => st.raw_bind_parameter(i + 1, n)?,
            Param::Real(r) => st.raw_bind_parameter(i + 1, r)?,
        }
    }
    let columns: Vec<String> = st.column_names().map(|s| s.to_string()).collect();
    let n = columns.len();
    let mut rows = st.raw_query();
    while let Some(r) = rows.next()? {
        let mut cells = Vec::with_capacity(n);
        for i in 0..n {
            let cell = match r.get_ref(i)? {
                ValueRef::Null => Cell::Null,
                ValueRef::Integer(v) => Cell::Int(v),
                ValueRef::Real(v) => Cell::Real(v),
                ValueRef::Text(t) => Cell::Text(String::from_utf8_lossy(t).into_owned()),
                ValueRef::Blob(b) => Cell::Text(format!("<{} bytes>", b.len())),
            };
            cells.push(listed(cell, lists.get(i).copied().flatten()));
        }
        if each(cells).is_break() {
            break;
        }
    }
    Ok(columns)
}

/// A many-valued field's cell as a list (its values joined by `sep`, none when NULL).
fn listed(cell: Cell, sep: Option<&str>) -> Cell {
    match (cell, sep) {
        (Cell::Null, Some(_)) => Cell::List(Vec::new()),
        (Cell::Text(t), Some(sep)) => Cell::List(t.split(sep).map(str::to_string).collect()),
        (cell, _) => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_parameters_become_typed_dollar_parameters() {
        let params = [
            Param::Text("a".into()),
            Param::Int(2),
            Param::Real(0.5),
            Param::Text("b".into()),
        ];
        assert_eq!(
            pg_placeholders(
                "SELECT 1 WHERE a = ?1 AND b = ?2 AND c > ?3 OR d IN (?1, ?4) AND e = 'é'",
                &params
            ),
            "SELECT 1 WHERE a = $1::text AND b = $2::bigint AND c > $3::float8 OR d IN ($1::text, $4::text) AND e = 'é'"
        );
        let many: Vec<Param> = (0..12).map(Param::Int).collect();
        assert_eq!(pg_placeholders("?12, ?1", &many), "$12::bigint, $1::bigint");
    }

    #[test]
    fn numerics_read_as_integers_or_reals() {
        // 12345678 = [1234, 5678], weight 1, scale 0.
        let raw = [0, 2, 0, 1, 0, 0, 0, 0, 0x04, 0xD2, 0x16, 0x2E];
        assert_eq!(numeric(&raw).unwrap(), Cell::Int(12_345_678));
        // -20000 = [2], weight 1 (trailing zero group dropped).
        let raw = [0, 1, 0, 1, 0x40, 0, 0, 0, 0, 2];
        assert_eq!(numeric(&raw).unwrap(), Cell::Int(-20_000));
        // 2.5 = [2, 5000], weight 0, scale 1.
        let raw = [0, 2, 0, 0, 0, 0, 0, 1, 0, 2, 0x13, 0x88];
        assert_eq!(numeric(&raw).unwrap(), Cell::Real(2.5));
        // 0 = no digits.
        assert_eq!(numeric(&[0, 0, 0, 0, 0, 0, 0, 0]).unwrap(), Cell::Int(0));
        assert!(numeric(&[0, 2, 0]).is_err());
    }
}
