//! The per-conversation event log behind resume: the `events` table.
//!
//! Every change to a conversation appends a row in the same transaction as the change, under
//! the next `conversations.event_seq`, so the log has no gaps. Rows reference the current
//! state instead of copying it; [`Store::replay`] rebuilds each event as a frame from what is
//! stored now (an edited message shows its latest text, a deleted one only its id).

use chat_core::v1::{
    Author, ConversationId, Emoji, Member, Message, MessageId, PinEvent, ReactionEvent, Role,
    ServerFrame, UserId,
};
use sqlx::AnyConnection;

use super::conversations::{parse_role, parse_visibility};
use super::rows::UserRow;
use super::{Store, StoreError, count, now_millis, parse_id, parse_text, timestamp};

/// What kind of change an event records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    /// A message was posted.
    MessageCreated,
    /// A message was edited.
    MessageUpdated,
    /// A message was deleted.
    MessageDeleted,
    /// Someone joined or was added.
    MemberJoined,
    /// Someone left.
    MemberLeft,
    /// Someone was removed by an admin.
    MemberRemoved,
    /// A role changed.
    MemberUpdated,
    /// The lobby's name, description or visibility changed.
    LobbyUpdated,
    /// Someone reacted to a message.
    ReactionAdded,
    /// Someone took a reaction back.
    ReactionRemoved,
    /// A message was pinned.
    MessagePinned,
    /// A message was unpinned.
    MessageUnpinned,
}

impl EventKind {
    pub(super) fn as_str(self) -> &'static str {
        match self {
            Self::MessageCreated => "message.created",
            Self::MessageUpdated => "message.updated",
            Self::MessageDeleted => "message.deleted",
            Self::MemberJoined => "member.joined",
            Self::MemberLeft => "member.left",
            Self::MemberRemoved => "member.removed",
            Self::MemberUpdated => "member.updated",
            Self::LobbyUpdated => "lobby.updated",
            Self::ReactionAdded => "reaction.added",
            Self::ReactionRemoved => "reaction.removed",
            Self::MessagePinned => "message.pinned",
            Self::MessageUnpinned => "message.unpinned",
        }
    }
}

/// An event to append.
#[derive(Debug, Clone)]
pub struct NewEvent {
    /// What happened.
    pub kind: EventKind,
    /// The message, for message events.
    pub message_id: Option<MessageId>,
    /// The message seq, for message, reaction and pin events.
    pub message_seq: Option<u64>,
    /// The member, for member events.
    pub user_id: Option<UserId>,
    /// The role, for `member.joined` and `member.updated`.
    pub role: Option<Role>,
    /// The emoji and its count after the change, for reaction events.
    pub reaction: Option<(Emoji, u32)>,
    /// When it happened (ms), if the change stamped its own rows with that time; else now.
    pub at: Option<i64>,
}

impl NewEvent {
    /// An event of `kind` naming nothing yet; the constructors below fill in what it names.
    fn of(kind: EventKind) -> Self {
        Self {
            kind,
            message_id: None,
            message_seq: None,
            user_id: None,
            role: None,
            reaction: None,
            at: None,
        }
    }

    /// A message event.
    pub fn message(kind: EventKind, message_id: MessageId, message_seq: u64) -> Self {
        Self {
            message_id: Some(message_id),
            message_seq: Some(message_seq),
            ..Self::of(kind)
        }
    }

    /// A member event.
    pub fn member(kind: EventKind, user_id: UserId, role: Option<Role>) -> Self {
        Self {
            user_id: Some(user_id),
            role,
            ..Self::of(kind)
        }
    }

    /// A reaction event: `user_id` reacted (or took it back) with `emoji`, which the message
    /// now has `count` of.
    pub fn reaction(
        kind: EventKind,
        message_id: MessageId,
        user_id: UserId,
        emoji: Emoji,
        count: u32,
    ) -> Self {
        Self {
            message_id: Some(message_id),
            user_id: Some(user_id),
            reaction: Some((emoji, count)),
            ..Self::of(kind)
        }
    }

    /// A pin event; `user_id` is who pinned or unpinned the message.
    pub fn pin(kind: EventKind, message_id: MessageId, user_id: UserId) -> Self {
        Self {
            message_id: Some(message_id),
            user_id: Some(user_id),
            ..Self::of(kind)
        }
    }

    /// A lobby event.
    pub fn lobby(kind: EventKind) -> Self {
        Self::of(kind)
    }
}

/// Appends an event inside the caller's transaction and returns its seq.
pub(crate) async fn append(
    conn: &mut AnyConnection,
    conversation: &str,
    event: NewEvent,
) -> Result<u64, StoreError> {
    let seq: i64 = sqlx::query_scalar(
        "UPDATE conversations SET event_seq = event_seq + 1 WHERE id = $1 RETURNING event_seq",
    )
    .bind(conversation)
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO events (conversation_id, seq, kind, message_id, message_seq, user_id, role, created_at, emoji, amount)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(conversation)
    .bind(seq)
    .bind(event.kind.as_str())
    .bind(event.message_id.map(|id| id.to_string()))
    .bind(event.message_seq.and_then(|s| i64::try_from(s).ok()))
    .bind(event.user_id.map(|id| id.to_string()))
    .bind(event.role.map(Role::as_str))
    .bind(event.at.unwrap_or_else(now_millis))
    .bind(event.reaction.as_ref().map(|(emoji, _)| emoji.as_str()))
    .bind(event.reaction.as_ref().map(|(_, count)| i64::from(*count)))
    .execute(&mut *conn)
    .await?;
    Ok(count(seq))
}

#[derive(sqlx::FromRow)]
struct EventRow {
    seq: i64,
    kind: String,
    message_id: Option<String>,
    message_seq: Option<i64>,
    user_id: Option<String>,
    role: Option<String>,
    created_at: i64,
    emoji: Option<String>,
    amount: Option<i64>,
    // The message as it is now.
    m_id: Option<String>,
    m_seq: Option<i64>,
    m_content: Option<String>,
    m_created_at: Option<i64>,
    m_edited_at: Option<i64>,
    m_deleted: Option<super::Flag>,
    a_id: Option<String>,
    a_username: Option<String>,
    a_display_name: Option<String>,
    // The member's profile as it is now.
    u_id: Option<String>,
    u_username: Option<String>,
    u_display_name: Option<String>,
    u_description: Option<String>,
    u_created_at: Option<i64>,
    // The lobby as it is now.
    l_name: Option<String>,
    l_description: Option<String>,
    l_visibility: Option<String>,
}

/// A page of replayed events.
#[derive(Debug)]
pub struct Replay {
    /// The events after the cursor, oldest first, as frames.
    pub frames: Vec<ServerFrame>,
    /// Whether more events follow than were asked for.
    pub truncated: bool,
}

impl EventRow {
    fn into_frame(self, conversation_id: ConversationId) -> Result<ServerFrame, StoreError> {
        let seq = count(self.seq);
        let message_id = self.message_id.as_deref().map(parse_id).transpose()?;
        let user_id: Option<UserId> = self.user_id.as_deref().map(parse_id).transpose()?;
        let missing = |what: &str| StoreError::Corrupt(format!("event {seq} has no {what}"));
        let frame = match self.kind.as_str() {
            "message.created" | "message.updated" => {
                let message_id = message_id.ok_or_else(|| missing("message"))?;
                match (
                    self.m_id,
                    self.m_seq,
                    self.m_content,
                    self.m_created_at,
                    self.m_deleted.map(bool::from),
                ) {
                    (Some(_), Some(m_seq), Some(content), Some(created_at), Some(false)) => {
                        let author = match (self.a_id, self.a_username, self.a_display_name) {
                            (Some(id), Some(username), Some(display_name)) => Some(Author {
                                id: parse_id(&id)?,
                                username: parse_text(username)?,
                                display_name: parse_text(display_name)?,
                            }),
                            _ => None,
                        };
                        // Replies and pins are filled in by `replay` for the whole page.
                        let message = Message {
                            id: message_id,
                            conversation_id,
                            seq: count(m_seq),
                            author,
                            content: parse_text(content)?,
                            created_at: timestamp(created_at)?,
                            edited_at: self.m_edited_at.map(timestamp).transpose()?,
                            reply_to: None,
                            reactions: Vec::new(),
                            pinned_at: None,
                            mentions: Vec::new(),
                            broadcast: None,
                        };
                        if self.kind == "message.created" {
                            ServerFrame::MessageCreated {
                                conversation_id,
                                seq,
                                message,
                            }
                        } else {
                            ServerFrame::MessageUpdated {
                                conversation_id,
                                seq,
                                message,
                            }
                        }
                    }
                    // Deleted since: its text is gone, so the event replays as a deletion.
                    (_, m_seq, ..) => ServerFrame::MessageDeleted {
                        conversation_id,
                        seq,
                        message_id,
                        message_seq: count(m_seq.or(self.message_seq).unwrap_or(0)),
                    },
                }
            }
            "message.deleted" => ServerFrame::MessageDeleted {
                conversation_id,
                seq,
                message_id: message_id.ok_or_else(|| missing("message"))?,
                message_seq: count(self.message_seq.unwrap_or(0)),
            },
            "member.joined" => {
                let user_id = user_id.ok_or_else(|| missing("user"))?;
                match (
                    self.u_id,
                    self.u_username,
                    self.u_display_name,
                    self.u_description,
                    self.u_created_at,
                ) {
                    (
                        Some(id),
                        Some(username),
                        Some(display_name),
                        Some(description),
                        Some(created_at),
                    ) => {
                        let user = UserRow {
                            id,
                            username,
                            display_name,
                            description,
                            created_at,
                        }
                        .into_user()?;
                        let role = self
                            .role
                            .as_deref()
                            .map(parse_role)
                            .transpose()?
                            .unwrap_or_default();
                        ServerFrame::MemberJoined {
                            conversation_id,
                            seq,
                            member: Member {
                                user,
                                role,
                                joined_at: timestamp(self.created_at)?,
                            },
                        }
                    }
                    // The account is gone: all that is left to say is that it left.
                    _ => ServerFrame::MemberLeft {
                        conversation_id,
                        seq,
                        user_id,
                    },
                }
            }
            "member.left" => ServerFrame::MemberLeft {
                conversation_id,
                seq,
                user_id: user_id.ok_or_else(|| missing("user"))?,
            },
            "member.removed" => ServerFrame::MemberRemoved {
                conversation_id,
                seq,
                user_id: user_id.ok_or_else(|| missing("user"))?,
            },
            "member.updated" => ServerFrame::MemberUpdated {
                conversation_id,
                seq,
                user_id: user_id.ok_or_else(|| missing("user"))?,
                role: parse_role(self.role.as_deref().ok_or_else(|| missing("role"))?)?,
            },
            "lobby.updated" => ServerFrame::LobbyUpdated {
                conversation_id,
                seq,
                name: parse_text(self.l_name.ok_or_else(|| missing("lobby"))?)?,
                description: parse_text(self.l_description.ok_or_else(|| missing("lobby"))?)?,
                visibility: parse_visibility(
                    self.l_visibility
                        .as_deref()
                        .ok_or_else(|| missing("lobby"))?,
                )?,
            },
            "reaction.added" | "reaction.removed" => {
                let event = ReactionEvent {
                    conversation_id,
                    seq,
                    message_id: message_id.ok_or_else(|| missing("message"))?,
                    message_seq: count(self.message_seq.unwrap_or(0)),
                    user_id: user_id.ok_or_else(|| missing("user"))?,
                    emoji: parse_text(self.emoji.ok_or_else(|| missing("emoji"))?)?,
                    count: u32::try_from(self.amount.unwrap_or(0)).unwrap_or(0),
                };
                if self.kind == "reaction.added" {
                    ServerFrame::ReactionAdded(event)
                } else {
                    ServerFrame::ReactionRemoved(event)
                }
            }
            "message.pinned" | "message.unpinned" => {
                let event = PinEvent {
                    conversation_id,
                    seq,
                    message_id: message_id.ok_or_else(|| missing("message"))?,
                    message_seq: count(self.message_seq.unwrap_or(0)),
                    user_id: user_id.ok_or_else(|| missing("user"))?,
                    at: timestamp(self.created_at)?,
                };
                if self.kind == "message.pinned" {
                    ServerFrame::MessagePinned(event)
                } else {
                    ServerFrame::MessageUnpinned(event)
                }
            }
            other => return Err(StoreError::Corrupt(format!("unknown event kind {other:?}"))),
        };
        Ok(frame)
    }
}

impl Store {
    /// The events of a conversation after `after_seq`, at most `limit` of them.
    pub async fn replay(
        &self,
        conversation: ConversationId,
        after_seq: u64,
        limit: u32,
    ) -> Result<Replay, StoreError> {
        let rows = sqlx::query_as::<_, EventRow>(
            "SELECT e.seq, e.kind, e.message_id, e.message_seq, e.user_id, e.role, e.created_at,
                e.emoji, e.amount,
                m.id AS m_id, m.seq AS m_seq, m.content AS m_content, m.created_at AS m_created_at,
                m.edited_at AS m_edited_at, m.deleted_at IS NOT NULL AS m_deleted,
                a.id AS a_id, a.username AS a_username, a.display_name AS a_display_name,
                u.id AS u_id, u.username AS u_username, u.display_name AS u_display_name,
                u.description AS u_description, u.created_at AS u_created_at,
                l.name AS l_name, l.description AS l_description, l.visibility AS l_visibility
             FROM events e
             LEFT JOIN messages m ON m.id = e.message_id
             LEFT JOIN users a ON a.id = m.author_id
             LEFT JOIN users u ON u.id = e.user_id
             LEFT JOIN lobbies l ON l.id = e.conversation_id AND e.kind = 'lobby.updated'
             WHERE e.conversation_id = $1 AND e.seq > $2
             ORDER BY e.seq
             LIMIT $3",
        )
        .bind(conversation.to_string())
        .bind(i64::try_from(after_seq).unwrap_or(i64::MAX))
        .bind(i64::from(limit) + 1)
        .fetch_all(self.pool())
        .await?;
        let truncated = rows.len() > limit as usize;
        let mut frames = rows
            .into_iter()
            .take(limit as usize)
            .map(|row| row.into_frame(conversation))
            .collect::<Result<Vec<_>, _>>()?;
        self.complete_messages(&mut frames).await?;
        Ok(Replay { frames, truncated })
    }

    /// Gives the messages of replayed `message.created` and `message.updated` frames what the
    /// event row's join leaves out (reply previews, pins, mentions): one read for the whole
    /// page.
    async fn complete_messages(&self, frames: &mut [ServerFrame]) -> Result<(), StoreError> {
        let mut ids: Vec<MessageId> = frames
            .iter()
            .filter_map(|frame| match frame {
                ServerFrame::MessageCreated { message, .. }
                | ServerFrame::MessageUpdated { message, .. } => Some(message.id),
                _ => None,
            })
            .collect();
        if ids.is_empty() {
            return Ok(());
        }
        ids.sort_unstable();
        ids.dedup();
        let current: std::collections::HashMap<MessageId, Message> = self
            .messages_by_id(&ids)
            .await?
            .into_iter()
            .map(|message| (message.id, message))
            .collect();
        for frame in frames {
            if let ServerFrame::MessageCreated { message, .. }
            | ServerFrame::MessageUpdated { message, .. } = frame
                && let Some(now) = current.get(&message.id)
            {
                message.reply_to.clone_from(&now.reply_to);
                message.pinned_at = now.pinned_at;
                message.mentions.clone_from(&now.mentions);
                message.broadcast = now.broadcast;
            }
        }
        Ok(())
    }

    /// The newest event seq of a conversation, or `None` when it does not exist.
    pub async fn event_seq(&self, conversation: ConversationId) -> Result<Option<u64>, StoreError> {
        let seq: Option<i64> =
            sqlx::query_scalar("SELECT event_seq FROM conversations WHERE id = $1")
                .bind(conversation.to_string())
                .fetch_optional(self.pool())
                .await?;
        Ok(seq.map(count))
    }

    /// Forgets message nonces older than a day.
    pub async fn purge_old_nonces(&self) -> Result<u64, StoreError> {
        let cutoff = now_millis() - 24 * 60 * 60 * 1000;
        Ok(sqlx::query("DELETE FROM nonces WHERE created_at < $1")
            .bind(cutoff)
            .execute(self.pool())
            .await?
            .rows_affected())
    }
}

impl Store {
    /// The seq of `user`'s latest `member.joined` event in a conversation.
    pub async fn join_seq(
        &self,
        conversation: ConversationId,
        user: UserId,
    ) -> Result<Option<u64>, StoreError> {
        let seq: Option<i64> = sqlx::query_scalar(
            "SELECT MAX(seq) FROM events WHERE conversation_id = $1 AND kind = 'member.joined' AND user_id = $2",
        )
        .bind(conversation.to_string())
        .bind(user.to_string())
        .fetch_one(self.pool())
        .await?;
        Ok(seq.map(count))
    }
}
