//! `concord add FILE... --db STORE`: documents as users have them (plain text, Markdown, HTML,
//! PDF, with no front matter) made into corpus documents and imported; and the same metadata
//! options for `build` and `check` of a folder of plain files.
//!
//! A document's metadata comes, most specific first, from its row of the `--meta` table, the
//! options (`--kind`, `--author`, ...), `--defaults KEY=VALUE`, and the defaults a user would
//! guess: the id a slug of the file name, the title the file's own (its first line or heading,
//! an HTML page's title), the kind `statement`. Every value is checked before anything is
//! written (an author must be an actor, a date a date, an id new), each problem said with where
//! it came from: the file, the option, or the row and column of the table.
//!
//! The document is a corpus text file (TOML front matter, written with the `toml` crate, then
//! the body, then the notes as paragraphs labelled `{#note-1}`, ...), stored under the original
//! path plus `.md` (`speech.pdf` → `speech.pdf.md`, `speech.txt` → `speech.txt.md`): the
//! stored source is not the file on disk, so it never takes its name.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

use concord::corpus::{Date, SourceFile, records};
use concord::ingest::{self, Extracted, Format};
use concord::resolve::catalog::{Catalog, Entry, Kind};
use concord::text::escape_controls;

/// The metadata options `add`, `build` and `check` share.
#[derive(clap::Args, Clone, Default, Debug)]
pub struct MetaArgs {
    /// The kind of each document (default: `statement`).
    #[arg(long, value_name = "KIND")]
    pub kind: Option<String>,
    /// An author: an actor of the store, by id, name or alias. Repeat the option or give a
    /// comma-separated list.
    #[arg(long = "author", value_name = "ACTOR", value_delimiter = ',')]
    pub authors: Vec<String>,
    /// The date: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,
    /// Where it was said or signed.
    #[arg(long, value_name = "PLACE")]
    pub place: Option<String>,
    /// Its language (e.g. `en`).
    #[arg(long, value_name = "LANG")]
    pub language: Option<String>,
    /// Where it comes from (a URL or a reference).
    #[arg(long, value_name = "SOURCE")]
    pub source: Option<String>,
    /// A table of metadata, one row per file (`.csv`, or `.tsv` for tabs): a header row
    /// naming `file` and any of id, title, kind, author (or authors), date, place, language,
    /// source. A row's cells win over the options; an empty cell gives nothing.
    #[arg(long, value_name = "TABLE")]
    pub meta: Option<PathBuf>,
    /// A value for every document that neither the table nor an option gives, e.g.
    /// `--defaults kind=statement` (repeatable; keys as the table's columns).
    #[arg(long = "defaults", value_name = "KEY=VALUE")]
    pub defaults: Vec<String>,
    /// How plain text is cut into paragraphs: `blank` (at blank lines), `lines` (at line
    /// breaks, except within a hard-wrapped paragraph), `auto` (`lines` for a text with
    /// (almost) no blank lines, else `blank`).
    #[arg(long, value_enum, default_value = "auto")]
    pub paragraphs: Paragraphs,
}

impl MetaArgs {
    /// Whether any option asks for plain files to become documents.
    pub fn given(&self) -> bool {
        self.kind.is_some()
            || !self.authors.is_empty()
            || self.date.is_some()
            || self.place.is_some()
            || self.language.is_some()
            || self.source.is_some()
            || self.meta.is_some()
            || !self.defaults.is_empty()
    }

    /// Whether a file without a row of the table still becomes a document (options or
    /// `--defaults` were given besides the table).
    fn defaults_given(&self) -> bool {
        let mut without_table = self.clone();
        without_table.meta = None;
        without_table.given()
    }
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Paragraphs {
    #[default]
    Auto,
    Blank,
    Lines,
}

/// A problem with what `add` was given, and where it was given.
#[derive(Debug, Clone)]
pub struct Problem {
    pub message: String,
    pub at: String,
    pub help: Option<String>,
}

impl Problem {
    pub fn new(at: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem {
            message: message.into(),
            at: at.into(),
            help: None,
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Problem {
        self.help = Some(help.into());
        self
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "error: {}\n  --> {}",
            escape_controls(&self.message),
            escape_controls(&self.at)
        )?;
        if let Some(h) = &self.help {
            write!(f, "\n  = help: {}", escape_controls(h))?;
        }
        Ok(())
    }
}

/// Prints every problem (once: an option's bad value is the same problem for every file),
/// then how many, and that nothing was written.
pub fn print_problems(problems: &[Problem]) {
    let mut seen = HashSet::new();
    for p in problems {
        let shown = p.to_string();
        if seen.insert(shown.clone()) {
            eprintln!("{shown}\n");
        }
    }
    eprintln!(
        "error: {} problem(s) found; nothing was written",
        seen.len()
    );
}

// ---------------------------------------------------------------------------------------
// Values and where they came from

/// Where a value was given.
#[derive(Debug, Clone)]
enum Origin {
    Flag(&'static str),
    Default(String),
    Cell {
        table: String,
        line: u64,
        column: usize,
        name: String,
    },
    File(String),
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Flag(flag) => write!(f, "the option {flag}"),
            Origin::Default(key) => write!(f, "--defaults {key}=…"),
            Origin::Cell {
                table,
                line,
                column,
                name,
            } => write!(f, "{table}:{line} (column {column}, `{name}`)"),
            Origin::File(path) => write!(f, "{path}"),
        }
    }
}

type Val = (String, Origin);

/// The keys a table column or `--defaults` may name.
const KEYS: [&str; 9] = [
    "id", "title", "kind", "author", "authors", "date", "place", "language", "source",
];

/// A document's metadata as given (not yet checked).
#[derive(Debug, Clone, Default)]
struct Given {
    id: Option<Val>,
    title: Option<Val>,
    kind: Option<Val>,
    authors: Option<Vec<Val>>,
    date: Option<Val>,
    place: Option<Val>,
    language: Option<Val>,
    source: Option<Val>,
}

impl Given {
    /// Sets `key` (one of [`KEYS`]); an empty value sets nothing. A value is one line: line
    /// breaks in it become spaces (so that no line of the front matter can be `+++`).
    fn set(&mut self, key: &str, value: &str, origin: Origin) {
        let value = one_line(value);
        let value = value.as_str();
        if value.is_empty() {
            return;
        }
        let v = Some((value.to_string(), origin.clone()));
        match key {
            "id" => self.id = v,
            "title" => self.title = v,
            "kind" => self.kind = v,
            "date" => self.date = v,
            "place" => self.place = v,
            "language" => self.language = v,
            "source" => self.source = v,
            "author" | "authors" => {
                self.authors = Some(
                    value
                        .split(',')
                        .map(str::trim)
                        .filter(|a| !a.is_empty())
                        .map(|a| (a.to_string(), origin.clone()))
                        .collect(),
                )
            }
            _ => {}
        }
    }

    /// `self`, with what it leaves out taken from `base`.
    fn over(&self, base: &Given) -> Given {
        fn or(a: &Option<Val>, b: &Option<Val>) -> Option<Val> {
            a.clone().or_else(|| b.clone())
        }
        Given {
            id: or(&self.id, &base.id),
            title: or(&self.title, &base.title),
            kind: or(&self.kind, &base.kind),
            authors: self.authors.clone().or_else(|| base.authors.clone()),
            date: or(&self.date, &base.date),
            place: or(&self.place, &base.place),
            language: or(&self.language, &base.language),
            source: or(&self.source, &base.source),
        }
    }
}

/// `s` on one line: its lines trimmed and joined by spaces.
fn one_line(s: &str) -> String {
    s.split(['\n', '\r'])
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// "did you mean `authors`?" for a key that is not one.
fn unknown_key_help(key: &str) -> String {
    match concord::suggest::closest(key, KEYS) {
        Some(k) => format!("did you mean `{k}`? (the keys are {})", KEYS.join(", ")),
        None => format!("the keys are file, {}", KEYS.join(", ")),
    }
}

/// What the options give every document: `--defaults` under the options.
fn command_wide(args: &MetaArgs, problems: &mut Vec<Problem>) -> Given {
    let mut defaults = Given::default();
    for d in &args.defaults {
        let Some((k, v)) = d.split_once('=') else {
            problems.push(
                Problem::new(format!("--defaults {d}"), "write KEY=VALUE")
                    .help("e.g. `--defaults kind=statement`"),
            );
            continue;
        };
        let k = k.trim().to_lowercase();
        if !KEYS.contains(&k.as_str()) {
            problems.push(
                Problem::new(format!("--defaults {d}"), format!("unknown key `{k}`"))
                    .help(unknown_key_help(&k)),
            );
            continue;
        }
        defaults.set(&k, v, Origin::Default(k.clone()));
    }
    let mut flags = Given::default();
    let flag = |g: &mut Given, key: &str, v: &Option<String>, name: &'static str| {
        if let Some(v) = v {
            g.set(key, v, Origin::Flag(name));
        }
    };
    flag(&mut flags, "kind", &args.kind, "--kind");
    flag(&mut flags, "date", &args.date, "--date");
    flag(&mut flags, "place", &args.place, "--place");
    flag(&mut flags, "language", &args.language, "--language");
    flag(&mut flags, "source", &args.source, "--source");
    if !args.authors.is_empty() {
        flags.authors = Some(
            args.authors
                .iter()
                .map(|a| a.trim())
                .filter(|a| !a.is_empty())
                .map(|a| (a.to_string(), Origin::Flag("--author")))
                .collect(),
        );
    }
    flags.over(&defaults)
}

// ---------------------------------------------------------------------------------------
// The metadata table

struct Row {
    line: u64,
    /// The `file` cell, `/`-separated, without a leading `./`.
    file: String,
    given: Given,
}

struct Table {
    /// As given on the command line, for messages.
    name: String,
    /// The folder the table is in (its rows' paths may be relative to it).
    dir: PathBuf,
    rows: Vec<Row>,
}

fn normal_path(s: &str) -> String {
    let s = s.trim().replace('\\', "/");
    let mut s = s.as_str();
    while let Some(rest) = s.strip_prefix("./") {
        s = rest;
    }
    s.to_string()
}

/// A TSV field with the escapes concord writes (`\t`, `\n`, `\\`) read back.
fn tsv_unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('\\') => out.push('\\'),
            Some(o) => {
                out.push('\\');
                out.push(o);
            }
            None => out.push('\\'),
        }
    }
    out
}

fn read_table(path: &Path, problems: &mut Vec<Problem>) -> Option<Table> {
    let name = path.display().to_string();
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let tsv = match ext.as_str() {
        "csv" => false,
        "tsv" | "tab" => true,
        _ => {
            problems.push(
                Problem::new(&name, "a metadata table is a .csv or a .tsv file")
                    .help("save the table as CSV (commas) or TSV (tabs), with a header row"),
            );
            return None;
        }
    };
    let text = match std::fs::read(path) {
        Ok(b) => match String::from_utf8(b) {
            Ok(t) => t,
            Err(e) => {
                problems.push(Problem::new(
                    &name,
                    format!(
                        "not UTF-8 text (at byte {}); save the table as UTF-8",
                        e.utf8_error().valid_up_to()
                    ),
                ));
                return None;
            }
        },
        Err(e) => {
            problems.push(Problem::new(&name, e.to_string()));
            return None;
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(if tsv { b'\t' } else { b',' })
        .quoting(!tsv)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(h)) => h,
        Some(Err(e)) => {
            problems.push(Problem::new(format!("{name}:1"), e.to_string()));
            return None;
        }
        None => {
            problems.push(
                Problem::new(&name, "the table is empty")
                    .help("its first row names the columns: `file` and any of id, title, kind, author, date, place, language, source"),
            );
            return None;
        }
    };
    let mut columns: Vec<String> = Vec::new();
    let mut bad = false;
    for (i, h) in header.iter().enumerate() {
        let h = h.trim().to_lowercase();
        let at = format!("{name}:1 (column {})", i + 1);
        if h != "file" && !KEYS.contains(&h.as_str()) {
            problems
                .push(Problem::new(at, format!("unknown column `{h}`")).help(unknown_key_help(&h)));
            bad = true;
        } else if columns.contains(&h)
            || (h.starts_with("author") && columns.iter().any(|c| c.starts_with("author")))
        {
            problems.push(Problem::new(at, format!("the column `{h}` is named twice")));
            bad = true;
        }
        columns.push(h);
    }
    let Some(file_col) = columns.iter().position(|c| c == "file") else {
        problems.push(
            Problem::new(format!("{name}:1"), "no `file` column")
                .help("the header row names the column of file names `file`, e.g. `file,id,title,author,date`; a header row is required"),
        );
        return None;
    };
    if bad {
        return None;
    }
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let mut rows: Vec<Row> = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    for rec in records {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                problems.push(Problem::new(format!("{name}:{line}"), e.to_string()));
                continue;
            }
        };
        let line = rec.position().map_or(0, |p| p.line());
        if rec.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if rec.len() != columns.len() {
            problems.push(Problem::new(
                format!("{name}:{line}"),
                format!(
                    "{} cells, but the header names {} columns",
                    rec.len(),
                    columns.len()
                ),
            ));
            continue;
        }
        let cell = |i: usize| {
            let c = rec.get(i).unwrap_or("");
            if tsv { tsv_unescape(c) } else { c.to_string() }
        };
        let file = normal_path(&cell(file_col));
        if file.is_empty() {
            problems.push(Problem::new(
                format!("{name}:{line} (column {}, `file`)", file_col + 1),
                "no file named",
            ));
            continue;
        }
        if let Some(first) = seen.get(&file) {
            problems.push(Problem::new(
                format!("{name}:{line} (column {}, `file`)", file_col + 1),
                format!("`{file}` has a row already (line {first})"),
            ));
            continue;
        }
        seen.insert(file.clone(), line);
        let mut given = Given::default();
        for (i, col) in columns.iter().enumerate() {
            if i == file_col {
                continue;
            }
            let origin = Origin::Cell {
                table: name.clone(),
                line,
                column: i + 1,
                name: col.clone(),
            };
            given.set(col, &cell(i), origin);
        }
        rows.push(Row { line, file, given });
    }
    Some(Table { name, dir, rows })
}

impl Table {
    /// The rows of a file: a row names it by its path as given, its path relative to the
    /// table's folder, or the end of its path (`Session 63 - 2008/QAT_63_2008.txt`, or only
    /// its file name).
    fn find(&self, names: &[String], full: &str) -> Vec<usize> {
        let hits: Vec<usize> = (0..self.rows.len())
            .filter(|&i| names.contains(&self.rows[i].file))
            .collect();
        if !hits.is_empty() {
            return hits;
        }
        (0..self.rows.len())
            .filter(|&i| {
                let f = &self.rows[i].file;
                full == f || full.ends_with(&format!("/{f}"))
            })
            .collect()
    }

    /// The names a row may give for `path`: as given, and relative to the table's folder;
    /// and its full path.
    fn names_of(&self, path: &Path) -> (Vec<String>, String) {
        let mut names = vec![normal_path(&path.to_string_lossy())];
        let full = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        if let Ok(rel) = full.strip_prefix(&self.dir) {
            names.push(slash_path(rel));
        }
        (names, slash_path(&full))
    }
}

fn slash_path(p: &Path) -> String {
    p.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

// ---------------------------------------------------------------------------------------
// Checking values

/// A slug of a file name: lowercase letters and digits, `-` for each run of anything else.
pub fn slug(s: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in s.chars().flat_map(char::to_lowercase) {
        let keep = c.is_ascii_digit() || (c.is_alphabetic() && c.to_lowercase().eq([c]));
        if keep {
            if dash && !out.is_empty() {
                out.push('-');
            }
            out.push(c);
            dash = false;
        } else {
            dash = true;
        }
    }
    out
}

/// What is wrong with a date, and what was probably meant.
fn date_help(s: &str) -> String {
    let form = "a date is `YYYY`, `YYYY-MM` or `YYYY-MM-DD`";
    let s = s.trim();
    let s = s.split(['T', ' ']).next().unwrap_or(s);
    let parts: Vec<&str> = s.split(['-', '/', '.']).filter(|p| !p.is_empty()).collect();
    let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    if parts.is_empty() || !parts.iter().all(|p| digits(p)) {
        return form.into();
    }
    let pad = |p: &str| format!("{:0>2}", p);
    let mut tries: Vec<String> = Vec::new();
    match parts.as_slice() {
        [y] if y.len() == 4 => tries.push(y.to_string()),
        [y, m] if y.len() == 4 => tries.push(format!("{y}-{}", pad(m))),
        [m, y] if y.len() == 4 => tries.push(format!("{y}-{}", pad(m))),
        [y, m, d] if y.len() == 4 => tries.push(format!("{y}-{}-{}", pad(m), pad(d))),
        [a, b, y] if y.len() == 4 => {
            tries.push(format!("{y}-{}-{}", pad(b), pad(a)));
            tries.push(format!("{y}-{}-{}", pad(a), pad(b)));
        }
        _ => {}
    }
    let good: Vec<String> = tries
        .into_iter()
        .filter(|t| Date::parse(t).is_some() && t != s)
        .collect();
    match good.as_slice() {
        [one] => return format!("did you mean `{one}`? ({form})"),
        [a, b] => return format!("did you mean `{a}` or `{b}`? ({form})"),
        _ => {}
    }
    // A day that is not in its month.
    if let [y, m, d] = parts.as_slice()
        && y.len() == 4
        && let (Ok(y), Ok(m), Ok(d)) = (y.parse::<u32>(), m.parse::<u32>(), d.parse::<u32>())
        && (1..=12).contains(&m)
    {
        let last = records::days_in_month(y, m);
        if d > last {
            return format!("{y:04}-{m:02} has {last} days ({form}, of a day that exists)");
        }
    }
    format!("{form}, of a day that exists")
}

/// Actors' names in a store or a corpus, for `--author`.
pub struct Actors(Catalog);

impl Actors {
    pub fn new(catalog: Catalog) -> Actors {
        Actors(catalog)
    }

    /// From `(id, name, aliases)` triples.
    pub fn from_records(list: Vec<(String, String, Vec<String>)>) -> Actors {
        let mut entries = Vec::new();
        let mut aliases = Vec::new();
        for (id, name, al) in list {
            for a in al {
                aliases.push((Kind::Actor, id.clone(), a));
            }
            entries.push(Entry {
                id,
                name,
                detail: String::new(),
            });
        }
        Actors(Catalog::new(
            entries,
            Vec::new(),
            Vec::new(),
            aliases,
            Vec::new(),
        ))
    }

    /// The actor id `name` denotes (an id, name or alias, any case).
    fn resolve(&self, name: &str) -> Result<String, (String, String)> {
        let mut ids: Vec<&str> = self
            .0
            .lookup(name)
            .iter()
            .filter(|h| h.kind == Kind::Actor)
            .map(|h| self.0.entry(*h).id.as_str())
            .collect();
        ids.dedup();
        match ids.as_slice() {
            [one] => Ok(one.to_string()),
            [] => {
                let help = match concord::suggest::closest(name, self.0.candidates(&[Kind::Actor]))
                {
                    Some(c) => {
                        let id = self.resolve(c).unwrap_or_else(|_| c.to_string());
                        if id == c {
                            format!("did you mean `{c}`?")
                        } else {
                            format!("did you mean `{c}` (`{id}`)?")
                        }
                    }
                    None if self.0.actors.is_empty() => {
                        "the store has no actors: build it with the actors' records (`[[actor]]`) first".into()
                    }
                    None => "an author is an actor of the store, by id, name or alias (`concord -c 'actors' --db STORE` lists them)".into(),
                };
                Err((format!("unknown actor `{name}`"), help))
            }
            many => Err((
                format!("`{name}` names several actors: {}", many.join(", ")),
                "give the id of the one you mean".into(),
            )),
        }
    }
}

/// One document made from a file, ready to store.
pub struct Made {
    /// The path it is imported under (the original plus `.md`).
    pub path: PathBuf,
    /// The id.
    pub id: String,
    /// The corpus text: front matter and body.
    pub text: String,
}

#[derive(serde::Serialize)]
struct Front<'a> {
    id: &'a str,
    title: &'a str,
    kind: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    place: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    authors: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    language: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<&'a str>,
}

/// The inputs of one document.
struct Input {
    /// Where it came from, for messages (the path as given, or `<stdin>`).
    name: String,
    /// The path it is stored under; `None` for standard input (then `ID.md`).
    store_path: Option<PathBuf>,
    /// The file's name without its extension (the id's default), if a file.
    stem: Option<String>,
    extracted: Extracted,
    format: Format,
    given: Given,
}

/// Checks `input`'s metadata and makes its corpus text.
fn make(
    input: Input,
    actors: &Actors,
    mode: Paragraphs,
    problems: &mut Vec<Problem>,
) -> Option<Made> {
    let g = &input.given;
    let before = problems.len();
    let file_origin = || Origin::File(input.name.clone());
    let id = match (&g.id, &input.stem) {
        (Some(v), _) => Some(v.clone()),
        (None, Some(stem)) => {
            let s = slug(stem);
            if s.is_empty() {
                problems.push(
                    Problem::new(&input.name, "no id can be made from the file name")
                        .help("give one with --id (or the table's `id` column)"),
                );
                None
            } else {
                Some((s, file_origin()))
            }
        }
        (None, None) => match &g.title {
            Some((t, o)) if !slug(t).is_empty() => Some((slug(t), o.clone())),
            _ => {
                problems.push(
                    Problem::new(
                        &input.name,
                        "standard input has no file name to make an id of",
                    )
                    .help("give --id (or --title, whose slug is then the id)"),
                );
                None
            }
        },
    };
    if let Some((id, origin)) = &id {
        let bad = |why: &str| {
            Problem::new(origin.to_string(), format!("`{id}` is not a valid id"))
                .help(format!("{why}; try `{}`", slug(id)))
        };
        if !records::is_slug(id) {
            problems.push(bad("ids are lowercase letters, digits, `-`, `_` and `.`"));
        } else if !id.chars().any(char::is_alphanumeric) {
            problems.push(bad("an id holds at least one letter or digit"));
        } else if !unicode_security::MixedScript::is_single_script(id.as_str()) {
            problems.push(bad("an id is written in one script"));
        }
    }
    let title = g
        .title
        .as_ref()
        .map(|(t, _)| t.clone())
        .or_else(|| input.extracted.title.as_deref().map(one_line))
        .filter(|t| !t.is_empty());
    if title.is_none() {
        problems.push(
            Problem::new(
                &input.name,
                "no title: the file has no first line or heading to take it from",
            )
            .help("give one with --title (or the table's `title` column)"),
        );
    }
    let kind = g
        .kind
        .as_ref()
        .map_or("statement".to_string(), |(k, _)| k.clone());
    if let Some((d, origin)) = &g.date
        && Date::parse(d).is_none()
    {
        problems.push(
            Problem::new(origin.to_string(), format!("`{d}` is not a date")).help(date_help(d)),
        );
    }
    let mut authors = Vec::new();
    for (a, origin) in g.authors.iter().flatten() {
        match actors.resolve(a) {
            Ok(id) if !authors.contains(&id) => authors.push(id),
            Ok(_) => {}
            Err((msg, help)) => {
                // A cell says where it is; an option is the same problem for every file.
                let at = match origin {
                    Origin::File(_) => format!("{origin} (for {})", input.name),
                    _ => origin.to_string(),
                };
                problems.push(Problem::new(at, msg).help(help))
            }
        }
    }
    if problems.len() > before {
        return None;
    }
    let (id, _) = id?;
    let title = title?;
    let front = Front {
        id: &id,
        title: &title,
        kind: &kind,
        date: g.date.as_ref().map(|(d, _)| d.as_str()),
        place: g.place.as_ref().map(|(d, _)| d.as_str()),
        authors,
        language: g.language.as_ref().map(|(d, _)| d.as_str()),
        source: g.source.as_ref().map(|(d, _)| d.as_str()),
    };
    let front = match toml::to_string(&front) {
        Ok(f) => f,
        Err(e) => {
            problems.push(Problem::new(
                &input.name,
                format!("cannot write its front matter: {e}"),
            ));
            return None;
        }
    };
    let body = body_text(&input.extracted, input.format, mode);
    let path = match &input.store_path {
        Some(p) => {
            let mut s = p.clone().into_os_string();
            s.push(".md");
            PathBuf::from(s)
        }
        None => PathBuf::from(format!("{id}.md")),
    };
    Some(Made {
        path,
        id,
        text: format!("+++\n{front}+++\n{body}"),
    })
}

/// The body of the corpus text: the paragraphs, then each note as a paragraph labelled
/// `{#note-N}`.
fn body_text(ex: &Extracted, format: Format, mode: Paragraphs) -> String {
    let lines = match mode {
        Paragraphs::Lines => true,
        Paragraphs::Blank => false,
        Paragraphs::Auto => format == Format::Text && few_blank_lines(&ex.body),
    };
    let mut out = if lines {
        line_paragraphs(&ex.body).join("\n\n")
    } else {
        ex.body.trim_matches(['\n', '\r']).to_string()
    };
    out.push('\n');
    for (i, note) in ex.notes.iter().enumerate() {
        let note: Vec<&str> = note.lines().filter(|l| !l.trim().is_empty()).collect();
        if note.is_empty() {
            continue;
        }
        out.push_str(&format!("\n{}\n{{#note-{}}}\n", note.join("\n"), i + 1));
    }
    out
}

/// Whether a text has (almost) no blank lines: under one for twenty lines of text, so that
/// its line breaks are what separates its paragraphs.
fn few_blank_lines(text: &str) -> bool {
    let text = text.trim();
    let (mut blank, mut full) = (0usize, 0usize);
    for l in text.lines() {
        if l.trim().is_empty() {
            blank += 1;
        } else {
            full += 1;
        }
    }
    full > 1 && blank * 20 < full
}

/// The paragraphs of a text that gives one per line, or hard-wraps them. A line break is a
/// paragraph break when the next line opens with a paragraph number ("49. "); in a wrapped
/// text (most lines shorter than 120 characters), when the line ends a sentence well short of
/// the wrapping width; in an unwrapped one, unless the line ends mid-sentence and the next
/// goes on in lower case. Lines of one paragraph keep their line breaks. (The rule
/// `examples/ungdc/convert.py` cuts the UN General Debate speeches by.)
pub fn line_paragraphs(text: &str) -> Vec<String> {
    let lines: Vec<&str> = text
        .split('\n')
        .map(str::trim_end)
        .filter(|l| !l.trim().is_empty())
        .collect();
    if lines.is_empty() {
        return Vec::new();
    }
    let mut lengths: Vec<usize> = lines.iter().map(|l| l.chars().count()).collect();
    lengths.sort_unstable();
    let n = lengths.len();
    // The median, doubled: (a + b) for an even count, 2a for an odd one.
    let median2 = if n % 2 == 1 {
        2 * lengths[n / 2]
    } else {
        lengths[n / 2 - 1] + lengths[n / 2]
    };
    let wrapped = median2 < 240;
    let width = lengths[(0.9 * (n - 1) as f64) as usize];
    let numbered = |l: &str| {
        let mut c = l.trim_start().chars().peekable();
        let mut digits = 0;
        while c.peek().is_some_and(char::is_ascii_digit) {
            c.next();
            digits += 1;
        }
        if !(1..=3).contains(&digits) {
            return false;
        }
        while c.peek().is_some_and(|c| c.is_whitespace()) {
            c.next();
        }
        c.next() == Some('.') && c.next().is_some_and(char::is_whitespace)
    };
    let sentence_end = |l: &str| {
        l.trim_end()
            .chars()
            .last()
            .is_some_and(|c| ".!?:;\"”’)]".contains(c))
    };
    let lower_start = |l: &str| l.trim_start().starts_with(|c: char| c.is_ascii_lowercase());
    let mut out: Vec<Vec<&str>> = vec![vec![lines[0]]];
    for w in lines.windows(2) {
        let (prev, line) = (w[0], w[1]);
        let brk = if numbered(line) {
            true
        } else if wrapped {
            sentence_end(prev) && (prev.chars().count() as f64) < 0.75 * width as f64
        } else {
            sentence_end(prev) || !lower_start(line)
        };
        match out.last_mut() {
            Some(p) if !brk => p.push(line),
            _ => out.push(vec![line]),
        }
    }
    out.into_iter()
        .map(|p| p.join("\n").trim().to_string())
        .collect()
}

// ---------------------------------------------------------------------------------------
// `concord add`

/// What `add` was asked.
pub struct AddRequest<'a> {
    pub files: &'a [PathBuf],
    pub id: Option<String>,
    pub title: Option<String>,
    pub meta: &'a MetaArgs,
}

/// The documents `add` makes of its files, checked against the store's actors; every
/// problem, when there are any.
pub fn add_documents(req: &AddRequest<'_>, actors: &Actors) -> Result<Vec<Made>, Vec<Problem>> {
    let mut problems = Vec::new();
    let wide = command_wide(req.meta, &mut problems);
    let mut wide_one = Given::default();
    if let Some(id) = &req.id {
        wide_one.set("id", id, Origin::Flag("--id"));
    }
    if let Some(t) = &req.title {
        wide_one.set("title", t, Origin::Flag("--title"));
    }
    if req.files.len() > 1 {
        for (v, flag) in [(&req.id, "--id"), (&req.title, "--title")] {
            if v.is_some() {
                problems.push(
                    Problem::new(
                        format!("the option {flag}"),
                        format!(
                            "{flag} names one document, and {} files were given",
                            req.files.len()
                        ),
                    )
                    .help("give each file's id and title in a table, with --meta TABLE.csv"),
                );
            }
        }
    }
    let wide = wide_one.over(&wide);
    let table = req
        .meta
        .meta
        .as_ref()
        .and_then(|t| read_table(t, &mut problems));
    let mut used_rows: HashMap<usize, String> = HashMap::new();
    let mut seen: HashMap<PathBuf, String> = HashMap::new();
    let mut inputs = Vec::new();
    let mut stdin_read = false;
    for file in req.files {
        let shown = file.display().to_string();
        if file.as_os_str() == "-" {
            if stdin_read {
                problems.push(Problem::new("-", "standard input is given twice"));
                continue;
            }
            stdin_read = true;
            let mut bytes = Vec::new();
            if let Err(e) = std::io::stdin().read_to_end(&mut bytes) {
                problems.push(Problem::new(
                    "<stdin>",
                    format!("cannot read standard input: {e}"),
                ));
                continue;
            }
            if wide.id.is_none() && wide.title.is_none() {
                problems.push(
                    Problem::new("<stdin>", "a document read from standard input needs an id")
                        .help("give --id ID (it is stored as `ID.md`), or --title (its slug is the id)"),
                );
                continue;
            }
            match ingest::extract(Format::Text, &bytes) {
                Ok(extracted) => inputs.push(Input {
                    name: "<stdin>".into(),
                    store_path: None,
                    stem: None,
                    extracted,
                    format: Format::Text,
                    given: wide.clone(),
                }),
                Err(e) => problems.push(Problem::new("<stdin>", e.to_string())),
            }
            continue;
        }
        let canonical = match std::fs::canonicalize(file) {
            Ok(c) => c,
            Err(e) => {
                problems.push(Problem::new(&shown, e.to_string()));
                continue;
            }
        };
        if let Some(first) = seen.get(&canonical) {
            problems.push(
                Problem::new(&shown, format!("given twice (also as {first})"))
                    .help("name each file once"),
            );
            continue;
        }
        seen.insert(canonical.clone(), shown.clone());
        if canonical.is_dir() {
            problems.push(
                Problem::new(&shown, "a folder, not a file")
                    .help("give its files (`DIR/*.txt`), or build the folder: `concord build DIR -o STORE --defaults kind=statement`"),
            );
            continue;
        }
        let format = match ingest::format_of(file) {
            Ok(f) => f,
            Err(e) => {
                problems.push(Problem::new(&shown, e.to_string()));
                continue;
            }
        };
        let bytes = match std::fs::read(file) {
            Ok(b) => b,
            Err(e) => {
                problems.push(Problem::new(&shown, e.to_string()));
                continue;
            }
        };
        if matches!(format, Format::Text | Format::Markdown) && has_front_matter(&bytes) {
            problems.push(
                Problem::new(
                    &shown,
                    "already a corpus document: it opens with `+++` front matter",
                )
                .help(format!(
                    "import it as it is: concord import {shown} --db STORE"
                )),
            );
            continue;
        }
        let extracted = match ingest::extract(format, &bytes) {
            Ok(e) => e,
            Err(e) => {
                problems.push(Problem::new(&shown, e.to_string()));
                continue;
            }
        };
        let mut given = wide.clone();
        if let Some(t) = &table {
            let (names, full) = t.names_of(file);
            match t.find(&names, &full).as_slice() {
                [i] => {
                    if let Some(other) = used_rows.get(i) {
                        problems.push(
                            Problem::new(
                                format!("{}:{}", t.name, t.rows[*i].line),
                                format!(
                                    "the row `{}` names both {other} and {shown}",
                                    t.rows[*i].file
                                ),
                            )
                            .help("name the file by its path relative to the table's folder"),
                        );
                        continue;
                    }
                    used_rows.insert(*i, shown.clone());
                    given = t.rows[*i].given.over(&wide);
                }
                [] => {
                    if !req.meta.defaults_given() {
                        problems.push(
                            Problem::new(&shown, format!("no row of {} names this file", t.name))
                                .help(format!("add a row `{}` (a path relative to the table's folder, or the file's name)", names.last().cloned().unwrap_or_default())),
                        );
                        continue;
                    }
                }
                many => {
                    let lines: Vec<String> =
                        many.iter().map(|i| t.rows[*i].line.to_string()).collect();
                    problems.push(Problem::new(
                        &shown,
                        format!(
                            "several rows of {} name this file (lines {})",
                            t.name,
                            lines.join(", ")
                        ),
                    ));
                    continue;
                }
            }
        }
        inputs.push(Input {
            name: shown,
            stem: file.file_stem().map(|s| s.to_string_lossy().into_owned()),
            store_path: Some(file.clone()),
            extracted,
            format,
            given,
        });
    }
    if let Some(t) = &table {
        for (i, row) in t.rows.iter().enumerate() {
            if !used_rows.contains_key(&i) {
                problems.push(
                    Problem::new(
                        format!("{}:{}", t.name, row.line),
                        format!("the row for `{}` names no file given", row.file),
                    )
                    .help("give the file on the command line too, or delete the row"),
                );
            }
        }
    }
    let made = finish(inputs, actors, req.meta.paragraphs, &mut problems);
    if problems.is_empty() {
        Ok(made)
    } else {
        Err(problems)
    }
}

/// Makes each input's document; an id given twice is a problem.
fn finish(
    inputs: Vec<Input>,
    actors: &Actors,
    mode: Paragraphs,
    problems: &mut Vec<Problem>,
) -> Vec<Made> {
    let mut made: Vec<Made> = Vec::new();
    let mut ids: HashMap<String, String> = HashMap::new();
    for input in inputs {
        let name = input.name.clone();
        let origin = input.given.id.as_ref().map(|(_, o)| o.to_string());
        if let Some(m) = make(input, actors, mode, problems) {
            if let Some(first) = ids.get(&m.id) {
                problems.push(
                    Problem::new(
                        origin.unwrap_or_else(|| name.clone()),
                        format!("the id `{}` is given twice: to {first} and to {name}", m.id),
                    )
                    .help("give one of them another id (--id, or the table's `id` column)"),
                );
                continue;
            }
            ids.insert(m.id.clone(), name);
            made.push(m);
        }
    }
    made
}

/// Whether a text file opens with a `+++` line (a BOM and blank space before it allowed).
pub fn has_front_matter(bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(bytes);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    text.lines().next().is_some_and(|l| l.trim_end() == "+++")
}

// ---------------------------------------------------------------------------------------
// `build` and `check` of plain files

/// The actors of a corpus folder's record files, read without validating them (the build
/// does that): `(id, name, aliases)`.
fn corpus_actors(files: &[SourceFile]) -> Vec<(String, String, Vec<String>)> {
    let mut out = Vec::new();
    for f in files {
        let value: Option<serde_json::Value> = if f.path.ends_with(".toml") {
            toml::from_str::<toml::Table>(&f.content)
                .ok()
                .and_then(|t| serde_json::to_value(t).ok())
        } else if f.path.ends_with(".json") {
            serde_json::from_str(&f.content).ok()
        } else {
            None
        };
        let Some(list) = value
            .as_ref()
            .and_then(|v| v.get("actor"))
            .and_then(|a| a.as_array())
        else {
            continue;
        };
        for a in list {
            let s = |k: &str| a.get(k).and_then(|v| v.as_str()).map(str::to_string);
            let (Some(id), Some(name)) = (s("id"), s("name")) else {
                continue;
            };
            let aliases = a
                .get("aliases")
                .and_then(|v| v.as_array())
                .map(|l| {
                    l.iter()
                        .filter_map(|x| x.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            out.push((id, name, aliases));
        }
    }
    out
}

/// Whether a file of a corpus folder is a README (never made a document).
fn is_readme(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let stem = name.split('.').next().unwrap_or(name);
    stem.eq_ignore_ascii_case("readme")
}

/// The files of a corpus folder with its plain files (`.md`/`.txt` without front matter,
/// except READMEs) made into documents by `args`: each replaced by its corpus text, under its
/// path plus `.md`. Files without front matter stay as they are when no option asks for
/// documents.
/// Also returns the documents made (their paths and ids; not their texts again).
pub fn plain_documents(
    files: Vec<SourceFile>,
    args: &MetaArgs,
) -> Result<(Vec<SourceFile>, Vec<Made>), Vec<Problem>> {
    if !args.given() {
        return Ok((files, Vec::new()));
    }
    let mut problems = Vec::new();
    let wide = command_wide(args, &mut problems);
    let table = args
        .meta
        .as_ref()
        .and_then(|t| read_table(t, &mut problems));
    let actors = Actors::from_records(corpus_actors(&files));
    let mut used: HashSet<usize> = HashSet::new();
    let mut out = Vec::new();
    let mut inputs = Vec::new();
    for f in files {
        let plain = (f.path.ends_with(".md") || f.path.ends_with(".txt"))
            && !has_front_matter(f.content.as_bytes());
        let in_table = table
            .as_ref()
            .map(|t| t.find(std::slice::from_ref(&f.path), &f.path));
        if !plain || (is_readme(&f.path) && in_table.as_ref().is_none_or(|r| r.is_empty())) {
            out.push(f);
            continue;
        }
        let mut given = wide.clone();
        if let (Some(t), Some(hits)) = (&table, &in_table) {
            match hits.as_slice() {
                [i] if used.contains(i) => {
                    problems.push(Problem::new(
                        format!("{}:{}", t.name, t.rows[*i].line),
                        format!("the row `{}` names more than one file; name it by its path in the folder", t.rows[*i].file),
                    ));
                    continue;
                }
                [i] => {
                    used.insert(*i);
                    given = t.rows[*i].given.over(&wide);
                }
                [] if !args.defaults_given() => {
                    problems.push(
                        Problem::new(&f.path, format!("no `+++` front matter, and no row of {} names this file", t.name))
                            .help(format!("add a row `{}` to the table, give --defaults kind=statement to make it a document all the same, or rename it `_…` to leave it out", f.path)),
                    );
                    continue;
                }
                [] => {}
                _ => {
                    problems.push(Problem::new(
                        &f.path,
                        format!("several rows of {} name this file", t.name),
                    ));
                    continue;
                }
            }
        }
        let format = if f.path.ends_with(".md") {
            Format::Markdown
        } else {
            Format::Text
        };
        let extracted = match ingest::extract(format, f.content.as_bytes()) {
            Ok(e) => e,
            Err(e) => {
                problems.push(
                    Problem::new(&f.path, e.to_string())
                        .help("fill it, or rename it `_…` to leave it out"),
                );
                continue;
            }
        };
        let stem = f.path.rsplit('/').next().unwrap_or(&f.path);
        let stem = stem.rsplit_once('.').map_or(stem, |(s, _)| s).to_string();
        inputs.push(Input {
            name: f.path.clone(),
            store_path: Some(PathBuf::from(&f.path)),
            stem: Some(stem),
            extracted,
            format,
            given,
        });
    }
    if let Some(t) = &table {
        for (i, row) in t.rows.iter().enumerate() {
            if !used.contains(&i) {
                problems.push(
                    Problem::new(format!("{}:{}", t.name, row.line), format!("the row for `{}` names no plain file of the folder", row.file))
                        .help("a row's `file` is the path in the folder (`Session 63 - 2008/QAT_63_2008.txt`) or a file name"),
                );
            }
        }
    }
    let made = finish(inputs, &actors, args.paragraphs, &mut problems);
    for m in &made {
        let path = slash_path(&m.path);
        if out.iter().any(|f| f.path == path) {
            problems.push(
                Problem::new(&path, format!("the document made of `{}` would be stored under this name, and a file of the folder has it", path.trim_end_matches(".md")))
                    .help("remove one of the two (a file `NAME.txt.md` is what `concord add --to` writes for `NAME.txt`)"),
            );
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut origins = Vec::new();
    for m in made {
        let path = slash_path(&m.path);
        out.push(SourceFile {
            path: path.clone(),
            content: m.text,
        });
        origins.push(Made {
            path: PathBuf::from(path),
            id: m.id,
            text: String::new(),
        });
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok((out, origins))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_of_file_names() {
        assert_eq!(slug("QAT_63_2008"), "qat-63-2008");
        assert_eq!(slug("  My Speech (final)!! "), "my-speech-final");
        assert_eq!(slug("Лавров 2022"), "лавров-2022");
        assert_eq!(slug("___"), "");
    }

    #[test]
    fn dates_get_a_suggestion() {
        assert!(date_help("2008/09/25").contains("`2008-09-25`"));
        assert!(date_help("25.09.2008").contains("`2008-09-25`"));
        assert!(date_help("03/02/2022").contains("`2022-02-03` or `2022-03-02`"));
        assert!(date_help("2022-02-30").contains("has 28 days"));
        assert!(date_help("yesterday").starts_with("a date is"));
    }

    #[test]
    fn lines_are_paragraphs_unless_wrapped() {
        let text = "First paragraph, long enough to be one on its own line and not a wrapped one at all, no, it is much longer than a wrapped line would be.\n\
                    2. Second one, numbered, and again long enough to be a paragraph on its own line in the source text.\n";
        assert_eq!(line_paragraphs(text).len(), 2);
        let wrapped = "We meet here\nin a year of\ntrouble and of hope.\n49. The delegation\nof Peru says so.\n";
        let p = line_paragraphs(wrapped);
        assert_eq!(p.len(), 2, "{p:?}");
        assert_eq!(p[0], "We meet here\nin a year of\ntrouble and of hope.");
    }

    #[test]
    fn notes_are_labelled_paragraphs() {
        let ex = Extracted {
            title: None,
            body: "Body.\n".into(),
            notes: vec!["A note.".into(), "Another\n\nnote.".into()],
        };
        assert_eq!(
            body_text(&ex, Format::Pdf, Paragraphs::Auto),
            "Body.\n\nA note.\n{#note-1}\n\nAnother\nnote.\n{#note-2}\n"
        );
    }
}
