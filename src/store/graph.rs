//! The citation and relation graph around a result, for `--format dot`.

use super::query::{int, text};
use super::{Store, StoreError};
use crate::resolve::plan::Set;
use crate::sql::Sql;

/// One edge: `from` cites or relates to `to`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    pub from: String,
    pub to: String,
    /// The stance and who made it (`invokes (lavrov)`), or the relation type.
    pub label: String,
    /// A relation between documents rather than a citation.
    pub relation: bool,
    /// A found citation without a target in the store (an unverified quotation, an unresolved
    /// reference): `to` then names what it cites (`1413th meeting`, `no source`) and the
    /// citation (`#27`), so that two such ends are never drawn as one node.
    pub dangling: bool,
}

/// The citations of the result, by set: what the rows cite and what cites
/// them; for documents also their relations; for actors what they cite.
fn citations_of(set: Set) -> &'static str {
    match set {
        Set::Citations => "SELECT id FROM result",
        Set::Clauses => {
            "SELECT id FROM citations WHERE to_clause_id IN (SELECT id FROM result) OR from_clause_id IN (SELECT id FROM result)"
        }
        Set::Documents | Set::Statements => {
            "SELECT id FROM citations WHERE from_document_id IN (SELECT id FROM result) OR to_document_id IN (SELECT id FROM result)
             OR to_clause_id IN (SELECT c.id FROM clauses c WHERE c.document_id IN (SELECT id FROM result))"
        }
        Set::Actors => "SELECT citation_id FROM citation_actors WHERE actor_id IN (SELECT id FROM result)",
        Set::Principles => {
            "SELECT id FROM citations WHERE to_principle_id IN (SELECT id FROM result)
             OR to_clause_id IN (SELECT cp.clause_id FROM clause_principles cp WHERE cp.principle_id IN (SELECT id FROM result))"
        }
    }
}

impl Store {
    /// The edges around the rows that `ids` (SQL listing row ids) selects from `set`.
    pub fn graph(&self, set: Set, ids: &Sql) -> Result<Vec<Edge>, StoreError> {
        // `ids` is generated SQL (values bound as parameters); it is wrapped, never edited.
        let mut sql = format!(
            "WITH result(id) AS ({}) SELECT v.\"from\", coalesce(v.\"to\", coalesce(ci.to_name, CASE WHEN ci.method = 'clause-ref' THEN 'unresolved reference' ELSE 'no source' END) || ' #' || v.id), v.stance || coalesce(' (' || v.\"by\" || ')', ''), 0, CASE WHEN v.\"to\" IS NULL THEN 1 ELSE 0 END FROM v_citations v JOIN citations ci ON ci.id = v.id WHERE v.id IN ({})",
            strip_with(&ids.text),
            citations_of(set)
        );
        if matches!(set, Set::Documents | Set::Statements) {
            sql.push_str(
                " UNION ALL SELECT r.\"from\", r.\"to\", r.type, 1, 0 FROM v_relations r
                  WHERE r.\"from\" IN (SELECT d.slug FROM documents d WHERE d.id IN (SELECT id FROM result))
                     OR r.\"to\" IN (SELECT d.slug FROM documents d WHERE d.id IN (SELECT id FROM result))",
            );
        }
        // In one order on both engines: citations before relations, each by their ends.
        sql.push_str(" ORDER BY 4, 1, 2, 3");
        let sql = hoist(&ids.text, &sql);
        let mut out = Vec::new();
        self.select_native(&sql, &ids.params, &[], |r| {
            out.push(Edge {
                from: text(&r[0]),
                to: text(&r[1]),
                label: text(&r[2]),
                relation: int(&r[3]) == 1,
                dangling: int(&r[4]) == 1,
            });
            std::ops::ControlFlow::Continue(())
        })
        .map_err(|e| self.store_err(e))?;
        Ok(out)
    }
}

/// A generated statement may start with `WITH [RECURSIVE] ...`; its CTEs move
/// to the front of the wrapping statement (SQLite allows WITH only there).
fn strip_with(sql: &str) -> &str {
    match split_with(sql) {
        Some((_, body)) => body,
        None => sql,
    }
}

/// Splits `WITH ... \nSELECT` into (the CTE list, the SELECT).
fn split_with(sql: &str) -> Option<(&str, &str)> {
    let rest = sql
        .strip_prefix("WITH RECURSIVE ")
        .or_else(|| sql.strip_prefix("WITH "))?;
    let at = rest.find("\nSELECT ")?;
    Some((&rest[..at], &rest[at + 1..]))
}

fn hoist(ids: &str, wrapper: &str) -> String {
    match split_with(ids) {
        Some((ctes, _)) => format!("WITH RECURSIVE {ctes},\n  {}", &wrapper["WITH ".len()..]),
        None => wrapper.to_string(),
    }
}
