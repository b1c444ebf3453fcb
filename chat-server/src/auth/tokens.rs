//! Bearer tokens: HS256 JWTs with `sub`, `exp`, `iat` and `jti`.
//!
//! Only HS256 is accepted: a token announcing any other algorithm (or `none`) is refused
//! before its signature is looked at. A valid signature is not enough on its own: the token's
//! `jti` must also name an active row of the `sessions` table, which is what makes logout and
//! revocation immediate.

use std::time::Duration;

use chat_core::v1::{Timestamp, UserId};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::config::Secret;

/// The claims of a token. Every field is required when decoding.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// The user.
    pub sub: UserId,
    /// Expiry, in seconds since the epoch.
    pub exp: u64,
    /// Issue time, in seconds since the epoch.
    pub iat: u64,
    /// The session id, matched against the `sessions` table.
    pub jti: Uuid,
}

/// A freshly issued token.
pub struct IssuedToken {
    /// The encoded JWT.
    pub token: String,
    /// Its session id.
    pub jti: Uuid,
    /// When it expires.
    pub expires_at: Timestamp,
}

/// Why a token was refused.
#[derive(Debug, thiserror::Error)]
#[error("invalid token: {0}")]
pub struct InvalidToken(#[from] jsonwebtoken::errors::Error);

/// Signs and checks tokens with one HS256 secret.
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    ttl: Duration,
}

impl std::fmt::Debug for TokenKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenKeys")
            .field("ttl", &self.ttl)
            .finish_non_exhaustive()
    }
}

impl TokenKeys {
    /// Keys for `secret`; tokens live for `ttl`.
    pub fn new(secret: &Secret, ttl: Duration) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 5;
        validation.set_required_spec_claims(&["exp", "sub"]);
        Self {
            encoding: EncodingKey::from_secret(secret.expose().as_bytes()),
            decoding: DecodingKey::from_secret(secret.expose().as_bytes()),
            validation,
            ttl,
        }
    }

    /// Issues a token for `user`.
    pub fn issue(&self, user: UserId) -> Result<IssuedToken, InvalidToken> {
        let now = time::OffsetDateTime::now_utc();
        let iat = u64::try_from(now.unix_timestamp()).unwrap_or(0);
        let exp = iat + self.ttl.as_secs();
        let jti = crate::clock::new_id();
        let claims = Claims {
            sub: user,
            exp,
            iat,
            jti,
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)?;
        let expires_at = Timestamp::from_unix_millis(i64::try_from(exp).unwrap_or(i64::MAX) * 1000)
            .unwrap_or_else(|| Timestamp::from(now));
        Ok(IssuedToken {
            token,
            jti,
            expires_at,
        })
    }

    /// Checks the signature, algorithm and expiry of a token and returns its claims.
    pub fn verify(&self, token: &str) -> Result<Claims, InvalidToken> {
        Ok(jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)?.claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> TokenKeys {
        TokenKeys::new(&Secret::new("s".repeat(32)), Duration::from_secs(60))
    }

    #[test]
    fn issued_tokens_verify_and_carry_their_claims() {
        let keys = keys();
        let user = UserId::from_uuid(Uuid::from_u128(1));
        let issued = keys.issue(user).expect("issues");
        let claims = keys.verify(&issued.token).expect("verifies");
        assert_eq!(claims.sub, user);
        assert_eq!(claims.jti, issued.jti);
        assert_eq!(claims.exp - claims.iat, 60);
    }

    #[test]
    fn tokens_signed_with_another_secret_or_algorithm_are_refused() {
        let user = UserId::from_uuid(Uuid::from_u128(1));
        let other = TokenKeys::new(&Secret::new("t".repeat(32)), Duration::from_secs(60));
        let token = other.issue(user).expect("issues").token;
        assert!(keys().verify(&token).is_err());

        let claims = Claims {
            sub: user,
            exp: u64::MAX / 2,
            iat: 0,
            jti: Uuid::from_u128(2),
        };
        let secret = "s".repeat(32);
        let hs512 = jsonwebtoken::encode(
            &Header::new(Algorithm::HS512),
            &claims,
            &EncodingKey::from_secret(secret.as_bytes()),
        )
        .expect("encodes");
        assert!(keys().verify(&hs512).is_err());
    }

    #[test]
    fn unsigned_tokens_are_refused() {
        // {"alg":"none","typ":"JWT"} . {"sub":..., "exp":..., ...} . (no signature)
        let header = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0";
        let payload = "eyJzdWIiOiIwMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDEiLCJleHAiOjk5OTk5OTk5OTksImlhdCI6MCwianRpIjoiMDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAyIn0";
        assert!(keys().verify(&format!("{header}.{payload}.")).is_err());
        assert!(keys().verify(&format!("{header}.{payload}")).is_err());
    }

    #[test]
    fn expired_tokens_are_refused() {
        let user = UserId::from_uuid(Uuid::from_u128(1));
        let claims = Claims {
            sub: user,
            exp: 1,
            iat: 0,
            jti: Uuid::from_u128(2),
        };
        let secret = "s".repeat(32);
        let token = jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(secret.as_bytes()),
        )
        .expect("encodes");
        assert!(keys().verify(&token).is_err());
    }
}
