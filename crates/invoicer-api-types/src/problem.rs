//! The RFC 9457 problem envelope every non-2xx response carries.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::catalog::ErrorCode;

/// One field at fault. `field` is a JSON path such as `line_items[3].quantity`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct FieldErrorOut {
    pub field: String,
    pub code: String,
    pub message: String,
}

impl From<invoicer_domain::validation::FieldError> for FieldErrorOut {
    fn from(e: invoicer_domain::validation::FieldError) -> Self {
        Self {
            field: e.field,
            code: e.code.to_owned(),
            message: e.message,
        }
    }
}

/// `application/problem+json` body (RFC 9457) with invoicer's members.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Problem {
    /// URI of this server's page for the code: `{public_url}/errors/{code}`.
    #[serde(rename = "type")]
    pub type_uri: String,
    /// The same for every instance of the code.
    pub title: String,
    pub status: u16,
    /// This request's explanation; for people, never to be parsed.
    pub detail: String,
    /// Stable snake_case identifier to branch on.
    pub code: String,
    /// Each field at fault; empty when no single field is.
    pub errors: Vec<FieldErrorOut>,
    pub request_id: String,
    /// Code-specific members, e.g. `retry_after`.
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub extensions: serde_json::Map<String, serde_json::Value>,
}

impl Problem {
    pub fn new(
        public_url: &str,
        code: ErrorCode,
        detail: impl Into<String>,
        request_id: impl Into<String>,
    ) -> Self {
        Self {
            type_uri: format!(
                "{}/errors/{}",
                public_url.trim_end_matches('/'),
                code.as_str()
            ),
            title: code.title().to_owned(),
            status: code.status(),
            detail: detail.into(),
            code: code.as_str().to_owned(),
            errors: Vec::new(),
            request_id: request_id.into(),
            extensions: serde_json::Map::new(),
        }
    }
}

/// An entry of `GET /errors`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ErrorCodeOut {
    pub code: String,
    pub status: u16,
    pub title: String,
    pub description: String,
    #[serde(rename = "type")]
    pub type_uri: String,
}

impl ErrorCodeOut {
    pub fn new(public_url: &str, code: ErrorCode) -> Self {
        Self {
            code: code.as_str().to_owned(),
            status: code.status(),
            title: code.title().to_owned(),
            description: code.help().to_owned(),
            type_uri: format!(
                "{}/errors/{}",
                public_url.trim_end_matches('/'),
                code.as_str()
            ),
        }
    }
}
