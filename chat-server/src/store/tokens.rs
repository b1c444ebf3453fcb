//! API tokens: the `api_tokens` table. Only SHA-256 hashes of the secrets are stored.

use chat_core::v1::{ApiToken, Timestamp, TokenId, TokenKind, TokenName, TokenScope, UserId};

use super::{Store, StoreError, new_id, now_millis, parse_id, parse_text, timestamp};

#[derive(sqlx::FromRow)]
struct TokenRow {
    id: String,
    kind: String,
    name: String,
    #[sqlx(try_from = "super::Flag")]
    can_write: bool,
    created_at: i64,
    expires_at: Option<i64>,
    last_used_at: Option<i64>,
    #[sqlx(try_from = "super::Flag")]
    revoked: bool,
}

impl TokenRow {
    fn into_token(self) -> Result<ApiToken, StoreError> {
        let kind = match self.kind.as_str() {
            "client" => TokenKind::Client,
            _ => TokenKind::Personal,
        };
        let scopes = match (kind, self.can_write) {
            (TokenKind::Client, _) => Vec::new(),
            (TokenKind::Personal, true) => vec![TokenScope::Read, TokenScope::Write],
            (TokenKind::Personal, false) => vec![TokenScope::Read],
        };
        Ok(ApiToken {
            id: parse_id(&self.id)?,
            kind,
            name: parse_text(self.name)?,
            scopes,
            created_at: timestamp(self.created_at)?,
            expires_at: self.expires_at.map(timestamp).transpose()?,
            last_used_at: self.last_used_at.map(timestamp).transpose()?,
            revoked: self.revoked,
        })
    }
}

const TOKEN_SELECT: &str = "SELECT id, kind, name, can_write, created_at, expires_at, last_used_at,
    revoked_at IS NOT NULL AS revoked FROM api_tokens";

/// What authentication needs to know about a presented token.
#[derive(Debug, Clone, Copy)]
pub struct TokenGrant {
    /// The token.
    pub id: TokenId,
    /// Personal or client.
    pub kind: TokenKind,
    /// The user (personal) or the admin who created it (client).
    pub owner: Option<UserId>,
    /// Whether it has the write scope.
    pub can_write: bool,
    /// When it expires, in stored form.
    pub expires_at: Option<i64>,
}

fn kind_str(kind: TokenKind) -> &'static str {
    match kind {
        TokenKind::Personal => "personal",
        TokenKind::Client => "client",
    }
}

impl Store {
    /// Stores a new token by the hash of its secret.
    pub async fn create_token(
        &self,
        kind: TokenKind,
        owner: UserId,
        name: &TokenName,
        can_write: bool,
        expires_at: Option<Timestamp>,
        secret_hash: &str,
    ) -> Result<ApiToken, StoreError> {
        let id = new_id().to_string();
        sqlx::query(
            "INSERT INTO api_tokens (id, kind, owner_id, name, can_write, secret_hash, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&id)
        .bind(kind_str(kind))
        .bind(owner.to_string())
        .bind(name.as_str())
        .bind(super::flag(can_write))
        .bind(secret_hash)
        .bind(now_millis())
        .bind(expires_at.map(|t| t.unix_millis()))
        .execute(self.pool())
        .await?;
        let sql = format!("{TOKEN_SELECT} WHERE id = $1");
        sqlx::query_as::<_, TokenRow>(sqlx::AssertSqlSafe(sql))
            .bind(&id)
            .fetch_one(self.pool())
            .await?
            .into_token()
    }

    /// The personal tokens of `owner`, or every client token, newest first.
    pub async fn list_tokens(
        &self,
        kind: TokenKind,
        owner: Option<UserId>,
    ) -> Result<Vec<ApiToken>, StoreError> {
        let sql = format!(
            "{TOKEN_SELECT} WHERE kind = $1 AND ($2 IS NULL OR owner_id = $3) ORDER BY id DESC"
        );
        let owner = owner.map(|o| o.to_string());
        sqlx::query_as::<_, TokenRow>(sqlx::AssertSqlSafe(sql))
            .bind(kind_str(kind))
            .bind(owner.clone())
            .bind(owner)
            .fetch_all(self.pool())
            .await?
            .into_iter()
            .map(TokenRow::into_token)
            .collect()
    }

    /// Revokes a token of `kind` (owned by `owner`, when given); `false` when there is none.
    pub async fn revoke_token(
        &self,
        id: TokenId,
        kind: TokenKind,
        owner: Option<UserId>,
    ) -> Result<bool, StoreError> {
        let owner = owner.map(|o| o.to_string());
        Ok(sqlx::query(
            "UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, $1)
             WHERE id = $2 AND kind = $3 AND ($4 IS NULL OR owner_id = $5)",
        )
        .bind(now_millis())
        .bind(id.to_string())
        .bind(kind_str(kind))
        .bind(owner.clone())
        .bind(owner)
        .execute(self.pool())
        .await?
        .rows_affected()
            > 0)
    }

    /// The active token with this secret hash: not revoked, not expired, and for personal
    /// tokens, owned by an account that is not disabled. Notes its use at most once a minute,
    /// so that reads stay reads.
    pub async fn token_by_hash(&self, secret_hash: &str) -> Result<Option<TokenGrant>, StoreError> {
        let now = now_millis();
        type Row = (
            String,
            String,
            Option<String>,
            super::Flag,
            Option<i64>,
            Option<i64>,
        );
        let row: Option<Row> = sqlx::query_as(
            "SELECT id, kind, owner_id, can_write, expires_at, last_used_at FROM api_tokens
             WHERE secret_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2)
               AND EXISTS (SELECT 1 FROM users u WHERE u.id = owner_id AND u.disabled_at IS NULL
                           AND (kind = 'personal' OR u.is_admin = 1))",
        )
        .bind(secret_hash)
        .bind(now)
        .fetch_optional(self.pool())
        .await?;
        let Some((id, kind, owner, can_write, expires_at, last_used_at)) = row else {
            return Ok(None);
        };
        if last_used_at.is_none_or(|at| now - at > 60_000) {
            sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
                .bind(now)
                .bind(&id)
                .execute(self.pool())
                .await?;
        }
        Ok(Some(TokenGrant {
            id: parse_id(&id)?,
            kind: if kind == "client" {
                TokenKind::Client
            } else {
                TokenKind::Personal
            },
            owner: owner.as_deref().map(parse_id).transpose()?,
            can_write: can_write.into(),
            expires_at,
        }))
    }
}
