//! Registration, login and logout.
//!
//! - `POST /api/v1/auth/register`: [`RegisterRequest`] → `201` [`AuthResponse`]
//! - `POST /api/v1/auth/login`: [`LoginRequest`] → `200` [`AuthResponse`]
//! - `POST /api/v1/auth/logout`: revokes the token of the request → `204`
//!
//! Tokens are sent as `Authorization: Bearer <token>`.

use serde::{Deserialize, Serialize};

use super::time::Timestamp;
use super::users::Account;
use super::validate::{DisplayName, Email, Password, Username};

/// `POST /api/v1/auth/register`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(salvo_oapi::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    /// The login name; unique regardless of case.
    pub username: Username,
    /// The password: 8–128 characters, at most 72 bytes.
    pub password: Password,
    /// An optional e-mail address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<Email>,
    /// The name shown to others; the username when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<DisplayName>,
}

/// `POST /api/v1/auth/login`.
///
/// The fields are plain strings: a username or password that could never have been
/// registered is answered exactly like a wrong password.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(salvo_oapi::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// The login name, in any case.
    #[cfg_attr(feature = "openapi", salvo(schema(max_length = 64)))]
    pub username: String,
    /// The password.
    #[cfg_attr(feature = "openapi", salvo(schema(max_length = 128, format = Password)))]
    pub password: String,
}

impl std::fmt::Debug for LoginRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginRequest")
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .finish()
    }
}

/// The answer to a successful registration or login.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(salvo_oapi::ToSchema))]
pub struct AuthResponse {
    /// The account that is now signed in.
    pub user: Account,
    /// The bearer token for `Authorization: Bearer <token>`.
    pub token: String,
    /// When the token stops being accepted.
    pub expires_at: Timestamp,
}

impl std::fmt::Debug for AuthResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthResponse")
            .field("user", &self.user)
            .field("token", &"<redacted>")
            .field("expires_at", &self.expires_at)
            .finish()
    }
}
