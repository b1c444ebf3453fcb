//! API tokens: personal tokens (any signed-in user) and client tokens (server admins).

use chat_core::v1::{
    ApiTokenList, AuditAction, CreateApiTokenRequest, CreateClientTokenRequest, CreatedApiToken,
    Timestamp, TokenId, TokenKind, TokenScope, ValidationError, ValidationErrorKind, close_code,
};

use crate::auth::caller::{CLIENT_TOKEN_PREFIX, Caller, PERSONAL_TOKEN_PREFIX, hash_secret};
use crate::clock::now_millis;
use crate::error::Error;
use crate::state::AppState;

/// A fresh secret: 256 random bits after the kind's prefix.
fn new_secret(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    rand::fill(&mut bytes);
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("{prefix}{hex}")
}

fn check_expiry(expires_at: Option<Timestamp>) -> Result<(), Error> {
    match expires_at {
        Some(t) if t.unix_millis() <= now_millis() => Err(Error::Validation(ValidationError {
            field: "expires_at",
            kind: ValidationErrorKind::Malformed("must be in the future"),
        })),
        _ => Ok(()),
    }
}

/// Creates a personal token for the caller (signed-in sessions only: tokens cannot mint
/// tokens).
pub async fn create(
    state: &AppState,
    caller: Caller,
    request: CreateApiTokenRequest,
) -> Result<CreatedApiToken, Error> {
    caller.require_session()?;
    if request.scopes.is_empty() {
        return Err(Error::Validation(ValidationError {
            field: "scopes",
            kind: ValidationErrorKind::Malformed("needs at least one of read, write"),
        }));
    }
    check_expiry(request.expires_at)?;
    let secret = new_secret(PERSONAL_TOKEN_PREFIX);
    let can_write = request.scopes.contains(&TokenScope::Write);
    let info = state
        .store
        .create_token(
            TokenKind::Personal,
            caller.user_id,
            &request.name,
            can_write,
            request.expires_at,
            &hash_secret(&secret),
        )
        .await?;
    Ok(CreatedApiToken {
        token: secret,
        info,
    })
}

/// The caller's personal tokens.
pub async fn list(state: &AppState, caller: Caller) -> Result<ApiTokenList, Error> {
    caller.require_session()?;
    Ok(ApiTokenList {
        items: state
            .store
            .list_tokens(TokenKind::Personal, Some(caller.user_id))
            .await?,
    })
}

/// Revokes one of the caller's personal tokens; its open connections close at once.
pub async fn revoke(state: &AppState, caller: Caller, id: TokenId) -> Result<(), Error> {
    caller.require_session()?;
    if !state
        .store
        .revoke_token(id, TokenKind::Personal, Some(caller.user_id))
        .await?
    {
        return Err(Error::NotFound("token"));
    }
    state
        .hub
        .close_sessions(&[id.as_uuid()], close_code::UNAUTHORIZED);
    Ok(())
}

/// Creates a client token for an app (server admins).
pub async fn create_client(
    state: &AppState,
    caller: Caller,
    request: CreateClientTokenRequest,
) -> Result<CreatedApiToken, Error> {
    caller.require_session()?;
    super::admin::require_admin(state, caller).await?;
    check_expiry(request.expires_at)?;
    let secret = new_secret(CLIENT_TOKEN_PREFIX);
    let info = state
        .store
        .create_token(
            TokenKind::Client,
            caller.user_id,
            &request.name,
            false,
            request.expires_at,
            &hash_secret(&secret),
        )
        .await?;
    state
        .store
        .audit(
            Some(caller.user_id),
            AuditAction::ClientTokenCreate,
            &info.id.to_string(),
        )
        .await?;
    Ok(CreatedApiToken {
        token: secret,
        info,
    })
}

/// Every client token (server admins).
pub async fn list_clients(state: &AppState, caller: Caller) -> Result<ApiTokenList, Error> {
    super::admin::require_admin(state, caller).await?;
    Ok(ApiTokenList {
        items: state.store.list_tokens(TokenKind::Client, None).await?,
    })
}

/// Revokes a client token (server admins).
pub async fn revoke_client(state: &AppState, caller: Caller, id: TokenId) -> Result<(), Error> {
    super::admin::require_admin(state, caller).await?;
    if !state
        .store
        .revoke_token(id, TokenKind::Client, None)
        .await?
    {
        return Err(Error::NotFound("token"));
    }
    state
        .store
        .audit(
            Some(caller.user_id),
            AuditAction::ClientTokenRevoke,
            &id.to_string(),
        )
        .await?;
    Ok(())
}
