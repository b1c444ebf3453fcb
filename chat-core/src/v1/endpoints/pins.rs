//! Pinned messages: `/api/v1/messages/{message_id}/pin`, `/api/v1/lobbies/{lobby_id}/pins`,
//! `/api/v1/chats/{chat_id}/pins`.

use super::{NoBody, NoContent, NoQuery};
use crate::v1::{ChatId, LobbyId, MessageId, PinList};

endpoints! {
    /// Pin a message (lobby admins; either participant of a chat; `204`, idempotent).
    Put "/api/v1/messages/{message_id}/pin" => PinMessage { message_id: MessageId }
        body: NoBody, query: NoQuery, response: NoContent;
    /// Unpin a message (as for pinning; `204`, idempotent).
    Delete "/api/v1/messages/{message_id}/pin" => UnpinMessage { message_id: MessageId }
        body: NoBody, query: NoQuery, response: NoContent;
    /// A lobby's pinned messages, newest pin first (members).
    Get "/api/v1/lobbies/{lobby_id}/pins" => LobbyPins { lobby_id: LobbyId }
        body: NoBody, query: NoQuery, response: PinList;
    /// A direct chat's pinned messages, newest pin first (its participants).
    Get "/api/v1/chats/{chat_id}/pins" => ChatPins { chat_id: ChatId }
        body: NoBody, query: NoQuery, response: PinList;
}
