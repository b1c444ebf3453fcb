//! chat-tui's tests, one binary: the reducer, screen snapshots, and the real binary in a
//! terminal against a real server.

mod end_to_end;
mod fixtures;
mod reducer;
mod screens;
