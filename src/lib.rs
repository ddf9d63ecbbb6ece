//! Concord: a citator for treaties, charters and political statements.
//!
//! The pipeline, one module a stage:
//!
//! ```text
//! corpus files ──corpus::load──▶ Corpus ──store::build──▶ SQLite store
//! query text ──syntax::parse──▶ AST ──resolve──▶ Plan ──sql::generate──▶ Sql ──store──▶ Rows ──render──▶ output
//! ```
//!
//! Only `store` opens connections or runs SQL; only the binary (`main.rs` and
//! `cli`) prints.

pub mod cite;
pub mod corpus;
pub mod diag;
pub mod engine;
mod example;
pub mod fold;
pub mod ingest;
pub mod render;
pub mod resolve;
pub mod sql;
pub mod store;
pub mod suggest;
pub mod syntax;
pub mod synth;
pub mod text;
