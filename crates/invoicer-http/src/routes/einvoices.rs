use axum::{
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use invoicer_api_types::{einvoice::ValidationReportOut, invoice::InvoiceOut};
use invoicer_app::{imports, AppError};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::{
    extract::{Auth, Json, Query, Read, Write, Xml},
    idempotent::{self, Idem},
    limits,
    problem::ApiError,
    state::AppState,
};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ValidateQuery {
    /// `true`: a fatal finding answers 400 `validation_failed` instead of 200.
    pub strict: Option<bool>,
}

/// Validate a UBL 2.1 Invoice or CreditNote against EN 16931 and Peppol BIS Billing 3.0.
///
/// Send the XML as the body (`Content-Type: application/xml`, at most 1 MiB). Every finding
/// carries the official rule id, its flag, an XPath and how to fix it.
#[utoipa::path(post, path = "/v1/einvoices/validate", tag = "einvoices", operation_id = "validate_einvoice",
    params(ValidateQuery),
    request_body(content = String, content_type = "application/xml", description = "A UBL 2.1 Invoice or CreditNote"),
    responses((status = 200, body = ValidationReportOut)), security(("api_key" = [])))]
pub async fn validate_einvoice(
    State(state): State<AppState>,
    auth: Auth<Read>,
    idem: Idem,
    Query(q): Query<ValidateQuery>,
    Xml(body): Xml,
) -> Result<Response, ApiError> {
    state
        .meter
        .count_validation(auth.tenant.account_id, limits::plan_of(&state, &auth)?)
        .await?;
    let report = invoicer_einvoice::validate(&body);
    let verdict = if q.strict == Some(true) && report.has_fatal() {
        Err(AppError::validation_failed(&report, "The document"))
    } else {
        Ok(ValidationReportOut::from(&report))
    };
    if !idem.is_keyed() {
        // Validating writes nothing: only a key's record needs a transaction.
        return Ok(Json(verdict?).into_response());
    }
    idempotent::write(
        &state,
        auth.tenant,
        idem,
        || body.to_vec(),
        StatusCode::OK,
        verdict,
        async |_tx, out| Ok(out),
        |out| out.clone(),
        None,
    )
    .await
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// The business that received the document. Default: the one whose `peppol_id` or `vat_id`
    /// is the document's buyer's.
    #[param(value_type = Option<uuid::Uuid>)]
    pub business_id: Option<String>,
}

/// Import a received UBL 2.1 Invoice or CreditNote as an incoming document.
///
/// The document is validated first (a fatal finding answers 400 `validation_failed` and creates
/// nothing), then kept with its own number, dates and parties, and its bytes as received
/// (`GET …/ubl`). Its lifecycle is `received` → `paid` or `disputed`. The same document (same
/// issuer, number and issue date) imported again answers 409 `document_already_imported`.
#[utoipa::path(post, path = "/v1/einvoices/import", tag = "einvoices", operation_id = "import_einvoice",
    params(ImportQuery),
    request_body(content = String, content_type = "application/xml", description = "A UBL 2.1 Invoice or CreditNote"),
    responses((status = 201, body = InvoiceOut)), security(("api_key" = [])))]
pub async fn import_einvoice(
    State(state): State<AppState>,
    auth: Auth<Write>,
    idem: Idem,
    Query(q): Query<ImportQuery>,
    Xml(body): Xml,
) -> Result<Response, ApiError> {
    let tenant = auth.tenant;
    idempotent::write(
        &state,
        tenant,
        idem,
        || body.to_vec(),
        StatusCode::CREATED,
        imports::prepare(&body, q.business_id.as_deref()),
        async |tx, prepared| imports::add(tx, tenant, prepared).await,
        |d| InvoiceOut::from(d),
        None,
    )
    .await
}
