//! Partner tokens: 32 random bytes shown once, stored as SHA-256, compared in constant time.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Every partner token starts with this, so that a leaked one is recognisable in a secret scanner.
pub const TOKEN_PREFIX: &str = "cbp_";

/// A freshly made token: the text goes to the operator once; only the hash and hint are stored.
pub struct IssuedToken {
    pub token: String,
    pub sha256: String,
    pub hint: String,
}

pub fn issue_partner_token() -> IssuedToken {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = format!("{TOKEN_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes));
    let sha256 = token_sha256(&token);
    let hint = token.chars().take(TOKEN_PREFIX.len() + 4).collect();
    IssuedToken {
        token,
        sha256,
        hint,
    }
}

/// The stored form of a token: lowercase hex SHA-256. A token has 256 bits of entropy, so a fast hash is enough
/// (no password stretching is needed to resist guessing).
pub fn token_sha256(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Equal in constant time: the lookup finds the row by hash, and this confirms it without a timing signal.
pub fn constant_time_equal(left: &str, right: &str) -> bool {
    left.len() == right.len() && bool::from(left.as_bytes().ct_eq(right.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_prefixed_and_hash_to_their_stored_form() {
        let first = issue_partner_token();
        let second = issue_partner_token();
        assert_ne!(first.token, second.token);
        assert!(first.token.starts_with(TOKEN_PREFIX));
        assert_eq!(first.token.len(), TOKEN_PREFIX.len() + 43);
        assert_eq!(token_sha256(&first.token), first.sha256);
        assert!(first.token.starts_with(&first.hint));
        assert!(constant_time_equal(
            &first.sha256,
            &token_sha256(&first.token)
        ));
        assert!(!constant_time_equal(&first.sha256, &second.sha256));
    }
}
