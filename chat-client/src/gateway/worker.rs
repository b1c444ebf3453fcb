//! The task behind a [`super::Gateway`]: connect, resume, relay, reconnect.
//!
//! The rules (what to resume from, which frames are duplicates, when a gap forces a
//! reconnect, how long to wait before one) are `chat-sync`'s, shared with the browser
//! client; this task does the I/O around them.

use std::time::Duration;

use chat_core::v1::{ClientFrame, Nonce, ServerFrame, close_code};
use chat_sync::{Backoff, Tracker, Verdict};
use futures_util::{FutureExt, SinkExt, StreamExt};
use rand::Rng;
use tokio::net::TcpStream;
use tokio::sync::{mpsc, oneshot};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use tokio_tungstenite::{Connector, MaybeTlsStream, WebSocketStream};

use super::{Command, GatewayConfig, GatewayEvent, Ready, Reply};
use crate::{Client, Error};

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Bytes read from the socket at once, at most.
const READ_BUFFER: usize = 16 * 1024;

/// How often the resume state is written to a configured store while events flow, at most:
/// a file write per event would cost more than the events. A crash loses at most this much
/// progress, which the next run receives again (at least once, never a gap).
const SAVE_EVERY: Duration = Duration::from_secs(1);

/// How one connection ended.
enum Ended {
    /// Try again after a delay.
    Retry(String),
    /// Stop for good.
    Fatal(Error),
    /// The caller dropped the gateway.
    Shutdown,
}

/// A frame waiting for its `ack`.
struct Pending {
    nonce: Nonce,
    frame: ClientFrame,
    reply: Reply,
    /// Sent on some connection already.
    sent: bool,
    /// Sent again after a connection broke before the answer, so it may have taken effect.
    resent: bool,
}

impl Pending {
    /// Whether `error`, for a frame sent again after a break, only says that the first
    /// attempt worked: the message is already deleted, the user already left.
    fn already_done(&self, error: &Error) -> bool {
        self.resent
            && matches!(
                self.frame,
                ClientFrame::MessageDelete { .. } | ClientFrame::LobbyLeave { .. }
            )
            && (error.is_not_found() || error.is_forbidden())
    }
}

pub(super) struct Worker {
    client: Client,
    config: GatewayConfig,
    commands: mpsc::Receiver<Command>,
    events: mpsc::Sender<GatewayEvent>,
    /// Resume cursors: what was delivered to the caller, per conversation.
    tracker: Tracker,
    /// Requests not yet answered, in the order they were made.
    pending: Vec<Pending>,
    /// The tracker's version last written to the configured store.
    saved_version: u64,
    /// When the store was last written.
    saved_at: tokio::time::Instant,
}

impl Worker {
    pub(super) fn new(
        client: Client,
        config: GatewayConfig,
        commands: mpsc::Receiver<Command>,
        events: mpsc::Sender<GatewayEvent>,
    ) -> Self {
        // A store that cannot be read costs a fresh start (what a gateway without a store
        // does), not the connection.
        let saved = config
            .resume_store
            .as_ref()
            .and_then(|store| match store.load() {
                Ok(saved) => saved,
                Err(error) => {
                    tracing::warn!(%error, "resume store unreadable: starting afresh");
                    None
                }
            });
        let tracker = saved.map(Tracker::restore).unwrap_or_default();
        Self {
            client,
            config,
            commands,
            events,
            saved_version: tracker.version(),
            tracker,
            pending: Vec::new(),
            saved_at: tokio::time::Instant::now(),
        }
    }

    /// Whether the configured store (if any) lags behind the tracker.
    fn unsaved(&self) -> bool {
        self.config.resume_store.is_some() && self.tracker.version() != self.saved_version
    }

    /// Writes the resume state to the configured store, if it changed. The write is small
    /// and synchronous (a file of a few bytes per conversation).
    fn save(&mut self) {
        if !self.unsaved() {
            return;
        }
        if let Some(store) = &self.config.resume_store
            && let Err(error) = store.save(&self.tracker.state())
        {
            tracing::warn!(%error, "resume state not saved");
        }
        self.saved_version = self.tracker.version();
        self.saved_at = tokio::time::Instant::now();
    }

    pub(super) async fn run(mut self, first: oneshot::Sender<Result<(), Error>>) {
        let mut first = Some(first);
        let mut attempt: u32 = 0;
        loop {
            let ended = match self.open().await {
                Ok((socket, ready)) => {
                    attempt = 0;
                    if let Some(first) = first.take() {
                        let _ = first.send(Ok(()));
                    }
                    self.serve(socket, ready).await
                }
                Err(Ended::Fatal(error)) if first.is_some() => {
                    if let Some(first) = first.take() {
                        let _ = first.send(Err(error));
                    }
                    return;
                }
                Err(ended) => ended,
            };
            match ended {
                Ended::Shutdown => break,
                Ended::Fatal(error) => {
                    let reason = error.to_string();
                    self.fail_pending();
                    let _ = self.events.send(GatewayEvent::Closed { reason }).await;
                    break;
                }
                Ended::Retry(reason) => {
                    if let Some(first) = first.take() {
                        // The very first attempt failed: report it instead of retrying.
                        let _ = first.send(Err(Error::Decode {
                            status: 0,
                            message: reason,
                        }));
                        return;
                    }
                    attempt = attempt.saturating_add(1);
                    let delay = self.backoff(attempt);
                    tracing::debug!(attempt, ?delay, %reason, "gateway reconnecting");
                    if self
                        .events
                        .send(GatewayEvent::Reconnecting {
                            attempt,
                            delay,
                            reason,
                        })
                        .await
                        .is_err()
                    {
                        break;
                    }
                    if !self.wait(delay).await {
                        break;
                    }
                }
            }
        }
        self.save();
        self.fail_pending();
    }

    /// The reconnect delay: the shared schedule, jittered by a random draw.
    fn backoff(&self, attempt: u32) -> Duration {
        Backoff::new(self.config.min_backoff, self.config.max_backoff)
            .delay(attempt, rand::rng().random::<f64>())
    }

    /// Waits out a reconnect delay while still accepting commands. `false`: shut down.
    async fn wait(&mut self, delay: Duration) -> bool {
        let sleep = tokio::time::sleep(delay);
        tokio::pin!(sleep);
        loop {
            tokio::select! {
                () = &mut sleep => return true,
                command = self.commands.recv() => match command {
                    None => return false,
                    Some(command) => self.queue(command),
                },
            }
        }
    }

    /// Remembers a request until it is answered; notifications are dropped while offline.
    fn queue(&mut self, command: Command) {
        if let Command::Request {
            nonce,
            frame,
            reply,
        } = command
        {
            self.pending.push(Pending {
                nonce,
                frame,
                reply,
                sent: false,
                resent: false,
            });
        }
    }

    fn fail_pending(&mut self) {
        for pending in self.pending.drain(..) {
            let _ = pending.reply.send(Err(Error::Closed));
        }
    }

    /// Opens a socket and reads `ready`.
    async fn open(&mut self) -> Result<(Socket, Ready), Ended> {
        let url = format!(
            "{}{}",
            self.client
                .base_url()
                .replacen("https://", "wss://", 1)
                .replacen("http://", "ws://", 1),
            chat_core::v1::endpoints::GATEWAY_PATH,
        );
        let mut request = url
            .into_client_request()
            .map_err(|e| Ended::Fatal(Error::InvalidUrl(e.to_string())))?;
        let token = self.client.token().ok_or(Ended::Fatal(Error::Api {
            status: 401,
            code: chat_core::v1::ErrorCode::Unauthorized,
            message: "no token: log in first".into(),
            details: None,
            retry_after: None,
        }))?;
        let header = HeaderValue::from_str(&format!("Bearer {token}")).map_err(|_| {
            Ended::Fatal(Error::InvalidUrl("the token is not a valid header".into()))
        })?;
        request.headers_mut().insert("authorization", header);
        let connector = Connector::Rustls(self.client.tls());
        // tungstenite zero-fills its whole free read buffer before every read: at the 128 KiB
        // default that memset cost a fifth of a busy client's CPU. Server frames are small.
        let config = WebSocketConfig::default().read_buffer_size(READ_BUFFER);
        let connect = tokio_tungstenite::connect_async_tls_with_config(
            request,
            Some(config),
            true,
            Some(connector),
        );
        let (mut socket, _) = match tokio::time::timeout(Duration::from_secs(15), connect).await {
            Err(_) => return Err(Ended::Retry("connecting timed out".into())),
            Ok(Err(WsError::Http(response))) if response.status().as_u16() == 401 => {
                return Err(Ended::Fatal(Error::Api {
                    status: 401,
                    code: chat_core::v1::ErrorCode::Unauthorized,
                    message: "the server refused the token".into(),
                    details: None,
                    retry_after: None,
                }));
            }
            Ok(Err(e)) => return Err(Ended::Retry(format!("cannot connect: {e}"))),
            Ok(Ok(connected)) => connected,
        };
        let ready = match tokio::time::timeout(self.config.silence_timeout, read_frame(&mut socket))
            .await
        {
            Ok(Ok(ServerFrame::Ready {
                user,
                session_id,
                conversations,
            })) => Ready {
                user,
                session_id,
                conversations,
            },
            Ok(Ok(other)) => return Err(Ended::Retry(format!("expected ready, got {other:?}"))),
            Ok(Err(ended)) => return Err(ended),
            Err(_) => return Err(Ended::Retry("no ready in time".into())),
        };
        Ok((socket, ready))
    }

    /// Serves one connection ([`Worker::relay`]); whatever ends it, the configured resume
    /// store then holds where it stopped.
    async fn serve(&mut self, socket: Socket, ready: Ready) -> Ended {
        let ended = self.relay(socket, ready).await;
        self.save();
        ended
    }

    /// Resumes, re-sends what is pending, then relays until the connection ends.
    async fn relay(&mut self, mut socket: Socket, ready: Ready) -> Ended {
        // Resume the conversations we know; adopt the server's position for the others.
        let plan = self.tracker.on_ready(ready.user.id, &ready.conversations);
        self.save();
        if self
            .events
            .send(GatewayEvent::Connected(ready))
            .await
            .is_err()
        {
            return Ended::Shutdown;
        }
        for conversation_id in plan.resync {
            if self
                .events
                .send(GatewayEvent::ResyncRequired { conversation_id })
                .await
                .is_err()
            {
                return Ended::Shutdown;
            }
        }
        let resume = ClientFrame::Resume {
            cursors: plan.resume,
        };
        if let Err(ended) = send_frame(&mut socket, &resume).await {
            return ended;
        }
        for pending in &mut self.pending {
            // A request still pending here was sent before and got no answer: it may have
            // taken effect already.
            pending.resent = pending.sent;
            pending.sent = true;
            if let Err(ended) = send_frame(&mut socket, &pending.frame).await {
                return ended;
            }
        }
        // Silence is measured from the last frame received; sending does not count. The
        // timer is not moved for every frame (a timer-wheel update each): when it fires, it
        // is pushed to the silence deadline of the last frame heard, if that is later.
        let mut heard = tokio::time::Instant::now();
        let silence = tokio::time::sleep_until(heard + self.config.silence_timeout);
        tokio::pin!(silence);
        // Writes to the resume store are spaced out by SAVE_EVERY; this timer writes what the
        // last events changed once they stop coming.
        let flush = tokio::time::sleep_until(heard);
        tokio::pin!(flush);
        let mut flush_armed = false;
        loop {
            let message = tokio::select! {
                () = &mut flush, if flush_armed => {
                    flush_armed = false;
                    self.save();
                    continue;
                }
                () = &mut silence => {
                    let deadline = heard + self.config.silence_timeout;
                    if deadline > silence.deadline() {
                        silence.as_mut().reset(deadline);
                        continue;
                    }
                    // This task may have run late, with a frame waiting all along.
                    match read_message(&mut socket).now_or_never() {
                        Some(message) => message,
                        None => return Ended::Retry("the server went silent".into()),
                    }
                }
                message = read_message(&mut socket) => message,
                command = self.commands.recv() => {
                    match command {
                        None => {
                            let _ = socket.close(None).await;
                            return Ended::Shutdown;
                        }
                        Some(Command::Notify(frame)) => {
                            if let Err(ended) = send_frame(&mut socket, &frame).await {
                                return ended;
                            }
                        }
                        Some(Command::Request { nonce, frame, reply }) => {
                            let sent = send_frame(&mut socket, &frame).await;
                            self.pending.push(Pending { nonce, frame, reply, sent: true, resent: false });
                            if let Err(ended) = sent {
                                return ended;
                            }
                        }
                    }
                    continue;
                }
            };
            heard = tokio::time::Instant::now();
            let frame = match message {
                Err(ended) => return ended,
                Ok(None) => continue,
                Ok(Some(frame)) => frame,
            };
            if let Some(ended) = self.on_frame(frame).await {
                return ended;
            }
            if self.unsaved() {
                let due = self.saved_at + SAVE_EVERY;
                if due <= tokio::time::Instant::now() {
                    self.save();
                } else if !flush_armed {
                    flush.as_mut().reset(due);
                    flush_armed = true;
                }
            }
        }
    }

    /// Handles one server frame; `Some` ends the connection.
    async fn on_frame(&mut self, frame: ServerFrame) -> Option<Ended> {
        let event = match frame {
            ServerFrame::Ack { nonce, message } => {
                self.answer(&nonce, Ok(message));
                return None;
            }
            ServerFrame::Error {
                code,
                message,
                nonce: Some(nonce),
                retry_after_ms,
            } => {
                self.answer(
                    &nonce,
                    Err(Error::from_frame(code, message, retry_after_ms)),
                );
                return None;
            }
            frame => match self.tracker.on_frame(&frame) {
                Verdict::Skip => return None,
                verdict @ Verdict::Gap { .. } => {
                    let reason = verdict.gap_reason().unwrap_or_default();
                    return Some(Ended::Retry(reason));
                }
                Verdict::Deliver => match frame {
                    ServerFrame::Resumed => GatewayEvent::Resumed,
                    ServerFrame::ResyncRequired { conversation_id } => {
                        GatewayEvent::ResyncRequired { conversation_id }
                    }
                    frame => GatewayEvent::Frame(frame),
                },
            },
        };
        if self.events.send(event).await.is_err() {
            return Some(Ended::Shutdown);
        }
        None
    }

    fn answer(&mut self, nonce: &Nonce, result: Result<Option<chat_core::v1::Message>, Error>) {
        if let Some(index) = self.pending.iter().position(|p| &p.nonce == nonce) {
            let pending = self.pending.remove(index);
            let result = match result {
                Err(error) if pending.already_done(&error) => Ok(None),
                other => other,
            };
            let _ = pending.reply.send(result);
        }
    }
}

async fn send_frame(socket: &mut Socket, frame: &ClientFrame) -> Result<(), Ended> {
    let text = serde_json::to_string(frame).map_err(|e| {
        Ended::Fatal(Error::Decode {
            status: 0,
            message: e.to_string(),
        })
    })?;
    socket
        .send(Message::text(text))
        .await
        .map_err(|e| Ended::Retry(format!("send failed: {e}")))
}

/// The next frame; pings are answered by tungstenite itself.
async fn read_frame(socket: &mut Socket) -> Result<ServerFrame, Ended> {
    loop {
        if let Some(frame) = read_message(socket).await? {
            return Ok(frame);
        }
    }
}

/// Reads one WebSocket message: `None` for a control message (the server's ping, which
/// tungstenite answers), which carries no frame but shows the connection is alive.
async fn read_message(socket: &mut Socket) -> Result<Option<ServerFrame>, Ended> {
    match socket.next().await {
        None => Err(Ended::Retry("the connection closed".into())),
        Some(Err(e)) => Err(Ended::Retry(format!("read failed: {e}"))),
        Some(Ok(Message::Text(text))) => serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| Ended::Retry(format!("undecodable frame: {e}"))),
        Some(Ok(Message::Close(frame))) => {
            let code = frame.as_ref().map(|f| u16::from(f.code));
            Err(match code {
                Some(close_code::UNAUTHORIZED) => Ended::Fatal(Error::Api {
                    status: 401,
                    code: chat_core::v1::ErrorCode::Unauthorized,
                    message: "the token was revoked or expired".into(),
                    details: None,
                    retry_after: None,
                }),
                _ => Ended::Retry(format!("closed by the server ({code:?})")),
            })
        }
        Some(Ok(_)) => Ok(None),
    }
}
