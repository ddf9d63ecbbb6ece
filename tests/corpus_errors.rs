//! Every validation error of the corpus format (spec: "Validation"), each
//! on a small corpus in a temporary folder, through `concord check DIR` and
//! `concord build DIR -o X.db`: non-zero exit, the exact message, file, line
//! and column, and nothing written.

mod common;

use std::fs;

use common::*;

/// Writes `files` as a corpus, runs `check` and `build` on it, and asserts
/// that both fail (exit 1) with the same report and that the build left its
/// output folder empty. Returns the report (stderr).
fn report_bytes(files: &[(&str, &[u8])]) -> String {
    let s = Scratch::new();
    write_files(&s.corpus(), files);
    let c = check(&s.corpus());
    let b = build(&s.corpus(), &s.db());
    assert_eq!(c.code, Some(1), "check did not fail: {c:?}");
    assert_eq!(b.code, Some(1), "build did not fail: {b:?}");
    assert_eq!(c.stderr, b.stderr, "check and build report differently");
    assert_eq!(
        list_dir(&s.out()),
        Vec::<String>::new(),
        "a failed build wrote files"
    );
    b.stderr
}

fn report(files: &[(&str, &str)]) -> String {
    let files: Vec<(&str, &[u8])> = files.iter().map(|(n, t)| (*n, t.as_bytes())).collect();
    report_bytes(&files)
}

/// The renderer's block for a problem on an ASCII line: message, location,
/// source line, and `width` carets under column `col` followed by the help.
fn block(
    message: &str,
    path: &str,
    line: usize,
    col: usize,
    source: &str,
    width: usize,
    help: &str,
) -> String {
    let pad = " ".repeat(line.to_string().len());
    let help = if help.is_empty() {
        String::new()
    } else {
        format!(" {help}")
    };
    format!(
        "error: {message}\n{pad}--> {path}:{line}:{col}\n{pad} |\n{line} | {source}\n{pad} | {}{}{help}",
        " ".repeat(col - 1),
        "^".repeat(width)
    )
}

/// Asserts that `report` holds `expected` as one whole error.
fn assert_reported(report: &str, expected: &str) {
    assert!(
        report.starts_with(&format!("{expected}\n\n"))
            || report.contains(&format!("\n{expected}\n\n")),
        "expected\n{expected}\n\nin the report\n{report}"
    );
}

/// Asserts the closing line of a report: how many problems were found.
fn assert_count(report: &str, n: usize) {
    let last = format!("error: {n} problem(s) found; nothing was written\n");
    assert!(
        report.ends_with(&last),
        "expected `{last}` at the end of\n{report}"
    );
    assert_eq!(
        report.matches("\nerror: ").count() + usize::from(report.starts_with("error: ")),
        n + 1
    );
}

/// One problem, exactly: the report is this block and the count line.
fn assert_only(report: &str, expected: &str) {
    assert_reported(report, expected);
    assert_count(report, 1);
}

/// A small valid corpus that references can point into.
const BASE: &str = r#"[[actor]]
id = "lavrov"
name = "Sergey Lavrov"
aliases = ["Sergey Lavrov"]

[[actor]]
id = "russia"
name = "Russian Federation"

[[actor]]
id = "nato"
name = "North Atlantic Treaty Organization"

[[principle]]
id = "indivisibility"
name = "Indivisibility of security"

[[document]]
id = "istanbul-charter"
title = "Charter for European Security"

[[document.clause]]
id = "8"
text = "Paragraph 8."

[[document.clause]]
id = "8.2"
text = "Sentence 2."
"#;

/// The report for the base corpus plus `b.toml` holding `extra`.
fn report_with_base(extra: &str) -> String {
    report(&[("a.toml", BASE), ("b.toml", extra)])
}

// ---------------------------------------------------------------------------
// Syntax errors
// ---------------------------------------------------------------------------

#[test]
fn toml_syntax_error_is_located() {
    let r = report(&[("a.toml", "[[actor]]\nid = \"lavrov\nname = \"x\"\n")]);
    let expected = block(
        "TOML syntax error: invalid basic string, expected `\"`",
        "a.toml",
        2,
        13,
        "id = \"lavrov",
        1,
        "",
    );
    assert_only(&r, &expected);
}

#[test]
fn json_syntax_error_is_located() {
    let r = report(&[(
        "a.json",
        "{\"actor\": [\n  {\"id\": \"x\", \"name\": \"y\",}\n]}\n",
    )]);
    let expected = block(
        "JSON syntax error: expected a key in double quotes",
        "a.json",
        2,
        27,
        "  {\"id\": \"x\", \"name\": \"y\",}",
        1,
        "",
    );
    assert_only(&r, &expected);
}

#[test]
fn front_matter_syntax_error_is_located_in_the_text_file() {
    let r = report(&[("s/d.txt", "+++\nid = \"d\"\ntitle = \"x\n+++\nBody.\n")]);
    let expected = block(
        "front matter: TOML syntax error: invalid basic string, expected `\"`",
        "s/d.txt",
        3,
        11,
        "title = \"x",
        1,
        "",
    );
    assert_only(&r, &expected);
}

#[test]
fn unclosed_front_matter_is_reported_at_its_opening_line() {
    let r = report(&[("d.md", "+++\nid = \"d\"\ntitle = \"x\"\nBody.\n")]);
    let expected = block(
        "front matter is not closed",
        "d.md",
        1,
        1,
        "+++",
        3,
        "end it with a line `+++`",
    );
    assert_only(&r, &expected);
}

// ---------------------------------------------------------------------------
// Missing keys, wrong types, ids, dates
// ---------------------------------------------------------------------------

#[test]
#[rustfmt::skip]
fn missing_required_keys_are_reported_for_every_record_kind() {
    let doc = "[[document]]\nid = \"d\"\ntitle = \"T\"\n\n";
    // (file content, message, line, source line)
    let cases: Vec<(String, &str, usize, &str)> = vec![
        ("[[actor]]\nname = \"A\"\n".into(), "actor is missing required key `id`", 1, "[[actor]]"),
        ("[[actor]]\nid = \"a\"\n".into(), "actor is missing required key `name`", 1, "[[actor]]"),
        ("[[principle]]\nname = \"P\"\n".into(), "principle is missing required key `id`", 1, "[[principle]]"),
        ("[[principle]]\nid = \"p\"\n".into(), "principle is missing required key `name`", 1, "[[principle]]"),
        ("[[document]]\ntitle = \"T\"\n".into(), "document is missing required key `id`", 1, "[[document]]"),
        ("[[document]]\nid = \"d\"\n".into(), "document is missing required key `title`", 1, "[[document]]"),
        (format!("{doc}[[document.clause]]\ntext = \"x\"\n"), "clause is missing required key `id`", 5, "[[document.clause]]"),
        (format!("{doc}[[document.clause]]\nid = \"1\"\n"), "clause is missing required key `text`", 5, "[[document.clause]]"),
        (format!("{doc}[[relation]]\ntype = \"reaffirms\"\nto = \"d\"\n"), "relation is missing required key `from`", 5, "[[relation]]"),
        (format!("{doc}[[relation]]\nfrom = \"d\"\nto = \"d\"\n"), "relation is missing required key `type`", 5, "[[relation]]"),
        (format!("{doc}[[relation]]\nfrom = \"d\"\ntype = \"amends\"\n"), "relation is missing required key `to`", 5, "[[relation]]"),
        (format!("{doc}[[citation]]\nto = \"d\"\n"), "citation is missing required key `from`", 5, "[[citation]]"),
        (format!("{doc}[[citation]]\nfrom = \"d\"\n"), "citation is missing required key `to`", 5, "[[citation]]"),
    ];
    for (content, message, line, source) in cases {
        let r = report(&[("a.toml", &content)]);
        let expected = block(message, "a.toml", line, 1, source, source.len(), "");
        assert_only(&r, &expected);
    }
}

#[test]
fn missing_title_in_front_matter_is_reported_in_the_text_file() {
    let r = report(&[("d.txt", "+++\nid = \"d\"\nplace = \"Moscow\"\n+++\nBody.\n")]);
    let expected = block(
        "document is missing required key `title`",
        "d.txt",
        2,
        1,
        "id = \"d\"",
        1,
        "",
    );
    assert_only(&r, &expected);
}

#[test]
fn missing_required_key_in_json_points_at_the_record() {
    let r = report(&[("a.json", "{\"actor\": [\n  {\"name\": \"A\"}\n]}\n")]);
    let expected = block(
        "actor is missing required key `id`",
        "a.json",
        2,
        3,
        "  {\"name\": \"A\"}",
        13,
        "",
    );
    assert_only(&r, &expected);
}

/// (file, content, message, line, col, source line, width, help)
type WrongType = (
    &'static str,
    &'static str,
    &'static str,
    usize,
    usize,
    &'static str,
    usize,
    &'static str,
);

#[test]
#[rustfmt::skip]
fn values_of_the_wrong_type_are_reported_at_the_value() {
    let cases: Vec<WrongType> = vec![
        ("a.toml", "[[actor]]\nid = \"x\"\nname = 5\n", "`name` must be a string, found an integer", 3, 8, "name = 5", 1, ""),
        ("a.toml", "[[document]]\nid = \"d\"\ntitle = \"T\"\nexcerpt = \"yes\"\n", "`excerpt` must be true or false, found a string", 4, 11, "excerpt = \"yes\"", 5, ""),
        ("a.toml", "[[document]]\nid = \"d\"\ntitle = \"T\"\nauthors = 3\n", "`authors` must be a list of strings, found an integer", 4, 11, "authors = 3", 1, ""),
        ("a.toml", "[[document]]\nid = \"d\"\ntitle = \"T\"\ndate = true\n", "`date` must be a date, found a boolean", 4, 8, "date = true", 4, ""),
        ("a.toml", "[[document]]\nid = \"d\"\ntitle = \"T\"\ntext = 5\n", "`text` must be a string, found an integer", 4, 8, "text = 5", 1, ""),
        ("a.toml", "[[document]]\nid = \"d\"\ntitle = \"T\"\nclause = \"x\"\n", "`clause` must be a list of clause records ([[document.clause]])", 4, 10, "clause = \"x\"", 3, ""),
        ("a.toml", "actor = \"lavrov\"\n", "`actor` must be a list of records", 1, 9, "actor = \"lavrov\"", 8, "write `[[actor]]` tables (TOML) or a JSON array"),
        ("a.json", "{\"principle\": [{\"id\": 5, \"name\": \"P\"}]}\n", "`id` must be a string, found an integer", 1, 23, "{\"principle\": [{\"id\": 5, \"name\": \"P\"}]}", 1, ""),
        ("d.txt", "+++\nid = \"d\"\ntitle = [\"T\"]\n+++\nBody.\n", "`title` must be a string, found an array", 3, 9, "title = [\"T\"]", 5, ""),
    ];
    for (file, content, message, line, col, source, width, help) in cases {
        let r = report(&[(file, content)]);
        assert_only(&r, &block(message, file, line, col, source, width, help));
    }
}

#[test]
fn id_that_is_not_a_slug_is_reported_with_a_slug_to_try() {
    let r = report(&[("a.toml", "[[actor]]\nid = \"Lavrov X\"\nname = \"x\"\n")]);
    let expected = block(
        "`Lavrov X` is not a valid id",
        "a.toml",
        2,
        6,
        "id = \"Lavrov X\"",
        10,
        "ids are lowercase letters, digits, `-`, `_` and `.`; try `lavrov-x`",
    );
    assert_only(&r, &expected);
}

#[test]
fn id_that_is_not_a_slug_in_front_matter_is_reported() {
    let r = report(&[(
        "d.txt",
        "+++\nid = \"Lavrov 2022\"\ntitle = \"x\"\n+++\nBody.\n",
    )]);
    let expected = block(
        "`Lavrov 2022` is not a valid id",
        "d.txt",
        2,
        6,
        "id = \"Lavrov 2022\"",
        13,
        "ids are lowercase letters, digits, `-`, `_` and `.`; try `lavrov-2022`",
    );
    assert_only(&r, &expected);
}

#[test]
fn date_that_is_not_in_the_calendar_is_reported() {
    let help = "dates are `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, and must exist in the calendar";
    for date in ["2022-02-30", "2022-13", "22-01-01"] {
        let src = format!("date = \"{date}\"");
        let r = report(&[(
            "a.toml",
            &format!("[[document]]\nid = \"d\"\ntitle = \"x\"\n{src}\n"),
        )]);
        let expected = block(
            &format!("bad date `{date}`"),
            "a.toml",
            4,
            8,
            &src,
            date.len() + 2,
            help,
        );
        assert_only(&r, &expected);
    }
}

#[test]
fn toml_date_literal_that_is_not_in_the_calendar_is_a_syntax_error_at_the_date() {
    let r = report(&[(
        "a.toml",
        "[[document]]\nid = \"d\"\ntitle = \"x\"\ndate = 2022-02-30\n",
    )]);
    let expected = block(
        "TOML syntax error: invalid date, expected day between 01 and 28",
        "a.toml",
        4,
        8,
        "date = 2022-02-30",
        10,
        "",
    );
    assert_only(&r, &expected);
    let r = report(&[(
        "d.txt",
        "+++\nid = \"d\"\ntitle = \"x\"\ndate = 2022-02-30\n+++\nBody.\n",
    )]);
    let expected = block(
        "front matter: TOML syntax error: invalid date, expected day between 01 and 28",
        "d.txt",
        4,
        8,
        "date = 2022-02-30",
        10,
        "",
    );
    assert_only(&r, &expected);
}

// ---------------------------------------------------------------------------
// Duplicates
// ---------------------------------------------------------------------------

#[test]
fn duplicate_id_is_reported_with_its_first_definition() {
    let r = report(&[
        ("a.toml", "[[actor]]\nid = \"lavrov\"\nname = \"A\"\n"),
        (
            "b.toml",
            "# again\n\n[[actor]]\nid = \"lavrov\"\nname = \"B\"\n",
        ),
    ]);
    let expected = block(
        "duplicate actor id `lavrov`",
        "b.toml",
        3,
        1,
        "[[actor]]",
        9,
        "first defined in a.toml:1",
    );
    assert_only(&r, &expected);
}

#[test]
fn duplicate_document_id_between_a_text_file_and_a_toml_file() {
    let r = report(&[
        (
            "a.toml",
            "[[principle]]\nid = \"p\"\nname = \"P\"\n\n[[document]]\nid = \"d\"\ntitle = \"D\"\n",
        ),
        ("s/d.txt", "+++\nid = \"d\"\ntitle = \"x\"\n+++\nBody.\n"),
    ]);
    let expected = block(
        "duplicate document id `d`",
        "s/d.txt",
        1,
        1,
        "+++",
        3,
        "first defined in a.toml:5",
    );
    assert_only(&r, &expected);
}

#[test]
fn duplicate_explicit_label_is_reported_at_the_second_label() {
    let r = report(&[(
        "d.txt",
        "+++\nid = \"d\"\ntitle = \"x\"\n+++\nFirst paragraph.\n{#intro}\n\nSecond.\n{#intro}\n",
    )]);
    let expected = block(
        "duplicate clause label `intro` in document `d`",
        "d.txt",
        9,
        1,
        "{#intro}",
        1,
        "",
    );
    assert_only(&r, &expected);
}

#[test]
fn duplicate_clause_id_in_toml_is_reported_at_the_second_id() {
    let r = report(&[(
        "a.toml",
        "[[document]]\nid = \"d\"\ntitle = \"x\"\n\n[[document.clause]]\nid = \"8\"\ntext = \"a\"\n\n[[document.clause]]\nid = \"8\"\ntext = \"b\"\n",
    )]);
    let expected = block(
        "duplicate clause label `8` in document `d`",
        "a.toml",
        10,
        6,
        "id = \"8\"",
        3,
        "",
    );
    assert_only(&r, &expected);
}

// ---------------------------------------------------------------------------
// Unknown references, one per kind
// ---------------------------------------------------------------------------

#[test]
fn unknown_author_is_reported_with_did_you_mean() {
    let r = report_with_base("[[document]]\nid = \"d\"\ntitle = \"x\"\nauthors = [\"lavorv\"]\n");
    let expected = block(
        "unknown actor `lavorv`",
        "b.toml",
        4,
        12,
        "authors = [\"lavorv\"]",
        8,
        "did you mean `lavrov`?",
    );
    assert_only(&r, &expected);
}

#[test]
fn unknown_author_in_front_matter_is_reported_with_did_you_mean() {
    let r = report(&[
        ("a.toml", BASE),
        (
            "s/d.txt",
            "+++\nid = \"d\"\ntitle = \"x\"\nauthors = [\"russia\", \"lavorv\"]\n+++\nBody.\n",
        ),
    ]);
    let expected = block(
        "unknown actor `lavorv`",
        "s/d.txt",
        4,
        22,
        "authors = [\"russia\", \"lavorv\"]",
        8,
        "did you mean `lavrov`?",
    );
    assert_only(&r, &expected);
}

#[test]
fn unknown_member_of_group_is_reported_with_did_you_mean() {
    let r = report_with_base("[[actor]]\nid = \"usa\"\nname = \"USA\"\nmember-of = [\"natoo\"]\n");
    let expected = block(
        "unknown actor `natoo`",
        "b.toml",
        4,
        14,
        "member-of = [\"natoo\"]",
        7,
        "did you mean `nato`?",
    );
    assert_only(&r, &expected);
}

#[test]
fn unknown_represented_actor_is_reported_with_did_you_mean() {
    let r =
        report_with_base("[[actor]]\nid = \"putin\"\nname = \"Putin\"\nrepresents = [\"rusia\"]\n");
    let expected = block(
        "unknown actor `rusia`",
        "b.toml",
        4,
        15,
        "represents = [\"rusia\"]",
        7,
        "did you mean `russia`?",
    );
    assert_only(&r, &expected);
}

#[test]
fn unknown_clause_principle_is_reported_with_did_you_mean() {
    let r = report_with_base(
        "[[document]]\nid = \"d\"\ntitle = \"x\"\n\n[[document.clause]]\nid = \"1\"\ntext = \"t\"\nprinciples = [\"indivisibilty\"]\n",
    );
    let expected = block(
        "unknown principle `indivisibilty`",
        "b.toml",
        8,
        15,
        "principles = [\"indivisibilty\"]",
        15,
        "did you mean `indivisibility`?",
    );
    assert_only(&r, &expected);
}

#[test]
fn unknown_relation_ends_are_reported_with_did_you_mean() {
    let r = report_with_base(
        "[[relation]]\nfrom = \"istanbul-chartr\"\ntype = \"reaffirms\"\nto = \"istanbul-charte\"\n",
    );
    let from = block(
        "unknown document `istanbul-chartr`",
        "b.toml",
        2,
        8,
        "from = \"istanbul-chartr\"",
        17,
        "did you mean `istanbul-charter`?",
    );
    let to = block(
        "unknown document `istanbul-charte`",
        "b.toml",
        4,
        6,
        "to = \"istanbul-charte\"",
        17,
        "did you mean `istanbul-charter`?",
    );
    assert_reported(&r, &from);
    assert_reported(&r, &to);
    assert_count(&r, 2);
}

#[test]
fn unknown_citation_from_document_is_reported_with_did_you_mean() {
    let r =
        report_with_base("[[citation]]\nfrom = \"istanbul-chartr#8\"\nto = \"indivisibility\"\n");
    let expected = block(
        "unknown document `istanbul-chartr`",
        "b.toml",
        2,
        8,
        "from = \"istanbul-chartr#8\"",
        19,
        "did you mean `istanbul-charter`?",
    );
    assert_only(&r, &expected);
}

#[test]
fn unknown_citation_to_is_reported_with_did_you_mean() {
    let r =
        report_with_base("[[citation]]\nfrom = \"istanbul-charter#8\"\nto = \"indivisibilit\"\n");
    let expected = block(
        "unknown document or principle `indivisibilit`",
        "b.toml",
        3,
        6,
        "to = \"indivisibilit\"",
        15,
        "did you mean `indivisibility`?",
    );
    assert_only(&r, &expected);
}

#[test]
fn unknown_clause_label_is_reported_with_did_you_mean() {
    let r = report_with_base(
        "[[citation]]\nfrom = \"istanbul-charter#8\"\nto = \"istanbul-charter#8.3\"\n",
    );
    let expected = block(
        "document `istanbul-charter` has no clause `8.3`",
        "b.toml",
        3,
        6,
        "to = \"istanbul-charter#8.3\"",
        22,
        "did you mean `istanbul-charter#8.2`?",
    );
    assert_only(&r, &expected);
}

#[test]
fn unknown_clause_label_without_a_close_one_lists_the_clauses() {
    let r = report_with_base(
        "[[citation]]\nfrom = \"istanbul-charter#preamble\"\nto = \"indivisibility\"\n",
    );
    let expected = block(
        "document `istanbul-charter` has no clause `preamble`",
        "b.toml",
        2,
        8,
        "from = \"istanbul-charter#preamble\"",
        27,
        "its clauses are: 8, 8.2",
    );
    assert_only(&r, &expected);
}

#[test]
fn unknown_citation_by_actor_is_reported_with_did_you_mean() {
    let r = report_with_base(
        "[[citation]]\nfrom = \"istanbul-charter#8\"\nto = \"indivisibility\"\nby = [\"lavorv\"]\n",
    );
    let expected = block(
        "unknown actor `lavorv`",
        "b.toml",
        4,
        7,
        "by = [\"lavorv\"]",
        8,
        "did you mean `lavrov`?",
    );
    assert_only(&r, &expected);
}

#[test]
fn unknown_citation_source_is_reported_with_did_you_mean() {
    let r = report_with_base(
        "[[citation]]\nfrom = \"istanbul-charter#8\"\nto = \"indivisibility\"\nsource = \"istanbul-chater\"\n",
    );
    let expected = block(
        "unknown document `istanbul-chater`",
        "b.toml",
        4,
        10,
        "source = \"istanbul-chater\"",
        17,
        "did you mean `istanbul-charter`?",
    );
    assert_only(&r, &expected);
}

#[test]
fn unknown_reference_with_nothing_close_has_no_suggestion() {
    let r = report_with_base("[[document]]\nid = \"d\"\ntitle = \"x\"\nauthors = [\"macron\"]\n");
    let expected = block(
        "unknown actor `macron`",
        "b.toml",
        4,
        12,
        "authors = [\"macron\"]",
        8,
        "",
    );
    assert_only(&r, &expected);
}

#[test]
fn reference_by_alias_instead_of_id_says_so() {
    let r = report_with_base(
        "[[document]]\nid = \"d\"\ntitle = \"x\"\nauthors = [\"Sergey Lavrov\"]\n",
    );
    let expected = block(
        "unknown actor `Sergey Lavrov`",
        "b.toml",
        4,
        12,
        "authors = [\"Sergey Lavrov\"]",
        15,
        "`Sergey Lavrov` is an alias of actor `lavrov`; references use ids",
    );
    assert_only(&r, &expected);
}

#[test]
fn references_match_ids_case_insensitively() {
    // Not an error: the spec matches names case-insensitively.
    let s = Scratch::new();
    write_files(
        &s.corpus(),
        &[
            ("a.toml", BASE.as_bytes()),
            (
                "b.toml",
                b"[[document]]\nid = \"d\"\ntitle = \"x\"\nauthors = [\"LAVROV\"]\n",
            ),
        ],
    );
    let r = check(&s.corpus());
    assert!(r.ok(), "{r:?}");
    assert!(build(&s.corpus(), &s.db()).ok());
    let conn = open(&s.db());
    assert_eq!(
        column(
            &conn,
            "SELECT a.slug FROM document_authors da JOIN actors a ON a.id = da.actor_id JOIN documents d ON d.id = da.document_id WHERE d.slug = 'd'"
        ),
        ["lavrov"]
    );
}

// ---------------------------------------------------------------------------
// Encoding and unknown keys
// ---------------------------------------------------------------------------

#[test]
fn invalid_utf8_is_reported_at_its_line_and_column() {
    let r = report_bytes(&[(
        "a.toml",
        b"[[actor]]\nid = \"x\"\nname = \"Sergey \xff Lavrov\"\n",
    )]);
    assert_only(
        &r,
        "error: invalid UTF-8 (byte 0xff at offset 34); save the file as UTF-8\n  --> a.toml:3:16",
    );
}

#[test]
fn invalid_utf8_column_counts_characters_not_bytes() {
    // Line 7 of a text document: `name = "Лавров ` is 15 characters but 21 bytes.
    let mut bytes = "+++\nid = \"d\"\ntitle = \"x\"\n+++\nFirst.\n\nname = \"Лавров "
        .as_bytes()
        .to_vec();
    let offset = bytes.len();
    bytes.push(0xC3); // a lead byte with no continuation byte
    bytes.extend_from_slice(b" end\n");
    let r = report_bytes(&[("s/d.txt", &bytes)]);
    assert_only(
        &r,
        &format!(
            "error: invalid UTF-8 (byte 0xc3 at offset {offset}); save the file as UTF-8\n  --> s/d.txt:7:16"
        ),
    );
}

#[test]
fn unknown_key_is_reported_with_did_you_mean() {
    let r = report(&[(
        "a.toml",
        "[[document]]\nid = \"d\"\ntitle = \"x\"\nautors = []\n",
    )]);
    let expected = block(
        "unknown key `autors` in document",
        "a.toml",
        4,
        1,
        "autors = []",
        6,
        "did you mean `authors`?",
    );
    assert_only(&r, &expected);
}

#[test]
fn unknown_key_in_front_matter_is_reported_with_did_you_mean() {
    let r = report(&[(
        "d.md",
        "+++\nid = \"d\"\ntitle = \"x\"\nautors = [\"a\"]\n+++\nBody.\n",
    )]);
    let expected = block(
        "unknown key `autors` in document",
        "d.md",
        4,
        1,
        "autors = [\"a\"]",
        6,
        "did you mean `authors`?",
    );
    assert_only(&r, &expected);
}

#[test]
fn unknown_key_with_nothing_close_lists_the_keys() {
    let r = report(&[(
        "a.toml",
        "[[actor]]\nid = \"a\"\nname = \"A\"\nfavourite-colour = \"red\"\n",
    )]);
    let expected = block(
        "unknown key `favourite-colour` in actor",
        "a.toml",
        4,
        1,
        "favourite-colour = \"red\"",
        16,
        "the keys of actor are: id, name, kind, role, member-of, represents, aliases",
    );
    assert_only(&r, &expected);
}

#[test]
fn unknown_record_kind_is_reported_with_did_you_mean() {
    let r = report(&[("a.toml", "[[actors]]\nid = \"a\"\nname = \"A\"\n")]);
    let expected = block(
        "unknown record kind `actors`",
        "a.toml",
        1,
        3,
        "[[actors]]",
        6,
        "did you mean `actor`?",
    );
    assert_only(&r, &expected);
}

/// The spec asks for file and line of every problem; an unknown actor kind
/// is a bad value of the `kind` key. Found: it is reported at the record's
/// first line (`[[actor]]`, line 1) instead of the `kind` line (line 4).
#[test]
fn unknown_actor_kind_is_reported_at_the_kind_value() {
    let r = report(&[(
        "a.toml",
        "[[actor]]\nid = \"x\"\nname = \"X\"\nkind = \"persn\"\n",
    )]);
    let expected = block(
        "unknown actor kind `persn`",
        "a.toml",
        4,
        8,
        "kind = \"persn\"",
        7,
        "one of: person, state, organization, group, other",
    );
    assert_only(&r, &expected);
}

// ---------------------------------------------------------------------------
// Many problems at once
// ---------------------------------------------------------------------------

#[test]
fn all_problems_in_all_files_are_reported_in_one_run() {
    let r = report(&[
        ("a.toml", BASE),
        // Two problems: a bad slug and a misspelt member-of.
        (
            "b.toml",
            "[[actor]]\nid = \"Blinken\"\nname = \"B\"\n\n[[actor]]\nid = \"usa\"\nname = \"USA\"\nmember-of = [\"natoo\"]\n",
        ),
        // One problem: a JSON syntax error.
        (
            "c.json",
            "{\"principle\": [\n  {\"id\": \"p\" \"name\": \"P\"}\n]}\n",
        ),
        // Two problems: an unknown key, and a citation of a missing clause.
        (
            "d.txt",
            "+++\nid = \"d\"\ntitle = \"x\"\nautors = [\"lavrov\"]\n+++\nBody.\n",
        ),
        (
            "e.toml",
            "[[citation]]\nfrom = \"d#p1\"\nto = \"istanbul-charter#9\"\n",
        ),
    ]);
    assert_reported(
        &r,
        &block(
            "`Blinken` is not a valid id",
            "b.toml",
            2,
            6,
            "id = \"Blinken\"",
            9,
            "ids are lowercase letters, digits, `-`, `_` and `.`; try `blinken`",
        ),
    );
    assert_reported(
        &r,
        &block(
            "unknown actor `natoo`",
            "b.toml",
            8,
            14,
            "member-of = [\"natoo\"]",
            7,
            "did you mean `nato`?",
        ),
    );
    assert_reported(
        &r,
        &block(
            "JSON syntax error: expected `,` or `}` in an object",
            "c.json",
            2,
            14,
            "  {\"id\": \"p\" \"name\": \"P\"}",
            1,
            "",
        ),
    );
    assert_reported(
        &r,
        &block(
            "unknown key `autors` in document",
            "d.txt",
            4,
            1,
            "autors = [\"lavrov\"]",
            6,
            "did you mean `authors`?",
        ),
    );
    assert_reported(
        &r,
        &block(
            "document `istanbul-charter` has no clause `9`",
            "e.toml",
            3,
            6,
            "to = \"istanbul-charter#9\"",
            20,
            "did you mean `istanbul-charter#8`?",
        ),
    );
    assert_count(&r, 5);
}

/// "All problems found are reported together (not only the first)": a file
/// that is not UTF-8 does not stop the other files from being checked.
/// (Regression: it used to end the run before any other file was parsed.)
#[test]
fn invalid_utf8_does_not_hide_problems_in_other_files() {
    let r = report_bytes(&[
        (
            "a.toml",
            b"[[actor]]\nid = \"x\"\nname = \"Sergey \xff Lavrov\"\n",
        ),
        ("b.toml", b"[[principle]]\nid = \"p\"\nname = \"x\n"),
    ]);
    assert_reported(
        &r,
        "error: invalid UTF-8 (byte 0xff at offset 34); save the file as UTF-8\n  --> a.toml:3:16",
    );
    assert_reported(
        &r,
        &block(
            "TOML syntax error: invalid basic string, expected `\"`",
            "b.toml",
            3,
            10,
            "name = \"x",
            1,
            "",
        ),
    );
    assert_count(&r, 2);
}

// ---------------------------------------------------------------------------
// A failed build of the real corpus changes nothing
// ---------------------------------------------------------------------------

#[test]
fn mistyped_actor_in_the_example_fails_and_leaves_the_existing_store_unchanged() {
    let s = Scratch::with_example();
    let db = s.db();
    let first = build(&s.corpus(), &db);
    assert!(first.ok(), "{first:?}");
    let before = fs::read(&db).unwrap();
    assert_eq!(list_dir(&s.out()), ["osce.db"]);

    let file = s.corpus().join("statements/lavrov-2022-01-27.txt");
    let text = fs::read_to_string(&file).unwrap();
    assert_eq!(text.lines().nth(6), Some("authors = [\"lavrov\"]"));
    fs::write(
        &file,
        text.replacen("authors = [\"lavrov\"]", "authors = [\"lavorv\"]", 1),
    )
    .unwrap();

    let r = build(&s.corpus(), &db);
    assert_eq!(r.code, Some(1), "{r:?}");
    assert_reported(
        &r.stderr,
        &block(
            "unknown actor `lavorv`",
            "statements/lavrov-2022-01-27.txt",
            7,
            12,
            "authors = [\"lavorv\"]",
            8,
            "did you mean `lavrov`?",
        ),
    );
    assert_count(&r.stderr, 1);
    assert!(!r.stderr.contains("built "), "{}", r.stderr);
    assert!(fs::read(&db).unwrap() == before, "the store changed");
    assert_eq!(
        list_dir(&s.out()),
        ["osce.db"],
        "no -wal, -shm or temporary file may be left"
    );
    let c = check(&s.corpus());
    assert_eq!((c.code, c.stderr.clone()), (Some(1), r.stderr.clone()));
}
