//! Login throttling.
//!
//! Within a 15-minute window, 5 attempts for one username from one address, 20 from one
//! address, or 100 for one username from anywhere make login answer `429` until enough of
//! them have aged out of the window. The per-username limit is high and the per-pair limit
//! low so that nobody can cheaply lock a user out from elsewhere, while a guesser at one
//! address is stopped quickly. An attempt is reserved *before* its password is verified and
//! counts as a failure until it succeeds (then it and the pair's earlier failures are
//! forgotten), so concurrent guesses cannot outrun the count: at most the limit are ever
//! verified, on one node or many. Refused attempts are not recorded, so waiting always helps.

use std::time::Duration;

use crate::clock::now_millis;
use crate::error::Error;
use crate::store::Store;
use crate::store::login_failures::{FailureCounts, Reservation};

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

    /// Reserves one attempt, or refuses with [`Error::RateLimited`] when a limit is reached.
    /// The attempt counts as a failure until [`LoginAttempt::succeeded`].
    pub async fn reserve(
        &self,
        store: &Store,
        username: &str,
        ip: &str,
    ) -> Result<LoginAttempt, Error> {
        let now = now_millis();
        let since = self.window_start(now);
        let limits = FailureCounts {
            username_and_ip: self.per_username_and_ip,
            ip: self.per_ip,
            username: self.per_username,
        };
        match store
            .reserve_login_attempt(username, ip, now, since, limits)
            .await?
        {
            Reservation::Granted(id) => Ok(LoginAttempt { id }),
            Reservation::Refused { oldest_blocking_at } => {
                let wait = (oldest_blocking_at - since).max(1);
                Err(Error::RateLimited {
                    retry_after: Duration::from_millis(u64::try_from(wait).unwrap_or(1)),
                })
            }
        }
    }
}

/// A reserved login attempt: a failure unless it is confirmed.
#[derive(Debug)]
#[must_use = "an attempt that is not confirmed counts as a failure"]
pub struct LoginAttempt {
    id: i64,
}

impl LoginAttempt {
    /// The password was right: forgets this attempt and the earlier failures of the pair.
    pub async fn succeeded(self, store: &Store, username: &str, ip: &str) -> Result<(), Error> {
        Ok(store.confirm_login(self.id, username, ip).await?)
    }
}
