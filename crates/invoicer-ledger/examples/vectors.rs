//! Emits a log's artefacts as JSON for an independent implementation to check,
//! and checks artefacts produced by one.
//!
//! `vectors [ENTRIES]` prints the log's keys, stored hashes, signed
//! checkpoints at growing sizes, inclusion and consistency proofs and tiles.
//! `vectors open FILE` reads `{"vkey": ..., "notes": [...]}` written by another
//! implementation and opens every note with that key, failing on the first
//! note that does not verify (and on any tampered note that does).

use std::process::ExitCode;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use invoicer_ledger::{
    new_tiles, open_note, read_tile, tile_bytes, Checkpoint, Hash, MemoryLog, Signer, Verifier,
};
use serde_json::{json, Value};

const ORIGIN: &str = "ledger.invoicer.example/proof";

/// A deterministic generator, so every run emits the same vectors.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, bound: u64) -> u64 {
        self.next() % bound
    }
}

fn hashes_json(hashes: &[Hash]) -> Value {
    hashes.iter().map(Hash::to_base64).collect()
}

fn emit(entries: u64) -> Result<Value, Box<dyn std::error::Error>> {
    let mut rng = SplitMix(0x1ed6_e500_0000_0001);
    let signer = Signer::from_seed(ORIGIN, &[0x5e; 32])?;
    let mut log = MemoryLog::new();
    let mut data = Vec::new();
    for _ in 0..entries {
        let len = 1 + rng.below(96) as usize;
        let entry: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        log.append(&entry)?;
        data.push(BASE64.encode(&entry));
    }

    let mut sizes: Vec<u64> = [1, 2, 3, 7, 8, 255, 256, 257, 1000, 4096, entries / 2]
        .into_iter()
        .chain((0..6).map(|_| 1 + rng.below(entries)))
        .chain([entries])
        .filter(|&s| s >= 1 && s <= entries)
        .collect();
    sizes.sort_unstable();
    sizes.dedup();

    let mut checkpoints = Vec::new();
    for &size in &sizes {
        let checkpoint = Checkpoint::new(ORIGIN, size, log.tree_hash(size)?)?;
        checkpoints.push(json!({
            "size": size,
            "root": checkpoint.root().to_base64(),
            "note": checkpoint.sign(&signer)?,
        }));
    }

    let mut inclusion = Vec::new();
    for &size in &sizes {
        for index in [0, size - 1, rng.below(size), rng.below(size)] {
            inclusion.push(json!({
                "index": index,
                "size": size,
                "proof": hashes_json(&log.prove_inclusion(index, size)?),
            }));
        }
    }

    let mut consistency = Vec::new();
    for (i, &old) in sizes.iter().enumerate() {
        for &new in &sizes[i..] {
            consistency.push(json!({
                "old": old,
                "new": new,
                "proof": hashes_json(&log.prove_consistency(old, new)?),
            }));
        }
    }

    let mut tiles = Vec::new();
    for &size in &sizes {
        for tile in new_tiles(0, size) {
            tiles.push(json!({
                "tree_size": size,
                "path": tile.path(),
                "data": BASE64.encode(tile_bytes(&read_tile(&tile, &log)?)),
            }));
        }
    }

    Ok(json!({
        "origin": ORIGIN,
        "vkey": signer.verifier().to_string(),
        "skey": signer.private_key(),
        "entries": data,
        "stored_hashes": hashes_json(log.stored_hashes()),
        "checkpoints": checkpoints,
        "inclusion": inclusion,
        "consistency": consistency,
        "tiles": tiles,
    }))
}

/// Opens notes signed elsewhere; returns how many verified.
fn open(path: &str) -> Result<usize, Box<dyn std::error::Error>> {
    let input: Value = serde_json::from_str(&std::fs::read_to_string(path)?)?;
    let vkey = input["vkey"].as_str().ok_or("missing vkey")?;
    let verifier: Verifier = vkey.parse()?;
    let notes = input["notes"].as_array().ok_or("missing notes")?;
    for note in notes {
        let note = note.as_str().ok_or("note is not a string")?;
        let (checkpoint, _) = Checkpoint::open(note.as_bytes(), std::slice::from_ref(&verifier))?;
        let tampered = note.replacen(&checkpoint.size().to_string(), "9", 1);
        if open_note(tampered.as_bytes(), std::slice::from_ref(&verifier)).is_ok() {
            return Err(format!("tampered note verified: {tampered:?}").into());
        }
    }
    Ok(notes.len())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.as_slice() {
        [cmd, path] if cmd == "open" => open(path).map(|n| {
            println!("opened {n} foreign notes");
        }),
        [] | [_] => args
            .first()
            .map_or(Ok(5000), |n| n.parse::<u64>())
            .map_err(Into::into)
            .and_then(emit)
            .map(|value| println!("{value}")),
        _ => Err("usage: vectors [ENTRIES] | vectors open FILE".into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("vectors: {error}");
            ExitCode::FAILURE
        }
    }
}
