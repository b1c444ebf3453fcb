//! One WebSocket connection, from authentication to close, in a single task.
//!
//! The task owns the socket and `select!`s over the client's frames, its hub queue, close
//! requests, heartbeats, the token's expiry and typing deadlines. Writes to a slow client
//! block only this task; the hub never waits for it (see [`crate::hub`]).
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
//!
//! | concern | file |
//! |---|---|
//! | connection life: register, the `select!` loop, writes, heartbeats, shutdown | `mod.rs` |
//! | the `auth` frame of a connection opened without a token | [`auth`] |
//! | `ready`, resume, gap filling, in-order delivery | [`replay`] |
//! | inbound frames, one handler each | [`frames`] |
//! | typing indications | [`typing`] |
//! | call signaling relay | [`calls`] |

mod auth;
mod calls;
mod frames;
mod replay;
mod typing;

use std::collections::HashMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use chat_core::v1::{CallRelay, ConversationId, Cursors, Nonce, ServerFrame, UserId, close_code};
use futures_util::stream::FuturesOrdered;
use futures_util::{SinkExt, StreamExt};
use salvo::websocket::{Message, WebSocket};
use tokio::time::{Instant, sleep_until};
use tokio_tungstenite::tungstenite::Utf8Bytes;

use crate::auth::caller::Caller;
use crate::error::Error;
use crate::hub::{ConnId, Outbound, Registration};
use crate::state::SharedState;

use self::frames::FrameBudget;

/// Queued items written before one flush, at most: a burst of events costs one write to the
/// socket instead of one per frame.
const MAX_BURST: usize = 64;
/// Posts of one connection waiting for their commit, at most; the socket is not read while
/// this many are pending.
const MAX_PENDING_POSTS: usize = 64;

/// A post waiting for its commit, answered with `ack` or `error` when it is done.
type PendingAck =
    std::pin::Pin<Box<dyn Future<Output = (Nonce, Result<chat_core::v1::Message, Error>)> + Send>>;

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
    /// The user's subscription ended since (a chat deleted for them, a lobby left): before
    /// the next event is delivered, membership and floor are read from the store again. The
    /// seq is kept, so ordering and duplicate checks go on as before.
    stale: bool,
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
    control: std::sync::Arc<crate::hub::Control>,
    caller: Caller,
    conn: ConnId,
    /// Where this connection stands in each conversation it has seen.
    positions: HashMap<ConversationId, Position>,
    /// Conversations the user is typing in: (expiry, last broadcast).
    typing: HashMap<ConversationId, (Instant, Instant)>,
    /// Calls this connection takes part in: call id → peer.
    calls: HashMap<(String, UserId), calls::Side>,
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
        None => match Box::pin(auth::authenticate_first_frame(&state, &mut ws)).await {
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
    match crate::service::sessions::still_valid(&state, &caller).await {
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
    control: &crate::hub::Control,
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

    /// Leaves the hub: ends calls, stops typing, announces going offline.
    async fn shutdown(mut self) -> Self {
        let me = self.me();
        for ((call_id, peer), _) in std::mem::take(&mut self.calls) {
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

fn internal(e: impl Into<Error>) -> End {
    let e: Error = e.into();
    let cause = e.internal_cause().unwrap_or_else(|| e.to_string());
    tracing::error!(%cause, "session failed");
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
