//! Generated invoices: any invoice built correctly from arbitrary lines breaks no fatal rule,
//! and each typical mistake trips the rule that names it.

use std::collections::BTreeMap;

use invoicer_einvoice::{validate, Report};
use proptest::prelude::*;
use rust_decimal::{Decimal, RoundingStrategy};

use crate::support::BASE_INVOICE;

#[derive(Debug, Clone)]
struct Line {
    quantity: Decimal,
    price: Decimal,
    category: (&'static str, u32),
}

fn money(d: Decimal) -> String {
    format!(
        "{:.2}",
        d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
    )
}

fn round2(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

fn line_strategy() -> impl Strategy<Value = Line> {
    (
        1u32..5000,
        1i64..1_000_000,
        prop::sample::select(vec![("S", 25), ("S", 20), ("S", 12), ("S", 6), ("Z", 0)]),
    )
        .prop_map(|(quantity, cents, category)| Line {
            quantity: Decimal::new(i64::from(quantity), 1),
            price: Decimal::new(cents, 2),
            category,
        })
}

/// The invoice for `lines`, with every total computed as EN 16931 asks.
fn invoice(lines: &[Line]) -> String {
    let header_end = BASE_INVOICE
        .find("  <cac:AllowanceCharge>")
        .expect("the base header");
    let mut xml = BASE_INVOICE[..header_end].to_owned();
    let nets: Vec<Decimal> = lines.iter().map(|l| round2(l.quantity * l.price)).collect();
    let mut groups: BTreeMap<(&str, u32), Decimal> = BTreeMap::new();
    for (line, net) in lines.iter().zip(&nets) {
        *groups.entry(line.category).or_default() += net;
    }
    let taxes: Vec<Decimal> = groups
        .iter()
        .map(|((_, rate), base)| round2(base * Decimal::from(*rate) / Decimal::ONE_HUNDRED))
        .collect();
    let line_total: Decimal = nets.iter().sum();
    let tax_total: Decimal = taxes.iter().sum();
    xml.push_str(&format!(
        "<cac:TaxTotal><cbc:TaxAmount currencyID=\"EUR\">{}</cbc:TaxAmount>",
        money(tax_total)
    ));
    for (((code, rate), base), tax) in groups.iter().zip(&taxes) {
        xml.push_str(&format!(
            "<cac:TaxSubtotal><cbc:TaxableAmount currencyID=\"EUR\">{}</cbc:TaxableAmount><cbc:TaxAmount currencyID=\"EUR\">{}</cbc:TaxAmount><cac:TaxCategory><cbc:ID>{code}</cbc:ID><cbc:Percent>{rate}</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:TaxCategory></cac:TaxSubtotal>",
            money(*base),
            money(*tax)
        ));
    }
    xml.push_str("</cac:TaxTotal>");
    xml.push_str(&format!(
        "<cac:LegalMonetaryTotal><cbc:LineExtensionAmount currencyID=\"EUR\">{0}</cbc:LineExtensionAmount><cbc:TaxExclusiveAmount currencyID=\"EUR\">{0}</cbc:TaxExclusiveAmount><cbc:TaxInclusiveAmount currencyID=\"EUR\">{1}</cbc:TaxInclusiveAmount><cbc:PayableAmount currencyID=\"EUR\">{1}</cbc:PayableAmount></cac:LegalMonetaryTotal>",
        money(line_total),
        money(line_total + tax_total)
    ));
    for (i, (line, net)) in lines.iter().zip(&nets).enumerate() {
        let (code, rate) = line.category;
        xml.push_str(&format!(
            "<cac:InvoiceLine><cbc:ID>{}</cbc:ID><cbc:InvoicedQuantity unitCode=\"C62\">{}</cbc:InvoicedQuantity><cbc:LineExtensionAmount currencyID=\"EUR\">{}</cbc:LineExtensionAmount><cac:Item><cbc:Name>Item {i}</cbc:Name><cac:ClassifiedTaxCategory><cbc:ID>{code}</cbc:ID><cbc:Percent>{rate}</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:ClassifiedTaxCategory></cac:Item><cac:Price><cbc:PriceAmount currencyID=\"EUR\">{}</cbc:PriceAmount></cac:Price></cac:InvoiceLine>",
            i + 1,
            line.quantity,
            money(*net),
            line.price
        ));
    }
    xml.push_str("</Invoice>");
    xml
}

fn fires(report: &Report, rule: &str) -> bool {
    report.findings.iter().any(|f| f.rule == rule)
}

fn fatal_rules(report: &Report) -> Vec<&'static str> {
    report
        .findings
        .iter()
        .filter(|f| f.flag == invoicer_einvoice::Flag::Fatal)
        .map(|f| f.rule)
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn a_correctly_built_invoice_breaks_no_fatal_rule(lines in prop::collection::vec(line_strategy(), 1..12)) {
        let report = validate(invoice(&lines).as_bytes());
        prop_assert!(!report.has_fatal(), "{:?}", fatal_rules(&report));
    }

    #[test]
    fn a_total_off_by_one_cent_trips_br_co_10(lines in prop::collection::vec(line_strategy(), 1..12)) {
        let xml = invoice(&lines);
        let needle = "<cac:LegalMonetaryTotal><cbc:LineExtensionAmount currencyID=\"EUR\">";
        let start = xml.find(needle).unwrap() + needle.len();
        let end = start + xml[start..].find('<').unwrap();
        let declared: Decimal = xml[start..end].parse().unwrap();
        let mut broken = xml.clone();
        broken.replace_range(start..end, &money(declared + Decimal::new(1, 2)));
        prop_assert!(fires(&validate(broken.as_bytes()), "BR-CO-10"));
    }

    #[test]
    fn a_missing_item_name_trips_br_25(lines in prop::collection::vec(line_strategy(), 1..12), pick in any::<prop::sample::Index>()) {
        let i = pick.index(lines.len());
        let xml = invoice(&lines).replace(&format!("<cbc:Name>Item {i}</cbc:Name>"), "");
        prop_assert!(fires(&validate(xml.as_bytes()), "BR-25"));
    }

    #[test]
    fn a_currency_off_the_list_trips_br_cl_04(lines in prop::collection::vec(line_strategy(), 1..6), code in "[A-Z]{4}") {
        let xml = invoice(&lines).replace(">EUR</cbc:DocumentCurrencyCode>", &format!(">{code}</cbc:DocumentCurrencyCode>"));
        prop_assert!(fires(&validate(xml.as_bytes()), "BR-CL-04"));
    }

    #[test]
    fn an_exempt_line_missing_from_the_breakdown_trips_br_e_01(lines in prop::collection::vec(line_strategy(), 1..12), pick in any::<prop::sample::Index>()) {
        let i = pick.index(lines.len());
        let xml = invoice(&lines);
        let at = xml.find(&format!("<cbc:Name>Item {i}</cbc:Name>")).unwrap();
        let mut broken = xml.clone();
        let needle = "<cac:ClassifiedTaxCategory><cbc:ID>";
        let category = at + broken[at..].find(needle).unwrap() + needle.len();
        let end = category + broken[category..].find('<').unwrap();
        broken.replace_range(category..end, "E");
        prop_assert!(fires(&validate(broken.as_bytes()), "BR-E-01"));
    }
}
