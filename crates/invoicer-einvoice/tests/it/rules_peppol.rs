//! One breaking document per Peppol BIS Billing 3.0 rule that applies everywhere
//! (PEPPOL-EN16931-*, PEPPOL-COMMON-*); the shared base passes them all.

use crate::support::{assert_each_fires, Doc};

fn inv() -> Doc {
    Doc::invoice()
}

const SELLER_ENDPOINT: &str = "<cbc:EndpointID schemeID=\"0009\">12345678900017</cbc:EndpointID>";
const DOC_ALLOWANCE_AMOUNT: &str = "<cbc:Amount currencyID=\"EUR\">5.00</cbc:Amount>";
const SUBTOTAL_SCHEME: usize = 5;

fn seller_endpoint(scheme: &str, value: &str) -> Doc {
    inv().set(
        SELLER_ENDPOINT,
        &format!("<cbc:EndpointID schemeID=\"{scheme}\">{value}</cbc:EndpointID>"),
    )
}

fn exemption(code: &str) -> Doc {
    inv().nth(
        SUBTOTAL_SCHEME,
        "<cac:TaxScheme>",
        &format!("<cbc:TaxExemptionReasonCode>{code}</cbc:TaxExemptionReasonCode><cac:TaxScheme>"),
    )
}

fn payment_code(code: &str) -> Doc {
    inv().set(
        ">30</cbc:PaymentMeansCode>",
        &format!(">{code}</cbc:PaymentMeansCode>"),
    )
}

#[test]
fn each_peppol_rule_fires_when_broken() {
    let with_tax_currency = |eur: &str, sek: &str| {
        inv()
            .after("</cbc:DocumentCurrencyCode>", "<cbc:TaxCurrencyCode>SEK</cbc:TaxCurrencyCode>")
            .nth(1, ">40.00</cbc:TaxAmount>", &format!(">{eur}</cbc:TaxAmount>"))
            .after("</cac:TaxTotal>", &format!("<cac:TaxTotal><cbc:TaxAmount currencyID=\"SEK\">{sek}</cbc:TaxAmount></cac:TaxTotal>"))
    };
    let project_reference = "<cac:AdditionalDocumentReference><cbc:ID>P1</cbc:ID><cbc:DocumentTypeCode>50</cbc:DocumentTypeCode></cac:AdditionalDocumentReference>";
    let line_reference = |code: &str| {
        format!("<cac:DocumentReference><cbc:ID>D</cbc:ID><cbc:DocumentTypeCode>{code}</cbc:DocumentTypeCode></cac:DocumentReference>")
    };
    let line_one_item = "<cac:Item>\n      <cbc:Name>Widget";
    assert_each_fires(vec![
        ("PEPPOL-EN16931-R001", inv().drop("<cbc:ProfileID>")),
        ("PEPPOL-EN16931-R002", inv().after("</cbc:Note>", "<cbc:Note>Second</cbc:Note>")),
        ("PEPPOL-EN16931-R003", inv().drop("<cbc:BuyerReference>")),
        ("PEPPOL-EN16931-R004", inv().set("poacc:billing:3.0</cbc:CustomizationID>", "poacc:billing:2.0</cbc:CustomizationID>")),
        ("PEPPOL-EN16931-R005", inv().after("</cbc:DocumentCurrencyCode>", "<cbc:TaxCurrencyCode>EUR</cbc:TaxCurrencyCode>")),
        ("PEPPOL-EN16931-R007", inv().set("billing:01:1.0</cbc:ProfileID>", "billing:1:1.0</cbc:ProfileID>")),
        ("PEPPOL-EN16931-R008", inv().after("</cbc:BuyerReference>", "<cbc:AccountingCost> </cbc:AccountingCost>")),
        ("PEPPOL-EN16931-R010", inv().drop("<cbc:EndpointID schemeID=\"0009\">9876")),
        ("PEPPOL-EN16931-R020", inv().drop("<cbc:EndpointID schemeID=\"0009\">1234")),
        ("PEPPOL-EN16931-R040", inv().after(DOC_ALLOWANCE_AMOUNT, "<cbc:BaseAmount currencyID=\"EUR\">100.00</cbc:BaseAmount><cbc:MultiplierFactorNumeric>10</cbc:MultiplierFactorNumeric>")),
        ("PEPPOL-EN16931-R041", inv().after(DOC_ALLOWANCE_AMOUNT, "<cbc:MultiplierFactorNumeric>5</cbc:MultiplierFactorNumeric>")),
        ("PEPPOL-EN16931-R042", inv().after(DOC_ALLOWANCE_AMOUNT, "<cbc:BaseAmount currencyID=\"EUR\">100.00</cbc:BaseAmount>")),
        ("PEPPOL-EN16931-R043", inv().nth(1, ">false</cbc:ChargeIndicator>", ">False</cbc:ChargeIndicator>")),
        ("PEPPOL-EN16931-R044", inv().nth(3, ">false</cbc:ChargeIndicator>", ">true</cbc:ChargeIndicator>")),
        ("PEPPOL-EN16931-R046", inv().set(">55.00<", ">56.00<")),
        ("PEPPOL-EN16931-R051", inv().set(DOC_ALLOWANCE_AMOUNT, "<cbc:Amount currencyID=\"USD\">5.00</cbc:Amount>")),
        ("PEPPOL-EN16931-R053", inv().drop("<cac:TaxSubtotal>")),
        ("PEPPOL-EN16931-R054", inv().after("</cac:TaxTotal>", "<cac:TaxTotal><cbc:TaxAmount currencyID=\"EUR\">40.00</cbc:TaxAmount></cac:TaxTotal>")),
        ("PEPPOL-EN16931-R055", with_tax_currency("40.00", "-400.00")),
        ("PEPPOL-EN16931-R061", payment_code("59")),
        ("PEPPOL-EN16931-R080", Doc::credit_note().before("<cac:AdditionalDocumentReference>", &project_reference.repeat(2))),
        ("PEPPOL-EN16931-R100", inv().before(line_one_item, &line_reference("130").repeat(2))),
        ("PEPPOL-EN16931-R101", inv().before(line_one_item, &line_reference("50"))),
        ("PEPPOL-EN16931-R110", inv().nth(2, "<cbc:StartDate>2026-02-01", "<cbc:StartDate>2026-01-01")),
        ("PEPPOL-EN16931-R111", inv().set("<cbc:EndDate>2026-02-15", "<cbc:EndDate>2026-03-15")),
        ("PEPPOL-EN16931-R120", inv().set(">100.00</cbc:LineExtensionAmount>", ">100.03</cbc:LineExtensionAmount>")),
        ("PEPPOL-EN16931-R121", inv().set("<cbc:BaseQuantity unitCode=\"C62\">1<", "<cbc:BaseQuantity unitCode=\"C62\">0<")),
        ("PEPPOL-EN16931-R130", inv().set("<cbc:BaseQuantity unitCode=\"C62\">", "<cbc:BaseQuantity unitCode=\"H87\">")),
        ("PEPPOL-EN16931-CL001", inv().after("<cbc:DocumentDescription>Timesheet</cbc:DocumentDescription>", "<cac:Attachment><cbc:EmbeddedDocumentBinaryObject mimeCode=\"text/plain\" filename=\"a.txt\">QUJD</cbc:EmbeddedDocumentBinaryObject></cac:Attachment>")),
        ("PEPPOL-EN16931-CL002", inv().nth(1, ">95</cbc:AllowanceChargeReasonCode>", ">AA</cbc:AllowanceChargeReasonCode>")),
        ("PEPPOL-EN16931-CL003", inv().set(">FC</cbc:AllowanceChargeReasonCode>", ">95</cbc:AllowanceChargeReasonCode>")),
        ("PEPPOL-EN16931-CL006", inv().after("<cac:InvoicePeriod>", "<cbc:DescriptionCode>1</cbc:DescriptionCode>")),
        ("PEPPOL-EN16931-CL007", inv().set(DOC_ALLOWANCE_AMOUNT, "<cbc:Amount currencyID=\"EURO\">5.00</cbc:Amount>")),
        ("PEPPOL-EN16931-CL008", seller_endpoint("AN", "12345678900017")),
        ("PEPPOL-EN16931-P0100", inv().set(">380<", ">325<")),
        ("PEPPOL-EN16931-P0101", Doc::credit_note().set(">381<", ">261<")),
        ("PEPPOL-EN16931-P0104", exemption("VATEX-EU-G")),
        ("PEPPOL-EN16931-P0105", exemption("vatex-eu-o")),
        ("PEPPOL-EN16931-P0106", exemption("VATEX-EU-IC")),
        ("PEPPOL-EN16931-P0107", exemption("VATEX-EU-AE")),
        ("PEPPOL-EN16931-P0108", exemption("VATEX-EU-D")),
        ("PEPPOL-EN16931-P0109", exemption("VATEX-EU-F")),
        ("PEPPOL-EN16931-P0110", exemption("VATEX-EU-I")),
        ("PEPPOL-EN16931-P0111", exemption("VATEX-EU-J")),
        ("PEPPOL-EN16931-P0112", inv().set(">380<", ">384<")),
        ("PEPPOL-EN16931-F001", inv().set(">2026-03-01</cbc:IssueDate>", ">2026-3-1</cbc:IssueDate>")),
        ("PEPPOL-EN16931-F001", inv().set(">2026-03-31</cbc:DueDate>", ">2026-02-30</cbc:DueDate>")),
        ("PEPPOL-COMMON-R040", seller_endpoint("0088", "5790000435969")),
        ("PEPPOL-COMMON-R041", seller_endpoint("0192", "974760674")),
        ("PEPPOL-COMMON-R042", seller_endpoint("0184", "DK1234")),
        ("PEPPOL-COMMON-R043", seller_endpoint("0208", "0403170702")),
        ("PEPPOL-COMMON-R044", seller_endpoint("0201", "UFY9M")),
        ("PEPPOL-COMMON-R045", seller_endpoint("0210", "RSSMRA85T10A56")),
        ("PEPPOL-COMMON-R046", seller_endpoint("9907", "123")),
        ("PEPPOL-COMMON-R047", seller_endpoint("0211", "IT07643520568")),
        ("PEPPOL-COMMON-R049", seller_endpoint("0007", "5560360794")),
        ("PEPPOL-COMMON-R050", seller_endpoint("0151", "51824753557")),
    ]);
}

#[test]
fn valid_national_identifiers_pass_their_checks() {
    for (scheme, value) in [
        ("0088", "5790000435968"),
        ("0192", "974760673"),
        ("0184", "DK12345678"),
        ("0208", "0403170701"),
        ("0201", "UFY9MH"),
        ("0210", "RSSMRA85T10A562S"),
        ("9907", "12345678901"),
        ("0211", "IT07643520567"),
        ("0007", "5560360793"),
        ("0151", "51824753556"),
    ] {
        let report = seller_endpoint(scheme, value).report();
        let common: Vec<&str> = report
            .findings
            .iter()
            .map(|f| f.rule)
            .filter(|r| r.starts_with("PEPPOL-COMMON"))
            .collect();
        assert!(common.is_empty(), "{scheme} {value}: {common:?}");
    }
}

#[test]
fn arithmetic_findings_carry_the_computed_and_declared_figures() {
    let report = inv()
        .set(
            ">190.00</cbc:LineExtensionAmount>",
            ">191.00</cbc:LineExtensionAmount>",
        )
        .report();
    let finding = report
        .findings
        .iter()
        .find(|f| f.rule == "BR-CO-10")
        .expect("BR-CO-10");
    assert_eq!(finding.computed.as_deref(), Some("190.00"));
    assert_eq!(finding.declared.as_deref(), Some("191.00"));
    assert_eq!(finding.location, "/Invoice[1]/cac:LegalMonetaryTotal[1]");
}
