//! Reads every tenant-owned table shares: one row by id, and a page in id order.

use invoicer_domain::tenant::Tenant;
use sqlx::any::AnyRow;
use uuid::Uuid;

use crate::{
    page::{Page, PageRequest},
    Conn, StoreError,
};

pub type FromRow<T> = fn(&AnyRow) -> Result<T, StoreError>;

pub async fn get<T>(
    conn: &mut Conn,
    table: &str,
    columns: &str,
    tenant: Tenant,
    id: Uuid,
    from_row: FromRow<T>,
) -> Result<Option<T>, StoreError> {
    let sql = format!(
        "SELECT {columns} FROM {table} WHERE account_id = $1 AND environment = $2 AND id = $3"
    );
    let row = sqlx::query(&sql)
        .bind(tenant.account_id.to_string())
        .bind(tenant.environment.as_str())
        .bind(id.to_string())
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn list<T>(
    conn: &mut Conn,
    table: &str,
    columns: &str,
    tenant: Tenant,
    page: PageRequest,
    from_row: FromRow<T>,
) -> Result<Page<T>, StoreError> {
    let sql = format!(
        "SELECT {columns} FROM {table} WHERE account_id = $1 AND environment = $2 AND id > $3 ORDER BY id LIMIT $4"
    );
    let rows = sqlx::query(&sql)
        .bind(tenant.account_id.to_string())
        .bind(tenant.environment.as_str())
        .bind(page.after.map(|u| u.to_string()).unwrap_or_default())
        .bind(i64::from(page.limit) + 1)
        .fetch_all(conn)
        .await?;
    Ok(Page::from_rows(
        rows.iter().map(from_row).collect::<Result<_, _>>()?,
        page.limit,
    ))
}
