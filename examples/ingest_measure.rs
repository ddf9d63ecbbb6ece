//! How well `concord::ingest` reads files whose text is known: for each FILE (.pdf or .html) with
//! FILE's stem `.txt` beside it (the source paragraphs, separated by blank lines), the share of
//! source words found in order in the extracted body (2·LCS / (source + extracted words), words
//! lowercased, punctuation dropped), whether every paragraph came out with the same words, and
//! the time taken. With `--show` it prints the extracted body and notes instead; with
//! `--pdftotext` it measures poppler's `pdftotext FILE -` the same way, for comparison.
//!
//! `cargo run --release --example ingest_measure -- [--show | --pdftotext] FILE...`

use std::path::Path;
use std::time::Instant;

use concord::ingest;

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || c == '—' || c == '–')
        .map(|w| {
            w.chars()
                .filter(|c| c.is_alphanumeric())
                .flat_map(char::to_lowercase)
                .collect::<String>()
        })
        .filter(|w| !w.is_empty())
        .collect()
}

fn paragraphs(text: &str) -> Vec<Vec<String>> {
    text.split("\n\n")
        .map(words)
        .filter(|p| !p.is_empty())
        .collect()
}

fn lcs(a: &[String], b: &[String]) -> usize {
    let mut row = vec![0usize; b.len() + 1];
    for x in a {
        let mut diag = 0;
        for (j, y) in b.iter().enumerate() {
            let up = row[j + 1];
            row[j + 1] = if x == y { diag + 1 } else { up.max(row[j]) };
            diag = up;
        }
    }
    row[b.len()]
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let show = args.iter().any(|a| a == "--show");
    let poppler = args.iter().any(|a| a == "--pdftotext");
    let (mut files, mut exact, mut agree_sum, mut pages, mut seconds) = (0, 0, 0.0, 0usize, 0.0);
    for file in args.iter().filter(|a| !a.starts_with("--")) {
        let path = Path::new(file);
        let bytes = std::fs::read(path).expect("read the file");
        let format = ingest::format_of(path).expect("a known extension");
        let start = Instant::now();
        let result = if poppler {
            std::process::Command::new("pdftotext")
                .arg(path)
                .arg("-")
                .output()
                .map(|o| ingest::Extracted {
                    body: String::from_utf8_lossy(&o.stdout).replace('\u{c}', "\n\n"),
                    ..Default::default()
                })
                .map_err(|e| ingest::IngestError::Unreadable {
                    format: "PDF",
                    why: e.to_string(),
                })
        } else {
            ingest::extract(format, &bytes)
        };
        let took = start.elapsed().as_secs_f64();
        let out = match result {
            Ok(out) => out,
            Err(e) => {
                println!("{file}: {e}");
                continue;
            }
        };
        if show {
            println!(
                "title: {:?}\n{}\nnotes: {:#?}",
                out.title, out.body, out.notes
            );
            continue;
        }
        let Ok(source) = std::fs::read_to_string(path.with_extension("txt")) else {
            continue;
        };
        let (src, got) = (paragraphs(&source), paragraphs(&out.body));
        let (sw, gw): (Vec<String>, Vec<String>) = (src.concat(), got.concat());
        let agree = 2.0 * lcs(&sw, &gw) as f64 / (sw.len() + gw.len()) as f64;
        let same = src == got;
        let n = if format == ingest::Format::Pdf {
            bytes
                .windows(11)
                .filter(|w| w.starts_with(b"/Type/Page") && w[10] != b's')
                .count()
        } else {
            1
        };
        println!(
            "{file}: {:.2}% of words, paragraphs {} ({} source, {} read), {:.1} ms",
            100.0 * agree,
            if same { "all the same" } else { "differ" },
            src.len(),
            got.len(),
            took * 1000.0
        );
        files += 1;
        exact += same as usize;
        agree_sum += agree;
        pages += n;
        seconds += took;
    }
    if files > 0 && !show {
        println!(
            "{files} files: {exact} with every paragraph the same, {:.2}% of words on average, \
             {:.1} ms a file, {:.1} ms a page ({pages} pages)",
            100.0 * agree_sum / files as f64,
            1000.0 * seconds / files as f64,
            1000.0 * seconds / pages.max(1) as f64
        );
    }
}
