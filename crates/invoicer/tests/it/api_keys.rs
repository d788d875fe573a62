//! Keys through the API: the secret is shown once, stored as a hash, and keys stay in their
//! environment.

use serde_json::json;

use crate::{
    both,
    support::{assert_problem, error_fields, TestApp, TwoInstances},
};

both!(
    a_created_key_shows_its_secret_once_and_works,
    keys_are_listed_without_secrets,
    key_requests_are_validated,
    a_test_key_cannot_create_a_live_key,
    an_unknown_key_id_is_api_key_not_found,
);

async fn a_created_key_shows_its_secret_once_and_works(app: &TestApp) {
    let created = app
        .post(
            "/v1/api_keys",
            json!({"name": "billing", "scopes": ["read"]}),
        )
        .await;
    let body = created.ok(201).clone();
    let secret = body["secret"].as_str().unwrap();
    assert!(secret.starts_with("inv_test_") && secret.len() == 41);
    assert_eq!(body["prefix"], secret[..13]);
    assert_eq!(body["scopes"], json!(["read"]));
    let fetched = app.get(&format!("/v1/api_keys/{}", created.id())).await;
    assert!(fetched.ok(200).get("secret").is_none());
    assert_eq!(app.get_as(secret, "/v1/businesses").await.status, 200);
}

async fn keys_are_listed_without_secrets(app: &TestApp) {
    app.post("/v1/api_keys", json!({})).await.ok(201);
    let list = app.get("/v1/api_keys").await;
    let data = list.ok(200)["data"].as_array().unwrap();
    assert_eq!(data.len(), 2);
    assert!(data.iter().all(|k| k.get("secret").is_none()));
    assert!(
        !list.body.to_string().contains(&app.key),
        "a secret leaked into a list"
    );
}

async fn key_requests_are_validated(app: &TestApp) {
    let resp = app
        .post("/v1/api_keys", json!({"scopes": ["read", "sudo"], "expires_at": "tomorrow", "allowed_ips": ["10.0.0.0/33"]}))
        .await;
    assert_problem(&resp, 400, "invalid_request");
    assert_eq!(
        error_fields(&resp),
        vec!["scopes[1]", "expires_at", "allowed_ips[0]"]
    );
}

async fn a_test_key_cannot_create_a_live_key(app: &TestApp) {
    let resp = app
        .post("/v1/api_keys", json!({"environment": "live"}))
        .await;
    assert_problem(&resp, 400, "invalid_request");
    assert_eq!(error_fields(&resp), vec!["environment"]);
}

async fn an_unknown_key_id_is_api_key_not_found(app: &TestApp) {
    let id = uuid::Uuid::now_v7();
    assert_problem(
        &app.get(&format!("/v1/api_keys/{id}")).await,
        404,
        "api_key_not_found",
    );
    assert_problem(
        &app.post(&format!("/v1/api_keys/{id}/revoke"), json!({}))
            .await,
        404,
        "api_key_not_found",
    );
}

/// Keys are kept a second by each instance (`KEY_CACHE_TTL`): a revocation through one instance
/// holds at once there, and on another sharing the database once that second has passed.
#[tokio::test]
async fn a_revocation_reaches_every_instance_within_the_key_cache_lifetime() {
    let two = TwoInstances::start().await;
    let (client, first, second) = (&two.client, &two.first, &two.second);
    let created = two
        .post_first("/v1/api_keys", json!({"name": "short-lived"}))
        .await;
    let (id, secret) = (
        created["id"].as_str().unwrap().to_owned(),
        created["secret"].as_str().unwrap().to_owned(),
    );
    let status_on = |base: &str| {
        let req = client
            .get(format!("{base}/v1/businesses"))
            .bearer_auth(&secret);
        async move {
            let resp = req.send().await.unwrap();
            let status = resp.status().as_u16();
            let body: serde_json::Value = resp.json().await.unwrap();
            (status, body["code"].as_str().unwrap_or_default().to_owned())
        }
    };
    // Both instances have now found (and keep) the key.
    assert_eq!(status_on(&first.base).await.0, 200);
    assert_eq!(status_on(&second.base).await.0, 200);
    let revoked = two
        .post_first(&format!("/v1/api_keys/{id}/revoke"), json!({}))
        .await;
    assert_eq!(revoked["id"], id.as_str(), "revoked: {revoked}");
    assert!(revoked["revoked_at"].is_string(), "{revoked}");
    assert_eq!(
        status_on(&first.base).await,
        (401, "api_key_revoked".to_owned()),
        "at once on the instance that revoked it"
    );
    crate::support::key_cache_outlived().await;
    assert_eq!(
        status_on(&second.base).await,
        (401, "api_key_revoked".to_owned()),
        "on the other once the key cache's lifetime has passed"
    );
    two.finish().await;
}
