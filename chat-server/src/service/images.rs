//! Avatars (each user's own) and lobby icons (lobby admins).

use chat_core::v1::{LobbyId, UserId, Visibility};

use super::access;
use crate::error::Error;
use crate::extract::Caller;
use crate::state::AppState;

async fn normalize(bytes: Vec<u8>) -> Result<Vec<u8>, Error> {
    tokio::task::spawn_blocking(move || crate::images::normalize(&bytes)).await?
}

/// The stored picture of `id`, or its generated one.
async fn stored_or_identicon(dir: &crate::images::ImageDir, id: String) -> Result<Vec<u8>, Error> {
    match dir.get(&id).await? {
        Some(png) => Ok(png),
        None => tokio::task::spawn_blocking(move || crate::images::identicon(&id)).await?,
    }
}

/// Replaces the caller's avatar.
pub async fn set_avatar(state: &AppState, caller: Caller, upload: Vec<u8>) -> Result<(), Error> {
    let png = normalize(upload).await?;
    state.avatars.put(&caller.user_id.to_string(), png).await
}

/// Removes the caller's avatar; having none already is success (`DELETE` is idempotent).
pub async fn remove_avatar(state: &AppState, caller: Caller) -> Result<(), Error> {
    state.avatars.remove(&caller.user_id.to_string()).await?;
    Ok(())
}

/// A user's avatar (public, like the profile it belongs to): the upload, or their identicon.
pub async fn avatar(state: &AppState, user: UserId) -> Result<Vec<u8>, Error> {
    if state.avatars.get(&user.to_string()).await?.is_none()
        && state.store.user(user).await?.is_none()
    {
        return Err(Error::NotFound("user"));
    }
    stored_or_identicon(&state.avatars, user.to_string()).await
}

/// Replaces a lobby's icon (lobby admins).
pub async fn set_icon(
    state: &AppState,
    caller: Caller,
    lobby: LobbyId,
    upload: Vec<u8>,
) -> Result<(), Error> {
    access::lobby_admin(state, caller.user_id, lobby).await?;
    let png = normalize(upload).await?;
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
    let png = stored_or_identicon(&state.icons, lobby.to_string()).await?;
    Ok((png, public))
}
