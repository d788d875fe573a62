use invoicer_domain::{
    api_key::{ApiKey, KeyHash, Scope},
    tenant::{BillingStatus, Tenant},
};
use sqlx::any::AnyRow;
use uuid::Uuid;

use crate::{
    codec,
    page::{Page, PageRequest},
    Conn, Db, StoreError, Tx,
};

const COLUMNS: &str =
    "id, account_id, environment, name, prefix, key_hash, scopes, expires_at, allowed_ips, revoked_at, created_at";

fn from_row(row: &AnyRow) -> Result<ApiKey, StoreError> {
    let scopes: Vec<String> = codec::get_json(row, "scopes")?;
    Ok(ApiKey {
        id: codec::get_uuid(row, "id")?,
        account_id: codec::get_uuid(row, "account_id")?,
        environment: codec::parse_enum("environment", &codec::get_str(row, "environment")?)?,
        name: codec::get_str(row, "name")?,
        prefix: codec::get_str(row, "prefix")?,
        scopes: scopes
            .iter()
            .map(|s| codec::parse_enum::<Scope>("scopes", s))
            .collect::<Result<_, _>>()?,
        expires_at: codec::get_opt_ts(row, "expires_at")?,
        allowed_ips: codec::get_json(row, "allowed_ips")?,
        revoked_at: codec::get_opt_ts(row, "revoked_at")?,
        created_at: codec::get_ts(row, "created_at")?,
    })
}

pub async fn insert(conn: &mut Conn, key: &ApiKey, hash: &KeyHash) -> Result<(), StoreError> {
    let scopes: Vec<&str> = key.scopes.iter().map(|s| s.as_str()).collect();
    sqlx::query(&format!(
        "INSERT INTO api_keys ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
    ))
    .bind(key.id.to_string())
    .bind(key.account_id.to_string())
    .bind(key.environment.as_str())
    .bind(&key.name)
    .bind(&key.prefix)
    .bind(hash.to_hex())
    .bind(serde_json::to_string(&scopes)?)
    .bind(key.expires_at.map(codec::ts))
    .bind(serde_json::to_string(&key.allowed_ips)?)
    .bind(key.revoked_at.map(codec::ts))
    .bind(codec::ts(key.created_at))
    .execute(conn)
    .await?;
    Ok(())
}

/// A key found by the hash of its secret, with what the request needs of its account.
#[derive(Debug, Clone)]
pub struct Found {
    pub key: ApiKey,
    /// The stored hash, for the constant-time comparison.
    pub hash: KeyHash,
    pub billing_status: BillingStatus,
    /// The name of the account's plan.
    pub plan: String,
}

/// A key by the hash of its secret, with its account's billing status and plan, in one query.
/// Not tenant-scoped: this is how the tenant is found.
pub async fn find_by_hash(conn: &mut Conn, hash: &KeyHash) -> Result<Option<Found>, StoreError> {
    let row = sqlx::query(
        "SELECT k.id, k.account_id, k.environment, k.name, k.prefix, k.key_hash, k.scopes, k.expires_at, \
         k.allowed_ips, k.revoked_at, k.created_at, a.billing_status, a.plan \
         FROM api_keys k JOIN accounts a ON a.id = k.account_id WHERE k.key_hash = $1",
    )
    .bind(hash.to_hex())
    .fetch_optional(conn)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let stored = KeyHash::from_hex(&codec::get_str(&row, "key_hash")?)
        .ok_or_else(|| StoreError::Corrupt("api_keys.key_hash is not hex".into()))?;
    Ok(Some(Found {
        key: from_row(&row)?,
        hash: stored,
        billing_status: codec::parse_enum(
            "billing_status",
            &codec::get_str(&row, "billing_status")?,
        )?,
        plan: codec::get_str(&row, "plan")?,
    }))
}

/// [`find_by_hash`] through the database's key cache (`key_cache.rs`): a key found less than a
/// second ago is not read again.
pub async fn find_by_hash_cached(db: &Db, hash: &KeyHash) -> Result<Option<Found>, StoreError> {
    let cache = db.key_cache();
    let hex = hash.to_hex();
    if let Some(found) = cache.get(&hex) {
        return Ok(Some(found));
    }
    let (generation, started) = (cache.generation(), std::time::Instant::now());
    let found = find_by_hash(&mut *db.read().await?, hash).await?;
    if let Some(found) = &found {
        cache.put(generation, hex, found.clone(), started);
    }
    Ok(found)
}

pub async fn get(conn: &mut Conn, tenant: Tenant, id: Uuid) -> Result<Option<ApiKey>, StoreError> {
    super::scoped::get(conn, "api_keys", COLUMNS, tenant, id, from_row).await
}

pub async fn list(
    conn: &mut Conn,
    tenant: Tenant,
    page: PageRequest,
) -> Result<Page<ApiKey>, StoreError> {
    super::scoped::list(conn, "api_keys", COLUMNS, tenant, page, from_row).await
}

/// Revokes a key; revoking twice keeps the first time. `None` when there is no such key.
pub async fn revoke(
    tx: &mut Tx,
    tenant: Tenant,
    id: Uuid,
    now: time::OffsetDateTime,
) -> Result<Option<ApiKey>, StoreError> {
    sqlx::query(
        "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $1) WHERE account_id = $2 AND environment = $3 AND id = $4",
    )
    .bind(codec::ts(now))
    .bind(tenant.account_id.to_string())
    .bind(tenant.environment.as_str())
    .bind(id.to_string())
    .execute(&mut **tx)
    .await?;
    tx.keys_change();
    get(tx, tenant, id).await
}

/// How many of an account's keys, in both environments, still work at `now`: neither revoked
/// nor expired.
pub async fn count_usable(
    conn: &mut Conn,
    account_id: Uuid,
    now: time::OffsetDateTime,
) -> Result<u64, StoreError> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM api_keys WHERE account_id = $1 AND revoked_at IS NULL \
         AND (expires_at IS NULL OR expires_at > $2)",
    )
    .bind(account_id.to_string())
    .bind(codec::ts(now))
    .fetch_one(conn)
    .await?;
    Ok(u64::try_from(codec::get_i64(&row, "n")?).unwrap_or_default())
}
