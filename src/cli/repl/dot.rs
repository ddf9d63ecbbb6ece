//! Dot-commands: `.help`, `.open`, `.read`, `.format`, `.sql`, `.timer`, `.param`,
//! `.maxrows`, `.wrap`, `.fields`, `.output`, `.once`, `.quit`/`.exit`. Their list and help text are in
//! `cli::help`. Information goes to the screen; errors to stderr; the session always goes on.

use std::fs::File;
use std::io::BufWriter;
use std::path::PathBuf;

use concord::render::Format;
use concord::resolve::fields;
use concord::resolve::plan::Set;
use concord::syntax::ScriptPiece;

use super::super::help;
use super::super::run::Status;
use super::{Output, Repl};

/// How deep `.read` may nest (a script that reads itself stops there).
const MAX_DEPTH: usize = 16;

/// The format names `.format` takes.
const FORMATS: &str = "table, csv, tsv, json, jsonl, markdown, dot";

impl Repl {
    /// Runs one dot-command line (starting with `.`); `Failed` when it printed an error.
    pub(super) fn dot(&mut self, line: &str) -> Status {
        let args = split_args(line);
        let Some((name, rest)) = args.split_first() else {
            return Status::Ok;
        };
        let rest: Vec<&str> = rest.iter().map(String::as_str).collect();
        let name = name.to_ascii_lowercase();
        let ok = |done: bool| if done { Status::Ok } else { Status::Failed };
        match (name.as_str(), rest.as_slice()) {
            (".help", []) => print!("{}", help::overview()),
            (".help", [topic, ..]) => return ok(self.help(topic)),
            (".quit" | ".exit", _) => self.quit = true,
            (".open", [file]) => return ok(self.open(&expand(file))),
            (".read", [file]) => return self.read(file),
            (".format", []) => println!("format: {}", self.settings.format.name()),
            (".format", [f]) => match Format::parse(f) {
                Some(f) => self.settings.format = f,
                None => return fail(format!("unknown format `{}`; formats: {FORMATS}", shown(f))),
            },
            (".sql", []) => println!("sql: {}", on_off(self.settings.echo_sql)),
            (".sql", [v]) => match flag(".sql", v) {
                Some(b) => self.settings.echo_sql = b,
                None => return Status::Failed,
            },
            (".timer", []) => println!("timer: {}", on_off(self.settings.timer)),
            (".timer", [v]) => match flag(".timer", v) {
                Some(b) => self.settings.timer = b,
                None => return Status::Failed,
            },
            (".param", []) | (".param", ["list"]) => self.param_list(),
            (".param", ["set", name, _, ..]) => {
                let value = param_value(line);
                let name = name.trim_start_matches('$').to_string();
                self.engine.borrow_mut().env.params.insert(name, value);
            }
            (".param", ["unset", name]) => {
                let name = name.trim_start_matches('$');
                let mut engine = self.engine.borrow_mut();
                let had_param = engine.env.params.remove(name).is_some();
                let had_let = engine.env.lets.remove(name).is_some();
                if !had_param && !had_let {
                    return fail(format!("no parameter `${}`", shown(name)));
                }
            }
            (".wrap", []) => println!("wrap: {}", on_off(self.settings.table.wrap)),
            (".wrap", [v]) => match flag(".wrap", v) {
                Some(b) => self.settings.table.wrap = b,
                None => return Status::Failed,
            },
            (".maxrows", []) => match self.settings.table.max_rows {
                0 => println!("maxrows: 0 (no cap)"),
                n => println!("maxrows: {n}"),
            },
            (".maxrows", [n]) => match n.parse::<usize>() {
                Ok(n) => self.settings.table.max_rows = n,
                _ => {
                    return fail(format!(
                        "`.maxrows` takes a whole number (0: no cap), not `{}`",
                        shown(n)
                    ));
                }
            },
            (".fields", []) => {
                for set in Set::ALL {
                    print_fields(set);
                }
            }
            (".fields", [set]) => match set_of(set) {
                Some(s) => print_fields(s),
                None => {
                    return fail(format!(
                        "unknown set `{}`; sets: documents, statements, clauses, actors, principles, citations",
                        shown(set)
                    ));
                }
            },
            (".output", []) => return ok(self.close_output()),
            (".output", [file]) => return ok(self.redirect(file, false)),
            (".once", [file]) => return ok(self.redirect(file, true)),
            _ => {
                return match help::command(&name) {
                    Some(c) => {
                        eprintln!("usage: {} {}", c.name, c.args);
                        Status::Failed
                    }
                    None => {
                        let names = help::COMMANDS.iter().map(|c| c.name);
                        match concord::suggest::closest(&name, names) {
                            Some(s) => fail(format!(
                                "unknown command `{}`; did you mean `{s}`?",
                                shown(&name)
                            )),
                            None => fail(format!(
                                "unknown command `{}`; `.help` lists the commands",
                                shown(&name)
                            )),
                        }
                    }
                };
            }
        }
        Status::Ok
    }

    /// `.help TOPIC`; false when there is no such topic.
    fn help(&self, topic: &str) -> bool {
        if let Some(t) = help::topic(topic) {
            print!("{}", help::topic_text(t));
        } else if let Some(c) = help::command(topic) {
            print!("{}", help::command_text(c));
        } else {
            let words = help::topic_words();
            let topic = shown(topic);
            match concord::suggest::closest(&topic, words.iter().copied()) {
                Some(s) => eprintln!("error: no help on `{topic}`; did you mean `{s}`?"),
                None => eprintln!("error: no help on `{topic}`; `.help` lists the topics"),
            }
            return false;
        }
        true
    }

    fn param_list(&self) {
        let engine = self.engine.borrow();
        let mut params: Vec<_> = engine.env.params.iter().collect();
        params.sort();
        let mut lets: Vec<_> = engine.env.lets.iter().collect();
        lets.sort_by(|a, b| a.0.cmp(b.0));
        if params.is_empty() && lets.is_empty() {
            println!("(no parameters)");
        }
        for (k, v) in params {
            println!("${k} = {v}");
        }
        for (k, q) in lets {
            println!("${k} = ({q})");
        }
    }

    /// `.output FILE` / `.once FILE`; false when the file cannot be created.
    fn redirect(&mut self, file: &str, once: bool) -> bool {
        let path = expand(file);
        match File::create(&path) {
            Ok(f) => {
                let closed = self.close_output();
                self.output = Output::File {
                    path,
                    out: BufWriter::new(f),
                    once,
                };
                closed
            }
            Err(e) => {
                eprintln!("error: {}: {e}", shown(&path.display().to_string()));
                false
            }
        }
    }

    /// `.read SCRIPT`: its statements run as one text (so errors point at its lines); a line
    /// that starts with `.` is a dot-command, run in its turn.
    pub(super) fn read(&mut self, file: &str) -> Status {
        if self.depth >= MAX_DEPTH {
            eprintln!("error: `.read` nested more than {MAX_DEPTH} deep; stopping at {file}");
            return Status::Failed;
        }
        let path = expand(file);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("error: {}: {e}", shown(&path.display().to_string()));
                return Status::Failed;
            }
        };
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let origin = path.display().to_string();
        self.run_with_dots(text, &origin)
    }

    /// Runs a script whose lines starting with `.` are dot-commands (outside strings and
    /// comments: [`concord::syntax::split_dot_commands`]). A failing dot-command fails the
    /// script as a failing statement does; with `--bail` the script stops at the first failure.
    pub(super) fn run_with_dots(&mut self, text: &str, origin: &str) -> Status {
        self.depth += 1;
        let mut status = Status::Ok;
        for piece in concord::syntax::split_dot_commands(text) {
            let one = match piece {
                ScriptPiece::Statements(range) => self.run_part(text, range, origin),
                ScriptPiece::Dot(range) => self.dot(text[range].trim()),
            };
            status = worst(status, one);
            if status == Status::Interrupted
                || self.quit
                || (status == Status::Failed && self.settings.bail)
            {
                break;
            }
        }
        self.depth -= 1;
        status
    }

    /// Runs the statements in `range` of `text`; the rest is blanked so that positions (and
    /// line numbers in errors) stay those of the file.
    fn run_part(&mut self, text: &str, range: std::ops::Range<usize>, origin: &str) -> Status {
        if text[range.clone()].trim().is_empty() {
            return Status::Ok;
        }
        let mut masked = String::with_capacity(text.len());
        for (i, c) in text.char_indices() {
            if range.contains(&i) || c == '\n' {
                masked.push(c);
            } else {
                masked.extend(std::iter::repeat_n(' ', c.len_utf8()));
            }
        }
        self.run(&masked, Some(origin))
    }
}

/// Prints `error: MESSAGE`; the command failed.
fn fail(message: String) -> Status {
    eprintln!("error: {message}");
    Status::Failed
}

/// Text for the terminal: control characters shown as escapes.
fn shown(s: &str) -> String {
    concord::text::escape_controls(s).into_owned()
}

fn worst(a: Status, b: Status) -> Status {
    match (a, b) {
        (Status::Interrupted, _) | (_, Status::Interrupted) => Status::Interrupted,
        (Status::Failed, _) | (_, Status::Failed) => Status::Failed,
        _ => Status::Ok,
    }
}

fn on_off(b: bool) -> &'static str {
    if b { "on" } else { "off" }
}

fn flag(command: &str, v: &str) -> Option<bool> {
    match v.to_ascii_lowercase().as_str() {
        "on" | "true" | "yes" | "1" => Some(true),
        "off" | "false" | "no" | "0" => Some(false),
        _ => {
            eprintln!("error: `{command}` takes `on` or `off`, not `{}`", shown(v));
            None
        }
    }
}

/// The value of `.param set NAME VALUE...`: the rest of the line as typed (so spaces stay),
/// without surrounding double quotes.
fn param_value(line: &str) -> String {
    let mut rest = line.trim();
    for _ in 0..3 {
        rest = rest
            .split_once(char::is_whitespace)
            .map_or("", |(_, r)| r)
            .trim_start();
    }
    let raw = rest.trim();
    match raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
        Some(inner) => inner.replace("\\\"", "\"").replace("\\\\", "\\"),
        None => raw.to_string(),
    }
}

/// Splits a dot-command line into words; double quotes group words (`.open "my store.db"`).
fn split_args(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_quotes = false;
    let mut any = false;
    for c in line.chars() {
        match c {
            '"' => {
                in_quotes = !in_quotes;
                any = true;
            }
            c if c.is_whitespace() && !in_quotes => {
                if any {
                    out.push(std::mem::take(&mut cur));
                    any = false;
                }
            }
            c => {
                cur.push(c);
                any = true;
            }
        }
    }
    if any {
        out.push(cur);
    }
    out
}

/// A path, with a leading `~/` for the home directory.
fn expand(file: &str) -> PathBuf {
    match (file.strip_prefix("~/"), dirs::home_dir()) {
        (Some(rest), Some(home)) => home.join(rest),
        _ => PathBuf::from(file),
    }
}

/// The set a word names, singular or plural.
fn set_of(word: &str) -> Option<Set> {
    let w = word.to_ascii_lowercase();
    Set::ALL
        .iter()
        .copied()
        .find(|s| s.as_str() == w || s.as_str().strip_suffix('s') == Some(w.as_str()))
}

/// `.fields SET`: each field with what it holds.
fn print_fields(set: Set) {
    let defs = fields::fields(set);
    let w = defs.iter().map(|d| d.name.len()).max().unwrap_or(0);
    println!("{}:", set.as_str());
    for d in defs {
        let many = if d.many { " (many values)" } else { "" };
        println!("  {:<w$}  {}{many}", d.name, d.help);
    }
}
