//! The user directory.

use chat_core::v1::{ListQuery, User, UserId, UserPage};

use crate::auth::caller::Caller;
use crate::error::Error;
use crate::state::AppState;

/// Users whose username or display name starts with `q`.
pub async fn list(state: &AppState, _caller: Caller, query: ListQuery) -> Result<UserPage, Error> {
    Ok(state
        .store
        .list_users(
            query.q.as_ref().map(|q| q.as_str()),
            query.after.as_ref(),
            query.limit.unwrap_or_default(),
        )
        .await?)
}

/// One user's public profile.
pub async fn get(state: &AppState, _caller: Caller, id: UserId) -> Result<User, Error> {
    state.store.user(id).await?.ok_or(Error::NotFound("user"))
}
