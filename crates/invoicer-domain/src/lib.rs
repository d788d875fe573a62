//! The invoicing domain: pure and synchronous. No IO, no async, no wire formats.

pub mod codelists;
