//! Bench users and the lobbies they share.
//!
//! Every run registers fresh users under a random prefix (`b` and seven random characters),
//! so runs against the same server never collide and need no clean-up. All users of a run
//! share one random password.

use std::time::Duration;

use anyhow::Context;
use chat_client::{Client, Gateway, GatewayConfig};
use chat_core::v1::{
    ConversationId, CreateLobbyRequest, LobbyId, LobbyName, Password, RegisterRequest, UserId,
    Username,
};
use futures_util::{StreamExt, TryStreamExt, stream};
use rand::Rng;
use rand::distr::Alphanumeric;

use crate::progress::Progress;

/// Requests of one kind in flight at once during set-up (registering, joining, connecting).
/// Registration hashes a password on the server, so more would only queue there.
const SETUP_CONCURRENCY: usize = 16;

/// A registered, signed-in bench user.
#[derive(Debug, Clone)]
pub struct BenchUser {
    /// A client holding the user's token.
    pub client: Client,
    /// The username.
    pub username: String,
    /// The password.
    pub password: String,
    /// The user's id.
    pub id: UserId,
}

impl BenchUser {
    /// The user's token.
    pub fn token(&self) -> anyhow::Result<String> {
        self.client.token().context("a registered user has a token")
    }
}

/// Registers the users of one run against one server.
#[derive(Debug, Clone)]
pub struct Users {
    server: String,
    prefix: String,
    password: String,
}

impl Users {
    /// A new run's users on `server`, with a fresh prefix and password.
    pub fn new(server: &str) -> Self {
        let random = |n: usize| -> String {
            rand::rng()
                .sample_iter(Alphanumeric)
                .take(n)
                .map(|b| char::from(b).to_ascii_lowercase())
                .collect()
        };
        Self {
            server: server.to_owned(),
            prefix: format!("b{}", random(7)),
            password: random(20),
        }
    }

    /// The server's URL.
    pub fn server(&self) -> &str {
        &self.server
    }

    /// A client for the server, without a token.
    pub fn client(&self) -> anyhow::Result<Client> {
        Client::builder(&self.server)
            .user_agent(concat!("chat-bench/", env!("CARGO_PKG_VERSION")))
            .timeout(Duration::from_secs(60))
            .build()
            .with_context(|| format!("a client for {}", self.server))
    }

    /// A client for the server holding `token`.
    pub fn client_with_token(&self, token: &str) -> anyhow::Result<Client> {
        Client::builder(&self.server)
            .user_agent(concat!("chat-bench/", env!("CARGO_PKG_VERSION")))
            .timeout(Duration::from_secs(60))
            .token(token)
            .build()
            .with_context(|| format!("a client for {}", self.server))
    }

    /// The username of user `index` of group `group` (a short tag such as `m` or `s`).
    fn username(&self, group: &str, index: usize) -> String {
        format!("{}_{group}{index}", self.prefix)
    }

    /// Registers `count` users of group `group`, in order.
    pub async fn register(
        &self,
        group: &str,
        count: usize,
        progress: &Progress,
    ) -> anyhow::Result<Vec<BenchUser>> {
        let bar = progress.counter(&format!("registering {count} users"), count as u64);
        let users = stream::iter(0..count)
            .map(|index| {
                let bar = bar.clone();
                async move {
                    let user = self.register_one(&self.username(group, index)).await;
                    bar.inc(1);
                    user
                }
            })
            .buffered(SETUP_CONCURRENCY)
            .try_collect()
            .await;
        bar.finish_and_clear();
        users
    }

    async fn register_one(&self, username: &str) -> anyhow::Result<BenchUser> {
        let client = self.client()?;
        let auth = client
            .register(&RegisterRequest {
                username: Username::parse(username)?,
                password: Password::parse(&self.password)?,
                email: None,
                display_name: None,
            })
            .await
            .with_context(|| format!("registering {username} on {}", self.server))?;
        Ok(BenchUser {
            client,
            username: username.to_owned(),
            password: self.password.clone(),
            id: auth.user.id,
        })
    }

    /// Creates a public lobby owned by `owner`.
    pub async fn create_lobby(&self, owner: &BenchUser, index: usize) -> anyhow::Result<LobbyId> {
        let lobby = owner
            .client
            .create_lobby(&CreateLobbyRequest {
                name: LobbyName::parse(&format!("{} room {index}", self.prefix))?,
                description: None,
                visibility: Default::default(),
            })
            .await
            .context("creating a lobby")?;
        Ok(lobby.id)
    }
}

/// Makes each `(user, lobby)` pair's user join that lobby.
pub async fn join_all(pairs: &[(&BenchUser, LobbyId)]) -> anyhow::Result<()> {
    stream::iter(pairs)
        .map(|(user, lobby)| async move {
            user.client
                .join_lobby(*lobby)
                .await
                .with_context(|| format!("{} joining a lobby", user.username))
        })
        .buffer_unordered(SETUP_CONCURRENCY)
        .try_for_each(|_| async { Ok(()) })
        .await
}

/// Gateway tuning for bench connections: room for `window` sends in flight, and a deep event
/// queue so a briefly busy task does not slow the connection down.
pub fn gateway_config(window: usize) -> GatewayConfig {
    GatewayConfig {
        send_queue: window + 64,
        event_queue: 16_384,
        ..GatewayConfig::default()
    }
}

/// Opens a gateway for each user, in order.
pub async fn connect_all(
    users: &[BenchUser],
    config: &GatewayConfig,
    progress: &Progress,
) -> anyhow::Result<Vec<Gateway>> {
    let bar = progress.counter("connecting gateways", users.len() as u64);
    let gateways = stream::iter(users)
        .map(|user| {
            let bar = bar.clone();
            async move {
                let gateway = Gateway::connect_with(&user.client, config.clone())
                    .await
                    .with_context(|| format!("opening the gateway of {}", user.username));
                bar.inc(1);
                gateway
            }
        })
        .buffered(SETUP_CONCURRENCY)
        .try_collect()
        .await;
    bar.finish_and_clear();
    gateways
}

/// A lobby id as the conversation id frames carry.
pub fn conversation(lobby: LobbyId) -> ConversationId {
    lobby.into()
}
