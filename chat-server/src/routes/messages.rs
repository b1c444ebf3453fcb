//! `POST|GET /api/v1/lobbies/{lobby_id}/messages`,
//! `GET /api/v1/lobbies/{lobby_id}/messages/{message_id}`,
//! `PATCH|DELETE /api/v1/messages/{message_id}`, `GET /api/v1/mentions`.

use chat_core::v1::{
    EditMessageRequest, HistoryQuery, LobbyId, MarkReadRequest, MentionPage, MentionQuery, Message,
    MessageId, MessagePage, ReadCursor, SendMessageRequest,
};
use salvo::prelude::*;

use super::{Created, NoContent};
use crate::auth::caller::Caller;
use crate::error::Error;
use crate::extract::{ApiJson, ApiQuery, PathId, State};
use crate::service::access::Target;
use crate::service::{mentions, messages};

/// The lobby message routes, mounted under `/lobbies/{lobby_id}`.
pub(super) fn lobby_router() -> Router {
    Router::with_path("messages")
        .post(send_lobby_message)
        .get(lobby_history)
        .push(Router::with_path("{message_id}").get(get_lobby_message))
}

/// `POST /lobbies/{lobby_id}/read`, mounted under `/lobbies/{lobby_id}`.
pub(super) fn lobby_read_router() -> Router {
    Router::with_path("read").post(mark_lobby_read)
}

/// Mark a lobby read up to a message seq (members).
///
/// The cursor only moves forward and never past the newest message; the caller's other
/// connections receive a `read` event.
#[endpoint(tags("messages"))]
async fn mark_lobby_read(
    state: State,
    caller: Caller,
    lobby_id: PathId<LobbyId>,
    body: ApiJson<MarkReadRequest>,
) -> Result<Json<ReadCursor>, Error> {
    messages::mark_read(&state, caller, Target::Lobby(lobby_id.0), body.0.seq, None)
        .await
        .map(Json)
}

/// The routes of any message, lobby or direct.
pub(super) fn router() -> Router {
    Router::with_path("messages/{message_id}")
        .patch(edit_message)
        .delete(delete_message)
        .push(super::reactions::message_router())
}

/// `GET /mentions`: the caller's inbox.
pub(super) fn mentions_router() -> Router {
    Router::with_path("mentions").get(mention_inbox)
}

/// The caller's mention inbox: messages that call them by name, `@here` or `@everyone`,
/// newest first, with whether each is read. Only messages they can still read.
#[endpoint(tags("messages"))]
async fn mention_inbox(
    state: State,
    caller: Caller,
    query: ApiQuery<MentionQuery>,
) -> Result<Json<MentionPage>, Error> {
    mentions::inbox(&state, caller, query.0).await.map(Json)
}

/// Post a message to a lobby (members).
#[endpoint(tags("messages"))]
async fn send_lobby_message(
    state: State,
    caller: Caller,
    lobby_id: PathId<LobbyId>,
    body: ApiJson<SendMessageRequest>,
) -> Result<Created<Message>, Error> {
    messages::send(&state, caller, Target::Lobby(lobby_id.0), body.0)
        .await
        .map(Created)
}

/// Read a lobby's history (members).
///
/// Newest first; with `after`, oldest first from just after that message. Deleted messages
/// are left out. Keyset pagination: follow `next_cursor`.
#[endpoint(tags("messages"))]
async fn lobby_history(
    state: State,
    caller: Caller,
    lobby_id: PathId<LobbyId>,
    query: ApiQuery<HistoryQuery>,
) -> Result<Json<MessagePage>, Error> {
    messages::history(&state, caller, Target::Lobby(lobby_id.0), query.0)
        .await
        .map(Json)
}

/// Get one message of a lobby (members).
#[endpoint(tags("messages"))]
async fn get_lobby_message(
    state: State,
    caller: Caller,
    lobby_id: PathId<LobbyId>,
    message_id: PathId<MessageId>,
) -> Result<Json<Message>, Error> {
    messages::get_in_lobby(&state, caller, lobby_id.0, message_id.0)
        .await
        .map(Json)
}

/// Edit a message (its author).
#[endpoint(tags("messages"))]
async fn edit_message(
    state: State,
    caller: Caller,
    message_id: PathId<MessageId>,
    body: ApiJson<EditMessageRequest>,
) -> Result<Json<Message>, Error> {
    messages::edit(&state, caller, message_id.0, body.0.content)
        .await
        .map(Json)
}

/// Delete a message for everyone (its author, an admin of its lobby, or a server admin).
///
/// The message disappears from history and its text is erased.
#[endpoint(tags("messages"))]
async fn delete_message(
    state: State,
    caller: Caller,
    message_id: PathId<MessageId>,
) -> Result<NoContent, Error> {
    messages::delete(&state, caller, message_id.0)
        .await
        .map(|()| NoContent)
}
