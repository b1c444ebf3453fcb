//! Avatars and lobby icons: raw image bytes up ([`Binary`]), a 256×256 PNG down.

use super::{Binary, NoBody, NoContent, NoQuery};
use crate::v1::{LobbyId, UserId};

endpoints! {
    /// Set my avatar from PNG, JPEG, WebP or GIF bytes (at most 2 MiB).
    Put "/api/v1/users/me/avatar" => SetAvatar {}
        body: Binary, query: NoQuery, response: NoContent;
    /// Remove my avatar (succeeds when there is none).
    Delete "/api/v1/users/me/avatar" => RemoveAvatar {}
        body: NoBody, query: NoQuery, response: NoContent;
    /// Get a user's avatar as a PNG (no token needed).
    Get "/api/v1/users/{user_id}/avatar" => GetAvatar { user_id: UserId }
        body: NoBody, query: NoQuery, response: Binary;
    /// Set a lobby's icon (lobby admins); same rules as avatars.
    Put "/api/v1/lobbies/{lobby_id}/icon" => SetLobbyIcon { lobby_id: LobbyId }
        body: Binary, query: NoQuery, response: NoContent;
    /// Get a lobby's icon as a PNG (members only for private lobbies).
    Get "/api/v1/lobbies/{lobby_id}/icon" => GetLobbyIcon { lobby_id: LobbyId }
        body: NoBody, query: NoQuery, response: Binary;
    /// Remove a lobby's icon (lobby admins; succeeds when there is none).
    Delete "/api/v1/lobbies/{lobby_id}/icon" => RemoveLobbyIcon { lobby_id: LobbyId }
        body: NoBody, query: NoQuery, response: NoContent;
}
