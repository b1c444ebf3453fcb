//! Users and the caller's own account.
//!
//! - `GET /api/v1/users/me`, `PATCH /api/v1/users/me`, `DELETE /api/v1/users/me`
//! - `GET /api/v1/users` (`q`, `limit`, `after`), `GET /api/v1/users/{user_id}`

use serde::{Deserialize, Serialize};

use super::ids::UserId;
use super::time::Timestamp;
use super::validate::{Description, DisplayName, Email, Password, Username};

/// A user's public profile.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(salvo_oapi::ToSchema))]
pub struct User {
    /// The user's id.
    pub id: UserId,
    /// The unique, lower-case login name.
    pub username: Username,
    /// The name shown to others.
    pub display_name: DisplayName,
    /// A free-text self-description; may be empty.
    pub description: Description,
    /// When the account was created.
    pub created_at: Timestamp,
}

/// The caller's own account: the public profile plus private fields.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(salvo_oapi::ToSchema))]
pub struct Account {
    /// The user's id.
    pub id: UserId,
    /// The unique, lower-case login name.
    pub username: Username,
    /// The name shown to others.
    pub display_name: DisplayName,
    /// A free-text self-description; may be empty.
    pub description: Description,
    /// The e-mail address, visible only to its owner.
    pub email: Option<Email>,
    /// Whether the account is a server admin.
    #[serde(default)]
    pub is_admin: bool,
    /// When the account was created.
    pub created_at: Timestamp,
}

impl Account {
    /// The public part of the account.
    pub fn to_user(&self) -> User {
        User {
            id: self.id,
            username: self.username.clone(),
            display_name: self.display_name.clone(),
            description: self.description.clone(),
            created_at: self.created_at,
        }
    }
}

/// `PATCH /api/v1/users/me`: every field is optional; absent fields are left alone.
///
/// Changing the password needs `current_password` and signs out every other session of the
/// user (their tokens are revoked; the token making this request stays valid).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(salvo_oapi::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateAccountRequest {
    /// A new display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<DisplayName>,
    /// A new description (`""` clears it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Description>,
    /// A new e-mail address; `null` removes it.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "super::double_option"
    )]
    #[cfg_attr(feature = "openapi", salvo(schema(value_type = Option<Email>)))]
    pub email: Option<Option<Email>>,
    /// A new password; needs `current_password`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<Password>,
    /// The current password, required when changing `password`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", salvo(schema(max_length = 128)))]
    pub current_password: Option<String>,
}

/// A page of users, ordered by username.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(salvo_oapi::ToSchema))]
pub struct UserPage {
    /// The users on this page.
    pub items: Vec<User>,
    /// Pass as `after` for the next page; `null` on the last page.
    pub next_cursor: Option<super::pagination::Cursor>,
}
