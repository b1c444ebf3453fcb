//! Authentication: tokens, passwords and login throttling.

pub mod password;
pub mod throttle;
pub mod tokens;
