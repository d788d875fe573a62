//! The stored-hash implementation against the recursive definitions of
//! RFC 9162, over many tree shapes, plus the verifier's refusal of every
//! small corruption of a valid proof.

use invoicer_ledger::{
    leaf_hash, merkle_tree_hash, new_tiles, node_hash, read_tile, stored_hash_count,
    verify_consistency, verify_inclusion, Hash, MemoryLog, StoredHashIndex, Tile,
};
use proptest::prelude::*;
use std::cell::RefCell;
use std::collections::HashMap;

/// Leaf hashes of a deterministic log of `size` entries.
fn leaves(size: u64) -> Vec<Hash> {
    (0..size).map(|i| leaf_hash(&i.to_be_bytes())).collect()
}

fn log_of(leaves: &[Hash]) -> MemoryLog {
    let mut log = MemoryLog::new();
    for leaf in leaves {
        log.append_leaf_hash(*leaf).unwrap();
    }
    log
}

/// The recursive definitions of RFC 9162 §2.1, memoised by leaf range so the
/// exhaustive test stays fast; the memo does not change what is computed.
struct Naive {
    leaves: Vec<Hash>,
    memo: RefCell<HashMap<(usize, usize), Hash>>,
}

impl Naive {
    fn new(leaves: &[Hash]) -> Naive {
        Naive {
            leaves: leaves.to_vec(),
            memo: RefCell::default(),
        }
    }

    /// MTH(D[lo:hi]).
    fn mth(&self, lo: usize, hi: usize) -> Hash {
        if hi - lo <= 1 {
            return merkle_tree_hash(&self.leaves[lo..hi]);
        }
        if let Some(hash) = self.memo.borrow().get(&(lo, hi)) {
            return *hash;
        }
        let k = (hi - lo).next_power_of_two() / 2;
        let hash = node_hash(&self.mth(lo, lo + k), &self.mth(lo + k, hi));
        self.memo.borrow_mut().insert((lo, hi), hash);
        hash
    }

    /// PATH(m, D[lo:hi]) of §2.1.3.1, with `m` absolute.
    fn path(&self, m: usize, lo: usize, hi: usize) -> Vec<Hash> {
        if hi - lo <= 1 {
            return Vec::new();
        }
        let k = (hi - lo).next_power_of_two() / 2;
        let (mut path, sibling) = if m < lo + k {
            (self.path(m, lo, lo + k), self.mth(lo + k, hi))
        } else {
            (self.path(m, lo + k, hi), self.mth(lo, lo + k))
        };
        path.push(sibling);
        path
    }

    /// SUBPROOF(m, D[lo:hi], whole) of §2.1.4.1, with `m` absolute.
    fn subproof(&self, m: usize, lo: usize, hi: usize, whole: bool) -> Vec<Hash> {
        if m == hi {
            return if whole {
                Vec::new()
            } else {
                vec![self.mth(lo, hi)]
            };
        }
        let k = (hi - lo).next_power_of_two() / 2;
        let (mut proof, sibling) = if m <= lo + k {
            (self.subproof(m, lo, lo + k, whole), self.mth(lo + k, hi))
        } else {
            (self.subproof(m, lo + k, hi, false), self.mth(lo, lo + k))
        };
        proof.push(sibling);
        proof
    }
}

fn flip_bit(proof: &[Hash], which: usize, bit: usize) -> Vec<Hash> {
    let mut bad = proof.to_vec();
    bad[which].0[bit / 8] ^= 1 << (bit % 8);
    bad
}

/// Checks every inclusion proof of a tree and its corruptions.
fn check_inclusion(log: &MemoryLog, naive: &Naive, size: u64, index: u64) {
    let root = naive.mth(0, size as usize);
    let proof = log.prove_inclusion(index, size).unwrap();
    assert_eq!(proof, naive.path(index as usize, 0, size as usize));
    let leaf = &naive.leaves[index as usize];
    assert_eq!(verify_inclusion(index, size, leaf, &proof, &root), Ok(()));

    for which in 0..proof.len() {
        let bad = flip_bit(&proof, which, (index as usize * 7 + which) % 256);
        assert!(verify_inclusion(index, size, leaf, &bad, &root).is_err());
    }
    let other_leaf = node_hash(leaf, leaf);
    assert!(verify_inclusion(index, size, &other_leaf, &proof, &root).is_err());
    if size > 1 {
        let wrong_index = if index + 1 < size {
            index + 1
        } else {
            index - 1
        };
        assert!(verify_inclusion(wrong_index, size, leaf, &proof, &root).is_err());
    }
    // The size is only bound by the root when it changes the tree's depth: a
    // neighbouring size with the same path shape yields the same root, which
    // is why proofs are checked against a signed checkpoint's size.
    assert!(verify_inclusion(index, size * 2, leaf, &proof, &root).is_err());
    if size / 2 > index {
        assert!(verify_inclusion(index, size / 2, leaf, &proof, &root).is_err());
    }
    if !proof.is_empty() {
        assert!(verify_inclusion(index, size, leaf, &proof[1..], &root).is_err());
    }
    let mut longer = proof.clone();
    longer.push(root);
    assert!(verify_inclusion(index, size, leaf, &longer, &root).is_err());
}

/// Checks the consistency proof between two sizes and its corruptions.
fn check_consistency(log: &MemoryLog, naive: &Naive, old: u64, new: u64) {
    let old_root = naive.mth(0, old as usize);
    let new_root = naive.mth(0, new as usize);
    let proof = log.prove_consistency(old, new).unwrap();
    if old > 0 {
        assert_eq!(proof, naive.subproof(old as usize, 0, new as usize, true));
    }
    assert_eq!(
        verify_consistency(old, new, &old_root, &new_root, &proof),
        Ok(())
    );
    if old == 0 || old == new {
        return;
    }
    for which in 0..proof.len() {
        let bad = flip_bit(&proof, which, (old as usize + which) % 256);
        assert!(verify_consistency(old, new, &old_root, &new_root, &bad).is_err());
    }
    assert!(verify_consistency(old, new, &new_root, &old_root, &proof).is_err());
    assert!(verify_consistency(old - 1, new, &old_root, &new_root, &proof).is_err());
    assert!(verify_consistency(old, new * 2, &old_root, &new_root, &proof).is_err());
    if new / 2 > old {
        assert!(verify_consistency(old, new / 2, &old_root, &new_root, &proof).is_err());
    }
    assert!(verify_consistency(old, new, &old_root, &new_root, &proof[1..]).is_err());
    let mut longer = proof.clone();
    longer.push(new_root);
    assert!(verify_consistency(old, new, &old_root, &new_root, &longer).is_err());
}

#[test]
fn every_proof_of_every_small_tree() {
    const MAX: u64 = 300;
    let leaves = leaves(MAX);
    let log = log_of(&leaves);
    let naive = Naive::new(&leaves);
    assert_eq!(log.stored_hashes().len() as u64, stored_hash_count(MAX));
    for size in 0..=MAX {
        assert_eq!(
            log.tree_hash(size).unwrap(),
            merkle_tree_hash(&leaves[..size as usize]),
            "tree hash of size {size}"
        );
        for index in 0..size {
            check_inclusion(&log, &naive, size, index);
        }
    }
    for new in 0..=64 {
        for old in 0..=new {
            check_consistency(&log, &naive, old, new);
        }
    }
    for old in 0..=MAX {
        check_consistency(&log, &naive, old, MAX);
    }
}

#[test]
fn tiles_reproduce_stored_hashes_and_tree_hashes() {
    const SIZE: u64 = 70_000;
    let leaves = leaves(SIZE);
    let log = log_of(&leaves);
    let tiles = new_tiles(0, SIZE);
    let data: std::collections::HashMap<(u8, u64), Vec<Hash>> = tiles
        .iter()
        .map(|t| ((t.level(), t.index()), read_tile(t, &log).unwrap()))
        .collect();
    // Every stored hash can be recomputed from the tile that covers it.
    for index in (0..log.stored_hashes().len() as u64).step_by(97) {
        let index = StoredHashIndex(index);
        let tile = Tile::for_stored_index(index);
        let Some(hashes) = data.get(&(tile.level(), tile.index())) else {
            continue;
        };
        let published = tiles
            .iter()
            .find(|t| t.level() == tile.level() && t.index() == tile.index())
            .unwrap();
        if published.width() < tile.width() {
            continue;
        }
        assert_eq!(
            published.hash_at(hashes, index).unwrap(),
            log.stored_hashes()[index.0 as usize],
            "stored hash {index:?}"
        );
    }
    // A level 1 hash is the root of the full level 0 tile below it.
    let level1 = &data[&(1, 0)];
    for (i, hash) in level1.iter().enumerate() {
        assert_eq!(*hash, merkle_tree_hash(&data[&(0, i as u64)]));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn random_shapes_up_to_3000(size in 1u64..3000, a in any::<u64>(), b in any::<u64>()) {
        let leaves = leaves(size);
        let log = log_of(&leaves);
        let naive = Naive::new(&leaves);
        prop_assert_eq!(log.tree_hash(size).unwrap(), merkle_tree_hash(&leaves));
        let index = a % size;
        check_inclusion(&log, &naive, size, index);
        let old = b % (size + 1);
        check_consistency(&log, &naive, old, size);
        let smaller = 1 + b % size;
        check_inclusion(&log, &naive, smaller, index % smaller);
    }

    #[test]
    fn stored_index_split_round_trips(level in 0u8..40, n in 0u64..(1 << 20)) {
        let index = StoredHashIndex::new(level, n);
        prop_assert_eq!(index.split(), (level, n));
    }

    #[test]
    fn tile_paths_round_trip(level in 0u8..=63, index in any::<u64>(), width in 1u16..=256) {
        let tile = Tile::new(level, index, width).unwrap();
        prop_assert_eq!(Tile::parse_path(&tile.path()), Ok(tile));
    }

    #[test]
    fn arbitrary_paths_do_not_panic(path in "tile/[0-9x./]{0,40}") {
        let _ = Tile::parse_path(&path);
    }
}
