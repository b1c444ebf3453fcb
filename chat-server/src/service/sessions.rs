//! Turning a bearer token into a [`Caller`] (or a [`ClientApp`]): personal API tokens by their
//! hash, session JWTs by signature, expiry and an active session row. The salvo extractor
//! and the WebSocket gateway both call these, so both transports accept exactly the same
//! credentials.

use crate::auth::caller::{
    CLIENT_TOKEN_PREFIX, Caller, ClientApp, PERSONAL_TOKEN_PREFIX, Via, hash_secret,
};
use crate::error::Error;
use crate::state::AppState;

/// Checks a bearer token: a personal API token by its hash, or a JWT by signature, expiry
/// and an active session. Client tokens are refused here: they only create users.
pub async fn authenticate(state: &AppState, token: &str) -> Result<Caller, Error> {
    if token.starts_with(CLIENT_TOKEN_PREFIX) {
        return Err(Error::Unauthorized("client tokens can only create users"));
    }
    if token.starts_with(PERSONAL_TOKEN_PREFIX) {
        let grant = state
            .store
            .token_by_hash(&hash_secret(token))
            .await?
            .filter(|g| g.kind == chat_core::v1::TokenKind::Personal)
            .ok_or(Error::Unauthorized(
                "the token is invalid, expired or revoked",
            ))?;
        let user_id = grant
            .owner
            .ok_or(Error::Unauthorized("the token has no owner"))?;
        return Ok(Caller {
            user_id,
            session: grant.id.as_uuid(),
            expires_at: grant
                .expires_at
                .map_or(u64::MAX, |ms| u64::try_from(ms / 1000).unwrap_or(0)),
            can_write: grant.can_write,
            via: Via::ApiToken,
        });
    }
    let claims = state
        .tokens
        .verify(token)
        .map_err(|_| Error::Unauthorized("the token is invalid or expired"))?;
    if !state
        .store
        .session_is_active(claims.jti, claims.sub)
        .await?
    {
        return Err(Error::Unauthorized("the token was revoked"));
    }
    Ok(Caller {
        user_id: claims.sub,
        session: claims.jti,
        expires_at: claims.exp,
        can_write: true,
        via: Via::Session,
    })
}

/// Checks a client token (`chat_ct_…`) by its hash.
pub async fn client_app(state: &AppState, token: &str) -> Result<ClientApp, Error> {
    let grant = state
        .store
        .token_by_hash(&hash_secret(token))
        .await?
        .filter(|g| g.kind == chat_core::v1::TokenKind::Client)
        .ok_or(Error::Unauthorized(
            "the client token is invalid, expired or revoked",
        ))?;
    Ok(ClientApp { token: grant.id })
}

/// Whether the credential behind `caller` (a session or an API token) still holds: the
/// gateway asks this again while a connection stays open.
pub async fn still_valid(state: &AppState, caller: &Caller) -> Result<bool, Error> {
    Ok(match caller.via {
        Via::Session => {
            state
                .store
                .session_is_active(caller.session, caller.user_id)
                .await?
        }
        Via::ApiToken => state.store.api_token_is_active(caller.session).await?,
    })
}
