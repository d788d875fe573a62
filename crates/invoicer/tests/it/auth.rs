//! Each way a key can fail has its own code; both headers work.

use invoicer_domain::api_key::Environment;
use reqwest::Method;
use serde_json::json;

use crate::{
    both,
    support::{assert_problem, TestApp},
};

both!(
    a_request_without_a_key_is_missing_api_key,
    a_non_bearer_authorization_is_invalid_authorization_scheme,
    a_malformed_key_is_invalid_api_key_format,
    an_unknown_key_is_invalid_api_key,
    the_x_api_key_header_is_accepted,
    a_revoked_key_is_api_key_revoked,
    an_expired_key_is_api_key_expired,
    a_key_without_the_scope_is_insufficient_scope,
    a_key_used_outside_its_allowlist_is_ip_not_allowed,
    a_past_due_account_can_read_but_not_write,
);

async fn a_request_without_a_key_is_missing_api_key(app: &TestApp) {
    let resp = app.send(app.client.get(app.url("/v1/invoices"))).await;
    assert_problem(&resp, 401, "missing_api_key");
}

async fn a_non_bearer_authorization_is_invalid_authorization_scheme(app: &TestApp) {
    let req = app
        .client
        .get(app.url("/v1/invoices"))
        .header("authorization", format!("Basic {}", app.key));
    assert_problem(&app.send(req).await, 401, "invalid_authorization_scheme");
}

async fn a_malformed_key_is_invalid_api_key_format(app: &TestApp) {
    for bad in [
        "sk_test_123",
        "inv_test_short",
        "inv_prod_abcdefghijklmnopqrstuvwxyz012345",
    ] {
        assert_problem(
            &app.get_as(bad, "/v1/invoices").await,
            401,
            "invalid_api_key_format",
        );
    }
}

async fn an_unknown_key_is_invalid_api_key(app: &TestApp) {
    let resp = app
        .get_as("inv_test_abcdefghijklmnopqrstuvwxyz012345", "/v1/invoices")
        .await;
    assert_problem(&resp, 401, "invalid_api_key");
}

async fn the_x_api_key_header_is_accepted(app: &TestApp) {
    let resp = app
        .send(
            app.client
                .get(app.url("/v1/invoices"))
                .header("x-api-key", &app.key),
        )
        .await;
    assert_eq!(resp.ok(200)["object"], "list");
}

async fn a_revoked_key_is_api_key_revoked(app: &TestApp) {
    let created = app.post("/v1/api_keys", json!({"name": "temp"})).await;
    let secret = created.ok(201)["secret"].as_str().unwrap().to_owned();
    assert_eq!(app.get_as(&secret, "/v1/invoices").await.status, 200);
    app.post(&format!("/v1/api_keys/{}/revoke", created.id()), json!({}))
        .await
        .ok(200);
    assert_problem(
        &app.get_as(&secret, "/v1/invoices").await,
        401,
        "api_key_revoked",
    );
}

async fn an_expired_key_is_api_key_expired(app: &TestApp) {
    let created = app
        .post(
            "/v1/api_keys",
            json!({"expires_at": "2020-01-01T00:00:00Z"}),
        )
        .await;
    let secret = created.ok(201)["secret"].as_str().unwrap().to_owned();
    assert_problem(
        &app.get_as(&secret, "/v1/invoices").await,
        401,
        "api_key_expired",
    );
}

async fn a_key_without_the_scope_is_insufficient_scope(app: &TestApp) {
    let reader = app.other_key(false, Environment::Test, &["read"]).await;
    assert_eq!(app.get_as(&reader, "/v1/invoices").await.status, 200);
    let resp = app
        .post_as(
            &reader,
            "/v1/businesses",
            json!({"legal_name": "Acme", "country": "NL"}),
        )
        .await;
    assert_problem(&resp, 403, "insufficient_scope");
    assert!(resp.body["detail"].as_str().unwrap().contains("write"));
    assert_problem(
        &app.get_as(&reader, "/v1/api_keys").await,
        403,
        "insufficient_scope",
    );
    // Refused before the body is read: even a broken body gets the scope answer.
    let req = app
        .client
        .request(Method::POST, app.url("/v1/businesses"))
        .bearer_auth(&reader)
        .body("{");
    assert_problem(&app.send(req).await, 403, "insufficient_scope");
    assert_eq!(app.get("/v1/businesses").await.body["data"], json!([]));
}

async fn a_key_used_outside_its_allowlist_is_ip_not_allowed(app: &TestApp) {
    let outside = app
        .post("/v1/api_keys", json!({"allowed_ips": ["10.0.0.0/8"]}))
        .await;
    let secret = outside.ok(201)["secret"].as_str().unwrap().to_owned();
    assert_problem(
        &app.get_as(&secret, "/v1/invoices").await,
        403,
        "ip_not_allowed",
    );
    let inside = app
        .post(
            "/v1/api_keys",
            json!({"allowed_ips": ["127.0.0.0/8", "::1"]}),
        )
        .await;
    let secret = inside.ok(201)["secret"].as_str().unwrap().to_owned();
    assert_eq!(app.get_as(&secret, "/v1/invoices").await.status, 200);
}

async fn a_past_due_account_can_read_but_not_write(app: &TestApp) {
    use invoicer_domain::tenant::BillingStatus;
    let business = app.business().await;
    let path = format!("/v1/businesses/{}", business["id"].as_str().unwrap());
    invoicer_app::accounts::set_billing_status(&app.db, app.account_id, BillingStatus::PastDue)
        .await
        .unwrap();
    // Reads still work, whatever scope they need, so the customer can export its data.
    assert_eq!(app.get("/v1/businesses").await.ok(200)["data"][0], business);
    assert_eq!(app.get(&path).await.ok(200)["archived"], false);
    assert_eq!(
        app.get("/v1/api_keys").await.ok(200)["data"][0]["revoked_at"],
        json!(null)
    );
    // Anything else is refused, even a POST that stores nothing.
    let resp = app
        .post(
            "/v1/businesses",
            json!({"legal_name": "Acme", "country": "NL"}),
        )
        .await;
    assert_problem(&resp, 402, "payment_required");
    let resp = app.patch(&path, json!({"legal_name": "Renamed"})).await;
    assert_problem(&resp, 402, "payment_required");
    let resp = app
        .send(
            app.req(Method::POST, "/v1/einvoices/validate")
                .header("content-type", "application/xml")
                .body("<Invoice/>"),
        )
        .await;
    assert_problem(&resp, 402, "payment_required");
    invoicer_app::accounts::set_billing_status(&app.db, app.account_id, BillingStatus::Active)
        .await
        .unwrap();
    assert_eq!(
        app.get("/v1/businesses").await.ok(200)["data"],
        json!([business]),
        "nothing was written while past due"
    );
}
