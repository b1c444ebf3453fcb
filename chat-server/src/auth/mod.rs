//! Authentication: who is calling, tokens, passwords and login throttling.

pub mod caller;
pub mod password;
pub mod throttle;
pub mod tokens;
