//! The operator API, `/admin/v1`: accounts, their plan and billing status, their usage against
//! their plan, and their first key. Authenticated by the admin token of the configuration; it
//! does not exist when none is configured.

use axum::{
    extract::{Path, State},
    http::StatusCode,
};
use invoicer_api_types::{
    account::{AccountIn, AccountOut, AccountPatch, UsageOut},
    api_key::{ApiKeyIn, ApiKeyOut},
    list::{ListOut, ListQuery},
};
use invoicer_app::{accounts, pagination, AppError};
use invoicer_domain::api_key::Scope;

use super::{list_out, uuid_path};
use crate::{
    extract::{Json, Operator, Query},
    problem::ApiError,
    state::AppState,
};

/// Create an account, on `plan` (default `basic`). Give it a key with
/// `POST /admin/v1/accounts/{id}/api_keys`.
#[utoipa::path(post, path = "/admin/v1/accounts", tag = "admin", operation_id = "create_account",
    request_body = AccountIn, responses((status = 201, body = AccountOut)), security(("admin_token" = [])))]
pub async fn create_account(
    State(state): State<AppState>,
    _operator: Operator,
    Json(input): Json<AccountIn>,
) -> Result<(StatusCode, Json<AccountOut>), ApiError> {
    let new = input.parse(&state.plans).map_err(AppError::invalid)?;
    let account = accounts::create_account(&state.db, new).await?;
    Ok((StatusCode::CREATED, Json(AccountOut::from(&account))))
}

/// List accounts, oldest first.
#[utoipa::path(get, path = "/admin/v1/accounts", tag = "admin", operation_id = "list_accounts",
    params(ListQuery), responses((status = 200, body = ListOut<AccountOut>)), security(("admin_token" = [])))]
pub async fn list_accounts(
    State(state): State<AppState>,
    _operator: Operator,
    Query(q): Query<ListQuery>,
) -> Result<Json<ListOut<AccountOut>>, ApiError> {
    let page = pagination::parse_only(q.limit.as_deref(), q.cursor.as_deref())?;
    let page = accounts::list(&state.db, page).await?;
    Ok(Json(list_out(page, |a| a.id, |x| AccountOut::from(x))))
}

/// Get an account.
#[utoipa::path(get, path = "/admin/v1/accounts/{id}", tag = "admin", operation_id = "get_account",
    params(("id" = uuid::Uuid, Path)), responses((status = 200, body = AccountOut)), security(("admin_token" = [])))]
pub async fn get_account(
    State(state): State<AppState>,
    _operator: Operator,
    Path(id): Path<String>,
) -> Result<Json<AccountOut>, ApiError> {
    let account = accounts::get(&state.db, uuid_path(&id)?).await?;
    Ok(Json(AccountOut::from(&account)))
}

/// Change an account's plan or billing status. A `past_due` account can still read (GET);
/// every other request of its keys answers `payment_required`.
#[utoipa::path(patch, path = "/admin/v1/accounts/{id}", tag = "admin", operation_id = "update_account",
    params(("id" = uuid::Uuid, Path)), request_body = AccountPatch, responses((status = 200, body = AccountOut)),
    security(("admin_token" = [])))]
pub async fn update_account(
    State(state): State<AppState>,
    _operator: Operator,
    Path(id): Path<String>,
    Json(patch): Json<AccountPatch>,
) -> Result<Json<AccountOut>, ApiError> {
    let id = uuid_path(&id)?;
    let change = patch.parse(&state.plans).map_err(AppError::invalid)?;
    let account = accounts::update(&state.db, id, change).await?;
    Ok(Json(AccountOut::from(&account)))
}

/// An account's usage against its plan: this calendar month's (UTC) counts and its current
/// numbers of keys and webhook endpoints, each beside the plan's limit.
#[utoipa::path(get, path = "/admin/v1/accounts/{id}/usage", tag = "admin", operation_id = "get_account_usage",
    params(("id" = uuid::Uuid, Path)), responses((status = 200, body = UsageOut)), security(("admin_token" = [])))]
pub async fn get_account_usage(
    State(state): State<AppState>,
    _operator: Operator,
    Path(id): Path<String>,
) -> Result<Json<UsageOut>, ApiError> {
    // What this instance counted in memory is written first, so its own count is exact.
    state.meter.flush().await?;
    let (account, plan, usage) = accounts::usage(&state.db, &state.plans, uuid_path(&id)?).await?;
    Ok(Json(UsageOut::new(&account, &plan, &usage)))
}

/// Mint a key for an account, e.g. its first: `environment` defaults to `test` and `scopes` to
/// all three, so the key can manage the account's other keys. Its `secret` is in this response
/// and never again.
#[utoipa::path(post, path = "/admin/v1/accounts/{id}/api_keys", tag = "admin", operation_id = "create_account_api_key",
    params(("id" = uuid::Uuid, Path)), request_body = ApiKeyIn, responses((status = 201, body = ApiKeyOut)),
    security(("admin_token" = [])))]
pub async fn create_account_api_key(
    State(state): State<AppState>,
    _operator: Operator,
    Path(id): Path<String>,
    Json(mut input): Json<ApiKeyIn>,
) -> Result<(StatusCode, Json<ApiKeyOut>), ApiError> {
    let id = uuid_path(&id)?;
    input
        .scopes
        .get_or_insert_with(|| Scope::ALL.iter().map(|s| s.as_str().to_owned()).collect());
    let new = input.parse().map_err(AppError::invalid)?;
    let (key, secret) = accounts::create_key(&state.db, id, new).await?;
    let out = ApiKeyOut {
        secret: Some(secret.expose().to_owned()),
        ..ApiKeyOut::from(&key)
    };
    Ok((StatusCode::CREATED, Json(out)))
}
