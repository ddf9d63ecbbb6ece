//! A `matches` query (FTS5 syntax, as `resolve` writes it) in PostgreSQL's
//! `tsquery` syntax, for `to_tsquery('simple', …)`.
//!
//! Words are cut as FTS5's `unicode61` tokenizer cuts them (runs of letters,
//! digits and `_`... here: of alphanumeric characters) and folded to lower
//! case. A phrase `"a b"` and a word of several tokens (`co-operation`) are
//! the tokens in sequence (`a <-> b`); `word*` is a prefix (`word:*`);
//! adjacent terms and `AND` are `&`, `OR` is `|`, `a NOT b` is `a & !b`.
//! Where the two engines differ (docs/postgres.md): `NEAR(a b, n)` is read
//! as `a & b` (tsquery has no unordered proximity), `^word` (first token of
//! the column) as `word`, and column filters (`text:`) are dropped, the
//! index holding one column.

/// `query` (FTS5 syntax) as a tsquery; `None` when it holds no word.
pub fn from_fts5(query: &str) -> Option<String> {
    let mut p = Parser {
        toks: lex(query),
        at: 0,
    };
    let e = p.or()?;
    Some(e)
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    /// A term: its tokens, and whether the last is a prefix.
    Term(Vec<String>, bool),
    And,
    Or,
    Not,
    Open,
    Close,
}

/// The tokens of `word`: runs of alphanumeric characters, folded.
fn tokens(word: &str) -> Vec<String> {
    word.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(crate::fold::fold)
        .collect()
}

fn lex(q: &str) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut chars = q.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => {
                let mut phrase = String::new();
                while let Some((_, d)) = chars.next() {
                    if d == '"' {
                        if chars.peek().is_some_and(|&(_, e)| e == '"') {
                            phrase.push('"');
                            chars.next();
                            continue;
                        }
                        break;
                    }
                    phrase.push(d);
                }
                let prefix = chars.peek().is_some_and(|&(_, e)| e == '*');
                if prefix {
                    chars.next();
                }
                out.push(Tok::Term(tokens(&phrase), prefix));
            }
            '(' => out.push(Tok::Open),
            ')' => out.push(Tok::Close),
            ',' => {}
            c if c.is_whitespace() => {}
            _ => {
                let mut end = i + c.len_utf8();
                while let Some(&(j, d)) = chars.peek() {
                    if d.is_whitespace() || matches!(d, '(' | ')' | ',' | '"') {
                        break;
                    }
                    end = j + d.len_utf8();
                    chars.next();
                }
                let word = &q[i..end];
                match word {
                    "AND" => out.push(Tok::And),
                    "OR" => out.push(Tok::Or),
                    "NOT" => out.push(Tok::Not),
                    // NEAR(a b, n): its terms, all required.
                    "NEAR" => {}
                    _ => {
                        // A column filter (`text:`) names the one column.
                        let word = word.rsplit(':').next().unwrap_or(word);
                        let word = word.trim_start_matches(['^', '+', '-']);
                        if word.is_empty() {
                            continue;
                        }
                        let (stem, prefix) = match word.strip_suffix('*') {
                            Some(s) => (s, true),
                            None => (word, false),
                        };
                        // A bare number after NEAR's comma is its distance.
                        if out.last().is_some_and(|t| matches!(t, Tok::Term(..)))
                            && q[..i].trim_end().ends_with(',')
                        {
                            continue;
                        }
                        out.push(Tok::Term(tokens(stem), prefix));
                    }
                }
            }
        }
    }
    out
}

struct Parser {
    toks: Vec<Tok>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.at)
    }

    /// `and (OR and)*`
    fn or(&mut self) -> Option<String> {
        let mut parts = Vec::new();
        loop {
            if let Some(e) = self.and() {
                parts.push(e);
            }
            match self.peek() {
                Some(Tok::Or) => self.at += 1,
                _ => break,
            }
        }
        join(parts, " | ")
    }

    /// `not ((AND)? not)*`
    fn and(&mut self) -> Option<String> {
        let mut parts = Vec::new();
        loop {
            match self.peek() {
                None | Some(Tok::Or) | Some(Tok::Close) => break,
                Some(Tok::And) => {
                    self.at += 1;
                    continue;
                }
                _ => {}
            }
            let before = self.at;
            if let Some(e) = self.not() {
                parts.push(e);
            }
            if self.at == before {
                self.at += 1; // a stray token: skipped
            }
        }
        join(parts, " & ")
    }

    /// `primary (NOT primary)*`
    fn not(&mut self) -> Option<String> {
        let mut e = self.primary();
        while let Some(Tok::Not) = self.peek() {
            self.at += 1;
            let rhs = self.primary();
            e = match (e, rhs) {
                (Some(a), Some(b)) => Some(format!("({a} & !{b})")),
                (a, None) => a,
                (None, Some(b)) => Some(format!("!{b}")),
            };
        }
        e
    }

    fn primary(&mut self) -> Option<String> {
        match self.peek().cloned() {
            Some(Tok::Open) => {
                self.at += 1;
                let e = self.or();
                if let Some(Tok::Close) = self.peek() {
                    self.at += 1;
                }
                e // parenthesised by `join` when compound
            }
            Some(Tok::Term(words, prefix)) => {
                self.at += 1;
                let n = words.len();
                let quoted: Vec<String> = words
                    .iter()
                    .enumerate()
                    .map(|(i, w)| {
                        let star = if prefix && i + 1 == n { ":*" } else { "" };
                        format!("'{}'{star}", w.replace('\\', "\\\\").replace('\'', "''"))
                    })
                    .collect();
                match quoted.len() {
                    0 => None,
                    1 => quoted.into_iter().next(),
                    _ => Some(format!("({})", quoted.join(" <-> "))),
                }
            }
            _ => None,
        }
    }
}

fn join(parts: Vec<String>, sep: &str) -> Option<String> {
    match parts.len() {
        0 => None,
        1 => parts.into_iter().next(),
        _ => Some(format!("({})", parts.join(sep))),
    }
}

#[cfg(test)]
mod tests {
    use super::from_fts5;

    fn q(s: &str) -> String {
        from_fts5(&crate::resolve::full_text_query(s)).unwrap_or_default()
    }

    #[test]
    fn words_phrases_and_operators() {
        assert_eq!(q("indivisible security"), "('indivisible' & 'security')");
        assert_eq!(
            q("\"security is indivisible\""),
            "('security' <-> 'is' <-> 'indivisible')"
        );
        assert_eq!(q("Secur*"), "'secur':*");
        assert_eq!(q("co-operation"), "('co' <-> 'operation')");
        assert_eq!(q("U.S*"), "('u' <-> 's':*)");
        assert_eq!(q("a OR b c"), "('a' | ('b' & 'c'))");
        assert_eq!(q("a AND (b OR c)"), "('a' & ('b' | 'c'))");
        assert_eq!(q("security NOT nato"), "('security' & !'nato')");
        assert_eq!(q("NEAR(charter europe, 5)"), "('charter' & 'europe')");
        assert_eq!(q("text:charter ^helsinki"), "('charter' & 'helsinki')");
        assert_eq!(q("Éq'al"), "('éq' <-> 'al')");
        assert_eq!(from_fts5("\"\""), None);
    }
}
