//! Issuing's national prerequisites held against the validator. For each country with Peppol
//! national rules (and Belgium and France as controls), a document that `issuable::check` and
//! `national::check` both accept renders without a fatal finding; where no such document exists
//! yet (GR, DE), the best one fails only the rules `national::check` cites for refusing it. And
//! every document `national::check` refuses, though `issuable::check` alone would let it
//! through, renders with the fatal finding of the rule it cites: no check there is idle.

use invoicer_domain::{
    invoice::{
        AllowanceCharge, Card, Content, Delivery, Exemption, Invoice, Kind, Line, Mandate, Parties,
        PayeeAccount, PaymentMeans, PrecedingInvoice, Status, Terms, VatRounding,
    },
    issuable,
    money::Currency,
    national, participant,
    party::{Address, Identity},
    time_text, totals,
    validation::FieldError,
    vat::{Vat, VatCategory},
};
use invoicer_einvoice::{render, validate, Flag};
use rust_decimal::Decimal;

fn text(value: &str) -> Option<String> {
    Some(value.to_owned())
}

/// A date written YYYY-MM-DD, as the domain holds it.
macro_rules! day {
    ($text:expr) => {
        time_text::parse_date($text).ok()
    };
}

/// A party of `country` as the API would hold it: a VAT id, a Peppol id of a national scheme,
/// a full address, an email, and where the country's rules ask for one, a legal registration id.
fn party(country: &str) -> Identity {
    let (vat, peppol, company): (&str, &str, Option<(&str, &str)>) = match country {
        "NO" => (
            "NO974760673MVA",
            "0192:974760673",
            Some(("974760673", "0192")),
        ),
        "DK" => ("DK24256790", "0184:24256790", Some(("24256790", "0184"))),
        "IT" => ("IT12345678901", "0088:5790000435968", None),
        "SE" => (
            "SE556036079301",
            "0007:5560360793",
            Some(("5560360793", "0007")),
        ),
        "GR" => ("EL094259216", "9933:094259216", None),
        "IS" => ("IS123456", "0196:6204830369", Some(("6204830369", "0196"))),
        "NL" => (
            "NL123456789B01",
            "0106:12345678",
            Some(("12345678", "0106")),
        ),
        "DE" => ("DE123456789", "9930:DE123456789", None),
        "BE" => ("BE0403170701", "0208:0403170701", None),
        "FR" => ("FR12345678901", "9957:FR12345678901", None),
        other => panic!("no party for {other}"),
    };
    assert!(participant::parse(peppol).is_ok(), "{peppol} is refused");
    Identity {
        name: format!("{country} Trading"),
        country: country.to_owned(),
        vat_id: text(vat),
        company_id: company.map(|(id, _)| id.to_owned()),
        company_id_scheme: company.map(|(_, scheme)| scheme.to_owned()),
        address: Address {
            line1: text("Main Street 1"),
            line2: None,
            city: text("Capital"),
            postal_code: text("1234"),
            region: None,
        },
        peppol_id: text(peppol),
        email: text("billing@example.com"),
    }
}

fn standard(rate: i64) -> Vat {
    Vat {
        category: VatCategory::S,
        rate: Some(Decimal::from(rate)),
    }
}

fn line(quantity: i64) -> Line {
    Line {
        description: "Consulting".to_owned(),
        quantity: Decimal::from(quantity),
        unit_code: "HUR".to_owned(),
        unit_price: Decimal::from(100),
        // 25 % is a standard rate in Sweden (SE-R-006) and valid everywhere else.
        vat: standard(25),
        allowances_charges: Vec::new(),
        exemption: None,
        item: Default::default(),
        note: None,
    }
}

fn means(code: &str) -> PaymentMeans {
    PaymentMeans {
        code: code.to_owned(),
        remittance: None,
        account: None,
        card: None,
        mandate: None,
    }
}

fn account(id: &str) -> Option<PayeeAccount> {
    Some(PayeeAccount {
        id: id.to_owned(),
        name: None,
        bic: None,
    })
}

/// An issued document from a seller in `seller` to a buyer in `buyer`, paid by SEPA credit
/// transfer, with what `issuable::check` asks of every document.
fn document(kind: Kind, seller: &str, buyer: &str) -> Invoice {
    let at = time_text::parse_timestamp("2026-03-02T09:30:00Z").expect("a timestamp");
    let credit_note = kind == Kind::CreditNote;
    Invoice {
        id: Default::default(),
        kind,
        business_id: Default::default(),
        customer_id: Default::default(),
        credited_invoice_id: None,
        direction: Default::default(),
        stated_totals: None,
        status: Status::Issued,
        number: text(if credit_note {
            "CN-2026-000001"
        } else {
            "INV-2026-000001"
        }),
        terms: Terms {
            issue_date: day!("2026-03-02"),
            due_date: day!("2026-04-01"),
            payment_terms: None,
            buyer_reference: text("BR-4711"),
            purchase_order: None,
            note: None,
            payment_means: Some(PaymentMeans {
                account: account("NL91ABNA0417164300"),
                ..means("58")
            }),
            delivery: None,
            preceding: credit_note.then(|| PrecedingInvoice {
                number: "INV-2026-000001".to_owned(),
                issue_date: day!("2026-02-02"),
            }),
        },
        content: Content {
            currency: Currency::parse("EUR").expect("EUR"),
            lines: vec![line(2)],
            allowances_charges: Vec::new(),
            prepaid: Decimal::ZERO,
            vat_rounding: VatRounding::PerCategory,
        },
        parties: Some(Parties {
            seller: party(seller),
            buyer: party(buyer),
        }),
        ubl_sha256: None,
        issued_at: Some(at),
        paid_at: None,
        voided_at: None,
        created_at: at,
        updated_at: at,
    }
}

fn domestic(country: &str) -> Invoice {
    document(Kind::Invoice, country, country)
}

fn parties(d: &mut Invoice) -> &mut Parties {
    d.parties.as_mut().expect("parties")
}

fn payment(d: &mut Invoice) -> &mut PaymentMeans {
    d.terms.payment_means.as_mut().expect("payment means")
}

/// What issuing refuses apart from the national rules, and what `national::check` refuses.
/// `issuable::check` ends by calling `national::check`, so its answer holds both; the national
/// refusals are taken out of it to see what issuing would refuse without them.
fn refusals(d: &Invoice) -> (Vec<FieldError>, Vec<FieldError>) {
    let totals = totals::compute(&d.content);
    let parties = d.parties.as_ref().expect("parties");
    let mut v = invoicer_domain::validation::Violations::new();
    national::check(d.kind, &d.terms, &d.content, &totals, parties, &mut v);
    let national = v.into_vec();
    let core = issuable::check(d.kind, &d.terms, &d.content, &totals, parties)
        .into_vec()
        .into_iter()
        .filter(|e| !national.contains(e))
        .collect();
    (core, national)
}

/// The fatal rules the rendered document breaks, each once, sorted.
fn fatal_rules(d: &Invoice) -> Vec<&'static str> {
    let xml = render(d).expect("an issued document renders");
    let mut rules: Vec<&str> = validate(xml.as_bytes())
        .findings
        .iter()
        .filter(|f| f.flag == Flag::Fatal)
        .map(|f| f.rule)
        .collect();
    rules.sort_unstable();
    rules.dedup();
    rules
}

#[test]
fn documents_issuing_accepts_render_without_a_fatal_finding_in_every_country() {
    let pairs = [
        ("NO", "NO"),
        ("DK", "DK"),
        ("IT", "IT"),
        ("SE", "SE"),
        ("IS", "IS"),
        ("NL", "NL"),
        ("BE", "BE"),
        ("FR", "FR"),
        // One German party alone brings in no DE rule; a Greek buyer alone no GR rule.
        ("DE", "FR"),
        ("FR", "DE"),
        ("FR", "GR"),
        ("NL", "BE"),
        ("DK", "SE"),
    ];
    for (seller, buyer) in pairs {
        for kind in [Kind::Invoice, Kind::CreditNote] {
            let d = document(kind, seller, buyer);
            let (core, national) = refusals(&d);
            assert!(
                core.is_empty() && national.is_empty(),
                "{seller} → {buyer} {kind:?} refused: {core:#?} {national:#?}"
            );
            let fatal = fatal_rules(&d);
            assert!(
                fatal.is_empty(),
                "{seller} → {buyer} {kind:?} breaks {fatal:?}"
            );
        }
    }
}

/// The best document a country allows fails only the rules `national::check` refuses it for,
/// and is refused for nothing else.
fn assert_refused_only_for(d: &Invoice, field: &str, broken: &[&str]) {
    let (core, national) = refusals(d);
    assert!(core.is_empty(), "{core:#?}");
    assert!(
        national.len() == 1 && national[0].field == field && national[0].code == "not_supported",
        "{national:#?}"
    );
    assert_eq!(fatal_rules(d), broken);
}

#[test]
fn a_greek_seller_is_refused_for_the_number_and_mark_invoicer_cannot_give() {
    // GR-R-001-*: the number is not TIN|date|serial|type|…|…; GR-R-004-1: no MARK; GR-R-002
    // and GR-R-005: the renderer writes no cac:PartyName, which Greek sellers need.
    let broken = [
        "GR-R-001-1",
        "GR-R-001-2",
        "GR-R-001-3",
        "GR-R-001-4",
        "GR-R-001-5",
        "GR-R-001-6",
        "GR-R-001-7",
        "GR-R-002",
        "GR-R-004-1",
        "GR-R-005",
    ];
    assert_refused_only_for(&domestic("GR"), "seller.country", &broken);
    let abroad = document(Kind::Invoice, "GR", "FR");
    assert_refused_only_for(&abroad, "seller.country", &broken);
}

#[test]
fn german_parties_are_refused_for_the_contact_invoicer_cannot_give() {
    for kind in [Kind::Invoice, Kind::CreditNote] {
        assert_refused_only_for(
            &document(kind, "DE", "DE"),
            "buyer.country",
            &["DE-R-005", "DE-R-006"],
        );
    }
}

/// One prerequisite of `national::check`: `edit` breaks it in a document built by `base`.
struct Guard {
    base: fn() -> Invoice,
    edit: fn(&mut Invoice),
    field: &'static str,
    /// What the refusal's message cites.
    cites: &'static str,
    /// The fatal rule the rendering breaks without the refusal.
    fires: &'static str,
}

fn guard(
    base: fn() -> Invoice,
    field: &'static str,
    cites: &'static str,
    fires: &'static str,
    edit: fn(&mut Invoice),
) -> Guard {
    Guard {
        base,
        edit,
        field,
        cites,
        fires,
    }
}

fn norway() -> Invoice {
    domestic("NO")
}
fn denmark() -> Invoice {
    domestic("DK")
}
fn italy() -> Invoice {
    domestic("IT")
}
fn sweden() -> Invoice {
    domestic("SE")
}
fn greece() -> Invoice {
    domestic("GR")
}
fn iceland() -> Invoice {
    domestic("IS")
}
fn netherlands() -> Invoice {
    domestic("NL")
}
fn germany() -> Invoice {
    domestic("DE")
}

fn danish_credit_note() -> Invoice {
    document(Kind::CreditNote, "DK", "DK")
}

fn dutch_credit_note() -> Invoice {
    document(Kind::CreditNote, "NL", "NL")
}

fn zzz_charge(reason: &str) -> AllowanceCharge {
    AllowanceCharge {
        is_charge: true,
        amount: Decimal::from(10),
        base_amount: None,
        percentage: None,
        reason: text(reason),
        reason_code: text("ZZZ"),
        vat: Some(standard(25)),
        exemption: None,
    }
}

fn card() -> Option<Card> {
    Some(Card {
        last_digits: "1234".to_owned(),
        network: None,
        holder: None,
    })
}

fn mandate(debited: Option<&str>) -> Option<Mandate> {
    Some(Mandate {
        id: "MANDATE-1".to_owned(),
        debited_account: debited.map(str::to_owned),
    })
}

fn guards() -> Vec<Guard> {
    vec![
        guard(norway, "seller.vat_id", "NO-R-001", "NO-R-001", |d| {
            parties(d).seller.vat_id = text("NO974760674MVA");
        }),
        guard(denmark, "seller.company_id", "DK-R-002", "DK-R-002", |d| {
            parties(d).seller.company_id = None;
            parties(d).seller.company_id_scheme = None;
        }),
        guard(
            denmark,
            "seller.company_id_scheme",
            "DK-R-014",
            "DK-R-014",
            |d| parties(d).seller.company_id_scheme = None,
        ),
        guard(
            danish_credit_note,
            "line_items",
            "DK-R-016",
            "DK-R-016",
            |d| d.content.lines[0].quantity = Decimal::from(-2),
        ),
        guard(
            denmark,
            "allowances_charges[0].reason",
            "DK-R-004",
            "DK-R-004",
            |d| d.content.allowances_charges.push(zzz_charge("Afgift")),
        ),
        guard(denmark, "payment_means.code", "DK-R-005", "DK-R-005", |d| {
            payment(d).code = "30".to_owned();
        }),
        guard(
            denmark,
            "payment_means.account.bic",
            "DK-R-006",
            "DK-R-006",
            |d| payment(d).code = "31".to_owned(),
        ),
        guard(
            denmark,
            "payment_means.mandate.debited_account",
            "DK-R-007",
            "DK-R-007",
            |d| {
                d.terms.payment_means = Some(PaymentMeans {
                    mandate: mandate(None),
                    ..means("49")
                })
            },
        ),
        guard(
            denmark,
            "payment_means.remittance",
            "DK-R-008",
            "DK-R-008",
            |d| {
                d.terms.payment_means = Some(PaymentMeans {
                    remittance: text("02#1234"),
                    account: account("1234567"),
                    ..means("50")
                })
            },
        ),
        guard(
            denmark,
            "payment_means.account.id",
            "DK-R-008",
            "DK-R-008",
            |d| {
                d.terms.payment_means = Some(PaymentMeans {
                    remittance: text("01#"),
                    account: account("DK5000400440116243"),
                    ..means("50")
                })
            },
        ),
        guard(
            denmark,
            "payment_means.remittance",
            "DK-R-009",
            "DK-R-009",
            |d| {
                d.terms.payment_means = Some(PaymentMeans {
                    remittance: text("15#123"),
                    account: account("1234567"),
                    ..means("50")
                })
            },
        ),
        guard(
            denmark,
            "payment_means.remittance",
            "DK-R-010",
            "DK-R-010",
            |d| {
                d.terms.payment_means = Some(PaymentMeans {
                    remittance: text("72#"),
                    account: account("12345678"),
                    ..means("93")
                })
            },
        ),
        guard(
            denmark,
            "payment_means.remittance",
            "DK-R-011",
            "DK-R-011",
            |d| {
                d.terms.payment_means = Some(PaymentMeans {
                    remittance: text("75#12"),
                    account: account("12345678"),
                    ..means("93")
                })
            },
        ),
        guard(italy, "seller.address.line1", "IT-R-002", "IT-R-002", |d| {
            parties(d).seller.address.line1 = None;
        }),
        guard(
            italy,
            "seller.address.city",
            "IT-R-002/003",
            "IT-R-003",
            |d| {
                parties(d).seller.address.city = None;
            },
        ),
        guard(
            italy,
            "seller.address.postal_code",
            "IT-R-002/003/004",
            "IT-R-004",
            |d| parties(d).seller.address.postal_code = None,
        ),
        guard(sweden, "seller.vat_id", "SE-R-001", "SE-R-001", |d| {
            parties(d).seller.vat_id = text("SE5560360793");
        }),
        guard(sweden, "seller.vat_id", "SE-R-001/002", "SE-R-002", |d| {
            parties(d).seller.vat_id = text("SE55603607930A");
        }),
        guard(sweden, "seller.company_id", "SE-R-003", "SE-R-003", |d| {
            parties(d).seller.company_id = text("556036-079");
            parties(d).seller.company_id_scheme = None;
        }),
        guard(
            sweden,
            "seller.company_id",
            "SE-R-003/004",
            "SE-R-004",
            |d| {
                parties(d).seller.company_id = text("556036079");
                parties(d).seller.company_id_scheme = None;
            },
        ),
        guard(
            sweden,
            "seller.company_id",
            "SE-R-003/004/013",
            "SE-R-013",
            |d| {
                parties(d).seller.company_id = text("5560360794");
                parties(d).seller.company_id_scheme = None;
            },
        ),
        guard(
            sweden,
            "line_items[0].vat_rate",
            "SE-R-006",
            "SE-R-006",
            |d| {
                d.content.lines[0].vat = standard(20);
            },
        ),
        guard(greece, "seller.vat_id", "GR-R-003", "GR-R-003", |d| {
            parties(d).seller.vat_id = text("GR094259216");
        }),
        guard(greece, "seller.peppol_id", "GR-R-009", "GR-R-009", |d| {
            parties(d).seller.peppol_id = text("0088:5790000435968");
        }),
        guard(greece, "buyer.vat_id", "GR-R-006", "GR-R-006", |d| {
            parties(d).buyer.vat_id = None;
        }),
        guard(greece, "buyer.peppol_id", "GR-R-010", "GR-R-010", |d| {
            parties(d).buyer.peppol_id = text("0088:5790000435968");
        }),
        guard(iceland, "seller.company_id", "IS-R-002", "IS-R-002", |d| {
            parties(d).seller.company_id = None;
            parties(d).seller.company_id_scheme = None;
        }),
        guard(
            iceland,
            "seller.company_id_scheme",
            "IS-R-002",
            "IS-R-002",
            |d| parties(d).seller.company_id_scheme = None,
        ),
        guard(
            iceland,
            "seller.address.line1",
            "IS-R-003",
            "IS-R-003",
            |d| {
                parties(d).seller.address.line1 = None;
            },
        ),
        guard(
            iceland,
            "seller.address.postal_code",
            "IS-R-003",
            "IS-R-003",
            |d| parties(d).seller.address.postal_code = None,
        ),
        guard(
            iceland,
            "buyer.company_id_scheme",
            "IS-R-004",
            "IS-R-004",
            |d| parties(d).buyer.company_id_scheme = None,
        ),
        guard(
            iceland,
            "buyer.address.line1",
            "IS-R-005",
            "IS-R-005",
            |d| {
                parties(d).buyer.address.line1 = None;
            },
        ),
        guard(
            iceland,
            "payment_means.account.id",
            "IS-R-006",
            "IS-R-006",
            |d| {
                d.terms.payment_means = Some(PaymentMeans {
                    account: account("0123260001"),
                    ..means("9")
                })
            },
        ),
        guard(
            iceland,
            "payment_means.account",
            "IS-R-007",
            "IS-R-007",
            |d| d.terms.payment_means = Some(means("42")),
        ),
        guard(
            netherlands,
            "seller.address.line1",
            "NL-R-002",
            "NL-R-002",
            |d| parties(d).seller.address.line1 = None,
        ),
        guard(
            netherlands,
            "seller.company_id_scheme",
            "NL-R-003",
            "NL-R-003",
            |d| parties(d).seller.company_id_scheme = None,
        ),
        guard(
            netherlands,
            "buyer.address.postal_code",
            "NL-R-004",
            "NL-R-004",
            |d| parties(d).buyer.address.postal_code = None,
        ),
        guard(
            netherlands,
            "buyer.company_id_scheme",
            "NL-R-005",
            "NL-R-005",
            |d| parties(d).buyer.company_id_scheme = None,
        ),
        guard(netherlands, "payment_means", "NL-R-007", "NL-R-007", |d| {
            d.terms.payment_means = None;
        }),
        guard(
            netherlands,
            "payment_means.code",
            "NL-R-008",
            "NL-R-008",
            |d| {
                payment(d).code = "31".to_owned();
            },
        ),
        guard(
            dutch_credit_note,
            "payment_means",
            "NL-R-008",
            "NL-R-008",
            |d| d.terms.payment_means = None,
        ),
        guard(germany, "payment_means", "DE-R-001", "DE-R-001", |d| {
            d.terms.payment_means = None;
        }),
        guard(germany, "seller.email", "DE-R-002", "DE-R-002", |d| {
            parties(d).seller.email = None;
        }),
        guard(
            germany,
            "seller.address.city",
            "DE-R-003",
            "DE-R-003",
            |d| {
                parties(d).seller.address.city = None;
            },
        ),
        guard(
            germany,
            "seller.address.postal_code",
            "DE-R-003/004",
            "DE-R-004",
            |d| parties(d).seller.address.postal_code = None,
        ),
        guard(germany, "buyer.address.city", "DE-R-008", "DE-R-008", |d| {
            parties(d).buyer.address.city = None;
        }),
        guard(
            germany,
            "buyer.address.postal_code",
            "DE-R-008/009",
            "DE-R-009",
            |d| parties(d).buyer.address.postal_code = None,
        ),
        guard(
            germany,
            "delivery.address.city",
            "DE-R-010",
            "DE-R-010",
            |d| {
                d.terms.delivery = Some(Delivery {
                    country: text("DE"),
                    ..Delivery::default()
                });
            },
        ),
        guard(
            germany,
            "delivery.address.postal_code",
            "DE-R-010/011",
            "DE-R-011",
            |d| {
                d.terms.delivery = Some(Delivery {
                    address: Address {
                        line1: text("Dock 4"),
                        city: text("Hamburg"),
                        ..Address::default()
                    },
                    country: text("DE"),
                    ..Delivery::default()
                });
            },
        ),
        guard(
            germany,
            "line_items[0].vat_category",
            "DE-R-014",
            "DE-R-014",
            |d| {
                d.content.lines[0].vat = Vat {
                    category: VatCategory::O,
                    rate: None,
                };
                d.content.lines[0].exemption = Some(Exemption {
                    reason: text("Not subject to VAT"),
                    code: text("VATEX-EU-O"),
                });
                parties(d).seller.company_id = text("HRB 12345");
            },
        ),
        guard(germany, "buyer_reference", "DE-R-015", "DE-R-015", |d| {
            d.terms.buyer_reference = None;
            d.terms.purchase_order = text("PO-77");
        }),
        guard(germany, "payment_terms", "DE-R-018", "DE-R-018", |d| {
            d.terms.payment_terms = text("#SKONTO#TAGE=7#PROZENT=2#\n");
        }),
        guard(
            germany,
            "payment_means.card",
            "DE-R-023-2",
            "DE-R-023-2",
            |d| {
                payment(d).card = card();
            },
        ),
        guard(
            germany,
            "payment_means.card",
            "DE-R-024-1",
            "DE-R-024-1",
            |d| d.terms.payment_means = Some(means("48")),
        ),
        guard(
            germany,
            "payment_means.account",
            "DE-R-024-2",
            "DE-R-024-2",
            |d| {
                payment(d).code = "48".to_owned();
                payment(d).card = card();
            },
        ),
        guard(
            germany,
            "payment_means.account",
            "DE-R-025-2",
            "DE-R-025-2",
            |d| {
                payment(d).code = "59".to_owned();
                payment(d).mandate = mandate(Some("DE89370400440532013000"));
            },
        ),
        guard(
            germany,
            "payment_means.mandate",
            "DE-R-030",
            "DE-R-030",
            |d| {
                d.terms.payment_means = Some(PaymentMeans {
                    mandate: mandate(Some("DE89370400440532013000")),
                    ..means("59")
                })
            },
        ),
        guard(
            germany,
            "payment_means.mandate.debited_account",
            "DE-R-031",
            "DE-R-031",
            |d| {
                d.terms.payment_means = Some(PaymentMeans {
                    mandate: mandate(None),
                    ..means("59")
                })
            },
        ),
    ]
}

#[test]
fn every_national_refusal_stops_a_document_a_fatal_rule_would_refuse() {
    let mut failures = Vec::new();
    for g in guards() {
        let mut d = (g.base)();
        (g.edit)(&mut d);
        let (core, national) = refusals(&d);
        let refused = national
            .iter()
            .any(|e| e.field == g.field && e.message.contains(g.cites));
        let fatal = fatal_rules(&d);
        if !core.is_empty() || !refused || !fatal.contains(&g.fires) {
            failures.push(format!(
                "{} at {}: issuable refuses {:?}; national refuses {:?}; fatal {:?}",
                g.fires,
                g.field,
                core.iter().map(|e| &e.field).collect::<Vec<_>>(),
                national
                    .iter()
                    .map(|e| format!("{}: {}", e.field, e.message))
                    .collect::<Vec<_>>(),
                fatal
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
