//! The resolved query: every name looked up, every field checked.
//!
//! A [`Plan`] says what to compute in the store's own terms (canonical ids,
//! known fields, relation types); the SQL generator turns it into SQL without
//! having to know any name the user typed.

pub use crate::syntax::ast::SetName as Set;

/// A resolved query.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub set: Set,
    pub filters: Vec<Filter>,
    pub cond: Option<Cond>,
    pub order: Vec<(Field, bool)>,
    pub limit: Option<u64>,
    pub offset: Option<u64>,
    pub output: Output,
    /// What the query runs despite: a value no row has (with the value meant),
    /// a range that holds nothing.
    pub warnings: Vec<super::ResolveError>,
    /// `principles cited-by X` with the default columns: X, so that each row
    /// also says how X reached the principle (cited directly, or through which
    /// clauses that express it).
    pub via: Option<Targets>,
}

/// What the query returns.
#[derive(Debug, Clone, PartialEq)]
pub enum Output {
    /// The rows with these columns (the set's defaults unless `select` chose).
    Rows(Vec<Field>),
    Count,
    /// `count by` these fields (one or more).
    CountBy(Vec<Field>),
    /// `compare`: for each clause, its ref and text, then per actor (named by its
    /// id) the number of citations of that clause it made, then its principles.
    Compare(Vec<(String, Targets)>),
}

/// A relation filter, perhaps negated.
#[derive(Debug, Clone, PartialEq)]
pub struct Filter {
    pub negated: bool,
    pub kind: FilterKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum FilterKind {
    /// clauses: in a document or under a clause; actors: members of;
    /// principles: expressed in a document or clause.
    In(Targets),
    /// Authored or made by these actors or any that represent them.
    By(Targets),
    CitedBy(Targets),
    /// `cited-by!`: the row itself is the citation's target (a principle not
    /// through a clause that expresses it, a document not through its clauses).
    CitedDirectly(Targets),
    Citing(Targets),
    Expressing(Targets),
    /// A relation of `rtype` from the row to the target (or the reverse).
    Relation {
        rtype: String,
        inverse: bool,
        transitive: bool,
        target: Targets,
    },
    /// The row's date lies after `after` and before `before` (`YYYY-MM-DD`
    /// days; `true`: the day itself is included).
    Dates {
        after: Option<(String, bool)>,
        before: Option<(String, bool)>,
    },
}

/// A resolved target: things of one or more kinds, any of which will do.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Targets {
    pub actors: Vec<Source>,
    pub documents: Vec<Source>,
    pub clauses: Vec<Source>,
    pub principles: Vec<Source>,
}

impl Targets {
    pub fn is_empty(&self) -> bool {
        self.actors.is_empty()
            && self.documents.is_empty()
            && self.clauses.is_empty()
            && self.principles.is_empty()
    }

    /// Adds everything of `other`.
    pub fn extend(&mut self, other: Targets) {
        self.actors.extend(other.actors);
        self.documents.extend(other.documents);
        self.clauses.extend(other.clauses);
        self.principles.extend(other.principles);
    }
}

/// Where the ids of a target come from.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// A canonical id (slug) of an actor, document or principle.
    Id(String),
    /// A clause by document id and label.
    Clause(String, String),
    /// The rows of a subquery (of the target's kind).
    Query(Box<Plan>),
}

/// A `where` condition over fields.
#[derive(Debug, Clone, PartialEq)]
pub enum Cond {
    And(Vec<Cond>),
    Or(Vec<Cond>),
    Not(Box<Cond>),
    Cmp {
        field: Field,
        op: CmpOp,
        value: Value,
    },
    Matches {
        field: Field,
        query: String,
    },
    In {
        field: Field,
        negated: bool,
        values: Vec<Value>,
    },
    IsNull {
        field: Field,
        negated: bool,
    },
}

pub use crate::syntax::ast::CmpOp;

/// A value to compare with, already in the store's terms.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(String),
    Number(f64),
    /// A date as its first and last day.
    Date {
        start: String,
        end: String,
    },
}

/// A field of a set. The name is what users write; [`super::fields`] lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    // documents (and statements)
    DocId,
    DocTitle,
    DocKind,
    DocDate,
    DocPlace,
    DocAuthor,
    DocAlias,
    DocLanguage,
    DocExcerpt,
    DocSource,
    DocClauses,
    // clauses
    ClauseRef,
    ClauseLabel,
    ClauseDocument,
    ClauseText,
    ClausePrinciple,
    ClauseDate,
    ClauseKind,
    ClauseTitle,
    ClauseSpeaker,
    ClauseParent,
    // actors
    ActorId,
    ActorName,
    ActorKind,
    ActorRole,
    ActorAlias,
    ActorMemberOf,
    ActorRepresents,
    // principles
    PrincipleId,
    PrincipleName,
    PrincipleDescription,
    PrincipleClauses,
    // citations
    CitationId,
    CitationFrom,
    CitationTo,
    CitationBy,
    CitationQuote,
    CitationStance,
    CitationSource,
    CitationDate,
    CitationMethod,
    CitationConfidence,
    CitationNote,
    CitationDiff,
    CitationNamed,
    CitationLabel,
    // count by
    Count,
}
