//! Integration tests: the real server on port 0, a fresh SQLite file per test, real HTTP.
//!
//! One test binary (faster to build); one module per area.

mod helpers;
mod images;
mod process;
mod ws;

mod accounts;
mod admin;
mod auth;
mod authorization;
mod chats;
mod cluster;
mod connections;
mod crash;
mod endpoints;
mod gateway_connection;
mod gateway_delivery;
mod gateway_resume;
mod group_commit;
mod input;
mod input_text;
mod layers;
mod lobbies;
mod members;
mod mentions;
mod messages;
mod meta;
mod outages;
mod patch_fields;
mod query_plans;
mod reactions;
mod shutdown;
mod tokens;
mod users;
mod web;
