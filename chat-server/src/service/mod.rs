//! What the server does, independent of transport.
//!
//! REST handlers (and the WebSocket gateway) parse their input, call one function here and
//! render its result. Every function takes the caller and checks, through [`access`], that
//! the caller may do what it asks, before touching the store.

pub mod access;
pub mod accounts;
pub mod admin;
pub mod chats;
pub mod images;
pub mod limits;
pub mod lobbies;
pub mod members;
pub mod mentions;
pub mod messages;
pub mod presence;
pub mod reactions;
pub mod sessions;
pub mod tokens;
pub mod users;
