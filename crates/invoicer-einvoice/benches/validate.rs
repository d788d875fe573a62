//! Validation speed over the official example corpus and the generated 500-line invoice, each
//! beside the time spent only parsing the same bytes.
//!
//! `cargo bench -p invoicer-einvoice --bench validate`

use std::path::{Path, PathBuf};

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};

fn corpus() -> PathBuf {
    let dir = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/corpus/ubl"
    ));
    assert!(
        dir.join("examples").is_dir(),
        "the UBL example corpus is missing: expected {}/examples",
        dir.display()
    );
    dir
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn examples(dir: &Path) -> Vec<Vec<u8>> {
    let mut files = Vec::new();
    let mut pending = vec![dir.join("examples")];
    while let Some(d) = pending.pop() {
        for entry in std::fs::read_dir(&d).expect("a corpus folder") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                pending.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    files.iter().map(|p| read(p)).collect()
}

fn bench(c: &mut Criterion) {
    let dir = corpus();
    let typical = read(&dir.join("examples/peppol-examples/base-example.xml"));
    let large = read(&dir.join("generated/base-example-500-lines.xml"));
    let all = examples(&dir);
    let all_bytes: usize = all.iter().map(Vec::len).sum();

    for (name, doc) in [("typical invoice", &typical), ("500-line invoice", &large)] {
        let mut group = c.benchmark_group(name);
        group.throughput(Throughput::Bytes(doc.len() as u64));
        group.bench_function("validate", |b| {
            b.iter(|| invoicer_einvoice::validate(black_box(doc)))
        });
        group.bench_function("parse only", |b| {
            b.iter(|| invoicer_einvoice::parse_only(black_box(doc)))
        });
        group.finish();
    }

    let mut group = c.benchmark_group(format!("example corpus ({} documents)", all.len()));
    group.throughput(Throughput::Bytes(all_bytes as u64));
    group.bench_function("validate", |b| {
        b.iter(|| {
            for doc in &all {
                black_box(invoicer_einvoice::validate(black_box(doc)));
            }
        })
    });
    group.bench_function("parse only", |b| {
        b.iter(|| {
            for doc in &all {
                black_box(invoicer_einvoice::parse_only(black_box(doc)));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
