//! Issued tokens: the `sessions` table. A token is accepted only while its row is active.
//!
//! Every authenticated request asks whether its session is active, and on SQLite each query
//! is a hand-off to a connection's worker thread and back, which costs more than the query.
//! So on SQLite, where this process is the only one that revokes sessions or disables
//! accounts (`chat-server admin` only changes the admin flag), active sessions are
//! remembered in [`SessionCache`], and every revocation path below forgets them before it
//! returns. On PostgreSQL, and in cluster mode on any database ([`Store::share_sessions`]),
//! several nodes share the database and nothing is cached.

use std::collections::HashMap;
use std::sync::Mutex;

use chat_core::v1::UserId;
use uuid::Uuid;

use super::{Store, StoreError, now_millis};

/// Sessions known to be active, at most this many; a full cache starts over.
const CACHE_CAPACITY: usize = 65_536;

/// Active sessions seen recently: session id → its user.
///
/// A check that misses reads the database and then remembers the answer, but only if no
/// revocation ran while it was reading (`generation`): a read that began before a revocation
/// committed may have seen the session still active, and must not put it back.
#[derive(Debug, Default)]
pub struct SessionCache {
    inner: Mutex<CacheState>,
}

#[derive(Debug, Default)]
struct CacheState {
    generation: u64,
    active: HashMap<Uuid, UserId>,
}

impl SessionCache {
    fn lock(&self) -> std::sync::MutexGuard<'_, CacheState> {
        // The state stays consistent under every panic (plain inserts and removals).
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// `None` when the session is known to be active; otherwise the generation a read of the
    /// database must hand to [`SessionCache::remember`].
    fn hit(&self, id: Uuid, user: UserId) -> Option<u64> {
        let state = self.lock();
        if state.active.get(&id) == Some(&user) {
            None
        } else {
            Some(state.generation)
        }
    }

    fn remember(&self, id: Uuid, user: UserId, generation: u64) {
        let mut state = self.lock();
        if state.generation != generation {
            return;
        }
        if state.active.len() >= CACHE_CAPACITY {
            state.active.clear();
        }
        state.active.insert(id, user);
    }

    /// Forgets one session.
    fn forget(&self, id: Uuid) {
        let mut state = self.lock();
        state.generation += 1;
        state.active.remove(&id);
    }

    /// Forgets every session of a user.
    fn forget_user(&self, user: UserId) {
        let mut state = self.lock();
        state.generation += 1;
        state.active.retain(|_, owner| *owner != user);
    }
}

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
        let generation = match &self.sessions {
            Some(cache) => match cache.hit(id, user) {
                None => return Ok(true),
                Some(generation) => Some(generation),
            },
            None => None,
        };
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
        if let (Some(cache), Some(generation), Some(_)) = (&self.sessions, generation, found) {
            cache.remember(id, user, generation);
        }
        Ok(found.is_some())
    }

    /// Revokes one token.
    pub async fn revoke_session(&self, id: Uuid) -> Result<(), StoreError> {
        sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(now_millis())
            .bind(id.to_string())
            .execute(self.pool())
            .await?;
        if let Some(cache) = &self.sessions {
            cache.forget(id);
        }
        Ok(())
    }

    /// Stops remembering active sessions: other processes (cluster nodes) share this database
    /// and may revoke sessions this one would not hear of.
    pub fn share_sessions(&mut self) {
        self.sessions = None;
    }

    /// Forgets every cached session of `user`: their account was disabled or deleted.
    pub(crate) fn forget_sessions_of(&self, user: UserId) {
        if let Some(cache) = &self.sessions {
            cache.forget_user(user);
        }
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
        self.forget_sessions_of(user);
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
    /// Whether the API token `id` is still usable: not revoked, not expired, and its owner
    /// not disabled.
    pub async fn api_token_is_active(&self, id: Uuid) -> Result<bool, StoreError> {
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT 1 FROM api_tokens t JOIN users u ON u.id = t.owner_id
             WHERE t.id = $1 AND t.revoked_at IS NULL
               AND (t.expires_at IS NULL OR t.expires_at > $2) AND u.disabled_at IS NULL",
        )
        .bind(id.to_string())
        .bind(now_millis())
        .fetch_optional(self.pool())
        .await?;
        Ok(found.is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::SessionCache;
    use chat_core::v1::UserId;
    use uuid::Uuid;

    fn user() -> UserId {
        UserId::from_uuid(Uuid::now_v7())
    }

    #[test]
    fn a_read_that_overlapped_a_revocation_is_not_remembered() {
        let cache = SessionCache::default();
        let (session, alice) = (Uuid::now_v7(), user());
        // A check misses and starts reading; a revocation commits and forgets meanwhile.
        let generation = cache.hit(session, alice).expect("a miss");
        cache.forget(session);
        cache.remember(session, alice, generation);
        assert!(
            cache.hit(session, alice).is_some(),
            "the stale answer was dropped"
        );
        // A read that began after the revocation is remembered.
        let generation = cache.hit(session, alice).expect("a miss");
        cache.remember(session, alice, generation);
        assert_eq!(cache.hit(session, alice), None);
        // Another user presenting the same session id is not a hit.
        assert!(cache.hit(session, user()).is_some());
    }

    #[test]
    fn forgetting_a_user_forgets_only_their_sessions() {
        let cache = SessionCache::default();
        let (alice, bob) = (user(), user());
        let (a1, a2, b1) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        for (session, owner) in [(a1, alice), (a2, alice), (b1, bob)] {
            let generation = cache.hit(session, owner).expect("a miss");
            cache.remember(session, owner, generation);
        }
        cache.forget_user(alice);
        assert!(cache.hit(a1, alice).is_some());
        assert!(cache.hit(a2, alice).is_some());
        assert_eq!(cache.hit(b1, bob), None);
    }
}
