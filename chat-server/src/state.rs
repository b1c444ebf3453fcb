//! The state every request handler shares, passed explicitly through salvo's `Depot`.

use std::sync::Arc;

use crate::auth::password::Hasher;
use crate::auth::throttle::LoginThrottle;
use crate::auth::tokens::TokenKeys;
use crate::config::GatewayConfig;
use crate::hub::Hub;
use crate::ratelimit::RateLimiter;
use crate::store::Store;

/// Shared state of one server.
#[derive(Debug)]
pub struct AppState {
    /// The database.
    pub store: Store,
    /// Token signing and checking.
    pub tokens: TokenKeys,
    /// Password hashing.
    pub hasher: Hasher,
    /// Login throttling limits.
    pub throttle: LoginThrottle,
    /// Live connections and event delivery.
    pub hub: Hub,
    /// Per-user send rate limiting.
    pub limiter: RateLimiter,
    /// Per-user rate limiting of other state-changing actions (see `service::limits`).
    pub action_limiter: RateLimiter,
    /// Call-signaling frames per sending user (all connections, all nodes).
    pub call_limiter: RateLimiter,
    /// Registrations per client address.
    pub register_limiter: RateLimiter<String>,
    /// Registrations on the whole server (one bucket).
    pub register_global_limiter: RateLimiter<&'static str>,
    /// Per-user image upload rate limiting (avatars, icons).
    pub upload_limiter: RateLimiter,
    /// Bounds the memory of image decoding.
    pub image_work: crate::images::ImageWork,
    /// Gateway settings.
    pub gateway: GatewayConfig,
    /// Connection and request-body limits.
    pub http: crate::config::HttpConfig,
    /// Browser origins allowed to open WebSockets (besides the server's own).
    pub allowed_origins: Vec<String>,
    /// Who may register.
    pub registration: crate::config::RegistrationMode,
    /// Users' avatars.
    pub avatars: crate::images::ImageDir,
    /// Lobbies' icons.
    pub icons: crate::images::ImageDir,
    /// Striped locks that order membership changes per conversation (see
    /// [`AppState::membership_lock`]).
    pub membership_locks: MembershipLocks,
}

/// A fixed set of mutexes, one chosen per conversation by hash: membership changes are rare,
/// so a few stripes serialize the same conversation without a map that grows.
#[derive(Debug)]
pub struct MembershipLocks([tokio::sync::Mutex<()>; 64]);

impl Default for MembershipLocks {
    fn default() -> Self {
        Self(std::array::from_fn(|_| tokio::sync::Mutex::new(())))
    }
}

impl AppState {
    /// Holds the membership lock of `conversation` until the guard drops.
    pub async fn membership_lock(
        &self,
        conversation: chat_core::v1::ConversationId,
    ) -> tokio::sync::MutexGuard<'_, ()> {
        let index = (conversation.as_uuid().as_u128() % 64) as usize;
        self.membership_locks.0[index].lock().await
    }
}

/// The state as handlers hold it.
pub type SharedState = Arc<AppState>;
