//! Monthly quotas and caps of an account's plan, each checked inside the transaction that would
//! pass it, so two concurrent requests cannot both take the last one: on PostgreSQL the account's
//! row is locked before counting, and SQLite's single writer runs one such transaction at a time.
//!
//! - `invoices` a month: counted from the invoices themselves (`count_created`).
//! - `einvoice_validations` a month: nothing else records them, so they are counted in
//!   `usage_counters`, by the [`Meter`].
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
    Backend, Db, Tx,
};
use std::{
    collections::HashMap,
    sync::{Arc, Mutex, OnceLock, PoisonError},
    time::Duration,
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

/// The draft [`crate::invoices::draft_at_once`] makes, when the plan counts no invoices: a
/// quota is checked against a count in a transaction, which a write done at once has not.
pub fn invoice_at_once(plan: &Plan, new: &NewInvoice) -> Option<Invoice> {
    match plan.monthly_quota(Metered::Invoices) {
        Some(_) => None,
        None => crate::invoices::draft_at_once(new),
    }
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

/// Counts what no table records: e-invoice validations. A validation writes nothing else, so
/// counting must not make it a write:
///
/// - on a plan with a monthly quota of them, each is counted where it is checked, in one
///   statement that counts only below the quota (on PostgreSQL autocommitted, one round trip;
///   on SQLite a turn of the single writer, sharing its durable commit with the writes beside
///   it): exact across instances, and the quota bounds how many such writes there are;
/// - on a plan without one, nothing is enforced, so the count is kept in memory and written
///   once a second ([`FLUSH_EVERY`]), one statement per account, and at shutdown. The operator's
///   usage may then lag the other instances by a second, and a crash loses at most the last
///   second's count.
pub struct Meter {
    db: Db,
    /// Counted and not yet written, by account and month.
    pending: Mutex<HashMap<(Uuid, String), u64>>,
    /// Held while counts are written, so a flush returns only once what was counted before it
    /// is written, whoever writes it.
    flushing: tokio::sync::Mutex<()>,
    flusher: OnceLock<()>,
}

/// How often a [`Meter`] writes what it counted in memory.
pub const FLUSH_EVERY: Duration = Duration::from_secs(1);

impl Meter {
    pub fn new(db: Db) -> Arc<Meter> {
        Arc::new(Meter {
            db,
            pending: Mutex::new(HashMap::new()),
            flushing: tokio::sync::Mutex::new(()),
            flusher: OnceLock::new(),
        })
    }

    /// Counts one e-invoice validation for the account, or refuses it with `quota_exceeded`
    /// when this month's are used up.
    pub async fn count_validation(
        self: &Arc<Self>,
        account_id: Uuid,
        plan: &Plan,
    ) -> AppResult<()> {
        let resource = Metered::EinvoiceValidations;
        if let Some(quota) = plan.monthly_quota(resource) {
            return count_within(&self.db, account_id, resource, quota, &plan.name).await;
        }
        *self
            .lock()
            .entry((account_id, month_key(now())))
            .or_default() += 1;
        self.start_flusher();
        Ok(())
    }

    /// Writes what was counted in memory; on a failure keeps it for the next time.
    pub async fn flush(&self) -> AppResult<()> {
        let _flushing = self.flushing.lock().await;
        let batch = std::mem::take(&mut *self.lock());
        if batch.is_empty() {
            return Ok(());
        }
        let written = async {
            let mut tx = self.db.begin().await?;
            for ((account_id, month), n) in &batch {
                let resource = Metered::EinvoiceValidations.as_str();
                usage_counters::add(&mut tx, *account_id, resource, month, *n).await?;
            }
            tx.commit().await?;
            AppResult::Ok(())
        }
        .await;
        if written.is_err() {
            let mut pending = self.lock();
            for (at, n) in batch {
                *pending.entry(at).or_default() += n;
            }
        }
        written
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(Uuid, String), u64>> {
        self.pending.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Starts the task that flushes every [`FLUSH_EVERY`], once; it ends with the meter.
    fn start_flusher(self: &Arc<Self>) {
        self.flusher.get_or_init(|| {
            let meter = Arc::downgrade(self);
            tokio::spawn(async move {
                let mut every = tokio::time::interval(FLUSH_EVERY);
                every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                loop {
                    every.tick().await;
                    let Some(meter) = meter.upgrade() else { return };
                    if let Err(e) = meter.flush().await {
                        tracing::warn!(error = %e, "writing the counted validations failed; retrying");
                    }
                }
            });
        });
    }
}

/// Counts one use of `resource` unless this month's `quota` is used up, in one statement.
async fn count_within(
    db: &Db,
    account_id: Uuid,
    resource: Metered,
    quota: u64,
    plan: &str,
) -> AppResult<()> {
    let month = month_key(now());
    let counted = match db.backend() {
        // PostgreSQL has one pool for reads and writes.
        Backend::Postgres => {
            let mut conn = db.read().await?;
            usage_counters::bump(
                &mut conn,
                account_id,
                resource.as_str(),
                &month,
                Some(quota),
            )
            .await?
        }
        Backend::Sqlite => {
            let mut tx = db.begin().await?;
            let counted =
                usage_counters::bump(&mut tx, account_id, resource.as_str(), &month, Some(quota))
                    .await?;
            tx.commit().await?;
            counted
        }
    };
    if counted.is_some() {
        return Ok(());
    }
    let mut conn = db.read().await?;
    let used = usage_counters::get(&mut conn, account_id, resource.as_str(), &month).await?;
    Err(quota_exceeded(resource, used, quota, plan))
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
