//! The application state: everything the screen shows. It is owned by the event loop, changed
//! only by [`crate::update::update`] and read by [`crate::ui::draw`].

use std::collections::{BTreeMap, HashMap, HashSet};

use chat_core::v1::{ConversationId, MessageId, Role, UserId, Visibility};

use crate::editor::Editor;
use crate::time::Zone;

/// How long a `typing` indication lasts without renewal (the server says about 6 s).
pub const TYPING_TTL_MS: i64 = 7_000;
/// How often the client repeats its own `typing` while the user keeps typing.
pub const TYPING_REPEAT_MS: i64 = 3_000;
/// How long an informational notice stays in the status line.
pub const NOTICE_MS: i64 = 8_000;
/// Messages fetched per history page.
pub const PAGE_SIZE: u32 = 50;
/// Rate-limited sends are retried this many times before they are shown as failed.
pub const MAX_SEND_ATTEMPTS: u32 = 5;

/// The whole application.
#[derive(Debug, Clone)]
pub struct App {
    /// Which screen is up.
    pub screen: Screen,
    /// The sign-in form (kept while signed in, so it is filled in after a sign-out).
    pub login: LoginForm,
    /// The signed-in user.
    pub me: Option<Me>,
    /// Lobbies and direct chats, in sidebar order (lobbies first, then chats).
    pub conversations: Vec<Conversation>,
    /// The conversation shown in the message pane.
    pub selected: Option<ConversationId>,
    /// The "community" view: public lobbies to discover and join, when open.
    pub community: Option<Community>,
    /// Names of every user seen so far, for display and completion.
    pub users: HashMap<UserId, String>,
    /// Users known to be online.
    pub online: HashSet<UserId>,
    /// The gateway's state, for the status line.
    pub connection: Connection,
    /// The latest notice (info or error) for the status line.
    pub notice: Option<Notice>,
    /// The message editor.
    pub editor: Editor,
    /// Whether the member list is open.
    pub show_members: bool,
    /// Whether the key-binding overlay is open.
    pub show_help: bool,
    /// The current time, from the last tick (milliseconds since the Unix epoch).
    pub now_ms: i64,
    /// The time zone messages are shown in.
    pub zone: Zone,
    /// The terminal size (columns, rows).
    pub size: (u16, u16),
    /// Set when the user asked to quit.
    pub quit: bool,
    /// When the client last told each conversation that the user is typing.
    pub typing_sent: HashMap<ConversationId, i64>,
    /// A conversation to select as soon as the sidebar lists it (after `/join`, `/dm`, …).
    pub select_when_listed: Option<ConversationId>,
    nonce_prefix: String,
    nonce_counter: u64,
}

/// The screens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    /// The sign-in / registration form.
    Login,
    /// Signed in, waiting for the gateway's first `ready`.
    Connecting,
    /// Sidebar, messages, input.
    Main,
}

/// The signed-in user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Me {
    /// The account id.
    pub id: UserId,
    /// The username (mentions are `@username`).
    pub username: String,
}

/// The sign-in form.
#[derive(Debug, Clone, Default)]
pub struct LoginForm {
    /// The server URL.
    pub server: String,
    /// The username.
    pub username: String,
    /// The password (never saved; the token is).
    pub password: String,
    /// The focused field.
    pub focus: LoginField,
    /// Register a new account instead of signing in.
    pub register: bool,
    /// A request is in flight.
    pub busy: bool,
    /// Why the last attempt failed.
    pub error: Option<String>,
}

/// The fields of the sign-in form.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum LoginField {
    /// The server URL.
    Server,
    /// The username.
    #[default]
    Username,
    /// The password.
    Password,
}

/// The gateway's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Connection {
    /// Not connected yet.
    Connecting,
    /// Live.
    Connected,
    /// The connection broke; the gateway is reconnecting.
    Reconnecting {
        /// Attempts so far.
        attempt: u32,
        /// Why it broke.
        reason: String,
    },
    /// Reconnected; the server is replaying what was missed.
    Resuming,
    /// Reconnected and caught up: nothing was missed.
    Resumed,
    /// The gateway stopped for good.
    Offline {
        /// Why.
        reason: String,
    },
}

/// A line for the status area.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// The text.
    pub text: String,
    /// An error (shown in red) or information.
    pub error: bool,
    /// When it disappears (milliseconds since the epoch).
    pub until_ms: i64,
}

/// A lobby or a direct chat, with what the client knows of it.
#[derive(Debug, Clone)]
pub struct Conversation {
    /// Its id.
    pub id: ConversationId,
    /// Lobby or chat, with the details of each.
    pub kind: Kind,
    /// Messages loaded so far, ascending by seq.
    pub messages: Vec<Msg>,
    /// Own messages on their way to the server, oldest first.
    pub pending: Vec<Pending>,
    /// The seq of the newest message.
    pub last_message_seq: u64,
    /// The user's read cursor.
    pub read_seq: u64,
    /// Unread messages from others.
    pub unread: u64,
    /// Whether an unread message mentions the user.
    pub mentioned: bool,
    /// Who is typing here, with when their indication expires.
    pub typing: BTreeMap<UserId, i64>,
    /// The member list, once loaded (lobbies).
    pub members: Option<Vec<MemberEntry>>,
    /// How much of the history is loaded.
    pub history: History,
    /// An older page is being fetched.
    pub loading_older: bool,
    /// Rows scrolled up from the bottom of the message pane (0: following new messages).
    pub scroll: usize,
}

/// What kind of conversation, with its details.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// A lobby.
    Lobby {
        /// Its name.
        name: String,
        /// Its description, shown as the topic.
        topic: String,
        /// Public or private.
        visibility: Visibility,
    },
    /// A direct chat.
    Chat {
        /// The other person.
        partner: UserId,
    },
    /// Listed by the gateway but not yet by the REST refresh.
    Unknown,
}

/// How much of a conversation's history is loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum History {
    /// Nothing yet.
    NotLoaded,
    /// The first page is on its way.
    Loading,
    /// Some pages; older ones exist.
    Partial,
    /// Everything back to the first message.
    Complete,
}

/// A member in the member list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberEntry {
    /// The user.
    pub user_id: UserId,
    /// Admin or member.
    pub role: Role,
}

/// A stored message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Msg {
    /// Its id.
    pub id: MessageId,
    /// Its number in the conversation.
    pub seq: u64,
    /// The author (none when the account was deleted).
    pub author_id: Option<UserId>,
    /// The author's username at the time the client saw it.
    pub author: String,
    /// The text (empty once deleted).
    pub content: String,
    /// When it was posted (milliseconds since the epoch).
    pub created_ms: i64,
    /// Whether it was edited.
    pub edited: bool,
    /// Whether it was deleted.
    pub deleted: bool,
}

/// An own message not yet acknowledged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    /// The nonce it is sent with (retries reuse it, so it is never posted twice).
    pub nonce: String,
    /// The text.
    pub content: String,
    /// When the user sent it.
    pub created_ms: i64,
    /// Sends so far (rate-limited sends are retried).
    pub attempts: u32,
    /// Why it failed for good, if it did.
    pub failed: Option<String>,
}

/// The community view.
#[derive(Debug, Clone, Default)]
pub struct Community {
    /// Public lobbies the user has not joined.
    pub lobbies: Vec<CommunityLobby>,
    /// The highlighted row.
    pub selected: usize,
    /// The list is being fetched.
    pub loading: bool,
}

/// A lobby in the community view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommunityLobby {
    /// Its id.
    pub id: chat_core::v1::LobbyId,
    /// Its name.
    pub name: String,
    /// Its description.
    pub description: String,
    /// How many members it has.
    pub member_count: u64,
}

impl App {
    /// A fresh state on the sign-in form. `nonce_prefix` makes message nonces unique across
    /// runs (the server remembers nonces for 24 hours); tests pass a fixed one.
    pub fn new(server: String, username: String, zone: Zone, nonce_prefix: String) -> Self {
        Self {
            screen: Screen::Login,
            login: LoginForm {
                server,
                focus: if username.is_empty() {
                    LoginField::Username
                } else {
                    LoginField::Password
                },
                username,
                ..LoginForm::default()
            },
            me: None,
            conversations: Vec::new(),
            selected: None,
            community: None,
            users: HashMap::new(),
            online: HashSet::new(),
            connection: Connection::Connecting,
            notice: None,
            editor: Editor::default(),
            show_members: false,
            show_help: false,
            now_ms: 0,
            zone,
            size: (80, 24),
            quit: false,
            typing_sent: HashMap::new(),
            select_when_listed: None,
            nonce_prefix,
            nonce_counter: 0,
        }
    }

    /// A new nonce for a message send.
    pub fn next_nonce(&mut self) -> String {
        self.nonce_counter += 1;
        format!("{}-{}", self.nonce_prefix, self.nonce_counter)
    }

    /// The conversation with this id.
    pub fn conversation(&self, id: ConversationId) -> Option<&Conversation> {
        self.conversations.iter().find(|c| c.id == id)
    }

    /// The conversation with this id, to change it.
    pub fn conversation_mut(&mut self, id: ConversationId) -> Option<&mut Conversation> {
        self.conversations.iter_mut().find(|c| c.id == id)
    }

    /// The selected conversation.
    pub fn current(&self) -> Option<&Conversation> {
        self.selected.and_then(|id| self.conversation(id))
    }

    /// The selected conversation, to change it.
    pub fn current_mut(&mut self) -> Option<&mut Conversation> {
        let id = self.selected?;
        self.conversation_mut(id)
    }

    /// A user's name, or a short form of the id when unknown.
    pub fn user_name(&self, id: UserId) -> String {
        self.users.get(&id).cloned().unwrap_or_else(|| {
            let text = id.to_string();
            format!("user-{}", &text[text.len().saturating_sub(4)..])
        })
    }

    /// The sidebar title of a conversation: `#lobby` or the chat partner's name.
    pub fn title(&self, conversation: &Conversation) -> String {
        match &conversation.kind {
            Kind::Lobby { name, .. } => format!("#{name}"),
            Kind::Chat { partner } => self.user_name(*partner),
            Kind::Unknown => "…".to_owned(),
        }
    }

    /// Sets a notice that disappears after a while.
    pub fn info(&mut self, text: impl Into<String>) {
        self.notice = Some(Notice {
            text: text.into(),
            error: false,
            until_ms: self.now_ms + NOTICE_MS,
        });
    }

    /// Sets an error notice (it stays longer).
    pub fn error(&mut self, text: impl Into<String>) {
        self.notice = Some(Notice {
            text: text.into(),
            error: true,
            until_ms: self.now_ms + 3 * NOTICE_MS,
        });
    }

    /// Usernames for completion: members of the current lobby, chat partners and authors
    /// seen, sorted, without the user's own.
    pub fn completion_names(&self) -> Vec<String> {
        let me = self.me.as_ref().map(|m| m.id);
        let mut names: Vec<String> = self
            .users
            .iter()
            .filter(|(id, _)| Some(**id) != me)
            .map(|(_, name)| name.clone())
            .collect();
        names.sort();
        names.dedup();
        names
    }
}

impl Conversation {
    /// A conversation the client knows nothing about yet but its id and kind.
    pub fn new(id: ConversationId, kind: Kind) -> Self {
        Self {
            id,
            kind,
            messages: Vec::new(),
            pending: Vec::new(),
            last_message_seq: 0,
            read_seq: 0,
            unread: 0,
            mentioned: false,
            typing: BTreeMap::new(),
            members: None,
            history: History::NotLoaded,
            loading_older: false,
            scroll: 0,
        }
    }

    /// Whether it is a lobby.
    pub fn is_lobby(&self) -> bool {
        matches!(self.kind, Kind::Lobby { .. })
    }

    /// Inserts or replaces a message, keeping the seq order.
    pub fn upsert(&mut self, message: Msg) {
        match self.messages.binary_search_by_key(&message.seq, |m| m.seq) {
            Ok(i) => self.messages[i] = message,
            Err(i) => self.messages.insert(i, message),
        }
    }
}
