//! The authorization matrix: every lobby, member, message and chat route, and every client
//! frame that names a conversation, message or user, against every role, in public and
//! private lobbies and in chats. Each cell runs in a fresh world, so a cell that changes
//! state (joining, leaving, deleting) cannot influence another.

use reqwest::Method;
use serde_json::{Value, json};

use chat_core::v1::ServerFrame;

use crate::helpers::{TestApp, TestUser, spawn_app};

#[derive(Clone, Copy, Debug)]
enum Who {
    Admin,
    Member,
    Outsider,
    Anonymous,
}

const ROLES: [Who; 4] = [Who::Admin, Who::Member, Who::Outsider, Who::Anonymous];

struct World {
    admin: TestUser,
    member: TestUser,
    outsider: TestUser,
    /// The lobby or chat id.
    place: String,
    /// A message written by `member`.
    message: String,
}

impl World {
    fn token(&self, who: Who) -> Option<&str> {
        match who {
            Who::Admin => Some(&self.admin.token),
            Who::Member => Some(&self.member.token),
            Who::Outsider => Some(&self.outsider.token),
            Who::Anonymous => None,
        }
    }

    fn path(&self, template: &str) -> String {
        template
            .replace("{place}", &self.place)
            .replace("{message}", &self.message)
            .replace("{admin}", &self.admin.id.to_string())
            .replace("{member}", &self.member.id.to_string())
            .replace("{outsider}", &self.outsider.id.to_string())
    }
}

async fn lobby_world(app: &TestApp, n: usize, visibility: &str) -> World {
    let admin = app.register(&format!("admin{n}")).await;
    let member = app.register(&format!("member{n}")).await;
    let outsider = app.register(&format!("outsider{n}")).await;
    let lobby = app.create_lobby(&admin, "room", visibility).await;
    app.add_member(&admin, &lobby, &member).await;
    let message = app.say(&member, &lobby, "hello").await;
    World {
        place: lobby.id.to_string(),
        message: message.id.to_string(),
        admin,
        member,
        outsider,
    }
}

/// In a chat world, `admin` and `member` are the two participants and the message is the
/// member's.
async fn chat_world(app: &TestApp, n: usize) -> World {
    let admin = app.register(&format!("first{n}")).await;
    let member = app.register(&format!("second{n}")).await;
    let outsider = app.register(&format!("outsider{n}")).await;
    let message = app.say_to(&member, &admin, "hi").await;
    World {
        place: message.conversation_id.to_string(),
        message: message.id.to_string(),
        admin,
        member,
        outsider,
    }
}

type Row = (Method, &'static str, Option<Value>, [u16; 4], [u16; 4]);

fn lobby_rows() -> Vec<Row> {
    let content = || Some(json!({"content": "text"}));
    vec![
        (
            Method::GET,
            "/api/v1/lobbies/{place}",
            None,
            [200, 200, 200, 401],
            [200, 200, 404, 401],
        ),
        (
            Method::PATCH,
            "/api/v1/lobbies/{place}",
            Some(json!({"description": "x"})),
            [200, 403, 403, 401],
            [200, 403, 404, 401],
        ),
        (
            Method::DELETE,
            "/api/v1/lobbies/{place}",
            None,
            [204, 403, 403, 401],
            [204, 403, 404, 401],
        ),
        (
            Method::POST,
            "/api/v1/lobbies/{place}/join",
            None,
            [200, 200, 200, 401],
            [200, 200, 404, 401],
        ),
        (
            Method::POST,
            "/api/v1/lobbies/{place}/leave",
            None,
            [204, 204, 403, 401],
            [204, 204, 404, 401],
        ),
        (
            Method::GET,
            "/api/v1/lobbies/{place}/members",
            None,
            [200, 200, 403, 401],
            [200, 200, 404, 401],
        ),
        (
            Method::GET,
            "/api/v1/lobbies/{place}/members/{member}",
            None,
            [200, 200, 403, 401],
            [200, 200, 404, 401],
        ),
        (
            Method::PUT,
            "/api/v1/lobbies/{place}/members/{outsider}",
            None,
            [201, 403, 403, 401],
            [201, 403, 404, 401],
        ),
        (
            Method::PATCH,
            "/api/v1/lobbies/{place}/members/{member}",
            Some(json!({"role": "admin"})),
            [200, 403, 403, 401],
            [200, 403, 404, 401],
        ),
        (
            Method::DELETE,
            "/api/v1/lobbies/{place}/members/{admin}",
            None,
            [204, 403, 403, 401],
            [204, 403, 404, 401],
        ),
        (
            Method::POST,
            "/api/v1/lobbies/{place}/messages",
            content(),
            [201, 201, 403, 401],
            [201, 201, 404, 401],
        ),
        (
            Method::GET,
            "/api/v1/lobbies/{place}/messages",
            None,
            [200, 200, 403, 401],
            [200, 200, 404, 401],
        ),
        (
            Method::GET,
            "/api/v1/lobbies/{place}/messages/{message}",
            None,
            [200, 200, 403, 401],
            [200, 200, 404, 401],
        ),
        (
            Method::PATCH,
            "/api/v1/messages/{message}",
            content(),
            [403, 200, 403, 401],
            [403, 200, 404, 401],
        ),
        (
            Method::DELETE,
            "/api/v1/messages/{message}",
            None,
            [204, 204, 403, 401],
            [204, 204, 404, 401],
        ),
        (
            Method::POST,
            "/api/v1/lobbies/{place}/messages",
            Some(json!({"content": "re", "reply_to": "{message}"})),
            [201, 201, 403, 401],
            [201, 201, 404, 401],
        ),
        (
            Method::PUT,
            "/api/v1/messages/{message}/reactions/👍",
            None,
            [204, 204, 403, 401],
            [204, 204, 404, 401],
        ),
        (
            Method::DELETE,
            "/api/v1/messages/{message}/reactions/:+1:",
            None,
            [204, 204, 403, 401],
            [204, 204, 404, 401],
        ),
        (
            Method::GET,
            "/api/v1/messages/{message}/reactions/👍",
            None,
            [200, 200, 403, 401],
            [200, 200, 404, 401],
        ),
        (
            Method::PUT,
            "/api/v1/messages/{message}/pin",
            None,
            [204, 403, 403, 401],
            [204, 403, 404, 401],
        ),
        (
            Method::DELETE,
            "/api/v1/messages/{message}/pin",
            None,
            [204, 403, 403, 401],
            [204, 403, 404, 401],
        ),
        (
            Method::GET,
            "/api/v1/lobbies/{place}/pins",
            None,
            [200, 200, 403, 401],
            [200, 200, 404, 401],
        ),
        // Everyone's own inbox (what it holds is checked in `mentions.rs`).
        (
            Method::GET,
            "/api/v1/mentions",
            None,
            [200, 200, 200, 401],
            [200, 200, 200, 401],
        ),
    ]
}

async fn call(
    app: &TestApp,
    world: &World,
    who: Who,
    method: &Method,
    template: &str,
    body: &Option<Value>,
) -> u16 {
    let body = body
        .clone()
        .or_else(|| (*method != Method::GET && *method != Method::DELETE).then(|| json!({})));
    let reply = app
        .request(
            method.clone(),
            &world.path(template),
            world.token(who),
            body.as_ref(),
        )
        .await;
    // Every refusal carries the JSON error body with the code of its status.
    if reply.status.as_u16() >= 400 {
        let body: chat_core::v1::ErrorBody = reply.json();
        assert_eq!(body.error.code.http_status(), reply.status.as_u16());
    }
    reply.status.as_u16()
}

#[tokio::test]
async fn every_lobby_route_answers_each_role_as_documented() {
    let app = spawn_app().await;
    let mut n = 0;
    let mut failures = Vec::new();
    for (method, template, body, public, private) in lobby_rows() {
        for (visibility, expected) in [("public", public), ("private", private)] {
            for (who, want) in ROLES.into_iter().zip(expected) {
                n += 1;
                let world = lobby_world(&app, n, visibility).await;
                let body = body
                    .as_ref()
                    .map(|b| serde_json::from_str(&world.path(&b.to_string())).expect("json"));
                let got = call(&app, &world, who, &method, template, &body).await;
                if got != want {
                    failures.push(format!(
                        "{method} {template} ({visibility}) as {who:?}: got {got}, want {want}"
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[tokio::test]
async fn every_chat_route_answers_participants_outsiders_and_anonymous_as_documented() {
    let app = spawn_app().await;
    let content = || Some(json!({"content": "text"}));
    // Columns: the other participant, the message's author, an outsider, anonymous.
    let rows: Vec<(Method, &str, Option<Value>, [u16; 4])> = vec![
        (
            Method::GET,
            "/api/v1/chats/{place}",
            None,
            [200, 200, 404, 401],
        ),
        (
            Method::DELETE,
            "/api/v1/chats/{place}",
            None,
            [204, 204, 404, 401],
        ),
        (
            Method::POST,
            "/api/v1/chats/{place}/messages",
            content(),
            [201, 201, 404, 401],
        ),
        (
            Method::GET,
            "/api/v1/chats/{place}/messages",
            None,
            [200, 200, 404, 401],
        ),
        // The chat by the other user's id: the member asking about themself has no chat.
        (
            Method::GET,
            "/api/v1/users/{member}/messages",
            None,
            [200, 404, 404, 401],
        ),
        (
            Method::PATCH,
            "/api/v1/messages/{message}",
            content(),
            [403, 200, 404, 401],
        ),
        (
            Method::DELETE,
            "/api/v1/messages/{message}",
            None,
            [403, 204, 404, 401],
        ),
        (
            Method::POST,
            "/api/v1/chats",
            Some(json!({"user_id": "{member}"})),
            [200, 422, 201, 401],
        ),
        (
            Method::POST,
            "/api/v1/chats/{place}/messages",
            Some(json!({"content": "re", "reply_to": "{message}"})),
            [201, 201, 404, 401],
        ),
        (
            Method::PUT,
            "/api/v1/messages/{message}/reactions/👍",
            None,
            [204, 204, 404, 401],
        ),
        (
            Method::DELETE,
            "/api/v1/messages/{message}/reactions/👍",
            None,
            [204, 204, 404, 401],
        ),
        (
            Method::GET,
            "/api/v1/messages/{message}/reactions/👍",
            None,
            [200, 200, 404, 401],
        ),
        (
            Method::PUT,
            "/api/v1/messages/{message}/pin",
            None,
            [204, 204, 404, 401],
        ),
        (
            Method::DELETE,
            "/api/v1/messages/{message}/pin",
            None,
            [204, 204, 404, 401],
        ),
        (
            Method::GET,
            "/api/v1/chats/{place}/pins",
            None,
            [200, 200, 404, 401],
        ),
    ];
    let mut n = 0;
    let mut failures = Vec::new();
    for (method, template, body, expected) in rows {
        for (who, want) in ROLES.into_iter().zip(expected) {
            n += 1;
            let world = chat_world(&app, n).await;
            let body = body
                .as_ref()
                .map(|b| serde_json::from_str(&world.path(&b.to_string())).expect("json"));
            let got = call(&app, &world, who, &method, template, &body).await;
            if got != want {
                failures.push(format!(
                    "{method} {template} as {who:?}: got {got}, want {want}"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[tokio::test]
async fn a_private_lobby_is_never_listed_to_outsiders() {
    let app = spawn_app().await;
    let world = lobby_world(&app, 0, "private").await;
    let page: chat_core::v1::LobbyPage = app
        .get("/api/v1/lobbies/community", &world.outsider.token)
        .await
        .expect(200);
    assert!(page.items.is_empty());
    let mine: chat_core::v1::LobbyList = app
        .get("/api/v1/lobbies", &world.outsider.token)
        .await
        .expect(200);
    assert!(mine.items.is_empty());
}

/// What a connection answered to one client frame: `ok` (an `ack`, or nothing before the
/// `pong` that follows every probe), `call.unavailable`, or an error code.
async fn frame_outcome(app: &TestApp, world: &World, who: Who, template: &str) -> String {
    let token = world
        .token(who)
        .expect("only signed-in roles open a WebSocket");
    // The callee of the call rows is online, so a refusal comes from authorization alone.
    let _callee = app.ws_live(&world.member.token).await;
    let mut ws = app.ws_live(token).await;
    ws.send_text(&world.path(template)).await;
    ws.send_text(r#"{"type":"ping"}"#).await;
    let (answer, _) = ws
        .until(|f| {
            matches!(
                f,
                ServerFrame::Ack { .. }
                    | ServerFrame::Error { .. }
                    | ServerFrame::Pong
                    | ServerFrame::CallUnavailable { .. }
            )
        })
        .await;
    match answer {
        ServerFrame::Ack { .. } | ServerFrame::Pong => "ok".to_owned(),
        ServerFrame::CallUnavailable { .. } => "call.unavailable".to_owned(),
        ServerFrame::Error { code, .. } => code.as_str().to_owned(),
        other => unreachable!("{other:?}"),
    }
}

/// Every client frame that names a conversation, a message or a user; `{place}` and the
/// others are filled in per world as in the REST rows.
const SEND: &str =
    r#"{"type":"message.send","conversation_id":"{place}","content":"x","nonce":"n"}"#;
const EDIT: &str = r#"{"type":"message.edit","message_id":"{message}","content":"y","nonce":"n"}"#;
const DELETE: &str = r#"{"type":"message.delete","message_id":"{message}","nonce":"n"}"#;
const TYPING: &str = r#"{"type":"typing","conversation_id":"{place}"}"#;
const READ: &str = r#"{"type":"read","conversation_id":"{place}","seq":1}"#;
const JOIN: &str = r#"{"type":"lobby.join","lobby_id":"{place}","nonce":"n"}"#;
const LEAVE: &str = r#"{"type":"lobby.leave","lobby_id":"{place}","nonce":"n"}"#;
const CALL: &str = r#"{"type":"call.invite","call_id":"c","user_id":"{member}","payload":{}}"#;
const REACT: &str = r#"{"type":"reaction.add","message_id":"{message}","emoji":"👍","nonce":"n"}"#;
const UNREACT: &str =
    r#"{"type":"reaction.remove","message_id":"{message}","emoji":":+1:","nonce":"n"}"#;
const PIN: &str = r#"{"type":"message.pin","message_id":"{message}","nonce":"n"}"#;
const UNPIN: &str = r#"{"type":"message.unpin","message_id":"{message}","nonce":"n"}"#;

const UNAVAILABLE: &str = "call.unavailable";

#[tokio::test]
async fn every_lobby_frame_answers_each_role_as_documented() {
    let app = spawn_app().await;
    // Columns: admin, member, outsider (anonymous connections never get past `auth`).
    let rows: [(&str, [&str; 3], [&str; 3]); 12] = [
        (SEND, ["ok", "ok", "forbidden"], ["ok", "ok", "not_found"]),
        (
            EDIT,
            ["forbidden", "ok", "forbidden"],
            ["forbidden", "ok", "not_found"],
        ),
        (DELETE, ["ok", "ok", "forbidden"], ["ok", "ok", "not_found"]),
        (TYPING, ["ok", "ok", "not_found"], ["ok", "ok", "not_found"]),
        (READ, ["ok", "ok", "forbidden"], ["ok", "ok", "not_found"]),
        (JOIN, ["ok", "ok", "ok"], ["ok", "ok", "not_found"]),
        (LEAVE, ["ok", "ok", "forbidden"], ["ok", "ok", "not_found"]),
        (
            CALL,
            ["ok", UNAVAILABLE, UNAVAILABLE],
            ["ok", UNAVAILABLE, UNAVAILABLE],
        ),
        (REACT, ["ok", "ok", "forbidden"], ["ok", "ok", "not_found"]),
        (
            UNREACT,
            ["ok", "ok", "forbidden"],
            ["ok", "ok", "not_found"],
        ),
        (
            PIN,
            ["ok", "forbidden", "forbidden"],
            ["ok", "forbidden", "not_found"],
        ),
        (
            UNPIN,
            ["ok", "forbidden", "forbidden"],
            ["ok", "forbidden", "not_found"],
        ),
    ];
    let mut n = 0;
    let mut failures = Vec::new();
    for (template, public, private) in rows {
        for (visibility, expected) in [("public", public), ("private", private)] {
            for (who, want) in ROLES.into_iter().zip(expected) {
                n += 1;
                let world = lobby_world(&app, n, visibility).await;
                let got = frame_outcome(&app, &world, who, template).await;
                if got != want {
                    failures.push(format!(
                        "{template} ({visibility}) as {who:?}: got {got}, want {want}"
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[tokio::test]
async fn every_chat_frame_answers_participants_and_outsiders_as_documented() {
    let app = spawn_app().await;
    // Columns: the other participant, the message's author, an outsider.
    let rows: [(&str, [&str; 3]); 10] = [
        (SEND, ["ok", "ok", "not_found"]),
        (EDIT, ["forbidden", "ok", "not_found"]),
        (DELETE, ["forbidden", "ok", "not_found"]),
        (TYPING, ["ok", "ok", "not_found"]),
        (READ, ["ok", "ok", "not_found"]),
        (CALL, ["ok", UNAVAILABLE, UNAVAILABLE]),
        (REACT, ["ok", "ok", "not_found"]),
        (UNREACT, ["ok", "ok", "not_found"]),
        (PIN, ["ok", "ok", "not_found"]),
        (UNPIN, ["ok", "ok", "not_found"]),
    ];
    let mut n = 0;
    let mut failures = Vec::new();
    for (template, expected) in rows {
        for (who, want) in ROLES.into_iter().zip(expected) {
            n += 1;
            let world = chat_world(&app, n).await;
            let got = frame_outcome(&app, &world, who, template).await;
            if got != want {
                failures.push(format!("{template} as {who:?}: got {got}, want {want}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
