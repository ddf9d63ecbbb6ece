//! The syntax tree of a script: what the user wrote, owned, with byte spans into the source.
//!
//! In: nothing (types only). Out: the types the parser builds and the resolver reads.
//! Names are not checked here: a relation verb, a field or a target name is only a word until the
//! resolver looks it up in the store's catalog.

use std::fmt;

/// A byte range `start..end` in the source text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    /// The span `start..end`.
    pub const fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    /// The smallest span that covers both.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

/// A node with the span of the text it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spanned<T> {
    pub node: T,
    pub span: Span,
}

/// All statements of a script, in order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Script {
    pub statements: Vec<Statement>,
}

/// One statement; `span` covers it from its first to its last token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub kind: StatementKind,
    pub span: Span,
}

/// What a statement does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatementKind {
    /// `clauses cited-by lavrov`
    Query(Query),
    /// `explain clauses cited-by lavrov`
    Explain(Query),
    /// `show istanbul-charter#8`
    Show(Target),
    /// `let russian = clauses cited-by russia`; later `$russian` stands for the set.
    Let { name: Ident, query: Query },
    /// `compare lavrov, usa in istanbul-charter#8`: what each actor cites of the clauses
    /// under a clause or of a document.
    Compare { actors: Vec<Target>, within: Target },
}

/// A word the user chose: a relation verb, a `let` name, a parameter name (without `$`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// A query: a set, narrowed by filters and a condition, then shaped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    pub set: Spanned<SetName>,
    pub filters: Vec<Filter>,
    pub condition: Option<Cond>,
    /// Empty when the query has no `order by`.
    pub order: Vec<OrderKey>,
    pub limit: Option<Spanned<Count>>,
    pub offset: Option<Spanned<Count>>,
    pub output: Output,
    pub span: Span,
}

/// The six sets a query can start from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SetName {
    Documents,
    Statements,
    Clauses,
    Actors,
    Principles,
    Citations,
}

impl SetName {
    /// All sets, in the order the docs list them.
    pub const ALL: [SetName; 6] = [
        SetName::Documents,
        SetName::Statements,
        SetName::Clauses,
        SetName::Actors,
        SetName::Principles,
        SetName::Citations,
    ];

    /// The canonical (plural) keyword.
    pub fn as_str(self) -> &'static str {
        match self {
            SetName::Documents => "documents",
            SetName::Statements => "statements",
            SetName::Clauses => "clauses",
            SetName::Actors => "actors",
            SetName::Principles => "principles",
            SetName::Citations => "citations",
        }
    }
}

/// A number or a parameter, for `limit` and `offset`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Count {
    Number(u64),
    Param(Ident),
}

/// What the query returns.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Output {
    /// No shaping clause: the rows, with the set's default columns.
    #[default]
    Rows,
    /// `count`; the span is the keyword's.
    Count(Span),
    /// `count by FIELD, ...`
    CountBy(Vec<Field>),
    /// `select FIELD, ...`
    Select(Vec<Field>),
}

/// One `order by` key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderKey {
    pub field: Field,
    pub desc: bool,
}

/// A field name as written; the resolver checks it against the set's fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub name: String,
    pub span: Span,
}

/// A relation filter, perhaps negated: `not cited-by usa`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    pub negated: bool,
    pub kind: FilterKind,
    pub span: Span,
}

/// The filters of the language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FilterKind {
    In(Target),
    By(Target),
    CitedBy(Target),
    Citing(Target),
    Expressing(Target),
    /// `cited-by! lavrov`: cited by X itself, not only through a clause (principles) or
    /// a clause of it (documents).
    CitedDirectly(Target),
    /// `citations from lavrov-2022-01-27#p4`: made in a document or under a clause.
    From(Target),
    /// `reaffirming* istanbul-charter`: any non-keyword word; the resolver checks the verb.
    Relation {
        verb: Ident,
        transitive: bool,
        target: Target,
    },
    Before(DateArg),
    After(DateArg),
    Between(DateArg, DateArg),
}

/// What a filter points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// `lavrov`, `"Sergey Lavrov"`, `actor lavrov`
    Name {
        kind: Option<Spanned<KindPrefix>>,
        name: Name,
    },
    /// `istanbul-charter#8.5` (also written `clause istanbul-charter#8.5`)
    ClauseRef(ClauseRef),
    /// `$name`
    Param(Ident),
    /// `(actors in nato)`
    Subquery(Box<Query>),
    /// `(usa, nato)`: any of them; the span includes the parentheses.
    List(Vec<Target>, Span),
}

/// The kind that settles an ambiguous name: `actor lavrov`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KindPrefix {
    Actor,
    Document,
    Statement,
    Principle,
    Clause,
    /// `show citation 12`: a citation by its number.
    Citation,
}

impl KindPrefix {
    /// The keyword that writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            KindPrefix::Actor => "actor",
            KindPrefix::Document => "document",
            KindPrefix::Statement => "statement",
            KindPrefix::Principle => "principle",
            KindPrefix::Clause => "clause",
            KindPrefix::Citation => "citation",
        }
    }
}

/// A bare word or a double-quoted string naming something.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name {
    /// The text, unescaped if quoted.
    pub text: String,
    pub quoted: bool,
    pub span: Span,
}

/// `DOC#LABEL`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClauseRef {
    pub doc: String,
    pub label: String,
    pub span: Span,
}

/// A calendar date, `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, already validated.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date {
    pub year: u16,
    pub month: Option<u8>,
    pub day: Option<u8>,
}

/// The operand of `before`, `after` and `between`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateArg {
    Date { date: Date, span: Span },
    Param(Ident),
}

/// A `where` condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cond {
    /// At least two alternatives.
    Or(Vec<Cond>),
    /// At least two conjuncts.
    And(Vec<Cond>),
    /// `not C`; the span starts at `not`.
    Not { cond: Box<Cond>, span: Span },
    /// `FIELD OP VALUE`
    Cmp {
        field: Field,
        op: CmpOp,
        value: Value,
        span: Span,
    },
    /// `FIELD matches "fts query"`
    Matches {
        field: Field,
        query: Value,
        span: Span,
    },
    /// `FIELD [not] in (VALUE, ...)`
    In {
        field: Field,
        negated: bool,
        values: Vec<Value>,
        span: Span,
    },
    /// `FIELD is [not] null`
    IsNull {
        field: Field,
        negated: bool,
        span: Span,
    },
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    /// `~`: contains, case-insensitive.
    Contains,
}

impl CmpOp {
    /// The operator as written.
    pub fn as_str(self) -> &'static str {
        match self {
            CmpOp::Eq => "=",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
            CmpOp::Contains => "~",
        }
    }
}

/// A value in a condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// `"..."`, unescaped: any character, including NUL, `'`, `%` and `;`.
    Str {
        text: String,
        span: Span,
    },
    /// A bare word, never a keyword.
    Word {
        text: String,
        span: Span,
    },
    /// `5`, `0.8`, as written (digits with at most one `.`).
    Number {
        text: String,
        span: Span,
    },
    /// `2022-01`, `2022-01-27`; a bare year like `2022` is a `Number` here.
    Date {
        date: Date,
        span: Span,
    },
    Param(Ident),
    ClauseRef(ClauseRef),
}

impl Target {
    /// The span of the whole target.
    pub fn span(&self) -> Span {
        match self {
            Target::Name {
                kind: Some(k),
                name,
            } => k.span.to(name.span),
            Target::Name { kind: None, name } => name.span,
            Target::ClauseRef(r) => r.span,
            Target::Param(p) => p.span,
            Target::Subquery(q) => q.span,
            Target::List(_, span) => *span,
        }
    }
}

impl Cond {
    /// The span of the whole condition (without enclosing parentheses).
    pub fn span(&self) -> Span {
        match self {
            Cond::Or(items) | Cond::And(items) => match (items.first(), items.last()) {
                (Some(a), Some(b)) => a.span().to(b.span()),
                _ => Span::default(),
            },
            Cond::Not { span, .. }
            | Cond::Cmp { span, .. }
            | Cond::Matches { span, .. }
            | Cond::In { span, .. }
            | Cond::IsNull { span, .. } => *span,
        }
    }
}

impl Value {
    /// The span of the value.
    pub fn span(&self) -> Span {
        match self {
            Value::Str { span, .. }
            | Value::Word { span, .. }
            | Value::Number { span, .. }
            | Value::Date { span, .. } => *span,
            Value::Param(p) => p.span,
            Value::ClauseRef(r) => r.span,
        }
    }
}

impl DateArg {
    /// The span of the date or parameter.
    pub fn span(&self) -> Span {
        match self {
            DateArg::Date { span, .. } => *span,
            DateArg::Param(p) => p.span,
        }
    }
}
