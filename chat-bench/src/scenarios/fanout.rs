//! `fanout`: R rooms of M members each, S of whom send. Measures acknowledged sends and
//! deliveries per second and send → receive latency, then checks that every member received
//! every acknowledged message of its room exactly once and in order.
//!
//! Every member is its own registered user with its own [`Gateway`]. A sender is a member
//! too: it receives its room's messages (its own included) while it sends. When the senders
//! stop, each tells how many of its sends were acknowledged; the members then keep reading
//! until they have all of those, or the drain timeout passes, and the message `seq`s each
//! saw are checked against the acknowledged count (see [`crate::sequence`]).

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, ensure};
use chat_client::{Gateway, GatewayEvent};
use chat_core::v1::{ConversationId, Message, ServerFrame};
use serde::Serialize;
use tokio::sync::{mpsc, watch};

use crate::Common;
use crate::clock::{Clock, Window};
use crate::latency::{Latency, LatencySummary};
use crate::payload::{Payload, Stamp};
use crate::progress::{Live, Progress};
use crate::pump::{self, Observer, SendPlan, SendTally};
use crate::report::{RATE_LIMIT_HINT, Table, per_sec};
use crate::sequence::{SeqCheck, SeqTracker};
use crate::users::{self, BenchUser, Users};

/// Settings of `fanout`.
#[derive(Debug, Clone)]
pub struct FanoutSettings {
    /// Rooms.
    pub rooms: usize,
    /// Members per room.
    pub members: usize,
    /// Members who send, spread over the rooms (at most rooms × members).
    pub senders: usize,
    /// Messages per second from all senders together; 0: as fast as acks allow.
    pub rate: u64,
    /// Sends awaiting their ack per sender, at most.
    pub window: usize,
    /// Characters per message.
    pub payload: usize,
    /// How long members get, after the senders stop, to receive every acknowledged message.
    pub drain_timeout: Duration,
}

impl Default for FanoutSettings {
    fn default() -> Self {
        Self {
            rooms: 1,
            members: 100,
            senders: 10,
            rate: 0,
            window: 16,
            payload: 100,
            drain_timeout: Duration::from_secs(30),
        }
    }
}

/// The figures of `fanout`. Rates and latency cover the measured window; the correctness
/// check covers the whole run.
#[derive(Debug, Clone, Serialize)]
pub struct FanoutReport {
    /// Rooms.
    pub rooms: usize,
    /// Members per room.
    pub members_per_room: usize,
    /// Senders.
    pub senders: usize,
    /// The measured span, in seconds.
    pub measured_secs: f64,
    /// Sends acknowledged within the window.
    pub acked: u64,
    /// Acknowledged sends per second.
    pub sends_per_sec: f64,
    /// Messages received by members within the window.
    pub deliveries: u64,
    /// Deliveries per second.
    pub deliveries_per_sec: f64,
    /// Send → receive latency of those deliveries.
    pub latency: LatencySummary,
    /// Sends acknowledged over the whole run: what every member must receive.
    pub total_acked: u64,
    /// Sends refused as `rate_limited`.
    pub rate_limited: u64,
    /// Sends that failed otherwise.
    pub send_errors: u64,
    /// Sends given up on without an answer.
    pub unanswered: u64,
    /// Times a member's gateway lost its connection or had to resync (it lagged behind).
    pub lagged_disconnects: u64,
    /// Members whose gateway stopped for good.
    pub gateways_closed: u64,
    /// Whether every member received every acknowledged message before the drain timeout.
    pub drained: bool,
    /// Acknowledged messages some member never received (counted per member).
    pub lost: u64,
    /// Messages some member received twice (per member).
    pub duplicated: u64,
    /// Messages some member received after a later one (per member).
    pub out_of_order: u64,
    /// Messages received but never acknowledged to their sender (per member); not an error.
    pub unacked_deliveries: u64,
}

impl FanoutReport {
    /// Why the run failed: lost, duplicated or reordered deliveries.
    pub fn failures(&self) -> Vec<String> {
        let mut failures = Vec::new();
        for (count, what) in [
            (self.lost, "lost"),
            (self.duplicated, "duplicated"),
            (self.out_of_order, "out of order"),
        ] {
            if count > 0 {
                failures.push(format!("{count} deliveries {what}"));
            }
        }
        failures
    }

    pub(crate) fn fill(&self, table: &mut Table) {
        table.heading(format!(
            "fanout: {} room(s) x {} members, {} senders, {:.1} s measured",
            self.rooms, self.members_per_room, self.senders, self.measured_secs
        ));
        table.row("sends/s (acked)", per_sec(self.sends_per_sec));
        table.row("deliveries/s", per_sec(self.deliveries_per_sec));
        table.latency("send->receive", &self.latency);
        table.row("acked (whole run)", self.total_acked);
        table.row("send errors", self.send_errors);
        table.row("rate limited", self.rate_limited);
        table.row("unanswered sends", self.unanswered);
        table.row("lagged disconnects", self.lagged_disconnects);
        table.row("gateways closed", self.gateways_closed);
        table.row("all delivered in time", self.drained);
        table.row("lost", self.lost);
        table.row("duplicated", self.duplicated);
        table.row("out of order", self.out_of_order);
        table.row("delivered but unacked", self.unacked_deliveries);
        if self.rate_limited > 0 {
            table.note(RATE_LIMIT_HINT);
        }
    }
}

/// Runs `fanout` against `common.server`.
pub async fn run(common: &Common, settings: &FanoutSettings) -> anyhow::Result<FanoutReport> {
    let progress = common.progress();
    let users = Users::new(&common.server);
    let fanout = Fanout::prepare(&users, "m", settings, &progress).await?;
    fanout.run(common.window(), &progress).await
}

/// A fan-out set up and connected, ready to run (the login scenario runs one in the
/// background).
pub(crate) struct Fanout {
    settings: FanoutSettings,
    payload: Payload,
    rooms: Vec<ConversationId>,
    members: Vec<Member>,
}

struct Member {
    gateway: Gateway,
    room: usize,
    sender: Option<u32>,
}

impl Fanout {
    /// Registers the members (as group `group`), creates and joins the rooms, connects.
    pub(crate) async fn prepare(
        users: &Users,
        group: &str,
        settings: &FanoutSettings,
        progress: &Progress,
    ) -> anyhow::Result<Self> {
        let &FanoutSettings {
            rooms,
            members,
            senders,
            window,
            ..
        } = settings;
        ensure!(
            rooms >= 1 && members >= 1,
            "fanout needs a room and a member"
        );
        ensure!(
            (1..=rooms * members).contains(&senders),
            "fanout needs 1 to rooms x members senders, not {senders}"
        );
        ensure!(window >= 1, "the send window must be at least 1");
        let payload = Payload::new(settings.payload)?;

        let everyone = users.register(group, rooms * members, progress).await?;
        let mut lobbies = Vec::with_capacity(rooms);
        for room in 0..rooms {
            // The first member of each room creates it; the others join.
            lobbies.push(users.create_lobby(&everyone[room * members], room).await?);
        }
        let joins: Vec<(&BenchUser, _)> = everyone
            .iter()
            .enumerate()
            .filter(|(i, _)| i % members != 0)
            .map(|(i, user)| (user, lobbies[i / members]))
            .collect();
        users::join_all(&joins).await?;
        let gateways =
            users::connect_all(&everyone, &users::gateway_config(window), progress).await?;

        // Sender k is member k / rooms of room k % rooms: senders spread evenly over rooms.
        let mut sender_of = vec![None; rooms * members];
        for k in 0..senders {
            sender_of[(k % rooms) * members + k / rooms] = Some(u32::try_from(k)?);
        }
        let members = gateways
            .into_iter()
            .zip(sender_of)
            .enumerate()
            .map(|(i, (gateway, sender))| Member {
                gateway,
                room: i / members,
                sender,
            })
            .collect();
        Ok(Self {
            settings: settings.clone(),
            payload,
            rooms: lobbies.into_iter().map(users::conversation).collect(),
            members,
        })
    }

    /// Sends through `window`, then drains and checks.
    pub(crate) async fn run(
        self,
        window: Window,
        progress: &Progress,
    ) -> anyhow::Result<FanoutReport> {
        let settings = self.settings;
        let clock = Clock::new();
        let live = Arc::new(Live::default());
        let _bar = progress.timed("fanout", window, live.clone());
        let member_count = self.members.len();
        let (stop_tx, stop) = watch::channel(false);
        let (targets_tx, targets) = watch::channel(None);
        let (acked_tx, mut acked_rx) = mpsc::channel(settings.senders);
        let (caught_up_tx, mut caught_up_rx) = mpsc::channel(member_count);
        let period = (settings.rate > 0)
            .then(|| Duration::from_secs_f64(settings.senders as f64 / settings.rate as f64));

        let mut tasks = Vec::with_capacity(member_count);
        for member in self.members {
            let conversation = self.rooms[member.room];
            let plan = member.sender.map(|k| SendPlan {
                conversation,
                sender: k,
                window: settings.window,
                // Senders' ticks are staggered over one period so the rate stays even.
                pace: period.map(|p| {
                    let offset = p.mul_f64(f64::from(k) / settings.senders as f64);
                    (window.start + offset, p)
                }),
                payload: self.payload,
                stop_at: window.until,
                budget: None,
            });
            let context = MemberContext {
                room: member.room,
                receiver: Receiver::new(conversation, clock, window, live.clone()),
                stop: stop.clone(),
                targets: targets.clone(),
                acked: acked_tx.clone(),
                caught_up: caught_up_tx.clone(),
            };
            tasks.push(tokio::spawn(run_member(member.gateway, plan, context)));
        }
        drop((acked_tx, caught_up_tx));

        // Every sender reports once it has stopped and its last send is answered.
        let mut targets_per_room = vec![0_u64; self.rooms.len()];
        while let Some((room, acked)) = acked_rx.recv().await {
            targets_per_room[room] += acked;
        }
        targets_tx.send_replace(Some(Arc::new(targets_per_room)));
        let drained = tokio::time::timeout(settings.drain_timeout, async {
            for _ in 0..member_count {
                if caught_up_rx.recv().await.is_none() {
                    return false;
                }
            }
            true
        })
        .await
        .unwrap_or(false);
        stop_tx.send_replace(true);

        let mut latency = Latency::new();
        let mut check = SeqCheck::default();
        let mut tally = SendTally::default();
        let (mut acked, mut deliveries, mut lagged, mut closed) = (0, 0, 0, 0);
        for task in tasks {
            let outcome = task.await.context("a fanout member failed")?;
            latency.merge(&outcome.receiver.latency);
            check.add(outcome.check);
            tally.add(outcome.tally);
            acked += outcome.receiver.acked;
            deliveries += outcome.receiver.deliveries;
            lagged += outcome.receiver.lagged;
            closed += u64::from(outcome.receiver.closed);
        }
        Ok(FanoutReport {
            rooms: settings.rooms,
            members_per_room: settings.members,
            senders: settings.senders,
            measured_secs: window.secs(),
            acked,
            sends_per_sec: window.rate(acked),
            deliveries,
            deliveries_per_sec: window.rate(deliveries),
            latency: latency.summary(),
            total_acked: tally.acked,
            rate_limited: tally.rate_limited,
            send_errors: tally.errors,
            unanswered: tally.unanswered,
            lagged_disconnects: lagged,
            gateways_closed: closed,
            drained,
            lost: check.lost,
            duplicated: check.duplicated,
            out_of_order: check.out_of_order,
            unacked_deliveries: check.unacked,
        })
    }
}

/// What a member task is given besides its gateway.
struct MemberContext {
    room: usize,
    receiver: Receiver,
    /// Becomes `true` when the run is over.
    stop: watch::Receiver<bool>,
    /// The acknowledged count per room, once every sender has stopped.
    targets: watch::Receiver<Option<Arc<Vec<u64>>>>,
    /// Where a sender reports its acknowledged count.
    acked: mpsc::Sender<(usize, u64)>,
    /// Where a member says it has received everything acknowledged.
    caught_up: mpsc::Sender<()>,
}

struct MemberOutcome {
    receiver: Receiver,
    check: SeqCheck,
    tally: SendTally,
}

async fn run_member(
    mut gateway: Gateway,
    plan: Option<SendPlan>,
    context: MemberContext,
) -> MemberOutcome {
    let MemberContext {
        room,
        mut receiver,
        mut stop,
        mut targets,
        acked,
        caught_up,
    } = context;
    let mut tally = SendTally::default();
    if let Some(plan) = &plan {
        tally = pump::send(&mut gateway, plan, receiver.clock, &mut receiver).await;
        let _ = acked.send((room, tally.acked)).await;
    }
    drop(acked);

    let mut target = None;
    let mut told = false;
    let mut events_open = true;
    loop {
        if !told && target.is_some_and(|t| receiver.tracker.caught_up(t)) {
            let _ = caught_up.send(()).await;
            told = true;
        }
        tokio::select! {
            () = crate::stopped(&mut stop) => break,
            changed = targets.changed(), if target.is_none() => {
                if changed.is_err() {
                    break;
                }
                target = targets.borrow_and_update().as_ref().map(|t| t[room]);
            }
            event = gateway.next_event(), if events_open => match event {
                Some(event) => receiver.on_event(event),
                None => events_open = false,
            },
        }
    }
    MemberOutcome {
        check: receiver.tracker.check(target.unwrap_or(0)),
        receiver,
        tally,
    }
}

/// A member's view of its room: seqs, deliveries and latency.
struct Receiver {
    conversation: ConversationId,
    clock: Clock,
    window: Window,
    live: Arc<Live>,
    tracker: SeqTracker,
    latency: Latency,
    deliveries: u64,
    /// Own sends acknowledged within the window.
    acked: u64,
    lagged: u64,
    closed: bool,
}

impl Receiver {
    fn new(conversation: ConversationId, clock: Clock, window: Window, live: Arc<Live>) -> Self {
        Self {
            conversation,
            clock,
            window,
            live,
            tracker: SeqTracker::new(),
            latency: Latency::new(),
            deliveries: 0,
            acked: 0,
            lagged: 0,
            closed: false,
        }
    }
}

impl Observer for Receiver {
    fn on_event(&mut self, event: GatewayEvent) {
        match event {
            GatewayEvent::Frame(ServerFrame::MessageCreated {
                conversation_id,
                message,
                ..
            }) if conversation_id == self.conversation => {
                let now = Instant::now();
                self.tracker.observe(message.seq);
                if self.window.contains(now) {
                    self.deliveries += 1;
                    self.live
                        .delivered
                        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    if let Some(stamp) = Stamp::decode(message.content.as_str()) {
                        self.latency
                            .record(now.saturating_duration_since(self.clock.at(stamp.sent_nanos)));
                    }
                }
            }
            // One disconnect, however many attempts it takes to come back.
            GatewayEvent::Reconnecting { attempt: 1, .. } | GatewayEvent::ResyncRequired { .. } => {
                self.lagged += 1;
            }
            GatewayEvent::Closed { .. } => self.closed = true,
            _ => {}
        }
    }

    fn on_answer(
        &mut self,
        _sent_at: Instant,
        answered_at: Instant,
        result: &Result<Message, chat_client::Error>,
    ) {
        match result {
            Ok(_) => {
                self.live.ok();
                if self.window.contains(answered_at) {
                    self.acked += 1;
                }
            }
            Err(_) => self.live.error(),
        }
    }
}
