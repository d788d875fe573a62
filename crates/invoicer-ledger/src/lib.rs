//! The append-only transparency log behind the proof ledger.
//!
//! Entries are leaves of an RFC 9162 Merkle tree. The log keeps, per appended
//! leaf, the hashes of the complete subtrees that leaf closes ([`stored`]), so
//! tree hashes and inclusion and consistency proofs ([`prove`]) cost O(log n)
//! hash reads through a [`HashReader`] and never a rebuild. Anyone holding a
//! signed [`Checkpoint`] can check those proofs ([`verify`]) or fetch the tree
//! as C2SP tiles ([`tile`]) and compute proofs themselves.
//!
//! The formats are the public ones of Certificate Transparency and the C2SP
//! transparency-log specifications, and interoperate with Go's
//! `golang.org/x/mod/sumdb/{tlog,note}`, so third parties can audit the ledger
//! with tools we did not write.
//!
//! The crate does no IO: storage is the caller's, behind [`HashReader`].

pub mod checkpoint;
pub mod hash;
pub mod memory;
pub mod note;
pub mod prove;
pub mod stored;
pub mod tile;
pub mod verify;

pub use checkpoint::{Checkpoint, CheckpointError};
pub use hash::{leaf_hash, merkle_tree_hash, node_hash, Hash, HashParseError, HASH_SIZE};
pub use memory::MemoryLog;
pub use note::{
    key_id, open_note, sign_note, Note, NoteError, NoteSignature, Signer, Verifier,
    ED25519_ALGORITHM,
};
pub use prove::{prove_consistency, prove_inclusion, tree_hash};
pub use stored::{
    stored_hash_count, stored_hashes, HashReader, MissingHash, StoredHashIndex, TreeError,
    MAX_TREE_SIZE,
};
pub use tile::{new_tiles, read_tile, tile_bytes, Tile, TileError, TilePathError, TILE_WIDTH};
pub use verify::{verify_consistency, verify_inclusion, VerifyError};

/// The signature crate, re-exported so callers build keys with the same version.
pub use ed25519_dalek;
