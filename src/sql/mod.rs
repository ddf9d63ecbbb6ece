//! SQL generation: a resolved [`Plan`](crate::resolve::Plan) → one SQL
//! statement and its bound parameters.
//!
//! The statement is printed from a small syntax tree ([`tree`]); identifiers
//! come only from the schema, and every value the user typed is a parameter.

mod fields;
mod filters;
mod generate;
pub mod print;
pub mod tree;
mod tsquery;
mod via;

pub use generate::{generate, generate_for, generate_ids};

/// A bound parameter value.
#[derive(Debug, Clone, PartialEq)]
pub enum Param {
    Text(String),
    Int(i64),
    Real(f64),
}

impl std::fmt::Display for Param {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Param::Text(s) => write!(f, "{s:?}"),
            Param::Int(i) => write!(f, "{i}"),
            Param::Real(r) => write!(f, "{r}"),
        }
    }
}

/// One SQL statement with its parameters (`?1` is `params[0]`) and the names
/// of its result columns.
#[derive(Debug, Clone, PartialEq)]
pub struct Sql {
    pub text: String,
    pub params: Vec<Param>,
    pub columns: Vec<String>,
    /// For each column, the separator of its values when it is a many-valued
    /// field (the store reads it into a list); empty when no column is one.
    pub lists: Vec<Option<&'static str>>,
}
