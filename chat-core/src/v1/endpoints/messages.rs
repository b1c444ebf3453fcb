//! Lobby messages and any message by id: `/api/v1/lobbies/{lobby_id}/messages/*`,
//! `/api/v1/lobbies/{lobby_id}/read`, `/api/v1/messages/{message_id}`,
//! `/api/v1/mentions`.

use super::{NoBody, NoContent, NoQuery};
use crate::v1::{
    EditMessageRequest, HistoryQuery, LobbyId, MarkReadRequest, MentionPage, MentionQuery, Message,
    MessageId, MessagePage, ReadCursor, SendMessageRequest,
};

endpoints! {
    /// Post a message to a lobby (members; `201`).
    Post "/api/v1/lobbies/{lobby_id}/messages" => SendLobbyMessage { lobby_id: LobbyId }
        body: SendMessageRequest, query: NoQuery, response: Message;
    /// Read a page of a lobby's history (members).
    Get "/api/v1/lobbies/{lobby_id}/messages" => LobbyHistory { lobby_id: LobbyId }
        body: NoBody, query: HistoryQuery, response: MessagePage;
    /// Get one message of a lobby (members).
    Get "/api/v1/lobbies/{lobby_id}/messages/{message_id}" => GetLobbyMessage { lobby_id: LobbyId, message_id: MessageId }
        body: NoBody, query: NoQuery, response: Message;
    /// Mark a lobby read up to a message seq (members).
    Post "/api/v1/lobbies/{lobby_id}/read" => MarkLobbyRead { lobby_id: LobbyId }
        body: MarkReadRequest, query: NoQuery, response: ReadCursor;
    /// Edit a message (its author).
    Patch "/api/v1/messages/{message_id}" => EditMessage { message_id: MessageId }
        body: EditMessageRequest, query: NoQuery, response: Message;
    /// Delete a message for everyone (its author, a lobby admin, or a server admin).
    Delete "/api/v1/messages/{message_id}" => DeleteMessage { message_id: MessageId }
        body: NoBody, query: NoQuery, response: NoContent;
    /// The caller's mention inbox, newest first (any signed-in user; their own mentions).
    Get "/api/v1/mentions" => Mentions {}
        body: NoBody, query: MentionQuery, response: MentionPage;
}
