//! Authorization: who may see and do what in a conversation.
//!
//! - A private lobby does not exist for non-members: `404`, never `403`.
//! - A public lobby is visible to everyone signed in; reading or posting needs membership
//!   (`403` otherwise); administering needs the admin role (`403`).
//! - A chat exists only for its two users, and not for one who deleted it (`404`).

use chat_core::v1::{ChatId, ConversationId, LobbyId, Role, UserId, Visibility};

use crate::error::Error;
use crate::state::AppState;
use crate::store::conversations::{ConversationKind, MemberState};

/// A lobby the caller may see.
#[derive(Debug, Clone, Copy)]
pub struct VisibleLobby {
    /// Public or private.
    pub visibility: Visibility,
    /// The caller's role, if a member.
    pub role: Option<Role>,
}

/// The caller's standing in a conversation they belong to.
#[derive(Debug, Clone, Copy)]
pub struct Membership {
    /// Lobby or chat.
    pub kind: ConversationKind,
    /// The caller's membership row.
    pub member: MemberState,
}

impl Membership {
    /// Messages up to this seq are not shown to the caller (deleted chat history).
    pub fn floor_seq(&self) -> u64 {
        match self.kind {
            ConversationKind::Chat => self.member.cleared_seq,
            ConversationKind::Lobby(_) => 0,
        }
    }

    /// Whether the caller administers this conversation.
    pub fn is_admin(&self) -> bool {
        matches!(self.kind, ConversationKind::Lobby(_)) && self.member.role == Role::Admin
    }
}

/// The lobby, if the caller may know it exists.
pub async fn visible_lobby(
    state: &AppState,
    user: UserId,
    lobby: LobbyId,
) -> Result<VisibleLobby, Error> {
    let access = state.store.conversation_access(lobby.into(), user).await?;
    match access {
        Some(a) => match a.kind {
            ConversationKind::Lobby(Visibility::Private) if a.member.is_none() => {
                Err(Error::NotFound("lobby"))
            }
            ConversationKind::Lobby(visibility) => Ok(VisibleLobby {
                visibility,
                role: a.member.map(|m| m.role),
            }),
            ConversationKind::Chat => Err(Error::NotFound("lobby")),
        },
        None => Err(Error::NotFound("lobby")),
    }
}

/// The caller's role in a lobby they belong to.
pub async fn lobby_member(state: &AppState, user: UserId, lobby: LobbyId) -> Result<Role, Error> {
    visible_lobby(state, user, lobby)
        .await?
        .role
        .ok_or(Error::Forbidden(
            "only members of the lobby can do this; join it first",
        ))
}

/// Succeeds when the caller is an admin of the lobby.
pub async fn lobby_admin(state: &AppState, user: UserId, lobby: LobbyId) -> Result<(), Error> {
    match lobby_member(state, user, lobby).await? {
        Role::Admin => Ok(()),
        Role::Member => Err(Error::Forbidden("only lobby admins can do this")),
    }
}

/// The caller's membership of a chat they have not deleted.
pub async fn chat_member(
    state: &AppState,
    user: UserId,
    chat: ChatId,
) -> Result<Membership, Error> {
    match state.store.conversation_access(chat.into(), user).await? {
        Some(a) if a.kind == ConversationKind::Chat => match a.member {
            Some(member) if !member.hidden => Ok(Membership {
                kind: a.kind,
                member,
            }),
            _ => Err(Error::NotFound("chat")),
        },
        _ => Err(Error::NotFound("chat")),
    }
}

/// A conversation named by a request: through a lobby route, a chat route, or by bare
/// conversation id (which may be either).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A lobby route: a chat with this id does not exist there.
    Lobby(LobbyId),
    /// A chat route: a lobby with this id does not exist there.
    Chat(ChatId),
    /// Either kind.
    Any(ConversationId),
}

impl Target {
    /// The conversation id.
    pub fn id(self) -> ConversationId {
        match self {
            Self::Lobby(id) => id.into(),
            Self::Chat(id) => id.into(),
            Self::Any(id) => id,
        }
    }
}

/// The caller's membership of a conversation, with the lobby and chat rules above.
pub async fn conversation_member(
    state: &AppState,
    user: UserId,
    target: Target,
) -> Result<Membership, Error> {
    // One answer for "does not exist" and "not yours", so errors reveal nothing.
    let missing = || match target {
        Target::Lobby(_) => Error::NotFound("lobby"),
        Target::Chat(_) => Error::NotFound("chat"),
        Target::Any(_) => Error::NotFound("conversation"),
    };
    let Some(access) = state.store.conversation_access(target.id(), user).await? else {
        return Err(missing());
    };
    match (target, access.kind, access.member) {
        (Target::Lobby(_), ConversationKind::Chat, _)
        | (Target::Chat(_), ConversationKind::Lobby(_), _) => Err(missing()),
        (_, ConversationKind::Lobby(Visibility::Private), None) => Err(missing()),
        (_, ConversationKind::Lobby(_), None) => Err(Error::Forbidden(
            "only members of the lobby can do this; join it first",
        )),
        (_, ConversationKind::Chat, None) => Err(missing()),
        (_, ConversationKind::Chat, Some(m)) if m.hidden => Err(missing()),
        (_, kind, Some(member)) => Ok(Membership { kind, member }),
    }
}
