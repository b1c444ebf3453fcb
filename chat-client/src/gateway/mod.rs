//! [`Gateway`]: the WebSocket, as a stream of typed events that survives disconnects.
//!
//! A background task owns the connection. It reconnects by itself with exponential backoff
//! and jitter, and resumes every conversation from the last event `seq` it delivered, so the
//! caller sees no gap and no duplicate. Frames sent while disconnected wait and go out on
//! reconnect; sends carry a nonce, so a frame that was in flight when the connection broke is
//! sent again without being posted twice.

mod worker;

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use chat_core::v1::{
    Account, CallSignal, ClientFrame, ConversationId, ConversationState, Emoji, LobbyId, Message,
    MessageContent, MessageId, Nonce, ServerFrame, SessionId,
};
use chat_sync::ResumeStore;
use futures_util::Stream;
use serde::Serialize;
use tokio::sync::{mpsc, oneshot};

use crate::{Client, Error};

/// What the server said when a connection opened.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ready {
    /// The signed-in account.
    pub user: Account,
    /// The connection's session id.
    pub session_id: SessionId,
    /// Every conversation of the user, with its counters and who is online.
    pub conversations: Vec<ConversationState>,
}

/// Something the gateway has to tell: a server frame, or a change of connection state.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
#[non_exhaustive]
pub enum GatewayEvent {
    /// A connection is open (the first one, or again after a disconnect).
    Connected(Ready),
    /// The connection broke; the next attempt follows after `delay`.
    Reconnecting {
        /// Attempts since the last successful connection.
        attempt: u32,
        /// The wait before the next attempt.
        #[serde(with = "millis")]
        delay: Duration,
        /// Why the connection ended.
        reason: String,
    },
    /// After a reconnect, everything missed while away has been delivered.
    Resumed,
    /// A conversation's gap was too large to replay (or it is gone): page its history over
    /// REST. Live events of it continue after this.
    ResyncRequired {
        /// The conversation.
        conversation_id: ConversationId,
    },
    /// A frame from the server: conversation events (deduplicated and in `seq` order),
    /// presence, typing, read cursors, call signals and errors not tied to a request.
    Frame(ServerFrame),
    /// The gateway stopped for good (the token was refused, or it was closed).
    Closed {
        /// Why.
        reason: String,
    },
}

mod millis {
    use std::time::Duration;

    pub(super) fn serialize<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
    }
}

/// Tuning of the gateway.
#[derive(Debug, Clone)]
pub struct GatewayConfig {
    /// The first reconnect delay (doubled per attempt, with jitter).
    pub min_backoff: Duration,
    /// The longest reconnect delay.
    pub max_backoff: Duration,
    /// A connection with no frame (not even a server ping) for this long is considered dead.
    pub silence_timeout: Duration,
    /// Frames waiting to be sent, at most.
    pub send_queue: usize,
    /// Events waiting to be read by the caller, at most; a caller that stops reading slows
    /// the gateway down rather than losing events.
    pub event_queue: usize,
    /// Where the resume cursors are kept beyond this gateway. `None` (the default): in the
    /// gateway only, so a new gateway starts from the server's position. With a store (a
    /// [`chat_sync::FileStore`], say), a gateway connected after a restart resumes where
    /// the last one stopped and delivers what happened in between; the store is read when
    /// connecting and written at most once a second while events flow, and when a
    /// connection ends. One store belongs to one user and one gateway at a time.
    pub resume_store: Option<Arc<dyn ResumeStore + Send + Sync>>,
}

impl Default for GatewayConfig {
    fn default() -> Self {
        Self {
            min_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(30),
            silence_timeout: Duration::from_secs(75),
            send_queue: 1024,
            event_queue: 4096,
            resume_store: None,
        }
    }
}

pub(crate) type Reply = oneshot::Sender<Result<Option<Message>, Error>>;

pub(crate) enum Command {
    /// A frame answered by `ack` or `error` carrying its nonce.
    Request {
        nonce: Nonce,
        frame: ClientFrame,
        reply: Reply,
    },
    /// A frame without an answer; dropped while disconnected.
    Notify(ClientFrame),
}

/// A live connection to a chat server's gateway.
///
/// Read events with [`Gateway::next_event`] or as a [`Stream`]; send with the methods below.
/// Dropping the gateway closes the connection.
pub struct Gateway {
    commands: mpsc::Sender<Command>,
    events: mpsc::Receiver<GatewayEvent>,
}

impl std::fmt::Debug for Gateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gateway").finish_non_exhaustive()
    }
}

/// A fresh idempotency key. Time-ordered (UUIDv7): the server indexes nonces by author and
/// nonce, and a new key that sorts after the author's previous ones lands on the page they
/// did, where random keys dirtied a page each (persist: 14k → 19k durable messages/s).
fn new_nonce() -> Nonce {
    Nonce::new(uuid::Uuid::now_v7().to_string()).expect("a UUID is 36 printable ASCII characters")
}

impl Gateway {
    /// Connects with the client's token and waits for the first `ready`. Fails at once when
    /// the server cannot be reached or refuses the token; later disconnects are handled by
    /// reconnecting.
    pub async fn connect(client: &Client) -> Result<Self, Error> {
        Self::connect_with(client, GatewayConfig::default()).await
    }

    /// Like [`Gateway::connect`], with custom tuning.
    pub async fn connect_with(client: &Client, config: GatewayConfig) -> Result<Self, Error> {
        let (commands_tx, commands_rx) = mpsc::channel(config.send_queue.max(1));
        let (events_tx, events_rx) = mpsc::channel(config.event_queue.max(1));
        let (first_tx, first_rx) = oneshot::channel();
        let worker = worker::Worker::new(client.clone(), config, commands_rx, events_tx);
        tokio::spawn(worker.run(first_tx));
        match first_rx.await {
            Ok(Ok(())) => Ok(Self {
                commands: commands_tx,
                events: events_rx,
            }),
            Ok(Err(e)) => Err(e),
            Err(_) => Err(Error::Closed),
        }
    }

    /// The next event, or `None` once the gateway has stopped.
    pub async fn next_event(&mut self) -> Option<GatewayEvent> {
        self.events.recv().await
    }

    fn request(
        &self,
        nonce: Nonce,
        frame: ClientFrame,
    ) -> impl Future<Output = Result<Option<Message>, Error>> + use<> {
        let (reply, answer) = oneshot::channel();
        // Enqueued now, not when awaited: frames go out in the order the methods are called.
        let queued = self
            .commands
            .try_send(Command::Request {
                nonce,
                frame,
                reply,
            })
            .map_err(|e| match e {
                mpsc::error::TrySendError::Full(_) => Error::QueueFull,
                mpsc::error::TrySendError::Closed(_) => Error::Closed,
            });
        async move {
            queued?;
            answer.await.map_err(|_| Error::Closed)?
        }
    }

    fn notify(&self, frame: ClientFrame) -> Result<(), Error> {
        self.commands
            .try_send(Command::Notify(frame))
            .map_err(|e| match e {
                mpsc::error::TrySendError::Full(_) => Error::QueueFull,
                mpsc::error::TrySendError::Closed(_) => Error::Closed,
            })
    }

    /// Sends a message; resolves with the stored message once the server has committed it.
    ///
    /// A fresh nonce is attached: if the connection breaks before the answer, the frame is
    /// sent again after reconnecting, and the server returns the original instead of posting
    /// it twice.
    pub fn send_message(
        &self,
        conversation_id: ConversationId,
        content: MessageContent,
    ) -> impl Future<Output = Result<Message, Error>> + use<> {
        self.send_message_with_nonce(conversation_id, content, new_nonce())
    }

    /// [`Gateway::send_message`] with a nonce of the caller's choosing, for retries that
    /// outlive the process (store the nonce with the draft).
    pub fn send_message_with_nonce(
        &self,
        conversation_id: ConversationId,
        content: MessageContent,
        nonce: Nonce,
    ) -> impl Future<Output = Result<Message, Error>> + use<> {
        self.post(conversation_id, content, nonce, None)
    }

    /// Posts a message answering `reply_to` (a message of the same conversation); resolves
    /// with the stored message, which carries a preview of the one it answers.
    pub fn reply(
        &self,
        conversation_id: ConversationId,
        reply_to: MessageId,
        content: MessageContent,
    ) -> impl Future<Output = Result<Message, Error>> + use<> {
        self.post(conversation_id, content, new_nonce(), Some(reply_to))
    }

    fn post(
        &self,
        conversation_id: ConversationId,
        content: MessageContent,
        nonce: Nonce,
        reply_to: Option<MessageId>,
    ) -> impl Future<Output = Result<Message, Error>> + use<> {
        let answer = self.request(
            nonce.clone(),
            ClientFrame::MessageSend {
                conversation_id,
                content,
                nonce,
                reply_to,
            },
        );
        async move {
            answer.await?.ok_or(Error::Decode {
                status: 200,
                message: "the ack carried no message".into(),
            })
        }
    }

    /// Edits one of the caller's messages; resolves with the edited message.
    pub fn edit_message(
        &self,
        message_id: MessageId,
        content: MessageContent,
    ) -> impl Future<Output = Result<Message, Error>> + use<> {
        let nonce = new_nonce();
        let answer = self.request(
            nonce.clone(),
            ClientFrame::MessageEdit {
                message_id,
                content,
                nonce: Some(nonce),
            },
        );
        async move {
            answer.await?.ok_or(Error::Decode {
                status: 200,
                message: "the ack carried no message".into(),
            })
        }
    }

    /// Deletes a message (author, or lobby admin).
    pub fn delete_message(
        &self,
        message_id: MessageId,
    ) -> impl Future<Output = Result<(), Error>> + use<> {
        let nonce = new_nonce();
        let answer = self.request(
            nonce.clone(),
            ClientFrame::MessageDelete {
                message_id,
                nonce: Some(nonce),
            },
        );
        async move { answer.await.map(|_| ()) }
    }

    /// Reacts to a message with `emoji` (idempotent).
    pub fn react(
        &self,
        message_id: MessageId,
        emoji: Emoji,
    ) -> impl Future<Output = Result<(), Error>> + use<> {
        let nonce = new_nonce();
        let frame = ClientFrame::ReactionAdd {
            message_id,
            emoji,
            nonce: Some(nonce.clone()),
        };
        let answer = self.request(nonce, frame);
        async move { answer.await.map(|_| ()) }
    }

    /// Takes the caller's `emoji` reaction off a message (idempotent).
    pub fn unreact(
        &self,
        message_id: MessageId,
        emoji: Emoji,
    ) -> impl Future<Output = Result<(), Error>> + use<> {
        let nonce = new_nonce();
        let frame = ClientFrame::ReactionRemove {
            message_id,
            emoji,
            nonce: Some(nonce.clone()),
        };
        let answer = self.request(nonce, frame);
        async move { answer.await.map(|_| ()) }
    }

    /// Pins (`true`) or unpins a message (lobby admins; either participant of a chat).
    pub fn set_pinned(
        &self,
        message_id: MessageId,
        pinned: bool,
    ) -> impl Future<Output = Result<(), Error>> + use<> {
        let nonce = new_nonce();
        let frame = if pinned {
            ClientFrame::MessagePin {
                message_id,
                nonce: Some(nonce.clone()),
            }
        } else {
            ClientFrame::MessageUnpin {
                message_id,
                nonce: Some(nonce.clone()),
            }
        };
        let answer = self.request(nonce, frame);
        async move { answer.await.map(|_| ()) }
    }

    /// Joins a public lobby.
    pub fn join_lobby(&self, lobby_id: LobbyId) -> impl Future<Output = Result<(), Error>> + use<> {
        let nonce = new_nonce();
        let answer = self.request(
            nonce.clone(),
            ClientFrame::LobbyJoin {
                lobby_id,
                nonce: Some(nonce),
            },
        );
        async move { answer.await.map(|_| ()) }
    }

    /// Leaves a lobby.
    pub fn leave_lobby(
        &self,
        lobby_id: LobbyId,
    ) -> impl Future<Output = Result<(), Error>> + use<> {
        let nonce = new_nonce();
        let answer = self.request(
            nonce.clone(),
            ClientFrame::LobbyLeave {
                lobby_id,
                nonce: Some(nonce),
            },
        );
        async move { answer.await.map(|_| ()) }
    }

    /// Tells the conversation the caller is typing (repeat every few seconds while typing).
    /// Dropped while disconnected.
    pub fn typing(&self, conversation_id: ConversationId) -> Result<(), Error> {
        self.notify(ClientFrame::Typing { conversation_id })
    }

    /// Moves the read cursor to message seq `seq`.
    pub fn mark_read(&self, conversation_id: ConversationId, seq: u64) -> Result<(), Error> {
        self.notify(ClientFrame::Read {
            conversation_id,
            seq,
        })
    }

    /// Invites a user to a call.
    pub fn call_invite(&self, signal: CallSignal) -> Result<(), Error> {
        self.notify(ClientFrame::CallInvite(signal))
    }

    /// Accepts a call.
    pub fn call_answer(&self, signal: CallSignal) -> Result<(), Error> {
        self.notify(ClientFrame::CallAnswer(signal))
    }

    /// Sends an ICE candidate.
    pub fn call_ice(&self, signal: CallSignal) -> Result<(), Error> {
        self.notify(ClientFrame::CallIce(signal))
    }

    /// Declines a call.
    pub fn call_reject(&self, signal: CallSignal) -> Result<(), Error> {
        self.notify(ClientFrame::CallReject(signal))
    }

    /// Hangs up.
    pub fn call_end(&self, signal: CallSignal) -> Result<(), Error> {
        self.notify(ClientFrame::CallEnd(signal))
    }
}

impl Stream for Gateway {
    type Item = GatewayEvent;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.events.poll_recv(cx)
    }
}
