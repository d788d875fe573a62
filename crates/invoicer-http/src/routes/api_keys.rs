use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::Response,
};
use invoicer_api_types::{
    api_key::{ApiKeyIn, ApiKeyOut},
    list::{ListOut, ListQuery},
};
use invoicer_app::{keys, pagination, quotas, AppError};

use super::{list_out, uuid_path};
use crate::{
    extract::{Admin, Auth, Json, Query},
    idempotent::{self, Idem},
    limits,
    problem::ApiError,
    state::AppState,
};

/// Create a key. Its `secret` is in this response and never again.
#[utoipa::path(post, path = "/v1/api_keys", tag = "api_keys", operation_id = "create_api_key",
    request_body = ApiKeyIn, responses((status = 201, body = ApiKeyOut)), security(("api_key" = [])))]
///
/// A repeat with the same `Idempotency-Key` answers the same key, without its secret: the
/// secret is never kept, not even for replays.
pub async fn create_api_key(
    State(state): State<AppState>,
    auth: Auth<Admin>,
    idem: Idem,
    Json(input): Json<ApiKeyIn>,
) -> Result<Response, ApiError> {
    let tenant = auth.tenant;
    let plan = limits::plan_of(&state, &auth)?;
    idempotent::write(
        &state,
        tenant,
        idem,
        || idempotent::canonical(&input),
        StatusCode::CREATED,
        input.parse().map_err(AppError::invalid),
        async |tx, new| quotas::add_key(tx, tenant, plan, new).await,
        |(key, secret)| ApiKeyOut {
            secret: Some(secret.expose().to_owned()),
            ..ApiKeyOut::from(key)
        },
        // The secret is never kept, not even for replays.
        Some(&|(key, _)| ApiKeyOut::from(key)),
    )
    .await
}

/// List the keys of this account and environment (never their secrets).
#[utoipa::path(get, path = "/v1/api_keys", tag = "api_keys", operation_id = "list_api_keys",
    params(ListQuery), responses((status = 200, body = ListOut<ApiKeyOut>)), security(("api_key" = [])))]
pub async fn list_api_keys(
    State(state): State<AppState>,
    auth: Auth<Admin>,
    Query(q): Query<ListQuery>,
) -> Result<Json<ListOut<ApiKeyOut>>, ApiError> {
    let page = pagination::parse_only(q.limit.as_deref(), q.cursor.as_deref())?;
    let page = keys::list(&state.db, auth.tenant, page).await?;
    Ok(Json(list_out(page, |k| k.id, |x| ApiKeyOut::from(x))))
}

/// Get a key (without its secret).
#[utoipa::path(get, path = "/v1/api_keys/{id}", tag = "api_keys", operation_id = "get_api_key",
    params(("id" = uuid::Uuid, Path)), responses((status = 200, body = ApiKeyOut)), security(("api_key" = [])))]
pub async fn get_api_key(
    State(state): State<AppState>,
    auth: Auth<Admin>,
    Path(id): Path<String>,
) -> Result<Json<ApiKeyOut>, ApiError> {
    let key = keys::get(&state.db, auth.tenant, uuid_path(&id)?).await?;
    Ok(Json(ApiKeyOut::from(&key)))
}

/// Revoke a key: it stops working at once, on every instance.
#[utoipa::path(post, path = "/v1/api_keys/{id}/revoke", tag = "api_keys", operation_id = "revoke_api_key",
    params(("id" = uuid::Uuid, Path)), responses((status = 200, body = ApiKeyOut)), security(("api_key" = [])))]
pub async fn revoke_api_key(
    State(state): State<AppState>,
    auth: Auth<Admin>,
    idem: Idem,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let tenant = auth.tenant;
    idempotent::write(
        &state,
        tenant,
        idem,
        Vec::new,
        StatusCode::OK,
        uuid_path(&id).map_err(|e| e.0),
        async |tx, id| keys::revoke_in(tx, tenant, id).await,
        |k| ApiKeyOut::from(k),
        None,
    )
    .await
}
