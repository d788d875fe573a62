//! Credit notes reference an issued invoice, take their own series, and never credit more than
//! the invoice.

use serde_json::json;

use crate::{
    both,
    support::{assert_problem, error_fields, TestApp},
};

both!(
    a_whole_invoice_is_credited_by_default,
    partial_credits_add_up_to_at_most_the_invoice,
    only_issued_invoices_can_be_credited,
    unknown_credit_notes_are_not_found,
);

async fn a_whole_invoice_is_credited_by_default(app: &TestApp) {
    let invoice = app.issued().await;
    let note = app
        .post("/v1/credit_notes", json!({"invoice_id": invoice["number"]}))
        .await;
    let body = note.ok(201).clone();
    assert_eq!(body["object"], "credit_note");
    assert_eq!(body["status"], "issued");
    assert_eq!(body["number"], "CN-2026-000001");
    assert_eq!(body["invoice_id"], invoice["id"]);
    assert_eq!(body["totals"], invoice["totals"]);
    assert_eq!(
        app.get("/v1/credit_notes/CN-2026-000001").await.ok(200)["id"],
        body["id"]
    );
    assert_eq!(
        app.get("/v1/credit_notes").await.body["data"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        app.get("/v1/invoices").await.body["data"]
            .as_array()
            .unwrap()
            .len(),
        1,
        "kinds stay apart"
    );
}

async fn partial_credits_add_up_to_at_most_the_invoice(app: &TestApp) {
    let invoice = app.issued().await;
    let id = invoice["id"].as_str().unwrap();
    let line = |qty: &str| json!([{"description": "Refund", "quantity": qty, "unit_price": "100.00", "vat_rate": "21"}]);
    let first = app
        .post(
            "/v1/credit_notes",
            json!({"invoice_id": id, "line_items": line("4")}),
        )
        .await;
    assert_eq!(first.ok(201)["totals"]["payable"], "484.00");
    let second = app
        .post(
            "/v1/credit_notes",
            json!({"invoice_id": id, "line_items": line("6")}),
        )
        .await;
    assert_eq!(second.ok(201)["number"], "CN-2026-000002");
    let third = app
        .post(
            "/v1/credit_notes",
            json!({"invoice_id": id, "line_items": line("0.01")}),
        )
        .await;
    assert_problem(&third, 409, "credit_exceeds_invoice");
    assert!(
        third.body["detail"]
            .as_str()
            .unwrap()
            .contains("only 0.00 EUR"),
        "{}",
        third.body["detail"]
    );
    let empty = app
        .post(
            "/v1/credit_notes",
            json!({"invoice_id": id, "line_items": []}),
        )
        .await;
    assert_problem(&empty, 400, "invalid_request");
    assert_eq!(error_fields(&empty), vec!["line_items"]);
}

async fn only_issued_invoices_can_be_credited(app: &TestApp) {
    let draft = app.draft().await;
    let resp = app
        .post("/v1/credit_notes", json!({"invoice_id": draft["id"]}))
        .await;
    assert_problem(&resp, 409, "invoice_not_creditable");
    let resp = app
        .post(
            "/v1/credit_notes",
            json!({"invoice_id": uuid::Uuid::now_v7()}),
        )
        .await;
    assert_problem(&resp, 404, "invoice_not_found");
    let resp = app.post("/v1/credit_notes", json!({})).await;
    assert_eq!(error_fields(&resp), vec!["invoice_id"]);
}

async fn unknown_credit_notes_are_not_found(app: &TestApp) {
    let resp = app
        .get(&format!("/v1/credit_notes/{}", uuid::Uuid::now_v7()))
        .await;
    assert_problem(&resp, 404, "credit_note_not_found");
    let invoice = app.issued().await;
    let resp = app
        .get(&format!(
            "/v1/credit_notes/{}",
            invoice["id"].as_str().unwrap()
        ))
        .await;
    assert_problem(&resp, 404, "credit_note_not_found");
}
