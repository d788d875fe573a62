use axum::{
    extract::{Path, State},
    http::StatusCode,
};
use invoicer_api_types::{
    api_key::{ApiKeyIn, ApiKeyOut},
    list::{ListOut, ListQuery},
};
use invoicer_app::{keys, pagination, AppError};

use super::{list_out, uuid_path};
use crate::{
    extract::{Admin, Auth, Json, Query},
    problem::ApiError,
    state::AppState,
};

/// Create a key. Its `secret` is in this response and never again.
#[utoipa::path(post, path = "/v1/api_keys", tag = "api_keys", operation_id = "create_api_key",
    request_body = ApiKeyIn, responses((status = 201, body = ApiKeyOut)), security(("api_key" = [])))]
pub async fn create_api_key(
    State(state): State<AppState>,
    auth: Auth<Admin>,
    Json(input): Json<ApiKeyIn>,
) -> Result<(StatusCode, Json<ApiKeyOut>), ApiError> {
    let new = input.parse().map_err(AppError::invalid)?;
    let (key, secret) = keys::create(&state.db, auth.tenant, new).await?;
    let out = ApiKeyOut {
        secret: Some(secret.expose().to_owned()),
        ..ApiKeyOut::from(&key)
    };
    Ok((StatusCode::CREATED, Json(out)))
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
    Path(id): Path<String>,
) -> Result<Json<ApiKeyOut>, ApiError> {
    let key = keys::revoke(&state.db, auth.tenant, uuid_path(&id)?).await?;
    Ok(Json(ApiKeyOut::from(&key)))
}
