//! Proof costs at a million leaves, next to the primitives they are made of:
//! one SHA-256 of 64 bytes (an interior node is one such hash) and one Ed25519
//! signature (what each checkpoint costs).

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use ed25519_dalek::{Signer as _, SigningKey};
use invoicer_ledger::{
    leaf_hash, prove_consistency, prove_inclusion, tree_hash, verify_inclusion, Checkpoint,
    MemoryLog, Signer,
};
use sha2::{Digest, Sha256};

const LEAVES: u64 = 1_000_000;

fn million_leaf_log() -> MemoryLog {
    let mut log = MemoryLog::new();
    for i in 0..LEAVES {
        log.append_leaf_hash(leaf_hash(&i.to_be_bytes()))
            .expect("in-memory append");
    }
    log
}

fn bench(c: &mut Criterion) {
    let log = million_leaf_log();
    let stored = log.stored_hashes();
    let root = tree_hash(LEAVES, stored).unwrap();

    c.bench_function("sha256 of 64 bytes", |b| {
        let block = [0x5au8; 64];
        b.iter(|| Sha256::digest(black_box(block)))
    });
    c.bench_function("ed25519 sign 100 bytes", |b| {
        let key = SigningKey::from_bytes(&[7; 32]);
        let message = [0x42u8; 100];
        b.iter(|| key.sign(black_box(&message)))
    });

    let mut index = 0u64;
    c.bench_function("inclusion proof at 1M leaves", |b| {
        b.iter(|| {
            index = (index + 7_919) % LEAVES;
            prove_inclusion(black_box(index), LEAVES, stored).unwrap()
        })
    });
    c.bench_function("consistency proof 999,999 -> 1M leaves", |b| {
        b.iter(|| prove_consistency(black_box(LEAVES - 1), LEAVES, stored).unwrap())
    });
    c.bench_function("tree hash at 1M leaves", |b| {
        b.iter(|| tree_hash(black_box(LEAVES), stored).unwrap())
    });
    let proof = prove_inclusion(123_456, LEAVES, stored).unwrap();
    let leaf = leaf_hash(&123_456u64.to_be_bytes());
    c.bench_function("verify inclusion at 1M leaves", |b| {
        b.iter(|| verify_inclusion(black_box(123_456), LEAVES, &leaf, &proof, &root))
    });

    let signer = Signer::from_seed("ledger.invoicer.example/proof", &[7; 32]).unwrap();
    let checkpoint = Checkpoint::new("ledger.invoicer.example/proof", LEAVES, root).unwrap();
    c.bench_function("sign checkpoint", |b| {
        b.iter(|| black_box(&checkpoint).sign(&signer).unwrap())
    });
    let note = checkpoint.sign(&signer).unwrap();
    let trusted = [signer.verifier()];
    c.bench_function("open checkpoint", |b| {
        b.iter(|| Checkpoint::open(black_box(note.as_bytes()), &trusted).unwrap())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
