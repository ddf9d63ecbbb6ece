//! Command-line arguments and dispatch.

mod add;
mod corpus;
mod help;
mod repl;
mod run;
mod verify;

use std::io::{IsTerminal, Read};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use concord::engine::Engine;
use concord::render::Format;

use run::{Settings, Status};

#[derive(Parser)]
#[command(
    name = "concord",
    version,
    about = "A citator for treaties, charters and political statements",
    long_about = "A citator for treaties, charters and political statements.\n\n\
                  With no arguments, runs on the built-in example corpus (the OSCE article).\n\
                  `concord FILE.db` opens a store, `concord postgres://host/desk` a store in\n\
                  PostgreSQL (or set CONCORD_DB); `concord -c QUERY` runs statements and exits;\n\
                  statements piped on standard input are run one after another.",
    args_conflicts_with_subcommands = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// A store built with `concord build`: a file, or a `postgres://` URL (default:
    /// $CONCORD_DB, else the built-in example).
    #[arg(value_name = "FILE.db")]
    db: Option<PathBuf>,
    /// The store, as the subcommands spell it (`concord -c QUERY --db FILE.db`); the same as
    /// giving FILE.db.
    #[arg(long = "db", value_name = "FILE.db", conflicts_with = "db")]
    db_flag: Option<PathBuf>,
    /// Run these statements and exit.
    #[arg(
        short = 'c',
        long = "command",
        value_name = "QUERY",
        allow_hyphen_values = true
    )]
    command_text: Option<String>,
    #[command(flatten)]
    output: OutputArgs,
}

/// Options of everything that runs statements: the top level (`-c`, piped input, the shell),
/// `query` and `run`. Each subcommand flattens only the options it uses, so that its `--help`
/// lists no option that would do nothing.
#[derive(clap::Args, Clone)]
struct OutputArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
    /// Set a parameter: `--param actor=lavrov` makes `$actor` stand for `lavrov`.
    #[arg(long = "param", value_name = "NAME=VALUE")]
    params: Vec<String>,
    /// Stop at the first statement that fails.
    #[arg(long)]
    bail: bool,
    /// When to colour diagnostics and tables.
    #[arg(long, value_enum, default_value = "auto")]
    color: Color,
    /// Rows a table shows at most (0: no cap). Default: 40 on a terminal, no cap when the
    /// output goes to a file or a pipe.
    #[arg(long, value_name = "N")]
    maxrows: Option<usize>,
    /// Wrap long text inside its table cell instead of cutting it with `…`.
    #[arg(long)]
    wrap: bool,
}

/// The output options of `verify`.
#[derive(clap::Args, Clone)]
struct VerifyArgs {
    /// Output format: `table` prints the report as text; the others write one row per
    /// citation found (line, column, method, verdict, target, quoted, source, diff).
    #[arg(long, value_enum, default_value = "table")]
    format: VerifyFormat,
    /// When to colour the report's verdicts and changed words (text output only).
    #[arg(long, value_enum, default_value = "auto")]
    color: Color,
}

/// The formats `verify` writes: every row format (`dot` draws a query's graph, and a draft
/// has none).
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum VerifyFormat {
    Table,
    Csv,
    Tsv,
    Json,
    Jsonl,
    Markdown,
}

impl VerifyFormat {
    fn format(self) -> Format {
        match self {
            VerifyFormat::Table => Format::Table,
            VerifyFormat::Csv => Format::Csv,
            VerifyFormat::Tsv => Format::Tsv,
            VerifyFormat::Json => Format::Json,
            VerifyFormat::Jsonl => Format::Jsonl,
            VerifyFormat::Markdown => Format::Markdown,
        }
    }
}

/// `--color` on a subcommand that colours nothing: accepted, so that scripts passing it to
/// every concord command keep working, and left out of `--help`.
#[derive(clap::Args, Clone)]
struct Uncoloured {
    #[arg(long = "color", value_enum, hide = true)]
    _color: Option<Color>,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Subcommand)]
enum Command {
    /// Build a store from a corpus folder (atomically replaces FILE.db).
    Build {
        /// The corpus folder.
        dir: PathBuf,
        /// The store to write.
        #[arg(short, long, value_name = "FILE.db")]
        output: PathBuf,
        /// Plain files (`.md`/`.txt` without front matter) become documents when any of
        /// these is given: `--defaults kind=statement`, `--meta TABLE.csv`, `--author`, ...
        #[command(flatten)]
        meta: add::MetaArgs,
        #[command(flatten)]
        uncoloured: Uncoloured,
    },
    /// Add documents that have no front matter (plain text, Markdown, HTML, PDF) to a store,
    /// their metadata given by options or a table.
    Add {
        /// The files (.txt, .md, .html, .htm, .pdf); `-` reads plain text from standard input.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The store to add them to (its actors are the authors one may name).
        #[arg(long, value_name = "FILE.db", env = "CONCORD_DB")]
        db: PathBuf,
        /// The document's id (default: a slug of the file name, `QAT_63_2008.txt` →
        /// `qat-63-2008`).
        #[arg(long, value_name = "ID")]
        id: Option<String>,
        /// The document's title (default: the file's own: its first line or heading, an HTML
        /// page's title).
        #[arg(long, value_name = "TITLE")]
        title: Option<String>,
        #[command(flatten)]
        meta: add::MetaArgs,
        /// Write the corpus files into this folder (`NAME.md` for each file) instead of
        /// importing them, to keep them with the corpus.
        #[arg(long, value_name = "DIR")]
        to: Option<PathBuf>,
        #[command(flatten)]
        uncoloured: Uncoloured,
    },
    /// Add or replace corpus files in an existing store.
    Import {
        /// Corpus files (.toml, .json, .md, .txt).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The store to change.
        #[arg(long, value_name = "FILE.db", env = "CONCORD_DB")]
        db: PathBuf,
        #[command(flatten)]
        uncoloured: Uncoloured,
    },
    /// Copy a store into an empty PostgreSQL database (`concord copy osce.db
    /// postgres://host/desk`), or out of one into a file (`concord copy postgres://host/desk
    /// local.db`), in one transaction.
    Copy {
        /// The store to copy: a file, or `postgres://[user[:password]@]host[:port]/name`
        /// (concord never prints the password).
        from: String,
        /// Where to: a database URL (an empty database), or a file (created, or a store it
        /// replaces).
        to: String,
    },
    /// Validate a corpus folder without writing anything, or (`--db`) verify a store.
    Check {
        /// The corpus folder.
        #[arg(required_unless_present = "db", conflicts_with = "db")]
        dir: Option<PathBuf>,
        /// Verify this store instead: SQLite's integrity and foreign-key checks, the
        /// full-text index, and concord's own summaries and derived tables. Exits 1
        /// when anything is wrong.
        #[arg(long, value_name = "FILE.db")]
        db: Option<PathBuf>,
        /// As for `build`: plain files become documents.
        #[command(flatten)]
        meta: add::MetaArgs,
        #[command(flatten)]
        uncoloured: Uncoloured,
    },
    /// Run statements given on the command line.
    Query {
        /// One or more statements (`;`-separated).
        query: String,
        /// The store (default: the built-in example).
        #[arg(long, value_name = "FILE.db", env = "CONCORD_DB")]
        db: Option<PathBuf>,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Write a synthetic corpus (for benchmarks): deterministic for a seed.
    Gen {
        /// Documents to write.
        #[arg(long, default_value_t = 100)]
        documents: usize,
        /// Random seed.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Average paragraphs per statement.
        #[arg(long, default_value_t = 20)]
        paragraphs: usize,
        /// Make every treaty reaffirm the one before it (one long chain).
        #[arg(long)]
        chain: bool,
        /// Citing sentences drawn per paragraph (each a quotation, a named
        /// treaty, a principle or none; about 0.7 found citations a draw).
        #[arg(long, default_value_t = 1)]
        mentions: usize,
        /// The folder to write (new or empty).
        #[arg(short, long, value_name = "DIR")]
        output: PathBuf,
        /// Write into a folder that already holds files.
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        uncoloured: Uncoloured,
    },
    /// Check a draft's citations and quotations against a store (without importing it).
    /// Exits 1 if a quotation is altered or has no source.
    Verify {
        /// The draft: plain text or Markdown, with or without `+++` front matter.
        file: PathBuf,
        /// The store (default: the built-in example).
        #[arg(long, value_name = "FILE.db", env = "CONCORD_DB")]
        db: Option<PathBuf>,
        /// The draft's date (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`), when its front matter gives
        /// none: no quotation is credited to a text dated after it, and an amended clause is
        /// read as worded then.
        #[arg(long, value_name = "DATE")]
        date: Option<String>,
        #[command(flatten)]
        output: VerifyArgs,
    },
    /// Write shell completions for concord to standard output.
    Completions {
        /// The shell: bash, zsh, fish, elvish or powershell.
        shell: clap_complete::Shell,
        #[command(flatten)]
        uncoloured: Uncoloured,
    },
    /// Run a script of statements.
    Run {
        /// The script (`.cq`); `-` reads standard input.
        script: PathBuf,
        /// The store (default: the built-in example).
        #[arg(long, value_name = "FILE.db", env = "CONCORD_DB")]
        db: Option<PathBuf>,
        #[command(flatten)]
        output: OutputArgs,
    },
}

/// Exit codes: 0 success, 1 a statement failed, 2 usage, 130 interrupted.
fn exit(status: Status) -> ExitCode {
    match status {
        Status::Ok => ExitCode::SUCCESS,
        Status::Failed => ExitCode::from(1),
        Status::Interrupted => ExitCode::from(130),
    }
}

pub fn main() -> ExitCode {
    let mut cli = Cli::parse();
    if cli.db.is_none() {
        cli.db = cli.db_flag.take().or_else(|| {
            std::env::var_os("CONCORD_DB")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        });
    }
    let o = cli.output;
    match cli.command {
        Some(Command::Build {
            dir, output, meta, ..
        }) => corpus::build(&dir, &output, &meta),
        Some(Command::Import { files, db, .. }) => corpus::import(&files, &db),
        Some(Command::Add {
            files,
            db,
            id,
            title,
            meta,
            to,
            ..
        }) => corpus::add(
            &add::AddRequest {
                files: &files,
                id,
                title,
                meta: &meta,
            },
            &db,
            to.as_deref(),
        ),
        Some(Command::Copy { from, to }) => copy(&from, &to),
        Some(Command::Check { dir, db, meta, .. }) => match (dir, db) {
            (_, Some(_)) if meta.given() => {
                eprintln!(
                    "error: `--db` verifies a built store; the options for plain files (`--defaults`, `--meta`, `--author`, ...) are for checking a corpus folder: `concord check DIR --defaults kind=statement`"
                );
                ExitCode::from(2)
            }
            (_, Some(db)) => corpus::check_store(&db),
            (Some(dir), None) => corpus::check(&dir, &meta),
            (None, None) => ExitCode::from(2), // clap requires one
        },
        Some(Command::Query { query, db, output }) => statements(db, &output, &query, None),
        Some(Command::Run { script, db, output }) => script_file(db, &output, &script),
        Some(Command::Verify {
            file,
            db,
            date,
            output,
        }) => {
            let color = wants_color(output.color) && std::io::stdout().is_terminal();
            verify::verify(&file, db, date.as_deref(), output.format.format(), color)
        }
        Some(Command::Completions { shell, .. }) => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut cmd, "concord", &mut std::io::stdout());
            ExitCode::SUCCESS
        }
        Some(Command::Gen {
            documents,
            seed,
            paragraphs,
            chain,
            mentions,
            output,
            force,
            ..
        }) => {
            let spec = concord::synth::Spec {
                documents,
                seed,
                paragraphs,
                chain,
                mentions,
            };
            if let Err(e) = spec.check() {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
            // A folder with files in it may be someone's corpus: never written over unasked.
            let occupied = std::fs::read_dir(&output).is_ok_and(|mut d| d.next().is_some());
            if occupied && !force {
                eprintln!(
                    "error: {} is not empty: `concord gen` writes a whole corpus there\n  = help: give a new or empty folder, or `--force` to write into this one (files of the same names are replaced)",
                    output.display()
                );
                return ExitCode::from(1);
            }
            if output.exists() && !output.is_dir() {
                eprintln!("error: {} is not a folder", output.display());
                return ExitCode::from(1);
            }
            match concord::synth::generate(&spec, &output) {
                Ok(g) => {
                    eprintln!(
                        "wrote {}: {} files, {} documents, {} clauses, {} curated citations, {:.1} MB",
                        output.display(),
                        g.files,
                        g.documents,
                        g.clauses,
                        g.citations,
                        g.bytes as f64 / 1e6
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: {}: {e}", output.display());
                    ExitCode::from(1)
                }
            }
        }
        None => match cli.command_text {
            Some(text) => statements(cli.db, &o, &text, None),
            None if !std::io::stdin().is_terminal() => {
                let mut text = String::new();
                if let Err(e) = std::io::stdin().read_to_string(&mut text) {
                    eprintln!("error: cannot read standard input: {e}");
                    return ExitCode::from(2);
                }
                let text = without_bom(&text);
                if has_dot_commands(text) {
                    return repl::script(cli.db, &o, text, "<stdin>");
                }
                statements(cli.db, &o, text, Some("<stdin>"))
            }
            None => repl::main(cli.db, &o),
        },
    }
}

/// Whether a script has dot-commands (`.format csv`) on lines of their own, outside strings
/// and comments.
fn has_dot_commands(text: &str) -> bool {
    concord::syntax::split_dot_commands(text)
        .iter()
        .any(|p| matches!(p, concord::syntax::ScriptPiece::Dot(_)))
}

/// A script without the UTF-8 byte order mark some editors put at its start.
fn without_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

fn open(db: Option<PathBuf>, o: &OutputArgs) -> Result<Engine, ExitCode> {
    let mut engine = match db {
        Some(path) => Engine::open(&path).map_err(|e| {
            eprintln!("error: {e}");
            ExitCode::from(1)
        })?,
        None => Engine::example().map_err(|e| {
            eprintln!("error: {e}");
            ExitCode::from(1)
        })?,
    };
    for p in &o.params {
        let Some((k, v)) = p.split_once('=') else {
            eprintln!("error: `--param {p}`: write NAME=VALUE");
            return Err(ExitCode::from(2));
        };
        engine
            .env
            .params
            .insert(k.trim().trim_start_matches('$').to_string(), v.to_string());
    }
    Ok(engine)
}

/// Whether `--color` asks for colour (`auto`: when stderr is a terminal and `NO_COLOR` is unset).
fn wants_color(c: Color) -> bool {
    match c {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    }
}

fn settings(o: &OutputArgs, stdout_is_terminal: bool) -> Settings {
    let color = wants_color(o.color);
    let mut s = Settings {
        format: o.format,
        bail: o.bail,
        color,
        ..Settings::default()
    };
    s.table.max_rows = o.maxrows.unwrap_or(if stdout_is_terminal { 40 } else { 0 });
    s.table.color = color && stdout_is_terminal;
    s.table.wrap = o.wrap;
    if stdout_is_terminal {
        s.table.width = Some(terminal_width());
    }
    s
}

/// The width of the terminal stdout is: as the terminal says, else `COLUMNS`, else 100.
fn terminal_width() -> u16 {
    match terminal_size::terminal_size_of(std::io::stdout()) {
        Some((terminal_size::Width(w), _)) if w > 0 => w,
        _ => std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.trim().parse().ok())
            .filter(|&w: &u16| w > 0)
            .unwrap_or(100),
    }
}

fn statements(db: Option<PathBuf>, o: &OutputArgs, text: &str, origin: Option<&str>) -> ExitCode {
    let mut engine = match open(db, o) {
        Ok(e) => e,
        Err(code) => return code,
    };
    let s = settings(o, std::io::stdout().is_terminal());
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let status = run::run_text(
        &mut engine,
        text,
        origin,
        &s,
        &mut out,
        &mut std::io::stderr(),
    );
    drop(out);
    exit(status)
}

fn script_file(db: Option<PathBuf>, o: &OutputArgs, path: &std::path::Path) -> ExitCode {
    let text = if path.as_os_str() == "-" {
        let mut t = String::new();
        std::io::stdin().read_to_string(&mut t).map(|_| t)
    } else {
        std::fs::read_to_string(path)
    };
    match text {
        Ok(t) if has_dot_commands(without_bom(&t)) => {
            repl::script(db, o, without_bom(&t), &path.display().to_string())
        }
        Ok(t) => statements(db, o, without_bom(&t), Some(&path.display().to_string())),
        Err(e) => {
            eprintln!("error: {}: {e}", path.display());
            ExitCode::from(1)
        }
    }
}

/// `concord copy FROM TO`.
fn copy(from: &str, to: &str) -> ExitCode {
    use concord::store::{StoreError, display_name, postgres};
    match postgres::copy(from, to) {
        Ok(s) => {
            eprintln!(
                "copied {} to {}: {} tables, {} rows in {:.2} s",
                display_name(std::path::Path::new(from)),
                display_name(std::path::Path::new(to)),
                s.tables,
                s.rows,
                s.seconds
            );
            ExitCode::SUCCESS
        }
        Err(e @ StoreError::Usage(_)) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
