//! Unicode edge cases in every text field of every body (and the search queries): each is
//! either accepted and stored exactly — read back through the API, byte for byte — or refused
//! with its documented 4xx, leaving nothing changed.
//!
//! The rules (`chat_core::v1::validate`): usernames and nonces are ASCII; single-line fields
//! (display names, lobby and token names, e-mail addresses) refuse control characters and
//! line or paragraph separators; multi-line fields (descriptions, message content) allow
//! newline, tab and the separators but no other control character; passwords refuse control
//! characters. Format characters (bidi marks and overrides, joiners, the BOM), combining
//! sequences and noncharacters are text: kept as sent. A lone surrogate (`\ud800`) is not a
//! Unicode scalar value: the JSON is malformed, `400 bad_request`.

use chat_core::v1::{AuthResponse, ErrorCode};
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Reply, TestApp, TestUser, spawn_app};

/// What kind of character a case puts in the middle of the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    /// Printable text: letters of other scripts, format characters, combining marks,
    /// noncharacters.
    Text,
    /// Newline or tab.
    LineBreak,
    /// U+2028 and U+2029.
    Separator,
    /// C0 and C1 control characters other than newline and tab, NUL and DEL included.
    Control,
}

const CASES: &[(&str, &str, Class)] = &[
    ("right-to-left mark", "\u{200f}", Class::Text),
    ("right-to-left override", "\u{202e}evil", Class::Text),
    ("left-to-right embedding", "\u{202a}x\u{202c}", Class::Text),
    ("Hebrew", "שלום", Class::Text),
    ("zero-width joiner sequence", "👩\u{200d}💻", Class::Text),
    ("zero-width space", "\u{200b}", Class::Text),
    ("byte order mark", "\u{feff}", Class::Text),
    ("combining acute", "e\u{301}", Class::Text),
    (
        "stacked combining marks",
        "a\u{300}\u{301}\u{302}\u{303}",
        Class::Text,
    ),
    ("noncharacter U+FFFE", "\u{fffe}", Class::Text),
    ("noncharacter U+FDD0", "\u{fdd0}", Class::Text),
    ("astral noncharacter", "\u{10ffff}", Class::Text),
    ("newline", "\n", Class::LineBreak),
    ("tab", "\t", Class::LineBreak),
    ("line separator", "\u{2028}", Class::Separator),
    ("paragraph separator", "\u{2029}", Class::Separator),
    ("NUL", "\u{0}", Class::Control),
    ("bell", "\u{7}", Class::Control),
    ("escape sequence", "\u{1b}[31m", Class::Control),
    ("DEL", "\u{7f}", Class::Control),
    ("next line (C1)", "\u{85}", Class::Control),
    ("carriage return", "\r", Class::Control),
];

/// The rule a field follows.
#[derive(Clone, Copy, Debug)]
enum Rule {
    Ascii,
    SingleLine,
    MultiLine,
    Password,
    Search,
}

impl Rule {
    fn accepts(self, class: Class) -> bool {
        match self {
            Self::Ascii => false,
            Self::SingleLine => class == Class::Text,
            Self::MultiLine => class != Class::Control,
            Self::Password => matches!(class, Class::Text | Class::Separator),
            Self::Search => matches!(class, Class::Text | Class::Separator),
        }
    }
}

/// Every text field a client sends.
#[derive(Clone, Copy, Debug)]
enum Field {
    RegisterUsername,
    RegisterPassword,
    RegisterEmail,
    RegisterDisplayName,
    ProvisionDisplayName,
    AccountDisplayName,
    AccountDescription,
    AccountEmail,
    AccountPassword,
    LobbyCreateName,
    LobbyCreateDescription,
    LobbyUpdateName,
    LobbyUpdateDescription,
    LobbyMessage,
    MessageNonce,
    MessageEdit,
    ChatMessage,
    DirectMessage,
    TokenName,
    ClientTokenName,
    UserSearch,
    CommunitySearch,
    AdminUserSearch,
}

const FIELDS: &[(Field, Rule)] = &[
    (Field::RegisterUsername, Rule::Ascii),
    (Field::RegisterPassword, Rule::Password),
    (Field::RegisterEmail, Rule::SingleLine),
    (Field::RegisterDisplayName, Rule::SingleLine),
    (Field::ProvisionDisplayName, Rule::SingleLine),
    (Field::AccountDisplayName, Rule::SingleLine),
    (Field::AccountDescription, Rule::MultiLine),
    (Field::AccountEmail, Rule::SingleLine),
    (Field::AccountPassword, Rule::Password),
    (Field::LobbyCreateName, Rule::SingleLine),
    (Field::LobbyCreateDescription, Rule::MultiLine),
    (Field::LobbyUpdateName, Rule::SingleLine),
    (Field::LobbyUpdateDescription, Rule::MultiLine),
    (Field::LobbyMessage, Rule::MultiLine),
    (Field::MessageNonce, Rule::Ascii),
    (Field::MessageEdit, Rule::MultiLine),
    (Field::ChatMessage, Rule::MultiLine),
    (Field::DirectMessage, Rule::MultiLine),
    (Field::TokenName, Rule::SingleLine),
    (Field::ClientTokenName, Rule::SingleLine),
    (Field::UserSearch, Rule::Search),
    (Field::CommunitySearch, Rule::Search),
    (Field::AdminUserSearch, Rule::Search),
];

/// The users and objects the fields are sent to. `admin` is the first account (server admin).
struct World {
    admin: TestUser,
    bob: TestUser,
    lobby: String,
    message: String,
    chat: String,
    client_token: String,
    /// Changes her password; `password` is the current one.
    carol: TestUser,
    password: std::cell::RefCell<String>,
    /// Numbers fresh usernames.
    counter: std::cell::Cell<u32>,
}

const PASSWORD: &str = "correct horse";

impl World {
    async fn new(app: &TestApp) -> Self {
        let admin = app.register("admin").await;
        let bob = app.register("bob").await;
        let carol = app.register("carol").await;
        let lobby = app.create_lobby(&admin, "general", "public").await;
        let message = app.say(&admin, &lobby, "original").await;
        let dm = app.say_to(&admin, &bob, "hi").await;
        let client: Value = app
            .post(
                "/api/v1/admin/client-tokens",
                &admin.token,
                json!({"name": "signup"}),
            )
            .await
            .expect(201);
        Self {
            admin,
            bob,
            lobby: lobby.id.to_string(),
            message: message.id.to_string(),
            chat: dm.conversation_id.to_string(),
            client_token: client["token"].as_str().expect("token").to_owned(),
            carol,
            password: std::cell::RefCell::new(PASSWORD.to_owned()),
            counter: std::cell::Cell::new(0),
        }
    }

    fn fresh_username(&self) -> String {
        self.counter.set(self.counter.get() + 1);
        format!("user{}", self.counter.get())
    }
}

/// What a submission created or changed, to read the field back.
enum Sent {
    /// The field is in the response body at this JSON pointer.
    InResponse(&'static str),
    /// A new account was made with this password: logging in with it proves it was stored.
    Password { username: String, password: String },
    /// A search: nothing is stored.
    Search,
}

/// Sends `text` in `field`, returning the reply and how to find the stored value.
async fn submit(app: &TestApp, w: &World, field: Field, text: &str) -> (Reply, Sent) {
    let admin = w.admin.token.as_str();
    let register = |body: Value| async move {
        app.request(Method::POST, "/api/v1/auth/register", None, Some(&body))
            .await
    };
    match field {
        Field::RegisterUsername => (
            register(json!({"username": text, "password": PASSWORD})).await,
            Sent::InResponse("/user/username"),
        ),
        Field::RegisterPassword => {
            let username = w.fresh_username();
            let reply = register(json!({"username": username, "password": text})).await;
            let password = text.to_owned();
            (reply, Sent::Password { username, password })
        }
        Field::RegisterEmail => (
            register(json!({"username": w.fresh_username(), "password": PASSWORD, "email": format!("{text}@example.com")})).await,
            Sent::InResponse("/user/email"),
        ),
        Field::RegisterDisplayName => (
            register(json!({"username": w.fresh_username(), "password": PASSWORD, "display_name": text})).await,
            Sent::InResponse("/user/display_name"),
        ),
        Field::ProvisionDisplayName => {
            let body = json!({"username": w.fresh_username(), "password": PASSWORD, "display_name": text});
            let reply = app
                .request(Method::POST, "/api/v1/users", Some(&w.client_token), Some(&body))
                .await;
            (reply, Sent::InResponse("/user/display_name"))
        }
        Field::AccountDisplayName => (
            app.patch("/api/v1/users/me", admin, json!({"display_name": text})).await,
            Sent::InResponse("/display_name"),
        ),
        Field::AccountDescription => (
            app.patch("/api/v1/users/me", admin, json!({"description": text})).await,
            Sent::InResponse("/description"),
        ),
        Field::AccountEmail => (
            app.patch("/api/v1/users/me", admin, json!({"email": format!("{text}@example.com")}))
                .await,
            Sent::InResponse("/email"),
        ),
        Field::AccountPassword => {
            // The change keeps the session that made it; other sessions end.
            let current = w.password.borrow().clone();
            let reply = app
                .patch(
                    "/api/v1/users/me",
                    &w.carol.token,
                    json!({"password": text, "current_password": current}),
                )
                .await;
            if reply.status.is_success() {
                *w.password.borrow_mut() = text.to_owned();
            }
            let password = text.to_owned();
            (reply, Sent::Password { username: "carol".into(), password })
        }
        Field::LobbyCreateName => (
            app.post("/api/v1/lobbies", admin, json!({"name": text})).await,
            Sent::InResponse("/name"),
        ),
        Field::LobbyCreateDescription => (
            app.post("/api/v1/lobbies", admin, json!({"name": "described", "description": text}))
                .await,
            Sent::InResponse("/description"),
        ),
        Field::LobbyUpdateName => (
            app.patch(&format!("/api/v1/lobbies/{}", w.lobby), admin, json!({"name": text}))
                .await,
            Sent::InResponse("/name"),
        ),
        Field::LobbyUpdateDescription => (
            app.patch(
                &format!("/api/v1/lobbies/{}", w.lobby),
                admin,
                json!({"description": text}),
            )
            .await,
            Sent::InResponse("/description"),
        ),
        Field::LobbyMessage => (
            app.post(
                &format!("/api/v1/lobbies/{}/messages", w.lobby),
                admin,
                json!({"content": text}),
            )
            .await,
            Sent::InResponse("/content"),
        ),
        Field::MessageNonce => (
            app.post(
                &format!("/api/v1/lobbies/{}/messages", w.lobby),
                admin,
                json!({"content": "with a nonce", "nonce": text}),
            )
            .await,
            Sent::InResponse("/content"),
        ),
        Field::MessageEdit => (
            app.patch(&format!("/api/v1/messages/{}", w.message), admin, json!({"content": text}))
                .await,
            Sent::InResponse("/content"),
        ),
        Field::ChatMessage => (
            app.post(&format!("/api/v1/chats/{}/messages", w.chat), admin, json!({"content": text}))
                .await,
            Sent::InResponse("/content"),
        ),
        Field::DirectMessage => (
            app.post(
                &format!("/api/v1/users/{}/messages", w.bob.id),
                admin,
                json!({"content": text}),
            )
            .await,
            Sent::InResponse("/content"),
        ),
        Field::TokenName => (
            app.post("/api/v1/tokens", admin, json!({"name": text, "scopes": ["read"]}))
                .await,
            Sent::InResponse("/info/name"),
        ),
        Field::ClientTokenName => (
            app.post("/api/v1/admin/client-tokens", admin, json!({"name": text}))
                .await,
            Sent::InResponse("/info/name"),
        ),
        Field::UserSearch | Field::CommunitySearch | Field::AdminUserSearch => {
            let path = match field {
                Field::UserSearch => "/api/v1/users",
                Field::CommunitySearch => "/api/v1/lobbies/community",
                _ => "/api/v1/admin/users",
            };
            let url = reqwest::Url::parse_with_params(&app.url(path), [("q", text)])
                .expect("url");
            let response = app
                .client
                .get(url)
                .bearer_auth(admin)
                .send()
                .await
                .expect("sent");
            let reply = Reply {
                status: response.status(),
                headers: response.headers().clone(),
                body: response.bytes().await.expect("body").to_vec(),
            };
            (reply, Sent::Search)
        }
    }
}

/// Everything a refused request could have changed, as one JSON value.
async fn snapshot(app: &TestApp, w: &World) -> Value {
    let admin = w.admin.token.as_str();
    let mut all = Vec::new();
    for path in [
        "/api/v1/users/me".to_owned(),
        "/api/v1/users?limit=100".to_owned(),
        "/api/v1/lobbies".to_owned(),
        format!("/api/v1/lobbies/{}/messages?limit=100", w.lobby),
        format!("/api/v1/chats/{}/messages?limit=100", w.chat),
        "/api/v1/tokens".to_owned(),
        "/api/v1/admin/client-tokens".to_owned(),
    ] {
        all.push(app.get(&path, admin).await.expect::<Value>(200));
    }
    Value::Array(all)
}

#[tokio::test]
async fn unicode_edge_cases_in_every_text_field_are_stored_exactly_or_refused_whole() {
    let app = spawn_app().await;
    let w = World::new(&app).await;
    let mut checked = 0;
    for &(field, rule) in FIELDS {
        for &(name, case, class) in CASES {
            // In the middle of the text: trimming never applies, and lengths stay valid.
            let text = format!("abcd{case}efgh");
            let before = snapshot(&app, &w).await;
            let (reply, sent) = submit(&app, &w, field, &text).await;
            let what = format!("{field:?} with {name} ({rule:?})");
            if rule.accepts(class) {
                assert!(
                    reply.status.is_success(),
                    "{what}: {} {}",
                    reply.status,
                    String::from_utf8_lossy(&reply.body)
                );
                match sent {
                    Sent::InResponse(pointer) => {
                        let body: Value = reply.json();
                        let stored = body.pointer(pointer).and_then(Value::as_str);
                        let expected = if pointer.ends_with("email") {
                            format!("{text}@example.com")
                        } else if matches!(field, Field::MessageNonce) {
                            "with a nonce".to_owned()
                        } else {
                            text.clone()
                        };
                        assert_eq!(stored, Some(expected.as_str()), "{what}");
                    }
                    Sent::Password { username, password } => {
                        app.login(&username, &password).await.assert_status(200);
                    }
                    Sent::Search => {}
                }
            } else {
                let body = reply.assert_error(ErrorCode::ValidationFailed);
                assert!(body.error.details.is_some(), "{what}: names no field");
                assert_eq!(snapshot(&app, &w).await, before, "{what} changed something");
            }
            checked += 1;
        }
    }
    // Stored values must also read back the same through GET, not only in the answer.
    let me: Value = app
        .get("/api/v1/users/me", &w.admin.token)
        .await
        .expect(200);
    assert_eq!(
        me["description"],
        json!("abcd\u{2029}efgh"),
        "last accepted description"
    );
    assert_eq!(checked, FIELDS.len() * CASES.len());
}

#[tokio::test]
async fn a_lone_surrogate_in_any_json_text_is_a_bad_request_and_stores_nothing() {
    let app = spawn_app().await;
    let w = World::new(&app).await;
    let admin = w.admin.token.as_str();
    let lobby = format!("/api/v1/lobbies/{}", w.lobby);
    let messages = format!("/api/v1/lobbies/{}/messages", w.lobby);
    let edit = format!("/api/v1/messages/{}", w.message);
    let cases: Vec<(Method, &str, Option<&str>, String)> = vec![
        (
            Method::POST,
            "/api/v1/auth/register",
            None,
            r#"{"username": "x\ud800y", "password": "correct horse"}"#.into(),
        ),
        (
            Method::POST,
            "/api/v1/auth/register",
            None,
            r#"{"username": "surrogate", "password": "correct \udfff horse"}"#.into(),
        ),
        (
            Method::POST,
            "/api/v1/auth/login",
            None,
            r#"{"username": "admin", "password": "\ud800"}"#.into(),
        ),
        (
            Method::PATCH,
            "/api/v1/users/me",
            Some(admin),
            r#"{"display_name": "a\ud800b"}"#.into(),
        ),
        (
            Method::PATCH,
            "/api/v1/users/me",
            Some(admin),
            r#"{"description": "ok", "email": "\udbff@x"}"#.into(),
        ),
        (
            Method::POST,
            "/api/v1/lobbies",
            Some(admin),
            r#"{"name": "\ud83d"}"#.into(),
        ),
        (
            Method::PATCH,
            &lobby,
            Some(admin),
            r#"{"name": "fine", "description": "\ud800\ud800"}"#.into(),
        ),
        (
            Method::POST,
            &messages,
            Some(admin),
            r#"{"content": "half an emoji \ud83d"}"#.into(),
        ),
        (
            Method::PATCH,
            &edit,
            Some(admin),
            r#"{"content": "\udc00 low first"}"#.into(),
        ),
        (
            Method::POST,
            "/api/v1/tokens",
            Some(admin),
            r#"{"name": "\ud800", "scopes": ["read"]}"#.into(),
        ),
    ];
    let before = snapshot(&app, &w).await;
    for (method, path, token, body) in cases {
        let mut request = app
            .client
            .request(method.clone(), app.url(path))
            .header("content-type", "application/json")
            .body(body.clone());
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("sent");
        let reply = Reply {
            status: response.status(),
            headers: response.headers().clone(),
            body: response.bytes().await.expect("body").to_vec(),
        };
        assert_eq!(reply.status, 400, "{method} {path} {body}");
        reply.assert_error(ErrorCode::BadRequest);
    }
    assert_eq!(snapshot(&app, &w).await, before);
    // A proper pair is one character, and is stored as it.
    let message: Value = app
        .client
        .post(app.url(&messages))
        .bearer_auth(admin)
        .header("content-type", "application/json")
        .body(r#"{"content": "crab \ud83e\udd80"}"#)
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    assert_eq!(message["content"], json!("crab 🦀"));
}

#[tokio::test]
async fn invalid_utf8_in_a_search_query_is_a_bad_request() {
    let app = spawn_app().await;
    let w = World::new(&app).await;
    for path in [
        "/api/v1/users?q=%FF",
        "/api/v1/lobbies/community?q=ab%ED%A0%80cd",
        "/api/v1/admin/users?q=%C0%AF",
    ] {
        app.get(path, &w.admin.token)
            .await
            .assert_error(ErrorCode::BadRequest);
    }
    let _: AuthResponse = app.login("admin", PASSWORD).await.expect(200);
}
