//! Every failure answers with the problem envelope, whatever produced it.

use reqwest::Method;
use serde_json::json;

use crate::{
    both,
    support::{assert_problem, error_fields, Store, TestApp},
};

both!(
    unknown_routes_are_route_not_found,
    wrong_methods_are_method_not_allowed_with_allow,
    bodies_must_be_json,
    malformed_json_names_line_and_column,
    unknown_fields_are_named,
    bodies_over_one_mebibyte_are_refused,
    more_than_500_line_items_are_refused,
    invalid_ids_in_paths_are_invalid_request,
    validation_reports_every_failing_field_at_once,
    a_client_request_id_is_kept,
    error_pages_resolve_for_every_code,
    health_and_readiness_answer,
);

async fn unknown_routes_are_route_not_found(app: &TestApp) {
    let resp = app.get("/v1/nothing-here").await;
    assert_problem(&resp, 404, "route_not_found");
    // Unauthenticated too: the route is unknown before anyone is asked for a key.
    let resp = app.send(app.client.get(app.url("/nope"))).await;
    assert_problem(&resp, 404, "route_not_found");
}

async fn wrong_methods_are_method_not_allowed_with_allow(app: &TestApp) {
    let resp = app.send(app.req(Method::PUT, "/v1/invoices")).await;
    assert_problem(&resp, 405, "method_not_allowed");
    let allow = resp.header("allow").unwrap_or_default();
    assert!(allow.contains("GET") && allow.contains("POST"), "{allow}");
}

async fn bodies_must_be_json(app: &TestApp) {
    let resp = app
        .send(
            app.req(Method::POST, "/v1/businesses")
                .header("content-type", "text/plain")
                .body("{}"),
        )
        .await;
    assert_problem(&resp, 415, "unsupported_media_type");
    let resp = app
        .send(app.req(Method::POST, "/v1/businesses").body("{}"))
        .await;
    assert_problem(&resp, 415, "unsupported_media_type");
}

async fn malformed_json_names_line_and_column(app: &TestApp) {
    let body = "{\n  \"legal_name\": \"Acme\",\n}";
    let resp = app
        .send(
            app.req(Method::POST, "/v1/businesses")
                .header("content-type", "application/json")
                .body(body),
        )
        .await;
    assert_problem(&resp, 400, "malformed_json");
    let detail = resp.body["detail"].as_str().unwrap();
    assert!(detail.contains("line 3 column 1"), "{detail}");
    assert_eq!(
        app.get("/v1/businesses").await.body["data"],
        json!([]),
        "nothing was written"
    );
}

async fn unknown_fields_are_named(app: &TestApp) {
    let resp = app
        .post(
            "/v1/businesses",
            json!({"legal_name": "Acme", "country": "NL", "colour": "red"}),
        )
        .await;
    assert_problem(&resp, 400, "invalid_request");
    assert_eq!(resp.body["errors"][0]["code"], "unknown_field");
    let body = app.invoice_body().await;
    let mut body = body;
    body["line_items"][0]["vat"] = json!("21");
    let resp = app.post("/v1/invoices", body).await;
    assert_problem(&resp, 400, "invalid_request");
    assert_eq!(error_fields(&resp), vec!["line_items[0].vat"]);
}

async fn bodies_over_one_mebibyte_are_refused(app: &TestApp) {
    let big = json!({"legal_name": "x".repeat(1024 * 1024 + 10), "country": "NL"});
    let resp = app.post("/v1/businesses", big).await;
    assert_problem(&resp, 413, "payload_too_large");
    assert_eq!(app.get("/v1/businesses").await.body["data"], json!([]));
}

async fn more_than_500_line_items_are_refused(app: &TestApp) {
    let mut body = app.invoice_body().await;
    let line = body["line_items"][0].clone();
    body["line_items"] = json!(vec![line; 501]);
    let resp = app.post("/v1/invoices", body.clone()).await;
    assert_problem(&resp, 413, "too_many_line_items");
    body["line_items"] = json!(vec![body["line_items"][0].clone(); 500]);
    let created = app.post("/v1/invoices", body).await;
    assert_eq!(created.ok(201)["totals"]["line_extension"], "500000.00");
}

async fn invalid_ids_in_paths_are_invalid_request(app: &TestApp) {
    for path in [
        "/v1/businesses/not-a-uuid",
        "/v1/customers/42",
        "/v1/api_keys/zzz",
        "/v1/invoices/not-a-number",
    ] {
        let resp = app.get(path).await;
        assert_problem(&resp, 400, "invalid_request");
        assert_eq!(error_fields(&resp), vec!["id"], "{path}");
    }
}

async fn validation_reports_every_failing_field_at_once(app: &TestApp) {
    let b = app.business().await;
    let resp = app
        .post(
            "/v1/invoices",
            json!({
                "business_id": b["id"], "customer_id": "nope", "currency": "EURO",
                "line_items": [
                    {"description": "", "quantity": "1e3", "unit_price": "-1", "vat_category": "X"},
                    {"description": "ok", "quantity": "99999999999", "unit_price": "1.0000001", "vat_rate": "21"}
                ]
            }),
        )
        .await;
    assert_problem(&resp, 400, "invalid_request");
    let fields = error_fields(&resp);
    for expected in [
        "customer_id",
        "currency",
        "line_items[0].description",
        "line_items[0].quantity",
        "line_items[0].unit_price",
        "line_items[0].vat_category",
        "line_items[1].quantity",
        "line_items[1].unit_price",
    ] {
        assert!(
            fields.contains(&expected.to_owned()),
            "{expected} missing from {fields:?}"
        );
    }
}

async fn a_client_request_id_is_kept(app: &TestApp) {
    let resp = app
        .send(
            app.req(Method::GET, "/v1/nope")
                .header("x-request-id", "req-abc-123"),
        )
        .await;
    assert_eq!(resp.header("x-request-id"), Some("req-abc-123"));
    assert_eq!(resp.body["request_id"], "req-abc-123");
}

async fn error_pages_resolve_for_every_code(app: &TestApp) {
    let list = app.send(app.client.get(app.url("/errors"))).await;
    assert_eq!(
        list.body.as_array().unwrap().len(),
        invoicer_api_types::ErrorCode::ALL.len()
    );
    for code in invoicer_api_types::ErrorCode::ALL {
        let page = app
            .send(
                app.client
                    .get(app.url(&format!("/errors/{}", code.as_str()))),
            )
            .await;
        assert_eq!(page.ok(200)["status"], code.status());
        assert_eq!(page.body["title"], code.title());
    }
    let html = app
        .send(
            app.client
                .get(app.url("/errors/invoice_not_found"))
                .header("accept", "text/html"),
        )
        .await;
    assert!(html
        .header("content-type")
        .unwrap()
        .starts_with("text/html"));
    assert!(html.body.as_str().unwrap().contains("invoice_not_found"));
    let missing = app
        .send(app.client.get(app.url("/errors/no_such_code")))
        .await;
    assert_problem(&missing, 404, "error_code_not_found");
}

async fn health_and_readiness_answer(app: &TestApp) {
    assert_eq!(
        app.send(app.client.get(app.url("/healthz"))).await.ok(200)["status"],
        "ok"
    );
    assert_eq!(
        app.send(app.client.get(app.url("/readyz"))).await.ok(200)["status"],
        "ready"
    );
}

#[tokio::test]
async fn a_lost_database_is_service_unavailable_with_retry_after() {
    for store in [Store::Sqlite, Store::Postgres] {
        let app = TestApp::spawn(store).await;
        app.db.close().await;
        let resp = app.send(app.client.get(app.url("/readyz"))).await;
        assert_problem(&resp, 503, "service_unavailable");
        assert_eq!(resp.header("retry-after"), Some("5"));
        assert_eq!(resp.body["retry_after"], 5);
        let resp = app.get("/v1/businesses").await;
        assert_problem(&resp, 503, "service_unavailable");
        app.test_db.drop_schema().await;
    }
}

#[tokio::test]
async fn a_panic_is_an_opaque_internal_error() {
    async fn boom() -> &'static str {
        panic!("a bug")
    }
    let app = TestApp::spawn_with(Store::Sqlite, |r| {
        r.route("/boom", axum::routing::get(boom))
    })
    .await;
    let resp = app.get("/boom").await;
    assert_problem(&resp, 500, "internal_error");
    assert!(
        !resp.body["detail"].as_str().unwrap().contains("a bug"),
        "the panic message stays in the logs"
    );
    app.finish().await;
}
