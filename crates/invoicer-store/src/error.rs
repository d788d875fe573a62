use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    /// The database cannot be reached right now; nothing was written. Retrying later is safe.
    #[error("database unavailable")]
    Unavailable(#[source] sqlx::Error),
    /// A uniqueness constraint refused the write.
    #[error("unique constraint violated")]
    Conflict(#[source] sqlx::Error),
    /// A stored value could not be read back: a bug or a hand-edited row.
    #[error("corrupt row: {0}")]
    Corrupt(String),
    #[error("database error")]
    Other(#[source] sqlx::Error),
    /// A group commit failed; none of its writers' work was persisted.
    #[error("commit failed: {0}")]
    CommitFailed(String),
    /// The Redis that holds the shared rate budgets failed or cannot be reached.
    #[error("redis unavailable")]
    Redis(#[source] redis::RedisError),
}

impl From<redis::RedisError> for StoreError {
    fn from(e: redis::RedisError) -> Self {
        Self::Redis(e)
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::WorkerCrashed => Self::Unavailable(e),
            sqlx::Error::Database(db) if db.is_unique_violation() => Self::Conflict(e),
            // SQLITE_BUSY / SQLITE_LOCKED, PostgreSQL admin shutdown and "cannot connect now".
            sqlx::Error::Database(db)
                if matches!(db.code().as_deref(), Some("5" | "6" | "57P01" | "57P03")) =>
            {
                Self::Unavailable(e)
            }
            _ => Self::Other(e),
        }
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        Self::Corrupt(e.to_string())
    }
}
