//! Whom a message calls, and each user's inbox of the messages that call them.
//!
//! The content is parsed with the one Markdown parser every client renders with
//! ([`chat_core::markup`]), so a name inside code is not a mention for the server either.
//! `@username` calls a member of the conversation (anyone else's name stays text); `@here`
//! calls the members online at the time; `@everyone` (`@all`) calls every member, from lobby
//! admins only, and in lobbies over [`Broadcast::MAX_EVERYONE`] members from server admins
//! only. In a direct chat, only names count.

use chat_core::markup::{Document, Mention};
use chat_core::v1::{
    Broadcast, ConversationId, MentionPage, MentionQuery, Mentioned, MessageContent, UserId,
    ValidationError, ValidationErrorKind,
};

use super::access::{self, Target};
use crate::auth::caller::Caller;
use crate::error::Error;
use crate::state::AppState;
use crate::store::conversations::ConversationKind;
use crate::store::mentions::Mentions;

/// Distinct names looked up per message; later ones stay text.
pub const MAX_NAMED: usize = 50;

/// Resolves whom `content`, posted by `author` in `conversation`, calls.
pub async fn resolve(
    state: &AppState,
    author: UserId,
    conversation: ConversationId,
    content: &MessageContent,
) -> Result<Mentions, Error> {
    // Most messages name nobody: skip the parse.
    if !content.as_str().contains('@') {
        return Ok(Mentions::default());
    }
    let (mut names, mut here, mut everyone) = (Vec::new(), false, false);
    for mention in Document::parse(content.as_str()).mentions() {
        match mention {
            Mention::User { username } if names.len() < MAX_NAMED => names.push(username),
            Mention::User { .. } => {}
            Mention::Here => here = true,
            Mention::Everyone => everyone = true,
        }
    }
    let named = state.store.members_named(conversation, &names).await?;
    let broadcast = if here || everyone {
        broadcast(state, author, conversation, here, everyone).await?
    } else {
        None
    };
    let mut inbox = match broadcast {
        None => named.clone(),
        Some(Broadcast::Everyone) => state.store.member_ids(conversation).await?,
        Some(Broadcast::Here) => {
            let members = state.store.member_ids(conversation).await?;
            let mut online = state.hub.online_among(conversation, &members).await;
            online.extend(named.iter().copied());
            online
        }
    };
    inbox.retain(|user| *user != author);
    inbox.sort_unstable();
    inbox.dedup();
    Ok(Mentions {
        named,
        broadcast,
        inbox,
    })
}

/// The broadcast `author` may make: `@everyone` from a lobby admin (a server admin past
/// [`Broadcast::MAX_EVERYONE`] members), else `@here` in a lobby; `None` in a chat.
async fn broadcast(
    state: &AppState,
    author: UserId,
    conversation: ConversationId,
    here: bool,
    everyone: bool,
) -> Result<Option<Broadcast>, Error> {
    let membership = access::conversation_member(state, author, Target::Any(conversation)).await?;
    if !matches!(membership.kind, ConversationKind::Lobby(_)) {
        return Ok(None);
    }
    if everyone && membership.is_admin() {
        let members = state.store.member_count(conversation).await?;
        if members > Broadcast::MAX_EVERYONE && !state.store.is_admin(author).await? {
            return Err(Error::Validation(ValidationError {
                field: "content",
                kind: ValidationErrorKind::Malformed(
                    "@everyone is for lobbies of at most 1,000 members (server admins excepted); \
                     use @here",
                ),
            }));
        }
        return Ok(Some(Broadcast::Everyone));
    }
    Ok(here.then_some(Broadcast::Here))
}

/// A page of the caller's inbox.
pub async fn inbox(
    state: &AppState,
    caller: Caller,
    query: MentionQuery,
) -> Result<MentionPage, Error> {
    let (items, more) = state
        .store
        .mention_inbox(
            caller.user_id,
            query.before,
            query.limit.unwrap_or_default(),
        )
        .await?;
    let (mut messages, read): (Vec<_>, Vec<_>) = items.into_iter().unzip();
    state
        .store
        .attach_reactions(&mut messages, caller.user_id)
        .await?;
    let next_cursor = if more {
        messages.last().map(|m| m.id)
    } else {
        None
    };
    Ok(MentionPage {
        items: messages
            .into_iter()
            .zip(read)
            .map(|(message, read)| Mentioned { message, read })
            .collect(),
        next_cursor,
    })
}
