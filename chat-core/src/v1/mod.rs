//! Version 1 of the chat protocol.
//!
//! Every JSON field is `snake_case`; every enum sent on the wire is internally tagged by
//! `"type"` or is a plain string, with an explicit name per variant so that renaming a Rust
//! item can never silently rename a wire value (the golden tests in `tests/` guard this).

pub mod admin;
pub mod auth;
pub mod chats;
mod double_option;
pub mod endpoints;
pub mod error;
pub mod frames;
pub mod ids;
mod integral;
pub mod lobbies;
pub mod members;
pub mod messages;
pub mod pagination;
pub mod reactions;
pub mod time;
pub mod tokens;
pub mod users;
pub mod validate;

pub use admin::*;
pub use auth::*;
pub use chats::*;
pub use error::*;
pub use frames::*;
pub use ids::*;
pub use lobbies::*;
pub use members::*;
pub use messages::*;
pub use pagination::*;
pub use reactions::*;
pub use time::*;
pub use tokens::*;
pub use users::*;
pub use validate::*;
