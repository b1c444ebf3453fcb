//! `POST|GET /api/v1/chats`, `GET|DELETE /api/v1/chats/{chat_id}`,
//! `POST|GET /api/v1/chats/{chat_id}/messages`, `POST /api/v1/users/{user_id}/messages`.

use chat_core::v1::{
    Chat, ChatId, ChatList, HistoryQuery, MarkReadRequest, Message, MessagePage, OpenChatRequest,
    ReadCursor, SendMessageRequest, UserId,
};
use salvo::prelude::*;

use super::{Created, NoContent, OkOrCreated};
use crate::auth::caller::Caller;
use crate::error::Error;
use crate::extract::{ApiJson, ApiQuery, PathId, State};
use crate::service::access::Target;
use crate::service::{chats, messages};

pub(super) fn router() -> Router {
    Router::with_path("chats")
        .post(open_chat)
        .get(my_chats)
        .push(
            Router::with_path("{chat_id}")
                .get(get_chat)
                .delete(delete_chat)
                .push(
                    Router::with_path("messages")
                        .post(send_chat_message)
                        .get(chat_history),
                )
                .push(Router::with_path("read").post(mark_chat_read))
                .push(super::reactions::chat_pins_router()),
        )
}

/// Open (or get) the chat with a user.
///
/// `201` when the chat is new, `200` when it existed (a chat the caller had deleted comes
/// back, without the deleted history).
#[endpoint(tags("chats"))]
async fn open_chat(
    state: State,
    caller: Caller,
    body: ApiJson<OpenChatRequest>,
) -> Result<OkOrCreated<Chat>, Error> {
    let (chat, created) = chats::open(&state, caller, body.0.user_id).await?;
    Ok(OkOrCreated {
        body: chat,
        created,
    })
}

/// List my chats, most recently active first.
#[endpoint(tags("chats"))]
async fn my_chats(state: State, caller: Caller) -> Result<Json<ChatList>, Error> {
    chats::mine(&state, caller).await.map(Json)
}

/// Get one of my chats.
#[endpoint(tags("chats"))]
async fn get_chat(
    state: State,
    caller: Caller,
    chat_id: PathId<ChatId>,
) -> Result<Json<Chat>, Error> {
    chats::get(&state, caller, chat_id.0).await.map(Json)
}

/// Delete a chat for me.
///
/// Hides the chat and its history from the caller only; the partner keeps everything. A new
/// message brings the chat back.
#[endpoint(tags("chats"))]
async fn delete_chat(
    state: State,
    caller: Caller,
    chat_id: PathId<ChatId>,
) -> Result<NoContent, Error> {
    chats::hide(&state, caller, chat_id.0)
        .await
        .map(|()| NoContent)
}

/// Send a message in a chat.
#[endpoint(tags("chats"))]
async fn send_chat_message(
    state: State,
    caller: Caller,
    chat_id: PathId<ChatId>,
    body: ApiJson<SendMessageRequest>,
) -> Result<Created<Message>, Error> {
    messages::send(&state, caller, Target::Chat(chat_id.0), body.0)
        .await
        .map(Created)
}

/// Read a chat's history.
///
/// Same paging as lobby history.
#[endpoint(tags("chats"))]
async fn chat_history(
    state: State,
    caller: Caller,
    chat_id: PathId<ChatId>,
    query: ApiQuery<HistoryQuery>,
) -> Result<Json<MessagePage>, Error> {
    messages::history(&state, caller, Target::Chat(chat_id.0), query.0)
        .await
        .map(Json)
}

/// Mark a chat read up to a message seq.
///
/// The cursor only moves forward and never past the newest message; the caller's other
/// connections receive a `read` event.
#[endpoint(tags("chats"))]
async fn mark_chat_read(
    state: State,
    caller: Caller,
    chat_id: PathId<ChatId>,
    body: ApiJson<MarkReadRequest>,
) -> Result<Json<ReadCursor>, Error> {
    messages::mark_read(&state, caller, Target::Chat(chat_id.0), body.0.seq, None)
        .await
        .map(Json)
}

/// Send a direct message to a user, opening the chat on the first message.
#[endpoint(tags("chats"))]
pub(super) async fn send_to_user(
    state: State,
    caller: Caller,
    user_id: PathId<UserId>,
    body: ApiJson<SendMessageRequest>,
) -> Result<Created<Message>, Error> {
    chats::send_to_user(&state, caller, user_id.0, body.0)
        .await
        .map(Created)
}

/// Read a page of the direct chat with a user.
///
/// The same page as `GET /api/v1/chats/{chat_id}/messages`, found by the other user's id;
/// `404` when the two have no chat (or the caller deleted it).
#[endpoint(tags("chats"))]
pub(super) async fn user_history(
    state: State,
    caller: Caller,
    user_id: PathId<UserId>,
    query: ApiQuery<HistoryQuery>,
) -> Result<Json<MessagePage>, Error> {
    chats::history_with_user(&state, caller, user_id.0, query.0)
        .await
        .map(Json)
}
