//! The clock and id generation: the bottom of the crate, imported by every layer that stamps
//! or names something (the store, tokens, images, the cluster bus).

use chat_core::v1::Timestamp;
use uuid::Uuid;

/// A new time-ordered id (UUIDv7): ids made later sort later, which keeps index inserts at
/// the right edge of their B-trees.
pub fn new_id() -> Uuid {
    Uuid::now_v7()
}

/// Now, in milliseconds since the epoch: the stored form of every time.
pub fn now_millis() -> i64 {
    Timestamp::from(time::OffsetDateTime::now_utc()).unix_millis()
}
