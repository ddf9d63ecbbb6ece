//! Documents as users have them (plain text, Markdown, HTML, PDF) turned into the text of a
//! corpus document: a title where the file has one, the body as paragraphs separated by blank
//! lines, and the notes (a PDF's footnotes) kept apart from the body.
//!
//! In: a file's name and bytes. Out: [`Extracted`], or an [`IngestError`] that says what is
//! wrong with the file. Nothing here knows about front matter, actors or stores: `add` (in the
//! binary) puts the metadata in front and imports the result as an ordinary corpus file.

use std::path::Path;

mod html;
mod pdf;

/// The formats `add` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Markdown,
    Html,
    Pdf,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "plain text",
            Format::Markdown => "Markdown",
            Format::Html => "HTML",
            Format::Pdf => "PDF",
        }
    }
}

/// The extensions `add` reads, and their formats.
pub const EXTENSIONS: [(&str, Format); 6] = [
    ("txt", Format::Text),
    ("text", Format::Text),
    ("md", Format::Markdown),
    ("html", Format::Html),
    ("htm", Format::Html),
    ("pdf", Format::Pdf),
];

/// A file's text, ready to follow a front-matter block.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Extracted {
    /// The document's own title (HTML `<title>` or first `<h1>`, a PDF's title), if it has one.
    pub title: Option<String>,
    /// Paragraphs, separated by one blank line; headings are paragraphs of their own.
    pub body: String,
    /// Footnotes and endnotes, in order, each one paragraph (a PDF's; empty for the others).
    pub notes: Vec<String>,
}

/// Why a file gives no document text.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum IngestError {
    #[error("unknown extension `.{0}`: concord reads .txt, .md, .html, .htm and .pdf")]
    UnknownExtension(String),
    #[error("no extension: concord reads .txt, .md, .html, .htm and .pdf")]
    NoExtension,
    #[error("the file is empty")]
    Empty,
    #[error("not UTF-8 text (at byte {0})")]
    NotUtf8(usize),
    #[error(
        "not UTF-8 text (at byte {0}) and the page declares no charset: \
         add e.g. <meta charset=\"windows-1252\"> to it, or convert it to UTF-8"
    )]
    UndeclaredCharset(usize),
    #[error("{format}: {why}")]
    Unreadable { format: &'static str, why: String },
    #[error(
        "the PDF has no text layer (a scan?): run OCR on it first, e.g. `ocrmypdf in.pdf out.pdf`"
    )]
    NoTextLayer,
    #[error("no text in the file")]
    NoText,
}

/// The format of `path`, by its extension (case-insensitive).
pub fn format_of(path: &Path) -> Result<Format, IngestError> {
    let ext = path
        .extension()
        .ok_or(IngestError::NoExtension)?
        .to_string_lossy()
        .to_lowercase();
    EXTENSIONS
        .iter()
        .find(|(e, _)| *e == ext)
        .map(|&(_, f)| f)
        .ok_or(IngestError::UnknownExtension(ext))
}

/// The text of a file in `format`.
pub fn extract(format: Format, bytes: &[u8]) -> Result<Extracted, IngestError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(IngestError::Empty);
    }
    let out = match format {
        Format::Text | Format::Markdown => plain(bytes)?,
        Format::Html => html::extract(bytes)?,
        Format::Pdf => pdf::extract(bytes)?,
    };
    if out.body.trim().is_empty() {
        return Err(IngestError::NoText);
    }
    Ok(out)
}

/// Plain text and Markdown: the text as it is (a BOM dropped, line ends made `\n`), its first
/// non-empty line the title (a Markdown heading's `#`s dropped).
fn plain(bytes: &[u8]) -> Result<Extracted, IngestError> {
    let text = std::str::from_utf8(bytes).map_err(|e| IngestError::NotUtf8(e.valid_up_to()))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let body = text.replace("\r\n", "\n").replace('\r', "\n");
    let title = body
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .map(|l| l.trim_start_matches('#').trim().to_string())
        .filter(|t| !t.is_empty());
    Ok(Extracted {
        title,
        body,
        notes: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_by_extension() {
        assert_eq!(format_of(Path::new("a/B.PDF")), Ok(Format::Pdf));
        assert_eq!(format_of(Path::new("x.htm")), Ok(Format::Html));
        assert_eq!(
            format_of(Path::new("data.csv")),
            Err(IngestError::UnknownExtension("csv".into()))
        );
        assert_eq!(
            format_of(Path::new("README")),
            Err(IngestError::NoExtension)
        );
    }

    #[test]
    fn plain_text_keeps_its_paragraphs_and_takes_its_first_line_as_title() {
        let e = extract(
            Format::Markdown,
            "\u{feff}# The speech\r\n\r\nFirst.\r\n".as_bytes(),
        )
        .unwrap();
        assert_eq!(e.title.as_deref(), Some("The speech"));
        assert_eq!(e.body, "# The speech\n\nFirst.\n");
        assert_eq!(extract(Format::Text, b" \n\n"), Err(IngestError::Empty));
        assert_eq!(
            extract(Format::Text, b"ok \xff"),
            Err(IngestError::NotUtf8(3))
        );
    }
}
