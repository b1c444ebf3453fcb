//! # chat-tui
//!
//! A keyboard-driven terminal chat client on top of [`chat_client`].
//!
//! # Layout
//!
//! State, events and drawing are kept apart, so the logic is tested without a terminal:
//!
//! - [`state`]: the [`state::App`] — everything the screen shows.
//! - [`event`]: what can happen (keys, mouse, paste, resize, clock ticks, network reports).
//! - [`update`]: the reducer, `update(&mut App, Event) -> Vec<Effect>`; no I/O, no clock.
//! - [`effect`]: what the reducer asks for (send, load history, join, …).
//! - [`worker`]: a task owning the SDK's `Client` and `Gateway`; carries out effects and
//!   reports back over bounded channels.
//! - [`ui`]: `draw(&App)`, one file per screen area.
//! - [`editor`], [`commands`], [`time`]: the input line, slash commands, local times.
//! - [`terminal`], [`run`]: terminal setup/restore (also on panic) and the event loop.

pub mod commands;
pub mod editor;
pub mod effect;
pub mod event;
pub mod run;
pub mod state;
pub mod terminal;
pub mod time;
pub mod ui;
pub mod update;
pub mod worker;

pub use run::{Options, run};
