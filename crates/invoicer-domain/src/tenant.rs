//! The tenant every read and write is scoped to: one account in one environment.

use uuid::Uuid;

use crate::api_key::Environment;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Tenant {
    pub account_id: Uuid,
    pub environment: Environment,
}

crate::text_enum! {
    /// Whether an account may change anything: a past-due account can still read, but every
    /// write is refused until it pays.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum BillingStatus("billing status") {
        Active = "active",
        PastDue = "past_due",
    }
}

/// An account: the owner of everything in its two environments, on a plan, in a billing state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: Uuid,
    pub name: String,
    /// The name of one of the configured plans (`crate::plan`).
    pub plan: String,
    pub billing_status: BillingStatus,
    pub created_at: time::OffsetDateTime,
}
