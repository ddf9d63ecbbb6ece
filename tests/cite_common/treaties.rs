//! Loads tests/data/open-treaties/*.json into a catalog: one document per file (id: the
//! file's stem, title: `treaty_en`), its preamble as clause `preamble` and each article as a
//! clause labelled with its number in arabic figures (八之二 → `8bis`).

#![allow(dead_code)] // shared by tests, benches and examples, each using a part

use concord::cite::{Catalog, ClauseEntry, DocEntry};

/// A file or folder of the repository's test data (`tests/data/`, see its README).
pub fn data(path: &str) -> String {
    format!("{}/tests/data/{path}", env!("CARGO_MANIFEST_DIR"))
}

/// A Chinese numeral as written in the data: 五十一 → 51, 一百零二 → 102, 三二〇 → 320, 八之二 → 8bis.
pub fn zh_label(s: &str) -> Option<String> {
    let (num, suffix) = match s.split_once('之') {
        Some((n, "二")) => (n, "bis"),
        Some((n, "三")) => (n, "ter"),
        Some((n, "四")) => (n, "quater"),
        Some(_) => return None,
        None => (s, ""),
    };
    let digit = |c: char| {
        "〇一二三四五六七八九"
            .chars()
            .position(|d| d == c)
            .or((c == '零').then_some(0))
    };
    let value = if num.contains(['十', '百']) {
        let (mut total, mut cur) = (0, 0);
        for c in num.chars() {
            match c {
                '百' => (total, cur) = (total + cur.max(1) * 100, 0),
                '十' => (total, cur) = (total + cur.max(1) * 10, 0),
                d => cur = digit(d)?,
            }
        }
        total + cur
    } else {
        num.chars()
            .try_fold(0, |acc, c| Some(acc * 10 + digit(c)?))?
    };
    Some(format!("{value}{suffix}"))
}

/// One treaty file as a document.
pub fn load(stem: &str) -> DocEntry {
    let path = format!("{}/{stem}.json", data("open-treaties"));
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let mut clauses = Vec::new();
    if let Some(p) = v["preamble_en"].as_str().filter(|p| !p.is_empty()) {
        clauses.push(ClauseEntry {
            label: "preamble".into(),
            text: p.into(),
            ..Default::default()
        });
    }
    for a in v["articles"].as_array().unwrap() {
        let label = zh_label(a["article"].as_str().unwrap()).unwrap();
        clauses.push(ClauseEntry {
            label,
            text: a["content_en"].as_str().unwrap_or("").into(),
            ..Default::default()
        });
    }
    DocEntry {
        id: stem.into(),
        title: v["treaty_en"].as_str().unwrap().into(),
        clauses,
        // Treaties: their bare references are their own articles.
        instrument: true,
        articles: true,
        ..Default::default()
    }
}

/// Every treaty, sorted by file name.
pub fn all() -> Catalog {
    let mut stems: Vec<String> = std::fs::read_dir(data("open-treaties"))
        .unwrap()
        .filter_map(|e| {
            e.ok()?
                .file_name()
                .to_str()?
                .strip_suffix(".json")
                .map(String::from)
        })
        .collect();
    stems.sort();
    let mut documents: Vec<DocEntry> = stems.iter().map(|s| load(s)).collect();
    for d in &mut documents {
        if d.id == "un-charter" {
            d.aliases = vec!["UN Charter".into(), "United Nations Charter".into()];
        }
    }
    Catalog {
        documents,
        principles: vec![],
    }
}
