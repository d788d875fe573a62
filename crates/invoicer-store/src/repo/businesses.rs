use invoicer_domain::{money::Currency, party::Business, tenant::Tenant};
use sqlx::{any::AnyRow, Row};
use uuid::Uuid;

use super::party::{bind_identity, identity_from_row};
use crate::{
    codec,
    page::{Page, PageRequest},
    Conn, StoreError,
};

const COLUMNS: &str = "id, account_id, environment, legal_name, country, vat_id, address, peppol_id, email, \
                       company_id, company_id_scheme, default_currency, invoice_prefix, credit_note_prefix, archived, created_at, updated_at";

fn from_row(row: &AnyRow) -> Result<Business, StoreError> {
    Ok(Business {
        id: codec::get_uuid(row, "id")?,
        identity: identity_from_row(row, "legal_name")?,
        default_currency: codec::get_opt_str(row, "default_currency")?
            .map(|c| Currency::parse(&c).map_err(|e| StoreError::Corrupt(e.message)))
            .transpose()?,
        invoice_prefix: codec::get_str(row, "invoice_prefix")?,
        credit_note_prefix: codec::get_str(row, "credit_note_prefix")?,
        archived: codec::get_i64(row, "archived")? != 0,
        created_at: codec::get_ts(row, "created_at")?,
        updated_at: codec::get_ts(row, "updated_at")?,
    })
}

pub async fn insert(conn: &mut Conn, tenant: Tenant, b: &Business) -> Result<(), StoreError> {
    let sql = format!("INSERT INTO businesses ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)");
    let q = sqlx::query(&sql)
        .bind(b.id.to_string())
        .bind(tenant.account_id.to_string())
        .bind(tenant.environment.as_str())
        .bind(b.identity.name.clone());
    bind_identity(q, &b.identity)?
        .bind(b.default_currency.map(|c| c.code().to_owned()))
        .bind(b.invoice_prefix.clone())
        .bind(b.credit_note_prefix.clone())
        .bind(i64::from(b.archived))
        .bind(codec::ts(b.created_at))
        .bind(codec::ts(b.updated_at))
        .execute(conn)
        .await?;
    Ok(())
}

/// Writes every mutable field of `b` over the stored row.
pub async fn update(conn: &mut Conn, tenant: Tenant, b: &Business) -> Result<(), StoreError> {
    let sql = "UPDATE businesses SET legal_name = $1, country = $2, vat_id = $3, address = $4, peppol_id = $5, \
               email = $6, company_id = $7, company_id_scheme = $8, default_currency = $9, invoice_prefix = $10, \
               credit_note_prefix = $11, archived = $12, updated_at = $13 WHERE account_id = $14 AND environment = $15 \
               AND id = $16";
    let q = sqlx::query(sql).bind(b.identity.name.clone());
    bind_identity(q, &b.identity)?
        .bind(b.default_currency.map(|c| c.code().to_owned()))
        .bind(b.invoice_prefix.clone())
        .bind(b.credit_note_prefix.clone())
        .bind(i64::from(b.archived))
        .bind(codec::ts(b.updated_at))
        .bind(tenant.account_id.to_string())
        .bind(tenant.environment.as_str())
        .bind(b.id.to_string())
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn get(
    conn: &mut Conn,
    tenant: Tenant,
    id: Uuid,
) -> Result<Option<Business>, StoreError> {
    super::scoped::get(conn, "businesses", COLUMNS, tenant, id, from_row).await
}

pub async fn list(
    conn: &mut Conn,
    tenant: Tenant,
    page: PageRequest,
) -> Result<Page<Business>, StoreError> {
    super::scoped::list(conn, "businesses", COLUMNS, tenant, page, from_row).await
}

/// A business and, in the same read, whether a customer of the tenant is archived (`None`: no
/// such customer). Invoice writes check both parties; one round trip instead of two.
pub async fn get_with_customer(
    conn: &mut Conn,
    tenant: Tenant,
    id: Uuid,
    customer_id: Uuid,
) -> Result<Option<(Business, Option<bool>)>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS}, (SELECT c.archived FROM customers c WHERE c.account_id = $1 AND c.environment = $2 \
         AND c.id = $4) AS customer_archived \
         FROM businesses WHERE account_id = $1 AND environment = $2 AND id = $3"
    );
    let row = sqlx::query(&sql)
        .bind(tenant.account_id.to_string())
        .bind(tenant.environment.as_str())
        .bind(id.to_string())
        .bind(customer_id.to_string())
        .fetch_optional(conn)
        .await?;
    let Some(row) = row else { return Ok(None) };
    let customer_archived = row
        .try_get::<Option<i64>, _>("customer_archived")
        .map_err(|e| StoreError::Corrupt(format!("customer_archived: {e}")))?;
    Ok(Some((from_row(&row)?, customer_archived.map(|a| a != 0))))
}

/// Businesses of the tenant addressed by this Peppol id or VAT id (either may be absent).
pub async fn find_by_identity(
    conn: &mut Conn,
    tenant: Tenant,
    peppol_id: Option<&str>,
    vat_id: Option<&str>,
) -> Result<Vec<Business>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM businesses WHERE account_id = $1 AND environment = $2 \
         AND (peppol_id = $3 OR vat_id = $4) ORDER BY id LIMIT 10"
    );
    let rows = sqlx::query(&sql)
        .bind(tenant.account_id.to_string())
        .bind(tenant.environment.as_str())
        .bind(peppol_id.map(str::to_owned))
        .bind(vat_id.map(str::to_owned))
        .fetch_all(conn)
        .await?;
    rows.iter().map(from_row).collect()
}
