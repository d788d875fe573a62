//! Issued documents as Peppol BIS Billing 3.0 e-invoices: `GET …/ubl`, the frozen parties,
//! `ubl_sha256`, and what issuing requires up front.

use reqwest::Method;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::{
    both,
    support::{
        assert_problem, business_json, customer_json, error_fields, invoice_json, start_server,
        Resp, TestApp,
    },
};

both!(
    an_issued_invoice_is_a_valid_peppol_e_invoice,
    an_issued_invoice_is_frozen_against_later_edits_of_its_parties,
    a_draft_has_no_e_invoice,
    a_credit_note_is_a_valid_peppol_credit_note_referencing_its_invoice,
    issuing_names_every_prerequisite_missing_and_consumes_no_number,
    exemption_reasons_are_required_defaulted_or_refused_by_category,
    category_o_stands_alone_and_shows_no_vat_ids,
    payment_means_and_delivery_are_checked_and_rendered,
    what_a_fatal_rule_would_refuse_is_refused_at_create,
    what_a_fatal_rule_would_refuse_is_refused_at_issue,
);

/// The body of a UBL request, and the findings our validator reports on it.
async fn fetch_ubl(app: &TestApp, path: &str) -> (Resp, Value) {
    let resp = app.get(path).await;
    assert_eq!(resp.status, 200, "{}", resp.text);
    let report = app
        .send(
            app.req(Method::POST, "/v1/einvoices/validate")
                .header("content-type", "application/xml")
                .body(resp.text.clone()),
        )
        .await;
    let report = report.ok(200).clone();
    (resp, report)
}

fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

async fn issue(app: &TestApp, id: &str) -> Resp {
    app.post(&format!("/v1/invoices/{id}/issue"), json!({}))
        .await
}

async fn an_issued_invoice_is_a_valid_peppol_e_invoice(app: &TestApp) {
    let invoice = app.issued().await;
    let number = invoice["number"].as_str().unwrap();
    let (resp, report) = fetch_ubl(app, &format!("/v1/invoices/{number}/ubl")).await;
    assert_eq!(resp.header("content-type"), Some("application/xml"));
    assert_eq!(report["fatal"], 0, "{report:#}");
    assert_eq!(report["document"], "invoice");
    let xml = &resp.text;
    for expected in [
        "<cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0</cbc:CustomizationID>",
        "<cbc:ProfileID>urn:fdc:peppol.eu:2017:poacc:billing:01:1.0</cbc:ProfileID>",
        &format!("<cbc:ID>{number}</cbc:ID>"),
        "<cbc:EndpointID schemeID=\"0106\">12345678</cbc:EndpointID>",
        "<cbc:EndpointID schemeID=\"9930\">DE123456789</cbc:EndpointID>",
        "<cbc:BuyerReference>PO-4711</cbc:BuyerReference>",
        "<cbc:PayableAmount currencyID=\"EUR\">1210.00</cbc:PayableAmount>",
    ] {
        assert!(xml.contains(expected), "missing {expected} in {xml}");
    }
    // The digest on the invoice is the digest of these bytes, and their entity tag.
    let digest = sha256_hex(xml);
    assert_eq!(invoice["ubl_sha256"], digest.as_str());
    assert_eq!(resp.header("etag"), Some(format!("\"{digest}\"").as_str()));
    // By id too, byte for byte, and again.
    let by_id = app
        .get(&format!(
            "/v1/invoices/{}/ubl",
            invoice["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(by_id.text, *xml);
    // The frozen parties are on the invoice.
    assert_eq!(invoice["seller"]["name"], "Acme BV");
    assert_eq!(invoice["buyer"]["peppol_id"], "9930:DE123456789");
}

async fn an_issued_invoice_is_frozen_against_later_edits_of_its_parties(app: &TestApp) {
    let invoice = app.issued().await;
    let id = invoice["id"].as_str().unwrap();
    let before = app.get(&format!("/v1/invoices/{id}/ubl")).await.text;
    let business = invoice["business_id"].as_str().unwrap();
    let customer = invoice["customer_id"].as_str().unwrap();
    app.patch(
        &format!("/v1/businesses/{business}"),
        json!({"legal_name": "Renamed BV", "vat_id": null}),
    )
    .await
    .ok(200);
    app.patch(
        &format!("/v1/customers/{customer}"),
        json!({"name": "Someone Else AG", "peppol_id": null}),
    )
    .await
    .ok(200);
    app.post(&format!("/v1/customers/{customer}/archive"), json!({}))
        .await
        .ok(200);
    let after = app.get(&format!("/v1/invoices/{id}")).await;
    assert_eq!(after.ok(200)["seller"], invoice["seller"]);
    assert_eq!(after.body["buyer"], invoice["buyer"]);
    assert_eq!(after.body["ubl_sha256"], invoice["ubl_sha256"]);
    assert_eq!(
        app.get(&format!("/v1/invoices/{id}/ubl")).await.text,
        before
    );
    assert!(before.contains("Acme BV") && !before.contains("Renamed BV"));
}

async fn a_draft_has_no_e_invoice(app: &TestApp) {
    let draft = app.draft().await;
    assert_eq!(draft["ubl_sha256"], Value::Null);
    assert_eq!(draft["seller"], Value::Null);
    let resp = app
        .get(&format!(
            "/v1/invoices/{}/ubl",
            draft["id"].as_str().unwrap()
        ))
        .await;
    assert_problem(&resp, 409, "invoice_not_issued");
    let missing = app
        .get("/v1/credit_notes/0190d3c4-5e6f-7a8b-9c0d-1e2f3a4b5c6d/ubl")
        .await;
    assert_problem(&missing, 404, "credit_note_not_found");
}

async fn a_credit_note_is_a_valid_peppol_credit_note_referencing_its_invoice(app: &TestApp) {
    let invoice = app.issued().await;
    let note = app
        .post(
            "/v1/credit_notes",
            json!({"invoice_id": invoice["id"], "payment_terms": "Refunded within 14 days"}),
        )
        .await;
    let note = note.ok(201).clone();
    assert_eq!(note["seller"], invoice["seller"]);
    let (resp, report) = fetch_ubl(
        app,
        &format!("/v1/credit_notes/{}/ubl", note["number"].as_str().unwrap()),
    )
    .await;
    assert_eq!(report["fatal"], 0, "{report:#}");
    assert_eq!(report["document"], "credit_note");
    let xml = &resp.text;
    assert!(xml.contains("<cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>"));
    // The credited invoice's number is the ID of the billing reference (BG-3).
    let reference = xml
        .split("<cac:InvoiceDocumentReference>")
        .nth(1)
        .and_then(|rest| rest.split("</cac:InvoiceDocumentReference>").next())
        .expect("a billing reference");
    assert!(
        reference.contains(&format!(
            "<cbc:ID>{}</cbc:ID>",
            invoice["number"].as_str().unwrap()
        )),
        "{reference}"
    );
    assert_eq!(note["ubl_sha256"], sha256_hex(xml).as_str());
}

async fn issuing_names_every_prerequisite_missing_and_consumes_no_number(app: &TestApp) {
    let mut body = app.invoice_body().await;
    let bare = app
        .post(
            "/v1/customers",
            json!({"name": "Bare Ltd", "country": "DE"}),
        )
        .await;
    body["customer_id"] = bare.ok(201)["id"].clone();
    body["buyer_reference"] = Value::Null;
    body["payment_terms"] = Value::Null;
    let draft = app.post("/v1/invoices", body).await.ok(201).clone();
    let id = draft["id"].as_str().unwrap();
    let refused = issue(app, id).await;
    assert_problem(&refused, 400, "invalid_request");
    assert_eq!(
        error_fields(&refused),
        vec!["buyer_reference", "buyer.peppol_id", "due_date"]
    );
    assert!(refused.body["detail"]
        .as_str()
        .unwrap()
        .contains("valid e-invoice"));
    assert_eq!(
        app.get(&format!("/v1/invoices/{id}")).await.ok(200)["status"],
        "draft"
    );
    // Fixed, it issues with the first number: the refusal drew none.
    app.patch(
        &format!("/v1/invoices/{id}"),
        json!({"buyer_reference": "REF-1", "payment_terms": "30 days net"}),
    )
    .await
    .ok(200);
    let customer = draft["customer_id"].as_str().unwrap();
    app.patch(
        &format!("/v1/customers/{customer}"),
        json!({"peppol_id": "0088:5790000435968"}),
    )
    .await
    .ok(200);
    let issued = issue(app, id).await;
    assert_eq!(issued.ok(200)["number"], "INV-2026-000001");
    let ubl = app.get(&format!("/v1/invoices/{id}/ubl")).await.text;
    assert!(ubl.contains("<cbc:EndpointID schemeID=\"0088\">5790000435968</cbc:EndpointID>"));
}

async fn exemption_reasons_are_required_defaulted_or_refused_by_category(app: &TestApp) {
    let mut body = app.invoice_body().await;
    body["line_items"] = json!([
        {"description": "Course", "quantity": "1", "unit_price": "100", "vat_category": "E", "vat_rate": "0"},
        {"description": "Book", "quantity": "1", "unit_price": "20", "vat_category": "S", "vat_rate": "9",
         "vat_exemption_reason": "None"}
    ]);
    let refused = app.post("/v1/invoices", body.clone()).await;
    assert_problem(&refused, 400, "invalid_request");
    assert_eq!(
        error_fields(&refused),
        vec![
            "line_items[1].vat_exemption_reason",
            "line_items[0].vat_exemption_reason"
        ]
    );
    body["line_items"] = json!([
        {"description": "Course", "quantity": "1", "unit_price": "100", "vat_category": "E", "vat_rate": "0",
         "vat_exemption_reason_code": "vatex-eu-132"},
        {"description": "Second course", "quantity": "1", "unit_price": "50", "vat_category": "E", "vat_rate": "0"},
        {"description": "Service", "quantity": "1", "unit_price": "10", "vat_category": "AE", "vat_rate": "0"}
    ]);
    let draft = app.post("/v1/invoices", body).await.ok(201).clone();
    let breakdown = &draft["totals"]["vat_breakdown"];
    assert_eq!(breakdown[0]["vat_category"], "E");
    assert_eq!(breakdown[0]["exemption_reason_code"], "VATEX-EU-132");
    assert_eq!(breakdown[0]["taxable_amount"], "150.00");
    assert_eq!(breakdown[1]["vat_category"], "AE");
    assert_eq!(breakdown[1]["exemption_reason_code"], "VATEX-EU-AE");
    assert_eq!(
        draft["line_items"][1]["vat_exemption_reason_code"],
        "VATEX-EU-132"
    );
    let issued = issue(app, draft["id"].as_str().unwrap()).await;
    issued.ok(200);
    let (resp, report) = fetch_ubl(
        app,
        &format!("/v1/invoices/{}/ubl", draft["id"].as_str().unwrap()),
    )
    .await;
    assert_eq!(report["fatal"], 0, "{report:#}");
    assert!(resp
        .text
        .contains("<cbc:TaxExemptionReasonCode>VATEX-EU-132</cbc:TaxExemptionReasonCode>"));
}

async fn category_o_stands_alone_and_shows_no_vat_ids(app: &TestApp) {
    let mut body = app.invoice_body().await;
    body["line_items"] = json!([
        {"description": "Outside scope", "quantity": "1", "unit_price": "100", "vat_category": "O"},
        {"description": "Taxed", "quantity": "1", "unit_price": "100", "vat_category": "S", "vat_rate": "21"}
    ]);
    let refused = app.post("/v1/invoices", body.clone()).await;
    assert_problem(&refused, 400, "invalid_request");
    assert_eq!(error_fields(&refused), vec!["line_items[1].vat_category"]);
    body["line_items"] = json!([
        {"description": "Outside scope", "quantity": "1", "unit_price": "100", "vat_category": "O"}
    ]);
    let draft = app.post("/v1/invoices", body).await.ok(201).clone();
    assert_eq!(
        draft["totals"]["vat_breakdown"][0]["exemption_reason_code"],
        "VATEX-EU-O"
    );
    issue(app, draft["id"].as_str().unwrap()).await.ok(200);
    let (resp, report) = fetch_ubl(
        app,
        &format!("/v1/invoices/{}/ubl", draft["id"].as_str().unwrap()),
    )
    .await;
    assert_eq!(report["fatal"], 0, "{report:#}");
    assert!(!resp.text.contains("NL123456789B01"), "BR-O-02");
    assert!(
        !resp.text.contains("DE123456789</cbc:CompanyID>"),
        "BR-O-02"
    );
}

async fn payment_means_and_delivery_are_checked_and_rendered(app: &TestApp) {
    let mut body = app.invoice_body().await;
    body["payment_means"] =
        json!({"code": "58", "account": {"id": "NL91ABNA0417164301", "bic": "AB"}});
    body["delivery"] = json!({"date": "2026-02-30", "country": "XX"});
    let refused = app.post("/v1/invoices", body.clone()).await;
    assert_problem(&refused, 400, "invalid_request");
    assert_eq!(
        error_fields(&refused),
        vec![
            "payment_means.account.id",
            "payment_means.account.bic",
            "delivery.date",
            "delivery.country"
        ]
    );
    body["payment_means"] = json!({"code": "59"});
    let refused = app.post("/v1/invoices", body.clone()).await;
    assert_eq!(
        error_fields(&refused),
        vec!["payment_means.mandate", "delivery.date", "delivery.country"]
    );
    // An intra-community supply needs where and when it was delivered.
    body["payment_means"] = json!({"code": "58", "remittance": "INV 42",
        "account": {"id": "NL91 ABNA 0417 1643 00", "name": "Acme BV", "bic": "ABNANL2A"}});
    body["delivery"] = Value::Null;
    body["line_items"] = json!([
        {"description": "Machine", "quantity": "1", "unit_price": "5000", "vat_category": "K", "vat_rate": "0",
         "standard_item_id": {"scheme": "0160", "id": "4012345000016"},
         "classifications": [{"list_id": "HS", "code": "847130"}], "origin_country": "NL",
         "seller_item_id": "M-1", "note": "Serial 77"}
    ]);
    let draft = app.post("/v1/invoices", body).await.ok(201).clone();
    let id = draft["id"].as_str().unwrap();
    let refused = issue(app, id).await;
    assert_eq!(
        error_fields(&refused),
        vec!["delivery.country", "delivery.date"]
    );
    app.patch(
        &format!("/v1/invoices/{id}"),
        json!({"delivery": {"date": "2026-02-27", "country": "DE", "party_name": "Globex Lager",
               "address": {"line1": "Hafenstr. 5", "city": "Hamburg", "postal_code": "20457"}}}),
    )
    .await
    .ok(200);
    issue(app, id).await.ok(200);
    let (resp, report) = fetch_ubl(app, &format!("/v1/invoices/{id}/ubl")).await;
    assert_eq!(report["fatal"], 0, "{report:#}");
    for expected in [
        "<cbc:PaymentMeansCode>58</cbc:PaymentMeansCode>",
        "<cbc:PaymentID>INV 42</cbc:PaymentID>",
        "NL91ABNA0417164300",
        "<cbc:ActualDeliveryDate>2026-02-27</cbc:ActualDeliveryDate>",
        "<cbc:ItemClassificationCode listID=\"HS\">847130</cbc:ItemClassificationCode>",
        "<cbc:ID schemeID=\"0160\">4012345000016</cbc:ID>",
        "<cbc:TaxExemptionReasonCode>VATEX-EU-IC</cbc:TaxExemptionReasonCode>",
    ] {
        assert!(resp.text.contains(expected), "missing {expected}");
    }
}

async fn what_a_fatal_rule_would_refuse_is_refused_at_create(app: &TestApp) {
    let mut body = app.invoice_body().await;
    body["line_items"] = json!([
        // BR-CO-17 reads a rate under 0.5 as 0 %.
        {"description": "a", "quantity": "1", "unit_price": "10", "vat_rate": "0.4"},
        // PEPPOL-EN16931-P0106: VATEX-EU-IC belongs to category K.
        {"description": "b", "quantity": "1", "unit_price": "10", "vat_category": "E", "vat_rate": "0",
         "vat_exemption_reason_code": "VATEX-EU-IC"},
        // BR-27: no negative prices.
        {"description": "c", "quantity": "1", "unit_price": "-10", "vat_rate": "21"}
    ]);
    // BR-CL-19: allowance reasons come from UNCL 5189.
    body["allowances_charges"] = json!([
        {"kind": "allowance", "amount": "1", "reason_code": "DISCOUNT", "vat_rate": "21"}
    ]);
    // BR-57: a delivery address names its country.
    body["delivery"] = json!({"address": {"city": "Hamburg"}});
    let refused = app.post("/v1/invoices", body).await;
    assert_problem(&refused, 400, "invalid_request");
    assert_eq!(
        error_fields(&refused),
        vec![
            "line_items[0].vat_rate",
            "line_items[2].unit_price",
            "delivery.country",
            "allowances_charges[0].reason_code",
        ]
    );
    // Exemptions are settled across the lines once every line reads.
    let mut body = app.invoice_body().await;
    body["line_items"] = json!([
        {"description": "b", "quantity": "1", "unit_price": "10", "vat_category": "E", "vat_rate": "0",
         "vat_exemption_reason_code": "VATEX-EU-IC"}
    ]);
    let refused = app.post("/v1/invoices", body).await;
    assert_eq!(
        error_fields(&refused),
        vec!["line_items[0].vat_exemption_reason_code"]
    );
    // BR-CO-09: a VAT id starts with a country code; PEPPOL-COMMON-R040: an id under the GLN
    // scheme is a GLN.
    let party = app
        .post(
            "/v1/customers",
            json!({"name": "Q", "country": "DE", "vat_id": "QQ123456789",
                   "company_id": "5790000435969", "company_id_scheme": "0088"}),
        )
        .await;
    assert_problem(&party, 400, "invalid_request");
    assert_eq!(error_fields(&party), vec!["vat_id", "company_id"]);
}

async fn what_a_fatal_rule_would_refuse_is_refused_at_issue(app: &TestApp) {
    // PEPPOL-EN16931-R120: whole yen cannot carry 1 × 0.40.
    let mut body = app.invoice_body().await;
    body["currency"] = "JPY".into();
    body["line_items"] = json!([
        {"description": "Sticker", "quantity": "1", "unit_price": "0.40", "vat_rate": "10"},
        {"description": "Notebook", "quantity": "1", "unit_price": "500", "vat_rate": "10"}
    ]);
    let draft = app.post("/v1/invoices", body).await.ok(201).clone();
    let refused = issue(app, draft["id"].as_str().unwrap()).await;
    assert_problem(&refused, 400, "invalid_request");
    assert_eq!(error_fields(&refused), vec!["line_items[0].unit_price"]);
    // BR-CO-17: VAT rounded per line drifts more than a unit from the category's over many lines.
    let mut body = app.invoice_body().await;
    body["vat_rounding"] = "per_line".into();
    body["line_items"] = json!(vec![
        json!({"description": "x", "quantity": "1", "unit_price": "0.02", "vat_rate": "21"});
        300
    ]);
    let draft = app.post("/v1/invoices", body).await.ok(201).clone();
    assert_eq!(draft["totals"]["tax_total"], "0.00");
    let refused = issue(app, draft["id"].as_str().unwrap()).await;
    assert_eq!(error_fields(&refused), vec!["vat_rounding"]);
    // Each refusal drew no number.
    let next = app.issued().await;
    assert_eq!(next["number"], "INV-2026-000001");
}

/// The bytes are kept at issue: a restarted server answers the same bytes.
#[test]
fn the_e_invoice_is_byte_identical_across_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("restart.db").display());
    let (server, key) = start_server(&url, true);
    let key = key.unwrap();
    let client = reqwest::blocking::Client::new();
    let post = |base: &str, path: &str, body: Value| -> Value {
        let resp = client
            .post(format!("{base}{path}"))
            .bearer_auth(&key)
            .json(&body)
            .send()
            .unwrap();
        assert!(resp.status().is_success(), "{path}: {}", resp.status());
        resp.json().unwrap()
    };
    let base = server.base.clone();
    let business = post(&base, "/v1/businesses", business_json());
    let customer = post(&base, "/v1/customers", customer_json());
    let draft = post(
        &base,
        "/v1/invoices",
        invoice_json(&business["id"], &customer["id"]),
    );
    let id = draft["id"].as_str().unwrap().to_owned();
    post(&base, &format!("/v1/invoices/{id}/issue"), json!({}));
    let get_ubl = |base: &str| {
        client
            .get(format!("{base}/v1/invoices/{id}/ubl"))
            .bearer_auth(&key)
            .send()
            .unwrap()
            .text()
            .unwrap()
    };
    let first = get_ubl(&base);
    assert!(first.contains("<cbc:CustomizationID>"));
    drop(server);
    let (server, _) = start_server(&url, false);
    assert_eq!(get_ubl(&server.base), first);
}
