//! List envelopes and their query parameters.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub const DEFAULT_LIMIT: u32 = 20;
pub const MAX_LIMIT: u32 = 100;

/// A page of results, oldest first. Pass `next_cursor` as `cursor` to get the next page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ListOut<T> {
    pub object: String,
    pub data: Vec<T>,
    pub has_more: bool,
    pub next_cursor: Option<String>,
}

/// `limit` and `cursor`, taken as text so a bad value is reported as a field error.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// 1 to 100; default 20.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
    /// The `next_cursor` of the previous page.
    #[param(pattern = "^c1[0-9a-f]{32}$")]
    pub cursor: Option<String>,
}

/// Invoice and credit note list filters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InvoiceListQuery {
    /// 1 to 100; default 20.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
    /// The `next_cursor` of the previous page.
    #[param(pattern = "^c1[0-9a-f]{32}$")]
    pub cursor: Option<String>,
    /// `draft`, `issued`, `paid`, `void`, `received` or `disputed`.
    #[param(schema_with = status_schema)]
    pub status: Option<String>,
    /// `outgoing` or `incoming`.
    #[param(schema_with = direction_schema)]
    pub direction: Option<String>,
    #[param(value_type = Option<uuid::Uuid>)]
    pub customer_id: Option<String>,
    #[param(value_type = Option<uuid::Uuid>)]
    pub business_id: Option<String>,
    /// Issue date on or after (`YYYY-MM-DD`).
    #[param(value_type = Option<time::Date>)]
    pub issue_date_from: Option<String>,
    /// Issue date on or before (`YYYY-MM-DD`).
    #[param(value_type = Option<time::Date>)]
    pub issue_date_to: Option<String>,
}

fn word_schema(words: Vec<&'static str>) -> utoipa::openapi::schema::Object {
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(words))
        .build()
}

fn status_schema() -> utoipa::openapi::schema::Object {
    word_schema(crate::schema::status_words())
}

fn direction_schema() -> utoipa::openapi::schema::Object {
    word_schema(crate::schema::direction_words())
}
