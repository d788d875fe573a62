use axum::{
    extract::{FromRequest, Request},
    response::{IntoResponse, Response},
};
use invoicer_api_types::ErrorCode;
use invoicer_app::AppError;
use serde::{de::DeserializeOwned, Serialize};

use crate::problem::ApiError;

/// A JSON body: `Content-Type: application/json`, at most the body limit, valid JSON (or a
/// `malformed_json` naming line and column), the right shape (or an `invalid_request` naming
/// the field's JSON path). Also the JSON response type.
#[derive(Debug, Clone, Copy, Default)]
pub struct Json<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = super::body::read(req, state, super::body::is_json, "application/json").await?;
        parse(&bytes).map(Json)
    }
}

/// Deserializes with the JSON path of the first shape error.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    // Syntax first, so a broken document is reported as such even when a type error comes
    // earlier in it.
    if let Err(e) = serde_json::from_slice::<serde::de::IgnoredAny>(bytes) {
        return Err(malformed(&e));
    }
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    let result: Result<T, _> = serde_path_to_error::deserialize(de);
    let err = match result {
        Ok(value) => return Ok(value),
        Err(err) => err,
    };
    let inner = err.inner();
    match inner.classify() {
        serde_json::error::Category::Syntax
        | serde_json::error::Category::Eof
        | serde_json::error::Category::Io => Err(malformed(inner)),
        serde_json::error::Category::Data => {
            let path = err.path().to_string();
            let field = if path == "." { "body".to_owned() } else { path };
            let message = strip_position(inner);
            let code = if message.starts_with("unknown field") {
                "unknown_field"
            } else {
                "invalid_type"
            };
            Err(ApiError(AppError::invalid_field(
                &field,
                code,
                capitalize(&message),
            )))
        }
    }
}

fn malformed(e: &serde_json::Error) -> ApiError {
    ApiError::new(
        ErrorCode::MalformedJson,
        format!(
            "The body is not valid JSON at line {} column {}: {}.",
            e.line(),
            e.column(),
            strip_position(e)
        ),
    )
}

/// serde_json's message without its trailing "at line L column C", which `detail` states once.
fn strip_position(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_owned(),
        None => text,
    }
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect::<String>() + ".",
        None => String::new(),
    }
}

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}
