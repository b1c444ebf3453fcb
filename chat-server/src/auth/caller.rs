//! Who is calling: the identity a request or a WebSocket session acts as, and the rules on
//! it (scopes, sessions versus API tokens). No transport here: the salvo extractor in
//! [`crate::extract`] and the gateway both produce a [`Caller`] through
//! [`crate::service::sessions`], and services take it as a plain value.

use chat_core::v1::{SessionId, TokenId, UserId};
use uuid::Uuid;

use crate::error::Error;

/// How a caller authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// A session token (JWT) from login or registration.
    Session,
    /// A personal API token.
    ApiToken,
}

/// The prefix of personal API token secrets.
pub const PERSONAL_TOKEN_PREFIX: &str = "chat_pat_";
/// The prefix of client token secrets.
pub const CLIENT_TOKEN_PREFIX: &str = "chat_ct_";

/// The stored form of a token secret.
pub fn hash_secret(secret: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The authenticated user making the request, from `Authorization: Bearer <token>`.
#[derive(Debug, Clone, Copy)]
pub struct Caller {
    /// Who is calling.
    pub user_id: UserId,
    /// The session id (a JWT's `jti`) or the API token's id: what revocation closes.
    pub session: Uuid,
    /// When the token expires, in seconds since the epoch (`u64::MAX`: never).
    pub expires_at: u64,
    /// Whether the token may change state (a read-only API token may not).
    pub can_write: bool,
    /// Session or API token.
    pub via: Via,
}

impl Caller {
    /// Refuses API tokens where only a signed-in person may act (tokens, password, account).
    pub fn require_session(&self) -> Result<(), Error> {
        match self.via {
            Via::Session => Ok(()),
            Via::ApiToken => Err(Error::Forbidden("API tokens cannot do this; sign in")),
        }
    }

    /// Refuses read-only API tokens.
    pub fn require_write(&self) -> Result<(), Error> {
        if self.can_write {
            Ok(())
        } else {
            Err(Error::Forbidden("this token has only the read scope"))
        }
    }
}

impl Caller {
    /// The session id in its wire form.
    pub fn session_id(&self) -> SessionId {
        SessionId::from_uuid(self.session)
    }
}

/// An app authenticated by a client token: it may create users, nothing else.
#[derive(Debug, Clone, Copy)]
pub struct ClientApp {
    /// The client token.
    pub token: TokenId,
}
