//! Issued numbers are gapless and unique per business and series, even under concurrency and
//! across server processes sharing one PostgreSQL.

use serde_json::{json, Value};

use crate::{
    both,
    support::{TestApp, TwoInstances},
};

both!(
    concurrent_issuing_in_one_process_leaves_no_gap,
    concurrent_writes_that_fail_leave_nothing_while_their_neighbours_commit,
);

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

#[tokio::test]
async fn concurrent_issuing_through_two_processes_on_postgres_leaves_no_gap() {
    let two = TwoInstances::start().await;
    let mut ids = Vec::new();
    for _ in 0..60 {
        ids.push(
            two.post_first("/v1/invoices", two.invoice_body.clone())
                .await["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    let numbers = issue_all(&two.client, &two.key, &two.bases(), &ids).await;
    assert_eq!(
        numbers,
        (1..=60).collect::<Vec<_>>(),
        "numbers 1..N, no gap, no duplicate"
    );
    two.finish().await;
}

async fn concurrent_writes_that_fail_leave_nothing_while_their_neighbours_commit(app: &TestApp) {
    // Refused inside the transaction (the customer is archived, found only after reading it),
    // interleaved with writes that succeed: on SQLite they share group commits.
    let good = app.invoice_body().await;
    let mut bad = good.clone();
    let archived = app.customer().await;
    app.post(
        &format!("/v1/customers/{}/archive", archived["id"].as_str().unwrap()),
        json!({}),
    )
    .await
    .ok(200);
    bad["customer_id"] = archived["id"].clone();
    let requests = (0..40).map(|n| {
        let body = if n % 2 == 0 {
            good.clone()
        } else {
            bad.clone()
        };
        async move { app.post("/v1/invoices", body).await.status }
    });
    let statuses = futures::future::join_all(requests).await;
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 20);
    assert_eq!(statuses.iter().filter(|s| **s == 409).count(), 20);
    let listed = app.get("/v1/invoices?limit=100").await;
    let data = listed.ok(200)["data"].as_array().unwrap().clone();
    assert_eq!(data.len(), 20);
    assert!(data.iter().all(|i| i["customer_id"] == good["customer_id"]));
}
