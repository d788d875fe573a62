//! API keys: create (the secret shown once), list, get, revoke; and the first key of a new
//! installation.

use invoicer_api_types::{api_key::NewApiKey, ErrorCode};
use invoicer_domain::{
    api_key::{ApiKey, Environment, PlainKey, Scope, SECRET_LEN},
    tenant::Tenant,
};
use invoicer_store::{
    page::{Page, PageRequest},
    repo::{accounts, api_keys},
    Conn, Db, Tx,
};
use rand::{distributions::Alphanumeric, Rng};
use uuid::Uuid;

use crate::error::{AppError, AppResult};

fn generate(environment: Environment) -> PlainKey {
    let body: String = rand::rngs::OsRng
        .sample_iter(&Alphanumeric)
        .take(SECRET_LEN)
        .map(char::from)
        .collect();
    // The body is 32 alphanumerics by construction, so the format check cannot fail.
    PlainKey::new(environment, &body)
        .unwrap_or_else(|e| unreachable!("generated key refused: {}", e.message))
}

async fn insert(conn: &mut Conn, tenant: Tenant, new: NewApiKey) -> AppResult<(ApiKey, PlainKey)> {
    let secret = generate(tenant.environment);
    let key = ApiKey {
        id: Uuid::now_v7(),
        account_id: tenant.account_id,
        environment: tenant.environment,
        name: new.name,
        prefix: secret.display_prefix().to_owned(),
        scopes: new.scopes,
        expires_at: new.expires_at,
        allowed_ips: new.allowed_ips,
        revoked_at: None,
        created_at: time::OffsetDateTime::now_utc(),
    };
    api_keys::insert(conn, &key, &secret.hash()).await?;
    Ok((key, secret))
}

/// Creates a key in the caller's tenant. A key can only mint keys of its own environment, so
/// test and live data never cross.
pub async fn create(db: &Db, tenant: Tenant, new: NewApiKey) -> AppResult<(ApiKey, PlainKey)> {
    crate::idempotency::in_transaction(db, Ok(new), async |tx, new| add(tx, tenant, new).await)
        .await
}

/// [`create`] inside a caller's transaction.
pub async fn add(tx: &mut Tx, tenant: Tenant, new: NewApiKey) -> AppResult<(ApiKey, PlainKey)> {
    if let Some(env) = new.environment {
        if env != tenant.environment {
            return Err(AppError::invalid_field(
                "environment",
                "environment_mismatch",
                format!(
                    "A {} key can only create {} keys; use a {env} admin key.",
                    tenant.environment, tenant.environment
                ),
            ));
        }
    }
    insert(tx, tenant, new).await
}

pub async fn list(db: &Db, tenant: Tenant, page: PageRequest) -> AppResult<Page<ApiKey>> {
    Ok(api_keys::list(&mut *db.read().await?, tenant, page).await?)
}

pub async fn get(db: &Db, tenant: Tenant, id: Uuid) -> AppResult<ApiKey> {
    api_keys::get(&mut *db.read().await?, tenant, id)
        .await?
        .ok_or_else(not_found)
}

pub async fn revoke(db: &Db, tenant: Tenant, id: Uuid) -> AppResult<ApiKey> {
    crate::idempotency::in_transaction(db, Ok(id), async |tx, id| revoke_in(tx, tenant, id).await)
        .await
}

/// [`revoke`] inside a caller's transaction.
pub async fn revoke_in(tx: &mut Tx, tenant: Tenant, id: Uuid) -> AppResult<ApiKey> {
    api_keys::revoke(tx, tenant, id, time::OffsetDateTime::now_utc())
        .await?
        .ok_or_else(not_found)
}

fn not_found() -> AppError {
    AppError::new(
        ErrorCode::ApiKeyNotFound,
        "No API key with this id exists in this account and environment.",
    )
}

/// On an empty database: creates the default account and its first test key (every scope).
/// Returns the key, to be shown once; `None` when the database already has an account.
pub async fn bootstrap(db: &Db) -> AppResult<Option<PlainKey>> {
    let mut tx = db.begin().await?;
    if accounts::count(&mut tx).await? > 0 {
        return Ok(None);
    }
    let account_id = Uuid::now_v7();
    accounts::insert(
        &mut tx,
        account_id,
        "Default account",
        time::OffsetDateTime::now_utc(),
    )
    .await?;
    let tenant = Tenant {
        account_id,
        environment: Environment::Test,
    };
    let (_, secret) = insert(&mut tx, tenant, everything("Bootstrap key")).await?;
    tx.commit().await?;
    Ok(Some(secret))
}

/// A key request with every scope and no restriction.
pub fn everything(name: &str) -> NewApiKey {
    NewApiKey {
        name: name.to_owned(),
        environment: None,
        scopes: Scope::ALL.to_vec(),
        expires_at: None,
        allowed_ips: Vec::new(),
    }
}
