//! A log held entirely in memory.
//!
//! It is the reference for what a storage-backed log does on append (compute
//! the new stored hashes, write them at the end) and a convenient reader for
//! tests and benchmarks. A durable log keeps the same vector in its database.

use crate::hash::{leaf_hash, Hash};
use crate::prove::{prove_consistency, prove_inclusion, tree_hash};
use crate::stored::{stored_hashes, HashReader, MissingHash, StoredHashIndex, TreeError};

/// An append-only log whose stored hashes live in a `Vec`.
#[derive(Debug, Clone, Default)]
pub struct MemoryLog {
    hashes: Vec<Hash>,
    size: u64,
}

impl MemoryLog {
    pub fn new() -> MemoryLog {
        MemoryLog::default()
    }

    /// Appends an entry and returns its leaf index.
    pub fn append(&mut self, entry: &[u8]) -> Result<u64, TreeError<MissingHash>> {
        self.append_leaf_hash(leaf_hash(entry))
    }

    /// Appends a leaf whose hash the caller computed already.
    pub fn append_leaf_hash(&mut self, leaf: Hash) -> Result<u64, TreeError<MissingHash>> {
        let index = self.size;
        let new = stored_hashes(index, leaf, &self.hashes)?;
        self.hashes.extend(new);
        self.size += 1;
        Ok(index)
    }

    /// Number of leaves.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// All stored hashes in stored-hash order, as a durable log would persist them.
    pub fn stored_hashes(&self) -> &[Hash] {
        &self.hashes
    }

    /// Root hash of the first `size` leaves.
    pub fn tree_hash(&self, size: u64) -> Result<Hash, TreeError<MissingHash>> {
        tree_hash(size, &self.hashes)
    }

    /// Inclusion proof of leaf `index` in the tree of `size` leaves.
    pub fn prove_inclusion(
        &self,
        index: u64,
        size: u64,
    ) -> Result<Vec<Hash>, TreeError<MissingHash>> {
        prove_inclusion(index, size, &self.hashes)
    }

    /// Consistency proof from the tree of `old` leaves to the one of `new` leaves.
    pub fn prove_consistency(
        &self,
        old: u64,
        new: u64,
    ) -> Result<Vec<Hash>, TreeError<MissingHash>> {
        prove_consistency(old, new, &self.hashes)
    }
}

impl HashReader for MemoryLog {
    type Error = MissingHash;

    fn read_hashes(&self, indexes: &[StoredHashIndex]) -> Result<Vec<Hash>, MissingHash> {
        self.hashes.read_hashes(indexes)
    }
}
