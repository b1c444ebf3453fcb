//! Progress on stderr while a scenario runs: counted bars for set-up (registering users,
//! seeding, opening connections) and a timed bar with live counters for the measured run.
//!
//! Everything is hidden for `--json` and when stderr is not a terminal, so logs and pipes
//! stay clean.

use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::clock::Window;

/// Makes progress bars, or hidden ones.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    visible: bool,
}

/// Counters that the timed bar shows while a scenario runs; tasks bump them as they go.
#[derive(Debug, Default)]
pub struct Live {
    /// Operations done (sends acknowledged, requests answered, connections open).
    pub ok: AtomicU64,
    /// Messages delivered to members (fan-out scenarios).
    pub delivered: AtomicU64,
    /// Operations that failed.
    pub errors: AtomicU64,
}

impl Live {
    /// Adds one done operation.
    pub fn ok(&self) {
        self.ok.fetch_add(1, Ordering::Relaxed);
    }

    /// Adds one failure.
    pub fn error(&self) {
        self.errors.fetch_add(1, Ordering::Relaxed);
    }
}

impl Progress {
    /// Bars on stderr when `wanted` and stderr is a terminal.
    pub fn new(wanted: bool) -> Self {
        Self {
            visible: wanted && std::io::stderr().is_terminal(),
        }
    }

    /// No bars at all.
    pub fn hidden() -> Self {
        Self { visible: false }
    }

    /// A bar counting to `total`, labelled `label`.
    pub fn counter(&self, label: &str, total: u64) -> ProgressBar {
        let bar = self.bar(total);
        bar.set_style(style("{msg:<24} [{bar:30}] {pos}/{len} ({per_sec}, {eta})"));
        bar.set_message(label.to_owned());
        bar
    }

    /// A bar over the timed window showing `live`; it stops when the returned guard drops.
    pub fn timed(&self, label: &str, window: Window, live: Arc<Live>) -> TimedBar {
        let total = u64::try_from(window.total().as_millis()).unwrap_or(u64::MAX);
        let bar = self.bar(total);
        bar.set_style(style("{prefix:<10} [{bar:30}] {elapsed:>4} {msg}"));
        let label = label.to_owned();
        let ticker = bar.clone();
        let task = self.visible.then(|| {
            tokio::spawn(async move {
                let mut tick = tokio::time::interval(Duration::from_millis(200));
                loop {
                    tick.tick().await;
                    let now = Instant::now();
                    let phase = if now < window.from {
                        "warm-up"
                    } else {
                        "measuring"
                    };
                    ticker.set_prefix(phase);
                    ticker.set_position(
                        u64::try_from(now.saturating_duration_since(window.start).as_millis())
                            .unwrap_or(u64::MAX)
                            .min(total),
                    );
                    let delivered = live.delivered.load(Ordering::Relaxed);
                    let delivered = if delivered > 0 {
                        format!(", {delivered} delivered")
                    } else {
                        String::new()
                    };
                    ticker.set_message(format!(
                        "{label}: {} ok{delivered}, {} errors",
                        live.ok.load(Ordering::Relaxed),
                        live.errors.load(Ordering::Relaxed)
                    ));
                }
            })
        });
        TimedBar { bar, task }
    }

    fn bar(&self, total: u64) -> ProgressBar {
        if self.visible {
            ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr())
        } else {
            ProgressBar::hidden()
        }
    }
}

fn style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template)
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ")
}

/// The timed bar; dropping it stops its updates and clears it.
#[derive(Debug)]
pub struct TimedBar {
    bar: ProgressBar,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Drop for TimedBar {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
        self.bar.finish_and_clear();
    }
}
