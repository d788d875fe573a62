//! Issued numbers are gapless and unique per business and series, even under concurrency and
//! across server processes sharing one PostgreSQL.

use std::{
    io::{BufRead, BufReader},
    process::{Child, Command, Stdio},
};

use serde_json::{json, Value};

use crate::{
    both,
    support::{Store, TestApp, TestDb},
};

both!(concurrent_issuing_in_one_process_leaves_no_gap);

async fn issue_all(
    client: &reqwest::Client,
    key: &str,
    bases: &[String],
    ids: &[String],
) -> Vec<i64> {
    let requests = ids.iter().enumerate().map(|(n, id)| {
        let url = format!("{}/v1/invoices/{id}/issue", bases[n % bases.len()]);
        let req = client.post(url).bearer_auth(key).json(&json!({}));
        async move {
            let resp = req.send().await.expect("issue request");
            let status = resp.status();
            let body: Value = resp.json().await.expect("json");
            assert_eq!(status, 200, "{body:#}");
            let number = body["number"].as_str().unwrap().to_owned();
            number.rsplit('-').next().unwrap().parse::<i64>().unwrap()
        }
    });
    let mut numbers = futures::future::join_all(requests).await;
    numbers.sort_unstable();
    numbers
}

async fn concurrent_issuing_in_one_process_leaves_no_gap(app: &TestApp) {
    let body = app.invoice_body().await;
    let mut ids = Vec::new();
    for _ in 0..30 {
        ids.push(app.post("/v1/invoices", body.clone()).await.id());
    }
    let numbers = issue_all(&app.client, &app.key, &[app.url("")], &ids).await;
    assert_eq!(numbers, (1..=30).collect::<Vec<_>>());
}

/// A server process of the real binary.
struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `invoicer serve` on port 0; returns it and the bootstrap key it printed, if any.
fn start_server(database_url: &str, expect_key: bool) -> (Server, Option<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_invoicer"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("INVOICER_DATABASE_URL", database_url)
        .env("INVOICER_LOG_FORMAT", "json")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the invoicer binary");
    let key = expect_key.then(|| {
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .expect("read the key");
        line.trim().to_owned()
    });
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let base = loop {
        let mut line = String::new();
        assert!(
            stderr.read_line(&mut line).expect("read logs") > 0,
            "the server exited before serving"
        );
        let Ok(log) = serde_json::from_str::<Value>(&line) else {
            continue;
        };
        if log["message"] == "serving" {
            break format!("http://{}", log["listen"].as_str().unwrap());
        }
    };
    // Keep draining the logs so the child never blocks on a full pipe.
    std::thread::spawn(move || for _ in stderr.lines() {});
    (Server { child, base }, key)
}

#[tokio::test]
async fn concurrent_issuing_through_two_processes_on_postgres_leaves_no_gap() {
    let db = TestDb::new(Store::Postgres).await;
    let (first, key) = start_server(&db.url, true);
    let key = key.expect("a bootstrap key");
    assert!(key.starts_with("inv_test_"), "{key}");
    let (second, none) = start_server(&db.url, false);
    assert!(none.is_none());
    let client = reqwest::Client::new();
    let post = |path: &str, body: Value| {
        let req = client
            .post(format!("{}{path}", first.base))
            .bearer_auth(&key)
            .json(&body);
        async move { req.send().await.unwrap().json::<Value>().await.unwrap() }
    };
    let b = post(
        "/v1/businesses",
        json!({"legal_name": "Acme", "country": "NL", "default_currency": "EUR"}),
    )
    .await;
    let c = post("/v1/customers", json!({"name": "Globex", "country": "DE"})).await;
    let body = json!({"business_id": b["id"], "customer_id": c["id"], "line_items": [{"description": "x", "quantity": "1", "unit_price": "10", "vat_rate": "21"}]});
    let mut ids = Vec::new();
    for _ in 0..60 {
        ids.push(
            post("/v1/invoices", body.clone()).await["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    let numbers = issue_all(
        &client,
        &key,
        &[first.base.clone(), second.base.clone()],
        &ids,
    )
    .await;
    assert_eq!(
        numbers,
        (1..=60).collect::<Vec<_>>(),
        "numbers 1..N, no gap, no duplicate"
    );
    drop((first, second));
    db.drop_schema().await;
}
