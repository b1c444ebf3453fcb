//! Row types that several table families read: a user's public columns appear in members,
//! events, chats and admin queries as well as in `users.rs`, so they live below all of them.

use chat_core::v1::{Author, User};

use super::{StoreError, parse_id, parse_text, timestamp};

/// A user's public columns (`id, username, display_name, description, created_at`).
#[derive(sqlx::FromRow)]
pub(crate) struct UserRow {
    pub(crate) id: String,
    pub(crate) username: String,
    pub(crate) display_name: String,
    pub(crate) description: String,
    pub(crate) created_at: i64,
}

impl UserRow {
    pub(crate) fn into_user(self) -> Result<User, StoreError> {
        Ok(User {
            id: parse_id(&self.id)?,
            username: parse_text(self.username)?,
            display_name: parse_text(self.display_name)?,
            description: parse_text(self.description)?,
            created_at: timestamp(self.created_at)?,
        })
    }
}

/// The author of a joined row; `None` when the account is gone.
pub(super) fn author(
    id: Option<String>,
    username: Option<String>,
    display_name: Option<String>,
) -> Result<Option<Author>, StoreError> {
    match (id, username, display_name) {
        (Some(id), Some(username), Some(display_name)) => Ok(Some(Author {
            id: parse_id(&id)?,
            username: parse_text(username)?,
            display_name: parse_text(display_name)?,
        })),
        _ => Ok(None),
    }
}
