//! Accounts: the tenants themselves, so these reads and writes are the operator's and take no
//! tenant.

use invoicer_domain::{
    plan::SELF_HOSTED,
    tenant::{Account, BillingStatus},
};
use sqlx::{any::AnyRow, Row};
use uuid::Uuid;

use crate::{
    codec,
    page::{Page, PageRequest},
    Conn, StoreError, Tx,
};

const COLUMNS: &str = "id, name, plan, billing_status, created_at";

fn from_row(row: &AnyRow) -> Result<Account, StoreError> {
    Ok(Account {
        id: codec::get_uuid(row, "id")?,
        name: codec::get_str(row, "name")?,
        plan: codec::get_str(row, "plan")?,
        billing_status: codec::parse_enum(
            "billing_status",
            &codec::get_str(row, "billing_status")?,
        )?,
        created_at: codec::get_ts(row, "created_at")?,
    })
}

/// Creates an active account on the `self_hosted` plan: the one a fresh install starts with.
pub async fn insert(
    conn: &mut Conn,
    id: Uuid,
    name: &str,
    now: time::OffsetDateTime,
) -> Result<(), StoreError> {
    create(
        conn,
        &Account {
            id,
            name: name.to_owned(),
            plan: SELF_HOSTED.to_owned(),
            billing_status: BillingStatus::Active,
            created_at: now,
        },
    )
    .await
}

pub async fn create(conn: &mut Conn, account: &Account) -> Result<(), StoreError> {
    sqlx::query(&format!(
        "INSERT INTO accounts ({COLUMNS}) VALUES ($1, $2, $3, $4, $5)"
    ))
    .bind(account.id.to_string())
    .bind(&account.name)
    .bind(&account.plan)
    .bind(account.billing_status.as_str())
    .bind(codec::ts(account.created_at))
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

pub async fn get(conn: &mut Conn, id: Uuid) -> Result<Option<Account>, StoreError> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM accounts WHERE id = $1"))
        .bind(id.to_string())
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Accounts in id order (creation order).
pub async fn list(conn: &mut Conn, page: PageRequest) -> Result<Page<Account>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM accounts WHERE id > $1 ORDER BY id LIMIT $2"
    ))
    .bind(page.after.map(|u| u.to_string()).unwrap_or_default())
    .bind(i64::from(page.limit) + 1)
    .fetch_all(conn)
    .await?;
    Ok(Page::from_rows(
        rows.iter().map(from_row).collect::<Result<_, _>>()?,
        page.limit,
    ))
}

/// Sets an account's plan and billing status, each when given; `false` when there is no such
/// account.
pub async fn update(
    tx: &mut Tx,
    id: Uuid,
    plan: Option<&str>,
    billing_status: Option<BillingStatus>,
) -> Result<bool, StoreError> {
    let result = sqlx::query(
        "UPDATE accounts SET plan = COALESCE($1, plan), billing_status = COALESCE($2, billing_status) \
         WHERE id = $3",
    )
    .bind(plan)
    .bind(billing_status.map(BillingStatus::as_str))
    .bind(id.to_string())
    .execute(&mut **tx)
    .await?;
    tx.keys_change();
    Ok(result.rows_affected() == 1)
}

/// Sets an account's billing status; `false` when there is no such account.
pub async fn set_billing_status(
    tx: &mut Tx,
    account_id: Uuid,
    status: BillingStatus,
) -> Result<bool, StoreError> {
    update(tx, account_id, None, Some(status)).await
}

/// On PostgreSQL, locks the account's row until the transaction ends, so a count checked
/// against the account's plan (its usable keys, this month's invoices) holds until commit and
/// two concurrent transactions cannot both pass the same cap. SQLite's single writer already
/// gives that.
pub async fn lock(conn: &mut Conn, id: Uuid) -> Result<(), StoreError> {
    if crate::is_postgres(conn) {
        sqlx::query("SELECT id FROM accounts WHERE id = $1 FOR UPDATE")
            .bind(id.to_string())
            .fetch_optional(conn)
            .await?;
    }
    Ok(())
}

/// The plans accounts are on, each once.
pub async fn plans_in_use(conn: &mut Conn) -> Result<Vec<String>, StoreError> {
    let rows = sqlx::query("SELECT DISTINCT plan FROM accounts ORDER BY plan")
        .fetch_all(conn)
        .await?;
    rows.iter().map(|r| codec::get_str(r, "plan")).collect()
}
