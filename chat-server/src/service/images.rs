//! Avatars (each user's own) and lobby icons (lobby admins).

use chat_core::v1::{LobbyId, UserId, Visibility};

use super::access;
use crate::auth::caller::Caller;
use crate::error::Error;
use crate::state::AppState;

/// Takes an upload token of the caller, then normalizes the image with bounded memory.
async fn normalize(state: &AppState, user: UserId, bytes: Vec<u8>) -> Result<Vec<u8>, Error> {
    if let Err(retry_after) = state.upload_limiter.take(user, state.hub.bus()).await {
        return Err(Error::RateLimited { retry_after });
    }
    state.image_work.normalize(bytes).await
}

/// The generated picture of an id without an upload.
async fn identicon(id: String) -> Result<Vec<u8>, Error> {
    tokio::task::spawn_blocking(move || crate::images::identicon(&id)).await?
}

/// Replaces the caller's avatar.
pub async fn set_avatar(state: &AppState, caller: Caller, upload: Vec<u8>) -> Result<(), Error> {
    let png = normalize(state, caller.user_id, upload).await?;
    state.avatars.put(&caller.user_id.to_string(), png).await
}

/// Removes the caller's avatar; having none already is success (`DELETE` is idempotent).
pub async fn remove_avatar(state: &AppState, caller: Caller) -> Result<(), Error> {
    state.avatars.remove(&caller.user_id.to_string()).await?;
    Ok(())
}

/// A user's avatar (public, like the profile it belongs to): the upload, or their identicon.
pub async fn avatar(state: &AppState, user: UserId) -> Result<Vec<u8>, Error> {
    match state.avatars.get(&user.to_string()).await? {
        Some(png) => Ok(png),
        None if state.store.user(user).await?.is_none() => Err(Error::NotFound("user")),
        None => identicon(user.to_string()).await,
    }
}

/// Replaces a lobby's icon (lobby admins).
pub async fn set_icon(
    state: &AppState,
    caller: Caller,
    lobby: LobbyId,
    upload: Vec<u8>,
) -> Result<(), Error> {
    access::lobby_admin(state, caller.user_id, lobby).await?;
    let png = normalize(state, caller.user_id, upload).await?;
    state.icons.put(&lobby.to_string(), png).await
}

/// Removes a lobby's icon (lobby admins); having none already is success.
pub async fn remove_icon(state: &AppState, caller: Caller, lobby: LobbyId) -> Result<(), Error> {
    access::lobby_admin(state, caller.user_id, lobby).await?;
    state.icons.remove(&lobby.to_string()).await?;
    Ok(())
}

/// A lobby's icon (the upload, or its identicon): anyone's for public lobbies, members' only
/// for private ones. Returns the image and whether it may be cached publicly.
pub async fn icon(
    state: &AppState,
    caller: Option<Caller>,
    lobby: LobbyId,
) -> Result<(Vec<u8>, bool), Error> {
    let public = match caller {
        Some(caller) => {
            access::visible_lobby(state, caller.user_id, lobby)
                .await?
                .visibility
                == Visibility::Public
        }
        None => match state.store.lobby_visibility(lobby).await? {
            Some(Visibility::Public) => true,
            _ => return Err(Error::NotFound("lobby")),
        },
    };
    let png = match state.icons.get(&lobby.to_string()).await? {
        Some(png) => png,
        None => identicon(lobby.to_string()).await?,
    };
    Ok((png, public))
}
