//! A citation's `from_ref`, `to_ref` and `by_list`, and a clause's
//! `principle_list`, are written with the row, so that queries show them
//! without joining back to names. Here each stored
//! value is checked against the same value computed in SQL from the ids, on
//! the example store, the example after an import, and a generated store
//! (curated citations and citations found in text alike).

mod common;

use std::path::Path;

use common::{
    Scratch, citation_of_paragraph_8, generated_store, import, int, open, rows,
    statement_citing_paragraph_8,
};

/// What the stored columns must equal, computed from the ids.
const COMPUTED: &str = "
    SELECT t.id,
           t.from_ref, CASE WHEN t.from_clause_id IS NULL THEN fd.slug ELSE fd.slug || '#' || fc.label END AS f,
           t.to_ref, CASE
               WHEN t.to_clause_id IS NOT NULL THEN td.slug || '#' || tc.label
               WHEN t.to_principle_id IS NOT NULL THEN tp.slug
               WHEN t.to_label IS NOT NULL THEN tdd.slug || '#' || t.to_label
               ELSE tdd.slug
           END AS o,
           t.by_list, (SELECT group_concat(s, ', ') FROM (
               SELECT a.slug AS s FROM citation_actors ca JOIN actors a ON a.id = ca.actor_id
               WHERE ca.citation_id = t.id ORDER BY a.slug)) AS b
    FROM citations t
    JOIN documents fd ON fd.id = t.from_document_id
    LEFT JOIN clauses fc ON fc.id = t.from_clause_id
    LEFT JOIN clauses tc ON tc.id = t.to_clause_id
    LEFT JOIN documents td ON td.id = tc.document_id
    LEFT JOIN documents tdd ON tdd.id = t.to_document_id
    LEFT JOIN principles tp ON tp.id = t.to_principle_id";

/// What a clause's stored `principle_list` must equal.
const CLAUSES_COMPUTED: &str = "
    SELECT c.id, c.principle_list, (SELECT group_concat(s, ', ') FROM (
               SELECT p.slug AS s FROM clause_principles cp JOIN principles p ON p.id = cp.principle_id
               WHERE cp.clause_id = c.id ORDER BY p.slug)) AS l
    FROM clauses c";

/// Checks every citation of `db`; returns how many there were. Neither the
/// example nor a generated corpus has a citation from a whole document or by
/// more than one actor: `added` says the test added one.
fn check(db: &Path, added: bool) -> i64 {
    let conn = open(db);
    let agree = |computed: &str, differ: &str, what: &str| {
        let wrong = rows(
            &conn,
            &format!("SELECT * FROM ({computed}) WHERE {differ} LIMIT 5"),
        );
        assert!(
            wrong.is_empty(),
            "{}: stored and computed {what} differ:\n{wrong:#?}",
            db.display()
        );
    };
    agree(
        COMPUTED,
        "from_ref IS NOT f OR to_ref IS NOT o OR by_list IS NOT b",
        "(id, from, to, by)",
    );
    agree(
        CLAUSES_COMPUTED,
        "principle_list IS NOT l",
        "principles of clauses",
    );
    let tagged = int(
        &conn,
        "SELECT count(*) FROM clauses WHERE principle_list IS NOT NULL",
    );
    assert!(tagged > 0, "{}: no clause with a principle", db.display());
    // Every kind of end is among them, so each branch above was compared.
    for (what, cond) in [
        ("a clause cited", "to_clause_id IS NOT NULL"),
        (
            "a document cited",
            "to_document_id IS NOT NULL AND to_label IS NULL",
        ),
        ("a principle cited", "to_principle_id IS NOT NULL"),
        ("a clause citing", "from_clause_id IS NOT NULL"),
    ] {
        let n = int(
            &conn,
            &format!("SELECT count(*) FROM citations WHERE {cond}"),
        );
        assert!(n > 0, "{}: no citation with {what}", db.display());
    }
    if added {
        let n = int(
            &conn,
            "SELECT count(*) FROM citations WHERE from_clause_id IS NULL AND by_list LIKE '%, %'",
        );
        assert_eq!(
            n, 1,
            "the added citation from a whole document, by two actors"
        );
    }
    int(&conn, "SELECT count(*) FROM citations")
}

#[test]
fn the_example_stores_its_citations_as_shown_before_and_after_an_import() {
    let s = Scratch::built_example();
    let db = s.db();
    let before = check(&db, false);
    assert!(before > 50, "only {before} citations");

    // A statement that names a clause and a principle, by an actor not in
    // the example's statements: found citations with new ends and makers.
    let file = statement_citing_paragraph_8(&s, "zz-new", "2022-02-02", Some("[\"lavrov\"]"));
    // A curated citation from the whole document, made by two actors, listed
    // out of order.
    let cites = citation_of_paragraph_8(&s, "zz-new", "[\"usa\", \"lavrov\", \"usa\"]");
    let r = import(&[&file, &cites], &db);
    assert!(r.ok(), "{r:?}");
    let after = check(&db, true);
    // A clause of several principles, in the order of their slugs.
    assert_eq!(
        rows(
            &open(&db),
            "SELECT c.principle_list FROM clauses c JOIN documents d ON d.id = c.document_id \
             WHERE d.slug = 'astana-declaration' AND c.label = '3'"
        ),
        [["equal-security, freedom-of-alliance, indivisibility, neutrality, no-expense"]]
    );
    assert!(
        after > before,
        "{after} citations after the import, {before} before"
    );
    let conn = open(&db);
    let found = rows(
        &conn,
        "SELECT from_ref, by_list FROM citations WHERE from_ref LIKE 'zz-new#%' ORDER BY id LIMIT 1",
    );
    assert_eq!(found, [["zz-new#1", "lavrov"]]);
    let curated = rows(
        &conn,
        "SELECT from_ref, to_ref, by_list FROM citations WHERE from_ref = 'zz-new'",
    );
    assert_eq!(curated, [["zz-new", "istanbul-charter#8", "lavrov, usa"]]);
}

#[test]
fn a_generated_store_stores_its_citations_as_shown() {
    let s = Scratch::new();
    let db = generated_store(&s, 60);
    let n = check(&db, false);
    assert!(n > 1000, "only {n} citations");
}
