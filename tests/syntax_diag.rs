//! Rendering diagnostics: the source line, the underline at the right display column, notes.

use concord::diag::{Diagnostic, line_col, render};
use concord::syntax::{Span, parse_script};
use unicode_width::UnicodeWidthStr;

fn span_of(src: &str, part: &str) -> Span {
    let start = src.find(part).expect("part of src");
    Span::new(start, start + part.len())
}

#[test]
fn renders_like_the_spec() {
    let src = "clauses cited-by lavorv";
    let d = Diagnostic::new("unknown actor `lavorv`", span_of(src, "lavorv"))
        .with_label("did you mean `lavrov`?");
    assert_eq!(
        render(src, &d, false),
        "error: unknown actor `lavorv`\n  1 | clauses cited-by lavorv\n    |                  ^^^^^^ did you mean `lavrov`?\n"
    );
}

/// The display column of the first `^` in the rendered underline, minus the gutter.
fn caret_column(rendered: &str) -> usize {
    let line = rendered.lines().nth(2).expect("underline line");
    let gutter = line.find('|').expect("gutter") + 2;
    line[gutter..].find('^').expect("caret")
}

#[test]
fn underline_is_at_the_display_column() {
    for (src, part) in [
        ("clauses cited-by Лавров where текст ~ ошибка", "ошибка"),
        ("clauses cited-by 中华人民共和国 where x ~ 错误", "错误"),
        ("clauses\tcited-by\tx", "x"),
    ] {
        let d = Diagnostic::new("m", span_of(src, part));
        let rendered = render(src, &d, false);
        let before = &src[..src.find(part).unwrap()].replace('\t', "    ");
        assert_eq!(caret_column(&rendered), before.width(), "{rendered}");
        let carets = rendered.matches('^').count();
        assert_eq!(carets, part.width(), "{rendered}");
    }
}

#[test]
fn spans_at_the_end_show_a_caret_after_the_last_character() {
    for src in [
        "clauses cited-by (",
        "clauses cited-by (\n",
        "clauses cited-by (\r\n\n",
    ] {
        let d = Diagnostic::new("m", Span::new(src.len(), src.len()));
        let rendered = render(src, &d, false);
        assert_eq!(
            rendered, "error: m\n  1 | clauses cited-by (\n    |                   ^\n",
            "{src:?}"
        );
    }
}

#[test]
fn odd_spans_never_panic() {
    let src = "Лавров\n中文";
    for (start, end) in [
        (1, 2),
        (0, 100),
        (100, 200),
        (5, 3),
        (7, 8),
        (usize::MAX, usize::MAX),
    ] {
        let _ = render(src, &Diagnostic::new("m", Span::new(start, end)), true);
        let _ = line_col(src, start);
    }
    let _ = render("", &Diagnostic::new("m", Span::new(0, 0)), false);
}

#[test]
fn multi_line_sources_number_their_lines() {
    let src = (1..=12)
        .map(|n| format!("-- line {n}\n"))
        .collect::<String>()
        + "clauses x";
    let d = Diagnostic::new("m", span_of(&src, "x"))
        .with_note("a note")
        .with_help("a hint");
    assert_eq!(
        render(&src, &d, false),
        "error: m\n  13 | clauses x\n     |         ^\n     = note: a note\n     = help: a hint\n"
    );
    assert_eq!(line_col(&src, src.len() - 1), (13, 9));
}

#[test]
fn a_span_over_several_lines_is_underlined_to_the_end_of_its_first() {
    let src = "clauses where text = \"one\ntwo\"";
    let d = Diagnostic::new("m", span_of(src, "\"one\ntwo\""));
    assert!(
        render(src, &d, false)
            .ends_with("  1 | clauses where text = \"one\n    |                      ^^^^\n")
    );
}

#[test]
fn control_characters_are_shown_as_pictures() {
    let src = "clauses where x = \"a\0b\" y";
    let rendered = render(src, &Diagnostic::new("m", span_of(src, "y")), false);
    assert!(rendered.contains("\"a␀b\" y"), "{rendered}");
    assert_eq!(caret_column(&rendered), 24);
}

#[test]
fn color_adds_escapes_only_when_asked() {
    let d = Diagnostic::new("m", Span::new(0, 1));
    assert!(render("x", &d, true).contains("\x1b["));
    assert!(!render("x", &d, false).contains('\x1b'));
}

#[test]
fn syntax_errors_convert_with_label_and_help() {
    let src = "clauses cited-by where";
    let errors = parse_script(src).expect_err("keyword");
    let d = Diagnostic::from(&errors[0]);
    assert_eq!(d.label.as_deref(), Some("expected a target"));
    assert_eq!(d.notes.len(), 1);
}
