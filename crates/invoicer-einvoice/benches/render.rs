//! Rendering speed for a 10-line and a 500-line invoice, beside validating the same rendered
//! document and, as the floor, copying its bytes into a `Vec<u8>` one element's worth at a time.
//!
//! `cargo bench -p invoicer-einvoice --bench render`

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use invoicer_domain::{
    invoice::{
        AllowanceCharge, Classification, Content, Delivery, Invoice, Item, Kind, Line, Parties,
        PayeeAccount, PaymentMeans, SchemedId, Status, Terms, VatRounding,
    },
    money::Currency,
    party::{Address, Identity},
    time_text,
    vat::{Vat, VatCategory},
};
use rust_decimal::Decimal;

fn text(value: &str) -> Option<String> {
    Some(value.to_owned())
}

fn party(name: &str, country: &str, vat_id: &str, peppol_id: &str) -> Identity {
    Identity {
        name: name.to_owned(),
        country: country.to_owned(),
        vat_id: text(vat_id),
        company_id: None,
        company_id_scheme: None,
        address: Address {
            line1: text("Main street 1"),
            line2: None,
            city: text("Capital City"),
            postal_code: text("1000"),
            region: None,
        },
        peppol_id: text(peppol_id),
        email: text("billing@example.com"),
    }
}

/// An invoice of `lines` lines in two VAT rates, with item identifiers on every other line and
/// a line discount on every fifth, a document discount, credit transfer and delivery.
fn invoice(lines: usize) -> Invoice {
    let standard = |rate: i64| Vat {
        category: VatCategory::S,
        rate: Some(Decimal::from(rate)),
    };
    let lines: Vec<Line> = (0..lines)
        .map(|i| {
            let quantity = Decimal::from(i % 7 + 1);
            let price = Decimal::new(1999 + i as i64 * 13, 2);
            Line {
                description: format!("Article {i}, standard edition"),
                quantity,
                unit_code: "C62".to_owned(),
                unit_price: price,
                vat: standard(if i % 3 == 0 { 6 } else { 21 }),
                allowances_charges: if i % 5 == 0 {
                    vec![AllowanceCharge {
                        is_charge: false,
                        amount: Decimal::new(100, 2),
                        base_amount: None,
                        percentage: None,
                        reason: text("Volume discount"),
                        reason_code: text("95"),
                        vat: None,
                        exemption: None,
                    }]
                } else {
                    Vec::new()
                },
                exemption: None,
                item: if i % 2 == 0 {
                    Item {
                        seller_id: Some(format!("ART-{i:05}")),
                        buyer_id: None,
                        standard_id: Some(SchemedId {
                            scheme: "0160".to_owned(),
                            id: "4012345000016".to_owned(),
                        }),
                        classifications: vec![Classification {
                            list_id: "STI".to_owned(),
                            list_version: None,
                            code: "39111000".to_owned(),
                        }],
                        origin_country: None,
                    }
                } else {
                    Item::default()
                },
                note: None,
            }
        })
        .collect();
    let at = time_text::parse_timestamp("2026-03-02T09:30:00Z").expect("a timestamp");
    Invoice {
        id: Default::default(),
        kind: Kind::Invoice,
        business_id: Default::default(),
        customer_id: Default::default(),
        credited_invoice_id: None,
        direction: Default::default(),
        stated_totals: None,
        status: Status::Issued,
        number: text("INV-2026-000042"),
        terms: Terms {
            issue_date: time_text::parse_date("2026-03-02").ok(),
            due_date: time_text::parse_date("2026-04-01").ok(),
            payment_terms: text("30 days net"),
            buyer_reference: text("PO-2026-17"),
            purchase_order: None,
            note: text("Thank you for your order & see you soon."),
            payment_means: Some(PaymentMeans {
                code: "58".to_owned(),
                remittance: text("INV-2026-000042"),
                account: Some(PayeeAccount {
                    id: "BE68539007547034".to_owned(),
                    name: None,
                    bic: text("GKCCBEBB"),
                }),
                card: None,
                mandate: None,
            }),
            delivery: Some(Delivery {
                date: time_text::parse_date("2026-02-27").ok(),
                party_name: None,
                address: Address::default(),
                country: text("FR"),
            }),
            preceding: None,
        },
        content: Content {
            currency: Currency::parse("EUR").expect("a currency"),
            lines,
            allowances_charges: vec![AllowanceCharge {
                is_charge: false,
                amount: Decimal::new(2500, 2),
                base_amount: None,
                percentage: None,
                reason: text("Loyalty discount"),
                reason_code: text("95"),
                vat: Some(standard(21)),
                exemption: None,
            }],
            prepaid: Decimal::ZERO,
            vat_rounding: VatRounding::PerCategory,
        },
        parties: Some(Parties {
            seller: party(
                "Atelier Lumière SA",
                "BE",
                "BE0403170701",
                "0208:0403170701",
            ),
            buyer: party(
                "Maison Verte SARL",
                "FR",
                "FR12345678901",
                "9957:FR12345678901",
            ),
        }),
        ubl_sha256: None,
        issued_at: Some(at),
        paid_at: None,
        voided_at: None,
        created_at: at,
        updated_at: at,
    }
}

/// Copies `doc` into a new vector `chunk` bytes at a time: the cost of producing the same
/// bytes with no work besides moving them.
fn plain_write(doc: &[u8], chunk: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(doc.len());
    for piece in doc.chunks(chunk) {
        out.extend_from_slice(piece);
    }
    out
}

fn bench(c: &mut Criterion) {
    for lines in [10, 500] {
        let document = invoice(lines);
        let xml = invoicer_einvoice::render(&document).expect("an issued invoice renders");
        let report = invoicer_einvoice::validate(xml.as_bytes());
        assert!(report.findings.is_empty(), "{:?}", report.findings);
        let elements = xml.matches('<').count() - xml.matches("</").count() - 1;
        let chunk = xml.len() / elements;

        let mut group = c.benchmark_group(format!(
            "{lines}-line invoice ({} bytes, {elements} elements)",
            xml.len()
        ));
        group.throughput(Throughput::Elements(1));
        group.bench_function("render", |b| {
            b.iter(|| invoicer_einvoice::render(black_box(&document)))
        });
        group.bench_function("validate", |b| {
            b.iter(|| invoicer_einvoice::validate(black_box(xml.as_bytes())))
        });
        group.bench_function(format!("plain write ({chunk}-byte chunks)"), |b| {
            b.iter(|| plain_write(black_box(xml.as_bytes()), chunk))
        });
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
