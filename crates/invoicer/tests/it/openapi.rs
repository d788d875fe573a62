//! The OpenAPI document describes every route the router serves, with its error responses.

use crate::support::{Store, TestApp, TestConfig};

#[tokio::test]
async fn every_route_is_documented_with_its_errors() {
    let app = TestApp::spawn_with_config(Store::Sqlite, TestConfig::admin()).await;
    let doc = app.send(app.client.get(app.url("/openapi.json"))).await;
    let doc = doc.ok(200).clone();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    let paths = doc["paths"].as_object().unwrap();
    let expected = [
        ("post", "/v1/businesses"),
        ("get", "/v1/businesses"),
        ("get", "/v1/businesses/{id}"),
        ("patch", "/v1/businesses/{id}"),
        ("post", "/v1/businesses/{id}/archive"),
        ("post", "/v1/customers"),
        ("get", "/v1/customers"),
        ("get", "/v1/customers/{id}"),
        ("patch", "/v1/customers/{id}"),
        ("post", "/v1/customers/{id}/archive"),
        ("post", "/v1/invoices"),
        ("get", "/v1/invoices"),
        ("get", "/v1/invoices/{id}"),
        ("patch", "/v1/invoices/{id}"),
        ("post", "/v1/invoices/{id}/issue"),
        ("get", "/v1/invoices/{id}/ubl"),
        ("post", "/v1/invoices/{id}/mark_paid"),
        ("post", "/v1/invoices/{id}/void"),
        ("post", "/v1/invoices/{id}/dispute"),
        ("post", "/v1/credit_notes"),
        ("get", "/v1/credit_notes"),
        ("get", "/v1/credit_notes/{id}"),
        ("get", "/v1/credit_notes/{id}/ubl"),
        ("post", "/v1/credit_notes/{id}/mark_paid"),
        ("post", "/v1/credit_notes/{id}/dispute"),
        ("post", "/v1/api_keys"),
        ("get", "/v1/api_keys"),
        ("get", "/v1/api_keys/{id}"),
        ("post", "/v1/api_keys/{id}/revoke"),
        ("post", "/v1/einvoices/validate"),
        ("post", "/v1/einvoices/import"),
        ("get", "/errors"),
        ("get", "/errors/{code}"),
        ("get", "/healthz"),
        ("get", "/readyz"),
        ("post", "/admin/v1/accounts"),
        ("get", "/admin/v1/accounts"),
        ("get", "/admin/v1/accounts/{id}"),
        ("patch", "/admin/v1/accounts/{id}"),
        ("get", "/admin/v1/accounts/{id}/usage"),
        ("post", "/admin/v1/accounts/{id}/api_keys"),
    ];
    let documented: usize = paths
        .values()
        .map(|item| item.as_object().unwrap().len())
        .sum();
    assert_eq!(
        documented,
        expected.len(),
        "the document has routes this list lacks"
    );
    for (method, path) in expected {
        let op = &paths[path][method];
        assert!(op.is_object(), "{method} {path} is not documented");
        assert!(
            op["operationId"].is_string(),
            "{method} {path} has no operation id"
        );
        // Every route is served: the router answers anything but route_not_found.
        let url = app.url(
            &path
                .replace("{id}", "00000000-0000-7000-8000-000000000000")
                .replace("{code}", "internal_error"),
        );
        let resp = app
            .send(
                app.client
                    .request(method.to_uppercase().parse().unwrap(), url)
                    .bearer_auth(&app.key),
            )
            .await;
        assert_ne!(resp.body["code"], "route_not_found", "{method} {path}");
        assert_ne!(resp.body["code"], "method_not_allowed", "{method} {path}");
        if op.get("security").is_some() {
            let unauthorized = &op["responses"]["401"]["description"];
            let missing = if path.starts_with("/admin/") {
                "missing_admin_token"
            } else {
                "missing_api_key"
            };
            assert!(
                unauthorized.as_str().unwrap().contains(missing),
                "{method} {path}"
            );
        }
        assert!(op["responses"]["500"].is_object(), "{method} {path}");
    }
    assert!(doc["components"]["schemas"]["Problem"].is_object());
    app.finish().await;
}

/// The document is committed (`docs/openapi.json`) so every change to the contract shows in a
/// diff. `INVOICER_UPDATE_OPENAPI=1 cargo test openapi` rewrites it after an intended change.
#[test]
fn the_committed_openapi_document_is_current() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/openapi.json");
    let current = serde_json::to_string_pretty(&invoicer_http::openapi_document()).unwrap() + "\n";
    if std::env::var_os("INVOICER_UPDATE_OPENAPI").is_some() {
        std::fs::write(path, &current).unwrap();
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == current,
        "docs/openapi.json is not the document the server serves; review the change, then run \
         INVOICER_UPDATE_OPENAPI=1 cargo test -p invoicer --test it openapi"
    );
}
