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
);

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
