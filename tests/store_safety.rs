//! The store beside other SQLite clients, behind symlinks, with files that
//! are not stores, with a stray write-ahead log, damaged, and replaced while
//! an invocation reads it. All through the real binary and real SQLite
//! files, with second and third connections (rusqlite) where a case needs
//! them. The rows are in docs/hardening.md.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::io::Read as _;
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use rusqlite::{Connection, OpenFlags};

/// Every file of `dir` (not recursive) with its bytes; other nodes by kind.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for entry in fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        let t = fs::symlink_metadata(entry.path()).unwrap().file_type();
        let v = if t.is_file() {
            fs::read(entry.path()).unwrap()
        } else {
            format!("{t:?}").into_bytes()
        };
        out.insert(name, v);
    }
    out
}

fn run_cmd(cmd: &mut Command) -> Run {
    let out = cmd.output().unwrap();
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs `cmd`, killing it (and failing) if it has not ended after a minute:
/// for paths that used to make SQLite block for ever (a FIFO).
fn run_bounded(cmd: &mut Command) -> Run {
    run_bounded_with(cmd, None)
}

/// [`run_bounded`], writing `input` to its standard input.
fn run_bounded_with(cmd: &mut Command, input: Option<&str>) -> Run {
    let mut child = cmd
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(text) = input {
        use std::io::Write as _;
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(text.as_bytes()).unwrap();
    }
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("{cmd:?} still running after a minute: it hangs");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn assert_refused(r: &Run, needle: &str) {
    assert_eq!(r.code, Some(1), "expected exit 1: {r:?}");
    assert!(
        r.stderr.contains(needle),
        "stderr lacks {needle:?}:\n{}",
        r.stderr
    );
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
}

fn assert_ok(r: &Run) {
    assert!(r.ok(), "expected success: {r:?}");
}

fn integrity(db: &Path) -> Vec<String> {
    column(&open_ro(db), "PRAGMA integrity_check")
}

/// A read-only rusqlite connection (never writes the file or beside it).
fn open_ro(db: &Path) -> Connection {
    Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap()
}

/// Bytes 18 and 19 of the SQLite header: 1, 1 rollback journal; 2, 2 WAL.
fn journal_bytes(db: &Path) -> [u8; 2] {
    let b = fs::read(db).unwrap();
    [b[18], b[19]]
}

fn query(db: &Path, q: &str) -> Run {
    run_cmd(
        concord()
            .args(["query", q, "--format", "csv", "--db"])
            .arg(db),
    )
}

/// FNV-1a 64 (the checksum concord keeps of each source file).
fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// A statement of `n` paragraphs, id `id`.
fn statement(id: &str, n: usize) -> String {
    let mut out = format!(
        "+++\nid = \"{id}\"\ntitle = \"Statement {id}\"\nkind = \"statement\"\nauthors = [\"lavrov\"]\n+++\n"
    );
    for p in 1..=n {
        out.push_str(&format!(
            "{p}. Paragraph {p}: the security of each participating state is inseparable from that of all.\n\n"
        ));
    }
    out
}

// --- 1. import beside other SQLite clients ---------------------------------

/// A second client switches the store to WAL mode and commits an edit of a
/// source file (a document's title, with the checksum brought up to date)
/// that stays in `-wal`, while a third connection holds a read transaction
/// open. An import (3,000 paragraphs, or one) then refuses, naming what to
/// close, and leaves the store sound with the edit; once both clients are
/// closed the same import succeeds (in place) and its store holds the edit and
/// the new statement, is sound and in rollback mode, with no `-wal` beside it;
/// an import that rebuilds then builds from the edited source.
#[test]
fn import_beside_other_sqlite_clients_takes_all_committed_state_or_refuses() {
    for paragraphs in [3000, 1] {
        let s = Scratch::built_example();
        let db = s.db();
        let new = s.corpus().join("statements/zz-new.txt");
        fs::write(&new, statement("zz-new", paragraphs)).unwrap();

        let second = Connection::open(&db).unwrap();
        let mode: String = second
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        second.pragma_update(None, "wal_autocheckpoint", 0).unwrap();
        let (file_id, content): (i64, String) = second
            .query_row(
                "SELECT f.id, f.content FROM files f JOIN documents d ON d.file_id = f.id WHERE d.slug = 'istanbul-charter'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        let title: String = second
            .query_row(
                "SELECT title FROM documents WHERE slug = 'istanbul-charter'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        let line = format!("title = \"{title}\"");
        assert!(content.contains(&line), "{line} is not in its source");
        let edited = content.replacen(
            &line,
            "title = \"Charter for European Security (edited)\"",
            1,
        );
        second
            .execute(
                "UPDATE files SET content = ?1 WHERE id = ?2",
                rusqlite::params![edited, file_id],
            )
            .unwrap();
        let sums: Vec<String> = column(&second, "SELECT content FROM files ORDER BY id")
            .iter()
            .map(|c| format!("{:016x}", fnv1a64(c.as_bytes())))
            .collect();
        second
            .execute(
                "UPDATE meta SET value = ?1 WHERE key = 'files_fnv1a64'",
                [sums.join(" ")],
            )
            .unwrap();
        assert!(
            fs::metadata(file_wal(&db)).unwrap().len() > 0,
            "the edit is not in -wal"
        );
        let third = Connection::open(&db).unwrap();
        third.execute_batch("BEGIN").unwrap();
        assert_eq!(int(&third, "SELECT count(*) FROM files"), 8);

        let r = import(&[&new], &db);
        assert_refused(&r, "another program has the store open");
        assert!(r.stderr.contains("close it"), "{}", r.stderr);
        assert_eq!(
            column(
                &second,
                &format!("SELECT content FROM files WHERE id = {file_id}")
            ),
            std::slice::from_ref(&edited)
        );
        assert_eq!(column(&second, "PRAGMA integrity_check"), ["ok"]);

        third.execute_batch("COMMIT").unwrap();
        drop(third);
        drop(second);
        let r = import(&[&new], &db);
        assert_ok(&r);
        assert_eq!(integrity(&db), ["ok"], "{paragraphs} paragraphs");
        assert!(!file_wal(&db).exists(), "a -wal was left beside the store");
        assert_eq!(journal_bytes(&db), [1, 1]);
        // The statement went in place: the committed edit of the stored source is kept as
        // the client wrote it; the records follow it when the store is next rebuilt.
        assert!(r.stderr.contains("in place"), "{}", r.stderr);
        assert_eq!(
            column(
                &open_ro(&db),
                &format!("SELECT content FROM files WHERE id = {file_id}")
            ),
            std::slice::from_ref(&edited),
            "the other client's committed edit was lost"
        );
        let r = query(&db, "documents where id = zz-new select id");
        assert_eq!(r.stdout, "id\nzz-new\n");
        // An import that rebuilds (a file with an actor) builds from the edited source.
        let actor = s.corpus().join("zz-actor.toml");
        fs::write(&actor, "[[actor]]\nid = \"zz-actor\"\nname = \"Zembla\"\n").unwrap();
        let r = import(&[&actor], &db);
        assert_ok(&r);
        assert!(r.stderr.contains("rebuilt"), "{}", r.stderr);
        let r = query(&db, "documents where id = istanbul-charter select title");
        assert_ok(&r);
        assert_eq!(
            r.stdout, "title\nCharter for European Security (edited)\n",
            "the other client's committed edit was lost"
        );
        let conn = open_ro(&db);
        assert_eq!(
            int(
                &conn,
                "SELECT count(*) FROM clauses c JOIN documents d ON d.id = c.document_id WHERE d.slug = 'zz-new'"
            ),
            paragraphs as i64
        );
    }
}

fn file_wal(db: &Path) -> PathBuf {
    PathBuf::from(format!("{}-wal", db.display()))
}

// --- 2. build -o / --db through symlinks and onto other nodes ---------------

#[test]
fn build_and_import_through_a_symlink_write_the_target_under_its_folders_lock() {
    let s = Scratch::with_example();
    let real = s.tmp.path().join("real");
    let sub = s.tmp.path().join("sub");
    fs::create_dir(&real).unwrap();
    fs::create_dir(&sub).unwrap();
    let link = sub.join("link.db");
    std::os::unix::fs::symlink("../real/store.db", &link).unwrap();
    // A link to nothing yet: the build creates the file it names.
    assert_ok(&build(&s.corpus(), &link));
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(real.join("store.db").is_file());
    assert_eq!(list_dir(&sub), ["link.db"]);
    assert_eq!(list_dir(&real), ["store.db"]);
    assert_eq!(
        query(&real.join("store.db"), "documents count").stdout,
        "count\n11\n"
    );

    let new = s.corpus().join("statements/zz-new.txt");
    fs::write(&new, statement("zz-new", 3)).unwrap();
    // The lock taken is the target folder's: holding the link's folder does not stop it...
    let sub_lock = fs::File::open(&sub).unwrap();
    sub_lock.lock().unwrap();
    assert_ok(&import(&[&new], &link));
    sub_lock.unlock().unwrap();
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(list_dir(&sub), ["link.db"]);
    assert_eq!(
        query(&real.join("store.db"), "documents count").stdout,
        "count\n12\n"
    );
    // ...holding the target's folder does.
    let real_lock = fs::File::open(&real).unwrap();
    real_lock.lock().unwrap();
    let before = fs::read(real.join("store.db")).unwrap();
    let r = import(&[&new], &link);
    real_lock.unlock().unwrap();
    assert_refused(&r, "the store is locked by another writer");
    assert_eq!(fs::read(real.join("store.db")).unwrap(), before);
    // And a build through the link replaces the target, keeping the link.
    fs::remove_file(&new).unwrap();
    assert_ok(&build(&s.corpus(), &link));
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(query(&link, "documents count").stdout, "count\n11\n");
}

#[test]
fn what_is_not_a_regular_file_is_refused_early_and_left_as_it_was() {
    let s = Scratch::built_example();
    let out = s.out();
    let dir = out.join("folder.db");
    fs::create_dir(&dir).unwrap();
    let fifo = out.join("pipe.db");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success(),
        "mkfifo"
    );
    let mut cases: Vec<(PathBuf, &str)> = vec![
        (dir.clone(), "a directory, not a store file"),
        (fifo.clone(), "a FIFO (named pipe), not a store file"),
    ];
    let dev = out.join("nulldev");
    let made = Command::new("mknod")
        .arg(&dev)
        .args(["c", "1", "3"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|st| st.success());
    if made {
        cases.push((dev.clone(), "a character device, not a store file"));
    } else {
        eprintln!("SKIPPED (device node): mknod is not permitted here (not root)");
    }
    cases.push((
        PathBuf::from("/dev/null"),
        "/dev/null: a character device, not a store file",
    ));
    let new = s.corpus().join("statements/zz-new.txt");
    fs::write(&new, statement("zz-new", 2)).unwrap();
    let before = snapshot(&out);
    for (path, needle) in &cases {
        let r = run_bounded(concord().arg("build").arg(s.corpus()).arg("-o").arg(path));
        assert_refused(&r, needle);
        let r = run_bounded(concord().arg("import").arg(&new).arg("--db").arg(path));
        assert_refused(&r, needle);
        let r = run_bounded(
            concord()
                .args(["query", "documents count", "--db"])
                .arg(path),
        );
        assert_refused(&r, needle);
        assert_eq!(r.stdout, "");
        let r = run_bounded(concord().arg(path).arg("-c").arg("documents count"));
        assert_refused(&r, needle);
        let r = run_bounded(concord().args(["check", "--db"]).arg(path));
        assert_refused(&r, needle);
        assert_eq!(snapshot(&out), before, "{} changed", path.display());
    }
    assert!(fs::metadata(&dir).unwrap().is_dir());
    assert!(fs::metadata(&fifo).unwrap().file_type().is_fifo());
    if made {
        assert!(fs::metadata(&dev).unwrap().file_type().is_char_device());
    }
    // `.open` in a piped script refuses it too, and goes on with the store it has.
    let r = run_bounded_with(
        concord().arg(s.db()).args(["--format", "csv"]),
        Some(&format!(".open {}\ndocuments count\n", fifo.display())),
    );
    assert!(
        r.stderr.contains("a FIFO (named pipe), not a store file"),
        "{r:?}"
    );
    assert_eq!(r.stdout, "count\n11\n");
    assert_eq!(snapshot(&out), before);
}

#[test]
fn an_empty_file_and_a_damaged_header_are_named_as_such() {
    let s = Scratch::built_example();
    let empty = s.out().join("empty.db");
    fs::write(&empty, b"").unwrap();
    let r = query(&empty, "documents count");
    assert_refused(&r, "empty.db: an empty file, not a concord store");
    assert!(!r.stderr.contains("a SQLite database"), "{}", r.stderr);
    let new = s.corpus().join("statements/zz-new.txt");
    fs::write(&new, statement("zz-new", 2)).unwrap();
    assert_refused(
        &import(&[&new], &empty),
        "an empty file, not a concord store",
    );
    assert_eq!(fs::read(&empty).unwrap(), b"");

    // One flipped byte of `user_version` (offset 60) reads as version 369098756.
    let flipped = s.out().join("flipped.db");
    let mut bytes = fs::read(s.db()).unwrap();
    bytes[60] ^= 0x16;
    fs::write(&flipped, &bytes).unwrap();
    let r = query(&flipped, "documents count");
    assert_refused(&r, "the file is damaged, or not a concord store");
    assert!(!r.stderr.contains("upgrade concord"), "{}", r.stderr);
    assert!(r.stderr.contains("concord build CORPUS -o"), "{}", r.stderr);
    // A file cut short is damaged too.
    let cut = s.out().join("cut.db");
    fs::write(&cut, &fs::read(s.db()).unwrap()[..10_000]).unwrap();
    assert_refused(&query(&cut, "documents count"), "the file is damaged");
}

// --- 3. stray -wal; queries never write; readable without write access ------

#[test]
fn a_stray_wal_is_refused_and_queries_never_change_the_store() {
    let s = Scratch::built_example();
    let a = s.db();
    let b = s.out().join("B.db");
    fs::copy(&a, &b).unwrap();
    let other = Connection::open(&b).unwrap();
    let _: String = other
        .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
        .unwrap();
    other.pragma_update(None, "wal_autocheckpoint", 0).unwrap();
    other
        .execute(
            "UPDATE documents SET title = 'FORGED' WHERE slug = 'istanbul-charter'",
            [],
        )
        .unwrap();
    fs::copy(file_wal(&b), file_wal(&a)).unwrap();
    drop(other);
    let a_bytes = fs::read(&a).unwrap();
    let wal_bytes = fs::read(file_wal(&a)).unwrap();
    let q = "documents where id = istanbul-charter select id, title";
    let r = run_cmd(concord().arg("-c").arg(q).arg(&a));
    assert_refused(&r, "a write-ahead log that does not belong to");
    assert!(!r.stdout.contains("FORGED"), "{}", r.stdout);
    let new = s.corpus().join("statements/zz-new.txt");
    fs::write(&new, statement("zz-new", 2)).unwrap();
    assert_refused(&import(&[&new], &a), "does not belong to");
    assert_refused(&build(&s.corpus(), &a), "does not belong to");
    assert_eq!(fs::read(&a).unwrap(), a_bytes, "the store changed");
    assert_eq!(fs::read(file_wal(&a)).unwrap(), wal_bytes);

    fs::remove_file(file_wal(&a)).unwrap();
    let _ = fs::remove_file(format!("{}-shm", a.display()));
    let r = run_cmd(concord().arg("-c").arg(q).args(["--format", "csv"]).arg(&a));
    assert_ok(&r);
    assert!(!r.stdout.contains("FORGED"), "{}", r.stdout);
    assert!(r.stdout.contains("istanbul-charter,"), "{}", r.stdout);
    assert_eq!(fs::read(&a).unwrap(), a_bytes, "a query changed the store");
    assert_eq!(list_dir(&s.out()), ["B.db", "osce.db"]);
}

#[test]
fn a_finished_store_is_in_rollback_mode_and_readable_without_write_access() {
    let s = Scratch::built_example();
    let db = s.db();
    assert_eq!(journal_bytes(&db), [1, 1], "a build left WAL mode");
    let new = s.corpus().join("statements/zz-new.txt");
    fs::write(&new, statement("zz-new", 2)).unwrap();
    assert_ok(&import(&[&new], &db));
    assert_eq!(journal_bytes(&db), [1, 1], "an import left WAL mode");

    // The folder and the file read-only: a read-only open works and leaves nothing.
    let out = s.out();
    fs::set_permissions(&db, fs::Permissions::from_mode(0o444)).unwrap();
    fs::set_permissions(&out, fs::Permissions::from_mode(0o555)).unwrap();
    let conn = open_ro(&db);
    assert_eq!(int(&conn, "SELECT count(*) FROM documents"), 12);
    drop(conn);
    assert_eq!(query(&db, "documents count").stdout, "count\n12\n");
    assert_eq!(list_dir(&out), ["osce.db"]);

    // As a user who may write neither (root writes anyway).
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    let runuser = Command::new("runuser").arg("--help").output().is_ok();
    if is_root && runuser {
        // nobody must be able to reach the file: the temporary folder is 0700.
        fs::set_permissions(s.tmp.path(), fs::Permissions::from_mode(0o755)).unwrap();
        let bin = PathBuf::from(env!("CARGO_BIN_EXE_concord"));
        let r = run_cmd(
            Command::new("runuser")
                .args(["-u", "nobody", "--"])
                .arg(&bin)
                .args(["query", "documents count", "--format", "csv", "--db"])
                .arg(&db),
        );
        if r.stderr.contains("Permission denied") && r.stderr.contains(&*bin.to_string_lossy()) {
            eprintln!("SKIPPED (nobody): the concord binary is not readable by nobody: {r:?}");
        } else {
            assert_ok(&r);
            assert_eq!(r.stdout, "count\n12\n");
        }
        let python = Command::new("python3").arg("--version").output().is_ok();
        if python {
            let script = "import sqlite3, sys\nc = sqlite3.connect(sys.argv[1])\nprint(c.execute('select count(*) from documents').fetchone()[0])\n";
            let r = run_cmd(
                Command::new("runuser")
                    .args(["-u", "nobody", "--", "python3", "-c", script])
                    .arg(&db),
            );
            if r.stderr.contains("No such file or directory") && !r.stderr.contains("sqlite3") {
                eprintln!("SKIPPED (python3 as nobody): {r:?}");
            } else {
                assert_ok(&r);
                assert_eq!(r.stdout, "12\n", "python3's sqlite3 as nobody");
            }
        } else {
            eprintln!("SKIPPED (python3 as nobody): python3 is not installed");
        }
    } else {
        eprintln!("SKIPPED (unprivileged user): not root, or runuser is missing");
    }
    assert_eq!(list_dir(&out), ["osce.db"]);
    fs::set_permissions(&out, fs::Permissions::from_mode(0o755)).unwrap();
}

// --- 4. import trusts a damaged store ----------------------------------------

/// The root page number of `name`, and the page size.
fn root_page(db: &Path, name: &str) -> (usize, usize) {
    let conn = open_ro(db);
    let root: i64 = conn
        .query_row(
            "SELECT rootpage FROM sqlite_master WHERE name = ?1",
            [name],
            |r| r.get(0),
        )
        .unwrap();
    let size = int(&conn, "PRAGMA page_size");
    (root as usize, size as usize)
}

/// The first leaf page of the table b-tree rooted at `root`.
fn first_leaf(bytes: &[u8], root: usize, size: usize) -> usize {
    let mut page = root;
    loop {
        let off = (page - 1) * size + if page == 1 { 100 } else { 0 };
        match bytes[off] {
            0x0d => return page,
            0x05 => {
                let ptr = u16::from_be_bytes([bytes[off + 12], bytes[off + 13]]) as usize;
                let cell = (page - 1) * size + ptr;
                page = u32::from_be_bytes([
                    bytes[cell],
                    bytes[cell + 1],
                    bytes[cell + 2],
                    bytes[cell + 3],
                ]) as usize;
            }
            t => panic!("page {page} is of type {t:#x}, not a table b-tree page"),
        }
    }
}

#[test]
fn import_refuses_a_store_missing_a_cell_of_its_sources() {
    let s = Scratch::built_example();
    let db = s.db();
    let (root, size) = root_page(&db, "files");
    let mut bytes = fs::read(&db).unwrap();
    let leaf = first_leaf(&bytes, root, size);
    let off = (leaf - 1) * size + if leaf == 1 { 100 } else { 0 };
    let n = u16::from_be_bytes([bytes[off + 3], bytes[off + 4]]) as usize;
    assert!(n >= 2, "the first leaf has {n} cells");
    // Drop the first cell pointer: shift the others down, one fewer cell.
    let ptrs = off + 8;
    bytes.copy_within(ptrs + 2..ptrs + 2 * n, ptrs);
    bytes[ptrs + 2 * (n - 1)] = 0;
    bytes[ptrs + 2 * (n - 1) + 1] = 0;
    bytes[off + 3..off + 5].copy_from_slice(&((n - 1) as u16).to_be_bytes());
    fs::write(&db, &bytes).unwrap();
    assert_ne!(integrity(&db), ["ok"], "the damage was not made");

    let new = s.corpus().join("statements/zz-new.txt");
    fs::write(&new, statement("zz-new", 2)).unwrap();
    let r = import(&[&new], &db);
    assert_refused(&r, "damaged");
    assert!(
        r.stderr
            .contains(&format!("concord build CORPUS -o {}", db.display())),
        "no rebuild command: {}",
        r.stderr
    );
    assert_eq!(
        fs::read(&db).unwrap(),
        bytes,
        "the damaged store was changed"
    );
    let r = run_cmd(concord().args(["check", "--db"]).arg(&db));
    assert_refused(&r, "integrity_check");
}

/// Flips one byte inside the stored text of a source file, 30 times (fixed
/// seed): every import refuses the store, or (never, so far) gives a store
/// whose sources are the original ones: no damage is carried into a rebuilt
/// store.
#[test]
fn import_never_carries_flipped_bytes_of_its_sources_into_the_new_store() {
    let s = Scratch::built_example();
    let db = s.db();
    let pristine = fs::read(&db).unwrap();
    let sources = column(&open_ro(&db), "SELECT content FROM files ORDER BY id");
    let new = s.corpus().join("statements/zz-new.txt");
    fs::write(&new, statement("zz-new", 2)).unwrap();
    let mut seed: u64 = 0x5EED_F11E;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let (mut refused, mut trials) = (0, 0);
    while trials < 30 {
        let content = &sources[next() as usize % sources.len()];
        let head = &content.as_bytes()[..content.len().min(120)];
        let Some(at) = find(&pristine, head) else {
            continue; // stored across pages: try another
        };
        trials += 1;
        let mut bytes = pristine.clone();
        let i = at + next() as usize % head.len();
        bytes[i] ^= 1 << (next() % 7);
        fs::write(&db, &bytes).unwrap();
        let r = import(&[&new], &db);
        assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
        if r.ok() {
            let now = column(
                &open_ro(&db),
                "SELECT content FROM files WHERE path NOT LIKE '%zz-new.txt' ORDER BY id",
            );
            assert_eq!(
                now, sources,
                "trial {trials}: damage carried into the new store"
            );
        } else {
            assert_eq!(r.code, Some(1), "{r:?}");
            assert!(
                r.stderr.contains("damaged") && r.stderr.contains("concord build CORPUS -o"),
                "trial {trials}: {}",
                r.stderr
            );
            assert_eq!(
                fs::read(&db).unwrap(),
                bytes,
                "a refused import changed the store"
            );
            refused += 1;
        }
    }
    eprintln!("{refused} of {trials} damaged stores refused, the rest rebuilt intact");
    assert!(refused > 0, "no flip was detected");
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

// --- 5. concord check --db --------------------------------------------------

fn check_db(db: &Path) -> Run {
    run_cmd(concord().args(["check", "--db"]).arg(db))
}

#[test]
fn check_db_finds_what_is_wrong_with_a_store() {
    let s = Scratch::built_example();
    let good = s.db();
    let r = check_db(&good);
    assert_ok(&r);
    assert!(r.stderr.starts_with("ok: "), "{}", r.stderr);

    let copy = |name: &str| {
        let p = s.out().join(name);
        fs::copy(&good, &p).unwrap();
        p
    };
    // "2022" made "1999" in one entry of the documents_date index.
    let index = copy("index.db");
    let (root, size) = root_page(&index, "documents_date");
    let mut bytes = fs::read(&index).unwrap();
    let page = &bytes[(root - 1) * size..root * size];
    let at = (root - 1) * size + find(page, b"2022").expect("a 2022 in the index");
    bytes[at..at + 4].copy_from_slice(b"1999");
    fs::write(&index, &bytes).unwrap();
    let r = check_db(&index);
    assert_refused(&r, "documents_date");
    assert!(r.stderr.contains("problem(s) in"), "{}", r.stderr);
    assert_eq!(fs::read(&index).unwrap(), bytes, "check changed the store");

    // Concord's own summaries and derived tables, changed by another client.
    let cases = [
        (
            "by_list",
            "UPDATE citations SET by_list = 'nobody' WHERE id = 1",
            "citations.by_list of row 1 is `nobody`",
        ),
        (
            "from_ref",
            "UPDATE citations SET from_ref = 'elsewhere' WHERE id = 2",
            "citations.from_ref of row 2 is `elsewhere`",
        ),
        (
            "to_ref",
            "UPDATE citations SET to_ref = NULL WHERE id = 3",
            "citations.to_ref of row 3 is NULL",
        ),
        (
            "principle_list",
            "UPDATE clauses SET principle_list = 'x' WHERE id = 1",
            "clauses.principle_list of row 1 is `x`",
        ),
        (
            "derived",
            "DELETE FROM actor_cited_clauses WHERE (actor_id, clause_id) IN (SELECT actor_id, clause_id FROM actor_cited_clauses LIMIT 1)",
            "derived table actor_cited_clauses does not agree with the citations",
        ),
        (
            "fts",
            "INSERT INTO clauses_fts (clauses_fts, rowid, text) SELECT 'delete', id, text FROM clauses WHERE id = 1",
            "full-text index clauses_fts does not agree",
        ),
        (
            "sources",
            "UPDATE files SET content = content || ' ' WHERE id = 1",
            "does not match its checksum",
        ),
    ];
    for (name, sql, needle) in cases {
        let db = copy(&format!("{name}.db"));
        let conn = Connection::open(&db).unwrap();
        conn.execute_batch(sql)
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
        drop(conn);
        let r = check_db(&db);
        assert_refused(&r, needle);
        assert!(!r.stderr.starts_with("ok"), "{}", r.stderr);
    }
}

// --- 17. one invocation, one store --------------------------------------------

/// `concord -c 'clauses select text; documents count'` on store A (about
/// 1 MB of clause text, far more than a pipe holds) is stopped half-way
/// through its first statement by not reading its output; meanwhile a
/// build replaces A with the example store. The second statement still
/// answers from A: one invocation reads one snapshot.
#[test]
fn the_statements_of_one_invocation_answer_from_one_store_while_a_build_replaces_it() {
    let s = Scratch::new();
    let db = generated_store(&s, 60);
    let old = query(&db, "documents count");
    assert_ok(&old);
    let old_count = old.stdout.clone();
    assert_ne!(old_count, "count\n11\n");
    let mut child = concord()
        .arg("-c")
        .arg("clauses select text; documents count")
        .args(["--format", "csv"])
        .arg(&db)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 4096];
    stdout.read_exact(&mut first).unwrap(); // the first statement is running
    // Replace the store while the first statement waits on the pipe.
    let example = Scratch::with_example();
    assert_ok(&build(&example.corpus(), &db));
    assert_eq!(query(&db, "documents count").stdout, "count\n11\n");
    let mut rest = Vec::new();
    stdout.read_to_end(&mut rest).unwrap();
    let status = child.wait().unwrap();
    assert!(status.success());
    let text = String::from_utf8_lossy(&rest);
    assert!(
        text.len() > 200_000,
        "the first statement's output fitted in the pipe"
    );
    assert!(
        text.ends_with(&old_count),
        "the second statement did not answer from the store the first read: {:?}",
        &text[text.len().saturating_sub(200)..]
    );
}

/// Damage in the full-text index of a store too big to be quick-checked on open is named as
/// damage to the store, not as a mistake in the query.
#[test]
fn a_damaged_full_text_index_is_not_blamed_on_the_query() {
    let s = Scratch::new();
    let db = common::generated_store(&s, 300);
    let size = std::fs::metadata(&db).unwrap().len();
    assert!(
        size > 4 << 20,
        "bigger than the quick check on open: {size}"
    );
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch("UPDATE clauses_fts_data SET block = zeroblob(length(block)) WHERE id > 10")
        .unwrap();
    drop(conn);
    let r = common::run([
        db.to_str().unwrap(),
        "-c",
        "clauses where text matches \"security\" count",
    ]);
    assert_eq!(r.code, Some(1), "{r:?}");
    assert!(
        r.stderr
            .contains("the full-text index could not be searched"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("damaged"), "{}", r.stderr);
    assert!(r.stderr.contains("concord check --db"), "{}", r.stderr);
    assert!(
        !r.stderr.contains("malformed full-text query"),
        "{}",
        r.stderr
    );
    // A query that is wrong is still called so.
    let r = common::run([
        db.to_str().unwrap(),
        "-c",
        "clauses where text matches \"AND\"",
    ]);
    assert!(
        r.stderr.contains("malformed full-text query"),
        "{}",
        r.stderr
    );
}

/// A client that opened the store before a build replaced it, and commits after: its change
/// lands in the new store (the build copied its pages into the same file, under SQLite's
/// locks), not in an unlinked old file; and the client reads the new store.
#[test]
fn a_client_that_commits_after_a_build_keeps_its_change_in_the_new_store() {
    let s = Scratch::built_example();
    let db = s.db();
    let client = Connection::open(&db).unwrap();
    let documents = |c: &Connection| -> i64 {
        c.query_row("SELECT count(*) FROM documents", [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(documents(&client), 11); // the client has the old store's pages cached
    statement_citing_paragraph_8(&s, "zz-new", "2023-01-01", Some("[\"lavrov\"]"));
    assert_ok(&build(&s.corpus(), &db));
    client
        .execute(
            "INSERT INTO meta (key, value) VALUES ('other-writer', 'was here')",
            [],
        )
        .unwrap();
    assert_eq!(
        documents(&client),
        12,
        "the client still reads the old store"
    );
    drop(client);
    let conn = open_ro(&db);
    assert_eq!(
        column(&conn, "SELECT value FROM meta WHERE key = 'other-writer'"),
        ["was here"],
        "the client's change was lost"
    );
    assert_eq!(documents(&conn), 12);
    assert_eq!(integrity(&db), ["ok"]);
    assert_eq!(query(&db, "documents count").stdout, "count\n12\n");
}
