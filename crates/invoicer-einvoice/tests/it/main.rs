//! The validator's test suite: agreement with the official artefacts on the example corpus,
//! one breaking and one passing document per rule, safe parsing, generated invoices, and the
//! participant ids the API accepts passing the identifier rules.

mod corpus;
mod national_issuable;
mod parsing;
mod participant_ids;
mod properties;
mod read;
mod render;
mod rules_cen;
mod rules_national;
mod rules_peppol;
mod rules_syntax;
mod rules_vat;
mod support;
