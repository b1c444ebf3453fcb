//! Direct chats: `/api/v1/chats/*` and `POST /api/v1/users/{user_id}/messages`.

use super::{NoBody, NoContent, NoQuery};
use crate::v1::{
    Chat, ChatId, ChatList, HistoryQuery, MarkReadRequest, Message, MessagePage, OpenChatRequest,
    ReadCursor, SendMessageRequest, UserId,
};

endpoints! {
    /// Open (or get) the chat with a user: `201` when new, `200` when it existed.
    Post "/api/v1/chats" => OpenChat {}
        body: OpenChatRequest, query: NoQuery, response: Chat;
    /// List my chats, most recently active first.
    Get "/api/v1/chats" => MyChats {}
        body: NoBody, query: NoQuery, response: ChatList;
    /// Get one of my chats.
    Get "/api/v1/chats/{chat_id}" => GetChat { chat_id: ChatId }
        body: NoBody, query: NoQuery, response: Chat;
    /// Delete a chat for me only.
    Delete "/api/v1/chats/{chat_id}" => DeleteChat { chat_id: ChatId }
        body: NoBody, query: NoQuery, response: NoContent;
    /// Send a message in a chat (`201`).
    Post "/api/v1/chats/{chat_id}/messages" => SendChatMessage { chat_id: ChatId }
        body: SendMessageRequest, query: NoQuery, response: Message;
    /// Read a page of a chat's history.
    Get "/api/v1/chats/{chat_id}/messages" => ChatHistory { chat_id: ChatId }
        body: NoBody, query: HistoryQuery, response: MessagePage;
    /// Mark a chat read up to a message seq.
    Post "/api/v1/chats/{chat_id}/read" => MarkChatRead { chat_id: ChatId }
        body: MarkReadRequest, query: NoQuery, response: ReadCursor;
    /// Send a direct message to a user, opening the chat on the first message (`201`).
    Post "/api/v1/users/{user_id}/messages" => SendToUser { user_id: UserId }
        body: SendMessageRequest, query: NoQuery, response: Message;
    /// Read a page of the direct chat with a user (`404` when there is none).
    Get "/api/v1/users/{user_id}/messages" => UserHistory { user_id: UserId }
        body: NoBody, query: HistoryQuery, response: MessagePage;
}
