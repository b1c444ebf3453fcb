//! WebSocket frames of `GET /api/v1/ws`: what clients send ([`ClientFrame`]) and what the
//! server sends ([`ServerFrame`]), as JSON text frames internally tagged by `"type"`.
//!
//! `docs/PROTOCOL.md` describes the connection lifecycle, close codes and resume rules, with
//! an example of every frame; a test parses each example with these types.
//!
//! Two counters matter:
//!
//! - the **event seq** of a conversation numbers every event in it — message created, updated
//!   or deleted, member joined, left, removed or updated, lobby updated or deleted — 1, 2, 3, …
//!   without gaps. Conversation events carry it as `seq`; resume cursors are event seqs.
//! - the **message seq** ([`Message::seq`]) numbers messages only; read cursors use it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::error::ErrorCode;
use super::ids::{ConversationId, LobbyId, MessageId, SessionId, UserId};
use super::lobbies::Visibility;
use super::members::{Member, Role};
use super::messages::Message;
use super::time::Timestamp;
use super::users::Account;
use super::validate::{
    Description, Emoji, LobbyName, MessageContent, ValidationError, ValidationErrorKind,
};

/// A client-chosen idempotency key: 1–64 printable ASCII characters.
///
/// Sending a message again with the same nonce (within 24 hours) returns the original message
/// instead of posting a duplicate, so a client can retry safely after a disconnect. Keys that
/// grow over time (a UUIDv7, a clock prefix) are cheapest for the server to index.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
#[cfg_attr(feature = "openapi", derive(salvo_oapi::ToSchema))]
#[cfg_attr(feature = "openapi", salvo(schema(value_type = String, min_length = 1, max_length = 64, pattern = "^[!-~]{1,64}$")))]
pub struct Nonce(String);

impl Nonce {
    /// The longest nonce.
    pub const MAX: usize = 64;

    /// Checks a nonce.
    pub fn new(s: impl Into<String>) -> Result<Self, ValidationError> {
        let s = s.into();
        if s.is_empty() || s.len() > Self::MAX || !s.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(ValidationError {
                field: "nonce",
                kind: ValidationErrorKind::Malformed("must be 1–64 printable ASCII characters"),
            });
        }
        Ok(Self(s))
    }

    /// The nonce text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Nonce {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Nonce({:?})", self.0)
    }
}

impl std::fmt::Display for Nonce {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Nonce {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Self::new(s).map_err(serde::de::Error::custom)
    }
}

/// Resume cursors: for each conversation, the last event seq the client has seen.
pub type Cursors = BTreeMap<ConversationId, u64>;

/// An opaque WebRTC payload (SDP offer or answer, ICE candidate), relayed untouched (numbers
/// are parsed exactly, so they encode back to the same value).
pub type CallPayload = serde_json::Value;

/// A frame sent by a client.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", deny_unknown_fields)]
#[non_exhaustive]
pub enum ClientFrame {
    /// Authenticates a connection opened without an `Authorization` header (browsers). Must
    /// be the first frame, within 10 seconds. May carry resume cursors.
    #[serde(rename = "auth")]
    Auth {
        /// A bearer token.
        token: String,
        /// Resume cursors, as in [`ClientFrame::Resume`].
        #[serde(default, skip_serializing_if = "Option::is_none")]
        resume: Option<Cursors>,
    },
    /// Replays what the client missed, then starts live delivery. Send it as the first frame
    /// after `ready` (an empty map when there is nothing to resume).
    #[serde(rename = "resume")]
    Resume {
        /// Last seen event seq per conversation.
        cursors: Cursors,
    },
    /// Posts a message; answered by `ack` once it is durably stored.
    #[serde(rename = "message.send")]
    MessageSend {
        /// The lobby or chat.
        conversation_id: ConversationId,
        /// The text.
        content: MessageContent,
        /// Idempotency key: resending it returns the original message.
        nonce: Nonce,
        /// The message of the same conversation this one answers.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reply_to: Option<MessageId>,
    },
    /// Edits one of the caller's messages; answered by `ack`.
    #[serde(rename = "message.edit")]
    MessageEdit {
        /// The message.
        message_id: MessageId,
        /// The new text.
        content: MessageContent,
        /// Echoed in the `ack` or `error`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        nonce: Option<Nonce>,
    },
    /// Deletes a message (author, or lobby admin); answered by `ack`.
    #[serde(rename = "message.delete")]
    MessageDelete {
        /// The message.
        message_id: MessageId,
        /// Echoed in the `ack` or `error`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        nonce: Option<Nonce>,
    },
    /// Reacts to a message (idempotent); answered by `ack`.
    #[serde(rename = "reaction.add")]
    ReactionAdd {
        /// The message.
        message_id: MessageId,
        /// The emoji, or a `:shortcode:` for one.
        emoji: Emoji,
        /// Echoed in the `ack` or `error`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        nonce: Option<Nonce>,
    },
    /// Takes a reaction back (idempotent); answered by `ack`.
    #[serde(rename = "reaction.remove")]
    ReactionRemove {
        /// The message.
        message_id: MessageId,
        /// The emoji.
        emoji: Emoji,
        /// Echoed in the `ack` or `error`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        nonce: Option<Nonce>,
    },
    /// Pins a message (lobby admins; either participant of a chat); answered by `ack`.
    #[serde(rename = "message.pin")]
    MessagePin {
        /// The message.
        message_id: MessageId,
        /// Echoed in the `ack` or `error`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        nonce: Option<Nonce>,
    },
    /// Unpins a message; answered by `ack`.
    #[serde(rename = "message.unpin")]
    MessageUnpin {
        /// The message.
        message_id: MessageId,
        /// Echoed in the `ack` or `error`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        nonce: Option<Nonce>,
    },
    /// Tells the conversation the caller is typing (repeat every few seconds while typing).
    #[serde(rename = "typing")]
    Typing {
        /// The lobby or chat.
        conversation_id: ConversationId,
    },
    /// Moves the caller's read cursor to message seq `seq`.
    #[serde(rename = "read")]
    Read {
        /// The lobby or chat.
        conversation_id: ConversationId,
        /// The message seq read up to (`5` or `5.0`).
        #[serde(deserialize_with = "super::integral::seq")]
        seq: u64,
    },
    /// Joins a public lobby; answered by `ack`.
    #[serde(rename = "lobby.join")]
    LobbyJoin {
        /// The lobby.
        lobby_id: LobbyId,
        /// Echoed in the `ack` or `error`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        nonce: Option<Nonce>,
    },
    /// Leaves a lobby; answered by `ack`.
    #[serde(rename = "lobby.leave")]
    LobbyLeave {
        /// The lobby.
        lobby_id: LobbyId,
        /// Echoed in the `ack` or `error`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        nonce: Option<Nonce>,
    },
    /// Invites a user to a call.
    #[serde(rename = "call.invite")]
    CallInvite(CallSignal),
    /// Accepts a call.
    #[serde(rename = "call.answer")]
    CallAnswer(CallSignal),
    /// Sends an ICE candidate.
    #[serde(rename = "call.ice")]
    CallIce(CallSignal),
    /// Declines a call.
    #[serde(rename = "call.reject")]
    CallReject(CallSignal),
    /// Hangs up.
    #[serde(rename = "call.end")]
    CallEnd(CallSignal),
    /// Asks for a `pong`.
    #[serde(rename = "ping")]
    Ping,
}

/// A reaction added or removed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReactionEvent {
    /// The conversation.
    pub conversation_id: ConversationId,
    /// Event seq.
    pub seq: u64,
    /// The message.
    pub message_id: MessageId,
    /// Its seq (a chat's reader who deleted history up to it gets no event about it).
    pub message_seq: u64,
    /// Who reacted (or took it back).
    pub user_id: UserId,
    /// The emoji.
    pub emoji: Emoji,
    /// How many users react to the message with this emoji now, after this event.
    pub count: u32,
}

/// A message pinned or unpinned.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PinEvent {
    /// The conversation.
    pub conversation_id: ConversationId,
    /// Event seq.
    pub seq: u64,
    /// The message.
    pub message_id: MessageId,
    /// Its seq.
    pub message_seq: u64,
    /// Who pinned or unpinned it.
    pub user_id: UserId,
    /// When.
    pub at: Timestamp,
}

/// A call-signaling frame as the client sends it: addressed to `user_id`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallSignal {
    /// Chosen by the caller; the same for every frame of one call.
    pub call_id: String,
    /// The other participant.
    pub user_id: UserId,
    /// SDP or ICE data, relayed untouched (at most 16 KiB once serialized).
    #[serde(default)]
    pub payload: CallPayload,
}

/// A call-signaling frame as the peer receives it: from `user_id`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CallRelay {
    /// The call.
    pub call_id: String,
    /// Who sent it.
    pub user_id: UserId,
    /// SDP or ICE data, untouched.
    pub payload: CallPayload,
}

/// Whether a conversation is a lobby or a chat.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ConversationKind {
    /// A lobby.
    #[serde(rename = "lobby")]
    Lobby,
    /// A direct chat.
    #[serde(rename = "chat")]
    Chat,
}

/// One conversation of the user, as `ready` reports it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConversationState {
    /// The lobby or chat id.
    pub conversation_id: ConversationId,
    /// Lobby or chat.
    pub kind: ConversationKind,
    /// The latest event seq: the resume cursor to start from.
    pub seq: u64,
    /// The seq of the newest message.
    pub last_message_seq: u64,
    /// The user's read cursor (a message seq).
    pub read_seq: u64,
    /// Unread messages from others (counted up to 1000).
    pub unread_count: u64,
    /// Unread messages that mention the user (by name, `@here` or `@everyone`).
    #[serde(default)]
    pub unread_mention_count: u64,
    /// Members of the conversation who are online now (the user included when online).
    pub online: Vec<UserId>,
}

/// A frame sent by the server.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
#[non_exhaustive]
pub enum ServerFrame {
    /// The first frame of an authenticated connection.
    #[serde(rename = "ready")]
    Ready {
        /// The signed-in account.
        user: Account,
        /// This connection's id.
        session_id: SessionId,
        /// Every lobby and chat of the user.
        conversations: Vec<ConversationState>,
    },
    /// Replay after `resume` is complete; live delivery follows.
    #[serde(rename = "resumed")]
    Resumed,
    /// The gap of a conversation is too large (or it is gone): page history over REST.
    #[serde(rename = "resync_required")]
    ResyncRequired {
        /// The conversation.
        conversation_id: ConversationId,
    },
    /// The answer to a client frame carrying a nonce, once its effect is durable.
    #[serde(rename = "ack")]
    Ack {
        /// The nonce of the frame.
        nonce: Nonce,
        /// The message posted or edited, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        message: Option<Message>,
    },
    /// A frame failed; the connection stays up.
    #[serde(rename = "error")]
    Error {
        /// The same codes as REST.
        code: ErrorCode,
        /// A sentence for people.
        message: String,
        /// The nonce of the failed frame, if it had one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        nonce: Option<Nonce>,
        /// With `rate_limited` and `unavailable`: when to try again.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        retry_after_ms: Option<u64>,
    },
    /// The answer to `ping`.
    #[serde(rename = "pong")]
    Pong,
    /// A message was posted.
    #[serde(rename = "message.created")]
    MessageCreated {
        /// The conversation.
        conversation_id: ConversationId,
        /// Event seq.
        seq: u64,
        /// The message.
        message: Message,
    },
    /// A message was edited.
    #[serde(rename = "message.updated")]
    MessageUpdated {
        /// The conversation.
        conversation_id: ConversationId,
        /// Event seq.
        seq: u64,
        /// The message as it is now.
        message: Message,
    },
    /// A message was deleted. Its content is gone.
    #[serde(rename = "message.deleted")]
    MessageDeleted {
        /// The conversation.
        conversation_id: ConversationId,
        /// Event seq.
        seq: u64,
        /// The message.
        message_id: MessageId,
        /// Its message seq.
        message_seq: u64,
    },
    /// Someone reacted to a message.
    #[serde(rename = "reaction.added")]
    ReactionAdded(ReactionEvent),
    /// Someone took a reaction back.
    #[serde(rename = "reaction.removed")]
    ReactionRemoved(ReactionEvent),
    /// A message was pinned.
    #[serde(rename = "message.pinned")]
    MessagePinned(PinEvent),
    /// A message was unpinned. (A deleted message leaves the pins with its `message.deleted`.)
    #[serde(rename = "message.unpinned")]
    MessageUnpinned(PinEvent),
    /// Someone joined or was added.
    #[serde(rename = "member.joined")]
    MemberJoined {
        /// The lobby (or chat).
        conversation_id: ConversationId,
        /// Event seq.
        seq: u64,
        /// The new member.
        member: Member,
    },
    /// Someone left.
    #[serde(rename = "member.left")]
    MemberLeft {
        /// The lobby.
        conversation_id: ConversationId,
        /// Event seq.
        seq: u64,
        /// Who left.
        user_id: UserId,
    },
    /// Someone was removed by an admin. The removed user receives this too, then nothing
    /// more of the lobby.
    #[serde(rename = "member.removed")]
    MemberRemoved {
        /// The lobby.
        conversation_id: ConversationId,
        /// Event seq.
        seq: u64,
        /// Who was removed.
        user_id: UserId,
    },
    /// A member's role changed.
    #[serde(rename = "member.updated")]
    MemberUpdated {
        /// The lobby.
        conversation_id: ConversationId,
        /// Event seq.
        seq: u64,
        /// The member.
        user_id: UserId,
        /// The new role.
        role: Role,
    },
    /// A lobby was renamed, described or changed visibility.
    #[serde(rename = "lobby.updated")]
    LobbyUpdated {
        /// The lobby.
        conversation_id: ConversationId,
        /// Event seq.
        seq: u64,
        /// The name.
        name: LobbyName,
        /// The description.
        description: Description,
        /// The visibility.
        visibility: Visibility,
    },
    /// A lobby was deleted, with all its messages.
    #[serde(rename = "lobby.deleted")]
    LobbyDeleted {
        /// The lobby.
        conversation_id: ConversationId,
        /// Event seq.
        seq: u64,
    },
    /// The user deleted a chat for themselves (sent to their other connections).
    #[serde(rename = "chat.deleted")]
    ChatDeleted {
        /// The chat.
        conversation_id: ConversationId,
    },
    /// A user who shares a lobby or chat with the recipient came online or went offline.
    #[serde(rename = "presence")]
    Presence {
        /// The user.
        user_id: UserId,
        /// Whether at least one of their connections is open.
        online: bool,
    },
    /// A user started (`typing: true`, for about 6 seconds unless renewed) or stopped typing.
    #[serde(rename = "typing")]
    Typing {
        /// The conversation.
        conversation_id: ConversationId,
        /// Who.
        user_id: UserId,
        /// Started or stopped.
        typing: bool,
    },
    /// The user's read cursor moved (sent to their other connections).
    #[serde(rename = "read")]
    Read {
        /// The conversation.
        conversation_id: ConversationId,
        /// The message seq read up to.
        seq: u64,
    },
    /// Relayed `call.invite`.
    #[serde(rename = "call.invite")]
    CallInvite(CallRelay),
    /// Relayed `call.answer`.
    #[serde(rename = "call.answer")]
    CallAnswer(CallRelay),
    /// Relayed `call.ice`.
    #[serde(rename = "call.ice")]
    CallIce(CallRelay),
    /// Relayed `call.reject`.
    #[serde(rename = "call.reject")]
    CallReject(CallRelay),
    /// Relayed `call.end`, or sent by the server when the peer disconnected.
    #[serde(rename = "call.end")]
    CallEnd(CallRelay),
    /// The invited user is offline (or shares no conversation with the caller).
    #[serde(rename = "call.unavailable")]
    CallUnavailable {
        /// The call.
        call_id: String,
        /// The user who cannot be reached.
        user_id: UserId,
    },
}

impl ServerFrame {
    /// The conversation and event seq of a conversation event.
    pub fn conversation_seq(&self) -> Option<(ConversationId, u64)> {
        match self {
            Self::MessageCreated {
                conversation_id,
                seq,
                ..
            }
            | Self::MessageUpdated {
                conversation_id,
                seq,
                ..
            }
            | Self::MessageDeleted {
                conversation_id,
                seq,
                ..
            }
            | Self::MemberJoined {
                conversation_id,
                seq,
                ..
            }
            | Self::MemberLeft {
                conversation_id,
                seq,
                ..
            }
            | Self::MemberRemoved {
                conversation_id,
                seq,
                ..
            }
            | Self::MemberUpdated {
                conversation_id,
                seq,
                ..
            }
            | Self::LobbyUpdated {
                conversation_id,
                seq,
                ..
            }
            | Self::LobbyDeleted {
                conversation_id,
                seq,
            } => Some((*conversation_id, *seq)),
            Self::ReactionAdded(event) | Self::ReactionRemoved(event) => {
                Some((event.conversation_id, event.seq))
            }
            Self::MessagePinned(event) | Self::MessageUnpinned(event) => {
                Some((event.conversation_id, event.seq))
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nonces_are_1_to_64_printable_ascii_characters() {
        assert!(Nonce::new("a").is_ok());
        assert!(Nonce::new("x".repeat(64)).is_ok());
        assert!(Nonce::new("").is_err());
        assert!(Nonce::new("x".repeat(65)).is_err());
        assert!(Nonce::new("has space").is_err());
        assert!(Nonce::new("naïve").is_err());
    }

    #[test]
    fn conversation_events_expose_their_seq() {
        let id = ConversationId::from_uuid(uuid::Uuid::from_u128(1));
        let frame = ServerFrame::LobbyDeleted {
            conversation_id: id,
            seq: 9,
        };
        assert_eq!(frame.conversation_seq(), Some((id, 9)));
        assert_eq!(ServerFrame::Pong.conversation_seq(), None);
    }

    #[test]
    fn call_payload_numbers_relay_unchanged() {
        // Found by the client_frame fuzz target: an integer beyond u64 decodes to an f64,
        // and without exact float parsing the relayed value was a neighbouring float.
        let text = r#"{"type":"call.ice","call_id":"call-7","user_id":"01937a4c-3b5e-7c2a-9f1e-2b3c4d5e6f70","payload":{"a":17422222220222222222222222222,"b":1e-7,"c":0.30000000000000004}}"#;
        let frame: ClientFrame = serde_json::from_str(text).expect("decodes");
        let encoded = serde_json::to_string(&frame).expect("encodes");
        let again: ClientFrame = serde_json::from_str(&encoded).expect("decodes again");
        assert_eq!(again, frame);
    }
}

/// WebSocket close codes the server uses, besides the standard 1000 (normal), 1001 (server
/// shutting down), 1009 (frame over 64 KiB) and 1011 (server error).
pub mod close_code {
    /// No valid token: missing, invalid, expired or revoked (also sent when a token is
    /// revoked while the connection is open).
    pub const UNAUTHORIZED: u16 = 4001;
    /// No `auth` frame within 10 seconds of opening.
    pub const AUTH_TIMEOUT: u16 = 4002;
    /// The first frame of an unauthenticated connection was not `auth`, or `auth` came twice.
    pub const AUTH_EXPECTED: u16 = 4003;
    /// The client fell too far behind reading; reconnect and resume.
    pub const LAGGED: u16 = 4008;
    /// Nothing received for 60 seconds.
    pub const HEARTBEAT_TIMEOUT: u16 = 4009;
    /// The user has too many connections open.
    pub const TOO_MANY_CONNECTIONS: u16 = 4029;
    /// The server could not check the token because its database is unavailable (the
    /// standard "try again later" code); reconnect with backoff and the same token.
    pub const TRY_AGAIN_LATER: u16 = 1013;
}
