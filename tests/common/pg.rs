//! The PostgreSQL server of the tests (`bench/pg start`, its URL in `CONCORD_PG_URL`), shared by
//! tests/postgres.rs, tests/postgres_team.rs and tests/repl_pty.rs.

use std::process::Command;

/// The server's URL; `None` (the test says so on stderr and checks nothing) when none is given,
/// unless `CONCORD_REQUIRE_PG=1` (CI) makes that a failure. `who` names the test file.
pub fn server(who: &str) -> Option<String> {
    match std::env::var("CONCORD_PG_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            let why =
                "CONCORD_PG_URL is not set (`bench/pg start` starts a server and prints its URL)";
            assert!(
                std::env::var_os("CONCORD_REQUIRE_PG").is_none_or(|v| v != "1"),
                "{why}, and CONCORD_REQUIRE_PG=1 asks for PostgreSQL"
            );
            eprintln!("{who}: {why}; nothing checked");
            None
        }
    }
}

/// `url` with its database replaced by `db` (its parameters kept).
pub fn with_database(url: &str, db: &str) -> String {
    match url.rfind('/') {
        Some(i) if url[..i].contains("//") && i > url.find("//").unwrap() + 1 => {
            let rest = &url[i + 1..];
            let query = rest.find('?').map_or("", |q| &rest[q..]);
            format!("{}/{db}{query}", &url[..i])
        }
        _ => format!("{url}/{db}"),
    }
}

/// Runs one SQL command with `psql` on `url`; its output, trimmed, or a panic with psql's error.
pub fn psql(url: &str, sql: &str) -> String {
    let out = Command::new("psql")
        .args([
            "-X",
            "-q",
            "-At",
            "-v",
            "ON_ERROR_STOP=1",
            "-d",
            url,
            "-c",
            sql,
        ])
        .output()
        .expect("psql runs");
    assert!(
        out.status.success(),
        "psql `{sql}`: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// An empty database `name` on the server (dropped first if it exists), with the encoding
/// and collation concord needs; its URL.
pub fn fresh_database(server: &str, name: &str) -> String {
    let admin = with_database(server, "postgres");
    psql(
        &admin,
        &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
    );
    psql(
        &admin,
        &format!(
            "CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C.UTF-8'"
        ),
    );
    with_database(server, name)
}
