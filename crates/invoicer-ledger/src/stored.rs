//! The stored-hash layout: which hashes a log keeps and where.
//!
//! A log never rebuilds its tree. When leaf `n` is appended it stores the leaf
//! hash plus the hash of every complete subtree that leaf closes (one per
//! trailing one bit of `n`: at most log2 n, on average just under two). Every
//! tree hash and proof is then a combination of O(log n) such stored hashes.
//!
//! The hashes are numbered densely in the order they are written (the ordering
//! of Crosby and Wallach, "Efficient Data Structures for Tamper-Evident
//! Logging", §3.3, also used by Go's sumdb), so sequential storage such as a
//! table keyed by an integer or an append-only file can hold them without gaps.

use crate::hash::{node_hash, Hash};

/// Largest tree size this crate computes with. It keeps every stored-hash index
/// (about twice the leaf count) comfortably inside a `u64`.
pub const MAX_TREE_SIZE: u64 = 1 << 62;

/// Position of a hash in the dense stored-hash ordering.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StoredHashIndex(pub u64);

impl StoredHashIndex {
    /// The index of the hash of the `n`th complete subtree at `level` (level 0 =
    /// leaves, level `l` = subtrees of 2^l leaves).
    ///
    /// The node (level, n) is written right after its right child's subtree is
    /// complete, that is right after leaf `(n + 1) * 2^level - 1`; so it sits
    /// `level` places after that leaf's own hash. Leaf `m`'s hash sits at
    /// `m + m/2 + m/4 + ...`, which is `2m - popcount(m)`.
    ///
    /// Coordinates outside a tree of [`MAX_TREE_SIZE`] leaves give a meaningless
    /// index rather than a panic.
    pub fn new(level: u8, n: u64) -> StoredHashIndex {
        let level = u32::from(level.min(63));
        let last_leaf = (n.wrapping_shl(level)) | ((1u64 << level) - 1);
        let leaf_index = last_leaf
            .wrapping_mul(2)
            .wrapping_sub(u64::from(last_leaf.count_ones()));
        StoredHashIndex(leaf_index.wrapping_add(u64::from(level)))
    }

    /// The inverse of [`StoredHashIndex::new`]: the (level, n) coordinates.
    pub fn split(self) -> (u8, u64) {
        // Leaf m is stored at 2m - popcount(m) <= index, so the leaf that was
        // being appended when this hash was written is at least index/2 and at
        // most log2(index) further on.
        let mut leaf = self.0 / 2;
        let mut leaf_position = StoredHashIndex::new(0, leaf).0;
        while let Some(next) = leaf_position.checked_add(1 + u64::from(leaf.trailing_ones())) {
            if next > self.0 {
                break;
            }
            leaf += 1;
            leaf_position = next;
        }
        let level = (self.0 - leaf_position).min(63) as u8;
        (level, leaf >> level)
    }
}

/// Random access to the stored hashes of a log.
///
/// This is the only thing proof generation needs from storage. Every operation
/// in this crate asks for all its hashes in one call, with at most about
/// 2·log2 n indexes, so an implementation over a database can answer with one
/// query.
pub trait HashReader {
    /// Why a read failed, passed through untouched to the caller.
    type Error;

    /// The hashes at `indexes`, in the same order. Returning fewer or more
    /// hashes than asked for is reported as [`TreeError::ShortRead`].
    fn read_hashes(&self, indexes: &[StoredHashIndex]) -> Result<Vec<Hash>, Self::Error>;
}

/// An in-memory reader was asked for a hash it does not have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("stored hash {0:?} is not present")]
pub struct MissingHash(pub StoredHashIndex);

/// A slice of stored hashes in stored-hash order is itself a reader, which is
/// all a test or a small in-process log needs.
impl HashReader for [Hash] {
    type Error = MissingHash;

    fn read_hashes(&self, indexes: &[StoredHashIndex]) -> Result<Vec<Hash>, MissingHash> {
        indexes
            .iter()
            .map(|&index| {
                usize::try_from(index.0)
                    .ok()
                    .and_then(|i| self.get(i))
                    .copied()
                    .ok_or(MissingHash(index))
            })
            .collect()
    }
}

impl HashReader for Vec<Hash> {
    type Error = MissingHash;

    fn read_hashes(&self, indexes: &[StoredHashIndex]) -> Result<Vec<Hash>, MissingHash> {
        self.as_slice().read_hashes(indexes)
    }
}

impl<R: HashReader + ?Sized> HashReader for &R {
    type Error = R::Error;

    fn read_hashes(&self, indexes: &[StoredHashIndex]) -> Result<Vec<Hash>, R::Error> {
        (**self).read_hashes(indexes)
    }
}

/// Why a tree hash, a proof or the hashes for an append could not be produced.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TreeError<E> {
    /// The leaf asked about is not in the tree.
    #[error("leaf {index} is not in a tree of size {size}")]
    LeafOutOfRange { index: u64, size: u64 },
    /// A consistency proof was asked from a larger tree to a smaller one.
    #[error("cannot prove that a tree of size {new} extends one of size {old}")]
    SizesOutOfOrder { old: u64, new: u64 },
    /// The size is beyond what the stored-hash numbering supports.
    #[error("tree size {size} exceeds the supported maximum {MAX_TREE_SIZE}")]
    TooLarge { size: u64 },
    /// The reader answered with the wrong number of hashes.
    #[error("hash reader returned {returned} hashes for {requested} indexes")]
    ShortRead { requested: usize, returned: usize },
    /// The reader failed.
    #[error("reading stored hashes failed: {0}")]
    Storage(E),
}

/// The number of stored hashes a log of `size` leaves holds.
pub fn stored_hash_count(size: u64) -> u64 {
    if size == 0 {
        return 0;
    }
    let last = size - 1;
    StoredHashIndex::new(0, last).0 + 1 + u64::from(last.trailing_ones())
}

/// The hashes to store when appending leaf number `n` (0-based) with hash
/// `leaf`: the leaf hash followed by the hash of each complete subtree it
/// closes, smallest first. They belong at indexes
/// `StoredHashIndex::new(0, n)` onwards, consecutively.
///
/// `reader` must already hold the stored hashes of leaves `0..n`; at most
/// log2 n of them are read.
pub fn stored_hashes<R: HashReader + ?Sized>(
    n: u64,
    leaf: Hash,
    reader: &R,
) -> Result<Vec<Hash>, TreeError<R::Error>> {
    if n >= MAX_TREE_SIZE {
        return Err(TreeError::TooLarge { size: n + 1 });
    }
    // Leaf n closes one subtree per trailing one bit: at level i the left
    // sibling is the complete subtree (i, (n >> i) - 1).
    let closed = n.trailing_ones() as u8;
    let siblings: Vec<StoredHashIndex> = (0..closed)
        .map(|level| StoredHashIndex::new(level, (n >> level) - 1))
        .collect();
    let left = read_exact(reader, &siblings)?;
    let mut hashes = Vec::with_capacity(1 + left.len());
    let mut current = leaf;
    hashes.push(current);
    for sibling in &left {
        current = node_hash(sibling, &current);
        hashes.push(current);
    }
    Ok(hashes)
}

/// Reads `indexes` and checks that the reader kept its side of the contract.
pub(crate) fn read_exact<R: HashReader + ?Sized>(
    reader: &R,
    indexes: &[StoredHashIndex],
) -> Result<Vec<Hash>, TreeError<R::Error>> {
    if indexes.is_empty() {
        return Ok(Vec::new());
    }
    let hashes = reader.read_hashes(indexes).map_err(TreeError::Storage)?;
    if hashes.len() != indexes.len() {
        return Err(TreeError::ShortRead {
            requested: indexes.len(),
            returned: hashes.len(),
        });
    }
    Ok(hashes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_indexes_follow_the_append_order() {
        // Leaves 0,1 then their parent; leaf 2, leaf 3, parent (1,1), root (2,0).
        let expected = [
            (0, 0),
            (0, 1),
            (1, 0),
            (0, 2),
            (0, 3),
            (1, 1),
            (2, 0),
            (0, 4),
        ];
        for (i, &(level, n)) in expected.iter().enumerate() {
            assert_eq!(StoredHashIndex::new(level, n), StoredHashIndex(i as u64));
            assert_eq!(StoredHashIndex(i as u64).split(), (level, n));
        }
    }

    #[test]
    fn split_inverts_new() {
        for index in 0..100_000u64 {
            let (level, n) = StoredHashIndex(index).split();
            assert_eq!(StoredHashIndex::new(level, n).0, index);
        }
    }

    #[test]
    fn extreme_indexes_do_not_panic() {
        for index in [u64::MAX, u64::MAX - 1, u64::MAX / 2, 1 << 63] {
            let _ = StoredHashIndex(index).split();
            let _ = crate::tile::Tile::for_stored_index(StoredHashIndex(index));
        }
    }

    #[test]
    fn counts_match_appends() {
        let mut count = 0;
        for n in 0..5000u64 {
            assert_eq!(stored_hash_count(n), count);
            count += 1 + u64::from(n.trailing_ones());
        }
    }
}
