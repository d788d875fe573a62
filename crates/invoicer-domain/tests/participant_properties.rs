//! Properties of the participant id parser: it never panics, what it accepts reads back the same,
//! and for the schemes with a check digit, a number built with the right one is accepted while a
//! single mistyped digit is caught by it.
//!
//! The check digits here are computed the textbook way, independently of the parser's code, so
//! the two have to agree.

use invoicer_domain::{codelists, participant};
use proptest::prelude::*;

fn digits(n: usize) -> impl Strategy<Value = Vec<u32>> {
    prop::collection::vec(0u32..10, n)
}

fn text(digits: &[u32]) -> String {
    digits
        .iter()
        .map(|d| char::from_digit(*d, 10).unwrap())
        .collect()
}

fn weighted(digits: &[u32], weights: &[u32]) -> u32 {
    digits.iter().zip(weights).map(|(d, w)| d * w).sum()
}

/// `11 - sum mod 11` with 11 read as 0; `None` for 10, which no digit can stand for.
fn mod11(sum: u32) -> Option<u32> {
    match 11 - sum % 11 {
        11 => Some(0),
        10 => None,
        c => Some(c),
    }
}

/// A GLN: twelve digits weighted 1, 3, 1, 3, … from the left, then the GS1 check digit.
fn gln() -> impl Strategy<Value = Vec<u32>> {
    digits(12).prop_map(|mut d| {
        let weights: Vec<u32> = (0..12).map(|i| if i % 2 == 0 { 1 } else { 3 }).collect();
        d.push((10 - weighted(&d, &weights) % 10) % 10);
        d
    })
}

/// A Norwegian organisation number: eight digits (the first not 0), then the mod-11 check digit
/// with weights 3, 2, 7, 6, 5, 4, 3, 2.
fn no_orgnr() -> impl Strategy<Value = Vec<u32>> {
    (1u32..10, digits(7)).prop_filter_map("no check digit fits", |(first, rest)| {
        let mut d = [vec![first], rest].concat();
        d.push(mod11(weighted(&d, &[3, 2, 7, 6, 5, 4, 3, 2]))?);
        Some(d)
    })
}

/// A Belgian enterprise number: 0 or 1 and seven digits, then 97 minus their value modulo 97.
fn be_enterprise_number() -> impl Strategy<Value = Vec<u32>> {
    (0u32..2, digits(7)).prop_map(|(first, rest)| {
        let mut d = [vec![first], rest].concat();
        let value = d.iter().fold(0u64, |n, d| n * 10 + u64::from(*d));
        let check = 97 - (value % 97) as u32;
        d.extend([check / 10, check % 10]);
        d
    })
}

/// A kennitala: eight digits, the mod-11 check digit with weights 3, 2, 7, 6, 5, 4, 3, 2, and the
/// century (9 or 0).
fn kennitala() -> impl Strategy<Value = Vec<u32>> {
    (digits(8), prop_oneof![Just(9u32), Just(0u32)]).prop_filter_map(
        "no check digit fits",
        |(mut d, century)| {
            d.push(mod11(weighted(&d, &[3, 2, 7, 6, 5, 4, 3, 2]))?);
            d.push(century);
            Some(d)
        },
    )
}

/// A Danish CVR number: seven digits (the first not 0) and the digit that makes the sum
/// weighted 2, 7, 6, 5, 4, 3, 2, 1 a multiple of 11.
fn dk_cvr() -> impl Strategy<Value = Vec<u32>> {
    (1u32..10, digits(6)).prop_filter_map("no check digit fits", |(first, rest)| {
        let mut d = [vec![first], rest].concat();
        d.push(mod11(weighted(&d, &[2, 7, 6, 5, 4, 3, 2]))?);
        Some(d)
    })
}

/// A Swedish organisation number: nine digits, then the Luhn check digit.
fn se_orgnr() -> impl Strategy<Value = Vec<u32>> {
    digits(9).prop_map(|mut d| {
        let sum: u32 = d
            .iter()
            .enumerate()
            .map(|(i, &x)| {
                if i % 2 == 0 {
                    (2 * x) / 10 + (2 * x) % 10
                } else {
                    x
                }
            })
            .sum();
        d.push((10 - sum % 10) % 10);
        d
    })
}

/// Accepts `scheme:digits`, and refuses it for its check digit with any one of the first
/// `checked` digits changed.
fn check_digit_holds(
    scheme: &str,
    digits: &[u32],
    checked: usize,
    at: usize,
    by: u32,
) -> Result<(), TestCaseError> {
    let valid = format!("{scheme}:{}", text(digits));
    let parsed = participant::parse(&valid);
    prop_assert!(parsed.is_ok(), "{valid}: {:?}", parsed.err());
    let mut typo = digits.to_vec();
    let at = at % checked;
    typo[at] = (typo[at] + by) % 10;
    let typo = format!("{scheme}:{}", text(&typo));
    let refused = participant::parse(&typo);
    prop_assert_eq!(
        refused.as_ref().map_err(|e| e.code),
        Err("invalid_check_digit"),
        "{} {:?}",
        typo,
        refused
    );
    Ok(())
}

fn eas_scheme() -> impl Strategy<Value = &'static str> {
    prop::sample::select(codelists::eas::PEPPOL.codes())
}

proptest! {
    #[test]
    fn parsing_never_panics(text in any::<String>()) {
        let _ = participant::parse(&text);
    }

    #[test]
    fn parsing_never_panics_on_an_identifier_under_any_scheme(
        scheme in eas_scheme(),
        id in prop_oneof!["[0-9]{0,22}", "[A-Z]{0,4}[0-9A-Za-z-]{0,20}", "\\PC{0,60}"],
    ) {
        let _ = participant::parse(&format!("{scheme}:{id}"));
    }

    #[test]
    fn an_accepted_id_reads_back_as_itself(
        scheme in eas_scheme(),
        id in prop_oneof!["[0-9]{1,20}", "[A-Z]{2}[0-9A-Z]{2,13}", "[ -~]{1,50}"],
    ) {
        if let Ok(parsed) = participant::parse(&format!("{scheme}:{id}")) {
            prop_assert_eq!(parsed.scheme(), scheme);
            prop_assert_eq!(participant::parse(&parsed.to_string()), Ok(parsed));
        }
    }

    #[test]
    fn a_gln_with_its_check_digit_is_accepted_and_a_typo_is_not(
        d in gln(), at in 0usize..13, by in 1u32..10,
    ) {
        check_digit_holds("0088", &d, 13, at, by)?;
    }

    #[test]
    fn a_norwegian_organisation_number_with_its_check_digit_is_accepted_and_a_typo_is_not(
        d in no_orgnr(), at in 0usize..9, by in 1u32..10,
    ) {
        check_digit_holds("0192", &d, 9, at, by)?;
    }

    #[test]
    fn a_belgian_enterprise_number_with_its_check_digits_is_accepted_and_a_typo_is_not(
        d in be_enterprise_number(), at in 0usize..10, by in 1u32..10,
    ) {
        check_digit_holds("0208", &d, 10, at, by)?;
    }

    /// The tenth digit only gives the century, which no check digit covers.
    #[test]
    fn a_kennitala_with_its_check_digit_is_accepted_and_a_typo_in_the_checked_digits_is_not(
        d in kennitala(), at in 0usize..9, by in 1u32..10,
    ) {
        check_digit_holds("0196", &d, 9, at, by)?;
    }

    #[test]
    fn a_danish_cvr_number_with_its_check_digit_is_accepted_and_a_typo_is_not(
        d in dk_cvr(), at in 0usize..8, by in 1u32..10,
    ) {
        check_digit_holds("0184", &d, 8, at, by)?;
    }

    #[test]
    fn a_swedish_organisation_number_with_its_check_digit_is_accepted_and_a_typo_is_not(
        d in se_orgnr(), at in 0usize..10, by in 1u32..10,
    ) {
        check_digit_holds("0007", &d, 10, at, by)?;
    }
}
