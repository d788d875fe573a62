//! The proof ledger's storage: the stored log matches the in-memory reference log, its
//! checkpoints and proofs verify, leaf indexes stay gapless under rollback and concurrency, and
//! tampering with stored rows shows in the proofs. Every test runs on SQLite (a temp file) and on
//! PostgreSQL (a schema of its own in the database named by `INVOICER_TEST_POSTGRES_URL`,
//! default `postgres://postgres@127.0.0.1:5432/test`); an unreachable PostgreSQL fails the test.

use invoicer_ledger::{
    leaf_hash, read_tile, verify_consistency, verify_inclusion, Checkpoint, Hash, MemoryLog,
    Signer, StoredHashIndex, Tile,
};
use invoicer_store::{
    repo::ledger::{self, Advanced},
    Db, DbConfig,
};
use sqlx::Executor;

const ORIGIN: &str = "invoicer.test/ledger";

#[derive(Clone, Copy)]
enum Store {
    Sqlite,
    Postgres,
}

struct TestDb {
    db: Db,
    _dir: Option<tempfile::TempDir>,
    schema: Option<String>,
}

fn postgres_url() -> String {
    std::env::var("INVOICER_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

async fn admin_execute(sql: &str) {
    use sqlx::Connection;
    let url = postgres_url();
    let mut conn = sqlx::PgConnection::connect(&url)
        .await
        .unwrap_or_else(|e| panic!("PostgreSQL is required and not reachable at {url}: {e}"));
    conn.execute(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

impl TestDb {
    async fn new(store: Store) -> TestDb {
        let (url, dir, schema) = match store {
            Store::Sqlite => {
                let dir = tempfile::tempdir().unwrap();
                let url = format!(
                    "sqlite://{}?mode=rwc",
                    dir.path().join("ledger.db").display()
                );
                (url, Some(dir), None)
            }
            Store::Postgres => {
                let schema = format!("t_{}", uuid::Uuid::new_v4().simple());
                admin_execute(&format!("CREATE SCHEMA {schema}")).await;
                let base = postgres_url();
                let sep = if base.contains('?') { '&' } else { '?' };
                let url = format!("{base}{sep}options=-c%20search_path%3D{schema}");
                (url, None, Some(schema))
            }
        };
        let db = Db::connect(&DbConfig::new(url)).await.unwrap();
        db.migrate().await.unwrap();
        TestDb {
            db,
            _dir: dir,
            schema,
        }
    }

    async fn close(self) {
        self.db.close().await;
        if let Some(schema) = &self.schema {
            admin_execute(&format!("DROP SCHEMA {schema} CASCADE")).await;
        }
    }
}

/// Runs each test body once per store.
macro_rules! both_stores {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name(super::Store::Sqlite).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name(super::Store::Postgres).await;
            }
        }
    )*};
}

both_stores!(
    the_stored_log_matches_the_memory_log_and_its_proofs_verify,
    a_rolled_back_append_gives_its_index_back,
    concurrent_appends_are_gapless_and_one_advance_covers_them,
    concurrent_advances_leave_a_consistent_log,
    the_signing_key_is_generated_once_and_kept,
    tampered_rows_no_longer_verify,
);

fn now() -> time::OffsetDateTime {
    time::OffsetDateTime::now_utc()
}

/// A fixed-seed xorshift, so every run draws the same batches.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

fn entry(i: u64) -> String {
    format!("{{\"event\":\"invoice.issued\",\"seq\":{i}}}")
}

fn signer() -> Signer {
    Signer::from_seed(ORIGIN, &[7; 32]).unwrap()
}

async fn append_one(db: &Db, text: &str) -> u64 {
    let mut tx = db.begin().await.unwrap();
    let (index, hash) = ledger::append(&mut tx, text, now()).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(hash, leaf_hash(text.as_bytes()));
    index
}

/// Checks a fresh checkpoint against the reference log: its root, its signature, inclusion of
/// a few leaves and consistency with the previous checkpoint.
async fn check_checkpoint(
    db: &Db,
    reference: &MemoryLog,
    advanced: &Advanced,
    previous: Option<(u64, Hash)>,
    rng: &mut Rng,
) {
    let size = advanced.size;
    assert_eq!(advanced.root, reference.tree_hash(size).unwrap());
    let (checkpoint, _) = Checkpoint::open(advanced.note.as_bytes(), &[signer().verifier()])
        .expect("the note opens with the log's verifier");
    assert_eq!(checkpoint.origin(), ORIGIN);
    assert_eq!(checkpoint.size(), size);
    assert_eq!(checkpoint.root(), &advanced.root);

    let mut conn = db.read().await.unwrap();
    assert_eq!(
        ledger::latest_checkpoint(&mut conn).await.unwrap(),
        Some((size, advanced.note.clone()))
    );
    assert_eq!(
        ledger::checkpoint_at(&mut conn, size).await.unwrap(),
        Some(advanced.note.clone())
    );
    assert_eq!(ledger::tree_size(&mut conn).await.unwrap(), size);
    assert_eq!(
        ledger::tree_hash_at(&mut conn, size).await.unwrap(),
        advanced.root
    );
    for index in [0, size - 1, rng.below(size), rng.below(size)] {
        let leaf = ledger::leaf(&mut conn, index).await.unwrap().unwrap();
        assert_eq!(leaf.entry, entry(index));
        let proof = ledger::inclusion_proof(&mut conn, index, size)
            .await
            .unwrap();
        verify_inclusion(index, size, &leaf.leaf_hash, &proof, &advanced.root)
            .unwrap_or_else(|e| panic!("leaf {index} in {size}: {e}"));
    }
    if let Some((old, old_root)) = previous {
        let proof = ledger::consistency_proof(&mut conn, old, size)
            .await
            .unwrap();
        verify_consistency(old, size, &old_root, &advanced.root, &proof)
            .unwrap_or_else(|e| panic!("{old} -> {size}: {e}"));
        assert_eq!(
            ledger::tree_hash_at(&mut conn, old).await.unwrap(),
            old_root
        );
    }
}

async fn the_stored_log_matches_the_memory_log_and_its_proofs_verify(store: Store) {
    let test = TestDb::new(store).await;
    let db = &test.db;
    let signer = signer();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut reference = MemoryLog::new();
    let mut previous: Option<(u64, Hash)> = None;
    let mut advances = 0;
    const TOTAL: u64 = 1000;

    let mut appended = 0;
    while appended < TOTAL {
        let batch = (1 + rng.below(10)).min(TOTAL - appended);
        let mut tx = db.begin().await.unwrap();
        for _ in 0..batch {
            let text = entry(appended);
            let (index, _) = ledger::append(&mut tx, &text, now()).await.unwrap();
            assert_eq!(index, appended);
            reference.append(text.as_bytes()).unwrap();
            appended += 1;
        }
        tx.commit().await.unwrap();
        if rng.below(6) == 0 || appended == TOTAL {
            // Sometimes a batch smaller than what is pending, to sequence in several steps.
            let max = if rng.below(3) == 0 {
                1 + rng.below(20)
            } else {
                1000
            };
            let advanced = ledger::advance(db, &signer, ORIGIN, max, now())
                .await
                .unwrap()
                .expect("new leaves to sequence");
            let expected = (previous.map_or(0, |(size, _)| size) + max).min(appended);
            assert_eq!(
                advanced.size, expected,
                "a batch covers the pending leaves up to its maximum"
            );
            check_checkpoint(db, &reference, &advanced, previous, &mut rng).await;
            previous = Some((advanced.size, advanced.root));
            advances += 1;
        }
    }
    // Catch up whatever the last capped batches left.
    while let Some(advanced) = ledger::advance(db, &signer, ORIGIN, 1000, now())
        .await
        .unwrap()
    {
        check_checkpoint(db, &reference, &advanced, previous, &mut rng).await;
        previous = Some((advanced.size, advanced.root));
    }
    assert!(advances > 10, "only {advances} advances");
    assert_eq!(previous.unwrap().0, TOTAL);

    let mut conn = db.read().await.unwrap();
    // Every proof is one query of O(log n) rows.
    let bound = 2 * (TOTAL as f64).log2().ceil() as usize + 2;
    for index in [0, 1, 511, 512, 700, 998, 999] {
        let (proof, rows) = ledger::inclusion_proof_counted(&mut conn, index, TOTAL)
            .await
            .unwrap();
        assert!(rows <= bound, "inclusion of {index}: {rows} rows > {bound}");
        assert_eq!(proof, reference.prove_inclusion(index, TOTAL).unwrap());
    }
    for old in [1, 3, 500, 513, 999] {
        let (proof, rows) = ledger::consistency_proof_counted(&mut conn, old, TOTAL)
            .await
            .unwrap();
        assert!(rows <= bound, "consistency {old}: {rows} rows > {bound}");
        assert_eq!(proof, reference.prove_consistency(old, TOTAL).unwrap());
    }
    // Tiles read back as the reference log's.
    for tile in [
        Tile::new(0, 0, 256).unwrap(),
        Tile::new(0, 3, 232).unwrap(),
        Tile::new(1, 0, 3).unwrap(),
    ] {
        let stored = ledger::read_tile(&mut conn, &tile).await.unwrap();
        assert_eq!(stored, read_tile(&tile, &reference).unwrap(), "{tile}");
    }
    // Nothing new: nothing written.
    drop(conn);
    assert_eq!(
        ledger::advance(db, &signer, ORIGIN, 1000, now())
            .await
            .unwrap(),
        None
    );
    test.close().await;
}

async fn a_rolled_back_append_gives_its_index_back(store: Store) {
    let test = TestDb::new(store).await;
    let db = &test.db;
    assert_eq!(append_one(db, &entry(0)).await, 0);

    let mut tx = db.begin().await.unwrap();
    let (index, _) = ledger::append(&mut tx, "rolled back", now()).await.unwrap();
    assert_eq!(index, 1);
    tx.rollback().await.unwrap();

    let mut tx = db.begin().await.unwrap();
    let (index, _) = ledger::append(&mut tx, "dropped", now()).await.unwrap();
    assert_eq!(index, 1);
    drop(tx);

    assert_eq!(append_one(db, &entry(1)).await, 1);
    let advanced = ledger::advance(db, &signer(), ORIGIN, 10, now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(advanced.size, 2);
    let mut reference = MemoryLog::new();
    reference.append(entry(0).as_bytes()).unwrap();
    reference.append(entry(1).as_bytes()).unwrap();
    assert_eq!(advanced.root, reference.tree_hash(2).unwrap());
    let mut conn = db.read().await.unwrap();
    assert_eq!(ledger::leaf(&mut conn, 2).await.unwrap(), None);
    drop(conn);
    test.close().await;
}

async fn concurrent_appends_are_gapless_and_one_advance_covers_them(store: Store) {
    let test = TestDb::new(store).await;
    let mut tasks = Vec::new();
    for task in 0..8u64 {
        let db = test.db.clone();
        tasks.push(tokio::spawn(async move {
            let mut got = Vec::new();
            for i in 0..50u64 {
                let text = format!("{{\"task\":{task},\"i\":{i}}}");
                let index = append_one(&db, &text).await;
                got.push((index, text));
            }
            got
        }));
    }
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.unwrap());
    }
    all.sort();
    let indexes: Vec<u64> = all.iter().map(|(index, _)| *index).collect();
    assert_eq!(indexes, (0..400).collect::<Vec<_>>());

    let mut reference = MemoryLog::new();
    for (_, text) in &all {
        reference.append(text.as_bytes()).unwrap();
    }
    let advanced = ledger::advance(&test.db, &signer(), ORIGIN, 1000, now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(advanced.size, 400);
    assert_eq!(advanced.root, reference.tree_hash(400).unwrap());
    test.close().await;
}

async fn concurrent_advances_leave_a_consistent_log(store: Store) {
    let test = TestDb::new(store).await;
    let db = &test.db;
    let mut reference = MemoryLog::new();
    let mut tx = db.begin().await.unwrap();
    for i in 0..300 {
        ledger::append(&mut tx, &entry(i), now()).await.unwrap();
        reference.append(entry(i).as_bytes()).unwrap();
    }
    tx.commit().await.unwrap();

    let signer = signer();
    let (a, b) = tokio::join!(
        ledger::advance(db, &signer, ORIGIN, 100, now()),
        ledger::advance(db, &signer, ORIGIN, 100, now()),
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert!(a.is_some() || b.is_some(), "one of them advances");
    for advanced in [&a, &b].into_iter().flatten() {
        assert_eq!(advanced.root, reference.tree_hash(advanced.size).unwrap());
    }
    let mut last = [a, b]
        .into_iter()
        .flatten()
        .map(|advanced| advanced.size)
        .max()
        .unwrap();
    while let Some(advanced) = ledger::advance(db, &signer, ORIGIN, 100, now())
        .await
        .unwrap()
    {
        assert_eq!(advanced.root, reference.tree_hash(advanced.size).unwrap());
        last = advanced.size;
    }
    assert_eq!(last, 300);
    let mut conn = db.read().await.unwrap();
    assert_eq!(
        ledger::tree_hash_at(&mut conn, 300).await.unwrap(),
        reference.tree_hash(300).unwrap()
    );
    drop(conn);
    test.close().await;
}

async fn the_signing_key_is_generated_once_and_kept(store: Store) {
    let test = TestDb::new(store).await;
    let db = &test.db;
    let (a, b) = tokio::join!(
        ledger::signing_key(db, "invoicer.test/log", now()),
        ledger::signing_key(db, "invoicer.test/log", now()),
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.private_key(), b.private_key(), "racing starts agree");
    let again = ledger::signing_key(db, "invoicer.test/log", now())
        .await
        .unwrap();
    assert_eq!(again.private_key(), a.private_key());
    assert_eq!(again.name(), "invoicer.test/log");
    let other = ledger::signing_key(db, "invoicer.test/other", now())
        .await
        .unwrap();
    assert_ne!(other.private_key(), a.private_key());
    test.close().await;
}

async fn tampered_rows_no_longer_verify(store: Store) {
    let test = TestDb::new(store).await;
    let db = &test.db;
    for i in 0..20 {
        append_one(db, &entry(i)).await;
    }
    let advanced = ledger::advance(db, &signer(), ORIGIN, 100, now())
        .await
        .unwrap()
        .unwrap();
    let (checkpoint, _) =
        Checkpoint::open(advanced.note.as_bytes(), &[signer().verifier()]).unwrap();
    let (size, root) = (checkpoint.size(), *checkpoint.root());
    let verifies = |index: u64| async move {
        let mut conn = db.read().await.unwrap();
        let leaf = ledger::leaf(&mut conn, index).await.unwrap().unwrap();
        let proof = ledger::inclusion_proof(&mut conn, index, size)
            .await
            .unwrap();
        leaf.leaf_hash == leaf_hash(leaf.entry.as_bytes())
            && verify_inclusion(index, size, &leaf.leaf_hash, &proof, &root).is_ok()
    };
    assert!(verifies(5).await);
    assert!(verifies(12).await);

    let forged = "00".repeat(32);
    let raw = |sql: String| async move {
        let mut tx = db.begin().await.unwrap();
        (&mut *tx).execute(sql.as_str()).await.unwrap();
        tx.commit().await.unwrap();
    };
    // A leaf hash changed behind the ledger's back.
    raw(format!(
        "UPDATE ledger_leaves SET leaf_hash = '{forged}' WHERE leaf_index = 5"
    ))
    .await;
    assert!(!verifies(5).await);
    // An entry changed along with a matching leaf hash: the stored tree no longer agrees.
    let text = "{\"forged\":true}";
    let hex: String = leaf_hash(text.as_bytes())
        .0
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    raw(format!(
        "UPDATE ledger_leaves SET entry = '{text}', leaf_hash = '{hex}' WHERE leaf_index = 5"
    ))
    .await;
    assert!(!verifies(5).await);
    // A stored hash on leaf 12's path (its sibling, leaf 13) changed.
    let sibling = StoredHashIndex::new(0, 13).0;
    raw(format!(
        "UPDATE ledger_hashes SET hash = '{forged}' WHERE hash_index = {sibling}"
    ))
    .await;
    assert!(!verifies(12).await);
    // A stored hash deleted is reported, not papered over.
    raw(format!(
        "DELETE FROM ledger_hashes WHERE hash_index = {sibling}"
    ))
    .await;
    let mut conn = db.read().await.unwrap();
    let missing = ledger::inclusion_proof(&mut conn, 12, size).await;
    assert!(
        matches!(missing, Err(invoicer_store::StoreError::Corrupt(_))),
        "{missing:?}"
    );
    drop(conn);
    test.close().await;
}
