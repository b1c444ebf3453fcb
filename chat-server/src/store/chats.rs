//! Direct chats: the `chats` table over `conversations`, one per pair of users.

use chat_core::v1::{Chat, ChatId, Message, UserId};

use super::rows::UserRow;
use super::{Store, StoreError, count, new_id, now_millis, parse_id, parse_text, timestamp};

/// The columns of a chat as seen by the user bound to `?1`.
const CHAT_SELECT: &str = "
    SELECT c.id, c.created_at, cv.last_seq, me.read_seq,
        u.id AS p_id, u.username AS p_username, u.display_name AS p_display_name,
        u.description AS p_description, u.created_at AS p_created_at,
        (SELECT COUNT(*) FROM (
            SELECT 1 FROM messages x
            WHERE x.conversation_id = c.id AND x.seq > CASE WHEN me.read_seq > me.cleared_seq THEN me.read_seq ELSE me.cleared_seq END
              AND x.deleted_at IS NULL AND (x.author_id IS NULL OR x.author_id != $1)
            LIMIT 1000) AS unread) AS unread_count,
        (SELECT COUNT(*) FROM mentions n WHERE n.user_id = $1 AND n.conversation_id = c.id
            AND n.seq > CASE WHEN me.read_seq > me.cleared_seq THEN me.read_seq ELSE me.cleared_seq END)
            AS unread_mention_count,
        lm.id AS lm_id, lm.seq AS lm_seq, lm.content AS lm_content,
        lm.created_at AS lm_created_at, lm.edited_at AS lm_edited_at,
        la.id AS la_id, la.username AS la_username, la.display_name AS la_display_name
    FROM chats c
    JOIN conversations cv ON cv.id = c.id
    JOIN members me ON me.conversation_id = c.id AND me.user_id = $1
    JOIN users u ON u.id = CASE WHEN c.user_low = $1 THEN c.user_high ELSE c.user_low END
    LEFT JOIN messages lm ON lm.conversation_id = c.id AND lm.seq = (
        SELECT MAX(y.seq) FROM messages y
        WHERE y.conversation_id = c.id AND y.deleted_at IS NULL AND y.seq > me.cleared_seq)
    LEFT JOIN users la ON la.id = lm.author_id";

#[derive(sqlx::FromRow)]
struct ChatRow {
    id: String,
    created_at: i64,
    last_seq: i64,
    read_seq: i64,
    p_id: String,
    p_username: String,
    p_display_name: String,
    p_description: String,
    p_created_at: i64,
    unread_count: i64,
    unread_mention_count: i64,
    lm_id: Option<String>,
    lm_seq: Option<i64>,
    lm_content: Option<String>,
    lm_created_at: Option<i64>,
    lm_edited_at: Option<i64>,
    la_id: Option<String>,
    la_username: Option<String>,
    la_display_name: Option<String>,
}

impl ChatRow {
    fn into_chat(self) -> Result<Chat, StoreError> {
        let partner = UserRow {
            id: self.p_id,
            username: self.p_username,
            display_name: self.p_display_name,
            description: self.p_description,
            created_at: self.p_created_at,
        }
        .into_user()?;
        let last_message = match (self.lm_id, self.lm_seq, self.lm_content, self.lm_created_at) {
            (Some(id), Some(seq), Some(content), Some(created_at)) => {
                let author =
                    super::rows::author(self.la_id, self.la_username, self.la_display_name)?;
                Some(Message {
                    id: parse_id(&id)?,
                    conversation_id: parse_id(&self.id)?,
                    seq: count(seq),
                    author,
                    content: parse_text(content)?,
                    created_at: timestamp(created_at)?,
                    edited_at: self.lm_edited_at.map(timestamp).transpose()?,
                    // A list's preview is the text; the chat's history has the rest.
                    reply_to: None,
                    reactions: Vec::new(),
                    pinned_at: None,
                    mentions: Vec::new(),
                    broadcast: None,
                })
            }
            _ => None,
        };
        Ok(Chat {
            id: parse_id(&self.id)?,
            partner,
            created_at: timestamp(self.created_at)?,
            last_message,
            last_seq: count(self.last_seq),
            read_seq: count(self.read_seq),
            unread_count: count(self.unread_count),
            unread_mention_count: count(self.unread_mention_count),
        })
    }
}

/// The pair of users in the order the `chats` table keeps them.
fn ordered(a: UserId, b: UserId) -> (String, String) {
    let (a, b) = (a.to_string(), b.to_string());
    if a < b { (a, b) } else { (b, a) }
}

impl Store {
    /// Opens the chat between `me` and `partner`, or finds the existing one, and makes it
    /// visible to `me` again if they had deleted it; a new chat stays hidden from `partner`
    /// until its first message. Returns the chat id and whether it is new.
    pub async fn open_chat(
        &self,
        me: UserId,
        partner: UserId,
    ) -> Result<(ChatId, bool), StoreError> {
        let (low, high) = ordered(me, partner);
        let mut tx = self.begin_write().await?;
        let existing: Option<String> =
            sqlx::query_scalar("SELECT id FROM chats WHERE user_low = $1 AND user_high = $2")
                .bind(&low)
                .bind(&high)
                .fetch_optional(&mut *tx)
                .await?;
        let (id, created) = match existing {
            Some(id) => {
                sqlx::query(
                    "UPDATE members SET hidden = 0 WHERE conversation_id = $1 AND user_id = $2",
                )
                .bind(&id)
                .bind(me.to_string())
                .execute(&mut *tx)
                .await?;
                (id, false)
            }
            None => {
                let id = new_id().to_string();
                let now = now_millis();
                sqlx::query(
                    "INSERT INTO conversations (id, kind, last_seq, created_at) VALUES ($1, 'chat', 0, $2)",
                )
                .bind(&id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "INSERT INTO chats (id, user_low, user_high, created_at) VALUES ($1, $2, $3, $4)",
                )
                .bind(&id)
                .bind(&low)
                .bind(&high)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                // The partner's side starts hidden: the chat appears for them with its first
                // message (which un-hides every member), so nobody can put empty chats into a
                // stranger's list.
                sqlx::query(
                    "INSERT INTO members (conversation_id, user_id, role, joined_at, hidden)
                     VALUES ($1, $2, 'member', $3, 0), ($1, $4, 'member', $3, 1)",
                )
                .bind(&id)
                .bind(me.to_string())
                .bind(now)
                .bind(partner.to_string())
                .execute(&mut *tx)
                .await?;
                (id, true)
            }
        };
        tx.commit().await?;
        Ok((parse_id(&id)?, created))
    }

    /// The chat between `me` and `partner`, if one was ever opened.
    pub async fn chat_between(
        &self,
        me: UserId,
        partner: UserId,
    ) -> Result<Option<ChatId>, StoreError> {
        let (low, high) = ordered(me, partner);
        let id: Option<String> =
            sqlx::query_scalar("SELECT id FROM chats WHERE user_low = $1 AND user_high = $2")
                .bind(&low)
                .bind(&high)
                .fetch_optional(self.pool())
                .await?;
        id.map(|id| parse_id(&id)).transpose()
    }

    /// A chat as seen by `viewer`, who must be one of its two users.
    pub async fn chat(&self, id: ChatId, viewer: UserId) -> Result<Option<Chat>, StoreError> {
        let sql = format!("{CHAT_SELECT} WHERE c.id = $2");
        sqlx::query_as::<_, ChatRow>(sqlx::AssertSqlSafe(sql))
            .bind(viewer.to_string())
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await?
            .map(ChatRow::into_chat)
            .transpose()
    }

    /// The chats of `user` they have not deleted, most recently active first.
    pub async fn my_chats(&self, user: UserId) -> Result<Vec<Chat>, StoreError> {
        let sql = format!(
            "{CHAT_SELECT} WHERE me.hidden = 0
             ORDER BY COALESCE(lm.created_at, c.created_at) DESC, c.id DESC"
        );
        sqlx::query_as::<_, ChatRow>(sqlx::AssertSqlSafe(sql))
            .bind(user.to_string())
            .fetch_all(self.pool())
            .await?
            .into_iter()
            .map(ChatRow::into_chat)
            .collect()
    }

    /// Deletes a chat for `user` only: hides it and its history up to now.
    pub async fn hide_chat(&self, id: ChatId, user: UserId) -> Result<bool, StoreError> {
        Ok(sqlx::query(
            "UPDATE members SET hidden = 1,
                cleared_seq = (SELECT last_seq FROM conversations WHERE id = members.conversation_id),
                read_seq = (SELECT last_seq FROM conversations WHERE id = members.conversation_id)
             WHERE conversation_id = $1 AND user_id = $2",
        )
        .bind(id.to_string())
        .bind(user.to_string())
        .execute(self.pool())
        .await?
        .rows_affected()
            > 0)
    }
}
