//! The tenant every read and write is scoped to: one account in one environment.

use uuid::Uuid;

use crate::api_key::Environment;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Tenant {
    pub account_id: Uuid,
    pub environment: Environment,
}
