//! SQLite's WAL checkpoints, off the write path.
//!
//! Left to SQLite, the COMMIT that grows the WAL past `wal_autocheckpoint` pages also copies the
//! log into the database before it returns, and with one writer every transaction queued behind
//! it waits. So no request-serving connection checkpoints (`wal_autocheckpoint = 0`; closing,
//! the last connection to a database checkpoints too, and this task's connection, opened after
//! the pools and closed after them, is always that last one): this task does it instead.

use std::{sync::Arc, time::Duration};

use sqlx::{any::AnyConnectOptions, AnyConnection, Connection, Executor};
use tokio::{sync::oneshot, task::JoinHandle, time::Instant};

use crate::{group_commit::Gate, StoreError};

/// A PASSIVE checkpoint this often copies what the writer added (nothing to do costs almost
/// nothing), so the writer can start the log over from its beginning (SQLite does, once the
/// whole log is in the database and no reader still reads it) and the WAL stays small.
const EVERY: Duration = Duration::from_millis(250);
/// Readers that never all let go of the log, or a writer that never pauses long enough for a
/// checkpoint to catch up, keep the log from starting over; past this size it is restarted by
/// force.
const WAL_BOUND: i64 = 64 << 20;
/// How long a forced restart may wait for readers, every writer queued meanwhile.
const RESTART_WAIT_MS: u32 = 500;
/// After a forced restart that readers outlasted, how long before the next attempt, so that
/// a long reader does not stall the writers again every tick.
const RESTART_RETRY: Duration = Duration::from_secs(2);

pub struct Checkpointer {
    task: std::sync::Mutex<Option<(oneshot::Sender<()>, JoinHandle<()>)>>,
}

impl Checkpointer {
    /// Starts checkpointing on a connection of its own. Open it after the pools and stop it
    /// after they have closed.
    pub async fn start(options: &AnyConnectOptions, gate: Arc<Gate>) -> Result<Self, StoreError> {
        let mut conn = AnyConnection::connect_with(options).await?;
        // A checkpoint syncs as its connection's `synchronous` says; the log it lets the writer
        // overwrite must be in the database file for good first.
        conn.execute(
            format!(
                "PRAGMA synchronous = FULL; PRAGMA wal_autocheckpoint = 0; \
                 PRAGMA busy_timeout = {RESTART_WAIT_MS};"
            )
            .as_str(),
        )
        .await?;
        let page_size: i64 = sqlx::query_scalar("PRAGMA page_size")
            .fetch_one(&mut conn)
            .await?;
        let (stop, stopped) = oneshot::channel();
        let task = tokio::spawn(run(conn, gate, WAL_BOUND / page_size.max(512), stopped));
        Ok(Self {
            task: std::sync::Mutex::new(Some((stop, task))),
        })
    }

    /// Stops checkpointing, after a last TRUNCATE checkpoint that empties the WAL.
    pub async fn stop(&self) {
        let task = self.task.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some((stop, task)) = task {
            let _ = stop.send(());
            let _ = task.await;
        }
    }
}

/// Checkpoints until told to stop, or until every `Db` is dropped.
async fn run(
    mut conn: AnyConnection,
    gate: Arc<Gate>,
    bound_frames: i64,
    mut stopped: oneshot::Receiver<()>,
) {
    let mut tick = tokio::time::interval(EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut next_restart = Instant::now();
    loop {
        tokio::select! {
            _ = &mut stopped => break,
            _ = tick.tick() => {}
        }
        // Never waits: it copies what no reader still needs from the log, and leaves the rest.
        let log = match checkpoint(&mut conn, "PASSIVE").await {
            Ok((_, log)) => log,
            Err(e) => {
                tracing::warn!(error = %e, "WAL checkpoint failed");
                continue;
            }
        };
        if log <= bound_frames || Instant::now() < next_restart {
            continue;
        }
        // RESTART rather than TRUNCATE: both hold SQLite's write lock until the readers have
        // left the log, but after RESTART the writer overwrites the log file in place, while
        // after TRUNCATE it grows it again, each commit's sync then also syncing a new length.
        // The write lock is taken in the gate, between two batches, so writers wait in line
        // for the readers (half a second at most) instead of in busy handlers.
        match gate.exclusive(checkpoint(&mut conn, "RESTART")).await {
            Ok((false, _)) => {}
            Ok((true, _)) => {
                tracing::warn!(log_frames = log, "readers kept the WAL from restarting");
                next_restart = Instant::now() + RESTART_RETRY;
            }
            Err(e) => {
                tracing::warn!(error = %e, "WAL restart checkpoint failed");
                next_restart = Instant::now() + RESTART_RETRY;
            }
        }
    }
    // The pools have closed, so nobody is left to wait for: a clean shutdown leaves no log.
    match checkpoint(&mut conn, "TRUNCATE").await {
        Ok((false, _)) => {}
        Ok((true, _)) => tracing::warn!("another connection kept the WAL from being emptied"),
        Err(e) => tracing::warn!(error = %e, "final WAL checkpoint failed"),
    }
    let _ = conn.close().await;
}

/// Runs a checkpoint: whether it gave up waiting for a lock, and the frames in the log.
async fn checkpoint(conn: &mut AnyConnection, mode: &str) -> Result<(bool, i64), sqlx::Error> {
    let sql = format!("PRAGMA wal_checkpoint({mode})");
    let (busy, log, _copied): (i64, i64, i64) = sqlx::query_as(&sql).fetch_one(conn).await?;
    Ok((busy != 0, log))
}
