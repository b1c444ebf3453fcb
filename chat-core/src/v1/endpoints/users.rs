//! Accounts and users: `/api/v1/users/*` (direct messages are in [`super::chats`], avatars
//! in [`super::images`], `POST /api/v1/users` in [`super::tokens`]).

use super::{NoBody, NoContent, NoQuery};
use crate::v1::{Account, ListQuery, UpdateAccountRequest, User, UserId, UserPage};

endpoints! {
    /// Get my account.
    Get "/api/v1/users/me" => GetMe {}
        body: NoBody, query: NoQuery, response: Account;
    /// Update my account.
    Patch "/api/v1/users/me" => UpdateMe {}
        body: UpdateAccountRequest, query: NoQuery, response: Account;
    /// Delete my account.
    Delete "/api/v1/users/me" => DeleteMe {}
        body: NoBody, query: NoQuery, response: NoContent;
    /// List or search users.
    Get "/api/v1/users" => ListUsers {}
        body: NoBody, query: ListQuery, response: UserPage;
    /// Get a user.
    Get "/api/v1/users/{user_id}" => GetUser { user_id: UserId }
        body: NoBody, query: NoQuery, response: User;
}
