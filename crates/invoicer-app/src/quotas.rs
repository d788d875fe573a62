//! Monthly quotas and caps of an account's plan, each checked inside the transaction that would
//! pass it, so two concurrent requests cannot both take the last one: on PostgreSQL the account's
//! row is locked before counting, and SQLite's single writer runs one such transaction at a time.
//!
//! - `invoices` a month: counted from the invoices themselves (`count_created`).
//! - `einvoice_validations` a month: nothing else records them, so each is counted in
//!   `usage_counters` by one conditional upsert that checks the quota and counts at once.
//! - `api_keys` at once: the usable keys (`count_usable`). Only keys created with a key
//!   (`POST /v1/api_keys`) are held to it; the operator (admin API, CLI) may mint more, e.g. to
//!   let an account at its cap back in.

use invoicer_api_types::{api_key::NewApiKey, invoice::NewInvoice, ErrorCode};
use invoicer_domain::{
    api_key::{ApiKey, PlainKey},
    invoice::Invoice,
    plan::{self, Metered, Plan},
    tenant::Tenant,
};
use invoicer_store::{
    repo::{accounts, api_keys, invoices, usage_counters},
    Db, Tx,
};
use uuid::Uuid;

use crate::error::{AppError, AppResult};

fn now() -> time::OffsetDateTime {
    time::OffsetDateTime::now_utc()
}

/// The calendar month (UTC) of `at` as its counters name it: `2026-03`.
pub fn month_key(at: time::OffsetDateTime) -> String {
    let (start, _) = plan::month_of(at);
    format!("{:04}-{:02}", start.year(), u8::from(start.month()))
}

fn over(
    code: ErrorCode,
    detail: String,
    resource: &str,
    used: u64,
    limit: u64,
    plan: &str,
) -> AppError {
    let mut err = AppError::new(code, detail);
    if let AppError::Client { extensions, .. } = &mut err {
        extensions.insert("resource".into(), resource.into());
        extensions.insert("current_usage".into(), used.into());
        extensions.insert("plan_limit".into(), limit.into());
        extensions.insert("plan".into(), plan.into());
    }
    err
}

/// `quota_exceeded`: this month's `resource` is used up.
pub fn quota_exceeded(resource: Metered, used: u64, quota: u64, plan: &str) -> AppError {
    over(
        ErrorCode::QuotaExceeded,
        format!(
            "The account used {used} of its {quota} {resource} this month (UTC) on plan `{plan}`; \
             nothing was done."
        ),
        resource.as_str(),
        used,
        quota,
        plan,
    )
}

/// `plan_limit_reached`: the account has as many of `resource` as its plan allows.
pub fn plan_limit_reached(resource: &str, used: u64, cap: u64, plan: &str) -> AppError {
    over(
        ErrorCode::PlanLimitReached,
        format!(
            "The account has {used} {resource} and plan `{plan}` allows {cap}; nothing was \
             created."
        ),
        resource,
        used,
        cap,
        plan,
    )
}

/// Creates a draft invoice (as [`crate::invoices::add`]) within the plan's monthly quota of
/// invoices. The request is checked first, so a bad one is refused for what is wrong with it
/// whatever the count.
pub async fn add_invoice(
    tx: &mut Tx,
    tenant: Tenant,
    plan: &Plan,
    new: NewInvoice,
) -> AppResult<Invoice> {
    let Some(quota) = plan.monthly_quota(Metered::Invoices) else {
        return crate::invoices::add(tx, tenant, new).await;
    };
    accounts::lock(tx, tenant.account_id).await?;
    let created = crate::invoices::add(tx, tenant, new).await?;
    // Counted with the new invoice, in the transaction that inserted it; a refusal rolls it
    // back.
    let (from, until) = plan::month_of(created.created_at);
    let with_new = invoices::count_created(tx, tenant.account_id, from, until).await?;
    if with_new > quota {
        return Err(quota_exceeded(
            Metered::Invoices,
            with_new - 1,
            quota,
            &plan.name,
        ));
    }
    Ok(created)
}

/// Creates a key (as [`crate::keys::add`]) within the plan's cap on usable keys. The request is
/// checked first, so a bad one is `invalid_request` whatever the count.
pub async fn add_key(
    tx: &mut Tx,
    tenant: Tenant,
    plan: &Plan,
    new: NewApiKey,
) -> AppResult<(ApiKey, PlainKey)> {
    let Some(cap) = plan.max_api_keys else {
        return crate::keys::add(tx, tenant, new).await;
    };
    accounts::lock(tx, tenant.account_id).await?;
    let created = crate::keys::add(tx, tenant, new).await?;
    // Counted with the new key, in the transaction that inserted it; a refusal rolls it back.
    let with_new = api_keys::count_usable(tx, tenant.account_id, now()).await?;
    if with_new > cap {
        return Err(plan_limit_reached(
            "api_keys",
            with_new - 1,
            cap,
            &plan.name,
        ));
    }
    Ok(created)
}

/// Counts one e-invoice validation for the account, or refuses it with `quota_exceeded` when
/// this month's are used up. One statement in a transaction of its own: the validation itself
/// writes nothing.
pub async fn count_validation(db: &Db, account_id: Uuid, plan: &Plan) -> AppResult<()> {
    let resource = Metered::EinvoiceValidations;
    let quota = plan.monthly_quota(resource);
    let month = month_key(now());
    let mut tx = db.begin().await?;
    let counted =
        usage_counters::bump(&mut tx, account_id, resource.as_str(), &month, quota).await?;
    if counted.is_some() {
        tx.commit().await?;
        return Ok(());
    }
    let used = usage_counters::get(&mut tx, account_id, resource.as_str(), &month).await?;
    drop(tx);
    Err(quota_exceeded(
        resource,
        used,
        quota.unwrap_or_default(),
        &plan.name,
    ))
}

/// This month's count of validations, for the operator's usage.
pub async fn validations_this_month(
    conn: &mut invoicer_store::Conn,
    account_id: Uuid,
) -> AppResult<u64> {
    Ok(usage_counters::get(
        conn,
        account_id,
        Metered::EinvoiceValidations.as_str(),
        &month_key(now()),
    )
    .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_month_is_named_by_its_year_and_number() {
        use time::macros::datetime;
        assert_eq!(month_key(datetime!(2026-03-31 23:30 -02:00)), "2026-04");
        assert_eq!(month_key(datetime!(2026-12-01 00:00 UTC)), "2026-12");
    }
}
