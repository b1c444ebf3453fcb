//! Failed logins: the `login_failures` table behind login throttling.

use super::{Store, StoreError};

/// How many failures a window holds for each key of a login attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FailureCounts {
    /// For this username from this address.
    pub username_and_ip: u32,
    /// From this address, for any username.
    pub ip: u32,
    /// For this username, from anywhere.
    pub username: u32,
}

/// Which failures a throttling rule counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKey {
    /// Same username, same address.
    UsernameAndIp,
    /// Same address.
    Ip,
    /// Same username.
    Username,
}

impl Store {
    /// Records a failed login and forgets failures older than `since_millis`.
    pub async fn record_login_failure(
        &self,
        username: &str,
        ip: &str,
        at_millis: i64,
        since_millis: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM login_failures WHERE at <= $1")
            .bind(since_millis)
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO login_failures (username, ip, at) VALUES ($1, $2, $3)")
            .bind(username)
            .bind(ip)
            .bind(at_millis)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Counts the failures after `since_millis`.
    pub async fn login_failure_counts(
        &self,
        username: &str,
        ip: &str,
        since_millis: i64,
    ) -> Result<FailureCounts, StoreError> {
        let (username_and_ip, by_ip, by_username): (i64, i64, i64) = sqlx::query_as(
            "SELECT
                (SELECT COUNT(*) FROM login_failures WHERE username = $1 AND ip = $2 AND at > $3),
                (SELECT COUNT(*) FROM login_failures WHERE ip = $2 AND at > $3),
                (SELECT COUNT(*) FROM login_failures WHERE username = $1 AND at > $3)",
        )
        .bind(username)
        .bind(ip)
        .bind(since_millis)
        .fetch_one(self.pool())
        .await?;
        let clamp = |n: i64| u32::try_from(n).unwrap_or(u32::MAX);
        Ok(FailureCounts {
            username_and_ip: clamp(username_and_ip),
            ip: clamp(by_ip),
            username: clamp(by_username),
        })
    }

    /// The time of the `nth` oldest failure (0-based) after `since_millis` for `key`: once it
    /// leaves the window, the count drops below the limit.
    pub async fn nth_login_failure(
        &self,
        key: FailureKey,
        username: &str,
        ip: &str,
        since_millis: i64,
        nth: u32,
    ) -> Result<Option<i64>, StoreError> {
        let query = match key {
            FailureKey::UsernameAndIp => {
                "SELECT at FROM login_failures WHERE username = $1 AND ip = $2 AND at > $3
                 ORDER BY at LIMIT 1 OFFSET $4"
            }
            FailureKey::Ip => {
                "SELECT at FROM login_failures WHERE ip = $2 AND at > $3 AND $1 = $1
                 ORDER BY at LIMIT 1 OFFSET $4"
            }
            FailureKey::Username => {
                "SELECT at FROM login_failures WHERE username = $1 AND at > $3 AND $2 = $2
                 ORDER BY at LIMIT 1 OFFSET $4"
            }
        };
        Ok(sqlx::query_scalar(query)
            .bind(username)
            .bind(ip)
            .bind(since_millis)
            .bind(i64::from(nth))
            .fetch_optional(self.pool())
            .await?)
    }

    /// Forgets the failures of this username from this address (after a successful login).
    pub async fn clear_login_failures(&self, username: &str, ip: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM login_failures WHERE username = $1 AND ip = $2")
            .bind(username)
            .bind(ip)
            .execute(self.pool())
            .await?;
        Ok(())
    }
}
