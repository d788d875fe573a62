//! The operator's token for `/admin/v1`: set in configuration, never an API key, kept only as its
//! SHA-256, compared in constant time, and never printed.

use std::fmt;

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::validation::Invalid;

/// The shortest token accepted: 32 characters.
pub const MIN_LEN: usize = 32;

#[derive(Clone)]
pub struct AdminToken([u8; 32]);

impl AdminToken {
    /// At least [`MIN_LEN`] visible ASCII characters (it travels in a header), and not an API key.
    pub fn new(text: &str) -> Result<Self, Invalid> {
        if text.len() < MIN_LEN || !text.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(Invalid::new(
                "weak_admin_token",
                format!(
                    "must be at least {MIN_LEN} visible ASCII characters without spaces (it has \
                     {}), e.g. the output of `openssl rand -hex 32`",
                    text.chars().count()
                ),
            ));
        }
        if text.starts_with("inv_test_") || text.starts_with("inv_live_") {
            return Err(Invalid::new(
                "admin_token_is_api_key",
                "must not be an API key: the operator's token is a secret of its own",
            ));
        }
        Ok(Self(Sha256::digest(text.as_bytes()).into()))
    }

    /// Whether `presented` is the token. Comparing digests takes the same time whatever the
    /// guess and however long it is.
    pub fn matches(&self, presented: &str) -> bool {
        let digest: [u8; 32] = Sha256::digest(presented.as_bytes()).into();
        self.0.ct_eq(&digest).into()
    }
}

impl fmt::Debug for AdminToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AdminToken(…)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "0123456789abcdef0123456789abcdef";

    #[test]
    fn a_token_matches_itself_only_and_never_prints() {
        let token = AdminToken::new(TOKEN).unwrap();
        assert!(token.matches(TOKEN));
        assert!(!token.matches(&TOKEN[1..]));
        assert!(!token.matches(""));
        assert_eq!(format!("{token:?}"), "AdminToken(…)");
    }

    #[test]
    fn short_spaced_and_api_key_tokens_are_refused() {
        assert_eq!(
            AdminToken::new(&TOKEN[1..]).unwrap_err().code,
            "weak_admin_token"
        );
        assert_eq!(
            AdminToken::new(&format!("{TOKEN} x")).unwrap_err().code,
            "weak_admin_token"
        );
        assert_eq!(
            AdminToken::new(&format!("inv_live_{TOKEN}"))
                .unwrap_err()
                .code,
            "admin_token_is_api_key"
        );
    }
}
