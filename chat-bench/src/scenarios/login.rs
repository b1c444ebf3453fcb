//! `login`: a storm of logins from C concurrent clients over U pre-registered users, while a
//! modest fan-out runs in the background, to see both what logins cost and what they do to
//! message delivery.
//!
//! A login is dominated by one bcrypt verification on the server. The bench times
//! `bcrypt::verify` locally at the server's cost, alone and then on every core at once, and
//! reports "bcrypt capacity": how many verifications per second this machine's cores do when
//! all of them verify (cores slow each other down: shared caches, clocks, a host's other
//! guests; one verification timed alone would overstate it by about a tenth here), and the
//! login rate as a share of it. Against a server on the same kind of machine, a share near 100% means logins are
//! bound by bcrypt, far below means something else limits them.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, ensure};
use serde::Serialize;

use crate::Common;
use crate::latency::LatencySummary;
use crate::load;
use crate::progress::Live;
use crate::report::{Table, ms, per_sec};
use crate::scenarios::fanout::{Fanout, FanoutReport, FanoutSettings};
use crate::users::Users;

/// Settings of `login`.
#[derive(Debug, Clone)]
pub struct LoginSettings {
    /// Users to log in as, registered first.
    pub users: usize,
    /// Concurrent login clients.
    pub concurrency: usize,
    /// Members of the background fan-out's one room.
    pub fanout_members: usize,
    /// Messages per second of the background fan-out.
    pub fanout_rate: u64,
    /// The server's bcrypt cost (`CHAT_BCRYPT_COST`), to time verification locally.
    pub bcrypt_cost: u32,
    /// Local verifications to time.
    pub bcrypt_samples: u32,
}

impl Default for LoginSettings {
    fn default() -> Self {
        Self {
            users: 200,
            concurrency: 64,
            fanout_members: 20,
            fanout_rate: 200,
            bcrypt_cost: 12,
            bcrypt_samples: 3,
        }
    }
}

/// The figures of `login`.
#[derive(Debug, Clone, Serialize)]
pub struct LoginReport {
    /// Users logged in as.
    pub users: usize,
    /// Concurrent login clients.
    pub concurrency: usize,
    /// The measured span, in seconds.
    pub measured_secs: f64,
    /// Logins within the window.
    pub logins: u64,
    /// Logins per second.
    pub logins_per_sec: f64,
    /// Login latency.
    pub latency: LatencySummary,
    /// Failed logins (whole run), `rate_limited` among them.
    pub errors: u64,
    /// Logins refused as `rate_limited`.
    pub rate_limited: u64,
    /// The first failure, if any.
    pub first_error: Option<String>,
    /// The bcrypt cost timed.
    pub bcrypt_cost: u32,
    /// One local `bcrypt::verify` with the other cores idle, in milliseconds.
    pub bcrypt_verify_ms: f64,
    /// One local `bcrypt::verify` while every core verifies, in milliseconds.
    pub bcrypt_verify_all_cores_ms: f64,
    /// This machine's cores.
    pub cores: usize,
    /// Verifications per second all cores do together.
    pub bcrypt_capacity_per_sec: f64,
    /// Logins per second as a percentage of that capacity.
    pub capacity_used_percent: f64,
    /// The background fan-out during the storm.
    pub fanout: FanoutReport,
}

impl LoginReport {
    /// Why the run failed: the background fan-out lost, duplicated or reordered messages.
    pub fn failures(&self) -> Vec<String> {
        self.fanout
            .failures()
            .into_iter()
            .map(|f| format!("background fanout: {f}"))
            .collect()
    }

    pub(crate) fn fill(&self, table: &mut Table) {
        table.heading(format!(
            "login: {} users, {} clients, {:.1} s measured",
            self.users, self.concurrency, self.measured_secs
        ));
        table.row("logins/s", per_sec(self.logins_per_sec));
        table.latency("login latency", &self.latency);
        table.row("errors", self.errors);
        table.row("rate limited", self.rate_limited);
        table.row(
            format!("bcrypt verify (cost {})", self.bcrypt_cost),
            ms(self.bcrypt_verify_ms),
        );
        table.row(
            format!("bcrypt verify, {} cores busy", self.cores),
            ms(self.bcrypt_verify_all_cores_ms),
        );
        table.row(
            format!("bcrypt capacity ({} cores)", self.cores),
            per_sec(self.bcrypt_capacity_per_sec),
        );
        table.row(
            "logins / capacity",
            format!("{:.1}%", self.capacity_used_percent),
        );
        table.row(
            "fanout deliveries/s",
            per_sec(self.fanout.deliveries_per_sec),
        );
        table.row("fanout delivery p99", ms(self.fanout.latency.p99_ms));
        table.row("fanout lost", self.fanout.lost);
        table.row("fanout lagged disconnects", self.fanout.lagged_disconnects);
        if let Some(error) = &self.first_error {
            table.note(format!("first error: {error}"));
        }
        table.note(
            "bcrypt capacity is measured on this machine; --bcrypt-cost must match the \
             server's CHAT_BCRYPT_COST",
        );
    }
}

/// Runs `login` against `common.server`.
pub async fn run(common: &Common, settings: &LoginSettings) -> anyhow::Result<LoginReport> {
    ensure!(
        settings.users >= 1 && settings.concurrency >= 1,
        "login needs a user and a client"
    );
    ensure!(
        (4..=31).contains(&settings.bcrypt_cost),
        "the bcrypt cost must be from 4 to 31"
    );
    let progress = common.progress();
    let users = Users::new(&common.server);

    // Timed before the storm so that it competes with nothing.
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let samples = settings.bcrypt_samples.max(1);
    let verify = time_bcrypt(settings.bcrypt_cost, samples, 1).await?;
    let verify_all_cores = time_bcrypt(settings.bcrypt_cost, samples, cores).await?;
    let capacity = cores as f64 / verify_all_cores.as_secs_f64().max(1e-9);

    let accounts = Arc::new(users.register("l", settings.users, &progress).await?);
    let fanout_settings = FanoutSettings {
        rooms: 1,
        members: settings.fanout_members.max(1),
        senders: settings.fanout_members.clamp(1, 5),
        rate: settings.fanout_rate,
        ..FanoutSettings::default()
    };
    let fanout = Fanout::prepare(&users, "f", &fanout_settings, &progress).await?;

    let next = Arc::new(AtomicUsize::new(0));
    let workers = (0..settings.concurrency)
        .map(|_| {
            let client = users.client()?;
            let accounts = accounts.clone();
            let next = next.clone();
            Ok(move || {
                let user = &accounts[next.fetch_add(1, Ordering::Relaxed) % accounts.len()];
                let (client, username, password) =
                    (client.clone(), user.username.clone(), user.password.clone());
                async move { client.login(&username, &password).await.map(|_| ()) }
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;

    let window = common.window();
    let live = Arc::new(Live::default());
    let _bar = progress.timed("login", window, live.clone());
    // The fan-out draws no bar of its own: the login bar is the one shown.
    let hidden = crate::progress::Progress::hidden();
    let (outcome, fanout) = tokio::join!(
        load::run(workers, window, live),
        fanout.run(window, &hidden)
    );
    let (outcome, fanout) = (outcome?, fanout?);
    let logins_per_sec = window.rate(outcome.ok);
    Ok(LoginReport {
        users: settings.users,
        concurrency: settings.concurrency,
        measured_secs: window.secs(),
        logins: outcome.ok,
        logins_per_sec,
        latency: outcome.latency.summary(),
        errors: outcome.errors,
        rate_limited: outcome.rate_limited,
        first_error: outcome.first_error,
        bcrypt_cost: settings.bcrypt_cost,
        bcrypt_verify_ms: verify.as_secs_f64() * 1000.0,
        bcrypt_verify_all_cores_ms: verify_all_cores.as_secs_f64() * 1000.0,
        cores,
        bcrypt_capacity_per_sec: capacity,
        capacity_used_percent: 100.0 * logins_per_sec / capacity,
        fanout,
    })
}

/// The mean time of one `bcrypt::verify` at `cost`, over `samples` runs on each of `threads`
/// threads running at once.
async fn time_bcrypt(cost: u32, samples: u32, threads: usize) -> anyhow::Result<Duration> {
    tokio::task::spawn_blocking(move || {
        let password = "chat-bench password";
        let hash = bcrypt::hash(password, cost).context("hashing a password")?;
        let started = Instant::now();
        std::thread::scope(|scope| {
            let runs: Vec<_> = (0..threads)
                .map(|_| {
                    scope.spawn(|| {
                        for _ in 0..samples {
                            ensure!(
                                bcrypt::verify(password, &hash).context("verifying a password")?,
                                "bcrypt refused its own hash"
                            );
                        }
                        Ok(())
                    })
                })
                .collect();
            runs.into_iter().try_for_each(|run| {
                run.join()
                    .map_err(|_| anyhow::anyhow!("a bcrypt timing thread panicked"))?
            })
        })?;
        Ok(started.elapsed() / samples)
    })
    .await
    .context("the bcrypt timer failed")?
}
