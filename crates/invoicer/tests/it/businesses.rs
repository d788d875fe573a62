//! Businesses and customers: create, read, list, update, archive.

use serde_json::json;

use crate::{
    both,
    support::{assert_problem, error_fields, TestApp},
};

both!(
    a_business_is_created_and_read_back,
    business_fields_are_checked_against_their_formats,
    peppol_ids_are_checked_by_their_scheme,
    a_patch_changes_only_what_it_names,
    a_patch_with_nothing_updatable_is_no_valid_fields,
    archiving_keeps_the_business_readable_but_frozen,
    customers_follow_the_same_rules,
    unknown_parties_are_not_found,
    lists_page_with_a_cursor_and_check_limit,
);

async fn a_business_is_created_and_read_back(app: &TestApp) {
    let created = app
        .post(
            "/v1/businesses",
            json!({
                "legal_name": "Acme Trading BV", "country": "NL", "vat_id": "NL123456789B01",
                "peppol_id": "0106:12345678", "email": "billing@acme.example", "default_currency": "EUR",
                "address": {"line1": "Main Street 1", "city": "Amsterdam", "postal_code": "1011AA"}
            }),
        )
        .await;
    let body = created.ok(201).clone();
    assert_eq!(body["object"], "business");
    let fetched = app.get(&format!("/v1/businesses/{}", created.id())).await;
    assert_eq!(fetched.ok(200), &body);
    assert_eq!(body["address"]["city"], "Amsterdam");
    assert_eq!(body["invoice_prefix"], "INV");
}

async fn business_fields_are_checked_against_their_formats(app: &TestApp) {
    let resp = app
        .post(
            "/v1/businesses",
            json!({"country": "Netherlands", "vat_id": "123", "peppol_id": "971500000001", "email": "nope", "default_currency": "EURO", "invoice_prefix": "inv"}),
        )
        .await;
    assert_problem(&resp, 400, "invalid_request");
    assert_eq!(
        error_fields(&resp),
        vec![
            "legal_name",
            "country",
            "vat_id",
            "peppol_id",
            "email",
            "default_currency",
            "invoice_prefix"
        ]
    );
    assert_eq!(app.get("/v1/businesses").await.body["data"], json!([]));
}

async fn peppol_ids_are_checked_by_their_scheme(app: &TestApp) {
    // Each field error names the rule that failed.
    for (id, code) in [
        ("0088:5790000435969", "invalid_check_digit"), // GLN mod-10
        ("0192:987654324", "invalid_check_digit"),     // Norwegian organisation number mod-11
        ("0208:0123456788", "invalid_check_digit"),    // Belgian enterprise number mod-97
        ("0106:1234567", "invalid_length"),            // Dutch KvK: 8 digits
        ("1234:5790000435968", "unknown_scheme"),      // not on the Peppol EAS list
        ("9930:FR123456789", "invalid_format"),        // 9930 is a German VAT id
        ("971500000001", "invalid_format"),            // no scheme at all
    ] {
        let resp = app
            .post(
                "/v1/customers",
                json!({"name": "X", "country": "NO", "peppol_id": id}),
            )
            .await;
        assert_problem(&resp, 400, "invalid_request");
        assert_eq!(resp.body["errors"][0]["field"], "peppol_id", "{id}");
        assert_eq!(resp.body["errors"][0]["code"], code, "{id}");
    }
    for id in [
        "0088:5790000435968",
        "0192:987654325",
        "0208:0123456749",
        "9930:DE123456789",
        "0196:6204830369",
    ] {
        let resp = app
            .post(
                "/v1/customers",
                json!({"name": "X", "country": "NO", "peppol_id": id}),
            )
            .await;
        assert_eq!(resp.ok(201)["peppol_id"], id);
    }
}

async fn a_patch_changes_only_what_it_names(app: &TestApp) {
    let b = app.business().await;
    let path = format!("/v1/businesses/{}", b["id"].as_str().unwrap());
    let patched = app.patch(&path, json!({"email": "ap@acme.example"})).await;
    let body = patched.ok(200);
    assert_eq!(body["email"], "ap@acme.example");
    assert_eq!(body["legal_name"], b["legal_name"]);
    assert_eq!(body["vat_id"], b["vat_id"]);
    let cleared = app
        .patch(&path, json!({"vat_id": null, "address": null}))
        .await;
    assert_eq!(
        cleared.ok(200)["vat_id"],
        json!(null),
        "null clears an optional field"
    );
    assert_eq!(cleared.body["address"]["city"], json!(null));
    assert_eq!(
        cleared.body["email"], "ap@acme.example",
        "absent fields stay"
    );
    let bad = app.patch(&path, json!({"country": "XX1"})).await;
    assert_problem(&bad, 400, "invalid_request");
    assert_eq!(
        app.get(&path).await.body["country"],
        "NL",
        "a refused patch changes nothing"
    );
}

async fn a_patch_with_nothing_updatable_is_no_valid_fields(app: &TestApp) {
    let b = app.business().await;
    let resp = app
        .patch(
            &format!("/v1/businesses/{}", b["id"].as_str().unwrap()),
            json!({}),
        )
        .await;
    assert_problem(&resp, 400, "no_valid_fields");
}

async fn archiving_keeps_the_business_readable_but_frozen(app: &TestApp) {
    let body = app.invoice_body().await;
    let path = format!("/v1/businesses/{}", body["business_id"].as_str().unwrap());
    assert_eq!(
        app.post(&format!("{path}/archive"), json!({}))
            .await
            .ok(200)["archived"],
        true
    );
    assert_eq!(app.get(&path).await.ok(200)["archived"], true);
    assert_problem(
        &app.patch(&path, json!({"email": "x@y.example"})).await,
        409,
        "business_archived",
    );
    assert_problem(
        &app.post("/v1/invoices", body).await,
        409,
        "business_archived",
    );
}

async fn customers_follow_the_same_rules(app: &TestApp) {
    let c = app.customer().await;
    let path = format!("/v1/customers/{}", c["id"].as_str().unwrap());
    assert_eq!(
        app.patch(&path, json!({"name": "Globex AG"})).await.ok(200)["name"],
        "Globex AG"
    );
    assert_problem(&app.patch(&path, json!({})).await, 400, "no_valid_fields");
    let resp = app
        .post("/v1/customers", json!({"country": "DE", "email": "bad"}))
        .await;
    assert_eq!(error_fields(&resp), vec!["name", "email"]);
    let mut body = app.invoice_body().await;
    body["customer_id"] = c["id"].clone();
    app.post(&format!("{path}/archive"), json!({}))
        .await
        .ok(200);
    assert_problem(
        &app.patch(&path, json!({"name": "x"})).await,
        409,
        "customer_archived",
    );
    assert_problem(
        &app.post("/v1/invoices", body).await,
        409,
        "customer_archived",
    );
}

async fn unknown_parties_are_not_found(app: &TestApp) {
    let id = uuid::Uuid::now_v7();
    assert_problem(
        &app.get(&format!("/v1/businesses/{id}")).await,
        404,
        "business_not_found",
    );
    assert_problem(
        &app.post(&format!("/v1/customers/{id}/archive"), json!({}))
            .await,
        404,
        "customer_not_found",
    );
    let mut body = app.invoice_body().await;
    body["business_id"] = json!(id);
    assert_problem(
        &app.post("/v1/invoices", body.clone()).await,
        404,
        "business_not_found",
    );
}

async fn lists_page_with_a_cursor_and_check_limit(app: &TestApp) {
    let mut ids = Vec::new();
    for _ in 0..5 {
        ids.push(app.customer().await["id"].as_str().unwrap().to_owned());
    }
    let mut seen = Vec::new();
    let mut path = "/v1/customers?limit=2".to_owned();
    loop {
        let page = app.get(&path).await;
        let body = page.ok(200).clone();
        seen.extend(
            body["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["id"].as_str().unwrap().to_owned()),
        );
        match body["next_cursor"].as_str() {
            Some(cursor) => path = format!("/v1/customers?limit=2&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(seen, ids, "every customer once, in creation order");
    for bad in ["0", "101", "ten"] {
        let resp = app.get(&format!("/v1/customers?limit={bad}")).await;
        assert_problem(&resp, 400, "invalid_request");
        assert_eq!(error_fields(&resp), vec!["limit"]);
    }
    let resp = app.get("/v1/customers?cursor=garbage").await;
    assert_eq!(error_fields(&resp), vec!["cursor"]);
}
