//! The state every request handler shares, passed explicitly through salvo's `Depot`.

use std::sync::Arc;

use crate::auth::password::Hasher;
use crate::auth::throttle::LoginThrottle;
use crate::auth::tokens::TokenKeys;
use crate::config::GatewayConfig;
use crate::gateway::hub::Hub;
use crate::ratelimit::SendLimiter;
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
    pub limiter: SendLimiter,
    /// Gateway settings.
    pub gateway: GatewayConfig,
    /// Browser origins allowed to open WebSockets (besides the server's own).
    pub allowed_origins: Vec<String>,
    /// Who may register.
    pub registration: crate::config::RegistrationMode,
}

/// The state as handlers hold it.
pub type SharedState = Arc<AppState>;
