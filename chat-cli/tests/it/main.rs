//! The real `chat` binary against a real server. One test binary.

mod helpers;

mod help_examples;
mod new_user;
mod session;
