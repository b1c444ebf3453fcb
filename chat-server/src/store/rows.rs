//! Row types that several table families read: a user's public columns appear in members,
//! events, chats and admin queries as well as in `users.rs`, and a message's in history, the
//! writer's read-backs and the mention inbox, so they live below all of them.

use chat_core::v1::{Author, Broadcast, Message, ReplyPreview, User, UserId};

use super::{StoreError, count, parse_id, parse_text, timestamp};

/// A user's public columns (`id, username, display_name, description, created_at`).
#[derive(sqlx::FromRow)]
pub(crate) struct UserRow {
    pub(crate) id: String,
    pub(crate) username: String,
    pub(crate) display_name: String,
    pub(crate) description: String,
    pub(crate) created_at: i64,
}

impl UserRow {
    pub(crate) fn into_user(self) -> Result<User, StoreError> {
        Ok(User {
            id: parse_id(&self.id)?,
            username: parse_text(self.username)?,
            display_name: parse_text(self.display_name)?,
            description: parse_text(self.description)?,
            created_at: timestamp(self.created_at)?,
        })
    }
}

/// The author of a joined row; `None` when the account is gone.
pub(super) fn author(
    id: Option<String>,
    username: Option<String>,
    display_name: Option<String>,
) -> Result<Option<Author>, StoreError> {
    match (id, username, display_name) {
        (Some(id), Some(username), Some(display_name)) => Ok(Some(Author {
            id: parse_id(&id)?,
            username: parse_text(username)?,
            display_name: parse_text(display_name)?,
        })),
        _ => Ok(None),
    }
}

// Macros rather than constants only so that `concat!` can join them at compile time.
macro_rules! message_columns {
    () => {
        "m.id, m.conversation_id, m.seq, m.content, m.created_at, m.edited_at, m.pinned_at,
        m.mentioned, m.mention_flags,
        u.id AS author_id, u.username AS author_username, u.display_name AS author_display_name,
        m.reply_to_id, r.seq AS reply_seq, r.content AS reply_content, r.deleted_at IS NOT NULL AS reply_deleted,
        ru.id AS reply_author_id, ru.username AS reply_author_username,
        ru.display_name AS reply_author_display_name"
    };
}

macro_rules! message_joins {
    () => {
        "LEFT JOIN users u ON u.id = m.author_id
        LEFT JOIN messages r ON r.id = m.reply_to_id
        LEFT JOIN users ru ON ru.id = r.author_id"
    };
}

/// A message with its author and the preview of the message it answers (one join each, so
/// a page of replies costs no query per message).
pub(super) const MESSAGE_SELECT: &str = concat!(
    "SELECT ",
    message_columns!(),
    " FROM messages m ",
    message_joins!()
);

/// The columns of [`MessageRow`], from the message `m` and the joins of [`MESSAGE_JOINS`].
pub(super) const MESSAGE_COLUMNS: &str = message_columns!();

/// The joins that [`MESSAGE_COLUMNS`] reads, after the message `m`.
pub(super) const MESSAGE_JOINS: &str = message_joins!();

#[derive(sqlx::FromRow)]
pub(super) struct MessageRow {
    pub(super) id: String,
    conversation_id: String,
    seq: i64,
    content: String,
    created_at: i64,
    edited_at: Option<i64>,
    pinned_at: Option<i64>,
    mentioned: String,
    mention_flags: i64,
    author_id: Option<String>,
    author_username: Option<String>,
    author_display_name: Option<String>,
    reply_to_id: Option<String>,
    reply_seq: Option<i64>,
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
                    seq: count(self.reply_seq.unwrap_or(0)),
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
        let (mentions, broadcast) = read_mentions(&self.mentioned, self.mention_flags)?;
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
            mentions,
            broadcast,
        })
    }
}

/// The named users and the broadcast of a stored message, from its `mentioned` (ids joined
/// by spaces) and `mention_flags` (1 = `@here`, 2 = `@everyone`) columns.
pub(super) fn read_mentions(
    named: &str,
    flags: i64,
) -> Result<(Vec<UserId>, Option<Broadcast>), StoreError> {
    let ids = named
        .split(' ')
        .filter(|id| !id.is_empty())
        .map(parse_id)
        .collect::<Result<_, _>>()?;
    let broadcast = match flags {
        1 => Some(Broadcast::Here),
        2 => Some(Broadcast::Everyone),
        _ => None,
    };
    Ok((ids, broadcast))
}
