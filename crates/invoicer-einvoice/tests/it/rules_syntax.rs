//! One breaking document per UBL syntax binding rule with a condition (UBL-CR with a
//! predicate, UBL-DT-*, UBL-SR-*). The plain UBL-CR paths are tested one by one next to their
//! table, in `rules::cen_syntax`.

use crate::support::{assert_each_fires, Doc};

fn inv() -> Doc {
    Doc::invoice()
}

/// Repeats, right after itself, the first occurrence of `snippet`.
fn twice(doc: Doc, snippet: &str) -> Doc {
    doc.after(snippet, snippet)
}

const ROOT_REFERENCE_AT: &str = "<cac:AdditionalDocumentReference>";
const ADR_DESCRIPTION: &str = "<cbc:DocumentDescription>Timesheet</cbc:DocumentDescription>";
const PAYMENT_MEANS_END: &str = "</cac:PaymentMeans>";

fn reference(inner: &str) -> Doc {
    inv().before(
        ROOT_REFERENCE_AT,
        &format!("<cac:AdditionalDocumentReference>{inner}</cac:AdditionalDocumentReference>"),
    )
}

#[test]
fn each_conditional_unused_element_rule_fires_when_broken() {
    assert_each_fires(vec![
        ("UBL-CR-002", inv().before("<cbc:CustomizationID>", "<cbc:UBLVersionID>2.0</cbc:UBLVersionID>")),
        ("UBL-CR-412", inv().after("<cbc:PaymentMeansCode>30</cbc:PaymentMeansCode>", "<cbc:PaymentDueDate>2026-03-31</cbc:PaymentDueDate>")),
        ("UBL-CR-665", reference("<cbc:ID schemeID=\"AAA\">X</cbc:ID>")),
        ("UBL-CR-666", reference("<cbc:ID>X</cbc:ID><cbc:DocumentTypeCode>130</cbc:DocumentTypeCode><cac:Attachment><cac:ExternalReference><cbc:URI>u</cbc:URI></cac:ExternalReference></cac:Attachment>")),
        ("UBL-CR-673", reference("<cbc:ID>X</cbc:ID><cbc:DocumentTypeCode>130</cbc:DocumentTypeCode><cbc:DocumentDescription>d</cbc:DocumentDescription>")),
    ]);
}

#[test]
fn each_data_type_rule_fires_when_broken() {
    let object = |attributes: &str| {
        inv().after(ADR_DESCRIPTION, &format!("<cac:Attachment><cbc:EmbeddedDocumentBinaryObject{attributes}>QUJD</cbc:EmbeddedDocumentBinaryObject></cac:Attachment>"))
    };
    let mut cases = vec![
        (
            "UBL-DT-01",
            inv().set(">15.00</cbc:Amount>", ">15.001</cbc:Amount>"),
        ),
        ("UBL-DT-06", object(" filename=\"a.pdf\"")),
        ("UBL-DT-07", object(" mimeCode=\"application/pdf\"")),
        (
            "UBL-DT-18",
            inv().set("<cbc:Note>", "<cbc:Note name=\"x\">"),
        ),
    ];
    for (rule, attribute) in [
        ("UBL-DT-08", "schemeName"),
        ("UBL-DT-09", "schemeAgencyName"),
        ("UBL-DT-10", "schemeDataURI"),
        ("UBL-DT-11", "schemeURI"),
        ("UBL-DT-12", "format"),
        ("UBL-DT-13", "unitCodeListIdentifier"),
        ("UBL-DT-14", "unitCodeListAgencyIdentifier"),
        ("UBL-DT-15", "unitCodeListAgencyName"),
        ("UBL-DT-16", "listAgencyName"),
        ("UBL-DT-17", "listName"),
        ("UBL-DT-19", "languageID"),
        ("UBL-DT-20", "listURI"),
        ("UBL-DT-21", "listSchemeURI"),
        ("UBL-DT-22", "languageLocaleID"),
        ("UBL-DT-23", "uri"),
        ("UBL-DT-24", "currencyCodeListVersionID"),
        ("UBL-DT-25", "characterSetCode"),
        ("UBL-DT-26", "encodingCode"),
        ("UBL-DT-27", "schemeAgencyID"),
        ("UBL-DT-28", "listAgencyID"),
    ] {
        cases.push((
            rule,
            inv().set(
                "<cbc:BuyerReference>",
                &format!("<cbc:BuyerReference {attribute}=\"x\">"),
            ),
        ));
    }
    assert_each_fires(cases);
}

#[test]
fn each_cardinality_rule_fires_when_an_element_repeats() {
    let seller_pts = "<cac:PartyTaxScheme>\n        <cbc:CompanyID>FR12345678901</cbc:CompanyID>";
    let other_scheme = "<cac:PartyTaxScheme><cbc:CompanyID>T</cbc:CompanyID><cac:TaxScheme><cbc:ID>TAX</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>";
    let payee_without_name = "<cac:PayeeParty><cac:PartyIdentification><cbc:ID>P</cbc:ID></cac:PartyIdentification></cac:PayeeParty>";
    let sepa = "<cac:PartyIdentification><cbc:ID schemeID=\"SEPA\">DE98ZZZ09999999999</cbc:ID></cac:PartyIdentification>";
    let second_means = |inner: &str| {
        inv().after(
            PAYMENT_MEANS_END,
            &format!("<cac:PaymentMeans>{inner}</cac:PaymentMeans>"),
        )
    };
    assert_each_fires(vec![
        ("UBL-SR-01", inv().before(ROOT_REFERENCE_AT, &"<cac:ContractDocumentReference><cbc:ID>C</cbc:ID></cac:ContractDocumentReference>".repeat(2))),
        ("UBL-SR-02", inv().before(ROOT_REFERENCE_AT, &"<cac:ReceiptDocumentReference><cbc:ID>R</cbc:ID></cac:ReceiptDocumentReference>".repeat(2))),
        ("UBL-SR-03", inv().before(ROOT_REFERENCE_AT, &"<cac:DespatchDocumentReference><cbc:ID>D</cbc:ID></cac:DespatchDocumentReference>".repeat(2))),
        ("UBL-SR-04", inv().before(ROOT_REFERENCE_AT, &"<cac:AdditionalDocumentReference><cbc:ID>O</cbc:ID><cbc:DocumentTypeCode>130</cbc:DocumentTypeCode></cac:AdditionalDocumentReference>".repeat(2))),
        ("UBL-SR-05", twice(inv(), "<cbc:Note>30 days net</cbc:Note>")),
        ("UBL-SR-08", inv().before(ROOT_REFERENCE_AT, "<cac:InvoicePeriod><cbc:StartDate>2026-02-01</cbc:StartDate></cac:InvoicePeriod>")),
        ("UBL-SR-09", twice(inv(), "<cbc:RegistrationName>Seller SA</cbc:RegistrationName>")),
        ("UBL-SR-10", twice(inv(), "<cbc:Name>Seller Trading</cbc:Name>")),
        ("UBL-SR-11", twice(inv(), "<cbc:CompanyID schemeID=\"0002\">123456789</cbc:CompanyID>")),
        ("UBL-SR-12", twice(inv(), "<cbc:CompanyID>FR12345678901</cbc:CompanyID>")),
        ("UBL-SR-13", inv().before("<cac:PartyLegalEntity>", &other_scheme.replace("<cbc:CompanyID>T</cbc:CompanyID>", "<cbc:CompanyID>T</cbc:CompanyID><cbc:CompanyID>U</cbc:CompanyID>"))),
        ("UBL-SR-14", inv().after("<cbc:RegistrationName>Seller SA</cbc:RegistrationName>", &"<cbc:CompanyLegalForm>SA</cbc:CompanyLegalForm>".repeat(2))),
        ("UBL-SR-15", twice(inv(), "<cbc:RegistrationName>Buyer SARL</cbc:RegistrationName>")),
        ("UBL-SR-16", inv().nth(2, "<cac:PostalAddress>", &format!("{}<cac:PostalAddress>", "<cac:PartyIdentification><cbc:ID>B</cbc:ID></cac:PartyIdentification>".repeat(2)))),
        ("UBL-SR-17", inv().after("<cbc:RegistrationName>Buyer SARL</cbc:RegistrationName>", &"<cbc:CompanyID>1</cbc:CompanyID>".repeat(2))),
        ("UBL-SR-18", twice(inv(), "<cbc:CompanyID>FR98765432100</cbc:CompanyID>")),
        ("UBL-SR-24", inv().before("<cac:PaymentMeans>", "<cac:Delivery><cbc:ActualDeliveryDate>2026-02-27</cbc:ActualDeliveryDate></cac:Delivery>")),
        ("UBL-SR-29", inv().before("<cac:PartyName>", &sepa.repeat(2))),
        ("UBL-SR-39", inv().before(ROOT_REFERENCE_AT, &"<cac:ProjectReference><cbc:ID>P</cbc:ID></cac:ProjectReference>".repeat(2))),
        ("UBL-SR-40", inv().nth(2, "<cac:PostalAddress>", &format!("{}<cac:PostalAddress>", "<cac:PartyName><cbc:Name>B</cbc:Name></cac:PartyName>".repeat(2)))),
        ("UBL-SR-44", second_means("<cbc:PaymentMeansCode>30</cbc:PaymentMeansCode><cbc:PaymentID>OTHER</cbc:PaymentID>")),
        ("UBL-SR-45", inv().after("<cbc:PaymentMeansCode>30</cbc:PaymentMeansCode>", &"<cbc:PaymentDueDate>2026-03-31</cbc:PaymentDueDate>".repeat(2))),
        ("UBL-SR-46", inv().set("<cbc:PaymentMeansCode>30", "<cbc:PaymentMeansCode name=\"Transfer\">30").after(PAYMENT_MEANS_END, "<cac:PaymentMeans><cbc:PaymentMeansCode name=\"Transfer\">30</cbc:PaymentMeansCode></cac:PaymentMeans>")),
        ("UBL-SR-47", second_means("<cbc:PaymentMeansCode>58</cbc:PaymentMeansCode>")),
        ("UBL-SR-49", inv().after("<cac:InvoicePeriod>", &"<cbc:DescriptionCode>35</cbc:DescriptionCode>".repeat(2))),
        ("UBL-SR-34", inv().after("<cbc:ID>1</cbc:ID>", &"<cbc:Note>n</cbc:Note>".repeat(2))),
        ("UBL-SR-35", inv().set("<cbc:ID>1</cbc:ID>", &format!("<cbc:ID>1</cbc:ID>{}", "<cac:OrderLineReference><cbc:LineID>1</cbc:LineID></cac:OrderLineReference>".repeat(2)))),
        ("UBL-SR-36", inv().set("<cbc:ID>2</cbc:ID>", &format!("<cbc:ID>2</cbc:ID>{}", "<cac:InvoicePeriod><cbc:StartDate>2026-02-01</cbc:StartDate></cac:InvoicePeriod>".repeat(2)))),
        ("UBL-SR-37", inv().set("<cbc:BaseAmount currencyID=\"EUR\">55.00", "<cbc:Amount currencyID=\"EUR\">5.00</cbc:Amount><cbc:BaseAmount currencyID=\"EUR\">55.00")),
        ("UBL-SR-48", inv().drop_nth(1, "<cac:ClassifiedTaxCategory>")),
        ("UBL-SR-50", inv().after("<cbc:Name>Widget</cbc:Name>", &"<cbc:Description>d</cbc:Description>".repeat(2))),
        ("UBL-SR-52", inv().set("<cbc:ID>2</cbc:ID>", &format!("<cbc:ID>2</cbc:ID>{}", "<cac:DocumentReference><cbc:ID>D</cbc:ID><cbc:DocumentTypeCode>130</cbc:DocumentTypeCode></cac:DocumentReference>".repeat(2)))),
        ("UBL-SR-19", inv().before("<cac:Delivery>", payee_without_name)),
        ("UBL-SR-20", inv().before("<cac:Delivery>", payee_without_name)),
        ("UBL-SR-21", inv().before("<cac:Delivery>", payee_without_name)),
        ("UBL-SR-25", inv().after("</cac:DeliveryLocation>", "<cac:DeliveryParty><cac:PartyName><cbc:Name>A</cbc:Name></cac:PartyName><cac:PartyName><cbc:Name>B</cbc:Name></cac:PartyName></cac:DeliveryParty>")),
        ("UBL-SR-26", twice(inv(), "<cbc:PaymentID>INV-2026-000042</cbc:PaymentID>")),
        ("UBL-SR-27", twice(inv(), "<cbc:PaymentMeansCode>30</cbc:PaymentMeansCode>")),
        ("UBL-SR-28", inv().before(PAYMENT_MEANS_END, "<cac:PaymentMandate><cbc:ID>M</cbc:ID><cbc:ID>N</cbc:ID></cac:PaymentMandate>")),
        ("UBL-SR-06", inv().before(ROOT_REFERENCE_AT, "<cac:BillingReference><cac:InvoiceDocumentReference><cbc:ID>A</cbc:ID></cac:InvoiceDocumentReference><cac:InvoiceDocumentReference><cbc:ID>B</cbc:ID></cac:InvoiceDocumentReference></cac:BillingReference>")),
        ("UBL-SR-07", inv().before(ROOT_REFERENCE_AT, "<cac:BillingReference><cac:InvoiceDocumentReference><cbc:IssueDate>2026-01-01</cbc:IssueDate></cac:InvoiceDocumentReference></cac:BillingReference>")),
        ("UBL-SR-22", inv().before("<cac:Delivery>", "<cac:TaxRepresentativeParty><cac:PartyName><cbc:Name>A</cbc:Name><cbc:Name>B</cbc:Name></cac:PartyName></cac:TaxRepresentativeParty>")),
        ("UBL-SR-23", inv().before("<cac:Delivery>", "<cac:TaxRepresentativeParty><cac:Party><cac:PartyTaxScheme><cbc:CompanyID>A</cbc:CompanyID><cbc:CompanyID>B</cbc:CompanyID></cac:PartyTaxScheme></cac:Party></cac:TaxRepresentativeParty>")),
        ("UBL-SR-30", twice(inv(), "<cbc:AllowanceChargeReason>Discount</cbc:AllowanceChargeReason>")),
        ("UBL-SR-31", twice(inv(), "<cbc:AllowanceChargeReason>Freight</cbc:AllowanceChargeReason>")),
        ("UBL-SR-32", inv().nth(3, "<cbc:Percent>20</cbc:Percent>", "<cbc:Percent>20</cbc:Percent><cbc:TaxExemptionReason>a</cbc:TaxExemptionReason><cbc:TaxExemptionReason>b</cbc:TaxExemptionReason>")),
        ("UBL-SR-33", twice(inv(), ADR_DESCRIPTION)),
        ("UBL-SR-42", inv().before("<cac:PartyLegalEntity>", &other_scheme.repeat(2))),
        ("UBL-SR-43", inv().after(ADR_DESCRIPTION, "<cbc:DocumentTypeCode>50</cbc:DocumentTypeCode>")),
        ("UBL-SR-51", inv().after("<cbc:PostalZone>75001</cbc:PostalZone>", &"<cac:AddressLine><cbc:Line>x</cbc:Line></cac:AddressLine>".repeat(2))),
        ("UBL-SR-53", inv().set(seller_pts, "<cac:PartyTaxScheme>")),
    ]);
}
