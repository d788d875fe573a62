use invoicer_domain::tenant::Tenant;
use sqlx::Row;
use uuid::Uuid;

use crate::{Conn, StoreError};

/// Draws the next number of a series, inside the caller's transaction. On PostgreSQL the upsert
/// locks the counter row until commit, so concurrent issuers queue; on SQLite the single writer
/// already serialises them. Either way a rollback hands the number back: no gaps.
pub async fn next(
    conn: &mut Conn,
    tenant: Tenant,
    business_id: Uuid,
    series: &str,
) -> Result<i64, StoreError> {
    let row = sqlx::query(
        "INSERT INTO number_series (account_id, environment, business_id, series, last_value) \
         VALUES ($1, $2, $3, $4, 1) \
         ON CONFLICT (business_id, series) DO UPDATE SET last_value = number_series.last_value + 1 \
         RETURNING last_value",
    )
    .bind(tenant.account_id.to_string())
    .bind(tenant.environment.as_str())
    .bind(business_id.to_string())
    .bind(series)
    .fetch_one(conn)
    .await?;
    Ok(row.try_get::<i64, _>("last_value")?)
}
