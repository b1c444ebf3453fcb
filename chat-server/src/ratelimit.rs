//! Rate limiting: a token bucket of `burst` actions refilled over `window` per key (a user,
//! or for registration an address), one limiter per kind of action (sending, other actions,
//! image uploads, registrations).
//!
//! One node keeps the buckets in memory; a cluster keeps them in Redis (see
//! `gateway/bus.rs`), so a user cannot multiply their rate by spreading connections over
//! nodes. Should Redis fail, the node falls back to its own buckets rather than refuse or
//! allow everything.

use std::collections::HashMap;
use std::fmt::Display;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chat_core::v1::UserId;

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    updated: Instant,
}

/// Limits how fast each key (by default a user) may do one kind of action (REST and
/// WebSocket together).
#[derive(Debug)]
pub struct RateLimiter<K = UserId> {
    /// The kind of action, part of the cluster's bucket key.
    name: &'static str,
    burst: f64,
    per_second: f64,
    buckets: Mutex<HashMap<K, Bucket>>,
}

impl<K: Eq + Hash + Clone + Display> RateLimiter<K> {
    /// Allows bursts of `burst` actions of the kind `name`, refilled at `burst` per `window`.
    pub fn new(name: &'static str, burst: u32, window: Duration) -> Self {
        let burst = f64::from(burst.max(1));
        Self {
            name,
            burst,
            per_second: burst / window.as_secs_f64().max(0.001),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one token for `user` (from the cluster's bucket when there is a `bus`), or says
    /// how long until one is available.
    pub async fn take(&self, user: K, bus: Option<&crate::hub::bus::Bus>) -> Result<(), Duration> {
        if let Some(bus) = bus {
            match bus
                .take_token(self.name, &user.to_string(), self.burst, self.per_second)
                .await
            {
                Ok(result) => return result,
                Err(e) => tracing::warn!(error = %e, "cluster rate limit unavailable"),
            }
        }
        self.check(user)
    }

    /// Takes one token for `user` from this node's bucket, or says how long until one is
    /// available.
    pub fn check(&self, user: K) -> Result<(), Duration> {
        let now = Instant::now();
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let bucket = buckets.entry(user).or_insert(Bucket {
            tokens: self.burst,
            updated: now,
        });
        let elapsed = now.duration_since(bucket.updated).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * self.per_second).min(self.burst);
        bucket.updated = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64(
                (1.0 - bucket.tokens) / self.per_second,
            ))
        }
    }

    /// Forgets users whose bucket has refilled completely (they are idle).
    pub fn prune(&self) {
        let now = Instant::now();
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        buckets.retain(|_, b| {
            b.tokens + now.duration_since(b.updated).as_secs_f64() * self.per_second < self.burst
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_is_allowed_then_refused_with_a_wait() {
        let limiter = RateLimiter::new("test", 3, Duration::from_secs(30));
        let user = UserId::from_uuid(uuid::Uuid::from_u128(1));
        for _ in 0..3 {
            assert!(limiter.check(user).is_ok());
        }
        let wait = limiter.check(user).expect_err("over the burst");
        assert!(
            wait > Duration::from_secs(9) && wait <= Duration::from_secs(10),
            "{wait:?}"
        );
        // Other users have their own bucket.
        assert!(
            limiter
                .check(UserId::from_uuid(uuid::Uuid::from_u128(2)))
                .is_ok()
        );
    }
}
