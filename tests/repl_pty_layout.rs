//! Tables fitted to the terminal, `.wrap`/`--wrap` and the continuation prompt inside an open
//! string, through the real binary in a pseudo-terminal
//! (rexpect), as `tests/repl_pty.rs` does (read its header). The pseudo-terminal rexpect opens
//! has no size, so the terminal's width is the one `COLUMNS` gives, as in a terminal that does
//! not say. Tables written to a pipe (no width) are checked here too, without a terminal.

mod common;

use std::path::Path;
use std::process::Command;

use rexpect::process::WaitStatus;
use rexpect::session::{Options, PtySession};

const PROMPT: &str = "concord> ";
const ENTER: &str = "\r";

/// The command for `concord ARGS` with its own HOME and XDG_DATA_HOME in `home`, on a
/// terminal `columns` wide.
fn command(home: &Path, columns: u16, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_concord"));
    cmd.args(args)
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("TERM", "xterm")
        .env("COLUMNS", columns.to_string())
        .env_remove("NO_COLOR");
    cmd
}

fn pty(cmd: Command) -> PtySession {
    let options = Options::new()
        .timeout_ms(Some(30_000))
        .strip_ansi_escape_codes(true);
    rexpect::spawn_with_options(cmd, options).expect("concord starts in a pty")
}

/// rexpect reads the output byte by byte, one `char` each: put the UTF-8 back together.
fn utf8(s: &str) -> String {
    let bytes: Vec<u8> = s.chars().map(|c| c as u32 as u8).collect();
    String::from_utf8_lossy(&bytes).replace('\r', "")
}

/// `concord ARGS` run to its end on a terminal `columns` wide: what it printed.
fn on_terminal(columns: u16, args: &[&str]) -> String {
    let home = tempfile::tempdir().unwrap();
    let mut p = pty(command(home.path(), columns, args));
    let out = p.exp_eof().expect("concord ends");
    match p.process().wait().expect("the exit status") {
        WaitStatus::Exited(_, code) => assert_eq!(code, 0, "exit status; printed:\n{out}"),
        other => panic!("concord did not exit normally: {other:?}"),
    }
    utf8(&out)
}

/// The shell on a terminal `columns` wide, at its first prompt.
fn shell(home: &Path, columns: u16, args: &[&str]) -> PtySession {
    let mut p = pty(command(home, columns, args));
    p.exp_string("Type .help for help.").expect("the banner");
    p.exp_string(PROMPT).expect("the first prompt");
    p
}

fn enter(p: &mut PtySession, text: &str) {
    p.send(text).unwrap();
    p.send(ENTER).unwrap();
    p.flush().unwrap();
}

/// Waits for `needle`, then for the next prompt; returns the output before `needle`.
fn expect_then_prompt(p: &mut PtySession, needle: &str) -> String {
    let before = p
        .exp_string(needle)
        .unwrap_or_else(|e| panic!("waiting for {needle:?}: {e}"));
    p.exp_string(PROMPT)
        .unwrap_or_else(|e| panic!("waiting for the prompt after {needle:?}: {e}"));
    utf8(&before)
}

fn leave(mut p: PtySession) {
    p.send_control('d').unwrap();
    p.exp_eof().expect("concord exits on Ctrl-D");
}

/// The values of `column` for `query` on the built-in example, whole (CSV, one a line).
fn values(query: &str) -> Vec<String> {
    let r = common::run(["--format", "tsv", "-c", query]);
    assert!(r.ok(), "{r:?}");
    r.stdout.lines().skip(1).map(str::to_string).collect()
}

/// The cells of a table row line (`│ a ┆ b │`), trimmed; `None` for border lines.
fn cells(line: &str) -> Option<Vec<String>> {
    let inner = line.trim().strip_prefix('│')?.strip_suffix('│')?;
    Some(inner.split('┆').map(|c| c.trim().to_string()).collect())
}

/// The widest line of a table, in characters (the example's text is all one column wide).
fn widest(table: &str) -> usize {
    table
        .lines()
        .filter(|l| l.starts_with(['┌', '│', '╞', '└']))
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0)
}

/// The text of column `col` of each row of a (possibly wrapped) table, its lines joined:
/// a row starts where the first column is not blank.
fn column_by_row(table: &str, col: usize) -> Vec<(String, String)> {
    let mut rows: Vec<(String, String)> = Vec::new();
    let mut header = true;
    for line in table.lines() {
        if line.starts_with('╞') {
            header = false;
            continue;
        }
        let Some(c) = cells(line) else { continue };
        if header {
            continue;
        }
        if !c[0].is_empty() {
            rows.push((c[0].clone(), String::new()));
        }
        let (_, text) = rows.last_mut().expect("a row starts with its key");
        if !c[col].is_empty() {
            if !text.is_empty() {
                text.push(' ');
            }
            text.push_str(&c[col]);
        }
    }
    rows
}

/// `s` without its whitespace (a word longer than its column is broken across lines).
fn dense(s: &str) -> String {
    s.split_whitespace().collect()
}

#[test]
fn at_60_columns_every_ref_is_whole_and_the_table_fits() {
    let refs = values("clauses in istanbul-charter select ref");
    assert!(refs.len() > 5, "{refs:?}");
    let out = on_terminal(60, &["-c", "clauses in istanbul-charter"]);
    let shown: Vec<String> = column_by_row(&out, 0).into_iter().map(|r| r.0).collect();
    // Every ref whole, so every row told apart.
    assert_eq!(shown, refs, "{out}");
    // The text gives way instead: cut, and the table within the 60 columns.
    assert!(out.contains('…'), "{out}");
    assert!(widest(&out) <= 60, "wider than 60 columns:\n{out}");
    assert!(widest(&out) >= 55, "the width is not used:\n{out}");
}

#[test]
fn when_the_key_columns_do_not_fit_the_table_is_wider_rather_than_cut() {
    let out = on_terminal(30, &["-c", "citations select id, from, to, by limit 5"]);
    let expected = values("citations select from limit 5");
    let rows: Vec<Vec<String>> = out.lines().filter_map(cells).skip(1).collect();
    let froms: Vec<String> = rows.iter().map(|r| r[1].clone()).collect();
    assert_eq!(froms, expected, "{out}");
    assert!(!out.contains('…'), "{out}");
    assert!(widest(&out) > 30, "{out}");
}

#[test]
fn at_250_columns_long_text_uses_the_width() {
    let text = values("clauses in istanbul-charter where label = \"8\" select text")
        .pop()
        .unwrap();
    assert!(text.chars().count() > 250, "{text}");
    let out = on_terminal(250, &["-c", "clauses in istanbul-charter"]);
    let rows = column_by_row(&out, 1);
    let (_, cell) = rows
        .iter()
        .find(|(r, _)| r == "istanbul-charter#8")
        .unwrap_or_else(|| panic!("no row of istanbul-charter#8:\n{out}"));
    let head = cell.strip_suffix('…').expect("the long text is cut");
    assert!(
        head.chars().count() > 120,
        "only {} characters shown: {cell}",
        head.chars().count()
    );
    assert!(
        text.starts_with(head),
        "{cell:?} is not the start of {text:?}"
    );
    assert!(widest(&out) <= 250 && widest(&out) >= 240, "{out}");
}

#[test]
fn wrap_shows_the_whole_text_across_lines() {
    let refs = values("clauses in istanbul-charter select ref");
    let texts = values("clauses in istanbul-charter select text");
    let out = on_terminal(60, &["--wrap", "-c", "clauses in istanbul-charter"]);
    let rows = column_by_row(&out, 1);
    assert_eq!(rows.len(), refs.len(), "{out}");
    for ((r, shown), (ref_, text)) in rows.iter().zip(refs.iter().zip(&texts)) {
        assert_eq!(r, ref_, "{out}");
        assert_eq!(dense(shown), dense(text), "{out}");
    }
    assert!(widest(&out) <= 60, "{out}");
    // The long clause takes many lines.
    assert!(out.lines().count() > 30, "{out}");
}

#[test]
fn the_wrap_command_turns_wrapping_on_and_off() {
    let home = tempfile::tempdir().unwrap();
    let mut p = shell(home.path(), 80, &[]);
    enter(&mut p, ".wrap");
    expect_then_prompt(&mut p, "wrap: off");
    enter(&mut p, ".wrap maybe");
    expect_then_prompt(&mut p, "`.wrap` takes `on` or `off`, not `maybe`");
    enter(&mut p, ".wrap on");
    p.exp_string(PROMPT).unwrap();
    enter(&mut p, ".wrap");
    expect_then_prompt(&mut p, "wrap: on");
    let text = values("clauses in istanbul-charter where label = \"8\" select text")
        .pop()
        .unwrap();
    enter(
        &mut p,
        "clauses in istanbul-charter where label = \"8\" select ref, text",
    );
    let out = expect_then_prompt(&mut p, "1 row");
    let rows = column_by_row(&out, 1);
    assert_eq!(rows.len(), 1, "{out}");
    assert_eq!(dense(&rows[0].1), dense(&text), "{out}");
    assert!(widest(&out) <= 80, "{out}");
    enter(&mut p, ".wrap off");
    p.exp_string(PROMPT).unwrap();
    enter(
        &mut p,
        "clauses in istanbul-charter where label = \"8\" select ref, text",
    );
    let out = expect_then_prompt(&mut p, "1 row");
    assert_eq!(out.lines().filter_map(cells).count(), 2, "{out}");
    assert!(out.contains('…'), "{out}");
    enter(&mut p, ".help");
    expect_then_prompt(&mut p, ".wrap [on|off]");
    leave(p);
}

#[test]
fn into_a_pipe_a_table_has_no_width_and_keeps_its_keys() {
    // No terminal: text columns are cut at 70 characters, whatever COLUMNS says.
    let r = common::concord()
        .env("COLUMNS", "40")
        .args(["-c", "clauses in istanbul-charter"])
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&r.stdout).into_owned();
    let refs = values("clauses in istanbul-charter select ref");
    let rows = column_by_row(&out, 1);
    assert_eq!(
        rows.iter().map(|r| r.0.clone()).collect::<Vec<_>>(),
        refs,
        "{out}"
    );
    let longest = rows.iter().map(|r| r.1.chars().count()).max().unwrap();
    assert_eq!(longest, 70, "{out}");
    // With --wrap, the whole text, in lines of at most 70.
    let r = common::run([
        "--wrap",
        "-c",
        "clauses in istanbul-charter where label = \"8\" select ref, text",
    ]);
    let text = values("clauses in istanbul-charter where label = \"8\" select text")
        .pop()
        .unwrap();
    let rows = column_by_row(&r.stdout, 1);
    assert_eq!(rows.len(), 1, "{}", r.stdout);
    assert_eq!(dense(&rows[0].1), dense(&text), "{}", r.stdout);
    assert!(!r.stdout.contains('…'), "{}", r.stdout);
}

#[test]
fn a_line_inside_an_open_string_has_the_continuation_prompt() {
    let home = tempfile::tempdir().unwrap();
    let mut p = shell(home.path(), 100, &[]);
    // Inside an open `(`: `...>`.
    p.send("clauses cited-by (").unwrap();
    p.send(ENTER).unwrap();
    p.flush().unwrap();
    p.exp_string("    ...> ").expect("the continuation prompt");
    enter(&mut p, "usa) count");
    expect_then_prompt(&mut p, "1 row");
    // Inside an open string: the same `...>`.
    p.send("explain documents where title ~ \"abc").unwrap();
    p.send(ENTER).unwrap();
    p.flush().unwrap();
    let (before, _) = p
        .exp_regex(r#"\n\s*\.\.\.> "#)
        .expect("the continuation prompt inside the string");
    assert!(utf8(&before).contains("title ~ \"abc"), "{before:?}");
    enter(&mut p, "def\"");
    // The string holds what was typed: a line break, no indentation.
    expect_then_prompt(&mut p, r#"?1 = "abc\ndef""#);
    leave(p);
}
