//! The fields of each set: their names, what their values are, and which are
//! shown by default. The one table both the resolver (names, types) and the
//! REPL (completion, `.fields`) read.

use super::plan::{Field, Set};

/// What the values of a field are, for parsing and resolving a compared value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Number,
    Date,
    Bool,
    /// Values are actor ids (names resolve like targets).
    Actor,
    Document,
    Principle,
    /// A clause reference `doc#label`.
    ClauseRef,
    /// A citation end: a clause, a document or a principle.
    Target,
}

/// One field of a set.
#[derive(Debug, Clone, Copy)]
pub struct FieldDef {
    pub name: &'static str,
    pub field: Field,
    pub kind: Kind,
    /// Many values per row (compares as "any value").
    pub many: bool,
    pub help: &'static str,
}

const fn f(
    name: &'static str,
    field: Field,
    kind: Kind,
    many: bool,
    help: &'static str,
) -> FieldDef {
    FieldDef {
        name,
        field,
        kind,
        many,
        help,
    }
}

use Field::*;
use Kind::*;

const DOCUMENTS: &[FieldDef] = &[
    f("id", DocId, Text, false, "the document's id"),
    f("title", DocTitle, Text, false, "its title"),
    f(
        "kind",
        DocKind,
        Text,
        false,
        "statement, treaty, charter, declaration, ...",
    ),
    f("date", DocDate, Date, false, "YYYY, YYYY-MM or YYYY-MM-DD"),
    f("place", DocPlace, Text, false, "where it was made"),
    f("author", DocAuthor, Actor, true, "an author (actor id)"),
    f(
        "alias",
        DocAlias,
        Text,
        true,
        "a name other texts call it by",
    ),
    f("language", DocLanguage, Text, false, "language code"),
    f(
        "excerpt",
        DocExcerpt,
        Bool,
        false,
        "true when only part of the text is stored",
    ),
    f("source", DocSource, Text, false, "where the original is"),
    f(
        "clauses",
        DocClauses,
        Number,
        false,
        "how many clauses it has",
    ),
];

const CLAUSES: &[FieldDef] = &[
    f("ref", Field::ClauseRef, Kind::ClauseRef, false, "doc#label"),
    f(
        "label",
        ClauseLabel,
        Text,
        false,
        "the label within its document",
    ),
    f(
        "document",
        ClauseDocument,
        Document,
        false,
        "its document's id",
    ),
    f("text", ClauseText, Text, false, "its words"),
    f(
        "principle",
        ClausePrinciple,
        Principle,
        true,
        "a principle it expresses",
    ),
    f("date", ClauseDate, Date, false, "its document's date"),
    f("kind", ClauseKind, Text, false, "its document's kind"),
    f("title", ClauseTitle, Text, false, "its heading, if any"),
    f(
        "parent",
        ClauseParent,
        Kind::ClauseRef,
        false,
        "the clause it lies under",
    ),
    f(
        "speaker",
        ClauseSpeaker,
        Text,
        false,
        "in a transcript, the speaker's label (`Question`)",
    ),
];

const ACTORS: &[FieldDef] = &[
    f("id", ActorId, Text, false, "the actor's id"),
    f("name", ActorName, Text, false, "display name"),
    f(
        "kind",
        ActorKind,
        Text,
        false,
        "person, state, organization, group, other",
    ),
    f("role", ActorRole, Text, false, "office or function"),
    f("alias", ActorAlias, Text, true, "another name"),
    f(
        "member-of",
        ActorMemberOf,
        Actor,
        true,
        "a group it belongs to",
    ),
    f(
        "represents",
        ActorRepresents,
        Actor,
        true,
        "an actor it speaks for",
    ),
];

const PRINCIPLES: &[FieldDef] = &[
    f("id", PrincipleId, Text, false, "the principle's id"),
    f("name", PrincipleName, Text, false, "its name"),
    f(
        "description",
        PrincipleDescription,
        Text,
        false,
        "what it means",
    ),
    f(
        "clauses",
        PrincipleClauses,
        Number,
        false,
        "how many clauses express it",
    ),
];

const CITATIONS: &[FieldDef] = &[
    f("id", CitationId, Number, false, "the citation's number"),
    f(
        "from",
        CitationFrom,
        Kind::ClauseRef,
        false,
        "the citing clause (doc#label), or the document when no clause is known; `from = DOC` matches every citation made in DOC",
    ),
    f(
        "to",
        CitationTo,
        Target,
        false,
        "the cited clause, document or principle",
    ),
    f("by", CitationBy, Actor, true, "an actor who made it"),
    f("quote", CitationQuote, Text, false, "the words quoted"),
    f(
        "stance",
        CitationStance,
        Text,
        false,
        "invokes, disputes, reports, mentions, ...",
    ),
    f(
        "source",
        CitationSource,
        Document,
        false,
        "the document that reports it",
    ),
    f(
        "date",
        CitationDate,
        Date,
        false,
        "the citing document's date",
    ),
    f(
        "method",
        CitationMethod,
        Text,
        false,
        "curated, alias, clause-ref, quote-exact, ...",
    ),
    f("confidence", CitationConfidence, Number, false, "0 to 1"),
    f("note", CitationNote, Text, false, "the curator's note"),
    f(
        "named",
        CitationNamed,
        Text,
        false,
        "for a reference without a target: the document it names, which the store lacks",
    ),
    f(
        "label",
        CitationLabel,
        Text,
        false,
        "a label it cites that the store does not hold (`72`, `2.4`)",
    ),
    f(
        "diff",
        CitationDiff,
        Text,
        false,
        "a found quotation's verdict and changed words (JSON)",
    ),
];

/// The fields of `set`, in the order `.fields` lists them.
pub fn fields(set: Set) -> &'static [FieldDef] {
    match set {
        Set::Documents | Set::Statements => DOCUMENTS,
        Set::Clauses => CLAUSES,
        Set::Actors => ACTORS,
        Set::Principles => PRINCIPLES,
        Set::Citations => CITATIONS,
    }
}

/// Looks a field up by name (case-insensitive).
pub fn lookup(set: Set, name: &str) -> Option<&'static FieldDef> {
    fields(set)
        .iter()
        .find(|d| d.name.eq_ignore_ascii_case(name))
}

/// The definition of a field.
pub fn def(field: Field) -> &'static FieldDef {
    [DOCUMENTS, CLAUSES, ACTORS, PRINCIPLES, CITATIONS]
        .iter()
        .flat_map(|t| t.iter())
        .find(|d| d.field == field)
        .unwrap_or(&COUNT)
}

static COUNT: FieldDef = f("count", Field::Count, Number, false, "rows in the group");

/// The columns a set shows when the query has no `select`.
pub fn default_columns(set: Set) -> Vec<Field> {
    match set {
        Set::Documents | Set::Statements => vec![DocId, DocTitle, DocKind, DocDate, DocAuthor],
        Set::Clauses => vec![Field::ClauseRef, ClauseText, ClausePrinciple],
        Set::Actors => vec![
            ActorId,
            ActorName,
            ActorKind,
            ActorRepresents,
            ActorMemberOf,
        ],
        Set::Principles => vec![PrincipleId, PrincipleName, PrincipleClauses],
        Set::Citations => vec![
            CitationFrom,
            CitationTo,
            CitationBy,
            CitationStance,
            CitationQuote,
        ],
    }
}
