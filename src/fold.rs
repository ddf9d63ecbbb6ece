//! Case folding for names and text: one definition used by the corpus reader,
//! the catalog, the `~` operator and the citation finder, so that `Лавров`,
//! `ЛАВРОВ` and `лавров` are the same name everywhere.

/// Folds `s` to Unicode lower case (`Лавров` → `лавров`, `İ` → `i̇`), with a
/// fast path for ASCII text.
pub fn fold(s: &str) -> String {
    if s.is_ascii() {
        s.to_ascii_lowercase()
    } else {
        s.to_lowercase()
    }
}

/// Folds `s` and collapses every run of whitespace into one space, trimming
/// the ends: the key under which a name is looked up (`"Sergey  Lavrov"`
/// finds `sergey lavrov`).
pub fn name_key(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&fold(word));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_beyond_ascii() {
        assert_eq!(fold("Лавров"), "лавров");
        assert_eq!(fold("ЛАВРОВ"), fold("лавров"));
        assert_eq!(fold("Ärger"), "ärger");
        assert_eq!(fold("Istanbul"), "istanbul");
    }

    #[test]
    fn name_key_collapses_whitespace() {
        assert_eq!(name_key("  Sergey \t Lavrov "), "sergey lavrov");
        assert_eq!(name_key("Сергей Лавров"), "сергей лавров");
    }
}
