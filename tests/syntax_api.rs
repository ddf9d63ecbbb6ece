//! The public API of `syntax`: entry points, keywords, tokens, spans and error kinds.

use concord::syntax::*;

fn query(src: &str) -> Query {
    parse_query(src).unwrap_or_else(|e| panic!("{src}: {e:#?}"))
}

fn first_error(src: &str) -> SyntaxError {
    parse_script(src).expect_err(src).remove(0)
}

#[test]
fn keywords_are_case_insensitive_and_listed() {
    for k in KEYWORDS {
        assert!(is_keyword(k), "{k}");
        assert!(is_keyword(&k.to_uppercase()), "{k}");
    }
    assert!(is_keyword("Cited-By"));
    for word in [
        "reaffirming",
        "reaffirmed-by",
        "lavrov",
        "cited",
        "ands",
        "",
    ] {
        assert!(!is_keyword(word), "{word}");
    }
    assert_eq!(KEYWORDS.len(), 37);
}

#[test]
fn tokens_classify_and_cover_the_text() {
    let src = "CLAUSES cited-by lavrov* x#1 $p \"s\" 5 2022-01-27 = ( ) , ; -- note\n' 2022-02-30";
    let kinds: Vec<TokenKind> = tokens(src).into_iter().map(|(_, k)| k).collect();
    let expected = {
        use TokenKind::*;
        [
            Keyword,
            Keyword,
            Word,
            Operator,
            ClauseRef,
            Param,
            String,
            Number,
            Date,
            Operator,
            Punctuation,
            Punctuation,
            Punctuation,
            Punctuation,
            Comment,
            Error,
            Error,
        ]
    };
    assert_eq!(kinds, expected);
    let covered: String = tokens(src)
        .iter()
        .map(|(s, _)| &src[s.start..s.end])
        .collect();
    let text: String = src.chars().filter(|c| !c.is_whitespace()).collect();
    assert_eq!(covered.replace(' ', ""), text);
}

#[test]
fn tokens_never_fail() {
    for src in [
        "\"unclosed",
        "$",
        "a#",
        "Лавров ~ 中文",
        "\0\u{7f}",
        "",
        "--",
    ] {
        let toks = tokens(src);
        assert!(
            toks.iter()
                .all(|(s, _)| s.end <= src.len() && s.start < s.end),
            "{src:?}"
        );
    }
}

#[test]
fn parse_query_takes_one_query() {
    query("clauses;");
    query("  -- comment\nclauses cited-by x ;; ");
    let e = parse_query("clauses; principles").expect_err("two statements");
    assert!(matches!(e[0].kind, ErrorKind::Trailing { .. }), "{e:?}");
    assert!(parse_query("").is_err());
    assert!(parse_query("show x").is_err());
}

#[test]
fn parse_statement_takes_one_statement() {
    let st = parse_statement("let r = clauses cited-by russia;").expect("let");
    assert!(matches!(st.kind, StatementKind::Let { ref name, .. } if name.name == "r"));
    assert!(parse_statement("clauses\n\nprinciples").is_err());
}

#[test]
fn empty_scripts_have_no_statements() {
    for src in ["", "  \n\n ", ";;", "-- only a comment", "-- a\n\n-- b\n;"] {
        assert_eq!(parse_script(src), Ok(Script::default()), "{src:?}");
    }
}

#[test]
fn spans_point_into_the_source() {
    let src = "clauses cited-by \"Сергей Лавров\" not in x#8.5 where text ~ $q";
    let q = query(src);
    let text = |s: Span| &src[s.start..s.end];
    assert_eq!(text(q.span), src);
    assert_eq!(text(q.set.span), "clauses");
    assert_eq!(text(q.filters[0].span), "cited-by \"Сергей Лавров\"");
    assert_eq!(text(q.filters[1].span), "not in x#8.5");
    let FilterKind::CitedBy(Target::Name { name, .. }) = &q.filters[0].kind else {
        panic!("{q:?}")
    };
    assert_eq!((name.text.as_str(), name.quoted), ("Сергей Лавров", true));
    let Some(Cond::Cmp {
        field, value, span, ..
    }) = &q.condition
    else {
        panic!()
    };
    assert_eq!(
        (text(field.span), text(value.span()), text(*span)),
        ("text", "$q", "text ~ $q")
    );
}

#[test]
fn strings_keep_any_character() {
    let q = query("clauses where text = \"a\0b';%--\\\"\\\\\"");
    let Some(Cond::Cmp {
        value: Value::Str { text, .. },
        ..
    }) = q.condition
    else {
        panic!()
    };
    assert_eq!(text, "a\0b';%--\"\\");
}

#[test]
fn singular_sets_and_kind_prefixes() {
    let q = query("clause cited-by (document x)");
    assert_eq!(q.set.node, SetName::Clauses);
    let FilterKind::CitedBy(Target::List(items, _)) = &q.filters[0].kind else {
        panic!()
    };
    assert!(
        matches!(&items[0], Target::Name { kind: Some(k), .. } if k.node == KindPrefix::Document)
    );
    let q = query("clauses cited-by (document reaffirming x)");
    assert!(matches!(
        &q.filters[0].kind,
        FilterKind::CitedBy(Target::Subquery(_))
    ));
}

#[test]
fn relation_filters_take_any_word() {
    let q = query("documents reaffirming* x responds-to y not reaffirmed-by z");
    let verbs: Vec<(&str, bool, bool)> = q
        .filters
        .iter()
        .map(|f| match &f.kind {
            FilterKind::Relation {
                verb, transitive, ..
            } => (verb.name.as_str(), *transitive, f.negated),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        verbs,
        [
            ("reaffirming", true, false),
            ("responds-to", false, false),
            ("reaffirmed-by", false, true)
        ]
    );
}

#[test]
fn error_kinds() {
    let kind = |src: &str| first_error(src).kind;
    assert!(matches!(
        kind("clauses cited-by where"),
        ErrorKind::Keyword {
            expected: Expected::Target,
            ..
        }
    ));
    assert!(matches!(
        kind("clauses where x = \"a"),
        ErrorKind::UnclosedString
    ));
    assert!(matches!(
        kind("clauses cited-by (a, b"),
        ErrorKind::UnclosedParen {
            found: Found::EndOfInput
        }
    ));
    assert!(matches!(
        kind("documents after 2022-02-30"),
        ErrorKind::MalformedDate { .. }
    ));
    assert!(matches!(kind("clauses )"), ErrorKind::Trailing { .. }));
    assert!(matches!(
        kind("clauses where a = 1 where b = 2"),
        ErrorKind::Duplicate { clause: "where" }
    ));
    assert!(matches!(
        kind("clauses count select a"),
        ErrorKind::ConflictingOutput { .. }
    ));
    assert!(matches!(
        kind("clauses where a = \"\\x\""),
        ErrorKind::InvalidEscape { ch: 'x' }
    ));
    assert!(matches!(
        kind("clauses cited-by $"),
        ErrorKind::MissingParamName
    ));
    assert!(matches!(kind("show a#"), ErrorKind::MissingLabel));
    let deep = format!("clauses where {}", "(".repeat(100));
    assert!(matches!(
        kind(&deep),
        ErrorKind::TooDeep { limit: MAX_DEPTH }
    ));
}

#[test]
fn errors_say_what_was_expected_and_found() {
    let e = first_error("clauses cited-by where");
    assert_eq!(
        e.to_string(),
        "expected a target (a name, `DOC#LABEL`, `$param` or `( … )`), found keyword `where`"
    );
    assert_eq!(e.span, Span::new(17, 22));
    assert_eq!(
        e.help.as_deref(),
        Some("keywords must be quoted to be used as names: `\"where\"`")
    );
    let e = first_error("clauses cited-by (usa, nato");
    assert_eq!(e.span, Span::new(17, 18), "points at the `(`");
}

#[test]
fn dates_are_validated() {
    let ok = [
        "2024-02-29",
        "2000-02-29",
        "2022-12-31",
        "2022-04-30",
        "2022-01",
        "2022",
    ];
    for d in ok {
        query(&format!("documents after {d}"));
    }
    let bad = [
        "1900-02-29",
        "2023-02-29",
        "2022-04-31",
        "2022-00",
        "2022-13-01",
        "2022-01-00",
        "22",
        "2022-1",
        "20221-01",
    ];
    for d in bad {
        let e = first_error(&format!("documents after {d}"));
        assert!(
            matches!(e.kind, ErrorKind::MalformedDate { .. }),
            "{d}: {e:?}"
        );
    }
}
