//! The library API the REPL, scripts and `concord query` call: a store, its
//! catalog, and the session's parameters and `let` sets.
//!
//! In: statement text. Out: SQL ready to run (a [`Prepared`] statement), or
//! diagnostics with spans into that text. The catalog is loaded once per
//! store and reloaded when the store file changes on disk.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::diag::Diagnostic;
use crate::resolve::{self, Catalog, Env, ResolveError, plan::Set};
use crate::sql::{self, Sql};
use crate::store::{Card, Store, StoreError};
use crate::syntax::{self, Statement, StatementKind, ast};

/// A statement ready to run.
#[derive(Debug, Clone)]
pub enum Prepared {
    /// Rows to stream; `plan` gives what else an output needs (the graph).
    Query {
        sql: Sql,
        set: Set,
        plan: resolve::Plan,
    },
    /// `explain`: the SQL, its parameters, and SQLite's plan.
    Explain { sql: Sql, plan: Vec<String> },
    /// `show`: one thing in full.
    Show(Card),
    /// `let NAME = QUERY` was recorded.
    Let(String),
}

/// An open store with its catalog and session state.
pub struct Engine {
    store: Store,
    catalog: Catalog,
    /// Parameters (`--param`, `.param set`) and `let` sets of this session.
    pub env: Env,
    stamp: Option<Stamp>,
}

/// Identifies a version of a store file: `concord import` replaces the file.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Stamp {
    modified: Option<SystemTime>,
    len: u64,
    inode: u64,
}

fn stamp(path: &Path) -> Option<Stamp> {
    let m = std::fs::metadata(path).ok()?;
    #[cfg(unix)]
    let inode = std::os::unix::fs::MetadataExt::ino(&m);
    #[cfg(not(unix))]
    let inode = 0;
    Some(Stamp {
        modified: m.modified().ok(),
        len: m.len(),
        inode,
    })
}

impl Engine {
    /// Opens the store file at `path` (read-only).
    pub fn open(path: &Path) -> Result<Engine, StoreError> {
        let store = Store::open(path)?;
        let mut e = Engine::new(store)?;
        e.stamp = stamp(path);
        Ok(e)
    }

    /// Wraps an open store.
    pub fn new(store: Store) -> Result<Engine, StoreError> {
        let catalog = store.catalog()?;
        Ok(Engine {
            store,
            catalog,
            env: Env::default(),
            stamp: None,
        })
    }

    /// The built-in example: the OSCE corpus compiled into the binary, built in memory.
    pub fn example() -> Result<Engine, String> {
        let files = crate::example::files();
        let corpus = crate::corpus::load(files)
            .map_err(|e| format!("the built-in example is invalid: {} problem(s)", e.len()))?;
        let (conn, _) = crate::store::build_in_memory(&corpus).map_err(|e| e.to_string())?;
        let store =
            Store::from_connection(conn, "(built-in example)").map_err(|e| e.to_string())?;
        Engine::new(store).map_err(|e| e.to_string())
    }

    /// The open store.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The catalog of names.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// Reopens the store when its file was replaced (by `concord import` or
    /// `build`); returns whether it did.
    pub fn refresh(&mut self) -> Result<bool, StoreError> {
        let Some(old) = &self.stamp else {
            return Ok(false);
        };
        let path: PathBuf = self.store.path().to_path_buf();
        let now = stamp(&path);
        if now.as_ref() == Some(old) {
            return Ok(false);
        }
        let store = Store::open(&path)?;
        self.catalog = store.catalog()?;
        self.store = store;
        self.stamp = now;
        Ok(true)
    }

    /// Parses a script into statements, or every syntax error.
    pub fn parse(src: &str) -> Result<Vec<Statement>, Vec<Diagnostic>> {
        syntax::parse_script(src)
            .map(|s| s.statements)
            .map_err(|errs| errs.iter().map(Diagnostic::from).collect())
    }

    /// Compiles one query (text) to SQL: parse, resolve, generate.
    pub fn compile(&self, src: &str) -> Result<Sql, Vec<Diagnostic>> {
        let q = syntax::parse_query(src)
            .map_err(|errs| errs.iter().map(Diagnostic::from).collect::<Vec<_>>())?;
        let plan =
            resolve::resolve(&q, &self.catalog, &self.store, &self.env).map_err(diagnostics)?;
        Ok(sql::generate(&plan))
    }

    /// Resolves and prepares one parsed statement.
    pub fn prepare(&mut self, stmt: &Statement) -> Result<Prepared, Vec<Diagnostic>> {
        match &stmt.kind {
            StatementKind::Query(q) => {
                let plan = self.plan(q)?;
                Ok(Prepared::Query {
                    set: plan.set,
                    sql: sql::generate(&plan),
                    plan,
                })
            }
            StatementKind::Explain(q) => {
                let sql = sql::generate(&self.plan(q)?);
                let plan = self
                    .store
                    .query_plan(&sql)
                    .map_err(|e| vec![Diagnostic::new(e.to_string(), q.span)])?;
                Ok(Prepared::Explain { sql, plan })
            }
            StatementKind::Let { name, query } => {
                self.plan(query)?;
                self.env.lets.insert(name.name.clone(), query.clone());
                Ok(Prepared::Let(name.name.clone()))
            }
            StatementKind::Show(target) => {
                let thing = resolve::resolve_show(target, &self.catalog, &self.store, &self.env)
                    .map_err(diagnostics)?;
                let card = self
                    .store
                    .card(&thing)
                    .map_err(|e| vec![Diagnostic::new(e.to_string(), target.span())])?;
                Ok(Prepared::Show(card))
            }
        }
    }

    fn plan(&self, q: &ast::Query) -> Result<resolve::Plan, Vec<Diagnostic>> {
        resolve::resolve(q, &self.catalog, &self.store, &self.env).map_err(diagnostics)
    }
}

fn diagnostics(errs: Vec<ResolveError>) -> Vec<Diagnostic> {
    errs.into_iter().map(Diagnostic::from).collect()
}

impl From<ResolveError> for Diagnostic {
    fn from(e: ResolveError) -> Diagnostic {
        let mut d = Diagnostic::new(e.message, e.span);
        if let Some(l) = e.label {
            d = d.with_label(l);
        }
        for n in e.notes {
            d = d.with_note(n);
        }
        d
    }
}
