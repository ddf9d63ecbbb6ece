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
    /// No document named: the citing document (if it has the clause).
    Implicit,
    /// "of this Charter", "of the present Convention": the citing document.
    This,
    /// "of the Istanbul Charter": the alias match starting at this byte offset.
    Alias(usize),
    /// "of the Charter" where "Charter" is no alias: the document named last, if the word fits it.
    Anaphor(String),
    /// "of the Washington Treaty", "of its statement": a document outside the catalog.
    Unknown,
    /// "paragraph 1 (b) of the present article": within the clause being read; not cited.
    SameClause,
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
];

const PLURAL_SUB_UNITS: &[&str] = &[
    "paragraphs",
    "paras.",
    "paras",
    "§§",
    "points",
    "subparagraphs",
];

/// One item: a head label with its bracketed parts, maybe followed by ", paragraph 4" or
/// ", paragraphs 3 and 4". Returns the labels and the head for "(7)" continuations.
fn item(c: &mut Cur) -> Option<(Vec<String>, String)> {
    let head = c.number().or_else(|| c.roman())?;
    let mut label = head.clone();
    while let Some(p) = c.paren() {
        label = format!("{label}.{p}");
    }
    let save = c.pos;
    if c.rest().starts_with(',') {
        c.pos += 1;
    }
    c.spaces();
    let sub = SUB_UNITS.iter().find(|w| c.word(w));
    if let Some(sub) = sub.filter(|_| c.spaces() > 0) {
        // "paragraphs 3 and 4" takes a list, "paragraph 4, or 31" one number.
        let plural = PLURAL_SUB_UNITS.contains(sub);
        let mut labels = Vec::new();
        while let Some(n) = c.number() {
            let mut sub = format!("{label}.{n}");
            while let Some(p) = c.paren() {
                sub = format!("{sub}.{p}");
            }
            labels.push(sub);
            let s = c.pos;
            if !plural || !c.sep() {
                break;
            }
            if !c.rest().starts_with(|ch: char| ch.is_ascii_digit()) {
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

fn labels(c: &mut Cur) -> Option<Vec<String>> {
    let (mut out, mut base) = item(c)?;
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
        if let Some((more, b)) = item(c) {
            out.extend(more);
            base = b;
        } else if let Some(p) = c.paren() {
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
    ]
    .iter()
    .any(|w| w.eq_ignore_ascii_case(word))
}

const DETERMINERS: &[&str] = &[
    "its", "their", "our", "his", "her", "a", "an", "that", "another",
];

/// The document after "of": see [`DocSpec`]. `alias_end(pos)` gives the end of a document
/// alias match starting at `pos`.
fn tail(
    c: &mut Cur,
    unit: &mut RefUnit,
    labels: &mut [String],
    alias_end: &dyn Fn(usize) -> Option<usize>,
) -> DocSpec {
    let save = c.pos;
    c.spaces();
    if !(c.word("of") && c.spaces() > 0) {
        c.pos = save;
        return DocSpec::Implicit;
    }
    let nestable = !matches!(
        *unit,
        RefUnit::Article | RefUnit::Chapter | RefUnit::Part | RefUnit::Annex
    );
    if nestable && c.any_word(&["article", "art."]) {
        c.spaces();
        if let Some((outer, _)) = item(c) {
            let outer = &outer[0];
            for l in labels.iter_mut() {
                *l = format!("{outer}.{l}");
            }
            *unit = RefUnit::Article;
            return tail(c, unit, labels, alias_end);
        }
        c.pos = save;
        return DocSpec::Implicit;
    }
    if let Some(end) = alias_end(c.pos) {
        let start = c.pos;
        c.pos = end;
        return DocSpec::Alias(start);
    }
    let after_of = c.pos;
    if c.any_word(&["this", "these"])
        && c.spaces() > 0
        && let Some(w) = c.letters()
    {
        return if same_clause(w) {
            DocSpec::SameClause
        } else {
            DocSpec::This
        };
    }
    c.pos = after_of;
    if c.word("the") && c.spaces() > 0 {
        if let Some(end) = alias_end(c.pos) {
            let start = c.pos;
            c.pos = end;
            return DocSpec::Alias(start);
        }
        let before = c.pos;
        if c.any_word(&["present", "said"])
            && c.spaces() > 0
            && let Some(w) = c.letters()
        {
            return if same_clause(w) {
                DocSpec::SameClause
            } else {
                DocSpec::This
            };
        }
        c.pos = before;
        return match c.letters() {
            Some(w) if w.starts_with(char::is_uppercase) => DocSpec::Anaphor(w.to_lowercase()),
            Some(_) => DocSpec::Unknown,
            None => {
                c.pos = save;
                DocSpec::Implicit
            }
        };
    }
    c.pos = after_of;
    if c.any_word(DETERMINERS) {
        c.spaces();
        c.letters();
        return DocSpec::Unknown;
    }
    if let Some(w) = c.letters()
        && w.starts_with(char::is_uppercase)
    {
        return DocSpec::Unknown;
    }
    c.pos = save;
    DocSpec::Implicit
}

/// Parses a reference whose opening word ends at byte `at` of `text`.
pub(crate) fn parse(
    text: &str,
    at: usize,
    unit: RefUnit,
    alias_end: &dyn Fn(usize) -> Option<usize>,
) -> Option<Parsed> {
    let mut c = Cur { s: text, pos: at };
    let glued = text[..at].ends_with(['.', '§']);
    if c.spaces() == 0 && !glued {
        return None;
    }
    let mut labels = labels(&mut c)?;
    let mut unit = unit;
    let doc = tail(&mut c, &mut unit, &mut labels, alias_end);
    Some(Parsed {
        end: c.pos,
        labels,
        doc,
        unit,
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
                DocSpec::Anaphor("charter".into()),
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
            DocSpec::This
        );
        assert_eq!(
            p("Article 3 of the present Protocol", Article).unwrap().1,
            DocSpec::This
        );
        assert_eq!(
            p("paragraph 1 (b) of the present article", Paragraph)
                .unwrap()
                .1,
            DocSpec::SameClause
        );
        assert_eq!(
            p("Article 5 of its treaty", Article).unwrap().1,
            DocSpec::Unknown
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
}
