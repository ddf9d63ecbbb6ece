//! What the text reader (pdf-extract) would fail or spend without bound on, checked before it
//! runs: the decompressed size of the streams, the content's operators and operands, fonts and
//! their CMaps, references, forms; and the content rewritten to the operators that place text.
//!
//! In: the file's bytes, then the parsed [`Document`]. Out: the document made safe to read, or
//! an [`IngestError::Unreadable`] that says what is wrong with it.

use std::collections::HashSet;
use std::io::Read;

use lopdf::content::Content;
use lopdf::{Document, Object, ObjectId};

use super::{IngestError, MAX_FORM_DEPTH, resolve, unreadable};

/// Sums what the file's Flate streams decompress to (images aside), before anything is parsed;
/// refuses the file past `cap` bytes ([`super::MAX_DECOMPRESSED`]).
pub(super) fn check_decompressed_size(bytes: &[u8], cap: usize) -> Result<(), IngestError> {
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

/// The simple-font encodings the text reader knows by name.
const ENCODINGS: [&[u8]; 3] = [
    b"WinAnsiEncoding",
    b"MacRomanEncoding",
    b"MacExpertEncoding",
];

/// Gives each simple font an encoding the text reader can fall back on: `WinAnsiEncoding`
/// where it names another or none beside a ToUnicode map (a code missing from the map would
/// otherwise stop the reader); refuses an encoding dictionary whose base encoding or
/// differences it would fail on.
pub(super) fn normalize_fonts(doc: &mut Document) -> Result<(), IngestError> {
    let mut fix = Vec::new();
    for (&id, object) in &doc.objects {
        let Object::Dictionary(font) = object else {
            continue;
        };
        let name = |key: &[u8]| font.get(key).ok().and_then(|v| v.as_name().ok());
        let simple = name(b"Type") == Some(b"Font".as_slice())
            && !matches!(name(b"Subtype"), Some(b"Type0") | Some(b"Type3") | None);
        if !simple {
            continue;
        }
        match font.get(b"Encoding").ok().and_then(|e| resolve(doc, e)) {
            None if font.has(b"ToUnicode") => fix.push(id),
            None => {}
            Some(Object::Name(n)) if ENCODINGS.contains(&n.as_slice()) => {}
            Some(Object::Dictionary(encoding)) => check_encoding(doc, encoding)
                .map_err(|why| unreadable(format!("a font's encoding is damaged ({why})")))?,
            Some(_) => fix.push(id),
        }
    }
    for id in fix {
        if let Ok(font) = doc.get_dictionary_mut(id) {
            font.set("Encoding", Object::Name(b"WinAnsiEncoding".to_vec()));
        }
    }
    Ok(())
}

/// An encoding dictionary the text reader takes: a known base encoding if any, and
/// differences that are codes from 0 to 255 and glyph names.
fn check_encoding(doc: &Document, encoding: &lopdf::Dictionary) -> Result<(), &'static str> {
    if let Ok(base) = encoding.get(b"BaseEncoding") {
        let known = resolve(doc, base)
            .and_then(|b| b.as_name().ok())
            .is_some_and(|b| ENCODINGS.contains(&b));
        if !known {
            return Err("an unknown base encoding");
        }
    }
    let differences = encoding
        .get(b"Differences")
        .ok()
        .and_then(|d| resolve(doc, d))
        .and_then(|d| d.as_array().ok());
    let mut code = 0i64;
    for entry in differences.into_iter().flatten() {
        match entry {
            Object::Integer(c) => code = *c,
            Object::Name(_) => {
                if !(0..256).contains(&code) {
                    return Err("a difference outside the codes 0 to 255");
                }
                code += 1;
            }
            _ => return Err("a difference that is neither a code nor a name"),
        }
    }
    Ok(())
}

/// Empties every image stream (the text reader has no use for them); whether there were any.
pub(super) fn empty_images(doc: &mut Document) -> bool {
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
pub(super) fn check_pages(doc: &mut Document) -> Result<(), IngestError> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
