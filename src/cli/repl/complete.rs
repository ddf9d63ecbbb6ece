//! Tab completion by context.
//!
//! In: the line being edited, the cursor, and the open [`Engine`]. Out: where the word at the
//! cursor starts and what may replace it: the keywords valid there, then the names from the
//! store that fit (actors after `by`, fields after `where`, principle ids after
//! `principle =`, `doc#label` once a `#` is typed, ...). Dot-commands complete their names and
//! arguments; `.open`, `.read`, `.output` and `.once` complete file names (done by the caller).
//!
//! The context comes from walking the tokens of the statement before the cursor
//! ([`concord::syntax::tokens`], which never fails) through a small state machine that mirrors
//! the grammar; it is forgiving: a token it cannot place leaves the state as it was.
//!
//! Pure: no terminal. Everything here is reached through `concord::` paths only, so the tests
//! in `tests/repl_complete.rs` can include this file as it is.

use std::cell::RefCell;
use std::collections::HashMap;

use concord::engine::Engine;
use concord::fold::fold;
use concord::resolve::Clauses;
use concord::resolve::catalog::Kind;
use concord::resolve::fields::{self, Kind as FieldKind};
use concord::resolve::plan::Set;
use concord::syntax::{self, Span, TokenKind};

/// What the word at the cursor may become.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Completion {
    /// Replace `line[start..pos]` with one of `candidates` (best first).
    Words {
        start: usize,
        candidates: Vec<String>,
    },
    /// The argument is a file name: complete it from the file system.
    Files,
}

/// The completer: the shell's dot-commands and help topics, and a cache of field values.
pub struct Completer {
    /// Dot-command names, with their dot.
    pub commands: Vec<&'static str>,
    /// Words `.help` takes.
    pub topics: Vec<&'static str>,
    /// `(set, field)` → the values `SET count by FIELD` gives, quoted where needed.
    values: RefCell<HashMap<(Set, &'static str), Vec<String>>>,
}

/// Output formats, for `.format`.
const FORMATS: &[&str] = &["table", "csv", "tsv", "json", "jsonl", "markdown", "dot"];

/// Text fields whose values are too long or too many to offer.
const LONG_FIELDS: &[&str] = &[
    "text",
    "quote",
    "title",
    "description",
    "note",
    "source",
    "name",
    "label",
];

/// At most this many values of a field are offered.
const MAX_VALUES: usize = 200;

impl Completer {
    pub fn new(commands: Vec<&'static str>, topics: Vec<&'static str>) -> Completer {
        Completer {
            commands,
            topics,
            values: RefCell::new(HashMap::new()),
        }
    }

    /// Forgets cached values (another store was opened).
    pub fn forget(&self) {
        self.values.borrow_mut().clear();
    }

    /// What may replace the word that ends at `pos`.
    pub fn complete(&self, engine: &Engine, line: &str, pos: usize) -> Completion {
        let pos = floor(line, pos);
        let before = &line[..pos];
        if before.trim_start().starts_with('.') && !before.contains('\n') {
            return self.dot(engine, before);
        }
        let Some(start) = word_start(before) else {
            return Completion::Words {
                start: pos,
                candidates: Vec::new(),
            };
        };
        let prefix = &before[start..];
        let choices = context(&before[..start]);
        let candidates = self.candidates(engine, &choices, prefix);
        Completion::Words { start, candidates }
    }

    /// Dot-commands and their arguments.
    fn dot(&self, engine: &Engine, before: &str) -> Completion {
        let lead = before.len() - before.trim_start().len();
        let words: Vec<&str> = before.split_whitespace().collect();
        let ends_in_space = before.ends_with(char::is_whitespace);
        let start = if ends_in_space {
            before.len()
        } else {
            before.rfind(char::is_whitespace).map_or(lead, |n| n + 1)
        };
        let prefix = &before[start..];
        // Which argument the cursor is in: 0 is the command itself.
        let index = words.len() - usize::from(!ends_in_space);
        let words_done = &words[..index.min(words.len())];
        let command = words_done.first().map(|w| w.to_ascii_lowercase());
        let options: Vec<String> = match (index, command.as_deref()) {
            (0, _) => self.commands.iter().map(|c| c.to_string()).collect(),
            (_, Some(".open" | ".read" | ".output" | ".once")) => return Completion::Files,
            (1, Some(".format")) => strings(FORMATS),
            (1, Some(".sql" | ".timer")) => strings(&["on", "off"]),
            (1, Some(".param")) => strings(&["set", "unset", "list"]),
            (2, Some(".param")) if matches!(words_done.get(1), Some(&("set" | "unset"))) => {
                let mut v: Vec<String> = engine.env.params.keys().cloned().collect();
                v.sort();
                v
            }
            (1, Some(".fields")) => Set::ALL.iter().map(|s| s.as_str().to_string()).collect(),
            (1, Some(".help")) => self.topics.iter().map(|t| t.to_string()).collect(),
            _ => Vec::new(),
        };
        Completion::Words {
            start,
            candidates: matching(options, prefix),
        }
    }

    /// The candidates for `choices` that start with `prefix`.
    fn candidates(&self, engine: &Engine, choices: &[Choice], prefix: &str) -> Vec<String> {
        if let Some(name) = prefix.strip_prefix('$') {
            return params(engine, name);
        }
        if prefix.starts_with('"') {
            return quoted_names(engine, choices, prefix);
        }
        if let Some((doc, label)) = prefix.split_once('#') {
            let wants_refs = choices.iter().any(|c| matches!(c, Choice::ClauseRefs));
            return if wants_refs {
                clause_refs(engine, doc, label)
            } else {
                Vec::new()
            };
        }
        let mut out: Vec<String> = Vec::new();
        for c in choices {
            let more: Vec<String> = match c {
                Choice::Words(w) => strings(w),
                Choice::Sets => Set::ALL.iter().map(|s| s.as_str().to_string()).collect(),
                Choice::Filters(set) => filters(*set),
                Choice::Verbs => engine.catalog().named_verb_forms(),
                Choice::Names(kinds) => names(engine, kinds),
                Choice::ClauseRefs => Vec::new(),
                Choice::KindPrefixes => strings(&["actor", "document", "principle", "clause"]),
                Choice::Fields(set) => field_names(*set),
                Choice::Values(set, field) => self.values(engine, *set, field),
                Choice::Params => Vec::new(),
            };
            for m in more {
                if !out.contains(&m) {
                    out.push(m);
                }
            }
        }
        matching(out, prefix)
    }

    /// The values a field may be compared with.
    fn values(&self, engine: &Engine, set: Option<Set>, field: &str) -> Vec<String> {
        let Some(set) = set else {
            return Vec::new();
        };
        let Some(def) = fields::lookup(set, field) else {
            return Vec::new();
        };
        match (set, def.name, def.kind) {
            (Set::Documents | Set::Statements, "id", _) => names(engine, &[Kind::Document]),
            (Set::Actors, "id", _) => names(engine, &[Kind::Actor]),
            (Set::Principles, "id", _) => names(engine, &[Kind::Principle]),
            (_, _, FieldKind::Actor) => names(engine, &[Kind::Actor]),
            (_, _, FieldKind::Document | FieldKind::ClauseRef) => names(engine, &[Kind::Document]),
            (_, _, FieldKind::Principle) => names(engine, &[Kind::Principle]),
            (_, _, FieldKind::Target) => names(engine, &[Kind::Document, Kind::Principle]),
            (_, _, FieldKind::Bool) => strings(&["true", "false"]),
            (_, _, FieldKind::Number | FieldKind::Date) => Vec::new(),
            (_, name, FieldKind::Text) if LONG_FIELDS.contains(&name) => Vec::new(),
            (_, name, FieldKind::Text) => {
                let key = (set, name);
                if let Some(v) = self.values.borrow().get(&key) {
                    return v.clone();
                }
                let v = distinct_values(engine, set, name);
                self.values.borrow_mut().insert(key, v.clone());
                v
            }
        }
    }
}

/// `SET count by FIELD`, run through the engine: the values, most common first.
fn distinct_values(engine: &Engine, set: Set, field: &str) -> Vec<String> {
    let q = format!("{} count by {field}", set.as_str());
    let Ok(sql) = engine.compile(&q) else {
        return Vec::new();
    };
    let Ok(rows) = engine.store().rows(&sql) else {
        return Vec::new();
    };
    rows.rows
        .iter()
        .filter_map(|r| r.first().and_then(|c| c.as_text()).map(|t| t.into_owned()))
        .filter(|v| !v.is_empty())
        .take(MAX_VALUES)
        .map(|v| quote_if_needed(&v))
        .collect()
}

/// What may come next, as the state machine sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Choice {
    /// Fixed words: keywords, operators, punctuation.
    Words(Vec<&'static str>),
    /// The set names.
    Sets,
    /// The filters that apply to the set (all when unknown).
    Filters(Option<Set>),
    /// The relation verbs of the store, in the forms the language reference names
    /// (`reaffirms`, `reaffirming`, `reaffirmed-by`).
    Verbs,
    /// Ids and one-word aliases of these kinds.
    Names(Vec<Kind>),
    /// `doc#label` (offered once a `#` is typed).
    ClauseRefs,
    /// `actor`, `document`, `principle`, `clause` before a name.
    KindPrefixes,
    /// The fields of the set.
    Fields(Option<Set>),
    /// The values of a field of a set.
    Values(Option<Set>, String),
    /// `$name`s.
    Params,
}

/// The query being read: its set and which shaping clauses it has had.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Q {
    set: Option<Set>,
    /// No shaping clause yet: filters may still come.
    filters: bool,
    /// Shaping clauses seen (bits of `WHERE` ...).
    used: u8,
    /// The last `where` condition is complete (`and`/`or` may follow).
    cond_done: bool,
}

const WHERE: u8 = 1;
const ORDER: u8 = 2;
const LIMIT: u8 = 4;
const OFFSET: u8 = 8;
const OUTPUT: u8 = 16;

impl Q {
    fn new(set: Option<Set>) -> Q {
        Q {
            set,
            filters: true,
            used: 0,
            cond_done: false,
        }
    }

    fn shaped(mut self, bit: u8) -> Q {
        self.filters = false;
        self.used |= bit;
        self.cond_done = false;
        self
    }
}

/// Where the walk is: what the next token may be.
#[derive(Debug, Clone, PartialEq, Eq)]
enum St {
    Statement,
    /// A set must come (after `explain`, `let NAME =`).
    Set,
    LetName,
    LetEq,
    /// `show` wants a target.
    Show,
    /// After a set, a filter or a shaping clause: the query may go on.
    After(Q),
    /// After `not` in filter position.
    FilterNot(Q),
    /// A filter's target.
    Target(Q, Vec<Kind>),
    /// After a kind prefix (`actor`): a name of that kind.
    Named(Q, Vec<Kind>),
    /// Right after `(` in target position: a set (subquery) or a name (list).
    TargetOpen(Q, Vec<Kind>),
    /// In a list of targets: after an item.
    ListAfter(Q, Vec<Kind>),
    /// In a list of targets: after `,`.
    ListItem(Q, Vec<Kind>),
    /// A date; `between` is true when `and DATE` follows.
    Date(Q, bool),
    BetweenAnd(Q),
    /// The start of a condition.
    Cond(Q),
    /// After a field in a condition.
    CondOp(Q, String),
    /// After `FIELD not`: `in`.
    CondNot(Q, String),
    CondIs(Q),
    CondIsNot(Q),
    /// A value for the field.
    CondValue(Q, String),
    /// After `FIELD in`: `(`.
    CondIn(Q, String),
    /// In `in (...)`: a value.
    InItem(Q, String),
    /// In `in (...)`: after a value.
    InAfter(Q, String),
    /// After `order`.
    OrderBy(Q),
    OrderField(Q),
    OrderAfter(Q),
    /// After `limit` or `offset`.
    Count(Q),
    /// After `count`.
    CountBy(Q),
    CountField(Q),
    SelectField(Q),
    SelectAfter(Q),
    /// Nothing more is expected (or the walk is lost).
    Done,
}

/// The text of a keyword token in lower case, or `None` for other tokens.
fn keyword(src: &str, span: Span, kind: TokenKind) -> Option<String> {
    (kind == TokenKind::Keyword).then(|| src[span.start..span.end].to_ascii_lowercase())
}

/// The set a word names, singular or plural.
fn set_of(word: &str) -> Option<Set> {
    let w = word.to_ascii_lowercase();
    Set::ALL
        .iter()
        .copied()
        .find(|s| s.as_str() == w || s.as_str().strip_suffix('s') == Some(w.as_str()))
}

/// The kinds of names a filter's target may be, for the set it filters.
fn target_kinds(filter: &str, set: Option<Set>) -> Vec<Kind> {
    use Kind::*;
    match (filter, set) {
        ("in", Some(Set::Actors)) => vec![Actor],
        ("in", _) => vec![Document],
        ("by", _) => vec![Actor],
        ("cited-by", _) => vec![Actor, Document],
        ("citing", _) => vec![Document, Principle, Actor],
        ("expressing", _) => vec![Principle],
        ("show", _) => vec![Document, Actor, Principle],
        _ => vec![Document],
    }
}

/// Whether the target of this filter may be a clause reference.
fn takes_clauses(kinds: &[Kind]) -> bool {
    kinds.contains(&Kind::Document)
}

/// The filters that apply to `set`.
fn filters(set: Option<Set>) -> Vec<String> {
    use Set::*;
    let table: &[(&str, &[Set])] = &[
        ("in", &[Clauses, Actors, Principles]),
        ("by", &[Documents, Statements, Clauses, Citations]),
        (
            "cited-by",
            &[Documents, Statements, Clauses, Actors, Principles],
        ),
        ("citing", &[Documents, Statements, Clauses, Actors]),
        ("expressing", &[Documents, Statements, Clauses]),
        ("before", &[Documents, Statements, Clauses, Citations]),
        ("after", &[Documents, Statements, Clauses, Citations]),
        ("between", &[Documents, Statements, Clauses, Citations]),
    ];
    table
        .iter()
        .filter(|(_, sets)| set.is_none_or(|s| sets.contains(&s)))
        .map(|(f, _)| f.to_string())
        .collect()
}

/// Whether relation filters apply to `set`.
fn takes_relations(set: Option<Set>) -> bool {
    matches!(set, None | Some(Set::Documents | Set::Statements))
}

/// The shaping clauses the query may still take.
fn shaping(q: &Q) -> Vec<&'static str> {
    let mut v = Vec::new();
    if q.used & WHERE == 0 {
        v.push("where");
    }
    if q.used & ORDER == 0 && q.used & OUTPUT == 0 {
        v.push("order by");
    }
    if q.used & LIMIT == 0 && q.used & OUTPUT == 0 {
        v.push("limit");
    }
    if q.used & OFFSET == 0 && q.used & LIMIT != 0 && q.used & OUTPUT == 0 {
        v.push("offset");
    }
    if q.used & OUTPUT == 0 {
        v.extend(["count", "count by", "select"]);
    }
    v
}

/// What may come at the end of `src` (the statement text before the word at the cursor).
pub fn context(src: &str) -> Vec<Choice> {
    let toks = statement_tokens(src);
    let mut st = St::Statement;
    // Where each open `(` returns to when it closes.
    let mut stack: Vec<St> = Vec::new();
    for (span, kind) in toks {
        let text = &src[span.start..span.end];
        let kw = keyword(src, span, kind);
        let kw = kw.as_deref();
        st = step(st, &mut stack, text, kw, kind);
    }
    choices(&st, !stack.is_empty())
}

/// The state after one more token.
fn step(st: St, stack: &mut Vec<St>, text: &str, kw: Option<&str>, kind: TokenKind) -> St {
    let is_value = matches!(
        kind,
        TokenKind::Word
            | TokenKind::String
            | TokenKind::ClauseRef
            | TokenKind::Param
            | TokenKind::Number
            | TokenKind::Date
    );
    // A field name: a word, or a keyword that is also a field (`document`, `by`, ...).
    let is_field = kind == TokenKind::Word || kind == TokenKind::Keyword;
    match st {
        St::Statement => match kw {
            Some("explain") => St::Set,
            Some("show") => St::Show,
            Some("let") => St::LetName,
            // `compare` is a word: actors follow, as a target follows `show`.
            None if text.eq_ignore_ascii_case("compare") => St::Show,
            Some(k) => set_of(k).map_or(St::Done, |s| St::After(Q::new(Some(s)))),
            None => St::Done,
        },
        St::Set => match kw.and_then(set_of) {
            Some(s) => St::After(Q::new(Some(s))),
            None => St::Done,
        },
        St::LetName => St::LetEq,
        St::LetEq => {
            if text == "=" {
                St::Set
            } else {
                St::Done
            }
        }
        St::Show => St::Done,
        St::After(q) => after(q, stack, text, kw, kind),
        St::FilterNot(q) => match kw {
            Some(f @ ("in" | "by" | "cited-by" | "citing" | "expressing")) => {
                St::Target(q, target_kinds(f, q.set))
            }
            Some("before" | "after") => St::Date(q, false),
            Some("between") => St::Date(q, true),
            None if kind == TokenKind::Word => St::Target(q, vec![Kind::Document]),
            _ => St::After(q),
        },
        St::Target(q, kinds) | St::ListItem(q, kinds) if text == "(" => {
            stack.push(St::After(q));
            St::TargetOpen(q, kinds)
        }
        St::Target(q, kinds) => match kw {
            Some("actor") => St::Named(q, vec![Kind::Actor]),
            Some("document") => St::Named(q, vec![Kind::Document]),
            Some("principle") => St::Named(q, vec![Kind::Principle]),
            Some("clause") => St::Named(q, vec![Kind::Document]),
            _ if text == "*" => St::Target(q, kinds),
            _ => St::After(q),
        },
        St::Named(q, _) => St::After(q),
        St::TargetOpen(q, kinds) => match kw {
            // A kind before a name (`(actor lavrov, usa)`), though also a singular set.
            Some("actor" | "document" | "principle" | "clause") => St::ListItem(q, kinds),
            // A subquery: its `)` pops back to the outer query.
            Some(k) if set_of(k).is_some() => St::After(Q::new(set_of(k))),
            _ if text == ")" => stack.pop().unwrap_or(St::Done),
            _ => St::ListAfter(q, kinds),
        },
        St::ListItem(q, kinds) => match kw {
            Some("actor" | "document" | "principle" | "clause") => St::ListItem(q, kinds),
            _ => St::ListAfter(q, kinds),
        },
        St::ListAfter(q, kinds) => match text {
            "," => St::ListItem(q, kinds),
            ")" => stack.pop().unwrap_or(St::Done),
            _ => St::ListAfter(q, kinds),
        },
        St::Date(q, between) => {
            if between {
                St::BetweenAnd(q)
            } else {
                St::After(q)
            }
        }
        St::BetweenAnd(q) => match kw {
            Some("and") => St::Date(q, false),
            _ => St::After(q),
        },
        St::Cond(q) => match kw {
            Some("not") => St::Cond(q),
            _ if text == "(" => {
                stack.push(St::After(Q {
                    cond_done: true,
                    ..q
                }));
                St::Cond(q)
            }
            _ if is_field => St::CondOp(q, text.to_ascii_lowercase()),
            _ => St::Cond(q),
        },
        St::CondOp(q, f) => match kw {
            Some("not") => St::CondNot(q, f),
            Some("in") => St::CondIn(q, f),
            Some("is") => St::CondIs(q),
            Some("matches") => St::CondValue(q, f),
            _ if kind == TokenKind::Operator => St::CondValue(q, f),
            _ => St::After(q),
        },
        St::CondNot(q, f) => match kw {
            Some("in") => St::CondIn(q, f),
            _ => St::After(q),
        },
        St::CondIs(q) => match kw {
            Some("not") => St::CondIsNot(q),
            _ => done_cond(q),
        },
        St::CondIsNot(q) => done_cond(q),
        St::CondValue(q, _) => done_cond(q),
        St::CondIn(q, f) => {
            if text == "(" {
                stack.push(done_cond(q));
                St::InItem(q, f)
            } else {
                St::After(q)
            }
        }
        St::InItem(q, f) => {
            if text == ")" {
                stack.pop().unwrap_or(St::Done)
            } else {
                St::InAfter(q, f)
            }
        }
        St::InAfter(q, f) => match text {
            "," => St::InItem(q, f),
            ")" => stack.pop().unwrap_or(St::Done),
            _ => St::InAfter(q, f),
        },
        St::OrderBy(q) => match kw {
            Some("by") => St::OrderField(q),
            _ => St::After(q),
        },
        St::OrderField(q) => {
            if is_field {
                St::OrderAfter(q)
            } else {
                St::After(q)
            }
        }
        St::OrderAfter(q) => match kw {
            Some("asc" | "desc") => St::OrderAfter(q),
            _ if text == "," => St::OrderField(q),
            _ => after(q, stack, text, kw, kind),
        },
        St::Count(q) => {
            if is_value {
                St::After(q)
            } else {
                after(q, stack, text, kw, kind)
            }
        }
        St::CountBy(q) => match kw {
            Some("by") => St::CountField(q),
            _ => after(q, stack, text, kw, kind),
        },
        // `count by a, b`: a `,` after the field asks for another, as after `select`.
        St::CountField(q) => St::SelectAfter(q),
        St::SelectField(q) => {
            if is_field {
                St::SelectAfter(q)
            } else {
                St::After(q)
            }
        }
        St::SelectAfter(q) => {
            if text == "," {
                St::SelectField(q)
            } else {
                after(q, stack, text, kw, kind)
            }
        }
        St::Done => St::Done,
    }
}

/// After a complete comparison: `and`, `or`, shaping, `)`.
fn done_cond(q: Q) -> St {
    St::After(Q {
        cond_done: true,
        ..q
    })
}

/// The state after a token where the query may go on.
fn after(q: Q, stack: &mut Vec<St>, text: &str, kw: Option<&str>, kind: TokenKind) -> St {
    match kw {
        Some("and" | "or") if q.cond_done => St::Cond(Q {
            cond_done: false,
            ..q
        }),
        Some("where") => St::Cond(q.shaped(WHERE)),
        Some("order") => St::OrderBy(q.shaped(ORDER)),
        Some("limit") => St::Count(q.shaped(LIMIT)),
        Some("offset") => St::Count(q.shaped(OFFSET)),
        Some("count") => St::CountBy(q.shaped(OUTPUT)),
        Some("select") => St::SelectField(q.shaped(OUTPUT)),
        Some("not") if q.filters => St::FilterNot(q),
        Some(f @ ("in" | "by" | "cited-by" | "citing" | "expressing")) if q.filters => {
            St::Target(q, target_kinds(f, q.set))
        }
        Some("before" | "after") if q.filters => St::Date(q, false),
        Some("between") if q.filters => St::Date(q, true),
        None if kind == TokenKind::Word && q.filters => St::Target(q, vec![Kind::Document]),
        None if text == ")" => stack.pop().unwrap_or(St::Done),
        _ => St::After(q),
    }
}

/// What may come in state `st`; `nested` when inside parentheses.
fn choices(st: &St, nested: bool) -> Vec<Choice> {
    use Choice::*;
    let target = |kinds: &Vec<Kind>, prefixes: bool| {
        let mut v = vec![Names(kinds.clone())];
        if takes_clauses(kinds) {
            v.push(ClauseRefs);
        }
        if prefixes {
            v.push(KindPrefixes);
        }
        v.push(Params);
        v
    };
    match st {
        St::Statement => vec![Sets, Words(vec!["explain", "show", "let", "compare"])],
        St::Set => vec![Sets],
        St::LetName => Vec::new(),
        St::LetEq => vec![Words(vec!["="])],
        St::Show => target(&target_kinds("show", None), true),
        St::After(q) => {
            let mut v = Vec::new();
            if q.cond_done {
                v.push(Words(vec!["and", "or"]));
            }
            if q.filters {
                v.push(Filters(q.set));
                v.push(Words(vec!["not"]));
                if takes_relations(q.set) {
                    v.push(Verbs);
                }
            }
            v.push(Words(shaping(q)));
            if nested {
                v.push(Words(vec![")"]));
            }
            v
        }
        St::FilterNot(q) => {
            let mut v = vec![Filters(q.set)];
            if takes_relations(q.set) {
                v.push(Verbs);
            }
            v
        }
        St::Target(_, kinds) => target(kinds, true),
        St::Named(_, kinds) => target(kinds, false),
        St::TargetOpen(_, kinds) => {
            let mut v = target(kinds, true);
            v.insert(0, Sets);
            v
        }
        St::ListItem(_, kinds) => target(kinds, true),
        St::ListAfter(..) => vec![Words(vec![",", ")"])],
        St::Date(..) | St::Count(..) => vec![Params],
        St::BetweenAnd(_) => vec![Words(vec!["and"])],
        St::Cond(q) => vec![Fields(q.set), Words(vec!["not"])],
        St::CondOp(..) => vec![Words(vec![
            "=",
            "!=",
            "~",
            "<",
            "<=",
            ">",
            ">=",
            "matches",
            "in",
            "not in",
            "is null",
            "is not null",
        ])],
        St::CondNot(..) => vec![Words(vec!["in"])],
        St::CondIs(_) => vec![Words(vec!["null", "not null"])],
        St::CondIsNot(_) => vec![Words(vec!["null"])],
        St::CondValue(q, f) | St::InItem(q, f) => {
            vec![Values(q.set, f.clone()), ClauseRefs, Params]
        }
        St::CondIn(..) => vec![Words(vec!["("])],
        St::InAfter(..) => vec![Words(vec![",", ")"])],
        St::OrderBy(_) => vec![Words(vec!["by"])],
        St::OrderField(q) | St::CountField(q) | St::SelectField(q) => vec![Fields(q.set)],
        St::OrderAfter(q) => {
            let mut v = vec![Words(vec!["asc", "desc", ","])];
            v.push(Words(shaping(q)));
            v
        }
        St::CountBy(_) => vec![Words(vec!["by"])],
        St::SelectAfter(_) => vec![Words(vec![","])],
        St::Done => Vec::new(),
    }
}

/// The tokens of the last statement of `src` (after the last `;` or blank line).
fn statement_tokens(src: &str) -> Vec<(Span, TokenKind)> {
    let mut out: Vec<(Span, TokenKind)> = Vec::new();
    let mut prev_end = 0;
    for (span, kind) in syntax::tokens(src) {
        if has_blank_line(&src[prev_end..span.start]) {
            out.clear();
        }
        prev_end = span.end;
        match kind {
            TokenKind::Comment => {}
            TokenKind::Punctuation if &src[span.start..span.end] == ";" => out.clear(),
            _ => out.push((span, kind)),
        }
    }
    if has_blank_line(&src[prev_end..]) {
        out.clear();
    }
    out
}

/// Whether whitespace `gap` holds a blank line (which ends a statement).
fn has_blank_line(gap: &str) -> bool {
    // Tokens cover all other text, so a gap is whitespace: two newlines make a blank line.
    gap.matches('\n').count() >= 2
}

/// Where the word before the cursor starts (the text before the cursor is `before`), or
/// `None` when the cursor is in a comment or right after a closed string.
pub fn word_start(before: &str) -> Option<usize> {
    if let Some((span, kind)) = syntax::tokens(before).last().copied()
        && span.end == before.len()
    {
        let text = &before[span.start..];
        match kind {
            TokenKind::Comment | TokenKind::String => return None,
            TokenKind::Error if text.starts_with('"') => return Some(span.start),
            _ => {}
        }
    }
    let mut start = before.len();
    for (i, c) in before.char_indices().rev() {
        if c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '#' | '$') {
            start = i;
        } else {
            break;
        }
    }
    Some(start)
}

/// The candidates that start with `prefix` (any case), in their order; a quoted candidate
/// also matches without its quote (`stat` finds `"statement"`).
fn matching(options: Vec<String>, prefix: &str) -> Vec<String> {
    let p = fold(prefix);
    options
        .into_iter()
        .filter(|o| {
            let o = fold(o);
            o.starts_with(&p)
                || (!p.starts_with('"') && o[o.starts_with('"') as usize..].starts_with(&p))
        })
        .collect()
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// The fields of a set (of every set when unknown).
fn field_names(set: Option<Set>) -> Vec<String> {
    let sets: Vec<Set> = match set {
        Some(s) => vec![s],
        None => Set::ALL.to_vec(),
    };
    let mut v: Vec<String> = Vec::new();
    for s in sets {
        for f in fields::fields(s) {
            if !v.iter().any(|x| x == f.name) {
                v.push(f.name.to_string());
            }
        }
    }
    v
}

/// Ids of the given kinds, then their one-word aliases, each list sorted.
fn names(engine: &Engine, kinds: &[Kind]) -> Vec<String> {
    let catalog = engine.catalog();
    let mut out: Vec<String> = Vec::new();
    for k in kinds {
        let mut ids: Vec<String> = catalog.entries(*k).iter().map(|e| e.id.clone()).collect();
        ids.sort();
        out.extend(ids);
    }
    let mut aliases: Vec<String> = catalog
        .candidates(kinds)
        .into_iter()
        .filter(|n| is_bare(n))
        .map(String::from)
        .collect();
    aliases.sort();
    for a in aliases {
        if !out.contains(&a) {
            out.push(a);
        }
    }
    out
}

/// Names and aliases (with spaces too) in double quotes, for a prefix that opens a string.
fn quoted_names(engine: &Engine, choices: &[Choice], prefix: &str) -> Vec<String> {
    let catalog = engine.catalog();
    let mut kinds: Vec<Kind> = Vec::new();
    for c in choices {
        if let Choice::Names(ks) = c {
            kinds.extend(ks.iter().copied());
        }
    }
    let mut out: Vec<String> = Vec::new();
    for k in &kinds {
        for e in catalog.entries(*k) {
            out.push(quote(&e.name));
        }
    }
    let mut keys: Vec<String> = catalog.candidates(&kinds).into_iter().map(quote).collect();
    keys.sort();
    for k in keys {
        if !out.iter().any(|o| fold(o) == fold(&k)) {
            out.push(k);
        }
    }
    matching(out, prefix)
}

/// `doc#label` for the labels of `doc` that start with `label`.
fn clause_refs(engine: &Engine, doc: &str, label: &str) -> Vec<String> {
    let catalog = engine.catalog();
    let id = catalog
        .lookup(doc)
        .iter()
        .find(|h| h.kind == Kind::Document)
        .map(|h| catalog.entry(*h).id.clone());
    let Some(id) = id else {
        return Vec::new();
    };
    let l = fold(label);
    engine
        .store()
        .labels(&id)
        .into_iter()
        .filter(|x| fold(x).starts_with(&l))
        .map(|x| format!("{doc}#{x}"))
        .collect()
}

/// `$name` for parameters and `let` sets that start with `name`.
fn params(engine: &Engine, name: &str) -> Vec<String> {
    let mut v: Vec<String> = engine
        .env
        .params
        .keys()
        .chain(engine.env.lets.keys())
        .filter(|k| fold(k).starts_with(&fold(name)))
        .map(|k| format!("${k}"))
        .collect();
    v.sort();
    v.dedup();
    v
}

/// Whether `s` can be written as a bare name: one word that is no keyword, number or date.
fn is_bare(s: &str) -> bool {
    let toks = syntax::tokens(s);
    toks.len() == 1 && toks[0].1 == TokenKind::Word && toks[0].0 == Span::new(0, s.len())
}

/// `s` as a value: bare when it can be, else in double quotes.
fn quote_if_needed(s: &str) -> String {
    if is_bare(s) { s.to_string() } else { quote(s) }
}

fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The largest char boundary at or before `pos`.
fn floor(s: &str, pos: usize) -> usize {
    let mut p = pos.min(s.len());
    while !s.is_char_boundary(p) {
        p -= 1;
    }
    p
}
