//! Configuration: one typed struct per command, each field a flag, an `INVOICER_*` variable and a
//! default, checked at start with errors that name the variable.

use std::{fmt, net::SocketAddr, path::PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};
use invoicer_domain::{admin_token::AdminToken, plan::Plans};

#[derive(Debug, Parser)]
#[command(
    name = "invoicer",
    version,
    about = "Self-hostable invoicing API server"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct Global {
    /// `sqlite://FILE` (created if missing) or `postgres://USER@HOST/DB`. A bare path means SQLite.
    #[arg(
        long,
        env = "INVOICER_DATABASE_URL",
        default_value = "sqlite://invoicer.db",
        global = true
    )]
    pub database_url: String,
    /// Log lines as human-readable text or as JSON objects.
    #[arg(long, env = "INVOICER_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    pub log_format: LogFormat,
    /// A TOML file of plans (the shape of the built-in `crates/invoicer-domain/plans.toml`).
    /// Default: the built-in plans.
    #[arg(long, env = "INVOICER_PLANS", global = true)]
    pub plans: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Migrate the database and serve the API.
    Serve(Serve),
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage API keys without the API (bootstrap and recovery).
    #[command(subcommand)]
    Keys(Keys),
    /// Operator side: create accounts and set their billing status.
    #[command(subcommand)]
    Accounts(Accounts),
    /// Check UBL 2.1 invoices and credit notes against EN 16931 and Peppol BIS Billing 3.0.
    /// Exit status 1 when any file has a fatal finding, 2 when a file cannot be read.
    Validate {
        /// The files to check.
        #[arg(required = true)]
        files: Vec<std::path::PathBuf>,
        /// A readable report, or one JSON object per line per file.
        #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
        format: ReportFormat,
    },
    /// Write an issued invoice or credit note, in the JSON the API returns for it
    /// (`GET /v1/invoices/{id}`), as its UBL 2.1 e-invoice on stdout. Exit status 1 when the
    /// result breaks a fatal rule (nothing is written), 2 when the file cannot be read or is not
    /// such a document.
    Render {
        /// The JSON file; `-` reads stdin.
        file: std::path::PathBuf,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct Serve {
    /// Address to listen on.
    #[arg(long, env = "INVOICER_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// The URL clients reach this server at; problem `type` URIs start with it.
    /// Default: `http://` and the listen address.
    #[arg(long, env = "INVOICER_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// The operator's token for the `/admin/v1` API, at least 32 characters; prefer the
    /// variable to the flag. Default: none, and then the admin API does not exist.
    #[arg(long, env = "INVOICER_ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: Option<Secret>,
    /// `redis://HOST:PORT/DB`: the instances share their keys' request-rate budgets through this
    /// Redis instead of the database. Default: none (in memory on SQLite, the database on
    /// PostgreSQL).
    #[arg(long, env = "INVOICER_REDIS_URL", hide_env_values = true)]
    pub redis_url: Option<Secret>,
}

/// A secret from the command line or the environment. Taking it never fails, so no parse error
/// can echo it, and its `Debug` never prints it.
#[derive(Clone)]
pub struct Secret(String);

impl std::str::FromStr for Secret {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self(s.to_owned()))
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(…)")
    }
}

#[derive(Debug, Subcommand)]
pub enum Keys {
    /// Create a key and print its secret once.
    Create {
        #[arg(long, default_value = "CLI key")]
        name: String,
        /// test or live.
        #[arg(long, default_value = "test")]
        environment: String,
        /// Comma-separated: read, write, admin.
        #[arg(long, default_value = "read,write,admin", value_delimiter = ',')]
        scopes: Vec<String>,
        /// The account; default: the first one.
        #[arg(long)]
        account: Option<uuid::Uuid>,
    },
    /// List the keys of an account and environment.
    List {
        #[arg(long, default_value = "test")]
        environment: String,
        #[arg(long)]
        account: Option<uuid::Uuid>,
    },
    /// Revoke a key by id.
    Revoke {
        id: uuid::Uuid,
        #[arg(long, default_value = "test")]
        environment: String,
        #[arg(long)]
        account: Option<uuid::Uuid>,
    },
}

#[derive(Debug, Subcommand)]
pub enum Accounts {
    /// Create an account and print its id; give it keys with `keys create --account ID`.
    Create {
        #[arg(long)]
        name: String,
        /// One of the configured plans; default `basic`.
        #[arg(long)]
        plan: Option<String>,
    },
    /// List the accounts, one JSON object per line.
    List,
    /// Put an account on another of the configured plans.
    Plan {
        plan: String,
        /// The account; default: the first one.
        #[arg(long)]
        account: Option<uuid::Uuid>,
    },
    /// Set an account's billing status: a `past_due` account can still read (GET), and every
    /// other request answers `payment_required` until it is `active` again.
    BillingStatus {
        /// active or past_due.
        status: String,
        /// The account; default: the first one.
        #[arg(long)]
        account: Option<uuid::Uuid>,
    },
    /// Print an account's usage against its plan, as JSON.
    Usage {
        /// The account; default: the first one.
        #[arg(long)]
        account: Option<uuid::Uuid>,
    },
}

impl Global {
    /// The configured plans: those of the file `INVOICER_PLANS` names, or the built-in ones.
    pub fn plans(&self) -> anyhow::Result<Plans> {
        let Some(path) = &self.plans else {
            return Ok(Plans::built_in());
        };
        let text = std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("INVOICER_PLANS: cannot read {}: {e}", path.display()))?;
        Plans::parse(&text).map_err(|e| anyhow::anyhow!("INVOICER_PLANS: {}: {e}", path.display()))
    }
}

/// Normalises the database URL: a bare path is a SQLite file, and SQLite files are created when
/// missing.
pub fn database_url(raw: &str) -> anyhow::Result<String> {
    let url = if raw.contains("://") || raw.starts_with("sqlite:") {
        raw.to_owned()
    } else {
        format!("sqlite://{raw}")
    };
    if url.starts_with("sqlite:") {
        if url.contains(":memory:") {
            anyhow::bail!(
                "INVOICER_DATABASE_URL: an in-memory SQLite database is not supported; give a file"
            );
        }
        return Ok(if url.contains("mode=") {
            url
        } else if url.contains('?') {
            format!("{url}&mode=rwc")
        } else {
            format!("{url}?mode=rwc")
        });
    }
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok(url);
    }
    anyhow::bail!("INVOICER_DATABASE_URL: `{raw}` is neither sqlite://FILE nor postgres://…")
}

impl Serve {
    pub fn public_url(&self) -> anyhow::Result<String> {
        let url = self
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.listen));
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            anyhow::bail!("INVOICER_PUBLIC_URL: `{url}` must start with http:// or https://");
        }
        Ok(url.trim_end_matches('/').to_owned())
    }

    /// The admin token, checked; the message names the variable and never shows the value.
    /// The Redis URL, if one is set.
    pub fn redis_url(&self) -> Option<&str> {
        self.redis_url.as_ref().map(|secret| secret.0.as_str())
    }

    pub fn admin_token(&self) -> anyhow::Result<Option<AdminToken>> {
        self.admin_token
            .as_ref()
            .map(|secret| {
                AdminToken::new(&secret.0)
                    .map_err(|e| anyhow::anyhow!("INVOICER_ADMIN_TOKEN: {}", e.message))
            })
            .transpose()
    }
}
