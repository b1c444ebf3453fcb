//! `GET /api/v1/lobbies/{lobby_id}/members`,
//! `GET|PUT|PATCH|DELETE /api/v1/lobbies/{lobby_id}/members/{user_id}`.

use chat_core::v1::{
    AddMemberRequest, LobbyId, Member, MemberPage, PageQuery, UpdateMemberRequest, UserId,
};
use salvo::prelude::*;

use super::{NoContent, OkOrCreated};
use crate::auth::caller::Caller;
use crate::error::Error;
use crate::extract::{ApiJson, ApiQuery, OptionalJson, PathId, State};
use crate::service::members;

pub(super) fn router() -> Router {
    Router::with_path("members").get(list_members).push(
        Router::with_path("{user_id}")
            .get(get_member)
            .put(add_member)
            .patch(update_member)
            .delete(remove_member),
    )
}

/// List the members of a lobby (members only).
#[endpoint(tags("members"))]
async fn list_members(
    state: State,
    caller: Caller,
    lobby_id: PathId<LobbyId>,
    query: ApiQuery<PageQuery>,
) -> Result<Json<MemberPage>, Error> {
    members::list(&state, caller, lobby_id.0, query.0)
        .await
        .map(Json)
}

/// Get one member of a lobby (members only).
#[endpoint(tags("members"))]
async fn get_member(
    state: State,
    caller: Caller,
    lobby_id: PathId<LobbyId>,
    user_id: PathId<UserId>,
) -> Result<Json<Member>, Error> {
    members::get(&state, caller, lobby_id.0, user_id.0)
        .await
        .map(Json)
}

/// Add a user to a lobby (admins).
///
/// Works for private lobbies too. `201` when added, `200` when already a member (nothing
/// changes). The body is optional.
#[endpoint(tags("members"))]
async fn add_member(
    state: State,
    caller: Caller,
    lobby_id: PathId<LobbyId>,
    user_id: PathId<UserId>,
    body: OptionalJson<AddMemberRequest>,
) -> Result<OkOrCreated<Member>, Error> {
    let (member, created) =
        members::add(&state, caller, lobby_id.0, user_id.0, body.0.role).await?;
    Ok(OkOrCreated {
        body: member,
        created,
    })
}

/// Promote or demote a member (admins).
///
/// The last admin cannot be demoted (`409`).
#[endpoint(tags("members"))]
async fn update_member(
    state: State,
    caller: Caller,
    lobby_id: PathId<LobbyId>,
    user_id: PathId<UserId>,
    body: ApiJson<UpdateMemberRequest>,
) -> Result<Json<Member>, Error> {
    members::set_role(&state, caller, lobby_id.0, user_id.0, body.0.role)
        .await
        .map(Json)
}

/// Remove a member (admins; removing yourself is leaving).
#[endpoint(tags("members"))]
async fn remove_member(
    state: State,
    caller: Caller,
    lobby_id: PathId<LobbyId>,
    user_id: PathId<UserId>,
) -> Result<NoContent, Error> {
    members::remove(&state, caller, lobby_id.0, user_id.0)
        .await
        .map(|()| NoContent)
}
