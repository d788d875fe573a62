//! UNTDID 5189 allowance reason codes, the EN 16931 subset.

use super::CodeList;

/// Allowance reason codes (BT-98, BT-140).
pub static ALLOWANCE_REASONS: CodeList = CodeList::new(
    "UNTDID 5189 (EN 16931 subset)",
    "CEN EN 16931 validation artefacts 1.3.14.1",
    &[
        "100", "102", "103", "104", "105", "41", "42", "60", "62", "63", "64", "65", "66", "67",
        "68", "70", "71", "88", "95",
    ],
);
