//! # chat-server
//!
//! The reference chat server, as a library: [`Server::build`] prepares it from a [`Config`]
//! and [`Server::run`] serves until a shutdown future completes. The `chat-server` binary is
//! a thin wrapper around the two.
//!
//! # Layout
//!
//! - [`config`]: settings from flags, `CHAT_*` variables and `.env`.
//! - [`server`]: start-up and graceful shutdown; [`manage`]: offline admin commands.
//! - [`routes`]: the HTTP surface, one file per resource, plus OpenAPI and the error catcher.
//! - [`extract`]: request extractors that fail with the API's JSON error body.
//! - [`service`]: what the server does, independent of transport, with the access rules in
//!   [`service::access`].
//! - [`gateway`]: the WebSocket endpoint, the event hub and per-connection sessions.
//! - [`auth`]: tokens, passwords and login throttling; [`ratelimit`]: send rate limits.
//! - [`images`]: avatar and lobby icon processing and storage.
//! - [`store`]: every SQL statement.
//! - [`error`]: the API error and its mapping to chat-core's wire error.

pub mod auth;
pub mod config;
pub mod error;
pub mod extract;
pub mod gateway;
pub mod images;
pub mod manage;
pub mod ratelimit;
pub mod routes;
pub mod server;
pub mod service;
pub mod state;
pub mod store;

pub use config::Config;
pub use server::{Server, StartupError};
