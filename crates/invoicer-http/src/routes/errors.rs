//! `/errors` and `/errors/{code}`: the catalog as pages, so every problem's `type` resolves.
//! Browsers (Accept: text/html) get HTML; everything else JSON.

use axum::{
    extract::{Path, State},
    http::{header, HeaderMap},
    response::{Html, IntoResponse, Response},
};
use invoicer_api_types::{problem::ErrorCodeOut, ErrorCode};

use crate::{extract::Json, problem::ApiError, state::AppState};

fn wants_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/html"))
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn page(title: &str, body: &str) -> Html<String> {
    Html(format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{} · invoicer</title>\
         <style>body{{font:16px/1.5 system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem}}\
         code{{background:#f3f3f3;padding:0 .25em}}td,th{{text-align:left;padding:.25em .75em .25em 0;vertical-align:top}}</style>\
         </head><body>{body}</body></html>",
        escape(title)
    ))
}

/// Every error code the API can return.
#[utoipa::path(get, path = "/errors", tag = "errors", operation_id = "list_errors",
    responses((status = 200, body = [ErrorCodeOut])))]
pub async fn list_errors(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let all: Vec<ErrorCodeOut> = ErrorCode::ALL
        .iter()
        .map(|c| ErrorCodeOut::new(&state.public_url, *c))
        .collect();
    if !wants_html(&headers) {
        return Json(all).into_response();
    }
    let rows: String = all
        .iter()
        .map(|e| {
            format!(
                "<tr><td><a href=\"/errors/{0}\"><code>{0}</code></a></td><td>{1}</td><td>{2}</td></tr>",
                e.code,
                e.status,
                escape(&e.title)
            )
        })
        .collect();
    page(
        "Errors",
        &format!(
            "<h1>Errors</h1><p>Every error is <code>application/problem+json</code>; branch on <code>code</code>.</p>\
             <table><tr><th>code</th><th>status</th><th>title</th></tr>{rows}</table>"
        ),
    )
    .into_response()
}

/// One error code: its status, title and how to recover.
#[utoipa::path(get, path = "/errors/{code}", tag = "errors", operation_id = "get_error",
    params(("code" = String, Path)), responses((status = 200, body = ErrorCodeOut)))]
pub async fn get_error(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> Result<Response, ApiError> {
    let code = ErrorCode::from_code(&code).ok_or_else(|| {
        ApiError::new(
            ErrorCode::ErrorCodeNotFound,
            format!("There is no error code `{code}`; see /errors."),
        )
    })?;
    let out = ErrorCodeOut::new(&state.public_url, code);
    if !wants_html(&headers) {
        return Ok(Json(out).into_response());
    }
    Ok(page(
        &out.code,
        &format!(
            "<p><a href=\"/errors\">All errors</a></p><h1><code>{}</code></h1><p>HTTP {} · {}</p><p>{}</p>",
            out.code,
            out.status,
            escape(&out.title),
            escape(&out.description)
        ),
    )
    .into_response())
}
