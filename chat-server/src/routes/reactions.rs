//! `PUT|DELETE|GET /api/v1/messages/{message_id}/reactions/{emoji}`,
//! `PUT|DELETE /api/v1/messages/{message_id}/pin`, `GET /api/v1/lobbies/{lobby_id}/pins`,
//! `GET /api/v1/chats/{chat_id}/pins`.

use chat_core::v1::{ChatId, Emoji, LobbyId, MessageId, PageQuery, PinList, ReactorPage};
use salvo::prelude::*;

use super::NoContent;
use crate::auth::caller::Caller;
use crate::error::Error;
use crate::extract::{ApiQuery, PathId, PathValue, State};
use crate::service::access::Target;
use crate::service::reactions;

/// The reaction and pin routes of a message, mounted under `/messages/{message_id}`.
pub(super) fn message_router() -> Router {
    Router::new()
        .push(
            Router::with_path("reactions/{emoji}")
                .put(react)
                .delete(unreact)
                .get(reactors),
        )
        .push(Router::with_path("pin").put(pin).delete(unpin))
}

/// `GET /pins`, mounted under `/lobbies/{lobby_id}`.
pub(super) fn lobby_pins_router() -> Router {
    Router::with_path("pins").get(lobby_pins)
}

/// `GET /pins`, mounted under `/chats/{chat_id}`.
pub(super) fn chat_pins_router() -> Router {
    Router::with_path("pins").get(chat_pins)
}

/// React to a message (anyone who can read it).
///
/// `emoji` is one emoji (percent-encoded UTF-8) or a `:shortcode:` naming one. Idempotent:
/// reacting again changes nothing. At most 20 different emojis per message (`409`).
#[endpoint(tags("reactions"))]
async fn react(
    state: State,
    caller: Caller,
    message_id: PathId<MessageId>,
    emoji: PathValue<Emoji>,
) -> Result<NoContent, Error> {
    reactions::react(&state, caller, message_id.0, emoji.0)
        .await
        .map(|()| NoContent)
}

/// Take one's reaction back. Idempotent.
#[endpoint(tags("reactions"))]
async fn unreact(
    state: State,
    caller: Caller,
    message_id: PathId<MessageId>,
    emoji: PathValue<Emoji>,
) -> Result<NoContent, Error> {
    reactions::unreact(&state, caller, message_id.0, emoji.0)
        .await
        .map(|()| NoContent)
}

/// Who reacted to a message with one emoji, first reacted first (anyone who can read it).
#[endpoint(tags("reactions"))]
async fn reactors(
    state: State,
    caller: Caller,
    message_id: PathId<MessageId>,
    emoji: PathValue<Emoji>,
    query: ApiQuery<PageQuery>,
) -> Result<Json<ReactorPage>, Error> {
    reactions::reactors(&state, caller, message_id.0, emoji.0, query.0)
        .await
        .map(Json)
}

/// Pin a message (lobby admins; either participant of a direct chat).
///
/// Idempotent. At most 50 pinned messages per conversation (`409`).
#[endpoint(tags("reactions"))]
async fn pin(
    state: State,
    caller: Caller,
    message_id: PathId<MessageId>,
) -> Result<NoContent, Error> {
    reactions::pin(&state, caller, message_id.0)
        .await
        .map(|()| NoContent)
}

/// Unpin a message (as for pinning). Idempotent.
#[endpoint(tags("reactions"))]
async fn unpin(
    state: State,
    caller: Caller,
    message_id: PathId<MessageId>,
) -> Result<NoContent, Error> {
    reactions::unpin(&state, caller, message_id.0)
        .await
        .map(|()| NoContent)
}

/// A lobby's pinned messages, newest pin first (members).
#[endpoint(tags("reactions"))]
async fn lobby_pins(
    state: State,
    caller: Caller,
    lobby_id: PathId<LobbyId>,
) -> Result<Json<PinList>, Error> {
    reactions::pins(&state, caller, Target::Lobby(lobby_id.0))
        .await
        .map(Json)
}

/// A direct chat's pinned messages, newest pin first.
#[endpoint(tags("reactions"))]
async fn chat_pins(
    state: State,
    caller: Caller,
    chat_id: PathId<ChatId>,
) -> Result<Json<PinList>, Error> {
    reactions::pins(&state, caller, Target::Chat(chat_id.0))
        .await
        .map(Json)
}
