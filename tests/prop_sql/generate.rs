//! The generator of `prop_sql`: random but well-formed query text over the names of the
//! built-in example corpus, mostly valid for the set it starts from, sometimes not.

use proptest::prelude::*;

// ---------------------------------------------------------------------------------------------
// Names of the example corpus
// ---------------------------------------------------------------------------------------------

const ACTORS: &[&str] = &[
    "lavrov",
    "putin",
    "blinken",
    "stoltenberg",
    "french-defence-minister",
    "cc",
    "russia",
    "usa",
    "ukraine",
    "france",
    "germany",
    "nato",
    "osce",
    "eu",
];
const DOCUMENTS: &[&str] = &[
    "istanbul-charter",
    "astana-declaration",
    "paris-charter",
    "inf-treaty",
    "russia-draft-treaty-2021",
    "us-response-2022",
    "nato-response-2022",
    "lavrov-2022-01-27",
    "lavrov-2022-02-01",
    "osce-article-2022",
];
const PRINCIPLES: &[&str] = &[
    "indivisibility",
    "freedom-of-alliance",
    "no-expense",
    "equal-security",
    "neutrality",
    "comprehensive-security",
    "no-dividing-lines",
];
/// Names written in quotes: aliases and display names, some in Cyrillic, one unknown.
const QUOTED_NAMES: &[&str] = &[
    "Sergey Lavrov",
    "Istanbul Charter",
    "Лавров",
    "НАТО",
    "indivisible security",
    "Charter of Paris",
    "United States",
    "Indivisibility of security",
    "no such thing",
];
/// Bare names that name nothing (or nothing of the right kind).
const UNKNOWN_NAMES: &[&str] = &["lavorv", "Лавровв", "北约", "nobody"];
const CLAUSE_REFS: &[&str] = &[
    "istanbul-charter#8",
    "istanbul-charter#8.5",
    "istanbul-charter#8.1",
    "istanbul-charter#9",
    "istanbul-charter#fsc",
    "astana-declaration#3",
    "lavrov-2022-01-27#p4",
    "osce-article-2022#p2",
    "istanbul-charter#8.9",
    "nosuch#1",
];
const VERBS: &[&str] = &[
    "reaffirms",
    "reaffirming",
    "reaffirm",
    "reaffirmed-by",
    "responds-to",
    "responding-to",
    "responded-to-by",
    "reprints",
    "reprinted-by",
    "reafirming",
];
/// Every field of every set, plus misspelt ones; `document`, `principle`, `by` and `clauses`
/// are keywords that may also name fields.
const FIELDS: &[&str] = &[
    "id",
    "title",
    "kind",
    "date",
    "place",
    "author",
    "alias",
    "language",
    "excerpt",
    "source",
    "clauses",
    "ref",
    "label",
    "document",
    "text",
    "principle",
    "parent",
    "name",
    "role",
    "member-of",
    "represents",
    "description",
    "from",
    "to",
    "by",
    "quote",
    "stance",
    "method",
    "confidence",
    "note",
    "txt",
    "nmae",
    "Текст",
];
const SETS: &[&str] = &[
    "documents",
    "statements",
    "clauses",
    "actors",
    "principles",
    "citations",
    "clause",
    "document",
    "actor",
];
const DATES: &[&str] = &[
    "1999",
    "2022-01",
    "2022-01-27",
    "2010-12",
    "1975-08-01",
    "$date",
];
/// Pieces of the strings the generator puts in quotes: SQL, quotes, wildcards, Unicode.
const FRAGMENTS: &[&str] = &[
    "'; DROP TABLE clauses; --",
    "\" OR \"\"=\"",
    ") OR 1=1 --",
    "' OR '1'='1",
    "UNION SELECT sql FROM sqlite_master",
    "*/ /*",
    "%",
    "_",
    "100%_sure",
    "O'Brien",
    "\\",
    "\0",
    "\n",
    "\t",
    "Лавров",
    "中文",
    "🙂",
    "İ",
    "ＡＢＣ",
    ":name",
    "@x",
    "$y",
    "security",
    "indivisible",
    "Istanbul",
];
/// Full-text queries that FTS5 accepts.
pub const FTS: &[&str] = &[
    "\"security\"",
    "\"indivisible security\"",
    "\"\\\"equal right\\\"\"",
    "\"secur*\"",
    "\"security NOT neutrality\"",
    "\"NEAR(security expense)\"",
    "\"Лавров\"",
    "\"alliances OR neutrality\"",
    "security",
    "neutrality",
    "$fts",
];
/// Session parameters, set before every case.
pub const PARAMS: &[(&str, &str)] = &[
    ("actor", "lavrov"),
    ("doc", "istanbul-charter"),
    ("ref", "istanbul-charter#8.5"),
    ("p", "indivisibility"),
    ("date", "2022-01"),
    ("n", "3"),
    ("fts", "security"),
    ("text", "'; DROP TABLE clauses; -- 100%_sure"),
    ("evil", "\") OR 1=1; DELETE FROM clauses; --"),
];

// ---------------------------------------------------------------------------------------------
// The generator (query text)
// ---------------------------------------------------------------------------------------------

pub fn pick(items: &'static [&'static str]) -> BoxedStrategy<String> {
    prop::sample::select(items).prop_map(str::to_string).boxed()
}

/// `text` as a string literal of the language.
pub fn quote(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// A string made of 1 to 3 fragments, quoted.
fn payload() -> BoxedStrategy<String> {
    prop::collection::vec(prop::sample::select(FRAGMENTS), 1..4)
        .prop_map(|parts| quote(&parts.concat()))
        .boxed()
}

/// What a field's values are, as the resolver sees them (`src/resolve/fields.rs`).
#[derive(Debug, Clone, Copy, PartialEq)]
enum K {
    Text,
    Number,
    Date,
    Bool,
    Document,
    ClauseRef,
    /// A citation's `to`: a clause, a document or a principle.
    Target,
    /// Many-valued (cannot be an `order by` key).
    ManyActor,
    ManyText,
    ManyPrinciple,
}

const DOCUMENT_FIELDS: &[(&str, K)] = &[
    ("id", K::Text),
    ("title", K::Text),
    ("kind", K::Text),
    ("date", K::Date),
    ("place", K::Text),
    ("author", K::ManyActor),
    ("alias", K::ManyText),
    ("language", K::Text),
    ("excerpt", K::Bool),
    ("source", K::Text),
    ("clauses", K::Number),
];
const CLAUSE_FIELDS: &[(&str, K)] = &[
    ("ref", K::ClauseRef),
    ("label", K::Text),
    ("document", K::Document),
    ("text", K::Text),
    ("principle", K::ManyPrinciple),
    ("date", K::Date),
    ("kind", K::Text),
    ("title", K::Text),
    ("parent", K::ClauseRef),
];
const ACTOR_FIELDS: &[(&str, K)] = &[
    ("id", K::Text),
    ("name", K::Text),
    ("kind", K::Text),
    ("role", K::Text),
    ("alias", K::ManyText),
    ("member-of", K::ManyActor),
    ("represents", K::ManyActor),
];
const PRINCIPLE_FIELDS: &[(&str, K)] = &[
    ("id", K::Text),
    ("name", K::Text),
    ("description", K::Text),
    ("clauses", K::Number),
];
const CITATION_FIELDS: &[(&str, K)] = &[
    ("id", K::Number),
    ("from", K::ClauseRef),
    ("to", K::Target),
    ("by", K::ManyActor),
    ("quote", K::Text),
    ("stance", K::Text),
    ("source", K::Document),
    ("date", K::Date),
    ("method", K::Text),
    ("confidence", K::Number),
    ("note", K::Text),
];

/// The fields of a set, by its keyword (singular or plural).
fn fields_of(set: &str) -> &'static [(&'static str, K)] {
    match set.trim_end_matches('s') {
        "document" | "statement" => DOCUMENT_FIELDS,
        "clause" => CLAUSE_FIELDS,
        "actor" => ACTOR_FIELDS,
        "principle" => PRINCIPLE_FIELDS,
        _ => CITATION_FIELDS,
    }
}

fn actor_name() -> BoxedStrategy<String> {
    prop_oneof![
        4 => pick(ACTORS),
        1 => pick(&["\"Sergey Lavrov\"", "\"Лавров\"", "\"НАТО\"", "\"United States\"", "$actor"]),
    ]
    .boxed()
}

fn document_name() -> BoxedStrategy<String> {
    prop_oneof![
        4 => pick(DOCUMENTS),
        1 => pick(&["\"Istanbul Charter\"", "\"Charter of Paris\"", "$doc"]),
    ]
    .boxed()
}

fn principle_name() -> BoxedStrategy<String> {
    prop_oneof![
        4 => pick(PRINCIPLES),
        1 => pick(&["\"indivisible security\"", "\"Indivisibility of security\"", "$p"]),
    ]
    .boxed()
}

/// Any name, of any kind or of none.
fn name() -> BoxedStrategy<String> {
    prop_oneof![
        3 => actor_name(),
        3 => document_name(),
        2 => principle_name(),
        2 => prop::sample::select(QUOTED_NAMES).prop_map(quote),
        1 => pick(UNKNOWN_NAMES),
        1 => payload(),
    ]
    .boxed()
}

fn param() -> BoxedStrategy<String> {
    prop_oneof![
        prop::sample::select(PARAMS).prop_map(|(k, _)| format!("${k}")),
        Just("$nope".to_string()),
        Just("$mine".to_string()),
    ]
    .boxed()
}

/// The kinds of target a filter takes.
#[derive(Debug, Clone, Copy, PartialEq)]
enum T {
    Actor,
    Document,
    Principle,
    Clause,
}

/// A target of one of `kinds` (mostly), or of any kind, or a subquery or a list.
fn target(kinds: &'static [T], depth: u32) -> BoxedStrategy<String> {
    let of_kind = prop::sample::select(kinds)
        .prop_flat_map(|k| match k {
            T::Actor => actor_name(),
            T::Document => document_name(),
            T::Principle => principle_name(),
            T::Clause => prop_oneof![
                6 => pick(CLAUSE_REFS),
                1 => pick(CLAUSE_REFS).prop_map(|r| format!("clause {r}")),
                1 => Just("$ref".to_string()),
            ]
            .boxed(),
        })
        .boxed();
    // A kind prefix takes a word or a string, not a `$param`.
    let bare = prop_oneof![
        pick(ACTORS),
        pick(DOCUMENTS),
        pick(PRINCIPLES),
        prop::sample::select(QUOTED_NAMES).prop_map(quote),
        pick(UNKNOWN_NAMES),
    ];
    let prefixed = (
        prop::sample::select(&["actor", "document", "statement", "principle"][..]),
        bare,
    )
        .prop_map(|(k, n)| format!("{k} {n}"));
    let leaf = prop_oneof![
        10 => of_kind,
        2 => name(),
        1 => prefixed,
        1 => pick(CLAUSE_REFS),
        1 => param(),
    ];
    if depth == 0 {
        return leaf.boxed();
    }
    let leaf = leaf.boxed();
    // A list longer than `sql::generate::SHORT_LIST` (16) is one bound JSON array.
    let long =
        prop::collection::vec(leaf.clone(), 17..30).prop_map(|ts| format!("({})", ts.join(", ")));
    prop_oneof![
        10 => leaf,
        1 => long,
        2 => query(depth - 1).prop_map(|q| format!("({q})")),
        2 => prop::collection::vec(target(kinds, depth - 1), 1..4)
            .prop_map(|ts| format!("({})", ts.join(", "))),
    ]
    .boxed()
}

const ALL_KINDS: &[T] = &[T::Actor, T::Document, T::Principle, T::Clause];

/// A filter for `set`: mostly one that applies to it, with a target of a kind it takes.
fn filter(set: &str, depth: u32) -> BoxedStrategy<String> {
    use T::*;
    let f = |kw: &'static str, kinds: &'static [T]| {
        target(kinds, depth)
            .prop_map(move |t| format!("{kw} {t}"))
            .boxed()
    };
    let relation = (pick(VERBS), any::<bool>(), target(&[Document], depth))
        .prop_map(|(v, star, t)| format!("{v}{} {t}", if star { "*" } else { "" }))
        .boxed();
    let dates = prop_oneof![
        pick(DATES).prop_map(|d| format!("before {d}")),
        pick(DATES).prop_map(|d| format!("after {d}")),
        (pick(DATES), pick(DATES)).prop_map(|(a, b)| format!("between {a} and {b}")),
    ]
    .boxed();
    let fitting: BoxedStrategy<String> = match set.trim_end_matches('s') {
        "document" | "statement" => prop_oneof![
            f("by", &[Actor]),
            f("cited-by", &[Actor, Document, Clause]),
            f("citing", &[Document, Principle, Actor, Clause]),
            f("expressing", &[Principle]),
            relation,
            dates,
        ]
        .boxed(),
        "clause" => prop_oneof![
            f("in", &[Document, Clause]),
            f("by", &[Actor]),
            f("cited-by", &[Actor, Document, Clause]),
            f("citing", &[Document, Principle, Actor, Clause]),
            f("expressing", &[Principle]),
            dates,
        ]
        .boxed(),
        "actor" => prop_oneof![
            f("in", &[Actor]),
            f("cited-by", &[Actor, Document, Clause]),
            f("citing", &[Document, Principle, Actor, Clause]),
        ]
        .boxed(),
        "principle" => prop_oneof![
            f("in", &[Document, Clause]),
            f("cited-by", &[Actor, Document, Clause]),
        ]
        .boxed(),
        _ => prop_oneof![f("by", &[Actor]), dates].boxed(),
    };
    let any_filter = prop_oneof![
        f("in", ALL_KINDS),
        f("by", ALL_KINDS),
        f("cited-by", ALL_KINDS),
        f("citing", ALL_KINDS),
        f("expressing", ALL_KINDS),
        (pick(VERBS), target(ALL_KINDS, 0)).prop_map(|(v, t)| format!("{v} {t}")),
    ];
    let body = prop_oneof![6 => fitting, 1 => any_filter];
    (prop::bool::weighted(0.25), body)
        .prop_map(|(not, b)| if not { format!("not {b}") } else { b })
        .boxed()
}

/// A value for a field of kind `k`: mostly one that fits it, sometimes anything.
fn value_for(k: K) -> BoxedStrategy<String> {
    let fitting = match k {
        K::Text | K::ManyText => prop_oneof![
            4 => payload(),
            1 => pick(&["charter", "en", "invokes", "person", "\"article\"", "Istanbul"]),
            1 => pick(&["$text", "$evil", "$fts"]),
        ]
        .boxed(),
        K::Number => pick(&["0", "1", "3", "0.8", "1999", "12345678901234567890", "$n"]),
        K::Date => pick(&[
            "1999-11-19",
            "2022-01",
            "2022-01-27",
            "2010-12",
            "2022",
            "$date",
        ]),
        K::Bool => pick(&["true", "false", "1", "0", "\"yes\""]),
        K::ManyActor => actor_name(),
        K::Document => document_name(),
        K::ManyPrinciple => principle_name(),
        K::ClauseRef => prop_oneof![
            4 => pick(CLAUSE_REFS),
            1 => Just("$ref".to_string()),
            1 => document_name(),
        ]
        .boxed(),
        K::Target => prop_oneof![pick(CLAUSE_REFS), document_name(), principle_name()].boxed(),
    };
    prop_oneof![5 => fitting, 1 => value()].boxed()
}

/// Any value.
fn value() -> BoxedStrategy<String> {
    prop_oneof![
        4 => payload(),
        3 => name(),
        1 => pick(&["true", "false", "invokes", "\"article\"", "charter", "en", "person", "0.8"]),
        1 => pick(&["0", "1", "3", "1999", "12345678901234567890"]),
        1 => pick(&["1999-11-19", "2022-01", "2022-01-27", "2010-12"]),
        1 => param(),
        1 => pick(CLAUSE_REFS),
    ]
    .boxed()
}

/// A field of `set` (mostly) with its kind, or any field name (valid elsewhere or misspelt).
fn field(set: &str) -> BoxedStrategy<(String, K)> {
    prop_oneof![
        6 => prop::sample::select(fields_of(set)).prop_map(|(f, k)| (f.to_string(), k)),
        1 => pick(FIELDS).prop_map(|f| (f, K::Text)),
    ]
    .boxed()
}

fn predicate(set: &str) -> BoxedStrategy<String> {
    let op = pick(&["=", "!=", "<", "<=", ">", ">=", "~"]);
    let is_clauses = set.trim_end_matches('s') == "clause";
    let matches_field = if is_clauses {
        prop_oneof![4 => Just("text".to_string()), 1 => pick(FIELDS)].boxed()
    } else {
        pick(FIELDS)
    };
    let cmp = (field(set), op)
        .prop_flat_map(|((f, k), o)| (Just(f), Just(o), value_for(k)))
        .prop_map(|(f, o, v)| format!("{f} {o} {v}"));
    let list = (field(set), any::<bool>())
        .prop_flat_map(|((f, k), not)| {
            (
                Just(f),
                Just(not),
                // Short lists, and long ones (one bound JSON array).
                prop_oneof![
                    4 => prop::collection::vec(value_for(k), 1..4),
                    1 => prop::collection::vec(value_for(k), 17..30),
                ],
            )
        })
        .prop_map(|(f, not, vs)| {
            format!(
                "{f} {}in ({})",
                if not { "not " } else { "" },
                vs.join(", ")
            )
        });
    prop_oneof![
        6 => cmp,
        if is_clauses { 3 } else { 1 } => (matches_field, pick(FTS))
            .prop_map(|(f, q)| format!("{f} matches {q}")),
        2 => list,
        1 => (field(set), any::<bool>())
            .prop_map(|((f, _), not)| format!("{f} is {}null", if not { "not " } else { "" })),
    ]
    .boxed()
}

fn condition(set: &'static str, depth: u32) -> BoxedStrategy<String> {
    if depth == 0 {
        return predicate(set);
    }
    let sub = move || condition(set, depth - 1);
    prop_oneof![
        4 => predicate(set),
        1 => sub().prop_map(|c| format!("not {c}")),
        1 => sub().prop_map(|c| format!("({c})")),
        2 => (sub(), sub()).prop_map(|(a, b)| format!("{a} and {b}")),
        2 => (sub(), sub()).prop_map(|(a, b)| format!("{a} or {b}")),
        1 => (sub(), sub(), sub()).prop_map(|(a, b, c)| format!("{a} and {b} or not ({c})")),
    ]
    .boxed()
}

fn shaping(set: &str) -> BoxedStrategy<String> {
    // Mostly single-valued fields: ordering by a many-valued one is an error.
    let single: Vec<&'static str> = fields_of(set)
        .iter()
        .filter(|(_, k)| !matches!(k, K::ManyActor | K::ManyText | K::ManyPrinciple))
        .map(|(f, _)| *f)
        .collect();
    let key = prop_oneof![
        6 => prop::sample::select(single).prop_map(str::to_string),
        1 => pick(FIELDS),
    ];
    let order = prop::collection::vec(
        (key, pick(&["", " asc", " desc"])).prop_map(|(f, d)| format!("{f}{d}")),
        1..3,
    )
    .prop_map(|keys| format!(" order by {}", keys.join(", ")));
    let count = pick(&["0", "1", "3", "100", "$n", "18446744073709551615"]);
    let limit = prop_oneof![
        Just(String::new()),
        count.clone().prop_map(|n| format!(" limit {n}")),
        (count.clone(), count.clone()).prop_map(|(n, m)| format!(" limit {n} offset {m}")),
        count.prop_map(|m| format!(" offset {m}")),
    ];
    let own = || field(set).prop_map(|(f, _)| f);
    let output = prop_oneof![
        3 => Just(String::new()),
        1 => Just(" count".to_string()),
        1 => own().prop_map(|f| format!(" count by {f}")),
        1 => prop::collection::vec(own(), 1..4).prop_map(|fs| format!(" select {}", fs.join(", "))),
    ];
    (prop::option::weighted(0.3, order), limit, output)
        .prop_map(|(o, l, out)| format!("{}{l}{out}", o.unwrap_or_default()))
        .boxed()
}

pub fn query(depth: u32) -> BoxedStrategy<String> {
    prop::sample::select(SETS)
        .prop_flat_map(move |set| {
            (
                Just(set),
                prop::collection::vec(filter(set, depth), 0..3),
                prop::option::weighted(0.6, condition(set, 2)),
                shaping(set),
            )
        })
        .prop_map(|(set, filters, cond, shape)| {
            let mut q = set.to_string();
            for f in filters {
                q += " ";
                q += &f;
            }
            if let Some(c) = cond {
                q += " where ";
                q += &c;
            }
            q + &shape
        })
        .boxed()
}

fn statement() -> BoxedStrategy<String> {
    prop_oneof![
        8 => query(2),
        1 => query(1).prop_map(|q| format!("explain {q}")),
        1 => target(ALL_KINDS, 0).prop_map(|t| format!("show {t}")),
        1 => (pick(&["mine", "theirs"]), query(1)).prop_map(|(n, q)| format!("let {n} = {q}")),
    ]
    .boxed()
}

/// One to three statements, separated by `;`, a blank line, or a comment and a blank line.
pub fn script() -> BoxedStrategy<String> {
    let sep = pick(&[";\n", "; ", "\n\n", " -- a comment\n\n", ";"]);
    prop::collection::vec((statement(), sep), 1..4)
        .prop_map(|parts| parts.into_iter().map(|(s, sep)| s + &sep).collect())
        .boxed()
}
