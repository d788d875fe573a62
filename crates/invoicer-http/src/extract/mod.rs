//! Extractors whose rejections are our problems, never axum's plain-text ones.

mod admin;
mod auth;
mod body;
mod json;
mod query;

pub use admin::Operator;
pub use auth::{Admin, Auth, Read, Write};
pub use body::Xml;
pub use json::Json;
pub use query::Query;
