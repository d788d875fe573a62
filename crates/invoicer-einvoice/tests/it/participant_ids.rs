//! The API's participant id check (`invoicer_domain::participant::parse`) is at least as strict
//! as the Peppol rules that judge identifiers, so a document carrying an id the API accepted
//! never breaks one of them: PEPPOL-COMMON-R040…R050 wherever an identifier has a scheme, the
//! Greek address rules GR-R-009/010, and the Swedish legal identifier rules SE-R-003/004/013.

use invoicer_domain::participant;
use proptest::prelude::*;

use crate::support::Doc;

const SELLER_ENDPOINT: &str = "<cbc:EndpointID schemeID=\"0009\">12345678900017</cbc:EndpointID>";
const BUYER_ENDPOINT: &str = "<cbc:EndpointID schemeID=\"0009\">98765432100019</cbc:EndpointID>";
const SELLER_LEGAL: &str = "<cbc:CompanyID schemeID=\"0002\">123456789</cbc:CompanyID>";
const SELLER_VAT: &str = "<cbc:CompanyID>FR12345678901</cbc:CompanyID>";
const BUYER_VAT: &str = "<cbc:CompanyID>FR98765432100</cbc:CompanyID>";
const SELLER_COUNTRY: &str = ">FR</cbc:IdentificationCode>";

/// The base invoice with `scheme:id` as both parties' electronic address and the seller's legal
/// registration identifier.
fn carrying(scheme: &str, id: &str) -> Doc {
    Doc::invoice()
        .set(
            SELLER_ENDPOINT,
            &format!("<cbc:EndpointID schemeID=\"{scheme}\">{id}</cbc:EndpointID>"),
        )
        .set(
            BUYER_ENDPOINT,
            &format!("<cbc:EndpointID schemeID=\"{scheme}\">{id}</cbc:EndpointID>"),
        )
        .set(
            SELLER_LEGAL,
            &format!("<cbc:CompanyID schemeID=\"{scheme}\">{id}</cbc:CompanyID>"),
        )
}

/// A Greek seller selling to a Greek buyer, both addressed by `id` under 9933.
fn greek(id: &str) -> Doc {
    carrying("9933", id)
        .set(SELLER_VAT, "<cbc:CompanyID>EL094259216</cbc:CompanyID>")
        .set(BUYER_VAT, "<cbc:CompanyID>EL094259216</cbc:CompanyID>")
}

/// A Swedish seller whose legal registration identifier is `id` under 0007.
fn swedish(id: &str) -> Doc {
    carrying("0007", id).set(SELLER_COUNTRY, ">SE</cbc:IdentificationCode>")
}

/// The findings `doc` has among the rules named by `prefixes`.
fn broken(doc: &Doc, prefixes: &[&str]) -> Vec<String> {
    doc.report()
        .findings
        .iter()
        .filter(|f| prefixes.iter().any(|p| f.rule.starts_with(p)))
        .map(|f| format!("{} at {}", f.rule, f.location))
        .collect()
}

/// The identifier rules a document carrying `scheme:id` breaks, for an id the API accepts.
fn rules_broken_by_an_accepted(scheme: &str, id: &str) -> Vec<String> {
    let mut fired = broken(&carrying(scheme, id), &["PEPPOL-COMMON"]);
    match scheme {
        "9933" => fired.extend(broken(&greek(id), &["GR-R-009", "GR-R-010"])),
        "0007" => fired.extend(broken(&swedish(id), &["SE-R-003", "SE-R-004", "SE-R-013"])),
        _ => {}
    }
    fired
}

#[test]
fn real_identifiers_the_api_accepts_break_no_identifier_rule() {
    for text in [
        "0007:5560360793",
        "0088:5790000435968",
        "0151:51824753556",
        "0184:24256790",
        "0192:987654325",
        "0192:974760673",
        "0201:UFY9MH",
        "0208:0403170701",
        "0210:RSSMRA85T10A562S",
        "0210:07643520567",
        "0211:IT07643520567",
        "9933:094259216",
    ] {
        let id = participant::parse(text).unwrap_or_else(|e| panic!("{text}: {}", e.message));
        let fired = rules_broken_by_an_accepted(id.scheme(), id.identifier());
        assert!(fired.is_empty(), "{text}: {fired:?}");
    }
}

#[test]
fn the_documents_break_no_identifier_rule_until_given_a_bad_id() {
    let swedish_rules = ["SE-R-003", "SE-R-004", "SE-R-013"];
    let greek_rules = ["GR-R-009", "GR-R-010"];
    for fired in [
        broken(&greek("094259216"), &greek_rules),
        broken(&swedish("5560360793"), &swedish_rules),
    ] {
        assert!(fired.is_empty(), "{fired:?}");
    }
    assert!(!broken(&greek("EL094259216"), &greek_rules).is_empty());
    assert!(!broken(&swedish("5560360794"), &swedish_rules).is_empty());
    assert!(!broken(&carrying("0088", "5790000435969"), &["PEPPOL-COMMON-R040"]).is_empty());
    // PEPPOL-COMMON-R046 judges scheme 9907, which left the EAS list.
    let withdrawn = participant::parse("9907:RSSMRA85T10A562S").unwrap_err();
    assert_eq!(withdrawn.code, "unknown_scheme");
}

/// Candidate identifiers for a scheme: a generated start and every ending the check could ask
/// for, so that each case holds identifiers the API accepts as well as ones it refuses.
fn candidates() -> impl Strategy<Value = (&'static str, Vec<String>)> {
    let digit_endings = |n: u32| -> Vec<String> {
        (0..10u32.pow(n))
            .map(|i| format!("{i:0width$}", width = n as usize))
            .collect()
    };
    let letter_endings: Vec<String> = ('A'..='Z').map(String::from).collect();
    let ending = move |scheme: &'static str, start: &str, endings: &[String]| {
        (
            scheme,
            endings.iter().map(|e| format!("{start}{e}")).collect(),
        )
    };
    let digits = move |scheme: &'static str, start: &'static str, n: u32| {
        let endings = digit_endings(n);
        start.prop_map(move |s| ending(scheme, &s, &endings))
    };
    prop_oneof![
        digits("0088", "[0-9]{12}", 1),
        digits("0192", "[0-9]{8}", 1),
        digits("0184", "[0-9]{7}", 1),
        digits("0184", "DK[0-9]{7}", 1),
        digits("0208", "[01][0-9]{7}", 2),
        digits("0210", "[0-9]{10}", 1),
        digits("0211", "(IT|it|DE)[0-9]{10}", 1),
        digits("0007", "[0-9]{9}", 1),
        digits("9933", "(EL)?[0-9]{8}", 1),
        "[0-9]{9}".prop_map(|rest| {
            let ids = (10..100)
                .map(|check| format!("{check}{rest}"))
                .collect::<Vec<_>>();
            ("0151", ids)
        }),
        "[A-Z]{6}[0-9]{2}[A-Z][0-9]{2}[A-Z][0-9]{3}".prop_map(move |s| ending(
            "0210",
            &s,
            &letter_endings
        )),
        "[A-Za-z0-9_+ -]{5,7}".prop_map(|s| ("0201", vec![s])),
    ]
}

proptest! {
    #[test]
    fn whatever_the_api_accepts_breaks_no_identifier_rule((scheme, ids) in candidates()) {
        for id in ids {
            if let Ok(parsed) = participant::parse(&format!("{scheme}:{id}")) {
                let fired = rules_broken_by_an_accepted(scheme, parsed.identifier());
                prop_assert!(fired.is_empty(), "{}:{} breaks {:?}", scheme, id, fired);
            }
        }
    }
}
