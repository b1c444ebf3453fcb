//! What every access check needs to know about a conversation and the caller's place in it.

use chat_core::v1::{ConversationId, Role, UserId, Visibility};

use super::{Store, StoreError, count};

/// Whether a conversation is a lobby or a chat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConversationKind {
    /// A lobby with its visibility.
    Lobby(Visibility),
    /// A direct chat.
    Chat,
}

/// The caller's membership row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemberState {
    /// Admin or member (always member in chats).
    pub role: Role,
    /// Chats: deleted for this member until the next message.
    pub hidden: bool,
    /// Chats: history up to this seq was deleted for this member.
    pub cleared_seq: u64,
}

/// A conversation as seen by one user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConversationAccess {
    /// Lobby or chat.
    pub kind: ConversationKind,
    /// The user's membership, if any.
    pub member: Option<MemberState>,
}

pub(crate) fn parse_role(text: &str) -> Result<Role, StoreError> {
    match text {
        "admin" => Ok(Role::Admin),
        "member" => Ok(Role::Member),
        other => Err(StoreError::Corrupt(format!("bad role {other:?}"))),
    }
}

pub(crate) fn parse_visibility(text: &str) -> Result<Visibility, StoreError> {
    match text {
        "public" => Ok(Visibility::Public),
        "private" => Ok(Visibility::Private),
        other => Err(StoreError::Corrupt(format!("bad visibility {other:?}"))),
    }
}

impl Store {
    /// The conversation `id` as seen by `user`, or `None` when it does not exist.
    pub async fn conversation_access(
        &self,
        id: ConversationId,
        user: UserId,
    ) -> Result<Option<ConversationAccess>, StoreError> {
        type Row = (
            String,
            Option<String>,
            Option<String>,
            Option<super::Flag>,
            Option<i64>,
        );
        let row: Option<Row> = sqlx::query_as(
            "SELECT c.kind, l.visibility, m.role, m.hidden, m.cleared_seq
             FROM conversations c
             LEFT JOIN lobbies l ON l.id = c.id
             LEFT JOIN members m ON m.conversation_id = c.id AND m.user_id = $1
             WHERE c.id = $2",
        )
        .bind(user.to_string())
        .bind(id.to_string())
        .fetch_optional(self.pool())
        .await?;
        let Some((kind, visibility, role, hidden, cleared_seq)) = row else {
            return Ok(None);
        };
        let kind = match (kind.as_str(), visibility) {
            ("lobby", Some(v)) => ConversationKind::Lobby(parse_visibility(&v)?),
            ("chat", _) => ConversationKind::Chat,
            (other, _) => {
                return Err(StoreError::Corrupt(format!(
                    "bad conversation kind {other:?}"
                )));
            }
        };
        let member = match role {
            Some(role) => Some(MemberState {
                role: parse_role(&role)?,
                hidden: hidden.is_some_and(bool::from),
                cleared_seq: count(cleared_seq.unwrap_or(0)),
            }),
            None => None,
        };
        Ok(Some(ConversationAccess { kind, member }))
    }

    /// Moves `user`'s read cursor forward to `seq` (never backwards, never past the end).
    pub async fn mark_read(
        &self,
        conversation: ConversationId,
        user: UserId,
        seq: u64,
    ) -> Result<u64, StoreError> {
        let seq = i64::try_from(seq).unwrap_or(i64::MAX);
        let read: Option<i64> = sqlx::query_scalar(
            // The new cursor: `$1`, but never past the conversation's last message; and the
            // old one when that is further (portable MAX/MIN: SQLite's are not PostgreSQL's).
            "UPDATE members SET read_seq = CASE WHEN read_seq > t.target THEN read_seq ELSE t.target END
             FROM (SELECT CASE WHEN $1 < last_seq THEN $1 ELSE last_seq END AS target
                   FROM conversations WHERE id = $2) AS t
             WHERE conversation_id = $2 AND user_id = $3
             RETURNING read_seq",
        )
        .bind(seq)
        .bind(conversation.to_string())
        .bind(user.to_string())
        .fetch_optional(self.pool())
        .await?;
        Ok(count(read.unwrap_or(0)))
    }
}

impl Store {
    /// Every conversation of `user` (lobbies, and chats they have not deleted) with its
    /// counters and the user's read state: what `ready` reports.
    pub async fn conversation_states(
        &self,
        user: UserId,
    ) -> Result<Vec<chat_core::v1::ConversationState>, StoreError> {
        type Row = (String, String, i64, i64, i64, i64, i64);
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT c.id, c.kind, c.event_seq, c.last_seq, m.read_seq,
                (SELECT COUNT(*) FROM (
                    SELECT 1 FROM messages x
                    WHERE x.conversation_id = c.id AND x.seq > CASE WHEN m.read_seq > m.cleared_seq THEN m.read_seq ELSE m.cleared_seq END
                      AND x.deleted_at IS NULL AND (x.author_id IS NULL OR x.author_id != m.user_id)
                    LIMIT 1000) AS unread),
                (SELECT COUNT(*) FROM mentions n WHERE n.user_id = m.user_id AND n.conversation_id = c.id
                    AND n.seq > CASE WHEN m.read_seq > m.cleared_seq THEN m.read_seq ELSE m.cleared_seq END)
             FROM members m JOIN conversations c ON c.id = m.conversation_id
             WHERE m.user_id = $1 AND m.hidden = 0
             ORDER BY c.id",
        )
        .bind(user.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(
                |(id, kind, event_seq, last_seq, read_seq, unread, mentioned)| {
                    Ok(chat_core::v1::ConversationState {
                        conversation_id: super::parse_id(&id)?,
                        kind: match kind.as_str() {
                            "lobby" => chat_core::v1::ConversationKind::Lobby,
                            _ => chat_core::v1::ConversationKind::Chat,
                        },
                        seq: count(event_seq),
                        last_message_seq: count(last_seq),
                        read_seq: count(read_seq),
                        unread_count: count(unread),
                        unread_mention_count: count(mentioned),
                        online: Vec::new(),
                    })
                },
            )
            .collect()
    }

    /// The ids of the conversations `user` receives events of.
    pub async fn subscriptions(&self, user: UserId) -> Result<Vec<ConversationId>, StoreError> {
        let ids: Vec<String> = sqlx::query_scalar(
            "SELECT conversation_id FROM members WHERE user_id = $1 AND hidden = 0",
        )
        .bind(user.to_string())
        .fetch_all(self.pool())
        .await?;
        ids.iter().map(|id| super::parse_id(id)).collect()
    }

    /// Whether two users share a lobby or a chat.
    pub async fn share_conversation(&self, a: UserId, b: UserId) -> Result<bool, StoreError> {
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT 1 FROM members x JOIN members y ON y.conversation_id = x.conversation_id
             WHERE x.user_id = $1 AND y.user_id = $2 AND x.hidden = 0 AND y.hidden = 0 LIMIT 1",
        )
        .bind(a.to_string())
        .bind(b.to_string())
        .fetch_optional(self.pool())
        .await?;
        Ok(found.is_some())
    }
}

impl Store {
    /// The members of a conversation (both users of a chat).
    pub async fn member_ids(
        &self,
        conversation: ConversationId,
    ) -> Result<Vec<UserId>, StoreError> {
        let ids: Vec<String> =
            sqlx::query_scalar("SELECT user_id FROM members WHERE conversation_id = $1")
                .bind(conversation.to_string())
                .fetch_all(self.pool())
                .await?;
        ids.iter().map(|id| super::parse_id(id)).collect()
    }
}

impl Store {
    /// The chats whose history `user` deleted up to some message seq (their floor).
    pub async fn chat_floors(
        &self,
        user: UserId,
    ) -> Result<Vec<(ConversationId, u64)>, StoreError> {
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT conversation_id, cleared_seq FROM members WHERE user_id = $1 AND cleared_seq > 0",
        )
        .bind(user.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(|(id, seq)| Ok((super::parse_id(&id)?, count(seq))))
            .collect()
    }
}
