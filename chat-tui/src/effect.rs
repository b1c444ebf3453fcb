//! What the reducer asks the outside world to do. [`crate::worker`] carries effects out with
//! chat-client and answers with [`crate::event::NetEvent`]s.

use std::fmt;

use chat_client::Conversation as Target;
use chat_core::v1::{
    ChatId, ConversationId, Description, Emoji, LobbyId, LobbyName, MessageContent, MessageId,
    Username,
};

/// A secret (password, token) whose `Debug` does not show it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(pub String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(…)")
    }
}

/// One thing to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Sign in (or register), save the session in the profile, then connect the gateway.
    Login {
        /// The server URL.
        server: String,
        /// The username.
        username: String,
        /// The password.
        password: Secret,
        /// Register instead of signing in.
        register: bool,
    },
    /// Connect the gateway with a saved token.
    Connect {
        /// The server URL.
        server: String,
        /// The token.
        token: Secret,
    },
    /// Fetch the user's lobbies and chats; then select `select` if given.
    LoadConversations {
        /// Select this conversation once listed.
        select: Option<ConversationId>,
    },
    /// Fetch a page of history (the newest, or the one before `before`).
    LoadHistory {
        /// The conversation.
        target: Target,
        /// Older than this message.
        before: Option<MessageId>,
    },
    /// Fetch a lobby's members.
    LoadMembers(LobbyId),
    /// Fetch public lobbies the user has not joined.
    LoadCommunity,
    /// Send a message (the gateway keeps it while offline; the nonce makes retries safe).
    Send {
        /// Where.
        conversation: ConversationId,
        /// The nonce.
        nonce: String,
        /// The text.
        content: MessageContent,
        /// Wait this long first (a retry after `rate_limited`).
        delay_ms: u64,
    },
    /// Edit an own message.
    Edit {
        /// Which.
        message: MessageId,
        /// The new text.
        content: MessageContent,
    },
    /// Delete a message.
    Delete(MessageId),
    /// Post a reply to a message.
    Reply {
        /// Where.
        conversation: ConversationId,
        /// The message answered.
        reply_to: MessageId,
        /// The text.
        content: MessageContent,
    },
    /// React to a message (`true`) or take the reaction back.
    React {
        /// Which.
        message: MessageId,
        /// With what.
        emoji: Emoji,
        /// Add or remove.
        add: bool,
    },
    /// Pin (`true`) or unpin a message.
    Pin {
        /// Which.
        message: MessageId,
        /// Pin or unpin.
        pin: bool,
    },
    /// Tell the conversation the user is typing.
    Typing(ConversationId),
    /// Move the read cursor.
    MarkRead {
        /// Where.
        conversation: ConversationId,
        /// To this message seq.
        seq: u64,
    },
    /// Join a public lobby by id.
    Join(LobbyId),
    /// Join a public lobby by name.
    JoinByName(LobbyName),
    /// Create a lobby.
    Create {
        /// Its name.
        name: LobbyName,
        /// Private instead of public.
        private: bool,
    },
    /// Leave a lobby.
    Leave(LobbyId),
    /// Close (delete for me) a direct chat.
    CloseChat(ChatId),
    /// Open a direct chat with a user.
    OpenDm(Username),
    /// Add a user to a lobby.
    Invite {
        /// The lobby.
        lobby: LobbyId,
        /// The user.
        user: Username,
    },
    /// Remove a user from a lobby.
    Kick {
        /// The lobby.
        lobby: LobbyId,
        /// The user.
        user: Username,
    },
    /// Set a lobby's topic (its description).
    SetTopic {
        /// The lobby.
        lobby: LobbyId,
        /// The topic.
        topic: Description,
    },
}
