//! Direct chats.

use chat_core::v1::{
    Chat, ChatId, ChatList, HistoryQuery, Message, MessagePage, SendMessageRequest, ServerFrame,
    UserId, ValidationError, ValidationErrorKind,
};

use super::access;
use crate::auth::caller::Caller;
use crate::error::Error;
use crate::state::AppState;

/// Opens the chat with `partner` (or finds it). Returns the chat and whether it is new.
pub async fn open(
    state: &AppState,
    caller: Caller,
    partner: UserId,
) -> Result<(Chat, bool), Error> {
    super::limits::take_action(state, caller.user_id).await?;
    open_chat(state, caller, partner).await
}

/// [`open`] without taking an action token: [`send_to_user`] takes its own.
async fn open_chat(
    state: &AppState,
    caller: Caller,
    partner: UserId,
) -> Result<(Chat, bool), Error> {
    if partner == caller.user_id {
        return Err(Error::Validation(ValidationError {
            field: "user_id",
            kind: ValidationErrorKind::Malformed("cannot open a chat with yourself"),
        }));
    }
    if state.store.user(partner).await?.is_none() {
        return Err(Error::NotFound("user"));
    }
    let (id, created) = state.store.open_chat(caller.user_id, partner).await?;
    // The partner is subscribed by the first message, which shows them the chat.
    state.hub.subscribe_user(caller.user_id, id.into());
    let chat = state
        .store
        .chat(id, caller.user_id)
        .await?
        .ok_or(Error::NotFound("chat"))?;
    Ok((chat, created))
}

/// The caller's chats.
pub async fn mine(state: &AppState, caller: Caller) -> Result<ChatList, Error> {
    Ok(ChatList {
        items: state.store.my_chats(caller.user_id).await?,
    })
}

/// One chat of the caller.
pub async fn get(state: &AppState, caller: Caller, id: ChatId) -> Result<Chat, Error> {
    access::chat_member(state, caller.user_id, id).await?;
    state
        .store
        .chat(id, caller.user_id)
        .await?
        .ok_or(Error::NotFound("chat"))
}

/// Deletes a chat for the caller only.
pub async fn hide(state: &AppState, caller: Caller, id: ChatId) -> Result<(), Error> {
    super::limits::take_action(state, caller.user_id).await?;
    access::chat_member(state, caller.user_id, id).await?;
    state.store.hide_chat(id, caller.user_id).await?;
    state.hub.unsubscribe_user(caller.user_id, id.into());
    state.hub.send_to_user(
        caller.user_id,
        &ServerFrame::ChatDeleted {
            conversation_id: id.into(),
        },
        None,
        false,
    );
    Ok(())
}

/// Sends a direct message to a user, opening the chat on the first message.
pub async fn send_to_user(
    state: &AppState,
    caller: Caller,
    partner: UserId,
    draft: SendMessageRequest,
) -> Result<Message, Error> {
    // A new chat is a durable write of its own, before the post's: it takes an action token,
    // so a user whose send budget is spent cannot open chats with strangers by trying.
    if state
        .store
        .chat_between(caller.user_id, partner)
        .await?
        .is_none()
    {
        super::limits::take_action(state, caller.user_id).await?;
    }
    let (chat, _) = open_chat(state, caller, partner).await?;
    super::messages::send(state, caller, access::Target::Chat(chat.id), draft).await
}

/// A page of the direct chat between the caller and `partner`, by the partner's id: the
/// same page, with the same rules, as the chat's own history route.
pub async fn history_with_user(
    state: &AppState,
    caller: Caller,
    partner: UserId,
    query: HistoryQuery,
) -> Result<MessagePage, Error> {
    let chat = state
        .store
        .chat_between(caller.user_id, partner)
        .await?
        .filter(|_| partner != caller.user_id)
        .ok_or(Error::NotFound("chat"))?;
    super::messages::history(state, caller, access::Target::Chat(chat), query).await
}
