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
    pub limit: Option<String>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Invoice and credit note list filters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InvoiceListQuery {
    /// 1 to 100; default 20.
    pub limit: Option<String>,
    pub cursor: Option<String>,
    /// `draft`, `issued`, `paid`, `void`, `received` or `disputed`.
    pub status: Option<String>,
    /// `outgoing` or `incoming`.
    pub direction: Option<String>,
    pub customer_id: Option<String>,
    pub business_id: Option<String>,
    /// Issue date on or after (`YYYY-MM-DD`).
    pub issue_date_from: Option<String>,
    /// Issue date on or before (`YYYY-MM-DD`).
    pub issue_date_to: Option<String>,
}
