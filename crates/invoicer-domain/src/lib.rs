//! The invoicing domain: pure and synchronous. No IO, no async, no wire formats.

pub mod admin_token;
pub mod api_key;
pub mod codelists;
pub mod invoice;
pub mod issuable;
pub mod money;
pub mod national;
pub mod numbering;
pub mod participant;
pub mod party;
pub mod plan;
pub mod tenant;
mod text_enum;
pub mod time_text;
pub mod totals;
pub mod validation;
pub mod vat;
