//! The in-process event hub: who is connected, who receives which conversation, and
//! delivery that never waits.
//!
//! Each connection has a bounded queue. Publishing serializes a frame once and hands every
//! recipient a cheap clone of the same bytes with `try_send`; a recipient whose queue is full
//! is cut off with the `lagged` close code instead of slowing anyone else. Only typing and
//! presence frames are dropped quietly when a queue is full, never conversation events.
//!
//! Events of one conversation are published after their transaction commits, so two events
//! can reach the hub out of order; sessions put them back in order by `seq`, filling any gap
//! from the database (see `session.rs`).
//!
//! With a [`Bus`] (several nodes, `CHAT_REDIS_URL`), every public delivery method also
//! forwards its work to the other nodes, which [`Hub::apply`] it to their own connections;
//! presence then counts connections of the whole cluster (see `bus.rs`).

pub mod bus;

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, RwLock};

use chat_core::v1::{ConversationId, ServerFrame, UserId, close_code};
use tokio::sync::{Notify, mpsc};
use tokio_tungstenite::tungstenite::Utf8Bytes;
use uuid::Uuid;

use self::bus::{Bus, Op};

/// Identifies one connection inside the hub.
pub type ConnId = u64;

/// A published conversation event, shared by all its recipients.
#[derive(Debug)]
pub struct Event {
    /// The conversation.
    pub conversation: ConversationId,
    /// Its event seq.
    pub seq: u64,
    /// The serialized frame.
    pub text: Utf8Bytes,
    /// Whose membership this event ends, if it is a departure.
    pub departed: Option<UserId>,
    /// Whose membership this event starts, if it is a join.
    pub joined: Option<UserId>,
    /// The message seqs the event shows (chats hide messages below a per-user floor).
    pub shows: Shows,
    /// Whether the conversation ends for everyone (it was deleted).
    pub closes: bool,
}

/// Which messages a conversation event shows something of: a reader who deleted a chat's
/// history up to a seq must see nothing of the messages up to it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Shows {
    /// The message the event is about: message, reaction and pin events.
    pub message_seq: Option<u64>,
    /// The message a new or edited reply quotes.
    pub reply_seq: Option<u64>,
}

impl Shows {
    /// What `frame` shows.
    pub fn of(frame: &ServerFrame) -> Self {
        match frame {
            ServerFrame::MessageCreated { message, .. }
            | ServerFrame::MessageUpdated { message, .. } => Self {
                message_seq: Some(message.seq),
                reply_seq: message.reply_to.as_ref().map(|r| r.seq),
            },
            ServerFrame::MessageDeleted { message_seq, .. } => Self {
                message_seq: Some(*message_seq),
                reply_seq: None,
            },
            ServerFrame::ReactionAdded(event) | ServerFrame::ReactionRemoved(event) => Self {
                message_seq: Some(event.message_seq),
                reply_seq: None,
            },
            ServerFrame::MessagePinned(event) | ServerFrame::MessageUnpinned(event) => Self {
                message_seq: Some(event.message_seq),
                reply_seq: None,
            },
            _ => Self::default(),
        }
    }

    /// Whether a reader whose floor is `floor` may see all of it.
    pub fn visible_above(&self, floor: u64) -> bool {
        self.message_seq.is_none_or(|m| m > floor) && self.reply_seq.is_none_or(|r| r > floor)
    }
}

/// What a connection's queue carries. Every variant is at most a pointer or an id: a queue's slots are
/// allocated up front, so a small item keeps idle connections cheap.
#[derive(Debug, Clone)]
pub enum Outbound {
    /// A conversation event; the session delivers these in `seq` order per conversation.
    Event(Arc<Event>),
    /// Any other frame.
    Frame(Arc<Utf8Bytes>),
    /// A relayed call frame that opens or closes a call for the recipient (`call.invite`,
    /// `call.reject`, `call.end`): the session keeps which calls are open, and relays the
    /// recipient's own `call.answer` and `call.ice` only for those.
    Call(Arc<(CallNote, Utf8Bytes)>),
    /// The user's subscription to this conversation ended (a chat deleted for them, a lobby
    /// left): the session forgets its position there, so that an event of the conversation
    /// that comes later (the chat brought back by a new message) is checked against the
    /// store afresh — membership, and what the user deleted — instead of against a stale
    /// view.
    Forget(ConversationId),
}

/// What a relayed call frame does to the recipient's calls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallNote {
    /// The call.
    pub call_id: String,
    /// The other participant: who sent the frame.
    pub peer: UserId,
    /// `true` for an invitation, `false` for a rejection or hang-up.
    pub open: bool,
}

impl CallNote {
    fn of(frame: &ServerFrame) -> Option<Self> {
        let (relay, open) = match frame {
            ServerFrame::CallInvite(relay) => (relay, true),
            ServerFrame::CallReject(relay) | ServerFrame::CallEnd(relay) => (relay, false),
            _ => return None,
        };
        Some(Self {
            call_id: relay.call_id.clone(),
            peer: relay.user_id,
            open,
        })
    }
}

/// A request to close one connection, set by the hub and awaited by its session.
#[derive(Debug, Default)]
pub struct Control {
    code: AtomicU16,
    notify: Notify,
}

impl Control {
    /// Asks the session to close with `code` (the first request wins).
    pub fn close(&self, code: u16) {
        if self
            .code
            .compare_exchange(0, code, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
        {
            self.notify.notify_one();
        }
    }

    /// Completes with the close code once a close was requested.
    pub async fn requested(&self) -> u16 {
        loop {
            let code = self.code.load(Ordering::Acquire);
            if code != 0 {
                return code;
            }
            self.notify.notified().await;
        }
    }
}

/// What a session holds of its registration.
#[derive(Debug)]
pub struct Registration {
    /// The connection's id in the hub.
    pub id: ConnId,
    /// Its queue.
    pub rx: mpsc::Receiver<Outbound>,
    /// Close requests.
    pub control: Arc<Control>,
    /// Whether this is the user's only connection (they just came online).
    pub first: bool,
}

#[derive(Debug, Clone)]
struct Recipient {
    user: UserId,
    tx: mpsc::Sender<Outbound>,
    control: Arc<Control>,
}

#[derive(Debug)]
struct Conn {
    recipient: Recipient,
    session: Uuid,
    conversations: HashSet<ConversationId>,
}

#[derive(Debug, Default)]
struct Inner {
    next_id: ConnId,
    conns: HashMap<ConnId, Conn>,
    by_user: HashMap<UserId, Vec<ConnId>>,
    by_conversation: HashMap<ConversationId, HashMap<ConnId, Recipient>>,
}

impl Inner {
    fn subscribe(&mut self, id: ConnId, conversation: ConversationId) {
        let Some(conn) = self.conns.get_mut(&id) else {
            return;
        };
        if conn.conversations.insert(conversation) {
            self.by_conversation
                .entry(conversation)
                .or_default()
                .insert(id, conn.recipient.clone());
        }
    }

    fn unsubscribe(&mut self, id: ConnId, conversation: ConversationId) {
        if let Some(conn) = self.conns.get_mut(&id) {
            conn.conversations.remove(&conversation);
        }
        if let Some(subscribers) = self.by_conversation.get_mut(&conversation) {
            subscribers.remove(&id);
            if subscribers.is_empty() {
                self.by_conversation.remove(&conversation);
            }
        }
    }

    fn user_conns(&self, user: UserId) -> Vec<ConnId> {
        self.by_user.get(&user).cloned().unwrap_or_default()
    }

    fn remove(&mut self, id: ConnId) -> Option<(UserId, bool)> {
        let conn = self.conns.remove(&id)?;
        for conversation in &conn.conversations {
            if let Some(subscribers) = self.by_conversation.get_mut(conversation) {
                subscribers.remove(&id);
                if subscribers.is_empty() {
                    self.by_conversation.remove(conversation);
                }
            }
        }
        let user = conn.recipient.user;
        let mut last = false;
        if let Some(ids) = self.by_user.get_mut(&user) {
            ids.retain(|c| *c != id);
            if ids.is_empty() {
                self.by_user.remove(&user);
                last = true;
            }
        }
        Some((user, last))
    }
}

/// Why a connection was not registered.
#[derive(Debug, thiserror::Error)]
#[error("the user has {0} connections open already")]
pub struct TooManyConnections(pub usize);

/// All live connections of this server.
#[derive(Debug)]
pub struct Hub {
    inner: RwLock<Inner>,
    queue: usize,
    per_user: usize,
    bus: Option<Bus>,
}

fn serialize(frame: &ServerFrame) -> Utf8Bytes {
    // Serializing our own types into a String cannot fail (no maps with non-string keys).
    Utf8Bytes::from(serde_json::to_string(frame).unwrap_or_default())
}

impl Hub {
    /// A hub whose connections queue up to `queue` frames each, at most `per_user`
    /// connections per user (on this node), linked to the other nodes by `bus` if any.
    pub fn new(queue: usize, per_user: usize, bus: Option<Bus>) -> Self {
        Self {
            inner: RwLock::new(Inner::default()),
            queue: queue.max(1),
            per_user: per_user.max(1),
            bus,
        }
    }

    /// The link to the other nodes, when there are any.
    pub fn bus(&self) -> Option<&Bus> {
        self.bus.as_ref()
    }

    fn forward(&self, op: impl FnOnce() -> Op) {
        if let Some(bus) = &self.bus {
            bus.forward(op());
        }
    }

    /// Applies another node's request to this node's connections.
    pub fn apply(&self, op: Op) {
        match op {
            Op::Publish { frame } => self.local_publish(&frame),
            Op::SubscribeUser { user, conversation } => {
                self.local_subscribe_user(user, conversation);
            }
            Op::UnsubscribeUser { user, conversation } => {
                self.local_unsubscribe_user(user, conversation);
            }
            Op::RemoveConversation { conversation } => {
                self.local_remove_conversation(conversation);
            }
            Op::SendToUser {
                user,
                frame,
                droppable,
            } => self.local_send_to_user(user, &frame, None, droppable),
            Op::SendToConversation {
                conversation,
                frame,
                except_user,
            } => self.local_send_to_conversation(conversation, &frame, except_user),
            Op::Presence {
                user,
                conversations,
                online,
            } => self.local_send_presence(user, &conversations, online),
            Op::CloseSessions { sessions, code } => self.local_close_sessions(&sessions, code),
            Op::CloseUser { user, code } => self.local_close_user(user, code),
        }
    }

    /// This node's connections and their users (for presence heartbeats).
    pub fn local_connections(&self) -> Vec<(ConnId, UserId)> {
        self.read()
            .conns
            .iter()
            .map(|(id, c)| (*id, c.recipient.user))
            .collect()
    }

    /// Announces a registered connection to the cluster; `true` when the user just came
    /// online (this is their only connection anywhere).
    pub async fn connected(&self, user: UserId, registration: &Registration) -> bool {
        let Some(bus) = &self.bus else {
            return registration.first;
        };
        match bus.connected(user, registration.id).await {
            Ok(first) => first,
            Err(e) => {
                tracing::warn!(error = %e, "presence unavailable; counting this node only");
                registration.first
            }
        }
    }

    /// Removes a connection. Returns its user when that was their last connection (in the
    /// cluster, with a bus).
    pub async fn disconnect(&self, id: ConnId) -> Option<UserId> {
        let (user, last_here) = self.write().remove(id)?;
        let Some(bus) = &self.bus else {
            return last_here.then_some(user);
        };
        match bus.disconnected(user, id).await {
            Ok(last) => last.then_some(user),
            Err(e) => {
                tracing::warn!(error = %e, "presence unavailable; counting this node only");
                last_here.then_some(user)
            }
        }
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Inner> {
        // A panic while holding the lock leaves the maps consistent (every mutation is a
        // single insert or remove), so a poisoned lock is safe to keep using.
        self.inner
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Inner> {
        self.inner
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Registers a connection of `user` authenticated by token `session`.
    pub fn register(
        &self,
        user: UserId,
        session: Uuid,
    ) -> Result<Registration, TooManyConnections> {
        let (tx, rx) = mpsc::channel(self.queue);
        let control = Arc::new(Control::default());
        let mut inner = self.write();
        let existing = inner.by_user.get(&user).map_or(0, Vec::len);
        if existing >= self.per_user {
            return Err(TooManyConnections(existing));
        }
        inner.next_id += 1;
        let id = inner.next_id;
        inner.conns.insert(
            id,
            Conn {
                recipient: Recipient {
                    user,
                    tx,
                    control: control.clone(),
                },
                session,
                conversations: HashSet::new(),
            },
        );
        inner.by_user.entry(user).or_default().push(id);
        Ok(Registration {
            id,
            rx,
            control,
            first: existing == 0,
        })
    }

    /// Removes a connection that never announced itself (it failed before `ready`).
    pub fn unregister(&self, id: ConnId) {
        self.write().remove(id);
    }

    /// Subscribes one connection to conversations.
    pub fn subscribe(&self, id: ConnId, conversations: impl IntoIterator<Item = ConversationId>) {
        let mut inner = self.write();
        for conversation in conversations {
            inner.subscribe(id, conversation);
        }
    }

    /// Stops delivering a conversation to one connection.
    pub fn unsubscribe(&self, id: ConnId, conversation: ConversationId) {
        self.write().unsubscribe(id, conversation);
    }

    /// Subscribes every connection of `user` to a conversation.
    pub fn subscribe_user(&self, user: UserId, conversation: ConversationId) {
        self.local_subscribe_user(user, conversation);
        self.forward(|| Op::SubscribeUser { user, conversation });
    }

    fn local_subscribe_user(&self, user: UserId, conversation: ConversationId) {
        let mut inner = self.write();
        for id in inner.user_conns(user) {
            inner.subscribe(id, conversation);
        }
    }

    /// Stops delivering a conversation to `user`.
    pub fn unsubscribe_user(&self, user: UserId, conversation: ConversationId) {
        self.local_unsubscribe_user(user, conversation);
        self.forward(|| Op::UnsubscribeUser { user, conversation });
    }

    fn local_unsubscribe_user(&self, user: UserId, conversation: ConversationId) {
        let lagged: Vec<ConnId> = {
            let mut inner = self.write();
            let conns = inner.user_conns(user);
            for &id in &conns {
                inner.unsubscribe(id, conversation);
            }
            conns
                .into_iter()
                .filter(|id| {
                    inner.conns.get(id).is_some_and(|c| {
                        c.recipient
                            .tx
                            .try_send(Outbound::Forget(conversation))
                            .is_err()
                    })
                })
                .collect()
        };
        self.cut_off(&lagged);
    }

    /// Publishes a conversation event to the conversation's subscribers.
    pub fn publish(&self, frame: &ServerFrame) {
        self.local_publish(frame);
        self.forward(|| Op::Publish {
            frame: frame.clone(),
        });
    }

    fn local_publish(&self, frame: &ServerFrame) {
        let Some((conversation, seq)) = frame.conversation_seq() else {
            return;
        };
        let (departed, joined) = match frame {
            ServerFrame::MemberLeft { user_id, .. }
            | ServerFrame::MemberRemoved { user_id, .. } => (Some(*user_id), None),
            ServerFrame::MemberJoined { member, .. } => (None, Some(member.user.id)),
            _ => (None, None),
        };
        let item = Outbound::Event(Arc::new(Event {
            conversation,
            seq,
            text: serialize(frame),
            departed,
            joined,
            shows: Shows::of(frame),
            closes: matches!(frame, ServerFrame::LobbyDeleted { .. }),
        }));
        let lagged: Vec<ConnId> = {
            let inner = self.read();
            let Some(subscribers) = inner.by_conversation.get(&conversation) else {
                return;
            };
            subscribers
                .iter()
                .filter(|(_, r)| r.tx.try_send(item.clone()).is_err())
                .map(|(id, _)| *id)
                .collect()
        };
        self.cut_off(&lagged);
        match frame {
            // The departed user gets the event above, then nothing more of the conversation.
            ServerFrame::MemberLeft { user_id, .. }
            | ServerFrame::MemberRemoved { user_id, .. } => {
                self.local_unsubscribe_user(*user_id, conversation);
            }
            ServerFrame::LobbyDeleted { .. } => self.local_remove_conversation(conversation),
            _ => {}
        }
    }

    /// Drops every subscription to a conversation that no longer exists.
    pub fn remove_conversation(&self, conversation: ConversationId) {
        self.local_remove_conversation(conversation);
        self.forward(|| Op::RemoveConversation { conversation });
    }

    fn local_remove_conversation(&self, conversation: ConversationId) {
        let mut inner = self.write();
        if let Some(subscribers) = inner.by_conversation.remove(&conversation) {
            for id in subscribers.keys() {
                if let Some(conn) = inner.conns.get_mut(id) {
                    conn.conversations.remove(&conversation);
                }
            }
        }
    }

    /// Closes connections whose queue overflowed.
    fn cut_off(&self, lagged: &[ConnId]) {
        if lagged.is_empty() {
            return;
        }
        let mut inner = self.write();
        for id in lagged {
            if let Some(conn) = inner.conns.get(id) {
                conn.recipient.control.close(close_code::LAGGED);
            }
            // Keep the registration (presence) until the session ends, but stop delivering.
            let conversations: Vec<_> = inner
                .conns
                .get(id)
                .map(|c| c.conversations.iter().copied().collect())
                .unwrap_or_default();
            for conversation in conversations {
                inner.unsubscribe(*id, conversation);
            }
        }
    }

    /// Sends a frame to every connection of `user`, except `except`. Droppable frames
    /// (typing, presence) are skipped for a full queue; others cut it off.
    pub fn send_to_user(
        &self,
        user: UserId,
        frame: &ServerFrame,
        except: Option<ConnId>,
        droppable: bool,
    ) {
        self.local_send_to_user(user, frame, except, droppable);
        self.forward(|| Op::SendToUser {
            user,
            frame: frame.clone(),
            droppable,
        });
    }

    fn local_send_to_user(
        &self,
        user: UserId,
        frame: &ServerFrame,
        except: Option<ConnId>,
        droppable: bool,
    ) {
        let item = match CallNote::of(frame) {
            Some(note) => Outbound::Call(Arc::new((note, serialize(frame)))),
            None => Outbound::Frame(Arc::new(serialize(frame))),
        };
        let lagged: Vec<ConnId> = {
            let inner = self.read();
            inner
                .by_user
                .get(&user)
                .into_iter()
                .flatten()
                .filter(|id| Some(**id) != except)
                .filter_map(|id| inner.conns.get(id).map(|c| (*id, c)))
                .filter(|(_, c)| c.recipient.tx.try_send(item.clone()).is_err())
                .map(|(id, _)| id)
                .collect()
        };
        if !droppable {
            self.cut_off(&lagged);
        }
    }

    /// Sends a droppable frame (typing) to a conversation's subscribers other than `user`.
    pub fn send_to_conversation(
        &self,
        conversation: ConversationId,
        frame: &ServerFrame,
        except_user: UserId,
    ) {
        self.local_send_to_conversation(conversation, frame, except_user);
        self.forward(|| Op::SendToConversation {
            conversation,
            frame: frame.clone(),
            except_user,
        });
    }

    fn local_send_to_conversation(
        &self,
        conversation: ConversationId,
        frame: &ServerFrame,
        except_user: UserId,
    ) {
        let text = Arc::new(serialize(frame));
        let inner = self.read();
        if let Some(subscribers) = inner.by_conversation.get(&conversation) {
            for recipient in subscribers.values().filter(|r| r.user != except_user) {
                // Typing is ephemeral: a full queue simply misses it.
                let _ = recipient.tx.try_send(Outbound::Frame(Arc::clone(&text)));
            }
        }
    }

    /// Sends a presence change of `user` to everyone sharing a conversation with them.
    pub fn send_presence(&self, user: UserId, conversations: &[ConversationId], online: bool) {
        self.local_send_presence(user, conversations, online);
        self.forward(|| Op::Presence {
            user,
            conversations: conversations.to_vec(),
            online,
        });
    }

    fn local_send_presence(&self, user: UserId, conversations: &[ConversationId], online: bool) {
        let text = Arc::new(serialize(&ServerFrame::Presence {
            user_id: user,
            online,
        }));
        let inner = self.read();
        let mut seen = HashSet::new();
        for conversation in conversations {
            let Some(subscribers) = inner.by_conversation.get(conversation) else {
                continue;
            };
            for (id, recipient) in subscribers {
                if recipient.user != user && seen.insert(*id) {
                    let _ = recipient.tx.try_send(Outbound::Frame(Arc::clone(&text)));
                }
            }
        }
    }

    /// The online users among a conversation's subscribers.
    pub fn online_in(&self, conversation: ConversationId) -> Vec<UserId> {
        let inner = self.read();
        let mut users: Vec<UserId> = inner
            .by_conversation
            .get(&conversation)
            .map(|s| {
                s.values()
                    .map(|r| r.user)
                    .collect::<HashSet<_>>()
                    .into_iter()
                    .collect()
            })
            .unwrap_or_default();
        users.sort_unstable();
        users
    }

    /// Whether `user` has a connection open (on any node, with a bus).
    pub async fn is_online(&self, user: UserId) -> bool {
        if self.read().by_user.contains_key(&user) {
            return true;
        }
        match &self.bus {
            Some(bus) => bus
                .online_among(&[user])
                .await
                .is_ok_and(|online| !online.is_empty()),
            None => false,
        }
    }

    /// The online users among `members` of a conversation (on any node, with a bus).
    pub async fn online_among(
        &self,
        conversation: ConversationId,
        members: &[UserId],
    ) -> Vec<UserId> {
        let Some(bus) = &self.bus else {
            return self.online_in(conversation);
        };
        match bus.online_among(members).await {
            Ok(mut online) => {
                online.sort_unstable();
                online
            }
            Err(e) => {
                tracing::warn!(error = %e, "presence unavailable; counting this node only");
                self.online_in(conversation)
            }
        }
    }

    /// Closes the connections opened with any of these tokens (they were revoked).
    pub fn close_sessions(&self, sessions: &[Uuid], code: u16) {
        self.local_close_sessions(sessions, code);
        self.forward(|| Op::CloseSessions {
            sessions: sessions.to_vec(),
            code,
        });
    }

    fn local_close_sessions(&self, sessions: &[Uuid], code: u16) {
        let inner = self.read();
        for conn in inner
            .conns
            .values()
            .filter(|c| sessions.contains(&c.session))
        {
            conn.recipient.control.close(code);
        }
    }

    /// Closes every connection of `user`.
    pub fn close_user(&self, user: UserId, code: u16) {
        self.local_close_user(user, code);
        self.forward(|| Op::CloseUser { user, code });
    }

    fn local_close_user(&self, user: UserId, code: u16) {
        let inner = self.read();
        for id in inner.by_user.get(&user).into_iter().flatten() {
            if let Some(conn) = inner.conns.get(id) {
                conn.recipient.control.close(code);
            }
        }
    }

    /// Closes every connection (server shutdown).
    pub fn close_all(&self, code: u16) {
        for conn in self.read().conns.values() {
            conn.recipient.control.close(code);
        }
    }

    /// How many connections are open.
    pub fn connection_count(&self) -> usize {
        self.read().conns.len()
    }
}
