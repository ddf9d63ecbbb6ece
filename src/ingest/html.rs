//! HTML: the main text of a page, its headings and paragraphs, without the page's furniture
//! (navigation, scripts, styles, cookie banners, headers, footers, sidebars).
//!
//! In: a page's bytes. Out: [`Extracted`] with one paragraph of `body` per heading, paragraph,
//! list item, table cell or other block, a `<br>` a line break inside its paragraph; `title` the
//! first `<h1>` of the main text, else `<title>`; no notes.
//!
//! The bytes are decoded by their byte-order mark, else by the charset the page declares in its
//! first 4 kB (`<meta charset>`, `<meta http-equiv content="…; charset=…">`, `<?xml encoding>`),
//! through `encoding_rs` (every label of the WHATWG Encoding Standard, so `latin-1` and
//! `iso-8859-1` are windows-1252, as browsers read them); a page that declares nothing must be
//! UTF-8. html5ever (through `scraper`) builds the tree a browser would build, character
//! references decoded. The main text is the page's `<main>` (or `role="main"`), else its
//! `<article>` with the most text, else its `<body>`; inside it, furniture is skipped by element
//! (`nav`, `aside`, `footer`, `script`, `form`, …; `header` unless inside `main`/`article` or a
//! title block: an `<h1>` without navigation, lists or forms), by
//! ARIA role (`navigation`, `banner`, `contentinfo`, `complementary`, `search`, `dialog`, …), by
//! being hidden, and by `id`/`class` words (`cookie`, `consent`, `sidebar`, `breadcrumb`, `menu`,
//! …) unless they also name content (`content`, `article`, `main`, `post`, …) or the element
//! holds half the main text or more. Whitespace inside
//! a paragraph is collapsed (`<pre>` keeps its line breaks). An ordered list's items start with
//! the number a browser shows for them ("125. ", from `start`, `value` and `type`), since
//! statements are cited by paragraph number.
//!
//! Bounds: pages over [`MAX_BYTES`] and pages nested deeper than [`MAX_DEPTH`] elements are
//! refused with a reason (html5ever's tree building is quadratic in nesting depth), so a hostile
//! page costs seconds at most.

use std::borrow::Cow;

use ego_tree::NodeRef;
use ego_tree::iter::Edge;
use encoding_rs::Encoding;
use scraper::{Html, Node};

use super::{Extracted, IngestError};

/// The largest page read, in bytes.
pub const MAX_BYTES: usize = 64 << 20;
/// The deepest nesting of elements read (counting elements whose end tag may not be left out).
pub const MAX_DEPTH: usize = 4_000;

pub fn extract(bytes: &[u8]) -> Result<Extracted, IngestError> {
    if bytes.len() > MAX_BYTES {
        return Err(unreadable(format!(
            "the page is {} MB; concord reads pages of up to {} MB",
            bytes.len() >> 20,
            MAX_BYTES >> 20
        )));
    }
    let text = decode(bytes)?;
    let depth = nesting_depth(&text);
    if depth > MAX_DEPTH {
        return Err(unreadable(format!(
            "elements nested more than {MAX_DEPTH} deep (at least {depth}): not a page to read"
        )));
    }
    let doc = Html::parse_document(&text);
    let root = content_root(&doc);
    let (paragraphs, h1) = blocks(root);
    let title = h1.or_else(|| page_title(&doc));
    let mut body = paragraphs.join("\n\n");
    if !body.is_empty() {
        body.push('\n');
    }
    Ok(Extracted {
        title,
        body,
        notes: Vec::new(),
    })
}

fn unreadable(why: String) -> IngestError {
    IngestError::Unreadable {
        format: "HTML",
        why,
    }
}

/// The page's text: by BOM, else by declared charset, else UTF-8.
fn decode(bytes: &[u8]) -> Result<Cow<'_, str>, IngestError> {
    if let Some((enc, bom)) = Encoding::for_bom(bytes) {
        return decode_as(enc, &bytes[bom..]);
    }
    let head = &bytes[..bytes.len().min(4096)];
    match declared_charset(head) {
        Some(label) => match Encoding::for_label(label.as_bytes()) {
            // A page that says UTF-16 in its own ASCII markup is not UTF-16 (the HTML standard
            // reads it as UTF-8).
            Some(enc) if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE => {
                decode_as(encoding_rs::UTF_8, bytes)
            }
            Some(enc) => decode_as(enc, bytes),
            None => Err(unreadable(format!(
                "the page declares the charset `{label}`, which concord does not know"
            ))),
        },
        None => std::str::from_utf8(bytes)
            .map(Cow::Borrowed)
            .map_err(|e| IngestError::UndeclaredCharset(e.valid_up_to())),
    }
}

fn decode_as<'a>(enc: &'static Encoding, bytes: &'a [u8]) -> Result<Cow<'a, str>, IngestError> {
    if enc == encoding_rs::UTF_8 {
        return std::str::from_utf8(bytes)
            .map(Cow::Borrowed)
            .map_err(|e| IngestError::NotUtf8(e.valid_up_to()));
    }
    let (text, had_errors) = enc.decode_without_bom_handling(bytes);
    if had_errors {
        return Err(unreadable(format!(
            "the page is not valid {} text, the charset it declares",
            enc.name()
        )));
    }
    Ok(text)
}

/// The charset named by a `<meta>` tag or an XML declaration in `head`, lowercased.
fn declared_charset(head: &[u8]) -> Option<String> {
    let lower = String::from_utf8_lossy(head).to_ascii_lowercase();
    let mut rest = lower.as_str();
    while let Some(at) = rest.find('<') {
        rest = &rest[at + 1..];
        let end = rest.find('>').unwrap_or(rest.len());
        let tag = &rest[..end];
        let key = if tag.starts_with("meta") {
            "charset="
        } else if tag.starts_with("?xml") {
            "encoding="
        } else {
            continue;
        };
        if let Some(k) = tag.find(key) {
            let value = tag[k + key.len()..].trim_start_matches(['"', '\'', ' ']);
            let value: String = value
                .chars()
                .take_while(|c| !matches!(c, '"' | '\'' | ';' | '/' | '?') && !c.is_whitespace())
                .collect();
            if !value.is_empty() {
                return Some(value);
            }
        }
    }
    None
}

/// How deep the page's elements nest, counted on the markup before parsing: start and end tags
/// of elements whose end tag may not be left out (not `p`, `li`, `td`, … and not void ones).
fn nesting_depth(text: &str) -> usize {
    const LOOSE: [&str; 24] = [
        "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "thead", "tbody", "tfoot",
        "colgroup", "rb", "rt", "rp", "br", "img", "hr", "meta", "link", "input", "col", "wbr",
    ];
    let mut depth = 0usize;
    let mut deepest = 0usize;
    let bytes = text.as_bytes();
    for at in memchr::memchr_iter(b'<', bytes) {
        let rest = &bytes[at + 1..];
        let (closing, name_start) = match rest.first() {
            Some(b'/') => (true, &rest[1..]),
            _ => (false, rest),
        };
        let len = name_start
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        if len == 0 || !name_start[0].is_ascii_alphabetic() {
            continue;
        }
        let name = String::from_utf8_lossy(&name_start[..len]).to_ascii_lowercase();
        if LOOSE.contains(&name.as_str())
            || matches!(
                name.as_str(),
                "area" | "base" | "embed" | "param" | "source" | "track" | "keygen"
            )
        {
            continue;
        }
        let self_closing = name_start[len..]
            .iter()
            .position(|&b| b == b'>')
            .is_some_and(|gt| gt > 0 && name_start[len + gt - 1] == b'/');
        if closing {
            depth = depth.saturating_sub(1);
        } else if !self_closing {
            depth += 1;
            deepest = deepest.max(depth);
        }
    }
    deepest
}

/// `<main>` (or `role="main"`), else the `<article>` with the most text, else `<body>`.
fn content_root(doc: &Html) -> NodeRef<'_, Node> {
    let root = *doc.root_element();
    let mut mains = Vec::new();
    let mut articles = Vec::new();
    let mut body = None;
    for node in root.descendants() {
        if let Node::Element(el) = node.value() {
            match el.name() {
                "main" => mains.push(node),
                "article" => articles.push(node),
                "body" if body.is_none() => body = Some(node),
                _ if el.attr("role") == Some("main") => mains.push(node),
                _ => {}
            }
        }
    }
    most_text(mains)
        .or_else(|| most_text(articles))
        .or(body)
        .unwrap_or(root)
}

/// The visible one of `nodes` with the most text, if any has text.
fn most_text<'a>(nodes: Vec<NodeRef<'a, Node>>) -> Option<NodeRef<'a, Node>> {
    nodes
        .into_iter()
        .filter(|n| !hidden(n))
        .max_by_key(text_len)
        .filter(|n| text_len(n) > 0)
}

fn text_len(node: &NodeRef<'_, Node>) -> usize {
    node.descendants()
        .filter_map(|n| n.value().as_text())
        .map(|t| t.trim().len())
        .sum()
}

fn hidden(node: &NodeRef<'_, Node>) -> bool {
    let Node::Element(el) = node.value() else {
        return false;
    };
    if el.attr("hidden").is_some() || el.attr("aria-hidden") == Some("true") {
        return true;
    }
    el.attr("style").is_some_and(|s| {
        let s: String = s
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        s.contains("display:none") || s.contains("visibility:hidden")
    })
}

/// Elements that are never main text.
const FURNITURE: [&str; 26] = [
    "head", "script", "style", "noscript", "template", "nav", "aside", "footer", "form", "button",
    "select", "textarea", "input", "iframe", "object", "embed", "svg", "canvas", "dialog", "menu",
    "audio", "video", "map", "datalist", "math", "label",
];
/// ARIA roles that are never main text.
const FURNITURE_ROLES: [&str; 12] = [
    "navigation",
    "banner",
    "contentinfo",
    "complementary",
    "search",
    "dialog",
    "alertdialog",
    "menu",
    "menubar",
    "toolbar",
    "tablist",
    "tooltip",
];
/// Words of `id` and `class` that mark furniture.
const FURNITURE_WORDS: [&str; 30] = [
    "cookie",
    "cookies",
    "consent",
    "gdpr",
    "sidebar",
    "breadcrumb",
    "breadcrumbs",
    "navbar",
    "nav",
    "navigation",
    "menu",
    "footer",
    "header",
    "masthead",
    "skip",
    "share",
    "sharing",
    "social",
    "advert",
    "advertisement",
    "ads",
    "related",
    "newsletter",
    "popup",
    "modal",
    "banner",
    "hidden",
    "sr",
    "toolbar",
    "rst-versions",
];
/// Words of `id` and `class` that mark content, and keep an element a furniture word would drop.
const CONTENT_WORDS: [&str; 10] = [
    "content", "article", "main", "body", "post", "entry", "story", "text", "document", "page",
];

/// Whether `el` (inside `main`/`article` when `in_article`, in a main text of `root_text`
/// bytes) is furniture.
fn furniture(node: &NodeRef<'_, Node>, in_article: bool, root_text: usize) -> bool {
    let Node::Element(el) = node.value() else {
        return false;
    };
    let name = el.name();
    if FURNITURE.contains(&name) || hidden(node) {
        return true;
    }
    if name == "header" && !in_article {
        return !title_block(node);
    }
    if el
        .attr("role")
        .is_some_and(|r| FURNITURE_ROLES.contains(&r.trim().to_ascii_lowercase().as_str()))
    {
        return true;
    }
    let names = el.id().into_iter().chain(el.classes());
    let mut furniture_word = false;
    for name in names {
        let name = name.to_ascii_lowercase();
        for word in name.split(|c: char| !c.is_ascii_alphanumeric()) {
            if CONTENT_WORDS.contains(&word) {
                return false;
            }
            if FURNITURE_WORDS.contains(&word) && !(word == "header" && in_article) {
                furniture_word = true;
            }
        }
        if FURNITURE_WORDS.contains(&name.as_str()) {
            furniture_word = true;
        }
    }
    // A class word is a guess: one on an element that holds most of the text ("wy-grid-for-nav"
    // around a whole page) is not taken.
    furniture_word && text_len(node) * 2 < root_text
}

/// Whether a page-level `<header>` is the document's title block (as pandoc writes it): it has
/// an `<h1>` and no navigation, list or form.
fn title_block(node: &NodeRef<'_, Node>) -> bool {
    let names = || {
        node.descendants()
            .filter_map(|n| n.value().as_element().map(|e| e.name()))
    };
    names().any(|n| n == "h1") && !names().any(|n| matches!(n, "nav" | "ul" | "ol" | "form"))
}

/// Elements that start and end a paragraph.
fn is_block(name: &str) -> bool {
    matches!(
        name,
        "address"
            | "article"
            | "blockquote"
            | "body"
            | "caption"
            | "center"
            | "dd"
            | "details"
            | "div"
            | "dl"
            | "dt"
            | "fieldset"
            | "figcaption"
            | "figure"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "header"
            | "hgroup"
            | "hr"
            | "html"
            | "legend"
            | "li"
            | "main"
            | "ol"
            | "p"
            | "pre"
            | "section"
            | "summary"
            | "table"
            | "tbody"
            | "td"
            | "tfoot"
            | "th"
            | "thead"
            | "tr"
            | "ul"
    )
}

/// The paragraphs under `root`, and the text of its first `<h1>`.
fn blocks(root: NodeRef<'_, Node>) -> (Vec<String>, Option<String>) {
    let mut paragraphs = Vec::new();
    let mut h1 = None;
    let mut current = String::new();
    let mut skipping = None;
    let mut pre = 0usize;
    let mut article = 0usize;
    let root_text = text_len(&root);
    // Open lists: an ordered one's next number and its `type`.
    let mut lists: Vec<Option<(i64, Option<&str>)>> = Vec::new();
    let mut marker: Option<String> = None;
    for edge in root.traverse() {
        match edge {
            Edge::Open(node) => {
                if skipping.is_some() {
                    continue;
                }
                match node.value() {
                    Node::Text(text) => {
                        let text = text.replace(['\u{ad}', '\u{200b}'], "");
                        // A list item's number goes before its first text, whatever blocks
                        // (a `<p>`) come between.
                        if !text.trim().is_empty()
                            && let Some(m) = marker.take()
                        {
                            current.push_str(&m);
                        }
                        if pre > 0 {
                            current.push_str(&text);
                        } else {
                            current.push_str(&text.replace(['\n', '\r'], " "));
                        }
                    }
                    Node::Element(el) => {
                        if node != root && furniture(&node, article > 0, root_text) {
                            skipping = Some(node.id());
                            continue;
                        }
                        let name = el.name();
                        if name == "br" {
                            current.push('\n');
                        } else if is_block(name) {
                            flush(&mut current, &mut paragraphs);
                        }
                        match name {
                            "ol" => {
                                let start = el.attr("start").and_then(|s| s.trim().parse().ok());
                                lists.push(Some((start.unwrap_or(1), el.attr("type"))));
                            }
                            "ul" | "menu" => lists.push(None),
                            "li" => {
                                if let Some(Some((next, kind))) = lists.last_mut() {
                                    let value =
                                        el.attr("value").and_then(|v| v.trim().parse().ok());
                                    let n = value.unwrap_or(*next);
                                    marker = Some(list_number(n, *kind));
                                    *next = n.saturating_add(1);
                                }
                            }
                            "pre" => pre += 1,
                            "main" | "article" => article += 1,
                            _ => {}
                        }
                    }
                    _ => {}
                }
            }
            Edge::Close(node) => {
                if let Some(id) = skipping {
                    if id == node.id() {
                        skipping = None;
                    }
                    continue;
                }
                let Node::Element(el) = node.value() else {
                    continue;
                };
                let name = el.name();
                if is_block(name) {
                    let before = paragraphs.len();
                    flush(&mut current, &mut paragraphs);
                    if name == "h1" && h1.is_none() && paragraphs.len() > before {
                        h1 = paragraphs.last().map(|p: &String| p.replace('\n', " "));
                    }
                }
                match name {
                    "ol" | "ul" | "menu" => {
                        lists.pop();
                    }
                    "li" => marker = None,
                    "pre" => pre = pre.saturating_sub(1),
                    "main" | "article" => article = article.saturating_sub(1),
                    _ => {}
                }
            }
        }
    }
    flush(&mut current, &mut paragraphs);
    (paragraphs, h1)
}

/// The marker a browser shows for item `n` of an ordered list of `kind` ("1", "a", "A", "i",
/// "I"): "7. ", "g. ", "vii. ".
fn list_number(n: i64, kind: Option<&str>) -> String {
    let letters = |upper: bool| {
        let mut n = n;
        let mut out = Vec::new();
        while n > 0 && out.len() < 8 {
            n -= 1;
            out.push(if upper { b'A' } else { b'a' } + (n % 26) as u8);
            n /= 26;
        }
        out.reverse();
        String::from_utf8(out).unwrap_or_default()
    };
    let roman = |upper: bool| {
        const NUMERALS: [(i64, &str); 13] = [
            (1000, "m"),
            (900, "cm"),
            (500, "d"),
            (400, "cd"),
            (100, "c"),
            (90, "xc"),
            (50, "l"),
            (40, "xl"),
            (10, "x"),
            (9, "ix"),
            (5, "v"),
            (4, "iv"),
            (1, "i"),
        ];
        let mut n = n;
        let mut out = String::new();
        for (value, numeral) in NUMERALS {
            while n >= value && out.len() < 40 {
                out.push_str(numeral);
                n -= value;
            }
        }
        if upper { out.to_uppercase() } else { out }
    };
    let marker = match kind {
        Some("a") if n > 0 => letters(false),
        Some("A") if n > 0 => letters(true),
        Some("i") if (1..4000).contains(&n) => roman(false),
        Some("I") if (1..4000).contains(&n) => roman(true),
        _ => n.to_string(),
    };
    format!("{marker}. ")
}

/// Ends the paragraph in `current`: its lines with their whitespace collapsed, empty lines
/// dropped.
fn flush(current: &mut String, paragraphs: &mut Vec<String>) {
    let lines: Vec<String> = current
        .split('\n')
        .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|line| !line.is_empty())
        .collect();
    if !lines.is_empty() {
        paragraphs.push(lines.join("\n"));
    }
    current.clear();
}

/// The text of the page's `<title>`, whitespace collapsed.
fn page_title(doc: &Html) -> Option<String> {
    doc.root_element()
        .descendants()
        .find(|n| n.value().as_element().is_some_and(|e| e.name() == "title"))
        .map(|n| {
            n.descendants()
                .filter_map(|d| d.value().as_text().map(|t| t.to_string()))
                .collect::<String>()
        })
        .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|t| !t.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(html: &str) -> String {
        extract(html.as_bytes()).map(|e| e.body).unwrap_or_default()
    }

    #[test]
    fn paragraphs_headings_and_line_breaks() {
        let page = "<html><head><title>Site | Page</title><style>p{}</style></head><body>\
            <nav><a href=/>Home</a></nav><main><h1>The  speech</h1><p>First &amp; \n  \
            second&nbsp;line<br>next</p><ul><li>one</li><li>two</li></ul></main>\
            <footer>Contact</footer><script>var x = 1;</script></body></html>";
        let e = extract(page.as_bytes()).unwrap();
        assert_eq!(e.title.as_deref(), Some("The speech"));
        assert_eq!(
            e.body,
            "The speech\n\nFirst & second line\nnext\n\none\n\ntwo\n"
        );
    }

    #[test]
    fn title_without_h1_and_furniture_in_body() {
        let page = "<title>A page</title><body><div class=cookie-banner><p>We use cookies</p>\
            </div><div id=sidebar>Links</div><div class=main-content><p>Text.</p>\
            <p hidden>secret</p></div></body>";
        let e = extract(page.as_bytes()).unwrap();
        assert_eq!(e.title.as_deref(), Some("A page"));
        assert_eq!(e.body, "Text.\n");
    }

    #[test]
    fn charsets() {
        let page = b"<meta charset=\"windows-1252\"><p>caf\xe9 \x93quoted\x94</p>";
        assert_eq!(body(std::str::from_utf8(b"x").unwrap()), "x\n");
        assert_eq!(
            extract(page).unwrap().body,
            "caf\u{e9} \u{201c}quoted\u{201d}\n"
        );
        let latin1 = b"<meta http-equiv=Content-Type content='text/html; charset=ISO-8859-1'>\
            <p>\xe0 la</p>";
        assert_eq!(extract(latin1).unwrap().body, "\u{e0} la\n");
        assert_eq!(
            extract(b"<p>caf\xe9</p>"),
            Err(IngestError::UndeclaredCharset(6))
        );
        assert!(matches!(
            extract(b"<meta charset=klingon><p>x</p>"),
            Err(IngestError::Unreadable { .. })
        ));
    }

    #[test]
    fn deep_nesting_is_refused() {
        let page = "<div>".repeat(MAX_DEPTH + 1);
        assert!(matches!(
            extract(page.as_bytes()),
            Err(IngestError::Unreadable { .. })
        ));
        let paragraphs = "<p>x".repeat(20_000);
        assert!(extract(paragraphs.as_bytes()).is_ok());
    }
}
