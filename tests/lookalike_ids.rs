//! Ids that could pass for others are refused when a corpus is checked or built: an id that
//! mixes scripts (`lavrоv` with a Cyrillic `о`), one whose Unicode TR39 skeleton is that of
//! another id of its kind (`rn-state` beside `m-state`), and the ids `-`, `.` and `..`. An id
//! in one script other than Latin (`лавров`) is an id like any other.

mod common;

use common::{Scratch, build, check};

fn with_actor(s: &Scratch, id: &str) {
    let path = s.corpus().join("actors.toml");
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str(&format!(
        "\n[[actor]]\nid = \"{id}\"\nname = \"Someone {id}\"\nkind = \"person\"\n"
    ));
    std::fs::write(&path, text).unwrap();
}

#[test]
fn an_id_that_mixes_scripts_is_refused_and_nothing_is_written() {
    let s = Scratch::with_example();
    with_actor(&s, "lavr\u{43e}v");
    let r = check(&s.corpus());
    assert_eq!(r.code, Some(1), "{r:?}");
    assert!(r.stderr.contains("`lavrоv` mixes scripts"), "{}", r.stderr);
    assert!(
        r.stderr.contains("actors.toml:"),
        "says where: {}",
        r.stderr
    );
    let r = build(&s.corpus(), &s.db());
    assert_eq!(r.code, Some(1), "{r:?}");
    assert!(!s.db().exists(), "no store is written");
}

#[test]
fn an_id_that_looks_like_another_is_refused() {
    let s = Scratch::with_example();
    with_actor(&s, "m-state");
    with_actor(&s, "rn-state");
    let r = check(&s.corpus());
    assert_eq!(r.code, Some(1), "{r:?}");
    assert!(
        r.stderr
            .contains("actor id `rn-state` looks like actor `m-state`"),
        "{}",
        r.stderr
    );
}

#[test]
fn path_like_ids_are_refused() {
    for id in ["-", ".", ".."] {
        let s = Scratch::with_example();
        with_actor(&s, id);
        let r = check(&s.corpus());
        assert_eq!(r.code, Some(1), "{id}: {r:?}");
        assert!(
            r.stderr.contains(&format!("`{id}` is not a valid id")),
            "{id}: {}",
            r.stderr
        );
    }
}

#[test]
fn an_id_in_one_other_script_is_accepted() {
    let s = Scratch::with_example();
    with_actor(&s, "лавров-2");
    let r = build(&s.corpus(), &s.db());
    assert!(r.ok(), "{r:?}");
    let rows = common::query_csv(&s.db(), "actors where id = лавров-2 select id", &[]);
    assert_eq!(rows, [["лавров-2"]]);
}
