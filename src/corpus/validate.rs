//! Linking a corpus: duplicate ids and references to things that do not exist.
//!
//! In: the records of every file. Out: the same records with each reference
//! rewritten to the canonical id it names (references match ids
//! case-insensitively), and every problem with its file.

use std::collections::HashMap;

use super::records::{Actor, Ref, Turn};
use super::{At, Corpus, Problem};
use crate::fold::fold;
use crate::suggest::closest;

/// Ids of one kind: folded id → (canonical id, file, record span).
struct Ids {
    kind: &'static str,
    map: HashMap<String, String>,
    aliases: HashMap<String, String>,
}

impl Ids {
    fn new<T>(
        kind: &'static str,
        recs: &[At<T>],
        key: impl Fn(&T) -> (&str, &[String]),
        out: &mut Vec<(usize, Problem)>,
        files: &[super::SourceFile],
        span: impl Fn(&T) -> super::Span,
    ) -> Ids {
        let mut first: HashMap<String, (usize, usize)> = HashMap::new();
        // Ids by their TR39 skeleton: two that look alike are one mistake away.
        let mut looks: HashMap<String, (String, usize, usize)> = HashMap::new();
        let mut ids = Ids {
            kind,
            map: HashMap::new(),
            aliases: HashMap::new(),
        };
        for r in recs {
            let (id, aliases) = key(&r.rec);
            let folded = fold(id);
            let start = span(&r.rec).start;
            if let Some((f, at)) = first.get(&folded) {
                let line = line_of(&files[*f].content, *at);
                let msg = format!("duplicate {kind} id `{id}`");
                out.push((
                    r.file,
                    Problem::new(span(&r.rec), msg)
                        .help(format!("first defined in {}:{line}", files[*f].path)),
                ));
                continue;
            }
            let skeleton: String = unicode_security::skeleton(&folded).collect();
            if let Some((other, f, at)) = looks.get(&skeleton) {
                let line = line_of(&files[*f].content, *at);
                let msg = format!("{kind} id `{id}` looks like {kind} `{other}`");
                out.push((
                    r.file,
                    Problem::new(span(&r.rec), msg).help(format!(
                        "`{other}` is defined in {}:{line}; give this {kind} an id that cannot be \
                         mistaken for it",
                        files[*f].path
                    )),
                ));
                continue;
            }
            looks.insert(skeleton, (id.to_string(), r.file, start));
            first.insert(folded.clone(), (r.file, start));
            ids.map.insert(folded, id.to_string());
            for a in aliases {
                ids.aliases
                    .entry(crate::fold::name_key(a))
                    .or_insert_with(|| id.to_string());
            }
        }
        ids
    }

    /// The canonical id `r` names, or a problem with a suggestion.
    fn resolve(&self, r: &Ref) -> Result<String, Problem> {
        if let Some(id) = self.map.get(&fold(&r.id)) {
            return Ok(id.clone());
        }
        let prob = Problem::new(r.span.clone(), format!("unknown {} `{}`", self.kind, r.id));
        if let Some(id) = self.aliases.get(&crate::fold::name_key(&r.id)) {
            return Err(prob.help(format!(
                "`{}` is an alias of {} `{id}`; references use ids",
                r.id, self.kind
            )));
        }
        match closest(&r.id, self.map.values().map(String::as_str)) {
            Some(s) => Err(prob.help(format!("did you mean `{s}`?"))),
            None => Err(prob),
        }
    }

    fn contains(&self, id: &str) -> bool {
        self.map.contains_key(&fold(id))
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// Validates and links `corpus` in place; returns every problem with its file index.
pub fn validate(corpus: &mut Corpus) -> Vec<(usize, Problem)> {
    let mut out = Vec::new();
    let files = &corpus.files;
    let actors = Ids::new(
        "actor",
        &corpus.actors,
        |a| (&a.id, &a.aliases),
        &mut out,
        files,
        |a| a.span.clone(),
    );
    let principles = Ids::new(
        "principle",
        &corpus.principles,
        |a| (&a.id, &a.aliases),
        &mut out,
        files,
        |a| a.span.clone(),
    );
    let documents = Ids::new(
        "document",
        &corpus.documents,
        |a| (&a.id, &a.aliases),
        &mut out,
        files,
        |a| a.span.clone(),
    );
    let mut labels: HashMap<String, Vec<String>> = HashMap::new();

    let link = |file: usize, r: &mut Ref, ids: &Ids, out: &mut Vec<(usize, Problem)>| match ids
        .resolve(r)
    {
        Ok(id) => r.id = id,
        Err(p) => out.push((file, p)),
    };

    for a in &mut corpus.actors {
        for r in a
            .rec
            .member_of
            .iter_mut()
            .chain(a.rec.represents.iter_mut())
        {
            link(a.file, r, &actors, &mut out);
        }
    }
    for d in &mut corpus.documents {
        for r in &mut d.rec.authors {
            link(d.file, r, &actors, &mut out);
        }
        let mut seen: HashMap<&str, ()> = HashMap::new();
        for c in &mut d.rec.clauses {
            for r in &mut c.principles {
                link(d.file, r, &principles, &mut out);
            }
        }
        for c in &d.rec.clauses {
            if seen.insert(c.label.as_str(), ()).is_some() {
                let msg = format!(
                    "duplicate clause label `{}` in document `{}`",
                    c.label, d.rec.id
                );
                out.push((d.file, Problem::new(c.span.clone(), msg)));
            }
        }
        labels.insert(
            d.rec.id.clone(),
            d.rec.clauses.iter().map(|c| c.label.clone()).collect(),
        );
    }
    let names = SpeakerNames::new(&corpus.actors);
    for d in &mut corpus.documents {
        let mut table: HashMap<String, Option<String>> = HashMap::new();
        for (label, r) in &mut d.rec.speakers {
            let actor = match r {
                Some(r) => match actors.resolve(r) {
                    Ok(id) => {
                        r.id = id.clone();
                        Some(id)
                    }
                    Err(p) => {
                        out.push((d.file, p));
                        None
                    }
                },
                None => None,
            };
            table.insert(crate::fold::name_key(label), actor);
        }
        // A label that only looks like a name ("Maria Zakharova:") opens a turn only in a
        // transcript: a document with a turn of a known speaker or role.
        let turns: Vec<Option<(Option<String>, bool)>> = d
            .rec
            .clauses
            .iter()
            .map(|c| c.opens.as_ref().and_then(|l| names.speaker(l, &table)))
            .collect();
        let transcript = turns.iter().flatten().any(|(_, sure)| *sure);
        let mut current: Option<Turn> = None;
        for (c, turn) in d.rec.clauses.iter_mut().zip(turns) {
            if let (Some(label), Some((actor, sure))) = (&c.opens, turn)
                && (sure || transcript)
            {
                current = Some(Turn {
                    label: label.clone(),
                    actor,
                });
            }
            c.turn = current.clone();
        }
    }
    for r in &mut corpus.relations {
        link(r.file, &mut r.rec.from, &documents, &mut out);
        link(r.file, &mut r.rec.to, &documents, &mut out);
    }
    for c in &mut corpus.citations {
        let f = c.file;
        if let Err(p) = link_clause_or(&mut c.rec.from, &documents, None, &labels) {
            out.push((f, p));
        }
        if let Err(p) = link_clause_or(&mut c.rec.to, &documents, Some(&principles), &labels) {
            out.push((f, p));
        }
        for r in c.rec.by.iter_mut().flatten() {
            link(f, r, &actors, &mut out);
        }
        if let Some(s) = &mut c.rec.source {
            link(f, s, &documents, &mut out);
        }
    }
    out
}

/// Words that label a turn of someone the corpus does not name.
const ROLE_LABELS: &[&str] = &[
    "question",
    "answer",
    "q",
    "a",
    "journalist",
    "reporter",
    "correspondent",
    "moderator",
    "interviewer",
    "host",
    "chair",
    "chairman",
    "chairwoman",
    "chairperson",
    "presenter",
    "audience",
    "participant",
    "voice",
    "voices",
    "interpreter",
    "unidentified speaker",
    "question from the audience",
    "remark",
    "comment",
];

/// Titles before a name in a speaker label ("Mr Blinken", "Foreign Minister Lavrov").
const TITLES: &[&str] = &[
    "mr",
    "mr.",
    "mrs",
    "mrs.",
    "ms",
    "ms.",
    "dr",
    "dr.",
    "prof",
    "prof.",
    "professor",
    "sir",
    "madam",
    "president",
    "minister",
    "secretary",
    "ambassador",
    "general",
    "senator",
    "prime",
    "foreign",
    "deputy",
    "spokesperson",
    "spokesman",
    "spokeswoman",
    "state",
];

/// Actors by the folded names and aliases a speaker label may give.
struct SpeakerNames(HashMap<String, String>);

impl SpeakerNames {
    fn new(actors: &[At<Actor>]) -> SpeakerNames {
        let mut map = HashMap::new();
        for a in actors {
            for n in std::iter::once(&a.rec.name).chain(&a.rec.aliases) {
                map.entry(crate::fold::name_key(n))
                    .or_insert_with(|| a.rec.id.clone());
            }
            map.entry(fold(&a.rec.id))
                .or_insert_with(|| a.rec.id.clone());
        }
        SpeakerNames(map)
    }

    /// Whether `label` opens a turn, and whose (`Some(actor)`, or `None` for somebody the
    /// corpus does not name: "Question", "Ms Zakharova"), and whether surely: a label of the
    /// `speakers` table, an actor's name or alias, a role or a title before a name is sure;
    /// words that only look like a name ("Maria Zakharova") are not. `None` when the words
    /// before the colon are no speaker at all ("In conclusion").
    fn speaker(
        &self,
        label: &str,
        table: &HashMap<String, Option<String>>,
    ) -> Option<(Option<String>, bool)> {
        let key = crate::fold::name_key(label);
        if let Some(a) = table.get(&key) {
            return Some((a.clone(), true));
        }
        if let Some(a) = self.0.get(&key) {
            return Some((Some(a.clone()), true));
        }
        let words: Vec<&str> = key.split(' ').collect();
        let titled = words.iter().take_while(|w| TITLES.contains(w)).count();
        if titled > 0 && titled < words.len() {
            let rest = words[titled..].join(" ");
            return Some((self.0.get(&rest).cloned(), true));
        }
        if ROLE_LABELS.contains(&key.as_str()) {
            return Some((None, true));
        }
        // A name: two words or more, each capitalised (or a particle: de, van, al-).
        let written: Vec<&str> = label.split_whitespace().collect();
        let particles = [
            "de", "da", "van", "von", "der", "la", "le", "bin", "al", "el", "di",
        ];
        let named = written.len() >= 2
            && written.iter().all(|w| {
                w.starts_with(char::is_uppercase)
                    || particles.contains(&w.trim_end_matches('-'))
                    || w.starts_with("al-")
            });
        named.then_some((None, false))
    }
}

/// Links `DOC#LABEL`, a document id, or (when `principles` is given) a principle id.
fn link_clause_or(
    r: &mut Ref,
    docs: &Ids,
    principles: Option<&Ids>,
    labels: &HashMap<String, Vec<String>>,
) -> Result<(), Problem> {
    if let Some((doc, label)) = r.id.split_once('#') {
        let mut doc_ref = Ref {
            id: doc.to_string(),
            span: r.span.clone(),
        };
        doc_ref.id = docs.resolve(&doc_ref)?;
        let known: &[String] = labels.get(&doc_ref.id).map_or(&[], Vec::as_slice);
        if !known.iter().any(|l| l == label) {
            let msg = format!("document `{}` has no clause `{label}`", doc_ref.id);
            let prob = Problem::new(r.span.clone(), msg);
            return Err(match closest(label, known.iter().map(String::as_str)) {
                Some(s) => prob.help(format!("did you mean `{}#{s}`?", doc_ref.id)),
                None => prob.help(format!("its clauses are: {}", preview(known))),
            });
        }
        r.id = format!("{}#{label}", doc_ref.id);
        return Ok(());
    }
    let is_doc = docs.contains(&r.id);
    match principles {
        Some(p) if p.contains(&r.id) && is_doc => Err(Problem::new(
            r.span.clone(),
            format!("`{}` is both a document and a principle", r.id),
        )
        .help("give the clause (`DOC#LABEL`) or rename one of them")),
        Some(p) if p.contains(&r.id) => {
            r.id = p.resolve(r)?;
            Ok(())
        }
        _ if is_doc => {
            r.id = docs.resolve(r)?;
            Ok(())
        }
        Some(p) => {
            // Neither: suggest from documents and principles together.
            let all = docs.map.values().chain(p.map.values()).map(String::as_str);
            let prob = Problem::new(
                r.span.clone(),
                format!("unknown document or principle `{}`", r.id),
            );
            Err(match closest(&r.id, all) {
                Some(s) => prob.help(format!("did you mean `{s}`?")),
                None => prob,
            })
        }
        None => docs.resolve(r).map(|id| r.id = id),
    }
}

fn preview(labels: &[String]) -> String {
    let mut s = labels
        .iter()
        .take(12)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if labels.len() > 12 {
        s.push_str(", ...");
    }
    s
}
