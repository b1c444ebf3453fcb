//! # chat-bench
//!
//! Measures a chat server on the wire, through [`chat_client`], against any server URL that
//! speaks the `chat_core::v1` protocol: fan-out latency and exactness, idle connection cost,
//! history paging, durable send throughput, login storms and a cheap authenticated route.
//!
//! Each scenario has a settings struct and a `run` that returns its report, so tests (and
//! other tools) call them directly; the `chat-bench` binary is a thin command line over them.
//!
//! # Layout
//!
//! - [`scenarios`]: one module per scenario: [`scenarios::fanout`], [`scenarios::idle`],
//!   [`scenarios::history`], [`scenarios::persist`], [`scenarios::login`], [`scenarios::me`].
//! - [`report`]: [`Report`], any scenario's report, as a table or one JSON object.
//! - Shared pieces: [`users`] (fresh users per run, their lobbies and gateways),
//!   [`latency`] (HDR histograms), [`payload`] (what a bench message carries), [`sequence`]
//!   (the exactly-once, in-order check), [`clock`] (the time base and the measured window),
//!   [`progress`] (progress bars), [`system`] (open-files limit, a process's memory).
//! - Crate-private: `pump` (a gateway sending with a window of acks in flight) and `load`
//!   (closed-loop request workers).

use std::time::Duration;

pub mod clock;
pub mod latency;
mod load;
pub mod payload;
pub mod progress;
mod pump;
pub mod report;
pub mod scenarios;
pub mod sequence;
pub mod system;
pub mod users;

pub use report::Report;

/// Settings every scenario shares.
#[derive(Debug, Clone)]
pub struct Common {
    /// The server's base URL, e.g. `http://127.0.0.1:8080`.
    pub server: String,
    /// How long to run before measuring; nothing in it counts.
    pub warmup: Duration,
    /// How long to measure.
    pub duration: Duration,
    /// Whether to draw progress bars on stderr (when it is a terminal).
    pub progress: bool,
}

impl Common {
    /// Settings for `server` with a 2 s warm-up, 10 s of measuring and progress bars.
    pub fn new(server: impl Into<String>) -> Self {
        Self {
            server: server.into(),
            warmup: Duration::from_secs(2),
            duration: Duration::from_secs(10),
            progress: true,
        }
    }

    pub(crate) fn progress(&self) -> progress::Progress {
        progress::Progress::new(self.progress)
    }

    pub(crate) fn window(&self) -> clock::Window {
        clock::Window::starting_now(self.warmup, self.duration)
    }
}

/// Waits until `stop` turns `true` (or its sender is gone). The borrow `wait_for` returns is
/// released here, so the caller's future stays `Send` across later awaits.
pub(crate) async fn stopped(stop: &mut tokio::sync::watch::Receiver<bool>) {
    let _ = stop.wait_for(|stopped| *stopped).await;
}
