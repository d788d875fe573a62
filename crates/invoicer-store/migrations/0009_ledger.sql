-- The proof ledger: an append-only Merkle log (crates/invoicer-ledger) kept in five tables.
-- Hashes are lowercase hex text and entries UTF-8 JSON text, so both dialects store them alike.

-- One row. Appending takes an index by incrementing next_index; on PostgreSQL that row lock is
-- held to commit, which is what keeps leaf indexes gapless and committed in order. tree_size is
-- how many leaves the stored hashes and the latest checkpoint cover.
CREATE TABLE ledger_state (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    next_index BIGINT NOT NULL,
    tree_size BIGINT NOT NULL
);
INSERT INTO ledger_state (id, next_index, tree_size) VALUES (1, 0, 0);

-- The exact text that was hashed, so anyone can recompute the leaf hash.
CREATE TABLE ledger_leaves (
    leaf_index BIGINT PRIMARY KEY,
    entry TEXT NOT NULL,
    leaf_hash TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- Leaf hashes and complete-subtree hashes in the dense stored-hash order, so every tree hash,
-- proof and tile is a lookup of O(log n) rows by primary key.
CREATE TABLE ledger_hashes (
    hash_index BIGINT PRIMARY KEY,
    hash TEXT NOT NULL
);

-- Every signed checkpoint (a signed note), kept so consistency can be proved between any two.
CREATE TABLE ledger_checkpoints (
    tree_size BIGINT PRIMARY KEY,
    note TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- The log's signing keys when generated on first start rather than configured.
CREATE TABLE ledger_keys (
    name TEXT PRIMARY KEY,
    private_key TEXT NOT NULL,
    created_at TEXT NOT NULL
);
