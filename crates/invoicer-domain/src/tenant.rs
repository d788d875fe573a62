//! The tenant every read and write is scoped to: one account in one environment.

use uuid::Uuid;

use crate::api_key::Environment;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Tenant {
    pub account_id: Uuid,
    pub environment: Environment,
}

crate::text_enum! {
    /// Whether an account may use the API: a past-due account is refused until it pays.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum BillingStatus("billing status") {
        Active = "active",
        PastDue = "past_due",
    }
}
