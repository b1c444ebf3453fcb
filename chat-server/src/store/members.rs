//! Membership: the `members` table, shared by lobbies and chats.

use chat_core::v1::{ConversationId, Cursor, Member, MemberPage, PageLimit, Role, UserId};
use sqlx::{Any, Transaction};

use super::conversations::parse_role;
use super::events::{self, EventKind, NewEvent};
use super::rows::UserRow;
use super::{Store, StoreError, now_millis, parse_id, timestamp};

#[derive(sqlx::FromRow)]
struct MemberRow {
    #[sqlx(flatten)]
    user: UserRow,
    role: String,
    joined_at: i64,
}

impl MemberRow {
    fn into_member(self) -> Result<Member, StoreError> {
        Ok(Member {
            user: self.user.into_user()?,
            role: parse_role(&self.role)?,
            joined_at: timestamp(self.joined_at)?,
        })
    }
}

const MEMBER_SELECT: &str = "
    SELECT u.id, u.username, u.display_name, u.description, u.created_at, m.role, m.joined_at
    FROM members m JOIN users u ON u.id = m.user_id";

/// What removing a member did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Removal {
    /// The user was not a member.
    NotMember,
    /// The member is gone; the lobby lives on.
    Removed {
        /// The `member.left` or `member.removed` event.
        event_seq: u64,
        /// Who became admin because the last admin left, and that `member.updated` event.
        promoted: Option<(UserId, u64)>,
    },
    /// Refused: the user is the lobby's only member, and leaving would delete it. Deleting a
    /// lobby is its own, explicit operation.
    OnlyMember,
    /// The last member's account was deleted, and the lobby with it; the deletion takes this
    /// event seq.
    LobbyDeleted {
        /// One past the last stored event.
        seq: u64,
    },
}

/// What changing a role did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleChange {
    /// The user is not a member.
    NotMember,
    /// Refused: the lobby would have no admin left.
    LastAdmin,
    /// The member already had that role.
    Unchanged,
    /// Done, as this `member.updated` event.
    Changed(u64),
}

/// Why a member goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Departure {
    /// They left; refused for the only member ([`Removal::OnlyMember`]).
    Left,
    /// Their account was deleted; a lobby left without members is deleted too.
    AccountDeleted,
    /// An admin removed them.
    Removed,
}

/// Removes `user` from the lobby `conversation` inside `tx`, promoting the longest-standing
/// member when the last admin leaves and deleting the lobby when a deleted account was its
/// last member.
pub(crate) async fn remove_in_tx(
    tx: &mut Transaction<'static, Any>,
    conversation: &str,
    user: &str,
    departure: Departure,
) -> Result<Removal, StoreError> {
    if departure == Departure::Left {
        // Checked before anything is written: the caller's transaction stays untouched.
        let others: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM members WHERE conversation_id = $1 AND user_id <> $2",
        )
        .bind(conversation)
        .bind(user)
        .fetch_one(&mut **tx)
        .await?;
        if others == 0 {
            let member: Option<i64> = sqlx::query_scalar(
                "SELECT 1 FROM members WHERE conversation_id = $1 AND user_id = $2",
            )
            .bind(conversation)
            .bind(user)
            .fetch_optional(&mut **tx)
            .await?;
            return Ok(if member.is_some() {
                Removal::OnlyMember
            } else {
                Removal::NotMember
            });
        }
    }
    let role: Option<String> = sqlx::query_scalar(
        "DELETE FROM members WHERE conversation_id = $1 AND user_id = $2 RETURNING role",
    )
    .bind(conversation)
    .bind(user)
    .fetch_optional(&mut **tx)
    .await?;
    let Some(role) = role else {
        return Ok(Removal::NotMember);
    };
    let remaining: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM members WHERE conversation_id = $1")
            .bind(conversation)
            .fetch_one(&mut **tx)
            .await?;
    if remaining == 0 {
        let last: i64 =
            sqlx::query_scalar("DELETE FROM conversations WHERE id = $1 RETURNING event_seq")
                .bind(conversation)
                .fetch_one(&mut **tx)
                .await?;
        return Ok(Removal::LobbyDeleted {
            seq: super::count(last) + 1,
        });
    }
    let kind = match departure {
        Departure::Left | Departure::AccountDeleted => EventKind::MemberLeft,
        Departure::Removed => EventKind::MemberRemoved,
    };
    let event_seq = events::append(
        tx,
        conversation,
        NewEvent::member(kind, parse_id(user)?, None),
    )
    .await?;
    let mut promoted = None;
    if parse_role(&role)? == Role::Admin {
        let admins: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM members WHERE conversation_id = $1 AND role = 'admin'",
        )
        .bind(conversation)
        .fetch_one(&mut **tx)
        .await?;
        if admins == 0 {
            let heir: String = sqlx::query_scalar(
                "UPDATE members SET role = 'admin'
                 WHERE conversation_id = $1 AND user_id = (
                    SELECT user_id FROM members WHERE conversation_id = $1
                    ORDER BY joined_at, user_id LIMIT 1)
                 RETURNING user_id",
            )
            .bind(conversation)
            .fetch_one(&mut **tx)
            .await?;
            let heir = parse_id(&heir)?;
            let seq = events::append(
                tx,
                conversation,
                NewEvent::member(EventKind::MemberUpdated, heir, Some(Role::Admin)),
            )
            .await?;
            promoted = Some((heir, seq));
        }
    }
    Ok(Removal::Removed {
        event_seq,
        promoted,
    })
}

impl Store {
    /// Adds `user` to a lobby with a `member.joined` event. Returns the member and the event
    /// seq, or `None` when they were already in it. The new member's read cursor starts at the
    /// newest message: history from before is not "unread".
    pub async fn add_member(
        &self,
        conversation: ConversationId,
        user: UserId,
        role: Role,
    ) -> Result<Option<(Member, u64)>, StoreError> {
        let conversation_text = conversation.to_string();
        let mut tx = self.begin_write().await?;
        let added = sqlx::query(
            "INSERT INTO members (conversation_id, user_id, role, joined_at, read_seq)
             SELECT id, $1, $2, $3, last_seq FROM conversations WHERE id = $4
             ON CONFLICT (conversation_id, user_id) DO NOTHING",
        )
        .bind(user.to_string())
        .bind(role.as_str())
        .bind(now_millis())
        .bind(&conversation_text)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if added == 0 {
            return Ok(None);
        }
        let seq = events::append(
            &mut tx,
            &conversation_text,
            NewEvent::member(EventKind::MemberJoined, user, Some(role)),
        )
        .await?;
        let sql = format!("{MEMBER_SELECT} WHERE m.conversation_id = $1 AND m.user_id = $2");
        let member = sqlx::query_as::<_, MemberRow>(sqlx::AssertSqlSafe(sql))
            .bind(&conversation_text)
            .bind(user.to_string())
            .fetch_one(&mut *tx)
            .await?
            .into_member()?;
        tx.commit().await?;
        Ok(Some((member, seq)))
    }

    /// One member of a conversation.
    pub async fn member(
        &self,
        conversation: ConversationId,
        user: UserId,
    ) -> Result<Option<Member>, StoreError> {
        let sql = format!("{MEMBER_SELECT} WHERE m.conversation_id = $1 AND m.user_id = $2");
        sqlx::query_as::<_, MemberRow>(sqlx::AssertSqlSafe(sql))
            .bind(conversation.to_string())
            .bind(user.to_string())
            .fetch_optional(self.pool())
            .await?
            .map(MemberRow::into_member)
            .transpose()
    }

    /// A page of members ordered by username.
    pub async fn members(
        &self,
        conversation: ConversationId,
        after: Option<&Cursor>,
        limit: PageLimit,
    ) -> Result<MemberPage, StoreError> {
        let sql = format!(
            "{MEMBER_SELECT} WHERE m.conversation_id = $1 AND u.username > $2 ORDER BY u.username LIMIT $3"
        );
        let rows = sqlx::query_as::<_, MemberRow>(sqlx::AssertSqlSafe(sql))
            .bind(conversation.to_string())
            .bind(after.map(Cursor::as_str).unwrap_or(""))
            .bind(i64::from(limit.get()) + 1)
            .fetch_all(self.pool())
            .await?;
        let (rows, more) = super::split_page(rows, limit);
        let items = rows
            .into_iter()
            .map(MemberRow::into_member)
            .collect::<Result<Vec<_>, _>>()?;
        let next_cursor =
            super::username_cursor(more, items.last().map(|last| &last.user.username));
        Ok(MemberPage { items, next_cursor })
    }

    /// Promotes or demotes a member, keeping at least one admin.
    pub async fn set_role(
        &self,
        conversation: ConversationId,
        user: UserId,
        role: Role,
    ) -> Result<RoleChange, StoreError> {
        let mut tx = self.begin_write().await?;
        let current: Option<String> = sqlx::query_scalar(
            "SELECT role FROM members WHERE conversation_id = $1 AND user_id = $2",
        )
        .bind(conversation.to_string())
        .bind(user.to_string())
        .fetch_optional(&mut *tx)
        .await?;
        let Some(current) = current else {
            return Ok(RoleChange::NotMember);
        };
        if parse_role(&current)? == Role::Admin && role == Role::Member {
            let admins: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM members WHERE conversation_id = $1 AND role = 'admin'",
            )
            .bind(conversation.to_string())
            .fetch_one(&mut *tx)
            .await?;
            if admins <= 1 {
                return Ok(RoleChange::LastAdmin);
            }
        }
        if parse_role(&current)? == role {
            return Ok(RoleChange::Unchanged);
        }
        sqlx::query("UPDATE members SET role = $1 WHERE conversation_id = $2 AND user_id = $3")
            .bind(role.as_str())
            .bind(conversation.to_string())
            .bind(user.to_string())
            .execute(&mut *tx)
            .await?;
        let seq = events::append(
            &mut tx,
            &conversation.to_string(),
            NewEvent::member(EventKind::MemberUpdated, user, Some(role)),
        )
        .await?;
        tx.commit().await?;
        Ok(RoleChange::Changed(seq))
    }

    /// Removes a member from a lobby (leaving, or removal by an admin).
    pub async fn remove_member(
        &self,
        conversation: ConversationId,
        user: UserId,
        departure: Departure,
    ) -> Result<Removal, StoreError> {
        let mut tx = self.begin_write().await?;
        let removal = remove_in_tx(
            &mut tx,
            &conversation.to_string(),
            &user.to_string(),
            departure,
        )
        .await?;
        tx.commit().await?;
        Ok(removal)
    }
}
