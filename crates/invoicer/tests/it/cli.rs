//! The binary's own commands: keys for bootstrap and recovery, migrate, a clean stop on SIGTERM,
//! and validate and render, which work on files.

use std::process::Command;

use crate::support::{start_server, Server};

fn invoicer(database_url: &str, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_invoicer"))
        .args(args)
        .env("INVOICER_DATABASE_URL", database_url)
        .output()
        .expect("run the invoicer binary")
}

#[tokio::test]
async fn keys_are_created_listed_and_revoked_from_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("cli.db").display());
    let refused = invoicer(&url, &["keys", "list"]);
    assert!(!refused.status.success(), "no account yet");
    assert!(String::from_utf8_lossy(&refused.stderr).contains("invoicer serve"));

    let (server, bootstrap) = start_server(&url, true);
    let bootstrap = bootstrap.unwrap();
    assert!(bootstrap.starts_with("inv_test_"));
    let created = invoicer(
        &url,
        &[
            "keys",
            "create",
            "--environment",
            "live",
            "--scopes",
            "read",
        ],
    );
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    let secret = String::from_utf8(created.stdout).unwrap().trim().to_owned();
    assert!(
        secret.starts_with("inv_live_") && !secret.contains('\n'),
        "{secret}"
    );

    let client = reqwest::Client::new();
    let status = client
        .get(format!("{}/v1/invoices", server.base))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, 200);

    let listed = invoicer(&url, &["keys", "list", "--environment", "live"]);
    let listed = String::from_utf8(listed.stdout).unwrap();
    assert_eq!(listed.lines().count(), 1);
    assert!(!listed.contains(&secret), "a list never shows a secret");
    let id = serde_json::from_str::<serde_json::Value>(listed.lines().next().unwrap()).unwrap()
        ["id"]
        .as_str()
        .unwrap()
        .to_owned();

    assert!(invoicer(&url, &["accounts", "billing-status", "past_due"])
        .status
        .success());
    crate::support::key_cache_outlived().await;
    let resp = client
        .get(format!("{}/v1/invoices", server.base))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200, "a past-due account still reads");
    let resp = client
        .post(format!("{}/v1/customers", server.base))
        .bearer_auth(&bootstrap)
        .json(&serde_json::json!({"name": "Globex", "country": "DE"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 402, "but it writes nothing");
    assert!(invoicer(&url, &["accounts", "billing-status", "active"])
        .status
        .success());
    crate::support::key_cache_outlived().await;
    let other = invoicer(&url, &["accounts", "create", "--name", "Second"]);
    let other_id = String::from_utf8(other.stdout).unwrap().trim().to_owned();
    assert!(uuid::Uuid::try_parse(&other_id).is_ok(), "{other_id}");
    let other_key = invoicer(&url, &["keys", "create", "--account", &other_id]);
    let other_key = String::from_utf8(other_key.stdout)
        .unwrap()
        .trim()
        .to_owned();
    let resp = client
        .get(format!("{}/v1/invoices", server.base))
        .bearer_auth(&other_key)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);

    let revoked = invoicer(&url, &["keys", "revoke", &id, "--environment", "live"]);
    assert!(revoked.status.success());
    crate::support::key_cache_outlived().await;
    let resp = client
        .get(format!("{}/v1/invoices", server.base))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    assert_eq!(
        resp.json::<serde_json::Value>().await.unwrap()["code"],
        "api_key_revoked"
    );
}

#[tokio::test]
async fn migrate_applies_the_schema_and_bad_configuration_names_its_variable() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("m.db").display());
    assert!(invoicer(&url, &["migrate"]).status.success());
    assert!(
        invoicer(&url, &["migrate"]).status.success(),
        "migrating twice is harmless"
    );
    let bad = invoicer("mysql://localhost/x", &["migrate"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("INVOICER_DATABASE_URL"));
}

#[test]
fn sigterm_lets_an_in_flight_request_finish_then_stops() {
    use std::io::{Read, Write};
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("s.db").display());
    let (mut server, key) = start_server(&url, true);
    let body = r#"{"name": "Late Customer", "country": "NL"}"#;
    let mut stream =
        std::net::TcpStream::connect(server.base.trim_start_matches("http://")).unwrap();
    // Headers and half the body: the request is in flight when the signal arrives.
    write!(
        stream,
        "POST /v1/customers HTTP/1.1\r\nhost: x\r\nauthorization: Bearer {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{}",
        key.unwrap(),
        body.len(),
        &body[..10]
    )
    .unwrap();
    stream.flush().unwrap();
    server.wait_for_log("started processing request");
    assert!(Command::new("kill")
        .args(["-TERM", &server.pid().to_string()])
        .status()
        .unwrap()
        .success());
    server.wait_for_log("shutdown signal received; finishing in-flight requests");
    stream.write_all(&body.as_bytes()[10..]).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 201"), "{response}");
    assert!(response.contains("Late Customer"));
    let status = server.wait();
    assert!(status.success(), "exit status after SIGTERM: {status:?}");
}

#[tokio::test]
async fn keys_never_appear_in_logs() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("l.db").display());
    let (server, key) = start_server(&url, true);
    let key = key.unwrap();
    let unknown = "inv_test_abcdefghijklmnopqrstuvwxyz012345";
    let client = reqwest::Client::new();
    for (header, value) in [
        ("authorization", format!("Bearer {key}")),
        ("x-api-key", key.clone()),
        ("x-api-key", unknown.into()),
    ] {
        client
            .get(format!("{}/v1/invoices", server.base))
            .header(header, value)
            .send()
            .await
            .unwrap();
    }
    assert_logs_hold_none_of(server, &[&key[9..], &unknown[9..]]).await;
}

/// Stops `server` and reads its logs: the requests were logged, and no line holds any of
/// `secrets`.
async fn assert_logs_hold_none_of(server: Server, secrets: &[&str]) {
    let logs = tokio::task::spawn_blocking(move || server.stop_and_collect_logs())
        .await
        .unwrap();
    assert!(
        logs.iter().any(|l| l["message"] == "response"),
        "the requests were logged"
    );
    for line in logs.iter().map(|l| l.to_string()) {
        for secret in secrets {
            assert!(
                !line.contains(secret),
                "a secret leaked into the logs: {line}"
            );
        }
    }
}

#[test]
fn validate_reports_per_file_and_sets_the_exit_status() {
    let corpus = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpus/ubl");
    let good = format!("{corpus}/examples/peppol-examples/base-example.xml");
    let bad = format!("{corpus}/generated/base-example-500-lines-bad-total.xml");
    assert!(
        std::path::Path::new(&good).exists(),
        "the UBL corpus is missing: {good}"
    );
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_invoicer"))
            .arg("validate")
            .args(args)
            .output()
            .unwrap()
    };

    let clean = run(&[&good]);
    assert_eq!(clean.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&clean.stdout).contains("valid (0 fatal"));

    let json = run(&["--format", "json", &good, &bad]);
    assert_eq!(json.status.code(), Some(1), "a fatal finding");
    let lines: Vec<serde_json::Value> = String::from_utf8(json.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["fatal"], 0);
    assert_eq!(lines[1]["file"], bad.as_str());
    assert_eq!(lines[1]["fatal"], 2);
    assert_eq!(lines[1]["findings"][0]["rule"], "BR-CO-10");
    for key in ["rule", "flag", "location", "message"] {
        assert!(lines[1]["findings"][0][key].is_string(), "{key}");
    }

    let text = run(&[&bad]);
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(
        text.contains("BR-CO-13") && text.contains("declared 325001.00"),
        "{text}"
    );

    assert_eq!(
        run(&[&good, "/no/such/file.xml"]).status.code(),
        Some(2),
        "an unreadable file"
    );
}

/// Runs `invoicer render` with `args`, giving it `stdin`.
fn render(args: &[&str], stdin: &[u8]) -> std::process::Output {
    use std::{io::Write, process::Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_invoicer"))
        .arg("render")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run the invoicer binary");
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

/// An issued invoice with more than the minimum: a due date, a note that needs escaping, an
/// order reference, delivery, a second line with an allowance by percentage and item ids, a
/// document charge and a prepaid amount.
async fn issued_in_full(app: &crate::support::TestApp) -> serde_json::Value {
    use serde_json::json;
    let mut body = app.invoice_body().await;
    body["due_date"] = json!("2026-03-31");
    body["note"] = json!("Thanks & see you <soon>");
    body["purchase_order"] = json!("PO-9");
    body["delivery"] = json!({"date": "2026-02-27", "country": "DE",
        "address": {"line1": "Hafenstraße 1", "city": "Hamburg", "postal_code": "20457"}});
    body["line_items"].as_array_mut().unwrap().push(json!({
        "description": "Travel", "quantity": "2", "unit_price": "40.10", "vat_category": "S",
        "vat_rate": "21", "seller_item_id": "TRV-1",
        "classifications": [{"list_id": "STI", "code": "60100000"}],
        "allowances_charges": [{"kind": "allowance", "percentage": "10", "reason": "Loyalty"}]
    }));
    body["allowances_charges"] = json!([{"kind": "charge", "amount": "15.00", "reason_code": "FC",
        "vat_category": "S", "vat_rate": "21"}]);
    body["prepaid_amount"] = json!("50.00");
    let draft = app.post("/v1/invoices", body).await.ok(201).clone();
    let id = draft["id"].as_str().unwrap();
    app.post(&format!("/v1/invoices/{id}/issue"), json!({}))
        .await
        .ok(200)
        .clone()
}

#[tokio::test]
async fn render_writes_the_ubl_the_api_serves_from_the_json_it_serves() {
    use crate::support::{Store, TestApp};
    let app = TestApp::spawn(Store::Sqlite).await;
    let mut documents = Vec::new();
    for invoice in [app.issued().await, issued_in_full(&app).await] {
        let id = invoice["id"].as_str().unwrap().to_owned();
        let note = app
            .post(
                "/v1/credit_notes",
                serde_json::json!({"invoice_id": id, "payment_terms": "Refunded within 14 days"}),
            )
            .await
            .ok(201)
            .clone();
        let note_id = note["id"].as_str().unwrap().to_owned();
        for path in [
            format!("/v1/invoices/{id}"),
            format!("/v1/credit_notes/{note_id}"),
        ] {
            let json = app.get(&path).await.ok(200).to_string();
            let ubl = app.get(&format!("{path}/ubl")).await;
            assert_eq!(ubl.status, 200, "{}", ubl.text);
            documents.push((path, json, ubl.text));
        }
    }
    app.finish().await;

    let dir = tempfile::tempdir().unwrap();
    for (i, (path, json, ubl)) in documents.iter().enumerate() {
        let file = dir.path().join(format!("{i}.json"));
        std::fs::write(&file, json).unwrap();
        let out = render(&[file.to_str().unwrap()], b"");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{path}: {stderr}");
        assert!(
            out.stdout == ubl.as_bytes(),
            "{path}: the same document renders to the same bytes:\n{}\n---\n{ubl}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
    let (path, json, ubl) = &documents[2];
    let out = render(&["-"], json.as_bytes());
    assert_eq!(out.status.code(), Some(0), "{path} on stdin");
    assert!(out.stdout == ubl.as_bytes(), "{path} on stdin");
}

#[tokio::test]
async fn render_refuses_a_draft_a_document_a_rule_would_refuse_and_an_unreadable_file() {
    use crate::support::{Store, TestApp};
    let app = TestApp::spawn(Store::Sqlite).await;
    let draft = app.draft().await;
    let issued = app.issued().await;
    let issued = app
        .get(&format!("/v1/invoices/{}", issued["id"].as_str().unwrap()))
        .await
        .ok(200)
        .clone();
    app.finish().await;

    let dir = tempfile::tempdir().unwrap();
    let run = |name: &str, json: &serde_json::Value| {
        let file = dir.path().join(name);
        std::fs::write(&file, json.to_string()).unwrap();
        let out = render(&[file.to_str().unwrap()], b"");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(out.stdout.is_empty(), "{name}: nothing on stdout");
        (out.status.code(), stderr)
    };

    let (code, stderr) = run("draft.json", &draft);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("number: Only an issued document can be rendered")
            && stderr.contains("seller: Only an issued document"),
        "{stderr}"
    );

    let mut no_endpoint = issued.clone();
    no_endpoint["buyer"]["peppol_id"] = serde_json::Value::Null;
    let (code, stderr) = run("no-endpoint.json", &no_endpoint);
    assert_eq!(code, Some(1), "a fatal finding: {stderr}");
    assert!(
        stderr.contains("PEPPOL-EN16931-R010") && stderr.contains("/Invoice"),
        "the rule and where: {stderr}"
    );

    let mut exempt = issued.clone();
    exempt["line_items"][0]["vat_category"] = "E".into();
    exempt["line_items"][0]["vat_rate"] = "0".into();
    let (code, stderr) = run("exempt.json", &exempt);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("line_items[0].vat_exemption_reason:"),
        "{stderr}"
    );

    let mut mistyped = issued.clone();
    mistyped["line_items"][0]["quantity"] = true.into();
    mistyped["seller"]["country"] = 31.into();
    let (code, stderr) = run("mistyped.json", &mistyped);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("line_items[0].quantity:") && stderr.contains("seller.country:"),
        "every value of the wrong type, at its path: {stderr}"
    );

    let out = render(&["/no/such/file.json"], b"");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot be read"));
    let out = render(&["-"], b"<Invoice/>");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not JSON"));
}

/// Runs the binary with more environment variables.
fn invoicer_with(database_url: &str, env: &[(&str, &str)], args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_invoicer"))
        .args(args)
        .env("INVOICER_DATABASE_URL", database_url)
        .envs(env.iter().copied())
        .output()
        .expect("run the invoicer binary")
}

/// `invoicer serve` that is expected to refuse to start: its exit status and stderr.
fn serve_refused(database_url: &str, env: &[(&str, &str)]) -> (bool, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_invoicer"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("INVOICER_DATABASE_URL", database_url)
        .envs(env.iter().copied())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run the invoicer binary");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("serve started although its configuration is wrong");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const GOLD_PLANS: &str = "[plans.self_hosted]\n[plans.gold]\nmax_api_keys = 5\n";

#[test]
fn accounts_are_created_put_on_plans_and_measured_from_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("accounts.db").display());
    let ok = |out: std::process::Output| {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let globex = ok(invoicer(&url, &["accounts", "create", "--name", "Globex"]));
    let globex = globex.trim();
    let initech = ok(invoicer(
        &url,
        &["accounts", "create", "--name", "Initech", "--plan", "pro"],
    ));
    let refused = invoicer(
        &url,
        &["accounts", "create", "--name", "X", "--plan", "gold"],
    );
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains(
            "plan: `gold` is not a configured plan; allowed: basic, builder, pro, self_hosted, starter."
        ),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );

    let list = |url: &str| -> Vec<serde_json::Value> {
        ok(invoicer(url, &["accounts", "list"]))
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    };
    let listed = list(&url);
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0]["id"], globex);
    assert_eq!(listed[0]["plan"], "basic");
    assert_eq!(listed[1]["id"], initech.trim());
    assert_eq!(listed[1]["plan"], "pro");

    ok(invoicer(
        &url,
        &["accounts", "plan", "starter", "--account", globex],
    ));
    ok(invoicer(
        &url,
        &[
            "accounts",
            "billing-status",
            "past_due",
            "--account",
            globex,
        ],
    ));
    let listed = list(&url);
    assert_eq!(listed[0]["plan"], "starter");
    assert_eq!(listed[0]["billing_status"], "past_due");
    let refused = invoicer(
        &url,
        &["accounts", "billing-status", "late", "--account", globex],
    );
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("allowed: active, past_due"));

    // Without --account: the first account.
    let usage: serde_json::Value =
        serde_json::from_str(&ok(invoicer(&url, &["accounts", "usage"]))).unwrap();
    assert_eq!(usage["account_id"], globex);
    assert_eq!(usage["plan"], "starter");
    assert_eq!(
        usage["quotas"][0],
        serde_json::json!({"resource": "invoices", "used": 0, "limit": null})
    );
    let missing = invoicer(
        &url,
        &[
            "accounts",
            "usage",
            "--account",
            "00000000-0000-7000-8000-000000000000",
        ],
    );
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("account_not_found"));

    // The operator's own plans.
    let plans = dir.path().join("plans.toml");
    std::fs::write(&plans, GOLD_PLANS).unwrap();
    let env = [("INVOICER_PLANS", plans.to_str().unwrap())];
    let gold = ok(invoicer_with(
        &url,
        &env,
        &["accounts", "create", "--name", "Gold", "--plan", "gold"],
    ));
    let usage = ok(invoicer_with(
        &url,
        &env,
        &["accounts", "usage", "--account", gold.trim()],
    ));
    let usage: serde_json::Value = serde_json::from_str(&usage).unwrap();
    assert_eq!(
        usage["caps"][0],
        serde_json::json!({"resource": "api_keys", "used": 0, "limit": 5})
    );

    std::fs::write(
        &plans,
        "[plans.self_hosted]\n[plans.gold]\nmax_api_keys = \"five\"\n",
    )
    .unwrap();
    let bad = invoicer_with(&url, &env, &["accounts", "list"]);
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(!bad.status.success());
    assert!(
        stderr.contains("INVOICER_PLANS: ")
            && stderr.contains("plan `gold`, field `max_api_keys`: must be a whole number"),
        "{stderr}"
    );
    let absent = invoicer_with(
        &url,
        &[("INVOICER_PLANS", "/no/such/plans.toml")],
        &["accounts", "list"],
    );
    assert!(String::from_utf8_lossy(&absent.stderr)
        .contains("INVOICER_PLANS: cannot read /no/such/plans.toml"));
}

#[test]
fn serve_refuses_a_weak_admin_token_and_plans_that_lack_an_account_s_plan() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("start.db").display());
    let weak = "short-and-secret";
    let (started, stderr) = serve_refused(&url, &[("INVOICER_ADMIN_TOKEN", weak)]);
    assert!(!started);
    assert!(
        stderr.contains("INVOICER_ADMIN_TOKEN: must be at least 32"),
        "{stderr}"
    );
    assert!(!stderr.contains(weak), "the token was printed: {stderr}");
    let (_, stderr) = serve_refused(
        &url,
        &[(
            "INVOICER_ADMIN_TOKEN",
            "inv_live_abcdefghijklmnopqrstuvwxyz012345",
        )],
    );
    assert!(
        stderr.contains("INVOICER_ADMIN_TOKEN: must not be an API key"),
        "{stderr}"
    );

    assert!(invoicer(
        &url,
        &["accounts", "create", "--name", "Initech", "--plan", "pro"]
    )
    .status
    .success());
    let plans = dir.path().join("plans.toml");
    std::fs::write(&plans, GOLD_PLANS).unwrap();
    let (started, stderr) = serve_refused(&url, &[("INVOICER_PLANS", plans.to_str().unwrap())]);
    assert!(!started);
    assert!(
        stderr.contains("INVOICER_PLANS: accounts are on plans the configured plans lack: pro"),
        "{stderr}"
    );
}

#[tokio::test]
async fn the_operator_creates_an_account_and_its_key_and_the_token_never_appears_in_logs() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("admin.db").display());
    let token = "operator-0123456789-abcdefghij-0123456789";
    let (server, _) =
        crate::support::start_server_with(&url, true, &[("INVOICER_ADMIN_TOKEN", token)]);
    let client = reqwest::Client::new();
    let account: serde_json::Value = client
        .post(format!("{}/admin/v1/accounts", server.base))
        .bearer_auth(token)
        .json(&serde_json::json!({"name": "Globex", "plan": "pro"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(account["plan"], "pro");
    let key: serde_json::Value = client
        .post(format!(
            "{}/admin/v1/accounts/{}/api_keys",
            server.base,
            account["id"].as_str().unwrap()
        ))
        .bearer_auth(token)
        .json(&serde_json::json!({"environment": "live"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let secret = key["secret"].as_str().unwrap();
    assert!(secret.starts_with("inv_live_"), "{key}");
    let status = client
        .get(format!("{}/v1/invoices", server.base))
        .bearer_auth(secret)
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, 200);
    let wrong = client
        .get(format!("{}/admin/v1/accounts", server.base))
        .bearer_auth(&token[1..])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);

    assert_logs_hold_none_of(server, &[&token[1..], &secret[9..]]).await;

    let help = Command::new(env!("CARGO_BIN_EXE_invoicer"))
        .args(["serve", "--help"])
        .env("INVOICER_ADMIN_TOKEN", token)
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(
        help.contains("INVOICER_ADMIN_TOKEN") && !help.contains(token),
        "{help}"
    );
}
