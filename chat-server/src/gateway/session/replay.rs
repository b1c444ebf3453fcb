//! Ordering and resume: `ready`, the replay of a resume, gap filling from the store, and
//! delivery of queued events in `seq` order (see the module documentation of the session).

use std::collections::HashMap;

use chat_core::v1::{ConversationId, Cursors, ServerFrame, SessionId, UserId, close_code};
use tokio_tungstenite::tungstenite::Utf8Bytes;

use super::{End, Position, Session, internal};
use crate::hub::{Outbound, Shows};
use crate::store::conversations::{ConversationKind, MemberState};

impl Session {
    /// Subscribes to the user's conversations and sends `ready`.
    pub(super) async fn greet(&mut self, first: bool) -> Result<(), End> {
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
                    stale: false,
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
            session_id: SessionId::from_uuid(crate::clock::new_id()),
            conversations,
        };
        self.send(&ready).await?;
        if first {
            state.hub.send_presence(me, &subscriptions, true);
        }
        Ok(())
    }

    /// Replays what the client missed per cursor, then sends `resumed`.
    pub(super) async fn resume(&mut self, cursors: Cursors) -> Result<(), End> {
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
    pub(super) async fn fill_covers(
        &mut self,
        conversation: ConversationId,
        seq: u64,
    ) -> Result<bool, End> {
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
    pub(super) async fn fill(&mut self, conversation: ConversationId) -> Result<(), End> {
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
            let shows = Shows::of(&frame);
            self.apply(conversation, seq, shows, Delivery::Frame(&frame))
                .await?;
        }
        Ok(())
    }

    /// Handles one event of a conversation at the connection's position: joins and
    /// departures of the user switch delivery on and off, and what lies below a chat's floor
    /// is not shown (see [`Delivery::redacted`]).
    pub(super) async fn apply(
        &mut self,
        conversation: ConversationId,
        seq: u64,
        shows: Shows,
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
        let floor = position.floor;
        let redact = !shows.visible_above(floor);
        position.seq = seq;
        if departed {
            position.member = false;
        }
        if !deliver {
            return Ok(());
        }
        match (redact, event) {
            (true, event) => match event.redacted(conversation, seq, floor) {
                Some(frame) => self.send(&frame).await,
                None => Ok(()),
            },
            (false, Delivery::Frame(frame)) => self.send(frame).await,
            (false, Delivery::Shared(event)) => self.send_text(event.text.clone()).await,
        }
    }

    /// Reads the user's membership of `conversation` again after its subscription ended
    /// and came back. A chat is theirs again when the store says so, from the point up to
    /// which they deleted it; a lobby becomes theirs again only through its `member.joined`
    /// event (replayed in order), so nothing from while they were away is delivered.
    async fn refresh(&mut self, conversation: ConversationId) -> Result<(), End> {
        let membership = self.visible_membership(conversation).await?;
        let Some(position) = self.positions.get_mut(&conversation) else {
            return Ok(());
        };
        position.stale = false;
        match membership {
            Some((kind, member)) => {
                position.floor = member.cleared_seq;
                if kind == ConversationKind::Chat {
                    position.member = true;
                }
            }
            None => position.member = false,
        }
        Ok(())
    }

    /// The user's membership of `conversation` as the store has it now, when the user
    /// belongs to it and has not deleted it (a chat); with the conversation's kind. (`&mut`:
    /// the session is `Send` but not `Sync`.)
    pub(super) async fn visible_membership(
        &mut self,
        conversation: ConversationId,
    ) -> Result<Option<(ConversationKind, MemberState)>, End> {
        let access = self
            .state
            .store
            .conversation_access(conversation, self.me())
            .await
            .map_err(internal)?;
        Ok(access.and_then(|a| Some((a.kind, a.member.filter(|m| !m.hidden)?))))
    }

    /// Delivers one queued item, keeping each conversation's events in seq order.
    pub(super) async fn deliver(&mut self, item: Outbound) -> Result<(), End> {
        let event = match item {
            Outbound::Frame(text) => return self.send_text(Utf8Bytes::clone(&text)).await,
            Outbound::Call(call) => {
                let (note, text) = &*call;
                self.note_call(note);
                return self.send_text(text.clone()).await;
            }
            Outbound::Forget(conversation) => {
                if let Some(position) = self.positions.get_mut(&conversation) {
                    position.stale = true;
                }
                return Ok(());
            }
            Outbound::Event(event) => event,
        };
        let conversation = event.conversation;
        if self.positions.get(&conversation).is_some_and(|p| p.stale) {
            self.refresh(conversation).await?;
        }
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
                match self.visible_membership(conversation).await? {
                    Some((_, member)) => {
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
                                stale: false,
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
            event.shows,
            Delivery::Shared(&event),
        )
        .await
    }
}

/// An event to deliver: a frame built for this connection (replay), or the event the hub
/// serialized once for every recipient.
#[derive(Clone, Copy)]
pub(super) enum Delivery<'a> {
    Frame(&'a ServerFrame),
    Shared(&'a crate::hub::Event),
}

impl Delivery<'_> {
    /// Whether this event starts or ends `me`'s membership.
    pub(super) fn membership(&self, me: UserId) -> (bool, bool) {
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

    /// The event as a reader with floor `floor` may see it: a message at or below the floor
    /// becomes its deletion, a quote of one shows as of a deleted message, and reactions to
    /// or pins of one are not sent at all.
    pub(super) fn redacted(
        &self,
        conversation: ConversationId,
        seq: u64,
        floor: u64,
    ) -> Option<ServerFrame> {
        let frame: ServerFrame = match self {
            Delivery::Frame(frame) => (*frame).clone(),
            Delivery::Shared(event) => serde_json::from_str(event.text.as_str()).ok()?,
        };
        match frame {
            ServerFrame::MessageCreated { message, .. }
            | ServerFrame::MessageUpdated { message, .. }
                if message.seq <= floor =>
            {
                Some(ServerFrame::MessageDeleted {
                    conversation_id: conversation,
                    seq,
                    message_id: message.id,
                    message_seq: message.seq,
                })
            }
            ServerFrame::MessageCreated {
                conversation_id,
                seq,
                mut message,
            } => {
                message.hide_quote_up_to(floor);
                Some(ServerFrame::MessageCreated {
                    conversation_id,
                    seq,
                    message,
                })
            }
            ServerFrame::MessageUpdated {
                conversation_id,
                seq,
                mut message,
            } => {
                message.hide_quote_up_to(floor);
                Some(ServerFrame::MessageUpdated {
                    conversation_id,
                    seq,
                    message,
                })
            }
            ServerFrame::ReactionAdded(_)
            | ServerFrame::ReactionRemoved(_)
            | ServerFrame::MessagePinned(_)
            | ServerFrame::MessageUnpinned(_) => None,
            other => Some(other),
        }
    }
}
