//! Resume bookkeeping for the browser gateway, the same rules as the Rust SDK's worker
//! (`chat-client/src/gateway/worker.rs`), kept free of JavaScript so it is tested on the host.
//!
//! Per conversation the tracker remembers the last event seq handed to the application. On
//! `ready` it resumes from those cursors and adopts the server's position for conversations
//! it did not know; it drops events at or below a cursor (replays that overlap), asks for a
//! reconnect on a gap (a resume from the cursor fills it), and forgets a conversation the
//! user left so a rejoin starts afresh.

use std::collections::HashSet;

use chat_core::v1::{ConversationId, ConversationState, Cursors, ServerFrame, UserId};

/// What to do with a server frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Hand it to the application.
    Deliver,
    /// Already delivered (or not meant for the application): drop it.
    Skip,
    /// Events are missing before this one: reconnect, and the resume fills the gap.
    Gap {
        /// The conversation.
        conversation: ConversationId,
        /// The last event seq delivered.
        last: u64,
        /// The seq that arrived.
        seq: u64,
    },
}

/// The cursors of one gateway, across all its connections.
#[derive(Debug, Default, Clone)]
pub struct Tracker {
    cursors: Cursors,
    resync: HashSet<ConversationId>,
    me: Option<UserId>,
    reconnected: bool,
}

/// What `ready` asks the gateway to do.
#[derive(Debug, Clone, PartialEq)]
pub struct OnReady {
    /// The cursors to send in `resume`.
    pub resume: Cursors,
    /// Conversations whose place was lost before and is still unknown: the application must
    /// page their history again.
    pub resync: Vec<ConversationId>,
}

impl Tracker {
    /// A tracker that has seen nothing.
    pub fn new() -> Self {
        Self::default()
    }

    /// The last event seq delivered per conversation.
    pub fn cursors(&self) -> &Cursors {
        &self.cursors
    }

    /// A connection reached `ready`.
    pub fn on_ready(&mut self, user: UserId, conversations: &[ConversationState]) -> OnReady {
        self.reconnected = self.me.is_some();
        self.me = Some(user);
        let resume = self.cursors.clone();
        let mut resync = Vec::new();
        for conversation in conversations {
            let id = conversation.conversation_id;
            if !resume.contains_key(&id) {
                self.cursors.insert(id, conversation.seq);
                if self.resync.contains(&id) {
                    resync.push(id);
                }
            }
        }
        OnReady { resume, resync }
    }

    /// Judges one server frame (after `ready`) and updates the cursors.
    pub fn on_frame(&mut self, frame: &ServerFrame) -> Verdict {
        match frame {
            // The first connection has nothing to resume; only a reconnect's replay counts.
            ServerFrame::Resumed if !self.reconnected => Verdict::Skip,
            ServerFrame::ResyncRequired { conversation_id } => {
                self.cursors.remove(conversation_id);
                self.resync.insert(*conversation_id);
                Verdict::Deliver
            }
            frame => {
                if let Some((conversation, seq)) = frame.conversation_seq() {
                    match self.cursors.get(&conversation).copied() {
                        Some(last) if seq <= last => return Verdict::Skip,
                        Some(last) if seq > last + 1 => {
                            return Verdict::Gap {
                                conversation,
                                last,
                                seq,
                            };
                        }
                        _ => {}
                    }
                    self.cursors.insert(conversation, seq);
                    self.resync.remove(&conversation);
                    if self.ends_membership(frame) {
                        self.cursors.remove(&conversation);
                    }
                }
                Verdict::Deliver
            }
        }
    }

    fn ends_membership(&self, frame: &ServerFrame) -> bool {
        match frame {
            ServerFrame::MemberLeft { user_id, .. }
            | ServerFrame::MemberRemoved { user_id, .. } => Some(*user_id) == self.me,
            ServerFrame::LobbyDeleted { .. } => true,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chat_core::v1::ConversationKind;

    fn uuid(n: u128) -> String {
        format!("00000000-0000-7000-8000-{n:012x}")
    }

    fn id(n: u128) -> ConversationId {
        uuid(n).parse().expect("a conversation id")
    }

    fn user(n: u128) -> UserId {
        uuid(n).parse().expect("a user id")
    }

    fn state(conversation: ConversationId, seq: u64) -> ConversationState {
        ConversationState {
            conversation_id: conversation,
            kind: ConversationKind::Lobby,
            seq,
            last_message_seq: 0,
            read_seq: 0,
            unread_count: 0,
            online: Vec::new(),
        }
    }

    fn left(conversation: ConversationId, seq: u64, who: UserId) -> ServerFrame {
        ServerFrame::MemberLeft {
            conversation_id: conversation,
            seq,
            user_id: who,
        }
    }

    #[test]
    fn the_first_ready_adopts_the_servers_positions_and_resumes_nothing() {
        let mut tracker = Tracker::new();
        let ready = tracker.on_ready(user(1), &[state(id(7), 5)]);
        assert!(ready.resume.is_empty());
        assert_eq!(tracker.cursors().get(&id(7)), Some(&5));
        assert_eq!(tracker.on_frame(&ServerFrame::Resumed), Verdict::Skip);
    }

    #[test]
    fn a_reconnect_resumes_from_what_was_delivered() {
        let mut tracker = Tracker::new();
        tracker.on_ready(user(1), &[state(id(7), 5)]);
        assert_eq!(tracker.on_frame(&left(id(7), 6, user(2))), Verdict::Deliver);
        // The server moved on while we were away; we resume from 6, not from its 9.
        let ready = tracker.on_ready(user(1), &[state(id(7), 9), state(id(8), 3)]);
        assert_eq!(ready.resume.get(&id(7)), Some(&6));
        assert_eq!(ready.resume.get(&id(8)), None);
        assert_eq!(tracker.cursors().get(&id(8)), Some(&3));
        assert_eq!(tracker.on_frame(&ServerFrame::Resumed), Verdict::Deliver);
    }

    #[test]
    fn duplicates_are_dropped_and_gaps_detected() {
        let mut tracker = Tracker::new();
        tracker.on_ready(user(1), &[state(id(7), 5)]);
        assert_eq!(tracker.on_frame(&left(id(7), 5, user(2))), Verdict::Skip);
        assert_eq!(
            tracker.on_frame(&left(id(7), 8, user(2))),
            Verdict::Gap {
                conversation: id(7),
                last: 5,
                seq: 8
            }
        );
        assert_eq!(tracker.cursors().get(&id(7)), Some(&5));
    }

    #[test]
    fn leaving_forgets_the_conversation_so_a_rejoin_starts_afresh() {
        let mut tracker = Tracker::new();
        tracker.on_ready(user(1), &[state(id(7), 5)]);
        assert_eq!(tracker.on_frame(&left(id(7), 6, user(1))), Verdict::Deliver);
        assert_eq!(tracker.cursors().get(&id(7)), None);
    }

    #[test]
    fn a_resync_is_reported_again_until_the_place_is_found() {
        let mut tracker = Tracker::new();
        tracker.on_ready(user(1), &[state(id(7), 5)]);
        let resync = ServerFrame::ResyncRequired {
            conversation_id: id(7),
        };
        assert_eq!(tracker.on_frame(&resync), Verdict::Deliver);
        let ready = tracker.on_ready(user(1), &[state(id(7), 40)]);
        assert_eq!(ready.resync, vec![id(7)]);
        assert_eq!(
            tracker.on_frame(&left(id(7), 41, user(2))),
            Verdict::Deliver
        );
        let ready = tracker.on_ready(user(1), &[state(id(7), 41)]);
        assert!(ready.resync.is_empty());
    }
}
