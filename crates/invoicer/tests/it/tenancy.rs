//! A request never reads or writes outside its account and environment: another account's or
//! the other environment's resources are `*_not_found`, never 403, on every resource route.

use invoicer_domain::api_key::Environment;
use reqwest::Method;
use serde_json::{json, Value};

use crate::{
    both,
    support::{assert_problem, TestApp},
};

both!(no_route_crosses_accounts_or_environments);

async fn no_route_crosses_accounts_or_environments(app: &TestApp) {
    let invoice = app.issued().await;
    let draft = app.draft().await;
    let note = app
        .post("/v1/credit_notes", json!({"invoice_id": invoice["id"]}))
        .await
        .ok(201)
        .clone();
    let key = app
        .post("/v1/api_keys", json!({"name": "mine"}))
        .await
        .ok(201)
        .clone();
    let (b, c) = (
        draft["business_id"].as_str().unwrap(),
        draft["customer_id"].as_str().unwrap(),
    );
    let (i, d, n, k) = (
        invoice["id"].as_str().unwrap(),
        draft["id"].as_str().unwrap(),
        note["id"].as_str().unwrap(),
        key["id"].as_str().unwrap(),
    );
    let number = invoice["number"].as_str().unwrap();
    let note_number = note["number"].as_str().unwrap();
    let line = json!([{"description": "x", "quantity": "1", "unit_price": "1", "vat_rate": "21"}]);
    let attempts: Vec<(Method, String, Option<Value>, &str)> = vec![
        (
            Method::GET,
            format!("/v1/businesses/{b}"),
            None,
            "business_not_found",
        ),
        (
            Method::PATCH,
            format!("/v1/businesses/{b}"),
            Some(json!({"email": "a@b.example"})),
            "business_not_found",
        ),
        (
            Method::POST,
            format!("/v1/businesses/{b}/archive"),
            None,
            "business_not_found",
        ),
        (
            Method::GET,
            format!("/v1/customers/{c}"),
            None,
            "customer_not_found",
        ),
        (
            Method::PATCH,
            format!("/v1/customers/{c}"),
            Some(json!({"name": "x"})),
            "customer_not_found",
        ),
        (
            Method::POST,
            format!("/v1/customers/{c}/archive"),
            None,
            "customer_not_found",
        ),
        (
            Method::GET,
            format!("/v1/invoices/{i}"),
            None,
            "invoice_not_found",
        ),
        (
            Method::GET,
            format!("/v1/invoices/{number}"),
            None,
            "invoice_not_found",
        ),
        (
            Method::PATCH,
            format!("/v1/invoices/{d}"),
            Some(json!({"note": "x"})),
            "invoice_not_found",
        ),
        (
            Method::POST,
            format!("/v1/invoices/{d}/issue"),
            Some(json!({})),
            "invoice_not_found",
        ),
        (
            Method::POST,
            format!("/v1/invoices/{i}/mark_paid"),
            Some(json!({})),
            "invoice_not_found",
        ),
        (
            Method::POST,
            format!("/v1/invoices/{i}/void"),
            Some(json!({})),
            "invoice_not_found",
        ),
        (
            Method::POST,
            "/v1/invoices".into(),
            Some(
                json!({"business_id": b, "customer_id": c, "currency": "EUR", "line_items": line}),
            ),
            "business_not_found",
        ),
        (
            Method::POST,
            "/v1/credit_notes".into(),
            Some(json!({"invoice_id": i})),
            "invoice_not_found",
        ),
        (
            Method::GET,
            format!("/v1/credit_notes/{n}"),
            None,
            "credit_note_not_found",
        ),
        (
            Method::GET,
            format!("/v1/credit_notes/{note_number}"),
            None,
            "credit_note_not_found",
        ),
        (
            Method::GET,
            format!("/v1/api_keys/{k}"),
            None,
            "api_key_not_found",
        ),
        (
            Method::POST,
            format!("/v1/api_keys/{k}/revoke"),
            None,
            "api_key_not_found",
        ),
    ];
    let lists = [
        "/v1/businesses",
        "/v1/customers",
        "/v1/invoices",
        "/v1/credit_notes",
    ];
    for (label, other) in [
        (
            "another account",
            app.other_key(true, Environment::Test, &["read", "write", "admin"])
                .await,
        ),
        (
            "the live environment",
            app.other_key(false, Environment::Live, &["read", "write", "admin"])
                .await,
        ),
    ] {
        for (method, path, body, code) in &attempts {
            let mut req = app
                .client
                .request(method.clone(), app.url(path))
                .bearer_auth(&other);
            if let Some(body) = body {
                req = req.json(body);
            }
            let resp = app.send(req).await;
            assert_eq!(resp.body["code"], *code, "{label}: {method} {path}");
            assert_problem(&resp, 404, code);
        }
        for list in lists {
            assert_eq!(
                app.get_as(&other, list).await.ok(200)["data"],
                json!([]),
                "{label}: {list}"
            );
        }
        let keys = app.get_as(&other, "/v1/api_keys").await;
        assert_eq!(
            keys.ok(200)["data"].as_array().unwrap().len(),
            1,
            "{label} sees only its own key"
        );
    }
    // And nothing of ours was touched.
    assert_eq!(
        app.get(&format!("/v1/invoices/{d}")).await.ok(200)["status"],
        "draft"
    );
    assert_eq!(
        app.get(&format!("/v1/businesses/{b}")).await.ok(200)["archived"],
        false
    );
}
