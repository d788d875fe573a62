//! The validator's test suite: agreement with the official artefacts on the example corpus,
//! one breaking and one passing document per rule, safe parsing, and generated invoices.

mod corpus;
mod parsing;
mod properties;
mod rules_cen;
mod rules_national;
mod rules_peppol;
mod rules_syntax;
mod rules_vat;
mod support;
