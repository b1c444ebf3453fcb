//! chat-client against the real server, started in-process on port 0 with its own SQLite
//! file. One test binary; one module per area.

mod helpers;

mod errors;
mod gateway;
mod rest;
mod storm;
