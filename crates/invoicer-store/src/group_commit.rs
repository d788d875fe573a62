//! Group commit for SQLite's single writer.
//!
//! A durable SQLite commit costs an fsync, and one writer does them one after another, so
//! one-transaction-per-request caps writes at the disk's sync rate. Here concurrent writers share
//! one SQLite transaction: each runs inside a SAVEPOINT of its own (so a refused request rolls
//! back alone), and the last writer of a burst — the one that finds nobody waiting behind it —
//! commits for everyone. Each writer's `commit` returns only once that COMMIT is durable, so
//! nothing is acknowledged before it is on disk, and a failed COMMIT fails every writer in the
//! batch: none of their work was persisted.
//!
//! Writers in one batch see each other's work, exactly as if they had run one after another.
//!
//! A turn done in one call ([`Gate::once`]) does not take the writer itself: it joins a queue
//! that the gate's own task runs, turn after turn, while it holds the writer. Handing the writer
//! from task to task costs a wake-up each time, which on a busy machine waits behind every other
//! task ready to run; one task working through the queue pays that once per batch.

use std::{
    collections::VecDeque,
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc, Weak,
    },
};

use sqlx::{any::AnyRow, pool::PoolConnection, Any, AnyPool, Executor};
use tokio::sync::{oneshot, Mutex, Notify, OwnedMutexGuard};

use crate::{repo::party::AnyQuery, StoreError};

/// Writers that may share one commit; bounds the latency a batch adds.
const MAX_BATCH: usize = 256;

/// The statements of a turn done in one call ([`Gate::once`]): `sql` inside the turn's own
/// savepoint.
pub fn in_savepoint(sql: &str) -> String {
    format!("SAVEPOINT request; {sql}; RELEASE request")
}

/// A writer whose work is in the open transaction, waiting for its COMMIT.
enum Member {
    Turn(oneshot::Sender<Result<(), String>>),
    /// A turn done in one call, with the rows its statements returned.
    Once(
        oneshot::Sender<Result<Vec<AnyRow>, StoreError>>,
        Vec<AnyRow>,
    ),
}

impl Member {
    fn tell(self, outcome: Result<(), &str>) {
        match self {
            Member::Turn(to) => {
                let _ = to.send(outcome.map_err(str::to_owned));
            }
            Member::Once(to, rows) => {
                let _ = to.send(
                    outcome
                        .map(|()| rows)
                        .map_err(|why| StoreError::CommitFailed(why.to_owned())),
                );
            }
        }
    }
}

#[derive(Default)]
struct Writer {
    conn: Option<PoolConnection<Any>>,
    /// A transaction is open on `conn`.
    open: bool,
    /// A writer's savepoint is still open: it neither committed nor rolled back.
    dirty: bool,
    members: Vec<Member>,
}

/// A turn in one call, queued for the gate's task.
struct Job {
    query: AnyQuery<'static>,
    done: oneshot::Sender<Result<Vec<AnyRow>, StoreError>>,
}

pub struct Gate {
    pool: AnyPool,
    writer: Arc<Mutex<Writer>>,
    /// Writers queued for the writer, the gate's task among them.
    waiting: AtomicUsize,
    /// Turns in one call that the gate's task has yet to run.
    jobs: std::sync::Mutex<VecDeque<Job>>,
    /// Wakes the gate's task: a job was queued, or the gate is gone.
    wake: Arc<Notify>,
}

/// One writer's turn: the connection, inside its savepoint.
pub struct Turn {
    guard: Option<OwnedMutexGuard<Writer>>,
    gate: Arc<Gate>,
}

impl Gate {
    /// Makes the gate and starts its task, which lives as long as the gate.
    pub fn new(pool: AnyPool) -> Arc<Self> {
        let wake = Arc::new(Notify::new());
        let gate = Arc::new(Self {
            pool,
            writer: Arc::new(Mutex::new(Writer::default())),
            waiting: AtomicUsize::new(0),
            jobs: std::sync::Mutex::default(),
            wake: wake.clone(),
        });
        tokio::spawn(run_jobs(Arc::downgrade(&gate), wake));
        gate
    }

    pub fn waiting(&self) -> usize {
        self.waiting.load(Ordering::SeqCst)
    }

    async fn lock(&self) -> OwnedMutexGuard<Writer> {
        self.waiting.fetch_add(1, Ordering::SeqCst);
        let guard = self.writer.clone().lock_owned().await;
        self.waiting.fetch_sub(1, Ordering::SeqCst);
        guard
    }

    pub async fn begin(self: &Arc<Self>) -> Result<Turn, StoreError> {
        let w = self.take(true).await?;
        Ok(Turn {
            guard: Some(w),
            gate: self.clone(),
        })
    }

    /// Takes the writer, with the batch open and, if `savepoint`, this writer's savepoint.
    async fn take(&self, savepoint: bool) -> Result<OwnedMutexGuard<Writer>, StoreError> {
        let mut w = self.lock().await;
        self.ready(&mut w, savepoint).await?;
        Ok(w)
    }

    /// Readies the writer for a turn: connected, the batch open and, if `savepoint`, the turn's
    /// savepoint.
    async fn ready(&self, w: &mut Writer, savepoint: bool) -> Result<(), StoreError> {
        if w.conn.is_none() {
            w.conn = Some(self.pool.acquire().await?);
        }
        if let Err(e) = start(w, savepoint).await {
            abandon(w, "the writer connection failed").await;
            return Err(e);
        }
        Ok(())
    }

    /// One writer's turn in one call to the writer: `query`'s statements are wrapped by
    /// [`in_savepoint`], so the turn costs one call instead of three. Returns its rows once its
    /// batch is durably committed, whatever the rows say; if a statement fails, the turn's
    /// work is undone alone and the error returned.
    pub async fn once(&self, query: AnyQuery<'static>) -> Result<Vec<AnyRow>, StoreError> {
        let (done, result) = oneshot::channel();
        self.queue().push_back(Job { query, done });
        self.wake.notify_one();
        result
            .await
            .unwrap_or_else(|_| Err(StoreError::CommitFailed("the writer is gone".into())))
    }

    fn queue(&self) -> std::sync::MutexGuard<'_, VecDeque<Job>> {
        self.jobs.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs the queued turns in one call, each in its own savepoint.
    async fn run_queued(&self, w: &mut Writer) {
        while w.members.len() < MAX_BATCH {
            let Some(job) = self.queue().pop_front() else {
                return;
            };
            if let Err(e) = self.ready(w, false).await {
                let _ = job.done.send(Err(e));
                continue;
            }
            let Some(conn) = w.conn.as_mut() else {
                let _ = job.done.send(Err(StoreError::Corrupt(
                    "the writer connection is gone".into(),
                )));
                continue;
            };
            match job.query.fetch_all(&mut **conn).await {
                Ok(rows) => w.members.push(Member::Once(job.done, rows)),
                Err(e) => {
                    // Which statement failed is unknown: undo from the savepoint, which the
                    // first statement opened; if that fails too, the batch cannot be trusted.
                    if run(w, "ROLLBACK TO request; RELEASE request")
                        .await
                        .is_err()
                    {
                        abandon(w, "a writer in the batch could not roll back").await;
                    }
                    let _ = job.done.send(Err(e.into()));
                }
            }
        }
    }

    /// Gives the connection back to the pool, so the pool can close. A batch still waiting
    /// for its commit fails: none of its work is kept.
    pub async fn release(&self) {
        let mut w = self.lock().await;
        abandon(&mut w, "the database is closing").await;
    }

    /// Runs `work` with this writer between transactions: the open batch commits first, and
    /// writers queue here, in order, until `work` is done. For a checkpoint that needs SQLite's
    /// write lock: fighting the writer for it would leave both polling in busy handlers, and a
    /// writer's `BEGIN` could time out.
    pub async fn exclusive<T>(&self, work: impl std::future::Future<Output = T>) -> T {
        let mut w = self.lock().await;
        if rollback_dirty(&mut w).await.is_err() {
            abandon(&mut w, "a writer in the batch could not roll back").await;
        }
        flush(&mut w).await;
        work.await
    }

    /// Commits the open transaction unless more writers are queued to join it.
    async fn maybe_flush(&self, w: &mut Writer) {
        let more = self.waiting.load(Ordering::SeqCst) > 0 || !self.queue().is_empty();
        if more && w.members.len() < MAX_BATCH {
            return;
        }
        flush(w).await;
    }
}

impl Drop for Gate {
    fn drop(&mut self) {
        // Its task holds only a weak reference: woken, it finds the gate gone and ends.
        self.wake.notify_one();
    }
}

/// The gate's task: whenever turns in one call are queued, takes the writer in line with the
/// other writers and runs them, then commits unless more writers wait to join the batch.
async fn run_jobs(gate: Weak<Gate>, wake: Arc<Notify>) {
    loop {
        wake.notified().await;
        let Some(gate) = gate.upgrade() else {
            return;
        };
        while !gate.queue().is_empty() {
            let mut w = gate.lock().await;
            gate.run_queued(&mut w).await;
            gate.maybe_flush(&mut w).await;
        }
    }
}

/// Commits the open transaction, if any, and tells its writers.
async fn flush(w: &mut Writer) {
    if !w.open {
        return;
    }
    match run(w, "COMMIT").await {
        Ok(()) => {
            w.open = false;
            for member in w.members.drain(..) {
                member.tell(Ok(()));
            }
        }
        Err(e) => abandon(w, &format!("the commit failed: {e}")).await,
    }
}

/// Opens the batch if needed, once the last writer's leftovers are undone, and, if
/// `savepoint`, this writer's savepoint.
async fn start(w: &mut Writer, savepoint: bool) -> Result<(), StoreError> {
    rollback_dirty(w).await?;
    if !w.open {
        run(w, "BEGIN IMMEDIATE").await?;
        w.open = true;
    }
    if savepoint {
        run(w, "SAVEPOINT request").await?;
        w.dirty = true;
    }
    Ok(())
}

/// Gives up the open batch: rolls it back if the connection still answers, drops the
/// connection (the next writer takes a fresh one), and fails every writer waiting on it.
async fn abandon(w: &mut Writer, why: &str) {
    if w.open {
        let _ = run(w, "ROLLBACK").await;
    }
    w.conn = None;
    w.open = false;
    w.dirty = false;
    for member in w.members.drain(..) {
        member.tell(Err(why));
    }
}

async fn run(w: &mut Writer, sql: &str) -> Result<(), StoreError> {
    let conn = w
        .conn
        .as_mut()
        .ok_or_else(|| StoreError::Corrupt("the writer connection is gone".into()))?;
    conn.execute(sql).await?;
    Ok(())
}

/// Undoes the work of a writer that gave up its turn without committing.
async fn rollback_dirty(w: &mut Writer) -> Result<(), StoreError> {
    if w.dirty {
        run(w, "ROLLBACK TO request").await?;
        run(w, "RELEASE request").await?;
        w.dirty = false;
    }
    Ok(())
}

impl Turn {
    pub fn conn(&mut self) -> &mut sqlx::AnyConnection {
        let w = self
            .guard
            .as_mut()
            .expect("a turn holds the writer until it ends");
        w.conn.as_mut().expect("a turn's connection is present")
    }

    pub fn conn_ref(&self) -> &sqlx::AnyConnection {
        let w = self
            .guard
            .as_ref()
            .expect("a turn holds the writer until it ends");
        w.conn.as_ref().expect("a turn's connection is present")
    }

    /// Keeps this writer's work and returns once it is durably committed.
    pub async fn commit(mut self) -> Result<(), StoreError> {
        let w = self.guard.as_mut().expect("a turn commits once");
        if w.dirty {
            // On failure the turn drops still holding the writer, and `Drop` rolls it back.
            run(w, "RELEASE request").await?;
            w.dirty = false;
        }
        let mut w = self.guard.take().expect("a turn commits once");
        let (done, committed) = oneshot::channel();
        w.members.push(Member::Turn(done));
        self.gate.maybe_flush(&mut w).await;
        drop(w);
        match committed.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(message)) => Err(StoreError::CommitFailed(message)),
            Err(_) => Err(StoreError::CommitFailed("the batch was abandoned".into())),
        }
    }
}

impl Drop for Turn {
    fn drop(&mut self) {
        // Dropped without commit: roll this writer back, then commit the others if nobody
        // else will. That needs async work, so it runs on its own task.
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            // No runtime left to run on: the next `begin` rolls the savepoint back.
            return;
        };
        if let Some(mut w) = self.guard.take() {
            let gate = self.gate.clone();
            runtime.spawn(async move {
                if rollback_dirty(&mut w).await.is_err() {
                    abandon(&mut w, "a writer in the batch could not roll back").await;
                    return;
                }
                gate.maybe_flush(&mut w).await;
            });
        }
    }
}
