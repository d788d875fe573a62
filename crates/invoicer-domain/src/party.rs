//! Identity fields of sellers and buyers: countries, VAT ids, Peppol participant ids, emails.

use crate::{codelists, participant, validation::Invalid};

pub fn parse_country(code: &str) -> Result<String, Invalid> {
    if codelists::is_country(code) {
        Ok(code.to_owned())
    } else {
        Err(Invalid::new(
            "invalid_country",
            format!("`{code}` is not an ISO 3166-1 alpha-2 country code, e.g. \"BE\"."),
        ))
    }
}

/// A VAT identifier: a two-letter prefix (ISO 3166-1, or `EL` for Greece) and 2..=15 letters
/// and digits, e.g. `BE0123456789`.
pub fn parse_vat_id(text: &str) -> Result<String, Invalid> {
    let t = text.trim().replace([' ', '.', '-'], "");
    // BR-CO-09: the prefix is an ISO 3166-1 country code, or EL for Greece.
    let ok = t.len() >= 4
        && t.len() <= 17
        && t.is_char_boundary(2)
        && (codelists::is_country(&t[..2]) || &t[..2] == "EL")
        && t.bytes().skip(2).all(|b| b.is_ascii_alphanumeric());
    if ok {
        Ok(t)
    } else {
        Err(Invalid::new(
            "invalid_vat_id",
            "A VAT id is a country prefix (ISO 3166-1, or EL for Greece) and 2 to 15 letters or digits, e.g. \"BE0123456789\".",
        ))
    }
}

/// A Peppol participant id, `scheme:identifier`, checked by scheme as [`participant::parse`]
/// checks it, e.g. `0088:5790000435968` or `0192:987654325`.
pub fn parse_participant_id(text: &str) -> Result<String, Invalid> {
    participant::parse(text).map(|id| id.to_string())
}

pub fn parse_email(text: &str) -> Result<String, Invalid> {
    let t = text.trim();
    crate::validation::characters(t)?;
    let ok = t.len() <= 254
        && !t.contains(char::is_whitespace)
        && matches!(t.split_once('@'), Some((local, domain))
            if !local.is_empty() && domain.contains('.') && !domain.starts_with('.')
                && !domain.ends_with('.') && !domain.contains('@'));
    if ok {
        Ok(t.to_owned())
    } else {
        Err(Invalid::new(
            "invalid_email",
            format!("`{t}` is not an email address."),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_fields_are_checked_against_their_formats() {
        assert_eq!(parse_vat_id("BE 0123.456.789").unwrap(), "BE0123456789");
        assert!(parse_vat_id("0123456789").is_err());
        assert_eq!(
            parse_participant_id(" 0192:987654325").unwrap(),
            "0192:987654325"
        );
        assert_eq!(
            parse_participant_id("0196:971500000001").unwrap_err().code,
            "invalid_length"
        );
        assert!(parse_participant_id("971500000001").is_err());
        assert!(parse_participant_id("12:971500000001").is_err());
        assert!(parse_email("billing@example.com").is_ok());
        assert!(parse_email("billing@example").is_err());
        assert_eq!(
            parse_email("bill\u{0}ing@example.com").unwrap_err().code,
            "invalid_characters"
        );
        assert!(parse_country("DE").is_ok());
    }
}

/// Postal address (EN 16931 BG-5 / BG-8); the country is kept beside it on the party.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Address {
    pub line1: Option<String>,
    pub line2: Option<String>,
    pub city: Option<String>,
    pub postal_code: Option<String>,
    pub region: Option<String>,
}

/// Identity shared by sellers and buyers.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Identity {
    pub name: String,
    pub country: String,
    pub vat_id: Option<String>,
    /// Legal registration id (EN 16931 BT-30 / BT-47), e.g. a company register number.
    #[serde(default)]
    pub company_id: Option<String>,
    /// The ISO 6523 ICD scheme of `company_id`, e.g. `0106` (Dutch KvK).
    #[serde(default)]
    pub company_id_scheme: Option<String>,
    pub address: Address,
    pub peppol_id: Option<String>,
    pub email: Option<String>,
}

/// The seller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Business {
    pub id: uuid::Uuid,
    pub identity: Identity,
    pub default_currency: Option<crate::money::Currency>,
    pub invoice_prefix: String,
    pub credit_note_prefix: String,
    pub archived: bool,
    pub created_at: time::OffsetDateTime,
    pub updated_at: time::OffsetDateTime,
}

/// The buyer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Customer {
    pub id: uuid::Uuid,
    pub identity: Identity,
    pub archived: bool,
    pub created_at: time::OffsetDateTime,
    pub updated_at: time::OffsetDateTime,
}
