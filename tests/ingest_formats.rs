//! The HTML and PDF readers of `concord::ingest` on files made by real tools (LibreOffice,
//! pandoc, Sphinx, qpdf, poppler; `tests/fixtures/formats/README.md` says how) from dev
//! speeches whose text is known: the body's paragraphs must be the speech's, the furniture gone,
//! the footnotes in `notes`, line-end hyphenation undone; scans, encrypted, damaged and random
//! files must give their errors, never a panic.
//!
//! Paragraphs are compared as words: lowercased, each word's characters other than letters and
//! digits dropped. So a quotation mark the PDF's font does not map, or a hyphen inside a word
//! ("knowledge-sharing" set as "knowledge-" and "sharing" and joined as "knowledgesharing"), is
//! an allowed difference; a word split, joined, lost, added or moved, or a paragraph split or
//! joined, is not.

use std::path::Path;

use concord::ingest::{self, Extracted, Format, IngestError};

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/formats")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn text(name: &str) -> String {
    String::from_utf8(fixture(name)).expect("UTF-8 fixture text")
}

fn read(name: &str) -> Result<Extracted, IngestError> {
    let format = ingest::format_of(Path::new(name))?;
    ingest::extract(format, &fixture(name))
}

fn words(paragraph: &str) -> Vec<String> {
    paragraph
        .split(|c: char| c.is_whitespace() || c == '—' || c == '–')
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

/// The body's paragraphs are the source's, word for word; the first difference is shown.
fn assert_same_paragraphs(name: &str, body: &str, source: &str) {
    let (got, want) = (paragraphs(body), paragraphs(source));
    for (i, (g, w)) in got.iter().zip(&want).enumerate() {
        assert_eq!(
            g.join(" "),
            w.join(" "),
            "{name}: paragraph {i} differs from the source"
        );
    }
    assert_eq!(got.len(), want.len(), "{name}: number of paragraphs");
}

#[test]
fn pdf_paragraphs_are_the_speech_paragraphs() {
    for name in ["a", "b"] {
        let out = read(&format!("{name}.pdf")).unwrap();
        assert_same_paragraphs(name, &out.body, &text(&format!("{name}.txt")));
        assert!(out.body.ends_with('\n') && !out.body.contains("\n\n\n"));
    }
}

#[test]
fn pdf_title_from_the_document_information() {
    for name in ["a", "b"] {
        let out = read(&format!("{name}.pdf")).unwrap();
        let source = text(&format!("{name}.txt"));
        assert_eq!(out.title.as_deref(), source.lines().next(), "{name}");
    }
}

#[test]
fn pdf_running_headers_footers_and_page_numbers_are_gone() {
    let a = read("a.pdf").unwrap();
    assert!(!a.body.contains("General Assembly · Seventy-third session"));
    assert!(!a.body.contains("A/73/PV.7"));
    assert!(!a.body.contains("Page "));
    let b = read("b.pdf").unwrap();
    assert!(!b.body.contains("United Nations 2016 · General Debate"));
    for out in [&a, &b] {
        for p in out.body.split("\n\n") {
            let bare = p.trim_matches(|c: char| c.is_whitespace() || "–-".contains(c));
            assert!(
                !bare.chars().all(|c| c.is_ascii_digit()),
                "a page number survived: {p:?}"
            );
        }
    }
}

#[test]
fn pdf_footnotes_are_notes_not_body() {
    for name in ["a", "b"] {
        let out = read(&format!("{name}.pdf")).unwrap();
        let want: Vec<String> = text(&format!("{name}.notes.txt"))
            .lines()
            .map(str::to_string)
            .collect();
        assert!(want.len() >= 5, "{name}: the fixture has footnotes");
        assert_eq!(out.notes, want, "{name}");
        for note in &want {
            assert!(
                !out.body.contains(note.as_str()),
                "{name}: {note} in the body"
            );
        }
    }
    // The markers are gone from the body: the first one stood after "prosperity.".
    let a = read("a.pdf").unwrap();
    assert!(a.body.contains("peace and prosperity. They were right."));
}

#[test]
fn pdf_line_end_hyphenation_is_undone_and_real_hyphens_kept() {
    let a = read("a.pdf").unwrap();
    // Set as "prosper-|ity", "Ac-|cording", "excep-|tional", "re-|mains" in a.pdf
    // (`pdftotext -layout a.pdf -` shows them).
    for word in ["prosperity", "According", "exceptional", "remains ready"] {
        assert!(a.body.contains(word), "{word}");
    }
    for broken in ["prosper-", "Ac-", "excep-", " re-mains"] {
        assert!(!a.body.contains(broken), "{broken}");
    }
    assert!(a.body.contains("Secretary- General António Guterres"));
    let b = read("b.pdf").unwrap();
    // "Seventy-|first" breaks the heading's line; the notes write "Seventy-first".
    assert!(
        b.body
            .starts_with("Statement by the delegation of ISL at the Seventy-first session\n\n")
    );
}

#[test]
fn scanned_pdf_has_no_text_layer() {
    assert_eq!(read("scan.pdf"), Err(IngestError::NoTextLayer));
}

#[test]
fn encrypted_and_damaged_pdfs_are_clear_errors() {
    match read("encrypted.pdf") {
        Err(IngestError::Unreadable { why, .. }) => assert!(why.contains("encrypted"), "{why}"),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        read("truncated.pdf"),
        Err(IngestError::Unreadable { .. })
    ));
}

#[test]
fn pdf_encrypted_without_a_user_password_reads() {
    let out = read("owner-only.pdf").unwrap();
    assert_same_paragraphs("owner-only", &out.body, &text("a.txt"));
}

#[test]
fn any_bytes_called_pdf_or_html_give_a_result_not_a_panic() {
    let a = fixture("a.pdf");
    // Every twentieth length of a real PDF, then noise with and without a PDF header.
    for k in 1..20 {
        assert_no_panic_reached(&a[..a.len() * k / 20]);
    }
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut noise = |n: usize| {
        (0..n)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                (seed >> 24) as u8
            })
            .collect::<Vec<u8>>()
    };
    for n in [1, 10, 1000, 100_000] {
        let bytes = noise(n);
        assert!(ingest::extract(Format::Pdf, &bytes).is_err());
        let mut with_header = b"%PDF-1.7\n".to_vec();
        with_header.extend(noise(n));
        assert!(ingest::extract(Format::Pdf, &with_header).is_err());
        let _ = ingest::extract(Format::Html, &bytes);
    }
    // A real PDF with bytes of its middle scrambled.
    for k in 1..10 {
        let mut bytes = a.clone();
        let at = bytes.len() * k / 10;
        let n = 200.min(bytes.len() - at);
        bytes[at..at + n].copy_from_slice(&noise(n));
        assert_no_panic_reached(&bytes);
    }
    // The fixtures with a few random bytes changed: each must give text or a reasoned error,
    // and none may get as far as a panic inside the PDF libraries (which is caught, and told
    // apart by its message), since a release build aborts on one.
    let b = fixture("b.pdf");
    for k in 0..30 {
        let mut bytes = if k % 2 == 0 { a.clone() } else { b.clone() };
        let changes = noise(8);
        for c in 0..1 + (changes[0] as usize % 6) {
            let at = u32::from_le_bytes([changes[1], changes[2], changes[3], changes[c + 1]])
                as usize
                % bytes.len();
            bytes[at] = changes[(c + 4) % 8];
        }
        assert_no_panic_reached(&bytes);
    }
}

fn assert_no_panic_reached(bytes: &[u8]) {
    if let Err(IngestError::Unreadable { why, .. }) = ingest::extract(Format::Pdf, bytes) {
        assert!(!why.contains("the PDF reader failed"), "{why}");
    }
}

#[test]
fn html_main_text_without_the_page_furniture() {
    // sphinx.html marks its article with role="main"; sphinx-nomain.html does not, and its
    // navigation, breadcrumbs, search form, cookie banner, scripts and footer must go by the
    // furniture rules.
    for name in ["sphinx", "sphinx-nomain"] {
        let out = read(&format!("{name}.html")).unwrap();
        let source = text(&format!("{name}.txt"));
        assert_same_paragraphs(name, &out.body, &source);
        assert_eq!(out.title.as_deref(), source.lines().next(), "{name}");
        assert_no_furniture(name, &out);
    }
}

fn assert_no_furniture(name: &str, out: &Extracted) {
    for furniture in [
        "Cookies on this site",
        "Accept analytics cookies",
        "System Emulation",
        "View page source",
        "Previous",
        "Copyright",
        "Built with Sphinx",
        "Search docs",
        "QEMU",
    ] {
        assert!(!out.body.contains(furniture), "{name}: {furniture}");
    }
    assert!(out.notes.is_empty());
}

#[test]
fn html_from_pandoc_and_in_windows_1252() {
    for name in ["pandoc", "cp1252"] {
        let out = read(&format!("{name}.html")).unwrap();
        let source = text(&format!("{name}.txt"));
        assert_same_paragraphs(name, &out.body, &source);
        assert_eq!(out.title.as_deref(), source.lines().next(), "{name}");
    }
    // The page is windows-1252 (and says so): its ’ is byte 0x92.
    assert!(fixture("cp1252.html").contains(&0x92));
    let out = read("cp1252.html").unwrap();
    assert!(out.body.contains("Russia’s"), "{}", &out.body[..200]);
    // Without its declaration the same bytes are refused, with the reason.
    let bytes = fixture("cp1252.html");
    let declaration = b"charset=\"windows-1252\"";
    let at = position(&bytes, declaration);
    let mut stripped = bytes[..at].to_vec();
    stripped.extend_from_slice(&bytes[at + declaration.len()..]);
    assert!(matches!(
        ingest::extract(Format::Html, &stripped),
        Err(IngestError::UndeclaredCharset(_))
    ));
}

fn position(hay: &[u8], needle: &[u8]) -> usize {
    hay.windows(needle.len())
        .position(|w| w == needle)
        .expect("the needle is in the fixture")
}

#[test]
fn hostile_html_is_bounded() {
    let deep = "<div>".repeat(200_000);
    let start = std::time::Instant::now();
    assert!(matches!(
        ingest::extract(Format::Html, deep.as_bytes()),
        Err(IngestError::Unreadable { .. })
    ));
    assert!(start.elapsed().as_secs() < 10);
    let wide = "<p>word ".repeat(100_000);
    let out = ingest::extract(Format::Html, wide.as_bytes()).unwrap();
    assert_eq!(out.body.matches("word").count(), 100_000);
}
