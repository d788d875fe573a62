//! API key format, environments, scopes, and the hash keys are stored as.
//!
//! A key is `inv_{test|live}_` followed by 32 ASCII letters and digits (about 190 bits). Keys are
//! random, so SHA-256 is enough at rest; no slow KDF is needed.

use std::fmt;

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::validation::Invalid;

pub const SECRET_LEN: usize = 32;
/// How many leading characters of a key are kept in clear to recognise it in lists.
pub const DISPLAY_PREFIX_LEN: usize = 13;

crate::text_enum! {
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub enum Environment("environment") {
        Test = "test",
        Live = "live",
    }
}

crate::text_enum! {
    #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
    pub enum Scope("scope") {
        Read = "read",
        Write = "write",
        Admin = "admin",
    }
}

/// A key in clear. Exists only between generation and the one response that shows it, and
/// between reading a request header and hashing it. Its `Debug` never prints the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct PlainKey(String);

impl PlainKey {
    /// Builds a key from a random body of letters and digits (the caller owns randomness).
    pub fn new(environment: Environment, random_body: &str) -> Result<Self, Invalid> {
        Self::parse(&format!("inv_{}_{random_body}", environment.as_str()))
    }

    /// Checks the format only; whether the key exists is the store's question.
    pub fn parse(text: &str) -> Result<Self, Invalid> {
        let format_error = || {
            Invalid::new(
                "invalid_api_key_format",
                "API keys look like inv_test_… or inv_live_… followed by 32 letters and digits.",
            )
        };
        let body = text
            .strip_prefix("inv_test_")
            .or_else(|| text.strip_prefix("inv_live_"))
            .ok_or_else(format_error)?;
        if body.len() != SECRET_LEN || !body.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(format_error());
        }
        Ok(Self(text.to_owned()))
    }

    pub fn environment(&self) -> Environment {
        if self.0.starts_with("inv_live_") {
            Environment::Live
        } else {
            Environment::Test
        }
    }

    pub fn hash(&self) -> KeyHash {
        KeyHash(Sha256::digest(self.0.as_bytes()).into())
    }

    pub fn display_prefix(&self) -> &str {
        &self.0[..DISPLAY_PREFIX_LEN]
    }

    /// The secret itself, for the one response that shows it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for PlainKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PlainKey({}…)", self.display_prefix())
    }
}

/// SHA-256 of a key: what the store keeps.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct KeyHash([u8; 32]);

impl KeyHash {
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    pub fn from_hex(text: &str) -> Option<Self> {
        let mut out = [0u8; 32];
        hex::decode_to_slice(text, &mut out).ok()?;
        Some(Self(out))
    }

    /// Constant-time comparison, so response timing says nothing about how much of a guess
    /// matched.
    pub fn matches(&self, other: &KeyHash) -> bool {
        self.0.ct_eq(&other.0).into()
    }
}

impl fmt::Debug for KeyHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("KeyHash(…)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &str = "abcdefghijklmnopqrstuvwxyz012345";

    #[test]
    fn keys_parse_only_in_their_documented_format() {
        assert!(PlainKey::parse(&format!("inv_test_{BODY}")).is_ok());
        assert_eq!(
            PlainKey::parse(&format!("inv_live_{BODY}"))
                .unwrap()
                .environment(),
            Environment::Live
        );
        for bad in [
            "",
            "inv_test_",
            "sk_test_abc",
            &format!("inv_prod_{BODY}"),
            &format!("inv_test_{BODY}x"),
        ] {
            assert_eq!(
                PlainKey::parse(bad).unwrap_err().code,
                "invalid_api_key_format",
                "{bad}"
            );
        }
    }

    #[test]
    fn debug_output_never_contains_the_secret() {
        let key = PlainKey::new(Environment::Test, BODY).unwrap();
        assert!(!format!("{key:?}").contains(BODY));
        assert!(!format!("{:?}", key.hash()).contains(&key.hash().to_hex()));
    }

    #[test]
    fn hashes_round_trip_through_hex_and_compare() {
        let h = PlainKey::new(Environment::Test, BODY).unwrap().hash();
        assert!(KeyHash::from_hex(&h.to_hex()).unwrap().matches(&h));
        let other = PlainKey::new(Environment::Live, BODY).unwrap().hash();
        assert!(!h.matches(&other));
    }
}

/// A stored key: everything but the secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKey {
    pub id: uuid::Uuid,
    pub account_id: uuid::Uuid,
    pub environment: Environment,
    pub name: String,
    pub prefix: String,
    pub scopes: Vec<Scope>,
    pub expires_at: Option<time::OffsetDateTime>,
    /// CIDR blocks; empty means any address.
    pub allowed_ips: Vec<String>,
    pub revoked_at: Option<time::OffsetDateTime>,
    pub created_at: time::OffsetDateTime,
}
