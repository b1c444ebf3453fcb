//! Lobbies: the `lobbies` table over `conversations`.

use chat_core::v1::{
    Cursor, Description, Lobby, LobbyId, LobbyName, LobbyPage, Membership, PageLimit, UserId,
    Visibility,
};

use super::conversations::{parse_role, parse_visibility};
use super::events::{self, EventKind, NewEvent};
use super::{
    Store, StoreError, count, like_prefix, new_id, now_millis, parse_id, parse_text, timestamp,
};

/// The columns of a lobby as seen by the user bound to `?1`.
const LOBBY_SELECT: &str = "
    SELECT l.id, l.name, l.name_key, l.description, l.visibility, l.created_by, l.created_at,
        (SELECT COUNT(*) FROM members mc WHERE mc.conversation_id = l.id) AS member_count,
        c.last_seq,
        m.role, m.joined_at, m.read_seq,
        CASE WHEN m.user_id IS NULL THEN 0 ELSE (SELECT COUNT(*) FROM (
            SELECT 1 FROM messages x
            WHERE x.conversation_id = l.id AND x.seq > m.read_seq AND x.deleted_at IS NULL
              AND (x.author_id IS NULL OR x.author_id != m.user_id)
            LIMIT 1000) AS unread) END AS unread_count,
        CASE WHEN m.user_id IS NULL THEN 0 ELSE (SELECT COUNT(*) FROM mentions n
            WHERE n.user_id = m.user_id AND n.conversation_id = l.id AND n.seq > m.read_seq)
        END AS unread_mention_count
    FROM lobbies l
    JOIN conversations c ON c.id = l.id
    LEFT JOIN members m ON m.conversation_id = l.id AND m.user_id = $1";

#[derive(sqlx::FromRow)]
struct LobbyRow {
    id: String,
    name: String,
    name_key: String,
    description: String,
    visibility: String,
    created_by: Option<String>,
    created_at: i64,
    member_count: i64,
    last_seq: i64,
    role: Option<String>,
    joined_at: Option<i64>,
    read_seq: Option<i64>,
    unread_count: i64,
    unread_mention_count: i64,
}

impl LobbyRow {
    fn into_lobby(self) -> Result<Lobby, StoreError> {
        let membership = match (self.role, self.joined_at) {
            (Some(role), Some(joined_at)) => Some(Membership {
                role: parse_role(&role)?,
                joined_at: timestamp(joined_at)?,
                read_seq: count(self.read_seq.unwrap_or(0)),
                unread_count: count(self.unread_count),
                unread_mention_count: count(self.unread_mention_count),
            }),
            _ => None,
        };
        Ok(Lobby {
            id: parse_id(&self.id)?,
            name: parse_text(self.name)?,
            description: parse_text(self.description)?,
            visibility: parse_visibility(&self.visibility)?,
            created_by: self.created_by.as_deref().map(parse_id).transpose()?,
            created_at: timestamp(self.created_at)?,
            member_count: count(self.member_count),
            last_seq: count(self.last_seq),
            membership,
        })
    }
}

/// The key lobbies are ordered and searched by.
fn name_key(name: &LobbyName) -> String {
    name.as_str().to_lowercase()
}

/// A page of the community: public lobbies user `$1` has not joined whose name starts with
/// the `LIKE` pattern `$2`, after the cursor (`$3` name key, `$4` id), at most `$5`.
pub(super) fn community_sql() -> String {
    format!(
        "{LOBBY_SELECT}
         WHERE l.visibility = 'public' AND m.user_id IS NULL
           AND l.name_key LIKE $2 ESCAPE '\\'
           AND (l.name_key > $3 OR (l.name_key = $3 AND l.id > $4))
         ORDER BY l.name_key, l.id
         LIMIT $5"
    )
}

impl Store {
    /// Creates a lobby with `creator` as its admin.
    pub async fn create_lobby(
        &self,
        creator: UserId,
        name: &LobbyName,
        description: &Description,
        visibility: Visibility,
    ) -> Result<Lobby, StoreError> {
        let id = new_id().to_string();
        let now = now_millis();
        let creator = creator.to_string();
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO conversations (id, kind, last_seq, created_at) VALUES ($1, 'lobby', 0, $2)",
        )
        .bind(&id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO lobbies (id, name, name_key, description, visibility, created_by, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&id)
        .bind(name.as_str())
        .bind(name_key(name))
        .bind(description.as_str())
        .bind(visibility.as_str())
        .bind(&creator)
        .bind(now)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO members (conversation_id, user_id, role, joined_at) VALUES ($1, $2, 'admin', $3)",
        )
        .bind(&id)
        .bind(&creator)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        events::append(
            &mut tx,
            &id,
            NewEvent::member(
                EventKind::MemberJoined,
                parse_id(&creator)?,
                Some(chat_core::v1::Role::Admin),
            ),
        )
        .await?;
        tx.commit().await?;
        let lobby = self.lobby(parse_id(&id)?, parse_id(&creator)?).await?;
        lobby.ok_or_else(|| StoreError::Corrupt("created lobby vanished".into()))
    }

    /// A lobby as seen by `viewer` (whether or not they may see it: the caller checks).
    pub async fn lobby(&self, id: LobbyId, viewer: UserId) -> Result<Option<Lobby>, StoreError> {
        let sql = format!("{LOBBY_SELECT} WHERE l.id = $2");
        sqlx::query_as::<_, LobbyRow>(sqlx::AssertSqlSafe(sql))
            .bind(viewer.to_string())
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await?
            .map(LobbyRow::into_lobby)
            .transpose()
    }

    /// The lobbies `user` belongs to, ordered by name.
    pub async fn my_lobbies(&self, user: UserId) -> Result<Vec<Lobby>, StoreError> {
        let sql = format!("{LOBBY_SELECT} WHERE m.user_id IS NOT NULL ORDER BY l.name_key, l.id");
        sqlx::query_as::<_, LobbyRow>(sqlx::AssertSqlSafe(sql))
            .bind(user.to_string())
            .fetch_all(self.pool())
            .await?
            .into_iter()
            .map(LobbyRow::into_lobby)
            .collect()
    }

    /// Public lobbies `user` has not joined whose name starts with `q`, ordered by name.
    pub async fn community_lobbies(
        &self,
        user: UserId,
        q: Option<&str>,
        after: Option<&Cursor>,
        limit: PageLimit,
    ) -> Result<LobbyPage, StoreError> {
        // The cursor is "<name_key>\n<id>" of the last lobby of the previous page.
        let (after_key, after_id) = after
            .and_then(|c| c.as_str().rsplit_once('\n'))
            .map_or((String::new(), String::new()), |(k, i)| {
                (k.to_owned(), i.to_owned())
            });
        let rows = sqlx::query_as::<_, LobbyRow>(sqlx::AssertSqlSafe(community_sql()))
            .bind(user.to_string())
            .bind(like_prefix(&q.unwrap_or("").to_lowercase()))
            .bind(after_key)
            .bind(after_id)
            .bind(i64::from(limit.get()) + 1)
            .fetch_all(self.pool())
            .await?;
        let (rows, more) = super::split_page(rows, limit);
        let next_cursor = match (more, rows.last()) {
            (true, Some(last)) => Cursor::new(format!("{}\n{}", last.name_key, last.id)).ok(),
            _ => None,
        };
        let items = rows
            .into_iter()
            .map(LobbyRow::into_lobby)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(LobbyPage { items, next_cursor })
    }

    /// Renames, describes or changes the visibility of a lobby, with a `lobby.updated` event.
    pub async fn update_lobby(
        &self,
        id: LobbyId,
        name: Option<&LobbyName>,
        description: Option<&Description>,
        visibility: Option<Visibility>,
    ) -> Result<u64, StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE lobbies SET
                name = COALESCE($1, name),
                name_key = COALESCE($2, name_key),
                description = COALESCE($3, description),
                visibility = COALESCE($4, visibility),
                updated_at = $5
             WHERE id = $6",
        )
        .bind(name.map(LobbyName::as_str))
        .bind(name.map(name_key))
        .bind(description.map(Description::as_str))
        .bind(visibility.map(Visibility::as_str))
        .bind(now_millis())
        .bind(id.to_string())
        .execute(&mut *tx)
        .await?;
        let seq = events::append(
            &mut tx,
            &id.to_string(),
            NewEvent::lobby(EventKind::LobbyUpdated),
        )
        .await?;
        tx.commit().await?;
        Ok(seq)
    }

    /// Deletes a lobby with its members, messages and events. Returns the seq its deletion
    /// takes in the event stream (one past the last stored event), or `None` when there is no
    /// such lobby (a chat's id names no lobby, even for a server admin).
    pub async fn delete_lobby(&self, id: LobbyId) -> Result<Option<u64>, StoreError> {
        let last: Option<i64> = sqlx::query_scalar(
            "DELETE FROM conversations WHERE id = $1 AND kind = 'lobby' RETURNING event_seq",
        )
        .bind(id.to_string())
        .fetch_optional(self.pool())
        .await?;
        Ok(last.map(|seq| count(seq) + 1))
    }
}

impl Store {
    /// A lobby's visibility, or `None` when it does not exist.
    pub async fn lobby_visibility(&self, id: LobbyId) -> Result<Option<Visibility>, StoreError> {
        let text: Option<String> =
            sqlx::query_scalar("SELECT visibility FROM lobbies WHERE id = $1")
                .bind(id.to_string())
                .fetch_optional(self.pool())
                .await?;
        text.as_deref().map(parse_visibility).transpose()
    }
}
