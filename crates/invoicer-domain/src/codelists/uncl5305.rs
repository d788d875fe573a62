//! UNTDID 5305 duty or tax or fee category codes, the EN 16931 subset.

use super::CodeList;

/// VAT category codes (BT-95, BT-102, BT-118, BT-151).
pub static VAT_CATEGORIES: CodeList = CodeList::new(
    "UNTDID 5305 (EN 16931 subset)",
    "CEN EN 16931 validation artefacts 1.3.14.1",
    &["AE", "B", "E", "G", "K", "L", "M", "O", "S", "Z"],
);
