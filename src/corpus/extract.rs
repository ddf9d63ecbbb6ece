//! One file's text → its records.
//!
//! `.toml`/`.json`: top-level arrays `actor`, `principle`, `document`,
//! `relation`, `citation`. `.md`/`.txt`: one document, TOML front matter
//! between two `+++` lines, then a body cut into clauses.

use super::node::{self, Node, Value};
use super::records::*;
use super::{At, Corpus, Problem, SourceFile, Span, cut};

const ACTOR_KEYS: &[&str] = &[
    "id",
    "name",
    "kind",
    "role",
    "member-of",
    "represents",
    "aliases",
];
const PRINCIPLE_KEYS: &[&str] = &["id", "name", "description", "aliases"];
const DOCUMENT_KEYS: &[&str] = &[
    "id", "title", "kind", "date", "place", "authors", "aliases", "language", "source", "excerpt",
    "speakers", "text", "clause",
];
const CLAUSE_KEYS: &[&str] = &["id", "text", "title", "principles", "earlier"];
const WORDING_KEYS: &[&str] = &["text", "until"];
const RELATION_KEYS: &[&str] = &["from", "type", "to", "note"];
const CITATION_KEYS: &[&str] = &["from", "to", "by", "quote", "stance", "source", "note"];
const TOP_KEYS: &[&str] = &["actor", "principle", "document", "relation", "citation"];
const ACTOR_KINDS: &[&str] = &["person", "state", "organization", "group", "other"];

/// Reads the records of file number `index` into `corpus`; returns its problems.
pub fn extract_file(index: usize, file: &SourceFile, corpus: &mut Corpus) -> Vec<Problem> {
    let mut p = Vec::new();
    let ext = file.path.rsplit('.').next().unwrap_or("");
    match ext {
        "toml" | "json" => {
            let parsed = if ext == "toml" {
                node::parse_toml(&file.content)
            } else {
                node::parse_json(&file.content)
            };
            match parsed {
                Ok(root) => records_file(index, &root, &file.content, corpus, &mut p),
                Err(e) => p.push(Problem::new(
                    e.span,
                    format!("{} syntax error: {}", ext.to_uppercase(), e.message),
                )),
            }
        }
        _ => text_document(index, file, corpus, &mut p),
    }
    p
}

fn records_file(index: usize, root: &Node, src: &str, corpus: &mut Corpus, p: &mut Vec<Problem>) {
    let Value::Table(entries) = &root.value else {
        p.push(Problem::new(
            root.span.clone(),
            "expected an object with arrays `actor`, `document`, ...",
        ));
        return;
    };
    for (key, value) in entries {
        let Value::Array(items) = &value.value else {
            if TOP_KEYS.contains(&key.name.as_str()) {
                let hint = format!("write `[[{}]]` tables (TOML) or a JSON array", key.name);
                p.push(
                    Problem::new(
                        value.span.clone(),
                        format!("`{}` must be a list of records", key.name),
                    )
                    .help(hint),
                );
            } else {
                unknown_top(key, p);
            }
            continue;
        };
        for item in items {
            match key.name.as_str() {
                "actor" => push(&mut corpus.actors, index, actor(item, p)),
                "principle" => push(&mut corpus.principles, index, principle(item, p)),
                "document" => push(&mut corpus.documents, index, document(item, src, p)),
                "relation" => push(&mut corpus.relations, index, relation(item, p)),
                "citation" => push(&mut corpus.citations, index, citation(item, p)),
                _ => {
                    unknown_top(key, p);
                    break;
                }
            }
        }
    }
}

fn push<T>(list: &mut Vec<At<T>>, file: usize, rec: Option<T>) {
    if let Some(rec) = rec {
        list.push(At { file, rec });
    }
}

fn unknown_top(key: &node::Key, p: &mut Vec<Problem>) {
    let mut prob = Problem::new(
        key.span.clone(),
        format!("unknown record kind `{}`", key.name),
    );
    prob = match crate::suggest::closest(&key.name, TOP_KEYS.iter().copied()) {
        Some(s) => prob.help(format!("did you mean `{s}`?")),
        None => prob.help("record kinds are actor, principle, document, relation, citation"),
    };
    p.push(prob);
}

fn actor(n: &Node, p: &mut Vec<Problem>) -> Option<Actor> {
    let mut f = Fields::new(n, "actor", ACTOR_KEYS, p)?;
    let id = f.req_id("id", p);
    let name = f.req_str("name", p);
    let kind = f.opt_str("kind", p).unwrap_or_else(|| "other".into());
    if !ACTOR_KINDS.contains(&kind.as_str()) {
        let span = f.span_of("kind");
        p.push(
            Problem::new(span, format!("unknown actor kind `{kind}`"))
                .help(format!("one of: {}", ACTOR_KINDS.join(", "))),
        );
    }
    let rec = Actor {
        span: f.span.clone(),
        role: f.opt_str("role", p),
        member_of: f.refs("member-of", p),
        represents: f.refs("represents", p),
        aliases: names(f.str_list("aliases", p)),
        kind,
        id: id?.0,
        name: name?.0,
    };
    f.finish(p);
    Some(rec)
}

fn names(list: Vec<(String, Span)>) -> Vec<String> {
    list.into_iter().map(|(s, _)| s).collect()
}

fn principle(n: &Node, p: &mut Vec<Problem>) -> Option<Principle> {
    let mut f = Fields::new(n, "principle", PRINCIPLE_KEYS, p)?;
    let id = f.req_id("id", p);
    let name = f.req_str("name", p);
    let description = f.opt_str("description", p);
    let aliases = names(f.str_list("aliases", p));
    f.finish(p);
    Some(Principle {
        id: id?.0,
        span: n.span.clone(),
        name: name?.0,
        description,
        aliases,
    })
}

fn document(n: &Node, src: &str, p: &mut Vec<Problem>) -> Option<Document> {
    let mut f = Fields::new(n, "document", DOCUMENT_KEYS, p)?;
    let mut doc = document_fields(&mut f, p);
    if let Some(text) = f.node("text") {
        match &text.value {
            Value::Str(s) => doc
                .as_mut()?
                .clauses
                .extend(body_clauses(s, text_base(src, &text.span))),
            other => p.push(Problem::new(
                text.span.clone(),
                format!("`text` must be a string, found {}", other.type_name()),
            )),
        }
    }
    if let Some(list) = f.node("clause") {
        let clauses = clause_list(list, p);
        if let Some(d) = doc.as_mut() {
            d.clauses.extend(clauses);
        }
    }
    f.finish(p);
    doc
}

/// The keys a `[[document]]` and a front-matter block share.
fn document_fields(f: &mut Fields<'_>, p: &mut Vec<Problem>) -> Option<Document> {
    let id = f.req_id("id", p);
    let title = f.req_str("title", p);
    Some(Document {
        span: f.span.clone(),
        kind: f.opt_str("kind", p).unwrap_or_else(|| "document".into()),
        date: f.opt_date("date", p),
        place: f.opt_str("place", p),
        authors: f.refs("authors", p),
        aliases: names(f.str_list("aliases", p)),
        language: f.opt_str("language", p),
        source: f.opt_str("source", p),
        excerpt: f.opt_bool("excerpt", p).unwrap_or(false),
        speakers: speakers(f, p),
        clauses: Vec::new(),
        id: id?.0,
        title: title?.0,
    })
}

/// The `speakers` table: turn label → actor id (`""`: nobody in the corpus).
fn speakers(f: &mut Fields<'_>, p: &mut Vec<Problem>) -> Vec<(String, Option<Ref>)> {
    let Some(n) = f.node("speakers") else {
        return Vec::new();
    };
    let Value::Table(entries) = &n.value else {
        p.push(
            Problem::new(
                n.span.clone(),
                format!("`speakers` must be a table, found {}", n.value.type_name()),
            )
            .help(r#"e.g. speakers = { "Question" = "", "Sergey Lavrov" = "lavrov" }"#),
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    for (k, v) in entries {
        match &v.value {
            Value::Str(id) if id.trim().is_empty() => out.push((k.name.clone(), None)),
            Value::Str(id) => out.push((
                k.name.clone(),
                Some(Ref {
                    id: id.clone(),
                    span: v.span.clone(),
                }),
            )),
            other => p.push(
                Problem::new(
                    v.span.clone(),
                    format!(
                        "speaker `{}` must be an actor id or \"\", found {}",
                        k.name,
                        other.type_name()
                    ),
                )
                .help("\"\" means nobody in the corpus"),
            ),
        }
    }
    out
}

/// Where the characters of a TOML string value start in the file: after the
/// opening quotes (and the newline a multi-line string trims).
fn text_base(src: &str, span: &Span) -> usize {
    let v = src.get(span.clone()).unwrap_or("");
    let skip = if v.starts_with("\"\"\"") || v.starts_with("'''") {
        3 + v[3..]
            .chars()
            .next()
            .filter(|c| *c == '\n')
            .map_or(0, |_| 1)
    } else {
        1
    };
    (span.start + skip).min(span.end)
}

/// Clauses cut from a body that starts at byte `base` of the file.
fn body_clauses(body: &str, base: usize) -> Vec<Clause> {
    cut::cut(body)
        .into_iter()
        .map(|c| {
            let at = base + c.explicit_at.unwrap_or(c.offset);
            Clause {
                label: c.label,
                span: at..at + 1,
                title: None,
                text: c.text,
                principles: Vec::new(),
                earlier: Vec::new(),
                opens: c.speaker,
                turn: None,
            }
        })
        .collect()
}

fn clause_list(list: &Node, p: &mut Vec<Problem>) -> Vec<Clause> {
    let Value::Array(items) = &list.value else {
        p.push(Problem::new(
            list.span.clone(),
            "`clause` must be a list of clause records ([[document.clause]])",
        ));
        return Vec::new();
    };
    items.iter().filter_map(|item| clause(item, p)).collect()
}

fn clause(n: &Node, p: &mut Vec<Problem>) -> Option<Clause> {
    let mut f = Fields::new(n, "clause", CLAUSE_KEYS, p)?;
    let label = f.req_str("id", p);
    let text = f.req_str("text", p);
    let title = f.opt_str("title", p);
    let principles = f.refs("principles", p);
    let earlier = f
        .node("earlier")
        .map(|n| wordings(n, p))
        .unwrap_or_default();
    f.finish(p);
    let (label, span) = label?;
    if label.trim().is_empty() || label.contains(char::is_whitespace) || label.contains('#') {
        p.push(
            Problem::new(
                span.clone(),
                format!("`{label}` is not a valid clause label"),
            )
            .help("labels have no spaces or `#`, e.g. `8`, `8.2`, `preamble`"),
        );
        return None;
    }
    Some(Clause {
        label,
        span,
        title,
        text: text?.0,
        principles,
        earlier,
        opens: None,
        turn: None,
    })
}

/// A clause's `earlier` wordings: a list of `{ text, until }` tables, oldest first.
fn wordings(n: &Node, p: &mut Vec<Problem>) -> Vec<Wording> {
    let Value::Array(items) = &n.value else {
        p.push(
            Problem::new(n.span.clone(), "`earlier` must be a list of wordings")
                .help(r#"e.g. earlier = [{ text = "...", until = "1965-08-30" }]"#),
        );
        return Vec::new();
    };
    let mut out: Vec<Wording> = Vec::new();
    for item in items {
        let Some(mut f) = Fields::new(item, "wording", WORDING_KEYS, p) else {
            continue;
        };
        let text = f.req_str("text", p);
        let until = if f.has("until") {
            f.opt_date("until", p)
        } else {
            p.push(Problem::new(
                item.span.clone(),
                "wording is missing required key `until` (the last day it was in force)",
            ));
            None
        };
        f.finish(p);
        if let (Some((text, _)), Some(until)) = (text, until) {
            if let Some(prev) = out.last()
                && prev.until.start >= until.start
            {
                p.push(
                    Problem::new(
                        item.span.clone(),
                        "earlier wordings must be listed oldest first",
                    )
                    .help(format!(
                        "the one before is in force until {}",
                        prev.until.text
                    )),
                );
            }
            out.push(Wording {
                text,
                until,
                span: item.span.clone(),
            });
        }
    }
    out
}

fn relation(n: &Node, p: &mut Vec<Problem>) -> Option<Relation> {
    let mut f = Fields::new(n, "relation", RELATION_KEYS, p)?;
    let from = f.req_str("from", p);
    let rtype = f.req_str("type", p);
    let to = f.req_str("to", p);
    let note = f.opt_str("note", p);
    f.finish(p);
    let (rtype, tspan) = rtype?;
    if !is_slug(&rtype) || rtype.contains('.') {
        p.push(Problem::new(tspan, format!("relation type `{rtype}` must be one lowercase word, e.g. `reaffirms`, `responds-to`")));
        return None;
    }
    let (from, to) = (from?, to?);
    Some(Relation {
        span: n.span.clone(),
        from: Ref {
            id: from.0,
            span: from.1,
        },
        rtype,
        to: Ref {
            id: to.0,
            span: to.1,
        },
        note,
    })
}

fn citation(n: &Node, p: &mut Vec<Problem>) -> Option<Citation> {
    let mut f = Fields::new(n, "citation", CITATION_KEYS, p)?;
    let from = f.req_str("from", p);
    let to = f.req_str("to", p);
    let mut rec = Citation {
        span: n.span.clone(),
        from: Ref {
            id: String::new(),
            span: 0..0,
        },
        to: Ref {
            id: String::new(),
            span: 0..0,
        },
        by: f.has("by").then(|| f.refs("by", p)),
        quote: f.opt_str("quote", p),
        stance: f.opt_str("stance", p).unwrap_or_else(|| "invokes".into()),
        source: f.opt_str("source", p).map(|id| Ref {
            id,
            span: f.span_of("source"),
        }),
        note: f.opt_str("note", p),
    };
    f.finish(p);
    let (from, to) = (from?, to?);
    rec.from = Ref {
        id: from.0,
        span: from.1,
    };
    rec.to = Ref {
        id: to.0,
        span: to.1,
    };
    Some(rec)
}

fn text_document(index: usize, file: &SourceFile, corpus: &mut Corpus, p: &mut Vec<Problem>) {
    let text = &file.content;
    let first = text.lines().next().unwrap_or("");
    if first.trim_end() != "+++" {
        corpus.skipped.push(file.path.clone());
        return;
    }
    let fm_start = text.find('\n').map_or(text.len(), |i| i + 1);
    let Some(close) = closing_fence(text, fm_start) else {
        p.push(Problem::new(0..3, "front matter is not closed").help("end it with a line `+++`"));
        return;
    };
    let front = &text[fm_start..close];
    let body_start = text[close..]
        .find('\n')
        .map_or(text.len(), |i| close + i + 1);
    let root = match node::parse_toml(front) {
        Ok(r) => shift(r, fm_start),
        Err(e) => {
            let span = e.span.start + fm_start..e.span.end + fm_start;
            return p.push(Problem::new(
                span,
                format!("front matter: TOML syntax error: {}", e.message),
            ));
        }
    };
    let Some(mut f) = Fields::new(&root, "document", DOCUMENT_KEYS, p) else {
        return;
    };
    let mut doc = document_fields(&mut f, p);
    if let Some(t) = f.node("text") {
        p.push(Problem::new(
            t.span.clone(),
            "a text document takes its text from the body, not a `text` key",
        ));
    }
    let listed = f
        .node("clause")
        .map(|l| clause_list(l, p))
        .unwrap_or_default();
    f.finish(p);
    if let Some(d) = doc.as_mut() {
        d.span = 0..3;
        d.clauses = body_clauses(&text[body_start..], body_start);
        d.clauses.extend(listed);
    }
    push(&mut corpus.documents, index, doc);
}

/// The byte offset of the closing `+++` line, searching from `from`.
fn closing_fence(text: &str, from: usize) -> Option<usize> {
    let mut pos = from;
    for line in text[from..].split_inclusive('\n') {
        if line.trim_end() == "+++" {
            return Some(pos);
        }
        pos += line.len();
    }
    None
}

/// Moves every span of a tree by `by` bytes (front matter sits inside a file).
fn shift(mut n: Node, by: usize) -> Node {
    n.span = n.span.start + by..n.span.end + by;
    n.value = match n.value {
        Value::Array(items) => Value::Array(items.into_iter().map(|i| shift(i, by)).collect()),
        Value::Table(entries) => Value::Table(
            entries
                .into_iter()
                .map(|(mut k, v)| {
                    k.span = k.span.start + by..k.span.end + by;
                    (k, shift(v, by))
                })
                .collect(),
        ),
        v => v,
    };
    n
}
