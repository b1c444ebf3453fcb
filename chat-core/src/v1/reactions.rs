//! Reactions and pins on messages.
//!
//! - `PUT /api/v1/messages/{message_id}/reactions/{emoji}` → `204`: react (idempotent)
//! - `DELETE /api/v1/messages/{message_id}/reactions/{emoji}` → `204`: take it back
//!   (idempotent)
//! - `GET /api/v1/messages/{message_id}/reactions/{emoji}` ([`super::PageQuery`]) →
//!   [`ReactorPage`]: who reacted so, first reacted first
//! - `PUT /api/v1/messages/{message_id}/pin` → `204`, `DELETE` → `204`: lobby admins, and
//!   either participant of a direct chat
//! - `GET /api/v1/lobbies/{lobby_id}/pins`, `GET /api/v1/chats/{chat_id}/pins` → [`PinList`]
//!
//! Each change is a conversation event with its `seq` (`reaction.added`, `reaction.removed`,
//! `message.pinned`, `message.unpinned`): delivered live, replayed on resume. A reaction event
//! carries the emoji's count after the change, so applying it twice (a page fetched while the
//! event was in flight) changes nothing.

use serde::{Deserialize, Serialize};

use super::messages::{Author, Message};
use super::pagination::Cursor;
use super::time::Timestamp;
use super::validate::Emoji;

/// Distinct emojis on one message, at most; a new one past it is refused (`409`).
pub const MAX_REACTIONS_PER_MESSAGE: usize = 20;

/// Pinned messages per conversation, at most; a pin past it is refused (`409`).
pub const MAX_PINS: usize = 50;

/// One emoji's reactions to a message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(salvo_oapi::ToSchema))]
pub struct Reaction {
    /// The emoji.
    pub emoji: Emoji,
    /// How many users reacted with it (at least 1).
    pub count: u32,
    /// Whether the user asking is one of them.
    pub me: bool,
}

/// Who reacted with one emoji, first reacted first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(salvo_oapi::ToSchema))]
pub struct ReactorPage {
    /// The users.
    pub items: Vec<Author>,
    /// Pass as `after` for the next page; `null` at the end.
    pub next_cursor: Option<Cursor>,
}

/// A pinned message.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(salvo_oapi::ToSchema))]
pub struct Pin {
    /// The message as it is now.
    pub message: Message,
    /// Who pinned it; `null` when that account is gone.
    pub pinned_by: Option<Author>,
    /// When.
    pub pinned_at: Timestamp,
}

/// A conversation's pinned messages, newest pin first (at most [`MAX_PINS`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(salvo_oapi::ToSchema))]
pub struct PinList {
    /// The pins.
    pub items: Vec<Pin>,
}
