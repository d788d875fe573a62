//! Plans enforced: request rates per key (reads and writes a minute, invoice creations an hour),
//! monthly quotas per account, the cap on keys, the rate headers on every authenticated
//! response, and rates that hold across two server processes on one PostgreSQL.
//!
//! Windows are fixed and aligned to Unix time, so a run may cross into the next one: the tests
//! never assume it does not, and compare the requests of one window (`X-RateLimit-Reset`).

use reqwest::Method;
use serde_json::{json, Value};

use crate::{
    both,
    support::{
        assert_problem, business_json, customer_json, invoice_json, start_server_with, Resp, Store,
        TestApp, TestConfig, TestDb, ADMIN_TOKEN,
    },
};

const PLANS: &str = r#"
[plans.self_hosted]

[plans.tight]
reads_per_minute = 5
writes_per_minute = 5

[plans.hourly]
writes_per_minute = 1000
invoices_per_hour = 2

[plans.quota]
[plans.quota.monthly_quotas]
invoices = 2
einvoice_validations = 1

[plans.capped]
max_api_keys = 3
"#;

fn limited() -> TestConfig {
    TestConfig {
        plans: invoicer_domain::plan::Plans::parse(PLANS).unwrap(),
        ..TestConfig::admin()
    }
}

both!(with limited;
    a_key_s_reads_a_minute_are_limited,
    a_key_s_writes_a_minute_are_limited_apart_from_its_reads,
    every_authenticated_response_says_where_the_key_stands,
    a_key_s_invoice_creations_an_hour_are_limited,
    a_month_s_invoices_stop_at_the_quota,
    a_month_s_validations_stop_at_the_quota_and_the_operator_sees_them,
    validations_are_counted_on_a_plan_without_a_quota_too,
    one_key_more_than_the_plan_allows_is_refused,
    concurrent_key_creations_never_pass_the_cap,
    the_self_hosted_plan_is_never_limited,
);

/// A key with every scope, of a new account on `plan`.
async fn key_on(app: &TestApp, plan: &str) -> String {
    let account = invoicer_app::accounts::create_account(
        &app.db,
        invoicer_api_types::account::NewAccount {
            name: format!("On {plan}"),
            plan: plan.into(),
        },
    )
    .await
    .unwrap();
    let (_, secret) = invoicer_app::keys::create(
        &app.db,
        invoicer_domain::tenant::Tenant {
            account_id: account.id,
            environment: invoicer_domain::api_key::Environment::Test,
        },
        invoicer_app::keys::everything("limited"),
    )
    .await
    .unwrap();
    secret.expose().to_owned()
}

fn reset(resp: &Resp) -> Option<&str> {
    resp.header("x-ratelimit-reset")
}

/// Sends requests until one is refused (at most three windows' worth); returns the refusal, the
/// responses accepted in its window, and how many were accepted in all.
async fn until_refused(
    limit: usize,
    mut send: impl AsyncFnMut() -> Resp,
) -> (Resp, Vec<Resp>, usize) {
    let mut accepted = Vec::new();
    for _ in 0..=3 * limit {
        let resp = send().await;
        if resp.status == 429 {
            let total = accepted.len();
            accepted.retain(|r| reset(r) == reset(&resp));
            return (resp, accepted, total);
        }
        accepted.push(resp);
    }
    panic!("{} requests and none refused", 3 * limit + 1);
}

#[track_caller]
fn assert_rate_limited(resp: &Resp, class: &str, limit: u64, window: u64, plan: &str) {
    assert_problem(resp, 429, "rate_limited");
    let retry = resp.body["retry_after"].as_u64().expect("retry_after");
    assert!((1..=window).contains(&retry), "{:#}", resp.body);
    assert_eq!(resp.header("retry-after"), Some(retry.to_string().as_str()));
    assert_eq!(resp.body["limit"], limit);
    assert_eq!(resp.body["plan"], plan);
    assert_eq!(
        resp.header("x-ratelimit-limit"),
        Some(limit.to_string().as_str())
    );
    assert_eq!(resp.header("x-ratelimit-remaining"), Some("0"));
    let reset: i64 = reset(resp).unwrap().parse().unwrap();
    assert_eq!(reset % i64::try_from(window).unwrap(), 0, "a window's end");
    assert!(
        resp.header("ratelimit")
            .unwrap()
            .contains(&format!("\"{class}\";r=0;t={retry}")),
        "{:?}",
        resp.header("ratelimit")
    );
}

async fn a_key_s_reads_a_minute_are_limited(app: &TestApp) {
    let key = key_on(app, "tight").await;
    let (refused, accepted, _) =
        until_refused(5, async || app.get_as(&key, "/v1/businesses").await).await;
    assert_eq!(accepted.len(), 5, "a window's reads");
    for (i, resp) in accepted.iter().enumerate() {
        resp.ok(200);
        assert_eq!(resp.header("x-ratelimit-limit"), Some("5"));
        assert_eq!(
            resp.header("x-ratelimit-remaining"),
            Some((4 - i).to_string().as_str())
        );
    }
    assert_rate_limited(&refused, "reads", 5, 60, "tight");
    assert_eq!(
        refused.header("ratelimit-policy"),
        Some("\"reads\";q=5;w=60")
    );
    // Writes are counted apart.
    app.post_as(&key, "/v1/customers", customer_json())
        .await
        .ok(201);
}

async fn a_key_s_writes_a_minute_are_limited_apart_from_its_reads(app: &TestApp) {
    let key = key_on(app, "tight").await;
    let (refused, accepted, total) = until_refused(5, async || {
        app.post_as(&key, "/v1/customers", customer_json()).await
    })
    .await;
    assert_eq!(accepted.len(), 5, "a window's writes");
    for resp in &accepted {
        resp.ok(201);
    }
    assert_rate_limited(&refused, "writes", 5, 60, "tight");
    assert_eq!(
        refused.header("ratelimit-policy"),
        Some("\"writes\";q=5;w=60")
    );
    // The refused write created nothing, and reads still work.
    let list = app.get_as(&key, "/v1/customers").await;
    assert_eq!(list.ok(200)["data"].as_array().unwrap().len(), total);
}

async fn every_authenticated_response_says_where_the_key_stands(app: &TestApp) {
    let key = key_on(app, "tight").await;
    let missing = app
        .get_as(&key, "/v1/businesses/00000000-0000-7000-8000-000000000000")
        .await;
    assert_problem(&missing, 404, "business_not_found");
    assert_eq!(missing.header("x-ratelimit-limit"), Some("5"));
    assert_eq!(
        missing.header("x-ratelimit-remaining"),
        Some("4"),
        "a fresh key"
    );
    let reset: i64 = reset(&missing).unwrap().parse().unwrap();
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    assert!(reset > now - 1 && reset <= now + 60, "{reset} {now}");
    assert_eq!(
        missing.header("ratelimit-policy"),
        Some("\"reads\";q=5;w=60")
    );
    let current = missing.header("ratelimit").unwrap();
    assert!(current.starts_with("\"reads\";r=4;t="), "{current}");

    let bad = app.post_as(&key, "/v1/customers", json!({})).await;
    assert_problem(&bad, 400, "invalid_request");
    assert_eq!(bad.header("ratelimit-policy"), Some("\"writes\";q=5;w=60"));
    assert_eq!(bad.header("x-ratelimit-remaining"), Some("4"));

    let created = app.post_as(&key, "/v1/customers", customer_json()).await;
    created.ok(201);
    assert_eq!(created.header("x-ratelimit-remaining"), Some("3"));

    // Not counted, so nothing to say: no key, an unknown key, a plan without figures.
    let anonymous = app.send(app.client.get(app.url("/v1/businesses"))).await;
    assert_problem(&anonymous, 401, "missing_api_key");
    let unknown = app
        .get_as(
            "inv_test_0000000000000000000000000000000a",
            "/v1/businesses",
        )
        .await;
    assert_problem(&unknown, 401, "invalid_api_key");
    let unlimited = app.get("/v1/businesses").await;
    unlimited.ok(200);
    for resp in [&anonymous, &unknown, &unlimited] {
        for header in ["x-ratelimit-limit", "ratelimit", "ratelimit-policy"] {
            assert_eq!(resp.header(header), None, "{header}");
        }
    }
}

async fn a_key_s_invoice_creations_an_hour_are_limited(app: &TestApp) {
    let key = key_on(app, "hourly").await;
    let b = app.post_as(&key, "/v1/businesses", business_json()).await;
    let c = app.post_as(&key, "/v1/customers", customer_json()).await;
    let body = invoice_json(&b.ok(201)["id"], &c.ok(201)["id"]);

    // A refused creation creates nothing and so uses none of the hour's.
    let mut bad = body.clone();
    bad["line_items"] = json!([]);
    let refused = app.post_as(&key, "/v1/invoices", bad).await;
    assert_problem(&refused, 400, "invalid_request");
    assert!(
        refused
            .header("ratelimit")
            .unwrap()
            .contains("\"invoices\";r=2;"),
        "{:?}",
        refused.header("ratelimit")
    );
    // Nor does a repeat answered from its Idempotency-Key.
    let keyed = || {
        app.client
            .post(app.url("/v1/invoices"))
            .bearer_auth(&key)
            .header("idempotency-key", "first-invoice")
            .json(&body)
    };
    let first = app.send(keyed()).await;
    first.ok(201);
    let repeat = app.send(keyed()).await;
    repeat.ok(201);
    assert_eq!(repeat.header("idempotent-replayed"), Some("true"));
    assert_eq!(repeat.body["id"], first.body["id"]);

    let mut created = vec![first];
    let refused = loop {
        let resp = app.post_as(&key, "/v1/invoices", body.clone()).await;
        if resp.status == 429 {
            break resp;
        }
        resp.ok(201);
        assert!(created.len() < 7, "never refused");
        created.push(resp);
    };
    let in_window = created
        .iter()
        .filter(|r| reset(r) == reset(&refused))
        .count();
    assert_eq!(in_window, 2, "an hour's creations");
    assert_rate_limited(&refused, "invoices", 2, 3600, "hourly");
    assert_eq!(
        refused.header("ratelimit-policy"),
        Some("\"writes\";q=1000;w=60, \"invoices\";q=2;w=3600")
    );
    // Other writes go on.
    app.post_as(&key, "/v1/customers", customer_json())
        .await
        .ok(201);
}

async fn a_month_s_invoices_stop_at_the_quota(app: &TestApp) {
    let key = key_on(app, "quota").await;
    let b = app.post_as(&key, "/v1/businesses", business_json()).await;
    let c = app.post_as(&key, "/v1/customers", customer_json()).await;
    let body = invoice_json(&b.ok(201)["id"], &c.ok(201)["id"]);
    for _ in 0..2 {
        app.post_as(&key, "/v1/invoices", body.clone())
            .await
            .ok(201);
    }
    let over = app.post_as(&key, "/v1/invoices", body.clone()).await;
    assert_problem(&over, 429, "quota_exceeded");
    assert_eq!(over.body["resource"], "invoices");
    assert_eq!(over.body["current_usage"], 2);
    assert_eq!(over.body["plan_limit"], 2);
    assert_eq!(over.body["plan"], "quota");
    assert_eq!(over.header("retry-after"), None, "not before next month");
    let list = app.get_as(&key, "/v1/invoices").await;
    assert_eq!(
        list.ok(200)["data"].as_array().unwrap().len(),
        2,
        "nothing created"
    );
    // A bad request is refused for what is wrong with it.
    let bad = app.post_as(&key, "/v1/invoices", json!({})).await;
    assert_problem(&bad, 400, "invalid_request");
}

async fn a_month_s_validations_stop_at_the_quota_and_the_operator_sees_them(app: &TestApp) {
    let key = key_on(app, "quota").await;
    let validate = || {
        app.client
            .post(app.url("/v1/einvoices/validate"))
            .bearer_auth(&key)
            .header("content-type", "application/xml")
            .body("<Invoice/>")
    };
    app.send(validate()).await.ok(200);
    let over = app.send(validate()).await;
    assert_problem(&over, 429, "quota_exceeded");
    assert_eq!(over.body["resource"], "einvoice_validations");
    assert_eq!(over.body["current_usage"], 1);
    assert_eq!(over.body["plan_limit"], 1);
    assert_eq!(over.body["plan"], "quota");

    let accounts = app
        .send(app.admin(Method::GET, "/admin/v1/accounts?limit=100"))
        .await;
    let account = accounts.ok(200)["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["plan"] == "quota")
        .unwrap()
        .clone();
    let usage = app
        .send(app.admin(
            Method::GET,
            &format!(
                "/admin/v1/accounts/{}/usage",
                account["id"].as_str().unwrap()
            ),
        ))
        .await;
    assert_eq!(
        usage.ok(200)["quotas"],
        json!([
            {"resource": "invoices", "used": 0, "limit": 2},
            {"resource": "einvoice_validations", "used": 1, "limit": 1},
        ])
    );
}

async fn validations_are_counted_on_a_plan_without_a_quota_too(app: &TestApp) {
    // The bootstrap account is on self_hosted: its count is kept in memory, and the operator's
    // usage writes it first.
    for _ in 0..3 {
        let validate = app
            .req(Method::POST, "/v1/einvoices/validate")
            .header("content-type", "application/xml")
            .body("<Invoice/>");
        app.send(validate).await.ok(200);
    }
    let usage = format!("/admin/v1/accounts/{}/usage", app.account_id);
    let usage = app.send(app.admin(Method::GET, &usage)).await;
    assert_eq!(
        usage.ok(200)["quotas"][1],
        json!({"resource": "einvoice_validations", "used": 3, "limit": null})
    );
}

async fn create_key(app: &TestApp, key: &str, body: Value) -> Resp {
    app.post_as(key, "/v1/api_keys", body).await
}

async fn one_key_more_than_the_plan_allows_is_refused(app: &TestApp) {
    // The operator minted the first of the three.
    let key = key_on(app, "capped").await;
    create_key(app, &key, json!({"name": "second"}))
        .await
        .ok(201);
    let third = create_key(app, &key, json!({"name": "third"})).await;
    third.ok(201);
    let keyed_fourth = || {
        app.send(
            app.client
                .post(app.url("/v1/api_keys"))
                .bearer_auth(&key)
                .header("Idempotency-Key", "fourth")
                .json(&json!({"name": "fourth"})),
        )
    };
    let over = keyed_fourth().await;
    assert_problem(&over, 429, "plan_limit_reached");
    assert_eq!(over.body["resource"], "api_keys");
    assert_eq!(over.body["current_usage"], 3);
    assert_eq!(over.body["plan_limit"], 3);
    assert_eq!(over.body["plan"], "capped");
    let listed = app.get_as(&key, "/v1/api_keys").await;
    assert_eq!(
        listed.ok(200)["data"].as_array().unwrap().len(),
        3,
        "nothing created"
    );
    // A bad request is refused for what is wrong with it.
    let bad = create_key(app, &key, json!({"environment": "live"})).await;
    assert_problem(&bad, 400, "invalid_request");
    // A revoked key no longer counts.
    let revoke = format!("/v1/api_keys/{}/revoke", third.id());
    app.post_as(&key, &revoke, json!({})).await.ok(200);
    // A 429 is not replayed: the same keyed request runs again once there is room.
    let fourth = keyed_fourth().await;
    fourth.ok(201);
    assert_eq!(fourth.header("idempotent-replayed"), None);
}

async fn concurrent_key_creations_never_pass_the_cap(app: &TestApp) {
    let key = key_on(app, "capped").await;
    let attempts = (0..8).map(|i| create_key(app, &key, json!({"name": format!("k{i}")})));
    let answers = futures::future::join_all(attempts).await;
    let created = answers.iter().filter(|r| r.status == 201).count();
    assert_eq!(created, 2, "one key existed and the cap is 3");
    for over in answers.iter().filter(|r| r.status != 201) {
        assert_problem(over, 429, "plan_limit_reached");
    }
    let listed = app.get_as(&key, "/v1/api_keys").await;
    assert_eq!(listed.ok(200)["data"].as_array().unwrap().len(), 3);
}

async fn the_self_hosted_plan_is_never_limited(app: &TestApp) {
    let reads = (0..40).map(|_| app.get("/v1/businesses"));
    let writes = (0..20).map(|_| app.post("/v1/customers", customer_json()));
    let (reads, writes) = futures::join!(
        futures::future::join_all(reads),
        futures::future::join_all(writes)
    );
    for resp in reads.iter().chain(&writes) {
        assert!(resp.status == 200 || resp.status == 201, "{:#}", resp.body);
        assert_eq!(resp.header("x-ratelimit-limit"), None);
    }
    let b = app.business().await;
    let c = app.customer().await;
    let body = invoice_json(&b["id"], &c["id"]);
    for _ in 0..3 {
        app.post("/v1/invoices", body.clone()).await.ok(201);
        app.post("/v1/api_keys", json!({})).await.ok(201);
    }
}

/// A key of a new account on `plan`, through the operator API of the server at `base`.
async fn minted_key(client: &reqwest::Client, base: &str, plan: &str) -> String {
    let admin = |path: &str| {
        client
            .post(format!("{base}{path}"))
            .bearer_auth(ADMIN_TOKEN)
    };
    let account: Value = admin("/admin/v1/accounts")
        .json(&json!({"name": plan, "plan": plan}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let path = format!(
        "/admin/v1/accounts/{}/api_keys",
        account["id"].as_str().unwrap()
    );
    let minted: Value = admin(&path)
        .json(&json!({}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    minted["secret"].as_str().unwrap().to_owned()
}

/// A read by `key` at `base`: which instance, the status, and the window it was counted in.
async fn read_at(
    client: &reqwest::Client,
    base: &str,
    instance: usize,
    key: &str,
) -> (usize, u16, Option<String>) {
    let resp = client
        .get(format!("{base}/v1/businesses"))
        .bearer_auth(key)
        .send()
        .await
        .unwrap();
    let reset = resp
        .headers()
        .get("x-ratelimit-reset")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    (instance, resp.status().as_u16(), reset)
}

/// Reads by `key` at each of `bases` in turn, one after the other, until one is refused: the
/// answers accepted, and the refusal.
async fn alternate_until_refused(
    client: &reqwest::Client,
    bases: [&str; 2],
    key: &str,
) -> (
    Vec<(usize, u16, Option<String>)>,
    (usize, u16, Option<String>),
) {
    let mut answers = Vec::new();
    loop {
        let i = answers.len() % 2;
        let answer = read_at(client, bases[i], i, key).await;
        if answer.1 == 429 {
            return (answers, answer);
        }
        assert_eq!(answer.1, 200);
        assert!(answers.len() < 90, "never refused");
        answers.push(answer);
    }
}

/// Two `invoicer serve` processes on one PostgreSQL, one key: what they accept in a window
/// together never passes the key's limit. At 30 a minute a lease is one token, so the count is
/// exact; at 200 a lease is 10 tokens, and each instance may leave up to 9 of its last unused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rates_hold_across_two_instances_on_one_postgresql() {
    let db = TestDb::new(Store::Postgres).await;
    let dir = tempfile::tempdir().unwrap();
    let plans = dir.path().join("plans.toml");
    std::fs::write(
        &plans,
        "[plans.self_hosted]\n[plans.exact]\nreads_per_minute = 30\n\
         [plans.batched]\nreads_per_minute = 200\n",
    )
    .unwrap();
    let env = [
        ("INVOICER_PLANS", plans.to_str().unwrap()),
        ("INVOICER_ADMIN_TOKEN", ADMIN_TOKEN),
    ];
    let (a, _) = start_server_with(&db.url, true, &env);
    let (b, _) = start_server_with(&db.url, false, &env);
    let bases = [a.base.as_str(), b.base.as_str()];
    let client = reqwest::Client::new();

    // One after the other, to each in turn: the second instance sees what the first accepted,
    // so the window is spent after the limit in all, not the limit at each.
    let key = minted_key(&client, bases[0], "exact").await;
    let (answers, refused) = alternate_until_refused(&client, bases, &key).await;
    let in_window: Vec<_> = answers.iter().filter(|a| a.2 == refused.2).collect();
    assert_eq!(in_window.len(), 30, "the limit, across both");
    assert!(in_window.iter().any(|a| a.0 == 0) && in_window.iter().any(|a| a.0 == 1));

    // All at once, to both.
    for (plan, limit, batch) in [("exact", 30_usize, 1_usize), ("batched", 200, 10)] {
        let key = minted_key(&client, bases[0], plan).await;
        let requests = (0..3 * limit).map(|i| read_at(&client, bases[i % 2], i % 2, &key));
        let answers = futures::future::join_all(requests).await;
        for (_, status, _) in &answers {
            assert!(*status == 200 || *status == 429, "{plan}: {status}");
        }
        let mut by_window = std::collections::BTreeMap::<_, usize>::new();
        for (_, _, reset) in answers.iter().filter(|(_, s, _)| *s == 200) {
            *by_window.entry(reset.clone()).or_default() += 1;
        }
        assert!(
            by_window.values().all(|n| *n <= limit),
            "{plan}: {by_window:?}"
        );
        // A refusal's window is spent: the limit, less what the last leases left unused.
        let refused = answers
            .iter()
            .find(|(_, s, _)| *s == 429)
            .unwrap_or_else(|| panic!("{plan}: none refused"));
        let accepted = by_window.get(&refused.2).copied().unwrap_or_default();
        assert!(
            accepted + 2 * (batch - 1) >= limit,
            "{plan}: {accepted} accepted in a window of {limit}"
        );
    }
    drop((a, b));
    db.drop_schema().await;
}

/// The environment of a server whose plans (a file in `dir`) include `exact`, 30 reads a minute,
/// a limit under 40 and so leased one token at a time: every request asks for its token, from
/// the Redis at `redis_url`.
fn exact_plan_on_redis(dir: &std::path::Path, redis_url: &str) -> [(&'static str, String); 3] {
    let plans = dir.join("plans.toml");
    std::fs::write(
        &plans,
        "[plans.self_hosted]\n[plans.exact]\nreads_per_minute = 30\n",
    )
    .unwrap();
    [
        ("INVOICER_PLANS", plans.to_str().unwrap().to_owned()),
        ("INVOICER_ADMIN_TOKEN", ADMIN_TOKEN.to_owned()),
        ("INVOICER_REDIS_URL", redis_url.to_owned()),
    ]
}

fn redis_url() -> String {
    std::env::var("INVOICER_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
}

/// With `INVOICER_REDIS_URL`, two instances on one PostgreSQL share a key's budget through
/// Redis, and the database holds none of it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rates_hold_across_two_instances_sharing_one_redis() {
    let url = redis_url();
    let reachable = redis::Client::open(url.as_str())
        .and_then(|c| c.get_connection())
        .and_then(|mut c| redis::cmd("PING").query::<String>(&mut c));
    assert!(
        reachable.is_ok(),
        "Redis is required for this test and is not reachable at {url} ({reachable:?}). Start it, \
         or point INVOICER_TEST_REDIS_URL at one."
    );
    let db = TestDb::new(Store::Postgres).await;
    let dir = tempfile::tempdir().unwrap();
    let env = exact_plan_on_redis(dir.path(), &url);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (a, _) = start_server_with(&db.url, true, &env);
    let (b, _) = start_server_with(&db.url, false, &env);
    let bases = [a.base.as_str(), b.base.as_str()];
    let client = reqwest::Client::new();

    let key = minted_key(&client, bases[0], "exact").await;
    let (answers, refused) = alternate_until_refused(&client, bases, &key).await;
    let in_window = answers.iter().filter(|a| a.2 == refused.2).count();
    assert_eq!(in_window, 30, "the limit, across both");

    let store = invoicer_store::Db::connect(&invoicer_store::DbConfig::new(&db.url))
        .await
        .unwrap();
    let mut conn = store.read().await.unwrap();
    let leases: i64 = sqlx::Row::get(
        &sqlx::query("SELECT COUNT(*) AS n FROM rate_leases")
            .fetch_one(&mut *conn)
            .await
            .unwrap(),
        "n",
    );
    assert_eq!(leases, 0, "the budget is Redis's");
    drop(conn);
    store.close().await;
    drop((a, b));
    db.drop_schema().await;
}

/// Redis lost while serving: a request that needs a lease answers 503 naming Redis, with
/// `Retry-After`, as a lost database does.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_redis_is_service_unavailable_naming_it() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut redis = std::process::Command::new("redis-server")
        .args([
            "--port",
            &port.to_string(),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
        ])
        .args(["--appendonly", "no"])
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("redis-server is required for this test (Debian's redis-server package)");
    let url = format!("redis://127.0.0.1:{port}");
    let up = (0..100).any(|_| {
        std::thread::sleep(std::time::Duration::from_millis(50));
        redis::Client::open(url.as_str())
            .and_then(|c| c.get_connection())
            .is_ok()
    });
    assert!(up, "the redis-server started for this test never answered");
    let db = TestDb::new(Store::Postgres).await;
    let dir = tempfile::tempdir().unwrap();
    let env = exact_plan_on_redis(dir.path(), &url);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (server, _) = start_server_with(&db.url, true, &env);
    let client = reqwest::Client::new();
    let key = minted_key(&client, &server.base, "exact").await;
    assert_eq!(read_at(&client, &server.base, 0, &key).await.1, 200);

    redis.kill().unwrap();
    redis.wait().unwrap();
    let resp = client
        .get(format!("{}/v1/businesses", server.base))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    let resp = Resp::read(resp).await;
    assert_problem(&resp, 503, "service_unavailable");
    assert!(resp.header("retry-after").is_some());
    assert!(
        resp.body["detail"].as_str().unwrap().contains("Redis"),
        "{}",
        resp.text
    );
    drop(server);
    db.drop_schema().await;
}
