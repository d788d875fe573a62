use invoicer_domain::{party::Customer, tenant::Tenant};
use sqlx::any::AnyRow;
use uuid::Uuid;

use super::party::{bind_identity, identity_from_row};
use crate::{
    codec,
    page::{Page, PageRequest},
    Conn, StoreError,
};

const COLUMNS: &str =
    "id, account_id, environment, name, country, vat_id, address, peppol_id, email, company_id, company_id_scheme, archived, created_at, \
     updated_at";

fn from_row(row: &AnyRow) -> Result<Customer, StoreError> {
    Ok(Customer {
        id: codec::get_uuid(row, "id")?,
        identity: identity_from_row(row, "name")?,
        archived: codec::get_i64(row, "archived")? != 0,
        created_at: codec::get_ts(row, "created_at")?,
        updated_at: codec::get_ts(row, "updated_at")?,
    })
}

pub async fn insert(conn: &mut Conn, tenant: Tenant, c: &Customer) -> Result<(), StoreError> {
    let sql = format!("INSERT INTO customers ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)");
    let q = sqlx::query(&sql)
        .bind(c.id.to_string())
        .bind(tenant.account_id.to_string())
        .bind(tenant.environment.as_str())
        .bind(c.identity.name.clone());
    bind_identity(q, &c.identity)?
        .bind(i64::from(c.archived))
        .bind(codec::ts(c.created_at))
        .bind(codec::ts(c.updated_at))
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn update(conn: &mut Conn, tenant: Tenant, c: &Customer) -> Result<(), StoreError> {
    let sql = "UPDATE customers SET name = $1, country = $2, vat_id = $3, address = $4, peppol_id = $5, email = $6, \
               company_id = $7, company_id_scheme = $8, archived = $9, updated_at = $10 WHERE account_id = $11 \
               AND environment = $12 AND id = $13";
    let q = sqlx::query(sql).bind(c.identity.name.clone());
    bind_identity(q, &c.identity)?
        .bind(i64::from(c.archived))
        .bind(codec::ts(c.updated_at))
        .bind(tenant.account_id.to_string())
        .bind(tenant.environment.as_str())
        .bind(c.id.to_string())
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn get(
    conn: &mut Conn,
    tenant: Tenant,
    id: Uuid,
) -> Result<Option<Customer>, StoreError> {
    super::scoped::get(conn, "customers", COLUMNS, tenant, id, from_row).await
}

pub async fn list(
    conn: &mut Conn,
    tenant: Tenant,
    page: PageRequest,
) -> Result<Page<Customer>, StoreError> {
    super::scoped::list(conn, "customers", COLUMNS, tenant, page, from_row).await
}
