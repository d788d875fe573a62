//! Idempotency records: the first response to a key, kept with the work it answers for.

use invoicer_domain::tenant::Tenant;
use sqlx::Row;

use crate::{codec, Conn, StoreError};

/// A response as it was first sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub fingerprint: String,
    pub status: u16,
    pub content_type: String,
    pub body: String,
}

/// Where a key lives: its tenant, route and the key itself.
#[derive(Debug, Clone, Copy)]
pub struct Scope<'a> {
    pub tenant: Tenant,
    pub route: &'a str,
    pub key: &'a str,
}

/// Takes the key for the rest of the transaction, if no other transaction holds it: on
/// PostgreSQL a transaction-scoped advisory lock on `lock_id`; SQLite's single writer already
/// runs one transaction at a time, so there it always succeeds.
pub async fn try_lock(conn: &mut Conn, lock_id: i64) -> Result<bool, StoreError> {
    if !crate::is_postgres(conn) {
        return Ok(true);
    }
    let row = sqlx::query("SELECT pg_try_advisory_xact_lock($1) AS taken")
        .bind(lock_id)
        .fetch_one(conn)
        .await?;
    row.try_get::<bool, _>("taken")
        .map_err(|e| StoreError::Corrupt(format!("pg_try_advisory_xact_lock: {e}")))
}

/// The unexpired record of a key.
pub async fn get(
    conn: &mut Conn,
    scope: Scope<'_>,
    now: time::OffsetDateTime,
) -> Result<Option<Recorded>, StoreError> {
    let row = sqlx::query(
        "SELECT fingerprint, status, content_type, body FROM idempotency_keys \
         WHERE account_id = $1 AND environment = $2 AND route = $3 AND idempotency_key = $4 \
         AND expires_at > $5",
    )
    .bind(scope.tenant.account_id.to_string())
    .bind(scope.tenant.environment.as_str())
    .bind(scope.route.to_owned())
    .bind(scope.key.to_owned())
    .bind(codec::ts(now))
    .fetch_optional(conn)
    .await?;
    row.map(|r| {
        Ok(Recorded {
            fingerprint: codec::get_str(&r, "fingerprint")?,
            status: u16::try_from(codec::get_i64(&r, "status")?)
                .map_err(|_| StoreError::Corrupt("idempotency_keys.status".into()))?,
            content_type: codec::get_str(&r, "content_type")?,
            body: codec::get_str(&r, "body")?,
        })
    })
    .transpose()
}

/// The columns a record is inserted with, in the order `put` binds them.
pub(crate) const COLUMNS: &str = "account_id, environment, route, idempotency_key, fingerprint, \
     status, content_type, body, created_at, expires_at";

/// What an insert does when the key already has a record: replaces it (a caller that must
/// keep an unexpired one adds a condition).
pub(crate) const REPLACE: &str = "ON CONFLICT (account_id, environment, route, idempotency_key) \
     DO UPDATE SET fingerprint = excluded.fingerprint, status = excluded.status, \
     content_type = excluded.content_type, body = excluded.body, \
     created_at = excluded.created_at, expires_at = excluded.expires_at";

/// Records a key's first response, replacing an expired record of the same key.
pub async fn put(
    conn: &mut Conn,
    scope: Scope<'_>,
    record: &Recorded,
    now: time::OffsetDateTime,
    expires_at: time::OffsetDateTime,
) -> Result<(), StoreError> {
    static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let sql = SQL.get_or_init(|| {
        format!(
            "INSERT INTO idempotency_keys ({COLUMNS}) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) {REPLACE}"
        )
    });
    sqlx::query(sql)
        .bind(scope.tenant.account_id.to_string())
        .bind(scope.tenant.environment.as_str())
        .bind(scope.route.to_owned())
        .bind(scope.key.to_owned())
        .bind(record.fingerprint.clone())
        .bind(i64::from(record.status))
        .bind(record.content_type.clone())
        .bind(record.body.clone())
        .bind(codec::ts(now))
        .bind(codec::ts(expires_at))
        .execute(conn)
        .await?;
    Ok(())
}

/// Deletes the records that expired before `now`, across all tenants (an operator's sweep);
/// returns how many.
pub async fn sweep(conn: &mut Conn, now: time::OffsetDateTime) -> Result<u64, StoreError> {
    let done = sqlx::query("DELETE FROM idempotency_keys WHERE expires_at <= $1")
        .bind(codec::ts(now))
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}
