//! Who is calling: a presented key turned into a principal, or the precise reason it is not one.

use std::net::IpAddr;

use invoicer_api_types::ErrorCode;
use invoicer_domain::{
    api_key::{PlainKey, Scope},
    tenant::{BillingStatus, Tenant},
};
use invoicer_store::{repo::api_keys, Db};
use uuid::Uuid;

use crate::error::{AppError, AppResult};

/// An authenticated caller. Carries the tenant every operation is scoped to.
#[derive(Debug, Clone)]
pub struct Principal {
    pub tenant: Tenant,
    pub key_id: Uuid,
    pub scopes: Vec<Scope>,
    pub billing_status: BillingStatus,
    /// The name of the account's plan (looked up in the configured plans by the caller).
    pub plan: String,
}

impl Principal {
    pub fn require(&self, scope: Scope) -> AppResult<()> {
        if self.scopes.contains(&scope) {
            Ok(())
        } else {
            Err(AppError::new(
                ErrorCode::InsufficientScope,
                format!(
                    "This operation needs the `{scope}` scope; the key has: {}.",
                    list(&self.scopes)
                ),
            ))
        }
    }

    /// Refuses a request that would change anything while the account is past due; reads stay
    /// open, so a customer can still export its data.
    pub fn require_paid(&self) -> AppResult<()> {
        if self.billing_status == BillingStatus::PastDue {
            return Err(AppError::new(
                ErrorCode::PaymentRequired,
                "The account's subscription is past due: it can still read (GET), but nothing \
                 else until it is settled.",
            ));
        }
        Ok(())
    }
}

fn list(scopes: &[Scope]) -> String {
    scopes
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Checks a presented key: format, existence, revocation, expiry, then the caller's address.
/// Whether the account is paid up is asked of the principal ([`Principal::require_paid`]), for
/// writes only.
pub async fn authenticate(db: &Db, presented: &str, client_ip: IpAddr) -> AppResult<Principal> {
    let key = PlainKey::parse(presented)
        .map_err(|e| AppError::new(ErrorCode::InvalidApiKeyFormat, e.message))?;
    let hash = key.hash();
    let found = api_keys::find_by_hash_cached(db, &hash).await?;
    let (stored, billing, plan) = match found {
        Some(found) if found.hash.matches(&hash) => (found.key, found.billing_status, found.plan),
        _ => {
            return Err(AppError::new(
                ErrorCode::InvalidApiKey,
                "No API key with this secret exists.",
            ))
        }
    };
    if let Some(at) = stored.revoked_at {
        return Err(AppError::new(
            ErrorCode::ApiKeyRevoked,
            format!(
                "The key {}… was revoked at {}.",
                stored.prefix,
                invoicer_api_types::time_fmt::timestamp(at)
            ),
        ));
    }
    if let Some(at) = stored.expires_at {
        if at <= time::OffsetDateTime::now_utc() {
            return Err(AppError::new(
                ErrorCode::ApiKeyExpired,
                format!(
                    "The key {}… expired at {}.",
                    stored.prefix,
                    invoicer_api_types::time_fmt::timestamp(at)
                ),
            ));
        }
    }
    if !ip_allowed(&stored.allowed_ips, client_ip) {
        return Err(AppError::new(
            ErrorCode::IpNotAllowed,
            format!("Requests from {client_ip} are not in this key's allowed_ips."),
        ));
    }
    Ok(Principal {
        tenant: Tenant {
            account_id: stored.account_id,
            environment: stored.environment,
        },
        key_id: stored.id,
        scopes: stored.scopes,
        billing_status: billing,
        plan,
    })
}

fn ip_allowed(allowed: &[String], ip: IpAddr) -> bool {
    // An IPv4 client reached over an IPv6 socket arrives as ::ffff:a.b.c.d.
    let ip = match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    };
    allowed.is_empty()
        || allowed.iter().any(|cidr| {
            cidr.parse::<ipnet::IpNet>()
                .is_ok_and(|net| net.contains(&ip))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowlists_match_by_cidr_including_mapped_ipv4() {
        let list = vec!["10.0.0.0/8".to_owned(), "2001:db8::/32".to_owned()];
        assert!(ip_allowed(&list, "10.1.2.3".parse().unwrap()));
        assert!(ip_allowed(&list, "::ffff:10.1.2.3".parse().unwrap()));
        assert!(ip_allowed(&list, "2001:db8::1".parse().unwrap()));
        assert!(!ip_allowed(&list, "127.0.0.1".parse().unwrap()));
        assert!(ip_allowed(&[], "127.0.0.1".parse().unwrap()));
    }
}
