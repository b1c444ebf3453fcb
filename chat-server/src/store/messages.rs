//! Messages of lobbies and chats: the `messages` table and each conversation's `seq`.

use chat_core::v1::{
    ConversationId, Message, MessageContent, MessageId, Nonce, PageLimit, ReplyPreview, UserId,
};

use super::events::{self, EventKind, NewEvent};
use super::writer::{NewPost, Queued};

use super::rows::author;
use super::{Store, StoreError, count, now_millis, parse_id, parse_text, timestamp};

/// A message with its author and the preview of the message it answers (one join each, so
/// a page of replies costs no query per message).
pub(super) const MESSAGE_SELECT: &str = "
    SELECT m.id, m.conversation_id, m.seq, m.content, m.created_at, m.edited_at, m.pinned_at,
        u.id AS author_id, u.username AS author_username, u.display_name AS author_display_name,
        m.reply_to_id, r.content AS reply_content, r.deleted_at IS NOT NULL AS reply_deleted,
        ru.id AS reply_author_id, ru.username AS reply_author_username,
        ru.display_name AS reply_author_display_name
    FROM messages m LEFT JOIN users u ON u.id = m.author_id
    LEFT JOIN messages r ON r.id = m.reply_to_id
    LEFT JOIN users ru ON ru.id = r.author_id";

#[derive(sqlx::FromRow)]
pub(super) struct MessageRow {
    pub(super) id: String,
    conversation_id: String,
    seq: i64,
    content: String,
    created_at: i64,
    edited_at: Option<i64>,
    pinned_at: Option<i64>,
    author_id: Option<String>,
    author_username: Option<String>,
    author_display_name: Option<String>,
    reply_to_id: Option<String>,
    reply_content: Option<String>,
    reply_deleted: Option<super::Flag>,
    reply_author_id: Option<String>,
    reply_author_username: Option<String>,
    reply_author_display_name: Option<String>,
}

impl MessageRow {
    pub(super) fn into_message(self) -> Result<Message, StoreError> {
        let written_by = author(
            self.author_id,
            self.author_username,
            self.author_display_name,
        )?;
        let reply_to = match self.reply_to_id {
            Some(id) => {
                // A message that is gone altogether (not expected) shows as deleted.
                let deleted =
                    self.reply_deleted.is_none_or(bool::from) || self.reply_content.is_none();
                Some(Box::new(ReplyPreview {
                    id: parse_id(&id)?,
                    author: if deleted {
                        None
                    } else {
                        author(
                            self.reply_author_id,
                            self.reply_author_username,
                            self.reply_author_display_name,
                        )?
                    },
                    excerpt: match (&self.reply_content, deleted) {
                        (Some(content), false) => ReplyPreview::excerpt_of(content),
                        _ => String::new(),
                    },
                    deleted,
                }))
            }
            None => None,
        };
        Ok(Message {
            id: parse_id(&self.id)?,
            conversation_id: parse_id(&self.conversation_id)?,
            seq: count(self.seq),
            author: written_by,
            content: parse_text(self.content)?,
            created_at: timestamp(self.created_at)?,
            edited_at: self.edited_at.map(timestamp).transpose()?,
            reply_to,
            reactions: Vec::new(),
            pinned_at: self.pinned_at.map(timestamp).transpose()?,
        })
    }
}

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

    /// Replaces the text of a message that is not deleted, with a `message.updated` event.
    pub async fn edit_message(
        &self,
        id: MessageId,
        content: &MessageContent,
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
