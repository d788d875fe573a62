use sqlx::Row;
use uuid::Uuid;

use crate::{codec, Conn, StoreError};

pub async fn insert(
    conn: &mut Conn,
    id: Uuid,
    name: &str,
    now: time::OffsetDateTime,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO accounts (id, name, billing_status, created_at) VALUES ($1, $2, 'active', $3)",
    )
    .bind(id.to_string())
    .bind(name)
    .bind(codec::ts(now))
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn count(conn: &mut Conn) -> Result<i64, StoreError> {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM accounts")
        .fetch_one(conn)
        .await?;
    Ok(row.try_get::<i64, _>("n")?)
}

/// The oldest account: the one `serve` created on an empty database.
pub async fn first(conn: &mut Conn) -> Result<Option<Uuid>, StoreError> {
    let row = sqlx::query("SELECT id FROM accounts ORDER BY created_at, id LIMIT 1")
        .fetch_optional(conn)
        .await?;
    row.map(|r| codec::get_uuid(&r, "id")).transpose()
}

/// Sets an account's billing status; `false` when there is no such account.
pub async fn set_billing_status(
    conn: &mut Conn,
    account_id: Uuid,
    status: invoicer_domain::tenant::BillingStatus,
) -> Result<bool, StoreError> {
    let result = sqlx::query("UPDATE accounts SET billing_status = $1 WHERE id = $2")
        .bind(status.as_str())
        .bind(account_id.to_string())
        .execute(conn)
        .await?;
    Ok(result.rows_affected() == 1)
}
