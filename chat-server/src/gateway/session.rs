//! One WebSocket connection, from authentication to close, in a single task.
//!
//! The task owns the socket and `select!`s over the client's frames, its hub queue, close
//! requests, heartbeats, the token's expiry and typing deadlines. Writes to a slow client
//! block only this task; the hub never waits for it (see [`super::hub`]).
//!
//! # Ordering and resume
//!
//! The session remembers, per conversation, the last event seq it delivered. A queued event
//! at or below it is a duplicate and is skipped; one further ahead reveals a gap, which is
//! filled from the database before the event is sent. So every client sees every event of a
//! conversation once, in order, whether it arrives live, from a resume, or both.
//!
//! Live delivery starts with the client's first frame after `ready` (normally `resume`), or
//! right away when `auth` carried resume cursors; until then events wait in the queue. This
//! keeps a resume's replay ahead of everything that happened meanwhile.

use std::collections::HashMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use chat_core::v1::{
    CallRelay, CallSignal, ClientFrame, ConversationId, Cursors, Nonce, ServerFrame, SessionId,
    UserId, close_code,
};
use futures_util::stream::FuturesOrdered;
use futures_util::{SinkExt, StreamExt};
use salvo::websocket::{Message, WebSocket};
use tokio::time::{Instant, sleep_until};
use tokio_tungstenite::tungstenite::Utf8Bytes;

use super::hub::{ConnId, Outbound, Registration};
use crate::error::Error;
use crate::extract::{Caller, authenticate};
use crate::service::access::Target;
use crate::service::{lobbies, messages};
use crate::state::SharedState;

/// Typing renewals closer together than this are not broadcast again.
const TYPING_THROTTLE: Duration = Duration::from_secs(2);
/// The largest call-signaling payload relayed, serialized.
const MAX_CALL_PAYLOAD: usize = 16 * 1024;
/// The longest call id.
const MAX_CALL_ID: usize = 64;
/// Calls one connection may take part in at once.
const MAX_CALLS: usize = 16;
/// Queued items written before one flush, at most: a burst of events costs one write to the
/// socket instead of one per frame.
const MAX_BURST: usize = 64;
/// Posts of one connection waiting for their commit, at most; the socket is not read while
/// this many are pending.
const MAX_PENDING_POSTS: usize = 64;

/// A post waiting for its commit, answered with `ack` or `error` when it is done.
type PendingAck =
    std::pin::Pin<Box<dyn Future<Output = (Nonce, Result<chat_core::v1::Message, Error>)> + Send>>;

/// A token bucket: `BURST` frames, refilled at `PER_SECOND`.
struct FrameBudget {
    tokens: f64,
    updated: Instant,
}

impl FrameBudget {
    const BURST: f64 = 60.0;
    const PER_SECOND: f64 = 10.0;

    fn new() -> Self {
        Self {
            tokens: Self::BURST,
            updated: Instant::now(),
        }
    }

    /// Takes a token, or says how long until one is available.
    fn take(&mut self) -> Result<(), Duration> {
        let now = Instant::now();
        let elapsed = now.duration_since(self.updated).as_secs_f64();
        self.tokens = (self.tokens + elapsed * Self::PER_SECOND).min(Self::BURST);
        self.updated = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64(
                (1.0 - self.tokens) / Self::PER_SECOND,
            ))
        }
    }
}

/// How long a blocked write may still complete after a close was requested.
const CLOSE_GRACE: Duration = Duration::from_secs(30);

/// This connection's place in one conversation's event stream.
#[derive(Debug, Clone, Copy)]
struct Position {
    /// The last event seq handled (delivered, or skipped while not a member).
    seq: u64,
    /// Whether the user belongs to the conversation: events are delivered only then.
    member: bool,
    /// Chats: messages up to this message seq were deleted for the user; their events go
    /// out without content.
    floor: u64,
}

/// Why the session ends.
enum End {
    /// Close with this code and reason.
    Close(u16, &'static str),
    /// The socket is gone already.
    Gone,
}

struct Session {
    state: SharedState,
    ws: WebSocket,
    control: std::sync::Arc<super::hub::Control>,
    caller: Caller,
    conn: ConnId,
    /// Where this connection stands in each conversation it has seen.
    positions: HashMap<ConversationId, Position>,
    /// Conversations the user is typing in: (expiry, last broadcast).
    typing: HashMap<ConversationId, (Instant, Instant)>,
    /// Calls this connection takes part in: call id → peer.
    calls: HashMap<String, UserId>,
    /// Budget for relayed and per-user frames (calls, read cursors), which bypass the
    /// message rate limit.
    budget: FrameBudget,
    last_heard: Instant,
    /// Posts queued for the database, oldest first: the next frame is read while they
    /// commit, so one connection's posts share commits instead of waiting for each other.
    pending_posts: FuturesOrdered<PendingAck>,
    /// While set, writes are buffered and [`Session::flush`] sends them (see [`MAX_BURST`]).
    corked: bool,
}

/// Runs a connection to its end. `caller` is set when the upgrade carried a valid token.
pub async fn run(state: SharedState, mut ws: WebSocket, caller: Option<Caller>) {
    let (caller, resume) = match caller {
        Some(caller) => (caller, None),
        None => match Box::pin(authenticate_first_frame(&state, &mut ws)).await {
            Ok(authenticated) => authenticated,
            Err(end) => return finish(ws, end).await,
        },
    };
    let registration = match state.hub.register(caller.user_id, caller.session) {
        Ok(registration) => registration,
        Err(_) => {
            return finish(
                ws,
                End::Close(close_code::TOO_MANY_CONNECTIONS, "too many connections"),
            )
            .await;
        }
    };
    // A token revoked between authentication and registration was not seen by the hub's
    // close request: check once more now that revocations will reach this connection.
    match state.store.credential_is_active(&caller).await {
        Ok(true) => {}
        Ok(false) => {
            state.hub.unregister(registration.id);
            return finish(
                ws,
                End::Close(close_code::UNAUTHORIZED, "the token was revoked"),
            )
            .await;
        }
        Err(e) => {
            state.hub.unregister(registration.id);
            return finish(ws, internal(e)).await;
        }
    }
    let conn = registration.id;
    // Boxed, like every rare step: a Redis round trip must not grow every idle connection.
    let first = Box::pin(state.hub.connected(caller.user_id, &registration)).await;
    let mut session = Session {
        state: state.clone(),
        ws,
        control: registration.control.clone(),
        caller,
        conn,
        positions: HashMap::new(),
        typing: HashMap::new(),
        calls: HashMap::new(),
        budget: FrameBudget::new(),
        last_heard: Instant::now(),
        pending_posts: FuturesOrdered::new(),
        corked: false,
    };
    let end = session.serve(registration, first, resume).await;
    let Session { ws, .. } = session.shutdown().await;
    finish(ws, end).await;
}

/// Runs a socket write until it completes, the client has been unreadable for `stalled`, or
/// [`CLOSE_GRACE`] after a close request (see [`Session::send_text`]).
async fn guarded(
    control: &super::hub::Control,
    stalled: Duration,
    io: impl Future<Output = Result<(), salvo::Error>>,
) -> Result<(), End> {
    tokio::select! {
        biased;
        done = io => done.map_err(|_| End::Gone),
        () = async {
            control.requested().await;
            tokio::time::sleep(CLOSE_GRACE).await;
        } => Err(End::Gone),
        () = tokio::time::sleep(stalled) => Err(End::Gone),
    }
}

/// Waits for the `auth` frame of a connection opened without a token.
async fn authenticate_first_frame(
    state: &SharedState,
    ws: &mut WebSocket,
) -> Result<(Caller, Option<Cursors>), End> {
    let first = tokio::time::timeout(state.gateway.auth_timeout, ws.recv()).await;
    let message = match first {
        Err(_) => {
            return Err(End::Close(
                close_code::AUTH_TIMEOUT,
                "no auth frame in time",
            ));
        }
        Ok(None) | Ok(Some(Err(_))) => return Err(End::Gone),
        Ok(Some(Ok(message))) => message,
    };
    if message.is_close() {
        return Err(End::Gone);
    }
    let frame = message
        .as_str()
        .ok()
        .and_then(|text| serde_json::from_str::<ClientFrame>(text).ok());
    match frame {
        Some(ClientFrame::Auth { token, resume }) => match authenticate(state, &token).await {
            Ok(caller) => Ok((caller, resume)),
            Err(Error::Internal(cause)) => {
                tracing::error!(%cause, "authentication failed");
                Err(End::Close(1011, "server error"))
            }
            Err(_) => Err(End::Close(
                close_code::UNAUTHORIZED,
                "invalid, expired or revoked token",
            )),
        },
        _ => Err(End::Close(
            close_code::AUTH_EXPECTED,
            "the first frame must be auth",
        )),
    }
}

/// Sends the close frame (when the socket is still up) and lets the socket go.
async fn finish(mut ws: WebSocket, end: End) {
    if let End::Close(code, reason) = end {
        let close = ws.send(Message::close_with(code, reason));
        if tokio::time::timeout(Duration::from_secs(5), close)
            .await
            .is_ok()
        {
            let _ = tokio::time::timeout(Duration::from_secs(1), ws.close()).await;
        }
    }
}

fn token_expiry(caller: &Caller) -> Instant {
    let now_secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    // Tokens without expiry: a year is as good as never for one connection.
    let left = caller
        .expires_at
        .saturating_sub(now_secs)
        .min(365 * 24 * 3600);
    Instant::now() + Duration::from_secs(left)
}

impl Session {
    fn me(&self) -> UserId {
        self.caller.user_id
    }

    /// Writes a frame. A client that stops reading blocks this write; once the hub asks to
    /// close the connection (it lagged, or its token was revoked), the write gets
    /// [`CLOSE_GRACE`] more to complete, so that a client that resumes reading still learns
    /// why it is closed, and is then abandoned with the socket.
    async fn send_text(&mut self, text: Utf8Bytes) -> Result<(), End> {
        self.write(Message::text(text)).await
    }

    /// Writes any message. A write that cannot complete within the idle timeout means the
    /// client is gone (or has stopped reading for good): the connection is dropped then,
    /// so that presence, the per-user connection cap and revocations stay true.
    async fn write(&mut self, message: Message) -> Result<(), End> {
        let (control, stalled, corked) = (
            self.control.clone(),
            self.state.gateway.idle_timeout,
            self.corked,
        );
        let ws = &mut self.ws;
        guarded(&control, stalled, async {
            if corked {
                ws.feed(message).await
            } else {
                ws.send(message).await
            }
        })
        .await
    }

    /// Sends what corked writes buffered, under the same deadlines as [`Session::write`].
    async fn flush(&mut self) -> Result<(), End> {
        let (control, stalled) = (self.control.clone(), self.state.gateway.idle_timeout);
        guarded(&control, stalled, self.ws.flush()).await
    }

    /// Delivers `first` and whatever else is already queued (up to [`MAX_BURST`]), then
    /// flushes once.
    async fn deliver_burst(
        &mut self,
        first: Outbound,
        rx: &mut tokio::sync::mpsc::Receiver<Outbound>,
    ) -> Result<(), End> {
        self.corked = true;
        let mut delivered = self.deliver(first).await;
        for _ in 1..MAX_BURST {
            if delivered.is_err() {
                break;
            }
            match rx.try_recv() {
                Ok(item) => delivered = self.deliver(item).await,
                Err(_) => break,
            }
        }
        self.corked = false;
        delivered?;
        self.flush().await
    }

    async fn send(&mut self, frame: &ServerFrame) -> Result<(), End> {
        let text = serde_json::to_string(frame).map_err(|_| End::Close(1011, "encoding failed"))?;
        self.send_text(Utf8Bytes::from(text)).await
    }

    async fn serve(
        &mut self,
        registration: Registration,
        first: bool,
        resume: Option<Cursors>,
    ) -> End {
        let Registration {
            mut rx, control, ..
        } = registration;
        // The rare, large steps are boxed so the future of an idle connection stays small:
        // a task keeps the size of its largest state for its whole life.
        match Box::pin(self.greet(first)).await {
            Ok(()) => {}
            Err(end) => return end,
        }
        let mut live = false;
        if let Some(cursors) = resume {
            if let Err(end) = Box::pin(self.resume(cursors)).await {
                return end;
            }
            live = true;
        }
        let mut ping = tokio::time::interval(self.state.gateway.ping_interval);
        ping.tick().await;
        let expiry = token_expiry(&self.caller);
        loop {
            let idle_deadline = self.last_heard + self.state.gateway.idle_timeout;
            let typing_deadline = self.typing.values().map(|(expiry, _)| *expiry).min();
            let step = tokio::select! {
                biased;
                code = control.requested() => Err(End::Close(code, close_reason(code))),
                Some((nonce, result)) = self.pending_posts.next(), if !self.pending_posts.is_empty() => {
                    self.reply(Some(nonce), result.map(Some)).await
                }
                message = self.ws.recv(), if self.pending_posts.len() < MAX_PENDING_POSTS => match message {
                    None => Err(End::Gone),
                    Some(Err(e)) => Err(read_error(&e)),
                    Some(Ok(message)) => {
                        self.last_heard = Instant::now();
                        Box::pin(self.on_message(message, &mut live)).await
                    }
                },
                item = rx.recv(), if live => match item {
                    Some(item) => self.deliver_burst(item, &mut rx).await,
                    None => Err(End::Close(close_code::LAGGED, "too slow; reconnect and resume")),
                },
                _ = ping.tick() => self.write(Message::ping(Vec::new())).await,
                () = sleep_until(idle_deadline) => {
                    Err(End::Close(close_code::HEARTBEAT_TIMEOUT, "nothing heard for too long"))
                }
                () = sleep_until(expiry) => Err(End::Close(close_code::UNAUTHORIZED, "the token expired")),
                () = sleep_until(typing_deadline.unwrap_or(idle_deadline)), if typing_deadline.is_some() => {
                    self.expire_typing();
                    Ok(())
                }
            };
            if let Err(end) = step {
                return end;
            }
        }
    }

    /// Subscribes to the user's conversations and sends `ready`.
    async fn greet(&mut self, first: bool) -> Result<(), End> {
        let state = self.state.clone();
        let me = self.me();
        // Subscribe before reading the counters: an event committed in between is then both
        // in the counters and in the queue, and the queued copy is skipped as a duplicate.
        let subscriptions = state.store.subscriptions(me).await.map_err(internal)?;
        state
            .hub
            .subscribe(self.conn, subscriptions.iter().copied());
        let mut conversations = state
            .store
            .conversation_states(me)
            .await
            .map_err(internal)?;
        let floors: HashMap<ConversationId, u64> = state
            .store
            .chat_floors(me)
            .await
            .map_err(internal)?
            .into_iter()
            .collect();
        for conversation in &mut conversations {
            let id = conversation.conversation_id;
            conversation.online = if state.hub.bus().is_some() {
                let members = state.store.member_ids(id).await.map_err(internal)?;
                state.hub.online_among(id, &members).await
            } else {
                state.hub.online_in(id)
            };
            let floor = floors.get(&id).copied().unwrap_or(0);
            self.positions.insert(
                id,
                Position {
                    seq: conversation.seq,
                    member: true,
                    floor,
                },
            );
        }
        // A membership that ended between the two reads must not stay subscribed.
        for id in &subscriptions {
            if !self.positions.contains_key(id) {
                state.hub.unsubscribe(self.conn, *id);
            }
        }
        let user = state
            .store
            .account(me)
            .await
            .map_err(internal)?
            .ok_or(End::Close(
                close_code::UNAUTHORIZED,
                "the account no longer exists",
            ))?;
        let ready = ServerFrame::Ready {
            user,
            session_id: SessionId::from_uuid(crate::store::new_id()),
            conversations,
        };
        self.send(&ready).await?;
        if first {
            state.hub.send_presence(me, &subscriptions, true);
        }
        Ok(())
    }

    /// Replays what the client missed per cursor, then sends `resumed`.
    async fn resume(&mut self, cursors: Cursors) -> Result<(), End> {
        for (conversation, cursor) in cursors {
            match self.positions.get_mut(&conversation) {
                Some(position) if position.member && cursor <= position.seq => {
                    position.seq = cursor;
                    self.fill(conversation).await?;
                }
                // Not a conversation of the user (any more), or a cursor from the future.
                _ => {
                    self.send(&ServerFrame::ResyncRequired {
                        conversation_id: conversation,
                    })
                    .await?;
                }
            }
        }
        self.send(&ServerFrame::Resumed).await
    }

    /// Fills `conversation` from the store and says whether that already delivered `seq`.
    async fn fill_covers(&mut self, conversation: ConversationId, seq: u64) -> Result<bool, End> {
        Box::pin(self.fill(conversation)).await?;
        Ok(self
            .positions
            .get(&conversation)
            .is_some_and(|p| seq <= p.seq))
    }

    /// Sends the stored events of `conversation` after this connection's position, in
    /// order. Events from while the user was not a member are skipped, but a rejoin in the
    /// middle of the history resumes delivery. A gap wider than the configured maximum is
    /// not replayed: the client is told to resync instead.
    async fn fill(&mut self, conversation: ConversationId) -> Result<(), End> {
        let Some(position) = self.positions.get(&conversation).copied() else {
            return Ok(());
        };
        let state = self.state.clone();
        let replay = state
            .store
            .replay(conversation, position.seq, state.gateway.resume_max_gap)
            .await
            .map_err(internal)?;
        if replay.truncated {
            let newest = state
                .store
                .event_seq(conversation)
                .await
                .map_err(internal)?;
            if let Some(position) = self.positions.get_mut(&conversation) {
                position.seq = newest.unwrap_or(position.seq).max(position.seq);
            }
            if position.member {
                self.send(&ServerFrame::ResyncRequired {
                    conversation_id: conversation,
                })
                .await?;
            }
            return Ok(());
        }
        // The floor of a chat may have moved since this connection learned it.
        let floor = match state
            .store
            .conversation_access(conversation, self.me())
            .await
            .map_err(internal)?
        {
            Some(access) => access.member.map_or(position.floor, |m| m.cleared_seq),
            None => position.floor,
        };
        if let Some(position) = self.positions.get_mut(&conversation) {
            position.floor = floor;
        }
        for frame in replay.frames {
            let Some((_, seq)) = frame.conversation_seq() else {
                continue;
            };
            let message_seq = message_seq_of(&frame);
            self.apply(conversation, seq, message_seq, Delivery::Frame(&frame))
                .await?;
        }
        Ok(())
    }

    /// Handles one event of a conversation at the connection's position: joins and
    /// departures of the user switch delivery on and off, and messages below a chat's floor
    /// go out without content.
    async fn apply(
        &mut self,
        conversation: ConversationId,
        seq: u64,
        message_seq: Option<u64>,
        event: Delivery<'_>,
    ) -> Result<(), End> {
        let me = self.me();
        let (joined, departed) = event.membership(me);
        let Some(position) = self.positions.get_mut(&conversation) else {
            return Ok(());
        };
        if joined {
            position.member = true;
        }
        let deliver = position.member;
        let redact = message_seq.is_some_and(|m| m <= position.floor);
        position.seq = seq;
        if departed {
            position.member = false;
        }
        if !deliver {
            return Ok(());
        }
        match (redact, event) {
            (true, event) => match event.redacted(conversation, seq) {
                Some(frame) => self.send(&frame).await,
                None => Ok(()),
            },
            (false, Delivery::Frame(frame)) => self.send(frame).await,
            (false, Delivery::Shared(event)) => self.send_text(event.text.clone()).await,
        }
    }

    /// Delivers one queued item, keeping each conversation's events in seq order.
    async fn deliver(&mut self, item: Outbound) -> Result<(), End> {
        let event = match item {
            Outbound::Frame(text) => return self.send_text(Utf8Bytes::clone(&text)).await,
            Outbound::Event(event) => event,
        };
        let conversation = event.conversation;
        match self.positions.get(&conversation).copied() {
            Some(position) if event.seq <= position.seq => return Ok(()),
            Some(position) if event.seq > position.seq + 1 => {
                if self.fill_covers(conversation, event.seq).await? {
                    return Ok(());
                }
            }
            Some(_) => {}
            None => {
                // A conversation this connection has not seen: a lobby joined or a chat
                // opened while connected. Check once that the user really belongs to it.
                let access = self
                    .state
                    .store
                    .conversation_access(conversation, self.me())
                    .await
                    .map_err(internal)?;
                match access.and_then(|a| a.member).filter(|m| !m.hidden) {
                    Some(member) => {
                        // Start from the user's own `member.joined` when it is older than
                        // this event (events can reach the hub out of order), so it and what
                        // followed are not skipped.
                        let joined = self
                            .state
                            .store
                            .join_seq(conversation, self.me())
                            .await
                            .map_err(internal)?;
                        let start = joined.filter(|j| *j < event.seq).unwrap_or(event.seq);
                        self.positions.insert(
                            conversation,
                            Position {
                                seq: start - 1,
                                member: true,
                                floor: member.cleared_seq,
                            },
                        );
                        if start < event.seq && self.fill_covers(conversation, event.seq).await? {
                            return Ok(());
                        }
                    }
                    None => {
                        self.state.hub.unsubscribe(self.conn, conversation);
                        return Ok(());
                    }
                }
            }
        }
        self.apply(
            conversation,
            event.seq,
            event.message_seq,
            Delivery::Shared(&event),
        )
        .await
    }

    /// Handles one frame from the client.
    async fn on_message(&mut self, message: Message, live: &mut bool) -> Result<(), End> {
        if message.is_close() {
            return Err(End::Gone);
        }
        if message.is_ping() || message.is_pong() {
            return Ok(());
        }
        let Ok(text) = message.as_str() else {
            return self
                .send(&Error::BadRequest("frames must be JSON text".into()).to_frame(None))
                .await;
        };
        let frame = match serde_json::from_str::<ClientFrame>(text) {
            Ok(frame) => frame,
            Err(e) => {
                let error = if e.is_data() {
                    Error::InvalidBody {
                        path: String::new(),
                        message: e.to_string(),
                    }
                } else {
                    Error::BadRequest(format!("malformed JSON: {e}"))
                };
                return self.send(&error.to_frame(None)).await;
            }
        };
        let starts_live = !*live;
        *live = true;
        if let ClientFrame::Resume { cursors } = frame {
            if starts_live {
                return self.resume(cursors).await;
            }
            let error = Error::BadRequest("resume must be the first frame after ready".into());
            return self.send(&error.to_frame(None)).await;
        }
        self.on_frame(frame).await
    }

    async fn on_frame(&mut self, frame: ClientFrame) -> Result<(), End> {
        let state = self.state.clone();
        let caller = self.caller;
        // A read-only API token receives events; every frame that acts needs `write`.
        if !matches!(frame, ClientFrame::Ping) && !caller.can_write {
            let nonce = match &frame {
                ClientFrame::MessageSend { nonce, .. } => Some(nonce.clone()),
                ClientFrame::MessageEdit { nonce, .. }
                | ClientFrame::MessageDelete { nonce, .. }
                | ClientFrame::LobbyJoin { nonce, .. }
                | ClientFrame::LobbyLeave { nonce, .. } => nonce.clone(),
                _ => None,
            };
            let error = Error::Forbidden("this token has only the read scope");
            return self.send(&error.to_frame(nonce)).await;
        }
        let budgeted = matches!(
            frame,
            ClientFrame::Read { .. }
                | ClientFrame::CallInvite(_)
                | ClientFrame::CallAnswer(_)
                | ClientFrame::CallIce(_)
                | ClientFrame::CallReject(_)
                | ClientFrame::CallEnd(_)
        );
        if budgeted && let Err(retry_after) = self.budget.take() {
            return self
                .send(&Error::RateLimited { retry_after }.to_frame(None))
                .await;
        }
        match frame {
            ClientFrame::Ping => self.send(&ServerFrame::Pong).await,
            ClientFrame::Auth { .. } | ClientFrame::Resume { .. } => {
                let error = Error::BadRequest("already authenticated".into());
                self.send(&error.to_frame(None)).await
            }
            ClientFrame::MessageSend {
                conversation_id,
                content,
                nonce,
            } => {
                self.stop_typing(conversation_id);
                let submitted = messages::submit(
                    &state,
                    caller,
                    Target::Any(conversation_id),
                    content,
                    Some(nonce.clone()),
                )
                .await;
                // Refusals queue behind earlier posts too: a connection's sends are answered
                // in the order they were sent.
                self.pending_posts.push_back(Box::pin(async move {
                    let result = match submitted {
                        Ok(submitted) => messages::complete(&state, submitted).await,
                        Err(error) => Err(error),
                    };
                    (nonce, result)
                }));
                Ok(())
            }
            ClientFrame::MessageEdit {
                message_id,
                content,
                nonce,
            } => {
                let result = messages::edit(&state, caller, message_id, content).await;
                self.reply(nonce, result.map(Some)).await
            }
            ClientFrame::MessageDelete { message_id, nonce } => {
                let result = messages::delete(&state, caller, message_id).await;
                self.reply(nonce, result.map(|()| None)).await
            }
            ClientFrame::LobbyJoin { lobby_id, nonce } => {
                let result = lobbies::join(&state, caller, lobby_id).await;
                self.reply(nonce, result.map(|_| None)).await
            }
            ClientFrame::LobbyLeave { lobby_id, nonce } => {
                let result = lobbies::leave(&state, caller, lobby_id).await;
                self.reply(nonce, result.map(|()| None)).await
            }
            ClientFrame::Read {
                conversation_id,
                seq,
            } => {
                let result = messages::mark_read(
                    &state,
                    caller,
                    Target::Any(conversation_id),
                    seq,
                    Some(self.conn),
                )
                .await;
                self.reply(None, result.map(|_| None)).await
            }
            ClientFrame::Typing { conversation_id } => self.on_typing(conversation_id).await,
            ClientFrame::CallInvite(signal) => self.relay_call(signal, CallKind::Invite).await,
            ClientFrame::CallAnswer(signal) => self.relay_call(signal, CallKind::Answer).await,
            ClientFrame::CallIce(signal) => self.relay_call(signal, CallKind::Ice).await,
            ClientFrame::CallReject(signal) => self.relay_call(signal, CallKind::Reject).await,
            ClientFrame::CallEnd(signal) => self.relay_call(signal, CallKind::End).await,
            // A frame type added to the protocol after this server was built.
            _ => {
                let error = Error::BadRequest("unsupported frame".into());
                self.send(&error.to_frame(None)).await
            }
        }
    }

    /// Answers a frame: `ack` on success when it carried a nonce, `error` on failure.
    async fn reply(
        &mut self,
        nonce: Option<Nonce>,
        result: Result<Option<chat_core::v1::Message>, Error>,
    ) -> Result<(), End> {
        match (result, nonce) {
            (Ok(message), Some(nonce)) => self.send(&ServerFrame::Ack { nonce, message }).await,
            (Ok(_), None) => Ok(()),
            (Err(error), nonce) => self.send(&error.to_frame(nonce)).await,
        }
    }

    async fn on_typing(&mut self, conversation: ConversationId) -> Result<(), End> {
        if !self.positions.get(&conversation).is_some_and(|p| p.member) {
            let error = Error::NotFound("conversation");
            return self.send(&error.to_frame(None)).await;
        }
        let now = Instant::now();
        let expiry = now + self.state.gateway.typing_ttl;
        let broadcast = match self.typing.get(&conversation) {
            Some((_, last)) => now.duration_since(*last) >= TYPING_THROTTLE,
            None => true,
        };
        let last = if broadcast {
            self.state.hub.send_to_conversation(
                conversation,
                &ServerFrame::Typing {
                    conversation_id: conversation,
                    user_id: self.me(),
                    typing: true,
                },
                self.me(),
            );
            now
        } else {
            self.typing
                .get(&conversation)
                .map_or(now, |(_, last)| *last)
        };
        self.typing.insert(conversation, (expiry, last));
        Ok(())
    }

    fn stop_typing(&mut self, conversation: ConversationId) {
        if self.typing.remove(&conversation).is_some() {
            self.state.hub.send_to_conversation(
                conversation,
                &ServerFrame::Typing {
                    conversation_id: conversation,
                    user_id: self.me(),
                    typing: false,
                },
                self.me(),
            );
        }
    }

    fn expire_typing(&mut self) {
        let now = Instant::now();
        let expired: Vec<_> = self
            .typing
            .iter()
            .filter(|(_, (expiry, _))| *expiry <= now)
            .map(|(c, _)| *c)
            .collect();
        for conversation in expired {
            self.stop_typing(conversation);
        }
    }

    async fn relay_call(&mut self, signal: CallSignal, kind: CallKind) -> Result<(), End> {
        let me = self.me();
        let too_big =
            serde_json::to_string(&signal.payload).map_or(true, |p| p.len() > MAX_CALL_PAYLOAD);
        if signal.call_id.is_empty() || signal.call_id.len() > MAX_CALL_ID || too_big {
            let error = if too_big {
                Error::PayloadTooLarge
            } else {
                Error::BadRequest("call_id must be 1–64 bytes".into())
            };
            return self.send(&error.to_frame(None)).await;
        }
        let peer = signal.user_id;
        let reachable = peer != me
            && Box::pin(self.state.hub.is_online(peer)).await
            && self
                .state
                .store
                .share_conversation(me, peer)
                .await
                .map_err(internal)?;
        if !reachable {
            self.calls.remove(&signal.call_id);
            return self
                .send(&ServerFrame::CallUnavailable {
                    call_id: signal.call_id,
                    user_id: peer,
                })
                .await;
        }
        match kind {
            CallKind::Invite | CallKind::Answer => {
                if self.calls.len() >= MAX_CALLS && !self.calls.contains_key(&signal.call_id) {
                    let error = Error::Conflict("too many calls at once on this connection");
                    return self.send(&error.to_frame(None)).await;
                }
                self.calls.insert(signal.call_id.clone(), peer);
            }
            CallKind::Reject | CallKind::End => {
                self.calls.remove(&signal.call_id);
            }
            CallKind::Ice => {}
        }
        let relay = CallRelay {
            call_id: signal.call_id,
            user_id: me,
            payload: signal.payload,
        };
        let frame = match kind {
            CallKind::Invite => ServerFrame::CallInvite(relay),
            CallKind::Answer => ServerFrame::CallAnswer(relay),
            CallKind::Ice => ServerFrame::CallIce(relay),
            CallKind::Reject => ServerFrame::CallReject(relay),
            CallKind::End => ServerFrame::CallEnd(relay),
        };
        self.state.hub.send_to_user(peer, &frame, None, false);
        Ok(())
    }

    /// Leaves the hub: ends calls, stops typing, announces going offline.
    async fn shutdown(mut self) -> Self {
        let me = self.me();
        for (call_id, peer) in std::mem::take(&mut self.calls) {
            let end = ServerFrame::CallEnd(CallRelay {
                call_id,
                user_id: me,
                payload: serde_json::Value::Null,
            });
            self.state.hub.send_to_user(peer, &end, None, false);
        }
        let typing: Vec<_> = self.typing.keys().copied().collect();
        for conversation in typing {
            self.stop_typing(conversation);
        }
        if let Some(user) = Box::pin(self.state.hub.disconnect(self.conn)).await {
            let conversations: Vec<_> = self
                .positions
                .iter()
                .filter(|(_, p)| p.member)
                .map(|(c, _)| *c)
                .collect();
            // Peers are found through their own subscriptions, which outlive ours.
            self.state.hub.send_presence(user, &conversations, false);
        }
        self
    }
}

/// An event to deliver: a frame built for this connection (replay), or the event the hub
/// serialized once for every recipient.
#[derive(Clone, Copy)]
enum Delivery<'a> {
    Frame(&'a ServerFrame),
    Shared(&'a super::hub::Event),
}

impl Delivery<'_> {
    /// Whether this event starts or ends `me`'s membership.
    fn membership(&self, me: UserId) -> (bool, bool) {
        match self {
            Delivery::Frame(frame) => match frame {
                ServerFrame::MemberJoined { member, .. } => (member.user.id == me, false),
                ServerFrame::MemberLeft { user_id, .. }
                | ServerFrame::MemberRemoved { user_id, .. } => (false, *user_id == me),
                ServerFrame::LobbyDeleted { .. } => (false, true),
                _ => (false, false),
            },
            Delivery::Shared(event) => (
                event.joined == Some(me),
                event.departed == Some(me) || event.closes,
            ),
        }
    }

    /// The content-free form of a message event, for messages the user deleted a chat over.
    fn redacted(&self, conversation: ConversationId, seq: u64) -> Option<ServerFrame> {
        let frame: ServerFrame = match self {
            Delivery::Frame(frame) => (*frame).clone(),
            Delivery::Shared(event) => serde_json::from_str(event.text.as_str()).ok()?,
        };
        match frame {
            ServerFrame::MessageCreated { message, .. }
            | ServerFrame::MessageUpdated { message, .. } => Some(ServerFrame::MessageDeleted {
                conversation_id: conversation,
                seq,
                message_id: message.id,
                message_seq: message.seq,
            }),
            other => Some(other),
        }
    }
}

/// The message seq a message event is about.
fn message_seq_of(frame: &ServerFrame) -> Option<u64> {
    match frame {
        ServerFrame::MessageCreated { message, .. }
        | ServerFrame::MessageUpdated { message, .. } => Some(message.seq),
        ServerFrame::MessageDeleted { message_seq, .. } => Some(*message_seq),
        _ => None,
    }
}

#[derive(Clone, Copy)]
enum CallKind {
    Invite,
    Answer,
    Ice,
    Reject,
    End,
}

fn internal(e: crate::store::StoreError) -> End {
    tracing::error!(error = %e, "session failed");
    End::Close(1011, "server error")
}

fn close_reason(code: u16) -> &'static str {
    match code {
        close_code::UNAUTHORIZED => "the token was revoked",
        close_code::LAGGED => "too slow; reconnect and resume",
        1001 => "server shutting down",
        _ => "closed by the server",
    }
}

/// Maps a read failure to how the session ends: an oversized frame gets 1009.
fn read_error(error: &salvo::Error) -> End {
    use tokio_tungstenite::tungstenite::Error as WsError;
    let too_big = match error {
        salvo::Error::Other(inner) => {
            matches!(inner.downcast_ref::<WsError>(), Some(WsError::Capacity(_)))
        }
        _ => false,
    };
    if too_big {
        End::Close(1009, "frame too large")
    } else {
        End::Gone
    }
}
