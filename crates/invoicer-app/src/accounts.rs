//! Accounts, on the operator side (the admin API and the CLI): create, list, read, change their
//! plan and billing status, report their usage against their plan, and mint their keys.

use invoicer_api_types::{
    account::{AccountChange, NewAccount},
    api_key::NewApiKey,
    ErrorCode,
};
use invoicer_domain::{
    api_key::{ApiKey, Environment, PlainKey},
    plan::{self, Metered, Plan, Plans, Usage},
    tenant::{Account, BillingStatus, Tenant},
};
use invoicer_store::{
    page::{Page, PageRequest},
    repo::{accounts, api_keys, invoices},
    Db,
};
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

/// Creates an active account on the plan asked for (checked against the configured plans when
/// the request was parsed).
pub async fn create_account(db: &Db, new: NewAccount) -> AppResult<Account> {
    let account = Account {
        id: Uuid::now_v7(),
        name: new.name,
        plan: new.plan,
        billing_status: BillingStatus::Active,
        created_at: time::OffsetDateTime::now_utc(),
    };
    let mut tx = db.begin().await?;
    accounts::create(&mut tx, &account).await?;
    tx.commit().await?;
    Ok(account)
}

pub async fn list(db: &Db, page: PageRequest) -> AppResult<Page<Account>> {
    Ok(accounts::list(&mut *db.read().await?, page).await?)
}

pub async fn get(db: &Db, id: Uuid) -> AppResult<Account> {
    accounts::get(&mut *db.read().await?, id)
        .await?
        .ok_or_else(|| not_found(id))
}

/// Changes an account's plan, billing status or both.
pub async fn update(db: &Db, id: Uuid, change: AccountChange) -> AppResult<Account> {
    if change.is_empty() {
        return Err(AppError::new(
            ErrorCode::NoValidFields,
            "The body names no field that can be updated: send `plan`, `billing_status` or both.",
        ));
    }
    let mut tx = db.begin().await?;
    if !accounts::update(&mut tx, id, change.plan.as_deref(), change.billing_status).await? {
        return Err(not_found(id));
    }
    let account = accounts::get(&mut tx, id)
        .await?
        .ok_or_else(|| not_found(id))?;
    tx.commit().await?;
    Ok(account)
}

/// Marks an account past due (its writes then answer `payment_required`; reads still work) or
/// active again.
pub async fn set_billing_status(db: &Db, account_id: Uuid, status: BillingStatus) -> AppResult<()> {
    update(
        db,
        account_id,
        AccountChange {
            plan: None,
            billing_status: Some(status),
        },
    )
    .await
    .map(drop)
}

/// An account, its plan, and what it uses of what the plan counts: this calendar month's (UTC)
/// invoices and e-invoice validations, and its usable keys, across both environments.
pub async fn usage(db: &Db, plans: &Plans, id: Uuid) -> AppResult<(Account, Plan, Usage)> {
    let now = time::OffsetDateTime::now_utc();
    let mut conn = db.read().await?;
    let account = accounts::get(&mut conn, id)
        .await?
        .ok_or_else(|| not_found(id))?;
    let plan = plans.get(&account.plan).cloned().ok_or_else(|| {
        AppError::internal(format!(
            "account {id} is on plan `{}`, which the configured plans lack",
            account.plan
        ))
    })?;
    let (period_start, period_end) = plan::month_of(now);
    let invoices = invoices::count_created(&mut conn, id, period_start, period_end).await?;
    let validations = crate::quotas::validations_this_month(&mut conn, id).await?;
    let api_keys = api_keys::count_usable(&mut conn, id, now).await?;
    let usage = Usage {
        period_start,
        period_end,
        monthly: [
            (Metered::Invoices, invoices),
            (Metered::EinvoiceValidations, validations),
        ]
        .into_iter()
        .collect(),
        api_keys,
        // There are no webhook endpoints yet.
        webhook_endpoints: 0,
    };
    Ok((account, plan, usage))
}

/// Mints a key for an account, in the environment asked for (default `test`); its secret is
/// shown once.
pub async fn create_key(db: &Db, id: Uuid, new: NewApiKey) -> AppResult<(ApiKey, PlainKey)> {
    get(db, id).await?;
    let tenant = Tenant {
        account_id: id,
        environment: new.environment.unwrap_or(Environment::Test),
    };
    crate::keys::create(db, tenant, new).await
}

/// The plans accounts are on that `plans` lacks, each once.
pub async fn plans_missing(db: &Db, plans: &Plans) -> AppResult<Vec<String>> {
    let in_use = accounts::plans_in_use(&mut *db.read().await?).await?;
    Ok(in_use
        .into_iter()
        .filter(|name| plans.get(name).is_none())
        .collect())
}

fn not_found(id: Uuid) -> AppError {
    AppError::new(
        ErrorCode::AccountNotFound,
        format!("There is no account {id}."),
    )
}
