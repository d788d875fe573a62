use invoicer_api_types::einvoice::ValidationReportOut;
use invoicer_app::AppError;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::{
    extract::{Auth, Json, Query, Read, Xml},
    problem::ApiError,
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
    _auth: Auth<Read>,
    Query(q): Query<ValidateQuery>,
    Xml(body): Xml,
) -> Result<Json<ValidationReportOut>, ApiError> {
    let report = invoicer_einvoice::validate(&body);
    let out = ValidationReportOut::from(&report);
    if q.strict == Some(true) && report.has_fatal() {
        return Err(AppError::validation_failed(&report, "The document").into());
    }
    Ok(Json(out))
}
