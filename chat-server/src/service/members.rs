//! Lobby membership as administered by lobby admins.

use chat_core::v1::{LobbyId, Member, MemberPage, PageQuery, Role, ServerFrame, UserId};

use super::{access, lobbies};
use crate::auth::caller::Caller;
use crate::error::Error;
use crate::state::AppState;
use crate::store::members::{Departure, RoleChange};

/// The members of a lobby (members only).
pub async fn list(
    state: &AppState,
    caller: Caller,
    lobby: LobbyId,
    query: PageQuery,
) -> Result<MemberPage, Error> {
    access::lobby_member(state, caller.user_id, lobby).await?;
    Ok(state
        .store
        .members(
            lobby.into(),
            query.after.as_ref(),
            query.limit.unwrap_or_default(),
        )
        .await?)
}

/// One member of a lobby (members only).
pub async fn get(
    state: &AppState,
    caller: Caller,
    lobby: LobbyId,
    user: UserId,
) -> Result<Member, Error> {
    access::lobby_member(state, caller.user_id, lobby).await?;
    state
        .store
        .member(lobby.into(), user)
        .await?
        .ok_or(Error::NotFound("member"))
}

/// Adds a user to a lobby, private ones included (admins). Returns the member and whether
/// they were added now (`false`: already a member, nothing changed).
pub async fn add(
    state: &AppState,
    caller: Caller,
    lobby: LobbyId,
    user: UserId,
    role: Role,
) -> Result<(Member, bool), Error> {
    super::limits::take_action(state, caller.user_id).await?;
    access::lobby_admin(state, caller.user_id, lobby).await?;
    if state.store.user(user).await?.is_none() {
        return Err(Error::NotFound("user"));
    }
    let added = lobbies::add(state, lobby, user, role).await?;
    let member = state
        .store
        .member(lobby.into(), user)
        .await?
        .ok_or(Error::NotFound("member"))?;
    Ok((member, added))
}

/// Promotes or demotes a member (admins). The last admin cannot be demoted.
pub async fn set_role(
    state: &AppState,
    caller: Caller,
    lobby: LobbyId,
    user: UserId,
    role: Role,
) -> Result<Member, Error> {
    super::limits::take_action(state, caller.user_id).await?;
    access::lobby_admin(state, caller.user_id, lobby).await?;
    match state.store.set_role(lobby.into(), user, role).await? {
        RoleChange::NotMember => return Err(Error::NotFound("member")),
        RoleChange::LastAdmin => {
            return Err(Error::Conflict(
                "a lobby needs an admin: promote someone else first",
            ));
        }
        RoleChange::Unchanged => {}
        RoleChange::Changed(seq) => state.hub.publish(&ServerFrame::MemberUpdated {
            conversation_id: lobby.into(),
            seq,
            user_id: user,
            role,
        }),
    }
    state
        .store
        .member(lobby.into(), user)
        .await?
        .ok_or(Error::NotFound("member"))
}

/// Removes a member (admins; anyone may remove themselves, which is leaving).
pub async fn remove(
    state: &AppState,
    caller: Caller,
    lobby: LobbyId,
    user: UserId,
) -> Result<(), Error> {
    super::limits::take_action(state, caller.user_id).await?;
    let departure = if user == caller.user_id {
        access::lobby_member(state, caller.user_id, lobby).await?;
        Departure::Left
    } else {
        access::lobby_admin(state, caller.user_id, lobby).await?;
        Departure::Removed
    };
    if lobbies::remove(state, lobby, user, departure).await? {
        Ok(())
    } else {
        Err(Error::NotFound("member"))
    }
}
