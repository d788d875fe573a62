//! API keys on the wire.

use invoicer_domain::{
    api_key::{ApiKey, Environment, Scope},
    validation::{self, Violations},
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::time_fmt::{parse_timestamp, timestamp};

/// Create a key. The secret is in the response, once.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiKeyIn {
    #[schema(example = "billing backend")]
    pub name: Option<String>,
    /// `test` or `live`; default: the environment of the calling key.
    pub environment: Option<String>,
    /// Any of `read`, `write`, `admin`; default `["read", "write"]`.
    pub scopes: Option<Vec<String>>,
    /// RFC 3339; none means the key never expires.
    pub expires_at: Option<String>,
    /// CIDR blocks the key may be used from, e.g. `["203.0.113.0/24"]`; empty means anywhere.
    pub allowed_ips: Option<Vec<String>>,
}

/// A validated key request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewApiKey {
    pub name: String,
    pub environment: Option<Environment>,
    pub scopes: Vec<Scope>,
    pub expires_at: Option<time::OffsetDateTime>,
    pub allowed_ips: Vec<String>,
}

impl ApiKeyIn {
    pub fn parse(&self) -> Result<NewApiKey, Violations> {
        let mut v = Violations::new();
        let name = match &self.name {
            Some(n) => v.check("name", validation::text(n, 100)),
            None => Some("API key".to_owned()),
        };
        let environment = self
            .environment
            .as_deref()
            .and_then(|e| v.check("environment", e.parse::<Environment>()));
        let mut scopes: Vec<Scope> = match &self.scopes {
            None => vec![Scope::Read, Scope::Write],
            Some(list) => list
                .iter()
                .enumerate()
                .filter_map(|(i, s)| v.check(format!("scopes[{i}]"), s.parse::<Scope>()))
                .collect(),
        };
        if self.scopes.as_ref().is_some_and(Vec::is_empty) {
            v.push("scopes", "required", "Give at least one scope.");
        }
        scopes.sort();
        scopes.dedup();
        let expires_at = self
            .expires_at
            .as_deref()
            .and_then(|t| v.check("expires_at", parse_timestamp(t)));
        let allowed_ips: Vec<String> = self
            .allowed_ips
            .iter()
            .flatten()
            .enumerate()
            .filter_map(|(i, cidr)| v.check(format!("allowed_ips[{i}]"), parse_cidr(cidr)))
            .collect();
        match name {
            Some(name) if v.is_empty() => Ok(NewApiKey {
                name,
                environment,
                scopes,
                expires_at,
                allowed_ips,
            }),
            _ => Err(v),
        }
    }
}

/// A CIDR block (`203.0.113.0/24`, `2001:db8::/32`) or a single address, normalised.
pub fn parse_cidr(text: &str) -> Result<String, validation::Invalid> {
    let invalid = || {
        validation::Invalid::new(
            "invalid_cidr",
            format!("`{text}` is not an IP address or CIDR block."),
        )
    };
    let (addr, len) = match text.split_once('/') {
        Some((a, l)) => (a, Some(l.parse::<u8>().map_err(|_| invalid())?)),
        None => (text, None),
    };
    let addr: std::net::IpAddr = addr.parse().map_err(|_| invalid())?;
    let max = if addr.is_ipv4() { 32 } else { 128 };
    let len = len.unwrap_or(max);
    if len > max {
        return Err(invalid());
    }
    Ok(format!("{addr}/{len}"))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ApiKeyOut {
    pub id: Uuid,
    pub object: String,
    pub name: String,
    pub environment: String,
    /// The first characters of the key, to recognise it.
    pub prefix: String,
    pub scopes: Vec<String>,
    pub expires_at: Option<String>,
    pub allowed_ips: Vec<String>,
    pub revoked_at: Option<String>,
    pub created_at: String,
    /// Present only in the response that created the key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}

impl From<&ApiKey> for ApiKeyOut {
    fn from(k: &ApiKey) -> Self {
        Self {
            id: k.id,
            object: "api_key".into(),
            name: k.name.clone(),
            environment: k.environment.as_str().to_owned(),
            prefix: k.prefix.clone(),
            scopes: k.scopes.iter().map(|s| s.as_str().to_owned()).collect(),
            expires_at: k.expires_at.map(timestamp),
            allowed_ips: k.allowed_ips.clone(),
            revoked_at: k.revoked_at.map(timestamp),
            created_at: timestamp(k.created_at),
            secret: None,
        }
    }
}
