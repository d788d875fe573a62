use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::Response,
};
use invoicer_api_types::{
    list::{ListOut, ListQuery},
    party::{BusinessIn, BusinessOut},
};
use invoicer_app::{pagination, parties};

use super::{list_out, uuid_path};
use crate::{
    extract::{Auth, Json, Query, Read, Write},
    idempotent::{self, Idem},
    problem::ApiError,
    state::AppState,
};

/// Create a business (a seller).
#[utoipa::path(post, path = "/v1/businesses", tag = "businesses", operation_id = "create_business",
    request_body = BusinessIn, responses((status = 201, body = BusinessOut)), security(("api_key" = [])))]
pub async fn create_business(
    State(state): State<AppState>,
    auth: Auth<Write>,
    idem: Idem,
    Json(input): Json<BusinessIn>,
) -> Result<Response, ApiError> {
    let tenant = auth.tenant;
    idempotent::write(
        &state,
        tenant,
        idem,
        || idempotent::canonical(&input),
        StatusCode::CREATED,
        parties::parse_business(&input),
        async |tx, new| parties::add_business(tx, tenant, new).await,
        |b| BusinessOut::from(b),
        None,
    )
    .await
}

/// List businesses, oldest first.
#[utoipa::path(get, path = "/v1/businesses", tag = "businesses", operation_id = "list_businesses",
    params(ListQuery), responses((status = 200, body = ListOut<BusinessOut>)), security(("api_key" = [])))]
pub async fn list_businesses(
    State(state): State<AppState>,
    auth: Auth<Read>,
    Query(q): Query<ListQuery>,
) -> Result<Json<ListOut<BusinessOut>>, ApiError> {
    let page = pagination::parse_only(q.limit.as_deref(), q.cursor.as_deref())?;
    let page = parties::list_businesses(&state.db, auth.tenant, page).await?;
    Ok(Json(list_out(page, |b| b.id, |x| BusinessOut::from(x))))
}

/// Get a business.
#[utoipa::path(get, path = "/v1/businesses/{id}", tag = "businesses", operation_id = "get_business",
    params(("id" = uuid::Uuid, Path)), responses((status = 200, body = BusinessOut)), security(("api_key" = [])))]
pub async fn get_business(
    State(state): State<AppState>,
    auth: Auth<Read>,
    Path(id): Path<String>,
) -> Result<Json<BusinessOut>, ApiError> {
    let b = parties::get_business(&state.db, auth.tenant, uuid_path(&id)?).await?;
    Ok(Json(BusinessOut::from(&b)))
}

/// Update a business: send only the fields that change.
#[utoipa::path(patch, path = "/v1/businesses/{id}", tag = "businesses", operation_id = "update_business",
    params(("id" = uuid::Uuid, Path)), request_body = BusinessIn, responses((status = 200, body = BusinessOut)),
    security(("api_key" = [])))]
pub async fn update_business(
    State(state): State<AppState>,
    auth: Auth<Write>,
    Path(id): Path<String>,
    Json(patch): Json<BusinessIn>,
) -> Result<Json<BusinessOut>, ApiError> {
    let b = parties::update_business(&state.db, auth.tenant, uuid_path(&id)?, patch).await?;
    Ok(Json(BusinessOut::from(&b)))
}

/// Archive a business: it stays readable but takes no new invoices.
#[utoipa::path(post, path = "/v1/businesses/{id}/archive", tag = "businesses", operation_id = "archive_business",
    params(("id" = uuid::Uuid, Path)), responses((status = 200, body = BusinessOut)), security(("api_key" = [])))]
pub async fn archive_business(
    State(state): State<AppState>,
    auth: Auth<Write>,
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
        async |tx, id| parties::archive_business_in(tx, tenant, id).await,
        |x| BusinessOut::from(x),
        None,
    )
    .await
}
