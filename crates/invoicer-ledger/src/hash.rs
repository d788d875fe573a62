//! RFC 9162 §2.1 Merkle tree hashing.
//!
//! Leaves and interior nodes are hashed with different one-byte prefixes so that
//! no leaf can ever be passed off as an interior node (second-preimage resistance
//! of the tree, not only of SHA-256).

use std::fmt;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use sha2::{Digest, Sha256};

/// Size in bytes of every hash in the tree.
pub const HASH_SIZE: usize = 32;

const LEAF_PREFIX: u8 = 0x00;
const NODE_PREFIX: u8 = 0x01;

/// A SHA-256 value naming a leaf, an interior node or a whole tree.
///
/// Its text form is standard base64 with padding, the encoding used by
/// checkpoints, so a hash printed in a log line can be compared with a
/// checkpoint by eye.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Hash(pub [u8; HASH_SIZE]);

/// The text was not the base64 encoding of exactly 32 bytes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("malformed hash: expected standard base64 of {HASH_SIZE} bytes")]
pub struct HashParseError;

impl Hash {
    /// The Merkle Tree Hash of the empty list, SHA-256 of no bytes (RFC 9162 §2.1.1).
    pub const EMPTY_TREE: Hash = Hash([
        0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9,
        0x24, 0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52,
        0xb8, 0x55,
    ]);

    /// The raw bytes, for storage or for concatenation into a tile.
    pub fn as_bytes(&self) -> &[u8; HASH_SIZE] {
        &self.0
    }

    /// Reads a hash from a slice that must be exactly [`HASH_SIZE`] long.
    pub fn from_slice(bytes: &[u8]) -> Result<Hash, HashParseError> {
        bytes.try_into().map(Hash).map_err(|_| HashParseError)
    }

    /// Parses the base64 text form used in checkpoints.
    pub fn from_base64(text: &str) -> Result<Hash, HashParseError> {
        let bytes = BASE64.decode(text).map_err(|_| HashParseError)?;
        Hash::from_slice(&bytes)
    }

    /// The base64 text form used in checkpoints.
    pub fn to_base64(&self) -> String {
        BASE64.encode(self.0)
    }
}

impl fmt::Display for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_base64())
    }
}

impl fmt::Debug for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Hash({})", self.to_base64())
    }
}

impl std::str::FromStr for Hash {
    type Err = HashParseError;

    fn from_str(text: &str) -> Result<Hash, HashParseError> {
        Hash::from_base64(text)
    }
}

/// The leaf hash of one log entry: SHA-256(0x00 || entry).
pub fn leaf_hash(entry: &[u8]) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update([LEAF_PREFIX]);
    hasher.update(entry);
    Hash(hasher.finalize().into())
}

/// The hash of an interior node: SHA-256(0x01 || left || right).
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    // One contiguous buffer lets SHA-256 run over exactly two blocks without the
    // bookkeeping of incremental updates; this is the hot path of every proof.
    let mut buf = [0u8; 1 + 2 * HASH_SIZE];
    buf[0] = NODE_PREFIX;
    buf[1..1 + HASH_SIZE].copy_from_slice(&left.0);
    buf[1 + HASH_SIZE..].copy_from_slice(&right.0);
    Hash(Sha256::digest(buf).into())
}

/// The Merkle Tree Hash of a list of leaf hashes, by the recursive definition of
/// RFC 9162 §2.1.1.
///
/// This needs every leaf hash in memory and does O(n) work; a log answers the
/// same question from its stored hashes with [`crate::tree_hash`]. It stays
/// public because it is the definition the fast path is checked against, and it
/// is convenient for small trees such as the hashes of one tile.
pub fn merkle_tree_hash(leaf_hashes: &[Hash]) -> Hash {
    match leaf_hashes.len() {
        0 => Hash::EMPTY_TREE,
        1 => leaf_hashes[0],
        n => {
            let k = largest_power_of_two_below(n as u64) as usize;
            node_hash(
                &merkle_tree_hash(&leaf_hashes[..k]),
                &merkle_tree_hash(&leaf_hashes[k..]),
            )
        }
    }
}

/// The largest power of two strictly smaller than `n`, the split point of
/// RFC 9162 §2.1.1. Callers guarantee `n >= 2`.
pub(crate) fn largest_power_of_two_below(n: u64) -> u64 {
    debug_assert!(n >= 2);
    1 << (63 - (n - 1).leading_zeros())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_tree_is_sha256_of_nothing() {
        assert_eq!(Hash::EMPTY_TREE, Hash(Sha256::digest(b"").into()));
        assert_eq!(merkle_tree_hash(&[]), Hash::EMPTY_TREE);
    }

    #[test]
    fn split_point() {
        let cases = [
            (2, 1),
            (3, 2),
            (4, 2),
            (5, 4),
            (8, 4),
            (9, 8),
            (1 << 40, 1 << 39),
        ];
        for (n, k) in cases {
            assert_eq!(largest_power_of_two_below(n), k, "n = {n}");
        }
        assert_eq!(largest_power_of_two_below(u64::MAX), 1 << 63);
    }

    #[test]
    fn base64_round_trip_and_rejects() {
        let h = leaf_hash(b"x");
        assert_eq!(Hash::from_base64(&h.to_base64()), Ok(h));
        assert_eq!(h.to_string().parse::<Hash>(), Ok(h));
        assert!(Hash::from_base64("AAAA").is_err());
        assert!(Hash::from_base64("not base64!").is_err());
        assert!(Hash::from_slice(&[0; 31]).is_err());
    }
}
