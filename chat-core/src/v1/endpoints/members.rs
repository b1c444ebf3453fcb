//! Lobby members: `/api/v1/lobbies/{lobby_id}/members/*`.

use super::{NoBody, NoContent, NoQuery};
use crate::v1::{
    AddMemberRequest, LobbyId, Member, MemberPage, PageQuery, UpdateMemberRequest, UserId,
};

endpoints! {
    /// List the members of a lobby (members only).
    Get "/api/v1/lobbies/{lobby_id}/members" => ListMembers { lobby_id: LobbyId }
        body: NoBody, query: PageQuery, response: MemberPage;
    /// Get one member of a lobby (members only).
    Get "/api/v1/lobbies/{lobby_id}/members/{user_id}" => GetMember { lobby_id: LobbyId, user_id: UserId }
        body: NoBody, query: NoQuery, response: Member;
    /// Add a user to a lobby (admins): `201` when added, `200` when already a member; the
    /// body is optional.
    Put "/api/v1/lobbies/{lobby_id}/members/{user_id}" => AddMember { lobby_id: LobbyId, user_id: UserId }
        body: AddMemberRequest, query: NoQuery, response: Member;
    /// Promote or demote a member (admins).
    Patch "/api/v1/lobbies/{lobby_id}/members/{user_id}" => UpdateMember { lobby_id: LobbyId, user_id: UserId }
        body: UpdateMemberRequest, query: NoQuery, response: Member;
    /// Remove a member (admins; removing yourself is leaving).
    Delete "/api/v1/lobbies/{lobby_id}/members/{user_id}" => RemoveMember { lobby_id: LobbyId, user_id: UserId }
        body: NoBody, query: NoQuery, response: NoContent;
}
