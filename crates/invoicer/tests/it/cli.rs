//! The binary's own commands: keys for bootstrap and recovery, migrate, and a clean stop on
//! SIGTERM.

use std::process::Command;

use crate::support::start_server;

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
    assert!(bootstrap.unwrap().starts_with("inv_test_"));
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
    let resp = client
        .get(format!("{}/v1/invoices", server.base))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 402);
    assert!(invoicer(&url, &["accounts", "billing-status", "active"])
        .status
        .success());
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
    let logs = tokio::task::spawn_blocking(move || server.stop_and_collect_logs())
        .await
        .unwrap();
    assert!(
        logs.iter().any(|l| l["message"] == "response"),
        "the requests were logged"
    );
    for line in logs.iter().map(|l| l.to_string()) {
        assert!(
            !line.contains(&key[9..]) && !line.contains(&unknown[9..]),
            "a key leaked into the logs: {line}"
        );
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
