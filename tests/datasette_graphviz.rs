//! The store in the tools people already use: Datasette serves it (a view and
//! a full-text search as JSON), and Graphviz draws the `dot` output of a saved
//! script. `.ci/run` installs both; on a machine without them these tests say
//! so and pass, except under CI (`CI` set), where a missing tool is a failure.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn tool(env: &str, name: &str) -> Option<PathBuf> {
    if let Some(p) = std::env::var_os(env) {
        return Some(PathBuf::from(p));
    }
    let venv = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target/ci-venv/bin")
        .join(name);
    if venv.exists() {
        return Some(venv);
    }
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {name}")])
        .output()
        .ok()?;
    found
        .status
        .success()
        .then(|| PathBuf::from(String::from_utf8_lossy(&found.stdout).trim()))
}

/// The tool, or `None` after saying why (a failure under CI).
fn require(env: &str, name: &str) -> Option<PathBuf> {
    let t = tool(env, name);
    if t.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "{name} is not installed, but CI must install it (.ci/run)"
        );
        eprintln!("note: {name} is not installed; run .ci/run to install it. Skipping.");
    }
    t
}

fn build_example(dir: &Path) -> PathBuf {
    let db = dir.join("osce.db");
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/osce");
    let st = Command::new(env!("CARGO_BIN_EXE_concord"))
        .args([
            "build",
            corpus.to_str().unwrap(),
            "-o",
            db.to_str().unwrap(),
        ])
        .output()
        .expect("concord runs");
    assert!(
        st.status.success(),
        "{}",
        String::from_utf8_lossy(&st.stderr)
    );
    db
}

/// A minimal HTTP/1.0 GET on 127.0.0.1; returns the body.
fn get(port: u16, path: &str) -> Option<String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    write!(s, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").ok()?;
    let mut text = String::new();
    s.read_to_string(&mut text).ok()?;
    let (head, body) = text.split_once("\r\n\r\n")?;
    head.starts_with("HTTP/1.1 200")
        .then(|| body.to_string())
        .or_else(|| head.starts_with("HTTP/1.0 200").then(|| body.to_string()))
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn datasette_serves_a_view_and_a_full_text_search_as_json() {
    let Some(datasette) = require("CONCORD_DATASETTE", "datasette") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let db = build_example(dir.path());
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(datasette)
        .args([
            "serve",
            db.to_str().unwrap(),
            "--host",
            "127.0.0.1",
            "--port",
            &port.to_string(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("datasette starts");
    let _server = Server(child);
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut view = None;
    while view.is_none() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(250));
        view = get(port, "/osce/v_citations.json?_shape=array&by=usa");
    }
    let view: serde_json::Value =
        serde_json::from_str(&view.expect("datasette answered within 60 s")).expect("JSON");
    let rows = view.as_array().expect("an array of rows");
    let targets: Vec<&str> = rows.iter().filter_map(|r| r["to"].as_str()).collect();
    assert_eq!(
        targets,
        ["freedom-of-alliance", "istanbul-charter#8.2"],
        "{view}"
    );
    assert!(rows.iter().all(|r| {
        r["source"]
            .as_str()
            .is_some_and(|s| s.starts_with("lavrov-"))
    }));

    let search = get(
        port,
        "/osce/clauses.json?_search=%22expense%20of%20the%20security%22&_shape=array",
    )
    .expect("search answers");
    let hits: serde_json::Value = serde_json::from_str(&search).expect("JSON");
    let texts: Vec<&str> = hits
        .as_array()
        .expect("rows")
        .iter()
        .filter_map(|r| r["text"].as_str())
        .collect();
    assert!(texts.contains(&"They will not strengthen their security at the expense of the security of other States."), "{texts:?}");
    assert!(
        texts.iter().all(|t| t.contains("expense of the security")),
        "{texts:?}"
    );
}

#[test]
fn graphviz_draws_the_dot_output_of_a_saved_script() {
    let Some(dot) = require("CONCORD_DOT", "dot") else {
        return;
    };
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/reaffirmations.cq");
    let first = std::fs::read_to_string(&script).unwrap();
    let query = first
        .lines()
        .find(|l| l.starts_with("documents reaffirming*"))
        .expect("the script's first query");
    let out = Command::new(env!("CARGO_BIN_EXE_concord"))
        .args(["-c", query, "--format", "dot"])
        .output()
        .expect("concord runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(
            "\"astana-declaration\" -> \"istanbul-charter\" [label=\"reaffirms\", style=dashed];"
        ),
        "{text}"
    );
    let mut child = Command::new(dot)
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let svg = child.wait_with_output().unwrap();
    assert!(
        svg.status.success(),
        "dot failed: {}",
        String::from_utf8_lossy(&svg.stderr)
    );
    let svg = String::from_utf8(svg.stdout).unwrap();
    assert!(
        svg.contains("<svg") && svg.contains("astana&#45;declaration"),
        "{}",
        &svg[..svg.len().min(400)]
    );
}
