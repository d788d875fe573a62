//! Safe retries: a write sent with an `Idempotency-Key` runs once. Its first response is
//! recorded in the same transaction as its work, so a crash keeps both or neither, and every
//! repeat with the same request gets that response back; the same key with another request, or
//! while the first still runs, is refused. A 5xx records nothing, so its retry runs again.
//!
//! On SQLite a repeat reads the record inside its own write turn and is answered only after that
//! turn's group commit, so it never acknowledges a first response that is not yet durable.

use invoicer_api_types::ErrorCode;
use invoicer_domain::tenant::Tenant;
use invoicer_store::{
    repo::{
        idempotency::{self as repo, Recorded, Scope},
        invoices::KeyedRecord,
    },
    Db, Tx,
};
use sha2::{Digest, Sha256};

use crate::{
    error::{AppError, AppResult},
    invoices::now,
};

/// How long a first response is replayed.
pub const RETENTION: time::Duration = time::Duration::hours(24);

/// Seconds a client should wait before repeating a request whose first is still running.
pub const IN_USE_RETRY_AFTER_SECS: u64 = 1;

/// The key a request carries and what it is a key for.
#[derive(Debug, Clone)]
pub struct Keyed<'a> {
    pub key: &'a str,
    /// The route template, e.g. `POST /v1/invoices/{id}/issue`: keys are scoped to it.
    pub route: &'a str,
    /// SHA-256 (hex) of the method, the concrete path and query, and the canonical body.
    pub fingerprint: String,
}

/// A response as sent: what is recorded and replayed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub content_type: String,
    pub body: String,
}

/// A result rendered: the response sent now, and the one kept for repeats where that must
/// differ (it may leave out what must never rest in the database, such as a new key's secret).
/// Most writes keep what they send, and are rendered once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub sent: Response,
    pub kept: Option<Response>,
}

impl Rendered {
    /// The response to send, and the record to keep for repeats.
    fn split(self, fingerprint: &str) -> (Response, Recorded) {
        let kept = self.kept.unwrap_or_else(|| self.sent.clone());
        (self.sent, recorded(kept, fingerprint))
    }
}

#[derive(Debug)]
pub enum Outcome<T> {
    /// No key was given: the operation's own result.
    Unkeyed(AppResult<T>),
    /// The first response to this key, recorded.
    First(Response),
    /// A repeat: the response recorded first.
    Replayed(Response),
    /// Refused without running: key reused for another request, key in use, or a failure of
    /// ours (nothing recorded).
    Refused(AppError),
}

/// The fingerprint of a request: method, path with query, and its body in canonical form.
pub fn fingerprint(method: &str, path_and_query: &str, canonical_body: &[u8]) -> String {
    let mut hash = Sha256::new();
    for part in [method.as_bytes(), path_and_query.as_bytes(), canonical_body] {
        hash.update((part.len() as u64).to_be_bytes());
        hash.update(part);
    }
    hex::encode(hash.finalize())
}

/// A key's advisory lock id on PostgreSQL: the first 8 bytes of a hash of its scope.
pub fn lock_id(scope: &Scope<'_>) -> i64 {
    let mut hash = Sha256::new();
    for part in [
        scope.tenant.account_id.as_bytes().as_slice(),
        scope.tenant.environment.as_str().as_bytes(),
        scope.route.as_bytes(),
        scope.key.as_bytes(),
    ] {
        hash.update((part.len() as u64).to_be_bytes());
        hash.update(part);
    }
    let digest = hash.finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    i64::from_be_bytes(first)
}

fn in_use() -> AppError {
    let mut err = AppError::new(
        ErrorCode::IdempotencyKeyInUse,
        "A request with this Idempotency-Key is still running; repeat it once that one has answered.",
    );
    if let AppError::Client { extensions, .. } = &mut err {
        extensions.insert("retry_after".into(), IN_USE_RETRY_AFTER_SECS.into());
    }
    err
}

fn reused() -> AppError {
    AppError::new(
        ErrorCode::IdempotencyKeyReuseMismatch,
        "This Idempotency-Key was first used with another request (method, path or body); use a \
         new key for a new request.",
    )
}

fn recorded(r: Response, fingerprint: &str) -> Recorded {
    Recorded {
        fingerprint: fingerprint.to_owned(),
        status: r.status,
        content_type: r.content_type,
        body: r.body,
    }
}

fn replay(r: Recorded) -> Response {
    Response {
        status: r.status,
        content_type: r.content_type,
        body: r.body,
    }
}

/// Runs one write. `prepared` is the request already parsed (outside the transaction, so
/// parsing never holds SQLite's writer); `exec` does the work in the transaction; `render`
/// turns a result into the response the client gets. Without a key this is simply the
/// operation in one transaction.
pub async fn run<P, T>(
    db: &Db,
    tenant: Tenant,
    keyed: Option<Keyed<'_>>,
    prepared: AppResult<P>,
    exec: impl AsyncFnOnce(&mut Tx, P) -> AppResult<T>,
    render: impl Fn(&AppResult<T>) -> Rendered,
) -> Outcome<T> {
    let Some(keyed) = keyed else {
        return Outcome::Unkeyed(in_transaction(db, prepared, exec).await);
    };
    let scope = Scope {
        tenant,
        route: keyed.route,
        key: keyed.key,
    };
    match keyed_run(db, &scope, &keyed.fingerprint, prepared, exec, &render).await {
        Ok(outcome) => outcome,
        Err(e) => Outcome::Refused(e),
    }
}

/// Runs a write as [`run`] does, but first tries it at once: when `value` can make the write's
/// result from the request alone, `store` writes it with the key's record in one step (on
/// PostgreSQL one autocommitted statement, one round trip instead of a transaction's five or
/// more; on SQLite the whole turn in one call to the writer instead of three). When `store`
/// writes nothing (a party missing or archived, the key held or already used), the write takes
/// the way of [`run`], which finds out why and answers for it.
#[expect(
    clippy::too_many_arguments,
    reason = "run's arguments and the two halves of the shortcut"
)]
pub async fn run_at_once<P, T>(
    db: &Db,
    tenant: Tenant,
    keyed: Option<Keyed<'_>>,
    prepared: AppResult<P>,
    value: impl FnOnce(&P) -> Option<T>,
    store: impl AsyncFnOnce(&Db, &T, Option<KeyedRecord<'_>>) -> AppResult<bool>,
    exec: impl AsyncFnOnce(&mut Tx, P) -> AppResult<T>,
    render: impl Fn(&AppResult<T>) -> Rendered,
) -> Outcome<T> {
    let done = match &prepared {
        Ok(p) => value(p),
        _ => None,
    };
    if let Some(done) = done {
        let Some(keyed) = &keyed else {
            match store(db, &done, None).await {
                Ok(false) => {}
                Ok(true) => return Outcome::Unkeyed(Ok(done)),
                Err(e) => return Outcome::Unkeyed(Err(e)),
            }
            return run(db, tenant, None, prepared, exec, render).await;
        };
        let result = Ok(done);
        let (sent, kept) = render(&result).split(&keyed.fingerprint);
        let scope = Scope {
            tenant,
            route: keyed.route,
            key: keyed.key,
        };
        let at = now();
        let record = KeyedRecord {
            scope,
            lock_id: lock_id(&scope),
            record: &kept,
            now: at,
            expires_at: at + RETENTION,
        };
        if let Ok(value) = &result {
            match store(db, value, Some(record)).await {
                Ok(false) => {}
                Ok(true) => return Outcome::First(sent),
                Err(e) => return Outcome::Refused(e),
            }
        }
    }
    run(db, tenant, keyed, prepared, exec, render).await
}

/// Runs a prepared write in one transaction: what every write does without a key, and what the
/// CLI and tests call.
pub async fn in_transaction<P, T>(
    db: &Db,
    prepared: AppResult<P>,
    exec: impl AsyncFnOnce(&mut Tx, P) -> AppResult<T>,
) -> AppResult<T> {
    let prepared = prepared?;
    let mut tx = db.begin().await?;
    let done = exec(&mut tx, prepared).await?;
    tx.commit().await?;
    Ok(done)
}

/// Opens a transaction holding the key, and the record already there, if any.
async fn claim(db: &Db, scope: &Scope<'_>) -> AppResult<(Tx, Option<Recorded>)> {
    let mut tx = db.begin().await?;
    if !repo::try_lock(&mut tx, lock_id(scope)).await? {
        return Err(in_use());
    }
    let existing = repo::get(&mut tx, *scope, now()).await?;
    Ok((tx, existing))
}

async fn keyed_run<P, T>(
    db: &Db,
    scope: &Scope<'_>,
    fingerprint: &str,
    prepared: AppResult<P>,
    exec: impl AsyncFnOnce(&mut Tx, P) -> AppResult<T>,
    render: &impl Fn(&AppResult<T>) -> Rendered,
) -> AppResult<Outcome<T>> {
    let (mut tx, existing) = claim(db, scope).await?;
    if let Some(first) = existing {
        if first.fingerprint != fingerprint {
            // Released now, not when the connection is next used: a repeat must not find the
            // key held by a transaction that has nothing left to do.
            tx.rollback().await?;
            return Err(reused());
        }
        // Committing the (empty) turn is what waits for the first response's durability.
        tx.commit().await?;
        return Ok(Outcome::Replayed(replay(first)));
    }
    let result = match prepared {
        Ok(p) => exec(&mut tx, p).await,
        Err(e) => Err(e),
    };
    let result = match result {
        Err(e) if !is_recorded(&e) => {
            // The rollback may itself fail on a lost database; the failure to report is `e`.
            let _ = tx.rollback().await;
            return Ok(Outcome::Refused(e));
        }
        result => result,
    };
    let (sent, kept) = render(&result).split(fingerprint);
    if result.is_err() {
        // A refusal is recorded too, but without whatever the operation wrote before it
        // refused (a document number drawn for an issue that then failed): that rolls back,
        // and the record is written alone.
        tx.rollback().await?;
        let (again, existing) = claim(db, scope).await?;
        tx = again;
        if let Some(first) = existing {
            // A repeat ran in between and recorded its answer first: that one stands.
            tx.commit().await?;
            return Ok(if first.fingerprint == fingerprint {
                Outcome::Replayed(replay(first))
            } else {
                Outcome::Refused(reused())
            });
        }
    }
    let at = now();
    repo::put(&mut tx, *scope, &kept, at, at + RETENTION).await?;
    tx.commit().await?;
    Ok(Outcome::First(sent))
}

/// Whether a refusal is recorded and replayed. A failure of ours is not: the retry runs again.
/// Nor is a 429: it says "not now" (a quota, a plan's cap), and a retry once that has changed
/// must run.
fn is_recorded(e: &AppError) -> bool {
    matches!(e, AppError::Client { .. }) && e.code().status() != 429
}

/// Deletes the records past their retention; returns how many.
pub async fn sweep(db: &Db) -> AppResult<u64> {
    let mut tx = db.begin().await?;
    let swept = repo::sweep(&mut tx, now()).await?;
    tx.commit().await?;
    Ok(swept)
}
