//! MIME media types allowed for attached documents, a subset of the IANA registry.

use super::CodeList;

/// MIME codes allowed on an attached document (BT-125).
pub static ATTACHMENT_TYPES: CodeList = CodeList::new(
    "IANA MIME media types (EN 16931 subset)",
    "CEN EN 16931 validation artefacts 1.3.14.1",
    &[
        "application/pdf",
        "application/vnd.oasis.opendocument.spreadsheet",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "image/jpeg",
        "image/png",
        "text/csv",
    ],
);
