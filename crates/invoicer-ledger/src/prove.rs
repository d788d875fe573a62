//! Tree hashes and proofs (RFC 9162 §2.1.1, §2.1.3.1, §2.1.4.1) computed from
//! stored hashes.
//!
//! Every value in a proof is the Merkle Tree Hash of a range of leaves
//! `D[lo:hi]` whose start is aligned to a power of two at least as large as
//! the range. Such a range splits into complete subtrees whose sizes are the one
//! bits of `hi - lo`, largest first, and each complete subtree is one stored
//! hash. So each operation first lists its ranges, then reads every stored
//! hash they need in a single call, then folds them: O(log n) reads, one round
//! trip, no tree rebuild.

use std::ops::Range;

use crate::hash::{largest_power_of_two_below, node_hash, Hash};
use crate::stored::{read_exact, HashReader, StoredHashIndex, TreeError, MAX_TREE_SIZE};

/// The Merkle Tree Hash of the first `size` leaves of the log.
pub fn tree_hash<R: HashReader + ?Sized>(
    size: u64,
    reader: &R,
) -> Result<Hash, TreeError<R::Error>> {
    check_size(size)?;
    if size == 0 {
        return Ok(Hash::EMPTY_TREE);
    }
    let mut hashes = hash_ranges(std::slice::from_ref(&(0..size)), reader)?;
    Ok(hashes.remove(0))
}

/// The inclusion proof (audit path) of leaf `index` in the tree of `size`
/// leaves, ordered from the leaf's sibling up to the root's child, as
/// PATH(m, D\[n\]) of RFC 9162 §2.1.3.1.
pub fn prove_inclusion<R: HashReader + ?Sized>(
    index: u64,
    size: u64,
    reader: &R,
) -> Result<Vec<Hash>, TreeError<R::Error>> {
    check_size(size)?;
    if index >= size {
        return Err(TreeError::LeafOutOfRange { index, size });
    }
    hash_ranges(&inclusion_ranges(index, size), reader)
}

/// The consistency proof that the tree of `new` leaves extends the tree of
/// `old` leaves, as PROOF(m, D\[n\]) of RFC 9162 §2.1.4.1. It is empty when the
/// sizes are equal or `old` is zero, since nothing needs proving then.
pub fn prove_consistency<R: HashReader + ?Sized>(
    old: u64,
    new: u64,
    reader: &R,
) -> Result<Vec<Hash>, TreeError<R::Error>> {
    check_size(new)?;
    if old > new {
        return Err(TreeError::SizesOutOfOrder { old, new });
    }
    if old == 0 || old == new {
        return Ok(Vec::new());
    }
    hash_ranges(&consistency_ranges(old, new), reader)
}

fn check_size<E>(size: u64) -> Result<(), TreeError<E>> {
    if size > MAX_TREE_SIZE {
        return Err(TreeError::TooLarge { size });
    }
    Ok(())
}

/// The leaf ranges whose hashes make up PATH(index, D\[0:size\]), bottom-up.
///
/// The recursion of the RFC walks from the root towards the leaf and appends
/// the sibling after the deeper part of the path, so walking down and
/// reversing gives the same order without recursion.
fn inclusion_ranges(index: u64, size: u64) -> Vec<Range<u64>> {
    let (mut lo, mut hi) = (0, size);
    let mut siblings = Vec::new();
    while hi - lo > 1 {
        let mid = lo + largest_power_of_two_below(hi - lo);
        if index < mid {
            siblings.push(mid..hi);
            hi = mid;
        } else {
            siblings.push(lo..mid);
            lo = mid;
        }
    }
    siblings.reverse();
    siblings
}

/// The leaf ranges whose hashes make up PROOF(old, D\[0:new\]), in RFC order.
/// Requires `0 < old < new`.
fn consistency_ranges(old: u64, new: u64) -> Vec<Range<u64>> {
    let (mut lo, mut hi) = (0, new);
    // Whether D[lo:hi] is still a prefix of the whole tree, whose hash the
    // verifier already holds as the old root.
    let mut is_old_root = true;
    let mut ranges = Vec::new();
    while old != hi {
        let mid = lo + largest_power_of_two_below(hi - lo);
        if old <= mid {
            ranges.push(mid..hi);
            hi = mid;
        } else {
            ranges.push(lo..mid);
            lo = mid;
            is_old_root = false;
        }
    }
    if !is_old_root {
        ranges.push(lo..hi);
    }
    ranges.reverse();
    ranges
}

/// The complete subtrees covering an aligned range, largest (leftmost) first.
fn subtree_indexes(range: &Range<u64>) -> impl Iterator<Item = StoredHashIndex> + '_ {
    let mut lo = range.start;
    std::iter::from_fn(move || {
        if lo >= range.end {
            return None;
        }
        let level = 63 - (range.end - lo).leading_zeros();
        debug_assert_eq!(lo % (1 << level), 0, "range {range:?} is not aligned");
        let index = StoredHashIndex::new(level as u8, lo >> level);
        lo += 1 << level;
        Some(index)
    })
}

/// Reads the stored hashes for every range at once and folds each range's
/// complete subtrees right to left into its Merkle Tree Hash.
fn hash_ranges<R: HashReader + ?Sized>(
    ranges: &[Range<u64>],
    reader: &R,
) -> Result<Vec<Hash>, TreeError<R::Error>> {
    let indexes: Vec<StoredHashIndex> = ranges.iter().flat_map(subtree_indexes).collect();
    let stored = read_exact(reader, &indexes)?;
    let mut stored = stored.as_slice();
    let hashes = ranges
        .iter()
        .map(|range| {
            let pieces = (range.end - range.start).count_ones() as usize;
            let (own, rest) = stored.split_at(pieces);
            stored = rest;
            let (last, others) = own.split_last().expect("ranges are non-empty");
            others
                .iter()
                .rev()
                .fold(*last, |right, left| node_hash(left, &right))
        })
        .collect();
    Ok(hashes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consistency_ranges_for_rfc_examples() {
        // RFC 9162 §2.1.4.3, tree of 7 leaves: PROOF(3) = [c, d, g, l],
        // PROOF(4) = [l], PROOF(6) = [i, j, k].
        assert_eq!(consistency_ranges(3, 7), vec![2..3, 3..4, 0..2, 4..7]);
        assert_eq!(consistency_ranges(4, 7), vec![4..7]);
        assert_eq!(consistency_ranges(6, 7), vec![4..6, 6..7, 0..4]);
    }

    #[test]
    fn inclusion_ranges_for_rfc_examples() {
        // RFC 9162 §2.1.3.3: audit path for d0 is [b, h, l], for d3 [c, g, l],
        // for d4 [f, j, k].
        assert_eq!(inclusion_ranges(0, 7), vec![1..2, 2..4, 4..7]);
        assert_eq!(inclusion_ranges(3, 7), vec![2..3, 0..2, 4..7]);
        assert_eq!(inclusion_ranges(4, 7), vec![5..6, 6..7, 0..4]);
    }
}
