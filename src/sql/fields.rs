//! The SQL of each field: a scalar expression over the row `t` (and the
//! joins of its set), or, for many-valued fields, the rows of its values.

use super::tree::{Expr, Func, Select};
use crate::resolve::plan::{Field, Set};

/// The alias of the query's main row.
pub const T: &str = "t";

/// The tables every query of `set` starts from: `FROM table t [JOIN ...]`.
pub fn base(set: Set) -> Select {
    let t = T;
    match set {
        Set::Documents | Set::Statements => Select::from_table(Expr::Star, "documents", t, vec![]),
        Set::Clauses => Select::from_table(Expr::Star, "clauses", t, vec![]).join(
            "documents",
            "d",
            Expr::eq(Expr::col("d", "id"), Expr::col(t, "document_id")),
        ),
        Set::Actors => Select::from_table(Expr::Star, "actors", t, vec![]),
        Set::Principles => Select::from_table(Expr::Star, "principles", t, vec![]),
        // Every citation has a citing document: the outer join keeps the same rows, and
        // keeps the citations the outer loop (in id order, so `limit` stops early) unless
        // a condition on the document makes it an inner join the planner may turn round.
        Set::Citations => Select::from_table(Expr::Star, "citations", t, vec![]).left_join(
            "documents",
            "fd",
            Expr::eq(Expr::col("fd", "id"), Expr::col(t, "from_document_id")),
        ),
    }
}

/// A many-valued field: the values of row `t`, as `SELECT value FROM ... WHERE <link to t>`.
pub fn many(field: Field) -> Option<Select> {
    let t = T;
    let s = match field {
        Field::DocAuthor => Select::from_table(
            Expr::col("a", "slug"),
            "document_authors",
            "da",
            vec![Expr::eq(Expr::col("da", "document_id"), Expr::col(t, "id"))],
        )
        .join(
            "actors",
            "a",
            Expr::eq(Expr::col("a", "id"), Expr::col("da", "actor_id")),
        ),
        Field::DocAlias => Select::from_table(
            Expr::col("x", "alias"),
            "document_aliases",
            "x",
            vec![Expr::eq(Expr::col("x", "document_id"), Expr::col(t, "id"))],
        ),
        Field::ClausePrinciple => Select::from_table(
            Expr::col("p", "slug"),
            "clause_principles",
            "cp",
            vec![Expr::eq(Expr::col("cp", "clause_id"), Expr::col(t, "id"))],
        )
        .join(
            "principles",
            "p",
            Expr::eq(Expr::col("p", "id"), Expr::col("cp", "principle_id")),
        ),
        Field::ActorAlias => Select::from_table(
            Expr::col("x", "alias"),
            "actor_aliases",
            "x",
            vec![Expr::eq(Expr::col("x", "actor_id"), Expr::col(t, "id"))],
        ),
        Field::ActorMemberOf => Select::from_table(
            Expr::col("g", "slug"),
            "memberships",
            "m",
            vec![Expr::eq(Expr::col("m", "member_id"), Expr::col(t, "id"))],
        )
        .join(
            "actors",
            "g",
            Expr::eq(Expr::col("g", "id"), Expr::col("m", "group_id")),
        ),
        Field::ActorRepresents => Select::from_table(
            Expr::col("g", "slug"),
            "representations",
            "r",
            vec![Expr::eq(Expr::col("r", "actor_id"), Expr::col(t, "id"))],
        )
        .join(
            "actors",
            "g",
            Expr::eq(Expr::col("g", "id"), Expr::col("r", "represented_id")),
        ),
        Field::CitationBy => Select::from_table(
            Expr::col("a", "slug"),
            "citation_actors",
            "ca",
            vec![Expr::eq(Expr::col("ca", "citation_id"), Expr::col(t, "id"))],
        )
        .join(
            "actors",
            "a",
            Expr::eq(Expr::col("a", "id"), Expr::col("ca", "actor_id")),
        ),
        _ => return None,
    };
    Some(s)
}

/// The values of a many-valued field joined into one string, `', '`-separated.
pub fn joined(field: Field) -> Option<Expr> {
    let mut s = many(field)?;
    let value = s.columns.pop()?.0;
    // Order the values inside a subquery: SQLite 3.40 has no ORDER BY inside aggregates.
    s.columns = vec![(value.clone(), Some("v".into()))];
    s.order_by = vec![(value, false)];
    let outer = Select {
        columns: vec![(
            Expr::Func(Func::GroupConcat, Box::new(Expr::Name("v"))),
            None,
        )],
        from: vec![super::tree::From::Sub {
            select: Box::new(s),
            alias: "o",
        }],
        ..Select::default()
    };
    Some(Expr::Scalar(Box::new(outer)))
}

fn doc_slug(id_col: Expr) -> Expr {
    Expr::Scalar(Box::new(Select::from_table(
        Expr::col("x", "slug"),
        "documents",
        "x",
        vec![Expr::eq(Expr::col("x", "id"), id_col)],
    )))
}

/// `doc#label` of the clause whose id is `id_col`.
fn clause_ref(id_col: Expr) -> Expr {
    let s = Select::from_table(
        Expr::Concat(vec![
            Expr::col("xd", "slug"),
            Expr::Const("#"),
            Expr::col("xc", "label"),
        ]),
        "clauses",
        "xc",
        vec![Expr::eq(Expr::col("xc", "id"), id_col)],
    )
    .join(
        "documents",
        "xd",
        Expr::eq(Expr::col("xd", "id"), Expr::col("xc", "document_id")),
    );
    Expr::Scalar(Box::new(s))
}

/// The scalar SQL of a single-valued field over row `t`.
pub fn scalar(field: Field) -> Expr {
    let t = T;
    let c = |col| Expr::col(t, col);
    match field {
        Field::DocId | Field::ActorId | Field::PrincipleId => c("slug"),
        Field::DocTitle => c("title"),
        Field::DocKind | Field::ActorKind => c("kind"),
        Field::DocDate => c("date"),
        Field::DocPlace => c("place"),
        Field::DocLanguage => c("language"),
        Field::DocExcerpt => c("excerpt"),
        Field::DocSource => c("source"),
        Field::DocClauses => count_of("clauses", "document_id"),
        Field::ClauseRef => {
            Expr::Concat(vec![Expr::col("d", "slug"), Expr::Const("#"), c("label")])
        }
        Field::ClauseLabel => c("label"),
        Field::ClauseDocument => Expr::col("d", "slug"),
        Field::ClauseText => c("text"),
        Field::ClauseDate => Expr::col("d", "date"),
        Field::ClauseKind => Expr::col("d", "kind"),
        Field::ClauseTitle => c("title"),
        Field::ClauseParent => clause_ref(c("parent_id")),
        Field::ActorName | Field::PrincipleName => c("name"),
        Field::ActorRole => c("role"),
        Field::PrincipleDescription => c("description"),
        Field::PrincipleClauses => count_of("clause_principles", "principle_id"),
        Field::CitationId => c("id"),
        Field::CitationFrom => Expr::Case(
            vec![(
                Expr::IsNull(Box::new(c("from_clause_id")), false),
                Expr::col("fd", "slug"),
            )],
            Box::new(clause_ref(c("from_clause_id"))),
        ),
        Field::CitationTo => citation_to(),
        Field::CitationQuote => c("quote"),
        Field::CitationStance => c("stance"),
        Field::CitationSource => doc_slug(c("source_document_id")),
        Field::CitationDate => Expr::col("fd", "date"),
        Field::CitationMethod => c("method"),
        Field::CitationConfidence => c("confidence"),
        Field::CitationNote => c("note"),
        Field::CitationDiff => c("diff"),
        // Many-valued fields shown as one string.
        f => joined(f).unwrap_or(Expr::Null),
    }
}

/// `(SELECT count(*) FROM table x WHERE x.key = t.id)`
fn count_of(table: &'static str, key: &'static str) -> Expr {
    let s = Select::from_table(
        Expr::Func(Func::Count, Box::new(Expr::Star)),
        table,
        "x",
        vec![Expr::eq(Expr::col("x", key), Expr::col(T, "id"))],
    );
    Expr::Scalar(Box::new(s))
}

/// The readable target of a citation: `doc#label`, a principle id, or a document id.
fn citation_to() -> Expr {
    let c = |col| Expr::col(T, col);
    let not_null = |col| Expr::IsNull(Box::new(c(col)), true);
    let principle = Select::from_table(
        Expr::col("x", "slug"),
        "principles",
        "x",
        vec![Expr::eq(Expr::col("x", "id"), c("to_principle_id"))],
    );
    Expr::Case(
        vec![
            (not_null("to_clause_id"), clause_ref(c("to_clause_id"))),
            (
                not_null("to_principle_id"),
                Expr::Scalar(Box::new(principle)),
            ),
            (
                not_null("to_label"),
                Expr::Concat(vec![
                    doc_slug(c("to_document_id")),
                    Expr::Const("#"),
                    c("to_label"),
                ]),
            ),
        ],
        Box::new(doc_slug(c("to_document_id"))),
    )
}

/// The date columns (first and last day) of row `t` of `set`.
pub fn date_bounds(set: Set) -> (Expr, Expr) {
    let alias = match set {
        Set::Documents | Set::Statements => T,
        Set::Clauses => "d",
        _ => "fd",
    };
    (Expr::col(alias, "date_start"), Expr::col(alias, "date_end"))
}

/// The output column name of a field.
pub fn column_name(field: Field) -> &'static str {
    crate::resolve::fields::def(field).name
}
