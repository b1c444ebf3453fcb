//! One conversation's timeline as a client shows it: confirmed messages in `seq` order,
//! then the local echoes of sends not yet acknowledged.
//!
//! Messages reach a client by three roads that race each other: history pages over REST
//! (newest first, keyset by message id), live events over the gateway (created, updated,
//! deleted — replayed again after a reconnect, so some come twice), and the `ack` of the
//! client's own sends. The timeline merges them so that the order they arrive in does not
//! matter:
//!
//! - messages are keyed by their message `seq`, so a duplicate replaces a message instead of
//!   doubling it, and the order is the server's whatever the arrival order;
//! - of two copies of one message the later edit wins (`edited_at`), so a page fetched before
//!   an edit but applied after it cannot undo it;
//! - a delete is final: a tombstone keeps a stale page or a replayed `message.created` from
//!   bringing the message back; and a page proves deletes too, since history has no holes
//!   but deleted messages (every seq between its oldest and newest item that it lacks);
//! - a send shows at once as a [`PendingMessage`] and gives way to the stored message when
//!   its `ack` (matched by nonce) or the message itself (matched by author and content, as
//!   the created event carries no nonce) arrives, whichever comes first;
//! - after `resync_required` the messages held may be stale in ways no event will fix, so
//!   the timeline drops them and asks for history from the newest page again; pages
//!   requested before that are ignored when they arrive.
//!
//! The read cursor and unread count start from the server's numbers in `ready` and follow
//! live events and read-cursor moves from there.

use std::collections::{BTreeMap, BTreeSet};

use chat_core::v1::{
    Author, ConversationId, ConversationState, Message, MessageContent, MessageId, MessagePage,
    Nonce, Reaction, ReactionEvent, ServerFrame, Timestamp, UserId,
};

/// A message sent but not acknowledged yet: its local echo.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingMessage {
    /// The idempotency key it was sent with.
    pub nonce: Nonce,
    /// What was sent.
    pub content: MessageContent,
    /// The resync epoch it was sent in; see [`Timeline::acknowledge`].
    epoch: u64,
}

/// One line of the timeline.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Entry<'a> {
    /// A message the server stored.
    Message(&'a Message),
    /// A send waiting for its `ack`.
    Pending(&'a PendingMessage),
}

/// A message that was deleted while it was held: its place in the timeline, without its
/// text, for clients that show "message deleted" where it was.
#[derive(Debug, Clone, PartialEq)]
pub struct DeletedMessage {
    /// Its id.
    pub id: MessageId,
    /// Its message seq.
    pub seq: u64,
    /// Who had posted it.
    pub author: Option<Author>,
    /// When it had been posted.
    pub created_at: Timestamp,
}

/// One line of the timeline, deleted messages included; see [`Timeline::items`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Item<'a> {
    /// A message the server stored.
    Message(&'a Message),
    /// A message deleted since it arrived here.
    Deleted(&'a DeletedMessage),
    /// A send waiting for its `ack`.
    Pending(&'a PendingMessage),
}

/// Where paging back through history stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistoryPosition {
    /// No page yet (or a resync dropped them): the next page is the newest one.
    Newest,
    /// Older messages remain: the next page is the one before this message.
    Before(MessageId),
    /// Every message back to the first has been paged.
    Start,
}

/// A history page the timeline asks for; hand it back to [`Timeline::apply_page`] with the
/// page the server returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HistoryRequest {
    /// The `before` cursor of the request; `None` for the newest page.
    pub before: Option<MessageId>,
    /// The message seq of `before`: the page covers every seq below it down to its oldest
    /// item, so a held message in that range the page lacks was deleted.
    before_seq: Option<u64>,
    /// The timeline's arrival clock when asked: messages that arrived before it existed when
    /// the server answered.
    asked_at: u64,
    /// Which resync the request belongs to: a page asked for before a resync is stale.
    epoch: u64,
}

/// The timeline of one conversation.
#[derive(Debug, Clone)]
pub struct Timeline {
    conversation: ConversationId,
    me: Option<UserId>,
    /// Confirmed messages by message seq.
    messages: BTreeMap<u64, Message>,
    /// When each held message first arrived, by the arrival clock.
    arrived: BTreeMap<u64, u64>,
    /// Counts arrivals of messages.
    clock: u64,
    /// Message seqs known to be deleted; a delete is final.
    deleted: BTreeSet<u64>,
    /// The messages deleted while held, as placeholders, by message seq.
    removed: BTreeMap<u64, DeletedMessage>,
    /// Local echoes, in the order they were sent.
    pending: Vec<PendingMessage>,
    history: HistoryPosition,
    /// The message seq of the [`HistoryPosition::Before`] cursor.
    history_seq: Option<u64>,
    /// Bumped by every resync; see [`HistoryRequest`].
    epoch: u64,
    read_seq: u64,
    unread: u64,
    /// Unread messages that call the user (by name, `@here`, `@everyone`).
    unread_mentions: u64,
    /// The newest message seq the unread count has counted: replayed events at or below it
    /// were counted by the server already (in `ready`) or by us.
    counted_seq: u64,
}

impl Timeline {
    /// An empty timeline of a conversation, for the user `me` (whose messages are never
    /// unread and whose sends have echoes); `None` when the user is not known yet.
    pub fn new(conversation: ConversationId, me: Option<UserId>) -> Self {
        Self {
            conversation,
            me,
            messages: BTreeMap::new(),
            arrived: BTreeMap::new(),
            clock: 0,
            deleted: BTreeSet::new(),
            removed: BTreeMap::new(),
            pending: Vec::new(),
            history: HistoryPosition::Newest,
            history_seq: None,
            epoch: 0,
            read_seq: 0,
            unread: 0,
            unread_mentions: 0,
            counted_seq: 0,
        }
    }

    /// The conversation.
    pub fn conversation_id(&self) -> ConversationId {
        self.conversation
    }

    /// Sets the signed-in user (known once `ready` arrives).
    pub fn set_user(&mut self, me: UserId) {
        self.me = Some(me);
    }

    /// Takes the server's counters from `ready`: read cursor, unread count, newest message.
    pub fn apply_state(&mut self, state: &ConversationState) {
        if state.conversation_id != self.conversation {
            return;
        }
        self.read_seq = state.read_seq;
        self.unread = state.unread_count;
        self.unread_mentions = state.unread_mention_count;
        self.counted_seq = state.last_message_seq;
    }

    /// The confirmed messages, oldest first.
    pub fn messages(&self) -> impl DoubleEndedIterator<Item = &Message> {
        self.messages.values()
    }

    /// The message with message seq `seq`, if it is held.
    pub fn get(&self, seq: u64) -> Option<&Message> {
        self.messages.get(&seq)
    }

    /// The message with this id, if it is held.
    pub fn find(&self, id: MessageId) -> Option<&Message> {
        self.messages.values().find(|m| m.id == id)
    }

    /// The sends not acknowledged yet, oldest first.
    pub fn pending(&self) -> &[PendingMessage] {
        &self.pending
    }

    /// Everything to show: confirmed messages in seq order, then the pending sends.
    pub fn entries(&self) -> impl Iterator<Item = Entry<'_>> {
        self.messages
            .values()
            .map(Entry::Message)
            .chain(self.pending.iter().map(Entry::Pending))
    }

    /// Everything to show, as [`Timeline::entries`], but with the messages deleted since they
    /// arrived here kept in their places as [`Item::Deleted`] placeholders: confirmed and
    /// deleted messages in seq order, then the pending sends. A resync drops placeholders
    /// with the messages.
    pub fn items(&self) -> impl Iterator<Item = Item<'_>> {
        let mut messages = self.messages.iter().peekable();
        let mut removed = self.removed.iter().peekable();
        std::iter::from_fn(move || match (messages.peek(), removed.peek()) {
            (Some((held, _)), Some((gone, _))) if gone < held => {
                removed.next().map(|(_, d)| Item::Deleted(d))
            }
            (Some(_), _) => messages.next().map(|(_, m)| Item::Message(m)),
            (None, _) => removed.next().map(|(_, d)| Item::Deleted(d)),
        })
        .chain(self.pending.iter().map(Item::Pending))
    }

    /// The messages deleted since they arrived here, oldest first (see [`Timeline::items`]).
    pub fn deleted_messages(&self) -> impl DoubleEndedIterator<Item = &DeletedMessage> {
        self.removed.values()
    }

    /// The newest message seq known: of the server's count in `ready`, the live events and
    /// the messages held (deleted ones included); 0 when there is none. Marking read up to
    /// it reads everything.
    pub fn newest_seq(&self) -> u64 {
        let held = self.messages.keys().next_back().copied().unwrap_or(0);
        let removed = self.removed.keys().next_back().copied().unwrap_or(0);
        self.counted_seq.max(held).max(removed)
    }

    /// The oldest message seq the history pages reach down to, while older ones remain: the
    /// held messages below it (an edit of an older message, say) do not join the rest yet,
    /// and a client may leave them out until the page that holds them arrives. `None` when
    /// every held message joins up: before the first page, and once history reaches the
    /// first message.
    pub fn paged_from(&self) -> Option<u64> {
        match self.history {
            HistoryPosition::Before(_) => self.history_seq,
            HistoryPosition::Newest | HistoryPosition::Start => None,
        }
    }

    /// The number of confirmed messages held.
    pub fn len(&self) -> usize {
        self.messages.len()
    }

    /// Whether no confirmed message is held.
    pub fn is_empty(&self) -> bool {
        self.messages.is_empty()
    }

    /// The newest confirmed message.
    pub fn newest(&self) -> Option<&Message> {
        self.messages.values().next_back()
    }

    /// The oldest confirmed message held.
    pub fn oldest(&self) -> Option<&Message> {
        self.messages.values().next()
    }

    /// The read cursor: the message seq read up to.
    pub fn read_seq(&self) -> u64 {
        self.read_seq
    }

    /// Unread messages from others.
    pub fn unread_count(&self) -> u64 {
        self.unread
    }

    /// The unread messages that call the user: the server's count from `ready`, then kept by
    /// the events (an edit that adds or removes a name is counted at the next `ready`).
    pub fn unread_mention_count(&self) -> u64 {
        self.unread_mentions
    }

    /// Where paging back through history stands.
    pub fn history(&self) -> HistoryPosition {
        self.history
    }

    /// The next history page to ask for (`GET …/messages?before=…`), or `None` once history
    /// is paged back to the first message.
    pub fn history_request(&self) -> Option<HistoryRequest> {
        let before = match self.history {
            HistoryPosition::Newest => None,
            HistoryPosition::Before(id) => Some(id),
            HistoryPosition::Start => return None,
        };
        Some(HistoryRequest {
            before,
            before_seq: before.and(self.history_seq),
            asked_at: self.clock,
            epoch: self.epoch,
        })
    }

    /// Merges a history page (newest first, as `before` paging returns it) that answers
    /// `request`. Returns whether anything shown changed. A page of a request made before
    /// the last resync is ignored.
    pub fn apply_page(&mut self, request: HistoryRequest, page: &MessagePage) -> bool {
        if request.epoch != self.epoch {
            return false;
        }
        let mut changed = false;
        let mut seqs = BTreeSet::new();
        let conversation = self.conversation;
        for message in page
            .items
            .iter()
            .filter(|m| m.conversation_id == conversation)
        {
            seqs.insert(message.seq);
            changed |= self.upsert(message, true);
        }
        // History has no holes but deleted messages: a seq inside the range the page covers
        // that the page lacks was deleted, whether held here or not (an `ack` may bring it
        // later). The range runs from the `before` cursor (or the newest item) down to the
        // oldest item, or to the first message when the page reaches the start.
        let lower = match page.next_cursor {
            None => Some(1),
            Some(_) => seqs.first().copied(),
        };
        let upper = request
            .before_seq
            .or_else(|| seqs.last().map(|newest| newest + 1));
        let mut gone: Vec<u64> = match (lower, upper) {
            (Some(lower), Some(upper)) => (lower..upper).filter(|s| !seqs.contains(s)).collect(),
            _ => Vec::new(),
        };
        // The newest page also covers everything above it, but only of the messages that
        // existed when it was asked for: those that had arrived here before.
        if request.before.is_none() {
            let newest = seqs.last().copied().unwrap_or(0);
            gone.extend(
                self.arrived
                    .range(newest + 1..)
                    .filter(|(_, arrived)| **arrived <= request.asked_at)
                    .map(|(seq, _)| *seq),
            );
        }
        for seq in gone {
            changed |= self.delete(seq);
        }
        (self.history, self.history_seq) = match page.next_cursor {
            Some(id) => (
                HistoryPosition::Before(id),
                page.items.iter().find(|m| m.id == id).map(|m| m.seq),
            ),
            None => (HistoryPosition::Start, None),
        };
        changed
    }

    /// Applies a server frame; frames of other conversations and frames that do not touch
    /// a timeline are ignored. Returns whether anything shown changed.
    pub fn apply_frame(&mut self, frame: &ServerFrame) -> bool {
        match frame {
            ServerFrame::MessageCreated {
                conversation_id,
                message,
                ..
            } if *conversation_id == self.conversation => {
                if message.seq > self.counted_seq {
                    self.counted_seq = message.seq;
                    if message.seq > self.read_seq
                        && !self.is_mine(message)
                        && !self.deleted.contains(&message.seq)
                    {
                        self.unread += 1;
                        if self.calls_me(message) {
                            self.unread_mentions += 1;
                        }
                    }
                }
                self.upsert_event(message)
            }
            ServerFrame::MessageUpdated {
                conversation_id,
                message,
                ..
            } if *conversation_id == self.conversation => self.upsert_event(message),
            ServerFrame::ReactionAdded(event) | ServerFrame::ReactionRemoved(event)
                if event.conversation_id == self.conversation =>
            {
                let added = matches!(frame, ServerFrame::ReactionAdded(_));
                self.apply_reaction(event, added)
            }
            ServerFrame::MessagePinned(event) | ServerFrame::MessageUnpinned(event)
                if event.conversation_id == self.conversation =>
            {
                let pinned_at = matches!(frame, ServerFrame::MessagePinned(_)).then_some(event.at);
                match self
                    .messages
                    .values_mut()
                    .find(|m| m.id == event.message_id)
                {
                    Some(message) if message.pinned_at != pinned_at => {
                        message.pinned_at = pinned_at;
                        true
                    }
                    _ => false,
                }
            }
            ServerFrame::MessageDeleted {
                conversation_id,
                message_seq,
                ..
            } if *conversation_id == self.conversation => self.delete(*message_seq),
            ServerFrame::Read {
                conversation_id,
                seq,
            } if *conversation_id == self.conversation => self.mark_read(*seq),
            ServerFrame::ResyncRequired { conversation_id }
                if *conversation_id == self.conversation =>
            {
                self.resync();
                true
            }
            ServerFrame::LobbyDeleted {
                conversation_id, ..
            } if *conversation_id == self.conversation => {
                // Deleted with all its messages.
                let changed = !self.messages.is_empty() || !self.pending.is_empty();
                self.deleted.extend(self.messages.keys().copied());
                self.messages.clear();
                self.removed.clear();
                self.arrived.clear();
                self.pending.clear();
                self.history = HistoryPosition::Start;
                self.unread = 0;
                self.unread_mentions = 0;
                changed
            }
            _ => false,
        }
    }

    /// Shows a send at once, before its `ack`.
    pub fn push_pending(&mut self, nonce: Nonce, content: MessageContent) {
        self.pending.push(PendingMessage {
            nonce,
            content,
            epoch: self.epoch,
        });
    }

    /// The `ack` of a send: its echo gives way to the stored message.
    ///
    /// Only an echo still waiting is replaced. Without one the message arrived already (its
    /// event took the echo) or its send is not ours to show; and when a resync came between
    /// the send and its `ack`, the message may have been deleted since in events no one will
    /// replay, so it is left to the history pages and live events, which show it if it
    /// still exists.
    pub fn acknowledge(&mut self, nonce: &Nonce, message: &Message) -> bool {
        match self.remove_pending(nonce) {
            // Matched by nonce already: matching by content could take another send's echo.
            Some(echo) if echo.epoch == self.epoch => {
                self.upsert(message, false);
                true
            }
            Some(_) => true,
            None => false,
        }
    }

    /// A send failed for good: its echo goes (and is returned, to offer a retry).
    pub fn remove_pending(&mut self, nonce: &Nonce) -> Option<PendingMessage> {
        let index = self.pending.iter().position(|p| &p.nonce == nonce)?;
        Some(self.pending.remove(index))
    }

    /// Moves the read cursor forward to message seq `seq` (it never moves back). Returns
    /// whether it moved.
    pub fn mark_read(&mut self, seq: u64) -> bool {
        if seq <= self.read_seq {
            return false;
        }
        if seq >= self.counted_seq {
            self.unread = 0;
            self.unread_mentions = 0;
        } else {
            let (mut read, mut calls) = (0u64, 0u64);
            for (_, message) in self.messages.range(self.read_seq + 1..=seq) {
                if !self.is_mine(message) {
                    read += 1;
                    calls += u64::from(self.calls_me(message));
                }
            }
            self.unread = self.unread.saturating_sub(read);
            self.unread_mentions = self.unread_mentions.saturating_sub(calls);
        }
        self.read_seq = seq;
        true
    }

    /// Our place was lost (`resync_required`): what is held may miss edits and deletes no
    /// event will bring, so it goes, and history is paged again from the newest page. Sends
    /// still pending stay.
    pub fn resync(&mut self) {
        self.messages.clear();
        self.removed.clear();
        self.arrived.clear();
        self.history = HistoryPosition::Newest;
        self.history_seq = None;
        self.epoch += 1;
    }

    /// Whether `message` calls the user (see [`Message::mentions_user`]); never before the
    /// user is known.
    pub fn calls_me(&self, message: &Message) -> bool {
        self.me.is_some_and(|me| message.mentions_user(me))
    }

    fn is_mine(&self, message: &Message) -> bool {
        self.me.is_some() && message.author.as_ref().map(|a| a.id) == self.me
    }

    /// A message from an event: events carry no reactions (reaction events keep them), so a
    /// held copy's reactions stay.
    fn upsert_event(&mut self, message: &Message) -> bool {
        match self.messages.get(&message.seq) {
            Some(held) if !held.reactions.is_empty() => {
                let mut message = message.clone();
                message.reactions.clone_from(&held.reactions);
                self.upsert(&message, true)
            }
            _ => self.upsert(message, true),
        }
    }

    /// A reaction event: the emoji's count becomes the event's (so applying one twice, or
    /// after a page that already counted it, changes nothing); a new emoji goes last.
    fn apply_reaction(&mut self, event: &ReactionEvent, added: bool) -> bool {
        let mine = self.me == Some(event.user_id);
        let Some(message) = self
            .messages
            .values_mut()
            .find(|m| m.id == event.message_id)
        else {
            return false;
        };
        let before = message.reactions.clone();
        match message
            .reactions
            .iter()
            .position(|r| r.emoji == event.emoji)
        {
            Some(i) if event.count == 0 => {
                message.reactions.remove(i);
            }
            Some(i) => {
                let reaction = &mut message.reactions[i];
                reaction.count = event.count;
                if mine {
                    reaction.me = added;
                }
            }
            None if event.count > 0 => message.reactions.push(Reaction {
                emoji: event.emoji.clone(),
                count: event.count,
                me: mine && added,
            }),
            None => {}
        }
        message.reactions != before
    }

    /// Inserts a message or a newer copy of one; `match_echo`: a message of ours that is new
    /// here replaces the oldest echo with the same content.
    fn upsert(&mut self, message: &Message, match_echo: bool) -> bool {
        if message.conversation_id != self.conversation || self.deleted.contains(&message.seq) {
            return false;
        }
        match self.messages.get(&message.seq) {
            // An older (or the same) copy: an edit that already arrived must stay.
            Some(held) if held.edited_at > message.edited_at || held == message => false,
            Some(_) => {
                self.messages.insert(message.seq, message.clone());
                true
            }
            None => {
                if match_echo
                    && self.is_mine(message)
                    && let Some(index) = self
                        .pending
                        .iter()
                        .position(|p| p.content == message.content)
                {
                    self.pending.remove(index);
                }
                self.clock += 1;
                self.arrived.insert(message.seq, self.clock);
                self.messages.insert(message.seq, message.clone());
                true
            }
        }
    }

    fn delete(&mut self, seq: u64) -> bool {
        self.deleted.insert(seq);
        self.arrived.remove(&seq);
        match self.messages.remove(&seq) {
            Some(message) => {
                if seq > self.read_seq && seq <= self.counted_seq && !self.is_mine(&message) {
                    self.unread = self.unread.saturating_sub(1);
                    if self.calls_me(&message) {
                        self.unread_mentions = self.unread_mentions.saturating_sub(1);
                    }
                }
                self.removed.insert(
                    seq,
                    DeletedMessage {
                        id: message.id,
                        seq,
                        author: message.author,
                        created_at: message.created_at,
                    },
                );
                true
            }
            None => false,
        }
    }
}

#[cfg(test)]
mod tests;
