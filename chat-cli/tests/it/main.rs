//! The real `chat` binary against a real server. One test binary.

mod helpers;

mod session;
