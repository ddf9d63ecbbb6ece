//! PDF: the text layer, laid out again as paragraphs, with the page furniture (running headers,
//! footers, page numbers) dropped and the footnotes kept apart.
//!
//! In: a PDF's bytes. Out: [`Extracted`] with the body's paragraphs, the footnotes as `notes`
//! (in order, their numbers dropped), and the title from the document's information dictionary
//! (else a first paragraph set larger than the body text). A PDF without any text but with
//! images is [`IngestError::NoTextLayer`]; an encrypted, damaged or hostile one an
//! [`IngestError::Unreadable`] that says which.
//!
//! How: `lopdf` parses the file; [`checks`] refuses what pdf-extract would fail on (and PDF
//! bombs) and rewrites each page's content to the operators that place text; `pdf-extract`
//! interprets that content (fonts, encodings, ToUnicode maps) and hands over every glyph with
//! its position and size, and [`layout`] does the rest from those alone:
//! - lines: glyphs in content order, a new line where the baseline moves by more than half the
//!   font size; a space where the gap between glyphs is over 0.15 of the font size. A glyph
//!   smaller than its line's text and raised above its baseline is a superscript.
//! - running headers and footers: the top and the bottom line of each page (and the second one
//!   from the edge below or above such a line) when its text, but for one number (the page's),
//!   stands at the same height (±2 pt) on at least half of the pages (and two at least), or is
//!   only a page
//!   number ("7", "- 7 -", "Page 7", "7 of 9", roman numerals).
//! - footnotes: the run of lines at the bottom of a page set smaller than the body text (the most
//!   common size), starting with a number that the body carries as a superscript marker (any
//!   number, when the body has no markers); a small line without a number continues the note
//!   before it (also from the page before). Markers are removed from the body.
//! - paragraphs: a new one where the vertical gap exceeds the line spacing by a quarter, where
//!   a line is indented from the left margin, where the size of the text changes, or after a
//!   line ending a sentence a third of the text width short of the right margin.
//! - hyphenation: a line ending in a lowercase letter and `-` followed by one beginning with a
//!   lowercase letter is joined without the hyphen, unless the document writes the hyphenated
//!   word elsewhere and never the joined one ("so-called"); before an uppercase letter or a
//!   digit the hyphen stays, and so does the line break's lack of a space ("Secretary-General",
//!   "1990-2015"); a line ending in a slash or a dash set close joins the next without a space.
//!
//! Bounds: the decompressed size of the file's streams (images aside) is checked before it is
//! parsed, and refused over [`MAX_DECOMPRESSED`] (a "PDF bomb"); images are emptied before the
//! pages are read; form XObjects nested more than [`MAX_FORM_DEPTH`] deep (or in a loop) are
//! refused; a failure inside the PDF libraries is caught and reported, never passed on as a
//! panic (where panics unwind; see docs/formats.md).

use std::panic::{AssertUnwindSafe, catch_unwind};

use lopdf::{Document, Object};
use pdf_extract::{MediaBox, OutputDev, OutputError, Transform};

use super::{Extracted, IngestError};

mod checks;
mod layout;

use checks::{check_decompressed_size, check_pages, empty_images, normalize_fonts};
use layout::layout;

/// The most bytes the file's streams may decompress to, images aside.
pub const MAX_DECOMPRESSED: usize = 256 << 20;
/// The deepest nesting of form XObjects read.
pub const MAX_FORM_DEPTH: usize = 12;

pub fn extract(bytes: &[u8]) -> Result<Extracted, IngestError> {
    if memchr::memmem::find(&bytes[..bytes.len().min(1024)], b"%PDF-").is_none() {
        return Err(unreadable("not a PDF (no `%PDF-` header)".into()));
    }
    check_decompressed_size(bytes, MAX_DECOMPRESSED)?;
    let pages = catch_unwind(AssertUnwindSafe(|| read_pages(bytes))).unwrap_or_else(|_| {
        Err(unreadable(
            "the PDF could not be read: the PDF reader failed on it (damaged or unusual \
             structure)"
                .into(),
        ))
    })?;
    let (glyphs, images, title) = pages;
    if glyphs
        .iter()
        .all(|p| p.glyphs.iter().all(|g| g.text.trim().is_empty()))
    {
        return Err(if images {
            IngestError::NoTextLayer
        } else {
            IngestError::NoText
        });
    }
    let mut out = layout(&glyphs);
    if let Some(t) = title {
        out.title = Some(t);
    }
    Ok(out)
}

fn unreadable(why: String) -> IngestError {
    IngestError::Unreadable { format: "PDF", why }
}

/// The glyphs of each page, whether the document has images, and its information title.
type PagesRead = (Vec<PageGlyphs>, bool, Option<String>);

fn read_pages(bytes: &[u8]) -> Result<PagesRead, IngestError> {
    let mut doc = Document::load_mem(bytes).map_err(|e| {
        let e = e.to_string();
        if e.to_lowercase().contains("decrypt") || e.to_lowercase().contains("password") {
            encrypted()
        } else {
            unreadable(format!("damaged PDF: {e}"))
        }
    })?;
    if doc.is_encrypted() && doc.decrypt("").is_err() {
        return Err(encrypted());
    }
    if doc.get_pages().is_empty() {
        return Err(unreadable("the PDF has no pages".into()));
    }
    let images = empty_images(&mut doc);
    normalize_fonts(&mut doc)?;
    check_pages(&mut doc)?;
    let title = info_title(&doc);
    let mut collector = Collector::default();
    pdf_extract::output_doc(&doc, &mut collector)
        .map_err(|e| unreadable(format!("the PDF's text could not be read: {e}")))?;
    Ok((collector.pages, images, title))
}

fn encrypted() -> IngestError {
    unreadable(
        "the PDF is encrypted and needs a password: remove it first (e.g. `qpdf --decrypt \
         --password=… in.pdf out.pdf`)"
            .into(),
    )
}

/// `object`, or the object it refers to.
fn resolve<'a>(doc: &'a Document, object: &'a Object) -> Option<&'a Object> {
    match object {
        Object::Reference(id) => doc.get_object(*id).ok(),
        other => Some(other),
    }
}

/// The `/Title` of the document's information dictionary, if it says something.
fn info_title(doc: &Document) -> Option<String> {
    let info = doc
        .trailer
        .get(b"Info")
        .ok()
        .and_then(|i| resolve(doc, i))?;
    let title = info.as_dict().ok()?.get(b"Title").ok()?;
    let title = lopdf::decode_text_string(resolve(doc, title)?).ok()?;
    let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
    (!title.is_empty()).then_some(title)
}

/// A glyph as the text reader places it: its baseline's start (y upwards), where it ends, the
/// size of its font on the page, and its text.
#[derive(Debug, Clone)]
pub(super) struct Glyph {
    pub x: f64,
    pub y: f64,
    pub end: f64,
    pub size: f64,
    pub text: String,
}

#[derive(Debug, Clone, Default)]
pub(super) struct PageGlyphs {
    pub glyphs: Vec<Glyph>,
}

#[derive(Default)]
struct Collector {
    pages: Vec<PageGlyphs>,
    count: usize,
}

/// Past this many glyphs in all, the rest are not kept (a bound on memory for hostile files).
const MAX_GLYPHS: usize = 20_000_000;

impl OutputDev for Collector {
    fn begin_page(
        &mut self,
        _page: u32,
        _media_box: &MediaBox,
        _art_box: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), OutputError> {
        self.pages.push(PageGlyphs::default());
        Ok(())
    }
    fn end_page(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
    fn output_character(
        &mut self,
        trm: &Transform,
        width: f64,
        _spacing: f64,
        font_size: f64,
        text: &str,
    ) -> Result<(), OutputError> {
        // The size of the font on the page: the side of the square with the area of the
        // transformed (size, size) vector's rectangle.
        let sx = font_size * (trm.m11 + trm.m21);
        let sy = font_size * (trm.m12 + trm.m22);
        let size = (sx * sy).abs().sqrt();
        let (x, y) = (trm.m31, trm.m32);
        if !(size.is_finite() && x.is_finite() && y.is_finite() && size > 0.0) {
            return Ok(());
        }
        if self.count >= MAX_GLYPHS {
            return Ok(());
        }
        if let Some(page) = self.pages.last_mut() {
            self.count += 1;
            page.glyphs.push(Glyph {
                x,
                y,
                end: x + width * size,
                size,
                text: text.to_string(),
            });
        }
        Ok(())
    }
    fn begin_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
    fn end_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
    fn end_line(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_a_pdf_and_bombs() {
        assert!(matches!(
            extract(b"hello"),
            Err(IngestError::Unreadable { .. })
        ));
        // A stream of 3 MB of zeros, compressed, against a cap of 2 MB (the real cap works
        // the same way, at 256 MB).
        let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        std::io::Write::write_all(&mut enc, &vec![0u8; 3 << 20]).unwrap();
        let data = enc.finish().unwrap();
        let mut pdf = b"%PDF-1.4\n1 0 obj\n<< /Length 1 /Filter /FlateDecode >>\nstream\n".to_vec();
        pdf.extend_from_slice(&data);
        pdf.extend_from_slice(b"\nendstream\nendobj\n%%EOF\n");
        let err = check_decompressed_size(&pdf, 2 << 20)
            .unwrap_err()
            .to_string();
        assert!(err.contains("more than 2 MB"), "{err}");
        assert!(check_decompressed_size(&pdf, 4 << 20).is_ok());
    }
}
