//! Messages of lobbies and chats: the `messages` table and each conversation's `seq`.

use chat_core::v1::{ConversationId, Message, MessageContent, MessageId, Nonce, PageLimit, UserId};

use super::events::{self, EventKind, NewEvent};
use super::mentions::{self, Mentions};
use super::writer::{NewPost, Queued};

use super::rows::{MESSAGE_SELECT, MessageRow};
use super::{Store, StoreError, count, now_millis, parse_id};

/// What access checks need to know about a message, deleted or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MessageMeta {
    /// Where it was posted.
    pub conversation_id: ConversationId,
    /// Who wrote it; `None` once that account is deleted.
    pub author_id: Option<UserId>,
    /// Its number in the conversation.
    pub seq: u64,
    /// Whether it was deleted.
    pub deleted: bool,
}

/// Where a page of history starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    /// The newest messages, newest first.
    Latest,
    /// Messages older than this seq, newest first.
    Before(u64),
    /// Messages newer than this seq, oldest first.
    After(u64),
}

fn seq_param(seq: u64) -> i64 {
    i64::try_from(seq).unwrap_or(i64::MAX)
}

/// A page of history: messages of conversation `$1` past seq `$2` (older, or newer when
/// `newer`), above the floor `$3`, at most `$4`, in the direction of travel.
pub(super) fn history_sql(newer: bool) -> String {
    let (direction, order) = if newer { (">", "ASC") } else { ("<", "DESC") };
    format!(
        "{MESSAGE_SELECT} WHERE m.conversation_id = $1 AND m.seq {direction} $2 AND m.seq > $3
         AND m.deleted_at IS NULL ORDER BY m.seq {order} LIMIT $4"
    )
}

impl Store {
    /// Queues a message for the group-commit [`super::writer`]: it gets the conversation's
    /// next `seq` and a `message.created` event; [`Queued::committed`] waits for the commit.
    ///
    /// Seqs are gap-free and unique, in the order posts were queued: the counter updates and
    /// the inserts commit together under the write lock. Posting also marks the conversation
    /// read up to the new message for its author and brings a chat back for members who had
    /// deleted it. With a `nonce` the author used before, nothing is written and the original
    /// message is returned.
    pub async fn submit_message(&self, post: NewPost) -> Result<Queued, StoreError> {
        self.writer().submit(post).await
    }

    /// Installs the hook that announces committed messages (see [`super::writer::Writer::on_commit`]).
    pub fn on_commit(&self, hook: super::writer::CommitHook) {
        self.writer().on_commit(hook);
    }

    /// The message first sent with this nonce by `author` (`Some(None)`: since deleted), or
    /// `None` when the nonce is new.
    pub async fn nonce_original(
        &self,
        author: UserId,
        nonce: &Nonce,
    ) -> Result<Option<Option<Message>>, StoreError> {
        let original: Option<String> =
            sqlx::query_scalar("SELECT message_id FROM nonces WHERE user_id = $1 AND nonce = $2")
                .bind(author.to_string())
                .bind(nonce.as_str())
                .fetch_optional(self.pool())
                .await?;
        match original {
            Some(id) => Ok(Some(self.message(parse_id(&id)?).await?)),
            None => Ok(None),
        }
    }

    /// The facts about a message needed to authorize an action on it.
    pub async fn message_meta(&self, id: MessageId) -> Result<Option<MessageMeta>, StoreError> {
        let row: Option<(String, Option<String>, i64, super::Flag)> = sqlx::query_as(
            "SELECT conversation_id, author_id, seq, deleted_at IS NOT NULL FROM messages WHERE id = $1",
        )
        .bind(id.to_string())
        .fetch_optional(self.pool())
        .await?;
        row.map(|(conversation, author, seq, deleted)| {
            Ok(MessageMeta {
                conversation_id: parse_id(&conversation)?,
                author_id: author.as_deref().map(parse_id).transpose()?,
                seq: count(seq),
                deleted: deleted.into(),
            })
        })
        .transpose()
    }

    /// A message that is not deleted.
    pub async fn message(&self, id: MessageId) -> Result<Option<Message>, StoreError> {
        let sql = format!("{MESSAGE_SELECT} WHERE m.id = $1 AND m.deleted_at IS NULL");
        sqlx::query_as::<_, MessageRow>(sqlx::AssertSqlSafe(sql))
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await?
            .map(MessageRow::into_message)
            .transpose()
    }

    /// The messages with these ids that are not deleted, in no particular order.
    pub async fn messages_by_id(&self, ids: &[MessageId]) -> Result<Vec<Message>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let marks: Vec<String> = (1..=ids.len()).map(|n| format!("${n}")).collect();
        let sql = format!(
            "{MESSAGE_SELECT} WHERE m.id IN ({}) AND m.deleted_at IS NULL",
            marks.join(", ")
        );
        let mut query = sqlx::query_as::<_, MessageRow>(sqlx::AssertSqlSafe(sql));
        for id in ids {
            query = query.bind(id.to_string());
        }
        query
            .fetch_all(self.pool())
            .await?
            .into_iter()
            .map(MessageRow::into_message)
            .collect()
    }

    /// A page of a conversation's history, skipping deleted messages and everything up to
    /// `floor_seq`. Returns the page and whether more messages lie beyond it.
    pub async fn history(
        &self,
        conversation: ConversationId,
        anchor: Anchor,
        floor_seq: u64,
        limit: PageLimit,
    ) -> Result<(Vec<Message>, bool), StoreError> {
        // Keyset pagination on the (conversation_id, seq) unique index; never OFFSET.
        let (bound, newer) = match anchor {
            Anchor::Latest => (i64::MAX, false),
            Anchor::Before(seq) => (seq_param(seq), false),
            Anchor::After(seq) => (seq_param(seq), true),
        };
        let rows = sqlx::query_as::<_, MessageRow>(sqlx::AssertSqlSafe(history_sql(newer)))
            .bind(conversation.to_string())
            .bind(bound)
            .bind(seq_param(floor_seq))
            .bind(i64::from(limit.get()) + 1)
            .fetch_all(self.pool())
            .await?;
        let (rows, more) = super::split_page(rows, limit);
        let items = rows
            .into_iter()
            .map(MessageRow::into_message)
            .collect::<Result<Vec<_>, _>>()?;
        Ok((items, more))
    }

    /// Replaces the text of a message that is not deleted, and whom it calls, with a
    /// `message.updated` event.
    pub async fn edit_message(
        &self,
        id: MessageId,
        content: &MessageContent,
        mentions: &Mentions,
    ) -> Result<Option<(Message, u64)>, StoreError> {
        let mut tx = self.begin_write().await?;
        let updated: Option<(String, i64)> = sqlx::query_as(
            "UPDATE messages SET content = $1, edited_at = $2 WHERE id = $3 AND deleted_at IS NULL
             RETURNING conversation_id, seq",
        )
        .bind(content.as_str())
        .bind(now_millis())
        .bind(id.to_string())
        .fetch_optional(&mut *tx)
        .await?;
        let Some((conversation, seq)) = updated else {
            return Ok(None);
        };
        let message_id = id.to_string();
        mentions::replace(
            &mut tx,
            self.backend(),
            &message_id,
            &conversation,
            seq,
            mentions,
        )
        .await?;
        let event_seq = events::append(
            &mut tx,
            &conversation,
            NewEvent::message(EventKind::MessageUpdated, id, count(seq)),
        )
        .await?;
        let sql = format!("{MESSAGE_SELECT} WHERE m.id = $1");
        let row = sqlx::query_as::<_, MessageRow>(sqlx::AssertSqlSafe(sql))
            .bind(id.to_string())
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Some((row.into_message()?, event_seq)))
    }

    /// Deletes a message: the row stays as a tombstone that keeps its `seq`, the text is
    /// erased, and a `message.deleted` event is appended.
    pub async fn delete_message(&self, id: MessageId) -> Result<Option<Deleted>, StoreError> {
        let mut tx = self.begin_write().await?;
        let deleted: Option<(String, i64)> = sqlx::query_as(
            "UPDATE messages SET content = '', deleted_at = $1, pinned_at = NULL, pinned_by = NULL
             WHERE id = $2 AND deleted_at IS NULL
             RETURNING conversation_id, seq",
        )
        .bind(now_millis())
        .bind(id.to_string())
        .fetch_optional(&mut *tx)
        .await?;
        let Some((conversation, seq)) = deleted else {
            return Ok(None);
        };
        // A deleted message calls nobody: it leaves the inbox and the unread-mention counts.
        mentions::replace(
            &mut tx,
            self.backend(),
            &id.to_string(),
            &conversation,
            seq,
            &Mentions::default(),
        )
        .await?;
        let event_seq = events::append(
            &mut tx,
            &conversation,
            NewEvent::message(EventKind::MessageDeleted, id, count(seq)),
        )
        .await?;
        tx.commit().await?;
        Ok(Some(Deleted {
            conversation_id: parse_id(&conversation)?,
            message_seq: count(seq),
            event_seq,
        }))
    }
}

/// A deleted message.
#[derive(Debug, Clone, Copy)]
pub struct Deleted {
    /// Where it was.
    pub conversation_id: ConversationId,
    /// Its message seq.
    pub message_seq: u64,
    /// The `message.deleted` event.
    pub event_seq: u64,
}
