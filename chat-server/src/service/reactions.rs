//! Reactions and pins: who may react, pin and list, and the events each change publishes.
//!
//! - Anyone who can read a message may react to it (and take their reaction back); both are
//!   idempotent. A message has at most 20 distinct emojis (`409` past it).
//! - Lobby admins pin and unpin; in a direct chat, either participant does. At most 50 pins
//!   per conversation (`409` past it).
//! - Every change takes an action token (the limit edits and joins share, across REST,
//!   WebSocket and nodes) and publishes its conversation event after the commit.

use chat_core::v1::{
    Cursor, Emoji, MessageId, PageQuery, Pin, PinEvent, PinList, ReactionEvent, ReactorPage,
    ServerFrame, Timestamp, ValidationError, ValidationErrorKind,
};

use super::access::{self, Target};
use super::messages::visible;
use crate::auth::caller::Caller;
use crate::error::Error;
use crate::state::AppState;
use crate::store::conversations::ConversationKind;
use crate::store::reactions::Change;

/// Adds the caller's reaction to a message.
pub async fn react(
    state: &AppState,
    caller: Caller,
    id: MessageId,
    emoji: Emoji,
) -> Result<(), Error> {
    super::limits::take_action(state, caller.user_id).await?;
    visible(state, caller, id).await?;
    let change = state.store.add_reaction(id, caller.user_id, &emoji).await?;
    publish_reaction(state, caller, id, emoji, change, ServerFrame::ReactionAdded)
}

/// Takes the caller's reaction off a message.
pub async fn unreact(
    state: &AppState,
    caller: Caller,
    id: MessageId,
    emoji: Emoji,
) -> Result<(), Error> {
    super::limits::take_action(state, caller.user_id).await?;
    visible(state, caller, id).await?;
    let change = state
        .store
        .remove_reaction(id, caller.user_id, &emoji)
        .await?;
    publish_reaction(
        state,
        caller,
        id,
        emoji,
        change,
        ServerFrame::ReactionRemoved,
    )
}

/// A committed change (always [`Change::Done`]); `None` when the change changed nothing.
/// `full` is the refusal when the change would pass its limit.
fn committed(change: Change, full: &'static str) -> Result<Option<Change>, Error> {
    match change {
        done @ Change::Done { .. } => Ok(Some(done)),
        Change::Unchanged => Ok(None),
        Change::Full => Err(Error::Conflict(full)),
        Change::Gone => Err(Error::NotFound("message")),
    }
}

fn publish_reaction(
    state: &AppState,
    caller: Caller,
    message_id: MessageId,
    emoji: Emoji,
    change: Change,
    frame: fn(ReactionEvent) -> ServerFrame,
) -> Result<(), Error> {
    let full = "a message has at most 20 different reactions";
    if let Some(Change::Done {
        conversation,
        message_seq,
        event_seq,
        count,
        ..
    }) = committed(change, full)?
    {
        state.hub.publish(&frame(ReactionEvent {
            conversation_id: conversation,
            seq: event_seq,
            message_id,
            message_seq,
            user_id: caller.user_id,
            emoji,
            count,
        }));
    }
    Ok(())
}

/// Who reacted to a message with `emoji`.
pub async fn reactors(
    state: &AppState,
    caller: Caller,
    id: MessageId,
    emoji: Emoji,
    query: PageQuery,
) -> Result<ReactorPage, Error> {
    visible(state, caller, id).await?;
    // The cursor is the last reaction's position: "<reacted at, ms>.<user id>".
    let after = match &query.after {
        Some(cursor) => Some(
            cursor
                .as_str()
                .split_once('.')
                .and_then(|(at, user)| Some((at.parse::<i64>().ok()?, user.parse().ok()?)))
                .ok_or(Error::Validation(ValidationError {
                    field: "after",
                    kind: ValidationErrorKind::Malformed("not a cursor of this list"),
                }))?,
        ),
        None => None,
    };
    let (rows, more) = state
        .store
        .reactors(id, &emoji, after, query.limit.unwrap_or_default())
        .await?;
    let next_cursor = match rows.last() {
        Some((author, at)) if more => Some(Cursor::new(format!("{at}.{}", author.id))?),
        _ => None,
    };
    Ok(ReactorPage {
        items: rows.into_iter().map(|(author, _)| author).collect(),
        next_cursor,
    })
}

/// Whether the caller may pin in the conversation of message `id`: a lobby admin, or either
/// participant of a chat.
async fn may_pin(state: &AppState, caller: Caller, id: MessageId) -> Result<(), Error> {
    let (_, membership) = visible(state, caller, id).await?;
    match membership.kind {
        ConversationKind::Chat => Ok(()),
        ConversationKind::Lobby(_) if membership.is_admin() => Ok(()),
        ConversationKind::Lobby(_) => Err(Error::Forbidden("only lobby admins can pin messages")),
    }
}

/// Pins a message.
pub async fn pin(state: &AppState, caller: Caller, id: MessageId) -> Result<(), Error> {
    super::limits::take_action(state, caller.user_id).await?;
    may_pin(state, caller, id).await?;
    let change = state.store.pin(id, caller.user_id).await?;
    publish_pin(state, caller, id, change, ServerFrame::MessagePinned)
}

/// Unpins a message.
pub async fn unpin(state: &AppState, caller: Caller, id: MessageId) -> Result<(), Error> {
    super::limits::take_action(state, caller.user_id).await?;
    may_pin(state, caller, id).await?;
    let change = state.store.unpin(id, caller.user_id).await?;
    publish_pin(state, caller, id, change, ServerFrame::MessageUnpinned)
}

fn publish_pin(
    state: &AppState,
    caller: Caller,
    message_id: MessageId,
    change: Change,
    frame: fn(PinEvent) -> ServerFrame,
) -> Result<(), Error> {
    let full = "a conversation has at most 50 pinned messages";
    if let Some(Change::Done {
        conversation,
        message_seq,
        event_seq,
        at,
        ..
    }) = committed(change, full)?
    {
        state.hub.publish(&frame(PinEvent {
            conversation_id: conversation,
            seq: event_seq,
            message_id,
            message_seq,
            user_id: caller.user_id,
            at: Timestamp::from_unix_millis(at)
                .ok_or_else(|| Error::Internal("the clock is out of range".into()))?,
        }));
    }
    Ok(())
}

/// A conversation's pins, newest first, each message as the caller sees it.
pub async fn pins(state: &AppState, caller: Caller, target: Target) -> Result<PinList, Error> {
    let membership = access::conversation_member(state, caller.user_id, target).await?;
    let pins = state
        .store
        .pins(target.id(), membership.floor_seq())
        .await?;
    let ids: Vec<MessageId> = pins.iter().map(|(id, ..)| *id).collect();
    let mut messages = state.store.messages_by_id(&ids).await?;
    for message in &mut messages {
        message.hide_quote_up_to(membership.floor_seq());
    }
    state
        .store
        .attach_reactions(&mut messages, caller.user_id)
        .await?;
    let mut items = Vec::with_capacity(pins.len());
    for (id, pinned_by, pinned_at) in pins {
        // A message deleted between the two reads has left the pins.
        if let Some(message) = messages.iter().find(|m| m.id == id) {
            items.push(Pin {
                message: message.clone(),
                pinned_by,
                pinned_at,
            });
        }
    }
    Ok(PinList { items })
}
