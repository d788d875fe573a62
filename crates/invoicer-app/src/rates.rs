//! Request rates per API key: reads and writes a minute, invoice creations an hour, each counted
//! in fixed windows aligned to Unix time (a window is `[n·len, (n+1)·len)`).
//!
//! Requests are counted in memory, so a request costs no database work of its own. On SQLite
//! (one instance by design) the whole window's budget is this process's. On PostgreSQL, where
//! several instances may serve one key, the budget is shared through `rate_leases`: an instance
//! leases a batch of the window's tokens in one statement that never grants more than the limit
//! in all, serves the batch from memory and leases again when it is spent. So the requests all
//! instances accept in a window never pass the limit. The error is the other way: tokens an
//! instance leased and did not use are lost for the window, at most `batch − 1` per instance and
//! key (a batch is a twentieth of the limit, 1 to 50 tokens; 1 below a limit of 40, where the
//! count is exact). A key's `Remaining` is this instance's view: its unused lease plus what was
//! left of the pool at its last lease.

use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicI64, Ordering},
        Arc, Mutex, PoisonError,
    },
};

use invoicer_api_types::ErrorCode;
use invoicer_domain::plan::Plan;
use invoicer_store::{
    redis_budget::RedisBudget,
    repo::rate_leases::{self, Window},
    Backend, Db,
};
use uuid::Uuid;

use crate::error::{AppError, AppResult};

/// What a request is counted against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Class {
    /// GET and HEAD, a minute.
    Reads,
    /// Every other method, a minute.
    Writes,
    /// `POST /v1/invoices`, an hour.
    InvoiceCreations,
}

impl Class {
    /// The policy's name in the `RateLimit` headers and the `rate_leases` rows.
    pub fn name(self) -> &'static str {
        match self {
            Class::Reads => "reads",
            Class::Writes => "writes",
            Class::InvoiceCreations => "invoices",
        }
    }

    /// The window's length in seconds.
    pub fn window_secs(self) -> i64 {
        match self {
            Class::Reads | Class::Writes => 60,
            Class::InvoiceCreations => 3600,
        }
    }

    /// The plan's limit for this class; `None` is unlimited.
    pub fn limit(self, plan: &Plan) -> Option<u64> {
        match self {
            Class::Reads => plan.reads_per_minute,
            Class::Writes => plan.writes_per_minute,
            Class::InvoiceCreations => plan.invoices_per_hour,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Class::Reads => "reads (GET) a minute",
            Class::Writes => "writes a minute",
            Class::InvoiceCreations => "invoice creations an hour",
        }
    }
}

/// Where a key's window stands after a request was counted (or refused).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub class: Class,
    pub limit: u64,
    pub remaining: u64,
    /// When the window resets: Unix time, and seconds from now (at least 1).
    pub reset_at: i64,
    pub reset_in: u64,
    pub allowed: bool,
    /// The window counted in, so a request that created nothing can give its token back.
    window: i64,
}

impl Status {
    /// `rate_limited`, with `retry_after`, `limit` and `plan`.
    pub fn refusal(&self, plan: &str) -> AppError {
        let mut err = AppError::new(
            ErrorCode::RateLimited,
            format!(
                "The key used its {} {} on plan `{plan}`; the window resets in {} s.",
                self.limit,
                self.class.describe(),
                self.reset_in
            ),
        );
        if let AppError::Client { extensions, .. } = &mut err {
            extensions.insert("retry_after".into(), self.reset_in.into());
            extensions.insert("limit".into(), self.limit.into());
            extensions.insert("plan".into(), plan.into());
        }
        err
    }
}

/// How many tokens a PostgreSQL lease asks for: a twentieth of the limit, 1 to 50. What an
/// instance may leave unused in a window is below this, and the leases a key needs a window are
/// at most 20 (or limit / 50) per instance.
pub fn batch(limit: u64) -> u64 {
    (limit / 20).clamp(1, 50)
}

/// One key's count in one class, in this process.
#[derive(Debug, Default)]
struct Count {
    window: i64,
    limit: u64,
    /// Tokens this instance holds for the window, and how many of them it used.
    leased: u64,
    used: u64,
    /// What was left of the shared budget at the last lease.
    pool_left: u64,
    /// The shared budget is spent: no lease until the window ends.
    spent: bool,
}

#[derive(Debug, Default)]
struct Slot {
    count: Mutex<Count>,
    /// Held while one request leases for everyone waiting on this key and class.
    leasing: tokio::sync::Mutex<()>,
}

/// Where the budget comes from.
#[derive(Clone)]
enum Budget {
    /// This process is the only instance: the whole window is its own.
    Local,
    /// Leased in batches from `rate_leases`.
    Postgres(Db),
    /// Leased in batches from Redis (`INVOICER_REDIS_URL`).
    Redis(RedisBudget),
}

/// The rate counters of this process.
pub struct Rates {
    budget: Budget,
    slots: Mutex<HashMap<(Uuid, Class), Arc<Slot>>>,
    /// When ended windows were last swept from `rate_leases`, and from memory (Unix seconds).
    last_sweep: AtomicI64,
    last_forget: AtomicI64,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Seconds between sweeps of ended windows from `rate_leases`, by each instance.
const SWEEP_EVERY_SECS: i64 = 600;

impl Rates {
    /// Counts entirely in memory: for a single instance.
    pub fn in_process() -> Rates {
        Self::with(Budget::Local)
    }

    /// For a server on `db`: in memory on SQLite, leased from the database on PostgreSQL.
    pub fn for_db(db: &Db) -> Rates {
        match db.backend() {
            Backend::Sqlite => Self::in_process(),
            Backend::Postgres => Self::with(Budget::Postgres(db.clone())),
        }
    }

    /// Leased from Redis, whatever the database: for instances that share one Redis.
    pub fn through_redis(redis: RedisBudget) -> Rates {
        Self::with(Budget::Redis(redis))
    }

    fn with(budget: Budget) -> Rates {
        Rates {
            budget,
            slots: Mutex::new(HashMap::new()),
            last_sweep: AtomicI64::new(0),
            last_forget: AtomicI64::new(0),
        }
    }

    /// Where the budget comes from: `memory`, `postgresql` or `redis`.
    pub fn budget(&self) -> &'static str {
        match self.budget {
            Budget::Local => "memory",
            Budget::Postgres(_) => "postgresql",
            Budget::Redis(_) => "redis",
        }
    }

    /// Whether the budget is shared with other instances.
    pub fn is_shared(&self) -> bool {
        !matches!(self.budget, Budget::Local)
    }

    /// Counts one request of `key_id` against `limit` in `class`'s current window at `now`
    /// (Unix seconds). A refusal counts nothing.
    pub async fn take(
        &self,
        key_id: Uuid,
        class: Class,
        limit: u64,
        now: i64,
    ) -> AppResult<Status> {
        let window = now.div_euclid(class.window_secs());
        let slot = self.slot(key_id, class, now);
        loop {
            if let Some(status) = self.try_take(&slot, window, limit, now, class) {
                return Ok(status);
            }
            // The lease is spent and the budget may not be: lease more, one request at a time.
            let _leasing = slot.leasing.lock().await;
            {
                let mut count = lock(&slot.count);
                roll(&mut count, window, limit, !self.is_shared());
                if count.used < count.leased || count.spent {
                    continue;
                }
            }
            let lease = self.lease(key_id, class, window, limit).await?;
            let mut count = lock(&slot.count);
            if count.window == window {
                count.leased += lease.got;
                count.pool_left = limit.saturating_sub(lease.granted);
                count.spent = lease.got == 0;
            }
        }
    }

    /// Gives back a token taken by [`Rates::take`] for a request that created nothing, while
    /// its window lasts.
    pub fn give_back(&self, key_id: Uuid, status: &Status) {
        if !status.allowed {
            return;
        }
        let slot = lock(&self.slots).get(&(key_id, status.class)).cloned();
        if let Some(slot) = slot {
            let mut count = lock(&slot.count);
            if count.window == status.window && count.used > 0 {
                count.used -= 1;
            }
        }
    }

    /// Takes a token when one is held here; `None` when a lease is needed first.
    fn try_take(
        &self,
        slot: &Slot,
        window: i64,
        limit: u64,
        now: i64,
        class: Class,
    ) -> Option<Status> {
        let mut count = lock(&slot.count);
        roll(&mut count, window, limit, !self.is_shared());
        let allowed = count.used < count.leased;
        if !allowed && !count.spent {
            return None;
        }
        if allowed {
            count.used += 1;
        }
        let reset_at = (window + 1) * class.window_secs();
        Some(Status {
            class,
            limit,
            remaining: if allowed {
                (count.leased - count.used + count.pool_left).min(limit)
            } else {
                0
            },
            reset_at,
            reset_in: u64::try_from(reset_at - now).unwrap_or(1).max(1),
            allowed,
            window,
        })
    }

    async fn lease(
        &self,
        key_id: Uuid,
        class: Class,
        window: i64,
        limit: u64,
    ) -> AppResult<rate_leases::Lease> {
        let len = class.window_secs();
        let window = Window {
            key_id,
            bucket: class.name(),
            start: window * len,
            end: (window + 1) * len,
        };
        let db = match &self.budget {
            Budget::Postgres(db) => db,
            Budget::Redis(redis) => return Ok(redis.lease(window, batch(limit), limit).await?),
            // `roll` gave this process the whole window already.
            Budget::Local => {
                return Ok(rate_leases::Lease {
                    got: 0,
                    granted: limit,
                })
            }
        };
        // Autocommitted on a pooled connection: one round trip, holding the row lock only for
        // the statement.
        let mut conn = db.read().await?;
        let lease = rate_leases::lease(&mut conn, window, batch(limit), limit).await?;
        let last = self.last_sweep.load(Ordering::Relaxed);
        if window.start - last >= SWEEP_EVERY_SECS
            && self
                .last_sweep
                .compare_exchange(last, window.start, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
        {
            // Windows that ended are of no use to anyone; a failure here is retried next time.
            if let Err(e) = rate_leases::sweep(&mut conn, window.start).await {
                tracing::warn!(error = %e, "sweeping ended rate windows failed");
            }
        }
        Ok(lease)
    }

    /// The slot of a key and class; drops the slots of windows that ended, once a minute.
    fn slot(&self, key_id: Uuid, class: Class, now: i64) -> Arc<Slot> {
        let mut slots = lock(&self.slots);
        if now - self.last_forget.load(Ordering::Relaxed) >= 60 {
            slots.retain(|(_, class), slot| {
                (lock(&slot.count).window + 1) * class.window_secs() > now
            });
            self.last_forget.store(now, Ordering::Relaxed);
        }
        slots.entry((key_id, class)).or_default().clone()
    }
}

/// Starts a new window: on a single instance it holds the whole limit at once; with a shared
/// budget it holds nothing until it leases. A changed limit (the account's plan changed)
/// applies at once.
fn roll(count: &mut Count, window: i64, limit: u64, local: bool) {
    if count.window != window {
        *count = Count {
            window,
            limit,
            ..Count::default()
        };
    } else if count.limit != limit {
        count.limit = limit;
        count.spent = false;
    } else {
        return;
    }
    if local {
        count.leased = limit;
        count.spent = true;
    }
}
