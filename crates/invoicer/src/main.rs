//! The one binary: `serve`, `migrate`, `keys`, `accounts` (the operator's side, like `/admin/v1`),
//! and `validate` and `render`, which need no database.

mod config;

/// glibc's allocator contends between threads under load; mimalloc does not.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod render;
mod validate;

use std::net::SocketAddr;

use anyhow::Context;
use clap::Parser;
use config::{Accounts, Cli, Command, Keys, LogFormat};
use invoicer_api_types::{
    account::{AccountIn, AccountOut, AccountPatch, UsageOut},
    api_key::ApiKeyOut,
};
use invoicer_app::{accounts, keys};
use invoicer_domain::{api_key::Environment, tenant::Tenant};
use invoicer_store::{Db, DbConfig};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    init_logs(cli.global.log_format);
    if let Command::Validate { files, format } = &cli.command {
        // Needs no database.
        return validate::run(files, *format);
    }
    if let Command::Render { file } = &cli.command {
        return render::run(file);
    }
    match run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn init_logs(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("INVOICER_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Json => builder.json().flatten_event(true).init(),
        LogFormat::Text => builder.init(),
    }
}

async fn connect(raw_url: &str) -> anyhow::Result<Db> {
    let url = config::database_url(raw_url)?;
    let db = Db::connect(&DbConfig::new(url))
        .await
        .context("INVOICER_DATABASE_URL: cannot open the database")?;
    db.migrate().await.context("migrating the database")?;
    Ok(db)
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let db = connect(&cli.global.database_url).await?;
    match cli.command {
        Command::Migrate => {
            tracing::info!("database migrated");
            Ok(())
        }
        Command::Serve(serve) => {
            let public_url = serve.public_url()?;
            let admin_token = serve.admin_token()?;
            let plans = cli.global.plans()?;
            let rates = match serve.redis_url() {
                Some(url) => invoicer_app::rates::Rates::through_redis(
                    invoicer_store::redis_budget::RedisBudget::connect(url)
                        .await
                        .context("INVOICER_REDIS_URL: cannot reach Redis")?,
                ),
                None => invoicer_app::rates::Rates::for_db(&db),
            };
            if let Some(key) = keys::bootstrap(&db)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?
            {
                // Shown once, on stdout, alone on its line; it is stored only as a hash.
                println!("{}", key.expose());
                tracing::info!(
                    "created the default account; its test key is the line above on stdout"
                );
            }
            let missing = accounts::plans_missing(&db, &plans)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            if !missing.is_empty() {
                anyhow::bail!(
                    "INVOICER_PLANS: accounts are on plans the configured plans lack: {}; \
                     define them, or move those accounts to another plan first",
                    missing.join(", ")
                );
            }
            // Listen for SIGTERM before announcing readiness, so an early signal is not fatal.
            let shutdown = shutdown_signal()?;
            let listener = tokio::net::TcpListener::bind(serve.listen)
                .await
                .with_context(|| format!("INVOICER_LISTEN: cannot listen on {}", serve.listen))?;
            tracing::info!(
                listen = %listener.local_addr()?,
                %public_url,
                backend = ?db.backend(),
                plans = %plans.names().join(","),
                admin_api = admin_token.is_some(),
                rate_budget = rates.budget(),
                "serving"
            );
            let meter = invoicer_app::quotas::Meter::new(db.clone());
            let app = invoicer_http::build(invoicer_http::AppState::new(invoicer_http::Shared {
                db: db.clone(),
                public_url,
                plans: std::sync::Arc::new(plans),
                admin_token,
                rates: std::sync::Arc::new(rates),
                meter: meter.clone(),
            }));
            tokio::spawn(sweep_idempotency_keys(db.clone()));
            axum::serve(
                listener,
                app.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .with_graceful_shutdown(shutdown)
            .await?;
            if let Err(e) = meter.flush().await {
                tracing::error!(error = %e, "the last second's counted validations were not written");
            }
            db.close().await;
            tracing::info!("stopped");
            Ok(())
        }
        Command::Keys(command) => run_keys(&db, command).await,
        Command::Accounts(command) => run_accounts(&db, &cli.global.plans()?, command).await,
        Command::Validate { .. } | Command::Render { .. } => {
            unreachable!("validate and render run without a database, before this")
        }
    }
}

async fn tenant(db: &Db, account: Option<uuid::Uuid>, environment: &str) -> anyhow::Result<Tenant> {
    let environment: Environment = environment
        .parse()
        .map_err(|e: invoicer_domain::validation::Invalid| anyhow::anyhow!(e.message))?;
    let account_id = match account {
        Some(a) => a,
        None => accounts::default_account(db)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?,
    };
    Ok(Tenant {
        account_id,
        environment,
    })
}

async fn run_keys(db: &Db, command: Keys) -> anyhow::Result<()> {
    let app_err = |e: invoicer_app::AppError| anyhow::anyhow!("{e}");
    match command {
        Keys::Create {
            name,
            environment,
            scopes,
            account,
        } => {
            let tenant = tenant(db, account, &environment).await?;
            let input = invoicer_api_types::api_key::ApiKeyIn {
                name: Some(name),
                environment: Some(environment),
                scopes: Some(scopes),
                ..Default::default()
            };
            let new = input.parse().map_err(|v| anyhow::anyhow!("{v}"))?;
            let (key, secret) = keys::create(db, tenant, new).await.map_err(app_err)?;
            eprintln!(
                "created key {} ({}), scopes {:?}; the secret below is shown once:",
                key.id, key.environment, key.scopes
            );
            println!("{}", secret.expose());
        }
        Keys::List {
            environment,
            account,
        } => {
            let tenant = tenant(db, account, &environment).await?;
            let mut page = invoicer_store::page::PageRequest {
                limit: 100,
                after: None,
            };
            loop {
                let keys = keys::list(db, tenant, page).await.map_err(app_err)?;
                for k in &keys.items {
                    println!("{}", serde_json::to_string(&ApiKeyOut::from(k))?);
                }
                match (keys.has_more, keys.items.last()) {
                    (true, Some(last)) => page.after = Some(last.id),
                    _ => break,
                }
            }
        }
        Keys::Revoke {
            id,
            environment,
            account,
        } => {
            let tenant = tenant(db, account, &environment).await?;
            let key = keys::revoke(db, tenant, id).await.map_err(app_err)?;
            println!("{}", serde_json::to_string(&ApiKeyOut::from(&key))?);
        }
    }
    Ok(())
}

async fn run_accounts(
    db: &Db,
    plans: &invoicer_domain::plan::Plans,
    command: Accounts,
) -> anyhow::Result<()> {
    let app_err = |e: invoicer_app::AppError| anyhow::anyhow!("{e}");
    let account_or_default = |account: Option<uuid::Uuid>| async move {
        match account {
            Some(a) => Ok(a),
            None => accounts::default_account(db).await.map_err(app_err),
        }
    };
    let patch_account = |account: Option<uuid::Uuid>, patch: AccountPatch| async move {
        let change = patch.parse(plans).map_err(|v| anyhow::anyhow!("{v}"))?;
        let account_id = account_or_default(account).await?;
        accounts::update(db, account_id, change)
            .await
            .map_err(app_err)
    };
    match command {
        Accounts::Create { name, plan } => {
            let new = AccountIn {
                name: Some(name),
                plan,
            }
            .parse(plans)
            .map_err(|v| anyhow::anyhow!("{v}"))?;
            let account = accounts::create_account(db, new).await.map_err(app_err)?;
            eprintln!("created account {} on plan {}", account.id, account.plan);
            println!("{}", account.id);
        }
        Accounts::List => {
            let mut page = invoicer_store::page::PageRequest {
                limit: 100,
                after: None,
            };
            loop {
                let list = accounts::list(db, page).await.map_err(app_err)?;
                for a in &list.items {
                    println!("{}", serde_json::to_string(&AccountOut::from(a))?);
                }
                match (list.has_more, list.items.last()) {
                    (true, Some(last)) => page.after = Some(last.id),
                    _ => break,
                }
            }
        }
        Accounts::Plan { plan, account } => {
            let patch = AccountPatch {
                plan: Some(plan),
                ..Default::default()
            };
            let account = patch_account(account, patch).await?;
            eprintln!("account {} is now on plan {}", account.id, account.plan);
        }
        Accounts::BillingStatus { status, account } => {
            let patch = AccountPatch {
                billing_status: Some(status),
                ..Default::default()
            };
            let account = patch_account(account, patch).await?;
            eprintln!(
                "account {} is now {}",
                account.id,
                account.billing_status.as_str()
            );
        }
        Accounts::Usage { account } => {
            let account_id = account_or_default(account).await?;
            let (account, plan, usage) = accounts::usage(db, plans, account_id)
                .await
                .map_err(app_err)?;
            println!(
                "{}",
                serde_json::to_string_pretty(&UsageOut::new(&account, &plan, &usage))?
            );
        }
    }
    Ok(())
}

/// Deletes expired idempotency records once an hour, so the table holds only the last day's.
async fn sweep_idempotency_keys(db: invoicer_store::Db) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(3600));
    loop {
        every.tick().await;
        match invoicer_app::idempotency::sweep(&db).await {
            Ok(swept) => tracing::debug!(idempotency.swept = swept, "idempotency records swept"),
            Err(e) => tracing::warn!(error = %e, "idempotency sweep failed; next try in an hour"),
        }
    }
}

/// A future resolving on SIGTERM or Ctrl-C; in-flight requests then finish before the server
/// stops. The handlers are installed when this is called, not when the future is first polled.
fn shutdown_signal() -> anyhow::Result<impl std::future::Future<Output = ()> + Send + 'static> {
    #[cfg(unix)]
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    let ctrl_c = tokio::signal::ctrl_c();
    Ok(async move {
        #[cfg(unix)]
        let terminate = terminate.recv();
        #[cfg(not(unix))]
        let terminate = std::future::pending::<Option<()>>();
        tokio::select! {
            _ = ctrl_c => {},
            _ = terminate => {},
        }
        tracing::info!("shutdown signal received; finishing in-flight requests");
    })
}
