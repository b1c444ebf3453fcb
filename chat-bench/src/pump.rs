//! The send loop shared by the scenarios that post messages: one gateway keeps up to
//! `window` sends waiting for their `ack`, optionally paced to a rate, while it also drains
//! the events its gateway delivers.
//!
//! Draining matters: a gateway whose events are not read stops reading its socket once its
//! event queue is full, and then no `ack` arrives either.

use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use chat_client::{Gateway, GatewayEvent};
use chat_core::v1::{ConversationId, Message, MessageId};
use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use tokio::time::{Interval, MissedTickBehavior};

use crate::clock::{Clock, Window};
use crate::latency::Latency;
use crate::payload::{Payload, Stamp};
use crate::progress::Live;

/// How long sends still in flight at the end get to be answered before they are given up.
pub(crate) const ACK_GRACE: Duration = Duration::from_secs(30);

/// How long a sender pauses after `rate_limited` when the server names no time.
const RATE_LIMIT_PAUSE: Duration = Duration::from_millis(100);

/// What one sender does.
#[derive(Debug, Clone)]
pub(crate) struct SendPlan {
    /// Where it posts.
    pub conversation: ConversationId,
    /// Its index, written into each message.
    pub sender: u32,
    /// Sends awaiting their ack, at most.
    pub window: usize,
    /// One message per period from the first tick on; `None`: as fast as acks return.
    pub pace: Option<(Instant, Duration)>,
    /// The size of each message.
    pub payload: Payload,
    /// When to stop sending.
    pub stop_at: Instant,
    /// A budget of messages shared with other senders (seeding), or none.
    pub budget: Option<Arc<AtomicU64>>,
}

/// Told about everything a sender's gateway does.
pub(crate) trait Observer {
    /// An event from the gateway.
    fn on_event(&mut self, event: GatewayEvent);
    /// A send answered (or failed) at `answered_at`.
    fn on_answer(
        &mut self,
        sent_at: Instant,
        answered_at: Instant,
        result: &Result<Message, chat_client::Error>,
    );
}

/// What a sender did, over the whole run (warm-up included).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct SendTally {
    /// Sends acknowledged.
    pub acked: u64,
    /// Sends refused as `rate_limited`.
    pub rate_limited: u64,
    /// Sends that failed otherwise.
    pub errors: u64,
    /// Sends still unanswered when the sender gave up on them.
    pub unanswered: u64,
}

impl SendTally {
    /// Adds another sender's tally.
    pub(crate) fn add(&mut self, other: Self) {
        self.acked += other.acked;
        self.rate_limited += other.rate_limited;
        self.errors += other.errors;
        self.unanswered += other.unanswered;
    }
}

/// Sends per `plan` until its stop time (or budget) is reached and every send is answered,
/// telling `observer` about each event and answer.
pub(crate) async fn send(
    gateway: &mut Gateway,
    plan: &SendPlan,
    clock: Clock,
    observer: &mut impl Observer,
) -> SendTally {
    let mut tally = SendTally::default();
    let mut in_flight = FuturesUnordered::new();
    let mut counter = 0_u64;
    let mut sending = true;
    let mut events_open = true;
    let mut paused_until: Option<Instant> = None;
    let mut ticker = plan.pace.map(|(first, period)| {
        let mut ticker = tokio::time::interval_at(first.into(), period);
        // A sender whose window is full skips ticks rather than bursting to catch up.
        ticker.set_missed_tick_behavior(MissedTickBehavior::Skip);
        ticker
    });
    let mut stop = pin!(tokio::time::sleep_until(plan.stop_at.into()));
    let mut give_up = pin!(tokio::time::sleep_until((plan.stop_at + ACK_GRACE).into()));

    let mut post = |gateway: &Gateway| {
        let sent_at = Instant::now();
        let content = plan.payload.encode(Stamp {
            sender: plan.sender,
            counter,
            sent_nanos: clock.nanos(sent_at),
        });
        counter += 1;
        let answer = gateway.send_message(plan.conversation, content);
        async move { (sent_at, answer.await) }
    };

    loop {
        let unpaused = paused_until.is_none_or(|t| Instant::now() >= t);
        if unpaused {
            paused_until = None;
        }
        if sending && unpaused && ticker.is_none() {
            while in_flight.len() < plan.window {
                if !take(plan.budget.as_deref()) {
                    sending = false;
                    break;
                }
                in_flight.push(post(gateway));
            }
        }
        if !sending && in_flight.is_empty() {
            break;
        }
        let can_tick = sending && paused_until.is_none() && in_flight.len() < plan.window;
        tokio::select! {
            event = gateway.next_event(), if events_open => match event {
                Some(event) => observer.on_event(event),
                // The gateway stopped: whatever is in flight now fails as `Closed`.
                None => {
                    events_open = false;
                    sending = false;
                }
            },
            Some((sent_at, result)) = in_flight.next(), if !in_flight.is_empty() => {
                let answered_at = Instant::now();
                observer.on_answer(sent_at, answered_at, &result);
                match result {
                    Ok(_) => tally.acked += 1,
                    Err(e) if e.is_rate_limited() => {
                        tally.rate_limited += 1;
                        let pause = e.retry_after().unwrap_or(RATE_LIMIT_PAUSE);
                        paused_until = Some(answered_at + pause.min(Duration::from_secs(1)));
                    }
                    Err(chat_client::Error::Closed) => {
                        tally.errors += 1;
                        sending = false;
                    }
                    Err(_) => tally.errors += 1,
                }
            }
            () = tick(ticker.as_mut()), if can_tick => {
                if take(plan.budget.as_deref()) {
                    in_flight.push(post(gateway));
                } else {
                    sending = false;
                }
            }
            () = sleep_until(paused_until), if sending && paused_until.is_some() => {}
            () = &mut stop, if sending => sending = false,
            () = &mut give_up, if !sending => {
                tally.unanswered += in_flight.len() as u64;
                break;
            }
        }
    }
    tally
}

/// Takes one message from the budget; `false` when it is spent.
fn take(budget: Option<&AtomicU64>) -> bool {
    budget.is_none_or(|left| {
        left.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1))
            .is_ok()
    })
}

async fn tick(ticker: Option<&mut Interval>) {
    match ticker {
        Some(ticker) => {
            ticker.tick().await;
        }
        None => std::future::pending().await,
    }
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at.into()).await,
        None => std::future::pending().await,
    }
}

/// Records acks within the window, and optionally every acknowledged message's id.
pub(crate) struct AckRecorder {
    window: Window,
    live: Arc<Live>,
    pub(crate) latency: Latency,
    pub(crate) acked: u64,
    /// The ids of acknowledged messages, when collected.
    pub(crate) ids: Option<Vec<MessageId>>,
    /// Ticks once per acknowledged message, when given.
    pub(crate) bar: Option<indicatif::ProgressBar>,
}

impl AckRecorder {
    pub(crate) fn new(window: Window, live: Arc<Live>) -> Self {
        Self {
            window,
            live,
            latency: Latency::new(),
            acked: 0,
            ids: None,
            bar: None,
        }
    }
}

impl Observer for AckRecorder {
    fn on_event(&mut self, _event: GatewayEvent) {}

    fn on_answer(
        &mut self,
        sent_at: Instant,
        answered_at: Instant,
        result: &Result<Message, chat_client::Error>,
    ) {
        match result {
            Ok(message) => {
                self.live.ok();
                if let Some(ids) = &mut self.ids {
                    ids.push(message.id);
                }
                if let Some(bar) = &self.bar {
                    bar.inc(1);
                }
                if self.window.contains(answered_at) {
                    self.acked += 1;
                    self.latency.record(answered_at - sent_at);
                }
            }
            Err(_) => self.live.error(),
        }
    }
}
