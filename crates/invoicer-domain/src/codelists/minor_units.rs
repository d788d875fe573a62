//! ISO 4217 minor units (the number of decimals a currency's amounts carry), as published by the
//! ISO 4217 maintenance agency (List One, 2024 edition). Most currencies have two; the exceptions
//! are listed, so a new two-decimal currency needs no edit here.

const ZERO: &[&str] = &[
    "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND",
    "VUV", "XAF", "XOF", "XPF",
];
const THREE: &[&str] = &["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"];
const FOUR: &[&str] = &["CLF", "UYW"];
/// Codes ISO lists with minor unit "N.A.": precious metals, bond market units, SDR, test and
/// "no currency" codes. They are not money an invoice can be paid in.
const NOT_APPLICABLE: &[&str] = &[
    "XAG", "XAU", "XBA", "XBB", "XBC", "XBD", "XDR", "XPD", "XPT", "XSU", "XTS", "XUA", "XXX",
];

/// Minor units of a code already known to be on an ISO 4217 list.
pub(super) fn of(code: &str) -> Option<u32> {
    if NOT_APPLICABLE.contains(&code) {
        None
    } else if ZERO.contains(&code) {
        Some(0)
    } else if THREE.contains(&code) {
        Some(3)
    } else if FOUR.contains(&code) {
        Some(4)
    } else {
        Some(2)
    }
}
