//! Tests of the timeline: examples of each rule, then a property test that plays a server
//! and a flaky connection against it.

use super::*;
use crate::resume::{Tracker, Verdict};
use chat_core::v1::{Author, ConversationKind, DisplayName, Timestamp, Username};
use proptest::prelude::*;

fn uuid(n: u128) -> String {
    format!("00000000-0000-7000-8000-{n:012x}")
}

fn conversation() -> ConversationId {
    uuid(0xc0).parse().expect("a conversation id")
}

fn other_conversation() -> ConversationId {
    uuid(0xc1).parse().expect("a conversation id")
}

fn user(n: u128) -> UserId {
    uuid(n).parse().expect("a user id")
}

fn me() -> UserId {
    user(1)
}

fn at(tick: i64) -> Timestamp {
    Timestamp::from_unix_millis(1_700_000_000_000 + tick).expect("a timestamp")
}

fn content(text: &str) -> MessageContent {
    MessageContent::parse(text).expect("content")
}

fn nonce(n: u64) -> Nonce {
    Nonce::new(format!("nonce-{n}")).expect("a nonce")
}

fn message(seq: u64, author: UserId, text: &str) -> Message {
    Message {
        id: uuid(0x1000 + u128::from(seq))
            .parse()
            .expect("a message id"),
        conversation_id: conversation(),
        seq,
        author: Some(Author {
            id: author,
            username: Username::parse(&format!("user{}", author.as_uuid().as_u128() & 0xff))
                .expect("a username"),
            display_name: DisplayName::parse("Someone").expect("a display name"),
        }),
        content: content(text),
        created_at: at(i64::try_from(seq).expect("small")),
        edited_at: None,
        reply_to: None,
        reactions: Vec::new(),
        pinned_at: None,
        mentions: Vec::new(),
        broadcast: None,
    }
}

fn edited(mut m: Message, text: &str, tick: i64) -> Message {
    m.content = content(text);
    m.edited_at = Some(at(tick));
    m
}

fn created(event: u64, message: &Message) -> ServerFrame {
    ServerFrame::MessageCreated {
        conversation_id: message.conversation_id,
        seq: event,
        message: message.clone(),
    }
}

fn updated(event: u64, message: &Message) -> ServerFrame {
    ServerFrame::MessageUpdated {
        conversation_id: message.conversation_id,
        seq: event,
        message: message.clone(),
    }
}

fn deleted(event: u64, message: &Message) -> ServerFrame {
    ServerFrame::MessageDeleted {
        conversation_id: message.conversation_id,
        seq: event,
        message_id: message.id,
        message_seq: message.seq,
    }
}

fn seqs(timeline: &Timeline) -> Vec<u64> {
    timeline.messages().map(|m| m.seq).collect()
}

fn page(items: &[&Message], next: Option<&Message>) -> MessagePage {
    MessagePage {
        items: items.iter().map(|m| (*m).clone()).collect(),
        next_cursor: next.map(|m| m.id),
    }
}

fn state(read_seq: u64, last_message_seq: u64, unread_count: u64) -> ConversationState {
    ConversationState {
        conversation_id: conversation(),
        kind: ConversationKind::Lobby,
        seq: last_message_seq,
        last_message_seq,
        read_seq,
        unread_count,
        unread_mention_count: 0,
        online: Vec::new(),
    }
}

#[test]
fn pages_and_live_events_merge_in_seq_order_without_doubles() {
    let mut timeline = Timeline::new(conversation(), Some(me()));
    let (m1, m2, m3, m4) = (
        message(1, user(2), "one"),
        message(2, user(2), "two"),
        message(3, user(2), "three"),
        message(4, user(2), "four"),
    );
    assert!(timeline.apply_frame(&created(10, &m4)));
    assert!(!timeline.apply_frame(&created(10, &m4)));
    let request = timeline.history_request().expect("the newest page");
    assert_eq!(request.before, None);
    assert!(timeline.apply_page(request, &page(&[&m4, &m3], Some(&m3))));
    assert_eq!(timeline.history(), HistoryPosition::Before(m3.id));
    let request = timeline.history_request().expect("an older page");
    assert_eq!(request.before, Some(m3.id));
    timeline.apply_page(request, &page(&[&m2, &m1], None));
    assert_eq!(seqs(&timeline), vec![1, 2, 3, 4]);
    assert_eq!(timeline.history_request(), None);
    // Another conversation's events are not ours.
    let mut elsewhere = message(5, user(2), "elsewhere");
    elsewhere.conversation_id = other_conversation();
    assert!(!timeline.apply_frame(&created(11, &elsewhere)));
    assert_eq!(timeline.len(), 4);
}

fn reaction(
    event: u64,
    message: &Message,
    who: UserId,
    emoji: &str,
    count: u32,
    added: bool,
) -> ServerFrame {
    let event = ReactionEvent {
        conversation_id: message.conversation_id,
        seq: event,
        message_id: message.id,
        message_seq: message.seq,
        user_id: who,
        emoji: chat_core::v1::Emoji::parse(emoji).expect("an emoji"),
        count,
    };
    if added {
        ServerFrame::ReactionAdded(event)
    } else {
        ServerFrame::ReactionRemoved(event)
    }
}

fn reactions(timeline: &Timeline, seq: u64) -> Vec<(String, u32, bool)> {
    timeline
        .get(seq)
        .expect("held")
        .reactions
        .iter()
        .map(|r| (r.emoji.as_str().to_owned(), r.count, r.me))
        .collect()
}

#[test]
fn reaction_events_set_counts_idempotently_and_survive_edits() {
    let mut timeline = Timeline::new(conversation(), Some(me()));
    let m1 = message(1, user(2), "one");
    assert!(timeline.apply_frame(&created(1, &m1)));
    assert!(timeline.apply_frame(&reaction(2, &m1, user(2), "👍", 1, true)));
    assert!(timeline.apply_frame(&reaction(3, &m1, me(), "👍", 2, true)));
    // The same event again (a page raced it, a replay repeated it): no change.
    assert!(!timeline.apply_frame(&reaction(3, &m1, me(), "👍", 2, true)));
    assert!(timeline.apply_frame(&reaction(4, &m1, user(3), "🎉", 1, true)));
    assert_eq!(
        reactions(&timeline, 1),
        [("👍".to_owned(), 2, true), ("🎉".to_owned(), 1, false)]
    );
    // An edit's event carries no reactions; the held ones stay.
    assert!(timeline.apply_frame(&updated(5, &edited(m1.clone(), "one!", 100))));
    assert_eq!(reactions(&timeline, 1).len(), 2);
    assert!(timeline.apply_frame(&reaction(6, &m1, me(), "👍", 1, false)));
    assert!(timeline.apply_frame(&reaction(7, &m1, user(3), "🎉", 0, false)));
    assert_eq!(reactions(&timeline, 1), [("👍".to_owned(), 1, false)]);
    // Events of messages not held change nothing.
    let m9 = message(9, user(2), "nine");
    assert!(!timeline.apply_frame(&reaction(8, &m9, me(), "👍", 1, true)));
}

#[test]
fn pin_events_set_and_clear_the_pin() {
    let mut timeline = Timeline::new(conversation(), Some(me()));
    let m1 = message(1, user(2), "one");
    timeline.apply_frame(&created(1, &m1));
    let pin = |seq, pinned| {
        let event = chat_core::v1::PinEvent {
            conversation_id: conversation(),
            seq,
            message_id: m1.id,
            message_seq: m1.seq,
            user_id: user(2),
            at: at(50),
        };
        if pinned {
            ServerFrame::MessagePinned(event)
        } else {
            ServerFrame::MessageUnpinned(event)
        }
    };
    assert!(timeline.apply_frame(&pin(2, true)));
    assert!(!timeline.apply_frame(&pin(2, true)));
    assert_eq!(timeline.get(1).expect("held").pinned_at, Some(at(50)));
    assert!(timeline.apply_frame(&pin(3, false)));
    assert_eq!(timeline.get(1).expect("held").pinned_at, None);
}

#[test]
fn a_stale_copy_never_undoes_an_edit_or_a_delete() {
    let mut timeline = Timeline::new(conversation(), Some(me()));
    let m1 = message(1, user(2), "one");
    let m2 = message(2, user(2), "two");
    let stale = page(&[&m2, &m1], None);
    let request = timeline.history_request().expect("a request");
    assert!(timeline.apply_frame(&updated(5, &edited(m1.clone(), "one!", 100))));
    // Not held yet: nothing shown changes, but the delete is remembered.
    assert!(!timeline.apply_frame(&deleted(6, &m2)));
    // The page was fetched before the edit and the delete and arrives after them.
    timeline.apply_page(request, &stale);
    assert_eq!(seqs(&timeline), vec![1]);
    assert_eq!(timeline.get(1).map(|m| m.content.as_str()), Some("one!"));
    // A replayed create after the delete does not bring the message back either.
    assert!(!timeline.apply_frame(&created(4, &m2)));
    assert_eq!(seqs(&timeline), vec![1]);
}

#[test]
fn a_page_proves_the_deletes_inside_its_range() {
    let mut timeline = Timeline::new(conversation(), Some(me()));
    let (m1, m2, m3) = (
        message(1, user(2), "one"),
        message(2, user(2), "two"),
        message(3, user(2), "three"),
    );
    for (event, m) in [(1, &m1), (2, &m2), (3, &m3)] {
        timeline.apply_frame(&created(event, m));
    }
    let request = timeline.history_request().expect("a request");
    // Message 2 was deleted while we were away (and its event was lost to a resync).
    timeline.apply_page(request, &page(&[&m3, &m1], None));
    assert_eq!(seqs(&timeline), vec![1, 3]);
}

#[test]
fn an_echo_gives_way_to_its_ack_or_to_the_created_event_whichever_is_first() {
    let mut timeline = Timeline::new(conversation(), Some(me()));
    timeline.push_pending(nonce(1), content("hi"));
    timeline.push_pending(nonce(2), content("hi"));
    assert_eq!(timeline.entries().count(), 2);
    let first = message(1, me(), "hi");
    let second = message(2, me(), "hi");
    // The ack of the first comes before its event: the event must not take the second echo.
    assert!(timeline.acknowledge(&nonce(1), &first));
    assert!(!timeline.apply_frame(&created(1, &first)));
    assert_eq!(timeline.pending().len(), 1);
    // The event of the second comes before its ack.
    assert!(timeline.apply_frame(&created(2, &second)));
    assert!(timeline.pending().is_empty());
    assert!(!timeline.acknowledge(&nonce(2), &second));
    let entries: Vec<_> = timeline.entries().collect();
    assert_eq!(
        entries,
        vec![Entry::Message(&first), Entry::Message(&second)]
    );
}

#[test]
fn a_failed_send_removes_its_echo() {
    let mut timeline = Timeline::new(conversation(), Some(me()));
    timeline.push_pending(nonce(1), content("lost"));
    let removed = timeline.remove_pending(&nonce(1)).expect("the echo");
    assert_eq!(removed.content.as_str(), "lost");
    assert_eq!(timeline.entries().count(), 0);
}

#[test]
fn unread_counts_follow_live_messages_deletes_and_the_read_cursor() {
    let mut timeline = Timeline::new(conversation(), Some(me()));
    timeline.apply_state(&state(2, 3, 1));
    assert_eq!((timeline.read_seq(), timeline.unread_count()), (2, 1));
    // A replay of message 3 was counted by the server already.
    timeline.apply_frame(&created(3, &message(3, user(2), "three")));
    assert_eq!(timeline.unread_count(), 1);
    timeline.apply_frame(&created(4, &message(4, user(2), "four")));
    timeline.apply_frame(&created(5, &message(5, me(), "mine")));
    timeline.apply_frame(&created(6, &message(6, user(3), "six")));
    assert_eq!(timeline.unread_count(), 3);
    timeline.apply_frame(&deleted(7, &message(6, user(3), "six")));
    assert_eq!(timeline.unread_count(), 2);
    assert!(timeline.mark_read(3));
    assert_eq!(timeline.unread_count(), 1);
    assert!(!timeline.mark_read(2));
    timeline.apply_frame(&ServerFrame::Read {
        conversation_id: conversation(),
        seq: 6,
    });
    assert_eq!((timeline.read_seq(), timeline.unread_count()), (6, 0));
}

#[test]
fn unread_mentions_count_messages_that_call_me_until_read() {
    let mut timeline = Timeline::new(conversation(), Some(me()));
    let mut ready = state(1, 2, 1);
    ready.unread_mention_count = 1;
    timeline.apply_state(&ready);
    assert_eq!(timeline.unread_mention_count(), 1);
    let mut named = message(3, user(2), "@me look");
    named.mentions = vec![me()];
    let mut here = message(4, user(3), "@here");
    here.broadcast = Some(chat_core::v1::Broadcast::Here);
    // My own broadcast does not call me; a message naming others does not either.
    let mut own = message(5, me(), "@here mine");
    own.broadcast = Some(chat_core::v1::Broadcast::Here);
    let mut others = message(6, user(2), "@x");
    others.mentions = vec![user(3)];
    for (event, m) in (10..).zip([&named, &here, &own, &others]) {
        timeline.apply_frame(&created(event, m));
    }
    assert_eq!(timeline.unread_mention_count(), 3);
    timeline.apply_frame(&deleted(20, &here));
    assert_eq!(timeline.unread_mention_count(), 2);
    assert!(timeline.mark_read(3));
    assert_eq!(timeline.unread_mention_count(), 1);
    assert!(timeline.mark_read(6));
    assert_eq!(timeline.unread_mention_count(), 0);
}

#[test]
fn a_resync_drops_what_is_held_and_ignores_pages_asked_for_before_it() {
    let mut timeline = Timeline::new(conversation(), Some(me()));
    let m1 = message(1, user(2), "one");
    timeline.apply_frame(&created(1, &m1));
    timeline.push_pending(nonce(1), content("waiting"));
    let before = timeline.history_request().expect("a request");
    timeline.apply_frame(&ServerFrame::ResyncRequired {
        conversation_id: conversation(),
    });
    assert!(timeline.is_empty());
    assert_eq!(timeline.pending().len(), 1);
    assert!(!timeline.apply_page(before, &page(&[&m1], None)));
    let after = timeline.history_request().expect("a request");
    assert_eq!(after.before, None);
    assert!(timeline.apply_page(after, &page(&[&m1], None)));
    assert_eq!(seqs(&timeline), vec![1]);
}

#[test]
fn deleted_messages_keep_their_place_as_placeholders_until_a_resync() {
    let mut timeline = Timeline::new(conversation(), Some(me()));
    let (m1, m2, m3) = (
        message(1, user(2), "one"),
        message(2, user(2), "two"),
        message(3, user(2), "three"),
    );
    for (event, m) in [(1, &m1), (2, &m2), (3, &m3)] {
        timeline.apply_frame(&created(event, m));
    }
    timeline.push_pending(nonce(1), content("waiting"));
    assert!(timeline.apply_frame(&deleted(4, &m2)));
    // A delete of a message never held leaves no placeholder.
    assert!(!timeline.apply_frame(&deleted(5, &message(7, user(2), "seven"))));
    let placeholder = DeletedMessage {
        id: m2.id,
        seq: 2,
        author: m2.author.clone(),
        created_at: m2.created_at,
    };
    let items: Vec<_> = timeline.items().collect();
    assert_eq!(
        items,
        vec![
            Item::Message(&m1),
            Item::Deleted(&placeholder),
            Item::Message(&m3),
            Item::Pending(&timeline.pending()[0]),
        ]
    );
    assert_eq!(
        timeline.deleted_messages().collect::<Vec<_>>(),
        vec![&placeholder]
    );
    // Not a message any more: the other views leave it out, and it never comes back.
    assert_eq!(seqs(&timeline), vec![1, 3]);
    assert!(!timeline.apply_frame(&created(2, &m2)));
    timeline.resync();
    assert_eq!(timeline.items().count(), 1, "the pending send stays");
    assert_eq!(timeline.deleted_messages().count(), 0);
}

#[test]
fn the_newest_seq_counts_the_server_the_events_and_the_held_messages() {
    let mut timeline = Timeline::new(conversation(), Some(me()));
    assert_eq!(timeline.newest_seq(), 0);
    timeline.apply_state(&state(2, 3, 1));
    assert_eq!(timeline.newest_seq(), 3);
    // A page may bring messages newer than `ready` knew of.
    let request = timeline.history_request().expect("a request");
    let (m4, m5) = (message(4, user(2), "four"), message(5, user(2), "five"));
    timeline.apply_page(request, &page(&[&m5, &m4], Some(&m4)));
    assert_eq!(timeline.newest_seq(), 5);
    // A deleted newest message still counts: it was posted.
    timeline.apply_frame(&deleted(9, &m5));
    assert_eq!(timeline.newest_seq(), 5);
    assert!(timeline.mark_read(timeline.newest_seq()));
    assert_eq!(timeline.unread_count(), 0);
}

#[test]
fn paged_from_is_where_the_pages_reach_while_older_history_remains() {
    let mut timeline = Timeline::new(conversation(), Some(me()));
    let m: Vec<Message> = (1..=6).map(|s| message(s, user(2), "text")).collect();
    assert_eq!(timeline.paged_from(), None);
    let request = timeline.history_request().expect("a request");
    timeline.apply_page(request, &page(&[&m[5], &m[4]], Some(&m[4])));
    assert_eq!(timeline.paged_from(), Some(5));
    // An edit of an older message is held, below where the pages reach.
    timeline.apply_frame(&updated(7, &edited(m[1].clone(), "two!", 50)));
    assert_eq!(seqs(&timeline), vec![2, 5, 6]);
    assert_eq!(timeline.paged_from(), Some(5));
    let request = timeline.history_request().expect("a request");
    timeline.apply_page(request, &page(&[&m[3], &m[2]], Some(&m[2])));
    assert_eq!(timeline.paged_from(), Some(3));
    let request = timeline.history_request().expect("a request");
    timeline.apply_page(request, &page(&[&m[1], &m[0]], None));
    assert_eq!(timeline.paged_from(), None);
    assert_eq!(seqs(&timeline), vec![1, 2, 3, 4, 5, 6]);
    assert_eq!(timeline.get(2).map(|m| m.content.as_str()), Some("two!"));
}

#[test]
fn a_deleted_lobby_takes_its_messages_along() {
    let mut timeline = Timeline::new(conversation(), Some(me()));
    timeline.apply_frame(&created(1, &message(1, user(2), "one")));
    assert!(timeline.apply_frame(&ServerFrame::LobbyDeleted {
        conversation_id: conversation(),
        seq: 2,
    }));
    assert!(timeline.is_empty());
    assert_eq!(timeline.history_request(), None);
}

// --- The property test: a server, a flaky connection and a client. -------------------------

/// The longest replay the simulated server grants; a larger gap gets `resync_required`.
const MAX_GAP: usize = 12;

/// What happens next.
#[derive(Debug, Clone)]
enum Step {
    /// Someone else posts.
    Post,
    /// The client sends (echo now, ack later).
    Send,
    /// A message is edited (index into the live messages).
    Edit(usize),
    /// A message is deleted.
    Delete(usize),
    /// The connection delivers up to this many frames.
    Deliver(usize),
    /// The connection delivers an old frame again (index back from the newest delivered).
    Duplicate(usize),
    /// The connection loses this many frames (a gap).
    Lose(usize),
    /// The connection drops.
    Disconnect,
    /// The client reconnects and resumes.
    Reconnect,
    /// An `ack` arrives (index into the waiting ones).
    Ack(usize),
    /// The client asks for a history page of this size.
    Fetch(usize),
    /// A page answer arrives (index into the waiting ones).
    Answer(usize),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => Just(Step::Post),
        2 => Just(Step::Send),
        1 => any::<usize>().prop_map(Step::Edit),
        1 => any::<usize>().prop_map(Step::Delete),
        4 => (1..6usize).prop_map(Step::Deliver),
        1 => (0..8usize).prop_map(Step::Duplicate),
        1 => (1..4usize).prop_map(Step::Lose),
        1 => Just(Step::Disconnect),
        1 => Just(Step::Reconnect),
        1 => any::<usize>().prop_map(Step::Ack),
        1 => (1..5usize).prop_map(Step::Fetch),
        1 => any::<usize>().prop_map(Step::Answer),
    ]
}

#[derive(Default)]
struct Server {
    /// Every version each message had, by seq; the last is current.
    versions: BTreeMap<u64, Vec<Message>>,
    deleted: BTreeSet<u64>,
    /// The conversation's events: event seq `n` is `log[n - 1]`.
    log: Vec<ServerFrame>,
    clock: i64,
}

impl Server {
    fn post(&mut self, author: UserId, text: &str) -> Message {
        self.clock += 1;
        let seq = self.versions.len() as u64 + 1;
        let mut m = message(seq, author, text);
        m.created_at = at(self.clock);
        self.versions.insert(seq, vec![m.clone()]);
        self.log.push(created(self.log.len() as u64 + 1, &m));
        m
    }

    fn live(&self) -> Vec<u64> {
        self.versions
            .keys()
            .copied()
            .filter(|seq| !self.deleted.contains(seq))
            .collect()
    }

    fn current(&self, seq: u64) -> Option<&Message> {
        self.versions.get(&seq).and_then(|v| v.last())
    }

    fn edit(&mut self, pick: usize) {
        let live = self.live();
        let Some(&seq) = live.get(pick % live.len().max(1)) else {
            return;
        };
        self.clock += 1;
        let Some(current) = self.current(seq).cloned() else {
            return;
        };
        let m = edited(current, &format!("edit {}", self.clock), self.clock);
        self.versions.entry(seq).or_default().push(m.clone());
        self.log.push(updated(self.log.len() as u64 + 1, &m));
    }

    fn delete(&mut self, pick: usize) {
        let live = self.live();
        let Some(&seq) = live.get(pick % live.len().max(1)) else {
            return;
        };
        let Some(current) = self.current(seq).cloned() else {
            return;
        };
        self.deleted.insert(seq);
        self.log.push(deleted(self.log.len() as u64 + 1, &current));
    }

    /// `GET …/messages?before=…&limit=…`: newest first.
    fn page(&self, before: Option<MessageId>, limit: usize) -> MessagePage {
        let below = match before {
            None => u64::MAX,
            Some(id) => self
                .versions
                .values()
                .filter_map(|v| v.first())
                .find(|m| m.id == id)
                .map_or(0, |m| m.seq),
        };
        let older: Vec<&Message> = self
            .live()
            .into_iter()
            .rev()
            .filter(|seq| *seq < below)
            .filter_map(|seq| self.current(seq))
            .collect();
        let items: Vec<Message> = older.iter().take(limit).map(|m| (*m).clone()).collect();
        let next_cursor = if older.len() > limit {
            items.last().map(|m| m.id)
        } else {
            None
        };
        MessagePage { items, next_cursor }
    }

    fn state(&self) -> ConversationState {
        state(0, self.versions.len() as u64, 0)
    }
}

struct Client {
    tracker: Tracker,
    timeline: Timeline,
    /// Whether a connection is up, and the index into the log of its next frame.
    connection: Option<usize>,
    /// Frames the server sends first on the current connection (`resync_required`).
    first: Vec<ServerFrame>,
    /// Whether a connection reached `ready` once: history is asked for only after that,
    /// as a client must (a page fetched earlier can miss what happens before `ready`).
    started: bool,
    sent: u64,
    acks: Vec<(Nonce, Message)>,
    acked: BTreeSet<Nonce>,
    answers: Vec<(HistoryRequest, MessagePage)>,
}

impl Client {
    fn new() -> Self {
        Self {
            tracker: Tracker::new(),
            timeline: Timeline::new(conversation(), Some(me())),
            connection: None,
            first: Vec::new(),
            started: false,
            sent: 0,
            acks: Vec::new(),
            acked: BTreeSet::new(),
            answers: Vec::new(),
        }
    }

    fn connect(&mut self, server: &Server) {
        let ready = self.tracker.on_ready(me(), &[server.state()]);
        for _ in ready.resync {
            self.timeline.resync();
        }
        self.first.clear();
        let position = match ready.resume.get(&conversation()) {
            Some(&cursor) if server.log.len() - cursor as usize > MAX_GAP => {
                self.first.push(ServerFrame::ResyncRequired {
                    conversation_id: conversation(),
                });
                server.log.len()
            }
            Some(&cursor) => cursor as usize,
            None => server.log.len(),
        };
        self.connection = Some(position);
        self.started = true;
    }

    /// Passes a frame through the tracker into the timeline, as the gateways do.
    fn receive(&mut self, frame: &ServerFrame, server: &Server) {
        match self.tracker.on_frame(frame) {
            Verdict::Deliver => {
                self.timeline.apply_frame(frame);
            }
            Verdict::Skip => {}
            Verdict::Gap { .. } => self.connect(server),
        }
    }

    fn deliver(&mut self, count: usize, server: &Server) {
        for _ in 0..count {
            if !self.first.is_empty() {
                let frame = self.first.remove(0);
                self.receive(&frame, server);
                continue;
            }
            let Some(position) = self.connection else {
                return;
            };
            let Some(frame) = server.log.get(position) else {
                return;
            };
            self.connection = Some(position + 1);
            self.receive(frame, server);
        }
    }

    fn check(&self, server: &Server) {
        for m in self.timeline.messages() {
            assert!(
                server.versions.get(&m.seq).is_some_and(|v| v.contains(m)),
                "message {} is no version the server ever had",
                m.seq
            );
        }
        for pending in self.timeline.pending() {
            assert!(
                !self.acked.contains(&pending.nonce),
                "{:?} was acknowledged and is still pending",
                pending.nonce
            );
        }
    }
}

/// A message in a line, for readable failures.
fn brief(m: &Message) -> String {
    format!("{} {:?}", m.seq, m.content.as_str())
}

fn play(steps: &[Step]) {
    let mut server = Server::default();
    let mut client = Client::new();
    // Some history before the client first connects.
    for i in 0..5 {
        server.post(user(2), &format!("old {i}"));
    }
    client.connect(&server);
    for step in steps {
        match step {
            Step::Post => {
                server.post(user(2), "post");
            }
            Step::Send => {
                client.sent += 1;
                let text = format!("sent {}", client.sent % 3);
                client
                    .timeline
                    .push_pending(nonce(client.sent), content(&text));
                let m = server.post(me(), &text);
                client.acks.push((nonce(client.sent), m));
            }
            Step::Edit(pick) => server.edit(*pick),
            Step::Delete(pick) => server.delete(*pick),
            Step::Deliver(count) => client.deliver(*count, &server),
            Step::Duplicate(back) => {
                if let Some(position) = client.connection.filter(|p| *p > 0) {
                    let frame = &server.log[position - 1 - back % position];
                    client.receive(frame, &server);
                    // The timeline holds up without the tracker's filter too.
                    client.timeline.apply_frame(frame);
                }
            }
            Step::Lose(count) => {
                // Frames go missing in the race between a replay and live delivery, that is
                // while resuming from a cursor; without one (right after a resync) the tracker
                // cannot see a gap, and neither TCP nor the server ever drops a frame then.
                if let Some(position) = client.connection
                    && client.tracker.cursors().contains_key(&conversation())
                {
                    client.connection = Some((position + count).min(server.log.len()));
                }
            }
            Step::Disconnect => client.connection = None,
            Step::Reconnect => client.connect(&server),
            Step::Ack(pick) => {
                if !client.acks.is_empty() {
                    let (nonce, m) = client.acks.remove(pick % client.acks.len());
                    client.timeline.acknowledge(&nonce, &m);
                    client.acked.insert(nonce);
                }
            }
            Step::Fetch(limit) => {
                if client.started
                    && let Some(request) = client.timeline.history_request()
                {
                    let answer = server.page(request.before, *limit);
                    client.answers.push((request, answer));
                }
            }
            Step::Answer(pick) => {
                if !client.answers.is_empty() {
                    let (request, answer) = client.answers.remove(pick % client.answers.len());
                    client.timeline.apply_page(request, &answer);
                }
            }
        }
        client.check(&server);
    }

    // Settle: a last reconnect resumes (frames lost at the very end show no gap until
    // then), the connection catches up, every answer and ack arrives, history is paged back
    // to the start.
    client.connect(&server);
    while !client.first.is_empty() || client.connection.is_some_and(|p| p < server.log.len()) {
        client.deliver(1, &server);
    }
    for (nonce, m) in std::mem::take(&mut client.acks) {
        client.timeline.acknowledge(&nonce, &m);
        client.acked.insert(nonce);
    }
    for (request, answer) in std::mem::take(&mut client.answers) {
        client.timeline.apply_page(request, &answer);
    }
    while let Some(request) = client.timeline.history_request() {
        let answer = server.page(request.before, 3);
        client.timeline.apply_page(request, &answer);
    }
    client.check(&server);

    let expected: Vec<String> = server
        .live()
        .into_iter()
        .filter_map(|seq| server.current(seq))
        .map(brief)
        .collect();
    let actual: Vec<String> = client.timeline.messages().map(brief).collect();
    assert_eq!(actual, expected, "the timeline is the server's");
    let actual: Vec<&Message> = client.timeline.messages().collect();
    let expected: Vec<&Message> = server
        .live()
        .into_iter()
        .filter_map(|seq| server.current(seq))
        .collect();
    assert!(
        actual == expected,
        "the timeline's messages are the server's"
    );
    assert!(
        client.timeline.pending().is_empty(),
        "every send was settled"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn the_timeline_always_ends_as_the_servers(steps in prop::collection::vec(step(), 0..120)) {
        play(&steps);
    }
}
