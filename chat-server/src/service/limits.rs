//! Per-user rate limits of the actions that change state and fan out to other users: edits,
//! deletions, joins and leaves, member changes, lobby and chat changes. Posting has its own
//! limit (`service::messages::submit`). The buckets are shared by REST and WebSocket, and in
//! a cluster by every node (they live in Redis then).

use chat_core::v1::UserId;

use crate::error::Error;
use crate::state::AppState;

/// Takes one token of `user`'s action budget, or refuses with `429` and the time to wait.
pub async fn take_action(state: &AppState, user: UserId) -> Result<(), Error> {
    state
        .action_limiter
        .take(user, state.hub.bus())
        .await
        .map_err(|retry_after| Error::RateLimited { retry_after })
}
