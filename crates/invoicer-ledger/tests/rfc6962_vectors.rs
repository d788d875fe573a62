//! The test vectors of the Certificate Transparency reference implementation
//! (RFC 6962 §2.1, reused by RFC 9162): eight leaves, the root of every prefix,
//! and known inclusion and consistency proofs. Matching them is what makes the
//! ledger's proofs checkable by tools other than ours.

use invoicer_ledger::{
    leaf_hash, verify_consistency, verify_inclusion, Hash, MemoryLog, VerifyError,
};

const LEAVES: [&str; 8] = [
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
];

/// Roots of the trees of sizes 1 to 8.
const ROOTS: [&str; 8] = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];

/// (leaf index, tree size, audit path).
const INCLUSION: [(u64, u64, &[&str]); 5] = [
    (0, 1, &[]),
    (
        0,
        8,
        &[
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        &[
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        3,
        &["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"],
    ),
    (
        1,
        5,
        &[
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
];

/// (old size, new size, consistency proof).
const CONSISTENCY: [(u64, u64, &[&str]); 5] = [
    (1, 1, &[]),
    (
        1,
        8,
        &[
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        &[
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        &[
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
    (
        6,
        7,
        &[
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
];

fn h(hex_text: &str) -> Hash {
    Hash::from_slice(&hex::decode(hex_text).unwrap()).unwrap()
}

fn hashes(list: &[&str]) -> Vec<Hash> {
    list.iter().map(|x| h(x)).collect()
}

fn reference_log() -> MemoryLog {
    let mut log = MemoryLog::new();
    for leaf in LEAVES {
        log.append(&hex::decode(leaf).unwrap()).unwrap();
    }
    log
}

fn root(size: u64) -> Hash {
    h(ROOTS[size as usize - 1])
}

#[test]
fn empty_tree_hash_is_sha256_of_nothing() {
    assert_eq!(
        MemoryLog::new().tree_hash(0).unwrap(),
        h("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    );
}

#[test]
fn roots_of_every_prefix() {
    let log = reference_log();
    for size in 1..=8 {
        assert_eq!(log.tree_hash(size).unwrap(), root(size), "size {size}");
    }
}

#[test]
fn known_inclusion_proofs_are_generated_and_verify() {
    let log = reference_log();
    for (index, size, path) in INCLUSION {
        let expected = hashes(path);
        assert_eq!(log.prove_inclusion(index, size).unwrap(), expected);
        let leaf = leaf_hash(&hex::decode(LEAVES[index as usize]).unwrap());
        assert_eq!(
            verify_inclusion(index, size, &leaf, &expected, &root(size)),
            Ok(())
        );
    }
}

#[test]
fn known_consistency_proofs_are_generated_and_verify() {
    let log = reference_log();
    for (old, new, path) in CONSISTENCY {
        let expected = hashes(path);
        assert_eq!(log.prove_consistency(old, new).unwrap(), expected);
        assert_eq!(
            verify_consistency(old, new, &root(old), &root(new), &expected),
            Ok(())
        );
    }
}

#[test]
fn edge_cases_of_consistency() {
    let some = root(3);
    let empty = Hash::EMPTY_TREE;
    // Every tree extends the empty tree, with no proof.
    assert_eq!(verify_consistency(0, 5, &empty, &root(5), &[]), Ok(()));
    assert_eq!(verify_consistency(0, 0, &empty, &empty, &[]), Ok(()));
    assert_eq!(
        verify_consistency(0, 5, &some, &root(5), &[]),
        Err(VerifyError::OldRootMismatch)
    );
    assert_eq!(
        verify_consistency(0, 1, &empty, &root(1), &[empty]),
        Err(VerifyError::ProofNotEmpty { len: 1 })
    );
    assert_eq!(
        verify_consistency(1, 1, &root(1), &root(2), &[]),
        Err(VerifyError::RootMismatch)
    );
    assert_eq!(
        verify_consistency(2, 1, &root(2), &root(1), &[]),
        Err(VerifyError::SizesOutOfOrder { old: 2, new: 1 })
    );
    assert_eq!(
        verify_consistency(1, 2, &root(1), &root(2), &[]),
        Err(VerifyError::ProofTooShort)
    );
    assert_eq!(
        verify_inclusion(0, 0, &root(1), &[], &root(1)),
        Err(VerifyError::LeafOutOfRange { index: 0, size: 0 })
    );
}
