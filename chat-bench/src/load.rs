//! Closed-loop request workers for the HTTP scenarios: each worker sends a request, waits
//! for the answer and sends the next, until the window ends. Throughput is then what the
//! server sustains at that concurrency, and latency is not inflated by a client-side queue.

use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;

use crate::clock::Window;
use crate::latency::Latency;
use crate::progress::Live;

/// What the workers did.
#[derive(Debug, Default)]
pub(crate) struct LoadOutcome {
    /// Requests answered successfully within the measured window.
    pub ok: u64,
    /// Latencies of those requests.
    pub latency: Latency,
    /// Failed requests over the whole run (warm-up included), `rate_limited` among them.
    pub errors: u64,
    /// Requests refused as `rate_limited`.
    pub rate_limited: u64,
    /// The first failure, to show what went wrong.
    pub first_error: Option<String>,
}

impl LoadOutcome {
    fn add(&mut self, other: Self) {
        self.ok += other.ok;
        self.latency.merge(&other.latency);
        self.errors += other.errors;
        self.rate_limited += other.rate_limited;
        self.first_error = self.first_error.take().or(other.first_error);
    }
}

/// Runs one task per worker until `window` ends; each call of a worker is one request.
pub(crate) async fn run<W, F>(
    workers: Vec<W>,
    window: Window,
    live: Arc<Live>,
) -> anyhow::Result<LoadOutcome>
where
    W: FnMut() -> F + Send + 'static,
    F: Future<Output = Result<(), chat_client::Error>> + Send,
{
    let tasks: Vec<_> = workers
        .into_iter()
        .map(|mut request| {
            let live = live.clone();
            tokio::spawn(async move {
                let mut outcome = LoadOutcome::default();
                while Instant::now() < window.until {
                    let started = Instant::now();
                    let result = request().await;
                    let done = Instant::now();
                    match result {
                        Ok(()) => {
                            live.ok();
                            if window.contains(done) {
                                outcome.ok += 1;
                                outcome.latency.record(done - started);
                            }
                        }
                        Err(e) => {
                            live.error();
                            outcome.errors += 1;
                            outcome.rate_limited += u64::from(e.is_rate_limited());
                            outcome.first_error.get_or_insert_with(|| e.to_string());
                        }
                    }
                }
                outcome
            })
        })
        .collect();
    let mut total = LoadOutcome::default();
    for task in tasks {
        total.add(task.await.context("a request worker failed")?);
    }
    Ok(total)
}
