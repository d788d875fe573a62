//! THE route list, and the layers every request passes through.

use std::time::Duration;

use axum::{
    extract::{DefaultBodyLimit, Request},
    middleware,
    response::Response,
    routing::get,
    Router,
};
use invoicer_api_types::ErrorCode;
use tower_http::{
    catch_panic::CatchPanicLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    trace::TraceLayer,
};
use tracing::Span;
use utoipa::OpenApi;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    limits,
    openapi::{self, ApiDoc},
    problem::{self, Pending},
    routes::{
        admin, api_keys, businesses, credit_notes, customers, einvoices, errors, health, invoices,
    },
    state::AppState,
};

/// Request bodies above this are refused with `payload_too_large`.
pub const BODY_LIMIT: usize = 1024 * 1024;

/// Every documented route. The router and the OpenAPI document are both built from this.
pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(
            businesses::create_business,
            businesses::list_businesses
        ))
        .routes(routes!(
            businesses::get_business,
            businesses::update_business
        ))
        .routes(routes!(businesses::archive_business))
        .routes(routes!(
            customers::create_customer,
            customers::list_customers
        ))
        .routes(routes!(customers::get_customer, customers::update_customer))
        .routes(routes!(customers::archive_customer))
        .routes(routes!(invoices::create_invoice, invoices::list_invoices))
        .routes(routes!(invoices::get_invoice, invoices::update_invoice))
        .routes(routes!(invoices::issue_invoice))
        .routes(routes!(invoices::get_invoice_ubl))
        .routes(routes!(invoices::mark_invoice_paid))
        .routes(routes!(invoices::void_invoice))
        .routes(routes!(invoices::dispute_invoice))
        .routes(routes!(
            credit_notes::create_credit_note,
            credit_notes::list_credit_notes
        ))
        .routes(routes!(credit_notes::get_credit_note))
        .routes(routes!(credit_notes::get_credit_note_ubl))
        .routes(routes!(credit_notes::mark_credit_note_paid))
        .routes(routes!(credit_notes::dispute_credit_note))
        .routes(routes!(api_keys::create_api_key, api_keys::list_api_keys))
        .routes(routes!(api_keys::get_api_key))
        .routes(routes!(api_keys::revoke_api_key))
        .routes(routes!(einvoices::validate_einvoice))
        .routes(routes!(einvoices::import_einvoice))
        .routes(routes!(errors::list_errors))
        .routes(routes!(errors::get_error))
        .routes(routes!(health::healthz))
        .routes(routes!(health::readyz))
        .routes(routes!(admin::create_account, admin::list_accounts))
        .routes(routes!(admin::get_account, admin::update_account))
        .routes(routes!(admin::get_account_usage))
        .routes(routes!(admin::create_account_api_key))
}

/// The finished OpenAPI document.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    let (_, api) = api().split_for_parts();
    openapi::finish(api)
}

async fn route_not_found() -> Response {
    Pending::new(
        ErrorCode::RouteNotFound,
        "No route matches this path; see /openapi.json.",
    )
    .into_response()
}

/// Without an admin token configured, the operator API does not exist: anything under
/// `/admin/v1` answers exactly as an unknown route does.
async fn hide_admin_without_token(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: Request,
    next: middleware::Next,
) -> Response {
    let path = request.uri().path();
    let admin = path == "/admin/v1" || path.starts_with("/admin/v1/");
    if admin && state.admin_token.is_none() {
        return route_not_found().await;
    }
    next.run(request).await
}

pub fn build(state: AppState) -> Router {
    build_with(state, Router::new())
}

/// The API plus `extra` routes under the same layers (tests add a panicking route this way).
pub fn build_with(state: AppState, extra: Router<AppState>) -> Router {
    let (router, api) = api().split_for_parts();
    let router = router.merge(extra);
    let document = serde_json::to_string(&openapi::finish(api)).unwrap_or_default();
    let router = router.route(
        "/openapi.json",
        get(move || {
            let document = document.clone();
            async move {
                (
                    [(axum::http::header::CONTENT_TYPE, "application/json")],
                    document,
                )
            }
        }),
    );
    layered(router, state)
}

/// Wraps routes in the layers every request passes through: request id, trace span, body
/// limit, the rate-limit headers, the problem renderer, the panic catcher, and the fallback for
/// unknown routes.
pub fn layered(router: Router<AppState>, state: AppState) -> Router {
    router
        .fallback(route_not_found)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            hide_admin_without_token,
        ))
        .layer(CatchPanicLayer::custom(problem::panic_response))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            problem::render_problems,
        ))
        .layer(middleware::from_fn(limits::headers))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request| {
                    let request_id = request
                        .headers()
                        .get("x-request-id")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("");
                    tracing::info_span!(
                        "request",
                        method = %request.method(),
                        path = %request.uri().path(),
                        request_id,
                        account_id = tracing::field::Empty,
                        environment = tracing::field::Empty,
                    )
                })
                .on_request(tower_http::trace::DefaultOnRequest::new().level(tracing::Level::DEBUG))
                .on_response(|response: &Response, latency: Duration, _span: &Span| {
                    tracing::info!(
                        status = response.status().as_u16(),
                        duration_ms = latency.as_secs_f64() * 1000.0,
                        "response"
                    );
                }),
        )
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}
