//! The five record kinds of the corpus format, as read from one file.
//!
//! In: a [`Node`] tree (a TOML/JSON file or a text document's front matter).
//! Out: typed records with the byte spans of their values, and every problem
//! found (missing keys, wrong types, bad slugs, bad dates, unknown keys).

use super::node::{Key, Node, Value};
use super::{Problem, Span};
use crate::fold;

/// A reference by id to another record, with where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Ref {
    pub id: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Actor {
    pub id: String,
    pub span: Span,
    pub name: String,
    pub kind: String,
    pub role: Option<String>,
    pub member_of: Vec<Ref>,
    pub represents: Vec<Ref>,
    pub aliases: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Principle {
    pub id: String,
    pub span: Span,
    pub name: String,
    pub description: Option<String>,
    pub aliases: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub id: String,
    pub span: Span,
    pub title: String,
    pub kind: String,
    pub date: Option<Date>,
    pub place: Option<String>,
    pub authors: Vec<Ref>,
    pub aliases: Vec<String>,
    pub language: Option<String>,
    pub source: Option<String>,
    pub excerpt: bool,
    /// The `speakers` table of a transcript: a turn label ("Question", "Sergey Lavrov") and
    /// the actor who speaks under it (`None`: nobody in the corpus).
    pub speakers: Vec<(String, Option<Ref>)>,
    pub clauses: Vec<Clause>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Clause {
    pub label: String,
    pub span: Span,
    pub title: Option<String>,
    pub text: String,
    pub principles: Vec<Ref>,
    /// Earlier wordings (an amended article), oldest first.
    pub earlier: Vec<Wording>,
    /// The speaker label this paragraph opens with ("Question", "Sergey Lavrov"), as found by
    /// the cutter; whether it is a turn is decided with the actors ([`Clause::turn`]).
    pub opens: Option<String>,
    /// The speaker's turn the clause belongs to, once linked: its label and actor (`None`:
    /// nobody in the corpus). `None` outside any turn: the document's authors speak.
    pub turn: Option<Turn>,
}

/// A turn of a transcript: who speaks.
#[derive(Debug, Clone, PartialEq)]
pub struct Turn {
    /// The label as written ("Question", "Sergey Lavrov").
    pub label: String,
    /// The actor's id; `None`: nobody in the corpus.
    pub actor: Option<String>,
}

/// A clause's earlier wording, in force until a date.
#[derive(Debug, Clone, PartialEq)]
pub struct Wording {
    pub text: String,
    pub until: Date,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Relation {
    pub span: Span,
    pub from: Ref,
    pub rtype: String,
    pub to: Ref,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Citation {
    pub span: Span,
    /// `DOC#LABEL` or a document id.
    pub from: Ref,
    /// `DOC#LABEL`, a document id or a principle id.
    pub to: Ref,
    pub by: Option<Vec<Ref>>,
    pub quote: Option<String>,
    pub stance: String,
    pub source: Option<Ref>,
    pub note: Option<String>,
}

/// A date as the corpus allows it: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Date {
    pub text: String,
    /// The first and last day the date can mean, as `YYYY-MM-DD`.
    pub start: String,
    pub end: String,
}

impl Date {
    /// Parses and checks a date; `None` when it is not a real calendar date.
    pub fn parse(s: &str) -> Option<Date> {
        let parts: Vec<&str> = s.split('-').collect();
        let num = |p: &str, len: usize| {
            (p.len() == len && p.bytes().all(|b| b.is_ascii_digit()))
                .then(|| p.parse::<u32>().ok())?
        };
        let year = num(parts.first()?, 4)?;
        let (start, end) = match parts.len() {
            1 => (format!("{year:04}-01-01"), format!("{year:04}-12-31")),
            2 => {
                let m = num(parts[1], 2).filter(|m| (1..=12).contains(m))?;
                let last = days_in_month(year, m);
                (
                    format!("{year:04}-{m:02}-01"),
                    format!("{year:04}-{m:02}-{last:02}"),
                )
            }
            3 => {
                let m = num(parts[1], 2).filter(|m| (1..=12).contains(m))?;
                let d = num(parts[2], 2).filter(|d| (1..=days_in_month(year, m)).contains(d))?;
                let day = format!("{year:04}-{m:02}-{d:02}");
                (day.clone(), day)
            }
            _ => return None,
        };
        Some(Date {
            text: s.to_string(),
            start,
            end,
        })
    }
}

/// Days in month `m` of `year` in the Gregorian calendar.
pub fn days_in_month(year: u32, m: u32) -> u32 {
    match m {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Is `s` a slug: lowercase letters, digits, `-`, `_`, `.` (Unicode lowercase allowed)?
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.chars().all(|c| {
            c.is_ascii_digit()
                || matches!(c, '-' | '_' | '.')
                // A letter that is its own lower case, so that a slug is its own
                // folded form (names are looked up folded; see `Store::catalog_of_names`).
                || (c.is_alphabetic() && c.to_lowercase().eq(std::iter::once(c)))
        })
}

/// The keys of one record, read once each; what is left unread is reported.
pub struct Fields<'a> {
    entries: Vec<(&'a Key, &'a Node, bool)>,
    /// Span of the whole record (for "missing key").
    pub span: Span,
    kind: &'static str,
    allowed: &'static [&'static str],
}

impl<'a> Fields<'a> {
    /// Opens a record; reports a non-table value.
    pub fn new(
        node: &'a Node,
        kind: &'static str,
        allowed: &'static [&'static str],
        problems: &mut Vec<Problem>,
    ) -> Option<Fields<'a>> {
        match &node.value {
            Value::Table(t) => Some(Fields {
                entries: t.iter().map(|(k, v)| (k, v, false)).collect(),
                span: node.span.clone(),
                kind,
                allowed,
            }),
            other => {
                problems.push(Problem::new(
                    node.span.clone(),
                    format!(
                        "expected a {kind} record (a table), found {}",
                        other.type_name()
                    ),
                ));
                None
            }
        }
    }

    fn take(&mut self, key: &str) -> Option<&'a Node> {
        let e = self.entries.iter_mut().find(|(k, _, _)| k.name == key)?;
        e.2 = true;
        Some(e.1)
    }

    /// Whether the record has `key` (without reading it).
    pub fn has(&self, key: &str) -> bool {
        self.entries.iter().any(|(k, _, _)| k.name == key)
    }

    /// The span of `key`'s value, or of the record when it is absent.
    pub fn span_of(&self, key: &str) -> Span {
        let e = self.entries.iter().find(|(k, _, _)| k.name == key);
        e.map_or(self.span.clone(), |(_, v, _)| v.span.clone())
    }

    /// A required string.
    pub fn req_str(&mut self, key: &str, p: &mut Vec<Problem>) -> Option<(String, Span)> {
        match self.take(key) {
            Some(n) => str_of(n, key, p).map(|s| (s, n.span.clone())),
            None => {
                p.push(Problem::new(
                    self.span.clone(),
                    format!("{} is missing required key `{key}`", self.kind),
                ));
                None
            }
        }
    }

    /// An optional string.
    pub fn opt_str(&mut self, key: &str, p: &mut Vec<Problem>) -> Option<String> {
        self.take(key).and_then(|n| str_of(n, key, p))
    }

    /// A required slug id (also checks slug form).
    pub fn req_id(&mut self, key: &str, p: &mut Vec<Problem>) -> Option<(String, Span)> {
        let (id, span) = self.req_str(key, p)?;
        if is_slug(&id) && !id.chars().any(char::is_alphanumeric) {
            p.push(
                Problem::new(span, format!("`{id}` is not a valid id")).help(
                    "an id holds at least one letter or digit (`-`, `.` and `..` read as paths)",
                ),
            );
            return None;
        }
        if is_slug(&id) && !unicode_security::MixedScript::is_single_script(id.as_str()) {
            p.push(
                Problem::new(span, format!("`{id}` mixes scripts"))
                    .help("an id is written in one script (Latin, Cyrillic, ...), so that it cannot pass for another: a Cyrillic `о` in a Latin id looks like `o`"),
            );
            return None;
        }
        if !is_slug(&id) {
            let hint = fold::fold(&id).replace(' ', "-");
            p.push(
                Problem::new(span, format!("`{id}` is not a valid id")).help(format!(
                    "ids are lowercase letters, digits, `-`, `_` and `.`; try `{hint}`"
                )),
            );
            return None;
        }
        Some((id, span))
    }

    /// An optional list of strings (a single string is taken as a list of one).
    pub fn str_list(&mut self, key: &str, p: &mut Vec<Problem>) -> Vec<(String, Span)> {
        let Some(n) = self.take(key) else {
            return Vec::new();
        };
        match &n.value {
            Value::Array(items) => items
                .iter()
                .filter_map(|i| str_of(i, key, p).map(|s| (s, i.span.clone())))
                .collect(),
            Value::Str(s) => vec![(s.clone(), n.span.clone())],
            other => {
                p.push(Problem::new(
                    n.span.clone(),
                    format!(
                        "`{key}` must be a list of strings, found {}",
                        other.type_name()
                    ),
                ));
                Vec::new()
            }
        }
    }

    /// An optional list of references by id.
    pub fn refs(&mut self, key: &str, p: &mut Vec<Problem>) -> Vec<Ref> {
        self.str_list(key, p)
            .into_iter()
            .map(|(id, span)| Ref { id, span })
            .collect()
    }

    /// An optional boolean.
    pub fn opt_bool(&mut self, key: &str, p: &mut Vec<Problem>) -> Option<bool> {
        let n = self.take(key)?;
        match n.value {
            Value::Bool(b) => Some(b),
            ref other => {
                p.push(Problem::new(
                    n.span.clone(),
                    format!("`{key}` must be true or false, found {}", other.type_name()),
                ));
                None
            }
        }
    }

    /// An optional date (TOML date or string).
    pub fn opt_date(&mut self, key: &str, p: &mut Vec<Problem>) -> Option<Date> {
        let n = self.take(key)?;
        let text = match &n.value {
            Value::Str(s) | Value::Date(s) => s.clone(),
            Value::Int(i) => i.to_string(),
            other => {
                p.push(Problem::new(
                    n.span.clone(),
                    format!("`{key}` must be a date, found {}", other.type_name()),
                ));
                return None;
            }
        };
        let d = Date::parse(&text);
        if d.is_none() {
            p.push(
                Problem::new(n.span.clone(), format!("bad date `{text}`")).help(
                    "dates are `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, and must exist in the calendar",
                ),
            );
        }
        d
    }

    /// The raw node of an optional key (for nested records).
    pub fn node(&mut self, key: &str) -> Option<&'a Node> {
        self.take(key)
    }

    /// Reports every key that was not read, with a suggestion.
    pub fn finish(self, p: &mut Vec<Problem>) {
        for (i, (k, _, used)) in self.entries.iter().enumerate() {
            if *used {
                continue;
            }
            // A key given twice (JSON allows it; the reader keeps both): the second is unread.
            if self.entries[..i].iter().any(|(f, _, _)| f.name == k.name) {
                p.push(
                    Problem::new(
                        k.span.clone(),
                        format!("duplicate key `{}` in {}", k.name, self.kind),
                    )
                    .help(format!(
                        "`{}` is given earlier in this {}; give it once",
                        k.name, self.kind
                    )),
                );
                continue;
            }
            let mut prob = Problem::new(
                k.span.clone(),
                format!("unknown key `{}` in {}", k.name, self.kind),
            );
            match crate::suggest::closest(&k.name, self.allowed.iter().copied()) {
                Some(s) => prob = prob.help(format!("did you mean `{s}`?")),
                None => {
                    prob = prob.help(format!(
                        "the keys of {} are: {}",
                        self.kind,
                        self.allowed.join(", ")
                    ))
                }
            }
            p.push(prob);
        }
    }
}

fn str_of(n: &Node, key: &str, p: &mut Vec<Problem>) -> Option<String> {
    match &n.value {
        Value::Str(s) => Some(s.clone()),
        other => {
            p.push(Problem::new(
                n.span.clone(),
                format!("`{key}` must be a string, found {}", other.type_name()),
            ));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_checked_against_the_calendar() {
        assert_eq!(Date::parse("2022").unwrap().end, "2022-12-31");
        assert_eq!(Date::parse("2024-02").unwrap().end, "2024-02-29");
        assert_eq!(Date::parse("2022-01-27").unwrap().start, "2022-01-27");
        for bad in [
            "2022-02-30",
            "2022-13",
            "22-01-01",
            "2022-1-1",
            "",
            "2022-01-27T10:00",
        ] {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn slugs() {
        assert!(is_slug("istanbul-charter"));
        assert!(is_slug("lavrov-2022-01-27"));
        assert!(is_slug("un_charter.v2"));
        assert!(is_slug("лавров"));
        assert!(!is_slug("Lavrov"));
        assert!(!is_slug("ǅemal")); // a titlecase letter folds to `ǆ`
        assert!(!is_slug("two words"));
        assert!(!is_slug(""));
    }
}
