//! PDF: the text layer, laid out again as paragraphs, with the page furniture (running headers,
//! footers, page numbers) dropped and the footnotes kept apart.
//!
//! In: a PDF's bytes. Out: [`Extracted`] with the body's paragraphs, the footnotes as `notes`
//! (in order, their numbers dropped), and the title from the document's information dictionary
//! (else a first paragraph set larger than the body text). A PDF without any text but with
//! images is [`IngestError::NoTextLayer`]; an encrypted, damaged or hostile one an
//! [`IngestError::Unreadable`] that says which.
//!
//! How: `lopdf` parses the file; `pdf-extract` interprets the pages' content streams (fonts,
//! encodings, ToUnicode maps) and hands over every glyph with its position and size, and
//! [`layout`] does the rest from those alone:
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

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::io::Read;
use std::panic::{AssertUnwindSafe, catch_unwind};

use lopdf::content::Content;
use lopdf::{Document, Object, ObjectId};
use pdf_extract::{MediaBox, OutputDev, OutputError, Transform};

use super::{Extracted, IngestError};

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

/// Sums what the file's Flate streams decompress to (images aside), before anything is parsed;
/// refuses the file past `cap` bytes ([`MAX_DECOMPRESSED`]).
fn check_decompressed_size(bytes: &[u8], cap: usize) -> Result<(), IngestError> {
    let mut total = 0usize;
    let mut from = 0usize;
    while let Some(at) = memchr::memmem::find(&bytes[from..], b"stream") {
        let start = from + at;
        from = start + 6;
        // `endstream` also contains `stream`; only a keyword followed by a line end opens one.
        let data = match bytes.get(from..from + 2) {
            Some([b'\r', b'\n']) => from + 2,
            Some([b'\n', _]) | Some([b'\r', _]) => from + 1,
            _ => continue,
        };
        if start >= 3 && &bytes[start - 3..start] == b"end" {
            continue;
        }
        let dict_from = memchr::memmem::rfind(&bytes[start.saturating_sub(4096)..start], b"obj")
            .map_or(start.saturating_sub(4096), |o| {
                start.saturating_sub(4096) + o
            });
        let dict = &bytes[dict_from..start];
        let is_image = memchr::memmem::find(dict, b"/Image").is_some();
        let is_flate = memchr::memmem::find(dict, b"/FlateDecode").is_some()
            || memchr::memmem::find(dict, b"/Fl ").is_some();
        if is_image || !is_flate {
            continue;
        }
        let end =
            memchr::memmem::find(&bytes[data..], b"endstream").map_or(bytes.len(), |e| data + e);
        let budget = (cap - total) as u64 + 1;
        let mut sink = std::io::sink();
        let mut decoder = flate2::read::ZlibDecoder::new(&bytes[data..end]).take(budget);
        let n = std::io::copy(&mut decoder, &mut sink).unwrap_or(0) as usize;
        total += n;
        if total > cap {
            return Err(unreadable(format!(
                "the PDF's streams decompress to more than {} MB (a PDF bomb?): concord reads \
                 PDFs whose streams come to {} MB at most",
                cap >> 20,
                cap >> 20
            )));
        }
        from = end;
    }
    Ok(())
}

/// Empties every image stream (the text reader has no use for them); whether there were any.
fn empty_images(doc: &mut Document) -> bool {
    let mut any = false;
    for object in doc.objects.values_mut() {
        if let Object::Stream(stream) = object {
            let image = stream
                .dict
                .get(b"Subtype")
                .and_then(|s| s.as_name())
                .is_ok_and(|s| s == b"Image");
            if image {
                any = true;
                stream.set_plain_content(Vec::new());
            }
        }
    }
    any
}

/// What the text reader would otherwise fail on, checked first: each page's content must
/// decode and have operands of the right kinds, the objects it refers to must exist, its media
/// box too (one is given where it does not), and its form XObjects nest at most
/// [`MAX_FORM_DEPTH`] deep.
fn check_pages(doc: &mut Document) -> Result<(), IngestError> {
    let pages = doc.get_pages();
    for (&number, &id) in &pages {
        if !has_inherited(doc, id, b"MediaBox")
            && let Ok(page) = doc.get_dictionary_mut(id)
        {
            let a4 = [0.0, 0.0, 595.0, 842.0].map(Object::Real).to_vec();
            page.set("MediaBox", Object::Array(a4));
        }
        let content = doc
            .get_page_content(id)
            .map_err(|e| unreadable(format!("page {number}'s content is damaged: {e}")))?;
        let ops = Content::decode(&content)
            .map_err(|e| unreadable(format!("page {number}'s content is damaged: {e}")))?;
        check_operations(&ops).map_err(|why| unreadable(format!("page {number}: {why}")))?;
        let mut seen = HashSet::new();
        if let Ok(page) = doc.get_dictionary(id) {
            check_references(doc, &Object::Dictionary(page.clone()), &mut seen, 0)
                .map_err(|why| unreadable(format!("page {number}: {why}")))?;
        }
        let resources = inherited_dict(doc, id, b"Resources");
        if let Some(r) = &resources {
            check_references(doc, &Object::Dictionary(r.clone()), &mut seen, 0)
                .map_err(|why| unreadable(format!("page {number}: {why}")))?;
        }
        check_fonts(doc, resources.as_ref(), &ops)
            .map_err(|why| unreadable(format!("page {number}: {why}")))?;
        let mut steps = 0usize;
        let mut forms = Vec::new();
        check_forms(doc, &ops, resources, 0, &mut steps, &mut forms)
            .map_err(|why| unreadable(format!("page {number}: {why}")))?;
        let damaged = |e: lopdf::Error| unreadable(format!("page {number}'s content: {e}"));
        let content = text_only(&ops).encode().map_err(damaged)?;
        set_page_content(doc, id, content);
        for (form, content) in forms {
            if let Ok(Object::Stream(stream)) = doc.get_object_mut(form) {
                stream.set_plain_content(content);
            }
        }
    }
    Ok(())
}

/// Makes `content` (uncompressed) the content of the page `id`.
fn set_page_content(doc: &mut Document, id: ObjectId, content: Vec<u8>) {
    let single = doc
        .get_dictionary(id)
        .ok()
        .and_then(|page| page.get(b"Contents").ok())
        .and_then(|c| match c {
            Object::Reference(r) => Some(*r),
            _ => None,
        })
        .filter(|r| matches!(doc.get_object(*r), Ok(Object::Stream(_))));
    if let Some(Ok(Object::Stream(stream))) = single.map(|r| doc.get_object_mut(r)) {
        stream.set_plain_content(content);
        return;
    }
    let stream = doc.add_object(lopdf::Stream::new(lopdf::Dictionary::new(), content));
    if let Ok(page) = doc.get_dictionary_mut(id) {
        page.set("Contents", stream);
    }
}

/// The operators the text reader acts on for text: text objects, state and showing, the
/// transformation matrix, the graphics state stack, and forms.
const TEXT_OPERATORS: [&str; 20] = [
    "BT", "ET", "Tf", "Tj", "TJ", "'", "\"", "Td", "TD", "Tm", "T*", "TL", "Tc", "Tw", "Tz", "Ts",
    "cm", "q", "Q", "Do",
];

/// `ops` with only the operators that place text: paths, colours, images, shadings and
/// marked content go, and with them what the text reader could fail on there.
fn text_only(ops: &Content) -> Content {
    Content {
        operations: ops
            .operations
            .iter()
            .filter(|op| TEXT_OPERATORS.contains(&op.operator.as_str()))
            .cloned()
            .collect(),
    }
}

fn has_inherited(doc: &Document, mut id: ObjectId, key: &[u8]) -> bool {
    for _ in 0..64 {
        let Ok(dict) = doc.get_dictionary(id) else {
            return false;
        };
        if dict.has(key) {
            return true;
        }
        match dict.get(b"Parent").and_then(|p| p.as_reference()) {
            Ok(parent) => id = parent,
            Err(_) => return false,
        }
    }
    false
}

fn inherited_dict(doc: &Document, mut id: ObjectId, key: &[u8]) -> Option<lopdf::Dictionary> {
    for _ in 0..64 {
        let dict = doc.get_dictionary(id).ok()?;
        if let Ok(value) = dict.get(key) {
            return resolve(doc, value).and_then(|v| v.as_dict().ok()).cloned();
        }
        id = dict.get(b"Parent").and_then(|p| p.as_reference()).ok()?;
    }
    None
}

fn resolve<'a>(doc: &'a Document, object: &'a Object) -> Option<&'a Object> {
    match object {
        Object::Reference(id) => doc.get_object(*id).ok(),
        other => Some(other),
    }
}

/// Follows the `Do` operators of `ops` into form XObjects, as the text reader will.
fn check_forms(
    doc: &Document,
    ops: &Content,
    resources: Option<lopdf::Dictionary>,
    depth: usize,
    steps: &mut usize,
    rewrites: &mut Vec<(ObjectId, Vec<u8>)>,
) -> Result<(), String> {
    let xobjects = resources
        .as_ref()
        .and_then(|r| r.get(b"XObject").ok())
        .and_then(|x| resolve(doc, x))
        .and_then(|x| x.as_dict().ok());
    for op in ops.operations.iter().filter(|op| op.operator == "Do") {
        *steps += 1;
        if depth >= MAX_FORM_DEPTH || *steps > 100_000 {
            return Err(format!(
                "form XObjects nested more than {MAX_FORM_DEPTH} deep, or drawn in a loop"
            ));
        }
        let name = op
            .operands
            .first()
            .and_then(|n| n.as_name().ok())
            .ok_or("a `Do` without a name")?;
        let entry = xobjects.and_then(|x| x.get(name).ok());
        let stream = entry
            .and_then(|s| resolve(doc, s))
            .and_then(|s| s.as_stream().ok())
            .ok_or_else(|| format!("the XObject `{}` is missing", String::from_utf8_lossy(name)))?;
        let content = match stream.decompressed_content() {
            Ok(c) => c,
            Err(_) if stream.dict.get(b"Filter").is_err() => stream.content.clone(),
            Err(e) => return Err(format!("an XObject is damaged: {e}")),
        };
        let inner = Content::decode(&content).map_err(|e| format!("an XObject is damaged: {e}"))?;
        check_operations(&inner)?;
        let own = stream
            .dict
            .get(b"Resources")
            .ok()
            .and_then(|r| resolve(doc, r))
            .and_then(|r| r.as_dict().ok())
            .cloned()
            .or_else(|| resources.clone());
        check_fonts(doc, own.as_ref(), &inner)?;
        let form = stream
            .dict
            .get(b"Subtype")
            .and_then(|s| s.as_name())
            .is_ok_and(|s| s == b"Form");
        if let (true, Some(Object::Reference(id))) = (form, entry) {
            let content = text_only(&inner)
                .encode()
                .map_err(|e| format!("an XObject is damaged: {e}"))?;
            rewrites.push((*id, content));
        }
        check_forms(doc, &inner, own, depth + 1, steps, rewrites)?;
    }
    Ok(())
}

/// The operands the text reader takes for granted: numbers where it reads numbers, a font set
/// before text is shown, strings and arrays where text is shown.
fn check_operations(ops: &Content) -> Result<(), String> {
    let number = |o: &Object| matches!(o, Object::Integer(_) | Object::Real(_));
    let mut font = false;
    let mut saved = Vec::new();
    for op in &ops.operations {
        let o = &op.operands;
        let numbers = match op.operator.as_str() {
            "cm" | "Tm" | "c" => 6,
            "re" => 4,
            "Td" | "TD" | "m" | "l" | "v" | "y" => 2,
            "Tc" | "Tw" | "Tz" | "TL" | "Ts" | "w" => 1,
            _ => 0,
        };
        let exact = matches!(op.operator.as_str(), "cm" | "Tm" | "Td" | "TD");
        let fine = match op.operator.as_str() {
            _ if numbers > 0 => {
                (o.len() == numbers || (!exact && o.len() > numbers))
                    && o.iter().take(numbers).all(number)
            }
            // The graphics state, and with it the font, is saved and restored.
            "q" => {
                saved.push(font);
                true
            }
            "Q" => {
                font = saved.pop().unwrap_or(font);
                true
            }
            "Tf" => {
                font = true;
                o.len() >= 2 && o[0].as_name().is_ok() && number(&o[1])
            }
            "Tj" | "'" => font && matches!(o.first(), Some(Object::String(..))),
            "\"" => font && o.len() >= 3 && matches!(o.get(2), Some(Object::String(..))),
            "TJ" => font && matches!(o.first(), Some(Object::Array(_))),
            "Do" | "gs" => o.first().is_some_and(|n| n.as_name().is_ok()),
            _ => true,
        };
        if !fine {
            return Err(format!(
                "its content is damaged (the operator `{}` with operands {:?})",
                op.operator,
                o.iter().take(4).collect::<Vec<_>>()
            ));
        }
    }
    Ok(())
}

/// Each font that `ops` sets is in the resources, and each font's `/ToUnicode` is a stream or
/// `/Identity-H`, as the text reader needs.
fn check_fonts(
    doc: &Document,
    resources: Option<&lopdf::Dictionary>,
    ops: &Content,
) -> Result<(), String> {
    let fonts = resources
        .and_then(|r| r.get(b"Font").ok())
        .and_then(|f| resolve(doc, f))
        .and_then(|f| f.as_dict().ok());
    for op in ops.operations.iter().filter(|op| op.operator == "Tf") {
        let name = op.operands.first().and_then(|n| n.as_name().ok());
        let found = name.zip(fonts).is_some_and(|(n, f)| {
            f.get(n)
                .ok()
                .and_then(|f| resolve(doc, f))
                .is_some_and(|f| f.as_dict().is_ok())
        });
        if !found {
            return Err("its content sets a font its resources do not have".into());
        }
    }
    for (name, font) in fonts.into_iter().flat_map(|f| f.iter()) {
        let font = resolve(doc, font).and_then(|f| f.as_dict().ok());
        let Some(font) = font else {
            return Err(format!(
                "the font `{}` is not a font",
                String::from_utf8_lossy(name)
            ));
        };
        let name = String::from_utf8_lossy(name);
        match font.get(b"ToUnicode").ok().and_then(|t| resolve(doc, t)) {
            None => {}
            Some(Object::Stream(stream)) => check_to_unicode(&stream_content(stream))
                .map_err(|why| format!("the font `{name}` has a damaged ToUnicode map ({why})"))?,
            Some(Object::Name(n)) if n == b"Identity-H" => {}
            Some(_) => return Err(format!("the font `{name}` has a damaged ToUnicode map")),
        }
        let name_of = |key: &[u8]| {
            font.get(key)
                .ok()
                .and_then(|v| resolve(doc, v))
                .and_then(|v| v.as_name().ok())
        };
        let subtype =
            name_of(b"Subtype").ok_or_else(|| format!("the font `{name}` has no type"))?;
        if subtype != b"Type3" && name_of(b"BaseFont").is_none() {
            return Err(format!("the font `{name}` has no name"));
        }
        let array = |key: &[u8]| {
            font.get(key)
                .ok()
                .and_then(|v| resolve(doc, v))
                .and_then(|v| v.as_array().ok())
        };
        let integer = |key: &[u8]| {
            font.get(key)
                .ok()
                .and_then(|v| resolve(doc, v))
                .is_some_and(|v| v.as_i64().is_ok())
        };
        // FirstChar, LastChar and Widths, where all three are there, must agree.
        let int_of = |key: &[u8]| {
            font.get(key)
                .ok()
                .and_then(|v| resolve(doc, v))
                .and_then(|v| v.as_i64().ok())
        };
        // (The widths themselves must be direct numbers: the reader does not follow references
        // inside the array.)
        let numbers = array(b"Widths").filter(|w| {
            w.iter()
                .all(|v| matches!(v, Object::Integer(_) | Object::Real(_)))
        });
        if array(b"Widths").is_some() && numbers.is_none() {
            return Err(format!("the font `{name}` has widths that are not numbers"));
        }
        if let (Some(first), Some(last), Some(widths)) =
            (int_of(b"FirstChar"), int_of(b"LastChar"), numbers)
            && first.checked_add(widths.len() as i64 - 1) != Some(last)
        {
            return Err(format!("the font `{name}` has widths for other characters"));
        }
        if subtype == b"Type3"
            && !(integer(b"FirstChar") && integer(b"LastChar") && numbers.is_some())
        {
            return Err(format!("the Type 3 font `{name}` lacks its widths"));
        }
        if subtype == b"Type0" {
            let descendant = array(b"DescendantFonts")
                .and_then(|d| d.first())
                .and_then(|d| resolve(doc, d))
                .is_some_and(|d| d.as_dict().is_ok());
            if !descendant {
                return Err(format!("the font `{name}` lacks its descendant font"));
            }
            match font.get(b"Encoding").ok().and_then(|e| resolve(doc, e)) {
                Some(Object::Name(n)) if n == b"Identity-H" || n == b"Identity-V" => {}
                Some(Object::Stream(stream)) => check_cmap_encoding(&stream_content(stream))
                    .map_err(|why| format!("the font `{name}` has a damaged encoding ({why})"))?,
                Some(Object::Name(n)) => {
                    return Err(format!(
                        "the font `{name}` uses the CMap `{}`, which concord does not read",
                        String::from_utf8_lossy(n)
                    ));
                }
                _ => return Err(format!("the font `{name}` has no encoding")),
            }
        }
    }
    Ok(())
}

/// A stream's content as the text reader takes it: decompressed if that works, else as it is.
fn stream_content(stream: &lopdf::Stream) -> Vec<u8> {
    stream
        .decompressed_content()
        .unwrap_or_else(|_| stream.content.clone())
}

/// A ToUnicode CMap that the CMap parser of the text reader takes without failing: it parses,
/// each `beginbfchar`/`beginbfrange` has its count and its entries, ranges run upwards over at
/// most 65,536 codes without overflowing, and every value is UTF-16.
fn check_to_unicode(cmap: &[u8]) -> Result<(), &'static str> {
    use adobe_cmap_parser::Value;
    let lexed = adobe_cmap_parser::parse(cmap).map_err(|_| "it does not parse")?;
    let string = |i: usize| match lexed.get(i) {
        Some(Value::LiteralString(s)) => Some(s),
        _ => None,
    };
    let code = |s: &[u8]| s.iter().fold(0u32, |c, b| (c << 8) | u32::from(*b));
    let utf16 = |v: &[u8]| {
        let be: Vec<u16> = v
            .chunks(2)
            .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
            .collect();
        v.len().is_multiple_of(2)
            && (matches!(be[..], [0xd800..=0xdfff]) || String::from_utf16(&be).is_ok())
    };
    let mut i = 0;
    while i < lexed.len() {
        let Value::Operator(op) = &lexed[i] else {
            i += 1;
            continue;
        };
        let count = match i.checked_sub(1).and_then(|k| lexed.get(k)) {
            Some(Value::Integer(c)) => Some(*c),
            _ => None,
        };
        match op.as_str() {
            "beginbfchar" => {
                let n = count.ok_or("a bfchar without a count")?;
                i += 1;
                for _ in 0..n.max(0) {
                    let (_, value) = string(i).zip(string(i + 1)).ok_or("a short bfchar")?;
                    if !utf16(value) {
                        return Err("a value that is not UTF-16");
                    }
                    i += 2;
                }
                i += 1;
            }
            "beginbfrange" => {
                let n = count.ok_or("a bfrange without a count")?;
                i += 1;
                for _ in 0..n.max(0) {
                    let (lo, hi) = string(i)
                        .zip(string(i + 1))
                        .map(|(a, b)| (code(a), code(b)))
                        .ok_or("a short bfrange")?;
                    if hi < lo || hi - lo > 0xffff {
                        return Err("a bfrange backwards or over 65,536 codes");
                    }
                    match lexed.get(i + 2) {
                        Some(Value::LiteralString(start)) if start.len() == 4 => {
                            let v = code(start);
                            let last = v.checked_add(hi - lo).ok_or("a bfrange that overflows")?;
                            if (v..=last).any(|c| !utf16(&c.to_be_bytes())) {
                                return Err("a value that is not UTF-16");
                            }
                        }
                        Some(Value::LiteralString(start)) if start.len() == 2 => {
                            if code(start) + (hi - lo) > 0xffff {
                                return Err("a bfrange that overflows");
                            }
                        }
                        Some(Value::Array(values)) => {
                            let fine = values.len() as u64 == u64::from(hi - lo) + 1
                                && values
                                    .iter()
                                    .all(|v| matches!(v, Value::LiteralString(s) if utf16(s)));
                            if !fine {
                                return Err("a bfrange with a wrong array");
                            }
                        }
                        _ => return Err("a bfrange without its values"),
                    }
                    i += 3;
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    Ok(())
}

/// An embedded CMap encoding that the text reader's parser takes: it parses, and each
/// `begincodespacerange`/`begincidrange` has its count and entries of the right kinds.
fn check_cmap_encoding(cmap: &[u8]) -> Result<(), &'static str> {
    use adobe_cmap_parser::Value;
    let lexed = adobe_cmap_parser::parse(cmap).map_err(|_| "it does not parse")?;
    let string = |i: usize| match lexed.get(i) {
        Some(Value::LiteralString(s)) => Some(s),
        _ => None,
    };
    let mut i = 0;
    while i < lexed.len() {
        let Value::Operator(op) = &lexed[i] else {
            i += 1;
            continue;
        };
        let count = match i.checked_sub(1).and_then(|k| lexed.get(k)) {
            Some(Value::Integer(c)) => Some(*c),
            _ => None,
        };
        let cid = match op.as_str() {
            "begincodespacerange" => false,
            "begincidrange" => true,
            _ => {
                i += 1;
                continue;
            }
        };
        let n = count.ok_or("a range without a count")?;
        i += 1;
        for _ in 0..n.max(0) {
            let (a, b) = string(i).zip(string(i + 1)).ok_or("a short range")?;
            let fine = if cid {
                matches!(lexed.get(i + 2), Some(Value::Integer(_)))
            } else {
                a.len() == b.len()
            };
            if !fine {
                return Err("a damaged range");
            }
            // The parser steps two entries on, for cidranges too (so a second cidrange fails
            // there, as it does here).
            i += 2;
        }
        i += 1;
    }
    Ok(())
}

/// Every reference reachable from `object` (not following `/Parent`, nor into images) names
/// an object the file has.
fn check_references(
    doc: &Document,
    object: &Object,
    seen: &mut HashSet<ObjectId>,
    depth: usize,
) -> Result<(), String> {
    if depth > 64 || seen.len() > 100_000 {
        return Ok(());
    }
    match object {
        Object::Reference(id) => {
            if !seen.insert(*id) {
                return Ok(());
            }
            let target = doc
                .get_object(*id)
                .map_err(|_| format!("object {} {} is referred to but missing", id.0, id.1))?;
            check_references(doc, target, seen, depth + 1)
        }
        Object::Array(items) => items
            .iter()
            .try_for_each(|o| check_references(doc, o, seen, depth + 1)),
        Object::Dictionary(dict) => dict
            .iter()
            .filter(|(k, _)| k.as_slice() != b"Parent")
            .try_for_each(|(_, o)| check_references(doc, o, seen, depth + 1)),
        Object::Stream(stream) => {
            let image = stream
                .dict
                .get(b"Subtype")
                .and_then(|s| s.as_name())
                .is_ok_and(|s| s == b"Image");
            if image {
                return Ok(());
            }
            stream
                .dict
                .iter()
                .filter(|(k, _)| k.as_slice() != b"Parent")
                .try_for_each(|(_, o)| check_references(doc, o, seen, depth + 1))
        }
        _ => Ok(()),
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

/// A line of text: its glyphs, baseline, main size and extent.
#[derive(Debug, Clone)]
struct Line {
    glyphs: Vec<Glyph>,
    y: f64,
    size: f64,
    x0: f64,
    x1: f64,
    page: usize,
}

impl Line {
    fn is_superscript(&self, g: &Glyph) -> bool {
        g.size < 0.85 * self.size && g.y > self.y + 0.12 * self.size
    }

    /// The line's text; superscript digits left out when `markers` is given (and collected).
    fn text(&self, mut markers: Option<&mut Vec<u32>>) -> String {
        let mut out = String::new();
        let mut last_end: Option<f64> = None;
        let mut pending_space = false;
        let mut digits = String::new();
        for g in &self.glyphs {
            let sup = self.is_superscript(g) && g.text.chars().all(|c| c.is_ascii_digit());
            if markers.is_some() && sup && !g.text.is_empty() {
                digits.push_str(&g.text);
                last_end = Some(g.end);
                continue;
            }
            if !digits.is_empty() {
                if let (Some(m), Ok(n)) = (markers.as_deref_mut(), digits.parse()) {
                    m.push(n);
                }
                digits.clear();
            }
            if g.text.trim().is_empty() {
                pending_space = true;
                continue;
            }
            let gap = last_end.map_or(0.0, |e| g.x - e);
            let hyphen_at_end = g.text == "-" && out.ends_with(|c: char| c.is_alphabetic());
            if !out.is_empty()
                && (pending_space || gap > 0.15 * self.size)
                && !(hyphen_at_end && gap < 0.4 * self.size && !pending_space)
            {
                out.push(' ');
            }
            pending_space = false;
            out.push_str(&ligatures(&g.text));
            last_end = Some(g.end);
        }
        if let (false, Some(m), Ok(n)) = (digits.is_empty(), markers, digits.parse()) {
            m.push(n);
        }
        out
    }
}

fn ligatures(text: &str) -> Cow<'_, str> {
    if !text
        .chars()
        .any(|c| ('\u{fb00}'..='\u{fb06}').contains(&c) || c == '\u{ad}')
    {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.replace('\u{fb00}', "ff")
            .replace('\u{fb01}', "fi")
            .replace('\u{fb02}', "fl")
            .replace('\u{fb03}', "ffi")
            .replace('\u{fb04}', "ffl")
            .replace(['\u{fb05}', '\u{fb06}'], "st")
            .replace('\u{ad}', "-"),
    )
}

/// The glyphs of a page grouped into lines, in content order.
fn lines_of(page: &PageGlyphs, number: usize) -> Vec<Line> {
    let mut lines: Vec<Line> = Vec::new();
    for g in &page.glyphs {
        let joins = lines.last().is_some_and(|l| {
            let size = l.size.max(g.size);
            (g.y - l.y).abs() <= 0.5 * size && g.x >= l.x1 - 2.0 * size
        });
        if joins {
            if let Some(l) = lines.last_mut() {
                if !g.text.trim().is_empty() && g.size > l.size * 1.01 {
                    l.size = g.size;
                    l.y = g.y;
                }
                l.x1 = l.x1.max(g.end);
                l.glyphs.push(g.clone());
            }
        } else {
            lines.push(Line {
                glyphs: vec![g.clone()],
                y: g.y,
                size: g.size,
                x0: g.x,
                x1: g.end,
                page: number,
            });
        }
    }
    for l in &mut lines {
        // A line's size is that of most of its glyphs, its baseline theirs.
        let mut counts: HashMap<i64, usize> = HashMap::new();
        for g in l.glyphs.iter().filter(|g| !g.text.trim().is_empty()) {
            *counts.entry((g.size * 4.0).round() as i64).or_default() += 1;
        }
        if let Some((&size, _)) = counts.iter().max_by_key(|(s, n)| (**n, **s)) {
            l.size = size as f64 / 4.0;
            if let Some(g) = l
                .glyphs
                .iter()
                .find(|g| ((g.size * 4.0).round() as i64) == size)
            {
                l.y = g.y;
            }
        }
        l.x0 = l
            .glyphs
            .iter()
            .filter(|g| !g.text.trim().is_empty())
            .map(|g| g.x)
            .fold(f64::INFINITY, f64::min);
        l.x1 = l
            .glyphs
            .iter()
            .filter(|g| !g.text.trim().is_empty())
            .map(|g| g.end)
            .fold(f64::NEG_INFINITY, f64::max);
    }
    lines.retain(|l| l.x0.is_finite() && l.x1.is_finite());
    lines
}

/// The text of a line with its digits made `#`, lowercased and its whitespace collapsed.
fn furniture_key(text: &str) -> String {
    let text: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_digit() {
                '#'
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect();
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The runs of digits of a line, in order.
fn digit_runs(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_ascii_digit())
        .filter(|r| !r.is_empty())
        .map(str::to_string)
        .collect()
}

/// Whether a line is only a page number.
fn is_page_number(text: &str) -> bool {
    let t = text.trim().to_lowercase();
    if t.is_empty() || t.chars().count() > 24 {
        return false;
    }
    let words: Vec<&str> = t
        .split(|c: char| c.is_whitespace() || "-–—·|/.,()[]".contains(c))
        .filter(|w| !w.is_empty() && !matches!(*w, "page" | "p" | "of" | "pg" | "seite"))
        .collect();
    !words.is_empty()
        && words.len() <= 2
        && words.iter().all(|w| {
            w.chars().all(|c| c.is_ascii_digit())
                || (w.len() <= 6 && w.chars().all(|c| "ivxlc".contains(c)))
        })
}

/// The lines that are running headers, footers or page numbers: (page, index in page).
fn furniture(pages: &[Vec<Line>], is_note: impl Fn(&Line) -> bool) -> HashSet<(usize, usize)> {
    // (page, line, key, height, side, rank from the edge) of the two top and two bottom lines.
    let mut candidates: Vec<(usize, usize, String, f64, bool, usize)> = Vec::new();
    for (p, lines) in pages.iter().enumerate() {
        let mut order: Vec<usize> = (0..lines.len()).collect();
        order.sort_by(|&a, &b| lines[b].y.total_cmp(&lines[a].y));
        let n = order.len();
        let top = order.iter().take(2).map(|&i| (i, true));
        let bottom = order
            .iter()
            .rev()
            .take(2.min(n.saturating_sub(2)))
            .map(|&i| (i, false));
        for (rank, (i, top)) in top.enumerate().chain(bottom.enumerate()) {
            let text = lines[i].text(None);
            candidates.push((p, i, furniture_key(&text), lines[i].y, top, rank));
        }
    }
    candidates.sort_by_key(|c| c.5);
    let need = (pages.len() as f64 * 0.5).ceil().max(2.0) as usize;
    // Per key: (page, height, the line's numbers).
    type Seen = Vec<(usize, f64, Vec<String>)>;
    let mut by_key: HashMap<&str, Seen> = HashMap::new();
    for (p, i, key, y, _, _) in &candidates {
        let numbers = digit_runs(&pages[*p][*i].text(None));
        by_key
            .entry(key.as_str())
            .or_default()
            .push((*p, *y, numbers));
    }
    let mut out = HashSet::new();
    // Edge lines first: a second line from the edge is furniture only below (above) furniture.
    let mut edge_is_furniture: HashSet<(usize, bool)> = HashSet::new();
    for (p, i, key, y, top, rank) in &candidates {
        if *rank > 0 && !edge_is_furniture.contains(&(*p, *top)) {
            continue;
        }
        if is_note(&pages[*p][*i]) {
            continue;
        }
        let text = pages[*p][*i].text(None);
        let numbers = digit_runs(&text);
        let same: BTreeSet<usize> = by_key
            .get(key.as_str())
            .into_iter()
            .flatten()
            .filter(|(_, y2, n2)| {
                (y - y2).abs() <= 2.0 && numbers.iter().zip(n2).filter(|(a, b)| a != b).count() <= 1
            })
            .map(|(p2, _, _)| *p2)
            .collect();
        if is_page_number(&text) || (same.len() >= need && !key.is_empty()) {
            out.insert((*p, *i));
            edge_is_furniture.insert((*p, *top));
        }
    }
    out
}

/// The most common size of the glyphs of `lines`.
fn body_size<'a>(lines: impl Iterator<Item = &'a Line>) -> f64 {
    let mut counts: HashMap<i64, usize> = HashMap::new();
    for l in lines {
        let n = l
            .glyphs
            .iter()
            .filter(|g| !g.text.trim().is_empty())
            .count();
        *counts.entry((l.size * 4.0).round() as i64).or_default() += n;
    }
    counts
        .into_iter()
        .max_by_key(|&(s, n)| (n, s))
        .map_or(10.0, |(s, _)| s as f64 / 4.0)
}

/// The leading number of a footnote line, and the line's text after it.
fn note_number(text: &str) -> Option<(u32, String)> {
    let t = text.trim_start();
    let digits: String = t.chars().take_while(|c| c.is_ascii_digit()).collect();
    if digits.is_empty() || digits.len() > 4 {
        return None;
    }
    let rest = t[digits.len()..]
        .trim_start_matches(['.', ')'])
        .trim_start();
    Some((digits.parse().ok()?, rest.to_string()))
}

/// Body lines, footnote texts, and everything else from the glyphs of each page.
fn layout(pages: &[PageGlyphs]) -> Extracted {
    let lines: Vec<Vec<Line>> = pages
        .iter()
        .enumerate()
        .map(|(i, p)| lines_of(p, i))
        .collect();
    // A small line starting with a number the body has as a marker is a footnote's, never
    // furniture (notes such as "4 Ibid." repeat at the foot of pages).
    let all_size = body_size(lines.iter().flatten());
    let mut all_markers = Vec::new();
    for l in lines.iter().flatten() {
        if (l.size - all_size).abs() < 0.1 * all_size {
            l.text(Some(&mut all_markers));
        }
    }
    let is_note = |l: &Line| {
        let text = l.text(None);
        l.size < 0.92 * all_size
            && !is_page_number(&text)
            && note_number(&text).is_some_and(|(n, _)| all_markers.contains(&n))
    };
    let furniture = &furniture(&lines, is_note);
    let kept = |p: usize| {
        lines[p]
            .iter()
            .enumerate()
            .filter(move |(i, _)| !furniture.contains(&(p, *i)))
            .map(|(_, l)| l)
    };
    let size = body_size((0..lines.len()).flat_map(kept));

    // Markers: superscript numbers in body-size lines.
    let mut markers = Vec::new();
    for p in 0..lines.len() {
        for l in kept(p).filter(|l| (l.size - size).abs() < 0.1 * size) {
            l.text(Some(&mut markers));
        }
    }
    let markers: HashSet<u32> = markers.into_iter().collect();

    let mut body: Vec<&Line> = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    let mut note_lines: Vec<Vec<String>> = Vec::new();
    for p in 0..lines.len() {
        let page: Vec<&Line> = kept(p).collect();
        // The run of small lines at the bottom of the page.
        let mut order: Vec<usize> = (0..page.len()).collect();
        order.sort_by(|&a, &b| page[a].y.total_cmp(&page[b].y));
        let small: Vec<usize> = order
            .iter()
            .take_while(|&&i| page[i].size < 0.92 * size)
            .copied()
            .collect();
        let mut block: Vec<usize> = small.into_iter().rev().collect();
        // Top to bottom; the block starts at its first numbered line, or continues a note.
        let starts = |i: usize| {
            note_number(&page[i].text(None))
                .is_some_and(|(n, _)| markers.is_empty() || markers.contains(&n))
        };
        let first_start = block.iter().position(|&i| starts(i));
        match first_start {
            // Lines above the first numbered one continue the last note, if there is one.
            Some(0) => {}
            Some(_) if !note_lines.is_empty() => {}
            Some(k) => {
                block.drain(..k);
            }
            None if note_lines.is_empty() => block.clear(),
            None => {}
        }
        let in_block: HashSet<usize> = block.iter().copied().collect();
        for &i in &block {
            let text = page[i].text(None);
            if starts(i) {
                let (_, rest) = note_number(&text).unwrap_or((0, text.clone()));
                note_lines.push(vec![rest]);
            } else if let Some(last) = note_lines.last_mut() {
                last.push(text);
            }
        }
        body.extend(
            page.iter()
                .enumerate()
                .filter(|(i, _)| !in_block.contains(i))
                .map(|(_, l)| *l),
        );
    }

    // Words the document writes, for the hyphenation rule.
    let mut words: HashSet<String> = HashSet::new();
    let body_texts: Vec<String> = body.iter().map(|l| l.text(Some(&mut Vec::new()))).collect();
    for text in body_texts.iter().chain(note_lines.iter().flatten()) {
        let tokens: Vec<&str> = text.split_whitespace().collect();
        for (k, w) in tokens.iter().enumerate() {
            if k + 1 == tokens.len() && w.ends_with('-') {
                continue;
            }
            words.insert(word_core(w).to_lowercase());
        }
    }
    for lines in &note_lines {
        let mut note = String::new();
        for line in lines {
            join_line(&mut note, line, &words);
        }
        if !note.trim().is_empty() {
            notes.push(note);
        }
    }

    // Paragraphs.
    let body_lines: Vec<&Line> = body.to_vec();
    let sized: Vec<&Line> = body_lines
        .iter()
        .copied()
        .filter(|l| (l.size - size).abs() < 0.1 * size)
        .collect();
    let mut left = mode(sized.iter().map(|l| l.x0));
    // Where every paragraph is one indented line, the margin shows only in other lines
    // (headings, notes): the leftmost start that two lines share, if nearly all body lines
    // are indented from it.
    let mut starts: HashMap<i64, usize> = HashMap::new();
    for l in lines.iter().flatten() {
        *starts.entry((l.x0 * 2.0).round() as i64).or_default() += 1;
    }
    if let Some(margin) = starts
        .iter()
        .filter(|(_, n)| **n >= 2)
        .map(|(x, _)| *x as f64 / 2.0)
        .min_by(f64::total_cmp)
    {
        let indented = sized
            .iter()
            .filter(|l| l.x0 > margin + 0.7 * l.size)
            .count();
        if margin < left && indented * 10 >= sized.len() * 9 {
            left = margin;
        }
    }
    let mut ends: Vec<f64> = sized.iter().map(|l| l.x1).collect();
    ends.sort_by(f64::total_cmp);
    let right = ends
        .get(ends.len().saturating_sub(1) * 9 / 10)
        .copied()
        .unwrap_or(left);
    let spacing = mode(
        sized
            .windows(2)
            .filter(|w| w[0].page == w[1].page)
            .map(|w| w[0].y - w[1].y)
            .filter(|d| *d > 0.0 && *d < 3.0 * size),
    );
    let width = (right - left).max(size);
    // Why each line would start a paragraph, from what its page shows.
    let ends_sentence = |t: &str| {
        t.trim_end()
            .ends_with(['.', '!', '?', ':', '"', '\u{201d}', ')'])
    };
    let mut why: Vec<Break> = Vec::with_capacity(body_lines.len());
    for (k, l) in body_lines.iter().enumerate() {
        let Some(p) = k.checked_sub(1).map(|k| body_lines[k]) else {
            why.push(Break::First);
            continue;
        };
        let body_sized = (l.size - size).abs() < 0.1 * size;
        let scale = p.size.max(l.size) / size;
        let dy = p.y - l.y;
        why.push(if (p.size - l.size).abs() > 0.08 * p.size.max(l.size) {
            Break::Size
        } else if p.page == l.page && (dy < 0.0 || dy > spacing * scale * 1.25 + 0.5) {
            Break::Gap
        } else if body_sized && l.x0 > left + 0.7 * l.size {
            Break::Indent
        } else if p.x1 < right - width / 3.0 && ends_sentence(&body_texts[k - 1]) {
            Break::Short
        } else if p.page != l.page && ends_sentence(&body_texts[k - 1]) {
            Break::PageEndsSentence
        } else {
            Break::None
        });
    }
    // Where paragraphs are set apart by space and not by indents, a sentence ending at the
    // foot of a page ends its paragraph (the page hides the space); elsewhere it does not.
    let gaps = why.iter().filter(|w| **w == Break::Gap).count();
    let indents = why.iter().filter(|w| **w == Break::Indent).count();
    let spaced = gaps > indents;
    let mut paragraphs: Vec<(String, f64, usize)> = Vec::new();
    for ((l, text), why) in body_lines.iter().zip(&body_texts).zip(&why) {
        let new = match why {
            Break::None => false,
            Break::PageEndsSentence => spaced,
            _ => true,
        };
        if new || paragraphs.is_empty() {
            paragraphs.push((text.trim().to_string(), l.size, l.page));
        } else if let Some((last, _, _)) = paragraphs.last_mut() {
            join_line(last, text, &words);
        }
    }
    paragraphs.retain(|(t, _, _)| !t.trim().is_empty());
    let title = paragraphs
        .first()
        .filter(|(_, s, page)| *page == 0 && *s > 1.15 * size)
        .map(|(t, _, _)| t.clone());
    let mut body = paragraphs
        .iter()
        .map(|(t, _, _)| t.as_str())
        .collect::<Vec<_>>()
        .join("\n\n");
    if !body.is_empty() {
        body.push('\n');
    }
    Extracted { title, body, notes }
}

/// Why a line starts a paragraph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Break {
    First,
    Size,
    Gap,
    Indent,
    Short,
    PageEndsSentence,
    None,
}

/// The most common of `values` (to the half point).
fn mode(values: impl Iterator<Item = f64>) -> f64 {
    let mut counts: HashMap<i64, usize> = HashMap::new();
    for v in values {
        *counts.entry((v * 2.0).round() as i64).or_default() += 1;
    }
    counts
        .into_iter()
        .max_by_key(|&(v, n)| (n, -v))
        .map_or(0.0, |(v, _)| v as f64 / 2.0)
}

/// A word without the punctuation around it.
fn word_core(w: &str) -> &str {
    w.trim_matches(|c: char| !c.is_alphanumeric())
}

/// Appends `line` to the paragraph `text`: a space between them, or the hyphenation undone.
fn join_line(text: &mut String, line: &str, words: &HashSet<String>) {
    let line = line.trim();
    if line.is_empty() {
        return;
    }
    if text.is_empty() {
        text.push_str(line);
        return;
    }
    // A line broken after a slash or a dash set close ("A/|51/61", "2015–|2024") joins close.
    let close = text.ends_with(['/', '–', '—'])
        && text
            .chars()
            .rev()
            .nth(1)
            .is_some_and(|c| !c.is_whitespace());
    if close {
        text.push_str(line);
        return;
    }
    let Some(stem) = text.strip_suffix('-') else {
        text.push(' ');
        text.push_str(line);
        return;
    };
    let before = stem.chars().last();
    let after = line.chars().next();
    match (before, after) {
        (Some(b), Some(a)) if b.is_alphabetic() && a.is_alphabetic() => {
            let last = stem
                .rsplit(char::is_whitespace)
                .next()
                .map(word_core)
                .unwrap_or("");
            let first = line
                .split(char::is_whitespace)
                .next()
                .map(word_core)
                .unwrap_or("");
            let joined = format!("{last}{first}").to_lowercase();
            let hyphenated = format!("{last}-{first}").to_lowercase();
            let keep = !(b.is_lowercase() && a.is_lowercase())
                || (words.contains(&hyphenated) && !words.contains(&joined));
            if keep {
                text.push_str(line);
            } else {
                text.truncate(stem.len());
                text.push_str(line);
            }
        }
        // "1990-|2015", "Secretary-|General" (above), "A-|4": the hyphen stays, no space.
        (Some(b), Some(_)) if !b.is_whitespace() => text.push_str(line),
        _ => {
            text.push(' ');
            text.push_str(line);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hyphenation() {
        let words: HashSet<String> = ["so-called", "well-known", "wellknown"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let join = |a: &str, b: &str| {
            let mut t = a.to_string();
            join_line(&mut t, b, &words);
            t
        };
        assert_eq!(join("the secu-", "rity of all"), "the security of all");
        assert_eq!(join("the so-", "called peace"), "the so-called peace");
        assert_eq!(join("a well-", "known fact"), "a wellknown fact");
        assert_eq!(
            join("the Secretary-", "General said"),
            "the Secretary-General said"
        );
        assert_eq!(join("from 1990-", "2015"), "from 1990-2015");
        assert_eq!(join("see A/", "73/PV.7"), "see A/73/PV.7");
        assert_eq!(join("a dash -", "here"), "a dash - here");
        assert_eq!(join("one", "two"), "one two");
    }

    #[test]
    fn cmaps_the_reader_would_fail_on() {
        let good = b"2 beginbfchar <01> <0041> <02> <00660069> endbfchar \
            1 beginbfrange <10> <20> <0061> endbfrange \
            1 beginbfrange <30> <31> [<0062> <0063>] endbfrange";
        assert_eq!(check_to_unicode(good), Ok(()));
        for bad in [
            &b"3 beginbfchar <01> <0041> endbfchar"[..],
            b"beginbfchar <01> <0041> endbfchar",
            b"1 beginbfchar <01> <004> endbfchar",
            b"1 beginbfchar <01> <d800dc00dc00> endbfchar",
            b"1 beginbfrange <0000> <ffffffff> <0041> endbfrange",
            b"1 beginbfrange <20> <10> <0041> endbfrange",
            b"1 beginbfrange <00> <ff> <ff80> endbfrange",
            b"1 beginbfrange <10> <12> [<0061>] endbfrange",
            b"1 beginbfrange <10> <12> <006100> endbfrange",
            b"[ unclosed",
        ] {
            assert!(
                check_to_unicode(bad).is_err(),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
        assert_eq!(
            check_cmap_encoding(b"1 begincodespacerange <0000> <ffff> endcodespacerange"),
            Ok(())
        );
        assert!(
            check_cmap_encoding(b"1 begincodespacerange <00> <ffff> endcodespacerange").is_err()
        );
        assert!(
            check_cmap_encoding(b"2 begincidrange <00> <0f> 1 <10> <1f> 17 endcidrange").is_err()
        );
    }

    #[test]
    fn page_numbers() {
        for t in [
            "7",
            "- 7 -",
            "– 12 –",
            "Page 3",
            "page 3 of 10",
            "iv",
            "3/10",
        ] {
            assert!(is_page_number(t), "{t}");
        }
        for t in ["In 2015 we", "Article 7 of the Charter", "", "I"] {
            assert!(!is_page_number(t) || t == "I", "{t}");
        }
    }

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
