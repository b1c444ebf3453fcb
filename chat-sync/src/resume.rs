//! Resume bookkeeping of a gateway connection, shared by the Rust SDK's worker
//! (`chat-client/src/gateway/worker.rs`) and the browser gateway (`chat-wasm`), kept free
//! of I/O so both follow the same rules and the rules are tested on the host.
//!
//! Per conversation the tracker remembers the last event seq handed to the application. On
//! `ready` it resumes from those cursors and adopts the server's position for conversations
//! it did not know; it drops events at or below a cursor (replays that overlap), asks for a
//! reconnect on a gap (a resume from the cursor fills it), and forgets a conversation the
//! user left so a rejoin starts afresh. Its state ([`ResumeState`]) can be saved and given
//! back to a new tracker, so an application that restarts resumes where it stopped.

use std::collections::BTreeSet;

use chat_core::v1::{ConversationId, ConversationState, Cursors, ServerFrame, UserId};
use serde::{Deserialize, Serialize};

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

impl Verdict {
    /// Why a [`Verdict::Gap`] ends the connection, as both gateways log it; `None` for the
    /// other verdicts.
    pub fn gap_reason(&self) -> Option<String> {
        match self {
            Self::Gap {
                conversation,
                last,
                seq,
            } => Some(format!("gap in {conversation}: {last} then {seq}")),
            Self::Deliver | Self::Skip => None,
        }
    }
}

/// What a tracker needs to carry on in a new process: whose cursors they are, the cursors,
/// and the conversations whose place was lost. Saved by a [`crate::store::ResumeStore`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResumeState {
    /// The user the cursors belong to; `None` before the first `ready`.
    #[serde(default)]
    pub user: Option<UserId>,
    /// The last event seq delivered per conversation.
    #[serde(default)]
    pub cursors: Cursors,
    /// Conversations told to resync whose position is not known again yet.
    #[serde(default)]
    pub resync: BTreeSet<ConversationId>,
}

/// The cursors of one gateway, across all its connections.
#[derive(Debug, Default, Clone)]
pub struct Tracker {
    cursors: Cursors,
    resync: BTreeSet<ConversationId>,
    me: Option<UserId>,
    /// Whether the current connection resumes from something: not the very first one.
    reconnected: bool,
    /// Bumped on every change of the saved state, so a store writes only when needed.
    version: u64,
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

    /// A tracker that carries on from saved state: its first `ready` resumes from the saved
    /// cursors (if it is the same user's) as a reconnect would.
    pub fn restore(state: ResumeState) -> Self {
        Self {
            cursors: state.cursors,
            resync: state.resync,
            me: state.user,
            reconnected: false,
            version: 0,
        }
    }

    /// The state to save, for [`Tracker::restore`].
    pub fn state(&self) -> ResumeState {
        ResumeState {
            user: self.me,
            cursors: self.cursors.clone(),
            resync: self.resync.clone(),
        }
    }

    /// A number that changes whenever [`Tracker::state`] does: compare it with the one of the
    /// last save to skip saving what did not change.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// The last event seq delivered per conversation.
    pub fn cursors(&self) -> &Cursors {
        &self.cursors
    }

    /// A connection reached `ready`.
    pub fn on_ready(&mut self, user: UserId, conversations: &[ConversationState]) -> OnReady {
        if self.me.is_some_and(|me| me != user) {
            // Cursors of another account (a store shared by mistake, a new sign-in) mean
            // nothing for this one: start afresh.
            self.cursors.clear();
            self.resync.clear();
            self.me = None;
        }
        self.reconnected = self.me.is_some();
        self.me = Some(user);
        self.version += 1;
        let resume = self.cursors.clone();
        let mut resync = Vec::new();
        for conversation in conversations {
            let id = conversation.conversation_id;
            if !resume.contains_key(&id) {
                self.cursors.insert(id, conversation.seq);
                // We had lost our place in it and never found it again: whatever happened
                // since is unknown, so the application must page history once more.
                if self.resync.contains(&id) {
                    resync.push(id);
                }
            }
        }
        OnReady { resume, resync }
    }

    /// Judges one server frame (after `ready`) and updates the cursors.
    ///
    /// `ack` and `error` frames answering a request are the gateway's business, not the
    /// tracker's: they carry no seq and are delivered.
    pub fn on_frame(&mut self, frame: &ServerFrame) -> Verdict {
        match frame {
            // The first connection has nothing to resume; only a reconnect's replay counts.
            ServerFrame::Resumed if !self.reconnected => Verdict::Skip,
            ServerFrame::ResyncRequired { conversation_id } => {
                // Our position is unknown now: the next live event sets it again.
                self.cursors.remove(conversation_id);
                self.resync.insert(*conversation_id);
                self.version += 1;
                Verdict::Deliver
            }
            frame => {
                if let Some((conversation, seq)) = frame.conversation_seq() {
                    match self.cursors.get(&conversation).copied() {
                        Some(last) if seq <= last => return Verdict::Skip,
                        // The server guarantees no gaps; should one appear anyway, a resume
                        // from our cursor fills it.
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
                    self.version += 1;
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
            unread_mention_count: 0,
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

    #[test]
    fn a_restored_tracker_resumes_from_its_saved_cursors_as_a_reconnect() {
        let mut first = Tracker::new();
        first.on_ready(user(1), &[state(id(7), 5)]);
        assert_eq!(first.on_frame(&left(id(7), 6, user(2))), Verdict::Deliver);
        let saved = first.state();
        let text = serde_json::to_string(&saved).expect("encodes");
        let mut second = Tracker::restore(serde_json::from_str(&text).expect("decodes"));
        let ready = second.on_ready(user(1), &[state(id(7), 9)]);
        assert_eq!(ready.resume.get(&id(7)), Some(&6));
        assert_eq!(second.on_frame(&ServerFrame::Resumed), Verdict::Deliver);
    }

    #[test]
    fn another_users_saved_cursors_are_dropped() {
        let mut first = Tracker::new();
        first.on_ready(user(1), &[state(id(7), 5)]);
        let mut second = Tracker::restore(first.state());
        let ready = second.on_ready(user(2), &[state(id(8), 3)]);
        assert!(ready.resume.is_empty());
        assert_eq!(second.cursors().get(&id(7)), None);
        assert_eq!(second.on_frame(&ServerFrame::Resumed), Verdict::Skip);
    }

    #[test]
    fn the_version_moves_only_when_the_state_does() {
        let mut tracker = Tracker::new();
        tracker.on_ready(user(1), &[state(id(7), 5)]);
        let version = tracker.version();
        assert_eq!(tracker.on_frame(&left(id(7), 5, user(2))), Verdict::Skip);
        assert_eq!(tracker.on_frame(&ServerFrame::Pong), Verdict::Deliver);
        assert_eq!(tracker.version(), version);
        tracker.on_frame(&left(id(7), 6, user(2)));
        assert_ne!(tracker.version(), version);
    }

    #[test]
    fn a_gap_names_the_conversation_and_both_seqs() {
        let verdict = Verdict::Gap {
            conversation: id(7),
            last: 5,
            seq: 8,
        };
        assert_eq!(
            verdict.gap_reason(),
            Some(format!("gap in {}: 5 then 8", id(7)))
        );
        assert_eq!(Verdict::Skip.gap_reason(), None);
    }
}
