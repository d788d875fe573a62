//! Plans at the boundary: every authenticated request is counted against its key's rate
//! (`invoicer_app::rates`), and its response, success or problem, says where the key stands:
//!
//! - `X-RateLimit-Limit`, `X-RateLimit-Remaining`, `X-RateLimit-Reset` (Unix time of the
//!   window's end), of the policy nearest its limit (the one that refused, on a 429);
//! - `RateLimit-Policy` and `RateLimit` (draft-ietf-httpapi-ratelimit-headers): every policy the
//!   request was counted against, e.g. `"writes";q=100;w=60` and `"writes";r=99;t=42`.
//!
//! A plan without a figure for a class does not count it, and a response counted against no
//! figure carries none of these headers.

use std::sync::{Arc, Mutex, PoisonError};

use axum::{
    extract::Request,
    http::{HeaderValue, Method, StatusCode},
    middleware::Next,
    response::Response,
};
use invoicer_app::{
    auth::Principal,
    rates::{Class, Status},
    AppError,
};
use invoicer_domain::plan::Plan;

use crate::{idempotent, problem::ApiError, state::AppState};

/// Where a request's counts are put for [`headers`] to write; the `Auth` extractor fills it.
#[derive(Debug, Clone, Default)]
pub struct Counted(Arc<Mutex<Vec<Status>>>);

impl Counted {
    fn push(&self, status: Status) {
        let mut list = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        list.retain(|s| s.class != status.class);
        list.push(status);
    }

    /// A token of `class` was given back: one more remains than was counted.
    fn given_back(&self, class: Class) {
        let mut list = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        for status in list.iter_mut().filter(|s| s.class == class) {
            status.remaining = (status.remaining + 1).min(status.limit);
        }
    }

    fn take(&self) -> Vec<Status> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

/// The configured plan of the caller's account.
pub fn plan_of<'a>(state: &'a AppState, principal: &Principal) -> Result<&'a Plan, ApiError> {
    state.plans.get(&principal.plan).ok_or_else(|| {
        ApiError(AppError::internal(format!(
            "account {} is on plan `{}`, which the configured plans lack",
            principal.tenant.account_id, principal.plan
        )))
    })
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Counts one request of `class` for the caller, or refuses it with `rate_limited`.
async fn count(
    state: &AppState,
    principal: &Principal,
    counted: &Counted,
    class: Class,
) -> Result<Option<Status>, ApiError> {
    let plan = plan_of(state, principal)?;
    let Some(limit) = class.limit(plan) else {
        return Ok(None);
    };
    let status = state
        .rates
        .take(principal.key_id, class, limit, now())
        .await?;
    counted.push(status.clone());
    if !status.allowed {
        return Err(ApiError(status.refusal(&plan.name)));
    }
    Ok(Some(status))
}

/// Counts a request against its key's reads (GET, HEAD) or writes a minute.
pub async fn count_request(
    state: &AppState,
    principal: &Principal,
    method: &Method,
    counted: &Counted,
) -> Result<(), ApiError> {
    let class = if matches!(*method, Method::GET | Method::HEAD) {
        Class::Reads
    } else {
        Class::Writes
    };
    count(state, principal, counted, class).await.map(drop)
}

/// An invoice creation counted against its key's hourly figure, until it is known whether the
/// request created one.
#[must_use = "settle it with the response"]
pub struct Creation<'a> {
    state: &'a AppState,
    key_id: uuid::Uuid,
    status: Option<Status>,
    counted: Counted,
}

/// Counts an invoice creation (`POST /v1/invoices`) against the key's invoices an hour.
pub async fn invoice_creation<'a>(
    state: &'a AppState,
    principal: &Principal,
    counted: &Counted,
) -> Result<Creation<'a>, ApiError> {
    let status = count(state, principal, counted, Class::InvoiceCreations).await?;
    Ok(Creation {
        state,
        key_id: principal.key_id,
        status,
        counted: counted.clone(),
    })
}

impl Creation<'_> {
    /// Keeps the count if the response created an invoice; gives it back if it created none
    /// (a refusal, or a repeat answered from its `Idempotency-Key`).
    pub fn settle(self, result: Result<Response, ApiError>) -> Result<Response, ApiError> {
        let created = result.as_ref().is_ok_and(|r| {
            r.status() == StatusCode::CREATED && !r.headers().contains_key(idempotent::REPLAYED)
        });
        if let (false, Some(status)) = (created, &self.status) {
            self.state.rates.give_back(self.key_id, status);
            self.counted.given_back(status.class);
        }
        result
    }
}

/// The middleware that gives each request a [`Counted`] and writes what was counted into the
/// response's headers.
pub async fn headers(mut request: Request, next: Next) -> Response {
    let counted = Counted::default();
    request.extensions_mut().insert(counted.clone());
    let mut response = next.run(request).await;
    let statuses = counted.take();
    let Some(shown) = statuses
        .iter()
        .min_by_key(|s| (s.allowed, s.remaining, std::cmp::Reverse(s.reset_at)))
    else {
        return response;
    };
    let policies = statuses
        .iter()
        .map(|s| {
            format!(
                "\"{}\";q={};w={}",
                s.class.name(),
                s.limit,
                s.class.window_secs()
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    let current = statuses
        .iter()
        .map(|s| format!("\"{}\";r={};t={}", s.class.name(), s.remaining, s.reset_in))
        .collect::<Vec<_>>()
        .join(", ");
    let headers = response.headers_mut();
    headers.insert("x-ratelimit-limit", HeaderValue::from(shown.limit));
    headers.insert("x-ratelimit-remaining", HeaderValue::from(shown.remaining));
    headers.insert("x-ratelimit-reset", HeaderValue::from(shown.reset_at));
    for (name, value) in [("ratelimit-policy", policies), ("ratelimit", current)] {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(name, value);
        }
    }
    response
}
