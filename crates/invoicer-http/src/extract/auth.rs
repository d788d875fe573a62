use std::{
    marker::PhantomData,
    net::{IpAddr, Ipv4Addr, SocketAddr},
};

use axum::{
    extract::{ConnectInfo, FromRequestParts},
    http::{header, request::Parts, Method},
};
use invoicer_api_types::ErrorCode;
use invoicer_app::auth::{authenticate, Principal};
use invoicer_domain::api_key::Scope;

use crate::{
    limits::{self, Counted},
    problem::ApiError,
    state::AppState,
};

/// The scope a route needs, as a type, so it is checked before the body is even read.
pub trait RequiredScope {
    const SCOPE: Scope;
}

pub struct Read;
pub struct Write;
pub struct Admin;

impl RequiredScope for Read {
    const SCOPE: Scope = Scope::Read;
}
impl RequiredScope for Write {
    const SCOPE: Scope = Scope::Write;
}
impl RequiredScope for Admin {
    const SCOPE: Scope = Scope::Admin;
}

/// The authenticated caller, holding scope `S`: a key from `Authorization: Bearer …` or
/// `X-API-Key`. Its request is counted against the key's rate before the scope is checked.
pub struct Auth<S>(pub Principal, PhantomData<S>, Counted);

impl<S> Auth<S> {
    /// Where this request's rate counts go, for a handler that counts more (invoice creations).
    pub fn counted(&self) -> &Counted {
        &self.2
    }
}

impl<S> std::ops::Deref for Auth<S> {
    type Target = Principal;
    fn deref(&self) -> &Principal {
        &self.0
    }
}

impl<S: RequiredScope + Send + Sync> FromRequestParts<AppState> for Auth<S> {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let presented = presented_key(parts)?;
        let ip = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip());
        let principal = authenticate(&state.db, &presented, ip).await?;
        let span = tracing::Span::current();
        span.record(
            "account_id",
            tracing::field::display(principal.tenant.account_id),
        );
        span.record("environment", principal.tenant.environment.as_str());
        let counted = parts
            .extensions
            .get::<Counted>()
            .cloned()
            .unwrap_or_default();
        limits::count_request(state, &principal, &parts.method, &counted).await?;
        principal.require(S::SCOPE)?;
        // A past-due account can still read (and so export its data); nothing else.
        if !matches!(parts.method, Method::GET | Method::HEAD) {
            principal.require_paid()?;
        }
        Ok(Auth(principal, PhantomData, counted))
    }
}

fn presented_key(parts: &Parts) -> Result<String, ApiError> {
    if let Some(value) = parts.headers.get(header::AUTHORIZATION) {
        let text = value.to_str().unwrap_or_default().trim();
        let (scheme, token) = text.split_once(' ').unwrap_or((text, ""));
        if !scheme.eq_ignore_ascii_case("bearer") {
            return Err(ApiError::new(
                ErrorCode::InvalidAuthorizationScheme,
                "The Authorization header must use the Bearer scheme: `Authorization: Bearer inv_…`.",
            ));
        }
        return Ok(token.trim().to_owned());
    }
    if let Some(value) = parts.headers.get("x-api-key") {
        return Ok(value.to_str().unwrap_or_default().trim().to_owned());
    }
    Err(ApiError::new(
        ErrorCode::MissingApiKey,
        "No API key was sent. Use `Authorization: Bearer inv_…` or `X-API-Key: inv_…`.",
    ))
}
