//! Password hashing with bcrypt, always on the blocking pool: a cost-12 hash takes about a
//! quarter of a second of CPU, which would stall every connection of an async worker.

use std::sync::Arc;

use chat_core::v1::Password;

use crate::error::Error;

/// Hashes and verifies passwords at one bcrypt cost.
#[derive(Clone, Debug)]
pub struct Hasher {
    cost: u32,
    /// A hash of a random password at the same cost. Login verifies against it when the user
    /// does not exist, so an unknown user costs exactly as much time as a wrong password.
    dummy_hash: Arc<str>,
}

impl Hasher {
    /// A hasher at `cost` (4–31). Computes the dummy hash, so call it once at start-up.
    pub async fn new(cost: u32) -> Result<Self, Error> {
        let dummy = format!("dummy-{}", crate::store::new_id());
        let dummy_hash = tokio::task::spawn_blocking(move || bcrypt::hash(dummy, cost))
            .await?
            .map_err(|e| Error::Internal(format!("bcrypt: {e}")))?;
        Ok(Self {
            cost,
            dummy_hash: dummy_hash.into(),
        })
    }

    /// Hashes a new password.
    pub async fn hash(&self, password: &Password) -> Result<String, Error> {
        let password = password.as_str().to_owned();
        let cost = self.cost;
        tokio::task::spawn_blocking(move || bcrypt::hash(password, cost))
            .await?
            .map_err(|e| Error::Internal(format!("bcrypt: {e}")))
    }

    /// Checks `password` against `hash`, or against the dummy hash when there is no user, so
    /// that both cases take the same time. Passwords bcrypt cannot take (over 72 bytes) are
    /// still run against the dummy hash and then refused.
    pub async fn verify(&self, password: &str, hash: Option<&str>) -> Result<bool, Error> {
        let usable = password.len() <= Password::MAX_BYTES && hash.is_some();
        let candidate = if password.len() <= Password::MAX_BYTES {
            password.to_owned()
        } else {
            // Same length class as a real attempt; the answer is `false` regardless.
            password.chars().take(Password::MAX_BYTES / 4).collect()
        };
        let hash = hash.map_or_else(|| self.dummy_hash.to_string(), str::to_owned);
        let matched = tokio::task::spawn_blocking(move || bcrypt::verify(candidate, &hash))
            .await?
            .unwrap_or(false);
        Ok(usable && matched)
    }
}
