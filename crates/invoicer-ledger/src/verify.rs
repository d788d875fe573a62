//! Proof verification, following the algorithms of RFC 9162 §2.1.3.2 and
//! §2.1.4.2 step by step.
//!
//! Verification needs nothing but the proof and the two values it links, so a
//! client that trusts only a signed checkpoint can run it. The step comments
//! refer to the numbered steps of the RFC.

use crate::hash::{node_hash, Hash};

/// Why a proof was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// The leaf index is not below the tree size, so no proof can exist.
    #[error("leaf {index} is not in a tree of size {size}")]
    LeafOutOfRange { index: u64, size: u64 },
    /// The "old" tree is larger than the "new" one.
    #[error("a tree of size {new} cannot extend one of size {old}")]
    SizesOutOfOrder { old: u64, new: u64 },
    /// The proof has more hashes than the tree shape allows.
    #[error("proof has more hashes than a tree of this size allows")]
    ProofTooLong,
    /// The proof has fewer hashes than the tree shape needs.
    #[error("proof has fewer hashes than a tree of this size needs")]
    ProofTooShort,
    /// Equal sizes or an empty old tree need no proof, so a non-empty one is suspect.
    #[error("expected an empty proof, got {len} hashes")]
    ProofNotEmpty { len: usize },
    /// The proof is well-formed but leads to a different root.
    #[error("proof does not lead to the expected root hash")]
    RootMismatch,
    /// The proof is well-formed but does not lead to the claimed old root.
    #[error("proof does not lead to the claimed old root hash")]
    OldRootMismatch,
}

/// Checks that `proof` shows leaf `index`, with hash `leaf`, is in the tree
/// of `size` leaves with root hash `root` (RFC 9162 §2.1.3.2).
pub fn verify_inclusion(
    index: u64,
    size: u64,
    leaf: &Hash,
    proof: &[Hash],
    root: &Hash,
) -> Result<(), VerifyError> {
    // Step 1.
    if index >= size {
        return Err(VerifyError::LeafOutOfRange { index, size });
    }
    // Steps 2 and 3.
    let (mut fn_, mut sn) = (index, size - 1);
    let mut r = *leaf;
    // Step 4.
    for p in proof {
        // 4a.
        if sn == 0 {
            return Err(VerifyError::ProofTooLong);
        }
        // 4b.
        if fn_ & 1 == 1 || fn_ == sn {
            r = node_hash(p, &r);
            // Climb past the levels where this node has no right sibling.
            while fn_ & 1 == 0 && fn_ != 0 {
                fn_ >>= 1;
                sn >>= 1;
            }
        } else {
            r = node_hash(&r, p);
        }
        // 4c.
        fn_ >>= 1;
        sn >>= 1;
    }
    // Step 5.
    if sn != 0 {
        return Err(VerifyError::ProofTooShort);
    }
    if r != *root {
        return Err(VerifyError::RootMismatch);
    }
    Ok(())
}

/// Checks that `proof` shows the tree of `new` leaves with root `new_root`
/// extends the tree of `old` leaves with root `old_root` (RFC 9162 §2.1.4.2).
///
/// The RFC algorithm covers `0 < old < new`. The edge cases follow from the
/// definition of the proof: equal sizes need an empty proof and equal roots;
/// every tree extends the empty tree, whose root is [`Hash::EMPTY_TREE`].
pub fn verify_consistency(
    old: u64,
    new: u64,
    old_root: &Hash,
    new_root: &Hash,
    proof: &[Hash],
) -> Result<(), VerifyError> {
    if old > new {
        return Err(VerifyError::SizesOutOfOrder { old, new });
    }
    if old == 0 || old == new {
        if !proof.is_empty() {
            return Err(VerifyError::ProofNotEmpty { len: proof.len() });
        }
        if old == 0 && *old_root != Hash::EMPTY_TREE {
            return Err(VerifyError::OldRootMismatch);
        }
        if old == new && old_root != new_root {
            return Err(VerifyError::RootMismatch);
        }
        return Ok(());
    }
    // Step 1.
    if proof.is_empty() {
        return Err(VerifyError::ProofTooShort);
    }
    // Step 2: when the old tree is a complete subtree its root is the first
    // node of the path, and the proof leaves it out because the verifier has it.
    let (first, rest) = if old.is_power_of_two() {
        (old_root, proof)
    } else {
        (&proof[0], &proof[1..])
    };
    // Step 3.
    let (mut fn_, mut sn) = (old - 1, new - 1);
    // Step 4.
    while fn_ & 1 == 1 {
        fn_ >>= 1;
        sn >>= 1;
    }
    // Step 5.
    let (mut fr, mut sr) = (*first, *first);
    // Step 6.
    for c in rest {
        // 6a.
        if sn == 0 {
            return Err(VerifyError::ProofTooLong);
        }
        // 6b.
        if fn_ & 1 == 1 || fn_ == sn {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            // Climb past the levels where this node has no right sibling.
            while fn_ & 1 == 0 && fn_ != 0 {
                fn_ >>= 1;
                sn >>= 1;
            }
        } else {
            sr = node_hash(&sr, c);
        }
        // 6c.
        fn_ >>= 1;
        sn >>= 1;
    }
    // Step 7.
    if sn != 0 {
        return Err(VerifyError::ProofTooShort);
    }
    if fr != *old_root {
        return Err(VerifyError::OldRootMismatch);
    }
    if sr != *new_root {
        return Err(VerifyError::RootMismatch);
    }
    Ok(())
}
