//! The ten rules of each VAT category: a clean document per category, and one mutation per
//! rule that breaks it. Categories are built from the standard-rated base by swapping codes,
//! rates and totals.

use invoicer_einvoice::Flag;

use crate::support::{assert_each_fires, fired, Doc};

/// (code, rule prefix, rate written on lines, VAT amount, exemption reason code)
type Category = (
    &'static str,
    &'static str,
    Option<&'static str>,
    &'static str,
    Option<&'static str>,
);

const CATEGORIES: &[Category] = &[
    ("S", "BR-S", Some("20"), "40.00", None),
    ("Z", "BR-Z", Some("0"), "0.00", None),
    ("E", "BR-E", Some("0"), "0.00", Some("VATEX-EU-132")),
    ("AE", "BR-AE", Some("0"), "0.00", Some("VATEX-EU-AE")),
    ("K", "BR-IC", Some("0"), "0.00", Some("VATEX-EU-IC")),
    ("G", "BR-G", Some("0"), "0.00", Some("VATEX-EU-G")),
    ("L", "BR-AF", Some("7"), "14.00", None),
    ("M", "BR-AG", Some("7"), "14.00", None),
    ("O", "BR-O", None, "0.00", Some("VATEX-EU-O")),
];

/// The position of the VAT breakdown's TaxScheme among all `<cac:TaxScheme>` of the base.
const BREAKDOWN_SCHEME: usize = 5;

fn category_doc(code: &str) -> Doc {
    let &(_, _, rate, tax, reason) = CATEGORIES.iter().find(|c| c.0 == code).expect("a category");
    let total = |amount: &str| format!("{:.2}", 200.0 + amount.parse::<f64>().expect("a number"));
    let mut doc = Doc::invoice()
        .all("<cbc:ID>S</cbc:ID>", &format!("<cbc:ID>{code}</cbc:ID>"))
        .all(
            "<cbc:Percent>20</cbc:Percent>",
            &rate
                .map(|r| format!("<cbc:Percent>{r}</cbc:Percent>"))
                .unwrap_or_default(),
        )
        .all(">40.00</cbc:TaxAmount>", &format!(">{tax}</cbc:TaxAmount>"))
        .all(">240.00<", &format!(">{}<", total(tax)));
    if let Some(reason) = reason {
        doc = doc.nth(
            BREAKDOWN_SCHEME,
            "<cac:TaxScheme>",
            &format!(
                "<cbc:TaxExemptionReasonCode>{reason}</cbc:TaxExemptionReasonCode><cac:TaxScheme>"
            ),
        );
    }
    if code == "O" {
        doc = doc
            .drop_nth(1, "<cac:PartyTaxScheme>")
            .drop_nth(1, "<cac:PartyTaxScheme>");
    }
    doc
}

#[test]
fn a_document_in_each_vat_category_breaks_no_rule() {
    for (code, ..) in CATEGORIES {
        let report = category_doc(code).report();
        assert!(
            report.findings.is_empty(),
            "category {code}: {:#?}",
            report.findings
        );
    }
}

fn rule(prefix: &str, n: usize) -> &'static str {
    Box::leak(format!("{prefix}-{n:02}").into_boxed_str())
}

#[test]
fn each_vat_category_rule_fires_when_broken() {
    let mut cases = Vec::new();
    for &(code, prefix, rate, tax, reason) in CATEGORIES {
        let doc = || category_doc(code);
        let id = format!("<cbc:ID>{code}</cbc:ID>");
        cases.push((rule(prefix, 1), doc().drop("<cac:TaxSubtotal>")));
        let wrong_ids = match code {
            "O" => doc().before("<cac:PartyLegalEntity>", "<cac:PartyTaxScheme><cbc:CompanyID>FR12345678901</cbc:CompanyID><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>"),
            "AE" | "K" => doc().drop_nth(2, "<cac:PartyTaxScheme>"),
            _ => doc().drop_nth(1, "<cac:PartyTaxScheme>"),
        };
        for n in 2..=4 {
            cases.push((rule(prefix, n), wrong_ids.clone()));
        }
        // Lines are the 4th and 5th category, the document allowance the 1st, the charge the 2nd.
        for (n, position) in [(5, 4), (6, 1), (7, 2)] {
            let broken = match rate {
                None => doc().nth(position, &id, &format!("{id}<cbc:Percent>0</cbc:Percent>")),
                Some(r) => {
                    let bad = match r {
                        "20" => "0",
                        "7" => "-1",
                        _ => "5",
                    };
                    doc().nth(
                        position,
                        &format!("<cbc:Percent>{r}</cbc:Percent>"),
                        &format!("<cbc:Percent>{bad}</cbc:Percent>"),
                    )
                }
            };
            cases.push((rule(prefix, n), broken));
        }
        cases.push((
            rule(prefix, 8),
            doc().set(">200.00</cbc:TaxableAmount>", ">250.00</cbc:TaxableAmount>"),
        ));
        cases.push((
            rule(prefix, 9),
            doc().nth(
                2,
                &format!(">{tax}</cbc:TaxAmount>"),
                ">5.55</cbc:TaxAmount>",
            ),
        ));
        let reason_flipped = match reason {
            Some(r) => doc().set(
                &format!("<cbc:TaxExemptionReasonCode>{r}</cbc:TaxExemptionReasonCode>"),
                "",
            ),
            None => doc().nth(
                BREAKDOWN_SCHEME,
                "<cac:TaxScheme>",
                "<cbc:TaxExemptionReason>Exempt</cbc:TaxExemptionReason><cac:TaxScheme>",
            ),
        };
        cases.push((rule(prefix, 10), reason_flipped));
    }
    let o = || category_doc("O");
    let k = || category_doc("K");
    cases.extend([
        ("BR-O-11", o().before("</cac:TaxTotal>", "<cac:TaxSubtotal><cbc:TaxableAmount currencyID=\"EUR\">0.00</cbc:TaxableAmount><cbc:TaxAmount currencyID=\"EUR\">0.00</cbc:TaxAmount><cac:TaxCategory><cbc:ID>Z</cbc:ID><cbc:Percent>0</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:TaxCategory></cac:TaxSubtotal>")),
        ("BR-O-12", o().nth(4, "<cbc:ID>O</cbc:ID>", "<cbc:ID>Z</cbc:ID>")),
        ("BR-O-13", o().nth(1, "<cbc:ID>O</cbc:ID>", "<cbc:ID>Z</cbc:ID>")),
        ("BR-O-14", o().nth(2, "<cbc:ID>O</cbc:ID>", "<cbc:ID>Z</cbc:ID>")),
        ("BR-IC-11", k().drop("<cbc:ActualDeliveryDate>").drop("<cac:InvoicePeriod>")),
        ("BR-IC-12", k().drop_nth(3, "<cac:Country>")),
        ("BR-B-01", Doc::invoice().all("<cbc:ID>S</cbc:ID>", "<cbc:ID>B</cbc:ID>")),
        ("BR-B-02", Doc::invoice().nth(4, "<cbc:ID>S</cbc:ID>", "<cbc:ID>B</cbc:ID>")),
    ]);
    assert_each_fires(cases);
}

#[test]
fn split_payment_between_italian_parties_is_accepted() {
    let doc = Doc::invoice()
        .all(
            ">FR</cbc:IdentificationCode>",
            ">IT</cbc:IdentificationCode>",
        )
        .all("<cbc:ID>S</cbc:ID>", "<cbc:ID>B</cbc:ID>");
    let report = doc.report();
    assert!(
        !report.findings.iter().any(|f| f.rule.starts_with("BR-B-")),
        "{:#?}",
        report.findings
    );
}

#[test]
fn a_rate_written_with_decimals_is_the_same_rate() {
    let doc = Doc::invoice().nth(
        3,
        "<cbc:Percent>20</cbc:Percent>",
        "<cbc:Percent>20.00</cbc:Percent>",
    );
    let report = doc.report();
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
}

#[test]
fn two_standard_rates_each_need_their_own_breakdown() {
    // Line 2 at 10 %: its 90.00 must be taxed in a breakdown of its own.
    let doc = Doc::invoice().nth(
        5,
        "<cbc:Percent>20</cbc:Percent>",
        "<cbc:Percent>10</cbc:Percent>",
    );
    let report = doc.report();
    assert!(
        report.findings.iter().any(|f| f.rule == "BR-S-08"),
        "{:#?}",
        report.findings
    );
}

/// Checks, for each document, whether `rule` fires (always as fatal) or not; reports every
/// case that went the other way at once.
fn assert_verdicts(rule: &str, cases: Vec<(&str, Doc, bool)>) {
    let mut failures = Vec::new();
    for (what, doc, expected) in &cases {
        let by_rule = fired(&doc.report());
        let got = by_rule.get(rule).map(|(flag, _)| *flag);
        if got != expected.then_some(Flag::Fatal) {
            let all: Vec<&String> = by_rule.keys().collect();
            failures.push(format!("{what}: {rule} expected {expected}, got {all:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// `<cbc:ID>VAT</cbc:ID>` of the base, in document order: seller, buyer, document allowance,
/// document charge, breakdown, line 1, line 2.
const VAT: &str = "<cbc:ID>VAT</cbc:ID>";
const GST: &str = "<cbc:ID>GST</cbc:ID>";
const SELLER_TAX_SCHEME: &str = "<cac:PartyTaxScheme>";

#[test]
fn a_standard_rated_line_outside_the_vat_scheme_makes_br_s_02_apply() {
    // Each edit moves one `cbc:ID` to GST, so line 2's is the 6th VAT left after line 1's.
    let both_lines_gst = || Doc::invoice().nth(6, VAT, GST).nth(6, VAT, GST);
    assert_verdicts(
        "BR-S-02",
        vec![
            (
                "S lines in GST, seller without identifiers",
                both_lines_gst().drop_nth(1, SELLER_TAX_SCHEME),
                true,
            ),
            (
                "S lines in GST, seller with a VAT identifier",
                both_lines_gst(),
                true,
            ),
            (
                "one S line in GST and one in VAT, seller without identifiers",
                Doc::invoice()
                    .nth(6, VAT, GST)
                    .drop_nth(1, SELLER_TAX_SCHEME),
                true,
            ),
            (
                "one S line in GST and one in VAT, seller with a VAT identifier",
                Doc::invoice().nth(6, VAT, GST),
                false,
            ),
            (
                "S lines in VAT, seller with a VAT identifier",
                Doc::invoice(),
                false,
            ),
        ],
    );
}

#[test]
fn standard_rated_allowances_and_charges_outside_the_vat_scheme_need_no_identifiers() {
    let no_seller_ids = |doc: Doc| doc.drop_nth(1, SELLER_TAX_SCHEME);
    for (rule, position) in [("BR-S-03", 3), ("BR-S-04", 4)] {
        assert_verdicts(
            rule,
            vec![
                (
                    "in GST, seller without identifiers",
                    no_seller_ids(Doc::invoice().nth(position, VAT, GST)),
                    false,
                ),
                (
                    "in VAT, seller without identifiers",
                    no_seller_ids(Doc::invoice()),
                    true,
                ),
            ],
        );
    }
}

#[test]
fn a_used_igic_category_is_found_in_the_breakdown_by_its_code_as_written_in_any_scheme() {
    // The breakdown holds the 3rd category, and the 5th `cbc:ID` VAT.
    let breakdown_id = |to: &str| category_doc("L").nth(3, "<cbc:ID>L</cbc:ID>", to);
    assert_verdicts(
        "BR-AF-01",
        vec![
            (
                "breakdown code written with spaces",
                breakdown_id("<cbc:ID> L </cbc:ID>"),
                true,
            ),
            (
                "breakdown in GST",
                category_doc("L").nth(5, VAT, GST),
                false,
            ),
            ("breakdown L in VAT", category_doc("L"), false),
        ],
    );
}

#[test]
fn a_used_ipsi_category_is_found_in_the_breakdown_by_its_code_as_written_in_the_vat_scheme() {
    let breakdown_id = |to: &str| category_doc("M").nth(3, "<cbc:ID>M</cbc:ID>", to);
    assert_verdicts(
        "BR-AG-01",
        vec![
            (
                "breakdown code written with spaces",
                breakdown_id("<cbc:ID> M </cbc:ID>"),
                true,
            ),
            ("breakdown in GST", category_doc("M").nth(5, VAT, GST), true),
            ("breakdown M in VAT", category_doc("M"), false),
        ],
    );
}

#[test]
fn br_af_04_applies_only_to_charges_whose_code_is_written_exactly_l() {
    // The document charge holds the 2nd category.
    let no_seller_ids = |code: &str| category_doc(code).drop_nth(1, SELLER_TAX_SCHEME);
    let charge_id = |code: &str| {
        no_seller_ids(code).nth(
            2,
            &format!("<cbc:ID>{code}</cbc:ID>"),
            &format!("<cbc:ID> {code} </cbc:ID>"),
        )
    };
    assert_verdicts(
        "BR-AF-04",
        vec![
            ("charge code written with spaces", charge_id("L"), false),
            ("charge code L", no_seller_ids("L"), true),
        ],
    );
    assert_verdicts(
        "BR-AF-03",
        vec![(
            "allowance L beside a spaced charge code",
            charge_id("L"),
            true,
        )],
    );
    assert_verdicts(
        "BR-AG-04",
        vec![("charge code M written with spaces", charge_id("M"), true)],
    );
}
