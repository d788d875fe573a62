//! The boundary where failures become `application/problem+json`.
//!
//! Handlers and extractors return [`ApiError`]; it becomes a response carrying a [`Pending`]
//! marker, and [`render_problems`] (a middleware around everything) writes the body, adding the
//! request id. The same middleware turns any other error response that has no problem body (an
//! unmatched route, a 405, a panic) into one, so nothing leaves without the envelope.

use axum::{
    body::Body,
    extract::Request,
    http::{header, HeaderValue, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use invoicer_api_types::{ErrorCode, FieldErrorOut, Problem};
use invoicer_app::AppError;
use invoicer_store::StoreError;

use crate::state::AppState;

/// Seconds a client should wait after a 503 before retrying.
pub const RETRY_AFTER_SECS: u64 = 5;

#[derive(Debug)]
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        Self(e)
    }
}

impl ApiError {
    pub fn new(code: ErrorCode, detail: impl Into<String>) -> Self {
        Self(AppError::new(code, detail))
    }
}

/// A problem waiting for its request id, carried in the response's extensions.
#[derive(Debug, Clone)]
pub struct Pending {
    pub code: ErrorCode,
    pub detail: String,
    pub errors: Vec<FieldErrorOut>,
    pub extensions: serde_json::Map<String, serde_json::Value>,
}

impl Pending {
    pub fn new(code: ErrorCode, detail: impl Into<String>) -> Self {
        Self {
            code,
            detail: detail.into(),
            errors: Vec::new(),
            extensions: serde_json::Map::new(),
        }
    }

    pub fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = status.into_response();
        response.extensions_mut().insert(self);
        response
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        Pending::from(self.0).into_response()
    }
}

impl From<AppError> for Pending {
    /// A failure of ours is logged here, once, with its cause chain; the client learns only
    /// its code.
    fn from(e: AppError) -> Self {
        match e {
            AppError::Client { .. } => Pending::of_client(&e).unwrap_or_else(|| {
                Pending::new(ErrorCode::InternalError, ErrorCode::InternalError.title())
            }),
            AppError::Unavailable(cause) => {
                // A client learns which part is down; the cause itself stays in the log.
                let (part, detail) = match &cause {
                    StoreError::Redis(_) => (
                        "redis unavailable",
                        "The shared rate-limit store (Redis) cannot be reached. Nothing was \
                         persisted; retry shortly.",
                    ),
                    _ => (
                        "database unavailable",
                        "The database cannot be reached. Nothing was persisted; retry shortly.",
                    ),
                };
                tracing::error!(error = ?cause_chain(&cause), "{part}");
                let mut p = Pending::new(ErrorCode::ServiceUnavailable, detail);
                p.extensions
                    .insert("retry_after".into(), RETRY_AFTER_SECS.into());
                p
            }
            AppError::Internal(cause) => {
                tracing::error!(error = ?cause_chain(&*cause), "internal error");
                Pending::new(
                    ErrorCode::InternalError,
                    "An unexpected error occurred. Nothing was persisted; retrying is safe.",
                )
            }
        }
    }
}

impl Pending {
    /// The problem of a refusal (a catalogued client error); `None` for a failure of ours.
    pub fn of_client(e: &AppError) -> Option<Pending> {
        match e {
            AppError::Client {
                code,
                detail,
                errors,
                extensions,
            } => Some(Pending {
                code: *code,
                detail: detail.clone(),
                errors: errors.iter().cloned().map(FieldErrorOut::from).collect(),
                extensions: extensions.clone(),
            }),
            _ => None,
        }
    }

    /// The problem document this answers with, for the request `request_id`.
    pub fn problem(self, public_url: &str, request_id: String) -> Problem {
        let mut problem = Problem::new(public_url, self.code, self.detail, request_id);
        problem.errors = self.errors;
        problem.extensions = self.extensions;
        problem
    }
}

fn cause_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

/// The code for an error response some layer produced without saying why.
fn code_for_bare_status(status: StatusCode) -> ErrorCode {
    match status {
        StatusCode::NOT_FOUND => ErrorCode::RouteNotFound,
        StatusCode::METHOD_NOT_ALLOWED => ErrorCode::MethodNotAllowed,
        StatusCode::PAYLOAD_TOO_LARGE => ErrorCode::PayloadTooLarge,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ErrorCode::UnsupportedMediaType,
        StatusCode::SERVICE_UNAVAILABLE => ErrorCode::ServiceUnavailable,
        s if s.is_client_error() => ErrorCode::InvalidRequest,
        _ => ErrorCode::InternalError,
    }
}

pub const PROBLEM_JSON: &str = "application/problem+json";

/// Writes every error response as a problem, with the request id.
pub async fn render_problems(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let request_id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let response = next.run(request).await;
    let status = response.status();
    if status.is_success() || status.is_redirection() || status.is_informational() {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let pending = match parts.extensions.remove::<Pending>() {
        Some(p) => p,
        None => {
            let is_problem = parts
                .headers
                .get(header::CONTENT_TYPE)
                .is_some_and(|v| v == PROBLEM_JSON);
            if is_problem {
                return Response::from_parts(parts, body);
            }
            let code = code_for_bare_status(status);
            let detail = match code {
                ErrorCode::RouteNotFound => "No route matches this path.".to_owned(),
                ErrorCode::MethodNotAllowed => {
                    "This route does not accept this method; see the Allow header.".to_owned()
                }
                _ => code.title().to_owned(),
            };
            Pending::new(code, detail)
        }
    };
    let problem = pending.problem(&state.public_url, request_id);
    let body = serde_json::to_vec(&problem).unwrap_or_default();
    parts.status = StatusCode::from_u16(problem.status).unwrap_or(status);
    parts
        .headers
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
    parts.headers.remove(header::CONTENT_LENGTH);
    if let Some(secs) = problem
        .extensions
        .get("retry_after")
        .and_then(|v| v.as_u64())
    {
        parts
            .headers
            .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    Response::from_parts(parts, Body::from(body))
}

/// What a caught panic answers: an opaque 500 (the panic itself is logged).
pub fn panic_response(err: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let message = err
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| err.downcast_ref::<&str>().copied())
        .unwrap_or("unknown panic");
    tracing::error!(panic = message, "handler panicked");
    Pending::new(
        ErrorCode::InternalError,
        "An unexpected error occurred. Nothing was persisted; retrying is safe.",
    )
    .into_response()
}
