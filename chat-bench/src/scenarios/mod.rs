//! The scenarios, one module each. Every module has a settings struct (its `Default` holds
//! the command line's defaults), a report, and `run(&Common, &Settings)`.

pub mod fanout;
pub mod history;
pub mod idle;
pub mod login;
pub mod me;
pub mod persist;
