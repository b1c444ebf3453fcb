//! Registration, login, logout and the caller's own account.

use chat_core::v1::{
    Account, AuthResponse, DisplayName, LoginRequest, RegisterRequest, ServerFrame, TokenKind,
    UpdateAccountRequest, Username, close_code,
};

use crate::auth::caller::{Caller, ClientApp, Via};
use crate::config::RegistrationMode;
use crate::error::Error;
use crate::state::AppState;
use crate::store::members::{Departure, Removal};
use crate::store::users::{AccountChanges, CreateUserError};

async fn issue(state: &AppState, user: Account) -> Result<AuthResponse, Error> {
    let issued = state
        .tokens
        .issue(user.id)
        .map_err(|e| Error::Internal(e.to_string()))?;
    state
        .store
        .create_session(issued.jti, user.id, issued.expires_at.unix_millis())
        .await?;
    Ok(AuthResponse {
        user,
        token: issued.token,
        expires_at: issued.expires_at,
    })
}

/// Creates an account and signs it in. Registrations are rate limited per address and for
/// the whole server, before any bcrypt work: a flood of sign-ups can neither fill the
/// database with accounts nor take the hashing threads from logins.
pub async fn register(
    state: &AppState,
    request: RegisterRequest,
    ip: &str,
) -> Result<AuthResponse, Error> {
    match state.registration {
        RegistrationMode::Open => {}
        RegistrationMode::Closed => {
            return Err(Error::Forbidden("registration is closed on this server"));
        }
        // The very first account may register: it becomes the admin who makes client tokens.
        RegistrationMode::Token if state.store.has_users().await? => {
            return Err(Error::Forbidden(
                "on this server, accounts are created by client apps",
            ));
        }
        RegistrationMode::Token => {}
    }
    let limited = |retry_after| Error::RateLimited { retry_after };
    let bus = state.hub.bus();
    state
        .register_limiter
        .take(ip.to_owned(), bus)
        .await
        .map_err(limited)?;
    state
        .register_global_limiter
        .take("all", bus)
        .await
        .map_err(limited)?;
    create_account(state, request).await
}

/// Creates an account for a client app (client tokens), whatever the registration mode
/// but `closed`.
pub async fn provision(
    state: &AppState,
    app: ClientApp,
    request: RegisterRequest,
) -> Result<AuthResponse, Error> {
    if state.registration == RegistrationMode::Closed {
        return Err(Error::Forbidden("registration is closed on this server"));
    }
    let auth = create_account(state, request).await?;
    tracing::info!(user = %auth.user.id, client = %app.token, "account provisioned by a client app");
    Ok(auth)
}

async fn create_account(state: &AppState, request: RegisterRequest) -> Result<AuthResponse, Error> {
    if request.username.as_str().ends_with(['.', '-']) {
        // `@bob.` ends a sentence after `@bob`: a name ending so could never be mentioned.
        return Err(Error::Validation(chat_core::v1::ValidationError {
            field: "username",
            kind: chat_core::v1::ValidationErrorKind::Malformed(
                "must not end with `.` or `-` (a mention of it would read as the end of a sentence)",
            ),
        }));
    }
    if request.username.is_mention_keyword() {
        // `@here` and `@everyone` must always mean everyone, never one person.
        return Err(Error::Validation(chat_core::v1::ValidationError {
            field: "username",
            kind: chat_core::v1::ValidationErrorKind::Malformed(
                "is reserved: `@here`, `@everyone` and `@all` call many people",
            ),
        }));
    }
    let hash = state.hasher.hash(&request.password).await?;
    let display_name = match request.display_name {
        Some(name) => name,
        None => DisplayName::parse(request.username.as_str())?,
    };
    let account = state
        .store
        .create_user(
            &request.username,
            &hash,
            request.email.as_ref(),
            &display_name,
        )
        .await
        .map_err(|e| match e {
            CreateUserError::UsernameTaken => Error::Conflict("that username is taken"),
            CreateUserError::Store(e) => e.into(),
        })?;
    tracing::info!(user = %account.id, "registered");
    issue(state, account).await
}

/// Checks credentials (throttled per username and address) and issues a token.
///
/// An unknown username, a username that could never exist and a wrong password all get the
/// same answer after the same amount of bcrypt work.
pub async fn login(
    state: &AppState,
    request: LoginRequest,
    ip: &str,
) -> Result<AuthResponse, Error> {
    const REFUSED: Error = Error::Unauthorized("wrong username or password");
    // Throttle by the normalised name (bounded, so junk input cannot bloat the table).
    let key: String = request
        .username
        .trim()
        .to_lowercase()
        .chars()
        .take(64)
        .collect();
    let attempt = state.throttle.reserve(&state.store, &key, ip).await?;
    let credentials = match Username::parse(request.username.trim()) {
        Ok(username) => state.store.credentials_by_username(&username).await?,
        Err(_) => None,
    };
    let ok = state
        .hasher
        .verify(
            &request.password,
            credentials.as_ref().map(|c| c.password_hash.as_str()),
        )
        .await?;
    // A wrong password leaves the reserved attempt recorded as a failure.
    let Some(credentials) = credentials.filter(|_| ok) else {
        return Err(REFUSED);
    };
    attempt.succeeded(&state.store, &key, ip).await?;
    if credentials.disabled {
        return Err(Error::Forbidden("this account is disabled"));
    }
    let account = state.store.account(credentials.id).await?.ok_or(REFUSED)?;
    issue(state, account).await
}

/// Revokes the caller's token.
pub async fn logout(state: &AppState, caller: Caller) -> Result<(), Error> {
    match caller.via {
        Via::Session => state.store.revoke_session(caller.session).await?,
        Via::ApiToken => {
            let id = chat_core::v1::TokenId::from_uuid(caller.session);
            state
                .store
                .revoke_token(id, TokenKind::Personal, Some(caller.user_id))
                .await?;
        }
    }
    state
        .hub
        .close_sessions(&[caller.session], close_code::UNAUTHORIZED);
    Ok(())
}

/// The caller's account.
pub async fn me(state: &AppState, caller: Caller) -> Result<Account, Error> {
    state
        .store
        .account(caller.user_id)
        .await?
        .ok_or(Error::Unauthorized("the account no longer exists"))
}

/// Updates the caller's account. A password change needs the current password and revokes
/// every other token of the caller.
pub async fn update_me(
    state: &AppState,
    caller: Caller,
    request: UpdateAccountRequest,
) -> Result<Account, Error> {
    // Checked even when no new password comes with it: the documented limit holds for every
    // field of the body.
    if request
        .current_password
        .as_ref()
        .is_some_and(|p| p.chars().count() > chat_core::v1::Password::MAX)
    {
        return Err(Error::Validation(chat_core::v1::ValidationError {
            field: "current_password",
            kind: chat_core::v1::ValidationErrorKind::TooLong {
                max: chat_core::v1::Password::MAX,
            },
        }));
    }
    let password_hash = match &request.password {
        Some(new) => {
            caller.require_session()?;
            let current = request
                .current_password
                .as_deref()
                .ok_or(Error::Validation(chat_core::v1::ValidationError {
                    field: "current_password",
                    kind: chat_core::v1::ValidationErrorKind::Malformed(
                        "is required to change the password",
                    ),
                }))?;
            let stored = state.store.password_hash(caller.user_id).await?;
            if !state.hasher.verify(current, stored.as_deref()).await? {
                return Err(Error::Forbidden("the current password is wrong"));
            }
            Some(state.hasher.hash(new).await?)
        }
        None => None,
    };
    let changed_password = password_hash.is_some();
    let account = state
        .store
        .update_account(
            caller.user_id,
            AccountChanges {
                display_name: request.display_name,
                description: request.description,
                email: request.email,
                password_hash,
            },
        )
        .await?
        .ok_or(Error::Unauthorized("the account no longer exists"))?;
    if changed_password {
        let revoked = state
            .store
            .revoke_other_sessions(caller.user_id, caller.session)
            .await?;
        state.hub.close_sessions(&revoked, close_code::UNAUTHORIZED);
        tracing::info!(user = %caller.user_id, revoked = revoked.len(), "password changed");
    }
    Ok(account)
}

/// Deletes the caller's account (see [`crate::store::Store::delete_user`] for what happens
/// to their messages).
pub async fn delete_me(state: &AppState, caller: Caller) -> Result<(), Error> {
    caller.require_session()?;
    let deleted = state
        .store
        .delete_user(caller.user_id)
        .await?
        .ok_or(Error::Unauthorized("the account no longer exists"))?;
    state
        .hub
        .close_user(caller.user_id, close_code::UNAUTHORIZED);
    state.avatars.remove(&caller.user_id.to_string()).await?;
    for (lobby, removal) in deleted.lobbies {
        if let Removal::LobbyDeleted { .. } = removal {
            state.icons.remove(&lobby.to_string()).await?;
        }
        super::lobbies::publish_removal(
            state,
            lobby.as_lobby(),
            caller.user_id,
            Departure::AccountDeleted,
            removal,
        );
    }
    for (chat, partner) in deleted.chats {
        state.hub.send_to_user(
            partner,
            &ServerFrame::ChatDeleted {
                conversation_id: chat.into(),
            },
            None,
            false,
        );
        state.hub.remove_conversation(chat.into());
    }
    tracing::info!(user = %caller.user_id, "account deleted");
    Ok(())
}
