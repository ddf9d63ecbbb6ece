//! Errors of the resolver: a name, field or filter that does not fit the store.

use crate::syntax::ast::Span;

/// What went wrong, for tests and callers that branch on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// `clauses cited-by lavorv`: no such name (of the kinds the filter takes).
    UnknownName,
    /// `cited-by cc` where `cc` is an actor and a document: lists the candidates.
    Ambiguous,
    /// `cited-by indivisibility`: the name exists, but is of a kind the filter does not take.
    WrongKind,
    /// `show istanbul-charter#8.9`: the document has no such clause.
    UnknownClause,
    /// `clauses where colour = red`: lists the fields of the set.
    UnknownField,
    /// `principles by lavrov`: the filter does not apply to the set.
    NotApplicable,
    /// `documents reaffirmz x`: no relation type has this verb form.
    UnknownRelation,
    /// `cited-by $who` with no parameter or `let` named `who`.
    UnknownParam,
    /// `citations where confidence < high`: the value does not fit the field.
    BadValue,
    /// `let a = clauses in $a`: a set defined through itself.
    Cycle,
    /// `let` sets chained deeper than `MAX_LET_DEPTH`.
    TooDeep,
}

/// A resolver error with the span it points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolveError {
    pub kind: ErrorKind,
    pub span: Span,
    /// The headline: "unknown actor `lavorv`".
    pub message: String,
    /// Printed under the underline: "did you mean `lavrov`?".
    pub label: Option<String>,
    /// Extra lines: candidates, the fields of a set.
    pub notes: Vec<String>,
}

impl ResolveError {
    pub fn new(kind: ErrorKind, span: Span, message: impl Into<String>) -> ResolveError {
        ResolveError {
            kind,
            span,
            message: message.into(),
            label: None,
            notes: Vec::new(),
        }
    }

    pub fn label(mut self, label: impl Into<String>) -> ResolveError {
        self.label = Some(label.into());
        self
    }

    pub fn note(mut self, note: impl Into<String>) -> ResolveError {
        self.notes.push(note.into());
        self
    }

    /// Adds "did you mean `x`?" when a close candidate exists.
    pub fn suggest<'a>(
        self,
        typed: &str,
        candidates: impl IntoIterator<Item = &'a str>,
    ) -> ResolveError {
        match crate::suggest::closest(typed, candidates) {
            Some(s) => self.label(format!("did you mean `{s}`?")),
            None => self,
        }
    }
}

impl std::fmt::Display for ResolveError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.message)?;
        if let Some(l) = &self.label {
            write!(f, " ({l})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ResolveError {}
