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
        // `clauses.document_id` is a `NOT NULL` foreign key: one document per clause.
        // Outer for the same reason as a citation's document below: the clauses stay
        // the outer loop, read in order, so that `limit` stops early.
        Set::Clauses => Select::from_table(Expr::Star, "clauses", t, vec![]).left_join_one(
            "documents",
            "d",
            Expr::eq(Expr::col("d", "id"), Expr::col(t, "document_id")),
        ),
        Set::Actors => Select::from_table(Expr::Star, "actors", t, vec![]),
        Set::Principles => Select::from_table(Expr::Star, "principles", t, vec![]),
        // Every citation has a citing document: the outer join keeps the same rows, and
        // keeps the citations the outer loop (in id order, so `limit` stops early) unless
        // a condition on the document makes it an inner join the planner may turn round.
        Set::Citations => Select::from_table(Expr::Star, "citations", t, vec![]).left_join_one(
            "documents",
            "fd",
            Expr::eq(Expr::col("fd", "id"), Expr::col(t, "from_document_id")),
        ),
    }
}

/// How a many-valued field's values hang off a row: a link table holding
/// (owner, key) pairs, each pair at most once (its primary key), and the
/// value either the key itself or a column of the table the key points into.
#[derive(Debug, Clone, Copy)]
pub struct Link {
    pub table: &'static str,
    pub alias: &'static str,
    /// The column holding the row's id.
    pub owner: &'static str,
    /// The column holding the value, or the id of the row that has it.
    pub key: &'static str,
    /// `(table, alias, column)` of the value when `key` is an id.
    pub value: Option<(&'static str, &'static str, &'static str)>,
    /// `(table, column)` of a derived table that holds, for the whole table
    /// of owners, each key's number of owners in `column` (the key in a
    /// column named as `key`, NULL for the owners without one): `count by`
    /// over every row reads it instead of the link table.
    pub totals: Option<(&'static str, &'static str)>,
}

impl Link {
    /// The value, as an expression over the link (and value table) aliases.
    pub fn value_expr(&self) -> Expr {
        match self.value {
            Some((_, alias, column)) => Expr::col(alias, column),
            None => Expr::col(self.alias, self.key),
        }
    }
}

/// The link of a many-valued field (`None` for a one-valued field).
pub fn link(field: Field) -> Option<Link> {
    let l = |table, alias, owner, key, value| Link {
        table,
        alias,
        owner,
        key,
        value,
        totals: None,
    };
    Some(match field {
        Field::DocAuthor => l(
            "document_authors",
            "da",
            "document_id",
            "actor_id",
            Some(("actors", "a", "slug")),
        ),
        Field::DocAlias => l("document_aliases", "x", "document_id", "alias", None),
        Field::ClausePrinciple => l(
            "clause_principles",
            "cp",
            "clause_id",
            "principle_id",
            Some(("principles", "p", "slug")),
        ),
        Field::ActorAlias => l("actor_aliases", "x", "actor_id", "alias", None),
        Field::ActorMemberOf => l(
            "memberships",
            "m",
            "member_id",
            "group_id",
            Some(("actors", "g", "slug")),
        ),
        Field::ActorRepresents => l(
            "representations",
            "r",
            "actor_id",
            "represented_id",
            Some(("actors", "g", "slug")),
        ),
        Field::CitationBy => Link {
            totals: Some(("actor_citation_counts", "citations")),
            ..l(
                "citation_actors",
                "ca",
                "citation_id",
                "actor_id",
                Some(("actors", "a", "slug")),
            )
        },
        _ => return None,
    })
}

/// A many-valued field: the values of row `t`, as `SELECT value FROM ... WHERE <link to t>`.
pub fn many(field: Field) -> Option<Select> {
    let k = link(field)?;
    let s = Select::from_table(
        k.value_expr(),
        k.table,
        k.alias,
        vec![Expr::eq(Expr::col(k.alias, k.owner), Expr::col(T, "id"))],
    );
    Some(match k.value {
        Some((table, alias, _)) => s.join(
            table,
            alias,
            Expr::eq(Expr::col(alias, "id"), Expr::col(k.alias, k.key)),
        ),
        None => s,
    })
}

/// The separator of a many-valued field's values as a column holds them:
/// `, ` for the lists stored with the row (slugs), the unit separator (U+001F)
/// for those joined by the query (an alias may hold `, `); `None` for a
/// one-valued field.
pub fn separator(field: Field) -> Option<&'static str> {
    match field {
        Field::ClausePrinciple | Field::CitationBy => Some(", "),
        f if crate::resolve::fields::def(f).many => Some(JOINED_SEPARATOR),
        _ => None,
    }
}

/// What [`joined`] puts between values (`group_concat(v, char(31))`).
pub const JOINED_SEPARATOR: &str = "\u{1f}";

/// The values of a many-valued field joined into one string, separated by
/// [`JOINED_SEPARATOR`].
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
        Field::ClauseSpeaker => c("speaker"),
        Field::ClauseParent => clause_ref(c("parent_id")),
        // Stored as shown, like a citation's ends (see the schema).
        Field::ClausePrinciple => c("principle_list"),
        Field::ActorName | Field::PrincipleName => c("name"),
        Field::ActorRole => c("role"),
        Field::PrincipleDescription => c("description"),
        Field::PrincipleClauses => count_of("clause_principles", "principle_id"),
        Field::CitationId => c("id"),
        // A citation's ends and makers are stored as shown (see the schema).
        Field::CitationFrom => c("from_ref"),
        Field::CitationTo => c("to_ref"),
        Field::CitationBy => c("by_list"),
        Field::CitationQuote => c("quote"),
        Field::CitationStance => c("stance"),
        Field::CitationSource => doc_slug(c("source_document_id")),
        Field::CitationDate => Expr::col("fd", "date"),
        Field::CitationMethod => c("method"),
        Field::CitationConfidence => c("confidence"),
        Field::CitationNote => c("note"),
        Field::CitationDiff => c("diff"),
        Field::CitationNamed => c("to_name"),
        Field::CitationLabel => c("to_label"),
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
