//! `Idempotency-Key`: a repeated POST runs once and gets its first response back, byte for byte,
//! on both stores, across processes sharing PostgreSQL, and across a kill -9.

use reqwest::Method;
use serde_json::{json, Value};

use crate::{
    both,
    support::{
        assert_problem, business_json, customer_json, error_fields, start_server, Resp, Store,
        TestApp, TwoInstances,
    },
};

both!(
    a_repeat_gets_the_first_response_byte_for_byte_and_runs_once,
    a_key_names_one_request_of_one_route,
    a_refusal_is_recorded_and_replayed_and_consumes_no_number,
    keys_must_be_printable_ascii_of_at_most_255,
    concurrent_duplicates_create_one_invoice,
    a_repeated_key_creation_never_shows_the_secret_again,
    expired_records_are_swept_and_the_key_runs_again,
    a_keyed_invoice_creation_keeps_every_promise,
);

async fn post_keyed(app: &TestApp, path: &str, key: &str, body: &Value) -> Resp {
    app.send(
        app.req(Method::POST, path)
            .header("Idempotency-Key", key)
            .json(body),
    )
    .await
}

async fn count(app: &TestApp, path: &str) -> usize {
    app.get(&format!("{path}?limit=100")).await.ok(200)["data"]
        .as_array()
        .unwrap()
        .len()
}

async fn a_repeat_gets_the_first_response_byte_for_byte_and_runs_once(app: &TestApp) {
    let body = business_json();
    let first = post_keyed(app, "/v1/businesses", "create-acme-1", &body).await;
    assert_eq!(first.status, 201);
    assert_eq!(first.header("idempotent-replayed"), None);
    // The same request, its JSON written differently: the same request all the same.
    let respaced =
        serde_json::from_str::<Value>(&serde_json::to_string_pretty(&body).unwrap()).unwrap();
    let again = post_keyed(app, "/v1/businesses", "create-acme-1", &respaced).await;
    assert_eq!(again.status, 201);
    assert_eq!(again.text, first.text, "byte for byte");
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.header("content-type"), Some("application/json"));
    assert_eq!(count(app, "/v1/businesses").await, 1);
    // Lifecycle actions too: a repeated issue does not issue twice or fail as "not a draft".
    let draft = app.draft().await;
    let path = format!("/v1/invoices/{}/issue", draft["id"].as_str().unwrap());
    let issued = post_keyed(app, &path, "issue-1", &json!({})).await;
    let repeated = post_keyed(app, &path, "issue-1", &json!({})).await;
    assert_eq!(issued.ok(200)["number"], "INV-2026-000001");
    assert_eq!(repeated.text, issued.text);
    // Without a key, a repeat is a new request.
    let unkeyed = app.post(&path, json!({})).await;
    assert_problem(&unkeyed, 409, "invoice_not_draft");
}

async fn a_key_names_one_request_of_one_route(app: &TestApp) {
    let first = post_keyed(app, "/v1/businesses", "k-1", &business_json()).await;
    assert_eq!(first.status, 201);
    let mut other = business_json();
    other["legal_name"] = "Other BV".into();
    let reused = post_keyed(app, "/v1/businesses", "k-1", &other).await;
    assert_problem(&reused, 409, "idempotency_key_reuse_mismatch");
    assert_eq!(count(app, "/v1/businesses").await, 1);
    // Keys are scoped to their route: the same key on another route is another request.
    let customer = post_keyed(app, "/v1/customers", "k-1", &customer_json()).await;
    assert_eq!(customer.status, 201);
    // And to the tenant: another account's key with the same value is its own.
    let other_key = app
        .other_key(
            true,
            invoicer_domain::api_key::Environment::Test,
            &["read", "write"],
        )
        .await;
    let theirs = app
        .send(
            app.client
                .post(app.url("/v1/businesses"))
                .bearer_auth(&other_key)
                .header("Idempotency-Key", "k-1")
                .json(&other),
        )
        .await;
    assert_eq!(theirs.status, 201);
    assert_eq!(theirs.body["legal_name"], "Other BV");
}

async fn a_refusal_is_recorded_and_replayed_and_consumes_no_number(app: &TestApp) {
    let mut body = app.invoice_body().await;
    body["buyer_reference"] = Value::Null;
    let draft = app.post("/v1/invoices", body).await.ok(201).clone();
    let id = draft["id"].as_str().unwrap();
    let path = format!("/v1/invoices/{id}/issue");
    let refused = post_keyed(app, &path, "issue-a", &json!({})).await;
    assert_problem(&refused, 400, "invalid_request");
    assert_eq!(error_fields(&refused), vec!["buyer_reference"]);
    // Fixed, the same key still answers what it answered: it names that first attempt.
    app.patch(
        &format!("/v1/invoices/{id}"),
        json!({"buyer_reference": "R-9"}),
    )
    .await
    .ok(200);
    let replayed = post_keyed(app, &path, "issue-a", &json!({})).await;
    assert_eq!(
        replayed.text, refused.text,
        "the refusal, request id and all"
    );
    assert_eq!(replayed.header("idempotent-replayed"), Some("true"));
    assert_eq!(
        replayed.header("content-type"),
        Some("application/problem+json")
    );
    // A new key issues, and the refused attempt drew no number.
    let issued = post_keyed(app, &path, "issue-b", &json!({})).await;
    assert_eq!(issued.ok(200)["number"], "INV-2026-000001");
}

async fn keys_must_be_printable_ascii_of_at_most_255(app: &TestApp) {
    for key in ["", "tab\there", &"x".repeat(256)] {
        let resp = app
            .send(
                app.req(Method::POST, "/v1/customers")
                    .header("Idempotency-Key", key)
                    .json(&customer_json()),
            )
            .await;
        assert_problem(&resp, 400, "invalid_request");
        assert_eq!(error_fields(&resp), vec!["Idempotency-Key"], "{key:?}");
    }
    let non_ascii = app
        .send(
            app.req(Method::POST, "/v1/customers")
                .header(
                    "Idempotency-Key",
                    reqwest::header::HeaderValue::from_bytes(b"caf\xc3\xa9").unwrap(),
                )
                .json(&customer_json()),
        )
        .await;
    assert_problem(&non_ascii, 400, "invalid_request");
    assert_eq!(count(app, "/v1/customers").await, 0);
    let longest = post_keyed(app, "/v1/customers", &"y".repeat(255), &customer_json()).await;
    assert_eq!(longest.status, 201);
}

/// Fires `n` copies of one keyed request at once; each answer is the first one replayed or
/// `idempotency_key_in_use`.
async fn duplicates(
    client: &reqwest::Client,
    key: &str,
    bases: &[String],
    body: &Value,
    n: usize,
    idem_key: &str,
) -> Vec<(u16, String, Option<String>)> {
    let requests = (0..n).map(|i| {
        let req = client
            .post(format!("{}/v1/invoices", bases[i % bases.len()]))
            .bearer_auth(key)
            .header("Idempotency-Key", idem_key)
            .json(body);
        async move {
            let resp = req.send().await.expect("sent");
            let status = resp.status().as_u16();
            let replayed = resp
                .headers()
                .get("idempotent-replayed")
                .map(|v| v.to_str().unwrap().to_owned());
            (status, resp.text().await.unwrap(), replayed)
        }
    });
    futures::future::join_all(requests).await
}

fn assert_one_created(answers: &[(u16, String, Option<String>)]) {
    let created: Vec<&String> = answers
        .iter()
        .filter(|(s, _, _)| *s == 201)
        .map(|(_, b, _)| b)
        .collect();
    assert!(!created.is_empty(), "{answers:?}");
    assert!(
        created.iter().all(|b| *b == created[0]),
        "every 201 is the first response"
    );
    assert_eq!(
        answers
            .iter()
            .filter(|(s, _, replayed)| *s == 201 && replayed.is_none())
            .count(),
        1,
        "exactly one ran"
    );
    for (status, body, _) in answers {
        if *status != 201 {
            assert_eq!(*status, 409, "{body}");
            let problem: Value = serde_json::from_str(body).unwrap();
            assert_eq!(problem["code"], "idempotency_key_in_use");
            assert_eq!(problem["retry_after"], 1);
        }
    }
}

async fn concurrent_duplicates_create_one_invoice(app: &TestApp) {
    let mut body = app.invoice_body().await;
    let answers = duplicates(&app.client, &app.key, &[app.url("")], &body, 24, "a").await;
    assert_one_created(&answers);
    assert_eq!(count(app, "/v1/invoices").await, 1);
    // With its currency named, PostgreSQL writes it in one statement: still only once.
    body["currency"] = "EUR".into();
    let answers = duplicates(&app.client, &app.key, &[app.url("")], &body, 24, "b").await;
    assert_one_created(&answers);
    assert_eq!(count(app, "/v1/invoices").await, 2);
}

#[tokio::test]
async fn concurrent_duplicates_through_two_processes_on_postgres_create_one_invoice() {
    let two = TwoInstances::start().await;
    let (client, key, bases) = (&two.client, &two.key, two.bases());
    let mut body = two.invoice_body.clone();
    let answers = duplicates(client, key, &bases, &body, 40, "a").await;
    assert_one_created(&answers);
    // And written in one statement, its currency named.
    body["currency"] = "EUR".into();
    let answers = duplicates(client, key, &bases, &body, 40, "b").await;
    assert_one_created(&answers);
    let list: Value = client
        .get(format!("{}/v1/invoices", two.second.base))
        .bearer_auth(key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["data"].as_array().unwrap().len(), 2);
    two.finish().await;
}

/// While the first request with a key runs (here: while a transaction holds the key),
/// a repeat is told so and when to come back; then it runs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repeat_while_the_first_runs_is_idempotency_key_in_use() {
    let app = TestApp::spawn(Store::Postgres).await;
    let tenant = invoicer_domain::tenant::Tenant {
        account_id: app.account_id,
        environment: invoicer_domain::api_key::Environment::Test,
    };
    let scope = invoicer_store::repo::idempotency::Scope {
        tenant,
        route: "POST /v1/customers",
        key: "busy-key",
    };
    let mut holder = app.db.begin().await.unwrap();
    let id = invoicer_app::idempotency::lock_id(&scope);
    assert!(invoicer_store::repo::idempotency::try_lock(&mut holder, id)
        .await
        .unwrap());
    let busy = post_keyed(&app, "/v1/customers", "busy-key", &customer_json()).await;
    assert_problem(&busy, 409, "idempotency_key_in_use");
    assert_eq!(busy.header("retry-after"), Some("1"));
    assert_eq!(busy.body["retry_after"], 1);
    // An invoice creation, which PostgreSQL does in one statement, waits for the key all the
    // same.
    let invoice_scope = invoicer_store::repo::idempotency::Scope {
        route: "POST /v1/invoices",
        ..scope
    };
    assert!(invoicer_store::repo::idempotency::try_lock(
        &mut holder,
        invoicer_app::idempotency::lock_id(&invoice_scope)
    )
    .await
    .unwrap());
    let mut body = app.invoice_body().await;
    body["currency"] = "EUR".into();
    let busy = post_keyed(&app, "/v1/invoices", "busy-key", &body).await;
    assert_problem(&busy, 409, "idempotency_key_in_use");
    assert_eq!(count(&app, "/v1/invoices").await, 0);
    // Rolled back now: a dropped transaction would release the key only when its connection
    // is next used, which may be long after the repeat below.
    holder.rollback().await.unwrap();
    let done = post_keyed(&app, "/v1/customers", "busy-key", &customer_json()).await;
    assert_eq!(done.status, 201);
    let done = post_keyed(&app, "/v1/invoices", "busy-key", &body).await;
    assert_eq!(done.status, 201);
    app.finish().await;
}

/// An acknowledged response survives kill -9 and is replayed identically after restart.
#[tokio::test]
async fn an_acknowledged_response_is_replayed_after_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("kill9.db").display());
    let (server, key) = start_server(&url, true);
    let key = key.unwrap();
    let client = reqwest::Client::new();
    let send = |base: String, idem: &'static str, body: Value| {
        let req = client
            .post(format!("{base}/v1/businesses"))
            .bearer_auth(&key)
            .header("Idempotency-Key", idem)
            .json(&body);
        async move {
            let resp = req.send().await.unwrap();
            let replayed = resp.headers().contains_key("idempotent-replayed");
            (resp.status().as_u16(), resp.text().await.unwrap(), replayed)
        }
    };
    let first = send(server.base.clone(), "before-the-crash", business_json()).await;
    assert_eq!(first.0, 201);
    assert!(std::process::Command::new("kill")
        .args(["-KILL", &server.pid().to_string()])
        .status()
        .unwrap()
        .success());
    drop(server);
    let (server, _) = start_server(&url, false);
    let again = send(server.base.clone(), "before-the-crash", business_json()).await;
    assert_eq!(again.0, 201);
    assert_eq!(again.1, first.1);
    assert!(again.2, "marked as replayed");
}

async fn a_repeated_key_creation_never_shows_the_secret_again(app: &TestApp) {
    let body = json!({"name": "reporting", "scopes": ["read"]});
    let first = post_keyed(app, "/v1/api_keys", "mint-1", &body).await;
    let secret = first.ok(201)["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("inv_test_"));
    let again = post_keyed(app, "/v1/api_keys", "mint-1", &body).await;
    assert_eq!(again.ok(201)["id"], first.body["id"]);
    assert_eq!(
        again.body["secret"],
        Value::Null,
        "the secret is shown once"
    );
    assert!(!again.text.contains(&secret));
}

/// Moves every idempotency record past its retention, as a day and more would.
async fn expire_records(app: &TestApp) {
    let mut tx = app.db.begin().await.unwrap();
    sqlx::Executor::execute(
        &mut *tx,
        "UPDATE idempotency_keys SET expires_at = '2000-01-01T00:00:00.000Z'",
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

async fn expired_records_are_swept_and_the_key_runs_again(app: &TestApp) {
    let first = post_keyed(app, "/v1/customers", "old-key", &customer_json()).await;
    assert_eq!(first.status, 201);
    // A day and more later: the record has expired.
    expire_records(app).await;
    assert_eq!(invoicer_app::idempotency::sweep(&app.db).await.unwrap(), 1);
    let again = post_keyed(app, "/v1/customers", "old-key", &customer_json()).await;
    assert_eq!(again.status, 201);
    assert_eq!(again.header("idempotent-replayed"), None);
    assert_ne!(again.body["id"], first.body["id"]);
    assert_eq!(count(app, "/v1/customers").await, 2);
}

/// An invoice creation (on PostgreSQL one statement with its record, when the request names
/// its currency) replays, refuses another body, falls back to a refusal it records when a party
/// is archived, and runs again once its record expired.
async fn a_keyed_invoice_creation_keeps_every_promise(app: &TestApp) {
    let mut body = app.invoice_body().await;
    // Named, the currency needs nothing from the business: the shape written at once.
    body["currency"] = "EUR".into();
    let first = post_keyed(app, "/v1/invoices", "inv-1", &body).await;
    assert_eq!(first.status, 201);
    assert_eq!(first.header("idempotent-replayed"), None);
    let again = post_keyed(app, "/v1/invoices", "inv-1", &body).await;
    assert_eq!(again.text, first.text, "byte for byte");
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    let mut other = body.clone();
    other["note"] = "another request".into();
    let reused = post_keyed(app, "/v1/invoices", "inv-1", &other).await;
    assert_problem(&reused, 409, "idempotency_key_reuse_mismatch");
    assert_eq!(count(app, "/v1/invoices").await, 1);

    // Expired but not yet swept: the key is free again, and its old record is replaced.
    expire_records(app).await;
    let fresh = post_keyed(app, "/v1/invoices", "inv-1", &other).await;
    assert_eq!(fresh.status, 201);
    assert_eq!(fresh.header("idempotent-replayed"), None);
    assert_ne!(fresh.body["id"], first.body["id"]);
    let replayed = post_keyed(app, "/v1/invoices", "inv-1", &other).await;
    assert_eq!(replayed.text, fresh.text);
    assert_eq!(count(app, "/v1/invoices").await, 2);

    // A party the one statement cannot use: the refusal says why, and is what the key answers.
    let customer = body["customer_id"].as_str().unwrap();
    app.post(&format!("/v1/customers/{customer}/archive"), json!({}))
        .await
        .ok(200);
    let archived = post_keyed(app, "/v1/invoices", "inv-2", &body).await;
    assert_problem(&archived, 409, "customer_archived");
    let replayed = post_keyed(app, "/v1/invoices", "inv-2", &body).await;
    assert_eq!(replayed.text, archived.text);
    assert_eq!(replayed.header("idempotent-replayed"), Some("true"));
    let mut unknown = body.clone();
    unknown["business_id"] = uuid::Uuid::now_v7().to_string().into();
    let missing = post_keyed(app, "/v1/invoices", "inv-3", &unknown).await;
    assert_problem(&missing, 404, "business_not_found");
    assert_eq!(count(app, "/v1/invoices").await, 2);
}
