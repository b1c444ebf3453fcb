//! The `ChatClient` JavaScript class: the REST API over `fetch`, and the live gateway.
//!
//! Every method that talks to the server returns a promise; it rejects with a `ChatError`
//! (see [`crate::error`]). Inputs are parsed with `chat-core` before anything is sent, so a
//! value the server would refuse is refused here, with the same code and sentence. Answers
//! are checked against their `chat-core` type before JavaScript sees them.
//!
//! Messages are sent over REST with a fresh nonce and retried on network failures: the
//! server's nonce dedupe makes the retry safe, so a send is never posted twice. The message
//! also arrives live on the gateway, like every other change.

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;
use std::str::FromStr;

use chat_core::v1::endpoints::{self as api, Endpoint as _, NoBody, NoContent};
use chat_core::v1::{
    AuthResponse, ChatId, ClientFrame, ConversationId, CreateLobbyRequest, Description,
    DisplayName, EditMessageRequest, Emoji, LobbyId, LobbyName, LoginRequest, MarkReadRequest,
    Message, MessageContent, MessageId, Nonce, OpenChatRequest, PageLimit, Password, ReadCursor,
    RegisterRequest, SendMessageRequest, UserId, Username, Visibility,
};
use js_sys::Promise;
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use crate::error::ClientError;
use crate::gateway::{self, Gateway, Shared, SharedRef};
use crate::http::{self, Endpoint, encode_query};

/// How often a send is attempted when the server cannot be reached.
const SEND_ATTEMPTS: u32 = 3;

/// A connection to one chat server: REST calls, and live events over one WebSocket.
///
/// ```js
/// const client = new ChatClient("");            // "" = the page's own server
/// await client.login("alice", "correct horse");
/// client.on("message.created", (e) => console.log(e.message.content));
/// await client.connect();
/// const { items } = await client.myLobbies();
/// await client.sendLobbyMessage(items[0].id, "hello");
/// ```
#[wasm_bindgen]
pub struct ChatClient {
    shared: SharedRef,
}

/// The JSON body of a request to `E`.
fn body<E: api::Endpoint>(value: &E::Body) -> Result<Option<String>, ClientError>
where
    E::Body: Serialize,
{
    serde_json::to_string(value)
        .map(Some)
        .map_err(|e| ClientError::Decode(e.to_string()))
}

pub(crate) fn parse_id<T: FromStr>(field: &str, text: &str) -> Result<T, ClientError> {
    text.parse()
        .map_err(|_| ClientError::BadRequest(format!("{field} is not a valid id: {text:?}")))
}

/// The message and emoji of a reaction request, checked before anything is sent.
fn reaction_target(message_id: &str, emoji: &str) -> Result<(MessageId, Emoji), ClientError> {
    Ok((
        parse_id("message_id", message_id)?,
        Emoji::parse(emoji).map_err(ClientError::Validation)?,
    ))
}

fn promise(future: impl Future<Output = Result<JsValue, ClientError>> + 'static) -> Promise {
    future_to_promise(async move { future.await.map_err(|e| e.to_js()) })
}

/// The query string of a list: `?q=…&after=…&limit=…`, only the parts given.
fn list_query(q: Option<String>, after: Option<String>, limit: Option<u32>) -> String {
    let mut parts = Vec::new();
    if let Some(q) = q.filter(|q| !q.trim().is_empty()) {
        parts.push(format!("q={}", encode_query(q.trim())));
    }
    if let Some(after) = after {
        parts.push(format!("after={}", encode_query(&after)));
    }
    if let Some(limit) = limit {
        parts.push(format!("limit={limit}"));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

fn check_limit(limit: Option<u32>) -> Result<Option<u32>, ClientError> {
    match limit {
        None => Ok(None),
        Some(n) => PageLimit::new(n)
            .map(|_| Some(n))
            .map_err(ClientError::Validation),
    }
}

#[wasm_bindgen]
impl ChatClient {
    /// A client for the server at `baseUrl` (`https://chat.example`); an empty string means
    /// the server that served the page. No request is made until a method is called.
    #[wasm_bindgen(constructor)]
    pub fn new(base_url: &str) -> ChatClient {
        ChatClient {
            shared: Rc::new(RefCell::new(Shared {
                endpoint: Endpoint {
                    base_url: base_url.trim().trim_end_matches('/').to_owned(),
                    token: None,
                },
                handlers: Vec::new(),
                gateway: Gateway::new(),
            })),
        }
    }

    /// The bearer token in use (set by `login` and `register`), or `undefined`.
    #[wasm_bindgen(getter)]
    pub fn token(&self) -> Option<String> {
        self.shared.borrow().endpoint.token.clone()
    }

    /// Uses a token kept from an earlier session (or `undefined` to forget it). A different
    /// token closes the gateway and forgets its resume cursors.
    #[wasm_bindgen(setter)]
    pub fn set_token(&self, token: Option<String>) {
        let token = token.filter(|t| !t.is_empty());
        if token != self.shared.borrow().endpoint.token {
            gateway::reset(&self.shared);
        }
        self.shared.borrow_mut().endpoint.token = token;
    }

    /// The server URL given to the constructor (empty: the page's own).
    #[wasm_bindgen(getter, js_name = baseUrl)]
    pub fn base_url(&self) -> String {
        self.shared.borrow().endpoint.base_url.clone()
    }

    fn endpoint(&self) -> Endpoint {
        self.shared.borrow().endpoint.clone()
    }

    /// Like `call`, keeping the token of an `AuthResponse`.
    fn authenticate<E: api::Endpoint<Response = AuthResponse>>(
        &self,
        route: E,
        body: Option<String>,
    ) -> Promise {
        let endpoint = self.endpoint();
        let shared = self.shared.clone();
        let (method, path) = (E::METHOD, route.path());
        promise(async move {
            let text = http::send(&endpoint, method, &path, body).await?;
            let auth: AuthResponse = http::check(&text)?;
            // A new session: the gateway of the previous one (if any) must not resume here.
            gateway::reset(&shared);
            shared.borrow_mut().endpoint.token = Some(auth.token);
            Ok(crate::js::text_to_js(&text))
        })
    }

    /// Sends a request without a body to `route`, with `query` (`""` or `?…`) after its path.
    fn get<E: api::Endpoint<Body = NoBody>>(&self, route: E, query: String) -> Promise
    where
        E::Response: serde::de::DeserializeOwned + 'static,
    {
        let endpoint = self.endpoint();
        let path = format!("{}{query}", route.path());
        promise(async move { http::call::<E::Response>(&endpoint, E::METHOD, &path, None).await })
    }

    fn call<E: api::Endpoint>(&self, route: E, body: Result<Option<String>, ClientError>) -> Promise
    where
        E::Response: serde::de::DeserializeOwned + 'static,
    {
        let endpoint = self.endpoint();
        let path = route.path();
        promise(async move { http::call::<E::Response>(&endpoint, E::METHOD, &path, body?).await })
    }

    fn call_empty<E: api::Endpoint<Body = NoBody, Response = NoContent>>(
        &self,
        route: E,
    ) -> Promise {
        let endpoint = self.endpoint();
        let path = route.path();
        promise(async move { http::call_empty(&endpoint, E::METHOD, &path, None).await })
    }

    /// Posts a message with a fresh nonce, retrying while the server cannot be reached.
    fn send_to<E: api::Endpoint<Body = SendMessageRequest, Response = Message>>(
        &self,
        route: Result<E, ClientError>,
        content: &str,
        reply_to: Option<String>,
    ) -> Promise {
        let endpoint = self.endpoint();
        let path = route.map(|route| route.path());
        let request = MessageContent::parse(content)
            .map_err(ClientError::from)
            .and_then(|content| {
                let nonce = Nonce::new(crate::js::new_nonce())?;
                let reply_to = reply_to
                    .as_deref()
                    .map(|id| parse_id::<MessageId>("reply_to", id))
                    .transpose()?;
                body::<E>(&SendMessageRequest {
                    content,
                    nonce: Some(nonce),
                    reply_to,
                })
            });
        promise(async move {
            let (path, request) = (path?, request?);
            let mut attempt = 1;
            loop {
                match http::call::<Message>(&endpoint, E::METHOD, &path, request.clone()).await {
                    Err(error) if error.is_retryable() && attempt < SEND_ATTEMPTS => {
                        attempt += 1;
                        sleep(250.0 * f64::from(attempt)).await;
                    }
                    other => return other,
                }
            }
        })
    }

    /// Creates an account and signs in (`POST /auth/register`). The username and password
    /// (and the display name, when given) are checked with the server's rules first.
    #[wasm_bindgen(unchecked_return_type = "Promise<AuthResponse>")]
    pub fn register(
        &self,
        username: &str,
        password: &str,
        display_name: Option<String>,
    ) -> Promise {
        let request = (|| {
            let display_name = display_name
                .filter(|d| !d.trim().is_empty())
                .map(|d| DisplayName::parse(&d))
                .transpose()?;
            body::<api::Register>(&RegisterRequest {
                username: Username::parse(username)?,
                password: Password::parse(password)?,
                email: None,
                display_name,
            })
        })();
        match request {
            Ok(request) => self.authenticate(api::Register, request),
            Err(error) => Promise::reject(&error.to_js()),
        }
    }

    /// Signs in with a username and password (`POST /auth/login`); the token is kept for
    /// every later call.
    #[wasm_bindgen(unchecked_return_type = "Promise<AuthResponse>")]
    pub fn login(&self, username: &str, password: &str) -> Promise {
        match body::<api::Login>(&LoginRequest {
            username: username.trim().to_owned(),
            password: password.to_owned(),
        }) {
            Ok(request) => self.authenticate(api::Login, request),
            Err(error) => Promise::reject(&error.to_js()),
        }
    }

    /// Signs out (`POST /auth/logout`): the token stops working, the gateway closes and the
    /// client forgets the token.
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn logout(&self) -> Promise {
        let endpoint = self.endpoint();
        let shared = self.shared.clone();
        gateway::reset(&shared);
        promise(async move {
            let result =
                http::call_empty(&endpoint, api::Logout::METHOD, &api::Logout.path(), None).await;
            shared.borrow_mut().endpoint.token = None;
            result
        })
    }

    /// The signed-in account (`GET /users/me`).
    #[wasm_bindgen(unchecked_return_type = "Promise<Account>")]
    pub fn me(&self) -> Promise {
        self.get(api::GetMe, String::new())
    }

    /// Users whose name starts with `q` (`GET /users`), a page at a time: pass the previous
    /// page's `next_cursor` as `after`.
    #[wasm_bindgen(unchecked_return_type = "Promise<UserPage>")]
    pub fn users(&self, q: Option<String>, after: Option<String>, limit: Option<u32>) -> Promise {
        match check_limit(limit) {
            Ok(limit) => self.get(api::ListUsers, list_query(q, after, limit)),
            Err(error) => Promise::reject(&error.to_js()),
        }
    }

    /// One user (`GET /users/{userId}`).
    #[wasm_bindgen(unchecked_return_type = "Promise<User>")]
    pub fn user(&self, user_id: &str) -> Promise {
        match parse_id::<UserId>("user_id", user_id) {
            Ok(user_id) => self.get(api::GetUser { user_id }, String::new()),
            Err(error) => Promise::reject(&error.to_js()),
        }
    }

    /// The lobbies the user belongs to, with unread counts (`GET /lobbies`).
    #[wasm_bindgen(js_name = myLobbies, unchecked_return_type = "Promise<LobbyList>")]
    pub fn my_lobbies(&self) -> Promise {
        self.get(api::MyLobbies, String::new())
    }

    /// Public lobbies the user has not joined, by name prefix `q` (`GET /lobbies/community`).
    #[wasm_bindgen(js_name = communityLobbies, unchecked_return_type = "Promise<LobbyPage>")]
    pub fn community_lobbies(
        &self,
        q: Option<String>,
        after: Option<String>,
        limit: Option<u32>,
    ) -> Promise {
        match check_limit(limit) {
            Ok(limit) => self.get(api::CommunityLobbies, list_query(q, after, limit)),
            Err(error) => Promise::reject(&error.to_js()),
        }
    }

    /// One lobby (`GET /lobbies/{lobbyId}`).
    #[wasm_bindgen(unchecked_return_type = "Promise<Lobby>")]
    pub fn lobby(&self, lobby_id: &str) -> Promise {
        match parse_id::<LobbyId>("lobby_id", lobby_id) {
            Ok(lobby_id) => self.get(api::GetLobby { lobby_id }, String::new()),
            Err(error) => Promise::reject(&error.to_js()),
        }
    }

    /// Creates a lobby the user administers (`POST /lobbies`). `visibility` is `"public"`
    /// (the default) or `"private"`.
    #[wasm_bindgen(js_name = createLobby, unchecked_return_type = "Promise<Lobby>")]
    pub fn create_lobby(
        &self,
        name: &str,
        description: Option<String>,
        visibility: Option<String>,
    ) -> Promise {
        let request = (|| {
            let visibility = match visibility.as_deref() {
                None | Some("public") => Visibility::Public,
                Some("private") => Visibility::Private,
                Some(other) => {
                    return Err(ClientError::BadRequest(format!(
                        "visibility must be public or private, not {other:?}"
                    )));
                }
            };
            body::<api::CreateLobby>(&CreateLobbyRequest {
                name: LobbyName::parse(name)?,
                description: description.map(|d| Description::parse(&d)).transpose()?,
                visibility,
            })
        })();
        self.call(api::CreateLobby, request)
    }

    /// Joins a public lobby (`POST /lobbies/{lobbyId}/join`); answers the lobby.
    #[wasm_bindgen(js_name = joinLobby, unchecked_return_type = "Promise<Lobby>")]
    pub fn join_lobby(&self, lobby_id: &str) -> Promise {
        match parse_id::<LobbyId>("lobby_id", lobby_id) {
            Ok(lobby_id) => self.call(api::JoinLobby { lobby_id }, Ok(None)),
            Err(error) => Promise::reject(&error.to_js()),
        }
    }

    /// Leaves a lobby (`POST /lobbies/{lobbyId}/leave`).
    #[wasm_bindgen(js_name = leaveLobby, unchecked_return_type = "Promise<void>")]
    pub fn leave_lobby(&self, lobby_id: &str) -> Promise {
        match parse_id::<LobbyId>("lobby_id", lobby_id) {
            Ok(lobby_id) => self.call_empty(api::LeaveLobby { lobby_id }),
            Err(error) => Promise::reject(&error.to_js()),
        }
    }

    /// The members of a lobby with their roles (`GET /lobbies/{lobbyId}/members`), a page
    /// at a time.
    #[wasm_bindgen(unchecked_return_type = "Promise<MemberPage>")]
    pub fn members(&self, lobby_id: &str, after: Option<String>, limit: Option<u32>) -> Promise {
        match parse_id::<LobbyId>("lobby_id", lobby_id).and_then(|id| Ok((id, check_limit(limit)?)))
        {
            Ok((lobby_id, limit)) => self.get(
                api::ListMembers { lobby_id },
                list_query(None, after, limit),
            ),
            Err(error) => Promise::reject(&error.to_js()),
        }
    }

    /// One member of a lobby (`GET /lobbies/{lobbyId}/members/{userId}`).
    #[wasm_bindgen(unchecked_return_type = "Promise<Member>")]
    pub fn member(&self, lobby_id: &str, user_id: &str) -> Promise {
        match parse_id::<LobbyId>("lobby_id", lobby_id)
            .and_then(|lobby| Ok((lobby, parse_id::<UserId>("user_id", user_id)?)))
        {
            Ok((lobby_id, user_id)) => {
                self.get(api::GetMember { lobby_id, user_id }, String::new())
            }
            Err(error) => Promise::reject(&error.to_js()),
        }
    }

    /// A page of a lobby's history, newest first (`GET /lobbies/{lobbyId}/messages`): pass
    /// the previous page's `next_cursor` as `before` for older messages.
    #[wasm_bindgen(js_name = lobbyHistory, unchecked_return_type = "Promise<MessagePage>")]
    pub fn lobby_history(
        &self,
        lobby_id: &str,
        before: Option<String>,
        limit: Option<u32>,
    ) -> Promise {
        self.history(
            parse_id("lobby_id", lobby_id).map(|lobby_id| api::LobbyHistory { lobby_id }),
            before,
            limit,
        )
    }

    /// A page of a direct chat's history, newest first (`GET /chats/{chatId}/messages`).
    #[wasm_bindgen(js_name = chatHistory, unchecked_return_type = "Promise<MessagePage>")]
    pub fn chat_history(
        &self,
        chat_id: &str,
        before: Option<String>,
        limit: Option<u32>,
    ) -> Promise {
        self.history(
            parse_id("chat_id", chat_id).map(|chat_id| api::ChatHistory { chat_id }),
            before,
            limit,
        )
    }

    /// A page before a message id (history, the mention inbox).
    fn history<E: api::Endpoint<Body = NoBody>>(
        &self,
        route: Result<E, ClientError>,
        before: Option<String>,
        limit: Option<u32>,
    ) -> Promise
    where
        E::Response: serde::de::DeserializeOwned + 'static,
    {
        let request = (|| -> Result<(E, String), ClientError> {
            let route = route?;
            let limit = check_limit(limit)?;
            let mut query = Vec::new();
            if let Some(before) = before {
                let id: MessageId = parse_id("before", &before)?;
                query.push(format!("before={id}"));
            }
            if let Some(limit) = limit {
                query.push(format!("limit={limit}"));
            }
            let query = if query.is_empty() {
                String::new()
            } else {
                format!("?{}", query.join("&"))
            };
            Ok((route, query))
        })();
        match request {
            Ok((route, query)) => self.get(route, query),
            Err(error) => Promise::reject(&error.to_js()),
        }
    }

    /// Posts a message to a lobby (`POST /lobbies/{lobbyId}/messages`); answers the stored
    /// message. Safe against retries: the same message is never posted twice. With
    /// `replyTo`, the message answers that message of the lobby and carries its preview.
    #[wasm_bindgen(js_name = sendLobbyMessage, unchecked_return_type = "Promise<Message>")]
    pub fn send_lobby_message(
        &self,
        lobby_id: &str,
        content: &str,
        reply_to: Option<String>,
    ) -> Promise {
        self.send_to(
            parse_id("lobby_id", lobby_id).map(|lobby_id| api::SendLobbyMessage { lobby_id }),
            content,
            reply_to,
        )
    }

    /// Posts a message to a direct chat (`POST /chats/{chatId}/messages`), answering
    /// `replyTo` when given.
    #[wasm_bindgen(js_name = sendChatMessage, unchecked_return_type = "Promise<Message>")]
    pub fn send_chat_message(
        &self,
        chat_id: &str,
        content: &str,
        reply_to: Option<String>,
    ) -> Promise {
        self.send_to(
            parse_id("chat_id", chat_id).map(|chat_id| api::SendChatMessage { chat_id }),
            content,
            reply_to,
        )
    }

    /// Reacts to a message with an emoji or a `:shortcode:` for one
    /// (`PUT /messages/{messageId}/reactions/{emoji}`; idempotent).
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn react(&self, message_id: &str, emoji: &str) -> Promise {
        match reaction_target(message_id, emoji) {
            Ok((message_id, emoji)) => self.call_empty(api::React { message_id, emoji }),
            Err(error) => Promise::reject(&error.to_js()),
        }
    }

    /// Takes the user's reaction back (`DELETE /messages/{messageId}/reactions/{emoji}`;
    /// idempotent).
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn unreact(&self, message_id: &str, emoji: &str) -> Promise {
        match reaction_target(message_id, emoji) {
            Ok((message_id, emoji)) => self.call_empty(api::Unreact { message_id, emoji }),
            Err(error) => Promise::reject(&error.to_js()),
        }
    }

    /// Who reacted to a message with `emoji`, first reacted first
    /// (`GET /messages/{messageId}/reactions/{emoji}`).
    #[wasm_bindgen(unchecked_return_type = "Promise<ReactorPage>")]
    pub fn reactors(
        &self,
        message_id: &str,
        emoji: &str,
        after: Option<String>,
        limit: Option<u32>,
    ) -> Promise {
        let request = reaction_target(message_id, emoji).and_then(|target| {
            check_limit(limit)?;
            Ok((target, list_query(None, after, limit)))
        });
        match request {
            Ok(((message_id, emoji), query)) => {
                self.get(api::Reactors { message_id, emoji }, query)
            }
            Err(error) => Promise::reject(&error.to_js()),
        }
    }

    /// Pins a message (`PUT /messages/{messageId}/pin`: lobby admins, either participant of
    /// a chat; idempotent).
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn pin(&self, message_id: &str) -> Promise {
        match parse_id::<MessageId>("message_id", message_id) {
            Ok(message_id) => self.call_empty(api::PinMessage { message_id }),
            Err(error) => Promise::reject(&error.to_js()),
        }
    }

    /// Unpins a message (`DELETE /messages/{messageId}/pin`; idempotent).
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn unpin(&self, message_id: &str) -> Promise {
        match parse_id::<MessageId>("message_id", message_id) {
            Ok(message_id) => self.call_empty(api::UnpinMessage { message_id }),
            Err(error) => Promise::reject(&error.to_js()),
        }
    }

    /// The caller's mention inbox, newest first, each with whether it is read
    /// (`GET /mentions`); pass the previous page's `next_cursor` as `before`.
    #[wasm_bindgen(unchecked_return_type = "Promise<MentionPage>")]
    pub fn mentions(&self, before: Option<String>, limit: Option<u32>) -> Promise {
        self.history(Ok(api::Mentions {}), before, limit)
    }

    /// A lobby's pinned messages, newest pin first (`GET /lobbies/{lobbyId}/pins`).
    #[wasm_bindgen(js_name = lobbyPins, unchecked_return_type = "Promise<PinList>")]
    pub fn lobby_pins(&self, lobby_id: &str) -> Promise {
        match parse_id::<LobbyId>("lobby_id", lobby_id) {
            Ok(lobby_id) => self.get(api::LobbyPins { lobby_id }, String::new()),
            Err(error) => Promise::reject(&error.to_js()),
        }
    }

    /// A direct chat's pinned messages, newest pin first (`GET /chats/{chatId}/pins`).
    #[wasm_bindgen(js_name = chatPins, unchecked_return_type = "Promise<PinList>")]
    pub fn chat_pins(&self, chat_id: &str) -> Promise {
        match parse_id::<ChatId>("chat_id", chat_id) {
            Ok(chat_id) => self.get(api::ChatPins { chat_id }, String::new()),
            Err(error) => Promise::reject(&error.to_js()),
        }
    }

    /// Sends a direct message to a user, opening the chat if needed
    /// (`POST /users/{userId}/messages`).
    #[wasm_bindgen(js_name = sendDirectMessage, unchecked_return_type = "Promise<Message>")]
    pub fn send_direct_message(&self, user_id: &str, content: &str) -> Promise {
        self.send_to(
            parse_id("user_id", user_id).map(|user_id| api::SendToUser { user_id }),
            content,
            None,
        )
    }

    /// Edits one of the user's messages (`PATCH /messages/{messageId}`); answers it as it
    /// is now.
    #[wasm_bindgen(js_name = editMessage, unchecked_return_type = "Promise<Message>")]
    pub fn edit_message(&self, message_id: &str, content: &str) -> Promise {
        let request = (|| -> Result<_, ClientError> {
            let id: MessageId = parse_id("message_id", message_id)?;
            let content = MessageContent::parse(content)?;
            Ok((
                id,
                body::<api::EditMessage>(&EditMessageRequest { content })?,
            ))
        })();
        match request {
            Ok((message_id, request)) => self.call(api::EditMessage { message_id }, Ok(request)),
            Err(error) => Promise::reject(&error.to_js()),
        }
    }

    /// Deletes a message: the author's own, or any as lobby admin
    /// (`DELETE /messages/{messageId}`).
    #[wasm_bindgen(js_name = deleteMessage, unchecked_return_type = "Promise<void>")]
    pub fn delete_message(&self, message_id: &str) -> Promise {
        match parse_id::<MessageId>("message_id", message_id) {
            Ok(message_id) => self.call_empty(api::DeleteMessage { message_id }),
            Err(error) => Promise::reject(&error.to_js()),
        }
    }

    /// The user's direct chats, with the last message and unread counts (`GET /chats`).
    #[wasm_bindgen(unchecked_return_type = "Promise<ChatList>")]
    pub fn chats(&self) -> Promise {
        self.get(api::MyChats, String::new())
    }

    /// One direct chat (`GET /chats/{chatId}`).
    #[wasm_bindgen(unchecked_return_type = "Promise<Chat>")]
    pub fn chat(&self, chat_id: &str) -> Promise {
        match parse_id::<ChatId>("chat_id", chat_id) {
            Ok(chat_id) => self.get(api::GetChat { chat_id }, String::new()),
            Err(error) => Promise::reject(&error.to_js()),
        }
    }

    /// Opens (or finds) the direct chat with a user (`POST /chats`).
    #[wasm_bindgen(js_name = openChat, unchecked_return_type = "Promise<Chat>")]
    pub fn open_chat(&self, user_id: &str) -> Promise {
        let request = parse_id::<UserId>("user_id", user_id)
            .and_then(|user_id| body::<api::OpenChat>(&OpenChatRequest { user_id }));
        self.call(api::OpenChat, request)
    }

    /// Deletes a direct chat for the user only (`DELETE /chats/{chatId}`).
    #[wasm_bindgen(js_name = deleteChat, unchecked_return_type = "Promise<void>")]
    pub fn delete_chat(&self, chat_id: &str) -> Promise {
        match parse_id::<ChatId>("chat_id", chat_id) {
            Ok(chat_id) => self.call_empty(api::DeleteChat { chat_id }),
            Err(error) => Promise::reject(&error.to_js()),
        }
    }

    /// Moves the user's read cursor in a lobby to message seq `seq`
    /// (`POST /lobbies/{lobbyId}/read`); it never moves back.
    #[wasm_bindgen(js_name = markLobbyRead, unchecked_return_type = "Promise<ReadCursor>")]
    pub fn mark_lobby_read(&self, lobby_id: &str, seq: f64) -> Promise {
        self.mark_read_at(
            parse_id("lobby_id", lobby_id).map(|lobby_id| api::MarkLobbyRead { lobby_id }),
            seq,
        )
    }

    /// Moves the user's read cursor in a direct chat (`POST /chats/{chatId}/read`).
    #[wasm_bindgen(js_name = markChatRead, unchecked_return_type = "Promise<ReadCursor>")]
    pub fn mark_chat_read(&self, chat_id: &str, seq: f64) -> Promise {
        self.mark_read_at(
            parse_id("chat_id", chat_id).map(|chat_id| api::MarkChatRead { chat_id }),
            seq,
        )
    }

    fn mark_read_at<E: api::Endpoint<Body = MarkReadRequest, Response = ReadCursor>>(
        &self,
        route: Result<E, ClientError>,
        seq: f64,
    ) -> Promise {
        let request = seq_from_js(seq).and_then(|seq| body::<E>(&MarkReadRequest { seq }));
        match route {
            Ok(route) => self.call(route, request),
            Err(error) => Promise::reject(&error.to_js()),
        }
    }

    /// Opens the live gateway (or joins the attempt under way). The promise resolves with
    /// the `ready` frame — the account and every conversation with its unread count — or
    /// rejects when the first attempt fails. After that the gateway reconnects by itself and
    /// resumes where it stopped: handlers see every event once, in order.
    #[wasm_bindgen(unchecked_return_type = "Promise<ReadyFrame>")]
    pub fn connect(&self) -> Promise {
        let shared = self.shared.clone();
        Promise::new(&mut |resolve, reject| gateway::connect(&shared, resolve, reject))
    }

    /// Closes the gateway and stops reconnecting. A later `connect()` resumes from where it
    /// stopped.
    pub fn disconnect(&self) {
        gateway::disconnect(&self.shared);
    }

    /// Whether the gateway is connected and delivering events.
    #[wasm_bindgen(getter)]
    pub fn connected(&self) -> bool {
        self.shared.borrow().gateway.is_live()
    }

    /// Calls `handler(event)` for each event of type `type`, or for every event with `"*"`.
    /// Events are server frames (`message.created`, `typing`, `presence`, `ready`, …; see
    /// `docs/PROTOCOL.md`) and the gateway's own: `reconnecting` (`attempt`, `delay_ms`,
    /// `reason`) and `closed` (`code`, `reason`: the gateway stopped for good).
    pub fn on(
        &self,
        #[wasm_bindgen(js_name = type)] kind: &str,
        #[wasm_bindgen(unchecked_param_type = "(event: ChatEvent) => void")]
        handler: js_sys::Function,
    ) {
        self.shared
            .borrow_mut()
            .handlers
            .push((kind.to_owned(), handler));
    }

    /// Removes a handler added with `on` (every handler of `type` when none is given).
    pub fn off(
        &self,
        #[wasm_bindgen(js_name = type)] kind: &str,
        #[wasm_bindgen(unchecked_param_type = "((event: ChatEvent) => void) | undefined")]
        handler: Option<js_sys::Function>,
    ) {
        self.shared.borrow_mut().handlers.retain(|(t, f)| {
            t != kind || handler.as_ref().is_some_and(|h| !js_sys::Object::is(h, f))
        });
    }

    /// Tells the conversation the user is typing. Call it on every keystroke: frames go out
    /// at most once per 2.5 s per conversation. Answers whether a frame was sent.
    pub fn typing(&self, conversation_id: &str) -> Result<bool, JsValue> {
        let id: ConversationId = parse_id("conversation_id", conversation_id)?;
        Ok(gateway::typing(&self.shared, id))
    }

    /// Moves the read cursor over the gateway (a `read` frame), without waiting for an
    /// answer. Throws `not_connected` when the gateway is not live.
    #[wasm_bindgen(js_name = markRead)]
    pub fn mark_read(&self, conversation_id: &str, seq: f64) -> Result<(), JsValue> {
        let conversation_id: ConversationId = parse_id("conversation_id", conversation_id)?;
        let seq = seq_from_js(seq)?;
        Ok(gateway::notify(
            &self.shared,
            &ClientFrame::Read {
                conversation_id,
                seq,
            },
        )?)
    }

    /// The resume cursors: for each conversation, the last event seq delivered.
    #[wasm_bindgen(unchecked_return_type = "Record<string, number>")]
    pub fn cursors(&self) -> JsValue {
        crate::js::json_to_js(&self.shared.borrow().gateway.cursors_json())
    }
}

/// A JavaScript number as a message seq (or a count).
pub(crate) fn seq_from_js(seq: f64) -> Result<u64, ClientError> {
    if seq.is_finite() && seq >= 0.0 && seq.fract() == 0.0 && seq <= 9_007_199_254_740_991.0 {
        Ok(seq as u64)
    } else {
        Err(ClientError::BadRequest(format!(
            "seq must be a whole number ≥ 0, not {seq}"
        )))
    }
}

/// Resolves after `ms` milliseconds.
async fn sleep(ms: f64) {
    let promise = Promise::new(&mut |resolve, _| {
        crate::js::set_timeout(&resolve, ms);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_queries_carry_only_what_is_given() {
        assert_eq!(list_query(None, None, None), "");
        assert_eq!(
            list_query(Some(" gen eral ".into()), Some("c1".into()), Some(10)),
            "?q=gen%20eral&after=c1&limit=10"
        );
        assert_eq!(list_query(Some("  ".into()), None, None), "");
    }

    #[test]
    fn seqs_must_be_whole_non_negative_numbers() {
        assert_eq!(seq_from_js(7.0), Ok(7));
        assert!(seq_from_js(-1.0).is_err());
        assert!(seq_from_js(1.5).is_err());
        assert!(seq_from_js(f64::NAN).is_err());
    }

    #[test]
    fn ids_are_checked_before_anything_is_sent() {
        assert!(parse_id::<LobbyId>("lobby_id", "01937a4c-3b5e-7c2a-9f1e-2b3c4d5e6f71").is_ok());
        let error = parse_id::<LobbyId>("lobby_id", "42").expect_err("not an id");
        assert_eq!(error.code(), "bad_request");
    }

    #[test]
    fn page_limits_follow_the_protocol() {
        assert_eq!(check_limit(Some(100)), Ok(Some(100)));
        assert!(check_limit(Some(0)).is_err());
        assert!(check_limit(Some(101)).is_err());
    }
}
