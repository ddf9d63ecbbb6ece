//! Helpers shared by the integration tests: running the real `concord`
//! binary, laying out corpora in temporary folders, and reading stores back
//! with rusqlite.
#![allow(dead_code)]

pub mod pg;

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use rusqlite::types::Value;
use rusqlite::{Connection, OpenFlags};

/// The result of one run of the binary.
#[derive(Debug)]
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn ok(&self) -> bool {
        self.code == Some(0)
    }
}

/// A `Command` for the concord binary built by cargo for these tests.
pub fn concord() -> Command {
    Command::new(env!("CARGO_BIN_EXE_concord"))
}

/// Runs concord with `args` and waits for it.
pub fn run<I, S>(args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let out = concord().args(args).output().expect("run concord");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs `cmd` (a `concord()` command) with `stdin` written to its standard input
/// (none: no input), and waits for it.
pub fn run_with_stdin(cmd: &mut Command, stdin: Option<&str>) -> Run {
    use std::io::Write as _;
    use std::process::Stdio;
    let mut child = cmd
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run concord");
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(text.as_bytes())
            .expect("write stdin");
    }
    let out = child.wait_with_output().expect("wait for concord");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `concord build DIR -o OUT`.
pub fn build(dir: &Path, out: &Path) -> Run {
    run([
        OsStr::new("build"),
        dir.as_os_str(),
        OsStr::new("-o"),
        out.as_os_str(),
    ])
}

/// `concord check DIR`.
pub fn check(dir: &Path) -> Run {
    run([OsStr::new("check"), dir.as_os_str()])
}

/// `concord import FILE... --db DB`.
pub fn import(files: &[&Path], db: &Path) -> Run {
    let mut args: Vec<&OsStr> = vec![OsStr::new("import")];
    args.extend(files.iter().map(|f| f.as_os_str()));
    args.push(OsStr::new("--db"));
    args.push(db.as_os_str());
    run(args)
}

/// The example corpus shipped with the project.
pub fn example_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/osce")
}

/// Copies a folder recursively.
pub fn copy_dir(src: &Path, dst: &Path) {
    fs::create_dir_all(dst).unwrap();
    for entry in fs::read_dir(src).unwrap() {
        let entry = entry.unwrap();
        let to = dst.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &to);
        } else {
            fs::copy(entry.path(), &to).unwrap();
        }
    }
}

/// Writes `files` (relative path, bytes) under `dir`, creating folders.
pub fn write_files(dir: &Path, files: &[(&str, &[u8])]) {
    for (name, bytes) in files {
        let path = dir.join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
    }
}

/// The names in a folder, sorted.
pub fn list_dir(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Opens a store for reading (without ever writing to it).
pub fn open(db: &Path) -> Connection {
    assert!(db.exists(), "{} does not exist", db.display());
    Connection::open_with_flags(
        db,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .unwrap()
}

/// One integer from a query.
pub fn int(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0))
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// Every row of a query, each as a list of strings (NULL as "NULL").
pub fn rows(conn: &Connection, sql: &str) -> Vec<Vec<String>> {
    let mut st = conn.prepare(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
    let n = st.column_count();
    st.query_map([], |r| {
        (0..n)
            .map(|i| {
                Ok(match r.get::<_, Value>(i)? {
                    Value::Null => "NULL".to_string(),
                    Value::Integer(x) => x.to_string(),
                    Value::Real(x) => x.to_string(),
                    Value::Text(s) => s,
                    Value::Blob(b) => format!("{b:?}"),
                })
            })
            .collect()
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

/// The first column of every row of a query.
pub fn column(conn: &Connection, sql: &str) -> Vec<String> {
    rows(conn, sql)
        .into_iter()
        .map(|mut r| r.remove(0))
        .collect()
}

/// Every table of a store (including FTS shadow tables and statistics),
/// each dumped in primary-key order.
pub type Dump = BTreeMap<String, Vec<Vec<Value>>>;

pub fn dump(conn: &Connection) -> Dump {
    let tables: Vec<(String, String)> = conn
        .prepare(
            "SELECT name, coalesce(sql, '') FROM sqlite_master WHERE type = 'table' ORDER BY name",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut out = Dump::new();
    for (name, sql) in tables {
        let order = if sql.to_ascii_uppercase().contains("WITHOUT ROWID") {
            let mut pk: Vec<(i64, String)> = conn
                .prepare(&format!("PRAGMA table_info(\"{name}\")"))
                .unwrap()
                .query_map([], |r| Ok((r.get::<_, i64>(5)?, r.get::<_, String>(1)?)))
                .unwrap()
                .collect::<Result<Vec<_>, _>>()
                .unwrap()
                .into_iter()
                .filter(|(k, _)| *k > 0)
                .collect();
            pk.sort();
            pk.iter()
                .map(|(_, c)| format!("\"{c}\""))
                .collect::<Vec<_>>()
                .join(", ")
        } else {
            "rowid".to_string()
        };
        let sql = format!("SELECT * FROM \"{name}\" ORDER BY {order}");
        let mut st = conn.prepare(&sql).unwrap();
        let n = st.column_count();
        let rows: Vec<Vec<Value>> = st
            .query_map([], |r| (0..n).map(|i| r.get::<_, Value>(i)).collect())
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        out.insert(name, rows);
    }
    out
}

/// Dumps the store at `db` (opening and closing it).
pub fn dump_file(db: &Path) -> Dump {
    let conn = open(db);
    let d = dump(&conn);
    drop(conn);
    d
}

/// Row counts of the six record tables, in the order of the build summary:
/// documents, clauses, actors, principles, relations, citations.
/// Row counts of the records a corpus writes (citations: the curated ones;
/// those found in the text are counted apart).
pub fn record_counts(conn: &Connection) -> [i64; 6] {
    [
        "documents",
        "clauses",
        "actors",
        "principles",
        "relations",
        "citations WHERE method = 'curated'",
    ]
    .map(|t| int(conn, &format!("SELECT count(*) FROM {t}")))
}

/// A corpus laid out in a fresh temporary folder, with a separate empty
/// output folder beside it.
pub struct Scratch {
    pub tmp: tempfile::TempDir,
}

impl Scratch {
    pub fn new() -> Scratch {
        let tmp = tempfile::Builder::new()
            .prefix("concord-test-")
            .tempdir()
            .unwrap();
        fs::create_dir(tmp.path().join("corpus")).unwrap();
        fs::create_dir(tmp.path().join("out")).unwrap();
        Scratch { tmp }
    }

    /// A scratch folder whose corpus is a copy of the example corpus.
    pub fn with_example() -> Scratch {
        let s = Scratch::new();
        copy_dir(&example_dir(), &s.corpus());
        s
    }

    /// [`Scratch::with_example`], built into [`Scratch::db`].
    pub fn built_example() -> Scratch {
        let s = Scratch::with_example();
        let r = build(&s.corpus(), &s.db());
        assert!(r.ok(), "{r:?}");
        s
    }

    pub fn corpus(&self) -> PathBuf {
        self.tmp.path().join("corpus")
    }

    pub fn out(&self) -> PathBuf {
        self.tmp.path().join("out")
    }

    pub fn db(&self) -> PathBuf {
        self.out().join("osce.db")
    }
}

/// Runs `query` on `db` (values passed as `--param NAME=VALUE`) and returns
/// its CSV rows, the header left out; fails the test if concord does.
pub fn query_csv(db: &Path, query: &str, params: &[(&str, &str)]) -> Vec<Vec<String>> {
    let mut args: Vec<std::ffi::OsString> = vec![db.into(), "--format".into(), "csv".into()];
    for (k, v) in params {
        args.push("--param".into());
        args.push(format!("{k}={v}").into());
    }
    args.push("-c".into());
    args.push(query.into());
    let r = run(&args);
    assert!(r.ok(), "{query}: {r:?}");
    csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(r.stdout.as_bytes())
        .records()
        .map(|rec| rec.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// Writes `statements/ID.txt` into the corpus of `s`: a statement dated
/// `date`, by `authors` (a TOML list; no `authors` key when `None`), whose one
/// paragraph names paragraph 8 of the Istanbul Charter and indivisible
/// security, so that the finder cites a clause and a principle from it.
pub fn statement_citing_paragraph_8(
    s: &Scratch,
    id: &str,
    date: &str,
    authors: Option<&str>,
) -> PathBuf {
    let file = s.corpus().join(format!("statements/{id}.txt"));
    let authors = authors.map_or(String::new(), |a| format!("authors = {a}\n"));
    fs::write(
        &file,
        format!(
            "+++\nid = \"{id}\"\ntitle = \"Statement {id}\"\nkind = \"statement\"\n\
             date = {date}\n{authors}+++\n\
             1. Paragraph 8 of the Istanbul Charter speaks of indivisible security.\n"
        ),
    )
    .unwrap();
    file
}

/// Writes `zz-citations.toml` into the corpus of `s`: one curated citation
/// of `istanbul-charter#8` from the whole document `from`, made by `by` (a
/// TOML list).
pub fn citation_of_paragraph_8(s: &Scratch, from: &str, by: &str) -> PathBuf {
    let file = s.corpus().join("zz-citations.toml");
    fs::write(
        &file,
        format!(
            "[[citation]]\nfrom = \"{from}\"\nto = \"istanbul-charter#8\"\n\
             by = {by}\nstance = \"invokes\"\n"
        ),
    )
    .unwrap();
    file
}

/// A store built from `concord gen --documents N` (the default seed), in `s`.
pub fn generated_store(s: &Scratch, documents: u32) -> PathBuf {
    let corpus = s.corpus();
    let r = run([
        "gen".as_ref(),
        "--documents".as_ref(),
        documents.to_string().as_ref(),
        "-o".as_ref(),
        corpus.as_os_str(),
    ]);
    assert!(r.ok(), "concord gen: {r:?}");
    let db = s.out().join("generated.db");
    let r = build(&corpus, &db);
    assert!(r.ok(), "concord build: {r:?}");
    db
}

/// The 28 open treaties, kept in the repository (`tests/data/open-treaties`, CC0).
pub fn open_treaties_data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/open-treaties")
}

/// The 28 open treaties as a corpus folder `out`, written by
/// `examples/open-treaties/convert.py`.
pub fn convert_open_treaties(out: &Path) {
    convert(
        "examples/open-treaties/convert.py",
        &open_treaties_data(),
        out,
    );
}

/// Runs the converter `script` (a path in the repository) on `input`, writing the corpus
/// folder `out`.
pub fn convert(script: &str, input: &Path, out: &Path) {
    let convert = Path::new(env!("CARGO_MANIFEST_DIR")).join(script);
    let r = Command::new("python3")
        .arg(&convert)
        .arg(input)
        .arg(out)
        .output()
        .expect("python3 runs");
    assert!(
        r.status.success(),
        "{script} failed: {}",
        String::from_utf8_lossy(&r.stderr)
    );
}
