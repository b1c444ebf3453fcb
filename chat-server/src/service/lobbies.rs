//! Lobbies: creating, finding, changing, joining and leaving them.

use chat_core::v1::{
    CreateLobbyRequest, ListQuery, Lobby, LobbyId, LobbyList, LobbyPage, Role, UpdateLobbyRequest,
    Visibility,
};

use super::access;
use crate::error::Error;
use crate::extract::Caller;
use crate::state::AppState;
use crate::store::members::Removal;

async fn load(state: &AppState, caller: Caller, id: LobbyId) -> Result<Lobby, Error> {
    state
        .store
        .lobby(id, caller.user_id)
        .await?
        .ok_or(Error::NotFound("lobby"))
}

/// Creates a lobby; the caller becomes its admin.
pub async fn create(
    state: &AppState,
    caller: Caller,
    request: CreateLobbyRequest,
) -> Result<Lobby, Error> {
    let description = request.description.unwrap_or_default();
    Ok(state
        .store
        .create_lobby(
            caller.user_id,
            &request.name,
            &description,
            request.visibility,
        )
        .await?)
}

/// The caller's lobbies.
pub async fn mine(state: &AppState, caller: Caller) -> Result<LobbyList, Error> {
    Ok(LobbyList {
        items: state.store.my_lobbies(caller.user_id).await?,
    })
}

/// Public lobbies the caller has not joined.
pub async fn community(
    state: &AppState,
    caller: Caller,
    query: ListQuery,
) -> Result<LobbyPage, Error> {
    Ok(state
        .store
        .community_lobbies(
            caller.user_id,
            query.q.as_ref().map(|q| q.as_str()),
            query.after.as_ref(),
            query.limit.unwrap_or_default(),
        )
        .await?)
}

/// One lobby: public ones to everyone, private ones to members only.
pub async fn get(state: &AppState, caller: Caller, id: LobbyId) -> Result<Lobby, Error> {
    access::visible_lobby(state, caller.user_id, id).await?;
    load(state, caller, id).await
}

/// Renames, describes or changes the visibility of a lobby (admins).
pub async fn update(
    state: &AppState,
    caller: Caller,
    id: LobbyId,
    request: UpdateLobbyRequest,
) -> Result<Lobby, Error> {
    access::lobby_admin(state, caller.user_id, id).await?;
    state
        .store
        .update_lobby(
            id,
            request.name.as_ref(),
            request.description.as_ref(),
            request.visibility,
        )
        .await?;
    load(state, caller, id).await
}

/// Deletes a lobby with all its messages (admins).
pub async fn delete(state: &AppState, caller: Caller, id: LobbyId) -> Result<(), Error> {
    access::lobby_admin(state, caller.user_id, id).await?;
    state.store.delete_conversation(id).await?;
    tracing::info!(lobby = %id, by = %caller.user_id, "lobby deleted");
    Ok(())
}

/// Joins a public lobby. Joining a lobby one is already in changes nothing.
pub async fn join(state: &AppState, caller: Caller, id: LobbyId) -> Result<Lobby, Error> {
    let lobby = access::visible_lobby(state, caller.user_id, id).await?;
    if lobby.role.is_none() {
        // visible_lobby hides private lobbies from non-members, so this one is public.
        debug_assert_eq!(lobby.visibility, Visibility::Public);
        state
            .store
            .add_member(id.into(), caller.user_id, Role::Member)
            .await?;
    }
    load(state, caller, id).await
}

/// Leaves a lobby. The last admin's leaving promotes the longest-standing member; the last
/// member's leaving deletes the lobby.
pub async fn leave(state: &AppState, caller: Caller, id: LobbyId) -> Result<(), Error> {
    access::lobby_member(state, caller.user_id, id).await?;
    match state.store.remove_member(id.into(), caller.user_id).await? {
        Removal::NotMember => Err(Error::NotFound("membership")),
        Removal::Removed { .. } | Removal::LobbyDeleted => Ok(()),
    }
}
