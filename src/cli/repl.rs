//! The interactive shell: `concord` with no arguments (on the built-in example) or
//! `concord FILE.db`, when standard input is a terminal.
//!
//! A rustyline editor with context completion, hints, highlighting and multi-line input
//! ([`helper`]), persistent history in the user's data directory, dot-commands ([`dot`]), and
//! Ctrl-C that cancels the running query ([`interrupt`]). Statements run through the same
//! runner as scripts (`run::run_statement`), so errors come out underlined.

mod complete;
mod dot;
mod helper;
mod interrupt;
mod text;

use std::cell::RefCell;
use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::rc::Rc;

use concord::engine::Engine;
use rustyline::error::ReadlineError;
use rustyline::history::DefaultHistory;
use rustyline::{
    ColorMode, CompletionType, Config, Editor, EventHandler, KeyCode, KeyEvent, Modifiers,
};

use super::run::{self, Settings, Status};
use super::{Color, OutputArgs, help};
use helper::{EnterHandler, ReplHelper};

/// The name `Engine::example()` gives its store.
const BUILT_IN: &str = "(built-in example)";

/// Where results go.
enum Output {
    Stdout,
    /// `.output FILE`, or `.once FILE` (`once`: back to the screen after the next result).
    File {
        path: PathBuf,
        out: BufWriter<File>,
        once: bool,
    },
}

/// The session: the open store, how results are shown, where they go.
pub(super) struct Repl {
    engine: Rc<RefCell<Engine>>,
    completer: Rc<complete::Completer>,
    settings: Settings,
    output: Output,
    /// Fit tables to the terminal (stdout is one).
    fit: bool,
    /// `.quit` was given.
    quit: bool,
    /// How deep `.read` is nested.
    depth: usize,
    /// Reopen the store before each input when a build replaced it: the
    /// interactive shell does; a script reads one store from start to end.
    reopen: bool,
}

/// Runs statements and dot-commands given as text (piped input, `concord run`),
/// as the shell would run them with `.read`.
pub fn script(db: Option<PathBuf>, o: &OutputArgs, text: &str, origin: &str) -> ExitCode {
    let engine = match super::open(db, o) {
        Ok(e) => e,
        Err(code) => return code,
    };
    let stdout_tty = io::stdout().is_terminal();
    let mut repl = Repl {
        engine: Rc::new(RefCell::new(engine)),
        completer: Rc::new(complete::Completer::new(
            help::COMMANDS.iter().map(|c| c.name).collect(),
            help::topic_words(),
        )),
        settings: super::settings(o, stdout_tty),
        output: Output::Stdout,
        fit: stdout_tty,
        quit: false,
        depth: 0,
        reopen: false,
    };
    let mut status = repl.run_with_dots(text, origin);
    if !repl.close_output() {
        status = status.worst(Status::Failed);
    }
    super::exit(status)
}

/// Runs the shell; returns when the user leaves (Ctrl-D, `.quit`).
pub fn main(db: Option<PathBuf>, o: &OutputArgs) -> ExitCode {
    let engine = match super::open(db, o) {
        Ok(e) => e,
        Err(code) => return code,
    };
    let stdout_tty = io::stdout().is_terminal();
    let color_input = match o.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => stdout_tty && std::env::var_os("NO_COLOR").is_none(),
    };
    let engine = Rc::new(RefCell::new(engine));
    let completer = Rc::new(complete::Completer::new(
        help::COMMANDS.iter().map(|c| c.name).collect(),
        help::topic_words(),
    ));
    let mut editor = match editor() {
        Ok(e) => e,
        Err(e) => {
            eprintln!("error: cannot start the interactive shell: {e}");
            return ExitCode::from(2);
        }
    };
    editor.set_helper(Some(ReplHelper::new(
        engine.clone(),
        completer.clone(),
        color_input,
    )));
    let mut history = history_file();
    if let Some(path) = &history {
        let _ = editor.load_history(path);
    }
    if !interrupt::install() {
        eprintln!("warning: cannot catch Ctrl-C; it will end the shell instead of the query");
    }
    let mut repl = Repl {
        engine,
        completer,
        settings: super::settings(o, stdout_tty),
        output: Output::Stdout,
        fit: stdout_tty,
        quit: false,
        depth: 0,
        reopen: true,
    };
    println!("{}", repl.banner());
    loop {
        match editor.readline(text::PROMPT) {
            Ok(line) => {
                if line.trim().is_empty() {
                    continue;
                }
                let _ = editor.add_history_entry(line.as_str());
                if let Some(path) = &history
                    && let Err(e) = editor.append_history(path)
                {
                    eprintln!(
                        "note: cannot save the history to {}: {e}; going on without",
                        path.display()
                    );
                    history = None;
                }
                repl.input(&text::without_indent(&line));
                if repl.quit {
                    break;
                }
            }
            // Ctrl-C at the prompt: the line is dropped, a new prompt comes.
            Err(ReadlineError::Interrupted) => continue,
            // Ctrl-D on an empty line.
            Err(ReadlineError::Eof) => break,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(1);
            }
        }
    }
    let _ = repl.close_output();
    ExitCode::SUCCESS
}

fn editor() -> rustyline::Result<Editor<ReplHelper, DefaultHistory>> {
    let config = Config::builder()
        .completion_type(CompletionType::List)
        .auto_add_history(false)
        .history_ignore_dups(true)?
        .history_ignore_space(true)
        .max_history_size(10_000)?
        // The helper decides about colours; it always draws the continuation prompt.
        .color_mode(ColorMode::Forced)
        .build();
    let mut editor = Editor::with_config(config)?;
    // Enter (`\r`) and Ctrl-J (`\n`, which some terminals and tools send for Enter).
    for key in [
        KeyEvent(KeyCode::Enter, Modifiers::NONE),
        KeyEvent::ctrl('J'),
    ] {
        editor.bind_sequence(key, EventHandler::Conditional(Box::new(EnterHandler)));
    }
    Ok(editor)
}

/// `DATA_DIR/concord/history` (created), or `None` when there is no data directory.
fn history_file() -> Option<PathBuf> {
    let dir = dirs::data_dir()?.join("concord");
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!(
            "note: cannot create {}: {e}; the history will not be saved",
            dir.display()
        );
        return None;
    }
    Some(dir.join("history"))
}

impl Repl {
    /// One line: what is open, and where help is.
    fn banner(&self) -> String {
        let engine = self.engine.borrow();
        let path = engine.store().path().display().to_string();
        let what = if path == BUILT_IN {
            "the built-in example".to_string()
        } else {
            path
        };
        format!(
            "concord {} on {what} ({} documents). Type .help for help.",
            env!("CARGO_PKG_VERSION"),
            engine.catalog().documents.len()
        )
    }

    /// The open store and what it holds.
    fn describe(&self) -> String {
        let engine = self.engine.borrow();
        let c = engine.catalog();
        format!(
            "{}: {} documents, {} actors, {} principles",
            engine.store().path().display(),
            c.documents.len(),
            c.actors.len(),
            c.principles.len()
        )
    }

    /// One entry from the prompt: a dot-command or statements.
    fn input(&mut self, line: &str) {
        if line.trim_start().starts_with('.') {
            let _ = self.dot(line.trim());
        } else {
            let _ = self.run(line, None);
        }
    }

    /// The settings for the next statement: tables fitted to the terminal, or plain in a file.
    fn statement_settings(&self) -> Settings {
        let mut s = self.settings.clone();
        match self.output {
            Output::File { .. } => {
                s.table.width = None;
                s.table.color = false;
            }
            // Asked again for each statement: the terminal may have been resized.
            Output::Stdout if self.fit => s.table.width = Some(super::terminal_width()),
            Output::Stdout => {}
        }
        s
    }

    /// Runs the statements of `src` with the runner scripts use; Ctrl-C stops the running one
    /// and the rest.
    fn run(&mut self, src: &str, origin: Option<&str>) -> Status {
        let s = self.statement_settings();
        let status = {
            let mut engine = self.engine.borrow_mut();
            // Reopen a replaced store first, so that Ctrl-C reaches the connection that runs.
            match if self.reopen {
                engine.refresh()
            } else {
                Ok(false)
            } {
                Ok(true) => self.completer.forget(),
                Ok(false) => {}
                Err(e) => {
                    eprintln!("error: {e}");
                    return Status::Failed;
                }
            }
            let _running = interrupt::Running::new(engine.store().interrupt());
            let mut err = io::stderr();
            match &mut self.output {
                Output::Stdout => {
                    let stdout = io::stdout();
                    let mut out = Cancellable(stdout.lock());
                    let r = run::run_text(&mut engine, src, origin, &s, &mut out, &mut err);
                    let _ = out.flush();
                    r
                }
                Output::File { out, .. } => {
                    let mut out = Cancellable(out);
                    let r = run::run_text(&mut engine, src, origin, &s, &mut out, &mut err);
                    let _ = out.flush();
                    r
                }
            }
        };
        if matches!(self.output, Output::File { once: true, .. }) && !self.close_output() {
            return status.worst(Status::Failed);
        }
        status
    }

    /// Back to the screen, closing the output file; false when what was written could not be
    /// saved.
    fn close_output(&mut self) -> bool {
        if let Output::File { path, mut out, .. } =
            std::mem::replace(&mut self.output, Output::Stdout)
            && let Err(e) = out.flush()
        {
            let path = path.display().to_string();
            eprintln!("error: {}: {e}", concord::text::escape_controls(&path));
            return false;
        }
        true
    }

    /// Opens another store, keeping the session's parameters and `let` sets; false when it
    /// cannot be opened (the open store stays).
    fn open(&mut self, path: &Path) -> bool {
        match Engine::open(path) {
            Ok(mut e) => {
                let mut engine = self.engine.borrow_mut();
                e.env = std::mem::take(&mut engine.env);
                *engine = e;
                drop(engine);
                self.completer.forget();
                println!(
                    "opened {}",
                    concord::text::escape_controls(&self.describe())
                );
                true
            }
            Err(e) => {
                let e = e.to_string();
                eprintln!("error: {}", concord::text::escape_controls(&e));
                false
            }
        }
    }
}

/// The output of statements in the shell: after Ctrl-C, writes fail with [`run::Cancelled`], so
/// that a result still being printed stops (and the statement ends as interrupted).
struct Cancellable<W: Write>(W);

impl<W: Write> Write for Cancellable<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if interrupt::cancelled() {
            return Err(run::cancelled_error());
        }
        self.0.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}
