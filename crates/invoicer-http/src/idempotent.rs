//! `Idempotency-Key` on every POST. The handler hands its write to [`write`], which runs it
//! through `invoicer_app::idempotency` and answers with the response that was recorded: the
//! first request gets exactly the bytes every repeat will get, `Idempotent-Replayed: true`
//! marking the repeats.

use axum::{
    body::Body,
    extract::{FromRequestParts, MatchedPath},
    http::{header, request::Parts, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use invoicer_api_types::ErrorCode;
use invoicer_app::{
    idempotency::{self, Keyed, Outcome, Rendered},
    AppResult,
};
use invoicer_domain::tenant::Tenant;
use invoicer_store::{repo::invoices::KeyedRecord, Db, Tx};

use crate::{
    problem::{ApiError, Pending, PROBLEM_JSON},
    state::AppState,
};

pub const HEADER: &str = "idempotency-key";
pub const REPLAYED: &str = "idempotent-replayed";

/// What a POST needs to be run once: its `Idempotency-Key` (if any), route and request id.
#[derive(Debug, Clone)]
pub struct Idem {
    key: Option<String>,
    route: String,
    method: String,
    path_and_query: String,
    request_id: String,
}

impl<S: Send + Sync> FromRequestParts<S> for Idem {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let key = match parts.headers.get(HEADER) {
            None => None,
            Some(value) => Some(parse_key(value.as_bytes())?),
        };
        let template = parts
            .extensions
            .get::<MatchedPath>()
            .map_or_else(|| parts.uri.path().to_owned(), |m| m.as_str().to_owned());
        Ok(Idem {
            key,
            route: format!("{} {template}", parts.method),
            method: parts.method.to_string(),
            path_and_query: parts
                .uri
                .path_and_query()
                .map_or(parts.uri.path(), |p| p.as_str())
                .to_owned(),
            request_id: parts
                .headers
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned(),
        })
    }
}

impl Idem {
    /// Whether the request carries a key.
    pub fn is_keyed(&self) -> bool {
        self.key.is_some()
    }
}

/// A JSON request body in canonical form: equal requests give equal bytes, whatever the key
/// order or spacing they were sent with.
pub fn canonical(body: &impl serde::Serialize) -> Vec<u8> {
    serde_json::to_vec(body).unwrap_or_default()
}

/// 1 to 255 printable ASCII characters.
fn parse_key(bytes: &[u8]) -> Result<String, ApiError> {
    let ok = (1..=255).contains(&bytes.len()) && bytes.iter().all(|b| (0x20..0x7f).contains(b));
    match std::str::from_utf8(bytes) {
        Ok(key) if ok => Ok(key.to_owned()),
        _ => Err(ApiError(invoicer_app::AppError::invalid_field(
            "Idempotency-Key",
            "invalid_idempotency_key",
            "An Idempotency-Key is 1 to 255 printable ASCII characters, e.g. a UUID.",
        ))),
    }
}

/// Runs one write (see `invoicer_app::idempotency::run`) and answers it. `canonical_body` makes
/// the request body in a form where equal requests are equal bytes, called only when the request
/// carries a key; `view` writes a success as JSON, which repeats get too unless `kept` writes
/// another one for them (a response that must never rest in the database, such as a new key's
/// secret).
#[expect(
    clippy::too_many_arguments,
    reason = "one call per POST route, each naming every part"
)]
pub async fn write<P, T, V: serde::Serialize>(
    state: &AppState,
    tenant: Tenant,
    idem: Idem,
    canonical_body: impl FnOnce() -> Vec<u8>,
    status: StatusCode,
    prepared: AppResult<P>,
    exec: impl AsyncFnOnce(&mut Tx, P) -> AppResult<T>,
    view: impl Fn(&T) -> V,
    kept: Option<&(dyn Fn(&T) -> V + Sync)>,
) -> Result<Response, ApiError> {
    let nothing_at_once = async |_: &Db, _: &T, _: Option<KeyedRecord<'_>>| Ok(false);
    write_at_once(
        state,
        tenant,
        idem,
        canonical_body,
        status,
        prepared,
        |_| None,
        nothing_at_once,
        exec,
        view,
        kept,
    )
    .await
}

/// [`write`] for a write that may be done at once (`idempotency::run_at_once`): `value`
/// makes its result from the request alone, or says it cannot, and `store` writes that result in
/// one step.
#[expect(
    clippy::too_many_arguments,
    reason = "write's arguments, the two halves of the shortcut and the kept view"
)]
pub async fn write_at_once<P, T, V: serde::Serialize>(
    state: &AppState,
    tenant: Tenant,
    idem: Idem,
    canonical_body: impl FnOnce() -> Vec<u8>,
    status: StatusCode,
    prepared: AppResult<P>,
    value: impl FnOnce(&P) -> Option<T>,
    store: impl AsyncFnOnce(&Db, &T, Option<KeyedRecord<'_>>) -> AppResult<bool>,
    exec: impl AsyncFnOnce(&mut Tx, P) -> AppResult<T>,
    view: impl Fn(&T) -> V,
    kept: Option<&(dyn Fn(&T) -> V + Sync)>,
) -> Result<Response, ApiError> {
    let keyed = idem.key.as_deref().map(|key| Keyed {
        key,
        route: &idem.route,
        fingerprint: idempotency::fingerprint(
            &idem.method,
            &idem.path_and_query,
            &canonical_body(),
        ),
    });
    let json = |body: V| idempotency::Response {
        status: status.as_u16(),
        content_type: "application/json".into(),
        body: serde_json::to_string(&body).unwrap_or_default(),
    };
    let render = |result: &AppResult<T>| match result {
        Ok(done) => Rendered {
            sent: json(view(done)),
            kept: kept.map(|kept| json(kept(done))),
        },
        Err(e) => {
            // Only refusals are rendered for keeping; a failure of ours is never recorded.
            let problem = Pending::of_client(e)
                .unwrap_or_else(|| {
                    Pending::new(ErrorCode::InternalError, ErrorCode::InternalError.title())
                })
                .problem(&state.public_url, idem.request_id.clone());
            Rendered {
                sent: idempotency::Response {
                    status: problem.status,
                    content_type: PROBLEM_JSON.into(),
                    body: serde_json::to_string(&problem).unwrap_or_default(),
                },
                kept: None,
            }
        }
    };
    let outcome = idempotency::run_at_once(
        &state.db, tenant, keyed, prepared, value, store, exec, render,
    )
    .await;
    match outcome {
        Outcome::Unkeyed(Ok(done)) => {
            Ok((status, crate::extract::Json(view(&done))).into_response())
        }
        Outcome::Unkeyed(Err(e)) | Outcome::Refused(e) => Err(ApiError(e)),
        Outcome::First(r) => Ok(answer(r, false)),
        Outcome::Replayed(r) => Ok(answer(r, true)),
    }
}

fn answer(r: idempotency::Response, replayed: bool) -> Response {
    let mut response = Response::new(Body::from(r.body));
    *response.status_mut() = StatusCode::from_u16(r.status).unwrap_or(StatusCode::OK);
    let headers = response.headers_mut();
    if let Ok(content_type) = HeaderValue::from_str(&r.content_type) {
        headers.insert(header::CONTENT_TYPE, content_type);
    }
    if replayed {
        headers.insert(REPLAYED, HeaderValue::from_static("true"));
    }
    response
}
