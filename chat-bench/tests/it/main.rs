//! Every scenario against the real server, started in-process on port 0 with its own SQLite
//! file, for about a second with tiny parameters. One test binary; the server helper lives
//! in `helpers`.

mod helpers;
mod scenarios;
