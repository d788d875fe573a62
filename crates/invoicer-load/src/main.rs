//! Creates invoices of 10 line items as fast as 64 concurrent clients can, for a few seconds per
//! figure, and prints each figure beside its ceilings measured in the same run on the same
//! machine: the same creations straight through the app, the way the HTTP route stores them (no
//! HTTP), and the database's raw
//! commit rate (one-row transactions). Machines here are shared and noisy; the ratios are what
//! carry over.
//!
//! HTTP creation is measured twice: plain (the bootstrap account, on `self_hosted`, which counts
//! nothing; no `Idempotency-Key`), and guarded, the full production path: an account whose plan
//! counts every request against rate limits no run reaches, each request with a fresh
//! `Idempotency-Key`, so its response is recorded with the invoice it answers for. Their ratio is
//! the cost of the two.
//!
//! This tool measures the database itself, so it alone besides `invoicer-store` names sqlx.

use std::{
    net::SocketAddr,
    sync::Arc,
    time::{Duration, Instant},
};

use clap::Parser;
use futures::future::join_all;
use invoicer_api_types::{account::NewAccount, invoice::InvoiceIn};
use invoicer_app::AppResult;
use invoicer_domain::{api_key::Environment, plan::Plans, tenant::Tenant};
use invoicer_store::{Db, DbConfig};
use serde_json::{json, Value};
use sqlx::Connection;
use uuid::Uuid;

/// The same allocator as the server's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The plans the server runs with, read as `INVOICER_PLANS` is. `load`'s figures are far beyond
/// this machine, but present: a figure left out is not counted at all, and the guarded figure is
/// meant to pay for the counting. It sets no monthly quota of invoices, which a long run could
/// exhaust.
const PLANS: &str = r#"
[plans.self_hosted]

[plans.load]
reads_per_minute = 100_000_000
writes_per_minute = 100_000_000
invoices_per_hour = 100_000_000
"#;

/// The plan of the guarded figure's account.
const GUARDED_PLAN: &str = "load";

#[derive(Parser)]
struct Args {
    /// Seconds per measurement.
    #[arg(long, default_value_t = 5)]
    seconds: u64,
    /// Rounds of the figures; each is reported as its median round.
    #[arg(long, default_value_t = 3)]
    rounds: usize,
    /// Concurrent clients.
    #[arg(long, default_value_t = 64)]
    connections: usize,
    /// PostgreSQL database to measure in (a scratch schema is created and dropped).
    #[arg(
        long,
        env = "INVOICER_TEST_POSTGRES_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/test"
    )]
    postgres_url: String,
    /// Connections of the read pool (and of PostgreSQL's one pool).
    #[arg(long, default_value_t = 16)]
    pool: u32,
    /// Measure only this store: sqlite or postgres.
    #[arg(long)]
    only: Option<String>,
}

struct Figure {
    ops: usize,
    elapsed: Duration,
    latencies: Vec<Duration>,
}

impl Figure {
    fn rate(&self) -> f64 {
        self.ops as f64 / self.elapsed.as_secs_f64()
    }

    fn percentile(&self, p: f64) -> f64 {
        if self.latencies.is_empty() {
            return 0.0;
        }
        let i = ((self.latencies.len() as f64 - 1.0) * p).round() as usize;
        self.latencies[i].as_secs_f64() * 1000.0
    }
}

fn median(mut figures: Vec<Figure>) -> Figure {
    figures.sort_by(|a, b| a.rate().total_cmp(&b.rate()));
    figures.swap_remove(figures.len() / 2)
}

/// Runs `op` from `clients` concurrent tasks for `seconds`, timing each call.
async fn drive<F, Fut>(clients: usize, seconds: u64, op: F) -> Figure
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = anyhow::Result<()>> + Send,
{
    let op = Arc::new(op);
    let start = Instant::now();
    let deadline = start + Duration::from_secs(seconds);
    let tasks = (0..clients).map(|client| {
        let op = op.clone();
        tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut n = 0;
            while Instant::now() < deadline {
                let t = Instant::now();
                op(client * 1_000_000 + n).await.expect("operation failed");
                latencies.push(t.elapsed());
                n += 1;
            }
            latencies
        })
    });
    let mut latencies: Vec<Duration> = join_all(tasks)
        .await
        .into_iter()
        .flat_map(|r| r.expect("task"))
        .collect();
    let elapsed = start.elapsed();
    latencies.sort_unstable();
    Figure {
        ops: latencies.len(),
        elapsed,
        latencies,
    }
}

fn app<T>(result: AppResult<T>) -> anyhow::Result<T> {
    result.map_err(|e| anyhow::anyhow!("{e}"))
}

/// One account's client of the API: its test-environment key, and a body creating an invoice
/// between its own business and customer.
struct Caller {
    tenant: Tenant,
    key: String,
    body: Value,
}

async fn caller(db: &Db, account_id: Uuid) -> anyhow::Result<Caller> {
    let tenant = Tenant {
        account_id,
        environment: Environment::Test,
    };
    let (_, key) =
        app(invoicer_app::keys::create(db, tenant, invoicer_app::keys::everything("load")).await)?;
    let business = app(invoicer_app::parties::create_business(
        db,
        tenant,
        serde_json::from_value(
            json!({"legal_name": "Load BV", "country": "NL", "default_currency": "EUR"}),
        )?,
    )
    .await)?;
    let customer = app(invoicer_app::parties::create_customer(
        db,
        tenant,
        serde_json::from_value(json!({"name": "Buyer", "country": "DE"}))?,
    )
    .await)?;
    Ok(Caller {
        tenant,
        key: key.expose().to_owned(),
        body: invoice_body(&business.id.to_string(), &customer.id.to_string()),
    })
}

/// `caller`'s invoice creations over HTTP; `guarded`, each with a fresh `Idempotency-Key`, and
/// the caller's plan must count them.
async fn creations_over_http(
    addr: SocketAddr,
    caller: &Caller,
    guarded: bool,
    args: &Args,
) -> anyhow::Result<Figure> {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(args.connections)
        .build()?;
    let url = format!("http://{addr}/v1/invoices");
    let payload = serde_json::to_vec(&caller.body)?;
    let key = caller.key.clone();
    Ok(drive(args.connections, args.seconds, move |n| {
        let mut req = client
            .post(&url)
            .bearer_auth(&key)
            .header("content-type", "application/json")
            .body(payload.clone());
        if guarded {
            // Unique across rounds too: a repeated key would be a replay, not a creation.
            req = req.header("idempotency-key", Uuid::new_v4().to_string());
        }
        async move {
            let resp = req.send().await?;
            let status = resp.status();
            // Only counted responses carry rate headers, so one response shows whether the
            // figure ran through the limits; every request of a figure is on the same plan.
            let counted = resp.headers().contains_key("x-ratelimit-limit");
            anyhow::ensure!(status == 201, "status {status}: {}", resp.text().await?);
            anyhow::ensure!(
                n != 0 || counted == guarded,
                "a {} creation was {}counted against rate limits",
                if guarded { "guarded" } else { "plain" },
                if counted { "" } else { "not " }
            );
            resp.bytes().await?;
            Ok(())
        }
    })
    .await)
}

fn invoice_body(business: &str, customer: &str) -> Value {
    let lines: Vec<Value> = (1..=10)
        .map(|i| {
            json!({"description": format!("Item {i}"), "quantity": format!("{i}"), "unit_code": "C62",
                   "unit_price": format!("{}.{:02}", 10 + i, i * 7 % 100), "vat_category": "S",
                   "vat_rate": if i % 3 == 0 { "9" } else { "21" }})
        })
        .collect();
    json!({"business_id": business, "customer_id": customer, "currency": "EUR", "issue_date": "2026-11-25", "line_items": lines})
}

/// One-row transactions in a scratch table, through a pool shaped like the store's.
async fn raw_commits(
    url: &str,
    sqlite: bool,
    clients: usize,
    seconds: u64,
) -> anyhow::Result<Figure> {
    sqlx::any::install_default_drivers();
    let writers = if sqlite { 1 } else { clients as u32 };
    let pool = sqlx::any::AnyPoolOptions::new()
        .max_connections(writers)
        .after_connect(move |conn, _| {
            Box::pin(async move {
                if sqlite {
                    sqlx::Executor::execute(
                        &mut *conn,
                        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;",
                    )
                    .await?;
                }
                Ok(())
            })
        })
        .connect(url)
        .await?;
    sqlx::query(
        "CREATE TABLE IF NOT EXISTS bench_commits (id TEXT PRIMARY KEY, payload TEXT NOT NULL)",
    )
    .execute(&pool)
    .await?;
    let payload = "x".repeat(2000);
    let figure = drive(clients, seconds, move |n| {
        let pool = pool.clone();
        let payload = payload.clone();
        async move {
            let mut tx = pool.begin().await?;
            sqlx::query("INSERT INTO bench_commits (id, payload) VALUES ($1, $2)")
                .bind(format!("{n}-{}", uuid::Uuid::new_v4()))
                .bind(payload)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(())
        }
    })
    .await;
    Ok(figure)
}

async fn measure(name: &str, url: &str, sqlite: bool, args: &Args) -> anyhow::Result<()> {
    let db = Db::connect(&DbConfig {
        max_connections: args.pool,
        ..DbConfig::new(url)
    })
    .await?;
    db.migrate().await?;
    let plans = Plans::parse(PLANS)?;
    app(invoicer_app::keys::bootstrap(&db).await)?;
    let plain = caller(
        &db,
        app(invoicer_app::accounts::default_account(&db).await)?,
    )
    .await?;
    let guarded_account = app(invoicer_app::accounts::create_account(
        &db,
        NewAccount {
            name: "Load, guarded".to_owned(),
            plan: GUARDED_PLAN.to_owned(),
        },
    )
    .await)?;
    let guarded = caller(&db, guarded_account.id).await?;

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let router = invoicer_http::build(invoicer_http::AppState::new(invoicer_http::Shared {
        db: db.clone(),
        public_url: format!("http://{addr}"),
        plans: Arc::new(plans),
        admin_token: None,
        rates: Arc::new(invoicer_app::rates::Rates::for_db(&db)),
        meter: invoicer_app::quotas::Meter::new(db.clone()),
    }));
    let server = tokio::spawn(async move {
        let _ = axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await;
    });
    // Rounds interleave the figures, so a burst of noise on this shared machine hits them alike;
    // each figure reported is its median round.
    let mut rounds: [Vec<Figure>; 5] = Default::default();
    for _ in 0..args.rounds {
        let raw = raw_commits(url, sqlite, args.connections, args.seconds).await?;

        let input: InvoiceIn = serde_json::from_value(plain.body.clone())?;
        let (store_db, tenant) = (db.clone(), plain.tenant);
        let store = drive(args.connections, args.seconds, move |_| {
            let (db, input) = (store_db.clone(), input.clone());
            async move {
                // The way the HTTP route takes: parsed, made, and stored in one step.
                let new = app(invoicer_app::invoices::parse(&input))?;
                let draft = invoicer_app::invoices::draft_at_once(&new)
                    .ok_or_else(|| anyhow::anyhow!("the load body must name its currency"))?;
                let stored =
                    app(invoicer_app::invoices::store_at_once(&db, tenant, &draft, None).await)?;
                anyhow::ensure!(stored, "the draft was not stored in one step");
                Ok(())
            }
        })
        .await;

        let http = creations_over_http(addr, &plain, false, args).await?;
        let guarded_http = creations_over_http(addr, &guarded, true, args).await?;
        // The floor of the HTTP path on this machine: the same clients on a route that does no work.
        let floor_client = reqwest::Client::builder()
            .pool_max_idle_per_host(args.connections)
            .build()?;
        let url_floor = format!("http://{addr}/healthz");
        let floor = drive(args.connections, args.seconds, move |_| {
            let req = floor_client.get(&url_floor);
            async move {
                let resp = req.send().await?;
                anyhow::ensure!(resp.status() == 200, "status {}", resp.status());
                resp.bytes().await?;
                Ok(())
            }
        })
        .await;
        for (round, figure) in rounds
            .iter_mut()
            .zip([raw, store, http, guarded_http, floor])
        {
            round.push(figure);
        }
    }
    let [raw, store, http, guarded_http, floor] = rounds.map(median);
    server.abort();
    db.close().await;

    println!(
        "\n{name}  ({} clients, {} s per figure, median of {} rounds)",
        args.connections, args.seconds, args.rounds
    );
    println!(
        "  {:<42} {:>10} {:>10} {:>10}",
        "", "per second", "p50 ms", "p99 ms"
    );
    for (label, f) in [
        ("raw commits (one-row transactions)", &raw),
        ("invoice creation, store only", &store),
        ("invoice creation over HTTP", &http),
        ("  guarded: Idempotency-Key, limits counted", &guarded_http),
        ("GET /healthz over HTTP (floor)", &floor),
    ] {
        println!(
            "  {label:<42} {:>10.0} {:>10.2} {:>10.2}",
            f.rate(),
            f.percentile(0.5),
            f.percentile(0.99)
        );
    }
    println!(
        "  HTTP / store-only: {:.0}%   HTTP / raw commits: {:.0}%",
        100.0 * http.rate() / store.rate(),
        100.0 * http.rate() / raw.rate()
    );
    let guarded_share = 100.0 * guarded_http.rate() / http.rate();
    println!(
        "  guarded / plain: {guarded_share:.0}% (overhead {:.0}%)   guarded / raw commits: {:.0}%",
        100.0 - guarded_share,
        100.0 * guarded_http.rate() / raw.rate()
    );
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if args.only.as_deref().is_none_or(|o| o == "sqlite") {
        let dir = tempfile::tempdir()?;
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("load.db").display());
        measure(
            "SQLite (WAL, synchronous=FULL: every commit durable)",
            &url,
            true,
            &args,
        )
        .await?;
    }
    if args.only.as_deref().is_none_or(|o| o == "postgres") {
        let schema = format!("load_{}", uuid::Uuid::new_v4().simple());
        let mut admin = sqlx::PgConnection::connect(&args.postgres_url).await?;
        sqlx::Executor::execute(&mut admin, format!("CREATE SCHEMA {schema}").as_str()).await?;
        let sep = if args.postgres_url.contains('?') {
            '&'
        } else {
            '?'
        };
        let url = format!(
            "{}{sep}options=-c%20search_path%3D{schema}",
            args.postgres_url
        );
        let result = measure("PostgreSQL", &url, false, &args).await;
        sqlx::Executor::execute(&mut admin, format!("DROP SCHEMA {schema} CASCADE").as_str())
            .await?;
        result?;
    }
    Ok(())
}
