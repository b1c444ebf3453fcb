//! # chat-core
//!
//! The one definition of the chat protocol. The server, the SDK, the CLI, the TUI and the
//! WebAssembly binding all speak through these types; nobody re-declares them.
//!
//! # Layout
//!
//! - [`v1`]: version 1 of the protocol.
//!   - [`v1::ids`]: opaque, time-ordered identifiers ([`v1::UserId`], [`v1::LobbyId`], ...).
//!   - [`v1::validate`]: newtypes whose only constructors enforce the input rules
//!     ([`v1::Username`], [`v1::MessageContent`], ...). Parse, don't validate.
//!   - [`v1::error`]: the wire error body and the one [`v1::ErrorCode`] enum, with the HTTP
//!     status of each code defined in one place.
//!   - [`v1::auth`], [`v1::users`], [`v1::lobbies`], [`v1::members`], [`v1::messages`],
//!     [`v1::chats`]: REST request and response bodies, one module per resource.
//!   - [`v1::frames`]: the WebSocket frames.
//!   - [`v1::endpoints`]: every REST endpoint described once (method, path template, path
//!     parameters, body, query, response), for clients to build requests from.
//!
//! This crate does no I/O and does not depend on tokio: it builds for `wasm32-unknown-unknown`.
//! The `openapi` feature derives the schemas the server publishes in its OpenAPI document.

pub mod markup;
pub mod v1;
