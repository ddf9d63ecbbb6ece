//! `show`: one clause, document, actor or principle in full, as a [`Card`].

use super::query::{Cell, Rows};
use super::{Store, StoreError};
use crate::resolve::Thing;
use crate::sql::Param;

/// A thing in full: a heading, its facts, and tables of related rows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Card {
    pub title: String,
    /// `(name, value)` lines; long values (clause text) are kept whole, and
    /// many-valued ones (aliases, authors, principles, ...) are lists.
    pub facts: Vec<(String, Cell)>,
    pub sections: Vec<Section>,
}

/// A titled table within a card.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Section {
    pub heading: String,
    pub rows: Rows,
}

/// The columns of a card that hold many values, as lists, and what joins them
/// in the SQL: aliases U+001F (an alias may hold `, `), slugs `, `.
fn list_separator(column: &str) -> Option<&'static str> {
    match column {
        "aliases" => Some("\u{1f}"),
        "authors" | "member of" | "represents" | "principles" | "by" => Some(", "),
        _ => None,
    }
}

/// A subquery joining the aliases that `rows` (selecting `alias, folded`) gives, in the order
/// of their folded forms, with U+001F.
fn aliases_sql(dialect: crate::sql::print::Dialect, rows: &str) -> String {
    match dialect {
        crate::sql::print::Dialect::Sqlite => {
            format!("(SELECT group_concat(alias, char(31)) FROM ({rows} ORDER BY 2, 1) AS s)")
        }
        crate::sql::print::Dialect::Postgres => {
            format!("(SELECT string_agg(alias, chr(31) ORDER BY folded, alias) FROM ({rows}) AS s)")
        }
    }
}

const CITED_BY: &str =
    "SELECT v.\"from\", v.\"by\", v.stance, v.quote, v.source FROM v_citations v WHERE v.id IN (";

impl Store {
    /// The card of one thing.
    pub fn card(&self, thing: &Thing) -> Result<Card, StoreError> {
        match thing {
            Thing::Clause(doc, label) => self.clause_card(doc, label),
            Thing::Document(id) => self.document_card(id),
            Thing::Actor(id) => self.actor_card(id),
            Thing::Principle(id) => self.principle_card(id),
            Thing::Citation(n) => self.citation_card(*n),
        }
    }

    fn table(&self, heading: &str, sql: &str, p: &[Param]) -> Result<Section, StoreError> {
        let mut rows = Vec::new();
        let columns = self
            .select(sql, p, &[], |r| {
                rows.push(r);
                std::ops::ControlFlow::Continue(())
            })
            .map_err(|e| self.store_err(e))?;
        let seps: Vec<Option<&str>> = columns.iter().map(|c| list_separator(c)).collect();
        let rows = rows
            .into_iter()
            .map(|r| {
                r.into_iter()
                    .zip(seps.iter())
                    .map(|(cell, sep)| match (cell, sep) {
                        (Cell::Text(t), Some(sep)) => {
                            Cell::List(t.split(sep).map(str::to_string).collect())
                        }
                        (cell, _) => cell,
                    })
                    .collect()
            })
            .collect();
        Ok(Section {
            heading: heading.to_string(),
            rows: Rows { columns, rows },
        })
    }

    /// The first row of a query as `(column, value)` facts, skipping NULLs.
    fn facts(&self, sql: &str, p: &[Param]) -> Result<Vec<(String, Cell)>, StoreError> {
        let s = self.table("", sql, p)?;
        let Some(row) = s.rows.rows.first() else {
            return Ok(Vec::new());
        };
        Ok(s.rows
            .columns
            .iter()
            .zip(row)
            .filter(|(_, v)| v.as_text().is_some_and(|t| !t.is_empty()))
            .map(|(c, v)| (c.clone(), v.clone()))
            .collect())
    }

    fn clause_card(&self, doc: &str, label: &str) -> Result<Card, StoreError> {
        let r = format!("{doc}#{label}");
        let facts = self.facts(
            "SELECT v.document, d.title AS \"document title\", v.label, v.title, v.date, v.principles, v.parent, v.text
             FROM v_clauses v JOIN documents d ON d.slug = v.document WHERE v.ref = ?1",
            &[Param::Text(r.clone())],
        )?;
        let children = self.table(
            "clauses under it",
            "SELECT ref, text FROM v_clauses WHERE parent = ?1 ORDER BY position",
            &[Param::Text(r.clone())],
        )?;
        let cited = self.table(
            "cited by",
            &format!("{CITED_BY}SELECT ci.id FROM citations ci JOIN clauses c ON c.id = ci.to_clause_id JOIN documents d ON d.id = c.document_id WHERE d.slug = ?1 AND c.label = ?2) ORDER BY v.date NULLS FIRST, v.id"),
            &[Param::Text(doc.into()), Param::Text(label.into())],
        )?;
        let cites = self.table(
            "citations it makes",
            "SELECT \"to\", \"by\", stance, quote FROM v_citations WHERE \"from\" = ?1 ORDER BY id",
            &[Param::Text(r.clone())],
        )?;
        Ok(Card {
            title: format!("clause {r}"),
            facts,
            sections: vec![children, cited, cites],
        })
    }

    fn document_card(&self, id: &str) -> Result<Card, StoreError> {
        let facts = self.facts(
            &format!(
            "SELECT id, title, kind, date, place, authors,
                    {aliases} AS aliases,
                    language, source,
                    CASE excerpt WHEN 1 THEN 'yes (only part of the text is stored)' ELSE NULL END AS excerpt, file
             FROM v_documents WHERE id = ?1",
            aliases = aliases_sql(self.dialect(), "SELECT a.alias, a.folded FROM document_aliases a JOIN documents d ON d.id = a.document_id WHERE d.slug = ?1")
        ),
            &[Param::Text(id.into())],
        )?;
        let relations = self.table(
            "relations",
            "SELECT 'this ' || type || ' ' || \"to\" AS relation, note FROM v_relations WHERE \"from\" = ?1
             UNION ALL SELECT \"from\" || ' ' || type || ' this', note FROM v_relations WHERE \"to\" = ?1",
            &[Param::Text(id.into())],
        )?;
        let clauses = self.table(
            "clauses",
            "SELECT ref, text, principles FROM v_clauses WHERE document = ?1 ORDER BY position",
            &[Param::Text(id.into())],
        )?;
        let cited = self.table(
            "cited by",
            &format!("{CITED_BY}SELECT ci.id FROM citations ci JOIN documents d ON d.id = ci.to_document_id WHERE d.slug = ?1
                      UNION SELECT ci.id FROM citations ci JOIN clauses c ON c.id = ci.to_clause_id JOIN documents d ON d.id = c.document_id WHERE d.slug = ?1) ORDER BY v.date NULLS FIRST, v.id"),
            &[Param::Text(id.into())],
        )?;
        Ok(Card {
            title: format!("document {id}"),
            facts,
            sections: vec![relations, clauses, cited],
        })
    }

    fn actor_card(&self, id: &str) -> Result<Card, StoreError> {
        let facts = self.facts(&format!(
            "SELECT id, name, kind, role, member_of AS \"member of\", represents,
                {aliases} AS aliases
             FROM v_actors WHERE id = ?1",
            aliases = aliases_sql(self.dialect(), "SELECT x.alias, x.folded FROM actor_aliases x JOIN actors a ON a.id = x.actor_id WHERE a.slug = ?1")
        ), &[Param::Text(id.into())])?;
        let members = self.table(
            "members and representatives",
            "SELECT a.slug AS id, a.name, 'member' AS \"as\" FROM memberships m JOIN actors a ON a.id = m.member_id JOIN actors g ON g.id = m.group_id WHERE g.slug = ?1
             UNION ALL SELECT a.slug, a.name, 'speaks for it' FROM representations r JOIN actors a ON a.id = r.actor_id JOIN actors g ON g.id = r.represented_id WHERE g.slug = ?1",
            &[Param::Text(id.into())],
        )?;
        let docs = self.table(
            "documents",
            "SELECT d.slug AS id, d.title, d.kind, d.date FROM document_authors da JOIN documents d ON d.id = da.document_id JOIN actors a ON a.id = da.actor_id WHERE a.slug = ?1 ORDER BY d.date_start NULLS FIRST, d.slug",
            &[Param::Text(id.into())],
        )?;
        let made = self.table(
            "citations made",
            "SELECT v.\"from\", v.\"to\", v.stance, v.quote, v.source FROM v_citations v WHERE v.id IN (SELECT ca.citation_id FROM citation_actors ca JOIN actors a ON a.id = ca.actor_id WHERE a.slug = ?1) ORDER BY v.date NULLS FIRST, v.id",
            &[Param::Text(id.into())],
        )?;
        Ok(Card {
            title: format!("actor {id}"),
            facts,
            sections: vec![members, docs, made],
        })
    }

    fn principle_card(&self, id: &str) -> Result<Card, StoreError> {
        let facts = self.facts(
            &format!(
            "SELECT id, name, description,
                    {aliases} AS aliases
             FROM v_principles WHERE id = ?1",
            aliases = aliases_sql(self.dialect(), "SELECT x.alias, x.folded FROM principle_aliases x JOIN principles p ON p.id = x.principle_id WHERE p.slug = ?1")
        ),
            &[Param::Text(id.into())],
        )?;
        let clauses = self.table("clauses expressing it", "SELECT d.slug || '#' || c.label AS ref, c.text FROM clause_principles cp JOIN principles p ON p.id = cp.principle_id
              JOIN clauses c ON c.id = cp.clause_id JOIN documents d ON d.id = c.document_id WHERE p.slug = ?1 ORDER BY c.document_id, c.position", &[Param::Text(id.into())])?;
        let cited = self.table(
            "cited by, directly",
            &format!("{CITED_BY}SELECT ci.id FROM citations ci JOIN principles p ON p.id = ci.to_principle_id WHERE p.slug = ?1) ORDER BY v.date NULLS FIRST, v.id"),
            &[Param::Text(id.into())],
        )?;
        // How `cited-by` also reaches it: a citation of a clause that expresses it.
        let via = self.table(
            "cited through a clause that expresses it",
            "SELECT v.\"from\", v.\"by\", v.\"to\" AS via, v.stance, v.quote FROM v_citations v WHERE v.id IN (
                 SELECT ci.id FROM citations ci JOIN clause_principles cp ON cp.clause_id = ci.to_clause_id
                 JOIN principles p ON p.id = cp.principle_id WHERE p.slug = ?1) ORDER BY v.date NULLS FIRST, v.id",
            &[Param::Text(id.into())],
        )?;
        Ok(Card {
            title: format!("principle {id}"),
            facts,
            sections: vec![clauses, cited, via],
        })
    }

    fn citation_card(&self, n: i64) -> Result<Card, StoreError> {
        let mut facts = self.facts(
            "SELECT v.\"from\", v.\"to\", v.\"by\", v.stance, v.source, v.date, v.method, v.confidence, v.note
             FROM v_citations v WHERE v.id = ?1",
            &[Param::Int(n)],
        )?;
        if facts.is_empty() {
            return Err(StoreError::Query(format!("there is no citation {n}")));
        }
        // The quotation beside its source, with the differences marked.
        // With it, for an unresolved reference, what it names, which the store does not hold.
        let row = self.rows_of(
            "SELECT ci.quote, ci.diff, c.text,
                    CASE WHEN ci.to_ref IS NULL THEN ci.to_name END,
                    CASE WHEN ci.to_ref IS NULL THEN ci.to_label END
             FROM citations ci LEFT JOIN clauses c ON c.id = ci.to_clause_id WHERE ci.id = ?1",
            &[Param::Int(n)],
        )?;
        let Some(row) = row.first() else {
            return Err(StoreError::Query(format!("there is no citation {n}")));
        };
        let [quote, diff, source, to_name, to_label] =
            [0, 1, 2, 3, 4].map(|i| super::query::opt_text(&row[i]));
        if let Some(name) = to_name {
            facts.push((
                "names".into(),
                Cell::Text(format!("{name} (not in this store)")),
            ));
        }
        if let Some(label) = to_label {
            facts.push(("labels".into(), Cell::Text(label)));
        }
        let diff: Option<serde_json::Value> = diff.and_then(|d| serde_json::from_str(&d).ok());
        if let Some(q) = &quote {
            facts.push(("quotation".into(), Cell::Text(mark(q, diff.as_ref()))));
        }
        let matched = diff
            .as_ref()
            .and_then(|d| d["source"].as_str().map(str::to_string));
        if let Some(src) = matched.or(source) {
            facts.push(("source text".into(), Cell::Text(src)));
        }
        if let Some(d) = &diff {
            facts.push((
                "verdict".into(),
                Cell::Text(d["verdict"].as_str().unwrap_or("").to_string()),
            ));
            let pairs: Vec<String> = d["changed"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|p| Some(format!("{} → {}", p[0].as_str()?, p[1].as_str()?)))
                .collect();
            if let Some(u) = d["wording_until"].as_str() {
                facts.push((
                    "wording".into(),
                    Cell::Text(format!("as in force until {u}")),
                ));
            }
            for (key, list) in [
                ("changed", pairs),
                ("added", words(&d["added"])),
                ("dropped", words(&d["dropped"])),
                ("also quoted by", words(&d["co_quoted"])),
            ] {
                if !list.is_empty() {
                    facts.push((key.into(), Cell::List(list)));
                }
            }
        }
        Ok(Card {
            title: format!("citation {n}"),
            facts,
            sections: Vec::new(),
        })
    }
}

fn words(v: &serde_json::Value) -> Vec<String> {
    v.as_array()
        .into_iter()
        .flatten()
        .filter_map(|w| w.as_str().map(str::to_string))
        .collect()
}

/// The quotation with the words that differ from the source marked `[[like this]]`.
fn mark(quote: &str, diff: Option<&serde_json::Value>) -> String {
    let Some(d) = diff else {
        return quote.to_string();
    };
    let mut odd: Vec<String> = words(&d["added"]);
    odd.extend(
        d["changed"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| p[1].as_str().map(str::to_string)),
    );
    if odd.is_empty() {
        return quote.to_string();
    }
    quote
        .split(' ')
        .map(|w| {
            let bare = w.trim_matches(|c: char| !c.is_alphanumeric());
            if odd.iter().any(|o| o.eq_ignore_ascii_case(bare)) {
                format!("[[{w}]]")
            } else {
                w.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}
