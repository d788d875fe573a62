//! One module per resource. Handlers are glue: extract the caller and the input, call one `app`
//! operation, map the result to its wire type.

pub mod admin;
pub mod api_keys;
pub mod businesses;
pub mod credit_notes;
pub mod customers;
pub mod einvoices;
pub mod errors;
pub mod health;
pub mod invoices;

use axum::{
    http::header,
    response::{IntoResponse, Response},
};
use invoicer_api_types::list::ListOut;
use invoicer_domain::invoice::Kind;
use invoicer_domain::tenant::Tenant;
use invoicer_store::page::Page;
use uuid::Uuid;

use crate::{problem::ApiError, state::AppState};

/// A page as the wire's list envelope.
pub fn list_out<T, O>(
    page: Page<T>,
    id: impl Fn(&T) -> Uuid,
    view: impl Fn(&T) -> O,
) -> ListOut<O> {
    ListOut {
        object: "list".into(),
        next_cursor: invoicer_app::pagination::next_cursor(&page, id),
        has_more: page.has_more,
        data: page.items.iter().map(view).collect(),
    }
}

/// A path id that must be a UUID.
pub fn uuid_path(text: &str) -> Result<Uuid, ApiError> {
    Uuid::try_parse(text).map_err(|_| {
        ApiError(invoicer_app::AppError::invalid_field(
            "id",
            "invalid_id",
            format!("`{text}` is not a UUID."),
        ))
    })
}

/// An issued document's UBL, byte for byte as kept at issue; its SHA-256 is the entity tag.
pub async fn ubl_response(
    state: &AppState,
    tenant: Tenant,
    kind: Kind,
    reference: &str,
) -> Result<Response, ApiError> {
    let (doc, ubl) = invoicer_app::invoices::ubl(&state.db, tenant, kind, reference).await?;
    let filename = doc.number.as_deref().unwrap_or("document");
    Ok((
        [
            (header::CONTENT_TYPE, "application/xml".to_owned()),
            (
                header::ETAG,
                format!("\"{}\"", doc.ubl_sha256.as_deref().unwrap_or_default()),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{filename}.xml\""),
            ),
        ],
        ubl,
    )
        .into_response())
}
