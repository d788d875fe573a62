//! The proof ledger's storage: leaves, the stored hashes of the Merkle log, signed checkpoints
//! and the signing key (tables of migration 0009). The tree arithmetic is `invoicer_ledger`'s;
//! this module only decides which rows to read and write.
//!
//! Appending and sequencing are split. [`append`] runs inside the caller's transaction and only
//! takes the next leaf index and stores the entry, so a leaf commits or rolls back with the
//! business change it records. [`advance`] later folds the committed leaves into the stored
//! hashes and signs a checkpoint over them, in a transaction of its own.
//!
//! The ledger's hash reader is synchronous and asks for everything an operation needs in one
//! call, while the database is asynchronous. Every read therefore runs its operation twice:
//! first against a reader that notes the indexes it is asked for (answering placeholders, since
//! which indexes an operation reads depends only on the sizes involved, never on hash values),
//! then, once those rows are fetched in a single query, against the fetched rows. That is one
//! round trip of O(log n) rows, and never a scan of the hash table.
//!
//! Hashes are stored as lowercase hex text, which both dialects store and compare alike through
//! the `Any` driver.

use std::{
    cell::RefCell,
    collections::{BTreeSet, HashMap},
    fmt::Write as _,
};

use invoicer_ledger::{
    leaf_hash, prove_consistency, prove_inclusion, stored_hashes, tree_hash, Checkpoint, Hash,
    HashReader, MissingHash, Signer, StoredHashIndex, Tile, TreeError,
};
use sqlx::Row;
use time::OffsetDateTime;

use crate::{codec, Conn, Db, StoreError};

/// The PostgreSQL advisory lock of the sequencer, so that of several instances on one database
/// one advances at a time. It is taken with the schema's hash as second key: advisory locks are
/// database-wide, and logs in other schemas of the same database must not wait on this one. The
/// bytes spell "ledg"; the two-key form shares no lock with the one-key form the idempotency
/// keys use.
const SEQUENCER_LOCK: i32 = 0x6c65_6467;

/// Hash rows inserted per statement: few round trips, well under either dialect's bind limit.
const INSERT_CHUNK: usize = 500;

/// One stored leaf.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leaf {
    pub index: u64,
    /// The exact text whose bytes were hashed.
    pub entry: String,
    pub leaf_hash: Hash,
    pub created_at: OffsetDateTime,
}

/// What one sequencer batch produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Advanced {
    /// Leaves the log now covers.
    pub size: u64,
    pub root: Hash,
    /// The signed checkpoint note.
    pub note: String,
}

/// Takes the next leaf index and stores `entry` under it, in the caller's transaction. Returns
/// the index and the leaf hash.
///
/// The index comes from incrementing the single `ledger_state` row. On PostgreSQL that
/// statement takes the row's lock and the transaction holds it until it commits or rolls back,
/// so appenders take indexes one transaction at a time: leaves commit in index order, and a
/// transaction that rolls back returns its index to the next one. The committed leaves are
/// therefore always a gapless prefix, which is what lets [`advance`] sequence them without
/// waiting for stragglers. The price is that appending transactions serialise from this
/// statement to their commit, so callers append last, just before committing. On SQLite,
/// writers are serialised anyway and a rolled-back turn undoes its increment likewise.
pub async fn append(
    conn: &mut Conn,
    entry: &str,
    now: OffsetDateTime,
) -> Result<(u64, Hash), StoreError> {
    let row = sqlx::query(
        "UPDATE ledger_state SET next_index = next_index + 1 WHERE id = 1 \
         RETURNING next_index - 1 AS leaf_index",
    )
    .fetch_one(&mut *conn)
    .await?;
    let index = codec::get_i64(&row, "leaf_index")?;
    let hash = leaf_hash(entry.as_bytes());
    sqlx::query(
        "INSERT INTO ledger_leaves (leaf_index, entry, leaf_hash, created_at) \
         VALUES ($1, $2, $3, $4)",
    )
    .bind(index)
    .bind(entry.to_owned())
    .bind(to_hex(&hash))
    .bind(codec::ts(now))
    .execute(&mut *conn)
    .await?;
    Ok((to_u64("leaf_index", index)?, hash))
}

/// The log's signing key named `name`: the stored one, or a new one generated and stored now.
///
/// Instances starting together may each generate a key; the insert keeps the first to commit
/// and every instance then reads that one back, so all sign with the same key.
pub async fn signing_key(db: &Db, name: &str, now: OffsetDateTime) -> Result<Signer, StoreError> {
    let mut conn = db.read().await?;
    let stored = stored_key(&mut conn, name).await?;
    drop(conn);
    if let Some(text) = stored {
        return parse_key(name, &text);
    }
    let fresh = Signer::generate(name, &mut rand::rngs::OsRng)
        .map_err(|e| StoreError::Corrupt(format!("ledger key name `{name}`: {e}")))?;
    let mut tx = db.begin().await?;
    sqlx::query(
        "INSERT INTO ledger_keys (name, private_key, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (name) DO NOTHING",
    )
    .bind(name.to_owned())
    .bind(fresh.private_key())
    .bind(codec::ts(now))
    .execute(&mut *tx)
    .await?;
    let text = stored_key(&mut tx, name)
        .await?
        .ok_or_else(|| StoreError::Corrupt(format!("ledger key `{name}` vanished")))?;
    tx.commit().await?;
    parse_key(name, &text)
}

async fn stored_key(conn: &mut Conn, name: &str) -> Result<Option<String>, StoreError> {
    let row = sqlx::query("SELECT private_key FROM ledger_keys WHERE name = $1")
        .bind(name.to_owned())
        .fetch_optional(&mut *conn)
        .await?;
    row.map(|row| codec::get_str(&row, "private_key"))
        .transpose()
}

fn parse_key(name: &str, text: &str) -> Result<Signer, StoreError> {
    let signer = Signer::from_private_key(text)
        .map_err(|e| StoreError::Corrupt(format!("ledger key `{name}`: {e}")))?;
    if signer.name() != name {
        return Err(StoreError::Corrupt(format!(
            "ledger key `{name}` is stored under the name `{}`",
            signer.name()
        )));
    }
    Ok(signer)
}

/// One sequencer batch: folds up to `max_leaves` committed leaves past the current tree size
/// into the stored hashes and signs a checkpoint of the new size, all in one transaction.
/// `None` when there was nothing to do, or, on PostgreSQL, when another instance is advancing.
///
/// The hashes written by this batch stay in memory for the later leaves of the same batch;
/// the older ones it needs (the right edge of the previous tree, O(log n) of them) are read in
/// one query.
pub async fn advance(
    db: &Db,
    signer: &Signer,
    origin: &str,
    max_leaves: u64,
    now: OffsetDateTime,
) -> Result<Option<Advanced>, StoreError> {
    if max_leaves == 0 {
        return Ok(None);
    }
    let mut tx = db.begin().await?;
    if crate::is_postgres(&tx) {
        // Released by the commit or rollback. SQLite needs none: it has one writer.
        let row = sqlx::query(
            "SELECT pg_try_advisory_xact_lock($1, hashtext(current_schema())) AS taken",
        )
        .bind(SEQUENCER_LOCK)
        .fetch_one(&mut *tx)
        .await?;
        let taken: bool = row
            .try_get("taken")
            .map_err(|e| StoreError::Corrupt(format!("column taken: {e}")))?;
        if !taken {
            tx.rollback().await?;
            return Ok(None);
        }
    }
    let old = tree_size(&mut tx).await?;
    let rows = sqlx::query(
        "SELECT leaf_index, leaf_hash FROM ledger_leaves WHERE leaf_index >= $1 \
         ORDER BY leaf_index LIMIT $2",
    )
    .bind(to_i64(old)?)
    .bind(to_i64(max_leaves)?)
    .fetch_all(&mut *tx)
    .await?;
    let mut leaves = Vec::with_capacity(rows.len());
    for row in &rows {
        let index = to_u64("leaf_index", codec::get_i64(row, "leaf_index")?)?;
        // Appends keep committed leaves gapless (see `append`); a hole would put every later
        // leaf at the wrong position in the tree, so the batch stops short of one.
        if index != old + leaves.len() as u64 {
            break;
        }
        leaves.push((index, get_hash(row, "leaf_hash")?));
    }
    if leaves.is_empty() {
        tx.rollback().await?;
        return Ok(None);
    }
    let new = old + leaves.len() as u64;
    let ((written, root), _) = two_pass(&mut tx, |stored| {
        let mut layer = Layered {
            base: stored,
            overlay: HashMap::new(),
        };
        let mut written = Vec::new();
        for &(n, leaf) in &leaves {
            let hashes = stored_hashes(n, leaf, &layer)?;
            let first = StoredHashIndex::new(0, n).0;
            for (offset, hash) in (first..).zip(hashes) {
                layer.overlay.insert(offset, hash);
                written.push((offset, hash));
            }
        }
        let root = tree_hash(new, &layer)?;
        Ok((written, root))
    })
    .await?;
    for chunk in written.chunks(INSERT_CHUNK) {
        let mut sql = String::from("INSERT INTO ledger_hashes (hash_index, hash) VALUES ");
        for i in 0..chunk.len() {
            let sep = if i == 0 { "" } else { ", " };
            let _ = write!(sql, "{sep}(${}, ${})", 2 * i + 1, 2 * i + 2);
        }
        let mut query = sqlx::query(&sql);
        for (index, hash) in chunk {
            query = query.bind(to_i64(*index)?).bind(to_hex(hash));
        }
        query.execute(&mut *tx).await?;
    }
    let note = Checkpoint::new(origin, new, root)
        .and_then(|checkpoint| checkpoint.sign(signer))
        .map_err(|e| StoreError::Corrupt(format!("ledger checkpoint: {e}")))?;
    sqlx::query("INSERT INTO ledger_checkpoints (tree_size, note, created_at) VALUES ($1, $2, $3)")
        .bind(to_i64(new)?)
        .bind(note.clone())
        .bind(codec::ts(now))
        .execute(&mut *tx)
        .await?;
    // Last, because on PostgreSQL this waits for the appenders holding the row and then blocks
    // new ones until the commit just after. The guard catches a second sequencer that got past
    // the lock, which would otherwise have failed on a duplicate hash already.
    let updated =
        sqlx::query("UPDATE ledger_state SET tree_size = $1 WHERE id = 1 AND tree_size = $2")
            .bind(to_i64(new)?)
            .bind(to_i64(old)?)
            .execute(&mut *tx)
            .await?;
    if updated.rows_affected() != 1 {
        return Err(StoreError::Corrupt(format!(
            "ledger tree size moved from {old} during a sequencer batch"
        )));
    }
    tx.commit().await?;
    Ok(Some(Advanced {
        size: new,
        root,
        note,
    }))
}

/// Leaves covered by the stored hashes and the latest checkpoint.
pub async fn tree_size(conn: &mut Conn) -> Result<u64, StoreError> {
    let row = sqlx::query("SELECT tree_size FROM ledger_state WHERE id = 1")
        .fetch_one(&mut *conn)
        .await?;
    to_u64("tree_size", codec::get_i64(&row, "tree_size")?)
}

/// The latest signed checkpoint: its tree size and note.
pub async fn latest_checkpoint(conn: &mut Conn) -> Result<Option<(u64, String)>, StoreError> {
    let row = sqlx::query(
        "SELECT tree_size, note FROM ledger_checkpoints ORDER BY tree_size DESC LIMIT 1",
    )
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|row| {
        Ok((
            to_u64("tree_size", codec::get_i64(&row, "tree_size")?)?,
            codec::get_str(&row, "note")?,
        ))
    })
    .transpose()
}

/// The signed checkpoint note of exactly `size` leaves, if one was signed.
pub async fn checkpoint_at(conn: &mut Conn, size: u64) -> Result<Option<String>, StoreError> {
    let row = sqlx::query("SELECT note FROM ledger_checkpoints WHERE tree_size = $1")
        .bind(to_i64(size)?)
        .fetch_optional(&mut *conn)
        .await?;
    row.map(|row| codec::get_str(&row, "note")).transpose()
}

/// A stored leaf, sequenced or not yet.
pub async fn leaf(conn: &mut Conn, leaf_index: u64) -> Result<Option<Leaf>, StoreError> {
    let row =
        sqlx::query("SELECT entry, leaf_hash, created_at FROM ledger_leaves WHERE leaf_index = $1")
            .bind(to_i64(leaf_index)?)
            .fetch_optional(&mut *conn)
            .await?;
    row.map(|row| {
        Ok(Leaf {
            index: leaf_index,
            entry: codec::get_str(&row, "entry")?,
            leaf_hash: get_hash(&row, "leaf_hash")?,
            created_at: codec::get_ts(&row, "created_at")?,
        })
    })
    .transpose()
}

// The proofs and tree hashes below read only stored hashes, which exist up to `tree_size`.
// Callers ask about sizes of signed checkpoints; a size beyond the tree, or a leaf or size the
// tree cannot have, is reported as `StoreError::Corrupt` with the reason.

/// The root hash of the first `size` leaves.
pub async fn tree_hash_at(conn: &mut Conn, size: u64) -> Result<Hash, StoreError> {
    Ok(two_pass(conn, |stored| tree_hash(size, stored)).await?.0)
}

/// The inclusion proof of leaf `leaf_index` in the tree of `tree_size` leaves.
pub async fn inclusion_proof(
    conn: &mut Conn,
    leaf_index: u64,
    tree_size: u64,
) -> Result<Vec<Hash>, StoreError> {
    Ok(inclusion_proof_counted(conn, leaf_index, tree_size)
        .await?
        .0)
}

/// [`inclusion_proof`] and how many hash rows it fetched, so tests can hold it to O(log n).
#[doc(hidden)]
pub async fn inclusion_proof_counted(
    conn: &mut Conn,
    leaf_index: u64,
    tree_size: u64,
) -> Result<(Vec<Hash>, usize), StoreError> {
    two_pass(conn, |stored| {
        prove_inclusion(leaf_index, tree_size, stored)
    })
    .await
}

/// The proof that the tree of `new` leaves extends the tree of `old` leaves.
pub async fn consistency_proof(
    conn: &mut Conn,
    old: u64,
    new: u64,
) -> Result<Vec<Hash>, StoreError> {
    Ok(consistency_proof_counted(conn, old, new).await?.0)
}

/// [`consistency_proof`] and how many hash rows it fetched.
#[doc(hidden)]
pub async fn consistency_proof_counted(
    conn: &mut Conn,
    old: u64,
    new: u64,
) -> Result<(Vec<Hash>, usize), StoreError> {
    two_pass(conn, |stored| prove_consistency(old, new, stored)).await
}

/// The hashes of one C2SP tile, left to right; the tile must lie within the tree.
pub async fn read_tile(conn: &mut Conn, tile: &Tile) -> Result<Vec<Hash>, StoreError> {
    Ok(
        two_pass(conn, |stored| invoicer_ledger::read_tile(tile, stored))
            .await?
            .0,
    )
}

/// Stored hashes fetched for one operation. While `missing` is set it is the first pass: an
/// index not held is noted and answered with a placeholder.
struct Prefetched {
    known: HashMap<u64, Hash>,
    missing: Option<RefCell<BTreeSet<u64>>>,
}

impl HashReader for Prefetched {
    type Error = MissingHash;

    fn read_hashes(&self, indexes: &[StoredHashIndex]) -> Result<Vec<Hash>, MissingHash> {
        indexes
            .iter()
            .map(|&index| match (self.known.get(&index.0), &self.missing) {
                (Some(hash), _) => Ok(*hash),
                (None, Some(missing)) => {
                    missing.borrow_mut().insert(index.0);
                    Ok(Hash::default())
                }
                (None, None) => Err(MissingHash(index)),
            })
            .collect()
    }
}

/// The hashes a sequencer batch has computed so far, over those already stored.
struct Layered<'a> {
    base: &'a Prefetched,
    overlay: HashMap<u64, Hash>,
}

impl HashReader for Layered<'_> {
    type Error = MissingHash;

    fn read_hashes(&self, indexes: &[StoredHashIndex]) -> Result<Vec<Hash>, MissingHash> {
        indexes
            .iter()
            .map(|index| match self.overlay.get(&index.0) {
                Some(hash) => Ok(*hash),
                None => Ok(self.base.read_hashes(std::slice::from_ref(index))?[0]),
            })
            .collect()
    }
}

/// Runs `op` once to learn the stored hashes it reads, fetches them in one query, and runs it
/// again on them. Returns its result and the number of rows fetched.
async fn two_pass<T>(
    conn: &mut Conn,
    op: impl Fn(&Prefetched) -> Result<T, TreeError<MissingHash>>,
) -> Result<(T, usize), StoreError> {
    let mut stored = Prefetched {
        known: HashMap::new(),
        missing: Some(RefCell::default()),
    };
    let first = op(&stored).map_err(tree_error)?;
    let missing: Vec<u64> = stored
        .missing
        .take()
        .map(|missing| missing.into_inner().into_iter().collect())
        .unwrap_or_default();
    if missing.is_empty() {
        return Ok((first, 0));
    }
    drop(first);
    let rows = fetch_hashes(conn, &missing).await?;
    let fetched = rows.len();
    stored.known.extend(rows);
    Ok((op(&stored).map_err(tree_error)?, fetched))
}

/// The stored hashes at `indexes` that exist, in one query.
async fn fetch_hashes(conn: &mut Conn, indexes: &[u64]) -> Result<Vec<(u64, Hash)>, StoreError> {
    let mut sql = String::from("SELECT hash_index, hash FROM ledger_hashes WHERE hash_index IN (");
    for i in 0..indexes.len() {
        let sep = if i == 0 { "" } else { ", " };
        let _ = write!(sql, "{sep}${}", i + 1);
    }
    sql.push(')');
    let mut query = sqlx::query(&sql);
    for &index in indexes {
        query = query.bind(to_i64(index)?);
    }
    query
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|row| {
            Ok((
                to_u64("hash_index", codec::get_i64(row, "hash_index")?)?,
                get_hash(row, "hash")?,
            ))
        })
        .collect()
}

fn tree_error(e: TreeError<MissingHash>) -> StoreError {
    match e {
        TreeError::Storage(MissingHash(index)) => {
            StoreError::Corrupt(format!("ledger: stored hash {} is missing", index.0))
        }
        other => StoreError::Corrupt(format!("ledger: {other}")),
    }
}

fn to_hex(hash: &Hash) -> String {
    hex::encode(hash.0)
}

fn from_hex(column: &str, text: &str) -> Result<Hash, StoreError> {
    let mut hash = Hash::default();
    hex::decode_to_slice(text, &mut hash.0)
        .map_err(|_| StoreError::Corrupt(format!("column {column}: not 64 hex digits")))?;
    Ok(hash)
}

fn get_hash(row: &sqlx::any::AnyRow, column: &str) -> Result<Hash, StoreError> {
    from_hex(column, &codec::get_str(row, column)?)
}

fn to_u64(column: &str, value: i64) -> Result<u64, StoreError> {
    u64::try_from(value).map_err(|_| StoreError::Corrupt(format!("column {column}: {value} < 0")))
}

fn to_i64(value: u64) -> Result<i64, StoreError> {
    i64::try_from(value)
        .map_err(|_| StoreError::Corrupt(format!("ledger: {value} is beyond the stored range")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trip_and_rejects() {
        let hash = leaf_hash(b"x");
        let text = to_hex(&hash);
        assert_eq!(text.len(), 64);
        assert_eq!(text, text.to_lowercase());
        assert_eq!(from_hex("c", &text).unwrap(), hash);
        assert!(from_hex("c", &text[1..]).is_err());
        assert!(from_hex("c", &"g".repeat(64)).is_err());
        assert!(from_hex("c", &"é".repeat(32)).is_err());
    }
}
