//! Accounts: the `users` table.

use chat_core::v1::{
    Account, Cursor, Description, DisplayName, Email, PageLimit, User, UserId, UserPage, Username,
};

use super::rows::UserRow;
use super::{Store, StoreError, like_prefix, now_millis, parse_id, parse_text, timestamp};

#[derive(sqlx::FromRow)]
struct AccountRow {
    id: String,
    username: String,
    email: Option<String>,
    display_name: String,
    description: String,
    #[sqlx(try_from = "super::Flag")]
    is_admin: bool,
    created_at: i64,
}

impl AccountRow {
    fn into_account(self) -> Result<Account, StoreError> {
        Ok(Account {
            id: parse_id(&self.id)?,
            username: parse_text(self.username)?,
            display_name: parse_text(self.display_name)?,
            description: parse_text(self.description)?,
            email: self.email.map(parse_text).transpose()?,
            is_admin: self.is_admin,
            created_at: timestamp(self.created_at)?,
        })
    }
}

/// What login needs to check a password.
pub struct Credentials {
    /// The account's id.
    pub id: UserId,
    /// The bcrypt hash.
    pub password_hash: String,
    /// Whether an admin disabled the account.
    pub disabled: bool,
}

/// The fields of an account update; `None` leaves a field alone.
#[derive(Default)]
pub struct AccountChanges {
    /// A new display name.
    pub display_name: Option<DisplayName>,
    /// A new description.
    pub description: Option<Description>,
    /// A new e-mail address (`Some(None)` removes it).
    pub email: Option<Option<Email>>,
    /// A new bcrypt hash.
    pub password_hash: Option<String>,
}

/// What deleting an account changed.
#[derive(Debug)]
pub struct DeletedUser {
    /// The lobbies the user left, and how.
    pub lobbies: Vec<(chat_core::v1::ConversationId, super::members::Removal)>,
    /// The direct chats deleted with the account, with the other participant.
    pub chats: Vec<(chat_core::v1::ChatId, UserId)>,
}

/// A registration that could not be stored.
#[derive(Debug, thiserror::Error)]
pub enum CreateUserError {
    /// The username is taken (in any case).
    #[error("username taken")]
    UsernameTaken,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Store {
    /// Stores a new account.
    pub async fn create_user(
        &self,
        username: &Username,
        password_hash: &str,
        email: Option<&Email>,
        display_name: &DisplayName,
    ) -> Result<Account, CreateUserError> {
        let id = super::new_id().to_string();
        let now = now_millis();
        let row = sqlx::query_as::<_, AccountRow>(
            // The first account of a server is its admin.
            "INSERT INTO users (id, username, password_hash, email, display_name, description, created_at, updated_at, is_admin)
             SELECT $1, $2, $3, $4, $5, '', $6, $7, CASE WHEN EXISTS (SELECT 1 FROM users) THEN 0 ELSE 1 END
             RETURNING id, username, email, display_name, description, is_admin, created_at",
        )
        .bind(&id)
        .bind(username.as_str())
        .bind(password_hash)
        .bind(email.map(Email::as_str))
        .bind(display_name.as_str())
        .bind(now)
        .bind(now)
        .fetch_one(self.pool())
        .await
        .map_err(StoreError::from);
        match row {
            Ok(row) => Ok(row.into_account()?),
            Err(e) if e.is_unique_violation() => Err(CreateUserError::UsernameTaken),
            Err(e) => Err(e.into()),
        }
    }

    /// The password hash of the user with this username.
    pub async fn credentials_by_username(
        &self,
        username: &Username,
    ) -> Result<Option<Credentials>, StoreError> {
        let row: Option<(String, String, super::Flag)> = sqlx::query_as(
            "SELECT id, password_hash, disabled_at IS NOT NULL FROM users WHERE username = $1",
        )
        .bind(username.as_str())
        .fetch_optional(self.pool())
        .await?;
        row.map(|(id, password_hash, disabled)| {
            Ok(Credentials {
                id: parse_id(&id)?,
                password_hash,
                disabled: disabled.into(),
            })
        })
        .transpose()
    }

    /// The password hash of a user.
    pub async fn password_hash(&self, id: UserId) -> Result<Option<String>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
                .bind(id.to_string())
                .fetch_optional(self.pool())
                .await?,
        )
    }

    /// A user's own account.
    pub async fn account(&self, id: UserId) -> Result<Option<Account>, StoreError> {
        sqlx::query_as::<_, AccountRow>(
            "SELECT id, username, email, display_name, description, is_admin, created_at FROM users WHERE id = $1",
        )
        .bind(id.to_string())
        .fetch_optional(self.pool())
        .await?
        .map(AccountRow::into_account)
        .transpose()
    }

    /// A user's public profile.
    pub async fn user(&self, id: UserId) -> Result<Option<User>, StoreError> {
        sqlx::query_as::<_, UserRow>(
            "SELECT id, username, display_name, description, created_at FROM users WHERE id = $1",
        )
        .bind(id.to_string())
        .fetch_optional(self.pool())
        .await?
        .map(UserRow::into_user)
        .transpose()
    }

    /// Applies an account update and returns the new state, or `None` if the user is gone.
    pub async fn update_account(
        &self,
        id: UserId,
        changes: AccountChanges,
    ) -> Result<Option<Account>, StoreError> {
        let (set_email, email) = match changes.email {
            Some(email) => (true, email.map(Email::into_inner)),
            None => (false, None),
        };
        sqlx::query_as::<_, AccountRow>(
            "UPDATE users SET
                display_name = COALESCE($1, display_name),
                description = COALESCE($2, description),
                email = CASE WHEN $3 = 1 THEN $4 ELSE email END,
                password_hash = COALESCE($5, password_hash),
                updated_at = $6
             WHERE id = $7
             RETURNING id, username, email, display_name, description, is_admin, created_at",
        )
        .bind(changes.display_name.map(DisplayName::into_inner))
        .bind(changes.description.map(Description::into_inner))
        .bind(super::flag(set_email))
        .bind(email)
        .bind(changes.password_hash)
        .bind(now_millis())
        .bind(id.to_string())
        .fetch_optional(self.pool())
        .await?
        .map(AccountRow::into_account)
        .transpose()
    }

    /// Deletes an account.
    ///
    /// Lobby messages stay, with no author; the user's direct chats are deleted with their
    /// messages; lobbies the user administered alone get a new admin (or are deleted when
    /// nobody is left). Sessions go with the account.
    pub async fn delete_user(&self, user: UserId) -> Result<Option<DeletedUser>, StoreError> {
        let id = user.to_string();
        let mut tx = self.begin_write().await?;
        let chats: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT id, user_low, user_high FROM chats WHERE user_low = $1 OR user_high = $1",
        )
        .bind(&id)
        .fetch_all(&mut *tx)
        .await?;
        sqlx::query(
            "DELETE FROM conversations WHERE id IN
                (SELECT id FROM chats WHERE user_low = $1 OR user_high = $1)",
        )
        .bind(&id)
        .execute(&mut *tx)
        .await?;
        let lobbies: Vec<String> = sqlx::query_scalar(
            "SELECT m.conversation_id FROM members m
             JOIN conversations c ON c.id = m.conversation_id AND c.kind = 'lobby'
             WHERE m.user_id = $1",
        )
        .bind(&id)
        .fetch_all(&mut *tx)
        .await?;
        let mut departures = Vec::with_capacity(lobbies.len());
        for lobby in &lobbies {
            let removal = super::members::remove_in_tx(
                &mut tx,
                lobby,
                &id,
                super::members::Departure::AccountDeleted,
            )
            .await?;
            departures.push((parse_id(lobby)?, removal));
        }
        let deleted = sqlx::query("DELETE FROM users WHERE id = $1")
            .bind(&id)
            .execute(&mut *tx)
            .await?
            .rows_affected()
            > 0;
        if !deleted {
            return Ok(None);
        }
        tx.commit().await?;
        self.forget_sessions_of(user);
        let chats = chats
            .into_iter()
            .map(|(chat, low, high)| {
                let partner = if low == id { high } else { low };
                Ok((parse_id(&chat)?, parse_id(&partner)?))
            })
            .collect::<Result<_, StoreError>>()?;
        Ok(Some(DeletedUser {
            lobbies: departures,
            chats,
        }))
    }

    /// Users whose username or display name starts with `q`, ordered by username.
    pub async fn list_users(
        &self,
        q: Option<&str>,
        after: Option<&Cursor>,
        limit: PageLimit,
    ) -> Result<UserPage, StoreError> {
        let pattern = like_prefix(q.unwrap_or(""));
        let rows = sqlx::query_as::<_, UserRow>(
            "SELECT id, username, display_name, description, created_at FROM users
             WHERE username > $1
               AND (username LIKE lower($2) ESCAPE '\\' OR lower(display_name) LIKE lower($2) ESCAPE '\\')
             ORDER BY username
             LIMIT $3",
        )
        .bind(after.map(Cursor::as_str).unwrap_or(""))
        .bind(&pattern)
        .bind(i64::from(limit.get()) + 1)
        .fetch_all(self.pool())
        .await?;
        let (items, more) = super::split_page(rows, limit);
        let items = items
            .into_iter()
            .map(UserRow::into_user)
            .collect::<Result<Vec<_>, _>>()?;
        let next_cursor = super::username_cursor(more, items.last().map(|last| &last.username));
        Ok(UserPage { items, next_cursor })
    }
}
