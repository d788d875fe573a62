//! The tenant every read and write is scoped to: one account in one environment.

use uuid::Uuid;

use crate::api_key::Environment;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Tenant {
    pub account_id: Uuid,
    pub environment: Environment,
}

/// Whether an account may use the API: a past-due account is refused until it pays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BillingStatus {
    Active,
    PastDue,
}

impl BillingStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::PastDue => "past_due",
        }
    }
}

impl std::str::FromStr for BillingStatus {
    type Err = crate::validation::Invalid;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "active" => Ok(Self::Active),
            "past_due" => Ok(Self::PastDue),
            _ => Err(crate::validation::Invalid::new(
                "invalid_enum",
                format!("`{s}` is not a billing status; allowed: active, past_due."),
            )),
        }
    }
}
