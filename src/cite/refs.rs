//! Parsing clause references after their opening word: "Article 51 of the Charter",
//! "Art. 2(4)", "Article 2, paragraph 4", "Articles 41, 42 and 43", "Articles 33 to 37",
//! "Article 2(4) and (7)", "paragraph 4 of Article 2", "Principle VIII of the Helsinki Final
//! Act", "Chapter VII", "§§ 8 and 9", "paragraph 8 of this Charter".
//!
//! In: the original text, the byte offset after the opening word, and a way to ask whether a
//! document alias starts at an offset. Out: the labels (`2(4)` → `2.4`, roman kept as written) and
//! how the document was named.

use super::RefUnit;
use super::cursor::{Cur, roman_value, to_roman};

/// How a clause reference names its document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum DocSpec {
    /// No document named: the document named just before or after it, the citing instrument,
    /// or the document named last (see `Run::clause_ref`).
    Implicit,
    /// "of this Charter", "of the present Convention": the citing document when it is an
    /// instrument; in a statement, the document that the word (`charter`) names.
    This(String),
    /// "of the Istanbul Charter": the alias match starting at this byte offset.
    Alias(usize),
    /// "of the Charter", "of our Charter", "of its Charter", "of the same Charter" where
    /// "Charter" is no alias: the document named last, if the word fits it. The word as
    /// written.
    Anaphor(String),
    /// "of the Washington Treaty", "of resolution 242 (1967)", "of its statement": a document
    /// outside the catalog, named by the bytes `start..end`.
    Unknown(usize, usize),
    /// "paragraph 1 (b) of the present article": within the clause being read; not cited.
    SameClause,
    /// "paragraph 50 above", "paragraph 12 below": the citing text's own paragraphs; not cited.
    Here,
    /// "paragraph 3 of the same Article", "of that Article": the article cited last.
    SameArticle,
    /// "Article 3 common to the Geneva Conventions": the same label in each document the
    /// alias match at this byte offset names.
    Common(usize),
}

/// Ordinal words, first to twelfth: "the second paragraph of Article 51".
pub(crate) const ORDINALS: &[&str] = &[
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
    "eleventh", "twelfth",
];

/// The number an ordinal word stands for.
pub(crate) fn ordinal(word: &str) -> Option<usize> {
    ORDINALS
        .iter()
        .position(|o| o.eq_ignore_ascii_case(word))
        .map(|i| i + 1)
}

/// A parsed reference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Parsed {
    /// Byte offset where the reference ends.
    pub end: usize,
    pub labels: Vec<String>,
    pub doc: DocSpec,
    /// The unit the labels belong to: "paragraph 3 of Article 52" is article `52.3`.
    pub unit: RefUnit,
    /// Divisions named between the labels and the document ("Chapter VII" in "Articles 41
    /// and 42 of Chapter VII of the Charter"): cited as well.
    pub divisions: Vec<(RefUnit, String)>,
}

const SUB_UNITS: &[&str] = &[
    "paragraphs",
    "paragraph",
    "paras.",
    "para.",
    "paras",
    "para",
    "§§",
    "§",
    "points",
    "point",
    "subparagraphs",
    "subparagraph",
    "sub-paragraphs",
    "sub-paragraph",
    "items",
    "item",
];

const PLURAL_SUB_UNITS: &[&str] = &[
    "paragraphs",
    "paras.",
    "paras",
    "§§",
    "points",
    "subparagraphs",
    "sub-paragraphs",
    "items",
];

/// Words that follow the pronoun "I" ("Article I have in mind" is no Article I).
const PRONOUN_VERBS: &[&str] = &[
    "have",
    "had",
    "am",
    "was",
    "do",
    "did",
    "think",
    "believe",
    "said",
    "say",
    "wish",
    "want",
    "hope",
    "agree",
    "mentioned",
    "cited",
    "referred",
    "know",
    "feel",
    "see",
    "mean",
    "noted",
    "quoted",
    "consider",
    "recall",
    "repeat",
    "emphasize",
    "stress",
    "note",
    "refer",
    "turn",
    "come",
];

/// Whether labels of `unit` may be single letters ("paragraph c", "sub-paragraph d").
fn lettered(unit: RefUnit) -> bool {
    matches!(unit, RefUnit::Paragraph | RefUnit::Point)
}

/// One item: a head label with its bracketed parts, maybe followed by ", paragraph 4" or
/// ", paragraphs 3 and 4". Returns the labels and the head for "(7)" continuations.
fn item(c: &mut Cur, unit: RefUnit) -> Option<(Vec<String>, String)> {
    let save = c.pos;
    let head = c
        .number()
        .or_else(|| c.roman())
        .or_else(|| lettered(unit).then(|| c.letter_label()).flatten())
        .or_else(|| lettered(unit).then(|| c.paren()).flatten())?;
    // "on this point I agree", "the principles I have cited": the pronoun, not a roman one.
    if head == "I" && c.rest().starts_with(' ') {
        let next = &c.rest()[1..];
        let word: String = next.chars().take_while(|c| c.is_alphabetic()).collect();
        let lower = next.starts_with(char::is_lowercase);
        if lower
            && (lettered(unit)
                || unit == RefUnit::Principle
                || PRONOUN_VERBS.contains(&word.as_str()))
        {
            c.pos = save;
            return None;
        }
    }
    let mut label = head.clone();
    while let Some(p) = c.paren() {
        label = format!("{label}.{p}");
    }
    let save = c.pos;
    if c.rest().starts_with(',') {
        c.pos += 1;
    }
    c.spaces();
    // "Article 88, fourth paragraph"
    let before_ordinal = c.pos;
    if let Some(n) = c.letters().and_then(ordinal)
        && c.spaces() > 0
        && c.any_word(&["paragraph", "para."])
    {
        return Some((vec![format!("{label}.{n}")], head));
    }
    c.pos = before_ordinal;
    let sub = SUB_UNITS.iter().find(|w| c.word(w));
    if let Some(sub) = sub.filter(|_| c.spaces() > 0) {
        // "paragraphs 3 and 4" takes a list, "paragraph 4, or 31" one number.
        let plural = PLURAL_SUB_UNITS.contains(sub);
        let mut labels = Vec::new();
        while let Some(n) = c
            .number()
            .or_else(|| c.letter_label())
            .or_else(|| c.paren())
        {
            let mut sub = format!("{label}.{n}");
            while let Some(p) = c.paren() {
                sub = format!("{sub}.{p}");
            }
            labels.push(sub);
            let s = c.pos;
            if !plural || !c.sep() {
                break;
            }
            if !c.rest().starts_with(|ch: char| ch.is_ascii_alphanumeric()) {
                c.pos = s;
                break;
            }
        }
        // "Articles 42 and 43, paragraph 3 of Article 44": the paragraph belongs to Article 44.
        let after = c.pos;
        c.spaces();
        let nested = c.word("of") && c.spaces() > 0 && c.any_word(&["article", "art."]);
        c.pos = after;
        if !labels.is_empty() && !nested {
            return Some((labels, head));
        }
    }
    c.pos = save;
    Some((vec![label], head))
}

/// "to 37", "-37", "–37" after an item: the items between, when both ends are plain numbers
/// at most 100 apart.
fn range(c: &mut Cur, from: &str) -> Option<Vec<String>> {
    let save = c.pos;
    c.spaces();
    let dash = ["-", "–", "—"].iter().any(|d| c.rest().starts_with(d));
    if dash {
        c.pos += c.peek().map_or(1, char::len_utf8);
    } else if !(c.any_word(&["to", "through"]) && c.spaces() > 0) {
        c.pos = save;
        return None;
    }
    c.spaces();
    if let Some(to) = c.number() {
        return match (from.parse::<u32>(), to.parse::<u32>()) {
            (Ok(a), Ok(b)) if b > a && b - a <= 100 => {
                Some((a + 1..=b).map(|n| n.to_string()).collect())
            }
            _ => Some(vec![to]),
        };
    }
    if let Some(to) = c.roman() {
        return match (roman_value(from), roman_value(&to)) {
            (Some(a), Some(b)) if b > a && b - a <= 100 => {
                Some((a + 1..=b).map(to_roman).collect())
            }
            _ => Some(vec![to]),
        };
    }
    c.pos = save;
    None
}

/// The label without its last part: what a bare "(b)" after "58.1.a" continues (`58.1`).
fn parent_of(label: &str) -> &str {
    label.rsplit_once('.').map_or(label, |(p, _)| p)
}

fn labels(c: &mut Cur, unit: RefUnit) -> Option<Vec<String>> {
    let (mut out, _) = item(c, unit)?;
    loop {
        let last = out.last().cloned().unwrap_or_default();
        if let Some(more) = range(c, &last) {
            out.extend(more);
            continue;
        }
        let save = c.pos;
        if !c.sep() {
            break;
        }
        let bracket = c
            .rest()
            .trim_start_matches([' ', '\u{a0}'])
            .starts_with('(');
        if !bracket && let Some((more, _)) = item(c, unit) {
            out.extend(more);
        } else if let Some(p) = c.paren() {
            // "article 58, paragraph 1 (a) and (b)": (b) continues 58.1, as (a) did.
            let base = if last.contains('.') {
                parent_of(&last)
            } else {
                &last
            };
            out.push(format!("{base}.{p}"));
        } else {
            c.pos = save;
            break;
        }
    }
    Some(out)
}

/// "of this article", "of the present paragraph": the clause being read, not a document.
fn same_clause(word: &str) -> bool {
    [
        "article",
        "paragraph",
        "point",
        "section",
        "clause",
        "subparagraph",
        "sub-paragraph",
    ]
    .iter()
    .any(|w| w.eq_ignore_ascii_case(word))
}

/// Words that stand before a document's head noun in place of "the": "of its Charter".
const DETERMINERS: &[&str] = &["its", "their", "our", "his", "her", "that", "your", "whose"];

/// Lower-case words that may join the words of a title: "Charter of the Organization of
/// American States", "Convention on the Prevention and Punishment of the Crime of Genocide".
pub(crate) const TITLE_JOINERS: &[&str] = &[
    "of",
    "the",
    "on",
    "for",
    "and",
    "to",
    "against",
    "relating",
    "concerning",
    "between",
    "de",
];

/// The words that open a clause reference: a name never runs into one.
const UNIT_WORDS: &[&str] = &[
    "article",
    "articles",
    "paragraph",
    "paragraphs",
    "chapter",
    "chapters",
    "section",
    "part",
];

/// Divisions that hold articles numbered across the whole instrument: "Article 42 of Chapter
/// VII of the Charter" is Article 42 of the Charter.
const DIVISIONS: &[(&str, Option<RefUnit>)] = &[
    ("chapter", Some(RefUnit::Chapter)),
    ("part", Some(RefUnit::Part)),
    ("section", Some(RefUnit::Section)),
    ("title", None),
    ("book", None),
];

/// The end of a name that is no document of the catalog, kept for the record. Capitalised, it
/// is a title: capitalised words with the joiners between them, numbers and brackets after a
/// word ("Charter of the Organization of American States", "General Assembly resolution 2625
/// (XXV)", "A/7601/Add.1"). In lower case, the words up to the first punctuation, at most six
/// ("the report of the Secretary-General", "resolution 242 (1967)").
pub(crate) fn name_end(text: &str, from: usize) -> usize {
    let title = text[from..].starts_with(char::is_uppercase);
    let mut c = Cur { s: text, pos: from };
    let mut end = from;
    let mut words = 0;
    let mut after_word = false;
    while words < 12 {
        if let Some(w) = c.symbol() {
            let lower = w.to_lowercase();
            if UNIT_WORDS.contains(&lower.as_str()) {
                break;
            }
            let cap = w.starts_with(char::is_uppercase) || w.contains('/');
            let joiner = TITLE_JOINERS.contains(&lower.as_str());
            if title && !cap && !joiner || !title && words >= 6 {
                break;
            }
            if cap || !title {
                end = c.pos;
            }
            after_word = cap || !title;
        } else if after_word && (c.number().is_some() || c.roman().is_some()) {
            end = c.pos;
        } else if after_word && let Some(n) = bracketed(c.rest()) {
            // "(1967)", "(XXV)"
            c.pos += n;
            end = c.pos;
            words += 1;
            continue;
        } else {
            break;
        }
        words += 1;
        let gap = c.pos;
        if c.spaces() == 0 {
            break;
        }
        if c.peek() == Some('(') {
            c.pos = gap;
        }
    }
    end
}

/// The length of " (1967)" or "(XXV)" at the start of `s`: a short bracket of letters and
/// digits after at most one space.
fn bracketed(s: &str) -> Option<usize> {
    let lead = usize::from(s.starts_with(' '));
    let inner = s[lead..].strip_prefix('(')?;
    let close = inner.find(')')?;
    (close > 0 && close <= 8 && inner[..close].chars().all(char::is_alphanumeric))
        .then_some(lead + close + 2)
}

/// A document's alias at the cursor, after an optional "the": where the alias starts, the
/// cursor left after it. `None` (the cursor where it was) when no alias follows.
fn named(c: &mut Cur, alias_end: &dyn Fn(usize) -> Option<usize>) -> Option<usize> {
    let at = c.pos;
    if !(c.word("the") && c.spaces() > 0) {
        c.pos = at;
    }
    let start = c.pos;
    match alias_end(start) {
        Some(end) => {
            c.pos = end;
            Some(start)
        }
        None => {
            c.pos = at;
            None
        }
    }
}

/// The document after the labels ("of …"): see [`DocSpec`]. `alias_end(pos)` gives the end of
/// a document alias match starting at `pos`.
fn tail(
    c: &mut Cur,
    unit: &mut RefUnit,
    labels: &mut [String],
    divisions: &mut Vec<(RefUnit, String)>,
    alias_end: &dyn Fn(usize) -> Option<usize>,
) -> DocSpec {
    let save = c.pos;
    c.spaces();
    // "paragraph 50 above": the text's own paragraphs.
    if c.any_word(&["above", "below"]) {
        return DocSpec::Here;
    }
    c.pos = save;
    // "Article 2, paragraph 3, of the Charter": a comma before "of" when a document follows.
    let comma = c.rest().starts_with(',');
    if comma {
        c.pos += 1;
    }
    c.spaces();
    // "Article 3 common to the Geneva Conventions"
    let at = c.pos;
    if c.word("common")
        && c.spaces() > 0
        && c.word("to")
        && c.spaces() > 0
        && let Some(start) = named(c, alias_end)
    {
        return DocSpec::Common(start);
    }
    c.pos = at;
    if !(c.word("of") && c.spaces() > 0) {
        // "Articles 5 and 6 in the Charter": "in" before a document's name.
        c.pos = save;
        c.spaces();
        if c.word("in")
            && c.spaces() > 0
            && let Some(start) = named(c, alias_end)
        {
            return DocSpec::Alias(start);
        }
        c.pos = save;
        return DocSpec::Implicit;
    }
    let spec = of_what(c, unit, labels, divisions, alias_end);
    let names_document = match &spec {
        DocSpec::Implicit | DocSpec::SameClause | DocSpec::Here | DocSpec::SameArticle => false,
        DocSpec::Unknown(s, _) => c.s[*s..]
            .trim_start_matches(|ch: char| ch.is_lowercase() || ch == ' ')
            .starts_with(char::is_uppercase),
        _ => true,
    };
    if comma && !names_document {
        // "in violation of Article 37, of the distinctive emblem": the comma ends the reference.
        c.pos = save;
        return DocSpec::Implicit;
    }
    spec
}

/// What follows "of " in a reference (the cursor stands after it).
fn of_what(
    c: &mut Cur,
    unit: &mut RefUnit,
    labels: &mut [String],
    divisions: &mut Vec<(RefUnit, String)>,
    alias_end: &dyn Fn(usize) -> Option<usize>,
) -> DocSpec {
    let after_of = c.pos;
    let nestable = !matches!(
        *unit,
        RefUnit::Article | RefUnit::Chapter | RefUnit::Part | RefUnit::Annex
    );
    if nestable && c.any_word(&["article", "art."]) {
        c.spaces();
        if let Some((outer, _)) = item(c, RefUnit::Article) {
            let outer = &outer[0];
            for l in labels.iter_mut() {
                *l = format!("{outer}.{l}");
            }
            *unit = RefUnit::Article;
            return tail(c, unit, labels, divisions, alias_end);
        }
        c.pos = after_of;
        return DocSpec::Implicit;
    }
    // "Articles 41 and 42 of Chapter VII of the Charter": the articles are the Charter's, and
    // the chapter is cited too.
    if *unit == RefUnit::Article
        && let Some(&(_, division)) = DIVISIONS.iter().find(|(w, _)| c.word(w))
        && c.spaces() > 0
    {
        if let Some(label) = c.roman().or_else(|| c.number()) {
            if let Some(u) = division {
                divisions.push((u, label));
            }
            let end = c.pos;
            let spec = tail(c, unit, labels, divisions, alias_end);
            if spec == DocSpec::Implicit {
                c.pos = end;
            }
            return spec;
        }
        c.pos = after_of;
    }
    if let Some(end) = alias_end(c.pos) {
        let start = c.pos;
        c.pos = end;
        return DocSpec::Alias(start);
    }
    if c.any_word(&["this", "these"])
        && c.spaces() > 0
        && let Some(w) = c.letters()
    {
        return if same_clause(w) {
            DocSpec::SameClause
        } else {
            DocSpec::This(w.to_lowercase())
        };
    }
    c.pos = after_of;
    let the = c.word("the") && c.spaces() > 0;
    if !the {
        c.pos = after_of;
    }
    if the && let Some(end) = alias_end(c.pos) {
        let start = c.pos;
        c.pos = end;
        return DocSpec::Alias(start);
    }
    let before = c.pos;
    if the
        && c.any_word(&["present", "said"])
        && c.spaces() > 0
        && let Some(w) = c.letters()
    {
        return if same_clause(w) {
            DocSpec::SameClause
        } else {
            DocSpec::This(w.to_lowercase())
        };
    }
    c.pos = before;
    // "of our Charter", "of its Charter", "of the same Charter".
    let det = !the && c.any_word(DETERMINERS) && c.spaces() > 0;
    if !det {
        c.pos = before;
    }
    let mark = c.pos;
    let same = (the || det) && c.word("same") && c.spaces() > 0;
    if !same {
        c.pos = mark;
    }
    // "of our Charter", "of its Charter", "of the same Charter", where "Charter" is an alias.
    if (det || same)
        && let Some(end) = alias_end(c.pos)
    {
        let start = c.pos;
        c.pos = end;
        return DocSpec::Alias(start);
    }
    let name_at = c.pos;
    let Some(w) = c.letters() else {
        return back_before_of(c, after_of);
    };
    let word_end = c.pos;
    if (same || det || the) && w.eq_ignore_ascii_case("article") {
        return DocSpec::SameArticle;
    }
    let end = name_end(c.s, name_at);
    if w.starts_with(char::is_uppercase) {
        // "of the Charter", "of our Charter": one capitalised word, the head noun of a title.
        if (the || det || same) && end == word_end {
            return DocSpec::Anaphor(w.to_string());
        }
        c.pos = end.max(word_end);
        return DocSpec::Unknown(if the || det { after_of } else { name_at }, c.pos);
    }
    let record = [
        "resolution",
        "resolutions",
        "decision",
        "document",
        "report",
        "declaration",
        "convention",
        "treaty",
        "agreement",
        "protocol",
        "constitution",
        "statute",
        "charter",
    ]
    .contains(&w.to_lowercase().as_str());
    if the || det || record {
        // "of the report", "of its statement", "of resolution 242": outside the catalog.
        c.pos = end.max(word_end);
        return DocSpec::Unknown(after_of, c.pos);
    }
    back_before_of(c, after_of)
}

/// "Article 5 of course": no document; the reference ends at its labels, before "of".
fn back_before_of(c: &mut Cur, after_of: usize) -> DocSpec {
    let back = c.s[..after_of].trim_end();
    let back = back.strip_suffix("of").unwrap_or(back).trim_end();
    let back = back.strip_suffix(',').unwrap_or(back);
    c.pos = back.len();
    DocSpec::Implicit
}

/// The document after labels read elsewhere ("the second paragraph of Article 51": label `2`,
/// read from the ordinal before the opening word): what follows the opening word at `at`.
pub(crate) fn parse_after(
    text: &str,
    at: usize,
    unit: RefUnit,
    mut labels: Vec<String>,
    alias_end: &dyn Fn(usize) -> Option<usize>,
) -> Parsed {
    let mut c = Cur { s: text, pos: at };
    let mut unit = unit;
    let mut divisions = Vec::new();
    let doc = tail(&mut c, &mut unit, &mut labels, &mut divisions, alias_end);
    Parsed {
        end: c.pos,
        labels,
        doc,
        unit,
        divisions,
    }
}

/// The document after an opening word with no number ("the opening Articles of the
/// Charter"): no labels, only the document it names, when it names one.
pub(crate) fn parse_unnumbered(
    text: &str,
    at: usize,
    alias_end: &dyn Fn(usize) -> Option<usize>,
) -> Option<Parsed> {
    let mut c = Cur { s: text, pos: at };
    let mut unit = RefUnit::Article;
    let mut labels: Vec<String> = Vec::new();
    let mut divisions = Vec::new();
    let doc = tail(&mut c, &mut unit, &mut labels, &mut divisions, alias_end);
    (!matches!(doc, DocSpec::Implicit)).then_some(Parsed {
        end: c.pos,
        labels,
        doc,
        unit,
        divisions,
    })
}

/// Parses a reference whose opening word ends at byte `at` of `text`.
pub(crate) fn parse(
    text: &str,
    at: usize,
    unit: RefUnit,
    alias_end: &dyn Fn(usize) -> Option<usize>,
) -> Option<Parsed> {
    let mut c = Cur { s: text, pos: at };
    let mut divisions = Vec::new();
    if unit == RefUnit::Preamble {
        // "the preamble of the Charter", "the Preamble to the Charter": no number.
        let mut labels = vec!["preamble".to_string()];
        let mut unit = unit;
        let save = c.pos;
        c.spaces();
        if c.word("to") && c.spaces() > 0 {
            let doc = of_what(&mut c, &mut unit, &mut labels, &mut divisions, alias_end);
            if !matches!(doc, DocSpec::Implicit) {
                return Some(Parsed {
                    end: c.pos,
                    labels,
                    doc,
                    unit,
                    divisions,
                });
            }
        }
        c.pos = save;
        let doc = tail(&mut c, &mut unit, &mut labels, &mut divisions, alias_end);
        return Some(Parsed {
            end: c.pos,
            labels,
            doc,
            unit,
            divisions,
        });
    }
    let glued = text[..at].ends_with(['.', '§']);
    if c.spaces() == 0 && !glued {
        return None;
    }
    let mut labels = labels(&mut c, unit)?;
    let mut unit = unit;
    // "Annex III, article 17": an article of the annex, not of the instrument.
    if unit == RefUnit::Annex && labels.len() == 1 {
        let save = c.pos;
        if c.rest().starts_with(',') {
            c.pos += 1;
        }
        c.spaces();
        if c.any_word(&["article", "art."]) && c.spaces() > 0 {
            if let Some(mut inner) = self::labels(&mut c, RefUnit::Article) {
                // "Annex III, article 13 and article 17, paragraph 1(c)": still the annex's.
                loop {
                    let at = c.pos;
                    if c.sep()
                        && c.any_word(&["article", "art."])
                        && c.spaces() > 0
                        && let Some(more) = self::labels(&mut c, RefUnit::Article)
                    {
                        inner.extend(more);
                        continue;
                    }
                    c.pos = at;
                    break;
                }
                let annex = unit.division_label(&labels[0]);
                labels = inner.iter().map(|l| format!("{annex}.{l}")).collect();
                unit = RefUnit::Article;
            } else {
                c.pos = save;
            }
        } else {
            c.pos = save;
        }
    }
    let doc = tail(&mut c, &mut unit, &mut labels, &mut divisions, alias_end);
    Some(Parsed {
        end: c.pos,
        labels,
        doc,
        unit,
        divisions,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str, unit: RefUnit) -> Option<(Vec<String>, DocSpec, String)> {
        let at = text.find(' ').unwrap_or(text.len());
        let at = if text.starts_with('§') {
            '§'.len_utf8()
        } else {
            at
        };
        let alias = |pos: usize| {
            text[pos..]
                .starts_with("Istanbul Charter")
                .then_some(pos + 16)
        };
        let r = parse(text, at, unit, &alias)?;
        Some((r.labels, r.doc, text[..r.end].to_string()))
    }

    fn labels_of(text: &str, unit: RefUnit) -> Vec<String> {
        p(text, unit).map(|r| r.0).unwrap_or_default()
    }

    #[test]
    fn label_forms() {
        use RefUnit::*;
        assert_eq!(labels_of("Article 51 of the Charter", Article), ["51"]);
        assert_eq!(labels_of("Art. 2(4)", Article), ["2.4"]);
        assert_eq!(labels_of("Article 2, paragraph 4", Article), ["2.4"]);
        assert_eq!(labels_of("Article 2 para. 4", Article), ["2.4"]);
        assert_eq!(labels_of("Articles 41 and 42", Article), ["41", "42"]);
        assert_eq!(
            labels_of("Articles 41, 42 and 43", Article),
            ["41", "42", "43"]
        );
        assert_eq!(
            labels_of("Articles 33 to 37", Article),
            ["33", "34", "35", "36", "37"]
        );
        assert_eq!(labels_of("Article 2(4) and (7)", Article), ["2.4", "2.7"]);
        assert_eq!(
            labels_of("Article 2, paragraphs 3 and 4", Article),
            ["2.3", "2.4"]
        );
        assert_eq!(
            labels_of("Articles 42 and 43, paragraph 3 of Article 44", Article),
            ["42", "43"]
        );
        assert_eq!(
            labels_of("Articles 27, 28, paragraph 4, or 31", Article),
            ["27", "28.4", "31"]
        );
        assert_eq!(
            labels_of("Chapters I to III of Annex I", Chapter),
            ["I", "II", "III"]
        );
        assert_eq!(labels_of("Chapter VII", Chapter), ["VII"]);
        assert_eq!(labels_of("paragraph 8.5 of", Paragraph), ["8.5"]);
        assert_eq!(labels_of("§ 8", Section), ["8"]);
        assert_eq!(labels_of("Article 7 bis", Article), ["7bis"]);
        assert!(labels_of("Chapter Vll", Chapter).is_empty());
        assert!(labels_of("point of view", Point).is_empty());
        assert!(labels_of("Article IIII", Article).is_empty());
    }

    #[test]
    fn documents_after_of() {
        use RefUnit::*;
        let r = p("Article 51 of the Charter says", Article).unwrap();
        assert_eq!(
            (r.1, r.2.as_str()),
            (
                DocSpec::Anaphor("Charter".into()),
                "Article 51 of the Charter"
            )
        );
        let r = p("paragraph 8 of the Istanbul Charter.", Paragraph).unwrap();
        assert_eq!(
            (r.1, r.2.as_str()),
            (DocSpec::Alias(19), "paragraph 8 of the Istanbul Charter")
        );
        assert_eq!(
            p("Article 3 of this Convention", Article).unwrap().1,
            DocSpec::This("convention".into())
        );
        assert_eq!(
            p("Article 3 of the present Protocol", Article).unwrap().1,
            DocSpec::This("protocol".into())
        );
        assert_eq!(
            p("paragraph 1 (b) of the present article", Paragraph)
                .unwrap()
                .1,
            DocSpec::SameClause
        );
        let r = p("Article 5 of its treaty", Article).unwrap();
        assert_eq!(
            (r.1, r.2.as_str()),
            (DocSpec::Unknown(13, 23), "Article 5 of its treaty")
        );
        let r = p("Article 5 of course", Article).unwrap();
        assert_eq!((r.1, r.2.as_str()), (DocSpec::Implicit, "Article 5"));
        let t = "paragraph 4 of Article 2 of the Istanbul Charter";
        let r = p(t, Paragraph).unwrap();
        assert_eq!(
            (r.0, r.1),
            (
                vec!["2.4".to_string()],
                DocSpec::Alias(t.find("Istanbul").unwrap())
            )
        );
    }

    #[test]
    fn the_document_after_commas_and_words() {
        use RefUnit::*;
        // A comma before "of" when a document follows.
        let t = "Article 2, paragraph 3, of the Istanbul Charter stipulates";
        let r = p(t, Article).unwrap();
        assert_eq!(r.0, ["2.3"]);
        assert_eq!(r.1, DocSpec::Alias(t.find("Istanbul").unwrap()));
        // ... but not before a lower-case phrase: the comma ends the reference.
        let t = "Article 37, of the distinctive emblem";
        let r = p(t, Article).unwrap();
        assert_eq!((r.1, r.2.as_str()), (DocSpec::Implicit, "Article 37"));
        // Letters as paragraph labels, and a letter after a space.
        assert_eq!(
            labels_of("Article 55, paragraph c, of our Charter", Article),
            ["55.c"]
        );
        assert_eq!(labels_of("Article 73 e of the Charter", Article), ["73e"]);
        let r = p(
            "sub-paragraph d of Article 73 of the Istanbul Charter",
            Paragraph,
        )
        .unwrap();
        assert_eq!(r.0, ["73.d"]);
        // A division between the articles and the document adds nothing.
        let t = "Articles 41 and 42 of Chapter VII of the Istanbul Charter";
        let r = p(t, Article).unwrap();
        assert_eq!(r.0, ["41", "42"]);
        assert!(matches!(r.1, DocSpec::Alias(_)));
        // Determiners and "same" before the head noun.
        let r = p("Article 2 of our Charter.", Article).unwrap();
        assert_eq!(r.1, DocSpec::Anaphor("Charter".into()));
        let r = p("Article 2 of the same Charter", Article).unwrap();
        assert_eq!(r.1, DocSpec::Anaphor("Charter".into()));
        let r = p("paragraph 3 of the same Article", Paragraph).unwrap();
        assert_eq!(r.1, DocSpec::SameArticle);
        // A longer name outside the catalog is kept whole.
        let t = "Article 15 of the Charter of the Organization of American States, which";
        let r = p(t, Article).unwrap();
        assert_eq!(
            &t[t.find("the Charter").unwrap()..t.len() - 7],
            "the Charter of the Organization of American States"
        );
        assert!(matches!(r.1, DocSpec::Unknown(..)));
        assert_eq!(r.2, &t[..t.len() - 7]);
        // Records, resolutions and the citing text's own paragraphs.
        let t = "paragraph 3 of resolution 242 (1967) and";
        let r = p(t, Paragraph).unwrap();
        assert!(matches!(r.1, DocSpec::Unknown(..)));
        assert_eq!(r.2, "paragraph 3 of resolution 242 (1967)");
        assert_eq!(p("paragraph 50 above", Paragraph).unwrap().1, DocSpec::Here);
        // "on this point I agree": the pronoun.
        assert!(labels_of("point I agree", Point).is_empty());
        assert_eq!(labels_of("Chapter I of the Charter", Chapter), ["I"]);
    }

    #[test]
    fn sub_paragraph_lists_continue_their_paragraph() {
        use RefUnit::*;
        assert_eq!(
            labels_of("article 58, paragraph 1 (a) and (b)", Article),
            ["58.1.a", "58.1.b"]
        );
        assert_eq!(
            labels_of("article 162, paragraph 2(m) and (o)", Article),
            ["162.2.m", "162.2.o"]
        );
    }
}
