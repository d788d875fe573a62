//! SQLite group commit: writers share a commit, yet each keeps or loses its own work alone, and
//! nobody is told "committed" unless the commit happened.

use std::time::Duration;

use invoicer_store::{repo::accounts, Db, DbConfig, StoreError};
use uuid::Uuid;

async fn sqlite() -> (Db, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("gc.db").display());
    let db = Db::connect(&DbConfig::new(url)).await.unwrap();
    db.migrate().await.unwrap();
    (db, dir)
}

async fn count(db: &Db) -> i64 {
    accounts::count(&mut db.read().await.unwrap())
        .await
        .unwrap()
}

fn now() -> time::OffsetDateTime {
    time::OffsetDateTime::now_utc()
}

/// Waits until exactly `n` writers queue behind the current one (the gate counts them).
async fn until_waiting(db: &Db, n: usize) {
    for _ in 0..5000 {
        if db.writers_waiting() == n {
            return;
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    panic!("the queue never held {n} writers");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_writer_that_gives_up_rolls_back_alone_and_its_batch_still_commits() {
    let (db, _dir) = sqlite().await;
    let mut first = db.begin().await.unwrap();
    accounts::insert(&mut first, Uuid::now_v7(), "kept", now())
        .await
        .unwrap();
    let second = tokio::spawn({
        let db = db.clone();
        async move {
            let mut tx = db.begin().await.unwrap();
            accounts::insert(&mut tx, Uuid::now_v7(), "dropped", now())
                .await
                .unwrap();
            // Dropped without commit.
        }
    });
    until_waiting(&db, 1).await;
    // The second writer is queued, so the first joins a batch and waits for it.
    first.commit().await.unwrap();
    second.await.unwrap();
    assert_eq!(count(&db).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closing_with_a_batch_open_fails_its_writers_and_keeps_nothing() {
    let (db, dir) = sqlite().await;
    let mut first = db.begin().await.unwrap();
    accounts::insert(&mut first, Uuid::now_v7(), "a", now())
        .await
        .unwrap();
    let (go, wait) = tokio::sync::oneshot::channel::<()>();
    let second = tokio::spawn({
        let db = db.clone();
        async move {
            let mut tx = db.begin().await.unwrap();
            accounts::insert(&mut tx, Uuid::now_v7(), "b", now())
                .await
                .unwrap();
            wait.await.unwrap();
            tx.commit().await
        }
    });
    until_waiting(&db, 1).await;
    let first = tokio::spawn(first.commit());
    // The second writer takes the turn while the first waits on the batch…
    until_waiting(&db, 0).await;
    // …and the database closes behind it.
    let closing = tokio::spawn({
        let db = db.clone();
        async move { db.close().await }
    });
    until_waiting(&db, 1).await;
    go.send(()).unwrap();
    assert!(matches!(
        second.await.unwrap(),
        Err(StoreError::CommitFailed(_))
    ));
    assert!(matches!(
        first.await.unwrap(),
        Err(StoreError::CommitFailed(_))
    ));
    closing.await.unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("gc.db").display());
    let reopened = Db::connect(&DbConfig::new(url)).await.unwrap();
    assert_eq!(
        count(&reopened).await,
        0,
        "nothing of the failed batch was kept"
    );
}

/// Creates table `t` with the column `x` as `column` declares it.
async fn create_t(db: &Db, column: &str) {
    let mut tx = db.begin().await.unwrap();
    sqlx::Executor::execute(&mut *tx, format!("CREATE TABLE t ({column})").as_str())
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

async fn rows_of_t(db: &Db) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM t")
        .fetch_one(&mut *db.read().await.unwrap())
        .await
        .unwrap()
}

/// A turn done in one call (the at-once writes) keeps its work with the batch, and one whose
/// statements fail midway undoes its own and leaves the batch's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_turn_in_one_call_commits_with_its_batch_or_undoes_only_itself() {
    let (db, _dir) = sqlite().await;
    create_t(&db, "x INTEGER NOT NULL").await;

    let kept = invoicer_store::in_savepoint("INSERT INTO t (x) VALUES (1); SELECT changes() AS n");
    let rows = db.write_once(sqlx::query(kept.leak())).await.unwrap();
    assert_eq!(rows.len(), 1, "the one row the statements return");
    assert_eq!(rows_of_t(&db).await, 1);

    let mut first = db.begin().await.unwrap();
    sqlx::Executor::execute(&mut *first, "INSERT INTO t (x) VALUES (2)")
        .await
        .unwrap();
    let failing = tokio::spawn({
        let db = db.clone();
        async move {
            // The second statement breaks NOT NULL after the first wrote.
            let sql = invoicer_store::in_savepoint(
                "INSERT INTO t (x) VALUES (3); INSERT INTO t (x) VALUES (NULL)",
            );
            db.write_once(sqlx::query(sql.leak())).await.map(drop)
        }
    });
    until_waiting(&db, 1).await;
    first.commit().await.unwrap();
    assert!(failing.await.unwrap().is_err());
    let xs: Vec<i64> = sqlx::query_scalar("SELECT x FROM t ORDER BY x")
        .fetch_all(&mut *db.read().await.unwrap())
        .await
        .unwrap();
    assert_eq!(xs, vec![1, 2], "the batch's work, not the failed turn's");
}

/// Turns in one call from many tasks at once share commits, each learning its own outcome: a
/// failing turn is refused alone, every other is kept, and none is told before its batch is
/// durable (the rows are read back on a reopened database).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_turns_in_one_call_each_get_their_own_outcome() {
    let (db, dir) = sqlite().await;
    create_t(&db, "x INTEGER NOT NULL UNIQUE").await;

    // An interactive writer holds the writer while the turns queue behind it.
    let mut holder = db.begin().await.unwrap();
    sqlx::Executor::execute(&mut *holder, "INSERT INTO t (x) VALUES (-1)")
        .await
        .unwrap();
    let turns: Vec<_> = (0..200i64)
        .map(|n| {
            let db = db.clone();
            tokio::spawn(async move {
                // Every tenth inserts a value another turn inserts too: the later one fails.
                let x = if n % 10 == 9 { n - 1 } else { n };
                let sql = invoicer_store::in_savepoint(
                    "INSERT INTO t (x) VALUES ($1); SELECT changes() AS n",
                );
                db.write_once(sqlx::query(sql.leak()).bind(x))
                    .await
                    .map(|rows| rows.len())
            })
        })
        .collect();
    until_waiting(&db, 1).await;
    holder.commit().await.unwrap();
    let mut kept = 0;
    let mut refused = 0;
    for turn in turns {
        match turn.await.unwrap() {
            Ok(rows) => {
                assert_eq!(rows, 1, "the row of SELECT changes()");
                kept += 1;
            }
            Err(StoreError::Conflict(_)) => refused += 1,
            Err(e) => panic!("unexpected {e:?}"),
        }
    }
    assert_eq!((kept, refused), (180, 20));
    db.close().await;
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("gc.db").display());
    let reopened = Db::connect(&DbConfig::new(url)).await.unwrap();
    assert_eq!(
        rows_of_t(&reopened).await,
        181,
        "every kept turn and the holder's row"
    );
}

/// A turn in one call queued once the database has closed is refused, not left waiting: the
/// gate's task finds no writer connection to take.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_turn_in_one_call_after_close_is_refused() {
    let (db, _dir) = sqlite().await;
    create_t(&db, "x INTEGER NOT NULL").await;
    db.close().await;
    let sql = invoicer_store::in_savepoint("INSERT INTO t (x) VALUES (1); SELECT changes() AS n");
    let refused = tokio::time::timeout(
        Duration::from_secs(30),
        db.write_once(sqlx::query(sql.leak())),
    )
    .await
    .expect("the turn is answered");
    assert!(refused.is_err(), "a closed database stores nothing");
}
