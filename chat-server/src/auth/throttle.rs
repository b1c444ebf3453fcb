//! Login throttling.
//!
//! Within a 15-minute window, 5 failures for one username from one address, 20 failures from
//! one address, or 100 failures for one username from anywhere make login answer `429` until
//! enough of those failures have aged out of the window. The per-username limit is high and
//! the per-pair limit low so that nobody can cheaply lock a user out from elsewhere, while a
//! guesser at one address is stopped quickly. A successful login clears its username-and-address
//! count. Refused attempts are not recorded, so waiting always helps.

use std::time::Duration;

use crate::error::Error;
use crate::store::login_failures::FailureKey;
use crate::store::{Store, StoreError, now_millis};

/// The limits of login throttling.
#[derive(Debug, Clone, Copy)]
pub struct LoginThrottle {
    /// How long a failure counts.
    pub window: Duration,
    /// Failures allowed for one username from one address.
    pub per_username_and_ip: u32,
    /// Failures allowed from one address.
    pub per_ip: u32,
    /// Failures allowed for one username from anywhere.
    pub per_username: u32,
}

impl Default for LoginThrottle {
    fn default() -> Self {
        Self {
            window: Duration::from_secs(15 * 60),
            per_username_and_ip: 5,
            per_ip: 20,
            per_username: 100,
        }
    }
}

impl LoginThrottle {
    fn window_start(&self, now: i64) -> i64 {
        now - i64::try_from(self.window.as_millis()).unwrap_or(i64::MAX)
    }

    /// Refuses with [`Error::RateLimited`] when a limit is reached for this attempt.
    pub async fn check(&self, store: &Store, username: &str, ip: &str) -> Result<(), Error> {
        let now = now_millis();
        let since = self.window_start(now);
        let counts = store.login_failure_counts(username, ip, since).await?;
        let mut wait: Option<i64> = None;
        for (key, count, limit) in [
            (
                FailureKey::UsernameAndIp,
                counts.username_and_ip,
                self.per_username_and_ip,
            ),
            (FailureKey::Ip, counts.ip, self.per_ip),
            (FailureKey::Username, counts.username, self.per_username),
        ] {
            if count < limit {
                continue;
            }
            // Once the (count - limit)-th oldest failure leaves the window, one more attempt
            // fits under the limit.
            let at = store
                .nth_login_failure(key, username, ip, since, count - limit)
                .await?
                .unwrap_or(now);
            let until = at - since;
            wait = Some(wait.map_or(until, |w| w.max(until)));
        }
        match wait {
            None => Ok(()),
            Some(ms) => Err(Error::RateLimited {
                retry_after: Duration::from_millis(u64::try_from(ms.max(1)).unwrap_or(1)),
            }),
        }
    }

    /// Records a failed attempt.
    pub async fn record_failure(
        &self,
        store: &Store,
        username: &str,
        ip: &str,
    ) -> Result<(), StoreError> {
        let now = now_millis();
        store
            .record_login_failure(username, ip, now, self.window_start(now))
            .await
    }
}
