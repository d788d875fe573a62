//! Reading a request body: its media type checked first (`unsupported_media_type`), then at most
//! the body limit (`payload_too_large`).

use axum::{
    body::Bytes,
    extract::{FromRequest, Request},
    http::{header, StatusCode},
};
use invoicer_api_types::ErrorCode;

use crate::problem::ApiError;

/// The media type of a `Content-Type` value, lower-cased, without parameters.
fn essence(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

pub fn is_json(content_type: &str) -> bool {
    let e = essence(content_type);
    e == "application/json" || (e.starts_with("application/") && e.ends_with("+json"))
}

pub fn is_xml(content_type: &str) -> bool {
    let e = essence(content_type);
    e == "application/xml" || e == "text/xml" || e.ends_with("+xml")
}

/// The body's bytes, if its media type passes `accepts`; `expected` names the type in errors.
pub async fn read<S: Send + Sync>(
    req: Request,
    state: &S,
    accepts: fn(&str) -> bool,
    expected: &str,
) -> Result<Bytes, ApiError> {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !accepts(content_type) {
        let detail = if content_type.is_empty() {
            format!("The request has no Content-Type; send the body as {expected}.")
        } else {
            format!("The body is `{content_type}`; send it as {expected}.")
        };
        return Err(ApiError::new(ErrorCode::UnsupportedMediaType, detail));
    }
    Bytes::from_request(req, state).await.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                ErrorCode::PayloadTooLarge,
                "The body exceeds the 1 MiB limit.",
            )
        } else {
            ApiError::new(
                ErrorCode::InvalidRequest,
                format!("The body could not be read: {rejection}."),
            )
        }
    })
}

/// An XML body (`application/xml`, `text/xml` or `*+xml`).
pub struct Xml(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for Xml {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        read(req, state, is_xml, "application/xml").await.map(Xml)
    }
}
