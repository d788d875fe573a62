//! UNTDID 2005 date/time/period function codes, the VAT point date subset.

use super::CodeList;

/// Codes allowed for the value added tax point date code (BT-8).
pub static VAT_POINT_DATE_CODES: CodeList = CodeList::new(
    "UNTDID 2005 (VAT point date subset)",
    "CEN EN 16931 validation artefacts 1.3.14.1",
    &["3", "35", "432"],
);
