//! Lobby membership and roles.
//!
//! - `GET /api/v1/lobbies/{lobby_id}/members` (`limit`, `after`) → [`MemberPage`]
//! - `GET /api/v1/lobbies/{lobby_id}/members/{user_id}` → [`Member`]
//! - `PUT /api/v1/lobbies/{lobby_id}/members/{user_id}` (admins): add → [`Member`]
//! - `PATCH /api/v1/lobbies/{lobby_id}/members/{user_id}` (admins): [`UpdateMemberRequest`]
//! - `DELETE /api/v1/lobbies/{lobby_id}/members/{user_id}` (admins): remove → `204`
//!
//! A lobby always has an admin: the last admin cannot be demoted, and when the last admin
//! leaves, the longest-standing member is promoted. The only member cannot leave (`409`):
//! a lobby is deleted explicitly (`DELETE /api/v1/lobbies/{lobby_id}`), or with its last
//! member's account.

use serde::{Deserialize, Serialize};

use super::pagination::Cursor;
use super::time::Timestamp;
use super::users::User;

/// A member's role in a lobby.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(salvo_oapi::ToSchema))]
pub enum Role {
    /// May rename, describe and delete the lobby, add, remove, promote and demote members,
    /// and delete anyone's messages.
    #[serde(rename = "admin")]
    Admin,
    /// May read and post.
    #[default]
    #[serde(rename = "member")]
    Member,
}

impl Role {
    /// The value as written on the wire and stored.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Member => "member",
        }
    }
}

/// One member of a lobby.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(salvo_oapi::ToSchema))]
pub struct Member {
    /// The member's profile.
    pub user: User,
    /// The member's role.
    pub role: Role,
    /// When the member joined.
    pub joined_at: Timestamp,
}

/// `PUT /api/v1/lobbies/{lobby_id}/members/{user_id}`: the body is optional.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(salvo_oapi::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AddMemberRequest {
    /// The new member's role (`member` when absent).
    #[serde(default)]
    pub role: Role,
}

/// `PATCH /api/v1/lobbies/{lobby_id}/members/{user_id}`: promote or demote.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(salvo_oapi::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateMemberRequest {
    /// The new role.
    pub role: Role,
}

/// A page of members, ordered by username.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(salvo_oapi::ToSchema))]
pub struct MemberPage {
    /// The members on this page.
    pub items: Vec<Member>,
    /// Pass as `after` for the next page; `null` on the last page.
    pub next_cursor: Option<Cursor>,
}
