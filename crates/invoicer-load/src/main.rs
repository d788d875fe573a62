//! Creates invoices of 10 line items as fast as 64 concurrent clients can, for a few seconds per
//! figure, and prints each figure beside its ceilings measured in the same run on the same
//! machine: the same creations straight through the store (no HTTP), and the database's raw
//! commit rate (one-row transactions). Machines here are shared and noisy; the ratios are what
//! carry over.
//!
//! This tool measures the database itself, so it alone besides `invoicer-store` names sqlx.

use std::{
    net::SocketAddr,
    sync::Arc,
    time::{Duration, Instant},
};

use clap::Parser;
use futures::future::join_all;
use invoicer_api_types::invoice::InvoiceIn;
use invoicer_domain::{api_key::Environment, tenant::Tenant};
use invoicer_store::{Db, DbConfig};
use serde_json::{json, Value};
use sqlx::Connection;

/// The same allocator as the server's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
struct Args {
    /// Seconds per measurement.
    #[arg(long, default_value_t = 5)]
    seconds: u64,
    /// Rounds of the four figures; each is reported as its median round.
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
    invoicer_app::keys::bootstrap(&db)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let account_id = invoicer_app::accounts::default_account(&db)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let tenant = Tenant {
        account_id,
        environment: Environment::Test,
    };
    let (_, key) = invoicer_app::keys::create(&db, tenant, invoicer_app::keys::everything("load"))
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let key = key.expose().to_owned();
    let business = invoicer_app::parties::create_business(
        &db,
        tenant,
        serde_json::from_value(
            json!({"legal_name": "Load BV", "country": "NL", "default_currency": "EUR"}),
        )?,
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let customer = invoicer_app::parties::create_customer(
        &db,
        tenant,
        serde_json::from_value(json!({"name": "Buyer", "country": "DE"}))?,
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let body = invoice_body(&business.id.to_string(), &customer.id.to_string());

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let app = invoicer_http::build(invoicer_http::AppState {
        db: db.clone(),
        public_url: format!("http://{addr}"),
        plans: std::sync::Arc::new(invoicer_domain::plan::Plans::built_in()),
        admin_token: None,
        rates: std::sync::Arc::new(invoicer_app::rates::Rates::for_db(&db)),
        meter: invoicer_app::quotas::Meter::new(db.clone()),
    });
    let server = tokio::spawn(async move {
        let _ = axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await;
    });
    // Rounds interleave the four figures, so a burst of noise on this shared machine hits them
    // alike; each figure reported is its median round.
    let (mut raws, mut stores, mut https, mut floors) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for _ in 0..args.rounds {
        let raw = raw_commits(url, sqlite, args.connections, args.seconds).await?;

        let input: InvoiceIn = serde_json::from_value(body.clone())?;
        let store_db = db.clone();
        let store = drive(args.connections, args.seconds, move |_| {
            let (db, input) = (store_db.clone(), input.clone());
            async move {
                invoicer_app::invoices::create(&db, tenant, input)
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
                Ok(())
            }
        })
        .await;

        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(args.connections)
            .build()?;
        let url_http = format!("http://{addr}/v1/invoices");
        let payload = serde_json::to_vec(&body)?;
        let key = key.clone();
        let http = drive(args.connections, args.seconds, move |_| {
            let req = client
                .post(&url_http)
                .bearer_auth(&key)
                .header("content-type", "application/json")
                .body(payload.clone());
            async move {
                let resp = req.send().await?;
                anyhow::ensure!(resp.status() == 201, "status {}", resp.status());
                resp.bytes().await?;
                Ok(())
            }
        })
        .await;
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
        raws.push(raw);
        stores.push(store);
        https.push(http);
        floors.push(floor);
    }
    let (raw, store, http, floor) = (median(raws), median(stores), median(https), median(floors));
    server.abort();
    db.close().await;

    println!(
        "\n{name}  ({} clients, {} s per figure, median of {} rounds)",
        args.connections, args.seconds, args.rounds
    );
    println!(
        "  {:<34} {:>10} {:>10} {:>10}",
        "", "per second", "p50 ms", "p99 ms"
    );
    for (label, f) in [
        ("raw commits (one-row transactions)", &raw),
        ("invoice creation, store only", &store),
        ("invoice creation over HTTP", &http),
        ("GET /healthz over HTTP (floor)", &floor),
    ] {
        println!(
            "  {label:<34} {:>10.0} {:>10.2} {:>10.2}",
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
