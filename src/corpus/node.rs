//! A spanned value tree shared by the TOML and JSON readers.
//!
//! In: the text of a `.toml` or `.json` file (or a front-matter block).
//! Out: a [`Node`] tree whose every value and key carries its byte span, so
//! that validation can point at the exact line and column of a bad value.

use std::ops::Range;

/// A value with the byte span it was read from.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub span: Range<usize>,
}

/// The values of TOML and JSON, with dates kept as their text.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    /// A TOML date or datetime, as written (`2022-01-27`).
    Date(String),
    Array(Vec<Node>),
    /// Keys in the order of the file (TOML: sorted by key, arrays keep order).
    Table(Vec<(Key, Node)>),
    /// JSON `null`.
    Null,
}

/// A table key with its span.
#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    pub name: String,
    pub span: Range<usize>,
}

impl Value {
    /// The word a user knows this type by, for "expected a string, found an array".
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Str(_) => "a string",
            Value::Int(_) => "an integer",
            Value::Float(_) => "a number",
            Value::Bool(_) => "a boolean",
            Value::Date(_) => "a date",
            Value::Array(_) => "an array",
            Value::Table(_) => "a table",
            Value::Null => "null",
        }
    }
}

/// A syntax error in a TOML or JSON text, at a byte offset.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    pub message: String,
    pub span: Range<usize>,
}

/// Parses a TOML document into a [`Node`] table.
pub fn parse_toml(text: &str) -> Result<Node, SyntaxError> {
    let table = toml::de::DeTable::parse(text).map_err(|e| SyntaxError {
        message: toml_message(&e),
        span: e.span().unwrap_or(0..0),
    })?;
    let span = table.span();
    Ok(Node {
        value: toml_table(table.into_inner()),
        span,
    })
}

/// The first line of the TOML parser's message, without its own snippet.
fn toml_message(e: &toml::de::Error) -> String {
    let m = e.message().trim();
    m.lines().next().unwrap_or("invalid TOML").to_string()
}

fn toml_table(t: toml::de::DeTable<'_>) -> Value {
    let entries = t
        .into_iter()
        .map(|(k, v)| {
            let key = Key {
                name: k.get_ref().to_string(),
                span: k.span(),
            };
            (key, toml_node(v))
        })
        .collect();
    Value::Table(entries)
}

fn toml_node(v: toml::Spanned<toml::de::DeValue<'_>>) -> Node {
    use toml::de::DeValue;
    let span = v.span();
    let value = match v.into_inner() {
        DeValue::String(s) => Value::Str(s.into_owned()),
        DeValue::Integer(i) => match i64::from_str_radix(&i.as_str().replace('_', ""), i.radix()) {
            Ok(n) => Value::Int(n),
            Err(_) => Value::Str(i.as_str().to_string()),
        },
        DeValue::Float(f) => Value::Float(f.as_str().replace('_', "").parse().unwrap_or(f64::NAN)),
        DeValue::Boolean(b) => Value::Bool(b),
        DeValue::Datetime(d) => Value::Date(d.to_string()),
        DeValue::Array(a) => Value::Array(a.into_iter().map(toml_node).collect()),
        DeValue::Table(t) => toml_table(t),
    };
    Node { value, span }
}

/// How deeply JSON arrays and objects may nest before the reader gives up.
pub const MAX_JSON_DEPTH: usize = 128;

/// Parses a JSON document into a [`Node`] tree (RFC 8259; duplicate keys are kept
/// and reported by validation).
pub fn parse_json(text: &str) -> Result<Node, SyntaxError> {
    let mut p = JsonParser {
        s: text.as_bytes(),
        text,
        pos: 0,
    };
    p.ws();
    let node = p.value(0)?;
    p.ws();
    if p.pos < p.s.len() {
        return Err(p.err("unexpected text after the JSON value"));
    }
    Ok(node)
}

struct JsonParser<'a> {
    s: &'a [u8],
    text: &'a str,
    pos: usize,
}

impl JsonParser<'_> {
    fn err(&self, message: &str) -> SyntaxError {
        let end = (self.pos + 1).min(self.s.len());
        SyntaxError {
            message: message.to_string(),
            span: self.pos..end.max(self.pos),
        }
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.s.get(self.pos) {
            self.pos += 1;
        }
    }

    fn value(&mut self, depth: usize) -> Result<Node, SyntaxError> {
        let start = self.pos;
        let value = match self.s.get(self.pos) {
            None => return Err(self.err("unexpected end of JSON, expected a value")),
            Some(b'{') => self.object(depth)?,
            Some(b'[') => self.array(depth)?,
            Some(b'"') => Value::Str(self.string()?),
            Some(b't') => self.literal("true", Value::Bool(true))?,
            Some(b'f') => self.literal("false", Value::Bool(false))?,
            Some(b'n') => self.literal("null", Value::Null)?,
            Some(b'-' | b'0'..=b'9') => self.number()?,
            Some(_) => return Err(self.err("expected a JSON value")),
        };
        Ok(Node {
            value,
            span: start..self.pos,
        })
    }

    fn literal(&mut self, word: &str, value: Value) -> Result<Value, SyntaxError> {
        if self.s[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(value)
        } else {
            Err(self.err("expected a JSON value"))
        }
    }

    fn number(&mut self) -> Result<Value, SyntaxError> {
        let start = self.pos;
        while let Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') = self.s.get(self.pos) {
            self.pos += 1;
        }
        let t = &self.text[start..self.pos];
        if let Ok(n) = t.parse::<i64>() {
            return Ok(Value::Int(n));
        }
        match t.parse::<f64>() {
            Ok(f) if f.is_finite() => Ok(Value::Float(f)),
            _ => {
                self.pos = start;
                Err(self.err("malformed number"))
            }
        }
    }

    fn string(&mut self) -> Result<String, SyntaxError> {
        let open = self.pos;
        self.pos += 1;
        let mut out = String::new();
        loop {
            let run = self.pos;
            while let Some(&b) = self.s.get(self.pos) {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            out.push_str(&self.text[run..self.pos]);
            match self.s.get(self.pos) {
                None => {
                    self.pos = open;
                    return Err(self.err("unclosed string"));
                }
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => self.escape(&mut out)?,
                Some(_) => return Err(self.err("control character in a string (escape it)")),
            }
        }
    }

    fn escape(&mut self, out: &mut String) -> Result<(), SyntaxError> {
        self.pos += 1;
        let c = match self.s.get(self.pos) {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => return self.unicode_escape(out),
            _ => return Err(self.err("invalid escape in a string")),
        };
        self.pos += 1;
        out.push(c);
        Ok(())
    }

    fn hex4(&mut self) -> Result<u32, SyntaxError> {
        let digits = self.text.get(self.pos + 1..self.pos + 5);
        match digits.and_then(|d| u32::from_str_radix(d, 16).ok()) {
            Some(n) => {
                self.pos += 5;
                Ok(n)
            }
            None => Err(self.err("invalid \\u escape")),
        }
    }

    fn unicode_escape(&mut self, out: &mut String) -> Result<(), SyntaxError> {
        let hi = self.hex4()?;
        let code = if (0xD800..0xDC00).contains(&hi) && self.s[self.pos..].starts_with(b"\\u") {
            self.pos += 1;
            let lo = self.hex4()?;
            0x10000 + ((hi - 0xD800) << 10) + (lo.wrapping_sub(0xDC00) & 0x3FF)
        } else {
            hi
        };
        out.push(char::from_u32(code).unwrap_or('\u{FFFD}'));
        Ok(())
    }

    fn open(&mut self, depth: usize) -> Result<(), SyntaxError> {
        if depth >= MAX_JSON_DEPTH {
            return Err(self.err("JSON nested too deeply"));
        }
        self.pos += 1;
        self.ws();
        Ok(())
    }

    /// After an element: `,` continues (returns true), `close` ends.
    fn next_or_close(&mut self, close: u8, what: &str) -> Result<bool, SyntaxError> {
        self.ws();
        match self.s.get(self.pos) {
            Some(b',') => {
                self.pos += 1;
                self.ws();
                Ok(true)
            }
            Some(&b) if b == close => {
                self.pos += 1;
                Ok(false)
            }
            _ => Err(self.err(what)),
        }
    }

    fn array(&mut self, depth: usize) -> Result<Value, SyntaxError> {
        self.open(depth)?;
        let mut items = Vec::new();
        if self.s.get(self.pos) == Some(&b']') {
            self.pos += 1;
            return Ok(Value::Array(items));
        }
        loop {
            items.push(self.value(depth + 1)?);
            if !self.next_or_close(b']', "expected `,` or `]` in an array")? {
                return Ok(Value::Array(items));
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value, SyntaxError> {
        self.open(depth)?;
        let mut entries = Vec::new();
        if self.s.get(self.pos) == Some(&b'}') {
            self.pos += 1;
            return Ok(Value::Table(entries));
        }
        loop {
            if self.s.get(self.pos) != Some(&b'"') {
                return Err(self.err("expected a key in double quotes"));
            }
            let start = self.pos;
            let name = self.string()?;
            let key = Key {
                name,
                span: start..self.pos,
            };
            self.ws();
            if self.s.get(self.pos) != Some(&b':') {
                return Err(self.err("expected `:` after the key"));
            }
            self.pos += 1;
            self.ws();
            entries.push((key, self.value(depth + 1)?));
            if !self.next_or_close(b'}', "expected `,` or `}` in an object")? {
                return Ok(Value::Table(entries));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_values_and_spans() {
        let n = parse_json(r#"{"a": [1, 2.5, "x\"y\u00e9"], "b": null}"#).unwrap();
        let Value::Table(t) = n.value else {
            panic!("not a table")
        };
        assert_eq!(t[0].0.name, "a");
        let Value::Array(items) = &t[0].1.value else {
            panic!("not an array")
        };
        assert_eq!(items[0].value, Value::Int(1));
        assert_eq!(items[1].value, Value::Float(2.5));
        assert_eq!(items[2].value, Value::Str("x\"yé".into()));
        assert_eq!(items[0].span, 7..8);
        assert_eq!(t[1].1.value, Value::Null);
    }

    #[test]
    fn json_errors_point_at_the_fault() {
        let e = parse_json("{\"a\": [1, 2,, 3]}").unwrap_err();
        assert_eq!(e.span.start, 12);
        let e = parse_json("{\"a\": \"open").unwrap_err();
        assert_eq!(e.message, "unclosed string");
        assert_eq!(e.span.start, 6);
    }

    #[test]
    fn json_depth_is_bounded() {
        let deep = "[".repeat(100_000);
        let e = parse_json(&deep).unwrap_err();
        assert_eq!(e.message, "JSON nested too deeply");
    }

    #[test]
    fn toml_tables_keep_spans() {
        let src = "[[actor]]\nid = \"lavrov\"\nname = \"Sergey Lavrov\"\n";
        let n = parse_toml(src).unwrap();
        let Value::Table(t) = n.value else {
            panic!("not a table")
        };
        let Value::Array(actors) = &t[0].1.value else {
            panic!("not an array")
        };
        let Value::Table(fields) = &actors[0].value else {
            panic!("not a table")
        };
        let id = fields.iter().find(|(k, _)| k.name == "id").unwrap();
        assert_eq!(&src[id.1.span.clone()], "\"lavrov\"");
    }

    #[test]
    fn toml_syntax_error_has_a_span() {
        let e = parse_toml("[[actor]]\nid = \"lavrov\nname = 1\n").unwrap_err();
        assert!(e.span.start >= 15, "{e:?}");
    }
}
