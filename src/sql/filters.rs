//! The relation filters (`in`, `by`, `cited-by`, `citing`, `expressing`,
//! relation verbs) as membership tests on the row `t`.

use super::Param;
use super::fields::T;
use super::generate::Gen;
use super::generate::SUBQUERY;
use super::tree::{Expr, From, Op, Select};
use crate::resolve::plan::{FilterKind, Set, Source, Targets};

fn col(a: &'static str, c: &'static str) -> Expr {
    Expr::col(a, c)
}

/// An id column whose NULLs read as 0 (no row has id 0): membership tests on
/// it stay NULL-free, so `not` is exact, without an `IS NOT NULL` filter that
/// would make SQLite walk a whole index.
fn or_zero(e: Expr) -> Expr {
    Expr::Func(super::tree::Func::OrZero, Box::new(e))
}

fn id_in(a: &'static str, c: &'static str, s: Select) -> Expr {
    Expr::in_select(col(a, c), s)
}

/// A condition on citation `ci`: it cites one of `docs` or one of their clauses.
fn cites_documents(docs: Select) -> Vec<Expr> {
    let clauses = Select::from_table(
        col("c", "id"),
        "clauses",
        "c",
        vec![id_in("c", "document_id", docs.clone())],
    );
    vec![
        id_in("ci", "to_document_id", docs),
        id_in("ci", "to_clause_id", clauses),
    ]
}

/// `0 - e`.
fn negative(e: Expr) -> Expr {
    Expr::bin(Expr::Int(0), Op::Minus, e)
}

/// `SELECT column FROM citations ci WHERE cond`. When `cond` only says who made
/// the citation (`ci.id IN (SELECT ca.citation_id FROM citation_actors ca
/// WHERE ...)`), the makers' index is read first and joined to the citations,
/// so that SQLite streams them rather than listing every citation id first.
/// Only for membership tests, where a citation of two makers seen twice
/// changes nothing.
fn citations_where(column: Expr, cond: Expr) -> Select {
    if let Expr::InSelect(lhs, sel) = &cond
        && **lhs == col("ci", "id")
        && sel.ctes.is_empty()
        && !sel.distinct
        && sel.limit.is_none()
        && sel.columns.len() == 1
        && sel.columns[0].0 == col("ca", "citation_id")
        && matches!(
            sel.from.as_slice(),
            [From::Table {
                table: "citation_actors",
                alias: "ca",
                join: None
            }]
        )
    {
        return Select::from_table(column, "citation_actors", "ca", sel.filter.clone()).join(
            "citations",
            "ci",
            Expr::eq(col("ci", "id"), col("ca", "citation_id")),
        );
    }
    Select::from_table(column, "citations", "ci", vec![cond])
}

impl Gen {
    /// A condition on citation `ci`: it cites one of `docs` or one of their
    /// clauses. Two membership tests read the list twice; when it holds a
    /// subquery, it is read once instead ([`Gen::cites_or_their_clauses`]),
    /// as SQLite copies a list for each reader, and nested subqueries read
    /// twice at every level would be copied 2^depth times.
    fn cites_documents(&mut self, docs: Select) -> Vec<Expr> {
        if !docs.mentions(SUBQUERY) {
            return cites_documents(docs);
        }
        vec![self.cites_or_their_clauses(
            docs,
            "to_document_id",
            "clauses",
            "c",
            "document_id",
            "id",
        )]
    }

    /// A condition on citation `ci`, reading `seeds` (a select of ids) once:
    /// `ci`'s column `target` is one of them, or its clause is one that the
    /// link `table` (alias) gives them (`key` = seed, `clause` = the clause).
    /// One recursive CTE lists the seeds negated and their clauses, so one
    /// list holds both kinds:
    ///
    /// ```sql
    /// rN(id) AS (SELECT 0 - x.id FROM <seeds> UNION SELECT c.id FROM rN s JOIN clauses c ON c.document_id = 0 - s.id)
    /// ... ci.id IN (SELECT cj.id FROM rN s JOIN citations cj ON cj.to_document_id = 0 - s.id OR cj.to_clause_id = s.id)
    /// ```
    fn cites_or_their_clauses(
        &mut self,
        mut seeds: Select,
        target: &'static str,
        table: &'static str,
        alias: &'static str,
        key: &'static str,
        clause: &'static str,
    ) -> Expr {
        if let Some((e, _)) = seeds.columns.pop() {
            seeds.columns.push((negative(e), None));
        }
        let name = self.cte("id", seeds, |me| {
            Some(Select::from_cte(col(alias, clause), me, "s").join(
                table,
                alias,
                Expr::eq(col(alias, key), negative(col("s", "id"))),
            ))
        });
        let cited = Select::from_cte(col("cj", "id"), &name, SUBQUERY).join(
            "citations",
            "cj",
            Expr::or(vec![
                Expr::eq(col("cj", target), negative(col(SUBQUERY, "id"))),
                Expr::eq(col("cj", "to_clause_id"), col(SUBQUERY, "id")),
            ]),
        );
        id_in("ci", "id", cited)
    }

    pub fn relation_filter(&mut self, set: Set, kind: &FilterKind) -> Expr {
        match kind {
            FilterKind::In(t) => self.in_filter(set, t),
            FilterKind::By(t) => self.by_filter(set, t),
            FilterKind::CitedBy(t) => self.cited_by(set, t),
            FilterKind::CitedDirectly(t) => {
                let cond = self.made_by(t);
                let column = match set {
                    Set::Principles => "to_principle_id",
                    _ => "to_document_id",
                };
                id_in(T, "id", citations_where(or_zero(col("ci", column)), cond))
            }
            FilterKind::Citing(t) => self.citing(set, t),
            FilterKind::Expressing(t) => {
                let p = self.ids_of("principles", &t.principles);
                match set {
                    Set::Clauses => id_in(
                        T,
                        "id",
                        Select::from_table(
                            col("cp", "clause_id"),
                            "clause_principles",
                            "cp",
                            vec![id_in("cp", "principle_id", p)],
                        ),
                    ),
                    _ => id_in(
                        T,
                        "id",
                        Select::from_table(
                            col("c", "document_id"),
                            "clauses",
                            "c",
                            vec![id_in("cp", "principle_id", p)],
                        )
                        .join(
                            "clause_principles",
                            "cp",
                            Expr::eq(col("cp", "clause_id"), col("c", "id")),
                        ),
                    ),
                }
            }
            FilterKind::Relation {
                rtype,
                inverse,
                transitive,
                target,
            } => self.relation(rtype, *inverse, *transitive, target),
            FilterKind::Dates { .. } => Expr::Int(1),
        }
    }

    /// `SELECT x.id FROM table x WHERE x.slug IN (?, ...) OR x.id IN (subquery)`.
    pub fn ids_of(&mut self, table: &'static str, sources: &[Source]) -> Select {
        let mut slugs = Vec::new();
        let mut any = Vec::new();
        for s in sources {
            match s {
                Source::Id(id) => slugs.push(Param::Text(id.clone())),
                Source::Query(plan) => {
                    let sub = self.subquery(plan);
                    any.push(id_in("x", "id", sub));
                }
                Source::Clause(..) => {}
            }
        }
        if !slugs.is_empty() {
            let listed = self.in_values(col("x", "slug"), slugs);
            any.insert(0, listed);
        }
        if any.is_empty() {
            any.push(Expr::Int(0));
        }
        Select::from_table(col("x", "id"), table, "x", vec![Expr::or(any)])
    }

    /// The clauses named by `sources`, with (`with_self`) or without
    /// themselves, and all clauses under them (a recursive CTE over parents).
    fn clause_ids(&mut self, sources: &[Source], with_self: bool) -> Select {
        let mut any = Vec::new();
        let named = sources
            .iter()
            .filter(|s| matches!(s, Source::Clause(..)))
            .count();
        if named > super::generate::SHORT_LIST {
            // A long list: the documents through their index, then each clause
            // by its reference, each list one parameter.
            let mut docs: Vec<&str> = Vec::new();
            let mut refs = Vec::new();
            for s in sources {
                if let Source::Clause(doc, label) = s {
                    docs.push(doc);
                    refs.push(Param::Text(format!("{doc}#{label}")));
                }
            }
            docs.sort_unstable();
            docs.dedup();
            let docs = docs
                .into_iter()
                .map(|d| Param::Text(d.to_string()))
                .collect();
            let in_docs = self.in_values(col("xd", "slug"), docs);
            let reference = Expr::Concat(vec![
                col("xd", "slug"),
                Expr::Const("#"),
                col("xc", "label"),
            ]);
            let in_refs = self.in_values(reference, refs);
            any.push(Expr::and(vec![in_docs, in_refs]));
        }
        for s in sources {
            match s {
                Source::Clause(..) if named > super::generate::SHORT_LIST => {}
                Source::Clause(doc, label) => {
                    let (d, l) = (self.text(doc), self.text(label));
                    any.push(Expr::and(vec![
                        Expr::eq(col("xd", "slug"), d),
                        Expr::eq(col("xc", "label"), l),
                    ]));
                }
                Source::Query(plan) => {
                    let sub = self.subquery(plan);
                    any.push(id_in("xc", "id", sub));
                }
                Source::Id(_) => {}
            }
        }
        let seeds = Select::from_table(col("xc", "id"), "clauses", "xc", vec![Expr::or(any)]).join(
            "documents",
            "xd",
            Expr::eq(col("xd", "id"), col("xc", "document_id")),
        );
        let base = if with_self {
            seeds
        } else {
            Select::from_table(
                col("c", "id"),
                "clauses",
                "c",
                vec![id_in("c", "parent_id", seeds)],
            )
        };
        self.closure(vec![base], "clauses", "c", "parent_id", "id")
    }

    /// Everything reachable from `seeds` by following the link `table` from
    /// its column `from` to its column `to`, again and again (a recursive
    /// CTE): `SELECT q.id FROM rN q`.
    fn closure(
        &mut self,
        seeds: Vec<Select>,
        table: &'static str,
        alias: &'static str,
        from: &'static str,
        to: &'static str,
    ) -> Select {
        // Read under the alias of a subquery when the seeds read one, so that
        // whoever reads this list twice knows it holds one.
        let reader = if seeds.iter().any(|s| s.mentions(SUBQUERY)) {
            SUBQUERY
        } else {
            "q"
        };
        let name = self.cte_union("id", seeds, |me| {
            Some(Select::from_cte(col(alias, to), me, "s").join(
                table,
                alias,
                Expr::eq(col(alias, from), col("s", "id")),
            ))
        });
        Select::from_cte(col(reader, "id"), &name, reader)
    }

    /// Actors and everyone who represents them, transitively.
    fn speakers(&mut self, actors: &[Source]) -> Select {
        let seeds = self.ids_of("actors", actors);
        self.closure(
            vec![seeds],
            "representations",
            "r",
            "represented_id",
            "actor_id",
        )
    }

    /// The actors of `seeds` and everyone they speak for, transitively
    /// (Lavrov's citations are Russia's too).
    fn and_represented(&mut self, seeds: Vec<Select>) -> Select {
        self.closure(seeds, "representations", "r", "actor_id", "represented_id")
    }

    /// Documents authored by the actors (or their representatives).
    fn authored(&mut self, actors: &[Source]) -> Select {
        let who = self.speakers(actors);
        Select::from_table(
            col("da", "document_id"),
            "document_authors",
            "da",
            vec![id_in("da", "actor_id", who)],
        )
    }

    fn in_filter(&mut self, set: Set, t: &Targets) -> Expr {
        match set {
            Set::Citations => {
                let mut any = Vec::new();
                if !t.documents.is_empty() {
                    let docs = self.ids_of("documents", &t.documents);
                    any.push(id_in(T, "from_document_id", docs));
                }
                if !t.clauses.is_empty() {
                    // Through the citations' ids (never NULL), so that `not from X`
                    // keeps the citations made outside any clause.
                    let cl = self.clause_ids(&t.clauses, true);
                    let within = Select::from_table(
                        col("ci", "id"),
                        "citations",
                        "ci",
                        vec![id_in("ci", "from_clause_id", cl)],
                    );
                    any.push(id_in(T, "id", within));
                }
                Expr::or(any)
            }
            Set::Actors => {
                let groups = self.ids_of("actors", &t.actors);
                let base = Select::from_table(
                    col("m", "member_id"),
                    "memberships",
                    "m",
                    vec![id_in("m", "group_id", groups)],
                );
                let members = self.closure(vec![base], "memberships", "m", "group_id", "member_id");
                id_in(T, "id", members)
            }
            Set::Principles => {
                let mut any = Vec::new();
                if !t.documents.is_empty() {
                    let docs = self.ids_of("documents", &t.documents);
                    let s = Select::from_table(
                        col("cp", "principle_id"),
                        "clause_principles",
                        "cp",
                        vec![id_in("c", "document_id", docs)],
                    )
                    .join(
                        "clauses",
                        "c",
                        Expr::eq(col("c", "id"), col("cp", "clause_id")),
                    );
                    any.push(id_in(T, "id", s));
                }
                if !t.clauses.is_empty() {
                    let cl = self.clause_ids(&t.clauses, true);
                    any.push(id_in(
                        T,
                        "id",
                        Select::from_table(
                            col("cp", "principle_id"),
                            "clause_principles",
                            "cp",
                            vec![id_in("cp", "clause_id", cl)],
                        ),
                    ));
                }
                Expr::or(any)
            }
            _ => {
                let mut any = Vec::new();
                if !t.documents.is_empty() {
                    let docs = self.ids_of("documents", &t.documents);
                    any.push(id_in(T, "document_id", docs));
                }
                if !t.clauses.is_empty() {
                    let under = self.clause_ids(&t.clauses, false);
                    any.push(id_in(T, "id", under));
                }
                Expr::or(any)
            }
        }
    }

    fn by_filter(&mut self, set: Set, t: &Targets) -> Expr {
        match set {
            Set::Citations => {
                let who = self.speakers(&t.actors);
                id_in(
                    T,
                    "id",
                    Select::from_table(
                        col("ca", "citation_id"),
                        "citation_actors",
                        "ca",
                        vec![id_in("ca", "actor_id", who)],
                    ),
                )
            }
            Set::Clauses => {
                let docs = self.authored(&t.actors);
                id_in(T, "document_id", docs)
            }
            _ => {
                let docs = self.authored(&t.actors);
                id_in(T, "id", docs)
            }
        }
    }

    /// A condition on citation `ci`: made by these actors, or from these documents or clauses.
    pub(super) fn made_by(&mut self, t: &Targets) -> Expr {
        let mut any = Vec::new();
        if !t.actors.is_empty() {
            let who = self.speakers(&t.actors);
            any.push(id_in(
                "ci",
                "id",
                Select::from_table(
                    col("ca", "citation_id"),
                    "citation_actors",
                    "ca",
                    vec![id_in("ca", "actor_id", who)],
                ),
            ));
        }
        self.made_in(t, &mut any);
        Expr::or(any)
    }

    /// Adds to `any` the condition that citation `ci` stands in the documents
    /// or clauses of `t`.
    fn made_in(&mut self, t: &Targets, any: &mut Vec<Expr>) {
        if !t.documents.is_empty() {
            let docs = self.ids_of("documents", &t.documents);
            any.push(id_in("ci", "from_document_id", docs));
        }
        if !t.clauses.is_empty() {
            let cl = self.clause_ids(&t.clauses, true);
            any.push(id_in("ci", "from_clause_id", cl));
        }
    }

    /// The documents cited (directly or through a clause) by citations
    /// meeting `cond`: two lists, each read through its own index; or, when
    /// `cond` holds a subquery, one list that reads it once (see
    /// [`Gen::cites_documents`]).
    fn cited_documents(cond: &Expr) -> Vec<Select> {
        if cond.mentions(SUBQUERY) {
            let either = Expr::Coalesce(
                Box::new(col("ci", "to_document_id")),
                Box::new(col("c", "document_id")),
            );
            return vec![citations_where(either, cond.clone()).left_join_one(
                "clauses",
                "c",
                Expr::eq(col("c", "id"), col("ci", "to_clause_id")),
            )];
        }
        let direct = citations_where(or_zero(col("ci", "to_document_id")), cond.clone());
        let via = citations_where(col("c", "document_id"), cond.clone()).join(
            "clauses",
            "c",
            Expr::eq(col("c", "id"), col("ci", "to_clause_id")),
        );
        vec![direct, via]
    }

    fn cited_by(&mut self, set: Set, t: &Targets) -> Expr {
        // Clauses and principles cited by actors come from the derived
        // tables of schema/derive.sql (`SELECT x.clause_id FROM
        // actor_cited_clauses x WHERE x.actor_id IN (the speakers)`), not
        // from each of their citations; those cited from documents or
        // clauses, from the citations.
        let derived = match set {
            Set::Clauses => Some(("actor_cited_clauses", "clause_id")),
            Set::Principles => Some(("actor_cited_principles", "principle_id")),
            _ => None,
        };
        let Some((table, column)) = derived else {
            let cond = self.made_by(t);
            return self.cited_by_citations(set, cond);
        };
        let mut any = Vec::new();
        if !t.actors.is_empty() {
            let who = self.speakers(&t.actors);
            let cited = Select::from_table(
                col("x", column),
                table,
                "x",
                vec![id_in("x", "actor_id", who)],
            );
            any.push(id_in(T, "id", cited));
        }
        let mut within = Vec::new();
        self.made_in(t, &mut within);
        if !within.is_empty() {
            any.push(self.cited_by_citations(set, Expr::or(within)));
        }
        Expr::or(any)
    }

    /// The rows of `set` cited by the citations meeting `cond`.
    fn cited_by_citations(&mut self, set: Set, cond: Expr) -> Expr {
        match set {
            Set::Clauses => id_in(
                T,
                "id",
                citations_where(or_zero(col("ci", "to_clause_id")), cond),
            ),
            Set::Principles if cond.mentions(SUBQUERY) => {
                // One list, reading the subquery once (see `cites_documents`).
                let either = Expr::Coalesce(
                    Box::new(col("ci", "to_principle_id")),
                    Box::new(col("cp", "principle_id")),
                );
                let cited = citations_where(either, cond).left_join(
                    "clause_principles",
                    "cp",
                    Expr::eq(col("cp", "clause_id"), col("ci", "to_clause_id")),
                );
                id_in(T, "id", cited)
            }
            Set::Principles => {
                let direct = citations_where(or_zero(col("ci", "to_principle_id")), cond.clone());
                let via = citations_where(col("cp", "principle_id"), cond).join(
                    "clause_principles",
                    "cp",
                    Expr::eq(col("cp", "clause_id"), col("ci", "to_clause_id")),
                );
                Expr::or(vec![id_in(T, "id", direct), id_in(T, "id", via)])
            }
            Set::Actors => {
                let docs = Self::cited_documents(&cond)
                    .into_iter()
                    .map(|s| id_in("da", "document_id", s))
                    .collect();
                let authors = Select::from_table(
                    col("da", "actor_id"),
                    "document_authors",
                    "da",
                    vec![Expr::or(docs)],
                );
                id_in(T, "id", self.and_represented(vec![authors]))
            }
            _ => Expr::or(
                Self::cited_documents(&cond)
                    .into_iter()
                    .map(|s| id_in(T, "id", s))
                    .collect(),
            ),
        }
    }

    /// A condition on citation `ci`: its target is one of `t` (its principles
    /// only when `principles`).
    fn cites(&mut self, t: &Targets, principles: bool) -> Vec<Expr> {
        let mut any = Vec::new();
        if !t.clauses.is_empty() {
            let cl = self.clause_ids(&t.clauses, true);
            any.push(id_in("ci", "to_clause_id", cl));
        }
        if !t.documents.is_empty() {
            let docs = self.ids_of("documents", &t.documents);
            let conds = self.cites_documents(docs);
            any.extend(conds);
        }
        if !t.actors.is_empty() {
            let docs = self.authored(&t.actors);
            let conds = self.cites_documents(docs);
            any.extend(conds);
        }
        if principles && !t.principles.is_empty() {
            let p = self.ids_of("principles", &t.principles);
            if p.mentions(SUBQUERY) {
                // Read once (see `cites_documents`).
                any.push(self.cites_or_their_clauses(
                    p,
                    "to_principle_id",
                    "clause_principles",
                    "cp",
                    "principle_id",
                    "clause_id",
                ));
                return any;
            }
            let tagged = Select::from_table(
                col("cp", "clause_id"),
                "clause_principles",
                "cp",
                vec![id_in("cp", "principle_id", p.clone())],
            );
            any.push(id_in("ci", "to_principle_id", p));
            any.push(id_in("ci", "to_clause_id", tagged));
        }
        any
    }

    fn citing(&mut self, set: Set, t: &Targets) -> Expr {
        if set == Set::Actors {
            return self.actors_citing(t);
        }
        let conds = self.cites(t, true);
        // One membership test per kind of target: an OR inside one subquery
        // would make SQLite read every citation.
        let per = |column: Expr, conds: Vec<Expr>| {
            Expr::or(
                conds
                    .into_iter()
                    .map(|c| {
                        id_in(
                            T,
                            "id",
                            Select::from_table(column.clone(), "citations", "ci", vec![c]),
                        )
                    })
                    .collect(),
            )
        };
        match set {
            Set::Clauses => per(or_zero(col("ci", "from_clause_id")), conds),
            _ => per(col("ci", "from_document_id"), conds),
        }
    }

    /// The makers of the citations of each kind of target, each read through
    /// that kind's index alone, and everyone they speak for. The makers of
    /// citations of principles (of the principles themselves and of every
    /// clause tagged with them, often a great many) come from the derived
    /// table `actor_cited_principles`.
    fn actors_citing(&mut self, t: &Targets) -> Expr {
        let mut makers = Vec::new();
        if !t.principles.is_empty() {
            let p = self.ids_of("principles", &t.principles);
            makers.push(Select::from_table(
                col("x", "actor_id"),
                "actor_cited_principles",
                "x",
                vec![id_in("x", "principle_id", p)],
            ));
        }
        for c in self.cites(t, false) {
            makers.push(
                Select::from_table(col("ca", "actor_id"), "citation_actors", "ca", vec![c]).join(
                    "citations",
                    "ci",
                    Expr::eq(col("ci", "id"), col("ca", "citation_id")),
                ),
            );
        }
        id_in(T, "id", self.and_represented(makers))
    }

    fn relation(&mut self, rtype: &str, inverse: bool, transitive: bool, target: &Targets) -> Expr {
        let docs = self.ids_of("documents", &target.documents);
        // Forward: rows that relate to the target (`from` = row); inverse: the other way.
        let (row, other) = if inverse {
            ("to_id", "from_id")
        } else {
            ("from_id", "to_id")
        };
        let ty = self.text(rtype);
        let base = Select::from_table(
            col("r", row),
            "relations",
            "r",
            vec![
                Expr::eq(col("r", "type"), ty.clone()),
                id_in("r", other, docs),
            ],
        );
        if !transitive {
            return id_in(T, "id", base);
        }
        let reader = if base.mentions(SUBQUERY) {
            SUBQUERY
        } else {
            "q"
        };
        let name = self.cte("id", base, |me| {
            Some(Select::from_cte(col("r", row), me, "c").join(
                "relations",
                "r",
                Expr::and(vec![
                    Expr::eq(col("r", other), col("c", "id")),
                    Expr::eq(col("r", "type"), ty),
                ]),
            ))
        });
        id_in(T, "id", Select::from_cte(col(reader, "id"), &name, reader))
    }
}
