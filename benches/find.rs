//! Throughput of `Finder::find` (MB of clause text per second, one thread unless named
//! `parallel-2`): generated statement text at two citation densities, its ASCII-only variant,
//! and the 28 open treaties.
//!
//! `cargo bench --bench find`

use std::hint::black_box;

use concord::cite::Finder;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

#[path = "../tests/cite_common/statements.rs"]
mod statements;
#[path = "../tests/cite_common/treaties.rs"]
mod treaties;

fn run(finder: &Finder, citing: &str, paras: &[String]) -> usize {
    paras
        .iter()
        .map(|p| finder.find(citing, black_box(p)).len())
        .sum()
}

fn bench(c: &mut Criterion) {
    let catalog = statements::catalog(treaties::all());
    let finder = Finder::new(&catalog);
    let mut group = c.benchmark_group("find");
    group.sample_size(10);

    let sets: Vec<(&str, Vec<String>)> = vec![
        (
            "statements-dense",
            statements::statements(1, 4_000_000, 12).0,
        ),
        (
            "statements-sparse",
            statements::statements(2, 4_000_000, 120).0,
        ),
        (
            "statements-ascii",
            statements::statements(3, 4_000_000, 120)
                .0
                .iter()
                .map(|p| p.replace('’', "'").replace(['“', '”'], "\""))
                .collect(),
        ),
    ];
    for (name, paras) in &sets {
        let bytes: usize = paras.iter().map(String::len).sum();
        group.throughput(Throughput::Bytes(bytes as u64));
        group.bench_function(*name, |b| b.iter(|| run(&finder, "statement", paras)));
    }

    let clauses: Vec<(String, String)> = catalog
        .documents
        .iter()
        .flat_map(|d| {
            d.clauses
                .iter()
                .map(move |c| (d.id.clone(), c.text.clone()))
        })
        .collect();
    let bytes: usize = clauses.iter().map(|c| c.1.len()).sum();
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("open-treaties", |b| {
        b.iter(|| {
            clauses
                .iter()
                .map(|(d, t)| finder.find(d, black_box(t)).len())
                .sum::<usize>()
        })
    });

    let paras = &sets[1].1;
    let bytes: usize = paras.iter().map(String::len).sum();
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("parallel-2/statements-sparse", |b| {
        b.iter(|| {
            let (left, right) = paras.split_at(paras.len() / 2);
            std::thread::scope(|s| {
                let h = s.spawn(|| run(&finder, "statement", left));
                run(&finder, "statement", right) + h.join().unwrap_or(0)
            })
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
