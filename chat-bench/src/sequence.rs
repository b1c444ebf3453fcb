//! The correctness check of delivery: one member's view of one conversation's message `seq`s,
//! which must run 1, 2, 3, … with no gap and no repeat.
//!
//! A bench room starts empty, so every message in it is a bench message and the `seq`s a
//! member receives should be exactly 1 to the number of acknowledged sends.

use serde::Serialize;

/// Gaps wider than this are counted rather than remembered seq by seq, so a corrupt `seq`
/// cannot make the bench allocate without bound.
const MAX_TRACKED_GAP: u64 = 1 << 20;

/// Follows the message `seq`s one member receives in one conversation.
#[derive(Debug, Clone)]
pub struct SeqTracker {
    /// The seq expected next: one past the highest seen.
    next: u64,
    /// Seqs skipped over and not seen since.
    missing: std::collections::BTreeSet<u64>,
    /// Skipped seqs not remembered individually (gaps over [`MAX_TRACKED_GAP`]).
    untracked: u64,
    duplicated: u64,
    out_of_order: u64,
}

impl Default for SeqTracker {
    fn default() -> Self {
        Self::new()
    }
}

/// The outcome of the check against the number of acknowledged sends.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SeqCheck {
    /// Acknowledged messages never received.
    pub lost: u64,
    /// Messages received more than once.
    pub duplicated: u64,
    /// Messages received after a later one.
    pub out_of_order: u64,
    /// Messages received beyond the acknowledged count (posted, but their ack never came).
    pub unacked: u64,
}

impl SeqCheck {
    /// Adds another member's outcome.
    pub fn add(&mut self, other: Self) {
        self.lost += other.lost;
        self.duplicated += other.duplicated;
        self.out_of_order += other.out_of_order;
        self.unacked += other.unacked;
    }

    /// Whether delivery was exact: nothing lost, repeated or reordered.
    pub fn is_exact(&self) -> bool {
        self.lost == 0 && self.duplicated == 0 && self.out_of_order == 0
    }
}

impl SeqTracker {
    /// Nothing received yet.
    pub fn new() -> Self {
        Self {
            next: 1,
            missing: Default::default(),
            untracked: 0,
            duplicated: 0,
            out_of_order: 0,
        }
    }

    /// Notes a received message seq.
    pub fn observe(&mut self, seq: u64) {
        if seq == self.next {
            self.next += 1;
        } else if seq > self.next {
            let gap = seq - self.next;
            if gap > MAX_TRACKED_GAP {
                self.untracked += gap;
            } else {
                self.missing.extend(self.next..seq);
            }
            self.next = seq + 1;
        } else if self.missing.remove(&seq) {
            self.out_of_order += 1;
        } else {
            self.duplicated += 1;
        }
    }

    /// Whether every seq up to `target` has arrived.
    pub fn caught_up(&self, target: u64) -> bool {
        self.next > target && self.untracked == 0 && self.missing.range(..=target).next().is_none()
    }

    /// Checks what arrived against `acked`, the number of acknowledged messages.
    pub fn check(&self, acked: u64) -> SeqCheck {
        let highest = self.next - 1;
        let missing_up_to = self.missing.range(..=acked).count() as u64;
        let missing_above = self.missing.len() as u64 - missing_up_to;
        SeqCheck {
            lost: missing_up_to + acked.saturating_sub(highest) + self.untracked,
            duplicated: self.duplicated,
            out_of_order: self.out_of_order,
            unacked: highest.saturating_sub(acked).saturating_sub(missing_above),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tracker(seqs: &[u64]) -> SeqTracker {
        let mut tracker = SeqTracker::new();
        for &seq in seqs {
            tracker.observe(seq);
        }
        tracker
    }

    #[test]
    fn consecutive_seqs_are_exact() {
        let tracker = tracker(&[1, 2, 3]);
        assert!(tracker.caught_up(3));
        assert_eq!(tracker.check(3), SeqCheck::default());
    }

    #[test]
    fn a_gap_is_lost_until_filled_and_then_out_of_order() {
        let gap = tracker(&[1, 3]);
        assert!(!gap.caught_up(3));
        assert_eq!(gap.check(3).lost, 1);

        let filled = tracker(&[1, 3, 2]);
        assert!(filled.caught_up(3));
        let check = filled.check(3);
        assert_eq!((check.lost, check.out_of_order), (0, 1));
    }

    #[test]
    fn repeats_are_duplicates() {
        let check = tracker(&[1, 2, 2, 1]).check(2);
        assert_eq!((check.duplicated, check.lost), (2, 0));
    }

    #[test]
    fn missing_tail_messages_are_lost_and_extra_ones_unacked() {
        assert_eq!(tracker(&[1]).check(3).lost, 2);
        let check = tracker(&[1, 2, 3, 4]).check(3);
        assert_eq!((check.lost, check.unacked), (0, 1));
        assert!(check.is_exact());
    }
}
