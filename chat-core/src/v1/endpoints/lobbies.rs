//! Lobbies: `/api/v1/lobbies`, `/api/v1/lobbies/{lobby_id}` (members, messages and icons
//! have their own modules).

use super::{NoBody, NoContent, NoQuery};
use crate::v1::{
    CreateLobbyRequest, ListQuery, Lobby, LobbyId, LobbyList, LobbyPage, UpdateLobbyRequest,
};

endpoints! {
    /// Create a lobby (`201`); the caller becomes its admin.
    Post "/api/v1/lobbies" => CreateLobby {}
        body: CreateLobbyRequest, query: NoQuery, response: Lobby;
    /// List my lobbies.
    Get "/api/v1/lobbies" => MyLobbies {}
        body: NoBody, query: NoQuery, response: LobbyList;
    /// Discover public lobbies the caller has not joined.
    Get "/api/v1/lobbies/community" => CommunityLobbies {}
        body: NoBody, query: ListQuery, response: LobbyPage;
    /// Get a lobby.
    Get "/api/v1/lobbies/{lobby_id}" => GetLobby { lobby_id: LobbyId }
        body: NoBody, query: NoQuery, response: Lobby;
    /// Rename, describe or change the visibility of a lobby (admins).
    Patch "/api/v1/lobbies/{lobby_id}" => UpdateLobby { lobby_id: LobbyId }
        body: UpdateLobbyRequest, query: NoQuery, response: Lobby;
    /// Delete a lobby and all its messages (its admins, or a server admin).
    Delete "/api/v1/lobbies/{lobby_id}" => DeleteLobby { lobby_id: LobbyId }
        body: NoBody, query: NoQuery, response: NoContent;
    /// Join a public lobby.
    Post "/api/v1/lobbies/{lobby_id}/join" => JoinLobby { lobby_id: LobbyId }
        body: NoBody, query: NoQuery, response: Lobby;
    /// Leave a lobby.
    Post "/api/v1/lobbies/{lobby_id}/leave" => LeaveLobby { lobby_id: LobbyId }
        body: NoBody, query: NoQuery, response: NoContent;
}
