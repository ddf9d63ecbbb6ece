//! Text from a corpus or a user, made safe to show on a terminal.
//!
//! A title, a name, a clause or a file name may hold escape sequences (an OSC 52 clipboard
//! write, a window title, "clear screen"). Terminal output (tables, `show` cards,
//! diagnostics) passes such text through [`escape_controls`], so that every C0 and C1 control
//! character other than newline and tab is shown as a visible escape (`\x1b`, `\u{9b}`).
//! Machine formats (CSV, TSV, JSON) keep the exact text. Colours concord adds itself are
//! painted after escaping, so they still work.

use std::borrow::Cow;

/// Whether `c` is a control character a terminal would act on: C0 other than `\n` and `\t`,
/// DEL, or C1.
pub fn is_hostile_control(c: char) -> bool {
    matches!(c, '\0'..='\x08' | '\x0b'..='\x1f' | '\x7f'..='\u{9f}')
}

/// How a control character is shown: `\x1b` for C0 and DEL, `\u{9b}` for C1.
pub fn control_escape(c: char) -> String {
    if (c as u32) < 0x80 {
        format!("\\x{:02x}", c as u32)
    } else {
        format!("\\u{{{:x}}}", c as u32)
    }
}

/// `s` with every control character but newline and tab written as a visible escape;
/// borrowed when there is none.
pub fn escape_controls(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_hostile_control) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_hostile_control(c) {
            out.push_str(&control_escape(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::escape_controls;

    #[test]
    fn controls_become_visible_and_the_rest_stays() {
        assert_eq!(
            escape_controls("a\x1b]52;c;aGk=\x07b\u{9b}2J\tc\nd\r\u{7f}é"),
            "a\\x1b]52;c;aGk=\\x07b\\u{9b}2J\tc\nd\\x0d\\x7fé"
        );
        assert!(matches!(
            escape_controls("plain\ttext\n"),
            std::borrow::Cow::Borrowed(_)
        ));
    }
}
