//! How a principle was reached by `principles cited-by X`: the columns
//! `directly` (citations by X of the principle itself) and `via` (the clauses
//! expressing it that X's citations name), so that a principle that comes in
//! only through a clause tagged with it can be told from one X names.

use super::fields::T;
use super::generate::Gen;
use super::tree::{Expr, From, Func, Select};
use crate::resolve::plan::Targets;

impl Gen {
    /// `(directly, via)` for the principle of row `t`, cited by `who`.
    pub(super) fn via_columns(&mut self, who: &Targets) -> [(Expr, Option<String>); 2] {
        let made = self.made_by(who);
        self.via_columns_kept(made)
    }

    /// `who`'s citations are listed once, in a kept CTE of their targets, and both columns
    /// read it: each principle's `directly` counts the list's rows that name it, its `via`
    /// joins the list with the clauses that express it. Read from `citations` for each
    /// principle instead, the 1M-clause store took 294 ms on SQLite (the hand SQL: 104 ms) and
    /// 10.1 s on PostgreSQL, whose planner read every citation once per principle; this way,
    /// 84 ms and 1.5 s.
    fn via_columns_kept(&mut self, made: Expr) -> [(Expr, Option<String>); 2] {
        let mut hits = Select::from_table(
            Expr::col("ci", "to_principle_id"),
            "citations",
            "ci",
            vec![made],
        );
        hits.columns = vec![
            (Expr::col("ci", "to_principle_id"), None),
            (Expr::col("ci", "to_clause_id"), None),
            (Expr::col("ci", "to_ref"), None),
        ];
        let name = self.cte_kept("to_principle_id, to_clause_id, to_ref", hits);
        let mut directly =
            Select::from_cte(Expr::Func(Func::Count, Box::new(Expr::Star)), &name, "h");
        directly.filter = vec![Expr::eq(
            Expr::col("h", "to_principle_id"),
            Expr::col(T, "id"),
        )];
        let mut clauses = Select::from_cte(Expr::col("h", "to_ref"), &name, "h").join(
            "clause_principles",
            "cp",
            Expr::eq(Expr::col("cp", "clause_id"), Expr::col("h", "to_clause_id")),
        );
        clauses.filter = vec![Expr::eq(
            Expr::col("cp", "principle_id"),
            Expr::col(T, "id"),
        )];
        clauses.distinct = true;
        clauses.columns = vec![(Expr::col("h", "to_ref"), Some("v".into()))];
        clauses.order_by = vec![(Expr::col("h", "to_ref"), false)];
        let via = Select {
            columns: vec![(
                Expr::Func(Func::GroupConcat, Box::new(Expr::Name("v"))),
                None,
            )],
            from: vec![From::Sub {
                select: Box::new(clauses),
                alias: "o",
            }],
            ..Select::default()
        };
        [
            (Expr::Scalar(Box::new(directly)), Some("directly".into())),
            (Expr::Scalar(Box::new(via)), Some("via".into())),
        ]
    }
}
