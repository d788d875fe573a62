//! Storage over SQLite or PostgreSQL. One API, two backends: queries are written once in the
//! SQL both dialects share and run through sqlx's `Any` driver; the few places where the
//! dialects differ ask [`is_postgres`]. Every function takes the tenant: there is no tenant-less
//! read or write. Nothing outside this crate names sqlx.

mod checkpoint;
mod codec;
mod db;
mod error;
mod group_commit;
mod key_cache;
mod migrate;
pub mod page;
pub mod redis_budget;
pub mod repo;

pub use db::{Backend, Db, DbConfig, ReadConn, Tx};
pub use error::StoreError;
pub use group_commit::in_savepoint;
pub use key_cache::TTL as KEY_CACHE_TTL;
pub use sqlx::AnyConnection as Conn;

/// Whether a connection speaks PostgreSQL (row locks) rather than SQLite (one writer at a time).
pub(crate) fn is_postgres(conn: &Conn) -> bool {
    conn.backend_name() == "PostgreSQL"
}
