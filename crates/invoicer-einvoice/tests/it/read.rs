//! Reading UBL into the domain model: every example of the corpus without a fatal finding is
//! read with the totals it states, our own totals are held against those, what is read comes
//! back the same through `render`, every refusal names where it is, and no input makes the
//! reader panic.

use std::sync::OnceLock;

use invoicer_domain::{
    invoice::{Invoice, Kind, Status},
    totals::{self, TotalField, Totals},
    vat::VatCategory,
};
use invoicer_einvoice::{read, render, validate, Flag, ReadDocument};
use proptest::prelude::*;
use rust_decimal::Decimal;
use serde_json::Value;

use crate::support::{corpus_dir, read_corpus_file, Doc};

/// Examples without a fatal finding that the domain cannot hold, with the problem code that
/// says why.
const UNREADABLE: &[(&str, &str, &str)] = &[(
    "examples/cen-ubl-examples/FT G2G_TD01 con Allegato, Bonifico e Split Payment.xml",
    "invalid_vat_category",
    "VAT category B (Italian split payment) is not a domain VatCategory",
)];

/// Examples read whose totals `totals::compute` does not reproduce: the figures that differ,
/// and why.
const TOTALS_DIFFER: &[(&str, &[&str], &str)] = &[(
    "examples/peppol-national-examples/Norwegian-example-1.xml",
    &["payable"],
    "PayableRoundingAmount 0.22 (BT-114): the domain has no payable rounding, so our payable \
     is 801.78 where the document states 802.00",
)];

/// How many examples agree with our totals to the cent, as measured; it may only grow.
const TOTALS_AGREE_AT_LEAST: usize = 28;

/// The examples the validator accepts without a fatal finding, with their bytes.
fn clean_examples() -> &'static [(String, Vec<u8>)] {
    static CLEAN: OnceLock<Vec<(String, Vec<u8>)>> = OnceLock::new();
    CLEAN.get_or_init(|| {
        let expected =
            std::fs::read_to_string(corpus_dir().join("expected.jsonl")).expect("expected.jsonl");
        expected
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                let line: Value = serde_json::from_str(l).expect("a JSON line");
                line["file"].as_str().expect("a file name").to_owned()
            })
            .filter(|file| file.starts_with("examples/"))
            .map(|file| {
                let xml = read_corpus_file(&file);
                (file, xml)
            })
            .filter(|(_, xml)| !validate(xml).has_fatal())
            .collect()
    })
}

/// A figure of the document found by plain text search, independently of the parser: the
/// text of the first `<tag …>` in `xml[from..until]`, its attributes, and where it ends.
fn element<'a>(
    xml: &'a str,
    tag: &str,
    from: usize,
    until: usize,
) -> Option<(&'a str, &'a str, usize)> {
    let open = format!("<{tag}");
    let mut at = from;
    loop {
        let start = at + xml[at..until].find(&open)?;
        let after = start + open.len();
        if matches!(xml.as_bytes()[after], b' ' | b'>' | b'\t' | b'\n') {
            let close = after + xml[after..].find('>')?;
            let text_end = close + xml[close..].find('<')?;
            return Some((
                &xml[after..close],
                xml[close + 1..text_end].trim(),
                text_end,
            ));
        }
        at = after;
    }
}

fn span(xml: &str, tag: &str, from: usize) -> Option<(usize, usize)> {
    let start = from + xml[from..].find(&format!("<{tag}>"))?;
    let end = start + xml[start..].find(&format!("</{tag}>"))?;
    Some((start, end))
}

fn figure(text: &str) -> Decimal {
    text.parse()
        .unwrap_or_else(|e| panic!("`{text}` is not a figure: {e}"))
}

/// Holds `stated` to the figures of `xml`, found by text search.
fn check_stated(file: &str, xml: &str, doc: &ReadDocument) -> Vec<String> {
    let mut wrong = Vec::new();
    let (from, until) = span(xml, "cac:LegalMonetaryTotal", 0).expect("a LegalMonetaryTotal");
    let stated = |tag: &str| {
        element(xml, &format!("cbc:{tag}"), from, until)
            .map_or(Decimal::ZERO, |(_, t, _)| figure(t))
    };
    let s = &doc.stated;
    for (tag, ours) in [
        ("LineExtensionAmount", s.line_extension),
        ("AllowanceTotalAmount", s.allowance_total),
        ("ChargeTotalAmount", s.charge_total),
        ("TaxExclusiveAmount", s.tax_exclusive),
        ("TaxInclusiveAmount", s.tax_inclusive),
        ("PrepaidAmount", s.prepaid),
        ("PayableRoundingAmount", doc.payable_rounding),
        ("PayableAmount", s.payable),
    ] {
        if stated(tag) != ours {
            wrong.push(format!(
                "{file}: {tag} read as {ours}, written {}",
                stated(tag)
            ));
        }
    }
    let currency = element(xml, "cbc:DocumentCurrencyCode", 0, xml.len())
        .expect("a currency")
        .1;
    let mut at = 0;
    let mut breakdown = Vec::new();
    while let Some((start, end)) = span(xml, "cac:TaxTotal", at) {
        at = end;
        let (attrs, amount, _) = element(xml, "cbc:TaxAmount", start, end).expect("a TaxAmount");
        if !attrs
            .replace(' ', "")
            .contains(&format!("currencyID=\"{currency}\""))
        {
            continue;
        }
        if figure(amount) != s.tax_total {
            wrong.push(format!(
                "{file}: TaxAmount read as {}, written {amount}",
                s.tax_total
            ));
        }
        let mut sub = start;
        while let Some((from, until)) = span(xml, "cac:TaxSubtotal", sub).filter(|(_, e)| *e < end)
        {
            sub = until;
            let text = |tag| element(xml, tag, from, until).map(|(_, t, _)| t);
            breakdown.push((
                text("cbc:ID").expect("a category").to_owned(),
                text("cbc:Percent").map(|p| figure(p).normalize()),
                figure(text("cbc:TaxableAmount").expect("a taxable amount")),
                figure(text("cbc:TaxAmount").expect("a tax amount")),
            ));
        }
    }
    let ours: Vec<_> = s
        .vat_breakdown
        .iter()
        .map(|v| {
            (
                v.category.code().to_owned(),
                v.rate.map(|r| r.normalize()),
                v.taxable_amount,
                v.tax_amount,
            )
        })
        .collect();
    if ours != breakdown {
        wrong.push(format!(
            "{file}: VAT breakdown read as {ours:?}, written {breakdown:?}"
        ));
    }
    wrong
}

/// Every figure where `ours` and `stated` differ, by name.
fn differences(ours: &Totals, stated: &Totals) -> Vec<(String, Decimal, Decimal)> {
    let mut found: Vec<(String, Decimal, Decimal)> = TotalField::ALL
        .iter()
        .filter(|f| f.of(ours) != f.of(stated))
        .map(|f| (f.name().to_owned(), f.of(ours), f.of(stated)))
        .collect();
    if ours.prepaid != stated.prepaid {
        found.push(("prepaid".to_owned(), ours.prepaid, stated.prepaid));
    }
    let key =
        |s: &totals::VatSubtotal| format!("{} {:?}", s.category, s.rate.map(|r| r.normalize()));
    for theirs in &stated.vat_breakdown {
        match ours.vat_breakdown.iter().find(|o| key(o) == key(theirs)) {
            None => found.push((
                format!("vat {} missing", key(theirs)),
                Decimal::ZERO,
                theirs.taxable_amount,
            )),
            Some(o) => {
                if o.taxable_amount != theirs.taxable_amount {
                    found.push((
                        format!("vat {} taxable", key(theirs)),
                        o.taxable_amount,
                        theirs.taxable_amount,
                    ));
                }
                if o.tax_amount != theirs.tax_amount {
                    found.push((
                        format!("vat {} tax", key(theirs)),
                        o.tax_amount,
                        theirs.tax_amount,
                    ));
                }
            }
        }
    }
    for o in &ours.vat_breakdown {
        if !stated.vat_breakdown.iter().any(|t| key(t) == key(o)) {
            found.push((
                format!("vat {} extra", key(o)),
                o.taxable_amount,
                Decimal::ZERO,
            ));
        }
    }
    found
}

#[test]
fn every_clean_example_is_read_and_its_totals_held_against_ours() {
    let examples = clean_examples();
    assert_eq!(
        examples.len(),
        30,
        "30 of the 75 examples have no fatal finding"
    );
    let mut failures = Vec::new();
    let mut agree = 0;
    let mut report = Vec::new();
    for (file, xml) in examples {
        let unreadable = UNREADABLE.iter().find(|(f, _, _)| f == file);
        let doc = match (read(xml), unreadable) {
            (Ok(doc), None) => doc,
            (Err(e), Some((_, code, why))) => {
                if e.problems.iter().any(|p| p.code == *code) {
                    report.push(format!("unreadable {file}: {why}"));
                } else {
                    failures.push(format!("{file}: refused, but not for `{code}`: {e}"));
                }
                continue;
            }
            (Err(e), None) => {
                failures.push(format!("{file}: {e}"));
                continue;
            }
            (Ok(_), Some(_)) => {
                failures.push(format!("{file} is read now: take it off UNREADABLE"));
                continue;
            }
        };
        failures.extend(check_stated(
            file,
            std::str::from_utf8(xml).expect("UTF-8"),
            &doc,
        ));
        let diffs = differences(&totals::compute(&doc.content), &doc.stated);
        let listed = TOTALS_DIFFER.iter().find(|(f, _, _)| f == file);
        match (diffs.is_empty(), listed) {
            (true, None) => agree += 1,
            (true, Some(_)) => {
                failures.push(format!("{file} agrees now: take it off TOTALS_DIFFER"))
            }
            (false, Some((_, figures, why))) => {
                let names: Vec<&str> = diffs.iter().map(|d| d.0.as_str()).collect();
                if names != *figures {
                    failures.push(format!(
                        "{file}: differs in {diffs:?}, listed as {figures:?}"
                    ));
                }
                report.push(format!("differs {file}: {diffs:?}: {why}"));
            }
            (false, None) => failures.push(format!(
                "{file}: our totals differ: {diffs:?} (ours, stated)"
            )),
        }
    }
    println!(
        "{agree} of {} clean examples read with totals equal to ours to the cent; {} read with \
         other totals; {} unreadable",
        examples.len(),
        TOTALS_DIFFER.len(),
        UNREADABLE.len()
    );
    for line in &report {
        println!("  {line}");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(
        agree >= TOTALS_AGREE_AT_LEAST,
        "only {agree} examples agree with our totals, {TOTALS_AGREE_AT_LEAST} did"
    );
}

#[test]
fn the_norwegian_payable_is_ours_plus_its_rounding_amount() {
    let doc = read(&read_corpus_file(
        "examples/peppol-national-examples/Norwegian-example-1.xml",
    ))
    .expect("read");
    let ours = totals::compute(&doc.content);
    assert_eq!(doc.payable_rounding, Decimal::new(22, 2));
    assert_eq!(ours.payable + doc.payable_rounding, doc.stated.payable);
}

#[test]
fn every_modelled_field_of_the_calc_snippet_is_read() {
    let doc = read(&read_corpus_file("examples/peppol-snippets/Calc.xml")).expect("read");
    let date = |s: &str| invoicer_domain::time_text::parse_date(s).expect("a date");
    let d = |s: &str| s.parse::<Decimal>().expect("a decimal");
    assert_eq!(doc.kind, Kind::Invoice);
    assert_eq!(doc.number, "Snippet1");
    let t = &doc.terms;
    assert_eq!(t.issue_date, Some(date("2017-11-13")));
    assert_eq!(t.due_date, Some(date("2017-12-01")));
    assert_eq!(t.buyer_reference.as_deref(), Some("0150abc"));
    assert_eq!(t.purchase_order.as_deref(), Some("o-998877"));
    assert_eq!(
        t.payment_terms.as_deref(),
        Some("Payment within 10 days, 2% discount")
    );
    assert_eq!(
        t.note.as_deref(),
        Some("Please note we have a new phone number: 22 22 22 22")
    );
    let means = t.payment_means.as_ref().expect("payment means");
    assert_eq!(
        (means.code.as_str(), means.remittance.as_deref()),
        ("30", Some("Snippet1"))
    );
    let account = means.account.as_ref().expect("an account");
    assert_eq!(
        (
            account.id.as_str(),
            account.name.as_deref(),
            account.bic.as_deref()
        ),
        ("IBAN32423940", Some("AccountName"), Some("BIC324098"))
    );
    let delivery = t.delivery.as_ref().expect("a delivery");
    assert_eq!(delivery.date, Some(date("2017-11-01")));
    assert_eq!(delivery.party_name.as_deref(), Some("Delivery party Name"));
    assert_eq!(delivery.address.line1.as_deref(), Some("Delivery street 2"));
    assert_eq!(delivery.country.as_deref(), Some("SE"));
    assert_eq!(t.preceding, None);

    let seller = &doc.parties.seller;
    assert_eq!(
        seller.name, "SupplierOfficialName Ltd",
        "the registration name wins"
    );
    assert_eq!(
        seller.vat_id.as_deref(),
        Some("GB1232434"),
        "the VAT scheme, not TAX"
    );
    assert_eq!(seller.company_id.as_deref(), Some("GB983294"));
    assert_eq!(seller.peppol_id.as_deref(), Some("0088:7300010000001"));
    assert_eq!(seller.email.as_deref(), Some("john.doe@foo.bar"));
    assert_eq!(seller.country, "GB");
    let a = &seller.address;
    assert_eq!(
        (
            a.line1.as_deref(),
            a.line2.as_deref(),
            a.city.as_deref(),
            a.postal_code.as_deref(),
            a.region.as_deref()
        ),
        (
            Some("Main street 1"),
            Some("Postbox 123"),
            Some("London"),
            Some("GB 123 EW"),
            Some("West London district")
        )
    );
    let buyer = &doc.parties.buyer;
    assert_eq!(buyer.company_id_scheme.as_deref(), Some("0183"));
    assert_eq!(buyer.peppol_id.as_deref(), Some("0002:FR23342"));

    let c = &doc.content;
    assert_eq!(c.currency.code(), "EUR");
    assert_eq!(c.prepaid, d("1000"));
    assert_eq!(c.lines.len(), 3);
    let first = &c.lines[0];
    assert_eq!(
        (
            first.description.as_str(),
            first.quantity,
            first.unit_code.as_str()
        ),
        ("item name", d("10"), "C62")
    );
    assert_eq!(
        first.unit_price,
        d("410"),
        "the net price; the price discount is information"
    );
    assert_eq!(first.note.as_deref(), Some("Testing note on line level"));
    assert_eq!(first.item.seller_id.as_deref(), Some("97iugug876"));
    assert_eq!(first.item.buyer_id.as_deref(), Some("lfjsdlfkj"));
    let standard = first.item.standard_id.as_ref().expect("a standard id");
    assert_eq!(
        (standard.scheme.as_str(), standard.id.as_str()),
        ("0088", "7300010000001")
    );
    assert_eq!(first.item.classifications[0].list_id, "SRV");
    assert_eq!(first.item.classifications[0].code, "09348023");
    assert_eq!(first.item.origin_country.as_deref(), Some("NO"));
    let line_acs: Vec<_> = first
        .allowances_charges
        .iter()
        .map(|ac| {
            (
                ac.is_charge,
                ac.amount,
                ac.base_amount,
                ac.percentage,
                ac.reason_code.as_deref(),
                ac.vat,
            )
        })
        .collect();
    assert_eq!(
        line_acs,
        [
            (true, d("1"), Some(d("100")), Some(d("1")), Some("CG"), None),
            (false, d("101"), None, None, Some("95"), None)
        ]
    );
    assert_eq!(
        (first.vat.category, first.vat.rate),
        (VatCategory::S, Some(d("25.0")))
    );
    assert_eq!(first.exemption, None);
    let second = &c.lines[1];
    assert_eq!(second.unit_price, d("100"), "200 per base quantity of 2");
    assert_eq!(second.vat.category, VatCategory::E);
    let exemption = second
        .exemption
        .as_ref()
        .expect("the breakdown's exemption");
    assert_eq!(exemption.reason.as_deref(), Some("Reason for tax exempt"));

    let charge = &c.allowances_charges[0];
    assert!(charge.is_charge);
    assert_eq!(
        (charge.amount, charge.base_amount, charge.percentage),
        (d("200"), Some(d("1000")), Some(d("20")))
    );
    assert_eq!(
        (charge.reason.as_deref(), charge.reason_code.as_deref()),
        (Some("Cleaning"), Some("CG"))
    );
    assert_eq!(
        charge.vat.map(|v| (v.category, v.rate)),
        Some((VatCategory::S, Some(d("25"))))
    );
    assert!(!c.allowances_charges[1].is_charge);

    assert_eq!(
        doc.stated.tax_total,
        d("1225.00"),
        "the document currency's, not the SEK one"
    );
    assert_eq!(doc.stated.vat_breakdown.len(), 2);
    assert_eq!(doc.payable_rounding, Decimal::ZERO);
}

#[test]
fn a_credit_note_takes_its_due_date_from_payment_means_and_names_the_invoice_it_credits() {
    let xml = Doc::credit_note()
        .after(
            "<cbc:PaymentMeansCode>30</cbc:PaymentMeansCode>",
            "<cbc:PaymentDueDate>2026-04-30</cbc:PaymentDueDate>",
        )
        .before(
            "<cac:AccountingSupplierParty>",
            "<cac:BillingReference><cac:InvoiceDocumentReference><cbc:ID>INV-7</cbc:ID>\
             <cbc:IssueDate>2026-01-15</cbc:IssueDate></cac:InvoiceDocumentReference></cac:BillingReference>",
        );
    let doc = read(xml.0.as_bytes()).expect("read");
    let date = |s: &str| invoicer_domain::time_text::parse_date(s).expect("a date");
    assert_eq!(doc.kind, Kind::CreditNote);
    assert_eq!(doc.terms.due_date, Some(date("2026-04-30")));
    let preceding = doc.terms.preceding.expect("the credited invoice");
    assert_eq!(
        (preceding.number.as_str(), preceding.issue_date),
        ("INV-7", Some(date("2026-01-15")))
    );
    assert_eq!(doc.content.lines.len(), 2);
}

#[test]
fn an_electronic_address_under_scheme_em_is_the_email() {
    let xml = Doc::invoice().set(
        "<cbc:EndpointID schemeID=\"0009\">12345678900017</cbc:EndpointID>",
        "<cbc:EndpointID schemeID=\"EM\">billing@seller.example</cbc:EndpointID>",
    );
    let doc = read(xml.0.as_bytes()).expect("read");
    let seller = &doc.parties.seller;
    assert_eq!(
        seller.email.as_deref(),
        Some("billing@seller.example"),
        "not the contact's"
    );
    assert_eq!(seller.peppol_id, None);
    assert_eq!(
        doc.parties.buyer.peppol_id.as_deref(),
        Some("0009:98765432100019")
    );
    assert_eq!(doc.parties.buyer.name, "Buyer SARL");
}

#[test]
fn a_price_per_base_quantity_is_divided_exactly_or_to_the_domains_six_decimals() {
    let with_base = |base: &str| {
        let xml = Doc::invoice().set(
            "<cbc:BaseQuantity unitCode=\"C62\">1</cbc:BaseQuantity>",
            &format!("<cbc:BaseQuantity unitCode=\"C62\">{base}</cbc:BaseQuantity>"),
        );
        read(xml.0.as_bytes()).map(|doc| doc.content.lines[1].unit_price)
    };
    assert_eq!(with_base("4").expect("read"), Decimal::new(125, 1));
    assert_eq!(with_base("3").expect("read"), Decimal::new(16_666_667, 6));
    assert_eq!(with_base("1.000").expect("read"), Decimal::new(5000, 2));
    let zero = with_base("0").expect_err("a zero base quantity");
    assert_eq!(zero.problems[0].code, "out_of_range");
    assert_eq!(
        zero.problems[0].location,
        "/Invoice[1]/cac:InvoiceLine[2]/cac:Price[1]/cbc:BaseQuantity[1]"
    );
}

#[test]
fn everything_that_cannot_be_read_is_listed_at_once_with_its_location() {
    let xml = Doc::invoice()
        .set(">380</cbc:InvoiceTypeCode>", ">384</cbc:InvoiceTypeCode>")
        .set(
            ">EUR</cbc:DocumentCurrencyCode>",
            ">XEU</cbc:DocumentCurrencyCode>",
        )
        .set(
            ">10</cbc:InvoicedQuantity>",
            ">1000000000</cbc:InvoicedQuantity>",
        )
        .set("<cbc:Name>Gadget</cbc:Name>", "")
        .set(
            "<cbc:IssueDate>2026-03-01</cbc:IssueDate>",
            "<cbc:IssueDate>2026-02-30</cbc:IssueDate>",
        );
    let err = read(xml.0.as_bytes()).expect_err("refused");
    let found: Vec<(&str, &str)> = err
        .problems
        .iter()
        .map(|p| (p.code, p.location.as_str()))
        .collect();
    for expected in [
        (
            "unsupported_type_code",
            "/Invoice[1]/cbc:InvoiceTypeCode[1]",
        ),
        (
            "invalid_currency",
            "/Invoice[1]/cbc:DocumentCurrencyCode[1]",
        ),
        (
            "out_of_range",
            "/Invoice[1]/cac:InvoiceLine[1]/cbc:InvoicedQuantity[1]",
        ),
        (
            "required",
            "/Invoice[1]/cac:InvoiceLine[2]/cac:Item[1]/cbc:Name",
        ),
        ("invalid_date", "/Invoice[1]/cbc:IssueDate[1]"),
    ] {
        assert!(found.contains(&expected), "{expected:?} not in {found:?}");
    }
    assert_eq!(found.len(), 5, "{found:?}");
    assert!(err
        .to_string()
        .contains("/Invoice[1]/cbc:DocumentCurrencyCode[1]: `XEU`"));
}

#[test]
fn a_category_the_domain_lacks_and_a_missing_party_are_refused() {
    let xml = Doc::invoice()
        .all("<cbc:ID>S</cbc:ID>", "<cbc:ID>B</cbc:ID>")
        .drop("<cac:AccountingCustomerParty>");
    let err = read(xml.0.as_bytes()).expect_err("refused");
    let codes: Vec<&str> = err.problems.iter().map(|p| p.code).collect();
    assert!(codes.contains(&"invalid_vat_category"), "{codes:?}");
    assert!(err.problems.iter().any(|p| p.code == "required"
        && p.location == "/Invoice[1]/cac:AccountingCustomerParty/cac:Party"));
}

#[test]
fn a_fault_repeated_many_times_is_listed_a_hundred_times_and_counted() {
    let bad = "<cac:AllowanceCharge><cbc:ChargeIndicator>true</cbc:ChargeIndicator>\
               <cbc:AllowanceChargeReason>Freight</cbc:AllowanceChargeReason>\
               <cbc:Amount currencyID=\"EUR\">x</cbc:Amount><cac:TaxCategory><cbc:ID>S</cbc:ID>\
               <cbc:Percent>20</cbc:Percent></cac:TaxCategory></cac:AllowanceCharge>";
    let xml = Doc::invoice().before("<cac:TaxTotal>", &bad.repeat(300));
    let err = read(xml.0.as_bytes()).expect_err("refused");
    assert_eq!(err.problems.len(), 101);
    let last = err.problems.last().expect("a last problem");
    assert_eq!(last.code, "too_many_problems");
    assert_eq!(last.message, "200 more problems are not listed.");
}

#[test]
fn bytes_that_are_not_a_ubl_document_are_refused() {
    for xml in [
        &b""[..],
        b"hello",
        b"<Order xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Order-2\"/>",
        b"<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"a\">]><Invoice/>",
    ] {
        let err = read(xml).expect_err("refused");
        assert_eq!(err.problems.len(), 1);
        assert_eq!(err.problems[0].code, "unreadable_document");
    }
}

#[test]
fn no_document_of_the_corpus_makes_the_reader_panic() {
    let expected =
        std::fs::read_to_string(corpus_dir().join("expected.jsonl")).expect("expected.jsonl");
    for line in expected.lines().filter(|l| !l.trim().is_empty()) {
        let line: Value = serde_json::from_str(line).expect("a JSON line");
        let xml = read_corpus_file(line["file"].as_str().expect("a file name"));
        if let Ok(doc) = read(&xml) {
            totals::compute(&doc.content);
        }
    }
}

/// Where the text of each leaf element of `xml` lies: the places a value can be changed.
fn text_spans(xml: &[u8]) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut i = 0;
    while let Some(gt) = xml[i..].iter().position(|&b| b == b'>') {
        let start = i + gt + 1;
        let Some(len) = xml[start..].iter().position(|&b| b == b'<') else {
            break;
        };
        if xml[start..start + len]
            .iter()
            .any(|b| !b.is_ascii_whitespace())
        {
            spans.push((start, start + len));
        }
        i = start;
    }
    spans
}

/// Values that sit at the edges of what the reader accepts.
const NASTY: &[&str] = &[
    "",
    " ",
    "0",
    "-0",
    "-1",
    "1e3",
    ".5",
    "7.",
    "+3",
    "1.2.3",
    "-.0000001",
    "0.0000001",
    "99999999999999999999",
    "999999999999999999999999999999",
    "79228162514264337593543950335",
    "-79228162514264337593543950335",
    "S",
    "B",
    "O",
    "380",
    "384",
    "381",
    "EM",
    "EUR",
    "XXX",
    "true",
    "false",
    "2026-02-30",
    "&amp;",
    "&#x1F600;",
    "\u{10FFFF}",
];

#[derive(Debug, Clone)]
enum Mutation {
    /// Replaces the text of the `n`th leaf with a nasty value.
    Text(prop::sample::Index, &'static str),
    /// Removes a stretch of bytes.
    Cut(prop::sample::Index, usize),
    /// Overwrites a byte.
    Byte(prop::sample::Index, u8),
    /// Keeps only a prefix.
    Truncate(prop::sample::Index),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        4 => (any::<prop::sample::Index>(), prop::sample::select(NASTY)).prop_map(|(i, v)| Mutation::Text(i, v)),
        2 => (any::<prop::sample::Index>(), 1usize..200).prop_map(|(i, n)| Mutation::Cut(i, n)),
        2 => (any::<prop::sample::Index>(), any::<u8>()).prop_map(|(i, b)| Mutation::Byte(i, b)),
        1 => any::<prop::sample::Index>().prop_map(Mutation::Truncate),
    ]
}

fn apply(xml: &mut Vec<u8>, m: &Mutation) {
    match m {
        Mutation::Text(i, value) => {
            let spans = text_spans(xml);
            if !spans.is_empty() {
                let (start, end) = spans[i.index(spans.len())];
                xml.splice(start..end, value.bytes());
            }
        }
        Mutation::Cut(i, n) => {
            let start = i.index(xml.len());
            let end = (start + n).min(xml.len());
            xml.drain(start..end);
        }
        Mutation::Byte(i, b) => {
            let at = i.index(xml.len());
            xml[at] = *b;
        }
        Mutation::Truncate(i) => {
            let at = i.index(xml.len());
            xml.truncate(at);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn arbitrary_bytes_never_make_the_reader_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let _ = read(&bytes);
    }

    #[test]
    fn mutated_examples_never_make_the_reader_or_the_totals_panic(
        pick in any::<prop::sample::Index>(),
        mutations in prop::collection::vec(mutation(), 1..6),
    ) {
        let examples = clean_examples();
        let mut xml = examples[pick.index(examples.len())].1.clone();
        for m in &mutations {
            if !xml.is_empty() {
                apply(&mut xml, m);
            }
        }
        // What was read lies within the domain's bounds, so the totals are safe to compute.
        if let Ok(doc) = read(&xml) {
            totals::compute(&doc.content);
        }
    }
}

/// A value of a type from `uuid` or `time`, which this crate does not name, from its JSON form:
/// adding them as dev-dependencies would change the shared lock file for one test.
fn from_json<T: serde::de::DeserializeOwned>(json: &str) -> T {
    serde_json::from_str(json).expect("a fixed value")
}

fn issued(doc: &ReadDocument) -> Invoice {
    let at = invoicer_domain::time_text::parse_timestamp("2026-03-01T12:00:00Z").expect("a time");
    Invoice {
        id: from_json("\"00000000-0000-7000-8000-000000000001\""),
        kind: doc.kind,
        business_id: from_json("\"00000000-0000-7000-8000-000000000002\""),
        customer_id: from_json("\"00000000-0000-7000-8000-000000000003\""),
        credited_invoice_id: None,
        direction: Default::default(),
        stated_totals: None,
        status: Status::Issued,
        number: Some(doc.number.clone()),
        terms: doc.terms.clone(),
        content: doc.content.clone(),
        parties: Some(doc.parties.clone()),
        ubl_sha256: None,
        issued_at: Some(at),
        paid_at: None,
        voided_at: None,
        created_at: at,
        updated_at: at,
    }
}

fn round_trip_differences(a: &ReadDocument, b: &ReadDocument) -> Vec<String> {
    let mut d = Vec::new();
    macro_rules! same {
        ($name:expr, $x:expr, $y:expr) => {
            if $x != $y {
                d.push(format!("{}: {:?} -> {:?}", $name, $x, $y));
            }
        };
    }
    same!("kind", a.kind, b.kind);
    same!("number", a.number, b.number);
    let (s, t) = (&a.terms, &b.terms);
    same!("issue_date", s.issue_date, t.issue_date);
    same!("due_date", s.due_date, t.due_date);
    same!("payment_terms", s.payment_terms, t.payment_terms);
    same!("buyer_reference", s.buyer_reference, t.buyer_reference);
    same!("purchase_order", s.purchase_order, t.purchase_order);
    same!("note", s.note, t.note);
    same!("payment_means", s.payment_means, t.payment_means);
    same!("delivery", s.delivery, t.delivery);
    same!("preceding", s.preceding, t.preceding);
    same!("currency", a.content.currency, b.content.currency);
    same!("line count", a.content.lines.len(), b.content.lines.len());
    for (i, (x, y)) in a.content.lines.iter().zip(&b.content.lines).enumerate() {
        same!(
            format!("line {i} description"),
            x.description,
            y.description
        );
        same!(format!("line {i} quantity"), x.quantity, y.quantity);
        same!(format!("line {i} unit_code"), x.unit_code, y.unit_code);
        same!(format!("line {i} unit_price"), x.unit_price, y.unit_price);
        same!(format!("line {i} vat"), x.vat, y.vat);
        same!(
            format!("line {i} allowances_charges"),
            x.allowances_charges,
            y.allowances_charges
        );
        same!(format!("line {i} exemption"), x.exemption, y.exemption);
        same!(format!("line {i} item"), x.item, y.item);
        same!(format!("line {i} note"), x.note, y.note);
        let c = a.content.currency;
        same!(
            format!("line {i} net"),
            totals::line_net(c, x),
            totals::line_net(c, y)
        );
    }
    same!(
        "allowances_charges",
        a.content.allowances_charges,
        b.content.allowances_charges
    );
    same!("prepaid", a.content.prepaid, b.content.prepaid);
    for (role, x, y) in [
        ("seller", &a.parties.seller, &b.parties.seller),
        ("buyer", &a.parties.buyer, &b.parties.buyer),
    ] {
        same!(format!("{role} name"), x.name, y.name);
        same!(format!("{role} country"), x.country, y.country);
        same!(format!("{role} vat_id"), x.vat_id, y.vat_id);
        same!(format!("{role} company_id"), x.company_id, y.company_id);
        same!(
            format!("{role} company_id_scheme"),
            x.company_id_scheme,
            y.company_id_scheme
        );
        same!(format!("{role} address"), x.address, y.address);
        same!(format!("{role} peppol_id"), x.peppol_id, y.peppol_id);
        same!(format!("{role} email"), x.email, y.email);
    }
    for f in TotalField::ALL {
        same!(
            format!("stated {}", f.name()),
            f.of(&a.stated),
            f.of(&b.stated)
        );
    }
    let sorted = |t: &Totals| {
        let mut v = t.vat_breakdown.clone();
        v.sort_by_key(|s| (s.category, s.rate.map(|r| r.normalize())));
        v
    };
    same!("vat breakdown", sorted(&a.stated), sorted(&b.stated));
    same!("payable_rounding", a.payable_rounding, b.payable_rounding);
    d
}

/// Examples read whose rendering has a fatal finding: the rules, and what the domain lacks.
const RENDERED_FATAL: &[(&str, &[&str], &str)] = &[
    (
        "examples/peppol-examples/vat-category-O.xml",
        &["BR-CO-26"],
        "the seller's only identifier is cac:PartyIdentification (BT-29), which the domain does \
         not model, and a category O document shows no VAT id",
    ),
    (
        "examples/peppol-national-examples/GR-base-example-correct.xml",
        &["GR-R-002", "GR-R-004-1", "GR-R-005"],
        "Greek sellers need both parties' cac:PartyName (the domain has one name per party, \
         written as the registration name) and a MARK number in an AdditionalDocumentReference \
         (the domain has no document references)",
    ),
];

/// Examples whose second reading differs from the first: the fields, and why.
const ROUND_TRIP_DIFFER: &[(&str, &[&str], &str)] = &[(
    "examples/peppol-national-examples/Norwegian-example-1.xml",
    &["stated payable", "payable_rounding"],
    "the domain has no payable rounding (BT-114): the rendering states 801.78 payable, not 802.00",
)];

/// How many examples come back from read → render → read unchanged and without a fatal
/// finding, as measured; it may only grow.
const ROUND_TRIPS_AT_LEAST: usize = 26;

#[test]
fn every_readable_example_comes_back_the_same_through_render_and_read() {
    let mut failures = Vec::new();
    let mut report = Vec::new();
    let (mut tried, mut whole) = (0, 0);
    for (file, xml) in clean_examples() {
        let Ok(first) = read(xml) else {
            continue;
        };
        tried += 1;
        let ubl = match render(&issued(&first)) {
            Ok(ubl) => ubl,
            Err(e) => {
                failures.push(format!("{file}: not rendered: {e}"));
                continue;
            }
        };
        let mut fatal: Vec<&str> = validate(ubl.as_bytes())
            .findings
            .iter()
            .filter(|f| f.flag == Flag::Fatal)
            .map(|f| f.rule)
            .collect();
        fatal.dedup();
        let expected_fatal = RENDERED_FATAL.iter().find(|(f, _, _)| f == file);
        match expected_fatal {
            Some((_, rules, why)) if fatal == *rules => {
                report.push(format!("rendered with {rules:?} {file}: {why}"));
            }
            None if fatal.is_empty() => {}
            _ => failures.push(format!(
                "{file}: the rendering has fatal findings {fatal:?}, listed {:?}",
                expected_fatal.map(|(_, rules, _)| rules)
            )),
        }
        let second = match read(ubl.as_bytes()) {
            Ok(second) => second,
            Err(e) => {
                failures.push(format!("{file}: the rendering is not read back: {e}"));
                continue;
            }
        };
        let differences = round_trip_differences(&first, &second);
        let names: Vec<&str> = differences
            .iter()
            .map(|d| d.split(':').next().unwrap_or(d))
            .collect();
        match ROUND_TRIP_DIFFER.iter().find(|(f, _, _)| f == file) {
            Some((_, fields, why)) if names == *fields => {
                report.push(format!("differs {file}: {differences:?}: {why}"));
            }
            None if differences.is_empty() => {}
            listed => failures.push(format!(
                "{file}: comes back with {differences:?}, listed {:?}",
                listed.map(|(_, fields, _)| fields)
            )),
        }
        if fatal.is_empty() && differences.is_empty() {
            whole += 1;
        }
    }
    println!(
        "{whole} of {tried} readable examples come back unchanged and without a fatal finding"
    );
    for line in &report {
        println!("  {line}");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(
        whole >= ROUND_TRIPS_AT_LEAST,
        "only {whole} examples round-trip, {ROUND_TRIPS_AT_LEAST} did"
    );
}
