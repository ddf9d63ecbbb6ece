//! Property tests: printed trees parse back to themselves; no input makes the parser panic.

use proptest::prelude::*;
use proptest::strategy::BoxedStrategy;
use proptest::test_runner::FileFailurePersistence;

use concord::diag::{Diagnostic, render};
use concord::syntax::*;

const S: Span = Span { start: 0, end: 0 };

/// A `RUN`: word characters, never `--`, never ending in `-`.
fn run() -> impl Strategy<Value = String> {
    "[a-z0-9_]([a-zA-Z0-9_.]|-[a-z0-9_.]){0,5}"
}

/// A bare word: not a keyword, a number or a date; some Cyrillic and CJK.
fn word() -> BoxedStrategy<String> {
    prop_oneof![
        4 => "[a-zA-Z_]([a-zA-Z0-9_.]|-[a-z0-9_]){0,8}",
        1 => "[а-яё][а-яё0-9-]{0,5}[а-яё]",
        1 => "[中国人民共和]{1,4}",
        1 => "[0-9]{1,4}[a-z][a-z0-9-]{0,3}[a-z]",
    ]
    .prop_filter("a bare word", |w| {
        !is_keyword(w) && !w.contains("--") && !w.ends_with('-')
    })
    .boxed()
}

/// A keyword in lowercase.
fn keyword() -> impl Strategy<Value = String> {
    prop::sample::select(KEYWORDS).prop_map(str::to_owned)
}

/// Any text, weighted towards what needs escaping.
fn text() -> impl Strategy<Value = String> {
    let c = prop_oneof![
        4 => any::<char>(),
        2 => prop::sample::select(vec!['"', '\\', '\n', '\0', '\'', ';', '%', '-', ' ', 'Ж', '中']),
    ];
    prop::collection::vec(c, 0..10).prop_map(String::from_iter)
}

/// A relation verb: any bare word but `from`, which reads as the filter `from X`.
fn ident() -> impl Strategy<Value = Ident> {
    word()
        .prop_filter("not `from`", |w| !w.eq_ignore_ascii_case("from"))
        .prop_map(|name| Ident { name, span: S })
}

fn param() -> impl Strategy<Value = Ident> {
    prop_oneof![word(), keyword(), run()].prop_map(|name| Ident { name, span: S })
}

fn field() -> impl Strategy<Value = Field> {
    let names = vec!["document", "principle", "by", "clauses", "actor"];
    prop_oneof![4 => word(), 1 => prop::sample::select(names).prop_map(str::to_owned)]
        .prop_map(|name| Field { name, span: S })
}

fn name() -> impl Strategy<Value = Name> {
    prop_oneof![
        word().prop_map(|text| (text, false)),
        prop_oneof![text(), keyword(), word()].prop_map(|text| (text, true)),
    ]
    .prop_map(|(text, quoted)| Name {
        text,
        quoted,
        span: S,
    })
}

fn clause_ref() -> impl Strategy<Value = ClauseRef> {
    (prop_oneof![run(), word(), keyword()], run()).prop_map(|(doc, label)| ClauseRef {
        doc,
        label,
        span: S,
    })
}

fn date() -> impl Strategy<Value = Date> {
    (
        1000u16..3000,
        prop::option::of((1u8..=12, prop::option::of(1u8..=28))),
    )
        .prop_map(|(year, md)| Date {
            year,
            month: md.map(|(m, _)| m),
            day: md.and_then(|(_, d)| d),
        })
}

fn date_arg() -> impl Strategy<Value = DateArg> {
    prop_oneof![
        date().prop_map(|date| DateArg::Date { date, span: S }),
        param().prop_map(DateArg::Param),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    prop_oneof![
        text().prop_map(|text| Value::Str { text, span: S }),
        word().prop_map(|text| Value::Word { text, span: S }),
        "[0-9]{1,5}(\\.[0-9]{1,3})?".prop_map(|text| Value::Number { text, span: S }),
        // A bare year in a value is a NUMBER: the parser makes no year-only `Value::Date`.
        date()
            .prop_filter("has a month", |d| d.month.is_some())
            .prop_map(|date| Value::Date { date, span: S }),
        param().prop_map(Value::Param),
        clause_ref().prop_map(Value::ClauseRef),
    ]
}

fn kind_prefix() -> impl Strategy<Value = KindPrefix> {
    prop::sample::select(vec![
        KindPrefix::Actor,
        KindPrefix::Document,
        KindPrefix::Statement,
        KindPrefix::Principle,
        KindPrefix::Clause,
    ])
}

fn target(depth: u32) -> BoxedStrategy<Target> {
    let leaf = prop_oneof![
        (prop::option::of(kind_prefix()), name()).prop_map(|(kind, name)| Target::Name {
            kind: kind.map(|node| Spanned { node, span: S }),
            name,
        }),
        clause_ref().prop_map(Target::ClauseRef),
        param().prop_map(Target::Param),
    ];
    if depth == 0 {
        return leaf.boxed();
    }
    prop_oneof![
        4 => leaf,
        1 => query(depth - 1).prop_map(|q| Target::Subquery(Box::new(q))),
        1 => prop::collection::vec(target(depth - 1), 1..4).prop_map(|t| Target::List(t, S)),
    ]
    .boxed()
}

fn filter(depth: u32) -> impl Strategy<Value = Filter> {
    let kind = prop_oneof![
        target(depth).prop_map(FilterKind::In),
        target(depth).prop_map(FilterKind::By),
        target(depth).prop_map(FilterKind::CitedBy),
        target(depth).prop_map(FilterKind::Citing),
        target(depth).prop_map(FilterKind::Expressing),
        target(depth).prop_map(FilterKind::CitedDirectly),
        target(depth).prop_map(FilterKind::From),
        (ident(), any::<bool>(), target(depth)).prop_map(|(verb, transitive, target)| {
            FilterKind::Relation {
                verb,
                transitive,
                target,
            }
        }),
        date_arg().prop_map(FilterKind::Before),
        date_arg().prop_map(FilterKind::After),
        (date_arg(), date_arg()).prop_map(|(a, b)| FilterKind::Between(a, b)),
    ];
    (any::<bool>(), kind).prop_map(|(negated, kind)| Filter {
        negated,
        kind,
        span: S,
    })
}

fn cond() -> impl Strategy<Value = Cond> {
    let ops = vec![
        CmpOp::Eq,
        CmpOp::Ne,
        CmpOp::Lt,
        CmpOp::Le,
        CmpOp::Gt,
        CmpOp::Ge,
        CmpOp::Contains,
    ];
    let leaf = prop_oneof![
        (field(), prop::sample::select(ops), value()).prop_map(|(field, op, value)| Cond::Cmp {
            field,
            op,
            value,
            span: S
        }),
        (field(), value()).prop_map(|(field, query)| Cond::Matches {
            field,
            query,
            span: S
        }),
        (field(), any::<bool>(), prop::collection::vec(value(), 1..4)).prop_map(
            |(field, negated, values)| Cond::In {
                field,
                negated,
                values,
                span: S
            }
        ),
        (field(), any::<bool>()).prop_map(|(field, negated)| Cond::IsNull {
            field,
            negated,
            span: S
        }),
    ];
    leaf.prop_recursive(4, 16, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 2..4).prop_map(Cond::Or),
            prop::collection::vec(inner.clone(), 2..4).prop_map(Cond::And),
            inner.prop_map(|c| Cond::Not {
                cond: Box::new(c),
                span: S
            }),
        ]
    })
}

fn count() -> impl Strategy<Value = Spanned<Count>> {
    prop_oneof![
        any::<u64>().prop_map(Count::Number),
        param().prop_map(Count::Param),
    ]
    .prop_map(|node| Spanned { node, span: S })
}

fn output() -> impl Strategy<Value = Output> {
    prop_oneof![
        Just(Output::Rows),
        Just(Output::Count(S)),
        prop::collection::vec(field(), 1..3).prop_map(Output::CountBy),
        prop::collection::vec(field(), 1..4).prop_map(Output::Select),
    ]
}

fn query(depth: u32) -> BoxedStrategy<Query> {
    let order = prop::collection::vec(
        (field(), any::<bool>()).prop_map(|(field, desc)| OrderKey { field, desc }),
        0..3,
    );
    (
        prop::sample::select(SetName::ALL.to_vec()),
        prop::collection::vec(filter(depth), 0..4),
        prop::option::of(cond()),
        order,
        prop::option::of(count()),
        prop::option::of(count()),
        output(),
    )
        .prop_map(
            |(set, filters, condition, order, limit, offset, output)| Query {
                set: Spanned { node: set, span: S },
                filters,
                condition,
                order,
                limit,
                offset,
                output,
                span: S,
            },
        )
        .boxed()
}

fn statement() -> impl Strategy<Value = Statement> {
    prop_oneof![
        3 => query(2).prop_map(StatementKind::Query),
        1 => query(1).prop_map(StatementKind::Explain),
        1 => target(2).prop_map(StatementKind::Show),
        1 => (ident(), query(1)).prop_map(|(name, query)| StatementKind::Let { name, query }),
        1 => (prop::collection::vec(target(1), 1..4), target(1))
            .prop_map(|(actors, within)| StatementKind::Compare { actors, within }),
    ]
    .prop_map(|kind| Statement { kind, span: S })
}

/// Input that looks like the language: its tokens, broken ones and odd characters.
fn query_like() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => keyword(),
        3 => word(),
        1 => text().prop_map(|t| format!("{t:?}")),
        1 => prop::sample::select(vec![
            "(", ")", ",", ";", "*", "=", "!=", "<=", "~", "$", "$x", "#", "a#1", "\"", "\\",
            "--", "\n", "\n\n", "2022-02-30", "2022-01-27", "5", "0.8", "'", "!", "Лавров",
        ])
        .prop_map(str::to_owned),
    ];
    let sep = prop::sample::select(vec![" ", " ", " ", "", "\n", "\t"]);
    prop::collection::vec((piece, sep), 0..24)
        .prop_map(|v| v.into_iter().flat_map(|(p, s)| [p, s.to_owned()]).collect())
}

/// Parses `src` and checks what must hold for any input.
fn check_any(src: &str) {
    let _ = tokens(src);
    match parse_script(src) {
        Ok(script) => {
            let printed = script.to_string();
            let again = parse_script(&printed).unwrap_or_else(|e| {
                panic!("canonical text of {src:?} does not parse: {printed:?}: {e:?}")
            });
            assert_eq!(again.without_spans(), script.without_spans(), "{printed}");
        }
        Err(errors) => {
            assert!(!errors.is_empty());
            for e in &errors {
                let Span { start, end } = e.span;
                assert!(start <= end && end <= src.len(), "{e:?} in {src:?}");
                assert!(src.is_char_boundary(start) && src.is_char_boundary(end));
                let _ = render(src, &Diagnostic::from(e), true);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 512,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "tests/roundtrip.proptest-regressions",
        ))),
        ..ProptestConfig::default()
    })]

    #[test]
    fn printed_scripts_parse_back(statements in prop::collection::vec(statement(), 0..4)) {
        let script = Script { statements };
        let printed = script.to_string();
        let parsed = parse_script(&printed)
            .unwrap_or_else(|e| panic!("{printed}\n{e:#?}"));
        prop_assert_eq!(parsed.without_spans(), script, "{}", printed);
    }

    #[test]
    fn printed_queries_parse_back(q in query(2)) {
        let printed = q.to_string();
        let parsed = parse_query(&printed).unwrap_or_else(|e| panic!("{printed}\n{e:#?}"));
        prop_assert_eq!(parsed.without_spans(), q, "{}", printed);
    }

    #[test]
    fn any_string_never_panics(src in any::<String>()) {
        check_any(&src);
    }

    #[test]
    fn query_like_input_never_panics(src in query_like()) {
        check_any(&src);
    }
}
