use axum::{extract::FromRequestParts, http::request::Parts};
use invoicer_app::AppError;
use serde::de::DeserializeOwned;

use crate::problem::ApiError;

/// Query parameters; an unknown or malformed one is an `invalid_request`.
#[derive(Debug, Clone, Default)]
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(Query(value)),
            Err(rejection) => Err(ApiError(AppError::invalid_field(
                "query",
                "invalid_query",
                rejection.body_text(),
            ))),
        }
    }
}
