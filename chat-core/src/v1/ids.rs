//! Identifiers.
//!
//! Ids are opaque strings to clients. The server mints UUIDv7 values: they are ordered by
//! creation time and can be generated on any node without coordination. Each kind of object
//! has its own type so that a user id can never be passed where a lobby id is expected.
//!
//! Lobbies and direct chats are both *conversations*: a lobby's id and a chat's id are the id
//! of the conversation that holds their messages, so either converts into a [`ConversationId`].

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A string that is not a valid id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a valid id")]
pub struct InvalidId(pub String);

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        #[serde(transparent)]
        #[cfg_attr(feature = "openapi", derive(salvo_oapi::ToSchema))]
        #[cfg_attr(feature = "openapi", salvo(schema(value_type = String, format = Uuid, example = "01937a4c-3b5e-7c2a-9f1e-2b3c4d5e6f70")))]
        pub struct $name(Uuid);

        impl $name {
            /// Wraps a UUID minted by the server.
            pub const fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }

            /// The UUID behind the id.
            pub const fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl FromStr for $name {
            type Err = InvalidId;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                // Only the hyphenated form (hex digits in either case, as RFC 9562 allows); ids are
                // always written in lower case.
                if s.len() != 36 {
                    return Err(InvalidId(s.to_owned()));
                }
                Uuid::parse_str(s).map(Self).map_err(|_| InvalidId(s.to_owned()))
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct Visitor;
                impl serde::de::Visitor<'_> for Visitor {
                    type Value = $name;

                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str("an id string")
                    }

                    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<$name, E> {
                        v.parse().map_err(E::custom)
                    }
                }
                deserializer.deserialize_str(Visitor)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "({})"), self.0.hyphenated())
            }
        }
    };
}

id_type!(
    /// A user account.
    UserId
);
id_type!(
    /// A conversation: the container of messages shared by lobbies and direct chats.
    ConversationId
);
id_type!(
    /// A lobby (a group conversation). Equal to its [`ConversationId`].
    LobbyId
);
id_type!(
    /// A direct chat between two users. Equal to its [`ConversationId`].
    ChatId
);
id_type!(
    /// A message in a lobby or a chat.
    MessageId
);
id_type!(
    /// One WebSocket session (one connection, kept across resumes).
    SessionId
);
id_type!(
    /// An API token (personal or client); not the secret itself.
    TokenId
);

impl From<LobbyId> for ConversationId {
    fn from(id: LobbyId) -> Self {
        Self(id.0)
    }
}

impl From<ChatId> for ConversationId {
    fn from(id: ChatId) -> Self {
        Self(id.0)
    }
}

impl ConversationId {
    /// The same id seen as a lobby id.
    pub const fn as_lobby(self) -> LobbyId {
        LobbyId(self.0)
    }

    /// The same id seen as a chat id.
    pub const fn as_chat(self) -> ChatId {
        ChatId(self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_their_canonical_string() {
        let text = "01937a4c-3b5e-7c2a-9f1e-2b3c4d5e6f70";
        let id: UserId = text.parse().expect("valid id");
        assert_eq!(id.to_string(), text);
    }

    #[test]
    fn non_canonical_spellings_are_rejected() {
        for bad in [
            "",
            "not-an-id",
            "01937a4c3b5e7c2a9f1e2b3c4d5e6f70",
            "{01937a4c-3b5e-7c2a-9f1e-2b3c4d5e6f70}",
            "01937a4c-3b5e-7c2a-9f1e-2b3c4d5e6f7g",
        ] {
            assert!(
                bad.parse::<LobbyId>().is_err(),
                "{bad:?} should be rejected"
            );
        }
    }

    #[test]
    fn lobby_and_chat_ids_are_conversation_ids() {
        let uuid = Uuid::from_u128(7);
        assert_eq!(
            ConversationId::from(LobbyId::from_uuid(uuid)).as_uuid(),
            uuid
        );
        assert_eq!(
            ConversationId::from(ChatId::from_uuid(uuid)).as_chat(),
            ChatId::from_uuid(uuid)
        );
    }
}
