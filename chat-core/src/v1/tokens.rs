//! API tokens: personal tokens for bots and scripts, client tokens for apps that create users.
//!
//! - `POST /api/v1/tokens` ([`CreateApiTokenRequest`]) → `201` [`CreatedApiToken`]
//! - `GET /api/v1/tokens` → [`ApiTokenList`]; `DELETE /api/v1/tokens/{token_id}` → `204`
//! - `POST /api/v1/admin/client-tokens` ([`CreateClientTokenRequest`]) → `201`
//!   [`CreatedApiToken`]; `GET /api/v1/admin/client-tokens`;
//!   `DELETE /api/v1/admin/client-tokens/{token_id}`
//! - `POST /api/v1/users` with a client token: [`RegisterRequest`](super::RegisterRequest)
//!   → `201` [`AuthResponse`](super::AuthResponse) (the new user's token)
//!
//! Secrets are random (256 bits), start with `chat_pat_` (personal) or `chat_ct_` (client),
//! are shown once at creation and stored only as hashes. A session token (JWT) and an API
//! token are never accepted in place of each other.

use serde::{Deserialize, Serialize};

use super::ids::TokenId;
use super::time::Timestamp;
use super::validate::TokenName;

/// What a personal token may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(salvo_oapi::ToSchema))]
pub enum TokenScope {
    /// Read: `GET` routes and live events.
    #[serde(rename = "read")]
    Read,
    /// Write: everything that changes state (posting, editing, joining, …).
    #[serde(rename = "write")]
    Write,
}

/// Personal or client.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(salvo_oapi::ToSchema))]
pub enum TokenKind {
    /// Acts as the user who created it, within its scopes.
    #[serde(rename = "personal")]
    Personal,
    /// Lets an app create users (`POST /api/v1/users`), nothing else.
    #[serde(rename = "client")]
    Client,
}

/// `POST /api/v1/tokens`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(salvo_oapi::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateApiTokenRequest {
    /// What the token is for.
    pub name: TokenName,
    /// At least one scope; `["read"]` when absent (the safe default).
    #[serde(default = "read_only")]
    #[cfg_attr(feature = "openapi", salvo(schema(min_items = 1)))]
    pub scopes: Vec<TokenScope>,
    /// When it stops working (in the future); never when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<Timestamp>,
}

/// The scopes of a token created without any: read only.
fn read_only() -> Vec<TokenScope> {
    vec![TokenScope::Read]
}

/// `POST /api/v1/admin/client-tokens`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(salvo_oapi::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateClientTokenRequest {
    /// The app it is for.
    pub name: TokenName,
    /// When it stops working (in the future); never when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<Timestamp>,
}

/// A token, without its secret.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(salvo_oapi::ToSchema))]
pub struct ApiToken {
    /// Its id (for listing and revoking).
    pub id: TokenId,
    /// Personal or client.
    pub kind: TokenKind,
    /// What it is for.
    pub name: TokenName,
    /// Its scopes (client tokens: none).
    pub scopes: Vec<TokenScope>,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it stops working, if ever.
    pub expires_at: Option<Timestamp>,
    /// When it was last used, if ever.
    pub last_used_at: Option<Timestamp>,
    /// Whether it was revoked.
    pub revoked: bool,
}

/// A token just created: the only time its secret is shown.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(salvo_oapi::ToSchema))]
pub struct CreatedApiToken {
    /// The secret, for `Authorization: Bearer <token>`. Store it now: it cannot be shown again.
    pub token: String,
    /// The token's details.
    pub info: ApiToken,
}

impl std::fmt::Debug for CreatedApiToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreatedApiToken")
            .field("token", &"<redacted>")
            .field("info", &self.info)
            .finish()
    }
}

/// Tokens, newest first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(salvo_oapi::ToSchema))]
pub struct ApiTokenList {
    /// The tokens.
    pub items: Vec<ApiToken>,
}
