//! `me`: authenticated `GET /api/v1/users/me` from C concurrent clients, each with its own
//! connection pool. The route does little besides checking the token, so this measures the
//! server's per-request floor: HTTP handling, token verification, one account read.

use std::sync::Arc;

use anyhow::{Context, ensure};
use serde::Serialize;

use crate::Common;
use crate::latency::LatencySummary;
use crate::load;
use crate::progress::Live;
use crate::report::{Table, per_sec};
use crate::users::Users;

/// Settings of `me`.
#[derive(Debug, Clone)]
pub struct MeSettings {
    /// Concurrent clients (all signed in as one user).
    pub concurrency: usize,
}

impl Default for MeSettings {
    fn default() -> Self {
        Self { concurrency: 64 }
    }
}

/// The figures of `me`.
#[derive(Debug, Clone, Serialize)]
pub struct MeReport {
    /// Concurrent clients.
    pub concurrency: usize,
    /// The measured span, in seconds.
    pub measured_secs: f64,
    /// Requests answered within the window.
    pub requests: u64,
    /// Requests per second.
    pub requests_per_sec: f64,
    /// Request latency.
    pub latency: LatencySummary,
    /// Failed requests (whole run).
    pub errors: u64,
    /// The first failure, if any.
    pub first_error: Option<String>,
}

impl MeReport {
    pub(crate) fn fill(&self, table: &mut Table) {
        table.heading(format!(
            "me: GET /api/v1/users/me, {} clients, {:.1} s measured",
            self.concurrency, self.measured_secs
        ));
        table.row("requests/s", per_sec(self.requests_per_sec));
        table.latency("latency", &self.latency);
        table.row("errors", self.errors);
        if let Some(error) = &self.first_error {
            table.note(format!("first error: {error}"));
        }
    }
}

/// Runs `me` against `common.server`.
pub async fn run(common: &Common, settings: &MeSettings) -> anyhow::Result<MeReport> {
    ensure!(settings.concurrency >= 1, "me needs at least one client");
    let progress = common.progress();
    let users = Users::new(&common.server);
    let user = users.register("u", 1, &progress).await?;
    let token = user.first().context("one user registered")?.token()?;
    let workers = (0..settings.concurrency)
        .map(|_| {
            let client = users.client_with_token(&token)?;
            Ok(move || {
                let client = client.clone();
                async move { client.me().await.map(|_| ()) }
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let window = common.window();
    let live = Arc::new(Live::default());
    let _bar = progress.timed("me", window, live.clone());
    let outcome = load::run(workers, window, live).await?;
    Ok(MeReport {
        concurrency: settings.concurrency,
        measured_secs: window.secs(),
        requests: outcome.ok,
        requests_per_sec: window.rate(outcome.ok),
        latency: outcome.latency.summary(),
        errors: outcome.errors,
        first_error: outcome.first_error,
    })
}
