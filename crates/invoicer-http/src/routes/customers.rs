use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::Response,
};
use invoicer_api_types::{
    list::{ListOut, ListQuery},
    party::{CustomerIn, CustomerOut},
};
use invoicer_app::{pagination, parties};

use super::{list_out, uuid_path};
use crate::{
    extract::{Auth, Json, Query, Read, Write},
    idempotent::{self, Idem},
    problem::ApiError,
    state::AppState,
};

/// Create a customer (a buyer).
#[utoipa::path(post, path = "/v1/customers", tag = "customers", operation_id = "create_customer",
    request_body = CustomerIn, responses((status = 201, body = CustomerOut)), security(("api_key" = [])))]
pub async fn create_customer(
    State(state): State<AppState>,
    auth: Auth<Write>,
    idem: Idem,
    Json(input): Json<CustomerIn>,
) -> Result<Response, ApiError> {
    let tenant = auth.tenant;
    idempotent::write(
        &state,
        tenant,
        idem,
        || idempotent::canonical(&input),
        StatusCode::CREATED,
        parties::parse_customer(&input),
        async |tx, identity| parties::add_customer(tx, tenant, identity).await,
        |c| CustomerOut::from(c),
        None,
    )
    .await
}

/// List customers, oldest first.
#[utoipa::path(get, path = "/v1/customers", tag = "customers", operation_id = "list_customers",
    params(ListQuery), responses((status = 200, body = ListOut<CustomerOut>)), security(("api_key" = [])))]
pub async fn list_customers(
    State(state): State<AppState>,
    auth: Auth<Read>,
    Query(q): Query<ListQuery>,
) -> Result<Json<ListOut<CustomerOut>>, ApiError> {
    let page = pagination::parse_only(q.limit.as_deref(), q.cursor.as_deref())?;
    let page = parties::list_customers(&state.db, auth.tenant, page).await?;
    Ok(Json(list_out(page, |b| b.id, |x| CustomerOut::from(x))))
}

/// Get a customer.
#[utoipa::path(get, path = "/v1/customers/{id}", tag = "customers", operation_id = "get_customer",
    params(("id" = uuid::Uuid, Path)), responses((status = 200, body = CustomerOut)), security(("api_key" = [])))]
pub async fn get_customer(
    State(state): State<AppState>,
    auth: Auth<Read>,
    Path(id): Path<String>,
) -> Result<Json<CustomerOut>, ApiError> {
    let b = parties::get_customer(&state.db, auth.tenant, uuid_path(&id)?).await?;
    Ok(Json(CustomerOut::from(&b)))
}

/// Update a customer: send only the fields that change.
#[utoipa::path(patch, path = "/v1/customers/{id}", tag = "customers", operation_id = "update_customer",
    params(("id" = uuid::Uuid, Path)), request_body = CustomerIn, responses((status = 200, body = CustomerOut)),
    security(("api_key" = [])))]
pub async fn update_customer(
    State(state): State<AppState>,
    auth: Auth<Write>,
    Path(id): Path<String>,
    Json(patch): Json<CustomerIn>,
) -> Result<Json<CustomerOut>, ApiError> {
    let b = parties::update_customer(&state.db, auth.tenant, uuid_path(&id)?, patch).await?;
    Ok(Json(CustomerOut::from(&b)))
}

/// Archive a customer: it stays readable but cannot be invoiced.
#[utoipa::path(post, path = "/v1/customers/{id}/archive", tag = "customers", operation_id = "archive_customer",
    params(("id" = uuid::Uuid, Path)), responses((status = 200, body = CustomerOut)), security(("api_key" = [])))]
pub async fn archive_customer(
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
        async |tx, id| parties::archive_customer_in(tx, tenant, id).await,
        |x| CustomerOut::from(x),
        None,
    )
    .await
}
