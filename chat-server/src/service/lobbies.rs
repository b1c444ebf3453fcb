//! Lobbies: creating, finding, changing, joining and leaving them.

use chat_core::v1::{
    AuditAction, CreateLobbyRequest, ListQuery, Lobby, LobbyId, LobbyList, LobbyPage, Role,
    ServerFrame, UpdateLobbyRequest, UserId,
};

use super::access;
use crate::auth::caller::Caller;
use crate::error::Error;
use crate::state::AppState;
use crate::store::members::{Departure, Removal};

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
    super::limits::take_action(state, caller.user_id).await?;
    let description = request.description.unwrap_or_default();
    let lobby = state
        .store
        .create_lobby(
            caller.user_id,
            &request.name,
            &description,
            request.visibility,
        )
        .await?;
    state.hub.subscribe_user(caller.user_id, lobby.id.into());
    Ok(lobby)
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
    super::limits::take_action(state, caller.user_id).await?;
    access::lobby_admin(state, caller.user_id, id).await?;
    let seq = state
        .store
        .update_lobby(
            id,
            request.name.as_ref(),
            request.description.as_ref(),
            request.visibility,
        )
        .await?;
    let lobby = load(state, caller, id).await?;
    state.hub.publish(&ServerFrame::LobbyUpdated {
        conversation_id: id.into(),
        seq,
        name: lobby.name.clone(),
        description: lobby.description.clone(),
        visibility: lobby.visibility,
    });
    Ok(lobby)
}

/// Deletes a lobby with all its messages: its admins, or a server admin moderating (audited).
pub async fn delete(state: &AppState, caller: Caller, id: LobbyId) -> Result<(), Error> {
    super::limits::take_action(state, caller.user_id).await?;
    if let Err(refused) = access::lobby_admin(state, caller.user_id, id).await {
        // Only a refusal costs the extra lookup; one route serves both kinds of admin.
        return super::admin::moderate(
            state,
            caller,
            refused,
            AuditAction::LobbyDelete,
            id.to_string(),
            erase(state, id),
        )
        .await;
    }
    erase(state, id).await?;
    tracing::info!(lobby = %id, by = %caller.user_id, "lobby deleted");
    Ok(())
}

/// Deletes a lobby, with no access check, and tells its members.
pub(crate) async fn erase(state: &AppState, id: LobbyId) -> Result<(), Error> {
    let seq = state
        .store
        .delete_lobby(id)
        .await?
        .ok_or(Error::NotFound("lobby"))?;
    state.hub.publish(&ServerFrame::LobbyDeleted {
        conversation_id: id.into(),
        seq,
    });
    state.icons.remove(&id.to_string()).await?;
    Ok(())
}

/// Adds `user` to a lobby and tells its members; `false` when already a member.
pub(crate) async fn add(
    state: &AppState,
    id: LobbyId,
    user: UserId,
    role: Role,
) -> Result<bool, Error> {
    // Membership changes of one lobby commit and publish in one order, so that a join and
    // a leave racing each other leave the hub's subscriptions as the database says.
    let added = {
        let _order = state.membership_lock(id.into()).await;
        match state.store.add_member(id.into(), user, role).await? {
            Some((member, seq)) => {
                // Subscribe first, so the new member receives their own `member.joined`.
                state.hub.subscribe_user(user, id.into());
                state.hub.publish(&ServerFrame::MemberJoined {
                    conversation_id: id.into(),
                    seq,
                    member,
                });
                true
            }
            None => false,
        }
    };
    if added {
        super::presence::announce_shared(state, user, id.into()).await;
    }
    Ok(added)
}

/// Joins a public lobby. Joining a lobby one is already in changes nothing.
pub async fn join(state: &AppState, caller: Caller, id: LobbyId) -> Result<Lobby, Error> {
    super::limits::take_action(state, caller.user_id).await?;
    let lobby = access::visible_lobby(state, caller.user_id, id).await?;
    if lobby.role.is_none() {
        // visible_lobby hides private lobbies from non-members, so this one is public.
        add(state, id, caller.user_id, Role::Member).await?;
    }
    load(state, caller, id).await
}

/// Removes `user` from a lobby and tells its members (the departing user included).
pub(crate) async fn remove(
    state: &AppState,
    id: LobbyId,
    user: UserId,
    departure: Departure,
) -> Result<bool, Error> {
    let _order = state.membership_lock(id.into()).await;
    let removal = state
        .store
        .remove_member(id.into(), user, departure)
        .await?;
    if removal == Removal::OnlyMember {
        return Err(Error::Conflict(
            "you are the lobby's only member: delete the lobby instead of leaving it",
        ));
    }
    Ok(publish_removal(state, id, user, departure, removal))
}

/// Publishes what a removal changed; `false` when the user was not a member.
pub(crate) fn publish_removal(
    state: &AppState,
    id: LobbyId,
    user: UserId,
    departure: Departure,
    removal: Removal,
) -> bool {
    let conversation_id = id.into();
    match removal {
        Removal::NotMember | Removal::OnlyMember => false,
        Removal::Removed {
            event_seq: seq,
            promoted,
        } => {
            state.hub.publish(&match departure {
                Departure::Left | Departure::AccountDeleted => ServerFrame::MemberLeft {
                    conversation_id,
                    seq,
                    user_id: user,
                },
                Departure::Removed => ServerFrame::MemberRemoved {
                    conversation_id,
                    seq,
                    user_id: user,
                },
            });
            if let Some((heir, seq)) = promoted {
                state.hub.publish(&ServerFrame::MemberUpdated {
                    conversation_id,
                    seq,
                    user_id: heir,
                    role: Role::Admin,
                });
            }
            true
        }
        Removal::LobbyDeleted { seq } => {
            // Tells the leaver's other connections, and drops every subscription.
            state.hub.publish(&ServerFrame::LobbyDeleted {
                conversation_id,
                seq,
            });
            true
        }
    }
}

/// Leaves a lobby. The last admin's leaving promotes the longest-standing member; the only
/// member cannot leave (`409`): deleting the lobby is explicit, never a side effect.
pub async fn leave(state: &AppState, caller: Caller, id: LobbyId) -> Result<(), Error> {
    super::limits::take_action(state, caller.user_id).await?;
    access::lobby_member(state, caller.user_id, id).await?;
    if remove(state, id, caller.user_id, Departure::Left).await? {
        Ok(())
    } else {
        Err(Error::NotFound("membership"))
    }
}
