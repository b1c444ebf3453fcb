//! Lobbies: named group conversations, public or private.
//!
//! - `POST /api/v1/lobbies`: [`CreateLobbyRequest`] → `201` [`Lobby`]
//! - `GET /api/v1/lobbies`: the caller's lobbies → [`LobbyList`]
//! - `GET /api/v1/lobbies/community` (`q`, `limit`, `after`): public lobbies the caller has
//!   not joined → [`LobbyPage`]
//! - `GET|PATCH|DELETE /api/v1/lobbies/{lobby_id}`: [`UpdateLobbyRequest`]
//! - `POST /api/v1/lobbies/{lobby_id}/join`, `POST /api/v1/lobbies/{lobby_id}/leave`
//!
//! A private lobby does not exist for anyone outside it: every route answers `404`.

use serde::{Deserialize, Serialize};

use super::ids::{LobbyId, UserId};
use super::members::Role;
use super::pagination::Cursor;
use super::time::Timestamp;
use super::validate::{Description, LobbyName};

/// Who can find and join a lobby.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(salvo_oapi::ToSchema))]
pub enum Visibility {
    /// Listed in the community view; anyone signed in can join.
    #[default]
    #[serde(rename = "public")]
    Public,
    /// Invisible to non-members; only a lobby admin can add people.
    #[serde(rename = "private")]
    Private,
}

impl Visibility {
    /// The value as written on the wire and stored.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Public => "public",
            Self::Private => "private",
        }
    }
}

/// A lobby as seen by the caller.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(salvo_oapi::ToSchema))]
pub struct Lobby {
    /// The lobby's id, which is also its conversation id.
    pub id: LobbyId,
    /// The lobby's name.
    pub name: LobbyName,
    /// What the lobby is about; may be empty.
    pub description: Description,
    /// Public or private.
    pub visibility: Visibility,
    /// Who created it; `null` once that account is deleted.
    pub created_by: Option<UserId>,
    /// When it was created.
    pub created_at: Timestamp,
    /// How many members it has.
    pub member_count: u64,
    /// The `seq` of the newest message (0 when there is none).
    pub last_seq: u64,
    /// The caller's membership, `null` when the caller is not a member.
    pub membership: Option<Membership>,
}

/// The caller's own standing in a conversation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(salvo_oapi::ToSchema))]
pub struct Membership {
    /// The caller's role.
    pub role: Role,
    /// When the caller joined.
    pub joined_at: Timestamp,
    /// The `seq` of the last message the caller has read.
    pub read_seq: u64,
    /// Messages after `read_seq` from other users that are not deleted (counted up to 1000).
    pub unread_count: u64,
    /// Unread messages that mention the user (by name, `@here` or `@everyone`).
    #[serde(default)]
    pub unread_mention_count: u64,
}

/// `POST /api/v1/lobbies`. The creator becomes the lobby's admin.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(salvo_oapi::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateLobbyRequest {
    /// The name: 1–64 characters.
    pub name: LobbyName,
    /// What the lobby is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Description>,
    /// Public (the default) or private.
    #[serde(default)]
    pub visibility: Visibility,
}

/// `PATCH /api/v1/lobbies/{lobby_id}` (lobby admins): absent fields are left alone.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(salvo_oapi::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateLobbyRequest {
    /// A new name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<LobbyName>,
    /// A new description (`""` clears it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Description>,
    /// A new visibility.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visibility: Option<Visibility>,
}

/// The caller's lobbies, ordered by name.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(salvo_oapi::ToSchema))]
pub struct LobbyList {
    /// The lobbies.
    pub items: Vec<Lobby>,
}

/// A page of community lobbies, ordered by name.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(salvo_oapi::ToSchema))]
pub struct LobbyPage {
    /// The lobbies on this page.
    pub items: Vec<Lobby>,
    /// Pass as `after` for the next page; `null` on the last page.
    pub next_cursor: Option<Cursor>,
}
