//! Server administration: everything here needs a server admin, and every change is audited.

use chat_core::v1::{
    AdminMessagesQuery, AdminUser, AdminUserPage, AuditAction, AuditPage, ListQuery, MessagePage,
    PageQuery, ServerStats, UserId, close_code,
};

use crate::auth::caller::Caller;
use crate::error::Error;
use crate::state::AppState;

/// Refuses callers who are not server admins.
pub async fn require_admin(state: &AppState, caller: Caller) -> Result<(), Error> {
    if state.store.is_admin(caller.user_id).await? {
        Ok(())
    } else {
        Err(Error::Forbidden("only server admins can do this"))
    }
}

/// Users with their admin and disabled flags.
pub async fn users(
    state: &AppState,
    caller: Caller,
    query: ListQuery,
) -> Result<AdminUserPage, Error> {
    require_admin(state, caller).await?;
    Ok(state
        .store
        .admin_users(
            query.q.as_ref().map(|q| q.as_str()),
            query.after.as_ref(),
            query.limit.unwrap_or_default(),
        )
        .await?)
}

/// Disables (or enables) an account. A disabled user cannot log in, their tokens are
/// refused, and their open connections close at once.
pub async fn set_disabled(
    state: &AppState,
    caller: Caller,
    user: UserId,
    disabled: bool,
) -> Result<AdminUser, Error> {
    require_admin(state, caller).await?;
    if disabled && user == caller.user_id {
        return Err(Error::Conflict("admins cannot disable themselves"));
    }
    if !state.store.set_disabled(user, disabled).await? {
        return Err(Error::NotFound("user"));
    }
    if disabled {
        state.hub.close_user(user, close_code::UNAUTHORIZED);
    }
    let action = if disabled {
        AuditAction::UserDisable
    } else {
        AuditAction::UserEnable
    };
    state
        .store
        .audit(Some(caller.user_id), action, &user.to_string())
        .await?;
    state
        .store
        .admin_user(user)
        .await?
        .ok_or(Error::NotFound("user"))
}

/// Messages of every conversation, newest first.
pub async fn messages(
    state: &AppState,
    caller: Caller,
    query: AdminMessagesQuery,
) -> Result<MessagePage, Error> {
    require_admin(state, caller).await?;
    let (items, more) = state.store.all_messages(&query).await?;
    let next_cursor = if more {
        items.last().map(|m| m.id)
    } else {
        None
    };
    Ok(MessagePage { items, next_cursor })
}

/// Moderation: the ordinary delete routes' answer to a caller their own rules refused. A
/// server admin may still delete (`erase`, then audited as `action` on `target`); anyone
/// else gets `refused` unchanged.
pub(crate) async fn moderate(
    state: &AppState,
    caller: Caller,
    refused: Error,
    action: AuditAction,
    target: String,
    erase: impl Future<Output = Result<(), Error>>,
) -> Result<(), Error> {
    if !state.store.is_admin(caller.user_id).await? {
        return Err(refused);
    }
    erase.await?;
    state
        .store
        .audit(Some(caller.user_id), action, &target)
        .await?;
    Ok(())
}

/// What the server holds.
pub async fn stats(state: &AppState, caller: Caller) -> Result<ServerStats, Error> {
    require_admin(state, caller).await?;
    let (users, lobbies, messages) = state.store.stats().await?;
    Ok(ServerStats {
        users,
        lobbies,
        messages,
        open_connections: u64::try_from(state.hub.connection_count()).unwrap_or(u64::MAX),
    })
}

/// The audit log, newest first.
pub async fn audit(state: &AppState, caller: Caller, query: PageQuery) -> Result<AuditPage, Error> {
    require_admin(state, caller).await?;
    Ok(state
        .store
        .audit_log(query.after.as_ref(), query.limit.unwrap_or_default())
        .await?)
}
