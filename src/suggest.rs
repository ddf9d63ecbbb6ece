//! "Did you mean" suggestions: the closest name among candidates.

/// The candidate closest to `name` by edit distance (case-folded), when it is
/// close enough to be a plausible typo: at most a third of the name's length
/// (at least 1, at most 3 edits).
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let len = name.chars().count();
    if len > 200 {
        return None; // nobody mistypes a 200-letter name; and the distance would cost len²
    }
    let name = crate::fold::fold(name);
    let limit = (len / 3).clamp(1, 3);
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        // Lengths that differ by more than `limit` cannot be within `limit` edits.
        if c.chars().count().abs_diff(len) > limit {
            continue;
        }
        let d = strsim::damerau_levenshtein(&name, &crate::fold::fold(c));
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn finds_typos_and_transpositions() {
        let names = ["lavrov", "blinken", "stoltenberg", "russia"];
        assert_eq!(closest("lavorv", names), Some("lavrov"));
        assert_eq!(closest("Blinkn", names), Some("blinken"));
        assert_eq!(closest("macron", names), None);
        assert_eq!(closest("ЛАВРОВ", ["лавров"]), Some("лавров"));
    }
}
