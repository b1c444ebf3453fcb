//! `/api/v1/admin/*`: server administration (server admins only; every change audited).
//!
//! Moderation has no routes of its own: server admins delete any lobby or message through
//! `DELETE /api/v1/lobbies/{lobby_id}` and `DELETE /api/v1/messages/{message_id}`, so each
//! resource has one URI and one way to be deleted.

use chat_core::v1::{
    AdminMessagesQuery, AdminUser, AdminUserPage, AuditPage, ListQuery, MessagePage, PageQuery,
    ServerStats, UserId,
};
use salvo::prelude::*;

use crate::auth::caller::Caller;
use crate::error::Error;
use crate::extract::{ApiQuery, PathId, State};
use crate::service::admin;

pub(super) fn router() -> Router {
    Router::with_path("admin")
        .push(
            Router::with_path("users").get(users).push(
                Router::with_path("{user_id}")
                    .push(Router::with_path("disable").post(disable_user))
                    .push(Router::with_path("enable").post(enable_user))
                    .push(Router::with_path("messages").get(user_messages)),
            ),
        )
        .push(Router::with_path("messages").get(messages))
        .push(Router::with_path("stats").get(stats))
        .push(Router::with_path("audit").get(audit))
        .push(super::tokens::admin_router())
}

/// List users with their admin and disabled flags.
#[endpoint(tags("admin"))]
async fn users(
    state: State,
    caller: Caller,
    query: ApiQuery<ListQuery>,
) -> Result<Json<AdminUserPage>, Error> {
    admin::users(&state, caller, query.0).await.map(Json)
}

/// Disable an account.
///
/// The user can no longer log in, their tokens are refused and their connections close.
#[endpoint(tags("admin"))]
async fn disable_user(
    state: State,
    caller: Caller,
    user_id: PathId<UserId>,
) -> Result<Json<AdminUser>, Error> {
    admin::set_disabled(&state, caller, user_id.0, true)
        .await
        .map(Json)
}

/// Enable a disabled account.
#[endpoint(tags("admin"))]
async fn enable_user(
    state: State,
    caller: Caller,
    user_id: PathId<UserId>,
) -> Result<Json<AdminUser>, Error> {
    admin::set_disabled(&state, caller, user_id.0, false)
        .await
        .map(Json)
}

/// All messages, newest first, filtered by lobby, author and time.
#[endpoint(tags("admin"))]
async fn messages(
    state: State,
    caller: Caller,
    query: ApiQuery<AdminMessagesQuery>,
) -> Result<Json<MessagePage>, Error> {
    admin::messages(&state, caller, query.0).await.map(Json)
}

/// One user's messages, newest first.
#[endpoint(tags("admin"))]
async fn user_messages(
    state: State,
    caller: Caller,
    user_id: PathId<UserId>,
    query: ApiQuery<AdminMessagesQuery>,
) -> Result<Json<MessagePage>, Error> {
    let query = AdminMessagesQuery {
        user_id: Some(user_id.0),
        ..query.0
    };
    admin::messages(&state, caller, query).await.map(Json)
}

/// Server statistics.
#[endpoint(tags("admin"))]
async fn stats(state: State, caller: Caller) -> Result<Json<ServerStats>, Error> {
    admin::stats(&state, caller).await.map(Json)
}

/// The audit log of admin actions, newest first.
#[endpoint(tags("admin"))]
async fn audit(
    state: State,
    caller: Caller,
    query: ApiQuery<PageQuery>,
) -> Result<Json<AuditPage>, Error> {
    admin::audit(&state, caller, query.0).await.map(Json)
}
