//! A synthetic corpus for benchmarks: realistic shape, any size, the same
//! files for the same seed.
//!
//! In: a number of documents and a seed. Out: corpus files (actors,
//! principles, treaties with hierarchical clauses, statements as text files
//! whose paragraphs name treaties, cite articles and quote clauses, and
//! curated citations whose targets follow a Zipf-like law), written to a folder.

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::Path;

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    /// Documents in all (treaties and statements).
    pub documents: usize,
    pub seed: u64,
    /// Paragraphs per statement, on average.
    pub paragraphs: usize,
    /// Make every document reaffirm the one before it: one chain as long as the corpus.
    pub chain: bool,
    /// Times each statement paragraph draws a citing sentence (a quotation, a
    /// named treaty, a principle, or none): about 0.7 found citations a draw.
    pub mentions: usize,
}

/// The most documents, paragraphs per statement, and draws per paragraph `gen`
/// writes; and the most paragraphs in all (about 100 bytes each and a draw).
pub const MAX_DOCUMENTS: usize = 10_000_000;
pub const MAX_PARAGRAPHS: usize = 10_000;
pub const MAX_MENTIONS: usize = 1_000;
pub const MAX_TOTAL_PARAGRAPHS: usize = 200_000_000;

impl Spec {
    /// Refuses a corpus too large to write (rather than running out of memory or disk).
    pub fn check(&self) -> Result<(), String> {
        let over = |what: &str, n: usize, max: usize| {
            Err(format!(
                "--{what} {n} is more than concord gen writes ({max} at most)"
            ))
        };
        if self.documents > MAX_DOCUMENTS {
            return over("documents", self.documents, MAX_DOCUMENTS);
        }
        if self.paragraphs > MAX_PARAGRAPHS {
            return over("paragraphs", self.paragraphs, MAX_PARAGRAPHS);
        }
        if self.mentions > MAX_MENTIONS {
            return over("mentions", self.mentions, MAX_MENTIONS);
        }
        let total = self.documents.saturating_mul(self.paragraphs);
        if total > MAX_TOTAL_PARAGRAPHS {
            return Err(format!(
                "--documents {} with --paragraphs {} is {total} paragraphs, more than concord gen \
                 writes ({MAX_TOTAL_PARAGRAPHS} at most)",
                self.documents, self.paragraphs
            ));
        }
        Ok(())
    }
}

impl Default for Spec {
    fn default() -> Spec {
        Spec {
            documents: 100,
            seed: 1,
            paragraphs: 20,
            chain: false,
            mentions: 1,
        }
    }
}

/// A small, fast, deterministic random number generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    /// A Zipf-like pick in `0..n`: rank r has weight about 1/(r+1).
    fn zipf(&mut self, n: usize) -> usize {
        let u = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        let r = ((n as f64 + 1.0).powf(u) - 1.0) as usize;
        r.min(n.saturating_sub(1))
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const WORDS: &[&str] = &[
    "security",
    "cooperation",
    "states",
    "commitment",
    "principle",
    "dialogue",
    "region",
    "partners",
    "agreement",
    "obligations",
    "peace",
    "stability",
    "arrangements",
    "measures",
    "confidence",
    "transparency",
    "integrity",
    "sovereignty",
    "borders",
    "rights",
    "consultations",
    "framework",
    "implementation",
    "negotiations",
    "parties",
    "interests",
    "approach",
    "responsibility",
    "development",
    "economic",
    "military",
    "political",
    "human",
    "dimension",
    "conflict",
    "settlement",
    "crisis",
    "territory",
    "forces",
    "verification",
    "limits",
    "reduction",
];
const VERBS: &[&str] = &[
    "reaffirm",
    "recall",
    "stress",
    "welcome",
    "note",
    "underline",
    "support",
    "reject",
    "urge",
    "propose",
    "consider",
    "emphasise",
    "acknowledge",
    "insist on",
];
const PRINCIPLES: &[(&str, &str, &str)] = &[
    (
        "indivisibility",
        "Indivisibility of security",
        "indivisible security",
    ),
    (
        "sovereign-equality",
        "Sovereign equality",
        "sovereign equality",
    ),
    (
        "non-use-of-force",
        "Refraining from the threat or use of force",
        "non-use of force",
    ),
    (
        "inviolability",
        "Inviolability of frontiers",
        "inviolability of frontiers",
    ),
    (
        "territorial-integrity",
        "Territorial integrity of states",
        "territorial integrity",
    ),
    (
        "peaceful-settlement",
        "Peaceful settlement of disputes",
        "peaceful settlement of disputes",
    ),
    (
        "non-intervention",
        "Non-intervention in internal affairs",
        "non-intervention",
    ),
    (
        "human-rights",
        "Respect for human rights",
        "respect for human rights",
    ),
    (
        "self-determination",
        "Equal rights and self-determination of peoples",
        "self-determination",
    ),
    (
        "cooperation",
        "Co-operation among states",
        "co-operation among states",
    ),
    (
        "good-faith",
        "Fulfilment in good faith of obligations",
        "good faith",
    ),
    (
        "freedom-of-alliance",
        "Freedom to choose security arrangements",
        "freedom to choose alliances",
    ),
];

/// What a generation produced.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Generated {
    pub files: usize,
    pub documents: usize,
    pub clauses: usize,
    pub citations: usize,
    pub bytes: u64,
}

struct Treaty {
    id: String,
    name: String,
    year: usize,
    /// Labels and texts of its clauses.
    clauses: Vec<(String, String)>,
}

/// Writes a corpus of `spec.documents` documents into `dir` (created if needed).
pub fn generate(spec: &Spec, dir: &Path) -> io::Result<Generated> {
    let mut rng = Rng(spec.seed);
    let mut g = Generated::default();
    fs::create_dir_all(dir.join("statements"))?;
    let states = 60usize;
    let put = |name: &str, text: &str, g: &mut Generated| -> io::Result<()> {
        fs::write(dir.join(name), text)?;
        g.files += 1;
        g.bytes += text.len() as u64;
        Ok(())
    };
    put("actors.toml", &actors(states), &mut g)?;
    put("principles.toml", &principles(), &mut g)?;
    let n_treaties = (spec.documents / 20).clamp(1, 2000);
    let treaties: Vec<Treaty> = (0..n_treaties).map(|i| treaty(i, &mut rng)).collect();
    put(
        "treaties.toml",
        &treaties_toml(&treaties, spec.chain),
        &mut g,
    )?;
    g.documents += treaties.len();
    g.clauses += treaties.iter().map(|t| t.clauses.len()).sum::<usize>();
    let mut citations = String::new();
    let statements = spec.documents.saturating_sub(n_treaties);
    for s in 0..statements {
        let (text, paras, cites) = statement(s, states, &treaties, spec, &mut rng);
        put(&format!("statements/s{s:06}.txt"), &text, &mut g)?;
        g.documents += 1;
        g.clauses += paras;
        citations.push_str(&cites.0);
        g.citations += cites.1;
        if citations.len() > 8 << 20 {
            put(
                &format!("citations-{s:06}.toml"),
                &std::mem::take(&mut citations),
                &mut g,
            )?;
        }
    }
    if !citations.is_empty() {
        put("citations-end.toml", &citations, &mut g)?;
    }
    Ok(g)
}

fn actors(states: usize) -> String {
    let mut s = String::new();
    for group in 0..5 {
        // Group 0 holds groups 1 and 2: membership two levels deep.
        let member_of = if group == 1 || group == 2 {
            "member-of = [\"g0\"]\n"
        } else {
            ""
        };
        let _ = write!(
            s,
            "[[actor]]\nid = \"g{group}\"\nname = \"Alliance {group}\"\nkind = \"group\"\n{member_of}\n"
        );
    }
    for i in 0..states {
        let group = 1 + i % 4;
        let _ = write!(
            s,
            "[[actor]]\nid = \"state{i}\"\nname = \"State {i}\"\nkind = \"state\"\nmember-of = [\"g{group}\"]\naliases = [\"Republic of State{i}\"]\n\n\
             [[actor]]\nid = \"minister{i}\"\nname = \"Minister {i}\"\nkind = \"person\"\nrole = \"Foreign minister\"\nrepresents = [\"state{i}\"]\n\n\
             [[actor]]\nid = \"spokesperson{i}\"\nname = \"Spokesperson {i}\"\nkind = \"person\"\nrepresents = [\"minister{i}\"]\n\n"
        );
    }
    s
}

fn principles() -> String {
    let mut s = String::new();
    for (id, name, alias) in PRINCIPLES {
        let _ = write!(
            s,
            "[[principle]]\nid = \"{id}\"\nname = \"{name}\"\naliases = [\"{alias}\"]\n\n"
        );
    }
    s
}

/// The vocabulary: the common words above, then thousands of made-up ones,
/// picked with a Zipf-like law as in real text (a few words very often, most rarely).
fn vocabulary() -> &'static [String] {
    static VOCAB: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    VOCAB.get_or_init(|| {
        const ONSETS: &[&str] = &[
            "b", "c", "d", "f", "g", "l", "m", "n", "p", "r", "s", "t", "v", "pr", "tr", "st",
        ];
        const VOWELS: &[&str] = &["a", "e", "i", "o", "u", "ia", "ou"];
        const CODAS: &[&str] = &["", "n", "r", "s", "l", "nt", "st", "m"];
        let mut v: Vec<String> = WORDS.iter().map(|w| w.to_string()).collect();
        let mut rng = Rng(0xC0C0);
        while v.len() < 6000 {
            let syllables = 2 + rng.below(3);
            let w: String = (0..syllables)
                .map(|_| {
                    format!(
                        "{}{}{}",
                        ONSETS[rng.below(ONSETS.len())],
                        VOWELS[rng.below(VOWELS.len())],
                        CODAS[rng.below(CODAS.len())]
                    )
                })
                .collect();
            v.push(w);
        }
        v
    })
}

fn sentence(rng: &mut Rng, words: usize) -> String {
    let vocab = vocabulary();
    let mut s = String::from("We ");
    s.push_str(rng.pick(VERBS));
    for _ in 0..words {
        s.push(' ');
        s.push_str(&vocab[rng.zipf(vocab.len())]);
    }
    s.push('.');
    s
}

fn treaty(i: usize, rng: &mut Rng) -> Treaty {
    let mut clauses = Vec::new();
    let articles = 10 + rng.below(30);
    for a in 1..=articles {
        let paras = rng.below(4);
        clauses.push((
            a.to_string(),
            format!("{} {}", sentence(rng, 10), sentence(rng, 12)),
        ));
        for p in 1..=paras {
            clauses.push((format!("{a}.{p}"), sentence(rng, 14)));
        }
    }
    Treaty {
        id: format!("treaty{i}"),
        name: format!("Treaty of Place{i}"),
        year: 1950 + i % 70,
        clauses,
    }
}

fn treaties_toml(treaties: &[Treaty], chain: bool) -> String {
    let mut s = String::new();
    for (i, t) in treaties.iter().enumerate() {
        let _ = write!(
            s,
            "[[document]]\nid = \"{}\"\ntitle = \"{}\"\nkind = \"treaty\"\ndate = \"{}\"\nauthors = [\"g{}\"]\naliases = [\"{}\", \"Place{i} Treaty\"]\n",
            t.id,
            t.name,
            t.year,
            i % 5,
            t.name
        );
        for (n, (label, text)) in t.clauses.iter().enumerate() {
            let p = PRINCIPLES[(i + n) % PRINCIPLES.len()].0;
            let _ = write!(
                s,
                "[[document.clause]]\nid = \"{label}\"\ntext = \"{text}\"\nprinciples = [\"{p}\"]\n"
            );
        }
        s.push('\n');
    }
    for i in 1..treaties.len() {
        if chain || i % 3 != 0 {
            let _ = write!(
                s,
                "[[relation]]\nfrom = \"treaty{i}\"\ntype = \"reaffirms\"\nto = \"treaty{}\"\n\n",
                i - 1
            );
        }
    }
    s
}

/// One statement: its file text, its number of paragraphs, and its curated citations (TOML, count).
fn statement(
    s: usize,
    states: usize,
    treaties: &[Treaty],
    spec: &Spec,
    rng: &mut Rng,
) -> (String, usize, (String, usize)) {
    let state = rng.below(states);
    let author = if rng.chance(20) {
        format!("spokesperson{state}")
    } else {
        format!("minister{state}")
    };
    let id = format!("s{s:06}");
    let day = 1 + s % 28;
    let month = 1 + (s / 28) % 12;
    let year = 1990 + (s / 336) % 35;
    let mut text = format!(
        "+++\nid = \"{id}\"\ntitle = \"Statement {s} by {author}\"\nkind = \"statement\"\ndate = {year}-{month:02}-{day:02}\nauthors = [\"{author}\"]\n+++\n"
    );
    let paragraphs = (spec.paragraphs / 2 + rng.below(spec.paragraphs + 1)).max(1);
    let mut cites = String::new();
    let mut n_cites = 0;
    for p in 1..=paragraphs {
        let first = &treaties[rng.zipf(treaties.len())];
        let (first_label, first_clause) = &first.clauses[rng.zipf(first.clauses.len())];
        let len = 12 + rng.below(20);
        let mut para = sentence(rng, len);
        for draw in 0..spec.mentions.max(1) {
            let (t, label, clause) = if draw == 0 {
                (first, first_label, first_clause)
            } else {
                let t = &treaties[rng.zipf(treaties.len())];
                let (label, clause) = &t.clauses[rng.zipf(t.clauses.len())];
                (t, label, clause)
            };
            match rng.below(10) {
                0..=2 => {
                    // Names a treaty and an article, and quotes it (sometimes altered).
                    let quote = if rng.chance(10) {
                        clause.replacen("security", "safety", 1)
                    } else {
                        clause.clone()
                    };
                    let quote = quote.trim_end_matches('.');
                    let _ = write!(
                        para,
                        " As Article {} of the {} says, “{quote}”.",
                        label.split('.').next().unwrap_or(label),
                        t.name
                    );
                }
                3..=4 => {
                    let _ = write!(
                        para,
                        " The {} of {} remains the basis of our {}.",
                        t.name,
                        t.year,
                        rng.pick(WORDS)
                    );
                }
                5 => {
                    let (_, _, alias) = PRINCIPLES[rng.below(PRINCIPLES.len())];
                    let _ = write!(para, " We stand by the principle of {alias}.");
                }
                _ => {
                    para.push(' ');
                    para.push_str(&sentence(rng, 20));
                }
            }
        }
        let (t, label) = (first, first_label);
        text.push('\n');
        text.push_str(&para);
        text.push('\n');
        if rng.chance(30) {
            let stance = ["invokes", "disputes", "mentions", "reports"][rng.below(4)];
            let _ = write!(
                cites,
                "[[citation]]\nfrom = \"{id}#p{p}\"\nto = \"{}#{label}\"\nstance = \"{stance}\"\n",
                t.id
            );
            if rng.chance(10) {
                let other = rng.below(states);
                let _ = write!(cites, "by = [\"state{other}\"]\nsource = \"{id}\"\n");
            }
            cites.push('\n');
            n_cites += 1;
        }
    }
    (text, paragraphs, (cites, n_cites))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zipf_prefers_low_ranks() {
        let mut rng = Rng(7);
        let picks: Vec<usize> = (0..10_000).map(|_| rng.zipf(100)).collect();
        let first = picks.iter().filter(|&&r| r < 10).count();
        let last = picks.iter().filter(|&&r| r >= 90).count();
        assert!(first > 4 * last, "first decile {first}, last decile {last}");
        assert!(picks.iter().all(|&r| r < 100));
    }
}
