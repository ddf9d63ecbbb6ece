//! The catalog: every name the resolver can look up, loaded once per store.
//!
//! In: the ids, names and aliases of actors, documents and principles, and
//! the relation types, as the store lists them. Out: lookups by folded name,
//! candidates for "did you mean", and the verb forms of relation types.

use std::collections::HashMap;

use crate::fold::name_key;

/// The kinds of named things.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Actor,
    Document,
    Principle,
}

impl Kind {
    /// "an actor", "a document", "a principle".
    pub fn with_article(self) -> &'static str {
        match self {
            Kind::Actor => "an actor",
            Kind::Document => "a document",
            Kind::Principle => "a principle",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Actor => "actor",
            Kind::Document => "document",
            Kind::Principle => "principle",
        }
    }
}

/// One named thing: its id and display name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub id: String,
    pub name: String,
    /// Documents: the kind (`statement`, ...); others: empty.
    pub detail: String,
}

/// A name as the catalog knows it: which entry of which kind it denotes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub kind: Kind,
    pub index: usize,
}

/// Every name in the store.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    pub actors: Vec<Entry>,
    pub documents: Vec<Entry>,
    pub principles: Vec<Entry>,
    /// Relation types present in the store (`reaffirms`, `responds-to`).
    pub relation_types: Vec<String>,
    /// name key (folded id, name or alias) → the things it names.
    names: HashMap<String, Named>,
    /// verb form → (relation type, inverse).
    verbs: HashMap<String, (String, bool)>,
}

impl Catalog {
    /// Builds the lookups. `aliases` are `(kind, id, alias)` triples.
    pub fn new(
        actors: Vec<Entry>,
        documents: Vec<Entry>,
        principles: Vec<Entry>,
        aliases: Vec<(Kind, String, String)>,
        relation_types: Vec<String>,
    ) -> Catalog {
        let mut c = Catalog {
            actors,
            documents,
            principles,
            relation_types,
            ..Catalog::default()
        };
        let mut names: HashMap<String, Named> = HashMap::new();
        let mut index: HashMap<(Kind, &str), usize> = HashMap::new();
        for kind in [Kind::Actor, Kind::Document, Kind::Principle] {
            for (i, e) in c.entries(kind).iter().enumerate() {
                index.insert((kind, e.id.as_str()), i);
                add_name(&mut names, &e.id, Hit { kind, index: i });
                add_name(&mut names, &e.name, Hit { kind, index: i });
            }
        }
        for (kind, id, alias) in &aliases {
            if let Some(&i) = index.get(&(*kind, id.as_str())) {
                add_name(
                    &mut names,
                    alias,
                    Hit {
                        kind: *kind,
                        index: i,
                    },
                );
            }
        }
        c.names = names;
        let types = c.relation_types.clone();
        for t in types {
            for (form, inverse) in verb_forms(&t) {
                c.verbs.entry(form).or_insert((t.clone(), inverse));
            }
        }
        c
    }

    /// The entries of one kind.
    pub fn entries(&self, kind: Kind) -> &[Entry] {
        match kind {
            Kind::Actor => &self.actors,
            Kind::Document => &self.documents,
            Kind::Principle => &self.principles,
        }
    }

    /// The entry a hit points at.
    pub fn entry(&self, hit: Hit) -> &Entry {
        &self.entries(hit.kind)[hit.index]
    }

    /// Everything `name` (an id, name or alias, any case) denotes.
    pub fn lookup(&self, name: &str) -> &[Hit] {
        self.names
            .get(&name_key(name))
            .map_or(&[], |n| n.hits.as_slice())
    }

    /// Candidate names for "did you mean" among the given kinds: ids first, then other names.
    pub fn candidates(&self, kinds: &[Kind]) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for k in kinds {
            out.extend(self.entries(*k).iter().map(|e| e.id.as_str()));
        }
        for named in self.names.values() {
            if named.hits.iter().any(|h| kinds.contains(&h.kind)) {
                out.push(named.shown.as_str());
            }
        }
        out
    }

    /// The relation type a verb form names, and whether it is the inverse
    /// (`reaffirmed-by` → (`reaffirms`, true)).
    pub fn verb(&self, word: &str) -> Option<(&str, bool)> {
        self.verbs
            .get(&crate::fold::fold(word))
            .map(|(t, inv)| (t.as_str(), *inv))
    }

    /// Every verb form the store's relation types can be written in.
    pub fn verb_forms(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.verbs.keys().map(String::as_str).collect();
        v.sort_unstable();
        v
    }

    /// The verb forms of the store's relation types that the language reference names
    /// ([`named_verb_forms`]), for completion.
    pub fn named_verb_forms(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .relation_types
            .iter()
            .flat_map(|t| named_verb_forms(t))
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    }
}

/// The things a name key denotes, and the name as first written (for suggestions).
#[derive(Debug, Clone, Default)]
struct Named {
    shown: String,
    hits: Vec<Hit>,
}

fn add_name(names: &mut HashMap<String, Named>, name: &str, hit: Hit) {
    let named = names.entry(name_key(name)).or_insert_with(|| Named {
        shown: name.trim().to_string(),
        hits: Vec::new(),
    });
    if !named.hits.contains(&hit) {
        named.hits.push(hit);
    }
}

/// The forms a relation type can be written in, with whether each is the
/// inverse: `reaffirms` → reaffirms, reaffirming, reaffirm, reaffirms-by,
/// reaffirmed-by; `responds-to` → responds-to, responding-to, responded-to-by.
pub fn verb_forms(rtype: &str) -> Vec<(String, bool)> {
    let (head, rest) = match rtype.split_once('-') {
        Some((h, r)) => (h, format!("-{r}")),
        None => (rtype, String::new()),
    };
    let stem = head
        .strip_suffix('s')
        .filter(|s| s.len() > 2)
        .unwrap_or(head);
    let ing = match stem.strip_suffix('e') {
        Some(s) if !stem.ends_with("ee") => format!("{s}ing"),
        _ => format!("{stem}ing"),
    };
    let ed = if stem.ends_with('e') {
        format!("{stem}d")
    } else {
        format!("{stem}ed")
    };
    vec![
        (rtype.to_string(), false),
        (format!("{ing}{rest}"), false),
        (format!("{stem}{rest}"), false),
        (format!("{rtype}-by"), true),
        (format!("{ed}{rest}-by"), true),
    ]
}

/// The forms of a relation type that the language reference names: the type, its `-ing`
/// form and its `-ed-by` inverse (`reaffirms`, `reaffirming`, `reaffirmed-by`). The others of
/// [`verb_forms`] (`reaffirm`, `reaffirms-by`) are read as well, but not offered.
pub fn named_verb_forms(rtype: &str) -> Vec<String> {
    verb_forms(rtype)
        .into_iter()
        .enumerate()
        .filter(|(i, _)| matches!(i, 0 | 1 | 4))
        .map(|(_, (form, _))| form)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_verb_forms_are_those_of_the_reference() {
        assert_eq!(
            named_verb_forms("reaffirms"),
            ["reaffirms", "reaffirming", "reaffirmed-by"]
        );
        assert_eq!(
            named_verb_forms("responds-to"),
            ["responds-to", "responding-to", "responded-to-by"]
        );
    }

    #[test]
    fn verb_forms_of_common_types() {
        let forms = |t| {
            verb_forms(t)
                .into_iter()
                .map(|(f, i)| format!("{f}{}", if i { "^" } else { "" }))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            forms("reaffirms"),
            [
                "reaffirms",
                "reaffirming",
                "reaffirm",
                "reaffirms-by^",
                "reaffirmed-by^"
            ]
        );
        assert_eq!(
            forms("responds-to"),
            [
                "responds-to",
                "responding-to",
                "respond-to",
                "responds-to-by^",
                "responded-to-by^"
            ]
        );
        assert_eq!(forms("supersedes")[1], "superseding");
        assert_eq!(forms("supersedes")[4], "superseded-by^");
    }

    #[test]
    fn names_fold_case_beyond_ascii() {
        let e = |id: &str, name: &str| Entry {
            id: id.into(),
            name: name.into(),
            detail: String::new(),
        };
        let c = Catalog::new(
            vec![e("lavrov", "Sergey Lavrov")],
            vec![],
            vec![],
            vec![(Kind::Actor, "lavrov".into(), "Лавров".into())],
            vec![],
        );
        assert_eq!(c.lookup("ЛАВРОВ").len(), 1);
        assert_eq!(c.lookup("sergey  LAVROV").len(), 1);
        assert!(c.lookup("lavorv").is_empty());
    }
}
