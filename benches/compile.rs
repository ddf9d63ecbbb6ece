//! Query compilation (parse + resolve + generate SQL) in-process, on the
//! built-in example store: the language's own overhead, without running SQL.
//! `compile/NAME`: with the whole catalog in memory (a shell session, once
//! anything has loaded it); `compile-lookup/NAME`: as a one-shot `concord
//! query` does it, the query's names looked up in the store's indexes.

use concord::engine::Engine;
use criterion::{Criterion, criterion_group, criterion_main};

const QUERIES: &[(&str, &str)] = &[
    (
        "cited_by_where",
        "clauses cited-by lavrov where principle = indivisibility",
    ),
    (
        "in_not_cited_by",
        "clauses in istanbul-charter#8 cited-by lavrov not cited-by usa",
    ),
    (
        "transitive_relation",
        "documents reaffirming* istanbul-charter order by date",
    ),
    (
        "statements_by_citing_after",
        "statements by russia citing istanbul-charter after 2022-01-01",
    ),
    (
        "count_by",
        "citations by lavrov where stance = invokes count by to",
    ),
    (
        "subquery",
        "clauses cited-by (actors in nato) where text ~ \"security\" limit 5",
    ),
];

fn compile(c: &mut Criterion) {
    let engine = Engine::example().expect("the built-in example builds");
    engine.load_catalog().expect("the catalog loads");
    bench_group(c, "compile", &engine);
    let lookup = Engine::example().expect("the built-in example builds");
    bench_group(c, "compile-lookup", &lookup);
}

fn bench_group(c: &mut Criterion, group: &str, engine: &Engine) {
    let mut group = c.benchmark_group(group);
    for (name, q) in QUERIES {
        engine.compile(q).expect("the benchmark queries compile");
        group.bench_function(*name, |b| {
            b.iter(|| {
                engine
                    .compile(std::hint::black_box(q))
                    .map(|s| s.text.len())
            })
        });
    }
    group.finish();
}

criterion_group!(benches, compile);
criterion_main!(benches);
