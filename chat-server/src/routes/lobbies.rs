//! `POST|GET /api/v1/lobbies`, `GET /api/v1/lobbies/community`,
//! `GET|PATCH|DELETE /api/v1/lobbies/{lobby_id}`, `POST /api/v1/lobbies/{lobby_id}/join`,
//! `POST /api/v1/lobbies/{lobby_id}/leave`.

use chat_core::v1::{
    CreateLobbyRequest, ListQuery, Lobby, LobbyId, LobbyList, LobbyPage, UpdateLobbyRequest,
};
use salvo::prelude::*;

use super::{Created, NoContent};
use crate::auth::caller::Caller;
use crate::error::Error;
use crate::extract::{ApiJson, ApiQuery, PathId, State};
use crate::service::lobbies;

pub(super) fn router() -> Router {
    Router::with_path("lobbies")
        .post(create_lobby)
        .get(my_lobbies)
        .push(Router::with_path("community").get(community_lobbies))
        .push(
            // Only id-shaped segments: `community` (and any other word) is not a lobby id, so
            // `PATCH /lobbies/community` is 405, not a malformed id.
            Router::with_path(r"{lobby_id|[0-9a-fA-F-]+}")
                .get(get_lobby)
                .patch(update_lobby)
                .delete(delete_lobby)
                .push(Router::with_path("join").post(join_lobby))
                .push(Router::with_path("leave").post(leave_lobby))
                .push(super::members::router())
                .push(super::messages::lobby_router())
                .push(super::messages::lobby_read_router())
                .push(super::reactions::lobby_pins_router())
                .push(
                    Router::with_path("icon")
                        .put(super::images::set_icon)
                        .get(super::images::get_icon)
                        .delete(super::images::remove_icon),
                ),
        )
}

/// Create a lobby.
///
/// The caller becomes its admin.
#[endpoint(tags("lobbies"))]
async fn create_lobby(
    state: State,
    caller: Caller,
    body: ApiJson<CreateLobbyRequest>,
) -> Result<Created<Lobby>, Error> {
    lobbies::create(&state, caller, body.0).await.map(Created)
}

/// List my lobbies.
#[endpoint(tags("lobbies"))]
async fn my_lobbies(state: State, caller: Caller) -> Result<Json<LobbyList>, Error> {
    lobbies::mine(&state, caller).await.map(Json)
}

/// Discover public lobbies.
///
/// Public lobbies the caller has not joined, ordered by name; `q` matches the start of the name.
#[endpoint(tags("lobbies"))]
async fn community_lobbies(
    state: State,
    caller: Caller,
    query: ApiQuery<ListQuery>,
) -> Result<Json<LobbyPage>, Error> {
    lobbies::community(&state, caller, query.0).await.map(Json)
}

/// Get a lobby.
///
/// Private lobbies are `404` to non-members.
#[endpoint(tags("lobbies"))]
async fn get_lobby(
    state: State,
    caller: Caller,
    lobby_id: PathId<LobbyId>,
) -> Result<Json<Lobby>, Error> {
    lobbies::get(&state, caller, lobby_id.0).await.map(Json)
}

/// Rename, describe or change the visibility of a lobby (admins).
#[endpoint(tags("lobbies"))]
async fn update_lobby(
    state: State,
    caller: Caller,
    lobby_id: PathId<LobbyId>,
    body: ApiJson<UpdateLobbyRequest>,
) -> Result<Json<Lobby>, Error> {
    lobbies::update(&state, caller, lobby_id.0, body.0)
        .await
        .map(Json)
}

/// Delete a lobby and all its messages (its admins, or any server admin; audited).
#[endpoint(tags("lobbies"))]
async fn delete_lobby(
    state: State,
    caller: Caller,
    lobby_id: PathId<LobbyId>,
) -> Result<NoContent, Error> {
    lobbies::delete(&state, caller, lobby_id.0)
        .await
        .map(|()| NoContent)
}

/// Join a public lobby.
///
/// Joining a lobby one is already in changes nothing.
#[endpoint(tags("lobbies"))]
async fn join_lobby(
    state: State,
    caller: Caller,
    lobby_id: PathId<LobbyId>,
) -> Result<Json<Lobby>, Error> {
    lobbies::join(&state, caller, lobby_id.0).await.map(Json)
}

/// Leave a lobby.
///
/// When the last admin leaves, the longest-standing member becomes admin. The only member
/// cannot leave (`409 conflict`): they delete the lobby instead.
#[endpoint(tags("lobbies"))]
async fn leave_lobby(
    state: State,
    caller: Caller,
    lobby_id: PathId<LobbyId>,
) -> Result<NoContent, Error> {
    lobbies::leave(&state, caller, lobby_id.0)
        .await
        .map(|()| NoContent)
}
