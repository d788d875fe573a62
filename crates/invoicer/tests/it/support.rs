//! The test harness: the real server on port 0 over a real database, and a client.
//!
//! Every test runs twice, on SQLite (a temp file) and on PostgreSQL (a schema of its own in the
//! database named by `INVOICER_TEST_POSTGRES_URL`, default `postgres://postgres@127.0.0.1:5432/test`).
//! When PostgreSQL cannot be reached, the PostgreSQL half fails and says so: it never skips.

use std::{
    io::{BufRead, BufReader},
    net::SocketAddr,
    process::{Child, Command, Stdio},
    sync::OnceLock,
};

use invoicer_domain::{api_key::Environment, tenant::Tenant};
use invoicer_store::{Db, DbConfig};
use reqwest::{header::HeaderMap, Method};
use serde_json::{json, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Store {
    Sqlite,
    Postgres,
}

pub fn postgres_url() -> String {
    std::env::var("INVOICER_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// A database of its own for one test: a temp SQLite file or a fresh PostgreSQL schema.
pub struct TestDb {
    pub url: String,
    pub schema: Option<String>,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    pub async fn new(store: Store) -> TestDb {
        match store {
            Store::Sqlite => {
                let dir = tempfile::tempdir().expect("a temp dir for the SQLite file");
                let url = format!(
                    "sqlite://{}?mode=rwc",
                    dir.path().join("invoicer.db").display()
                );
                TestDb {
                    url,
                    schema: None,
                    _dir: Some(dir),
                }
            }
            Store::Postgres => {
                let schema = format!("t_{}", uuid::Uuid::new_v4().simple());
                let base = postgres_url();
                admin_execute(&base, &format!("CREATE SCHEMA {schema}")).await;
                let sep = if base.contains('?') { '&' } else { '?' };
                let url = format!("{base}{sep}options=-c%20search_path%3D{schema}");
                TestDb {
                    url,
                    schema: Some(schema),
                    _dir: None,
                }
            }
        }
    }

    pub async fn drop_schema(&self) {
        if let Some(schema) = &self.schema {
            admin_execute(&postgres_url(), &format!("DROP SCHEMA {schema} CASCADE")).await;
        }
    }
}

async fn admin_execute(url: &str, sql: &str) {
    use sqlx::{Connection, Executor};
    let mut conn = sqlx::PgConnection::connect(url).await.unwrap_or_else(|e| {
        panic!(
            "PostgreSQL is required for this test and is not reachable at {url} ({e}). Start it, or point \
             INVOICER_TEST_POSTGRES_URL at one."
        )
    });
    conn.execute(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

pub struct TestApp {
    pub addr: SocketAddr,
    pub db: Db,
    pub test_db: TestDb,
    /// A test-environment key with every scope.
    pub key: String,
    pub account_id: uuid::Uuid,
    /// The operator's token, when the server has one.
    pub admin_token: Option<String>,
    pub client: reqwest::Client,
    server: tokio::task::JoinHandle<()>,
}

/// The admin token of servers spawned with [`TestConfig::admin`].
pub const ADMIN_TOKEN: &str = "test-operator-token-0123456789abcdef";

/// A test server's configuration besides its database: by default the built-in plans and no
/// admin token, as `invoicer serve` starts.
pub struct TestConfig {
    pub admin_token: Option<String>,
    pub plans: invoicer_domain::plan::Plans,
}

impl Default for TestConfig {
    fn default() -> Self {
        Self {
            admin_token: None,
            plans: invoicer_domain::plan::Plans::built_in(),
        }
    }
}

impl TestConfig {
    /// With the operator API, under [`ADMIN_TOKEN`].
    pub fn admin() -> Self {
        Self {
            admin_token: Some(ADMIN_TOKEN.to_owned()),
            ..Self::default()
        }
    }
}

#[derive(Debug, Clone)]
pub struct Resp {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Value,
    /// The body as sent, for bodies that are not JSON (UBL).
    pub text: String,
}

impl Resp {
    /// Reads a whole response: its body as JSON when it is JSON, else as a JSON string.
    pub async fn read(resp: reqwest::Response) -> Resp {
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let bytes = resp.bytes().await.expect("body");
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
        };
        Resp {
            status,
            headers,
            body,
            text: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    #[track_caller]
    pub fn ok(&self, status: u16) -> &Value {
        assert_eq!(self.status, status, "unexpected response: {:#}", self.body);
        &self.body
    }

    pub fn id(&self) -> String {
        self.body["id"]
            .as_str()
            .unwrap_or_else(|| panic!("no id in {:#}", self.body))
            .to_owned()
    }
}

/// Checks the whole problem envelope of an error response.
#[track_caller]
pub fn assert_problem(resp: &Resp, status: u16, code: &str) {
    let body = &resp.body;
    assert_eq!(resp.status, status, "status of {body:#}");
    assert_eq!(body["code"], code, "code of {body:#}");
    assert_eq!(
        resp.header("content-type"),
        Some("application/problem+json")
    );
    let catalogued = invoicer_api_types::ErrorCode::from_code(code).expect("a catalogued code");
    assert_eq!(body["status"], status);
    assert_eq!(body["title"], catalogued.title());
    assert!(
        body["type"]
            .as_str()
            .unwrap_or_default()
            .ends_with(&format!("/errors/{code}")),
        "{body:#}"
    );
    assert!(
        !body["detail"].as_str().unwrap_or_default().is_empty(),
        "{body:#}"
    );
    assert!(body["errors"].is_array(), "{body:#}");
    let request_id = body["request_id"].as_str().unwrap_or_default();
    assert!(!request_id.is_empty());
    assert_eq!(resp.header("x-request-id"), Some(request_id));
}

/// The fields named in a problem's `errors`.
pub fn error_fields(resp: &Resp) -> Vec<String> {
    resp.body["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| e["field"].as_str().unwrap_or_default().to_owned())
        .collect()
}

fn runtime_init() {
    static LOGS: OnceLock<()> = OnceLock::new();
    LOGS.get_or_init(|| {
        if std::env::var_os("INVOICER_TEST_LOG").is_some() {
            let _ = tracing_subscriber::fmt()
                .with_env_filter("info,sqlx=warn")
                .with_test_writer()
                .try_init();
        }
    });
}

impl TestApp {
    pub async fn spawn(store: Store) -> TestApp {
        Self::spawn_with(store, |router| router).await
    }

    /// Spawns the server with extra routes wrapped in the same layers (for the panic test).
    pub async fn spawn_with(
        store: Store,
        extra: impl FnOnce(
            axum::Router<invoicer_http::AppState>,
        ) -> axum::Router<invoicer_http::AppState>,
    ) -> TestApp {
        Self::spawn_configured(store, TestConfig::default(), extra).await
    }

    /// Spawns the server with an admin token or plans of its own.
    pub async fn spawn_with_config(store: Store, config: TestConfig) -> TestApp {
        Self::spawn_configured(store, config, |router| router).await
    }

    async fn spawn_configured(
        store: Store,
        config: TestConfig,
        extra: impl FnOnce(
            axum::Router<invoicer_http::AppState>,
        ) -> axum::Router<invoicer_http::AppState>,
    ) -> TestApp {
        runtime_init();
        let test_db = TestDb::new(store).await;
        let db = Db::connect(&DbConfig::new(&test_db.url))
            .await
            .expect("connect to the test database");
        db.migrate().await.expect("migrate the test database");
        let key = invoicer_app::keys::bootstrap(&db)
            .await
            .expect("bootstrap")
            .expect("a fresh database")
            .expose()
            .to_owned();
        let account_id = invoicer_app::accounts::default_account(&db)
            .await
            .expect("default account");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind port 0");
        let addr = listener.local_addr().expect("local addr");
        let state = invoicer_http::AppState::new(invoicer_http::Shared {
            db: db.clone(),
            public_url: format!("http://{addr}"),
            plans: std::sync::Arc::new(config.plans),
            admin_token: config.admin_token.as_deref().map(|t| {
                invoicer_domain::admin_token::AdminToken::new(t).expect("a valid admin token")
            }),
            rates: std::sync::Arc::new(invoicer_app::rates::Rates::for_db(&db)),
            meter: invoicer_app::quotas::Meter::new(db.clone()),
        });
        let app = invoicer_http::router::build_with(state, extra(axum::Router::new()));
        let server = tokio::spawn(async move {
            axum::serve(
                listener,
                app.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .await
            .expect("server");
        });
        TestApp {
            addr,
            db,
            test_db,
            key,
            account_id,
            admin_token: config.admin_token,
            client: reqwest::Client::new(),
            server,
        }
    }

    /// A request carrying the admin token.
    pub fn admin(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        let token = self
            .admin_token
            .as_deref()
            .expect("a server spawned with TestConfig::admin()");
        self.client
            .request(method, self.url(path))
            .bearer_auth(token)
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub async fn send(&self, req: reqwest::RequestBuilder) -> Resp {
        Resp::read(req.send().await.expect("request sent")).await
    }

    /// A request carrying the default key.
    pub fn req(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.client
            .request(method, self.url(path))
            .bearer_auth(&self.key)
    }

    pub async fn get(&self, path: &str) -> Resp {
        self.send(self.req(Method::GET, path)).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Resp {
        self.send(self.req(Method::POST, path).json(&body)).await
    }

    pub async fn patch(&self, path: &str, body: Value) -> Resp {
        self.send(self.req(Method::PATCH, path).json(&body)).await
    }

    pub async fn get_as(&self, key: &str, path: &str) -> Resp {
        self.send(self.client.get(self.url(path)).bearer_auth(key))
            .await
    }

    pub async fn post_as(&self, key: &str, path: &str, body: Value) -> Resp {
        self.send(
            self.client
                .post(self.url(path))
                .bearer_auth(key)
                .json(&body),
        )
        .await
    }

    /// A key of another tenant: a new account (or this one) in `environment`.
    pub async fn other_key(
        &self,
        new_account: bool,
        environment: Environment,
        scopes: &[&str],
    ) -> String {
        let account_id = if new_account {
            let new = invoicer_api_types::account::NewAccount {
                name: "Other".into(),
                plan: invoicer_domain::plan::SELF_HOSTED.into(),
            };
            invoicer_app::accounts::create_account(&self.db, new)
                .await
                .expect("account")
                .id
        } else {
            self.account_id
        };
        let new = invoicer_api_types::api_key::ApiKeyIn {
            scopes: Some(scopes.iter().map(|s| s.to_string()).collect()),
            ..Default::default()
        }
        .parse()
        .expect("valid key request");
        let (_, secret) = invoicer_app::keys::create(
            &self.db,
            Tenant {
                account_id,
                environment,
            },
            new,
        )
        .await
        .expect("key");
        secret.expose().to_owned()
    }

    pub async fn business(&self) -> Value {
        self.post("/v1/businesses", business_json())
            .await
            .ok(201)
            .clone()
    }

    pub async fn customer(&self) -> Value {
        self.post("/v1/customers", customer_json())
            .await
            .ok(201)
            .clone()
    }

    /// A business, a customer, and the body of a valid one-line invoice between them.
    pub async fn invoice_body(&self) -> Value {
        let b = self.business().await;
        let c = self.customer().await;
        invoice_json(&b["id"], &c["id"])
    }

    pub async fn draft(&self) -> Value {
        let body = self.invoice_body().await;
        self.post("/v1/invoices", body).await.ok(201).clone()
    }

    pub async fn issued(&self) -> Value {
        let draft = self.draft().await;
        self.post(
            &format!("/v1/invoices/{}/issue", draft["id"].as_str().unwrap()),
            json!({}),
        )
        .await
        .ok(200)
        .clone()
    }

    pub async fn finish(self) {
        self.server.abort();
        self.db.close().await;
        self.test_db.drop_schema().await;
    }
}

/// A Dutch seller with all a valid e-invoice needs of it.
pub fn business_json() -> Value {
    json!({
        "legal_name": "Acme BV", "country": "NL", "default_currency": "EUR", "vat_id": "NL123456789B01",
        "peppol_id": "0106:12345678", "company_id": "12345678", "company_id_scheme": "0106",
        "address": {"line1": "Keizersgracht 1", "city": "Amsterdam", "postal_code": "1015 CJ"}
    })
}

/// A German buyer with all a valid e-invoice needs of it.
pub fn customer_json() -> Value {
    json!({"name": "Globex GmbH", "country": "DE", "vat_id": "DE123456789", "peppol_id": "9930:DE123456789"})
}

/// A one-line invoice between them, ready to issue.
pub fn invoice_json(business_id: &Value, customer_id: &Value) -> Value {
    json!({
        "business_id": business_id, "customer_id": customer_id,
        "issue_date": "2026-03-01", "payment_terms": "30 days net", "buyer_reference": "PO-4711",
        "payment_means": {"code": "58", "account": {"id": "NL91ABNA0417164300", "bic": "ABNANL2A"}},
        "line_items": [{"description": "Consulting", "quantity": "10", "unit_code": "HUR", "unit_price": "100.00", "vat_category": "S", "vat_rate": "21"}]
    })
}

/// Declares tests that run once per store: `both!(name, …)` turns each `async fn name(app:
/// TestApp)` into `name::sqlite` and `name::postgres`.
///
/// `both!(with config; …)` spawns each with `config()`, a `TestConfig` (e.g. with an admin token).
#[macro_export]
macro_rules! both {
    (with $config:ident; $($name:ident),* $(,)?) => {
        $(
            mod $name {
                use $crate::support::{Store, TestApp};

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    let app = TestApp::spawn_with_config(Store::Sqlite, super::$config()).await;
                    super::$name(&app).await;
                    app.finish().await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    let app = TestApp::spawn_with_config(Store::Postgres, super::$config()).await;
                    super::$name(&app).await;
                    app.finish().await;
                }
            }
        )*
    };
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                use $crate::support::{Store, TestApp};

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    let app = TestApp::spawn(Store::Sqlite).await;
                    super::$name(&app).await;
                    app.finish().await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    let app = TestApp::spawn(Store::Postgres).await;
                    super::$name(&app).await;
                    app.finish().await;
                }
            }
        )*
    };
}

/// A server process of the real binary.
pub struct Server {
    child: Child,
    pub base: String,
    logs: std::sync::mpsc::Receiver<Value>,
}

impl Server {
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Blocks until the server logs `message`.
    pub fn wait_for_log(&self, message: &str) {
        loop {
            let log = self
                .logs
                .recv()
                .expect("the server exited before logging it");
            if log["message"] == message {
                return;
            }
        }
    }

    /// Stops the server with SIGTERM and returns every log line it wrote.
    pub fn stop_and_collect_logs(mut self) -> Vec<Value> {
        let pid = self.child.id().to_string();
        assert!(Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill")
            .success());
        self.wait();
        self.logs.try_iter().collect()
    }

    /// Waits for the process to exit by itself.
    pub fn wait(&mut self) -> std::process::ExitStatus {
        self.child.wait().expect("wait for the server")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `invoicer serve` on port 0; returns it and the bootstrap key it printed, if any.
pub fn start_server(database_url: &str, expect_key: bool) -> (Server, Option<String>) {
    start_server_with(database_url, expect_key, &[])
}

/// [`start_server`] with more environment variables (`INVOICER_ADMIN_TOKEN`, `INVOICER_PLANS`).
pub fn start_server_with(
    database_url: &str,
    expect_key: bool,
    env: &[(&str, &str)],
) -> (Server, Option<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_invoicer"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .envs(env.iter().copied())
        .env("INVOICER_DATABASE_URL", database_url)
        .env("INVOICER_LOG_FORMAT", "json")
        .env("INVOICER_LOG", "info,tower_http=debug")
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
    let (sender, logs) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in stderr.lines().map_while(Result::ok) {
            if let Ok(log) = serde_json::from_str::<Value>(&line) {
                let _ = sender.send(log);
            }
        }
    });
    (Server { child, base, logs }, key)
}

/// Waits out a server's key cache: a change another process (another instance, the CLI) made
/// to a key or an account holds in a serving instance once the cache's lifetime has passed.
pub async fn key_cache_outlived() {
    tokio::time::sleep(invoicer_store::KEY_CACHE_TTL + std::time::Duration::from_millis(100)).await;
}

/// Two `invoicer serve` processes on one fresh PostgreSQL schema: the first made the bootstrap
/// key (the second found it there and made none), and a business and a customer exist.
pub struct TwoInstances {
    db: TestDb,
    pub first: Server,
    pub second: Server,
    pub key: String,
    pub client: reqwest::Client,
    /// A draft invoice's body between that business and customer.
    pub invoice_body: Value,
}

impl TwoInstances {
    pub async fn start() -> TwoInstances {
        let db = TestDb::new(Store::Postgres).await;
        let (first, key) = start_server(&db.url, true);
        let key = key.expect("a bootstrap key");
        assert!(key.starts_with("inv_test_"), "{key}");
        let (second, none) = start_server(&db.url, false);
        assert!(
            none.is_none(),
            "only the first instance makes a bootstrap key"
        );
        let mut two = TwoInstances {
            db,
            first,
            second,
            key,
            client: reqwest::Client::new(),
            invoice_body: Value::Null,
        };
        let b = two.post_first("/v1/businesses", business_json()).await;
        let c = two.post_first("/v1/customers", customer_json()).await;
        two.invoice_body = invoice_json(&b["id"], &c["id"]);
        two
    }

    /// A POST to the first instance with the key; its JSON answer.
    pub async fn post_first(&self, path: &str, body: Value) -> Value {
        self.client
            .post(format!("{}{path}", self.first.base))
            .bearer_auth(&self.key)
            .json(&body)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    pub fn bases(&self) -> [String; 2] {
        [self.first.base.clone(), self.second.base.clone()]
    }

    pub async fn finish(self) {
        drop((self.first, self.second));
        self.db.drop_schema().await;
    }
}
