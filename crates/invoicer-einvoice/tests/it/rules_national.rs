//! One breaking document per country rule of Peppol BIS Billing 3.0 (NO, DK, IT, SE, GR, IS,
//! NL, DE). Each country starts from the base moved into that country, which breaks none of
//! that country's rules (checked first), and then breaks one rule at a time.

use crate::support::{assert_each_fires, Doc};

const SELLER_VAT: &str = "<cbc:CompanyID>FR12345678901</cbc:CompanyID>";
const BUYER_VAT: &str = "<cbc:CompanyID>FR98765432100</cbc:CompanyID>";
const SELLER_LEGAL: &str = "<cbc:CompanyID schemeID=\"0002\">123456789</cbc:CompanyID>";
const SELLER_ENDPOINT: &str = "<cbc:EndpointID schemeID=\"0009\">12345678900017</cbc:EndpointID>";
const BUYER_ENDPOINT: &str = "<cbc:EndpointID schemeID=\"0009\">98765432100019</cbc:EndpointID>";
const PAYMENT_MEANS: &str = "<cbc:PaymentMeansCode>30</cbc:PaymentMeansCode>";

/// Moves the seller (1st country code) and optionally the buyer (2nd) into `country`.
fn moved(seller: &str, buyer: Option<&str>) -> Doc {
    let doc = Doc::invoice().nth(
        1,
        ">FR</cbc:IdentificationCode>",
        &format!(">{seller}</cbc:IdentificationCode>"),
    );
    match buyer {
        // The seller's code is gone, so the buyer's is now the first "FR".
        Some(b) => doc.nth(
            1,
            ">FR</cbc:IdentificationCode>",
            &format!(">{b}</cbc:IdentificationCode>"),
        ),
        None => doc,
    }
}

fn tax_scheme(id: &str, scheme: &str) -> String {
    format!("<cac:PartyTaxScheme><cbc:CompanyID>{id}</cbc:CompanyID><cac:TaxScheme><cbc:ID>{scheme}</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>")
}

fn rules_with_prefix(doc: &Doc, prefix: &str) -> Vec<&'static str> {
    doc.report()
        .findings
        .iter()
        .map(|f| f.rule)
        .filter(|r| r.starts_with(prefix))
        .collect()
}

fn assert_clean(doc: &Doc, prefix: &str) {
    let fired = rules_with_prefix(doc, prefix);
    assert!(fired.is_empty(), "{prefix} base fires {fired:?}");
}

fn norway() -> Doc {
    moved("NO", None)
        .set(SELLER_VAT, "<cbc:CompanyID>NO974760673MVA</cbc:CompanyID>")
        .before(
            "<cac:PartyLegalEntity>",
            &tax_scheme("Foretaksregisteret", "TAX"),
        )
}

#[test]
fn norwegian_rules_fire_when_broken() {
    assert_clean(&norway(), "NO-");
    assert_each_fires(vec![
        ("NO-R-001", norway().set("NO974760673MVA", "NO974760674MVA")),
        (
            "NO-R-002",
            norway().set(">Foretaksregisteret<", ">Registered<"),
        ),
    ]);
}

fn denmark() -> Doc {
    moved("DK", Some("DK"))
        .set(SELLER_VAT, "<cbc:CompanyID>DK12345678</cbc:CompanyID>")
        .set(SELLER_LEGAL, "<cbc:CompanyID schemeID=\"0184\">12345678</cbc:CompanyID>")
        .set(PAYMENT_MEANS, "<cbc:PaymentMeansCode>31</cbc:PaymentMeansCode>")
        .after("<cbc:ID>FR7630006000011234567890189</cbc:ID>", "<cac:FinancialInstitutionBranch><cbc:ID>1234</cbc:ID></cac:FinancialInstitutionBranch>")
}

#[test]
fn danish_rules_fire_when_broken() {
    assert_clean(&denmark(), "DK-");
    let means = |body: &str| {
        denmark().drop("<cac:PaymentMeans>").before(
            "<cac:PaymentTerms>",
            &format!("<cac:PaymentMeans>{body}</cac:PaymentMeans>"),
        )
    };
    let cn = Doc::credit_note()
        .nth(
            1,
            ">FR</cbc:IdentificationCode>",
            ">DK</cbc:IdentificationCode>",
        )
        .nth(
            1,
            ">FR</cbc:IdentificationCode>",
            ">DK</cbc:IdentificationCode>",
        )
        .set(
            SELLER_LEGAL,
            "<cbc:CompanyID schemeID=\"0184\">12345678</cbc:CompanyID>",
        )
        .set(">240.00</cbc:PayableAmount>", ">-1.00</cbc:PayableAmount>");
    assert_each_fires(vec![
        ("DK-R-002", denmark().set(">12345678</cbc:CompanyID>", "> </cbc:CompanyID>")),
        ("DK-R-014", denmark().set("schemeID=\"0184\"", "schemeID=\"0002\"")),
        ("DK-R-016", cn),
        ("DK-R-013", denmark().nth(2, "<cac:PostalAddress>", "<cac:PartyIdentification><cbc:ID>B1</cbc:ID></cac:PartyIdentification><cac:PostalAddress>")),
        ("DK-R-005", denmark().set(">31</cbc:PaymentMeansCode>", ">30</cbc:PaymentMeansCode>")),
        ("DK-R-006", denmark().drop("<cac:FinancialInstitutionBranch>")),
        ("DK-R-007", means("<cbc:PaymentMeansCode>49</cbc:PaymentMeansCode><cac:PaymentMandate><cbc:ID>M</cbc:ID></cac:PaymentMandate>")),
        ("DK-R-008", means("<cbc:PaymentMeansCode>50</cbc:PaymentMeansCode><cbc:PaymentID>02#1</cbc:PaymentID><cac:PayeeFinancialAccount><cbc:ID>1234567</cbc:ID></cac:PayeeFinancialAccount>")),
        ("DK-R-009", means("<cbc:PaymentMeansCode>50</cbc:PaymentMeansCode><cbc:PaymentID>04#1</cbc:PaymentID><cac:PayeeFinancialAccount><cbc:ID>1234567</cbc:ID></cac:PayeeFinancialAccount>")),
        ("DK-R-010", means("<cbc:PaymentMeansCode>93</cbc:PaymentMeansCode><cbc:PaymentID>72#1</cbc:PaymentID><cac:PayeeFinancialAccount><cbc:ID>12345678</cbc:ID></cac:PayeeFinancialAccount>")),
        ("DK-R-011", means("<cbc:PaymentMeansCode>93</cbc:PaymentMeansCode><cbc:PaymentID>71#1</cbc:PaymentID><cac:PayeeFinancialAccount><cbc:ID>12345678</cbc:ID></cac:PayeeFinancialAccount>")),
        ("DK-R-003", denmark().set("listID=\"STI\"", "listID=\"TST\"")),
        ("DK-R-004", denmark().set(">FC</cbc:AllowanceChargeReasonCode>", ">ZZZ</cbc:AllowanceChargeReasonCode>")),
    ]);
}

fn italy() -> Doc {
    moved("IT", None).set(SELLER_VAT, "<cbc:CompanyID>IT07643520567</cbc:CompanyID>")
}

#[test]
fn italian_rules_fire_when_broken() {
    assert_clean(&italy(), "IT-");
    assert_each_fires(vec![
        (
            "IT-R-001",
            italy().before("<cac:PartyLegalEntity>", &tax_scheme("abc", "TAX")),
        ),
        ("IT-R-002", italy().drop("<cbc:StreetName>")),
        ("IT-R-003", italy().drop("<cbc:CityName>")),
        ("IT-R-004", italy().drop("<cbc:PostalZone>")),
    ]);
}

fn sweden() -> Doc {
    moved("SE", None)
        .set(SELLER_VAT, "<cbc:CompanyID>SE556036079301</cbc:CompanyID>")
        .set(SELLER_LEGAL, "<cbc:CompanyID>5560360793</cbc:CompanyID>")
        .before(
            "<cac:PartyLegalEntity>",
            &tax_scheme("Godkänd för F-skatt", "TAX"),
        )
        .all(
            "<cbc:Percent>20</cbc:Percent>",
            "<cbc:Percent>25</cbc:Percent>",
        )
        .all(">40.00</cbc:TaxAmount>", ">50.00</cbc:TaxAmount>")
        .all(">240.00<", ">250.00<")
}

#[test]
fn swedish_rules_fire_when_broken() {
    assert_clean(&sweden(), "SE-");
    let giro = |branch: &str, account: &str| {
        sweden()
            .set(">FR7630006000011234567890189<", &format!(">{account}<"))
            .after(&format!(">{account}</cbc:ID>"), &format!("<cac:FinancialInstitutionBranch><cbc:ID>{branch}</cbc:ID></cac:FinancialInstitutionBranch>"))
    };
    assert_each_fires(vec![
        ("SE-R-001", sweden().set("SE556036079301", "SE5560360793")),
        ("SE-R-002", sweden().set("SE556036079301", "SE55603607930X")),
        ("SE-R-003", sweden().set(">5560360793<", ">556036079X<")),
        ("SE-R-004", sweden().set(">5560360793<", ">556036079<")),
        ("SE-R-013", sweden().set(">5560360793<", ">5560360794<")),
        ("SE-R-005", sweden().set("Godkänd för F-skatt", "F-skatt")),
        (
            "SE-R-006",
            sweden().nth(
                1,
                "<cbc:Percent>25</cbc:Percent>",
                "<cbc:Percent>20</cbc:Percent>",
            ),
        ),
        ("SE-R-007", giro("SE:PLUSGIRO", "ABC")),
        ("SE-R-010", giro("SE:PLUSGIRO", "123456789")),
        ("SE-R-008", giro("SE:BANKGIRO", "ABCDEFG")),
        ("SE-R-009", giro("SE:BANKGIRO", "123")),
        (
            "SE-R-011",
            sweden().set(
                PAYMENT_MEANS,
                "<cbc:PaymentMeansCode>50</cbc:PaymentMeansCode>",
            ),
        ),
        (
            "SE-R-012",
            sweden()
                .nth(
                    1,
                    ">FR</cbc:IdentificationCode>",
                    ">SE</cbc:IdentificationCode>",
                )
                .set(
                    PAYMENT_MEANS,
                    "<cbc:PaymentMeansCode>31</cbc:PaymentMeansCode>",
                ),
        ),
    ]);
}

const GREEK_ID: &str = "094259216|01/03/2026|1|1.1|A|B";
const MARK: &str = "<cac:AdditionalDocumentReference><cbc:ID>400001</cbc:ID><cbc:DocumentDescription>##M.AR.K##</cbc:DocumentDescription></cac:AdditionalDocumentReference>";
const URL: &str = "<cac:AdditionalDocumentReference><cbc:ID>U</cbc:ID><cbc:DocumentDescription>##INVOICE|URL##</cbc:DocumentDescription><cac:Attachment><cac:ExternalReference><cbc:URI>https://example.gr/i</cbc:URI></cac:ExternalReference></cac:Attachment></cac:AdditionalDocumentReference>";

fn greece() -> Doc {
    moved("GR", Some("GR"))
        .set(
            ">INV-2026-000042</cbc:ID>",
            &format!(">{GREEK_ID}</cbc:ID>"),
        )
        .set(SELLER_VAT, "<cbc:CompanyID>EL094259216</cbc:CompanyID>")
        .set(BUYER_VAT, "<cbc:CompanyID>EL094259216</cbc:CompanyID>")
        .set(
            SELLER_ENDPOINT,
            "<cbc:EndpointID schemeID=\"9933\">094259216</cbc:EndpointID>",
        )
        .set(
            BUYER_ENDPOINT,
            "<cbc:EndpointID schemeID=\"9933\">094259216</cbc:EndpointID>",
        )
        .before("<cac:AdditionalDocumentReference>", &format!("{MARK}{URL}"))
        .nth(
            2,
            "<cac:PostalAddress>",
            "<cac:PartyName><cbc:Name>Buyer</cbc:Name></cac:PartyName><cac:PostalAddress>",
        )
}

#[test]
fn greek_rules_fire_when_broken() {
    assert_clean(&greece(), "GR-");
    let id = |value: &str| greece().set(&format!(">{GREEK_ID}<"), &format!(">{value}<"));
    assert_each_fires(vec![
        ("GR-R-001-1", id("094259216|01/03/2026|1|1.1|A")),
        ("GR-R-001-2", id("094259217|01/03/2026|1|1.1|A|B")),
        ("GR-R-001-3", id("094259216|02/03/2026|1|1.1|A|B")),
        ("GR-R-001-4", id("094259216|01/03/2026|x|1.1|A|B")),
        ("GR-R-001-5", id("094259216|01/03/2026|1|9.9|A|B")),
        ("GR-R-001-6", id("094259216|01/03/2026|1|1.1||B")),
        ("GR-R-001-7", id("094259216|01/03/2026|1|1.1|A|")),
        ("GR-R-002", greece().drop("<cac:PartyName>")),
        ("GR-S-011", greece().nth(1, "EL094259216", "GR094259216")),
        ("GR-R-003", greece().nth(1, "EL094259216", "EL094259217")),
        ("GR-R-004-1", greece().set(MARK, "")),
        ("GR-S-008-1", greece().set(URL, "")),
        (
            "GR-R-008-2",
            greece().before("<cac:AdditionalDocumentReference>", URL),
        ),
        ("GR-R-004-2", greece().set(">400001<", ">0400001<")),
        ("GR-R-008-3", greece().drop("<cac:Attachment>")),
        ("GR-R-005", greece().set("<cbc:Name>Buyer</cbc:Name>", "")),
        (
            "GR-R-009",
            greece().set(
                "<cbc:EndpointID schemeID=\"9933\">094259216",
                "<cbc:EndpointID schemeID=\"0009\">094259216",
            ),
        ),
        ("GR-R-006", greece().nth(2, "EL094259216", "EL094259217")),
        (
            "GR-R-010",
            greece().nth(
                2,
                "<cbc:EndpointID schemeID=\"9933\">",
                "<cbc:EndpointID schemeID=\"0009\">",
            ),
        ),
    ]);
}

fn iceland() -> Doc {
    moved("IS", Some("IS"))
        .set(
            SELLER_LEGAL,
            "<cbc:CompanyID schemeID=\"0196\">1234567890</cbc:CompanyID>",
        )
        .after(
            "<cbc:RegistrationName>Buyer SARL</cbc:RegistrationName>",
            "<cbc:CompanyID schemeID=\"0196\">0987654321</cbc:CompanyID>",
        )
}

#[test]
fn icelandic_rules_fire_when_broken() {
    assert_clean(&iceland(), "IS-");
    let means = |code: &str, account: &str| {
        iceland()
            .set(
                PAYMENT_MEANS,
                &format!("<cbc:PaymentMeansCode>{code}</cbc:PaymentMeansCode>"),
            )
            .set(">FR7630006000011234567890189<", &format!(">{account}<"))
    };
    let due = |date: &str| {
        iceland().before("<cac:AdditionalDocumentReference>", &format!("<cac:AdditionalDocumentReference><cbc:ID>{date}</cbc:ID><cbc:DocumentDescription>EINDAGI</cbc:DocumentDescription></cac:AdditionalDocumentReference>"))
    };
    assert_each_fires(vec![
        ("IS-R-001", iceland().set(">380<", ">393<")),
        (
            "IS-R-002",
            iceland().set(
                "schemeID=\"0196\">1234567890",
                "schemeID=\"0002\">1234567890",
            ),
        ),
        ("IS-R-003", iceland().drop("<cbc:StreetName>")),
        ("IS-R-006", means("9", "1234")),
        ("IS-R-007", means("42", "1234")),
        ("IS-R-008", due("31.03.2026")),
        ("IS-R-009", due("2026-04-30").drop("<cbc:DueDate>")),
        ("IS-R-010", due("2026-03-01")),
        (
            "IS-R-004",
            iceland().set(
                "schemeID=\"0196\">0987654321",
                "schemeID=\"0002\">0987654321",
            ),
        ),
        (
            "IS-R-005",
            iceland().set("<cbc:StreetName>2 Avenue Centrale</cbc:StreetName>", ""),
        ),
    ]);
}

fn netherlands() -> Doc {
    moved("NL", Some("NL")).set(
        SELLER_LEGAL,
        "<cbc:CompanyID schemeID=\"0106\">12345678</cbc:CompanyID>",
    )
}

#[test]
fn dutch_rules_fire_when_broken() {
    assert_clean(&netherlands(), "NL-");
    let credit_note = Doc::credit_note()
        .nth(
            1,
            ">FR</cbc:IdentificationCode>",
            ">NL</cbc:IdentificationCode>",
        )
        .set(
            SELLER_LEGAL,
            "<cbc:CompanyID schemeID=\"0106\">12345678</cbc:CompanyID>",
        );
    let representative = "<cac:TaxRepresentativeParty><cac:PartyName><cbc:Name>Rep</cbc:Name></cac:PartyName><cac:PostalAddress><cbc:CityName>Utrecht</cbc:CityName><cac:Country><cbc:IdentificationCode>NL</cbc:IdentificationCode></cac:Country></cac:PostalAddress></cac:TaxRepresentativeParty>";
    assert_each_fires(vec![
        ("NL-R-001", credit_note),
        ("NL-R-002", netherlands().drop("<cbc:StreetName>")),
        ("NL-R-003", netherlands().set("schemeID=\"0106\"", "schemeID=\"0002\"")),
        ("NL-R-004", netherlands().set("<cbc:StreetName>2 Avenue Centrale</cbc:StreetName>", "")),
        ("NL-R-005", netherlands().after("<cbc:RegistrationName>Buyer SARL</cbc:RegistrationName>", "<cbc:CompanyID schemeID=\"0002\">1</cbc:CompanyID>")),
        ("NL-R-006", netherlands().before("<cac:Delivery>", representative)),
        ("NL-R-007", netherlands().drop("<cac:PaymentMeans>")),
        ("NL-R-008", netherlands().set(PAYMENT_MEANS, "<cbc:PaymentMeansCode>31</cbc:PaymentMeansCode>")),
        ("NL-R-009", netherlands().set("<cbc:ID>1</cbc:ID>", "<cbc:ID>1</cbc:ID><cac:OrderLineReference><cbc:LineID>1</cbc:LineID></cac:OrderLineReference>")),
    ]);
}

fn germany() -> Doc {
    // The delivery address (the second "Lyon") needs a post code in Germany.
    moved("DE", Some("DE")).nth(
        2,
        "<cbc:CityName>Lyon</cbc:CityName>",
        "<cbc:CityName>Lyon</cbc:CityName><cbc:PostalZone>69001</cbc:PostalZone>",
    )
}

#[test]
fn german_rules_fire_when_broken() {
    assert_clean(&germany(), "DE-");
    let means = |body: &str| {
        germany().drop("<cac:PaymentMeans>").before(
            "<cac:PaymentTerms>",
            &format!("<cac:PaymentMeans>{body}</cac:PaymentMeans>"),
        )
    };
    let attachment = "<cac:AdditionalDocumentReference><cbc:ID>A</cbc:ID><cac:Attachment><cbc:EmbeddedDocumentBinaryObject mimeCode=\"application/pdf\" filename=\"a.pdf\">QUJD</cbc:EmbeddedDocumentBinaryObject></cac:Attachment></cac:AdditionalDocumentReference>";
    let mandate = "<cac:PaymentMandate><cbc:ID>M</cbc:ID><cac:PayerFinancialAccount><cbc:ID>DE75512108001245126199</cbc:ID></cac:PayerFinancialAccount></cac:PaymentMandate>";
    assert_each_fires(vec![
        ("DE-R-001", germany().drop("<cac:PaymentMeans>")),
        ("DE-R-002", germany().drop("<cac:Contact>")),
        ("DE-R-003", germany().nth(1, "<cbc:CityName>Paris</cbc:CityName>", "")),
        ("DE-R-004", germany().nth(1, "<cbc:PostalZone>75001</cbc:PostalZone>", "")),
        ("DE-R-005", germany().set("<cbc:Name>Anne</cbc:Name>", "")),
        ("DE-R-006", germany().drop("<cbc:Telephone>")),
        ("DE-R-007", germany().drop("<cbc:ElectronicMail>")),
        ("DE-R-027", germany().set(">+33 1 23 45 67 89<", ">call us<")),
        ("DE-R-028", germany().set(">anne@seller.example<", ">anne at seller<")),
        ("DE-R-008", germany().set("<cbc:CityName>Lyon</cbc:CityName>", "")),
        ("DE-R-009", germany().set("<cbc:PostalZone>69001</cbc:PostalZone>", "")),
        ("DE-R-010", germany().nth(2, "<cbc:CityName>Lyon</cbc:CityName>", "")),
        ("DE-R-011", germany().nth(2, "<cbc:PostalZone>69001</cbc:PostalZone>", "")),
        ("DE-R-014", germany().nth(3, "<cbc:Percent>20</cbc:Percent>", "")),
        ("DE-R-015", germany().drop("<cbc:BuyerReference>")),
        ("DE-R-016", germany().drop_nth(1, "<cac:PartyTaxScheme>")),
        ("DE-R-017", germany().set(">380<", ">393<")),
        ("DE-R-018", germany().set(">30 days net<", ">#SKONTO#TAGE=7#PROZENT=2#\n<")),
        ("DE-R-018", germany().set(">30 days net<", ">#SKONTO#TAGE=7#PROZENT=2.00#<")),
        ("DE-R-019", means("<cbc:PaymentMeansCode>58</cbc:PaymentMeansCode><cac:PayeeFinancialAccount><cbc:ID>DE75512108001245126198</cbc:ID></cac:PayeeFinancialAccount>")),
        ("DE-R-020", means(&format!("<cbc:PaymentMeansCode>59</cbc:PaymentMeansCode>{}", mandate.replace("99<", "98<")))),
        ("DE-R-022", germany().before("<cac:AdditionalDocumentReference>", &attachment.repeat(2))),
        ("DE-R-023-1", means("<cbc:PaymentMeansCode>30</cbc:PaymentMeansCode>")),
        ("DE-R-023-2", means("<cbc:PaymentMeansCode>30</cbc:PaymentMeansCode><cac:CardAccount><cbc:PrimaryAccountNumberID>1234</cbc:PrimaryAccountNumberID></cac:CardAccount><cac:PayeeFinancialAccount><cbc:ID>X</cbc:ID></cac:PayeeFinancialAccount>")),
        ("DE-R-024-1", means("<cbc:PaymentMeansCode>48</cbc:PaymentMeansCode>")),
        ("DE-R-024-2", means("<cbc:PaymentMeansCode>48</cbc:PaymentMeansCode><cac:CardAccount><cbc:PrimaryAccountNumberID>1234</cbc:PrimaryAccountNumberID></cac:CardAccount><cac:PayeeFinancialAccount><cbc:ID>X</cbc:ID></cac:PayeeFinancialAccount>")),
        ("DE-R-025-1", means("<cbc:PaymentMeansCode>59</cbc:PaymentMeansCode>")),
        ("DE-R-025-2", means(&format!("<cbc:PaymentMeansCode>59</cbc:PaymentMeansCode><cac:PayeeFinancialAccount><cbc:ID>X</cbc:ID></cac:PayeeFinancialAccount>{mandate}"))),
        ("DE-R-026", germany().set(">380<", ">384<")),
        ("DE-R-030", means(&format!("<cbc:PaymentMeansCode>59</cbc:PaymentMeansCode>{mandate}"))),
        ("DE-R-031", means("<cbc:PaymentMeansCode>59</cbc:PaymentMeansCode><cac:PaymentMandate><cbc:ID>M</cbc:ID></cac:PaymentMandate>")),
    ]);
}
