//! Code lists compiled in as data, each with the version it was taken from.
//!
//! The functions here are the only way the rest of the code asks "is this a valid code?", so a
//! new release of a list changes one data file and nothing else. Where the CEN EN 16931 artefacts
//! and Peppol BIS Billing carry different editions of a list (currencies, EAS), both are kept, so
//! a validator can give the verdict each artefact gives.

pub mod eas;
pub mod iso3166;
pub mod iso4217;
pub mod iso6523_icd;
pub mod mime;
pub mod uncl1001;
pub mod uncl1153;
pub mod uncl2005;
pub mod uncl4451;
pub mod uncl4461;
pub mod uncl5189;
pub mod uncl5305;
pub mod uncl7143;
pub mod uncl7161;
pub mod unece_rec20;
pub mod vatex;

mod minor_units;

/// One code list: its name, the edition it was taken from, and its codes sorted by byte order.
#[derive(Debug)]
pub struct CodeList {
    name: &'static str,
    version: &'static str,
    codes: &'static [&'static str],
    /// The codes of at most eight bytes packed big-endian into integers, built on first use:
    /// in that form the order is the same and each probe is one integer comparison.
    packed: std::sync::OnceLock<Vec<u64>>,
}

/// `code` as a big-endian integer padded with zero bytes, which keeps the byte order of
/// codes; `None` for a code longer than eight bytes or holding a zero byte (which padding
/// could not tell apart).
fn pack(code: &[u8]) -> Option<u64> {
    if code.len() > 8 || code.contains(&0) {
        return None;
    }
    let mut word = [0u8; 8];
    word[..code.len()].copy_from_slice(code);
    Some(u64::from_be_bytes(word))
}

impl CodeList {
    /// `codes` must be sorted by byte order (a unit test checks every list).
    pub const fn new(
        name: &'static str,
        version: &'static str,
        codes: &'static [&'static str],
    ) -> Self {
        Self {
            name,
            version,
            codes,
            packed: std::sync::OnceLock::new(),
        }
    }

    /// The list's name, e.g. `ISO 4217`.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The release the list was taken from.
    pub fn version(&self) -> &'static str {
        self.version
    }

    /// Every code on the list, sorted.
    pub fn codes(&self) -> &'static [&'static str] {
        self.codes
    }

    /// Whether `code` is on the list, compared exactly (no trimming, no case folding).
    pub fn contains(&self, code: &str) -> bool {
        let code = code.as_bytes();
        if let Some(key) = pack(code) {
            // A short code can only be one of the short codes.
            let packed = self.packed.get_or_init(|| {
                self.codes
                    .iter()
                    .filter_map(|c| pack(c.as_bytes()))
                    .collect()
            });
            return packed.binary_search(&key).is_ok();
        }
        // Longer codes are compared byte by byte in place, which is cheaper than a `memcmp`
        // call per probe; the order is the same as `str`'s.
        self.codes
            .binary_search_by(|probe| {
                let probe = probe.as_bytes();
                probe
                    .iter()
                    .zip(code)
                    .map(|(a, b)| a.cmp(b))
                    .find(|o| o.is_ne())
                    .unwrap_or_else(|| probe.len().cmp(&code.len()))
            })
            .is_ok()
    }
}

/// ISO 4217 minor units of an active currency code, `None` when the code is not a current
/// currency or has no minor unit (precious metals, testing and fund codes such as `XAU`, `XXX`).
pub fn currency_minor_units(code: &str) -> Option<u32> {
    if !iso4217::PEPPOL.contains(code) {
        return None;
    }
    minor_units::of(code)
}

/// Whether `code` is a current ISO 4217 currency code.
pub fn is_currency(code: &str) -> bool {
    iso4217::PEPPOL.contains(code)
}

/// ISO 3166-1 alpha-2 country code.
pub fn is_country(code: &str) -> bool {
    iso3166::COUNTRIES.contains(code)
}

/// UN/ECE Recommendation 20 (with Rec 21) unit of measure code.
pub fn is_unit_code(code: &str) -> bool {
    unece_rec20::UNITS.contains(code)
}

/// ISO 6523 ICD (International Code Designator) scheme identifier, e.g. `0088`, `0196`.
pub fn is_icd(code: &str) -> bool {
    iso6523_icd::ICD.contains(code)
}

/// Peppol EAS (Electronic Address Scheme) code, as Peppol BIS Billing accepts it.
pub fn is_eas(code: &str) -> bool {
    eas::PEPPOL.contains(code)
}

/// UNTDID 5305 VAT category code of the EN 16931 subset (`S`, `Z`, `E`, `AE`, `K`, `G`, `O`, `L`, `M`, `B`).
pub fn is_vat_category(code: &str) -> bool {
    uncl5305::VAT_CATEGORIES.contains(code)
}

/// UNTDID 4461 payment means code.
pub fn is_payment_means(code: &str) -> bool {
    uncl4461::PAYMENT_MEANS.contains(code)
}

/// UNTDID 5189 allowance reason code (EN 16931 subset).
pub fn is_allowance_reason(code: &str) -> bool {
    uncl5189::ALLOWANCE_REASONS.contains(code)
}

/// UNTDID 7161 charge reason code.
pub fn is_charge_reason(code: &str) -> bool {
    uncl7161::CHARGE_REASONS.contains(code)
}

/// VATEX exemption reason code; the lists are upper case and so is the comparison.
pub fn is_vat_exemption_reason(code: &str) -> bool {
    vatex::EXEMPTION_REASONS.contains(&code.to_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_lists() -> Vec<&'static CodeList> {
        vec![
            &eas::CEN,
            &eas::PEPPOL,
            &iso3166::COUNTRIES,
            &iso4217::CEN,
            &iso4217::PEPPOL,
            &iso6523_icd::ICD,
            &mime::ATTACHMENT_TYPES,
            &uncl1001::INVOICE_TYPES,
            &uncl1001::CREDIT_NOTE_TYPES,
            &uncl1001::PEPPOL_INVOICE_TYPES,
            &uncl1001::PEPPOL_CREDIT_NOTE_TYPES,
            &uncl1153::REFERENCE_QUALIFIERS,
            &uncl2005::VAT_POINT_DATE_CODES,
            &uncl4451::NOTE_SUBJECTS,
            &uncl4461::PAYMENT_MEANS,
            &uncl5189::ALLOWANCE_REASONS,
            &uncl5305::VAT_CATEGORIES,
            &uncl7143::ITEM_CLASSIFICATIONS,
            &uncl7161::CHARGE_REASONS,
            &unece_rec20::UNITS,
            &vatex::EXEMPTION_REASONS,
        ]
    }

    #[test]
    fn every_list_is_sorted_without_duplicates_and_says_its_version() {
        for list in all_lists() {
            assert!(
                list.codes().windows(2).all(|w| w[0] < w[1]),
                "{} is not strictly sorted",
                list.name()
            );
            assert!(!list.codes().is_empty());
            assert!(!list.version().is_empty());
        }
    }

    #[test]
    fn membership_is_exact() {
        for list in all_lists() {
            for code in list.codes() {
                assert!(list.contains(code), "{code} on {}", list.name());
                for near in [format!("{code} "), format!("{code}0"), code[1..].to_owned()] {
                    assert_eq!(list.contains(&near), list.codes().contains(&near.as_str()));
                }
            }
            assert!(!list.contains(""));
            assert!(!list.contains("\0"));
            if let Some(short) = list.codes().iter().find(|c| c.len() < 8) {
                assert!(!list.contains(&format!("{short}\0")));
            }
        }
    }

    #[test]
    fn minor_units_follow_iso_4217() {
        for (code, units) in [
            ("EUR", 2),
            ("USD", 2),
            ("JPY", 0),
            ("KRW", 0),
            ("ISK", 0),
            ("XOF", 0),
            ("BHD", 3),
            ("KWD", 3),
            ("TND", 3),
            ("CLF", 4),
            ("UYW", 4),
            ("MRU", 2),
        ] {
            assert_eq!(currency_minor_units(code), Some(units), "{code}");
        }
        assert_eq!(currency_minor_units("XAU"), None);
        assert_eq!(currency_minor_units("XXX"), None);
        assert_eq!(currency_minor_units("EURO"), None);
        assert_eq!(currency_minor_units("eur"), None);
    }

    #[test]
    fn every_current_currency_has_a_decision_on_minor_units() {
        let without: Vec<_> = iso4217::PEPPOL
            .codes()
            .iter()
            .copied()
            .filter(|c| currency_minor_units(c).is_none())
            .collect();
        assert_eq!(
            without,
            [
                "XAG", "XAU", "XBA", "XBB", "XBC", "XBD", "XDR", "XPD", "XPT", "XSU", "XTS", "XUA",
                "XXX"
            ]
        );
    }

    #[test]
    fn the_cen_currency_list_predates_the_newest_codes() {
        assert!(iso4217::CEN.contains("MRO"));
        assert!(!iso4217::CEN.contains("MRU"));
        assert!(is_currency("MRU"));
    }

    #[test]
    fn lookups_answer_for_known_and_unknown_codes() {
        assert!(is_country("NO") && is_country("XI") && !is_country("XX") && !is_country("no"));
        assert!(is_unit_code("C62") && is_unit_code("XPP") && !is_unit_code("ZZZZ"));
        assert!(is_icd("0088") && is_icd("0196") && !is_icd("9999"));
        assert!(is_eas("0088") && is_eas("9930") && !is_eas("AN") && eas::CEN.contains("AN"));
        assert!(is_vat_category("AE") && !is_vat_category("X"));
        assert!(is_payment_means("30") && is_payment_means("ZZZ") && !is_payment_means("0"));
        assert!(is_allowance_reason("95") && !is_allowance_reason("AA"));
        assert!(is_charge_reason("FC") && !is_charge_reason("95"));
        assert!(is_vat_exemption_reason("vatex-eu-ic") && !is_vat_exemption_reason("VATEX"));
        assert!(mime::ATTACHMENT_TYPES.contains("application/pdf"));
    }
}
