//! Crash safety of `concord build` and `concord import`: real child processes
//! killed with SIGKILL (`Child::kill`) at pseudo-random moments (fixed seed),
//! and readers querying a store while an import replaces it.
//!
//! After every kill the store must pass `PRAGMA integrity_check` and hold
//! either its state before the run or the complete new state (a dump of every
//! table compared). By default each command is killed 100 times; with
//! `CONCORD_LONG=1`, 500 times. Temporary files a killed run leaves beside
//! the store (`.concord-build-*.db`) are counted and reported on stderr
//! (`cargo test --test crash_safety -- --nocapture`); see docs/hardening.md.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier};
use std::thread::sleep;
use std::time::{Duration, Instant};

use common::*;

/// How many times each command is killed.
fn kills() -> usize {
    if std::env::var_os("CONCORD_LONG").is_some_and(|v| v == "1") {
        500
    } else {
        100
    }
}

/// A statement of `paragraphs` paragraphs of `lines` lines of eight words
/// (about 75 bytes a line), deterministic. Its words never name a document,
/// so the citation finder has little to do; the writing dominates.
fn big_statement(id: &str, paragraphs: usize, lines: usize) -> String {
    const WORDS: [&str; 12] = [
        "security",
        "alliance",
        "charter",
        "indivisible",
        "freedom",
        "states",
        "expense",
        "participating",
        "reaffirm",
        "neutrality",
        "commitment",
        "dialogue",
    ];
    let mut out = format!(
        "+++\nid = \"{id}\"\ntitle = \"A very long statement\"\nkind = \"statement\"\ndate = 2022-02-10\nauthors = [\"lavrov\"]\n+++\n"
    );
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..paragraphs {
        for _ in 0..lines {
            for w in 0..8 {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                if w > 0 {
                    out.push(' ');
                }
                out.push_str(WORDS[(x % WORDS.len() as u64) as usize]);
            }
            out.push_str(".\n");
        }
        out.push('\n');
    }
    out
}

/// The size of the generated statement: tuned so that one debug build of
/// the example plus it takes roughly half a second.
const PARAGRAPHS: usize = 200;
const LINES: usize = 20;

/// xorshift64*: the kill moments, from a fixed seed so a failure repeats.
struct Moments(u64);

impl Moments {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Temporary build files beside the store.
fn temps(dir: &Path) -> Vec<String> {
    list_dir(dir)
        .into_iter()
        .filter(|n| n.starts_with(".concord-build-"))
        .collect()
}

/// What the store holds after a kill.
#[derive(Debug, Clone, Copy, PartialEq)]
enum State {
    Before,
    After,
}

/// Checks the store at `db` after a kill and tells which state it holds.
fn check_store(db: &Path, before_bytes: &[u8], before: &Dump, after: &Dump, what: &str) -> State {
    let conn = open(db);
    assert_eq!(
        column(&conn, "PRAGMA integrity_check"),
        ["ok"],
        "{what}: integrity_check"
    );
    assert_eq!(int(&conn, "PRAGMA application_id"), 0x434E_4344, "{what}");
    drop(conn);
    if fs::read(db).unwrap() == before_bytes {
        return State::Before;
    }
    let now = dump_file(db);
    if &now == before {
        State::Before
    } else if &now == after {
        State::After
    } else {
        panic!("{what}: the store is neither as before nor as after");
    }
}

/// Runs `command` to completion on a copy of the store, to learn the new
/// state and how long a run takes.
fn reference_run(s: &Scratch, args: &dyn Fn(&Path) -> Vec<PathBuf>) -> (Dump, Duration) {
    let dir = s.tmp.path().join("reference");
    fs::create_dir_all(&dir).unwrap();
    let db = dir.join("osce.db");
    let mut best = Duration::MAX;
    // Each run from the store as it was: a second import of the same file
    // would replace what the first added, under new row ids.
    for _ in 0..2 {
        fs::copy(s.db(), &db).unwrap();
        let started = Instant::now();
        let out = concord().args(args(&db)).output().unwrap();
        best = best.min(started.elapsed());
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let after = dump_file(&db);
    fs::remove_dir_all(&dir).unwrap();
    (after, best)
}

/// Kills `args` (a build or an import into `s.db()`) `kills()` times and
/// checks the store after each kill. The store is put back to its state
/// before every round, so that each kill can land before or after the rename.
fn kill_repeatedly(name: &str, s: &Scratch, seed: u64, args: &dyn Fn(&Path) -> Vec<PathBuf>) {
    let db = s.db();
    let before_bytes = fs::read(&db).unwrap();
    let before = dump_file(&db);
    let (after, full) = reference_run(s, args);
    assert_ne!(before, after);
    eprintln!("{name}: a complete run takes {full:?}");

    let mut moments = Moments(seed);
    let (mut finished, mut left, mut left_bytes, mut max_left) = (0, 0usize, 0u64, 0usize);
    let n = kills();
    for round in 0..n {
        // Put the old store back (no process has it open now).
        let pristine = s.out().join("pristine.tmp");
        fs::write(&pristine, &before_bytes).unwrap();
        fs::rename(&pristine, &db).unwrap();
        // A journal the last kill left belongs to the store that was just replaced.
        let _ = fs::remove_file(s.out().join("osce.db-journal"));

        let delay = full.mul_f64(1.4 * moments.next());
        let mut child = concord()
            .args(args(&db))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        sleep(delay);
        child.kill().unwrap(); // SIGKILL; an error only if it has been reaped
        let status = child.wait().unwrap();

        let what = format!("{name} round {round} (killed after {delay:?}, {status})");
        for entry in list_dir(&s.out()) {
            let len = fs::metadata(s.out().join(&entry)).unwrap().len();
            match entry.as_str() {
                // The journal of an import killed while it wrote in place: a hot journal,
                // played back by the next connection (check_store reads through concord).
                "osce.db" | "osce.db-shm" | "osce.db-journal" => {}
                "osce.db-wal" => assert_eq!(len, 0, "{what}: a -wal with frames was left"),
                // The temporary store of a killed build, with its journal or (while
                // citations are written) its write-ahead log and shared memory.
                e if e.starts_with(".concord-build-")
                    && [".db", ".db-journal", ".db-wal", ".db-shm"]
                        .iter()
                        .any(|end| e.ends_with(end)) => {}
                e => panic!("{what}: unexpected {e} beside the store"),
            }
        }
        // concord itself reads the store first: a hot journal left by the kill is played
        // back (one the kill left before it held anything is not hot, and stays, harmless).
        let read = concord()
            .args(["query", "documents count", "--format", "csv", "--db"])
            .arg(&db)
            .output()
            .unwrap();
        assert!(
            read.status.success(),
            "{what}: concord query after the kill: {}",
            String::from_utf8_lossy(&read.stderr)
        );
        let state = check_store(&db, &before_bytes, &before, &after, &what);
        if state == State::After {
            finished += 1;
        }
        let t = temps(&s.out());
        max_left = max_left.max(t.len());
        for name in t {
            let path = s.out().join(&name);
            left += 1;
            left_bytes += fs::metadata(&path).unwrap().len();
            // Removed here so that they do not pile up over the rounds.
            fs::remove_file(path).unwrap();
        }
        eprintln!("{what}: store {state:?}");
    }
    eprintln!(
        "{name}: {n} kills, {finished} after the rename; killed runs left {left} temporary file(s), {left_bytes} bytes in all"
    );
    assert!(
        finished < n,
        "{name}: every kill came too late to prove anything"
    );

    // A run after all those kills completes and gives the new state: from the store as it
    // was (the last round may have finished, and an import of the same files again would
    // replace what it added, under new row ids).
    let pristine = s.out().join("pristine.tmp");
    fs::write(&pristine, &before_bytes).unwrap();
    fs::rename(&pristine, &db).unwrap();
    let _ = fs::remove_file(s.out().join("osce.db-journal"));
    let out = concord().args(args(&db)).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        dump_file(&db) == after,
        "{name}: a run after the kills differs"
    );
}

/// The example corpus and, in `out/osce.db`, the store built from it.
#[test]
fn killed_build_leaves_the_old_store_or_the_new_one() {
    let s = Scratch::built_example();
    // The corpus grows by a long statement: the build now replaces the store.
    fs::write(
        s.corpus().join("statements/zz-big.txt"),
        big_statement("zz-big", PARAGRAPHS, LINES),
    )
    .unwrap();
    let corpus = s.corpus();
    kill_repeatedly("build", &s, 0x00C0_FFEE, &|db| {
        vec![
            "build".into(),
            corpus.clone(),
            "-o".into(),
            db.to_path_buf(),
        ]
    });
}

#[test]
fn killed_import_leaves_the_old_store_or_the_new_one() {
    let s = Scratch::built_example();
    let big = s.tmp.path().join("zz-big.txt");
    fs::write(&big, big_statement("zz-big", PARAGRAPHS, LINES)).unwrap();
    kill_repeatedly("import", &s, 0x0BAD_5EED, &|db| {
        vec![
            "import".into(),
            big.clone(),
            "--db".into(),
            db.to_path_buf(),
        ]
    });
}

/// Two long statements, large beside the example's store: the import writes them into a
/// copy of the store, which then replaces it (docs/corpus-format.md, "Adding to a store").
#[test]
fn killed_import_through_a_copy_leaves_the_old_store_or_the_new_one() {
    let s = Scratch::built_example();
    let files: Vec<PathBuf> = ["zz-big", "zz-bigger"]
        .iter()
        .map(|id| {
            let p = s.tmp.path().join(format!("{id}.txt"));
            fs::write(&p, big_statement(id, PARAGRAPHS, LINES)).unwrap();
            p
        })
        .collect();
    let probe = s.tmp.path().join("probe.db");
    fs::copy(s.db(), &probe).unwrap();
    let r = import(&[&files[0], &files[1]], &probe);
    assert!(r.ok() && r.stderr.contains("written into a copy"), "{r:?}");
    kill_repeatedly("import through a copy", &s, 0x5EED_C0DE, &|db| {
        let mut args: Vec<PathBuf> = vec!["import".into()];
        args.extend(files.iter().cloned());
        args.extend(["--db".into(), db.to_path_buf()]);
        args
    });
}

/// Found: a killed build or import leaves its `.concord-build-*.db` beside
/// the store (from 0 bytes, when killed while SQLite still held the pages
/// in its cache, up to the whole new store, when killed between the sync and
/// the rename); a later build or import of the same store removes the
/// temporary files of writers that are gone. (Regression: they stayed for good.)
#[test]
fn a_later_build_removes_the_temporary_files_of_killed_ones() {
    let s = Scratch::built_example();
    fs::write(
        s.corpus().join("statements/zz-big.txt"),
        big_statement("zz-big", PARAGRAPHS, LINES),
    )
    .unwrap();
    let started = Instant::now();
    let r = build(&s.corpus(), &s.db());
    assert!(r.ok(), "{r:?}");
    let full = started.elapsed();
    // Kill builds at growing moments until one has left its temporary file
    // (a kill before the file is created leaves nothing).
    let mut left = Vec::new();
    for i in 1..=20 {
        let mut child = concord()
            .arg("build")
            .arg(s.corpus())
            .arg("-o")
            .arg(s.db())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        sleep(full.mul_f64(0.1 + 0.04 * i as f64));
        child.kill().unwrap();
        child.wait().unwrap();
        left = temps(&s.out());
        if !left.is_empty() {
            break;
        }
    }
    eprintln!("left by killed builds: {left:?}");
    assert!(
        !left.is_empty(),
        "no kill left a temporary file: nothing to check"
    );
    let r = build(&s.corpus(), &s.db());
    assert!(r.ok(), "{r:?}");
    let r = import(&[&s.corpus().join("statements/zz-big.txt")], &s.db());
    assert!(r.ok(), "{r:?}");
    assert_eq!(list_dir(&s.out()), ["osce.db"]);
}

/// Answers of the readers: one query's rows as text.
type Answer = Vec<Vec<String>>;

/// The queries the readers ask: each reads several tables at once.
const QUERIES: [&str; 3] = [
    "documents select id, title",
    "clauses count by document",
    "citations count by to",
];

fn answers_in_process(engine: &mut concord::engine::Engine) -> Vec<Answer> {
    let _ = engine.refresh();
    // The statements of one script read one state of the store (as `run_text` reads them).
    let began = engine.store().begin_snapshot();
    let answers = QUERIES
        .iter()
        .map(|q| {
            let sql = engine.compile(q).expect("the readers' queries compile");
            let rows = engine.store().rows(&sql).expect("the readers' queries run");
            rows.rows
                .into_iter()
                .map(|r| r.iter().map(|c| format!("{c:?}")).collect())
                .collect()
        })
        .collect();
    engine.store().end_snapshot(began);
    answers
}

/// One `concord query` run: its CSV lines, or None when it failed.
fn answer_of_binary(db: &Path, q: &str) -> Option<Answer> {
    let r = concord()
        .args(["query", q, "--format", "csv", "--db"])
        .arg(db)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    if !r.status.success() {
        // A failure to read is reported, not mixed up with an answer.
        eprintln!("reader: {q}: {stderr}");
        return None;
    }
    Some(
        String::from_utf8_lossy(&r.stdout)
            .lines()
            .map(|l| vec![l.to_string()])
            .collect(),
    )
}

fn answers_of_binary(db: &Path) -> Option<Vec<Answer>> {
    QUERIES.iter().map(|q| answer_of_binary(db, q)).collect()
}

/// Readers query the store over and over while `concord import` replaces
/// it: one in this process through `Engine::open` (refreshing before each
/// round), one through `concord query`. Each answer is the old store's or the
/// new store's, never a mix, and both are seen.
#[test]
fn readers_during_an_import_see_the_old_or_the_new_store() {
    readers_see_the_old_or_the_new_store(&["zz-big"], false);
}

/// The same while an import large beside the store replaces it with a copy.
#[test]
fn readers_during_an_import_through_a_copy_see_the_old_or_the_new_store() {
    readers_see_the_old_or_the_new_store(&["zz-big", "zz-bigger", "zz-biggest"], false);
}

/// The same while an import that rebuilds the store (it brings an actor) replaces it.
/// Found: the readers failed ("attempt to write a readonly database"). concord read the
/// store's header by opening and closing the file, and POSIX let SQLite's write lock go
/// with that close: the readers took the journal of the copy in progress for a crash's.
#[test]
fn readers_during_an_import_that_rebuilds_see_the_old_or_the_new_store() {
    readers_see_the_old_or_the_new_store(&["zz-big"], true);
}

/// Readers against an import of a long statement of each id in `ids`, and, with `actor`,
/// of a file that adds an actor.
fn readers_see_the_old_or_the_new_store(ids: &[&str], actor: bool) {
    let s = Scratch::built_example();
    let db = s.db();
    let mut files: Vec<PathBuf> = ids
        .iter()
        .map(|id| {
            let p = s.tmp.path().join(format!("{id}.txt"));
            fs::write(&p, big_statement(id, PARAGRAPHS / 2, LINES)).unwrap();
            p
        })
        .collect();
    if actor {
        let p = s.tmp.path().join("zz-actors.toml");
        fs::write(
            &p,
            "[[actor]]\nid = \"zz-state\"\nname = \"Zembla\"\nkind = \"state\"\n",
        )
        .unwrap();
        files.push(p);
    }
    let big: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();

    // The two states, read with the same code on copies.
    let reference = s.tmp.path().join("reference.db");
    fs::copy(&db, &reference).unwrap();
    let old_engine = answers_in_process(&mut concord::engine::Engine::open(&reference).unwrap());
    let old_binary = answers_of_binary(&reference).unwrap();
    let r = import(&big, &reference);
    assert!(r.ok(), "{r:?}");
    let how = match (actor, ids.len()) {
        (true, _) => "rebuilt from its sources",
        (false, 1) => "in place: added",
        _ => "in place (written into a copy",
    };
    assert!(r.stderr.contains(how), "{r:?}");
    let new_engine = answers_in_process(&mut concord::engine::Engine::open(&reference).unwrap());
    let new_binary = answers_of_binary(&reference).unwrap();
    assert_ne!(old_engine, new_engine);
    assert_ne!(old_binary, new_binary);
    fs::remove_file(&reference).unwrap();

    let done = Arc::new(AtomicBool::new(false));
    let start = Arc::new(Barrier::new(3));
    let in_process = {
        let (db, done, start) = (db.clone(), done.clone(), start.clone());
        let (old, new) = (old_engine.clone(), new_engine.clone());
        std::thread::spawn(move || {
            let mut engine = concord::engine::Engine::open(&db).unwrap();
            start.wait();
            let (mut seen_old, mut seen_new) = (0, 0);
            loop {
                let finished = done.load(Ordering::SeqCst);
                let a = answers_in_process(&mut engine);
                if a == old {
                    assert_eq!(
                        seen_new, 0,
                        "the engine saw the old store after the new one"
                    );
                    seen_old += 1;
                } else if a == new {
                    seen_new += 1;
                } else {
                    panic!("the engine read a mix of the old and the new store: {a:?}");
                }
                if finished {
                    return (seen_old, seen_new);
                }
            }
        })
    };
    let binary = {
        let (db, done, start) = (db.clone(), done.clone(), start.clone());
        let (old, new) = (old_binary.clone(), new_binary.clone());
        std::thread::spawn(move || {
            start.wait();
            let (mut seen_old, mut seen_new, mut failed) = (0, 0, 0);
            // Each `concord query` is one answer; the store may be replaced
            // between two of them, so each is checked on its own, and once
            // a query has seen the new store it must not see the old again.
            let mut moved_on = [false; QUERIES.len()];
            loop {
                let finished = done.load(Ordering::SeqCst);
                for (i, q) in QUERIES.iter().enumerate() {
                    match answer_of_binary(&db, q) {
                        Some(a) if a == old[i] => {
                            assert!(
                                !moved_on[i],
                                "concord query `{q}` saw the old store after the new one"
                            );
                            seen_old += 1;
                        }
                        Some(a) if a == new[i] => {
                            moved_on[i] = true;
                            seen_new += 1;
                        }
                        Some(a) => panic!(
                            "concord query `{q}` read a mix of the old and the new store: {a:?}"
                        ),
                        None => failed += 1,
                    }
                }
                if finished {
                    return (seen_old, seen_new, failed);
                }
            }
        })
    };
    start.wait();
    sleep(Duration::from_millis(1000)); // both readers see the old store first
    let r = import(&big, &db);
    assert!(r.ok(), "{r:?}");
    sleep(Duration::from_millis(300));
    done.store(true, Ordering::SeqCst);
    let (eo, en) = in_process.join().unwrap();
    let (bo, bn, bf) = binary.join().unwrap();
    eprintln!("engine: {eo} old answers, {en} new; concord query: {bo} old, {bn} new, {bf} failed");
    assert!(eo > 0 && en > 0, "the engine did not see both states");
    assert!(bo > 0 && bn > 0, "concord query did not see both states");
    assert_eq!(bf, 0, "concord query failed to read during the import");
}
