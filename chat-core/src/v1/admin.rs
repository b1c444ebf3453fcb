//! Server administration (server admins only).
//!
//! - `GET /api/v1/admin/users` (`q`, `limit`, `after`) → [`AdminUserPage`]
//! - `POST /api/v1/admin/users/{user_id}/disable`, `…/enable` → [`AdminUser`]
//! - `GET /api/v1/admin/messages` ([`AdminMessagesQuery`]) → [`MessagePage`](super::MessagePage)
//! - `GET /api/v1/admin/users/{user_id}/messages` → the same, for one author
//! - `GET /api/v1/admin/stats` → [`ServerStats`]
//! - `GET /api/v1/admin/audit` (`limit`, `after`) → [`AuditPage`]
//!
//! The first account registered on a server is its admin; `chat-server admin grant|revoke
//! <username>` changes admins from the server's machine. Every admin action is audited.
//! Server admins moderate through the ordinary routes: `DELETE /api/v1/lobbies/{lobby_id}`
//! and `DELETE /api/v1/messages/{message_id}` accept them for any lobby or message (audited
//! as `lobby.delete` and `message.delete`).

use serde::{Deserialize, Serialize};

use super::ids::{LobbyId, MessageId, UserId};
use super::pagination::{Cursor, PageLimit};
use super::time::Timestamp;
use super::users::User;

/// A user as admins see them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(salvo_oapi::ToSchema))]
pub struct AdminUser {
    /// The public profile.
    pub user: User,
    /// Whether the user is a server admin.
    pub is_admin: bool,
    /// Whether the account is disabled (cannot log in; its tokens are refused).
    pub disabled: bool,
}

/// A page of users for admins, ordered by username.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(salvo_oapi::ToSchema))]
pub struct AdminUserPage {
    /// The users.
    pub items: Vec<AdminUser>,
    /// Pass as `after` for the next page; `null` on the last page.
    pub next_cursor: Option<Cursor>,
}

/// Query parameters of `GET /api/v1/admin/messages`: newest first, every filter optional.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdminMessagesQuery {
    /// Only this lobby.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lobby_id: Option<LobbyId>,
    /// Only this author.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<UserId>,
    /// Only messages sent at or after this time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<Timestamp>,
    /// Only messages sent before this time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<Timestamp>,
    /// The `next_cursor` of the previous page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<MessageId>,
    /// Page size, 1–100 (default 50).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<PageLimit>,
}

/// What the server holds right now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(salvo_oapi::ToSchema))]
pub struct ServerStats {
    /// Accounts.
    pub users: u64,
    /// Lobbies.
    pub lobbies: u64,
    /// Messages that are not deleted.
    pub messages: u64,
    /// Open WebSocket connections on this server.
    pub open_connections: u64,
}

/// What an admin did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(salvo_oapi::ToSchema))]
#[non_exhaustive]
pub enum AuditAction {
    /// Made a user a server admin.
    #[serde(rename = "admin.grant")]
    AdminGrant,
    /// Took server admin away from a user.
    #[serde(rename = "admin.revoke")]
    AdminRevoke,
    /// Disabled an account.
    #[serde(rename = "user.disable")]
    UserDisable,
    /// Enabled an account again.
    #[serde(rename = "user.enable")]
    UserEnable,
    /// Deleted a lobby.
    #[serde(rename = "lobby.delete")]
    LobbyDelete,
    /// Deleted a message.
    #[serde(rename = "message.delete")]
    MessageDelete,
    /// Created a client token.
    #[serde(rename = "client_token.create")]
    ClientTokenCreate,
    /// Revoked a client token.
    #[serde(rename = "client_token.revoke")]
    ClientTokenRevoke,
    /// An action this version does not know.
    #[serde(other, rename = "unknown")]
    Unknown,
}

impl AuditAction {
    /// The stored and wire name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::AdminGrant => "admin.grant",
            Self::AdminRevoke => "admin.revoke",
            Self::UserDisable => "user.disable",
            Self::UserEnable => "user.enable",
            Self::LobbyDelete => "lobby.delete",
            Self::MessageDelete => "message.delete",
            Self::ClientTokenCreate => "client_token.create",
            Self::ClientTokenRevoke => "client_token.revoke",
            Self::Unknown => "unknown",
        }
    }

    /// Parses a stored name.
    pub fn parse(text: &str) -> Self {
        match text {
            "admin.grant" => Self::AdminGrant,
            "admin.revoke" => Self::AdminRevoke,
            "user.disable" => Self::UserDisable,
            "user.enable" => Self::UserEnable,
            "lobby.delete" => Self::LobbyDelete,
            "message.delete" => Self::MessageDelete,
            "client_token.create" => Self::ClientTokenCreate,
            "client_token.revoke" => Self::ClientTokenRevoke,
            _ => Self::Unknown,
        }
    }
}

/// One audited admin action.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(salvo_oapi::ToSchema))]
pub struct AuditEntry {
    /// Who did it; `null` for the server's own command line (or a deleted account).
    pub actor_id: Option<UserId>,
    /// What was done.
    pub action: AuditAction,
    /// The id of what it was done to.
    pub target: String,
    /// When.
    pub created_at: Timestamp,
}

/// A page of the audit log, newest first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(salvo_oapi::ToSchema))]
pub struct AuditPage {
    /// The entries.
    pub items: Vec<AuditEntry>,
    /// Pass as `after` for the next page; `null` on the last page.
    pub next_cursor: Option<Cursor>,
}
