//! Unit tests of the shell's completer (context → candidates), of multi-line detection and
//! highlighting, and of the help examples, on the built-in example. The modules are the
//! binary's own files, included as they are (they reach the library through `concord::` only).

#[allow(dead_code)]
#[path = "../src/cli/repl/complete.rs"]
mod complete;
#[allow(dead_code)]
#[path = "../src/cli/help.rs"]
mod help;
#[allow(dead_code)]
#[path = "../src/cli/repl/text.rs"]
mod text;

use complete::{Completer, Completion};
use concord::engine::{Engine, Prepared};

fn engine() -> Engine {
    Engine::example().expect("the built-in example builds")
}

fn completer() -> Completer {
    Completer::new(
        help::COMMANDS.iter().map(|c| c.name).collect(),
        help::topic_words(),
    )
}

/// The start and candidates for `line` with the cursor at its end.
fn at_end(e: &Engine, line: &str) -> (usize, Vec<String>) {
    match completer().complete(e, line, line.len()) {
        Completion::Words { start, candidates } => (start, candidates),
        Completion::Files => panic!("`{line}`: expected words, got files"),
    }
}

fn cands(e: &Engine, line: &str) -> Vec<String> {
    at_end(e, line).1
}

fn has(c: &[String], words: &[&str]) -> bool {
    words.iter().all(|w| c.iter().any(|x| x == w))
}

#[track_caller]
fn assert_has(c: &[String], words: &[&str]) {
    assert!(has(c, words), "expected {words:?} among {c:?}");
}

#[track_caller]
fn assert_lacks(c: &[String], words: &[&str]) {
    for w in words {
        assert!(
            !c.iter().any(|x| x == w),
            "did not expect `{w}` among {c:?}"
        );
    }
}

/// The longest common prefix: what a first Tab inserts.
fn common_prefix(c: &[String]) -> String {
    let Some(first) = c.first() else {
        return String::new();
    };
    let mut n = first.len();
    for x in c {
        n = n.min(
            first
                .chars()
                .zip(x.chars())
                .take_while(|(a, b)| a == b)
                .map(|(a, _)| a.len_utf8())
                .sum(),
        );
    }
    first[..n].to_string()
}

#[test]
fn actor_after_cited_by_completes_to_lavrov() {
    let e = engine();
    let line = "clauses cited-by lav";
    let (start, c) = at_end(&e, line);
    assert_eq!(start, "clauses cited-by ".len());
    assert_eq!(c.first().map(String::as_str), Some("lavrov"));
    assert_eq!(common_prefix(&c), "lavrov");
    // Uppercase typing still finds it.
    assert_eq!(cands(&e, "clauses cited-by LAV").first().unwrap(), "lavrov");
}

#[test]
fn actors_after_by() {
    let e = engine();
    let c = cands(&e, "statements by ");
    assert_has(&c, &["lavrov", "russia", "nato", "usa"]);
    assert_lacks(&c, &["istanbul-charter", "indivisibility"]);
    assert_eq!(cands(&e, "statements by ru"), ["russia"]);
}

#[test]
fn statement_start_offers_sets_and_statements() {
    let e = engine();
    let c = cands(&e, "");
    assert_has(
        &c,
        &[
            "documents",
            "statements",
            "clauses",
            "actors",
            "principles",
            "citations",
            "explain",
            "show",
            "let",
        ],
    );
    assert_eq!(cands(&e, "cl"), ["clauses"]);
    assert_eq!(cands(&e, "explain cl"), ["clauses"]);
    assert_eq!(cands(&e, "let x = ac"), ["actors"]);
}

#[test]
fn after_a_set_the_filters_that_apply_and_where() {
    let e = engine();
    let c = cands(&e, "clauses ");
    assert_has(
        &c,
        &[
            "in",
            "by",
            "cited-by",
            "citing",
            "expressing",
            "before",
            "after",
            "between",
            "not",
            "where",
            "order by",
            "limit",
            "count",
            "count by",
            "select",
        ],
    );
    assert_lacks(&c, &["reaffirming", "offset", "and"]);

    let c = cands(&e, "principles ");
    assert_has(&c, &["in", "cited-by", "where"]);
    assert_lacks(&c, &["by", "citing", "expressing", "before"]);

    let c = cands(&e, "actors ");
    assert_has(&c, &["in", "cited-by", "citing"]);
    assert_lacks(&c, &["by", "before"]);

    assert_eq!(cands(&e, "clauses cited-by lavrov wh"), ["where"]);
}

#[test]
fn relation_verbs_after_documents() {
    let e = engine();
    let c = cands(&e, "documents ");
    assert_has(&c, &["reaffirming", "reaffirmed-by", "reaffirms"]);
    assert_has(
        &c,
        &["reprints", "reprinted-by", "responds-to", "responding-to"],
    );
    assert_eq!(
        cands(&e, "documents reaff"),
        ["reaffirmed-by", "reaffirming", "reaffirms"]
    );
    // Only the forms docs/language.md names: not these, which are read all the same.
    assert_lacks(
        &c,
        &[
            "reaffirms-by",
            "reprints-by",
            "respond-to",
            "reaffirm",
            "responds-to-by",
        ],
    );
    assert_eq!(
        cands(&e, "documents resp"),
        ["responded-to-by", "responding-to", "responds-to"]
    );
    assert_eq!(cands(&e, "documents reprints-"), Vec::<String>::new());
    // After a relation (transitive or not) comes a document.
    assert_has(&cands(&e, "documents reaffirming* "), &["istanbul-charter"]);
    assert_has(
        &cands(&e, "documents reaffirming ist"),
        &["istanbul-charter"],
    );
}

#[test]
fn fields_after_where_order_by_select_count_by() {
    let e = engine();
    let c = cands(&e, "clauses where ");
    assert_has(
        &c,
        &[
            "ref",
            "label",
            "document",
            "text",
            "principle",
            "date",
            "not",
        ],
    );
    assert_lacks(&c, &["stance", "where"]);

    assert_has(
        &cands(&e, "citations count by "),
        &["stance", "by", "to", "from"],
    );
    assert_has(
        &cands(&e, "documents order by "),
        &["date", "title", "kind"],
    );
    assert_has(&cands(&e, "documents select id, "), &["date", "title"]);
    assert_has(&cands(&e, "actors select "), &["member-of", "represents"]);
    assert_eq!(cands(&e, "documents order "), ["by"]);
    assert_has(
        &cands(&e, "documents order by date "),
        &["asc", "desc", "limit"],
    );
}

#[test]
fn operators_then_values_in_conditions() {
    let e = engine();
    let c = cands(&e, "clauses where principle ");
    assert_has(&c, &["=", "!=", "~", "matches", "in", "is null"]);

    let c = cands(&e, "clauses where principle = ");
    assert_has(
        &c,
        &[
            "indivisibility",
            "freedom-of-alliance",
            "no-expense",
            "neutrality",
        ],
    );
    assert_lacks(&c, &["lavrov", "istanbul-charter"]);
    assert_eq!(
        cands(&e, "clauses where principle = indiv"),
        ["indivisibility"]
    );

    // Text fields offer the values in the store (quoted when they are keywords).
    assert_has(
        &cands(&e, "citations where stance = "),
        &["invokes", "mentions", "reports", "disputes"],
    );
    let kinds = cands(&e, "documents where kind = ");
    assert_has(&kinds, &["charter", "\"statement\""]);
    assert_eq!(cands(&e, "documents where kind = stat"), ["\"statement\""]);

    // Actor-valued fields offer actors; after a value, `and`/`or` and shaping.
    assert_has(&cands(&e, "citations where by = "), &["lavrov", "usa"]);
    let c = cands(&e, "clauses where principle = indivisibility ");
    assert_has(&c, &["and", "or", "order by", "limit"]);
    assert_lacks(&c, &["where", "cited-by"]);
    assert_has(
        &cands(&e, "clauses where principle = indivisibility and "),
        &["text", "not"],
    );
    assert_has(&cands(&e, "documents where kind in ("), &["charter"]);
    assert_eq!(cands(&e, "documents where place is "), ["null", "not null"]);
}

#[test]
fn principles_after_expressing() {
    let e = engine();
    let c = cands(&e, "clauses expressing ");
    assert_has(&c, &["indivisibility", "equal-security"]);
    assert_lacks(&c, &["lavrov"]);
    assert_eq!(cands(&e, "documents not expressing neut"), ["neutrality"]);
}

#[test]
fn clause_references_after_in_once_a_hash_is_typed() {
    let e = engine();
    // Before `#`: documents.
    let c = cands(&e, "clauses in ist");
    assert_eq!(c, ["istanbul-charter"]);
    // After `#`: the labels of that document, from the store.
    let (start, c) = at_end(&e, "clauses in istanbul-charter#8.");
    assert_eq!(start, "clauses in ".len());
    assert_eq!(
        c,
        [
            "istanbul-charter#8.1",
            "istanbul-charter#8.2",
            "istanbul-charter#8.3",
            "istanbul-charter#8.4",
            "istanbul-charter#8.5",
            "istanbul-charter#8.6",
        ]
    );
    assert_has(
        &cands(&e, "clauses in istanbul-charter#"),
        &["istanbul-charter#1"],
    );
    assert_has(
        &cands(&e, "show istanbul-charter#"),
        &["istanbul-charter#8"],
    );
    // An unknown document has no labels; `#` after a non-document position offers nothing.
    assert!(cands(&e, "clauses in nowhere#").is_empty());
    assert!(cands(&e, "clauses cited-by lavrov where stance = x#").is_empty());
}

#[test]
fn subqueries_and_lists_in_parentheses() {
    let e = engine();
    // A subquery's own set decides.
    assert_has(
        &cands(&e, "clauses cited-by (actors in nato where "),
        &["member-of", "role"],
    );
    assert_has(&cands(&e, "clauses cited-by (actors "), &["in", ")"]);
    // A list of names.
    assert_has(&cands(&e, "clauses cited-by (usa, "), &["nato", "lavrov"]);
    assert_eq!(cands(&e, "clauses cited-by (usa "), [",", ")"]);
    // After the `)`: back in the outer query.
    let c = cands(&e, "clauses cited-by (actors in nato) ");
    assert_has(&c, &["where", "expressing"]);
    assert_lacks(&c, &[")", "member-of"]);
    // Parentheses in a condition.
    assert_has(
        &cands(&e, "clauses where (text ~ \"a\" or "),
        &["principle"],
    );
}

#[test]
fn quoted_names_and_params_and_kinds() {
    let mut e = engine();
    assert_has(
        &cands(&e, "clauses cited-by \"serg"),
        &["\"Sergey Lavrov\""],
    );
    e.env.params.insert("who".into(), "lavrov".into());
    assert_eq!(cands(&e, "clauses cited-by $w"), ["$who"]);
    assert_eq!(cands(&e, "clauses cited-by actor lav"), ["lavrov"]);
    assert_has(
        &cands(&e, "show "),
        &["lavrov", "istanbul-charter", "indivisibility"],
    );
}

#[test]
fn the_last_statement_counts() {
    let e = engine();
    let c = cands(&e, "clauses cited-by lavrov; actors ");
    assert_has(&c, &["in", "citing"]);
    assert_lacks(&c, &["by", "expressing"]);
    let c = cands(&e, "clauses cited-by lavrov\n\nprinc");
    assert_eq!(c, ["principles"]);
    // In a comment or after a closed string: nothing.
    assert!(cands(&e, "clauses -- cited-by lav").is_empty());
    assert!(cands(&e, "clauses where text ~ \"x\"").is_empty());
}

#[test]
fn dot_commands_and_their_arguments() {
    let e = engine();
    let c = cands(&e, ".");
    assert_has(
        &c,
        &[
            ".help", ".open", ".read", ".format", ".sql", ".timer", ".param", ".maxrows",
            ".fields", ".output", ".once", ".quit", ".exit",
        ],
    );
    assert_eq!(cands(&e, ".fo"), [".format"]);
    assert_eq!(
        cands(&e, ".format "),
        ["table", "csv", "tsv", "json", "jsonl", "markdown", "dot"]
    );
    assert_eq!(cands(&e, ".format j"), ["json", "jsonl"]);
    assert_eq!(cands(&e, ".sql o"), ["on", "off"]);
    assert_eq!(cands(&e, ".param "), ["set", "unset", "list"]);
    assert_eq!(cands(&e, ".fields cl"), ["clauses"]);
    assert_has(&cands(&e, ".help wh"), &["where"]);
    for line in [".open ", ".read ex", ".output out", ".once x"] {
        assert_eq!(
            completer().complete(&e, line, line.len()),
            Completion::Files,
            "{line}"
        );
    }
}

#[test]
fn context_mid_line_uses_the_text_before_the_cursor() {
    let e = engine();
    let line = "clauses cited-by lav where principle = indivisibility";
    let pos = "clauses cited-by lav".len();
    match completer().complete(&e, line, pos) {
        Completion::Words { start, candidates } => {
            assert_eq!(start, "clauses cited-by ".len());
            assert_eq!(candidates.first().unwrap(), "lavrov");
        }
        Completion::Files => panic!("files"),
    }
}

#[test]
fn unclosed_parens_and_strings_need_more_lines() {
    assert!(text::needs_more("clauses cited-by ("));
    assert!(text::needs_more("clauses cited-by (usa,\n         nato"));
    assert!(text::needs_more("clauses where text ~ \"indivisible"));
    assert!(text::needs_more(
        "clauses where (text ~ \"a\" or (principle = x)"
    ));
    assert!(!text::needs_more("clauses cited-by (usa, nato)"));
    assert!(!text::needs_more("clauses where text ~ \"(\""));
    assert!(!text::needs_more("clauses -- ("));
    assert!(!text::needs_more(".help ("));
    assert!(!text::needs_more("clauses cited-by (usa; principles"));
    // Enter on an empty continuation line gives up (the parser then says what is open).
    assert!(!text::needs_more("clauses cited-by (\n         "));
    // Inside a string too.
    assert!(!text::needs_more(&format!(
        "clauses where text ~ \"ab\n{}",
        text::INDENT
    )));
}

#[test]
fn a_string_continued_on_the_next_line_has_the_continuation_prompt_and_keeps_what_was_typed() {
    let typed = format!("documents where title ~ \"abc\n{}def\"", text::INDENT);
    // Over the indentation inside the string: `...>`, as wide as the prompt.
    let h = text::highlight(&typed, false);
    assert_eq!(
        h,
        format!(
            "documents where title ~ \"abc\n{}def\"",
            text::STRING_CONTINUATION
        )
    );
    assert_eq!(strip_ansi(&text::highlight(&typed, true)), h);
    assert_eq!(text::STRING_CONTINUATION.len(), text::PROMPT.len());
    assert_eq!(text::STRING_CONTINUATION, "    ...> ");
    // Still open: the same.
    let open = format!("documents where title ~ \"abc\n{}de", text::INDENT);
    assert_eq!(
        text::highlight(&open, false),
        format!(
            "documents where title ~ \"abc\n{}de",
            text::STRING_CONTINUATION
        )
    );
    // Outside a string, the other prompt, in the same input.
    let both = format!(
        "clauses cited-by (\n{i}usa) where text ~ \"a\n{i}b\"",
        i = text::INDENT
    );
    assert_eq!(
        text::highlight(&both, false),
        format!(
            "clauses cited-by (\n{}usa) where text ~ \"a\n{}b\"",
            text::CONTINUATION,
            text::STRING_CONTINUATION
        )
    );
    // What runs: the text as typed, without the indentation.
    assert_eq!(
        text::without_indent(&typed),
        "documents where title ~ \"abc\ndef\""
    );
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn highlighting_colours_without_changing_the_text() {
    let line =
        "clauses in istanbul-charter#8 cited-by $who where text ~ \"x\" and date > 1999 -- note";
    let h = text::highlight(line, true);
    assert_eq!(strip_ansi(&h), line);
    assert!(h.contains("\x1b[1;34mclauses\x1b[0m"), "{h:?}");
    assert!(h.contains("\x1b[36mistanbul-charter#8\x1b[0m"), "{h:?}");
    assert!(h.contains("\x1b[35m$who\x1b[0m"), "{h:?}");
    assert!(h.contains("\x1b[32m\"x\"\x1b[0m"), "{h:?}");
    assert!(h.contains("\x1b[2m-- note\x1b[0m"), "{h:?}");
    // The continuation prompt is drawn over the indentation, as wide.
    let two = format!("clauses cited-by (\n{}usa)", text::INDENT);
    let h = strip_ansi(&text::highlight(&two, true));
    assert_eq!(h, format!("clauses cited-by (\n{}usa)", text::CONTINUATION));
    assert_eq!(text::CONTINUATION.len(), text::PROMPT.len());
    assert_eq!(text::INDENT.len(), text::PROMPT.len());
    // Without colours: the text, and the continuation prompt all the same.
    assert_eq!(text::highlight(line, false), line);
    assert_eq!(
        text::highlight(&two, false),
        format!("clauses cited-by (\n{}usa)", text::CONTINUATION)
    );
    // A dot-command line.
    assert_eq!(
        strip_ansi(&text::highlight(".format csv", true)),
        ".format csv"
    );
}

#[test]
fn every_help_example_runs_on_the_built_in_example() {
    let mut e = engine();
    for t in help::TOPICS {
        assert!(!t.examples.is_empty(), "topic {} has no example", t.name);
        for ex in t.examples {
            if let Some(rest) = ex.strip_prefix(".param set ") {
                let (k, v) = rest.split_once(' ').unwrap();
                e.env.params.insert(k.into(), v.into());
                continue;
            }
            let statements =
                Engine::parse(ex).unwrap_or_else(|d| panic!("{}: `{ex}`: {d:?}", t.name));
            for st in &statements {
                let p = e
                    .prepare(st)
                    .unwrap_or_else(|d| panic!("{}: `{ex}`: {d:?}", t.name));
                if let Prepared::Query { sql, .. } = p {
                    e.store()
                        .rows(&sql)
                        .unwrap_or_else(|err| panic!("{}: `{ex}`: {err}", t.name));
                }
            }
        }
    }
    // Topics are found by name and alias; commands by name.
    assert_eq!(help::topic("cited-by").unwrap().name, "filters");
    assert_eq!(help::topic("WHERE").unwrap().name, "where");
    assert!(help::command(".format").is_some());
    assert!(help::overview().contains(".param"));
}
