//! Mentions: whom a message calls (the `mentioned` and `mention_flags` columns of `messages`),
//! and each user's inbox of the messages that call them (the `mentions` table).
//!
//! Who is called is decided before the write (the service resolves names, `@here` and
//! `@everyone`); this file stores the outcome with the message, in the same transaction, so a
//! message and its inbox rows commit together.

use chat_core::v1::{Broadcast, ConversationId, MessageId, PageLimit, UserId, Username};
use sqlx::{AnyConnection, AssertSqlSafe};

use super::rows::{MESSAGE_COLUMNS, MESSAGE_JOINS, MessageRow};
use super::sql::{mark, placeholders};
use super::{Backend, Store, StoreError, parse_id};

/// Users per insert statement: far below both databases' parameter limits.
const ROWS_PER_INSERT: usize = 1000;

/// Whom a message calls, resolved.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mentions {
    /// Named with `@username`: members of the conversation, first named first.
    pub named: Vec<UserId>,
    /// `@here` or `@everyone`, when the author may call them.
    pub broadcast: Option<Broadcast>,
    /// Everyone whose inbox gets the message: the named, and the members `@here` or
    /// `@everyone` reached. Never the author.
    pub inbox: Vec<UserId>,
}

impl Mentions {
    /// The `mentioned` column: the named users' ids, joined by spaces.
    pub(super) fn named_column(&self) -> String {
        let ids: Vec<String> = self.named.iter().map(ToString::to_string).collect();
        ids.join(" ")
    }

    /// The `mention_flags` column (read back by [`super::rows::read_mentions`]).
    pub(super) fn flags(&self) -> i64 {
        match self.broadcast {
            None => 0,
            Some(Broadcast::Here) => 1,
            Some(Broadcast::Everyone) => 2,
        }
    }
}

/// Puts a message into the inboxes of `users`, a thousand per statement. Users whose
/// account was deleted since the mentions were resolved are skipped (a mention resolved just
/// before its user left must not fail the post).
pub(super) async fn insert_inbox(
    conn: &mut AnyConnection,
    backend: Backend,
    message: &str,
    conversation: &str,
    seq: i64,
    users: &[UserId],
) -> Result<(), StoreError> {
    for chunk in users.chunks(ROWS_PER_INSERT) {
        let mut sql = String::from(
            "INSERT INTO mentions (user_id, message_id, conversation_id, seq) SELECT id, ",
        );
        mark(&mut sql, backend, 1);
        sql.push_str(", ");
        mark(&mut sql, backend, 2);
        sql.push_str(", ");
        mark(&mut sql, backend, 3);
        sql.push_str(" FROM users WHERE id IN ");
        sql.push_str(&placeholders(backend, 1, chunk.len(), 4));
        let mut query = sqlx::query(AssertSqlSafe(sql))
            .bind(message)
            .bind(conversation)
            .bind(seq);
        for user in chunk {
            query = query.bind(user.to_string());
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Replaces a message's mentions after an edit: its columns and its inbox rows (a row of a
/// user still called keeps its place; read state is by seq, so nothing else changes).
pub(super) async fn replace(
    conn: &mut AnyConnection,
    backend: Backend,
    message: &str,
    conversation: &str,
    seq: i64,
    mentions: &Mentions,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE messages SET mentioned = $1, mention_flags = $2 WHERE id = $3")
        .bind(mentions.named_column())
        .bind(mentions.flags())
        .bind(message)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM mentions WHERE message_id = $1")
        .bind(message)
        .execute(&mut *conn)
        .await?;
    insert_inbox(conn, backend, message, conversation, seq, &mentions.inbox).await
}

impl Store {
    /// The members of `conversation` with these usernames, in the order of `names`.
    pub async fn members_named(
        &self,
        conversation: ConversationId,
        names: &[Username],
    ) -> Result<Vec<UserId>, StoreError> {
        if names.is_empty() {
            return Ok(Vec::new());
        }
        let marks: Vec<String> = (2..names.len() + 2).map(|n| format!("${n}")).collect();
        let sql = format!(
            "SELECT u.id, u.username FROM users u
             JOIN members m ON m.user_id = u.id AND m.conversation_id = $1
             WHERE u.username IN ({})",
            marks.join(", ")
        );
        let mut query = sqlx::query_as::<_, (String, String)>(AssertSqlSafe(sql))
            .bind(conversation.to_string());
        for name in names {
            query = query.bind(name.as_str());
        }
        let found = query.fetch_all(self.pool()).await?;
        names
            .iter()
            .filter_map(|name| found.iter().find(|(_, n)| n == name.as_str()))
            .map(|(id, _)| parse_id(id))
            .collect()
    }

    /// How many members `conversation` has.
    pub async fn member_count(&self, conversation: ConversationId) -> Result<u64, StoreError> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM members WHERE conversation_id = $1")
            .bind(conversation.to_string())
            .fetch_one(self.pool())
            .await?;
        Ok(super::count(n))
    }

    /// A page of `user`'s inbox: messages that call them, newest first, older than `before`
    /// when given, each with whether the user has read it. Only what they can still read:
    /// not deleted, in conversations they still belong to, above a chat's deleted history.
    pub async fn mention_inbox(
        &self,
        user: UserId,
        before: Option<MessageId>,
        limit: PageLimit,
    ) -> Result<(Vec<(chat_core::v1::Message, bool)>, bool), StoreError> {
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            message: MessageRow,
            is_read: super::Flag,
            floor: i64,
        }
        // `n.message_id < $2` with the largest id when there is no cursor: ids are
        // time-ordered text, and "~" sorts after every hex digit and dash.
        let sql = format!(
            "SELECT {MESSAGE_COLUMNS},
                CASE WHEN n.seq <= mb.read_seq THEN 1 ELSE 0 END AS is_read,
                mb.cleared_seq AS floor
             FROM mentions n
             JOIN members mb ON mb.conversation_id = n.conversation_id AND mb.user_id = n.user_id
             JOIN messages m ON m.id = n.message_id
             {MESSAGE_JOINS}
             WHERE n.user_id = $1 AND n.message_id < $2 AND n.seq > mb.cleared_seq
               AND m.deleted_at IS NULL
             ORDER BY n.message_id DESC
             LIMIT $3"
        );
        let rows = sqlx::query_as::<_, Row>(AssertSqlSafe(sql))
            .bind(user.to_string())
            .bind(before.map_or_else(|| "~".to_owned(), |id| id.to_string()))
            .bind(i64::from(limit.get()) + 1)
            .fetch_all(self.pool())
            .await?;
        let (rows, more) = super::split_page(rows, limit);
        let items = rows
            .into_iter()
            .map(|row| {
                let mut message = row.message.into_message()?;
                message.hide_quote_up_to(super::count(row.floor));
                Ok((message, row.is_read.into()))
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok((items, more))
    }
}
