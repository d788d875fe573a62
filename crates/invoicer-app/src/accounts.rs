//! Accounts, on the operator side: create one, find the default, set its billing status.

use invoicer_api_types::ErrorCode;
use invoicer_domain::tenant::BillingStatus;
use invoicer_store::{repo::accounts, Db};
use uuid::Uuid;

use crate::error::{AppError, AppResult};

/// The account the CLI acts on when none is named: the first one created.
pub async fn default_account(db: &Db) -> AppResult<Uuid> {
    accounts::first(&mut *db.read().await?)
        .await?
        .ok_or_else(|| {
            AppError::new(
                ErrorCode::InvalidRequest,
                "The database has no account yet; run `invoicer serve` once.",
            )
        })
}

/// Creates an account (operator side, CLI).
pub async fn create_account(db: &Db, name: &str) -> AppResult<Uuid> {
    let mut tx = db.begin().await?;
    let id = Uuid::now_v7();
    accounts::insert(&mut tx, id, name, time::OffsetDateTime::now_utc()).await?;
    tx.commit().await?;
    Ok(id)
}

/// Marks an account past due (every request then answers `payment_required`) or active again.
pub async fn set_billing_status(db: &Db, account_id: Uuid, status: BillingStatus) -> AppResult<()> {
    let mut tx = db.begin().await?;
    if !accounts::set_billing_status(&mut tx, account_id, status).await? {
        return Err(AppError::new(
            ErrorCode::InvalidRequest,
            format!("There is no account {account_id}."),
        ));
    }
    tx.commit().await?;
    Ok(())
}
