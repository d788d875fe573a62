//! One breaking document per CEN rule (BR-*, BR-CO-*, BR-DEC-*, BR-CL-*); the passing document
//! for every rule is the shared base, which breaks none.

use crate::support::{assert_each_fires, Doc};

fn inv() -> Doc {
    Doc::invoice()
}

const TAX_REPRESENTATIVE: &str = "<cac:TaxRepresentativeParty><cac:PartyName><cbc:Name>Rep</cbc:Name></cac:PartyName><cac:PostalAddress><cac:Country><cbc:IdentificationCode>FR</cbc:IdentificationCode></cac:Country></cac:PostalAddress><cac:PartyTaxScheme><cbc:CompanyID>FR11111111111</cbc:CompanyID><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme></cac:TaxRepresentativeParty>";
const LINE_CHARGE_AT: &str =
    "<cbc:LineExtensionAmount currencyID=\"EUR\">90.00</cbc:LineExtensionAmount>";
const DOC_ALLOWANCE_AMOUNT: &str = "<cbc:Amount currencyID=\"EUR\">5.00</cbc:Amount>";
const DOC_CHARGE_AMOUNT: &str = "<cbc:Amount currencyID=\"EUR\">15.00</cbc:Amount>";
const CARD: &str = "<cac:CardAccount><cbc:PrimaryAccountNumberID>1234</cbc:PrimaryAccountNumberID><cbc:NetworkID>VISA</cbc:NetworkID></cac:CardAccount>";
const MANDATE: &str = "<cac:PaymentMandate><cbc:ID>M1</cbc:ID></cac:PaymentMandate>";
const PAYMENT_MEANS_END: &str = "</cac:PaymentMeans>";

fn representative(from: &str, to: &str) -> Doc {
    inv().before("<cac:Delivery>", &TAX_REPRESENTATIVE.replace(from, to))
}

fn line_charge(body: &str) -> Doc {
    inv().after(
        LINE_CHARGE_AT,
        &format!("<cac:AllowanceCharge><cbc:ChargeIndicator>true</cbc:ChargeIndicator>{body}</cac:AllowanceCharge>"),
    )
}

fn total(name: &str, from: &str, to: &str) -> Doc {
    inv().set(
        &format!("<cbc:{name} currencyID=\"EUR\">{from}</cbc:{name}>"),
        &format!("<cbc:{name} currencyID=\"EUR\">{to}</cbc:{name}>"),
    )
}

#[test]
fn the_base_invoice_and_credit_note_break_no_rule() {
    for doc in [Doc::invoice(), Doc::credit_note()] {
        let report = doc.report();
        assert!(report.findings.is_empty(), "{:#?}", report.findings);
    }
}

#[test]
fn each_mandatory_content_rule_fires_when_its_content_is_missing() {
    assert_each_fires(vec![
        ("BR-01", inv().drop("<cbc:CustomizationID>")),
        ("BR-02", inv().set("<cbc:ID>INV-2026-000042</cbc:ID>", "<cbc:ID> </cbc:ID>")),
        ("BR-03", inv().set("2026-03-01</cbc:IssueDate>", " </cbc:IssueDate>")),
        ("BR-04", inv().set(">380<", "> <")),
        ("BR-05", inv().set(">EUR</cbc:DocumentCurrencyCode>", "></cbc:DocumentCurrencyCode>")),
        ("BR-06", inv().set(">Seller SA<", "><")),
        ("BR-07", inv().set(">Buyer SARL<", "><")),
        ("BR-08", inv().drop_nth(1, "<cac:PostalAddress>")),
        ("BR-09", inv().nth(1, ">FR</cbc:IdentificationCode>", "></cbc:IdentificationCode>")),
        ("BR-10", inv().drop_nth(2, "<cac:PostalAddress>")),
        ("BR-11", inv().nth(2, ">FR</cbc:IdentificationCode>", "></cbc:IdentificationCode>")),
        ("BR-12", inv().drop("<cbc:LineExtensionAmount currencyID=\"EUR\">190.00")),
        ("BR-13", inv().drop("<cbc:TaxExclusiveAmount")),
        ("BR-14", inv().drop("<cbc:TaxInclusiveAmount")),
        ("BR-15", inv().drop("<cbc:PayableAmount")),
        ("BR-16", inv().drop("<cac:InvoiceLine>").drop("<cac:InvoiceLine>")),
        ("BR-17", inv().before("<cac:Delivery>", "<cac:PayeeParty><cac:PartyIdentification><cbc:ID>P1</cbc:ID></cac:PartyIdentification></cac:PayeeParty>")),
        ("BR-18", representative("<cac:PartyName><cbc:Name>Rep</cbc:Name></cac:PartyName>", "")),
        ("BR-19", representative("<cac:PostalAddress><cac:Country><cbc:IdentificationCode>FR</cbc:IdentificationCode></cac:Country></cac:PostalAddress>", "")),
        ("BR-20", representative("<cbc:IdentificationCode>FR</cbc:IdentificationCode>", "")),
        ("BR-56", representative("<cbc:ID>VAT</cbc:ID>", "<cbc:ID>TAX</cbc:ID>")),
        ("BR-21", inv().set("<cbc:ID>1</cbc:ID>", "<cbc:ID> </cbc:ID>")),
        ("BR-22", inv().drop("<cbc:InvoicedQuantity unitCode=\"C62\">10")),
        ("BR-23", inv().set("<cbc:InvoicedQuantity unitCode=\"C62\">10", "<cbc:InvoicedQuantity>10")),
        ("BR-24", inv().drop("<cbc:LineExtensionAmount currencyID=\"EUR\">100.00")),
        ("BR-25", inv().set(">Widget<", "> <")),
        ("BR-26", inv().drop("<cbc:PriceAmount currencyID=\"EUR\">10.00")),
        ("BR-27", inv().set(">10.00</cbc:PriceAmount>", ">-10.00</cbc:PriceAmount>")),
        ("BR-28", inv().set(">55.00<", ">-55.00<")),
        ("BR-29", inv().nth(1, "<cbc:EndDate>2026-02-28", "<cbc:EndDate>2026-01-01")),
        ("BR-30", inv().set("<cbc:EndDate>2026-02-15", "<cbc:EndDate>2026-01-15")),
        ("BR-31", inv().set(DOC_ALLOWANCE_AMOUNT, "")),
        ("BR-32", inv().drop_nth(1, "<cac:TaxCategory>")),
        ("BR-33", inv().nth(1, "<cbc:AllowanceChargeReasonCode>95</cbc:AllowanceChargeReasonCode>", "").set("<cbc:AllowanceChargeReason>Discount</cbc:AllowanceChargeReason>", "")),
        ("BR-36", inv().set(DOC_CHARGE_AMOUNT, "")),
        ("BR-37", inv().drop_nth(2, "<cac:TaxCategory>")),
        ("BR-38", inv().set("<cbc:AllowanceChargeReasonCode>FC</cbc:AllowanceChargeReasonCode>", "").set("<cbc:AllowanceChargeReason>Freight</cbc:AllowanceChargeReason>", "")),
        ("BR-41", inv().set("<cbc:Amount currencyID=\"EUR\">10.00</cbc:Amount>", "")),
        ("BR-42", inv().nth(2, "<cbc:AllowanceChargeReasonCode>95</cbc:AllowanceChargeReasonCode>", "")),
        ("BR-43", line_charge("<cbc:AllowanceChargeReason>Fee</cbc:AllowanceChargeReason>")),
        ("BR-44", line_charge("<cbc:Amount currencyID=\"EUR\">1.00</cbc:Amount>")),
        ("BR-45", inv().drop("<cbc:TaxableAmount")),
        ("BR-46", inv().nth(2, "<cbc:TaxAmount currencyID=\"EUR\">40.00</cbc:TaxAmount>", "")),
        ("BR-47", inv().nth(3, "<cbc:ID>S</cbc:ID>", "")),
        ("BR-48", inv().nth(3, "<cbc:Percent>20</cbc:Percent>", "")),
        ("BR-49", inv().drop("<cbc:PaymentMeansCode>")),
        ("BR-50", inv().set(">FR7630006000011234567890189<", "> <")),
        ("BR-51", inv().before("<cac:PayeeFinancialAccount>", &CARD.replace(">1234<", ">4111111111111111<"))),
        ("BR-52", inv().set(">TIMESHEET-1<", "><")),
        ("BR-53", inv().after("</cbc:DocumentCurrencyCode>", "<cbc:TaxCurrencyCode>SEK</cbc:TaxCurrencyCode>")),
        ("BR-54", inv().drop("<cbc:Value>")),
        ("BR-55", inv().before("<cac:AdditionalDocumentReference>", "<cac:BillingReference><cac:InvoiceDocumentReference><cbc:IssueDate>2026-01-01</cbc:IssueDate></cac:InvoiceDocumentReference></cac:BillingReference>")),
        ("BR-57", inv().drop_nth(3, "<cac:Country>")),
        ("BR-61", inv().drop("<cbc:ID>FR7630006000011234567890189")),
        ("BR-62", inv().set("<cbc:EndpointID schemeID=\"0009\">1234", "<cbc:EndpointID>1234")),
        ("BR-63", inv().set("<cbc:EndpointID schemeID=\"0009\">9876", "<cbc:EndpointID>9876")),
        ("BR-64", inv().set("<cbc:ID schemeID=\"0160\">", "<cbc:ID>")),
        ("BR-65", inv().set(" listID=\"STI\"", "")),
        ("BR-66", inv().before("<cac:PayeeFinancialAccount>", CARD).after(PAYMENT_MEANS_END, &format!("<cac:PaymentMeans><cbc:PaymentMeansCode>48</cbc:PaymentMeansCode>{CARD}</cac:PaymentMeans>"))),
        ("BR-67", inv().before(PAYMENT_MEANS_END, MANDATE).after(PAYMENT_MEANS_END, &format!("<cac:PaymentMeans><cbc:PaymentMeansCode>59</cbc:PaymentMeansCode>{MANDATE}</cac:PaymentMeans>"))),
    ]);
}

#[test]
fn each_calculation_and_condition_rule_fires_when_broken() {
    assert_each_fires(vec![
        (
            "BR-CO-03",
            inv()
                .after(
                    "</cbc:DueDate>",
                    "<cbc:TaxPointDate>2026-02-28</cbc:TaxPointDate>",
                )
                .after(
                    "<cac:InvoicePeriod>",
                    "<cbc:DescriptionCode>35</cbc:DescriptionCode>",
                ),
        ),
        ("BR-CO-04", inv().nth(4, "<cbc:ID>S</cbc:ID>", "")),
        ("BR-CO-09", inv().set(">FR12345678901<", ">12345678901<")),
        ("BR-CO-10", total("LineExtensionAmount", "190.00", "190.01")),
        ("BR-CO-11", total("AllowanceTotalAmount", "5.00", "6.00")),
        ("BR-CO-12", total("ChargeTotalAmount", "15.00", "16.00")),
        ("BR-CO-13", total("TaxExclusiveAmount", "200.00", "201.00")),
        (
            "BR-CO-14",
            inv().nth(1, ">40.00</cbc:TaxAmount>", ">41.00</cbc:TaxAmount>"),
        ),
        ("BR-CO-15", total("TaxInclusiveAmount", "240.00", "241.00")),
        ("BR-CO-16", total("PayableAmount", "240.00", "239.99")),
        (
            "BR-CO-17",
            inv().nth(2, ">40.00</cbc:TaxAmount>", ">45.00</cbc:TaxAmount>"),
        ),
        ("BR-CO-18", inv().drop("<cac:TaxSubtotal>")),
        (
            "BR-CO-19",
            inv()
                .nth(1, "<cbc:StartDate>2026-02-01</cbc:StartDate>", "")
                .nth(1, "<cbc:EndDate>2026-02-28</cbc:EndDate>", ""),
        ),
        (
            "BR-CO-20",
            inv()
                .nth(2, "<cbc:StartDate>2026-02-01</cbc:StartDate>", "")
                .set("<cbc:EndDate>2026-02-15</cbc:EndDate>", ""),
        ),
        (
            "BR-CO-21",
            inv()
                .nth(
                    1,
                    "<cbc:AllowanceChargeReasonCode>95</cbc:AllowanceChargeReasonCode>",
                    "",
                )
                .set(
                    "<cbc:AllowanceChargeReason>Discount</cbc:AllowanceChargeReason>",
                    "",
                ),
        ),
        (
            "BR-CO-22",
            inv()
                .set(
                    "<cbc:AllowanceChargeReasonCode>FC</cbc:AllowanceChargeReasonCode>",
                    "",
                )
                .set(
                    "<cbc:AllowanceChargeReason>Freight</cbc:AllowanceChargeReason>",
                    "",
                ),
        ),
        (
            "BR-CO-23",
            inv().nth(
                2,
                "<cbc:AllowanceChargeReasonCode>95</cbc:AllowanceChargeReasonCode>",
                "",
            ),
        ),
        (
            "BR-CO-24",
            line_charge("<cbc:Amount currencyID=\"EUR\">1.00</cbc:Amount>"),
        ),
        (
            "BR-CO-25",
            inv()
                .drop("<cbc:DueDate>")
                .set("<cbc:Note>30 days net</cbc:Note>", ""),
        ),
        (
            "BR-CO-26",
            inv().drop_nth(1, "<cac:PartyTaxScheme>").set(
                "<cbc:CompanyID schemeID=\"0002\">123456789</cbc:CompanyID>",
                "",
            ),
        ),
    ]);
}

#[test]
fn each_two_decimal_rule_fires_on_a_third_decimal() {
    let base_amount = |amount: &str, base: &str| {
        inv().after(amount, &format!("<cbc:BaseAmount currencyID=\"EUR\">{base}</cbc:BaseAmount><cbc:MultiplierFactorNumeric>10</cbc:MultiplierFactorNumeric>"))
    };
    assert_each_fires(vec![
        ("BR-DEC-01", inv().set(DOC_ALLOWANCE_AMOUNT, "<cbc:Amount currencyID=\"EUR\">5.001</cbc:Amount>")),
        ("BR-DEC-02", base_amount(DOC_ALLOWANCE_AMOUNT, "50.001")),
        ("BR-DEC-05", inv().set(DOC_CHARGE_AMOUNT, "<cbc:Amount currencyID=\"EUR\">15.001</cbc:Amount>")),
        ("BR-DEC-06", base_amount(DOC_CHARGE_AMOUNT, "150.001")),
        ("BR-DEC-09", total("LineExtensionAmount", "190.00", "190.001")),
        ("BR-DEC-10", total("AllowanceTotalAmount", "5.00", "5.001")),
        ("BR-DEC-11", total("ChargeTotalAmount", "15.00", "15.001")),
        ("BR-DEC-12", total("TaxExclusiveAmount", "200.00", "200.001")),
        ("BR-DEC-14", total("TaxInclusiveAmount", "240.00", "240.001")),
        ("BR-DEC-16", inv().before("<cbc:PayableAmount", "<cbc:PrepaidAmount currencyID=\"EUR\">0.001</cbc:PrepaidAmount>")),
        ("BR-DEC-17", inv().before("<cbc:PayableAmount", "<cbc:PayableRoundingAmount currencyID=\"EUR\">0.001</cbc:PayableRoundingAmount>")),
        ("BR-DEC-18", total("PayableAmount", "240.00", "240.001")),
        ("BR-DEC-19", total("TaxableAmount", "200.00", "200.001")),
        ("BR-DEC-20", inv().nth(2, ">40.00</cbc:TaxAmount>", ">40.001</cbc:TaxAmount>")),
        ("BR-DEC-23", total("LineExtensionAmount", "100.00", "100.001")),
        ("BR-DEC-24", inv().set("<cbc:Amount currencyID=\"EUR\">10.00</cbc:Amount>", "<cbc:Amount currencyID=\"EUR\">10.001</cbc:Amount>")),
        ("BR-DEC-25", base_amount("<cbc:Amount currencyID=\"EUR\">10.00</cbc:Amount>", "100.001")),
        ("BR-DEC-27", line_charge("<cbc:AllowanceChargeReason>Fee</cbc:AllowanceChargeReason><cbc:Amount currencyID=\"EUR\">1.001</cbc:Amount>")),
        ("BR-DEC-28", line_charge("<cbc:AllowanceChargeReason>Fee</cbc:AllowanceChargeReason><cbc:Amount currencyID=\"EUR\">1.00</cbc:Amount><cbc:BaseAmount currencyID=\"EUR\">10.001</cbc:BaseAmount>")),
    ]);
}

#[test]
fn rules_the_artefacts_can_never_fire_stay_silent() {
    // BR-CO-05…08 are `true()`; BR-DEC-13/15 select a TaxAmount by a child it cannot have.
    let doc = inv()
        .nth(1, ">40.00</cbc:TaxAmount>", ">40.001</cbc:TaxAmount>")
        .set(
            "<cbc:AllowanceChargeReason>Discount",
            "<cbc:AllowanceChargeReason>Freight",
        );
    let report = doc.report();
    for rule in [
        "BR-CO-05",
        "BR-CO-06",
        "BR-CO-07",
        "BR-CO-08",
        "BR-DEC-13",
        "BR-DEC-15",
    ] {
        assert!(!report.findings.iter().any(|f| f.rule == rule), "{rule}");
    }
}

#[test]
fn each_code_list_rule_fires_on_a_code_off_its_list() {
    let attachment = |mime: &str| {
        inv().after("<cbc:DocumentDescription>Timesheet</cbc:DocumentDescription>", &format!("<cac:Attachment><cbc:EmbeddedDocumentBinaryObject mimeCode=\"{mime}\" filename=\"a.pdf\">QUJD</cbc:EmbeddedDocumentBinaryObject></cac:Attachment>"))
    };
    assert_each_fires(vec![
        ("BR-CL-01", inv().set(">380<", ">999<")),
        ("BR-CL-01", Doc::credit_note().set(">381<", ">380<")),
        ("BR-CL-03", inv().set(DOC_ALLOWANCE_AMOUNT, "<cbc:Amount currencyID=\"EURO\">5.00</cbc:Amount>")),
        ("BR-CL-03", total("PayableAmount", "240.00", "240.00").set("<cbc:PayableAmount currencyID=\"EUR\"", "<cbc:PayableAmount currencyID=\"MRU\"")),
        ("BR-CL-04", inv().set(">EUR</cbc:DocumentCurrencyCode>", ">EURO</cbc:DocumentCurrencyCode>")),
        ("BR-CL-05", inv().after("</cbc:DocumentCurrencyCode>", "<cbc:TaxCurrencyCode>ZZZ</cbc:TaxCurrencyCode>")),
        ("BR-CL-06", inv().after("<cac:InvoicePeriod>", "<cbc:DescriptionCode>1</cbc:DescriptionCode>")),
        ("BR-CL-07", inv().before("<cac:AdditionalDocumentReference>", "<cac:AdditionalDocumentReference><cbc:ID schemeID=\"QQ9\">OBJ</cbc:ID><cbc:DocumentTypeCode>130</cbc:DocumentTypeCode></cac:AdditionalDocumentReference>")),
        ("BR-CL-08", inv().set(">Thank you for your order<", ">#QQQ#Thank you<")),
        ("BR-CL-10", inv().nth(2, "<cac:PostalAddress>", "<cac:PartyIdentification><cbc:ID schemeID=\"9999\">B1</cbc:ID></cac:PartyIdentification><cac:PostalAddress>")),
        ("BR-CL-10", inv().nth(2, "<cac:PostalAddress>", "<cac:PartyIdentification><cbc:ID schemeID=\"SEPA\">B1</cbc:ID></cac:PartyIdentification><cac:PostalAddress>")),
        ("BR-CL-11", inv().set("schemeID=\"0002\"", "schemeID=\"9999\"")),
        ("BR-CL-13", inv().set("listID=\"STI\"", "listID=\"QQ\"")),
        ("BR-CL-14", inv().nth(1, ">FR</cbc:IdentificationCode>", ">XX</cbc:IdentificationCode>")),
        ("BR-CL-15", inv().after("<cbc:Name>Widget</cbc:Name>", "<cac:OriginCountry><cbc:IdentificationCode>QQ</cbc:IdentificationCode></cac:OriginCountry>")),
        ("BR-CL-16", inv().set(">30</cbc:PaymentMeansCode>", ">0</cbc:PaymentMeansCode>")),
        ("BR-CL-17", inv().nth(1, "<cbc:ID>S</cbc:ID>", "<cbc:ID>X</cbc:ID>")),
        ("BR-CL-18", inv().nth(4, "<cbc:ID>S</cbc:ID>", "<cbc:ID>X</cbc:ID>")),
        ("BR-CL-19", inv().nth(1, ">95</cbc:AllowanceChargeReasonCode>", ">AA</cbc:AllowanceChargeReasonCode>")),
        ("BR-CL-20", inv().set(">FC</cbc:AllowanceChargeReasonCode>", ">95</cbc:AllowanceChargeReasonCode>")),
        ("BR-CL-21", inv().set("schemeID=\"0160\"", "schemeID=\"9999\"")),
        ("BR-CL-22", inv().nth(3, "<cbc:Percent>20</cbc:Percent>", "<cbc:Percent>20</cbc:Percent><cbc:TaxExemptionReasonCode>VATEX-QQ</cbc:TaxExemptionReasonCode>")),
        ("BR-CL-23", inv().set("unitCode=\"C62\">10", "unitCode=\"QQQQ\">10")),
        ("BR-CL-24", attachment("text/plain")),
        ("BR-CL-25", inv().set("<cbc:EndpointID schemeID=\"0009\">1234", "<cbc:EndpointID schemeID=\"9999\">1234")),
        ("BR-CL-26", inv().after("<cac:DeliveryLocation>", "<cbc:ID schemeID=\"9999\">LOC</cbc:ID>")),
    ]);
}
