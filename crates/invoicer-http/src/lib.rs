//! The HTTP API: axum router, extractors, the problem+json boundary and the OpenAPI document.
//! Only this crate names axum.

pub mod extract;
pub mod idempotent;
pub mod limits;
pub mod openapi;
pub mod problem;
pub mod router;
pub mod routes;
pub mod state;

pub use router::{build, openapi_document};
pub use state::{AppState, Shared};
