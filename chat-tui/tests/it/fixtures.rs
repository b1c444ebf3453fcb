//! A signed-in app with fixed ids, names and times, built only through the reducer.

use chat_client::{GatewayEvent, Ready};
use chat_core::v1::{
    Account, Chat, ConversationId, ConversationState, Lobby, Message, ServerFrame, SessionId,
    UserId,
};
use chat_tui::effect::Effect;
use chat_tui::event::{Event, NetEvent};
use chat_tui::state::App;
use chat_tui::time::Zone;
use chat_tui::update::update;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde_json::json;

/// 2026-12-01T09:00:00Z, the fixtures' "now".
pub const NOW: i64 = 1_796_115_600_000;
pub const MINUTE: i64 = 60_000;

pub fn uuid(n: u128) -> uuid::Uuid {
    uuid::Uuid::from_u128(n)
}

pub fn alice() -> UserId {
    UserId::from_uuid(uuid(0xa11ce))
}
pub fn bob() -> UserId {
    UserId::from_uuid(uuid(0xb0b))
}
pub fn carol() -> UserId {
    UserId::from_uuid(uuid(0xca201))
}
pub fn general() -> ConversationId {
    ConversationId::from_uuid(uuid(0x1001))
}
pub fn random() -> ConversationId {
    ConversationId::from_uuid(uuid(0x1002))
}
pub fn bob_chat() -> ConversationId {
    ConversationId::from_uuid(uuid(0x2001))
}

fn iso(ms: i64) -> String {
    chat_core::v1::Timestamp::from_unix_millis(ms)
        .expect("a valid time")
        .to_string()
}

fn name_of(user: UserId) -> &'static str {
    match user {
        u if u == alice() => "alice",
        u if u == bob() => "bob",
        _ => "carol",
    }
}

/// A message as the server sends it.
pub fn message(
    conversation: ConversationId,
    seq: u64,
    author: UserId,
    text: &str,
    at: i64,
) -> Message {
    serde_json::from_value(json!({
        "id": uuid(0x9000_0000 + u128::from(seq) + (conversation.as_uuid().as_u128() << 20)),
        "conversation_id": conversation,
        "seq": seq,
        "author": {"id": author, "username": name_of(author), "display_name": name_of(author)},
        "content": text,
        "created_at": iso(at),
        "edited_at": null,
    }))
    .expect("a valid message")
}

fn user_json(user: UserId) -> serde_json::Value {
    json!({"id": user, "username": name_of(user), "display_name": name_of(user),
           "description": "", "created_at": iso(NOW - 1000 * MINUTE)})
}

pub fn ready(unread_random: u64) -> Ready {
    let user: Account = serde_json::from_value(json!({
        "id": alice(), "username": "alice", "display_name": "alice", "description": "",
        "email": null, "is_admin": false, "created_at": iso(NOW - 1000 * MINUTE)
    }))
    .expect("an account");
    let conversations: Vec<ConversationState> = serde_json::from_value(json!([
        {"conversation_id": general(), "kind": "lobby", "seq": 3, "last_message_seq": 3,
         "read_seq": 3, "unread_count": 0, "online": [alice(), bob()]},
        {"conversation_id": random(), "kind": "lobby", "seq": 5, "last_message_seq": 5,
         "read_seq": 5 - unread_random, "unread_count": unread_random, "online": [alice()]},
        {"conversation_id": bob_chat(), "kind": "chat", "seq": 1, "last_message_seq": 1,
         "read_seq": 1, "unread_count": 0, "online": [alice(), bob()]},
    ]))
    .expect("conversation states");
    Ready {
        user,
        session_id: SessionId::from_uuid(uuid(0x5e55)),
        conversations,
    }
}

fn lobby(id: ConversationId, name: &str, topic: &str, last_seq: u64) -> Lobby {
    serde_json::from_value(json!({
        "id": id, "name": name, "description": topic, "visibility": "public",
        "created_by": bob(), "created_at": iso(NOW - 500 * MINUTE), "member_count": 3,
        "last_seq": last_seq,
        "membership": {"role": "member", "joined_at": iso(NOW - 400 * MINUTE),
                       "read_seq": last_seq, "unread_count": 0}
    }))
    .expect("a lobby")
}

fn chat() -> Chat {
    serde_json::from_value(json!({
        "id": bob_chat(), "partner": user_json(bob()), "created_at": iso(NOW - 300 * MINUTE),
        "last_message": null, "last_seq": 1, "read_seq": 1, "unread_count": 0
    }))
    .expect("a chat")
}

pub fn members() -> Vec<chat_core::v1::Member> {
    serde_json::from_value(json!([
        {"user": user_json(alice()), "role": "member", "joined_at": iso(NOW - 400 * MINUTE)},
        {"user": user_json(bob()), "role": "admin", "joined_at": iso(NOW - 500 * MINUTE)},
        {"user": user_json(carol()), "role": "member", "joined_at": iso(NOW - 300 * MINUTE)},
    ]))
    .expect("members")
}

pub fn net(app: &mut App, event: NetEvent) -> Vec<Effect> {
    update(app, Event::Net(event))
}

pub fn frame(app: &mut App, frame: ServerFrame) -> Vec<Effect> {
    net(app, NetEvent::Gateway(Box::new(GatewayEvent::Frame(frame))))
}

pub fn key(app: &mut App, code: KeyCode) -> Vec<Effect> {
    update(app, Event::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

pub fn key_with(app: &mut App, code: KeyCode, modifiers: KeyModifiers) -> Vec<Effect> {
    update(app, Event::Key(KeyEvent::new(code, modifiers)))
}

pub fn type_text(app: &mut App, text: &str) -> Vec<Effect> {
    text.chars()
        .flat_map(|c| key(app, KeyCode::Char(c)))
        .collect()
}

/// The history of #general: three messages over two days, one mentioning alice, one edited.
pub fn general_history() -> Vec<Message> {
    let mut edited = message(
        general(),
        2,
        alice(),
        "morning! the build is green again 🎉",
        NOW - 20 * MINUTE,
    );
    edited.edited_at =
        Some(chat_core::v1::Timestamp::from_unix_millis(NOW - 19 * MINUTE).expect("time"));
    vec![
        message(
            general(),
            3,
            bob(),
            "@alice can you look at the flaky test? It fails about once in twenty runs on the CI machine, never locally.",
            NOW - 5 * MINUTE,
        ),
        edited,
        message(
            general(),
            1,
            carol(),
            "good night, see you tomorrow",
            NOW - 12 * 60 * MINUTE,
        ),
    ]
}

/// Alice, signed in, with #general open (history loaded), #random with 2 unread and a chat
/// with bob; a 100×30 terminal.
pub fn signed_in() -> App {
    let mut app = App::new(
        "http://chat.example".into(),
        "alice".into(),
        Zone::utc(),
        "test".into(),
    );
    app.size = (100, 30);
    update(&mut app, Event::Tick(NOW));
    net(
        &mut app,
        NetEvent::SignedIn {
            username: "alice".into(),
        },
    );
    net(
        &mut app,
        NetEvent::Gateway(Box::new(GatewayEvent::Connected(ready(2)))),
    );
    net(
        &mut app,
        NetEvent::Conversations {
            lobbies: vec![
                lobby(random(), "random", "", 5),
                lobby(general(), "general", "all things chat", 3),
            ],
            chats: vec![chat()],
            select: None,
        },
    );
    net(
        &mut app,
        NetEvent::History {
            conversation: general(),
            before: None,
            messages: general_history(),
            more: false,
        },
    );
    net(
        &mut app,
        NetEvent::Members {
            conversation: general(),
            members: members(),
        },
    );
    app
}
