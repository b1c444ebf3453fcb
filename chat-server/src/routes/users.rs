//! `GET|PATCH|DELETE /api/v1/users/me`, `GET /api/v1/users`, `GET /api/v1/users/{user_id}`.
//! (`POST /api/v1/users/{user_id}/messages` lives with the chats, in [`super::chats`].)

use chat_core::v1::{Account, ListQuery, UpdateAccountRequest, User, UserId, UserPage};
use salvo::prelude::*;

use super::NoContent;
use crate::auth::caller::Caller;
use crate::error::Error;
use crate::extract::{ApiJson, ApiQuery, PathId, State};
use crate::service::{accounts, users};

pub(super) fn router() -> Router {
    Router::with_path("users")
        .get(list_users)
        .post(super::tokens::provision_user)
        .push(
            Router::with_path("me")
                .get(get_me)
                .patch(update_me)
                .delete(delete_me)
                .push(
                    Router::with_path("avatar")
                        .put(super::images::set_avatar)
                        .delete(super::images::remove_avatar),
                ),
        )
        .push(
            // Only id-shaped segments, so `me` never reaches these routes.
            Router::with_path(r"{user_id|[0-9a-fA-F-]+}")
                .get(get_user)
                .push(
                    Router::with_path("messages")
                        .post(super::chats::send_to_user)
                        .get(super::chats::user_history),
                )
                .push(Router::with_path("avatar").get(super::images::get_avatar)),
        )
}

/// Get my account.
#[endpoint(tags("users"))]
async fn get_me(state: State, caller: Caller) -> Result<Json<Account>, Error> {
    accounts::me(&state, caller).await.map(Json)
}

/// Update my account.
///
/// Absent fields are left alone. Changing `password` needs `current_password` and signs out
/// every other session.
#[endpoint(tags("users"))]
async fn update_me(
    state: State,
    caller: Caller,
    body: ApiJson<UpdateAccountRequest>,
) -> Result<Json<Account>, Error> {
    accounts::update_me(&state, caller, body.0).await.map(Json)
}

/// Delete my account.
///
/// Lobby messages stay, shown with no author; direct chats are deleted with their messages;
/// every token of the account stops working.
#[endpoint(tags("users"))]
async fn delete_me(state: State, caller: Caller) -> Result<NoContent, Error> {
    accounts::delete_me(&state, caller)
        .await
        .map(|()| NoContent)
}

/// List or search users.
///
/// Ordered by username; `q` matches the start of the username or display name.
#[endpoint(tags("users"))]
async fn list_users(
    state: State,
    caller: Caller,
    query: ApiQuery<ListQuery>,
) -> Result<Json<UserPage>, Error> {
    users::list(&state, caller, query.0).await.map(Json)
}

/// Get a user.
#[endpoint(tags("users"))]
async fn get_user(
    state: State,
    caller: Caller,
    user_id: PathId<UserId>,
) -> Result<Json<User>, Error> {
    users::get(&state, caller, user_id.0).await.map(Json)
}
