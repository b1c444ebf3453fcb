//! Reactions and pins: the `reactions` table and the `pinned_*` columns of `messages`.
//!
//! Each change commits with its conversation event (`reaction.added`, `reaction.removed`,
//! `message.pinned`, `message.unpinned`) under the next event seq, as edits do; a change that
//! changes nothing (reacting twice, pinning a pinned message) writes nothing and appends no
//! event.

use std::collections::HashMap;

use chat_core::v1::{
    Author, ConversationId, Emoji, MAX_PINS, MAX_REACTIONS_PER_MESSAGE, Message, MessageId,
    PageLimit, Reaction, UserId,
};
use sqlx::AnyConnection;

use super::events::{self, EventKind, NewEvent};
use super::{Store, StoreError, now_millis, parse_id, parse_text, timestamp};

/// What a reaction or pin change did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Written, with its event.
    Done {
        /// The message's conversation.
        conversation: ConversationId,
        /// The message's seq.
        message_seq: u64,
        /// The event's seq.
        event_seq: u64,
        /// For reactions: how many users react with the emoji now.
        count: u32,
        /// When (ms): the event's time, and for pins the message's `pinned_at`.
        at: i64,
    },
    /// Already so: nothing written.
    Unchanged,
    /// Refused: the message would pass its limit (distinct emojis, or the conversation's pins).
    Full,
    /// The message is deleted or does not exist.
    Gone,
}

/// The conversation and seq of a message that is not deleted.
async fn live_conversation(
    conn: &mut AnyConnection,
    message: MessageId,
) -> Result<Option<(String, i64)>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT conversation_id, seq FROM messages WHERE id = $1 AND deleted_at IS NULL",
    )
    .bind(message.to_string())
    .fetch_optional(&mut *conn)
    .await?)
}

async fn emoji_count(
    conn: &mut AnyConnection,
    message: MessageId,
    emoji: &Emoji,
) -> Result<u32, StoreError> {
    let n: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM reactions WHERE message_id = $1 AND emoji = $2")
            .bind(message.to_string())
            .bind(emoji.as_str())
            .fetch_one(&mut *conn)
            .await?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

/// Appends a change's event stamped `at` (the time the change wrote into its own rows), commits
/// the transaction, and reports the change done.
async fn record(
    mut tx: sqlx::Transaction<'static, sqlx::Any>,
    conversation: &str,
    message_seq: i64,
    mut event: NewEvent,
    count: u32,
    at: i64,
) -> Result<Change, StoreError> {
    event.at = Some(at);
    event.message_seq = Some(super::count(message_seq));
    let event_seq = events::append(&mut tx, conversation, event).await?;
    tx.commit().await?;
    Ok(Change::Done {
        conversation: parse_id(conversation)?,
        message_seq: super::count(message_seq),
        event_seq,
        count,
        at,
    })
}

impl Store {
    /// Adds `user`'s `emoji` reaction to a message.
    pub async fn add_reaction(
        &self,
        message: MessageId,
        user: UserId,
        emoji: &Emoji,
    ) -> Result<Change, StoreError> {
        let mut tx = self.begin_write().await?;
        let Some((conversation, message_seq)) = live_conversation(&mut tx, message).await? else {
            return Ok(Change::Gone);
        };
        let inserted = sqlx::query(
            "INSERT INTO reactions (message_id, emoji, user_id, created_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT DO NOTHING",
        )
        .bind(message.to_string())
        .bind(emoji.as_str())
        .bind(user.to_string())
        .bind(now_millis())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if inserted == 0 {
            return Ok(Change::Unchanged);
        }
        let distinct: i64 =
            sqlx::query_scalar("SELECT COUNT(DISTINCT emoji) FROM reactions WHERE message_id = $1")
                .bind(message.to_string())
                .fetch_one(&mut *tx)
                .await?;
        if distinct > MAX_REACTIONS_PER_MESSAGE as i64 {
            // Dropping the transaction rolls the insert back.
            return Ok(Change::Full);
        }
        let count = emoji_count(&mut tx, message, emoji).await?;
        let event = NewEvent::reaction(
            EventKind::ReactionAdded,
            message,
            user,
            emoji.clone(),
            count,
        );
        record(tx, &conversation, message_seq, event, count, now_millis()).await
    }

    /// Takes `user`'s `emoji` reaction off a message.
    pub async fn remove_reaction(
        &self,
        message: MessageId,
        user: UserId,
        emoji: &Emoji,
    ) -> Result<Change, StoreError> {
        let mut tx = self.begin_write().await?;
        let Some((conversation, message_seq)) = live_conversation(&mut tx, message).await? else {
            return Ok(Change::Gone);
        };
        let removed = sqlx::query(
            "DELETE FROM reactions WHERE message_id = $1 AND emoji = $2 AND user_id = $3",
        )
        .bind(message.to_string())
        .bind(emoji.as_str())
        .bind(user.to_string())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if removed == 0 {
            return Ok(Change::Unchanged);
        }
        let count = emoji_count(&mut tx, message, emoji).await?;
        let event = NewEvent::reaction(
            EventKind::ReactionRemoved,
            message,
            user,
            emoji.clone(),
            count,
        );
        record(tx, &conversation, message_seq, event, count, now_millis()).await
    }

    /// The reactions of these messages as `viewer` sees them, each message's in the order its
    /// emojis were first used: one read for a whole page.
    pub async fn reactions_of(
        &self,
        messages: &[MessageId],
        viewer: UserId,
    ) -> Result<HashMap<MessageId, Vec<Reaction>>, StoreError> {
        if messages.is_empty() {
            return Ok(HashMap::new());
        }
        let marks: Vec<String> = (2..messages.len() + 2).map(|n| format!("${n}")).collect();
        let sql = format!(
            "SELECT message_id, emoji, COUNT(*) AS n, MIN(created_at) AS first,
                CAST(MAX(CASE WHEN user_id = $1 THEN 1 ELSE 0 END) AS BIGINT) AS me
             FROM reactions WHERE message_id IN ({})
             GROUP BY message_id, emoji ORDER BY first, emoji",
            marks.join(", ")
        );
        let mut query =
            sqlx::query_as::<_, (String, String, i64, i64, i64)>(sqlx::AssertSqlSafe(sql))
                .bind(viewer.to_string());
        for id in messages {
            query = query.bind(id.to_string());
        }
        let mut out: HashMap<MessageId, Vec<Reaction>> = HashMap::new();
        for (message, emoji, n, _, me) in query.fetch_all(self.pool()).await? {
            out.entry(parse_id(&message)?).or_default().push(Reaction {
                emoji: parse_text(emoji)?,
                count: u32::try_from(n).unwrap_or(u32::MAX),
                me: me != 0,
            });
        }
        Ok(out)
    }

    /// Fills in the reactions of `messages` as `viewer` sees them.
    pub async fn attach_reactions(
        &self,
        messages: &mut [Message],
        viewer: UserId,
    ) -> Result<(), StoreError> {
        let ids: Vec<MessageId> = messages.iter().map(|m| m.id).collect();
        let mut reactions = self.reactions_of(&ids, viewer).await?;
        for message in messages {
            message.reactions = reactions.remove(&message.id).unwrap_or_default();
        }
        Ok(())
    }

    /// Who reacted to a message with `emoji` and when (ms), first reacted first, after the
    /// position `after` (when, user). Returns the page and whether more follow.
    pub async fn reactors(
        &self,
        message: MessageId,
        emoji: &Emoji,
        after: Option<(i64, UserId)>,
        limit: PageLimit,
    ) -> Result<(Vec<(Author, i64)>, bool), StoreError> {
        let (at, user) = after.map_or((-1, String::new()), |(at, user)| (at, user.to_string()));
        let rows: Vec<(String, String, String, i64)> = sqlx::query_as(
            "SELECT u.id, u.username, u.display_name, r.created_at
             FROM reactions r JOIN users u ON u.id = r.user_id
             WHERE r.message_id = $1 AND r.emoji = $2
               AND (r.created_at > $3 OR (r.created_at = $4 AND r.user_id > $5))
             ORDER BY r.created_at, r.user_id LIMIT $6",
        )
        .bind(message.to_string())
        .bind(emoji.as_str())
        .bind(at)
        .bind(at)
        .bind(user)
        .bind(i64::from(limit.get()) + 1)
        .fetch_all(self.pool())
        .await?;
        let (rows, more) = super::split_page(rows, limit);
        let authors = rows
            .into_iter()
            .map(|(id, username, display_name, at)| {
                Ok((
                    Author {
                        id: parse_id(&id)?,
                        username: parse_text(username)?,
                        display_name: parse_text(display_name)?,
                    },
                    at,
                ))
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok((authors, more))
    }

    /// Pins a message for its conversation.
    pub async fn pin(&self, message: MessageId, by: UserId) -> Result<Change, StoreError> {
        let now = now_millis();
        let mut tx = self.begin_write().await?;
        let Some((conversation, message_seq)) = live_conversation(&mut tx, message).await? else {
            return Ok(Change::Gone);
        };
        let pinned = sqlx::query(
            "UPDATE messages SET pinned_at = $1, pinned_by = $2 WHERE id = $3 AND pinned_at IS NULL",
        )
        .bind(now)
        .bind(by.to_string())
        .bind(message.to_string())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if pinned == 0 {
            return Ok(Change::Unchanged);
        }
        let pins: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM messages WHERE conversation_id = $1 AND pinned_at IS NOT NULL",
        )
        .bind(&conversation)
        .fetch_one(&mut *tx)
        .await?;
        if pins > MAX_PINS as i64 {
            return Ok(Change::Full);
        }
        let event = NewEvent::pin(EventKind::MessagePinned, message, by);
        record(tx, &conversation, message_seq, event, 0, now).await
    }

    /// Unpins a message.
    pub async fn unpin(&self, message: MessageId, by: UserId) -> Result<Change, StoreError> {
        let now = now_millis();
        let mut tx = self.begin_write().await?;
        let Some((conversation, message_seq)) = live_conversation(&mut tx, message).await? else {
            return Ok(Change::Gone);
        };
        let unpinned = sqlx::query(
            "UPDATE messages SET pinned_at = NULL, pinned_by = NULL
             WHERE id = $1 AND pinned_at IS NOT NULL",
        )
        .bind(message.to_string())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if unpinned == 0 {
            return Ok(Change::Unchanged);
        }
        let event = NewEvent::pin(EventKind::MessageUnpinned, message, by);
        record(tx, &conversation, message_seq, event, 0, now).await
    }

    /// A conversation's pins, newest first, above `floor_seq`: (message id, who pinned, when).
    pub async fn pins(
        &self,
        conversation: ConversationId,
        floor_seq: u64,
    ) -> Result<Vec<(MessageId, Option<Author>, chat_core::v1::Timestamp)>, StoreError> {
        /// Message id, pinned at, and who pinned it (id, username, display name).
        type PinRow = (String, i64, Option<String>, Option<String>, Option<String>);
        let rows: Vec<PinRow> = sqlx::query_as(
            "SELECT m.id, m.pinned_at, u.id, u.username, u.display_name
                 FROM messages m LEFT JOIN users u ON u.id = m.pinned_by
                 WHERE m.conversation_id = $1 AND m.pinned_at IS NOT NULL
                   AND m.deleted_at IS NULL AND m.seq > $2
                 ORDER BY m.pinned_at DESC, m.seq DESC",
        )
        .bind(conversation.to_string())
        .bind(i64::try_from(floor_seq).unwrap_or(i64::MAX))
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(|(id, at, pinner, username, display_name)| {
                Ok((
                    parse_id(&id)?,
                    super::rows::author(pinner, username, display_name)?,
                    timestamp(at)?,
                ))
            })
            .collect()
    }
}
