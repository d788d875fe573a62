//! Monthly counts of what an account used that no other table records (e-invoice validations).
//! Per account across both environments: the operator's usage reads them, and the quota they
//! are held to is the account's.

use uuid::Uuid;

use crate::{codec, Conn, StoreError};

/// Counts one more use of `resource` in `month` (`2026-03`) unless `quota` uses are counted
/// already; returns the new count, or `None` when the quota was reached and nothing was counted.
/// One statement: the check and the count cannot be split by a concurrent one.
pub async fn bump(
    conn: &mut Conn,
    account_id: Uuid,
    resource: &str,
    month: &str,
    quota: Option<u64>,
) -> Result<Option<u64>, StoreError> {
    if quota == Some(0) {
        return Ok(None);
    }
    let row = sqlx::query(
        "INSERT INTO usage_counters (account_id, resource, month, used) VALUES ($1, $2, $3, 1) \
         ON CONFLICT (account_id, resource, month) DO UPDATE SET used = usage_counters.used + 1 \
         WHERE usage_counters.used < $4 \
         RETURNING used",
    )
    .bind(account_id.to_string())
    .bind(resource.to_owned())
    .bind(month.to_owned())
    .bind(quota.map_or(i64::MAX, |q| i64::try_from(q).unwrap_or(i64::MAX)))
    .fetch_optional(conn)
    .await?;
    row.map(|r| Ok(u64::try_from(codec::get_i64(&r, "used")?).unwrap_or_default()))
        .transpose()
}

/// Adds `n` uses of `resource` in `month`, whatever the quota: what an instance counted in
/// memory, written at once.
pub async fn add(
    conn: &mut Conn,
    account_id: Uuid,
    resource: &str,
    month: &str,
    n: u64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO usage_counters (account_id, resource, month, used) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (account_id, resource, month) DO UPDATE SET used = usage_counters.used + $4",
    )
    .bind(account_id.to_string())
    .bind(resource.to_owned())
    .bind(month.to_owned())
    .bind(i64::try_from(n).unwrap_or(i64::MAX))
    .execute(conn)
    .await?;
    Ok(())
}

/// How many uses of `resource` were counted in `month`.
pub async fn get(
    conn: &mut Conn,
    account_id: Uuid,
    resource: &str,
    month: &str,
) -> Result<u64, StoreError> {
    let row = sqlx::query(
        "SELECT used FROM usage_counters WHERE account_id = $1 AND resource = $2 AND month = $3",
    )
    .bind(account_id.to_string())
    .bind(resource.to_owned())
    .bind(month.to_owned())
    .fetch_optional(conn)
    .await?;
    row.map_or(Ok(0), |r| {
        Ok(u64::try_from(codec::get_i64(&r, "used")?).unwrap_or_default())
    })
}
