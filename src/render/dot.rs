//! Graphviz DOT: who cites what, and how documents relate.

use std::collections::BTreeSet;
use std::io::{self, Write};

use crate::store::Edge;

/// A DOT string literal: quotes and backslashes escaped, newlines as `\n`.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Writes the edges as a directed graph: clauses and documents as boxes,
/// principles as ellipses, citations as solid arrows labelled with their
/// stance and makers, relations between documents as dashed arrows.
pub fn write_dot(
    out: &mut dyn Write,
    edges: &[Edge],
    principles: &BTreeSet<String>,
) -> io::Result<()> {
    writeln!(out, "digraph concord {{")?;
    writeln!(out, "  rankdir=LR;")?;
    writeln!(
        out,
        "  node [shape=box, fontname=\"Helvetica\", fontsize=10];"
    )?;
    writeln!(out, "  edge [fontname=\"Helvetica\", fontsize=9];")?;
    let dangling: BTreeSet<&str> = edges
        .iter()
        .filter(|e| e.dangling)
        .map(|e| e.to.as_str())
        .collect();
    if !dangling.is_empty() {
        writeln!(
            out,
            "  // {} citation(s) without a target in the store (unverified quotations, unresolved references): dashed grey nodes",
            dangling.len()
        )?;
    }
    let nodes: BTreeSet<&str> = edges
        .iter()
        .flat_map(|e| [e.from.as_str(), e.to.as_str()])
        .collect();
    for n in &nodes {
        let shape = if dangling.contains(*n) {
            ", style=dashed, color=grey, fontcolor=grey"
        } else if principles.contains(*n) {
            ", shape=ellipse"
        } else {
            ""
        };
        writeln!(out, "  {} [label={}{shape}];", quote(n), quote(n))?;
    }
    for e in edges {
        let style = if e.relation { ", style=dashed" } else { "" };
        writeln!(
            out,
            "  {} -> {} [label={}{style}];",
            quote(&e.from),
            quote(&e.to),
            quote(&e.label)
        )?;
    }
    writeln!(out, "}}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_styles() {
        let edges = vec![
            Edge {
                from: "a#p1".into(),
                to: "b \"x\"".into(),
                label: "invokes (lavrov)".into(),
                relation: false,
                dangling: false,
            },
            Edge {
                from: "c".into(),
                to: "b \"x\"".into(),
                label: "reaffirms".into(),
                relation: true,
                dangling: false,
            },
        ];
        let mut out = Vec::new();
        write_dot(&mut out, &edges, &BTreeSet::new()).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.contains("\"a#p1\" -> \"b \\\"x\\\"\" [label=\"invokes (lavrov)\"];"),
            "{text}"
        );
        assert!(
            text.contains("\"c\" -> \"b \\\"x\\\"\" [label=\"reaffirms\", style=dashed];"),
            "{text}"
        );
        assert!(text.starts_with("digraph concord {") && text.trim_end().ends_with('}'));
    }
}
