//! What a bench message says: which sender posted it, its number from that sender, and when
//! it was sent, padded to the requested size.
//!
//! The text is `SENDER.COUNTER.NANOS~` followed by `x`s, so a receiver in the same process
//! measures send → receive latency from the message alone (see [`crate::clock::Clock`]).

use anyhow::ensure;
use chat_core::v1::MessageContent;

/// The stamp carried by a bench message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    /// The sender's index in the scenario.
    pub sender: u32,
    /// The sender's own message counter, from 0.
    pub counter: u64,
    /// When it was sent, in nanoseconds since the run's clock base.
    pub sent_nanos: u64,
}

impl Stamp {
    /// Reads the stamp at the start of a message's text; `None` for other messages.
    pub fn decode(text: &str) -> Option<Self> {
        let (head, _) = text.split_once('~')?;
        let mut parts = head.splitn(3, '.');
        Some(Self {
            sender: parts.next()?.parse().ok()?,
            counter: parts.next()?.parse().ok()?,
            sent_nanos: parts.next()?.parse().ok()?,
        })
    }
}

/// The size of bench messages, checked against the protocol's limit once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Payload {
    len: usize,
}

impl Payload {
    /// Messages of `len` characters (at most [`MessageContent::MAX`]; a stamp longer than
    /// `len` is sent whole).
    pub fn new(len: usize) -> anyhow::Result<Self> {
        ensure!(
            len <= MessageContent::MAX,
            "--payload {len}: a message holds at most {} characters",
            MessageContent::MAX
        );
        Ok(Self { len })
    }

    /// The message text carrying `stamp`.
    pub fn encode(&self, stamp: Stamp) -> MessageContent {
        let mut text = format!("{}.{}.{}~", stamp.sender, stamp.counter, stamp.sent_nanos);
        let padding = self.len.saturating_sub(text.len());
        text.extend(std::iter::repeat_n('x', padding));
        // A stamp is at most 62 ASCII characters and `len` is within the limit, so the text
        // is always valid content.
        MessageContent::parse(&text)
            .expect("stamped payloads are printable ASCII within the length limit")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stamp_survives_encoding_at_the_requested_size() {
        let stamp = Stamp {
            sender: 7,
            counter: 42,
            sent_nanos: 123_456_789,
        };
        let content = Payload::new(100).expect("size").encode(stamp);
        assert_eq!(content.as_str().len(), 100);
        assert_eq!(Stamp::decode(content.as_str()), Some(stamp));
    }

    #[test]
    fn a_short_payload_still_carries_the_whole_stamp() {
        let stamp = Stamp {
            sender: u32::MAX,
            counter: u64::MAX,
            sent_nanos: u64::MAX,
        };
        let content = Payload::new(1).expect("size").encode(stamp);
        assert_eq!(Stamp::decode(content.as_str()), Some(stamp));
    }

    #[test]
    fn payloads_over_the_protocol_limit_are_refused() {
        assert!(Payload::new(MessageContent::MAX).is_ok());
        assert!(Payload::new(MessageContent::MAX + 1).is_err());
    }

    #[test]
    fn other_messages_carry_no_stamp() {
        assert_eq!(Stamp::decode("hello"), None);
        assert_eq!(Stamp::decode("a.b.c~"), None);
    }
}
