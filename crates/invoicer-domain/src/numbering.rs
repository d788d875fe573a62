//! Human document numbers: `{prefix}-{year}-{seq:06}`, gapless per business, prefix and year.

use crate::validation::Invalid;

pub const DEFAULT_INVOICE_PREFIX: &str = "INV";
pub const DEFAULT_CREDIT_NOTE_PREFIX: &str = "CN";

/// The counter a number is drawn from: one per business, prefix and year.
pub fn series_key(prefix: &str, year: i32) -> String {
    format!("{prefix}-{year}")
}

pub fn format_number(prefix: &str, year: i32, seq: i64) -> String {
    format!("{prefix}-{year}-{seq:06}")
}

/// A prefix is 1..=10 upper-case letters or digits, so a number can never be mistaken for a UUID.
pub fn parse_prefix(text: &str) -> Result<String, Invalid> {
    if (1..=10).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    {
        Ok(text.to_owned())
    } else {
        Err(Invalid::new(
            "invalid_prefix",
            "Use 1 to 10 upper-case letters or digits, e.g. \"INV\".",
        ))
    }
}

/// What [`looks_like_number`] accepts, as a regular expression (for the OpenAPI document).
pub const NUMBER_PATTERN: &str = "^[A-Z0-9]{1,10}-[0-9]{4}-[0-9]+$";

/// A prefix as [`parse_prefix`] accepts it, as a regular expression.
pub const PREFIX_PATTERN: &str = "^[A-Z0-9]{1,10}$";

/// Whether a path segment looks like a document number rather than an id.
pub fn looks_like_number(text: &str) -> bool {
    let mut parts = text.splitn(3, '-');
    matches!(
        (parts.next(), parts.next(), parts.next()),
        (Some(p), Some(y), Some(s)) if parse_prefix(p).is_ok()
            && y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit())
            && !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_zero_padded_and_recognised() {
        let n = format_number("INV", 2026, 42);
        assert_eq!(n, "INV-2026-000042");
        assert!(looks_like_number(&n));
        assert!(!looks_like_number("0b0e8f5e-3c1e-4a47-9f55-1c2d3e4f5a6b"));
        assert!(parse_prefix("inv").is_err());
    }
}
