//! The task behind a [`super::Gateway`]: connect, resume, relay, reconnect.

use std::collections::{BTreeMap, HashSet};
use std::time::Duration;

use chat_core::v1::{ClientFrame, ConversationId, Cursors, Nonce, ServerFrame, UserId, close_code};
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
    /// Last event seq delivered to the caller, per conversation.
    cursors: Cursors,
    /// Requests not yet answered, in the order they were made.
    pending: Vec<Pending>,
    me: Option<UserId>,
    /// Whether the current connection is not the first.
    reconnected: bool,
    /// Conversations told to resync whose position is not known again yet.
    resync: HashSet<ConversationId>,
}

impl Worker {
    pub(super) fn new(
        client: Client,
        config: GatewayConfig,
        commands: mpsc::Receiver<Command>,
        events: mpsc::Sender<GatewayEvent>,
    ) -> Self {
        Self {
            client,
            config,
            commands,
            events,
            cursors: BTreeMap::new(),
            pending: Vec::new(),
            me: None,
            reconnected: false,
            resync: HashSet::new(),
        }
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
        self.fail_pending();
    }

    /// Exponential backoff with full jitter: a random delay up to min × 2^attempt, capped.
    fn backoff(&self, attempt: u32) -> Duration {
        let ceiling = self
            .config
            .min_backoff
            .saturating_mul(1u32 << attempt.min(16))
            .min(self.config.max_backoff);
        let millis = u64::try_from(ceiling.as_millis())
            .unwrap_or(u64::MAX)
            .max(1);
        Duration::from_millis(rand::rng().random_range(millis / 2..=millis))
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
            "{}/api/v1/ws",
            self.client
                .base_url()
                .replacen("https://", "wss://", 1)
                .replacen("http://", "ws://", 1)
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

    /// Resumes, re-sends what is pending, then relays until the connection ends.
    async fn serve(&mut self, mut socket: Socket, ready: Ready) -> Ended {
        self.reconnected = self.me.is_some();
        self.me = Some(ready.user.id);
        // Resume the conversations we know; adopt the server's position for the others.
        let known: HashSet<ConversationId> = self.cursors.keys().copied().collect();
        let cursors: Cursors = self.cursors.clone();
        let mut still_to_resync = Vec::new();
        for conversation in &ready.conversations {
            let id = conversation.conversation_id;
            if !known.contains(&id) {
                self.cursors.insert(id, conversation.seq);
                // We had lost our place in it and never found it again: whatever happened
                // since is unknown, so the caller must page history once more.
                if self.resync.contains(&id) {
                    still_to_resync.push(id);
                }
            }
        }
        if self
            .events
            .send(GatewayEvent::Connected(ready))
            .await
            .is_err()
        {
            return Ended::Shutdown;
        }
        for conversation_id in still_to_resync {
            if self
                .events
                .send(GatewayEvent::ResyncRequired { conversation_id })
                .await
                .is_err()
            {
                return Ended::Shutdown;
            }
        }
        if let Err(ended) = send_frame(&mut socket, &ClientFrame::Resume { cursors }).await {
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
        loop {
            let message = tokio::select! {
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
            // The first connection has nothing to resume; only a reconnect's replay counts.
            ServerFrame::Resumed if !self.reconnected => return None,
            ServerFrame::Resumed => GatewayEvent::Resumed,
            ServerFrame::ResyncRequired { conversation_id } => {
                // Our position is unknown now: the next live event sets it again.
                self.cursors.remove(&conversation_id);
                self.resync.insert(conversation_id);
                GatewayEvent::ResyncRequired { conversation_id }
            }
            frame => {
                if let Some((conversation, seq)) = frame.conversation_seq() {
                    match self.cursors.get(&conversation).copied() {
                        Some(last) if seq <= last => return None,
                        Some(last) if seq > last + 1 => {
                            // The server guarantees no gaps; should one appear anyway, a
                            // resume from our cursor fills it.
                            return Some(Ended::Retry(format!(
                                "gap in {conversation}: {last} then {seq}"
                            )));
                        }
                        _ => {}
                    }
                    self.cursors.insert(conversation, seq);
                    self.resync.remove(&conversation);
                    if self.ends_membership(&frame) {
                        self.cursors.remove(&conversation);
                    }
                }
                GatewayEvent::Frame(frame)
            }
        };
        if self.events.send(event).await.is_err() {
            return Some(Ended::Shutdown);
        }
        None
    }

    fn ends_membership(&self, frame: &ServerFrame) -> bool {
        match frame {
            ServerFrame::MemberLeft { user_id, .. }
            | ServerFrame::MemberRemoved { user_id, .. } => Some(*user_id) == self.me,
            ServerFrame::LobbyDeleted { .. } => true,
            _ => false,
        }
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
