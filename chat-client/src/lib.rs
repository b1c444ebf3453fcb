//! # chat-client
//!
//! The typed async Rust SDK for the chat server. Every request and response is a type from
//! [`chat_core::v1`], so an SDK user speaks exactly the protocol the server speaks.
//!
//! - [`Client`]: one method per REST route (auth, account, users, lobbies, members,
//!   messages, chats, read cursors), history as a lazily paged [`futures_util::Stream`].
//! - [`Gateway`]: the WebSocket as a stream of [`GatewayEvent`]s. It reconnects by itself
//!   and resumes without gaps or duplicates; sends wait for the server's `ack`.
//! - [`profile`]: saved sessions (server and token) shared by the CLI and the TUI.
//! - [`Error`]: one error type, with helpers such as [`Error::is_not_found`] and
//!   [`Error::is_retryable`].
//!
//! # Example
//!
//! ```no_run
//! use chat_client::{Client, Gateway, GatewayEvent};
//! use chat_core::v1::{CreateLobbyRequest, LobbyName, MessageContent, PageLimit, ServerFrame};
//! use futures_util::{StreamExt, TryStreamExt};
//!
//! # async fn run() -> Result<(), chat_client::Error> {
//! let client = Client::new("http://127.0.0.1:8080")?;
//! client.login("alice", "correct horse").await?;
//!
//! let lobby = client
//!     .create_lobby(&CreateLobbyRequest {
//!         name: LobbyName::parse("general")?,
//!         description: None,
//!         visibility: Default::default(),
//!     })
//!     .await?;
//!
//! // Live events, and sends acknowledged once stored.
//! let mut gateway = Gateway::connect(&client).await?;
//! let sent = gateway.send_message(lobby.id.into(), MessageContent::parse("hello")?).await?;
//! println!("stored as #{}", sent.seq);
//!
//! // History, newest first, fetched page by page.
//! let history: Vec<_> = client.history(lobby.id, PageLimit::DEFAULT).try_collect().await?;
//! println!("{} messages", history.len());
//!
//! while let Some(event) = gateway.next().await {
//!     if let GatewayEvent::Frame(ServerFrame::MessageCreated { message, .. }) = event {
//!         println!("{}: {}", message.author.map_or("?".into(), |a| a.username.to_string()), message.content);
//!     }
//! }
//! # Ok(())
//! # }
//! ```

mod client;
mod error;
mod gateway;
mod history;
pub mod profile;
mod tls;

pub use client::{Client, ClientBuilder, Conversation};
pub use error::Error;
pub use gateway::{Gateway, GatewayConfig, GatewayEvent, Ready};

/// The protocol types, re-exported for convenience.
pub use chat_core::v1 as protocol;

/// The sans-I/O client core under the gateway (resume cursors and their stores, backoff,
/// conversation timelines), re-exported so applications can configure
/// [`GatewayConfig::resume_store`] and keep [`sync::Timeline`]s without another dependency.
pub use chat_sync as sync;
