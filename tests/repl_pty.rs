//! The interactive shell through a real pseudo-terminal: the `concord` binary under rexpect,
//! with HOME and XDG_DATA_HOME in a temporary folder (so the history file is the test's own).
//!
//! Keys are sent as a terminal sends them: Enter is `\r`, Tab `\t`, Up `ESC [ A`. Colours
//! are on (as in a terminal) and rexpect strips the escapes. rustyline redraws the line (and
//! so the prompt) as keys come, so each step waits for text that only the result prints
//! before waiting for the next prompt.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use rexpect::process::WaitStatus;
use rexpect::session::{Options, PtySession};

const PROMPT: &str = "concord> ";
const ENTER: &str = "\r";
const TAB: &str = "\t";
const UP: &str = "\x1b[A";

/// A temporary home for one test.
struct Home(tempfile::TempDir);

impl Home {
    fn new() -> Home {
        Home(tempfile::tempdir().expect("a temporary folder"))
    }

    fn path(&self) -> &Path {
        self.0.path()
    }

    fn data(&self) -> PathBuf {
        self.path().join("data")
    }

    fn history(&self) -> PathBuf {
        self.data().join("concord").join("history")
    }
}

/// Starts `concord ARGS` in a pseudo-terminal and waits for the first prompt.
fn spawn(home: &Home, args: &[&str]) -> PtySession {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_concord"));
    cmd.args(args)
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", home.data())
        .env("TERM", "xterm")
        .env("COLUMNS", "120")
        .env_remove("NO_COLOR");
    let options = Options::new()
        .timeout_ms(Some(30_000))
        .strip_ansi_escape_codes(true);
    let mut p = rexpect::spawn_with_options(cmd, options).expect("concord starts in a pty");
    p.exp_string("Type .help for help.").expect("the banner");
    p.exp_string(PROMPT).expect("the first prompt");
    p
}

/// Types `text` and Enter.
fn enter(p: &mut PtySession, text: &str) {
    p.send(text).unwrap();
    p.send(ENTER).unwrap();
    p.flush().unwrap();
}

/// rexpect reads the output byte by byte, one `char` each: put the UTF-8 back together.
fn utf8(s: &str) -> String {
    let bytes: Vec<u8> = s.chars().map(|c| c as u32 as u8).collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Waits for `needle` (ASCII), then for the next prompt; returns the output before `needle`.
fn expect_then_prompt(p: &mut PtySession, needle: &str) -> String {
    let before = p
        .exp_string(needle)
        .unwrap_or_else(|e| panic!("waiting for {needle:?}: {e}"));
    p.exp_string(PROMPT)
        .unwrap_or_else(|e| panic!("waiting for the prompt after {needle:?}: {e}"));
    utf8(&before)
}

/// Ctrl-D at an empty prompt; the process must exit with status 0.
fn leave(mut p: PtySession) {
    p.send_control('d').unwrap();
    p.exp_eof().expect("concord exits on Ctrl-D");
    match p.process().wait().expect("the exit status") {
        WaitStatus::Exited(_, code) => assert_eq!(code, 0, "exit status"),
        other => panic!("concord did not exit normally: {other:?}"),
    }
}

#[test]
fn a_query_shows_a_table() {
    let home = Home::new();
    let mut p = spawn(&home, &[]);
    enter(&mut p, "principles order by id limit 2");
    expect_then_prompt(&mut p, "comprehensive-security");
    // The table is drawn (box characters) and counted.
    enter(&mut p, "principles count");
    let out = expect_then_prompt(&mut p, "1 row");
    assert!(out.contains("│ count │"), "{out:?}");
    assert!(out.contains('7'), "{out:?}");
    leave(p);
}

#[test]
fn tab_completes_an_actor_and_the_query_runs() {
    let home = Home::new();
    let mut p = spawn(&home, &[]);
    p.send("clauses cited-by lav").unwrap();
    p.send(TAB).unwrap();
    p.flush().unwrap();
    p.exp_string("lavrov")
        .expect("Tab completes `lav` to `lavrov`");
    enter(&mut p, " where principle = indivisibility");
    // `lav` alone is no actor: these rows prove the completion went into the line.
    let out = expect_then_prompt(&mut p, "3 rows");
    assert!(out.contains("istanbul-charter#8.5"), "{out:?}");
    assert!(!out.contains("unknown actor"), "{out:?}");
    leave(p);
}

#[test]
fn an_open_parenthesis_continues_on_the_next_line() {
    let home = Home::new();
    let mut p = spawn(&home, &[]);
    p.send("clauses cited-by (").unwrap();
    p.send(ENTER).unwrap();
    p.flush().unwrap();
    // The continuation prompt, drawn over the indentation of the new line.
    p.exp_string("...> ").expect("a continuation prompt");
    enter(&mut p, "usa, nato) count");
    let out = expect_then_prompt(&mut p, "1 row");
    assert!(out.contains("│ count │"), "{out:?}");
    assert!(!out.contains("error"), "{out:?}");
    leave(p);
}

/// A store whose 40 clauses are 100,000 words each, `a` 999 times then `b`, over and
/// over; and a full-text phrase of 1,000 `a`s and a `b`, which no clause holds. FTS5
/// checks a phrase by walking the positions of each of its words in step: a thousand
/// walks over 100,000 positions, a fraction of a second per clause (so the interrupt,
/// checked between rows, lands quickly), and for all of them far longer than the test
/// waits.
fn slow_store(dir: &Path) -> (PathBuf, String) {
    let corpus = dir.join("corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    let mut toml = String::from(
        "[[document]]\nid = \"haystack\"\ntitle = \"Haystack\"\nkind = \"treaty\"\ndate = 2000-01-01\n",
    );
    let text = format!("{}b ", "a ".repeat(999)).repeat(100);
    for i in 1..=40 {
        toml.push_str(&format!(
            "\n[[document.clause]]\nid = \"{i}\"\ntext = \"{text}\"\n"
        ));
    }
    std::fs::write(corpus.join("documents.toml"), toml).unwrap();
    let db = dir.join("slow.db");
    let out = Command::new(env!("CARGO_BIN_EXE_concord"))
        .arg("build")
        .arg(&corpus)
        .arg("-o")
        .arg(&db)
        .output()
        .expect("concord build runs");
    assert!(
        out.status.success(),
        "build failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (db, format!("\"{}b\"", "a ".repeat(1000)))
}

#[test]
fn ctrl_c_cancels_a_running_query_and_the_session_goes_on() {
    let home = Home::new();
    let (db, needle) = slow_store(home.path());
    let param = format!("phrase={needle}");
    let mut p = spawn(&home, &["--param", &param, db.to_str().unwrap()]);
    enter(&mut p, "clauses where text matches $phrase count");
    // The line is accepted (rustyline ends it with a newline and leaves raw mode, so Ctrl-C
    // becomes SIGINT); then let the query start. It runs far longer than this.
    p.exp_regex(r"phrase count\r*\n")
        .expect("the line is accepted");
    std::thread::sleep(Duration::from_millis(1000));
    p.send_control('c').unwrap();
    let started = std::time::Instant::now();
    p.exp_string("interrupted")
        .expect("Ctrl-C interrupts the query");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "the interrupt took {:?}",
        started.elapsed()
    );
    p.exp_string(PROMPT).expect("the prompt comes back");
    enter(&mut p, "documents select id");
    expect_then_prompt(&mut p, "haystack");
    leave(p);
}

#[test]
fn ctrl_c_at_the_prompt_clears_the_line() {
    let home = Home::new();
    let mut p = spawn(&home, &[]);
    p.send("clauses cited-by nobody-at-all").unwrap();
    p.flush().unwrap();
    p.exp_string("nobody-at-all").unwrap();
    p.send_control('c').unwrap();
    p.exp_string(PROMPT).expect("a new prompt");
    enter(&mut p, "principles count");
    let out = expect_then_prompt(&mut p, "1 row");
    assert!(!out.contains("unknown"), "the cleared line ran: {out:?}");
    leave(p);
}

#[test]
fn history_survives_a_restart() {
    let home = Home::new();
    let mut p = spawn(&home, &[]);
    enter(&mut p, "actors in nato count");
    expect_then_prompt(&mut p, "1 row");
    leave(p);
    let history = home.history();
    assert!(history.exists(), "no history file at {}", history.display());
    let saved = std::fs::read_to_string(&history).unwrap();
    assert!(saved.contains("actors in nato count"), "{saved:?}");

    let mut p = spawn(&home, &[]);
    p.send(UP).unwrap();
    p.flush().unwrap();
    p.exp_string("actors in nato count")
        .expect("Up recalls the previous session's query");
    p.send(ENTER).unwrap();
    p.flush().unwrap();
    let out = expect_then_prompt(&mut p, "1 row");
    assert!(out.contains("│ count │"), "{out:?}");
    leave(p);
}

#[test]
fn a_bad_query_shows_the_underlined_error_and_the_session_goes_on() {
    let home = Home::new();
    let mut p = spawn(&home, &[]);
    enter(&mut p, "clauses cited-by lavorv");
    p.exp_string("error: unknown actor `lavorv`").unwrap();
    p.exp_string("1 | clauses cited-by lavorv").unwrap();
    p.exp_string("^^^^^^ did you mean `lavrov`?").unwrap();
    p.exp_string(PROMPT).unwrap();
    enter(&mut p, ".nonsense");
    expect_then_prompt(&mut p, "unknown command `.nonsense`");
    enter(&mut p, ".formt csv");
    expect_then_prompt(&mut p, "did you mean `.format`?");
    enter(&mut p, "principles count");
    expect_then_prompt(&mut p, "1 row");
    leave(p);
}

#[test]
fn format_csv_prints_csv() {
    let home = Home::new();
    let mut p = spawn(&home, &[]);
    enter(&mut p, ".format csv");
    p.exp_string(PROMPT).unwrap();
    enter(&mut p, "principles order by id select id limit 2");
    p.exp_regex(r"id\r?\ncomprehensive-security\r?\nequal-security\r?\n")
        .expect("CSV rows");
    p.exp_string(PROMPT).unwrap();
    enter(&mut p, "principles count");
    let (before, _) = p.exp_regex(r"count\r?\n7\r?\n").expect("CSV count");
    assert!(
        !utf8(&before).contains('│'),
        "a table in CSV mode: {before:?}"
    );
    p.exp_string(PROMPT).unwrap();
    leave(p);
}

#[test]
fn dot_commands_change_the_session() {
    let home = Home::new();
    let out_file = home.path().join("once.txt");
    let script = home.path().join("script.cq");
    std::fs::write(
        &script,
        "-- a script\n.format jsonl\nprinciples order by id select id limit 1\n",
    )
    .unwrap();
    let mut p = spawn(&home, &[]);
    enter(&mut p, ".param set who lavrov");
    p.exp_string(PROMPT).unwrap();
    enter(&mut p, ".param list");
    expect_then_prompt(&mut p, "$who = lavrov");
    enter(&mut p, "clauses cited-by $who count");
    expect_then_prompt(&mut p, "1 row");
    enter(&mut p, &format!(".once {}", out_file.display()));
    p.exp_string(PROMPT).unwrap();
    enter(&mut p, "principles count");
    p.exp_string(PROMPT).unwrap();
    enter(&mut p, &format!(".read {}", script.display()));
    expect_then_prompt(&mut p, "{\"id\":\"comprehensive-security\"}");
    enter(&mut p, ".fields principles");
    expect_then_prompt(&mut p, "how many clauses express it");
    enter(&mut p, ".help where");
    expect_then_prompt(&mut p, "Examples:");
    enter(&mut p, &format!(".open {}", script.display()));
    expect_then_prompt(&mut p, "not a SQLite database");
    enter(&mut p, ".quit");
    p.exp_eof().expect(".quit leaves");
    let once = std::fs::read_to_string(&out_file).unwrap();
    assert!(once.contains("│     7 │"), "{once:?}");
}

/// Ctrl-C while a long result is being written: the writer is held up by a reader that
/// stops reading (a FIFO named in `.output`), so the interrupt lands mid-result, on rows
/// the test can count; the shell then says how many rows it wrote.
#[test]
fn ctrl_c_while_a_long_result_prints_says_how_many_rows_were_shown() {
    use std::io::Read;
    use std::sync::mpsc;

    let home = Home::new();
    let s = common::Scratch::new();
    let db = common::generated_store(&s, 300);
    let total: usize = common::query_csv(&db, "clauses count", &[])[0][0]
        .parse()
        .unwrap();
    let fifo = home.path().join("rows.fifo");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|st| st.success()) {
        eprintln!("skipped: no mkfifo on this machine");
        return;
    }
    // The reader: reads a little, says so, waits to be told, then reads to the end.
    let (started, wait_started) = mpsc::channel();
    let (go_on, wait_go_on) = mpsc::channel::<()>();
    let path = fifo.clone();
    let reader = std::thread::spawn(move || {
        let mut f = std::fs::File::open(&path).unwrap();
        let mut first = vec![0u8; 4096];
        f.read_exact(&mut first).unwrap();
        started.send(()).unwrap();
        wait_go_on.recv().unwrap();
        let mut rest = Vec::new();
        f.read_to_end(&mut rest).unwrap();
        first.extend(rest);
        first
    });
    let mut p = spawn(&home, &[db.to_str().unwrap()]);
    enter(&mut p, ".format jsonl");
    p.exp_string(PROMPT).unwrap();
    enter(&mut p, &format!(".output {}", fifo.display()));
    p.exp_string(PROMPT).unwrap();
    enter(&mut p, "clauses select ref, text");
    p.exp_regex(r"select ref, text\r*\n").unwrap();
    wait_started
        .recv_timeout(Duration::from_secs(60))
        .expect("rows reach the reader");
    // The writer fills the FIFO and waits on it; Ctrl-C, then let the reader drain it.
    std::thread::sleep(Duration::from_millis(500));
    p.send_control('c').unwrap();
    std::thread::sleep(Duration::from_millis(300));
    go_on.send(()).unwrap();
    let before = p.exp_regex(r"interrupted \(\d+ rows? shown\)").unwrap();
    let message = before.1;
    p.exp_string(PROMPT).unwrap();
    enter(&mut p, ".output");
    p.exp_string(PROMPT).unwrap();
    let written = reader.join().unwrap();
    let shown: usize = message
        .trim_start_matches("interrupted (")
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let text = String::from_utf8_lossy(&written);
    let whole = text.lines().filter(|l| l.ends_with('}')).count();
    assert!(shown > 0, "{message}");
    assert!(
        shown < total,
        "interrupted before the end: {shown} of {total}"
    );
    assert_eq!(shown, whole, "{message}: the file holds {whole} whole rows");
    // The session goes on, on the same store. (Wait for the result itself: the prompt is
    // also redrawn while the line is typed, and a Ctrl-D sent before the shell reads again
    // lands on a terminal that is not yet in raw mode.)
    enter(&mut p, "documents count");
    expect_then_prompt(&mut p, "{\"count\":300}");
    leave(p);
}

/// The shell on a store in PostgreSQL (the server of `bench/pg start`, `CONCORD_PG_URL`):
/// the banner, Tab completion from the server's names, a query. Skipped without a server,
/// unless `CONCORD_REQUIRE_PG=1`.
#[test]
fn the_shell_runs_on_a_store_in_postgresql() {
    let Some(server) = common::pg::server("tests/repl_pty.rs") else {
        return;
    };
    let url = common::pg::fresh_database(&server, "concord_repl_pty");
    let built = Command::new(env!("CARGO_BIN_EXE_concord"))
        .args([
            "build",
            concat!(env!("CARGO_MANIFEST_DIR"), "/examples/osce"),
            "-o",
            &url,
        ])
        .output()
        .expect("concord build runs");
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let home = Home::new();
    let mut p = spawn(&home, &["--db", &url]);
    p.send("clauses cited-by lav").unwrap();
    p.send(TAB).unwrap();
    p.flush().unwrap();
    p.exp_string("lavrov")
        .expect("Tab completes `lav` to `lavrov` from the server's names");
    enter(&mut p, " where principle = indivisibility");
    let out = expect_then_prompt(&mut p, "3 rows");
    assert!(out.contains("istanbul-charter#8.5"), "{out:?}");
    enter(&mut p, "show istanbul-charter#8.5");
    expect_then_prompt(&mut p, "at the expense of the security of other States");
    leave(p);
}
