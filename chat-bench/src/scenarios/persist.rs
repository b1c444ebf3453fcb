//! `persist`: S senders, each its own user with its own gateway, post as fast as acks return
//! into R lobbies. The server acknowledges a send only once it is committed, so the ack rate
//! is the rate of durable messages and the ack latency is the cost of one commit under load.

use std::sync::Arc;

use anyhow::{Context, ensure};
use serde::Serialize;

use crate::Common;
use crate::latency::{Latency, LatencySummary};
use crate::payload::Payload;
use crate::progress::Live;
use crate::pump::{self, AckRecorder, SendPlan, SendTally};
use crate::report::{RATE_LIMIT_HINT, Table, per_sec};
use crate::users::{self, BenchUser, Users};

/// Settings of `persist`.
#[derive(Debug, Clone)]
pub struct PersistSettings {
    /// Senders, each a user of its own.
    pub senders: usize,
    /// Sends awaiting their ack per sender, at most.
    pub window: usize,
    /// Lobbies the senders are spread over.
    pub rooms: usize,
    /// Characters per message.
    pub payload: usize,
}

impl Default for PersistSettings {
    fn default() -> Self {
        Self {
            senders: 64,
            window: 32,
            rooms: 8,
            payload: 100,
        }
    }
}

/// The figures of `persist`, over the measured window unless said otherwise.
#[derive(Debug, Clone, Serialize)]
pub struct PersistReport {
    /// Senders.
    pub senders: usize,
    /// Lobbies.
    pub rooms: usize,
    /// Sends awaiting their ack per sender, at most.
    pub window: usize,
    /// The measured span, in seconds.
    pub measured_secs: f64,
    /// Sends acknowledged (committed) within the window.
    pub acked: u64,
    /// Durable messages per second.
    pub messages_per_sec: f64,
    /// Send → ack latency.
    pub ack_latency: LatencySummary,
    /// Sends refused as `rate_limited` (whole run).
    pub rate_limited: u64,
    /// Sends that failed otherwise (whole run).
    pub errors: u64,
    /// Sends given up on without an answer.
    pub unanswered: u64,
}

impl PersistReport {
    pub(crate) fn fill(&self, table: &mut Table) {
        table.heading(format!(
            "persist: {} senders (window {}) into {} lobbies, {:.1} s measured",
            self.senders, self.window, self.rooms, self.measured_secs
        ));
        table.row("durable messages/s", per_sec(self.messages_per_sec));
        table.row("acked", self.acked);
        table.latency("ack latency", &self.ack_latency);
        table.row("errors", self.errors);
        table.row("rate limited", self.rate_limited);
        table.row("unanswered sends", self.unanswered);
        if self.rate_limited > 0 {
            table.note(RATE_LIMIT_HINT);
        }
    }
}

/// Runs `persist` against `common.server`.
pub async fn run(common: &Common, settings: &PersistSettings) -> anyhow::Result<PersistReport> {
    let &PersistSettings {
        senders,
        window: in_flight,
        rooms,
        ..
    } = settings;
    ensure!(
        senders >= 1 && rooms >= 1,
        "persist needs a sender and a lobby"
    );
    ensure!(in_flight >= 1, "the send window must be at least 1");
    let payload = Payload::new(settings.payload)?;
    let progress = common.progress();
    let users = Users::new(&common.server);

    let everyone = users.register("p", senders, &progress).await?;
    let mut lobbies = Vec::with_capacity(rooms);
    for room in 0..rooms {
        lobbies.push(users.create_lobby(&everyone[0], room).await?);
    }
    // Sender i posts into lobby i % rooms; sender 0 created them all.
    let joins: Vec<(&BenchUser, _)> = everyone
        .iter()
        .enumerate()
        .skip(1)
        .map(|(i, user)| (user, lobbies[i % rooms]))
        .collect();
    users::join_all(&joins).await?;
    let gateways =
        users::connect_all(&everyone, &users::gateway_config(in_flight), &progress).await?;

    let window = common.window();
    let live = Arc::new(Live::default());
    let _bar = progress.timed("persist", window, live.clone());
    let clock = crate::clock::Clock::new();
    let tasks: Vec<_> = gateways
        .into_iter()
        .enumerate()
        .map(|(i, mut gateway)| {
            let plan = SendPlan {
                conversation: users::conversation(lobbies[i % rooms]),
                sender: u32::try_from(i).unwrap_or(u32::MAX),
                window: in_flight,
                pace: None,
                payload,
                stop_at: window.until,
                budget: None,
            };
            let mut recorder = AckRecorder::new(window, live.clone());
            tokio::spawn(async move {
                let tally = pump::send(&mut gateway, &plan, clock, &mut recorder).await;
                (tally, recorder)
            })
        })
        .collect();
    let mut tally = SendTally::default();
    let mut latency = Latency::new();
    let mut acked = 0;
    for task in tasks {
        let (t, recorder) = task.await.context("a persist sender failed")?;
        tally.add(t);
        latency.merge(&recorder.latency);
        acked += recorder.acked;
    }
    Ok(PersistReport {
        senders,
        rooms,
        window: in_flight,
        measured_secs: window.secs(),
        acked,
        messages_per_sec: window.rate(acked),
        ack_latency: latency.summary(),
        rate_limited: tally.rate_limited,
        errors: tally.errors,
        unanswered: tally.unanswered,
    })
}
