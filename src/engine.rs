//! The library API the REPL, scripts and `concord query` call: a store, its
//! catalog, and the session's parameters and `let` sets.
//!
//! In: statement text. Out: SQL ready to run (a [`Prepared`] statement), or
//! diagnostics with spans into that text. A statement is resolved against
//! the part of the catalog its names denote (read through indexes, so a
//! query on a store of a million clauses starts as fast as on a small one);
//! the whole catalog is loaded only when a statement fails that way (for its
//! "did you mean"), or for completion, once per store and again when the
//! store file changes on disk.

use std::cell::OnceCell;
use std::path::Path;

use crate::diag::Diagnostic;
use crate::resolve::{self, Catalog, Env, ResolveError, names, plan::Set};
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
        plan: Box<resolve::Plan>,
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
    /// The whole catalog, once something needed it.
    catalog: OnceCell<Catalog>,
    /// Parameters (`--param`, `.param set`) and `let` sets of this session.
    pub env: Env,
    /// The store's version when opened ([`Store::stamp`]).
    stamp: Option<String>,
}

impl Engine {
    /// Opens the store at `path`, a file or a `postgres://` URL (read-only).
    pub fn open(path: &Path) -> Result<Engine, StoreError> {
        let store = Store::open(path)?;
        let mut e = Engine::new(store)?;
        e.stamp = e.store.stamp();
        Ok(e)
    }

    /// Wraps an open store.
    pub fn new(store: Store) -> Result<Engine, StoreError> {
        Ok(Engine {
            store,
            catalog: OnceCell::new(),
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

    /// The whole catalog of names, loaded on first use (an empty one if the
    /// store cannot be read; see [`Engine::load_catalog`]).
    pub fn catalog(&self) -> &Catalog {
        self.catalog
            .get_or_init(|| self.store.catalog().unwrap_or_default())
    }

    /// Loads the whole catalog now, saying why when it cannot.
    pub fn load_catalog(&self) -> Result<&Catalog, StoreError> {
        if let Some(c) = self.catalog.get() {
            return Ok(c);
        }
        let c = self.store.catalog()?;
        Ok(self.catalog.get_or_init(|| c))
    }

    /// Resolves with the part of the catalog that `names` denote, else (when
    /// that fails: an unknown name, say, whose suggestions need every name)
    /// with the whole catalog, whose errors are the ones reported.
    fn resolving<T>(
        &self,
        names: impl FnOnce() -> Vec<String>,
        resolve: impl Fn(&Catalog) -> Result<T, Vec<ResolveError>>,
        span: syntax::ast::Span,
    ) -> Result<T, Vec<Diagnostic>> {
        if self.catalog.get().is_none()
            && let Ok(part) = self.store.catalog_of_names(&names())
            && let Ok(done) = resolve(&part)
        {
            return Ok(done);
        }
        let catalog = self
            .load_catalog()
            .map_err(|e| vec![Diagnostic::new(e.to_string(), span)])?;
        resolve(catalog).map_err(diagnostics)
    }

    /// Reopens the store when it changed (by `concord import` or `build`); returns whether
    /// it did.
    pub fn refresh(&mut self) -> Result<bool, StoreError> {
        let Some(old) = &self.stamp else {
            return Ok(false);
        };
        let now = self.store.stamp();
        if now.as_ref() == Some(old) {
            return Ok(false);
        }
        let store = self.store.reopen()?;
        self.catalog = OnceCell::new();
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

    /// Compiles one query (text) to SQL for the store's engine: parse, resolve, generate.
    pub fn compile(&self, src: &str) -> Result<Sql, Vec<Diagnostic>> {
        self.compile_for(src, self.store.dialect())
    }

    /// Compiles one query for `dialect` (resolved against this store's catalog).
    pub fn compile_for(
        &self,
        src: &str,
        dialect: sql::print::Dialect,
    ) -> Result<Sql, Vec<Diagnostic>> {
        let q = syntax::parse_query(src)
            .map_err(|errs| errs.iter().map(Diagnostic::from).collect::<Vec<_>>())?;
        let plan = self.plan(&q)?;
        Ok(sql::generate_for(&plan, dialect))
    }

    /// Resolves and prepares one parsed statement.
    pub fn prepare(&mut self, stmt: &Statement) -> Result<Prepared, Vec<Diagnostic>> {
        match &stmt.kind {
            StatementKind::Query(q) => {
                let plan = self.plan(q)?;
                Ok(Prepared::Query {
                    set: plan.set,
                    sql: sql::generate_for(&plan, self.store.dialect()),
                    plan: Box::new(plan),
                })
            }
            StatementKind::Explain(q) => {
                let sql = sql::generate_for(&self.plan(q)?, self.store.dialect());
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
            StatementKind::Compare { actors, within } => {
                let all: Vec<&syntax::ast::Target> =
                    actors.iter().chain(std::iter::once(within)).collect();
                let plan = self.resolving(
                    || names::in_targets(&all, &self.env),
                    |c| resolve::resolve_compare(actors, within, c, &self.store, &self.env),
                    stmt.span,
                )?;
                Ok(Prepared::Query {
                    set: plan.set,
                    sql: sql::generate_for(&plan, self.store.dialect()),
                    plan: Box::new(plan),
                })
            }
            StatementKind::Show(target) => {
                let thing = self.resolving(
                    || names::in_target(target, &self.env),
                    |c| resolve::resolve_show(target, c, &self.store, &self.env),
                    target.span(),
                )?;
                let card = self
                    .store
                    .card(&thing)
                    .map_err(|e| vec![Diagnostic::new(e.to_string(), target.span())])?;
                Ok(Prepared::Show(card))
            }
        }
    }

    fn plan(&self, q: &ast::Query) -> Result<resolve::Plan, Vec<Diagnostic>> {
        self.resolving(
            || names::in_query(q, &self.env),
            |c| resolve::resolve(q, c, &self.store, &self.env),
            q.span,
        )
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Every query of the golden suite compiles to the same SQL whether it is
    /// resolved with only the names it uses or with the whole catalog, and a
    /// query that resolves never loads the whole catalog.
    #[test]
    fn the_names_of_a_query_resolve_it_as_the_whole_catalog_does() {
        let mut lazy = Engine::example().expect("the example builds");
        let full = Engine::example().expect("the example builds");
        full.load_catalog().expect("the catalog loads");
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/queries/osce");
        let mut compiled = 0;
        for entry in std::fs::read_dir(dir).expect("the golden queries") {
            let path = entry.expect("an entry").path();
            if path.extension().is_none_or(|e| e != "cq") {
                continue;
            }
            let src = std::fs::read_to_string(&path).expect("a query");
            let Ok(q) = syntax::parse_query(&src) else {
                continue; // scripts, explain, show, let: not single queries
            };
            let a = lazy.plan(&q).map(|p| sql::generate(&p));
            let b = full.plan(&q).map(|p| sql::generate(&p));
            match (&a, &b) {
                (Ok(a), Ok(b)) => {
                    assert_eq!(a, b, "{}", path.display());
                    compiled += 1;
                }
                (Err(a), Err(b)) => {
                    assert_eq!(format!("{a:?}"), format!("{b:?}"), "{}", path.display())
                }
                _ => panic!("{}: {a:?} against {b:?}", path.display()),
            }
            if a.is_err() {
                lazy.catalog = OnceCell::new(); // loaded for the error's suggestions
            } else {
                assert!(
                    lazy.catalog.get().is_none(),
                    "{}: resolving loaded the whole catalog",
                    path.display()
                );
            }
        }
        assert!(compiled > 100, "only {compiled} golden queries compiled");
    }

    /// Names are looked up `NAMES_PER_LOOKUP` to a statement: a statement of
    /// many names finds each, whichever statement it falls in, as the whole
    /// catalog does (an id, a name folded, an alias in another script).
    #[test]
    fn many_names_are_looked_up_in_several_statements() {
        let e = Engine::example().expect("the example builds");
        let wanted = [
            "lavrov",
            "SERGEY LAVROV",
            "Лавров",
            "istanbul-charter",
            "indivisibility",
        ];
        let mut names: Vec<String> = (0..450).map(|i| format!("no-such-name-{i}")).collect();
        for (i, w) in wanted.iter().enumerate() {
            names.insert(i * 110, w.to_string());
        }
        let part = e.store().catalog_of_names(&names).expect("the lookup runs");
        let whole = e.store().catalog().expect("the catalog loads");
        let ids = |c: &Catalog, name: &str| -> Vec<String> {
            c.lookup(name)
                .iter()
                .map(|h| format!("{} {}", h.kind.as_str(), c.entry(*h).id))
                .collect()
        };
        for w in wanted {
            let got = ids(&part, w);
            assert!(!got.is_empty(), "{w} not found");
            assert_eq!(got, ids(&whole, w), "{w}");
        }
        assert!(part.lookup("no-such-name-7").is_empty());
    }

    #[test]
    fn an_unknown_name_is_suggested_from_the_whole_catalog() {
        let e = Engine::example().expect("the example builds");
        let err = e.compile("clauses cited-by lavorv").expect_err("unknown");
        let text = format!("{err:?}");
        assert!(text.contains("did you mean `lavrov`?"), "{text}");
        assert!(e.catalog.get().is_some());
    }
}
