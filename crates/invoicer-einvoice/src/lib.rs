//! UBL 2.1 documents and the EN 16931 / Peppol BIS Billing 3.0 business rules. No IO.
//!
//! [`validate`] reads any UBL 2.1 Invoice or CreditNote and reports the rules it breaks by their
//! official ids, with the same verdicts as the official Schematron artefacts of the versions
//! below. The document is parsed once into a compact tree ([`tree`]) and every rule walks that
//! tree; nothing is reparsed and no regular expressions are involved.
//!
//! [`read`] maps a document onto the domain model for import, through the same parser, with the
//! totals the document states beside it.

mod decimal;
mod parse;
mod read;
mod render;
mod report;
mod rules;
mod tree;
mod xml;

pub use parse::{MAX_ATTRIBUTES, MAX_DEPTH, MAX_DOCUMENT_BYTES, MAX_ELEMENTS};
pub use read::{read, ReadDocument, ReadError, ReadProblem};
pub use render::{render, RenderError, CUSTOMIZATION_ID, PROFILE_ID};
pub use report::{DocumentKind, Finding, Flag, Report};

/// The Peppol BIS Billing release whose rules (`PEPPOL-EN16931-UBL.sch`) are implemented.
pub const PEPPOL_BIS_VERSION: &str = "3.0.19";
/// The CEN EN 16931 validation artefacts release whose UBL rules are implemented.
pub const CEN_VALIDATION_VERSION: &str = "1.3.14.1";

/// Validates a UBL 2.1 Invoice or CreditNote against the EN 16931 and Peppol BIS Billing 3.0
/// rules. Never panics: unreadable input is reported as a finding.
pub fn validate(xml: &[u8]) -> Report {
    match parse::parse(xml) {
        Ok(doc) => Report {
            document: Some(doc.kind),
            findings: rules::check(&doc),
        },
        Err(parse::Rejection(finding)) => Report {
            document: None,
            findings: vec![finding],
        },
    }
}

/// Only parses `xml` into the tree the rules walk, reporting whether that succeeded; for
/// measuring how much of [`validate`]'s time is parsing.
#[doc(hidden)]
pub fn parse_only(xml: &[u8]) -> bool {
    parse::parse(xml).is_ok()
}
