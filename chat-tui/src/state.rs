//! The application state: everything the screen shows. It is owned by the event loop, changed
//! only by [`crate::update::update`] and read by [`crate::ui::draw`].

use std::collections::{BTreeMap, HashMap, HashSet};

use chat_client::sync::Timeline;
use chat_client::sync::timeline::HistoryPosition;
use chat_client::sync::timeline::{DeletedMessage, HistoryRequest, Item};
use chat_core::v1::{
    ConversationId, Message, MessageContent, MessageId, MessagePage, Nonce, Role, UserId,
    Visibility,
};

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
///
/// Its messages, the echoes of own sends, the read cursor and the unread count are a
/// [`chat_client::sync::Timeline`], the timeline model the SDK and the web client share;
/// it is changed only through [`Conversation::update_timeline`] and the methods here, each
/// of which rebuilds the views below (`messages`, `pending`, `unread`) from it.
#[derive(Debug, Clone)]
pub struct Conversation {
    /// Its id.
    pub id: ConversationId,
    /// Lobby or chat, with the details of each.
    pub kind: Kind,
    /// The timeline's messages as the pane shows them, ascending by seq, deleted ones
    /// included (a view of the timeline, rebuilt after every change to it).
    pub messages: Vec<Msg>,
    /// Own sends the timeline still waits for, and sends that failed for good, oldest
    /// first: the timeline's echoes with what only the terminal shows of them.
    pub pending: Vec<Pending>,
    /// Unread messages from others (the timeline's count).
    pub unread: u64,
    timeline: Timeline,
    /// The newest page asked for, while it is on its way.
    newest_request: Option<HistoryRequest>,
    /// The older page asked for, while it is on its way.
    older_request: Option<HistoryRequest>,
    /// Unread messages that call the user (the timeline's count).
    pub mentions: u64,
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

/// A stored message, as the message pane shows it.
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
    /// The quote of the message it answers: `author: excerpt`, or that it was deleted.
    pub reply: Option<String>,
    /// Its reactions, first reacted first: emoji, count, whether the user is among them.
    pub reactions: Vec<(String, u32, bool)>,
    /// Whether it is pinned.
    pub pinned: bool,
    /// Whether it calls the user: names them, or `@here` / `@everyone` (the server's
    /// resolution, not a guess from the text).
    pub calls_me: bool,
    /// Whether its `@here` / `@everyone` calls anyone (a member's `@everyone` does not).
    pub broadcast: bool,
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

    /// The users typing in a conversation, by name, for the status line.
    pub fn typing_names(&self, conversation: &Conversation) -> Vec<String> {
        conversation
            .typing
            .keys()
            .map(|id: &UserId| self.user_name(*id))
            .collect()
    }
}

impl Msg {
    /// How a stored message shows.
    pub fn from_message(message: &Message) -> Self {
        Self {
            id: message.id,
            seq: message.seq,
            author_id: message.author.as_ref().map(|a| a.id),
            author: author_name(message.author.as_ref()),
            content: message.content.as_str().to_owned(),
            created_ms: message.created_at.unix_millis(),
            edited: message.edited_at.is_some(),
            deleted: false,
            reply: message.reply_to.as_ref().map(|r| {
                if r.deleted {
                    "(deleted message)".to_owned()
                } else {
                    let text = r.excerpt.lines().next().unwrap_or_default();
                    format!("{}: {text}", author_name(r.author.as_ref()))
                }
            }),
            reactions: message
                .reactions
                .iter()
                .map(|r| (r.emoji.as_str().to_owned(), r.count, r.me))
                .collect(),
            pinned: message.pinned_at.is_some(),
            calls_me: false,
            broadcast: message.broadcast.is_some(),
        }
    }

    /// How a deleted message shows: in its place, without its text.
    pub fn from_deleted(message: &DeletedMessage) -> Self {
        Self {
            id: message.id,
            seq: message.seq,
            author_id: message.author.as_ref().map(|a| a.id),
            author: author_name(message.author.as_ref()),
            content: String::new(),
            created_ms: message.created_at.unix_millis(),
            edited: false,
            deleted: true,
            reply: None,
            reactions: Vec::new(),
            pinned: false,
            calls_me: false,
            broadcast: false,
        }
    }
}

fn author_name(author: Option<&chat_core::v1::Author>) -> String {
    author.map_or_else(|| "(deleted user)".to_owned(), |a| a.username.to_string())
}

impl Conversation {
    /// A conversation the client knows nothing about yet but its id and kind, for the user
    /// `me` when known.
    pub fn new(id: ConversationId, kind: Kind, me: Option<UserId>) -> Self {
        Self {
            id,
            kind,
            messages: Vec::new(),
            pending: Vec::new(),
            unread: 0,
            timeline: Timeline::new(id, me),
            newest_request: None,
            older_request: None,
            mentions: 0,
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

    /// The conversation's timeline.
    pub fn timeline(&self) -> &Timeline {
        &self.timeline
    }

    /// Changes the timeline, then rebuilds the views of it.
    pub fn update_timeline<R>(&mut self, change: impl FnOnce(&mut Timeline) -> R) -> R {
        let result = change(&mut self.timeline);
        self.refresh();
        result
    }

    /// Rebuilds `messages`, `pending` and `unread` from the timeline. Held messages below
    /// where the history pages reach (an edit of an older message) wait for their page.
    fn refresh(&mut self) {
        let floor = self.timeline.paged_from().unwrap_or(0);
        self.messages = self
            .timeline
            .items()
            .filter_map(|item| match item {
                Item::Message(m) if m.seq >= floor => Some(Msg {
                    calls_me: self.timeline.calls_me(m),
                    ..Msg::from_message(m)
                }),
                Item::Deleted(d) if d.seq >= floor => Some(Msg::from_deleted(d)),
                _ => None,
            })
            .collect();
        let waiting: HashSet<&str> = self
            .timeline
            .pending()
            .iter()
            .map(|p| p.nonce.as_str())
            .collect();
        self.pending
            .retain(|p| p.failed.is_some() || waiting.contains(p.nonce.as_str()));
        self.unread = self.timeline.unread_count();
        self.mentions = self.timeline.unread_mention_count();
    }

    /// Shows a send at once, as pending until its `ack`.
    pub fn push_send(&mut self, nonce: String, content: MessageContent, now_ms: i64) {
        self.pending.push(Pending {
            nonce: nonce.clone(),
            content: content.as_str().to_owned(),
            created_ms: now_ms,
            attempts: 1,
            failed: None,
        });
        if let Ok(nonce) = Nonce::new(nonce) {
            self.update_timeline(|t| t.push_pending(nonce, content));
        }
    }

    /// The `ack` of a send: its echo gives way to the stored message.
    pub fn acknowledge(&mut self, nonce: &str, message: &Message) {
        match Nonce::new(nonce) {
            Ok(nonce) => {
                self.update_timeline(|t| t.acknowledge(&nonce, message));
            }
            Err(_) => self.pending.retain(|p| p.nonce != nonce),
        }
    }

    /// A send failed for good: its echo leaves the timeline and shows as not sent.
    pub fn fail_send(&mut self, nonce: &str, reason: &str) {
        if let Some(p) = self.pending.iter_mut().find(|p| p.nonce == nonce) {
            p.failed = Some(reason.to_owned());
        }
        if let Ok(nonce) = Nonce::new(nonce) {
            self.update_timeline(|t| t.remove_pending(&nonce));
        }
    }

    /// The next history page to fetch, remembered until it arrives: the newest one (when
    /// `older` is false) or the one before the oldest page held. `None` when there is none.
    pub fn request_history(&mut self, older: bool) -> Option<Option<MessageId>> {
        let request = self.timeline.history_request()?;
        if older != request.before.is_some() {
            return None;
        }
        if older {
            self.older_request = Some(request);
            self.loading_older = true;
        } else {
            self.newest_request = Some(request);
            self.history = History::Loading;
        }
        Some(request.before)
    }

    /// Merges a history page (newest first) that answers the request for the page `before`
    /// a message (the newest page: `None`); `more`: older messages exist.
    pub fn apply_history(&mut self, before: Option<MessageId>, items: Vec<Message>, more: bool) {
        let asked = if before.is_none() {
            self.newest_request.take()
        } else {
            self.loading_older = false;
            self.older_request.take().filter(|r| r.before == before)
        };
        // A page no request here waits for (asked before a resync dropped the requests)
        // is merged as the timeline's next page, if it is that page.
        let request = asked.or_else(|| {
            self.timeline
                .history_request()
                .filter(|r| r.before == before)
        });
        let next_cursor = if more {
            items.last().map(|m| m.id)
        } else {
            None
        };
        if let Some(request) = request {
            let page = MessagePage { items, next_cursor };
            self.update_timeline(|t| t.apply_page(request, &page));
        }
        self.history = match self.timeline.history() {
            HistoryPosition::Start => History::Complete,
            HistoryPosition::Before(_) => History::Partial,
            HistoryPosition::Newest if self.newest_request.is_some() => History::Loading,
            HistoryPosition::Newest => History::NotLoaded,
        };
    }

    /// A history request failed.
    pub fn history_failed(&mut self) {
        if self.history == History::Loading {
            self.history = History::NotLoaded;
            self.newest_request = None;
        }
        self.loading_older = false;
        self.older_request = None;
    }

    /// `resync_required`: what is held may be stale; the history loads again.
    pub fn resync(&mut self) {
        self.newest_request = None;
        self.older_request = None;
        self.history = History::NotLoaded;
        self.loading_older = false;
        self.scroll = 0;
        self.update_timeline(Timeline::resync);
    }
}

#[cfg(test)]
mod tests {
    use chat_core::v1::ServerFrame;
    use serde_json::json;

    use super::*;

    fn id(n: u128) -> uuid::Uuid {
        uuid::Uuid::from_u128(n)
    }

    fn conversation() -> ConversationId {
        ConversationId::from_uuid(id(0x1001))
    }

    fn bob() -> UserId {
        UserId::from_uuid(id(0xb0b))
    }

    fn message_id(seq: u64) -> MessageId {
        MessageId::from_uuid(id(0x9000 + u128::from(seq)))
    }

    fn message(seq: u64, text: &str, edited: bool) -> Message {
        serde_json::from_value(json!({
            "id": message_id(seq),
            "conversation_id": conversation(),
            "seq": seq,
            "author": {"id": bob(), "username": "bob", "display_name": "bob"},
            "content": text,
            "created_at": "2026-12-01T09:00:00Z",
            "edited_at": if edited { Some("2026-12-01T09:01:00Z") } else { None },
        }))
        .expect("a message")
    }

    #[test]
    fn the_views_follow_the_timeline() {
        let mut c = Conversation::new(conversation(), Kind::Unknown, None);
        let before = c.request_history(false).expect("the newest page");
        assert_eq!(before, None);
        assert_eq!(c.history, History::Loading);
        let page: Vec<Message> = (3..=5).rev().map(|s| message(s, "text", false)).collect();
        c.apply_history(None, page, true);
        assert_eq!(c.history, History::Partial);
        assert_eq!(c.request_history(true), Some(Some(message_id(3))));
        assert!(c.loading_older);

        // An edit of a message older than the pages waits for its page.
        c.update_timeline(|t| {
            t.apply_frame(&ServerFrame::MessageUpdated {
                conversation_id: conversation(),
                seq: 10,
                message: message(1, "first!", true),
            })
        });
        let seqs: Vec<u64> = c.messages.iter().map(|m| m.seq).collect();
        assert_eq!(seqs, vec![3, 4, 5]);

        // A deleted message keeps its place, without its text.
        c.update_timeline(|t| {
            t.apply_frame(&ServerFrame::MessageDeleted {
                conversation_id: conversation(),
                seq: 11,
                message_id: message_id(4),
                message_seq: 4,
            })
        });
        let shown: Vec<(u64, &str, bool)> = c
            .messages
            .iter()
            .map(|m| (m.seq, m.content.as_str(), m.deleted))
            .collect();
        assert_eq!(
            shown,
            vec![(3, "text", false), (4, "", true), (5, "text", false)]
        );
        assert_eq!(c.messages[1].author, "bob");

        let older: Vec<Message> = (1..=2).rev().map(|s| message(s, "text", false)).collect();
        c.apply_history(Some(message_id(3)), older, false);
        assert_eq!(c.history, History::Complete);
        assert!(!c.loading_older);
        assert_eq!(c.messages.len(), 5);
        assert_eq!(c.messages[0].content, "first!");
        assert!(c.messages[0].edited);
    }

    #[test]
    fn a_failed_send_stays_shown_until_it_is_taken_back() {
        let mut c = Conversation::new(conversation(), Kind::Unknown, None);
        let content = MessageContent::parse("hello").expect("content");
        c.push_send("n-1".into(), content.clone(), 5);
        c.push_send("n-2".into(), content, 6);
        assert_eq!(c.timeline().pending().len(), 2);
        c.fail_send("n-1", "forbidden");
        assert!(
            c.timeline()
                .pending()
                .iter()
                .all(|p| p.nonce.as_str() == "n-2")
        );
        c.acknowledge("n-2", &message(1, "hello", false));
        assert_eq!(c.messages.len(), 1);
        let pending: Vec<(&str, Option<&str>)> = c
            .pending
            .iter()
            .map(|p| (p.nonce.as_str(), p.failed.as_deref()))
            .collect();
        assert_eq!(pending, vec![("n-1", Some("forbidden"))]);
    }
}
