//! `concord verify FILE`: check a draft's citations and quotations against a
//! store, without importing it. Exits 1 when a quotation is altered or has no
//! source.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use concord::cite::{Found, Method, Target};
use concord::engine::Engine;
use concord::store::cite::Paragraph;

fn target(t: &Target) -> String {
    match t {
        Target::Document(d) => d.clone(),
        Target::Clause { doc, label } | Target::DocumentLabel { doc, label } => {
            format!("{doc}#{label}")
        }
        Target::Principle(p) => format!("principle {p}"),
        Target::None => "(no source found)".into(),
        Target::Unresolved { name, labels } => match name {
            Some(n) => format!("{labels} of “{n}” (not in the store)"),
            None => format!("{labels} (no document named; unresolved)"),
        },
    }
}

/// A paragraph's text with the byte offset of each character: spans count characters, and a
/// paragraph with many citations is sliced without rescanning it from the start each time.
struct Chars<'a> {
    text: &'a str,
    /// The byte offset of each character, then the text's length.
    at: Vec<usize>,
}

impl<'a> Chars<'a> {
    fn new(text: &'a str) -> Chars<'a> {
        let at = text
            .char_indices()
            .map(|(i, _)| i)
            .chain(std::iter::once(text.len()))
            .collect();
        Chars { text, at }
    }

    /// The characters `span` covers.
    fn slice(&self, span: (usize, usize)) -> &'a str {
        let n = self.at.len() - 1;
        let (s, e) = (span.0.min(n), span.1.min(n).max(span.0.min(n)));
        &self.text[self.at[s]..self.at[e]]
    }
}

struct Tally {
    citations: usize,
    quotations: usize,
    verified: usize,
    altered: usize,
    unverified: usize,
}

fn print_quote(
    out: &mut dyn Write,
    p: &Paragraph,
    chars: &Chars<'_>,
    f: &Found,
    color: bool,
) -> std::io::Result<()> {
    let check = f.check.as_ref();
    let verdict = check.map_or("unverified", |c| c.verdict.as_str());
    let paint = |code: &str, s: &str| {
        if color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    };
    let mark = match f.method {
        Method::QuoteExact | Method::QuoteNormalized => paint("32", "ok"),
        Method::QuoteNear => paint("1;33", "ALTERED"),
        _ => paint("1;31", "NO SOURCE"),
    };
    writeln!(
        out,
        "{}:{} quotation {mark} ({verdict}, confidence {:.2}) → {}",
        p.label,
        p.line,
        f.confidence,
        target(&f.target)
    )?;
    writeln!(
        out,
        "    quoted: “{}”",
        f.quote.as_deref().unwrap_or_else(|| chars.slice(f.span))
    )?;
    if let Some(c) = check {
        if let Some(src) = &c.source_text {
            writeln!(out, "    source: {src}")?;
        }
        for (was, now) in &c.changed {
            writeln!(
                out,
                "    changed: {} → {}",
                paint("31", was),
                paint("32", now)
            )?;
        }
        if !c.added.is_empty() {
            writeln!(out, "    added: {}", c.added.join(" "))?;
        }
        if !c.dropped.is_empty() {
            writeln!(out, "    dropped: {}", c.dropped.join(" "))?;
        }
        if let Some(u) = &c.wording_until {
            writeln!(out, "    wording: as in force until {u}")?;
        }
        if !c.co_quoted.is_empty() {
            writeln!(out, "    also quoted by: {}", c.co_quoted.join(", "))?;
        }
    }
    Ok(())
}

pub fn verify(file: &Path, db: Option<PathBuf>, date: Option<&str>, color: bool) -> ExitCode {
    let date = match date.map(|d| (d, concord::corpus::Date::parse(d.trim()))) {
        Some((_, Some(d))) => Some(d),
        Some((d, None)) => {
            eprintln!(
                "error: --date {d}: not a date (dates are `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, and must exist in the calendar)"
            );
            return ExitCode::from(2);
        }
        None => None,
    };
    let draft = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {}: {e}", file.display());
            return ExitCode::from(1);
        }
    };
    let engine = match db {
        Some(p) => Engine::open(&p).map_err(|e| e.to_string()),
        None => Engine::example(),
    };
    let engine = match engine {
        Ok(e) => e,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    let paragraphs = match engine.store().verify(&draft, date) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    let mut out = std::io::stdout().lock();
    let mut t = Tally {
        citations: 0,
        quotations: 0,
        verified: 0,
        altered: 0,
        unverified: 0,
    };
    for p in &paragraphs {
        let chars = Chars::new(&p.text);
        for f in &p.found {
            t.citations += 1;
            let written = if f.quote.is_some() || f.check.is_some() {
                t.quotations += 1;
                match f.method {
                    Method::QuoteExact | Method::QuoteNormalized => t.verified += 1,
                    Method::QuoteNear => t.altered += 1,
                    _ => t.unverified += 1,
                }
                print_quote(&mut out, p, &chars, f, color)
            } else {
                let words = chars.slice(f.span);
                writeln!(
                    out,
                    "{}:{} {} “{words}” → {} ({:.2})",
                    p.label,
                    p.line,
                    f.method.as_str(),
                    target(&f.target),
                    f.confidence
                )
            };
            if written.is_err() {
                return ExitCode::SUCCESS;
            }
        }
    }
    let _ = writeln!(
        out,
        "{} citations; {} quotations: {} verified, {} altered, {} without a source",
        t.citations, t.quotations, t.verified, t.altered, t.unverified
    );
    if t.altered + t.unverified > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
