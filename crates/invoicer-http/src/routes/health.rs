use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;

use crate::{extract::Json, problem::ApiError, state::AppState};

#[derive(Serialize, ToSchema)]
pub struct HealthOut {
    pub status: &'static str,
}

/// The process is up.
#[utoipa::path(get, path = "/healthz", tag = "operations", operation_id = "healthz",
    responses((status = 200, body = HealthOut)))]
pub async fn healthz() -> Json<HealthOut> {
    Json(HealthOut { status: "ok" })
}

/// The process can serve: its database answers.
#[utoipa::path(get, path = "/readyz", tag = "operations", operation_id = "readyz",
    responses((status = 200, body = HealthOut)))]
pub async fn readyz(State(state): State<AppState>) -> Result<Json<HealthOut>, ApiError> {
    state
        .db
        .ping()
        .await
        .map_err(|e| ApiError(invoicer_app::AppError::Unavailable(e)))?;
    Ok(Json(HealthOut { status: "ready" }))
}
