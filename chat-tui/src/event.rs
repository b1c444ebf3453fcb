//! Everything that can happen to the app: terminal input, the clock, and what the network
//! worker reports. [`crate::update::update`] turns each into state changes and effects.

use chat_client::GatewayEvent;
use chat_core::v1::{Chat, ConversationId, Lobby, Member, Message, MessageId};
use ratatui::crossterm::event::{KeyEvent, MouseEvent};

/// One input to the reducer.
#[derive(Debug, Clone)]
pub enum Event {
    /// A key press.
    Key(KeyEvent),
    /// A mouse event (wheel scrolling).
    Mouse(MouseEvent),
    /// Pasted text (bracketed paste).
    Paste(String),
    /// The terminal was resized (columns, rows).
    Resize(u16, u16),
    /// The clock: milliseconds since the epoch (expires typing indications and notices).
    Tick(i64),
    /// The network worker's report.
    Net(NetEvent),
}

/// What the network worker reports.
#[derive(Debug, Clone)]
pub enum NetEvent {
    /// Signed in (or registered) and the session was saved; the gateway is connecting.
    SignedIn {
        /// The username.
        username: String,
    },
    /// Sign-in or registration was refused.
    LoginFailed(String),
    /// The gateway could not connect.
    ConnectFailed {
        /// Why.
        reason: String,
        /// The token was refused: the user must sign in again.
        unauthorized: bool,
    },
    /// Something from the gateway.
    Gateway(Box<GatewayEvent>),
    /// The user's lobbies and chats, from REST.
    Conversations {
        /// Lobbies the user is a member of.
        lobbies: Vec<Lobby>,
        /// Direct chats.
        chats: Vec<Chat>,
        /// Select this one (just joined, created or opened).
        select: Option<ConversationId>,
    },
    /// A page of history, newest first.
    History {
        /// The conversation.
        conversation: ConversationId,
        /// The page was older than this message (None: the newest page).
        before: Option<MessageId>,
        /// The messages, newest first.
        messages: Vec<Message>,
        /// Whether older messages exist.
        more: bool,
    },
    /// History could not be loaded.
    HistoryFailed {
        /// The conversation.
        conversation: ConversationId,
        /// Why.
        reason: String,
    },
    /// A lobby's members.
    Members {
        /// The lobby.
        conversation: ConversationId,
        /// Its members (the first pages).
        members: Vec<Member>,
    },
    /// Public lobbies the user has not joined.
    Community(Vec<Lobby>),
    /// The server stored a message sent with this nonce.
    Sent {
        /// The nonce.
        nonce: String,
        /// The stored message (boxed: it is most of the enum's size).
        message: Box<Message>,
    },
    /// A send failed.
    SendFailed {
        /// The nonce.
        nonce: String,
        /// Why.
        reason: String,
        /// When rate limited: wait this long, then try again.
        retry_after_ms: Option<u64>,
    },
    /// A request succeeded; say so.
    Done(String),
    /// A request failed; say why.
    Failed(String),
}
