//! A team on one store in PostgreSQL, through the real binary: building into the server,
//! importing from two processes at once, an import killed half-way, readers during an import,
//! read-only sessions and roles, passwords from `PGPASSWORD` and the password file (never
//! printed), TLS by `sslmode`, and copying a store out of the server into a file.
//!
//! Needs the server of `bench/pg start` (its URL in `CONCORD_PG_URL`): its role `concord_pw`
//! signs in with the password `concord-pw`, and it speaks TLS with the certificate it writes
//! to `root.crt` beside its cluster (`target/pg`, or under `CONCORD_PG_TARGET`). Without
//! `CONCORD_PG_URL` the tests say so and check nothing, unless `CONCORD_REQUIRE_PG=1`.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use common::pg::{fresh_database, psql, with_database};

fn server() -> Option<String> {
    common::pg::server("tests/postgres_team.rs")
}

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn concord(args: &[&str]) -> Output {
    concord_env(args, &[])
}

fn concord_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    concord_fed(args, env, None)
}

/// The binary with `env` set (the connection settings of the tests' own environment
/// removed first) and `input`, if any, on its standard input.
fn concord_fed(args: &[&str], env: &[(&str, &str)], input: Option<&[u8]>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_concord"));
    cmd.args(args)
        .env("NO_COLOR", "1")
        .env_remove("CONCORD_DB")
        .env_remove("PGPASSWORD")
        .env_remove("PGSSLMODE")
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("the concord binary runs");
    if let Some(input) = input {
        use std::io::Write as _;
        child
            .stdin
            .take()
            .expect("a pipe")
            .write_all(input)
            .expect("the input is written");
    }
    child.wait_with_output().expect("the concord binary runs")
}

/// SQL as the store runs it, without parameters (for the store-level tests).
fn raw_sql(text: &str) -> concord::sql::Sql {
    concord::sql::Sql {
        text: text.into(),
        params: Vec::new(),
        columns: Vec::new(),
        lists: Vec::new(),
    }
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn ok(o: Output) -> String {
    assert!(o.status.success(), "concord failed: {}", text(&o));
    text(&o)
}

/// The osce example built into a fresh database `name`; its URL.
fn osce_in(server: &str, name: &str) -> String {
    let url = fresh_database(server, name);
    let dir = manifest_dir().join("examples/osce");
    ok(concord(&["build", dir.to_str().unwrap(), "-o", &url]));
    url
}

/// `(documents, clauses, citations)` as one read of the store sees them (the three
/// statements run in one snapshot).
fn counts(db: &str) -> Result<(i64, i64, i64), String> {
    let o = concord(&[
        "--db",
        db,
        "--format",
        "csv",
        "-c",
        "documents count; clauses count; citations count",
    ]);
    if !o.status.success() {
        return Err(text(&o));
    }
    let nums: Vec<i64> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .filter_map(|l| l.trim().parse().ok())
        .collect();
    match nums[..] {
        [d, c, ci] => Ok((d, c, ci)),
        _ => Err(format!("unexpected output: {}", text(&o))),
    }
}

/// A statement of `paragraphs` paragraphs that quote and cite the OSCE texts.
fn statement(dir: &Path, id: &str, paragraphs: usize) -> PathBuf {
    let mut body = format!(
        "+++\nid = \"{id}\"\nkind = \"statement\"\ntitle = \"Statement {id}\"\ndate = \"2022-03-01\"\nauthors = [\"lavrov\"]\n+++\n"
    );
    for i in 0..paragraphs {
        body.push_str(&format!(
            "Paragraph {i}. We recall the Istanbul Charter for European Security, in which each participating State said it \"will respect the rights of all others in the field of security\".\n\n"
        ));
    }
    let path = dir.join(format!("{id}.md"));
    std::fs::write(&path, body).unwrap();
    path
}

#[test]
fn a_store_built_into_postgresql_is_queried_checked_and_copied_back() {
    let Some(server) = server() else { return };
    let url = osce_in(&server, "concord_team_build");
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("osce.db");
    let dir = manifest_dir().join("examples/osce");
    ok(concord(&[
        "build",
        dir.to_str().unwrap(),
        "-o",
        file.to_str().unwrap(),
    ]));
    assert_eq!(counts(&url), counts(file.to_str().unwrap()));
    let (d, c, ci) = counts(&url).unwrap();
    assert!(d > 5 && c > 30 && ci > 50, "{d} {c} {ci}");
    // `check` reads every row of the server's store.
    let checked = ok(concord(&["check", "--db", &url]));
    assert!(checked.starts_with("ok: "), "{checked}");
    // Copied back out: the same rows as the file built from the corpus.
    let back = tmp.path().join("back.db");
    let said = ok(concord(&["copy", &url, back.to_str().unwrap()]));
    assert!(
        said.contains("copied ") && said.contains(" rows in "),
        "{said}"
    );
    let conn_a = rusqlite::Connection::open(&file).unwrap();
    let conn_b = rusqlite::Connection::open(&back).unwrap();
    for table in [
        "documents",
        "clauses",
        "citations",
        "actors",
        "principles",
        "files",
        "meta",
        "actor_cited_clauses",
    ] {
        let dump = |c: &rusqlite::Connection| -> Vec<String> {
            let mut st = c
                .prepare(&format!("SELECT * FROM {table} ORDER BY 1, 2"))
                .unwrap();
            let n = st.column_count();
            st.query_map([], |r| {
                Ok((0..n)
                    .map(|i| format!("{:?}", r.get_ref(i).unwrap()))
                    .collect::<Vec<_>>()
                    .join("|"))
            })
            .unwrap()
            .map(Result::unwrap)
            .collect()
        };
        assert_eq!(dump(&conn_a), dump(&conn_b), "table {table}");
    }
    let checked = ok(concord(&["check", "--db", back.to_str().unwrap()]));
    assert!(checked.starts_with("ok: "), "{checked}");
    // Copied back over a file that is not a store: refused, the file kept.
    let notes = tmp.path().join("notes.txt");
    std::fs::write(&notes, "mine").unwrap();
    let o = concord(&["copy", &url, notes.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(text(&o).contains("not a SQLite database"), "{}", text(&o));
    assert_eq!(std::fs::read_to_string(&notes).unwrap(), "mine");
}

#[test]
fn two_imports_at_once_are_both_kept() {
    let Some(server) = server() else { return };
    let url = osce_in(&server, "concord_team_two");
    let (d0, _, _) = counts(&url).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let a = statement(tmp.path(), "team-a", 40);
    let b = statement(tmp.path(), "team-b", 40);
    let spawn = |f: &Path| {
        Command::new(env!("CARGO_BIN_EXE_concord"))
            .args(["import", f.to_str().unwrap(), "--db", &url])
            .env_remove("CONCORD_DB")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (pa, pb) = (spawn(&a), spawn(&b));
    for p in [pa, pb] {
        let o = p.wait_with_output().unwrap();
        assert!(o.status.success(), "{}", text(&o));
    }
    let (d1, _, _) = counts(&url).unwrap();
    assert_eq!(d1, d0 + 2, "both imports kept");
    for id in ["team-a", "team-b"] {
        let o = ok(concord(&[
            "--db",
            &url,
            "--format",
            "csv",
            "-c",
            &format!("show {id}"),
        ]));
        assert!(o.contains(&format!("Statement {id}")), "{o}");
    }
}

#[test]
fn a_killed_import_leaves_the_store_as_it_was_and_readers_see_old_or_new() {
    let Some(server) = server() else { return };
    let url = osce_in(&server, "concord_team_kill");
    let before = counts(&url).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let big = statement(tmp.path(), "team-big", 1500);
    // Readers in a loop while imports are killed and, last, one finishes.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let reader = {
        let (url, stop, seen) = (url.clone(), stop.clone(), seen.clone());
        std::thread::spawn(move || {
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                seen.lock().unwrap().push(counts(&url));
            }
        })
    };
    let mut killed = 0;
    for delay_ms in [150, 300, 450, 600, 750] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_concord"))
            .args(["import", big.to_str().unwrap(), "--db", &url])
            .env_remove("CONCORD_DB")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap();
            killed += 1;
        }
        let status = child.wait().unwrap();
        let now = counts(&url).unwrap();
        if status.success() {
            // It finished before the kill: the new store, then put back for the next round.
            assert_eq!(now.0, before.0 + 1);
            let dir = manifest_dir().join("examples/osce");
            ok(concord(&["build", dir.to_str().unwrap(), "-o", &url]));
        } else {
            assert_eq!(
                now, before,
                "a killed import after {delay_ms} ms changed the store"
            );
        }
    }
    assert!(
        killed >= 2,
        "only {killed} imports were killed before they finished"
    );
    ok(concord(&["import", big.to_str().unwrap(), "--db", &url]));
    let after = counts(&url).unwrap();
    assert_eq!(after.0, before.0 + 1);
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    reader.join().unwrap();
    let seen = seen.lock().unwrap();
    assert!(seen.len() > 3, "the reader ran {} times", seen.len());
    for s in seen.iter() {
        let s = s.as_ref().expect("every read succeeds during the imports");
        assert!(
            *s == before || *s == after,
            "a reader saw {s:?}: neither the old store {before:?} nor the new {after:?}"
        );
    }
    let checked = ok(concord(&["check", "--db", &url]));
    assert!(checked.starts_with("ok: "), "{checked}");
}

#[test]
fn query_sessions_cannot_write_and_an_analyst_role_reads_only() {
    let Some(server) = server() else { return };
    let url = osce_in(&server, "concord_team_ro");
    // A query session's transactions are read-only: SQL that would write, run through the
    // store concord opens, is refused by the server.
    let store = concord::store::Store::open(Path::new(&url)).expect("the store opens");
    for text in [
        "DELETE FROM clauses",
        "UPDATE clauses SET text = 'x'",
        "CREATE TABLE evil (x int)",
    ] {
        let sql = raw_sql(text);
        let err = store.rows(&sql).expect_err(text).to_string();
        assert!(err.contains("read-only transaction"), "{text}: {err}");
    }
    // Also inside the snapshot a script runs in.
    assert!(store.begin_snapshot());
    let sql = raw_sql("DELETE FROM citations");
    assert!(store.rows(&sql).is_err());
    store.end_snapshot(true);
    drop(store);
    // The role of docs/postgres.md: it can query, and imports fail without changing a row.
    psql(
        &url,
        "DROP ROLE IF EXISTS concord_analyst_t; CREATE ROLE concord_analyst_t LOGIN; \
         GRANT CONNECT ON DATABASE concord_team_ro TO concord_analyst_t; \
         GRANT USAGE ON SCHEMA public TO concord_analyst_t; \
         GRANT SELECT ON ALL TABLES IN SCHEMA public TO concord_analyst_t;",
    );
    let analyst = url.replacen("://postgres@", "://concord_analyst_t@", 1);
    assert_ne!(analyst, url, "the server URL names its user: {url}");
    assert_eq!(counts(&analyst), counts(&url));
    let tmp = tempfile::tempdir().unwrap();
    let s = statement(tmp.path(), "team-ro", 3);
    let o = concord(&["import", s.to_str().unwrap(), "--db", &analyst]);
    assert!(!o.status.success());
    assert!(text(&o).contains("permission denied"), "{}", text(&o));
    assert_eq!(counts(&analyst), counts(&url));
    psql(
        &url,
        "REVOKE ALL ON ALL TABLES IN SCHEMA public FROM concord_analyst_t; \
         REVOKE ALL ON SCHEMA public FROM concord_analyst_t; \
         REVOKE ALL ON DATABASE concord_team_ro FROM concord_analyst_t; DROP ROLE concord_analyst_t;",
    );
}

/// The URL for the role that signs in with a password, `password` in it (or not).
fn password_url(server: &str, db: &str, password: Option<&str>) -> String {
    let url = with_database(server, db);
    let rest = url.split_once("://").unwrap().1;
    let host = rest.split_once('@').map_or(rest, |(_, h)| h);
    match password {
        Some(p) => format!("postgres://concord_pw:{p}@{host}"),
        None => format!("postgres://concord_pw@{host}"),
    }
}

#[test]
fn passwords_come_from_the_url_pgpassword_or_the_password_file_and_never_show() {
    let Some(server) = server() else { return };
    let url = osce_in(&server, "concord_team_pw");
    psql(
        &url,
        "GRANT SELECT ON ALL TABLES IN SCHEMA public TO concord_pw",
    );
    let q = ["--format", "csv", "-c", "documents count"];
    let run = |db: &str, env: &[(&str, &str)]| {
        let mut args = vec!["--db", db];
        args.extend(q);
        concord_env(&args, env)
    };
    let want = counts(&url).unwrap().0.to_string();
    // In the URL.
    let o = run(
        &password_url(&server, "concord_team_pw", Some("concord-pw")),
        &[],
    );
    assert!(text(&o).contains(&want), "{}", text(&o));
    // PGPASSWORD.
    let bare = password_url(&server, "concord_team_pw", None);
    let o = run(&bare, &[("PGPASSWORD", "concord-pw")]);
    assert!(o.status.success(), "{}", text(&o));
    // The password file, which must be closed to others.
    let tmp = tempfile::tempdir().unwrap();
    let pass = tmp.path().join("pgpass");
    std::fs::write(&pass, "# team\n*:*:*:concord_pw:concord-pw\n").unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&pass, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let o = run(&bare, &[("PGPASSFILE", pass.to_str().unwrap())]);
    assert!(o.status.success(), "{}", text(&o));
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&pass, std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    let o = run(&bare, &[("PGPASSFILE", pass.to_str().unwrap())]);
    assert!(!o.status.success());
    assert!(
        text(&o).contains("others may read this password file"),
        "{}",
        text(&o)
    );
    // A wrong password: refused, and it appears nowhere in what concord prints.
    let wrong = password_url(&server, "concord_team_pw", Some("Sesame-9137"));
    for args in [
        vec!["--db", wrong.as_str(), "-c", "documents count"],
        vec!["query", "documents", "--db", wrong.as_str()],
        vec!["check", "--db", wrong.as_str()],
        vec!["copy", wrong.as_str(), "/nonexistent/x.db"],
    ] {
        let o = concord(&args);
        assert!(!o.status.success(), "{args:?}");
        let t = text(&o);
        assert!(
            !t.contains("Sesame-9137"),
            "{args:?} printed the password: {t}"
        );
        assert!(t.contains("concord_pw:***@"), "{args:?}: {t}");
    }
}

#[test]
fn tls_follows_sslmode() {
    let Some(server) = server() else { return };
    // bench/pg's certificate, beside its cluster: under CONCORD_PG_TARGET (CI), else the
    // target folder.
    let target = std::env::var_os("CONCORD_PG_TARGET")
        .or_else(|| std::env::var_os("CARGO_TARGET_DIR"))
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest_dir().join("target"));
    let root = target.join("pg/root.crt");
    if !root.is_file() {
        assert!(
            std::env::var_os("CONCORD_REQUIRE_PG").is_none_or(|v| v != "1"),
            "{}: no certificate of the test server (bench/pg writes it when openssl is there)",
            root.display()
        );
        eprintln!(
            "tests/postgres_team.rs: {} is missing; TLS not checked",
            root.display()
        );
        return;
    }
    let url = osce_in(&server, "concord_team_tls");
    psql(
        &url,
        "GRANT SELECT ON ALL TABLES IN SCHEMA public TO concord_tls",
    );
    let root = root.to_str().unwrap();
    // The role concord_tls is let in over TLS only (bench/pg): a session that gets in was
    // encrypted, one that is refused was not.
    let tls_user = url.replacen("://postgres@", "://concord_tls@", 1);
    assert_ne!(tls_user, url, "the server URL names its user: {url}");
    let with_mode = |u: &str, mode: &str| format!("{u}?sslmode={mode}&sslrootcert={root}");
    for mode in ["prefer", "require", "verify-ca", "verify-full"] {
        let o = concord(&["--db", &with_mode(&tls_user, mode), "-c", "documents count"]);
        assert!(o.status.success(), "sslmode={mode}: {}", text(&o));
    }
    let o = concord(&[
        "--db",
        &with_mode(&tls_user, "disable"),
        "-c",
        "documents count",
    ]);
    assert!(!o.status.success(), "sslmode=disable got in over TLS");
    assert!(text(&o).contains("no encryption"), "{}", text(&o));
    // require without a root certificate: encrypted, the certificate not checked.
    let o = concord(&[
        "--db",
        &format!("{tls_user}?sslmode=require"),
        "-c",
        "documents count",
    ]);
    assert!(o.status.success(), "sslmode=require, no root: {}", text(&o));
    // PGSSLMODE is read when the URL gives no mode.
    let o = concord_env(
        &["--db", &tls_user, "-c", "documents count"],
        &[("PGSSLMODE", "disable")],
    );
    assert!(!o.status.success(), "PGSSLMODE=disable was not read");
    // verify-full checks the name: the certificate is for localhost and 127.0.0.1, not for
    // `concord-other.invalid`, reached at the same address (`hostaddr`).
    let other = tls_user.replacen("@127.0.0.1:", "@concord-other.invalid:", 1);
    assert_ne!(
        other, tls_user,
        "the server URL names 127.0.0.1: {tls_user}"
    );
    let other_mode = |mode: &str| format!("{}&hostaddr=127.0.0.1", with_mode(&other, mode));
    let o = concord(&["--db", &other_mode("verify-full"), "-c", "documents count"]);
    assert!(
        !o.status.success(),
        "a certificate for another name was accepted"
    );
    assert!(text(&o).contains("not valid for name"), "{}", text(&o));
    // verify-ca does not check the name, and localhost is one of the certificate's names.
    let o = concord(&["--db", &other_mode("verify-ca"), "-c", "documents count"]);
    assert!(o.status.success(), "{}", text(&o));
    let local = with_mode(
        &tls_user.replacen("@127.0.0.1:", "@localhost:", 1),
        "verify-full",
    );
    let o = concord(&["--db", &local, "-c", "documents count"]);
    assert!(o.status.success(), "{}", text(&o));
    // A root that did not sign the server's certificate: refused.
    let tmp = tempfile::tempdir().unwrap();
    let stranger = tmp.path().join("other.crt");
    let made = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=stranger",
            "-keyout",
        ])
        .arg(tmp.path().join("other.key"))
        .arg("-out")
        .arg(&stranger)
        .output();
    // openssl is there: bench/pg made the server's certificates with it.
    assert!(
        made.is_ok_and(|o| o.status.success()),
        "openssl could not make a certificate"
    );
    {
        let o = concord(&[
            "--db",
            &format!(
                "{tls_user}?sslmode=verify-ca&sslrootcert={}",
                stranger.display()
            ),
            "-c",
            "documents count",
        ]);
        assert!(
            !o.status.success(),
            "a certificate from an unknown root was accepted"
        );
    }
    // verify-full without any root certificate: a clear refusal.
    let o = concord_env(
        &[
            "--db",
            &format!("{url}?sslmode=verify-full"),
            "-c",
            "documents count",
        ],
        &[("HOME", tmp.path().to_str().unwrap())],
    );
    assert!(!o.status.success());
    assert!(text(&o).contains("sslrootcert"), "{}", text(&o));
}

#[test]
fn a_running_statement_is_cancelled_by_the_stores_interrupt() {
    let Some(server) = server() else { return };
    let url = osce_in(&server, "concord_team_cancel");
    let store = concord::store::Store::open(Path::new(&url)).expect("the store opens");
    let interrupt = store.interrupt();
    let canceller = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(500));
        interrupt.interrupt();
    });
    let sql = raw_sql("SELECT pg_sleep(30)");
    let started = std::time::Instant::now();
    let err = store.rows(&sql).expect_err("cancelled");
    assert!(
        matches!(err, concord::store::StoreError::Interrupted),
        "{err}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
    canceller.join().unwrap();
    // The session goes on.
    assert!(store.catalog().is_ok());
}

#[test]
fn add_and_piped_statements_work_on_postgresql() {
    let Some(server) = server() else { return };
    let url = osce_in(&server, "concord_team_add");
    let tmp = tempfile::tempdir().unwrap();
    let plain = tmp.path().join("press-note.txt");
    std::fs::write(
        &plain,
        "Press note\n\nThe minister recalled the Istanbul Charter for European Security.\n",
    )
    .unwrap();
    let said = ok(concord(&[
        "add",
        plain.to_str().unwrap(),
        "--db",
        &url,
        "--author",
        "lavrov",
        "--date",
        "2022-02-02",
    ]));
    assert!(said.contains("added 1 document"), "{said}");
    // Statements piped on standard input, with CONCORD_DB naming the store.
    let o = concord_fed(
        &["--format", "csv"],
        &[("CONCORD_DB", &url)],
        Some(b"citations from press-note select to;\n"),
    );
    assert!(o.status.success(), "{}", text(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("istanbul-charter"), "{out}");
}

#[test]
fn odd_databases_get_errors_not_panics_and_tables_beside_the_store_are_left_alone() {
    let Some(server) = server() else { return };
    // A foreign `meta` whose value is not text: refused, no panic.
    let foreign = fresh_database(&server, "concord_team_foreign");
    psql(
        &foreign,
        "CREATE TABLE meta (key text, value int); INSERT INTO meta VALUES ('application', 1)",
    );
    for args in [
        vec!["--db", foreign.as_str(), "-c", "documents"],
        vec!["check", "--db", foreign.as_str()],
    ] {
        let o = concord(&args);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", text(&o));
        assert!(
            text(&o).contains("not a concord store"),
            "{args:?}: {}",
            text(&o)
        );
    }
    // A schema named after the user, first on the search path and empty: the store in
    // `public` is still the one every command reads and writes.
    let url = osce_in(&server, "concord_team_path");
    let user = psql(&url, "SELECT current_user");
    psql(&url, &format!("CREATE SCHEMA \"{user}\""));
    // And a table of the team's own beside the store.
    psql(
        &url,
        "CREATE TABLE public.team_notes (note text); INSERT INTO team_notes VALUES ('keep me')",
    );
    let before = counts(&url).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let s = statement(tmp.path(), "team-path", 2);
    ok(concord(&["import", s.to_str().unwrap(), "--db", &url]));
    assert_eq!(
        counts(&url).unwrap().0,
        before.0 + 1,
        "the import reached the store"
    );
    let checked = ok(concord(&["check", "--db", &url]));
    assert!(checked.starts_with("ok: "), "{checked}");
    let back = tmp.path().join("back.db");
    ok(concord(&["copy", &url, back.to_str().unwrap()]));
    assert_eq!(
        counts(back.to_str().unwrap()).unwrap(),
        counts(&url).unwrap()
    );
    assert_eq!(psql(&url, "SELECT note FROM public.team_notes"), "keep me");
    // A store whose server side lost a table or the full-text column: `check` says so.
    psql(
        &url,
        "DROP TABLE relations CASCADE; ALTER TABLE clauses DROP COLUMN fts",
    );
    let o = concord(&["check", "--db", &url]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    for problem in ["no table or view relations", "clauses has no column fts"] {
        assert!(text(&o).contains(problem), "{problem}: {}", text(&o));
    }
}

#[test]
fn a_failing_statement_does_not_spoil_the_rest_of_a_script_on_postgresql() {
    let Some(server) = server() else { return };
    let url = osce_in(&server, "concord_team_script");
    // The first statement fails on the server (text cannot hold a NUL); the next answer.
    let script = "documents where title = \"a\u{0}b\" count;\ndocuments count;\ncitations where id in (1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20) count;\n";
    let o = concord_fed(
        &["--db", &url, "--format", "csv"],
        &[],
        Some(script.as_bytes()),
    );
    let out = String::from_utf8_lossy(&o.stdout);
    let (d, _, _) = counts(&url).unwrap();
    assert!(out.contains(&format!("count\n{d}\n")), "{}", text(&o));
    assert!(out.contains("count\n20\n"), "{}", text(&o));
    assert!(
        !text(&o).contains("current transaction is aborted"),
        "{}",
        text(&o)
    );
    // A long list of numbers, one parameter on both engines.
    let o = ok(concord(&[
        "--db",
        &url,
        "--format",
        "csv",
        "-c",
        "citations where confidence in (0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9,0.95,1,0.15,0.25,0.35,0.45,0.55,0.65,0.75,0.85,0.99,0.98) count",
    ]));
    assert!(
        o.lines()
            .nth(1)
            .is_some_and(|n| n.parse::<i64>().is_ok_and(|n| n > 0)),
        "{o}"
    );
}
