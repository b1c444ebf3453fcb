//! Direct chats between two users.
//!
//! - `POST /api/v1/chats`: [`OpenChatRequest`] → `201` (new) or `200` (existing) [`Chat`]
//! - `GET /api/v1/chats` → [`ChatList`]
//! - `GET /api/v1/chats/{chat_id}` → [`Chat`]
//! - `DELETE /api/v1/chats/{chat_id}`: deletes the chat *for the caller* → `204`
//!
//! Deleting a chat hides it and its history from the caller only. A later message in the
//! chat brings it back, showing only what came after the deletion.

use serde::{Deserialize, Serialize};

use super::ids::{ChatId, UserId};
use super::messages::Message;
use super::time::Timestamp;
use super::users::User;

/// A direct chat as seen by one of its two participants.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(salvo_oapi::ToSchema))]
pub struct Chat {
    /// The chat's id, which is also its conversation id.
    pub id: ChatId,
    /// The other participant.
    pub partner: User,
    /// When the chat was opened.
    pub created_at: Timestamp,
    /// The newest message visible to the caller, if any.
    pub last_message: Option<Message>,
    /// The `seq` of the newest message (0 when there is none).
    pub last_seq: u64,
    /// The `seq` of the last message the caller has read.
    pub read_seq: u64,
    /// Messages after `read_seq` from the partner that are not deleted (counted up to 1000).
    pub unread_count: u64,
    /// Unread messages that mention the user (by name, `@here` or `@everyone`).
    #[serde(default)]
    pub unread_mention_count: u64,
}

/// `POST /api/v1/chats`: open (or get) the chat with a user.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(salvo_oapi::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OpenChatRequest {
    /// The other participant.
    pub user_id: UserId,
}

/// The caller's chats, most recently active first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(salvo_oapi::ToSchema))]
pub struct ChatList {
    /// The chats.
    pub items: Vec<Chat>,
}
