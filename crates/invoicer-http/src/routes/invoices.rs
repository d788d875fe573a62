use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::Response,
};
use invoicer_api_types::{
    invoice::{DocumentRef, InvoiceIn, InvoiceOut},
    list::{InvoiceListQuery, ListOut},
};
use invoicer_app::{invoices, quotas};
use invoicer_domain::invoice::{Action, Kind};

use super::list_out;
use crate::{
    extract::{Auth, Json, Query, Read, Write},
    idempotent::{self, Idem},
    limits,
    problem::ApiError,
    state::AppState,
};

/// Create a draft invoice; every total is computed.
#[utoipa::path(post, path = "/v1/invoices", tag = "invoices", operation_id = "create_invoice",
    request_body = InvoiceIn, responses((status = 201, body = InvoiceOut)), security(("api_key" = [])))]
pub async fn create_invoice(
    State(state): State<AppState>,
    auth: Auth<Write>,
    idem: Idem,
    Json(input): Json<InvoiceIn>,
) -> Result<Response, ApiError> {
    let tenant = auth.tenant;
    let plan = limits::plan_of(&state, &auth)?;
    let creation = limits::invoice_creation(&state, &auth, auth.counted()).await?;
    let created = idempotent::write_at_once(
        &state,
        tenant,
        idem,
        || idempotent::canonical(&input),
        StatusCode::CREATED,
        invoices::parse(&input),
        |new| quotas::invoice_at_once(plan, new),
        async |db, draft, keyed| invoices::store_at_once(db, tenant, draft, keyed).await,
        async |tx, new| quotas::add_invoice(tx, tenant, plan, new).await,
        |i| InvoiceOut::from(i),
        None,
    )
    .await;
    creation.settle(created)
}

/// List invoices, oldest first, with filters.
#[utoipa::path(get, path = "/v1/invoices", tag = "invoices", operation_id = "list_invoices",
    params(InvoiceListQuery), responses((status = 200, body = ListOut<InvoiceOut>)), security(("api_key" = [])))]
pub async fn list_invoices(
    State(state): State<AppState>,
    auth: Auth<Read>,
    Query(q): Query<InvoiceListQuery>,
) -> Result<Json<ListOut<InvoiceOut>>, ApiError> {
    let page = invoices::list(&state.db, auth.tenant, Kind::Invoice, &q).await?;
    Ok(Json(list_out(page, |i| i.id, |x| InvoiceOut::from(x))))
}

/// Get an invoice by id or, once issued, by number (`INV-2026-000001`).
#[utoipa::path(get, path = "/v1/invoices/{id}", tag = "invoices", operation_id = "get_invoice",
    params(("id" = DocumentRef, Path, description = "UUID or invoice number")),
    responses((status = 200, body = InvoiceOut)), security(("api_key" = [])))]
pub async fn get_invoice(
    State(state): State<AppState>,
    auth: Auth<Read>,
    Path(id): Path<String>,
) -> Result<Json<InvoiceOut>, ApiError> {
    let invoice = invoices::get(&state.db, auth.tenant, Kind::Invoice, &id).await?;
    Ok(Json(InvoiceOut::from(&invoice)))
}

/// Edit a draft invoice: send only what changes; `line_items` replaces every line.
#[utoipa::path(patch, path = "/v1/invoices/{id}", tag = "invoices", operation_id = "update_invoice",
    params(("id" = DocumentRef, Path, description = "UUID or invoice number")), request_body = InvoiceIn,
    responses((status = 200, body = InvoiceOut)), security(("api_key" = [])))]
pub async fn update_invoice(
    State(state): State<AppState>,
    auth: Auth<Write>,
    Path(id): Path<String>,
    Json(patch): Json<InvoiceIn>,
) -> Result<Json<InvoiceOut>, ApiError> {
    let invoice = invoices::update(&state.db, auth.tenant, &id, patch).await?;
    Ok(Json(InvoiceOut::from(&invoice)))
}

/// Applies a lifecycle action to an invoice or credit note.
pub(super) async fn act(
    state: AppState,
    auth: Auth<Write>,
    idem: Idem,
    kind: Kind,
    id: String,
    action: Action,
) -> Result<Response, ApiError> {
    let tenant = auth.tenant;
    idempotent::write(
        &state,
        tenant,
        idem,
        Vec::new,
        StatusCode::OK,
        Ok(()),
        async |tx, ()| invoices::transition_in(tx, tenant, kind, &id, action).await,
        |i| InvoiceOut::from(i),
        None,
    )
    .await
}

/// Issue a draft: it gets the next number of its business's series and can no longer be edited.
#[utoipa::path(post, path = "/v1/invoices/{id}/issue", tag = "invoices", operation_id = "issue_invoice",
    params(("id" = DocumentRef, Path, description = "UUID or invoice number")), responses((status = 200, body = InvoiceOut)), security(("api_key" = [])))]
pub async fn issue_invoice(
    State(state): State<AppState>,
    auth: Auth<Write>,
    idem: Idem,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    act(state, auth, idem, Kind::Invoice, id, Action::Issue).await
}

/// The issued invoice as a UBL 2.1 Peppol BIS Billing 3.0 e-invoice.
///
/// The bytes are fixed when the invoice is issued and never change; their SHA-256 is the
/// invoice's `ubl_sha256` and this response's `ETag`. A draft answers 409 `invoice_not_issued`.
#[utoipa::path(get, path = "/v1/invoices/{id}/ubl", tag = "invoices", operation_id = "get_invoice_ubl",
    params(("id" = DocumentRef, Path, description = "UUID or invoice number")),
    responses((status = 200, content_type = "application/xml", body = String, description = "UBL 2.1 Invoice")),
    security(("api_key" = [])))]
pub async fn get_invoice_ubl(
    State(state): State<AppState>,
    auth: Auth<Read>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    super::ubl_response(&state, auth.tenant, Kind::Invoice, &id).await
}

/// Dispute a received invoice: it stays unpaid until the dispute is settled.
#[utoipa::path(post, path = "/v1/invoices/{id}/dispute", tag = "invoices", operation_id = "dispute_invoice",
    params(("id" = DocumentRef, Path, description = "UUID or invoice number")), responses((status = 200, body = InvoiceOut)), security(("api_key" = [])))]
pub async fn dispute_invoice(
    State(state): State<AppState>,
    auth: Auth<Write>,
    idem: Idem,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    act(state, auth, idem, Kind::Invoice, id, Action::Dispute).await
}

/// Mark an issued or received invoice paid.
#[utoipa::path(post, path = "/v1/invoices/{id}/mark_paid", tag = "invoices", operation_id = "mark_invoice_paid",
    params(("id" = DocumentRef, Path, description = "UUID or invoice number")), responses((status = 200, body = InvoiceOut)), security(("api_key" = [])))]
pub async fn mark_invoice_paid(
    State(state): State<AppState>,
    auth: Auth<Write>,
    idem: Idem,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    act(state, auth, idem, Kind::Invoice, id, Action::MarkPaid).await
}

/// Void a draft or issued invoice.
#[utoipa::path(post, path = "/v1/invoices/{id}/void", tag = "invoices", operation_id = "void_invoice",
    params(("id" = DocumentRef, Path, description = "UUID or invoice number")), responses((status = 200, body = InvoiceOut)), security(("api_key" = [])))]
pub async fn void_invoice(
    State(state): State<AppState>,
    auth: Auth<Write>,
    idem: Idem,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    act(state, auth, idem, Kind::Invoice, id, Action::Void).await
}
