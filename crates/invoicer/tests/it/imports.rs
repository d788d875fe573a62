//! Received e-invoices: `POST /v1/einvoices/import`, incoming documents and their lifecycle.

use std::path::PathBuf;

use reqwest::Method;
use serde_json::{json, Value};

use crate::{
    both,
    support::{assert_problem, error_fields, Resp, TestApp},
};

both!(
    a_received_invoice_becomes_an_incoming_document_of_its_buyer,
    the_same_document_imported_twice_is_refused,
    an_invalid_document_creates_nothing,
    a_document_for_none_of_your_businesses_says_how_it_was_matched,
    an_incoming_document_is_received_then_paid_or_disputed,
    totals_the_document_rounds_its_own_way_are_kept_as_stated,
    every_clean_official_example_round_trips_through_import_and_rendering,
);

/// Official examples without a fatal finding that do not come back whole through import and
/// our rendering, and why. Measured; the test fails when one starts to pass, so the list stays
/// true.
const ROUND_TRIP_EXCEPTIONS: &[(&str, &str)] = &[
    (
        "cen-ubl-examples/FT G2G_TD01 con Allegato, Bonifico e Split Payment.xml",
        "not imported: with its attachment it is over the 1 MiB body limit, and its VAT category \
         B (Italian split payment) is not one of the nine categories",
    ),
    (
        "peppol-examples/vat-category-O.xml",
        "rendered with BR-CO-26: the seller's only identifier is cac:PartyIdentification (BT-29), \
         which the model does not keep, and a category O document shows no VAT id",
    ),
    (
        "peppol-national-examples/GR-base-example-correct.xml",
        "rendered with GR-R-002, GR-R-004-1, GR-R-005: Greek documents need both parties' \
         trading names and a MARK document reference, which the model does not keep",
    ),
    (
        "peppol-national-examples/Norwegian-example-1.xml",
        "payable differs: the document rounds its payable amount (BT-114, 0.22), which the model \
         keeps only as its stated totals (totals_source: document), not as a rounding to render",
    ),
];

/// The official example corpus kept beside the repository.
pub fn corpus_example(path: &str) -> Vec<u8> {
    let file = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/corpus/ubl/examples"
    ))
    .join(path);
    std::fs::read(&file).unwrap_or_else(|e| {
        panic!(
            "the UBL example corpus is missing ({e}): expected {} beside the repository",
            file.display()
        )
    })
}

async fn import(app: &TestApp, query: &str, xml: Vec<u8>) -> Resp {
    app.send(
        app.req(Method::POST, &format!("/v1/einvoices/import{query}"))
            .header("content-type", "application/xml")
            .body(xml),
    )
    .await
}

/// A business that is the buyer of `peppol-examples/base-example.xml` (by its VAT id).
async fn buyer_of_base_example(app: &TestApp) -> Value {
    app.post(
        "/v1/businesses",
        json!({"legal_name": "Buyercompany ltd", "country": "SE", "vat_id": "SE4598375937"}),
    )
    .await
    .ok(201)
    .clone()
}

async fn a_received_invoice_becomes_an_incoming_document_of_its_buyer(app: &TestApp) {
    let business = buyer_of_base_example(app).await;
    let xml = corpus_example("peppol-examples/base-example.xml");
    let created = import(app, "", xml.clone()).await;
    let doc = created.ok(201).clone();
    assert_eq!(doc["object"], "invoice");
    assert_eq!(doc["direction"], "incoming");
    assert_eq!(doc["status"], "received");
    assert_eq!(doc["business_id"], business["id"]);
    assert_eq!(doc["customer_id"], Value::Null);
    // Its own number and dates, never renumbered; its parties as the document gives them.
    assert_eq!(doc["number"], "Snippet1");
    assert_eq!(doc["issue_date"], "2017-11-13");
    assert_eq!(doc["due_date"], "2017-12-01");
    assert_eq!(doc["seller"]["name"], "SupplierOfficialName Ltd");
    assert_eq!(doc["seller"]["peppol_id"], "0088:9482348239847239874");
    assert_eq!(doc["buyer"]["vat_id"], "SE4598375937");
    assert_eq!(doc["totals_source"], "computed");
    assert_eq!(doc["totals"]["payable"], "1656.25");
    assert_eq!(doc["totals"]["tax_total"], "331.25");
    assert_eq!(doc["currency"], "EUR");
    assert_eq!(doc["line_items"].as_array().unwrap().len(), 2);
    // Its bytes are kept as received, and digested.
    let id = doc["id"].as_str().unwrap();
    let ubl = app.get(&format!("/v1/invoices/{id}/ubl")).await;
    assert_eq!(ubl.text.as_bytes(), xml.as_slice());
    assert_eq!(
        doc["ubl_sha256"],
        hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&xml)).as_str()
    );
    // Listed among the incoming documents, not the outgoing ones.
    let incoming = app.get("/v1/invoices?direction=incoming").await;
    assert_eq!(incoming.ok(200)["data"][0]["id"], doc["id"]);
    let outgoing = app.get("/v1/invoices?direction=outgoing").await;
    assert_eq!(outgoing.ok(200)["data"], json!([]));
    let bad = app.get("/v1/invoices?direction=sideways").await;
    assert_problem(&bad, 400, "invalid_request");
    assert_eq!(error_fields(&bad), vec!["direction"]);
    // A credit note comes in as a credit note.
    let note = import(
        app,
        &format!("?business_id={}", business["id"].as_str().unwrap()),
        corpus_example("peppol-examples/base-creditnote-correction.xml"),
    )
    .await;
    assert_eq!(note.ok(201)["object"], "credit_note");
    assert_eq!(note.body["direction"], "incoming");
}

async fn the_same_document_imported_twice_is_refused(app: &TestApp) {
    buyer_of_base_example(app).await;
    let xml = corpus_example("peppol-examples/base-example.xml");
    let first = import(app, "", xml.clone()).await;
    let first = first.ok(201).clone();
    let again = import(app, "", xml).await;
    assert_problem(&again, 409, "document_already_imported");
    assert_eq!(again.body["existing_id"], first["id"]);
    let all = app.get("/v1/invoices").await;
    assert_eq!(all.ok(200)["data"].as_array().unwrap().len(), 1);
}

async fn an_invalid_document_creates_nothing(app: &TestApp) {
    buyer_of_base_example(app).await;
    let xml = String::from_utf8(corpus_example("peppol-examples/base-example.xml")).unwrap();
    let broken = xml.replacen(
        "<cbc:PayableAmount currencyID=\"EUR\">1656.25</cbc:PayableAmount>",
        "<cbc:PayableAmount currencyID=\"EUR\">1656.26</cbc:PayableAmount>",
        1,
    );
    assert_ne!(broken, xml);
    let refused = import(app, "", broken.into_bytes()).await;
    assert_problem(&refused, 400, "validation_failed");
    let rules: Vec<&str> = refused.body["validation_errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"BR-CO-16"), "{rules:?}");
    assert_eq!(app.get("/v1/invoices").await.body["data"], json!([]));
    let not_xml = app
        .send(
            app.req(Method::POST, "/v1/einvoices/import")
                .header("content-type", "application/json")
                .body("{}"),
        )
        .await;
    assert_problem(&not_xml, 415, "unsupported_media_type");
}

async fn a_document_for_none_of_your_businesses_says_how_it_was_matched(app: &TestApp) {
    app.business().await;
    let refused = import(app, "", corpus_example("peppol-examples/base-example.xml")).await;
    assert_problem(&refused, 404, "business_not_found");
    let detail = refused.body["detail"].as_str().unwrap();
    assert!(
        detail.contains("0002:FR23342")
            && detail.contains("SE4598375937")
            && detail.contains("business_id"),
        "{detail}"
    );
    let unknown = import(
        app,
        "?business_id=0190d3c4-5e6f-7a8b-9c0d-1e2f3a4b5c6d",
        corpus_example("peppol-examples/base-example.xml"),
    )
    .await;
    assert_problem(&unknown, 404, "business_not_found");
    let malformed = import(
        app,
        "?business_id=nope",
        corpus_example("peppol-examples/base-example.xml"),
    )
    .await;
    assert_problem(&malformed, 400, "invalid_request");
    assert_eq!(error_fields(&malformed), vec!["business_id"]);
}

async fn an_incoming_document_is_received_then_paid_or_disputed(app: &TestApp) {
    buyer_of_base_example(app).await;
    let doc = import(app, "", corpus_example("peppol-examples/base-example.xml")).await;
    let id = doc.ok(201)["id"].as_str().unwrap().to_owned();
    let path = |action: &str| format!("/v1/invoices/{id}/{action}");
    // Not ours to issue, void, edit or credit.
    assert_problem(
        &app.post(&path("issue"), json!({})).await,
        409,
        "invoice_not_draft",
    );
    assert_problem(
        &app.post(&path("void"), json!({})).await,
        409,
        "invoice_not_voidable",
    );
    assert_problem(
        &app.patch(&format!("/v1/invoices/{id}"), json!({"note": "x"}))
            .await,
        409,
        "invoice_not_editable",
    );
    let credit = app
        .post("/v1/credit_notes", json!({"invoice_id": id}))
        .await;
    assert_problem(&credit, 409, "invoice_not_creditable");
    let disputed = app.post(&path("dispute"), json!({})).await;
    assert_eq!(disputed.ok(200)["status"], "disputed");
    assert_problem(
        &app.post(&path("dispute"), json!({})).await,
        409,
        "invoice_not_disputable",
    );
    let paid = app.post(&path("mark_paid"), json!({})).await;
    assert_eq!(paid.ok(200)["status"], "paid");
    // Our own issued invoices are not disputed by us.
    let ours = app.issued().await;
    let refused = app
        .post(
            &format!("/v1/invoices/{}/dispute", ours["id"].as_str().unwrap()),
            json!({}),
        )
        .await;
    assert_problem(&refused, 409, "invoice_not_disputable");
    // A received credit note has the same lifecycle.
    let note = import(
        app,
        "",
        corpus_example("peppol-examples/base-creditnote-correction.xml"),
    )
    .await;
    let note_id = note.ok(201)["id"].as_str().unwrap().to_owned();
    let disputed = app
        .post(&format!("/v1/credit_notes/{note_id}/dispute"), json!({}))
        .await;
    assert_eq!(disputed.ok(200)["status"], "disputed");
    let paid = app
        .post(&format!("/v1/credit_notes/{note_id}/mark_paid"), json!({}))
        .await;
    assert_eq!(paid.ok(200)["status"], "paid");
    let missing = app
        .post(
            "/v1/credit_notes/0190d3c4-5e6f-7a8b-9c0d-1e2f3a4b5c6d/mark_paid",
            json!({}),
        )
        .await;
    assert_problem(&missing, 404, "credit_note_not_found");
}

async fn totals_the_document_rounds_its_own_way_are_kept_as_stated(app: &TestApp) {
    let business = app
        .post(
            "/v1/businesses",
            json!({"legal_name": "Buyer AS", "country": "NO", "default_currency": "NOK"}),
        )
        .await
        .ok(201)
        .clone();
    let doc = import(
        app,
        &format!("?business_id={}", business["id"].as_str().unwrap()),
        corpus_example("peppol-national-examples/Norwegian-example-1.xml"),
    )
    .await;
    let doc = doc.ok(201).clone();
    // The document rounds its payable amount (PayableRoundingAmount 0.22), which ours does not.
    assert_eq!(doc["totals_source"], "document");
    assert_eq!(doc["totals"]["payable"], "802.00");
}

/// Every official example file, by its path under `examples/`.
fn corpus_examples() -> Vec<String> {
    let root = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/corpus/ubl/examples"
    ));
    let mut files = Vec::new();
    for dir in std::fs::read_dir(&root).expect("the UBL example corpus beside the repository") {
        let dir = dir.unwrap().path();
        for file in std::fs::read_dir(&dir).unwrap() {
            let file = file.unwrap().path();
            if file
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("xml"))
            {
                files.push(file.strip_prefix(&root).unwrap().display().to_string());
            }
        }
    }
    files.sort();
    files
}

/// The business content of a document, as labelled facts to compare.
fn business_content(doc: &invoicer_einvoice::ReadDocument) -> Vec<String> {
    let t = &doc.stated;
    // Figures compare by value: a document may write 1436.5 where ours writes 1436.50.
    let n = |d: rust_decimal::Decimal| d.normalize();
    let mut facts = vec![
        format!("kind {:?}", doc.kind),
        format!("number {}", doc.number),
        format!("issue date {:?}", doc.terms.issue_date),
        format!("due date {:?}", doc.terms.due_date),
        format!("currency {}", doc.content.currency),
        format!("line extension {}", n(t.line_extension)),
        format!(
            "allowances {} charges {}",
            n(t.allowance_total),
            n(t.charge_total)
        ),
        format!(
            "tax exclusive {} tax {} inclusive {}",
            n(t.tax_exclusive),
            n(t.tax_total),
            n(t.tax_inclusive)
        ),
        format!("prepaid {} payable {}", n(t.prepaid), n(t.payable)),
        format!("lines {}", doc.content.lines.len()),
    ];
    // The breakdown in a fixed order: documents list it in any.
    let mut breakdown: Vec<String> = t
        .vat_breakdown
        .iter()
        .map(|s| {
            format!(
                "VAT {} {:?} taxable {} tax {} exemption {:?}",
                s.category,
                s.rate.map(n),
                n(s.taxable_amount),
                n(s.tax_amount),
                s.exemption.as_ref().and_then(|e| e.code.clone())
            )
        })
        .collect();
    breakdown.sort();
    facts.extend(breakdown);
    for (role, p) in [
        ("seller", &doc.parties.seller),
        ("buyer", &doc.parties.buyer),
    ] {
        facts.push(format!(
            "{role} {} {} vat {:?} company {:?} peppol {:?}",
            p.name, p.country, p.vat_id, p.company_id, p.peppol_id
        ));
    }
    for (i, l) in doc.content.lines.iter().enumerate() {
        facts.push(format!(
            "line {i}: {} {} {} at {} {} {:?} net {} classes {:?}",
            l.description,
            l.quantity.normalize(),
            l.unit_code,
            l.unit_price.normalize(),
            l.vat.category,
            l.vat.rate.map(|r| r.normalize()),
            n(invoicer_domain::totals::line_net(doc.content.currency, l)),
            l.item
                .classifications
                .iter()
                .map(|c| format!("{}:{}", c.list_id, c.code))
                .collect::<Vec<_>>()
        ));
    }
    facts
}

/// Import, then render the created document as stored, and compare.
async fn round_trip(app: &TestApp, xml: Vec<u8>) -> Result<(), String> {
    // A business of its own each: several examples share their issuer, number and date.
    let business = app.business().await;
    let query = format!("?business_id={}", business["id"].as_str().unwrap());
    let created = import(app, &query, xml.clone()).await;
    if created.status != 201 {
        return Err(format!("not imported: {}", created.body["detail"]));
    }
    let kind = match created.body["object"].as_str() {
        Some("credit_note") => invoicer_domain::invoice::Kind::CreditNote,
        _ => invoicer_domain::invoice::Kind::Invoice,
    };
    let tenant = invoicer_domain::tenant::Tenant {
        account_id: app.account_id,
        environment: invoicer_domain::api_key::Environment::Test,
    };
    let mut stored =
        invoicer_app::invoices::get(&app.db, tenant, kind, created.body["id"].as_str().unwrap())
            .await
            .map_err(|e| e.to_string())?;
    // Rendered as an issued document would be; the stored one is `received`.
    stored.status = invoicer_domain::invoice::Status::Issued;
    let ubl = invoicer_einvoice::render(&stored).map_err(|e| format!("not rendered: {e}"))?;
    let report = invoicer_einvoice::validate(ubl.as_bytes());
    if report.has_fatal() {
        let rules: Vec<&str> = report.findings.iter().map(|f| f.rule).collect();
        return Err(format!("rendered with {rules:?}"));
    }
    let before = business_content(&invoicer_einvoice::read(&xml).map_err(|e| e.to_string())?);
    let after =
        business_content(&invoicer_einvoice::read(ubl.as_bytes()).map_err(|e| e.to_string())?);
    let differ: Vec<String> = before
        .iter()
        .zip(&after)
        .filter(|(a, b)| a != b)
        .map(|(a, b)| format!("{a} -> {b}"))
        .collect();
    if differ.is_empty() && before.len() == after.len() {
        Ok(())
    } else {
        Err(format!("differs: {differ:?}"))
    }
}

async fn every_clean_official_example_round_trips_through_import_and_rendering(app: &TestApp) {
    let (mut clean, mut whole, mut failures, mut exceptions) = (0, 0, Vec::new(), Vec::new());
    for file in corpus_examples() {
        let xml = corpus_example(&file);
        if invoicer_einvoice::validate(&xml).has_fatal() {
            continue;
        }
        clean += 1;
        let outcome = round_trip(app, xml).await;
        let excepted = ROUND_TRIP_EXCEPTIONS.iter().find(|(f, _)| *f == file);
        match (outcome, excepted) {
            (Ok(()), None) => whole += 1,
            (Ok(()), Some(_)) => failures.push(format!(
                "{file} round-trips now: take it off the exceptions"
            )),
            (Err(why), Some((_, reason))) => exceptions.push(format!("{file}: {why} ({reason})")),
            (Err(why), None) => failures.push(format!("{file}: {why}")),
        }
    }
    println!("{whole} of {clean} clean examples round-trip whole through import and rendering");
    for e in &exceptions {
        println!("  {e}");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(whole + exceptions.len(), clean);
    assert!(whole >= 26, "only {whole} of {clean} round-trip");
}
