use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::Response,
};
use invoicer_api_types::{
    invoice::{CreditNoteIn, DocumentRef, InvoiceOut},
    list::{InvoiceListQuery, ListOut},
};
use invoicer_app::{credit_notes, invoices};
use invoicer_domain::invoice::{Action, Kind};

use super::list_out;
use crate::{
    extract::{Auth, Json, Query, Read, Write},
    idempotent::{self, Idem},
    problem::ApiError,
    state::AppState,
};

/// Credit an issued invoice, wholly (no `line_items`) or in part. The credit note is issued at
/// once with the next number of the business's credit note series.
#[utoipa::path(post, path = "/v1/credit_notes", tag = "credit_notes", operation_id = "create_credit_note",
    request_body = CreditNoteIn, responses((status = 201, body = InvoiceOut)), security(("api_key" = [])))]
pub async fn create_credit_note(
    State(state): State<AppState>,
    auth: Auth<Write>,
    idem: Idem,
    Json(input): Json<CreditNoteIn>,
) -> Result<Response, ApiError> {
    let tenant = auth.tenant;
    idempotent::write(
        &state,
        tenant,
        idem,
        || idempotent::canonical(&input),
        StatusCode::CREATED,
        credit_notes::parse(&input),
        async |tx, new| credit_notes::add(tx, tenant, new).await,
        |n| InvoiceOut::from(n),
        None,
    )
    .await
}

/// List credit notes, oldest first.
#[utoipa::path(get, path = "/v1/credit_notes", tag = "credit_notes", operation_id = "list_credit_notes",
    params(InvoiceListQuery), responses((status = 200, body = ListOut<InvoiceOut>)), security(("api_key" = [])))]
pub async fn list_credit_notes(
    State(state): State<AppState>,
    auth: Auth<Read>,
    Query(q): Query<InvoiceListQuery>,
) -> Result<Json<ListOut<InvoiceOut>>, ApiError> {
    let page = invoices::list(&state.db, auth.tenant, Kind::CreditNote, &q).await?;
    Ok(Json(list_out(page, |i| i.id, |x| InvoiceOut::from(x))))
}

/// Get a credit note by id or number (`CN-2026-000001`).
#[utoipa::path(get, path = "/v1/credit_notes/{id}", tag = "credit_notes", operation_id = "get_credit_note",
    params(("id" = DocumentRef, Path, description = "UUID or credit note number")),
    responses((status = 200, body = InvoiceOut)), security(("api_key" = [])))]
pub async fn get_credit_note(
    State(state): State<AppState>,
    auth: Auth<Read>,
    Path(id): Path<String>,
) -> Result<Json<InvoiceOut>, ApiError> {
    let note = invoices::get(&state.db, auth.tenant, Kind::CreditNote, &id).await?;
    Ok(Json(InvoiceOut::from(&note)))
}

/// The credit note as a UBL 2.1 Peppol BIS Billing 3.0 e-invoice (CreditNote), byte for byte as
/// it was issued; its SHA-256 is the credit note's `ubl_sha256` and this response's `ETag`.
#[utoipa::path(get, path = "/v1/credit_notes/{id}/ubl", tag = "credit_notes", operation_id = "get_credit_note_ubl",
    params(("id" = DocumentRef, Path, description = "UUID or credit note number")),
    responses((status = 200, content_type = "application/xml", body = String, description = "UBL 2.1 CreditNote")),
    security(("api_key" = [])))]
pub async fn get_credit_note_ubl(
    State(state): State<AppState>,
    auth: Auth<Read>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    super::ubl_response(&state, auth.tenant, Kind::CreditNote, &id).await
}

/// Mark a credit note paid: its amount was paid out (ours) or received back (an incoming one).
#[utoipa::path(post, path = "/v1/credit_notes/{id}/mark_paid", tag = "credit_notes", operation_id = "mark_credit_note_paid",
    params(("id" = DocumentRef, Path, description = "UUID or credit note number")), responses((status = 200, body = InvoiceOut)), security(("api_key" = [])))]
pub async fn mark_credit_note_paid(
    State(state): State<AppState>,
    auth: Auth<Write>,
    idem: Idem,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    super::invoices::act(state, auth, idem, Kind::CreditNote, id, Action::MarkPaid).await
}

/// Dispute a received credit note.
#[utoipa::path(post, path = "/v1/credit_notes/{id}/dispute", tag = "credit_notes", operation_id = "dispute_credit_note",
    params(("id" = DocumentRef, Path, description = "UUID or credit note number")), responses((status = 200, body = InvoiceOut)), security(("api_key" = [])))]
pub async fn dispute_credit_note(
    State(state): State<AppState>,
    auth: Auth<Write>,
    idem: Idem,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    super::invoices::act(state, auth, idem, Kind::CreditNote, id, Action::Dispute).await
}
