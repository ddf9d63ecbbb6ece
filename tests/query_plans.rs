//! Query plans of the reference queries: none may read a whole big table
//! where an index could serve.
//!
//! The reference queries are those of the benchmark, `bench/queries.tsv` (the
//! examples of docs/language.md and examples/*.cq adapted to the names of
//! `concord gen`). For each one, `concord query 'explain Q' --format json`
//! prints the generated SQL and SQLite's plan; a plan line `SCAN x` (with or
//! without `USING [COVERING] INDEX`), or a `SEARCH x` whose only constraint is
//! a range (`(to_clause_id>?)`: how SQLite serves `IS NOT NULL`, i.e. the whole
//! index), where `x` is an alias of `clauses`, `citations`, `citation_actors`
//! or `clause_principles`, is a full scan. A query whose fourth column in
//! queries.tsv says `allow-scan: reason` may scan (substring search, every
//! quotation, counting every citation...).
//!
//! By default the store is a small generated one (`concord gen --documents
//! 60`, built through the real binary); `CONCORD_PLAN_DB=big.db cargo test
//! --test query_plans` checks the plans SQLite chooses on a real store
//! instead (bench/run does so on the 1M-clause store). Plans depend on the
//! statistics `PRAGMA optimize` leaves in the store, so both are worth running.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use common::*;

/// Tables with a row per clause or per citation: millions in a real store.
const BIG: &[&str] = &[
    "clauses",
    "citations",
    "citation_actors",
    "clause_principles",
];

#[derive(Debug)]
struct Reference {
    name: String,
    concord: String,
    allow: Option<String>,
}

/// The reference queries, from bench/queries.tsv.
fn references() -> Vec<Reference> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/queries.tsv");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut out = Vec::new();
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .skip(1)
    {
        let cols: Vec<&str> = line.split('\t').collect();
        assert!(
            cols.len() >= 3,
            "bench/queries.tsv: a line with fewer than 3 columns: {line}"
        );
        let allow = cols
            .get(3)
            .and_then(|c| c.strip_prefix("allow-scan:"))
            .map(|r| r.trim().to_string());
        out.push(Reference {
            name: cols[0].to_string(),
            concord: cols[1].to_string(),
            allow,
        });
    }
    assert!(
        out.len() >= 30,
        "bench/queries.tsv holds {} queries",
        out.len()
    );
    out
}

/// The tables each alias of `sql` may stand for (`FROM clauses t`, `JOIN citations ci`;
/// also CTE aliases such as `FROM r1 q`, which map to no table of [`BIG`]).
fn aliases(sql: &str) -> BTreeMap<String, BTreeSet<String>> {
    let spaced = sql.replace(['(', ')', ','], " ");
    let words: Vec<&str> = spaced.split_whitespace().collect();
    let ident = |w: &str| !w.is_empty() && w.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    let keyword = |w: &str| {
        matches!(
            w.to_ascii_uppercase().as_str(),
            "ON" | "WHERE"
                | "JOIN"
                | "LEFT"
                | "INNER"
                | "CROSS"
                | "ORDER"
                | "GROUP"
                | "LIMIT"
                | "UNION"
                | "AS"
        )
    };
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for w in words.windows(3) {
        if matches!(w[0].to_ascii_uppercase().as_str(), "FROM" | "JOIN")
            && ident(w[1])
            && ident(w[2])
            && !keyword(w[1])
            && !keyword(w[2])
        {
            out.entry(w[2].to_string())
                .or_default()
                .insert(w[1].to_string());
        }
    }
    out
}

/// The plan lines that read a whole big table.
fn full_scans(plan: &[String], aliases: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
    let mut out = Vec::new();
    for line in plan {
        let line = line.trim();
        let (op, rest) = match line.split_once(' ') {
            Some((op @ ("SCAN" | "SEARCH"), rest)) => (op, rest),
            _ => continue,
        };
        let alias = rest.split_whitespace().next().unwrap_or("");
        let Some(tables) = aliases.get(alias) else {
            continue;
        };
        let big: Vec<&String> = tables
            .iter()
            .filter(|t| BIG.contains(&t.as_str()))
            .collect();
        if big.is_empty() {
            continue;
        }
        // A SEARCH is a full scan when its constraints hold no equality: `(x>?)`.
        let range_only = op == "SEARCH"
            && rest
                .rfind('(')
                .map(|i| &rest[i..])
                .is_some_and(|c| !c.contains('=') && (c.contains('>') || c.contains('<')));
        if op == "SCAN" || range_only {
            let what = big.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("/");
            out.push(format!("{line}    ({alias} = {what})"));
        }
    }
    out
}

#[test]
fn reference_queries_read_no_big_table_whole() {
    let scratch = Scratch::new();
    let db = match std::env::var_os("CONCORD_PLAN_DB") {
        Some(p) => PathBuf::from(p),
        None => generated_store(&scratch, 60),
    };
    let refs = references();
    let mut failures = Vec::new();
    let mut allowed = Vec::new();
    for q in &refs {
        let r = run([
            "query".as_ref(),
            format!("explain {}", q.concord).as_ref(),
            "--db".as_ref(),
            db.as_os_str(),
            "--format".as_ref(),
            "json".as_ref(),
        ]);
        if !r.ok() {
            failures.push(format!(
                "{}: `{}` failed: {}",
                q.name,
                q.concord,
                r.stderr.trim()
            ));
            continue;
        }
        let v: serde_json::Value = match serde_json::from_str(r.stdout.trim()) {
            Ok(v) => v,
            Err(e) => {
                failures.push(format!(
                    "{}: explain printed no JSON ({e}): {}",
                    q.name, r.stdout
                ));
                continue;
            }
        };
        let sql = v["sql"].as_str().unwrap_or_default();
        let plan: Vec<String> = v["plan"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|l| l.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default();
        assert!(!plan.is_empty(), "{}: explain printed no plan", q.name);
        let scans = full_scans(&plan, &aliases(sql));
        if scans.is_empty() {
            continue;
        }
        match &q.allow {
            Some(reason) => allowed.push(format!("{} ({reason})", q.name)),
            None => failures.push(format!(
                "{}: `{}` reads a whole table:\n    {}\n  SQL:\n    {}\n  plan:\n    {}",
                q.name,
                q.concord,
                scans.join("\n    "),
                sql.replace('\n', "\n    "),
                plan.join("\n    ")
            )),
        }
    }
    eprintln!(
        "{} reference queries on {}; allowed to scan: {}",
        refs.len(),
        db.display(),
        if allowed.is_empty() {
            "none".to_string()
        } else {
            allowed.join(", ")
        }
    );
    assert!(
        failures.is_empty(),
        "{} of {} reference queries read a whole big table where an index could serve:\n\n{}",
        failures.len(),
        refs.len(),
        failures.join("\n\n")
    );
}

#[test]
fn the_detector_tells_table_scans_from_cte_scans_and_searches() {
    let sql = "WITH RECURSIVE r1(id) AS (SELECT x.id FROM actors x UNION SELECT r.actor_id FROM r1 s JOIN representations r ON r.represented_id = s.id)\n\
               SELECT t.id FROM clauses t JOIN documents d ON d.id = t.document_id \
               WHERE t.id IN (SELECT ci.to_clause_id FROM citations ci WHERE ci.to_clause_id IS NOT NULL)";
    let a = aliases(sql);
    assert_eq!(a["t"], BTreeSet::from(["clauses".to_string()]));
    assert_eq!(a["s"], BTreeSet::from(["r1".to_string()]));
    let plan = |lines: &[&str]| lines.iter().map(|l| l.to_string()).collect::<Vec<_>>();
    assert_eq!(full_scans(&plan(&["SCAN t"]), &a).len(), 1);
    assert_eq!(
        full_scans(&plan(&["SCAN t USING INDEX clauses_position"]), &a).len(),
        1
    );
    assert_eq!(
        full_scans(
            &plan(&["  SEARCH ci USING COVERING INDEX citations_to_clause (to_clause_id>?)"]),
            &a
        )
        .len(),
        1
    );
    assert!(full_scans(&plan(&["SEARCH t USING INTEGER PRIMARY KEY (rowid=?)"]), &a).is_empty());
    assert!(
        full_scans(
            &plan(&["SEARCH ci USING INDEX citations_to_clause (to_clause_id=?)"]),
            &a
        )
        .is_empty()
    );
    assert!(full_scans(&plan(&["    SCAN s", "SCAN d", "SCAN q"]), &a).is_empty());
}
