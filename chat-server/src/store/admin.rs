//! Server administration: admin and disabled flags, all-messages queries, stats and the
//! audit log.

use chat_core::v1::{
    AdminMessagesQuery, AdminUser, AdminUserPage, AuditAction, AuditEntry, AuditPage, Cursor,
    Message, PageLimit, UserId, Username,
};

use super::rows::UserRow;
use super::{Flag, Store, StoreError, count, flag, new_id, now_millis, parse_id, timestamp};

#[derive(sqlx::FromRow)]
struct AdminUserRow {
    #[sqlx(flatten)]
    user: UserRow,
    #[sqlx(try_from = "Flag")]
    is_admin: bool,
    #[sqlx(try_from = "Flag")]
    disabled: bool,
}

impl Store {
    /// Grants or revokes server admin by username; `None` when there is no such user.
    pub async fn set_admin(
        &self,
        username: &Username,
        admin: bool,
    ) -> Result<Option<UserId>, StoreError> {
        let id: Option<String> =
            sqlx::query_scalar("UPDATE users SET is_admin = $1 WHERE username = $2 RETURNING id")
                .bind(flag(admin))
                .bind(username.as_str())
                .fetch_optional(self.pool())
                .await?;
        id.as_deref().map(parse_id).transpose()
    }

    /// Whether `user` is a server admin (and not disabled).
    pub async fn is_admin(&self, user: UserId) -> Result<bool, StoreError> {
        let admin: Option<Flag> =
            sqlx::query_scalar("SELECT is_admin FROM users WHERE id = $1 AND disabled_at IS NULL")
                .bind(user.to_string())
                .fetch_optional(self.pool())
                .await?;
        Ok(admin.is_some_and(bool::from))
    }

    /// Disables or enables an account; `false` when there is no such user.
    pub async fn set_disabled(&self, user: UserId, disabled: bool) -> Result<bool, StoreError> {
        let now = now_millis();
        let mut tx = self.begin_write().await?;
        let found = sqlx::query(
            "UPDATE users SET disabled_at = CASE WHEN $1 = 1 THEN COALESCE(disabled_at, $2) ELSE NULL END
             WHERE id = $3",
        )
        .bind(flag(disabled))
        .bind(now)
        .bind(user.to_string())
        .execute(&mut *tx)
        .await?
        .rows_affected()
            > 0;
        if disabled {
            // Disabling ends the account's sign-ins for good: enabling it again must not
            // bring back the sessions it had (their holders sign in again).
            sqlx::query(
                "UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
            )
            .bind(now)
            .bind(user.to_string())
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        self.forget_sessions_of(user);
        Ok(found)
    }

    /// One user as admins see them.
    pub async fn admin_user(&self, user: UserId) -> Result<Option<AdminUser>, StoreError> {
        sqlx::query_as::<_, AdminUserRow>(
            "SELECT id, username, display_name, description, created_at, is_admin,
                disabled_at IS NOT NULL AS disabled
             FROM users WHERE id = $1",
        )
        .bind(user.to_string())
        .fetch_optional(self.pool())
        .await?
        .map(|row| {
            Ok(AdminUser {
                user: row.user.into_user()?,
                is_admin: row.is_admin,
                disabled: row.disabled,
            })
        })
        .transpose()
    }

    /// Users for admins, by username.
    pub async fn admin_users(
        &self,
        q: Option<&str>,
        after: Option<&Cursor>,
        limit: PageLimit,
    ) -> Result<AdminUserPage, StoreError> {
        let rows = sqlx::query_as::<_, AdminUserRow>(
            "SELECT id, username, display_name, description, created_at, is_admin,
                disabled_at IS NOT NULL AS disabled
             FROM users
             WHERE username > $1 AND username LIKE $2 ESCAPE '\\'
             ORDER BY username LIMIT $3",
        )
        .bind(after.map(Cursor::as_str).unwrap_or(""))
        .bind(super::like_prefix(&q.unwrap_or("").to_lowercase()))
        .bind(i64::from(limit.get()) + 1)
        .fetch_all(self.pool())
        .await?;
        let (rows, more) = super::split_page(rows, limit);
        let items = rows
            .into_iter()
            .map(|row| {
                Ok(AdminUser {
                    user: row.user.into_user()?,
                    is_admin: row.is_admin,
                    disabled: row.disabled,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        let next_cursor =
            super::username_cursor(more, items.last().map(|last| &last.user.username));
        Ok(AdminUserPage { items, next_cursor })
    }

    /// Messages of every conversation, newest first, filtered. Returns the page and whether
    /// more follow.
    pub async fn all_messages(
        &self,
        query: &AdminMessagesQuery,
    ) -> Result<(Vec<Message>, bool), StoreError> {
        let limit = query.limit.unwrap_or_default();
        // The cursor message's (created_at, id) bounds the page: keyset order on the index.
        let (before_at, before_id) = match query.before {
            Some(id) => {
                let at: Option<i64> =
                    sqlx::query_scalar("SELECT created_at FROM messages WHERE id = $1")
                        .bind(id.to_string())
                        .fetch_optional(self.pool())
                        .await?;
                (at.unwrap_or(i64::MAX), id.to_string())
            }
            None => (i64::MAX, String::from("~")),
        };
        let ids: Vec<String> = sqlx::query_scalar(
            "SELECT id FROM messages
             WHERE deleted_at IS NULL
               AND ($1 IS NULL OR conversation_id = $1)
               AND ($2 IS NULL OR author_id = $2)
               AND created_at >= $3 AND created_at < $4
               AND (created_at < $5 OR (created_at = $5 AND id < $6))
             ORDER BY created_at DESC, id DESC
             LIMIT $7",
        )
        .bind(query.lobby_id.map(|id| id.to_string()))
        .bind(query.user_id.map(|id| id.to_string()))
        .bind(query.since.map_or(i64::MIN, |t| t.unix_millis()))
        .bind(query.until.map_or(i64::MAX, |t| t.unix_millis()))
        .bind(before_at)
        .bind(before_id)
        .bind(i64::from(limit.get()) + 1)
        .fetch_all(self.pool())
        .await?;
        let (ids, more) = super::split_page(ids, limit);
        let mut messages = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(message) = self.message(parse_id(&id)?).await? {
                messages.push(message);
            }
        }
        Ok((messages, more))
    }

    /// Whether any account exists.
    pub async fn has_users(&self) -> Result<bool, StoreError> {
        let found: Option<i64> = sqlx::query_scalar("SELECT 1 FROM users LIMIT 1")
            .fetch_optional(self.pool())
            .await?;
        Ok(found.is_some())
    }

    /// Counts of users, lobbies and live messages.
    pub async fn stats(&self) -> Result<(u64, u64, u64), StoreError> {
        let (users, lobbies, messages): (i64, i64, i64) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM users), (SELECT COUNT(*) FROM lobbies),
                (SELECT COUNT(*) FROM messages WHERE deleted_at IS NULL)",
        )
        .fetch_one(self.pool())
        .await?;
        Ok((count(users), count(lobbies), count(messages)))
    }

    /// Records an admin action.
    pub async fn audit(
        &self,
        actor: Option<UserId>,
        action: AuditAction,
        target: &str,
    ) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO audit_log (id, actor_id, action, target, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(new_id().to_string())
            .bind(actor.map(|id| id.to_string()))
            .bind(action.as_str())
            .bind(target)
            .bind(now_millis())
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// The audit log, newest first.
    pub async fn audit_log(
        &self,
        after: Option<&Cursor>,
        limit: PageLimit,
    ) -> Result<AuditPage, StoreError> {
        // Entry ids are UUIDv7: ordered by time, so the id alone is the cursor.
        let rows: Vec<(String, Option<String>, String, String, i64)> = sqlx::query_as(
            "SELECT id, actor_id, action, target, created_at FROM audit_log
             WHERE id < $1 ORDER BY id DESC LIMIT $2",
        )
        .bind(after.map_or("~", Cursor::as_str))
        .bind(i64::from(limit.get()) + 1)
        .fetch_all(self.pool())
        .await?;
        let (rows, more) = super::split_page(rows, limit);
        let next_cursor = match (more, rows.last()) {
            (true, Some((id, ..))) => Cursor::new(id.clone()).ok(),
            _ => None,
        };
        let items = rows
            .into_iter()
            .map(|(_, actor, action, target, created_at)| {
                Ok(AuditEntry {
                    actor_id: actor.as_deref().map(parse_id).transpose()?,
                    action: AuditAction::parse(&action),
                    target,
                    created_at: timestamp(created_at)?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(AuditPage { items, next_cursor })
    }
}
