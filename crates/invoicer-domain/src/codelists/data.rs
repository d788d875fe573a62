//! Interim lists; replaced by the full official lists.

/// ISO 4217 minor units of an active currency code, `None` when the code is not a currency.
pub fn currency_minor_units(code: &str) -> Option<u32> {
    const ZERO: &[&str] = &[
        "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND",
        "VUV", "XAF", "XOF", "XPF",
    ];
    const THREE: &[&str] = &["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"];
    const TWO: &[&str] = &[
        "AED", "AUD", "BGN", "BRL", "CAD", "CHF", "CNY", "CZK", "DKK", "EUR", "GBP", "HKD", "HUF",
        "INR", "MXN", "NOK", "NZD", "PLN", "RON", "SEK", "SGD", "TRY", "USD", "ZAR",
    ];
    if ZERO.contains(&code) {
        Some(0)
    } else if THREE.contains(&code) {
        Some(3)
    } else if TWO.contains(&code) {
        Some(2)
    } else {
        None
    }
}

/// ISO 3166-1 alpha-2 country code.
pub fn is_country(code: &str) -> bool {
    code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase())
}

/// UN/ECE Recommendation 20 (with Rec 21) unit of measure code.
pub fn is_unit_code(code: &str) -> bool {
    !code.is_empty() && code.len() <= 3 && code.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// ISO 6523 ICD (International Code Designator) scheme identifier, e.g. `0088`, `0196`.
pub fn is_icd(code: &str) -> bool {
    code.len() == 4 && code.bytes().all(|b| b.is_ascii_digit())
}

/// Peppol EAS (Electronic Address Scheme) code.
pub fn is_eas(code: &str) -> bool {
    code.len() == 4 && code.bytes().all(|b| b.is_ascii_digit())
}
