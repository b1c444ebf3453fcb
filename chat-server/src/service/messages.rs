//! Posting, reading, editing and deleting messages in any conversation, and read cursors.
//!
//! REST handlers and the WebSocket gateway both come here, and every change is published to
//! the hub from here (new lobby messages through the store's commit hook, in `seq` order):
//! one pipeline, so a message posted over REST arrives live too.

use chat_core::v1::{
    AuditAction, ConversationId, HistoryQuery, LobbyId, Message, MessageContent, MessageId,
    MessagePage, ReadCursor, SendMessageRequest, ServerFrame, UserId, ValidationError,
    ValidationErrorKind,
};

use std::sync::Arc;

use super::access::{self, Target};
use crate::auth::caller::Caller;
use crate::error::Error;
use crate::state::{AppState, SharedState};
use crate::store::messages::Anchor;
use crate::store::writer::{Announcer, Expect, NewPost, Queued, Written};

/// Posts a message to a conversation the caller belongs to. A `nonce` used before returns
/// the original message without posting again.
pub async fn send(
    state: &AppState,
    caller: Caller,
    target: Target,
    draft: SendMessageRequest,
) -> Result<Message, Error> {
    let submitted = submit(state, caller, target, draft).await?;
    complete(state, submitted).await
}

/// A post that passed the rate limit and waits in the writer's queue (or was answered at
/// once).
#[derive(Debug)]
pub enum Submitted {
    /// Queued; [`complete`] waits for its commit.
    Queued {
        /// The write.
        post: Queued,
        /// Who posts.
        author: UserId,
        /// Where, as the request named it.
        target: Target,
    },
    /// A resent nonce, answered without writing.
    Answered(Message),
}

/// The first half of [`send`]: takes the rate limit, then queues the post. The writer
/// checks membership for its whole batch inside the transaction that writes it (one read
/// per batch rather than one per post); [`complete`] turns a refusal into the exact error.
/// Posts submitted one after another are stored in that order, so a connection can submit
/// its next post while the previous one commits.
pub async fn submit(
    state: &AppState,
    caller: Caller,
    target: Target,
    draft: SendMessageRequest,
) -> Result<Submitted, Error> {
    let SendMessageRequest {
        content,
        nonce,
        reply_to,
    } = draft;
    let conversation_id = target.id();
    if let Err(retry_after) = state.limiter.take(caller.user_id, state.hub.bus()).await {
        // Resending after a reconnect must not fail for a message that exists, so a refused
        // post whose nonce is already stored is answered with the original. Looking the nonce
        // up only here keeps that read off the common path (the writer finds repeats too).
        // Membership first: the original is shown only to someone who may still read it.
        access::conversation_member(state, caller.user_id, target).await?;
        if let Some(nonce) = &nonce
            && let Some(original) = state.store.nonce_original(caller.user_id, nonce).await?
        {
            return accept_duplicate(original, conversation_id).map(Submitted::Answered);
        }
        return Err(Error::RateLimited { retry_after });
    }
    let mentions =
        super::mentions::resolve(state, caller.user_id, conversation_id, &content).await?;
    let post = state
        .store
        .submit_message(NewPost {
            conversation: conversation_id,
            author: caller.user_id,
            content,
            nonce,
            reply_to,
            mentions,
            expect: match target {
                Target::Lobby(_) => Expect::Lobby,
                Target::Chat(_) => Expect::Chat,
                Target::Any(_) => Expect::Either,
            },
        })
        .await?;
    Ok(Submitted::Queued {
        post,
        author: caller.user_id,
        target,
    })
}

/// The second half of [`send`]: waits for the commit, then publishes the message.
pub async fn complete(state: &AppState, submitted: Submitted) -> Result<Message, Error> {
    let (post, author, target) = match submitted {
        Submitted::Answered(message) => return Ok(message),
        Submitted::Queued {
            post,
            author,
            target,
        } => (post, author, target),
    };
    let conversation_id = target.id();
    match post.committed().await? {
        Written::Refused => {
            // Rare: the exact answer (403 for a public lobby one is not in, 404 where the
            // conversation is not theirs to know) comes from the ordinary check.
            access::conversation_member(state, author, target).await?;
            Err(Error::Conflict(
                "your membership changed while the message was being sent; send it again",
            ))
        }
        Written::New {
            message,
            event_seq,
            announcer,
        } => {
            if announcer == Announcer::Poster {
                // The message brings the chat back for a partner who had deleted it.
                for user in state.store.member_ids(conversation_id).await? {
                    state.hub.subscribe_user(user, conversation_id);
                }
                publish_created(state, &message, event_seq);
                // The first message makes the chat shared: each learns the other's presence.
                if message.seq == 1 {
                    super::presence::announce_shared(state, author, conversation_id).await;
                }
            }
            Ok(*message)
        }
        Written::Duplicate(original) => {
            accept_duplicate(state.store.message(original).await?, conversation_id)
        }
        Written::BadReply => Err(Error::Validation(ValidationError {
            field: "reply_to",
            kind: ValidationErrorKind::Malformed(
                "names no message of this conversation (or a deleted one)",
            ),
        })),
    }
}

/// Publishes lobby messages from the store's group-commit writer, right after each commit and
/// in `seq` order, so subscribers see no gaps to fill. Holds the state weakly: the store it
/// is installed on belongs to that state.
pub fn announce_commits(state: &SharedState) {
    let weak = Arc::downgrade(state);
    state.store.on_commit(Box::new(move |message, event_seq| {
        if let Some(state) = weak.upgrade() {
            publish_created(&state, message, event_seq);
        }
    }));
}

fn publish_created(state: &AppState, message: &Message, event_seq: u64) {
    state.hub.publish(&ServerFrame::MessageCreated {
        conversation_id: message.conversation_id,
        seq: event_seq,
        message: message.clone(),
    });
}

/// The answer to a resent nonce: the original message, if it belongs to this conversation.
fn accept_duplicate(
    original: Option<Message>,
    conversation: ConversationId,
) -> Result<Message, Error> {
    match original {
        Some(message) if message.conversation_id == conversation => Ok(message),
        Some(_) => Err(Error::Conflict(
            "this nonce was already used for a message elsewhere",
        )),
        None => Err(Error::NotFound("message")),
    }
}

fn bad_cursor(field: &'static str) -> Error {
    Error::Validation(ValidationError {
        field,
        kind: ValidationErrorKind::Malformed("names no message of this conversation"),
    })
}

/// A page of history (see [`HistoryQuery`] for the directions).
pub async fn history(
    state: &AppState,
    caller: Caller,
    target: Target,
    query: HistoryQuery,
) -> Result<MessagePage, Error> {
    let membership = access::conversation_member(state, caller.user_id, target).await?;
    let conversation = target.id();
    let cursor_seq = |id: MessageId, field: &'static str| async move {
        match state.store.message_meta(id).await? {
            Some(meta) if meta.conversation_id == conversation => Ok(meta.seq),
            _ => Err(bad_cursor(field)),
        }
    };
    let anchor = match (query.before, query.after) {
        (Some(_), Some(_)) => {
            return Err(Error::Validation(ValidationError {
                field: "after",
                kind: ValidationErrorKind::Malformed("cannot be combined with `before`"),
            }));
        }
        (Some(before), None) => Anchor::Before(cursor_seq(before, "before").await?),
        (None, Some(after)) => Anchor::After(cursor_seq(after, "after").await?),
        (None, None) => Anchor::Latest,
    };
    let floor = membership.floor_seq();
    let (mut items, more) = state
        .store
        .history(conversation, anchor, floor, query.limit.unwrap_or_default())
        .await?;
    for message in &mut items {
        message.hide_quote_up_to(floor);
    }
    state
        .store
        .attach_reactions(&mut items, caller.user_id)
        .await?;
    let next_cursor = if more {
        items.last().map(|m| m.id)
    } else {
        None
    };
    Ok(MessagePage { items, next_cursor })
}

/// One message of a lobby.
pub async fn get_in_lobby(
    state: &AppState,
    caller: Caller,
    lobby: LobbyId,
    id: MessageId,
) -> Result<Message, Error> {
    access::lobby_member(state, caller.user_id, lobby).await?;
    match state.store.message(id).await? {
        Some(mut message) if message.conversation_id == lobby.into() => {
            state
                .store
                .attach_reactions(std::slice::from_mut(&mut message), caller.user_id)
                .await?;
            Ok(message)
        }
        _ => Err(Error::NotFound("message")),
    }
}

/// Loads a message the caller can see, with their membership of its conversation.
pub(super) async fn visible(
    state: &AppState,
    caller: Caller,
    id: MessageId,
) -> Result<(crate::store::messages::MessageMeta, access::Membership), Error> {
    let meta = state
        .store
        .message_meta(id)
        .await?
        .ok_or(Error::NotFound("message"))?;
    let membership =
        access::conversation_member(state, caller.user_id, Target::Any(meta.conversation_id))
            .await
            .map_err(|e| match e {
                // Whether the message exists somewhere the caller cannot see is not theirs to know.
                Error::NotFound(_) => Error::NotFound("message"),
                other => other,
            })?;
    if meta.deleted || meta.seq <= membership.floor_seq() {
        return Err(Error::NotFound("message"));
    }
    Ok((meta, membership))
}

/// Edits a message (its author only).
pub async fn edit(
    state: &AppState,
    caller: Caller,
    id: MessageId,
    content: MessageContent,
) -> Result<Message, Error> {
    super::limits::take_action(state, caller.user_id).await?;
    let (meta, membership) = visible(state, caller, id).await?;
    if meta.author_id != Some(caller.user_id) {
        return Err(Error::Forbidden("only the author can edit a message"));
    }
    let mentions =
        super::mentions::resolve(state, caller.user_id, meta.conversation_id, &content).await?;
    let (message, seq) = state
        .store
        .edit_message(id, &content, &mentions)
        .await?
        .ok_or(Error::NotFound("message"))?;
    state.hub.publish(&ServerFrame::MessageUpdated {
        conversation_id: message.conversation_id,
        seq,
        message: message.clone(),
    });
    let mut message = message;
    message.hide_quote_up_to(membership.floor_seq());
    Ok(message)
}

/// Deletes a message for everyone: its author, an admin of its lobby, or a server admin
/// moderating (audited).
pub async fn delete(state: &AppState, caller: Caller, id: MessageId) -> Result<(), Error> {
    super::limits::take_action(state, caller.user_id).await?;
    let refused = match visible(state, caller, id).await {
        Ok((meta, membership))
            if meta.author_id == Some(caller.user_id) || membership.is_admin() =>
        {
            return erase(state, id).await;
        }
        Ok(_) => Error::Forbidden("only the author or a lobby admin can delete a message"),
        Err(refused) => refused,
    };
    // Only a refusal costs the extra lookup; one route serves authors and both kinds of admin.
    super::admin::moderate(
        state,
        caller,
        refused,
        AuditAction::MessageDelete,
        id.to_string(),
        erase(state, id),
    )
    .await
}

/// Deletes a message, with no access check, and tells the conversation.
pub(crate) async fn erase(state: &AppState, id: MessageId) -> Result<(), Error> {
    let deleted = state
        .store
        .delete_message(id)
        .await?
        .ok_or(Error::NotFound("message"))?;
    state.hub.publish(&ServerFrame::MessageDeleted {
        conversation_id: deleted.conversation_id,
        seq: deleted.event_seq,
        message_id: id,
        message_seq: deleted.message_seq,
    });
    Ok(())
}

/// Moves the caller's read cursor forward and tells their other connections.
pub async fn mark_read(
    state: &AppState,
    caller: Caller,
    target: Target,
    seq: u64,
    from: Option<crate::hub::ConnId>,
) -> Result<ReadCursor, Error> {
    access::conversation_member(state, caller.user_id, target).await?;
    let conversation_id = target.id();
    let read_seq = state
        .store
        .mark_read(conversation_id, caller.user_id, seq)
        .await?;
    state.hub.send_to_user(
        caller.user_id,
        &ServerFrame::Read {
            conversation_id,
            seq: read_seq,
        },
        from,
        false,
    );
    Ok(ReadCursor {
        conversation_id,
        read_seq,
    })
}
