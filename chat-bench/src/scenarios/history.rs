//! `history`: seeds one lobby with N messages through the normal send path, then fetches
//! random "50 before this message" pages over HTTP with C concurrent clients.
//!
//! Seeding is not measured (its rate is reported on its own). The bench remembers the id of
//! every acknowledged message (ids only: 16 bytes each) to pick random cursors from, so
//! pages come from all over the history rather than from a cached head.

use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::{Duration, Instant};

use anyhow::{Context, ensure};
use chat_core::v1::{HistoryQuery, LobbyId, PageLimit};
use rand::Rng;
use serde::Serialize;

use crate::Common;
use crate::clock::{Clock, Window};
use crate::latency::LatencySummary;
use crate::load;
use crate::payload::Payload;
use crate::progress::{Live, Progress};
use crate::pump::{self, AckRecorder, SendPlan, SendTally};
use crate::report::{RATE_LIMIT_HINT, Table, per_sec};
use crate::users::{self, BenchUser, Users};

/// Settings of `history`.
#[derive(Debug, Clone)]
pub struct HistorySettings {
    /// Messages to seed the lobby with.
    pub messages: u64,
    /// Concurrent readers.
    pub concurrency: usize,
    /// Users seeding the lobby, each with its own gateway.
    pub seeders: usize,
    /// Sends awaiting their ack per seeder, at most.
    pub seed_window: usize,
    /// Characters per seeded message.
    pub payload: usize,
}

impl Default for HistorySettings {
    fn default() -> Self {
        Self {
            messages: 1_000_000,
            concurrency: 32,
            // Every seeder is a member and so receives every seeded message: few seeders with
            // deep windows seed faster than many with shallow ones.
            seeders: 8,
            seed_window: 128,
            payload: 100,
        }
    }
}

/// The figures of `history`.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryReport {
    /// Messages in the lobby (acknowledged while seeding).
    pub seeded: u64,
    /// How long seeding took, in seconds.
    pub seed_secs: f64,
    /// Messages seeded per second.
    pub seed_per_sec: f64,
    /// Seed sends that failed (`rate_limited` among them).
    pub seed_errors: u64,
    /// Seed sends refused as `rate_limited`.
    pub seed_rate_limited: u64,
    /// Concurrent readers.
    pub concurrency: usize,
    /// The measured span, in seconds.
    pub measured_secs: f64,
    /// Pages fetched within the window.
    pub requests: u64,
    /// Pages per second.
    pub requests_per_sec: f64,
    /// Page latency.
    pub latency: LatencySummary,
    /// Failed page requests (whole run).
    pub errors: u64,
    /// The first failure, if any.
    pub first_error: Option<String>,
}

impl HistoryReport {
    pub(crate) fn fill(&self, table: &mut Table) {
        table.heading(format!(
            "history: {} messages, {} readers, {:.1} s measured",
            self.seeded, self.concurrency, self.measured_secs
        ));
        table.row("seed rate", per_sec(self.seed_per_sec));
        table.row("seed time", format!("{:.1} s", self.seed_secs));
        table.row("seed errors", self.seed_errors);
        table.row("pages/s", per_sec(self.requests_per_sec));
        table.latency("page latency", &self.latency);
        table.row("errors", self.errors);
        if let Some(error) = &self.first_error {
            table.note(format!("first error: {error}"));
        }
        if self.seed_rate_limited > 0 {
            table.note(RATE_LIMIT_HINT);
        }
    }
}

/// Runs `history` against `common.server`.
pub async fn run(common: &Common, settings: &HistorySettings) -> anyhow::Result<HistoryReport> {
    ensure!(settings.messages >= 1, "history needs at least one message");
    ensure!(
        settings.concurrency >= 1 && settings.seeders >= 1 && settings.seed_window >= 1,
        "history needs a reader, a seeder and a send window of at least 1"
    );
    let progress = common.progress();
    let users = Users::new(&common.server);
    let seeders = users.register("h", settings.seeders, &progress).await?;
    let lobby = users.create_lobby(&seeders[0], 0).await?;
    let joins: Vec<(&BenchUser, _)> = seeders.iter().skip(1).map(|u| (u, lobby)).collect();
    users::join_all(&joins).await?;

    let seed = seed(&seeders, lobby, settings, &progress).await?;
    ensure!(
        !seed.ids.is_empty(),
        "seeding stored no message ({} errors)",
        seed.tally.errors + seed.tally.rate_limited
    );

    let token = seeders[0].token()?;
    let ids = Arc::new(seed.ids);
    let window = common.window();
    let live = Arc::new(Live::default());
    let _bar = progress.timed("history", window, live.clone());
    let workers = (0..settings.concurrency)
        .map(|_| {
            let client = users.client_with_token(&token)?;
            let ids = ids.clone();
            Ok(move || {
                let before = ids[rand::rng().random_range(0..ids.len())];
                let client = client.clone();
                async move {
                    let query = HistoryQuery {
                        before: Some(before),
                        after: None,
                        limit: Some(PageLimit::DEFAULT),
                    };
                    client.history_page(lobby, &query).await.map(|_| ())
                }
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let outcome = load::run(workers, window, live).await?;
    Ok(HistoryReport {
        seeded: ids.len() as u64,
        seed_secs: seed.elapsed.as_secs_f64(),
        seed_per_sec: ids.len() as f64 / seed.elapsed.as_secs_f64().max(1e-9),
        seed_errors: seed.tally.errors + seed.tally.rate_limited + seed.tally.unanswered,
        seed_rate_limited: seed.tally.rate_limited,
        concurrency: settings.concurrency,
        measured_secs: window.secs(),
        requests: outcome.ok,
        requests_per_sec: window.rate(outcome.ok),
        latency: outcome.latency.summary(),
        errors: outcome.errors,
        first_error: outcome.first_error,
    })
}

struct Seeded {
    ids: Vec<chat_core::v1::MessageId>,
    tally: SendTally,
    elapsed: Duration,
}

/// Posts `settings.messages` messages into `lobby` from every seeder at once, each keeping
/// `seed_window` sends in flight, drawing from one shared budget.
async fn seed(
    seeders: &[BenchUser],
    lobby: LobbyId,
    settings: &HistorySettings,
    progress: &Progress,
) -> anyhow::Result<Seeded> {
    let payload = Payload::new(settings.payload)?;
    let gateways = users::connect_all(
        seeders,
        &users::gateway_config(settings.seed_window),
        progress,
    )
    .await?;
    let bar = progress.counter("seeding", settings.messages);
    let budget = Arc::new(AtomicU64::new(settings.messages));
    let started = Instant::now();
    // Seeding is over when the budget is spent, not at a time; this window only makes every
    // ack count, so its end is far away.
    let everything = Window {
        start: started,
        from: started,
        until: started + Duration::from_secs(365 * 24 * 3600),
    };
    let clock = Clock::new();
    let share = usize::try_from(settings.messages / settings.seeders as u64).unwrap_or(0);
    let tasks: Vec<_> = gateways
        .into_iter()
        .enumerate()
        .map(|(i, mut gateway)| {
            let plan = SendPlan {
                conversation: users::conversation(lobby),
                sender: u32::try_from(i).unwrap_or(u32::MAX),
                window: settings.seed_window,
                pace: None,
                payload,
                stop_at: everything.until,
                budget: Some(budget.clone()),
            };
            let mut recorder = AckRecorder::new(everything, Arc::new(Live::default()));
            recorder.ids = Some(Vec::with_capacity(share + settings.seed_window));
            recorder.bar = Some(bar.clone());
            tokio::spawn(async move {
                let tally = pump::send(&mut gateway, &plan, clock, &mut recorder).await;
                (tally, recorder.ids.unwrap_or_default())
            })
        })
        .collect();
    let mut ids = Vec::with_capacity(usize::try_from(settings.messages).unwrap_or(0));
    let mut tally = SendTally::default();
    for task in tasks {
        let (t, mine) = task.await.context("a seeder failed")?;
        tally.add(t);
        ids.extend(mine);
    }
    bar.finish_and_clear();
    Ok(Seeded {
        ids,
        tally,
        elapsed: started.elapsed(),
    })
}
