//! `POST /v1/einvoices/validate`: the validator over HTTP.

use reqwest::Method;

use crate::{
    both,
    support::{assert_problem, TestApp},
};

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpus/ubl");

fn corpus_file(path: &str) -> Vec<u8> {
    let full = format!("{CORPUS}/{path}");
    std::fs::read(&full).unwrap_or_else(|e| {
        panic!("the UBL corpus is missing ({full}: {e}); it lives in shared/ beside the repo")
    })
}

both!(
    a_valid_invoice_gets_a_clean_report,
    a_broken_invoice_reports_each_rule,
    strict_mode_refuses_a_fatal_finding_with_every_finding,
    the_body_must_be_xml_and_at_most_the_limit,
);

async fn validate(app: &TestApp, query: &str, body: Vec<u8>) -> crate::support::Resp {
    let req = app
        .req(Method::POST, &format!("/v1/einvoices/validate{query}"))
        .header("content-type", "application/xml")
        .body(body);
    app.send(req).await
}

async fn a_valid_invoice_gets_a_clean_report(app: &TestApp) {
    let resp = validate(
        app,
        "",
        corpus_file("examples/peppol-examples/base-example.xml"),
    )
    .await;
    let body = resp.ok(200);
    assert_eq!(body["document"], "invoice");
    assert_eq!(body["fatal"], 0);
    assert_eq!(body["findings"], serde_json::json!([]));
    assert_eq!(body["rules"]["peppol_bis"], "3.0.19");
}

async fn a_broken_invoice_reports_each_rule(app: &TestApp) {
    let resp = validate(
        app,
        "",
        corpus_file("generated/base-example-500-lines-bad-total.xml"),
    )
    .await;
    let body = resp.ok(200);
    assert_eq!(body["fatal"], 2);
    let rules: Vec<&str> = body["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, vec!["BR-CO-10", "BR-CO-13"]);
    assert_eq!(body["findings"][0]["declared"], "325001.00");
    let not_xml = validate(app, "", b"<html>".to_vec()).await;
    assert_eq!(not_xml.ok(200)["document"], serde_json::Value::Null);
    assert!(not_xml.body["fatal"].as_u64().unwrap() > 0);
}

async fn strict_mode_refuses_a_fatal_finding_with_every_finding(app: &TestApp) {
    let resp = validate(
        app,
        "?strict=true",
        corpus_file("generated/base-example-500-lines-bad-total.xml"),
    )
    .await;
    assert_problem(&resp, 400, "validation_failed");
    let errors = resp.body["validation_errors"].as_array().unwrap();
    assert_eq!(errors.len(), 2);
    assert_eq!(errors[0]["rule"], "BR-CO-10");
    assert!(resp.body["detail"].as_str().unwrap().contains("BR-CO-13"));
    let clean = validate(
        app,
        "?strict=true",
        corpus_file("examples/peppol-examples/base-example.xml"),
    )
    .await;
    assert_eq!(clean.ok(200)["fatal"], 0);
    assert_problem(
        &validate(app, "?strict=maybe", b"<x/>".to_vec()).await,
        400,
        "invalid_request",
    );
}

async fn the_body_must_be_xml_and_at_most_the_limit(app: &TestApp) {
    let json = app
        .send(
            app.req(Method::POST, "/v1/einvoices/validate")
                .header("content-type", "application/json")
                .body("{}"),
        )
        .await;
    assert_problem(&json, 415, "unsupported_media_type");
    let mut big = b"<Invoice>".to_vec();
    big.resize(1024 * 1024 + 1, b' ');
    assert_problem(&validate(app, "", big).await, 413, "payload_too_large");
    let anonymous = app
        .client
        .post(app.url("/v1/einvoices/validate"))
        .header("content-type", "application/xml")
        .body("<x/>");
    assert_problem(&app.send(anonymous).await, 401, "missing_api_key");
}
