//! # chat-sync
//!
//! The sans-I/O core of a chat client, shared by the Rust SDK (`chat-client`), the browser
//! client (`chat-wasm`) and the terminal client (`chat-tui`), the way `matrix-sdk-base` sits
//! under `matrix-sdk`: every rule about *what* a client does with the server's frames lives
//! here, as plain functions of their inputs, while the crates above own the sockets, timers
//! and randomness. That keeps one copy of each rule, and tests it on the host without a
//! server.
//!
//! # Layout
//!
//! - [`resume`]: per-conversation event cursors: what to resume from after `ready`, which
//!   frames are duplicates, when a gap asks for a reconnect, when a resync is still owed.
//! - [`backoff`]: the reconnect delay schedule (exponential, capped, with jitter drawn by the
//!   caller).
//! - [`timeline`]: one conversation's messages: history pages, live events, local echoes of
//!   pending sends, edits, deletes, unread count and read cursor.
//! - [`store`]: where the resume state is kept between runs: in memory, or in a JSON file.

pub mod backoff;
pub mod resume;
pub mod store;
pub mod timeline;

pub use backoff::Backoff;
pub use resume::{OnReady, ResumeState, Tracker, Verdict};
#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
pub use store::FileStore;
pub use store::{MemoryStore, ResumeStore, StoreError};
pub use timeline::{DeletedMessage, Entry, HistoryPosition, Item, PendingMessage, Timeline};
