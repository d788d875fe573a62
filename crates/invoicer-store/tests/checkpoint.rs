//! SQLite's WAL is checkpointed in the background, never inside a request's commit, and stays
//! bounded however much is written.

use std::{
    path::{Path, PathBuf},
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc,
    },
    time::Duration,
};

use invoicer_store::{Db, DbConfig};
use sqlx::Executor;

/// A blob per transaction, so each commit adds some 65 pages to the log.
const BLOB: usize = 256 << 10;
/// 8 MiB a round: about twice the 1000 pages at which SQLite used to checkpoint in a commit.
const PER_ROUND: usize = 32;
/// 160 MiB in all, well past the 64 MiB at which the checkpointer restarts a log that readers
/// or a writer that never pauses kept from starting over.
const ROUNDS: u64 = 20;
const MIB: u64 = 1 << 20;

async fn sqlite(dir: &Path) -> Db {
    let url = format!("sqlite://{}?mode=rwc", dir.join("ckpt.db").display());
    let db = Db::connect(&DbConfig::new(url)).await.unwrap();
    db.migrate().await.unwrap();
    db
}

fn size(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}

fn wal(dir: &Path) -> PathBuf {
    dir.join("ckpt.db-wal")
}

/// A round of concurrent writers, so that they share commits (and the checkpointer's restart
/// has an open batch to commit first).
async fn write_round(db: &Db) {
    let writers: Vec<_> = (0..PER_ROUND)
        .map(|_| {
            let db = db.clone();
            tokio::spawn(async move {
                let mut tx = db.begin().await.unwrap();
                tx.execute(format!("INSERT INTO filler (b) VALUES (randomblob({BLOB}))").as_str())
                    .await
                    .unwrap();
                tx.commit().await.unwrap();
            })
        })
        .collect();
    for writer in writers {
        writer.await.unwrap();
    }
}

/// Waits until the database file holds `bytes`: only a checkpoint copies the log into it.
async fn until_checkpointed(dir: &Path, bytes: u64) {
    for _ in 0..600 {
        if size(&dir.join("ckpt.db")) >= bytes {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the log was never copied into the database");
}

#[tokio::test]
async fn no_request_serving_connection_checkpoints_on_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let db = sqlite(dir.path()).await;
    let mut tx = db.begin().await.unwrap();
    let writer: i64 = sqlx::query_scalar("PRAGMA wal_autocheckpoint")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    tx.rollback().await.unwrap();
    let reader: i64 = sqlx::query_scalar("PRAGMA wal_autocheckpoint")
        .fetch_one(&mut *db.read().await.unwrap())
        .await
        .unwrap();
    assert_eq!((writer, reader), (0, 0));
    db.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_background_checkpoint_keeps_the_wal_bounded_and_close_empties_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = sqlite(dir.path()).await;
    let mut tx = db.begin().await.unwrap();
    tx.execute("CREATE TABLE filler (b BLOB NOT NULL)")
        .await
        .unwrap();
    tx.commit().await.unwrap();

    // Requests keep reading meanwhile: a restart waits for them to leave the log.
    let reading = Arc::new(AtomicBool::new(true));
    let reader = tokio::spawn({
        let (db, reading) = (db.clone(), reading.clone());
        async move {
            while reading.load(Ordering::Relaxed) {
                let _: i64 = sqlx::query_scalar("SELECT count(*) FROM filler")
                    .fetch_one(&mut *db.read().await.unwrap())
                    .await
                    .unwrap();
            }
        }
    });
    // The writer keeps at most two rounds ahead of the copy, and never waits for the copy to
    // catch up with it: it never finds the whole log copied, so it never starts the log over by
    // itself. Only the checkpointer's restart bounds it.
    let round = (PER_ROUND * BLOB) as u64;
    for n in 0..ROUNDS {
        until_checkpointed(dir.path(), n.saturating_sub(2) * round).await;
        write_round(&db).await;
    }
    let written = ROUNDS * round;
    reading.store(false, Ordering::Relaxed);
    reader.await.unwrap();
    until_checkpointed(dir.path(), written).await;
    // A restarted log is overwritten in place, so the file is as large as the log ever was:
    // 64 MiB and the rounds written while the checkpointer noticed.
    let wal_size = size(&wal(dir.path()));
    assert!(
        wal_size < 128 * MIB,
        "the WAL grew to {} MiB after {} MiB written",
        wal_size / MIB,
        written / MIB
    );

    db.close().await;
    assert_eq!(size(&wal(dir.path())), 0, "a clean close leaves no log");
}
