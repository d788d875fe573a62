//! Invoices: totals, edits while draft, the lifecycle, declared totals, lists.

use serde_json::json;

use crate::{
    both,
    support::{assert_problem, error_fields, TestApp},
};

both!(
    totals_are_computed_the_en16931_way,
    vat_rounding_per_line_differs_from_per_category,
    zero_decimal_currencies_round_to_whole_units,
    a_missing_currency_falls_back_to_the_business_default,
    a_draft_can_be_edited_and_an_issued_invoice_cannot,
    the_lifecycle_runs_draft_issued_paid,
    illegal_transitions_have_their_own_codes,
    declared_totals_are_checked_exactly,
    declared_totals_can_be_checked_within_a_tolerance,
    invoices_are_listed_with_filters,
    a_number_shared_by_two_businesses_is_ambiguous,
    a_patch_with_nothing_is_no_valid_fields,
    issuing_refuses_a_due_date_before_the_issue_date,
);

async fn totals_are_computed_the_en16931_way(app: &TestApp) {
    let mut body = app.invoice_body().await;
    body["line_items"] = json!([
        {"description": "Widget", "quantity": "3", "unit_price": "19.99", "vat_rate": "21",
         "allowances_charges": [{"kind": "allowance", "amount": "5.00", "reason": "Loyalty"}]},
        {"description": "Book", "quantity": "2", "unit_price": "12.50", "vat_rate": "9"},
        {"description": "Export", "quantity": "1", "unit_price": "100", "vat_category": "G", "vat_rate": "0"}
    ]);
    body["allowances_charges"] = json!([
        {"kind": "charge", "amount": "10.00", "reason": "Freight", "vat_category": "S", "vat_rate": "21"},
        {"kind": "allowance", "percentage": "10", "base_amount": "25.00", "reason_code": "95", "vat_category": "S", "vat_rate": "9"}
    ]);
    body["prepaid_amount"] = "50.00".into();
    let created = app.post("/v1/invoices", body).await;
    let t = &created.ok(201)["totals"];
    // Widget: 3 × 19.99 − 5 = 54.97; book 25.00; export 100.00.
    assert_eq!(created.body["line_items"][0]["net_amount"], "54.97");
    assert_eq!(t["line_extension"], "179.97");
    assert_eq!(t["charge_total"], "10.00");
    assert_eq!(t["allowance_total"], "2.50");
    assert_eq!(t["tax_exclusive"], "187.47");
    // S 21 %: 64.97 → 13.64; S 9 %: 22.50 → 2.03; G: 0.
    assert_eq!(
        t["vat_breakdown"],
        json!([
            {"vat_category": "S", "vat_rate": "9", "taxable_amount": "22.50", "tax_amount": "2.03",
             "exemption_reason": null, "exemption_reason_code": null},
            {"vat_category": "S", "vat_rate": "21", "taxable_amount": "64.97", "tax_amount": "13.64",
             "exemption_reason": null, "exemption_reason_code": null},
            {"vat_category": "G", "vat_rate": "0", "taxable_amount": "100.00", "tax_amount": "0.00",
             "exemption_reason": "Export outside the EU", "exemption_reason_code": "VATEX-EU-G"}
        ])
    );
    assert_eq!(t["tax_total"], "15.67");
    assert_eq!(t["tax_inclusive"], "203.14");
    assert_eq!(t["prepaid"], "50.00");
    assert_eq!(t["payable"], "153.14");
}

async fn vat_rounding_per_line_differs_from_per_category(app: &TestApp) {
    let mut body = app.invoice_body().await;
    // Each line's VAT is 0.105 → 0.11; their sum 0.315 rounds to 0.32 per category.
    body["line_items"] = json!(vec![
        json!({"description": "x", "quantity": "1", "unit_price": "0.50", "vat_rate": "21"});
        3
    ]);
    let per_category = app.post("/v1/invoices", body.clone()).await;
    assert_eq!(per_category.ok(201)["totals"]["tax_total"], "0.32");
    body["vat_rounding"] = "per_line".into();
    let per_line = app.post("/v1/invoices", body).await;
    assert_eq!(per_line.ok(201)["totals"]["tax_total"], "0.33");
    assert_eq!(per_line.body["vat_rounding"], "per_line");
}

async fn zero_decimal_currencies_round_to_whole_units(app: &TestApp) {
    let mut body = app.invoice_body().await;
    body["currency"] = "JPY".into();
    body["line_items"] =
        json!([{"description": "x", "quantity": "3", "unit_price": "333.5", "vat_rate": "10"}]);
    let created = app.post("/v1/invoices", body).await;
    let t = &created.ok(201)["totals"];
    assert_eq!(t["line_extension"], "1001");
    assert_eq!(t["tax_total"], "100");
    assert_eq!(t["payable"], "1101");
}

async fn a_missing_currency_falls_back_to_the_business_default(app: &TestApp) {
    let body = app.invoice_body().await;
    assert_eq!(
        app.post("/v1/invoices", body).await.ok(201)["currency"],
        "EUR"
    );
    let b = app
        .post(
            "/v1/businesses",
            json!({"legal_name": "No Default", "country": "BE"}),
        )
        .await;
    let c = app.customer().await;
    let resp = app
        .post(
            "/v1/invoices",
            json!({"business_id": b.id(), "customer_id": c["id"], "line_items": [{"description": "x", "quantity": "1", "unit_price": "1", "vat_rate": "21"}]}),
        )
        .await;
    assert_problem(&resp, 400, "invalid_request");
    assert_eq!(error_fields(&resp), vec!["currency"]);
}

async fn a_draft_can_be_edited_and_an_issued_invoice_cannot(app: &TestApp) {
    let draft = app.draft().await;
    let path = format!("/v1/invoices/{}", draft["id"].as_str().unwrap());
    let edited = app
        .patch(&path, json!({"note": "Thanks", "line_items": [{"description": "More", "quantity": "2", "unit_price": "50", "vat_rate": "21"}]}))
        .await;
    let body = edited.ok(200);
    assert_eq!(body["note"], "Thanks");
    assert_eq!(body["totals"]["payable"], "121.00");
    assert_eq!(body["customer_id"], draft["customer_id"]);
    let cleared = app
        .patch(&path, json!({"note": null, "issue_date": null}))
        .await;
    assert_eq!(
        cleared.ok(200)["note"],
        json!(null),
        "null clears an optional field"
    );
    assert_eq!(cleared.body["issue_date"], json!(null));
    assert_eq!(cleared.body["totals"]["payable"], "121.00");
    let refused = app
        .patch(
            &path,
            json!({"line_items": [{"description": "", "quantity": "1", "unit_price": "1"}]}),
        )
        .await;
    assert_problem(&refused, 400, "invalid_request");
    assert_eq!(app.get(&path).await.body["totals"]["payable"], "121.00");
    app.post(&format!("{path}/issue"), json!({})).await.ok(200);
    assert_problem(
        &app.patch(&path, json!({"note": "late"})).await,
        409,
        "invoice_not_editable",
    );
}

async fn the_lifecycle_runs_draft_issued_paid(app: &TestApp) {
    let draft = app.draft().await;
    assert_eq!(draft["status"], "draft");
    assert_eq!(draft["number"], json!(null));
    let id = draft["id"].as_str().unwrap();
    let issued = app
        .post(&format!("/v1/invoices/{id}/issue"), json!({}))
        .await;
    let body = issued.ok(200);
    assert_eq!(body["status"], "issued");
    assert_eq!(body["number"], "INV-2026-000001");
    assert!(body["issued_at"].is_string());
    let by_number = app.get("/v1/invoices/INV-2026-000001").await;
    assert_eq!(by_number.ok(200)["id"], id);
    let paid = app
        .post("/v1/invoices/INV-2026-000001/mark_paid", json!({}))
        .await;
    assert_eq!(paid.ok(200)["status"], "paid");
    assert!(paid.body["paid_at"].is_string());
    assert_problem(
        &app.get("/v1/invoices/INV-2026-000099").await,
        404,
        "invoice_not_found",
    );
}

async fn illegal_transitions_have_their_own_codes(app: &TestApp) {
    let draft = app.draft().await;
    let id = draft["id"].as_str().unwrap();
    assert_problem(
        &app.post(&format!("/v1/invoices/{id}/mark_paid"), json!({}))
            .await,
        409,
        "invoice_not_payable",
    );
    app.post(&format!("/v1/invoices/{id}/issue"), json!({}))
        .await
        .ok(200);
    assert_problem(
        &app.post(&format!("/v1/invoices/{id}/issue"), json!({}))
            .await,
        409,
        "invoice_not_draft",
    );
    app.post(&format!("/v1/invoices/{id}/void"), json!({}))
        .await
        .ok(200);
    assert_problem(
        &app.post(&format!("/v1/invoices/{id}/void"), json!({}))
            .await,
        409,
        "invoice_not_voidable",
    );
    let draft = app.draft().await;
    let voided = app
        .post(
            &format!("/v1/invoices/{}/void", draft["id"].as_str().unwrap()),
            json!({}),
        )
        .await;
    assert_eq!(voided.ok(200)["status"], "void");
    assert_eq!(
        voided.body["number"],
        json!(null),
        "a voided draft takes no number"
    );
}

async fn declared_totals_are_checked_exactly(app: &TestApp) {
    let mut body = app.invoice_body().await;
    body["declared_totals"] =
        json!({"line_extension": "1000.00", "tax_total": "210.00", "payable": "1210.00"});
    app.post("/v1/invoices", body.clone()).await.ok(201);
    body["declared_totals"] = json!({"tax_total": "210.01", "payable": "1200.00"});
    let resp = app.post("/v1/invoices", body).await;
    assert_problem(&resp, 400, "declared_totals_mismatch");
    let detail = resp.body["detail"].as_str().unwrap();
    assert!(
        detail.contains("tax_total (210.01) does not equal the computed 210.00"),
        "{detail}"
    );
    assert!(
        detail.contains("payable (1200.00) does not equal the computed 1210.00"),
        "{detail}"
    );
    assert_eq!(
        error_fields(&resp),
        vec!["declared_totals.tax_total", "declared_totals.payable"]
    );
    assert_eq!(resp.body["expected"]["payable"], "1210.00");
    assert_eq!(
        app.get("/v1/invoices").await.body["data"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

async fn declared_totals_can_be_checked_within_a_tolerance(app: &TestApp) {
    let mut body = app.invoice_body().await;
    body["declared_totals"] = json!({"payable": "1210.02", "tolerance": "0.02"});
    app.post("/v1/invoices", body.clone()).await.ok(201);
    body["declared_totals"] = json!({"payable": "999.99", "tolerance": "0.02"});
    let resp = app.post("/v1/invoices", body).await;
    assert_problem(&resp, 400, "totals_mismatch");
    assert!(resp.body["detail"].as_str().unwrap().contains("±0.02"));
}

async fn invoices_are_listed_with_filters(app: &TestApp) {
    let body = app.invoice_body().await;
    let mut other = body.clone();
    other["customer_id"] = app.customer().await["id"].clone();
    other["issue_date"] = "2026-05-10".into();
    let a = app.post("/v1/invoices", body.clone()).await.id();
    let b = app.post("/v1/invoices", other.clone()).await.id();
    let c = app.post("/v1/invoices", other.clone()).await.id();
    app.post(&format!("/v1/invoices/{b}/issue"), json!({}))
        .await
        .ok(200);
    let ids = |resp: crate::support::Resp| -> Vec<String> {
        resp.ok(200)["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        ids(app.get("/v1/invoices").await),
        vec![a.clone(), b.clone(), c.clone()]
    );
    assert_eq!(
        ids(app.get("/v1/invoices?status=issued").await),
        vec![b.clone()]
    );
    assert_eq!(
        ids(app.get("/v1/invoices?status=draft").await),
        vec![a.clone(), c.clone()]
    );
    let customer = other["customer_id"].as_str().unwrap();
    assert_eq!(
        ids(app
            .get(&format!("/v1/invoices?customer_id={customer}"))
            .await),
        vec![b.clone(), c.clone()]
    );
    assert_eq!(
        ids(app
            .get("/v1/invoices?issue_date_from=2026-04-01&issue_date_to=2026-12-31")
            .await),
        vec![b, c]
    );
    assert_eq!(
        ids(app.get("/v1/invoices?issue_date_to=2026-03-01").await),
        vec![a]
    );
    let resp = app
        .get("/v1/invoices?status=sent&issue_date_from=yesterday&customer_id=7")
        .await;
    assert_problem(&resp, 400, "invalid_request");
    assert_eq!(
        error_fields(&resp),
        vec!["status", "customer_id", "issue_date_from"]
    );
}

async fn a_number_shared_by_two_businesses_is_ambiguous(app: &TestApp) {
    app.issued().await;
    app.issued().await;
    let resp = app.get("/v1/invoices/INV-2026-000001").await;
    assert_problem(&resp, 409, "invoice_number_ambiguous");
}

async fn a_patch_with_nothing_is_no_valid_fields(app: &TestApp) {
    let draft = app.draft().await;
    let resp = app
        .patch(
            &format!("/v1/invoices/{}", draft["id"].as_str().unwrap()),
            json!({}),
        )
        .await;
    assert_problem(&resp, 400, "no_valid_fields");
}

async fn issuing_refuses_a_due_date_before_the_issue_date(app: &TestApp) {
    let mut body = app.invoice_body().await;
    body.as_object_mut().unwrap().remove("issue_date");
    body["due_date"] = "2020-01-31".into();
    let draft = app.post("/v1/invoices", body).await.id();
    let resp = app
        .post(&format!("/v1/invoices/{draft}/issue"), json!({}))
        .await;
    assert_problem(&resp, 400, "invalid_request");
    assert_eq!(error_fields(&resp), vec!["due_date"]);
    assert_eq!(
        app.get(&format!("/v1/invoices/{draft}")).await.body["status"],
        "draft"
    );
    let mut body = app.invoice_body().await;
    body["due_date"] = "2026-02-01".into();
    let resp = app.post("/v1/invoices", body).await;
    assert_eq!(
        error_fields(&resp),
        vec!["due_date"],
        "caught at once when both dates are known"
    );
}
