//! Issued tokens: the `sessions` table. A token is accepted only while its row is active.

use chat_core::v1::UserId;
use uuid::Uuid;

use super::{Store, StoreError, now_millis};

impl Store {
    /// Records a newly issued token.
    pub async fn create_session(
        &self,
        id: Uuid,
        user: UserId,
        expires_at_millis: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO sessions (id, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(id.to_string())
        .bind(user.to_string())
        .bind(now_millis())
        .bind(expires_at_millis)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Whether the token `id` of `user` is neither revoked nor expired, and the account is
    /// not disabled.
    pub async fn session_is_active(&self, id: Uuid, user: UserId) -> Result<bool, StoreError> {
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT 1 FROM sessions s JOIN users u ON u.id = s.user_id
             WHERE s.id = $1 AND s.user_id = $2 AND s.revoked_at IS NULL AND s.expires_at > $3
               AND u.disabled_at IS NULL",
        )
        .bind(id.to_string())
        .bind(user.to_string())
        .bind(now_millis())
        .fetch_optional(self.pool())
        .await?;
        Ok(found.is_some())
    }

    /// Revokes one token.
    pub async fn revoke_session(&self, id: Uuid) -> Result<(), StoreError> {
        sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(now_millis())
            .bind(id.to_string())
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Revokes every token of `user` except `keep`, returning the revoked ids.
    pub async fn revoke_other_sessions(
        &self,
        user: UserId,
        keep: Uuid,
    ) -> Result<Vec<Uuid>, StoreError> {
        let ids: Vec<String> = sqlx::query_scalar(
            "UPDATE sessions SET revoked_at = $1
             WHERE user_id = $2 AND id != $3 AND revoked_at IS NULL
             RETURNING id",
        )
        .bind(now_millis())
        .bind(user.to_string())
        .bind(keep.to_string())
        .fetch_all(self.pool())
        .await?;
        ids.iter().map(|id| super::parse_id(id)).collect()
    }

    /// Forgets tokens that expired more than a day ago.
    pub async fn purge_expired_sessions(&self) -> Result<u64, StoreError> {
        let cutoff = now_millis() - 24 * 60 * 60 * 1000;
        Ok(sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
            .bind(cutoff)
            .execute(self.pool())
            .await?
            .rows_affected())
    }
}

impl Store {
    /// Whether the credential behind `caller` (a session or an API token) still holds.
    pub async fn credential_is_active(
        &self,
        caller: &crate::extract::Caller,
    ) -> Result<bool, StoreError> {
        match caller.via {
            crate::extract::Via::Session => {
                self.session_is_active(caller.session, caller.user_id).await
            }
            crate::extract::Via::ApiToken => {
                let found: Option<i64> = sqlx::query_scalar(
                    "SELECT 1 FROM api_tokens t JOIN users u ON u.id = t.owner_id
                     WHERE t.id = $1 AND t.revoked_at IS NULL
                       AND (t.expires_at IS NULL OR t.expires_at > $2) AND u.disabled_at IS NULL",
                )
                .bind(caller.session.to_string())
                .bind(now_millis())
                .fetch_optional(self.pool())
                .await?;
                Ok(found.is_some())
            }
        }
    }
}
