//! Connection pools. SQLite gets one writer connection (SQLite serialises writers anyway; one
//! connection turns lock contention into an orderly queue) and several readers over WAL.

use std::{str::FromStr, time::Duration};

use sqlx::{
    any::{AnyConnectOptions, AnyPoolOptions},
    pool::PoolConnection,
    Any, AnyPool, Executor, Transaction,
};

use crate::StoreError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, Clone)]
pub struct DbConfig {
    pub url: String,
    /// Connections of the read pool (and of the one PostgreSQL pool).
    pub max_connections: u32,
    /// How long a request waits for a connection before the database counts as unavailable.
    pub acquire_timeout: Duration,
}

impl DbConfig {
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            max_connections: 16,
            acquire_timeout: Duration::from_secs(5),
        }
    }
}

#[derive(Clone)]
pub struct Db {
    write: AnyPool,
    read: AnyPool,
    backend: Backend,
    /// SQLite only: the single writer, shared by concurrent transactions (group commit).
    gate: Option<std::sync::Arc<crate::group_commit::Gate>>,
    /// SQLite only: checkpoints the WAL in the background (`checkpoint.rs`).
    checkpointer: Option<std::sync::Arc<crate::checkpoint::Checkpointer>>,
    /// Keys found by their hash, kept a second (`repo::api_keys::find_by_hash_cached`).
    keys: std::sync::Arc<crate::key_cache::KeyCache>,
}

pub type ReadConn = PoolConnection<Any>;

/// A write transaction. Dropping it without [`Tx::commit`] rolls back; `commit` returns once
/// the work is durable.
pub struct Tx {
    inner: TxInner,
    keys: std::sync::Arc<crate::key_cache::KeyCache>,
    /// A key or an account changed: the key cache is cleared once this commits.
    keys_changed: bool,
}

enum TxInner {
    Postgres(Transaction<'static, Any>),
    Sqlite(crate::group_commit::Turn),
}

impl Tx {
    pub async fn commit(self) -> Result<(), StoreError> {
        match self.inner {
            TxInner::Postgres(tx) => tx.commit().await?,
            TxInner::Sqlite(turn) => turn.commit().await?,
        }
        if self.keys_changed {
            self.keys.clear();
        }
        Ok(())
    }

    /// Marks the transaction as changing a key or an account, so that once it commits no
    /// request of this instance uses what the key cache held before.
    pub(crate) fn keys_change(&mut self) {
        self.keys_changed = true;
    }

    /// Rolls back now. Dropping rolls back too, but PostgreSQL's rollback then waits for the
    /// connection's next use, and whatever the transaction holds (its locks) stays held until.
    pub async fn rollback(self) -> Result<(), StoreError> {
        match self.inner {
            TxInner::Postgres(tx) => Ok(tx.rollback().await?),
            // The writer is queued: the next turn starts only once this one has rolled back.
            TxInner::Sqlite(turn) => {
                drop(turn);
                Ok(())
            }
        }
    }
}

impl std::ops::Deref for Tx {
    type Target = sqlx::AnyConnection;
    fn deref(&self) -> &Self::Target {
        match &self.inner {
            TxInner::Postgres(tx) => tx,
            TxInner::Sqlite(turn) => turn.conn_ref(),
        }
    }
}

impl std::ops::DerefMut for Tx {
    fn deref_mut(&mut self) -> &mut Self::Target {
        match &mut self.inner {
            TxInner::Postgres(tx) => tx,
            TxInner::Sqlite(turn) => turn.conn(),
        }
    }
}

impl Db {
    pub async fn connect(config: &DbConfig) -> Result<Self, StoreError> {
        sqlx::any::install_default_drivers();
        let backend =
            if config.url.starts_with("postgres:") || config.url.starts_with("postgresql:") {
                Backend::Postgres
            } else if config.url.starts_with("sqlite:") {
                Backend::Sqlite
            } else {
                return Err(StoreError::Corrupt(format!(
                    "unsupported database URL `{}`: use sqlite://FILE or postgres://…",
                    redact(&config.url)
                )));
            };
        let options = AnyConnectOptions::from_str(&config.url)?;
        let pool = |max: u32| {
            AnyPoolOptions::new()
                .max_connections(max)
                .min_connections(0)
                .acquire_timeout(config.acquire_timeout)
                .after_connect(move |conn, _| {
                    Box::pin(async move {
                        if backend == Backend::Sqlite {
                            // WAL lets readers run beside the writer; FULL makes each commit
                            // durable before it is acknowledged. No checkpoint inside a commit,
                            // on whichever connection commits: `checkpoint.rs` does them.
                            conn.execute(
                                "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                                 PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; \
                                 PRAGMA wal_autocheckpoint = 0;",
                            )
                            .await?;
                        }
                        Ok(())
                    })
                })
        };
        let (write, read, gate, checkpointer) = match backend {
            Backend::Sqlite => {
                let write = pool(1).connect_with(options.clone()).await?;
                let read = pool(config.max_connections)
                    .connect_with(options.clone())
                    .await?;
                let gate = crate::group_commit::Gate::new(write.clone());
                let checkpointer =
                    crate::checkpoint::Checkpointer::start(&options, gate.clone()).await?;
                (
                    write,
                    read,
                    Some(gate),
                    Some(std::sync::Arc::new(checkpointer)),
                )
            }
            Backend::Postgres => {
                let p = pool(config.max_connections).connect_with(options).await?;
                (p.clone(), p, None, None)
            }
        };
        Ok(Self {
            write,
            read,
            backend,
            gate,
            checkpointer,
            keys: std::sync::Arc::default(),
        })
    }

    pub(crate) fn key_cache(&self) -> &crate::key_cache::KeyCache {
        &self.keys
    }

    /// Forgets every key found by its hash, so the next request of each reads its key and
    /// account again: call it once a change to a key or an account has committed.
    pub fn keys_changed(&self) {
        self.keys.clear();
    }

    /// SQLite: writers queued behind the current one (0 on PostgreSQL).
    pub fn writers_waiting(&self) -> usize {
        self.gate.as_ref().map_or(0, |g| g.waiting())
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub async fn begin(&self) -> Result<Tx, StoreError> {
        let inner = match &self.gate {
            Some(gate) => TxInner::Sqlite(gate.begin().await?),
            None => TxInner::Postgres(self.write.begin().await?),
        };
        Ok(Tx {
            inner,
            keys: self.keys.clone(),
            keys_changed: false,
        })
    }

    pub async fn read(&self) -> Result<ReadConn, StoreError> {
        Ok(self.read.acquire().await?)
    }

    /// PostgreSQL: a connection outside any transaction, for a write done in one statement,
    /// which PostgreSQL commits on its own. SQLite's writes all go through [`Db::begin`].
    pub(crate) async fn autocommit(&self) -> Result<ReadConn, StoreError> {
        debug_assert_eq!(self.backend, Backend::Postgres);
        Ok(self.write.acquire().await?)
    }

    /// SQLite: a writer's turn done in one call (`group_commit::Gate::once`; the SQL made by
    /// `group_commit::in_savepoint`): its rows, once its batch is durably committed.
    #[doc(hidden)]
    pub async fn write_once(
        &self,
        query: crate::repo::party::AnyQuery<'static>,
    ) -> Result<Vec<sqlx::any::AnyRow>, StoreError> {
        let gate = self
            .gate
            .as_ref()
            .ok_or_else(|| StoreError::Corrupt("a turn in one call is SQLite's".into()))?;
        gate.once(query).await
    }

    /// Whether the database answers a trivial query now.
    pub async fn ping(&self) -> Result<(), StoreError> {
        let mut conn = self.read().await?;
        conn.execute("SELECT 1").await?;
        Ok(())
    }

    pub async fn migrate(&self) -> Result<(), StoreError> {
        self.migrate_through(i64::MAX).await
    }

    /// Applies the migrations up to version `through` only: for tests of upgrades.
    #[doc(hidden)]
    pub async fn migrate_through(&self, through: i64) -> Result<(), StoreError> {
        if let Some(gate) = &self.gate {
            // The SQLite writer may be parked in the gate; take it back for the migration.
            gate.release().await;
        }
        let mut conn = self.write.acquire().await?;
        crate::migrate::run(&mut conn, through).await
    }

    pub async fn close(&self) {
        if let Some(gate) = &self.gate {
            gate.release().await;
        }
        self.write.close().await;
        self.read.close().await;
        // Last, so that its final checkpoint waits for nobody.
        if let Some(checkpointer) = &self.checkpointer {
            checkpointer.stop().await;
        }
    }
}

/// A database URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let creds = &url[scheme + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}
