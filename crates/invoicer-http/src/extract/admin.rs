//! The operator: a caller of `/admin/v1` holding the admin token of the configuration. An API
//! key is never accepted here, and `X-API-Key` is not read.

use axum::{
    extract::FromRequestParts,
    http::{header, request::Parts},
};
use invoicer_api_types::ErrorCode;

use crate::{problem::ApiError, state::AppState};

/// Proof that the request carries the admin token.
pub struct Operator(());

impl FromRequestParts<AppState> for Operator {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Some(token) = &state.admin_token else {
            // Without a token the admin API does not exist (the router already answers so).
            return Err(ApiError::new(
                ErrorCode::RouteNotFound,
                "No route matches this path; see /openapi.json.",
            ));
        };
        let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
            return Err(ApiError::new(
                ErrorCode::MissingAdminToken,
                "No admin token was sent. Use `Authorization: Bearer <INVOICER_ADMIN_TOKEN>`.",
            ));
        };
        let text = value.to_str().unwrap_or_default().trim();
        let (scheme, presented) = text.split_once(' ').unwrap_or((text, ""));
        if !scheme.eq_ignore_ascii_case("bearer") {
            return Err(ApiError::new(
                ErrorCode::InvalidAdminToken,
                "The Authorization header must use the Bearer scheme: `Authorization: Bearer <INVOICER_ADMIN_TOKEN>`.",
            ));
        }
        if !token.matches(presented.trim()) {
            return Err(ApiError::new(
                ErrorCode::InvalidAdminToken,
                "This is not the server's admin token (an API key never is).",
            ));
        }
        Ok(Operator(()))
    }
}
