//! # chat-server
//!
//! The reference chat server, as a library: [`Server::build`] prepares it from a [`Config`]
//! and [`Server::run`] serves until a shutdown future completes. The `chat-server` binary is
//! a thin wrapper around the two.
//!
//! # Layout
//!
//! Modules point down only (`tests/it/layers.rs` checks it), from top to bottom:
//!
//! - [`server`]: start-up and graceful shutdown; [`manage`]: offline admin commands.
//! - [`routes`]: the HTTP surface, one file per resource, plus OpenAPI and the error catcher.
//! - [`gateway`]: the WebSocket endpoint and one session task per connection.
//! - [`extract`]: request extractors that fail with the API's JSON error body.
//! - [`cluster`]: the node loops that join the Redis bus to the hub and the store.
//! - [`connections`]: connection admission (per address, in all) and stalled-body limits.
//! - [`service`]: what the server does, independent of transport, with the access rules in
//!   [`service::access`] and token checks in [`service::sessions`].
//! - [`state`]: the shared state handed to every handler.
//! - [`auth`]: who is calling, tokens, passwords and login throttling; [`ratelimit`]: per-user
//!   rate limits; [`images`]: avatar and lobby icon processing and storage.
//! - [`hub`]: connections, subscriptions and fan-out; its [`hub::bus`] is the Redis client.
//! - [`error`]: the API error and its mapping to chat-core's wire error.
//! - [`store`]: every SQL statement.
//! - [`clock`] and [`config`]: time and ids; settings from flags, `CHAT_*` variables, `.env`.

pub mod auth;
pub mod clock;
pub mod cluster;
pub mod config;
pub mod connections;
pub mod error;
pub mod extract;
pub mod gateway;
pub mod hub;
pub mod images;
pub mod manage;
pub mod ratelimit;
pub mod routes;
pub mod server;
pub mod service;
pub mod state;
pub mod store;
#[cfg(feature = "test-util")]
pub mod testkit;

pub use config::Config;
pub use server::{Server, StartupError};
