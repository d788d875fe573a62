//! Shared request-rate budgets: per API key, rate class and fixed window, how many requests the
//! instances on one database were granted together. Keyed by the key, which is how the tenant is
//! found; no tenant data is read or written here.

use uuid::Uuid;

use crate::{codec, Conn, StoreError};

/// One window of one key's rate class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window<'a> {
    pub key_id: Uuid,
    /// `reads`, `writes` or `invoices`.
    pub bucket: &'a str,
    /// Its first second and the first second after it, Unix time.
    pub start: i64,
    pub end: i64,
}

/// What a lease got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lease {
    /// Granted to this caller now (0 when the window's budget is spent).
    pub got: u64,
    /// Granted to every caller together so far, this one included; never above the limit.
    pub granted: u64,
}

fn int(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Grants up to `want` more of the window's `limit`, in one statement: the row lock it takes
/// orders concurrent leases, so the grants of all instances together never pass `limit`.
pub async fn lease(
    conn: &mut Conn,
    window: Window<'_>,
    want: u64,
    limit: u64,
) -> Result<Lease, StoreError> {
    let row = sqlx::query(
        "INSERT INTO rate_leases (key_id, bucket, window_start, window_end, granted, last_grant) \
         VALUES ($1, $2, $3, $4, $5, $5) \
         ON CONFLICT (key_id, bucket, window_start) DO UPDATE SET \
         last_grant = CASE WHEN rate_leases.granted >= $7 THEN 0 \
             WHEN rate_leases.granted + $6 > $7 THEN $7 - rate_leases.granted ELSE $6 END, \
         granted = CASE WHEN rate_leases.granted >= $7 THEN rate_leases.granted \
             WHEN rate_leases.granted + $6 > $7 THEN $7 ELSE rate_leases.granted + $6 END \
         RETURNING granted, last_grant",
    )
    .bind(window.key_id.to_string())
    .bind(window.bucket.to_owned())
    .bind(window.start)
    .bind(window.end)
    .bind(int(want.min(limit)))
    .bind(int(want))
    .bind(int(limit))
    .fetch_one(conn)
    .await?;
    let count = |column: &str| -> Result<u64, StoreError> {
        Ok(u64::try_from(codec::get_i64(&row, column)?).unwrap_or_default())
    };
    Ok(Lease {
        got: count("last_grant")?,
        granted: count("granted")?.min(limit),
    })
}

/// Deletes the windows that ended before `before` (Unix time); returns how many.
pub async fn sweep(conn: &mut Conn, before: i64) -> Result<u64, StoreError> {
    let done = sqlx::query("DELETE FROM rate_leases WHERE window_end < $1")
        .bind(before)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}
