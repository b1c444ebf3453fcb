//! # chat-wasm
//!
//! WebAssembly bindings of the chat protocol, for web apps. Everything here is `chat-core`
//! exposed to JavaScript, so a browser speaks exactly the protocol the server speaks: a form
//! refuses what the server would refuse, with the server's own sentence, and every frame and
//! body is read through the same types.
//!
//! # Layout
//!
//! - [`validate`]: `validateUsername`, `validateMessageContent`, … — the input rules of
//!   `chat_core::v1::validate`, returning the server's error sentence or `undefined`.
//! - [`frames`]: `encodeClientFrame` / `decodeServerFrame`: WebSocket frames checked against
//!   `chat_core::v1::frames`.
//! - [`client`]: the `ChatClient` class: REST over `fetch` with promise-returning methods, and
//!   the live gateway ([`gateway`]) over the browser `WebSocket`, token in the first `auth`
//!   frame, resuming after every reconnect like the Rust SDK.
//! - [`timeline`]: the `Timeline` class: one conversation's messages, pending sends, read
//!   cursor and unread count, merged by `chat_sync::Timeline` (the model the Rust SDK and the
//!   TUI use), for a page to draw.
//! - The resume bookkeeping (cursors, duplicates, gaps, resyncs) and the reconnect backoff
//!   are `chat-sync`'s, shared with the Rust SDK and tested on the host.
//! - [`error`]: the one error type, thrown to JavaScript as an `Error` with `code`, `status`
//!   and `details`.
//! - [`types`]: TypeScript interfaces for the protocol bodies, added to the generated
//!   `chat_wasm.d.ts`.
//!
//! The crate builds for the host too (so the workspace's clippy and tests cover it); the
//! JavaScript imports only work inside a JavaScript engine. `chat-wasm/build.sh` builds the
//! bundle the server serves.

pub mod client;
pub mod error;
pub mod frames;
mod gateway;
mod http;
mod js;
pub mod timeline;
pub mod types;
pub mod validate;

pub use client::ChatClient;
pub use error::ClientError;
pub use timeline::Timeline;
