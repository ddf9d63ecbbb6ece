//! The derived tables (`actor_cited_clauses`, `actor_cited_principles`,
//! `actor_citation_counts`, filled by schema/derive.sql) against the same
//! sums made here, in Rust, from the citations and their makers; and the
//! queries that read them (`clauses cited-by`, `principles cited-by`,
//! `actors citing principle`, `citations count by by`) against answers
//! computed here from the raw rows, through the real binary. On the example,
//! the example after an import, and a generated store.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use common::{
    Scratch, citation_of_paragraph_8, generated_store, import, open, query_csv, rows,
    statement_citing_paragraph_8,
};
use rusqlite::Connection;

/// The store's raw rows, as maps of ids.
struct Raw {
    /// citation id -> (cited clause, cited principle)
    citations: BTreeMap<i64, (Option<i64>, Option<i64>)>,
    /// citation id -> its makers
    makers: BTreeMap<i64, BTreeSet<i64>>,
    /// clause id -> its principles
    principles: BTreeMap<i64, BTreeSet<i64>>,
    /// (actor, actor it represents)
    represents: Vec<(i64, i64)>,
    actor_slug: BTreeMap<i64, String>,
    principle_slug: BTreeMap<i64, String>,
    clause_ref: BTreeMap<i64, String>,
}

fn ids(conn: &Connection, sql: &str) -> Vec<(i64, Option<i64>, Option<i64>)> {
    let mut st = conn.prepare(sql).unwrap();
    st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn names(conn: &Connection, sql: &str) -> BTreeMap<i64, String> {
    rows(conn, sql)
        .into_iter()
        .map(|r| (r[0].parse().unwrap(), r[1].clone()))
        .collect()
}

fn raw(conn: &Connection) -> Raw {
    let citations = ids(
        conn,
        "SELECT id, to_clause_id, to_principle_id FROM citations",
    )
    .into_iter()
    .map(|(id, c, p)| (id, (c, p)))
    .collect();
    let mut makers: BTreeMap<i64, BTreeSet<i64>> = BTreeMap::new();
    for (c, a, _) in ids(
        conn,
        "SELECT citation_id, actor_id, NULL FROM citation_actors",
    ) {
        makers.entry(c).or_default().insert(a.unwrap());
    }
    let mut principles: BTreeMap<i64, BTreeSet<i64>> = BTreeMap::new();
    for (c, p, _) in ids(
        conn,
        "SELECT clause_id, principle_id, NULL FROM clause_principles",
    ) {
        principles.entry(c).or_default().insert(p.unwrap());
    }
    let represents = ids(
        conn,
        "SELECT actor_id, represented_id, NULL FROM representations",
    )
    .into_iter()
    .map(|(a, r, _)| (a, r.unwrap()))
    .collect();
    Raw {
        citations,
        makers,
        principles,
        represents,
        actor_slug: names(conn, "SELECT id, slug FROM actors"),
        principle_slug: names(conn, "SELECT id, slug FROM principles"),
        clause_ref: names(
            conn,
            "SELECT c.id, d.slug || '#' || c.label FROM clauses c JOIN documents d ON d.id = c.document_id",
        ),
    }
}

/// (actor, target) -> citations.
type Sums = BTreeMap<(i64, i64), i64>;

impl Raw {
    /// The sums for clause targets and for principles (cited themselves or
    /// through a tagged clause).
    fn sums(&self) -> (Sums, Sums) {
        let (mut clauses, mut principles) = (BTreeMap::new(), BTreeMap::new());
        for (id, (clause, principle)) in &self.citations {
            for &a in self.makers.get(id).into_iter().flatten() {
                if let Some(c) = clause {
                    *clauses.entry((a, *c)).or_insert(0) += 1;
                    for &p in self.principles.get(c).into_iter().flatten() {
                        *principles.entry((a, p)).or_insert(0) += 1;
                    }
                }
                if let Some(p) = principle {
                    *principles.entry((a, *p)).or_insert(0) += 1;
                }
            }
        }
        (clauses, principles)
    }

    /// Everything reachable from `seeds` along `(from, to)` pairs.
    fn closure(&self, seeds: BTreeSet<i64>, forward: bool) -> BTreeSet<i64> {
        let mut out = seeds;
        loop {
            let more: Vec<i64> = self
                .represents
                .iter()
                .filter_map(|&(a, r)| {
                    let (from, to) = if forward { (a, r) } else { (r, a) };
                    (out.contains(&from) && !out.contains(&to)).then_some(to)
                })
                .collect();
            if more.is_empty() {
                return out;
            }
            out.extend(more);
        }
    }

    /// An actor and everyone who speaks for it (`cited-by ACTOR` counts their citations).
    fn speakers(&self, actor: i64) -> BTreeSet<i64> {
        self.closure(BTreeSet::from([actor]), false)
    }
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

/// Checks the derived tables and the queries that read them; returns how
/// many actors were asked about.
fn check(db: &Path) -> usize {
    let conn = open(db);
    let raw = raw(&conn);
    let (clauses, principles) = raw.sums();
    let stored = |sql: &str| -> Sums {
        let mut st = conn.prepare(sql).unwrap();
        st.query_map([], |r| Ok(((r.get(0)?, r.get(1)?), r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    assert_eq!(
        stored("SELECT actor_id, clause_id, citations FROM actor_cited_clauses"),
        clauses,
        "{}: actor_cited_clauses",
        db.display()
    );
    assert_eq!(
        stored("SELECT actor_id, principle_id, citations FROM actor_cited_principles"),
        principles,
        "{}: actor_cited_principles",
        db.display()
    );
    assert!(!clauses.is_empty() && !principles.is_empty());

    // citations count by by: each maker's citations, and those that name none.
    let mut by: BTreeMap<String, i64> = BTreeMap::new();
    for id in raw.citations.keys() {
        match raw.makers.get(id) {
            Some(m) => {
                for a in m {
                    *by.entry(raw.actor_slug[a].clone()).or_insert(0) += 1;
                }
            }
            None => *by.entry(String::new()).or_insert(0) += 1,
        }
    }
    let counted: BTreeMap<String, i64> = query_csv(db, "citations count by by", &[])
        .into_iter()
        .map(|r| (r[0].clone(), r[1].parse().unwrap()))
        .collect();
    assert_eq!(counted, by, "{}: citations count by by", db.display());

    // Every actor: those who cite, those who speak for them, and the rest.
    let asked: Vec<i64> = raw.actor_slug.keys().copied().collect();
    for &actor in &asked {
        let slug = &raw.actor_slug[&actor];
        let who = raw.speakers(actor);
        let cited: BTreeSet<i64> = clauses
            .keys()
            .filter(|(a, _)| who.contains(a))
            .map(|&(_, c)| c)
            .collect();
        let want = sorted(cited.iter().map(|c| raw.clause_ref[c].clone()).collect());
        let got = query_csv(db, "clauses cited-by $a select ref", &[("a", slug)]);
        let got = sorted(got.into_iter().map(|mut r| r.remove(0)).collect());
        assert_eq!(got, want, "{}: clauses cited-by {slug}", db.display());

        // Narrowed to one document: asked clause by clause.
        if let Some(c) = cited.iter().next() {
            let doc = raw.clause_ref[c].split('#').next().unwrap().to_string();
            let want: Vec<String> = want
                .iter()
                .filter(|r| r.starts_with(&format!("{doc}#")))
                .cloned()
                .collect();
            let got = query_csv(
                db,
                "clauses in $d cited-by $a select ref",
                &[("d", &doc), ("a", slug)],
            );
            let got = sorted(got.into_iter().map(|mut r| r.remove(0)).collect());
            assert_eq!(
                got,
                want,
                "{}: clauses in {doc} cited-by {slug}",
                db.display()
            );
            let not = query_csv(
                db,
                "clauses in $d not cited-by $a select ref",
                &[("d", &doc), ("a", slug)],
            );
            let all = raw
                .clause_ref
                .values()
                .filter(|r| r.starts_with(&format!("{doc}#")))
                .count();
            assert_eq!(
                not.len() + got.len(),
                all,
                "{}: clauses in {doc}, cited-by {slug} or not",
                db.display()
            );
        }

        let cited: BTreeSet<String> = principles
            .keys()
            .filter(|(a, _)| who.contains(a))
            .map(|(_, p)| raw.principle_slug[p].clone())
            .collect();
        let got = query_csv(db, "principles cited-by $a select id", &[("a", slug)]);
        let got: BTreeSet<String> = got.into_iter().map(|mut r| r.remove(0)).collect();
        assert_eq!(got, cited, "{}: principles cited-by {slug}", db.display());
    }

    // actors citing principle P: its makers and everyone they speak for.
    for (p, slug) in &raw.principle_slug {
        let makers: BTreeSet<i64> = principles
            .keys()
            .filter(|(_, q)| q == p)
            .map(|&(a, _)| a)
            .collect();
        let want: BTreeSet<String> = raw
            .closure(makers, true)
            .iter()
            .map(|a| raw.actor_slug[a].clone())
            .collect();
        let got = query_csv(db, "actors citing $p select id", &[("p", slug)]);
        let got: BTreeSet<String> = got.into_iter().map(|mut r| r.remove(0)).collect();
        assert_eq!(
            got,
            want,
            "{}: actors citing principle {slug}",
            db.display()
        );
    }
    asked.len()
}

#[test]
fn the_example_derives_who_cites_what_before_and_after_an_import() {
    let s = Scratch::built_example();
    let db = s.db();
    let asked = check(&db);
    assert!(asked >= 5, "only {asked} actors asked about");

    // A new statement by Lavrov citing a clause and a principle, and a curated
    // citation made by two actors: the import writes a new store, whose
    // derived tables must count them.
    let before: i64 = common::int(
        &open(&db),
        "SELECT citations FROM actor_cited_clauses x JOIN actors a ON a.id = x.actor_id \
         JOIN clauses c ON c.id = x.clause_id JOIN documents d ON d.id = c.document_id \
         WHERE a.slug = 'usa' AND d.slug = 'istanbul-charter' AND c.label = '8'
         UNION ALL SELECT 0 LIMIT 1",
    );
    let file = statement_citing_paragraph_8(&s, "zz-new", "2022-02-02", Some("[\"lavrov\"]"));
    // A statement without authors: its citation names no maker.
    let anon = statement_citing_paragraph_8(&s, "zz-anon", "2022-02-03", None);
    let cites = citation_of_paragraph_8(&s, "zz-new", "[\"usa\", \"lavrov\"]");
    let r = import(&[&file, &anon, &cites], &db);
    assert!(r.ok(), "{r:?}");
    check(&db);
    let unsigned = query_csv(&db, "citations count by by", &[]);
    assert!(
        unsigned.iter().any(|r| r[0].is_empty() && r[1] != "0"),
        "no count of citations without a maker: {unsigned:?}"
    );
    let after: i64 = common::int(
        &open(&db),
        "SELECT citations FROM actor_cited_clauses x JOIN actors a ON a.id = x.actor_id \
         JOIN clauses c ON c.id = x.clause_id JOIN documents d ON d.id = c.document_id \
         WHERE a.slug = 'usa' AND d.slug = 'istanbul-charter' AND c.label = '8'",
    );
    assert_eq!(after, before + 1, "usa's citations of istanbul-charter#8");
}

#[test]
fn a_generated_store_derives_who_cites_what() {
    let s = Scratch::new();
    let db = generated_store(&s, 40);
    let asked = check(&db);
    assert!(asked >= 20, "only {asked} actors asked about");
}
