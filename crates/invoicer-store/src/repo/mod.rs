//! One module per table. Functions take a connection (a [`crate::Tx`] for writes, a
//! [`crate::ReadConn`] or a `Tx` for reads) and the tenant.

pub mod accounts;
pub mod api_keys;
pub mod businesses;
pub mod customers;
pub mod idempotency;
pub mod invoices;
pub mod ledger;
pub mod number_series;
pub(crate) mod party;
pub mod rate_leases;
mod scoped;
pub mod usage_counters;
