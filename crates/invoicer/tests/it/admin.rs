//! The operator API, `/admin/v1`: accounts on plans, their billing status, their usage and their
//! first key, behind the admin token; and no such API at all without one.

use reqwest::Method;
use serde_json::{json, Value};

use crate::{
    both,
    support::{
        assert_problem, business_json, customer_json, error_fields, invoice_json, Resp, TestApp,
        TestConfig, ADMIN_TOKEN,
    },
};

const NO_SUCH_ACCOUNT: &str = "00000000-0000-7000-8000-000000000000";

fn admin() -> TestConfig {
    TestConfig::admin()
}

/// An operator's own plans, without the default `basic`.
fn own_plans() -> TestConfig {
    TestConfig {
        plans: invoicer_domain::plan::Plans::parse(
            "[plans.self_hosted]\n[plans.gold]\nmax_api_keys = 5\n\
             [plans.gold.monthly_quotas]\ninvoices = 100\n",
        )
        .unwrap(),
        ..TestConfig::admin()
    }
}

both!(without_a_token_the_admin_api_does_not_exist);

both!(with admin;
    admin_routes_want_the_admin_token_and_never_an_api_key,
    accounts_are_created_on_a_plan_listed_and_read,
    an_account_needs_a_name_and_a_configured_plan,
    an_account_s_plan_and_billing_status_change,
    a_past_due_account_reads_but_cannot_write,
    usage_counts_this_month_s_invoices_and_the_usable_keys,
    the_operator_mints_an_account_s_first_key,
    an_unknown_account_is_account_not_found,
);

both!(with own_plans; accounts_can_be_on_the_configured_plans_only);

async fn send(app: &TestApp, method: Method, path: &str, body: Option<Value>) -> Resp {
    let req = app.admin(method, path);
    app.send(match body {
        Some(body) => req.json(&body),
        None => req,
    })
    .await
}

async fn create(app: &TestApp, body: Value) -> Value {
    send(app, Method::POST, "/admin/v1/accounts", Some(body))
        .await
        .ok(201)
        .clone()
}

/// A key of a new account: its first, minted by the operator.
async fn key_of(app: &TestApp, account: &Value, body: Value) -> Value {
    let path = format!(
        "/admin/v1/accounts/{}/api_keys",
        account["id"].as_str().unwrap()
    );
    send(app, Method::POST, &path, Some(body))
        .await
        .ok(201)
        .clone()
}

async fn without_a_token_the_admin_api_does_not_exist(app: &TestApp) {
    let unknown = app.send(app.client.get(app.url("/no/such/route"))).await;
    assert_problem(&unknown, 404, "route_not_found");
    let account = format!("/admin/v1/accounts/{}", app.account_id);
    let usage = format!("{account}/usage");
    let keys = format!("{account}/api_keys");
    for (method, path) in [
        (Method::GET, "/admin/v1/accounts"),
        (Method::POST, "/admin/v1/accounts"),
        (Method::GET, account.as_str()),
        (Method::PATCH, account.as_str()),
        (Method::GET, usage.as_str()),
        (Method::POST, keys.as_str()),
        // A method no admin route takes: still an unknown route, not a 405.
        (Method::DELETE, "/admin/v1/accounts"),
    ] {
        let req = app
            .client
            .request(method.clone(), app.url(path))
            .bearer_auth(ADMIN_TOKEN)
            .json(&json!({"name": "Globex", "plan": "pro"}));
        let resp = app.send(req).await;
        assert_problem(&resp, 404, "route_not_found");
        assert_eq!(
            resp.body["detail"], unknown.body["detail"],
            "{method} {path}"
        );
    }
    let with_a_key = app.get("/admin/v1/accounts").await;
    assert_problem(&with_a_key, 404, "route_not_found");
}

async fn admin_routes_want_the_admin_token_and_never_an_api_key(app: &TestApp) {
    let url = app.url("/admin/v1/accounts");
    let resp = app.send(app.client.get(&url)).await;
    assert_problem(&resp, 401, "missing_admin_token");
    let resp = app
        .send(app.client.get(&url).header("x-api-key", ADMIN_TOKEN))
        .await;
    assert_problem(&resp, 401, "missing_admin_token");
    for wrong in [
        "not-the-operator-token-0123456789abcdef",
        &ADMIN_TOKEN[..20],
        &app.key,
        "",
    ] {
        let resp = app.send(app.client.get(&url).bearer_auth(wrong)).await;
        assert_problem(&resp, 401, "invalid_admin_token");
    }
    let resp = app
        .send(
            app.client
                .get(&url)
                .header("authorization", format!("Basic {ADMIN_TOKEN}")),
        )
        .await;
    assert_problem(&resp, 401, "invalid_admin_token");
    // Refused before the body is read: nothing is created.
    let resp = app
        .send(app.client.post(&url).json(&json!({"name": "Globex"})))
        .await;
    assert_problem(&resp, 401, "missing_admin_token");
    let listed = send(app, Method::GET, "/admin/v1/accounts", None).await;
    assert_eq!(listed.ok(200)["data"].as_array().unwrap().len(), 1);
    // Nor is the admin token an API key.
    let resp = app.get_as(ADMIN_TOKEN, "/v1/invoices").await;
    assert_problem(&resp, 401, "invalid_api_key_format");
}

async fn accounts_are_created_on_a_plan_listed_and_read(app: &TestApp) {
    let listed = send(app, Method::GET, "/admin/v1/accounts", None).await;
    let first = &listed.ok(200)["data"][0];
    assert_eq!(first["id"], app.account_id.to_string());
    assert_eq!(first["object"], "account");
    assert_eq!(first["plan"], "self_hosted", "the bootstrap account");
    assert_eq!(first["billing_status"], "active");

    let globex = create(app, json!({"name": "Globex GmbH"})).await;
    assert_eq!(globex["name"], "Globex GmbH");
    assert_eq!(globex["plan"], "basic", "the default plan");
    assert_eq!(globex["billing_status"], "active");
    assert!(globex["created_at"].as_str().unwrap().ends_with('Z'));
    let initech = create(app, json!({"name": "Initech", "plan": "pro"})).await;
    assert_eq!(initech["plan"], "pro");

    let path = format!("/admin/v1/accounts/{}", globex["id"].as_str().unwrap());
    assert_eq!(send(app, Method::GET, &path, None).await.ok(200), &globex);

    let page = send(app, Method::GET, "/admin/v1/accounts?limit=2", None).await;
    let page = page.ok(200);
    assert_eq!(page["data"].as_array().unwrap().len(), 2);
    assert_eq!(page["data"][1], globex, "oldest first");
    assert_eq!(page["has_more"], true);
    let next = format!(
        "/admin/v1/accounts?limit=2&cursor={}",
        page["next_cursor"].as_str().unwrap()
    );
    let rest = send(app, Method::GET, &next, None).await;
    assert_eq!(rest.ok(200)["data"], json!([initech]));
    assert_eq!(rest.body["has_more"], false);

    for bad in ["limit=0", "limit=101", "cursor=bogus"] {
        let path = format!("/admin/v1/accounts?{bad}");
        let resp = send(app, Method::GET, &path, None).await;
        assert_problem(&resp, 400, "invalid_request");
    }
}

async fn an_account_needs_a_name_and_a_configured_plan(app: &TestApp) {
    let path = "/admin/v1/accounts";
    let resp = send(app, Method::POST, path, Some(json!({}))).await;
    assert_problem(&resp, 400, "invalid_request");
    assert_eq!(error_fields(&resp), ["name"]);

    let body = json!({"name": " ", "plan": "platinum"});
    let resp = send(app, Method::POST, path, Some(body)).await;
    assert_problem(&resp, 400, "invalid_request");
    assert_eq!(error_fields(&resp), ["name", "plan"]);
    let plan = &resp.body["errors"][1];
    assert_eq!(plan["code"], "unknown_plan");
    assert!(
        plan["message"]
            .as_str()
            .unwrap()
            .ends_with("allowed: basic, builder, pro, self_hosted, starter."),
        "{plan}"
    );

    let body = json!({"name": "Globex", "tier": "pro"});
    let resp = send(app, Method::POST, path, Some(body)).await;
    assert_problem(&resp, 400, "invalid_request");
    assert_eq!(error_fields(&resp), ["tier"]);
    let resp = app
        .send(
            app.admin(Method::POST, path)
                .header("content-type", "application/json")
                .body("{\"name\": \"Globex\",}"),
        )
        .await;
    assert_problem(&resp, 400, "malformed_json");
    let resp = app
        .send(app.admin(Method::POST, path).body("name=Globex"))
        .await;
    assert_problem(&resp, 415, "unsupported_media_type");

    let listed = send(app, Method::GET, path, None).await;
    assert_eq!(
        listed.ok(200)["data"].as_array().unwrap().len(),
        1,
        "nothing was created"
    );
}

async fn an_account_s_plan_and_billing_status_change(app: &TestApp) {
    let account = create(app, json!({"name": "Globex"})).await;
    let path = format!("/admin/v1/accounts/{}", account["id"].as_str().unwrap());
    let patch = |body: Value| send(app, Method::PATCH, &path, Some(body));

    let pro = patch(json!({"plan": "pro"})).await;
    assert_eq!(pro.ok(200)["plan"], "pro");
    assert_eq!(pro.body["billing_status"], "active");
    let late = patch(json!({"billing_status": "past_due"})).await;
    assert_eq!(late.ok(200)["billing_status"], "past_due");
    assert_eq!(late.body["plan"], "pro", "unchanged");
    let both = patch(json!({"plan": "starter", "billing_status": "active"})).await;
    assert_eq!(both.ok(200)["plan"], "starter");
    assert_eq!(both.body["billing_status"], "active");

    let resp = patch(json!({})).await;
    assert_problem(&resp, 400, "no_valid_fields");
    let resp = patch(json!({"plan": "gold", "billing_status": "late"})).await;
    assert_problem(&resp, 400, "invalid_request");
    assert_eq!(error_fields(&resp), ["plan", "billing_status"]);
    assert!(
        resp.body["errors"][1]["message"]
            .as_str()
            .unwrap()
            .contains("allowed: active, past_due"),
        "{:#}",
        resp.body
    );
    let resp = patch(json!({"name": "Renamed"})).await;
    assert_problem(&resp, 400, "invalid_request");

    let now = send(app, Method::GET, &path, None).await;
    assert_eq!(
        now.ok(200)["plan"],
        "starter",
        "refused changes change nothing"
    );
    assert_eq!(now.body["billing_status"], "active");
    assert_eq!(now.body["name"], "Globex");
}

async fn a_past_due_account_reads_but_cannot_write(app: &TestApp) {
    let account = create(app, json!({"name": "Globex"})).await;
    let secret = key_of(app, &account, json!({})).await["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    app.post_as(&secret, "/v1/businesses", business_json())
        .await
        .ok(201);
    let path = format!("/admin/v1/accounts/{}", account["id"].as_str().unwrap());
    let status = |s: &str| {
        send(
            app,
            Method::PATCH,
            &path,
            Some(json!({"billing_status": s})),
        )
    };
    status("past_due").await.ok(200);

    let read = app.get_as(&secret, "/v1/businesses").await;
    assert_eq!(read.ok(200)["data"].as_array().unwrap().len(), 1);
    let resp = app.post_as(&secret, "/v1/customers", customer_json()).await;
    assert_problem(&resp, 402, "payment_required");
    // Another account is not affected.
    app.post("/v1/customers", customer_json()).await.ok(201);

    status("active").await.ok(200);
    app.post_as(&secret, "/v1/customers", customer_json())
        .await
        .ok(201);
}

async fn usage_counts_this_month_s_invoices_and_the_usable_keys(app: &TestApp) {
    let account = create(app, json!({"name": "Globex", "plan": "basic"})).await;
    let id = account["id"].as_str().unwrap();
    let usage_path = format!("/admin/v1/accounts/{id}/usage");
    let usage = send(app, Method::GET, &usage_path, None).await;
    let usage = usage.ok(200).clone();
    assert_eq!(usage["object"], "usage");
    assert_eq!(usage["account_id"], id);
    assert_eq!(usage["plan"], "basic");
    assert_eq!(
        usage["quotas"],
        json!([
            {"resource": "invoices", "used": 0, "limit": null},
            {"resource": "einvoice_validations", "used": 0, "limit": null},
        ])
    );
    assert_eq!(
        usage["caps"],
        json!([
            {"resource": "api_keys", "used": 0, "limit": 2},
            {"resource": "webhook_endpoints", "used": 0, "limit": 2},
        ])
    );
    let now = invoicer_domain::time_text::timestamp(time::OffsetDateTime::now_utc());
    let (start, end) = (
        usage["period_start"].as_str().unwrap(),
        usage["period_end"].as_str().unwrap(),
    );
    assert!(start.ends_with("-01T00:00:00.000Z") && end.ends_with("-01T00:00:00.000Z"));
    assert!(
        start <= now.as_str() && now.as_str() < end,
        "{start} {now} {end}"
    );

    let test = key_of(app, &account, json!({})).await["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    let live = key_of(app, &account, json!({"environment": "live"})).await["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    let old = key_of(app, &account, json!({"name": "old"})).await;
    let tenant = invoicer_domain::tenant::Tenant {
        account_id: id.parse().unwrap(),
        environment: invoicer_domain::api_key::Environment::Test,
    };
    let old_id = old["id"].as_str().unwrap().parse().unwrap();
    invoicer_app::keys::revoke(&app.db, tenant, old_id)
        .await
        .unwrap();

    // Two invoices in test (one issued, then credited: a credit note is not an invoice), one
    // in live.
    let mut invoice_ids = Vec::new();
    for (key, invoices) in [(&test, 2), (&live, 1)] {
        let b = app.post_as(key, "/v1/businesses", business_json()).await;
        let c = app.post_as(key, "/v1/customers", customer_json()).await;
        let body = invoice_json(&b.ok(201)["id"], &c.ok(201)["id"]);
        for _ in 0..invoices {
            let invoice = app.post_as(key, "/v1/invoices", body.clone()).await;
            invoice_ids.push(invoice.ok(201)["id"].as_str().unwrap().to_owned());
        }
    }
    let issue = format!("/v1/invoices/{}/issue", invoice_ids[0]);
    app.post_as(&test, &issue, json!({})).await.ok(200);
    let note = json!({"invoice_id": invoice_ids[0], "payment_terms": "Refunded within 14 days"});
    app.post_as(&test, "/v1/credit_notes", note).await.ok(201);
    // The bootstrap account's invoices are its own.
    app.draft().await;

    let usage = send(app, Method::GET, &usage_path, None).await;
    assert_eq!(
        usage.ok(200)["quotas"],
        json!([
            {"resource": "invoices", "used": 3, "limit": null},
            {"resource": "einvoice_validations", "used": 0, "limit": null},
        ])
    );
    assert_eq!(
        usage.body["caps"][0],
        json!({"resource": "api_keys", "used": 2, "limit": 2}),
        "the revoked key no longer counts"
    );

    let own = format!("/admin/v1/accounts/{}/usage", app.account_id);
    let own = send(app, Method::GET, &own, None).await;
    assert_eq!(own.ok(200)["plan"], "self_hosted");
    assert_eq!(
        own.body["quotas"],
        json!([
            {"resource": "invoices", "used": 1, "limit": null},
            {"resource": "einvoice_validations", "used": 0, "limit": null},
        ])
    );
    assert_eq!(
        own.body["caps"],
        json!([
            {"resource": "api_keys", "used": 1, "limit": null},
            {"resource": "webhook_endpoints", "used": 0, "limit": null},
        ])
    );
}

async fn the_operator_mints_an_account_s_first_key(app: &TestApp) {
    let account = create(app, json!({"name": "Globex"})).await;
    let first = key_of(app, &account, json!({})).await;
    let secret = first["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("inv_test_"), "{first}");
    assert_eq!(first["environment"], "test");
    assert_eq!(first["scopes"], json!(["read", "write", "admin"]));
    assert_eq!(first["object"], "api_key");

    // The key is the account's: it sees none of another account's data, and can manage keys.
    app.business().await;
    let own = app.get_as(&secret, "/v1/businesses").await;
    assert_eq!(own.ok(200)["data"], json!([]));
    let second = app
        .post_as(&secret, "/v1/api_keys", json!({"name": "second"}))
        .await;
    second.ok(201);
    let keys = app.get_as(&secret, "/v1/api_keys").await;
    let keys = keys.ok(200)["data"].as_array().unwrap().clone();
    assert_eq!(keys.len(), 2);
    assert!(keys.iter().all(|k| k.get("secret").is_none()));

    let live = key_of(
        app,
        &account,
        json!({"environment": "live", "scopes": ["read"], "name": "reporting"}),
    )
    .await;
    assert!(live["secret"].as_str().unwrap().starts_with("inv_live_"));
    assert_eq!(live["scopes"], json!(["read"]));
    assert_eq!(live["name"], "reporting");

    let path = format!(
        "/admin/v1/accounts/{}/api_keys",
        account["id"].as_str().unwrap()
    );
    let body = json!({"environment": "staging", "scopes": ["root"]});
    let resp = send(app, Method::POST, &path, Some(body)).await;
    assert_problem(&resp, 400, "invalid_request");
    assert_eq!(error_fields(&resp), ["environment", "scopes[0]"]);
}

async fn an_unknown_account_is_account_not_found(app: &TestApp) {
    let path = format!("/admin/v1/accounts/{NO_SUCH_ACCOUNT}");
    let resp = send(app, Method::GET, &path, None).await;
    assert_problem(&resp, 404, "account_not_found");
    let resp = send(app, Method::PATCH, &path, Some(json!({"plan": "pro"}))).await;
    assert_problem(&resp, 404, "account_not_found");
    let resp = send(app, Method::GET, &format!("{path}/usage"), None).await;
    assert_problem(&resp, 404, "account_not_found");
    let resp = send(
        app,
        Method::POST,
        &format!("{path}/api_keys"),
        Some(json!({})),
    )
    .await;
    assert_problem(&resp, 404, "account_not_found");
    let resp = send(app, Method::GET, "/admin/v1/accounts/acme", None).await;
    assert_problem(&resp, 400, "invalid_request");
    assert_eq!(error_fields(&resp), ["id"]);
    let resp = send(app, Method::DELETE, &path, None).await;
    assert_problem(&resp, 405, "method_not_allowed");
}

async fn accounts_can_be_on_the_configured_plans_only(app: &TestApp) {
    let path = "/admin/v1/accounts";
    let resp = send(app, Method::POST, path, Some(json!({"name": "Globex"}))).await;
    assert_problem(&resp, 400, "invalid_request");
    assert_eq!(error_fields(&resp), ["plan"]);
    assert!(
        resp.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("the default, `basic`, is not configured; allowed: gold, self_hosted."),
        "{:#}",
        resp.body
    );
    let body = json!({"name": "Globex", "plan": "pro"});
    let resp = send(app, Method::POST, path, Some(body)).await;
    assert_problem(&resp, 400, "invalid_request");
    assert_eq!(resp.body["errors"][0]["code"], "unknown_plan");

    let gold = create(app, json!({"name": "Globex", "plan": "gold"})).await;
    let usage = format!("/admin/v1/accounts/{}/usage", gold["id"].as_str().unwrap());
    let usage = send(app, Method::GET, &usage, None).await;
    assert_eq!(
        usage.ok(200)["quotas"],
        json!([
            {"resource": "invoices", "used": 0, "limit": 100},
            {"resource": "einvoice_validations", "used": 0, "limit": null},
        ])
    );
    assert_eq!(
        usage.body["caps"],
        json!([
            {"resource": "api_keys", "used": 0, "limit": 5},
            {"resource": "webhook_endpoints", "used": 0, "limit": null},
        ])
    );
}
