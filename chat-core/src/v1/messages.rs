//! Messages in lobbies and direct chats.
//!
//! - `POST /api/v1/lobbies/{lobby_id}/messages`, `POST /api/v1/chats/{chat_id}/messages`,
//!   `POST /api/v1/users/{user_id}/messages`: [`SendMessageRequest`] → `201` [`Message`]
//! - `GET /api/v1/lobbies/{lobby_id}/messages`, `GET /api/v1/chats/{chat_id}/messages`
//!   ([`HistoryQuery`]) → [`MessagePage`]
//! - `GET /api/v1/lobbies/{lobby_id}/messages/{message_id}` → [`Message`]
//! - `PATCH /api/v1/messages/{message_id}`: [`EditMessageRequest`] → [`Message`]
//! - `DELETE /api/v1/messages/{message_id}` → `204`
//! - `GET /api/v1/mentions` ([`MentionQuery`]) → [`MentionPage`]: the caller's inbox
//!
//! Every message carries `seq`: its number in the conversation, assigned when it is stored,
//! starting at 1 and increasing by one with each message, without gaps. A deleted message
//! keeps its `seq` but disappears from history, and its content is erased.

use serde::{Deserialize, Serialize};

use super::ids::{ConversationId, MessageId, UserId};
use super::pagination::PageLimit;
use super::time::Timestamp;
use super::validate::{DisplayName, MessageContent, Username};

/// Who wrote a message, as shown next to it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(salvo_oapi::ToSchema))]
pub struct Author {
    /// The author's id.
    pub id: UserId,
    /// The author's username.
    pub username: Username,
    /// The author's display name.
    pub display_name: DisplayName,
}

/// A message.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(salvo_oapi::ToSchema))]
pub struct Message {
    /// The message's id.
    pub id: MessageId,
    /// The lobby or chat it belongs to.
    pub conversation_id: ConversationId,
    /// Its number in the conversation: 1, 2, 3, ... without gaps.
    pub seq: u64,
    /// The author; `null` when the author deleted their account.
    pub author: Option<Author>,
    /// The text.
    pub content: MessageContent,
    /// When it was sent.
    pub created_at: Timestamp,
    /// When it was last edited, `null` if never.
    pub edited_at: Option<Timestamp>,
    /// The message this one answers, as it is now; absent when it answers none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<Box<ReplyPreview>>,
    /// The reactions, first reacted first; absent when there are none. History pages carry
    /// them; message events do not (`reaction.added` and `reaction.removed` keep them current).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reactions: Vec<super::reactions::Reaction>,
    /// When it was pinned; absent when it is not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pinned_at: Option<Timestamp>,
    /// The users it names with `@username`, as the server resolved them when it was written or
    /// last edited: existing members of the conversation, first named first. Names of anyone
    /// else stay plain text. Absent when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mentions: Vec<UserId>,
    /// `@here` or `@everyone`, when the author was allowed to call them; absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub broadcast: Option<Broadcast>,
}

impl Message {
    /// Shows the quoted message as deleted when its seq is at most `floor`: for a reader who
    /// deleted a chat's history up to `floor`, what they deleted must not come back through
    /// a reply.
    pub fn hide_quote_up_to(&mut self, floor: u64) {
        if let Some(reply) = &mut self.reply_to
            && reply.seq <= floor
        {
            **reply = reply.hidden();
        }
    }

    /// Whether the message calls `user`: by name, or by `@here` / `@everyone`. A user's own
    /// messages never call them.
    pub fn mentions_user(&self, user: UserId) -> bool {
        self.author.as_ref().is_none_or(|a| a.id != user)
            && (self.broadcast.is_some() || self.mentions.contains(&user))
    }
}

/// A mention of many members at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(salvo_oapi::ToSchema))]
pub enum Broadcast {
    /// `@here`: the members who were online when it was sent.
    #[serde(rename = "here")]
    Here,
    /// `@everyone` (or `@all`): every member; lobby admins only, and in lobbies of more than
    /// 1,000 members server admins only.
    #[serde(rename = "everyone")]
    Everyone,
}

impl Broadcast {
    /// The largest lobby whose admins may call `@everyone`; server admins may in any.
    pub const MAX_EVERYONE: u64 = 1000;
}

/// What a reply shows of the message it answers, so a client can quote it without asking.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(salvo_oapi::ToSchema))]
pub struct ReplyPreview {
    /// The answered message.
    pub id: MessageId,
    /// Its seq, to jump to it.
    pub seq: u64,
    /// Its author; `null` when that account is gone, or the message deleted.
    pub author: Option<Author>,
    /// The start of its current text (at most [`ReplyPreview::EXCERPT`] characters); empty
    /// when it was deleted.
    pub excerpt: String,
    /// Whether it was deleted since.
    pub deleted: bool,
}

impl ReplyPreview {
    /// The longest excerpt, in characters.
    pub const EXCERPT: usize = 100;

    /// The preview with nothing of the message shown, as for a deleted one: what a reader
    /// sees of a message they may not read (below the history they deleted from a chat).
    pub fn hidden(&self) -> Self {
        Self {
            id: self.id,
            seq: self.seq,
            author: None,
            excerpt: String::new(),
            deleted: true,
        }
    }

    /// The excerpt of `content`: its first [`ReplyPreview::EXCERPT`] characters, with `…` when
    /// cut.
    pub fn excerpt_of(content: &str) -> String {
        match content.char_indices().nth(Self::EXCERPT) {
            Some((cut, _)) => format!("{}…", &content[..cut]),
            None => content.to_owned(),
        }
    }
}

/// Sending a message.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(salvo_oapi::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SendMessageRequest {
    /// The text: 1–4000 characters after trimming.
    pub content: MessageContent,
    /// Optional idempotency key: sending again with the same nonce (within 24 hours)
    /// returns the original message instead of posting it twice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<super::frames::Nonce>,
    /// The message of the same conversation this one answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<MessageId>,
}

/// `PATCH /api/v1/messages/{message_id}` (the author only).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(salvo_oapi::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EditMessageRequest {
    /// The new text.
    pub content: MessageContent,
}

/// Query parameters of message history.
///
/// Without `after`, the page holds the newest messages (older than `before`, when given),
/// newest first. With `after`, it holds the messages just after that one, oldest first.
/// `before` and `after` together are refused.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HistoryQuery {
    /// Only messages older than this one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<MessageId>,
    /// Only messages newer than this one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<MessageId>,
    /// Page size, 1–100 (default 50).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<PageLimit>,
}

/// A page of history.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(salvo_oapi::ToSchema))]
pub struct MessagePage {
    /// The messages: newest first, or oldest first when the request gave `after`.
    pub items: Vec<Message>,
    /// When more messages lie further in the same direction: the id to pass as `before`
    /// (or as `after`, when walking forward) to get them. `null` at the end.
    pub next_cursor: Option<MessageId>,
}

/// `POST /api/v1/lobbies/{lobby_id}/read`, `POST /api/v1/chats/{chat_id}/read`: move the read
/// cursor forward (it never moves back, nor past the newest message).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(salvo_oapi::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MarkReadRequest {
    /// The message seq read up to (`5` or `5.0`; seqs stay below 2^53, where JSON numbers are
    /// exact everywhere).
    #[cfg_attr(feature = "openapi", salvo(schema(maximum = 9007199254740991)))]
    #[serde(deserialize_with = "super::integral::seq")]
    pub seq: u64,
}

/// `GET /api/v1/mentions`: the caller's inbox, newest first.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MentionQuery {
    /// Only mentions older than this message (the previous page's `next_cursor`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<MessageId>,
    /// Page size, 1–100 (default 50).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<PageLimit>,
}

/// A message that mentions the caller, in their inbox.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(salvo_oapi::ToSchema))]
pub struct Mentioned {
    /// The message, as history shows it.
    pub message: Message,
    /// Whether the caller's read cursor of its conversation has passed it.
    pub read: bool,
}

/// A page of the mention inbox.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(salvo_oapi::ToSchema))]
pub struct MentionPage {
    /// Newest first. Only messages the caller can still read: not deleted, in conversations
    /// they still belong to.
    pub items: Vec<Mentioned>,
    /// The `before` of the next page; `null` at the end.
    pub next_cursor: Option<MessageId>,
}

/// A read cursor after an update.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(salvo_oapi::ToSchema))]
pub struct ReadCursor {
    /// The lobby or chat.
    pub conversation_id: ConversationId,
    /// The message seq read up to.
    pub read_seq: u64,
}
