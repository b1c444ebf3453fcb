//! Presence when users start sharing a conversation: a connection learns the presence of
//! everyone it newly shares a conversation with, and they learn its user's, without waiting
//! for a reconnect (`ready` lists who is online only at connect time).

use chat_core::v1::{ConversationId, ServerFrame, UserId};

use crate::error::Error;
use crate::state::AppState;

/// Presence frames sent to a user who joins, at most: a client that needs everyone in a
/// crowded lobby reads its member list.
const MAX_ANNOUNCED: usize = 256;

/// `user` now shares `conversation` with its other members (joined a lobby, was added, or a
/// chat got its first message): tells the members' connections that `user` is online, and
/// `user`'s connections who of the members is online (up to [`MAX_ANNOUNCED`]).
/// Cluster-wide through the hub. Nothing to tell when `user` has no connection.
///
/// Runs after the change it follows has committed and been published, so a failure here is
/// logged, never reported as the change's failure.
pub async fn announce_shared(state: &AppState, user: UserId, conversation: ConversationId) {
    if let Err(e) = announce(state, user, conversation).await {
        let cause = e.internal_cause().unwrap_or_else(|| e.to_string());
        tracing::warn!(%cause, "could not announce presence");
    }
}

async fn announce(
    state: &AppState,
    user: UserId,
    conversation: ConversationId,
) -> Result<(), Error> {
    if !state.hub.is_online(user).await {
        return Ok(());
    }
    state.hub.send_presence(user, &[conversation], true);
    let members = state.store.member_ids(conversation).await?;
    let online = state.hub.online_among(conversation, &members).await;
    for other in online
        .into_iter()
        .filter(|o| *o != user)
        .take(MAX_ANNOUNCED)
    {
        state.hub.send_to_user(
            user,
            &ServerFrame::Presence {
                user_id: other,
                online: true,
            },
            None,
            true,
        );
    }
    Ok(())
}
