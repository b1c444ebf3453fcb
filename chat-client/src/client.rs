//! [`Client`]: one method per REST route, typed with chat-core.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use chat_core::v1::endpoints::{self as api, Binary, Endpoint, NoBody, NoContent, NoQuery};
use chat_core::v1::{
    Account, AddMemberRequest, AdminMessagesQuery, AdminUser, AdminUserPage, ApiToken, AuditPage,
    AuthResponse, Chat, ChatId, ConversationId, CreateApiTokenRequest, CreateClientTokenRequest,
    CreateLobbyRequest, CreatedApiToken, EditMessageRequest, Emoji, ErrorBody, HistoryQuery,
    ListQuery, Lobby, LobbyId, LobbyPage, LoginRequest, MarkReadRequest, Member, MemberPage,
    MentionPage, MentionQuery, Message, MessageContent, MessageId, MessagePage, Nonce,
    OpenChatRequest, PageQuery, Pin, ReactorPage, ReadCursor, RegisterRequest, Role,
    SendMessageRequest, ServerStats, TokenId, UpdateAccountRequest, UpdateLobbyRequest,
    UpdateMemberRequest, User, UserId, UserPage,
};
use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::Error;

/// A lobby or a chat, for the routes that take either.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Conversation {
    /// A lobby.
    Lobby(LobbyId),
    /// A direct chat.
    Chat(ChatId),
}

impl Conversation {
    /// The conversation id.
    pub fn id(self) -> ConversationId {
        match self {
            Self::Lobby(id) => id.into(),
            Self::Chat(id) => id.into(),
        }
    }
}

impl From<LobbyId> for Conversation {
    fn from(id: LobbyId) -> Self {
        Self::Lobby(id)
    }
}

impl From<ChatId> for Conversation {
    fn from(id: ChatId) -> Self {
        Self::Chat(id)
    }
}

/// Builds a [`Client`] with non-default settings.
#[derive(Debug, Clone)]
pub struct ClientBuilder {
    base_url: String,
    timeout: Duration,
    connect_timeout: Duration,
    token: Option<String>,
    user_agent: String,
}

impl ClientBuilder {
    /// The whole-request timeout (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The connect timeout (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// A token to start with (a saved session or an API token).
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// The `User-Agent` header.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<Client, Error> {
        let base = self.base_url.trim_end_matches('/').to_owned();
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(Error::InvalidUrl(format!(
                "{base} (expected http:// or https://)"
            )));
        }
        let tls = crate::tls::client_config()?;
        let http = reqwest::Client::builder()
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            .user_agent(self.user_agent)
            .tls_backend_preconfigured((*tls).clone())
            .build()?;
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base,
                tls,
                token: RwLock::new(self.token),
            }),
        })
    }
}

#[derive(Debug)]
struct Inner {
    http: reqwest::Client,
    base: String,
    tls: Arc<rustls::ClientConfig>,
    token: RwLock<Option<String>>,
}

/// A connection to one chat server: every REST route as a typed method.
///
/// Cheap to clone; clones share the token. Log in (or [`Client::set_token`]) before calling
/// routes that need authentication.
#[derive(Debug, Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

impl Client {
    /// A client for the server at `base_url` (e.g. `http://127.0.0.1:8080`) with defaults.
    pub fn new(base_url: impl Into<String>) -> Result<Self, Error> {
        Self::builder(base_url).build()
    }

    /// A builder for a client with custom timeouts, token or user agent.
    pub fn builder(base_url: impl Into<String>) -> ClientBuilder {
        ClientBuilder {
            base_url: base_url.into(),
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            token: None,
            user_agent: format!("chat-client/{}", env!("CARGO_PKG_VERSION")),
        }
    }

    /// The server's base URL.
    pub fn base_url(&self) -> &str {
        &self.inner.base
    }

    /// The token sent with each request, if any.
    pub fn token(&self) -> Option<String> {
        self.inner
            .token
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Replaces the token (`None` to act anonymously).
    pub fn set_token(&self, token: Option<String>) {
        *self
            .inner
            .token
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = token;
    }

    pub(crate) fn tls(&self) -> Arc<rustls::ClientConfig> {
        self.inner.tls.clone()
    }

    /// Sends one request to `endpoint`: the status and body of a 2xx answer, or the API
    /// error.
    async fn send<E: Endpoint>(
        &self,
        endpoint: &E,
        query: Option<&E::Query>,
        body: Option<&E::Body>,
    ) -> Result<(StatusCode, bytes_body::Body), Error>
    where
        E::Query: Serialize,
        E::Body: Serialize,
    {
        let mut request = self.request(endpoint);
        if let Some(token) = self.token() {
            request = request.bearer_auth(token);
        }
        if let Some(query) = query {
            request = request.query(query);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await?;
        let status = response.status();
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok())
            .map(Duration::from_secs);
        let bytes = response.bytes().await?;
        if status.is_success() {
            return Ok((status, bytes_body::Body(bytes.to_vec())));
        }
        Err(match serde_json::from_slice::<ErrorBody>(&bytes) {
            Ok(body) => {
                let retry_after = retry_after.or_else(|| {
                    body.error
                        .details
                        .as_ref()
                        .and_then(|d| d.get("retry_after_ms"))
                        .and_then(serde_json::Value::as_u64)
                        .map(Duration::from_millis)
                });
                Error::Api {
                    status: status.as_u16(),
                    code: body.error.code,
                    message: body.error.message,
                    details: body.error.details,
                    retry_after,
                }
            }
            Err(e) => Error::Decode {
                status: status.as_u16(),
                message: format!("not an error body: {e}"),
            },
        })
    }

    /// A request to `endpoint`'s method and path, without token, query or body.
    fn request<E: Endpoint>(&self, endpoint: &E) -> reqwest::RequestBuilder {
        let method = match E::METHOD {
            api::Method::Get => Method::GET,
            api::Method::Post => Method::POST,
            api::Method::Put => Method::PUT,
            api::Method::Patch => Method::PATCH,
            api::Method::Delete => Method::DELETE,
        };
        self.inner
            .http
            .request(method, format!("{}{}", self.inner.base, endpoint.path()))
    }

    /// Sends one request to `endpoint` and decodes its JSON answer.
    async fn call<E: Endpoint>(
        &self,
        endpoint: &E,
        query: Option<&E::Query>,
        body: Option<&E::Body>,
    ) -> Result<E::Response, Error>
    where
        E::Query: Serialize,
        E::Body: Serialize,
        E::Response: DeserializeOwned,
    {
        let (status, body) = self.send(endpoint, query, body).await?;
        body.decode(status)
    }

    /// Sends one request to an endpoint that answers `204 No Content`.
    async fn no_content<E: Endpoint<Query = NoQuery, Response = NoContent>>(
        &self,
        endpoint: &E,
        body: Option<&E::Body>,
    ) -> Result<(), Error>
    where
        E::Body: Serialize,
    {
        self.send(endpoint, None, body).await.map(|_| ())
    }

    // ---- auth ----

    /// Registers an account and keeps its token.
    pub async fn register(&self, request: &RegisterRequest) -> Result<AuthResponse, Error> {
        let auth = self.call(&api::Register, None, Some(request)).await?;
        self.set_token(Some(auth.token.clone()));
        Ok(auth)
    }

    /// Logs in and keeps the token.
    pub async fn login(&self, username: &str, password: &str) -> Result<AuthResponse, Error> {
        let request = LoginRequest {
            username: username.to_owned(),
            password: password.to_owned(),
        };
        let auth = self.call(&api::Login, None, Some(&request)).await?;
        self.set_token(Some(auth.token.clone()));
        Ok(auth)
    }

    /// Revokes the token on the server and forgets it.
    pub async fn logout(&self) -> Result<(), Error> {
        self.no_content(&api::Logout, Some(&NoBody {})).await?;
        self.set_token(None);
        Ok(())
    }

    // ---- account ----

    /// The signed-in account.
    pub async fn me(&self) -> Result<Account, Error> {
        self.call(&api::GetMe, None, None).await
    }

    /// Updates the signed-in account.
    pub async fn update_me(&self, request: &UpdateAccountRequest) -> Result<Account, Error> {
        self.call(&api::UpdateMe, None, Some(request)).await
    }

    /// Deletes the signed-in account and forgets the token.
    pub async fn delete_me(&self) -> Result<(), Error> {
        self.no_content(&api::DeleteMe, None).await?;
        self.set_token(None);
        Ok(())
    }

    // ---- users ----

    /// A page of users (search with `q`).
    pub async fn users(&self, query: &ListQuery) -> Result<UserPage, Error> {
        self.call(&api::ListUsers, Some(query), None).await
    }

    /// One user's profile.
    pub async fn user(&self, id: UserId) -> Result<User, Error> {
        self.call(&api::GetUser { user_id: id }, None, None).await
    }

    // ---- lobbies ----

    /// Creates a lobby; the caller becomes its admin.
    pub async fn create_lobby(&self, request: &CreateLobbyRequest) -> Result<Lobby, Error> {
        self.call(&api::CreateLobby, None, Some(request)).await
    }

    /// The caller's lobbies.
    pub async fn my_lobbies(&self) -> Result<Vec<Lobby>, Error> {
        let list = self.call(&api::MyLobbies, None, None).await?;
        Ok(list.items)
    }

    /// A page of public lobbies the caller has not joined.
    pub async fn community_lobbies(&self, query: &ListQuery) -> Result<LobbyPage, Error> {
        self.call(&api::CommunityLobbies, Some(query), None).await
    }

    /// One lobby.
    pub async fn lobby(&self, id: LobbyId) -> Result<Lobby, Error> {
        self.call(&api::GetLobby { lobby_id: id }, None, None).await
    }

    /// Renames, describes or changes the visibility of a lobby (admins).
    pub async fn update_lobby(
        &self,
        id: LobbyId,
        request: &UpdateLobbyRequest,
    ) -> Result<Lobby, Error> {
        self.call(&api::UpdateLobby { lobby_id: id }, None, Some(request))
            .await
    }

    /// Deletes a lobby (its admins, or a server admin moderating).
    pub async fn delete_lobby(&self, id: LobbyId) -> Result<(), Error> {
        self.no_content(&api::DeleteLobby { lobby_id: id }, None)
            .await
    }

    /// Joins a public lobby.
    pub async fn join_lobby(&self, id: LobbyId) -> Result<Lobby, Error> {
        self.call(&api::JoinLobby { lobby_id: id }, None, Some(&NoBody {}))
            .await
    }

    /// Leaves a lobby.
    pub async fn leave_lobby(&self, id: LobbyId) -> Result<(), Error> {
        self.no_content(&api::LeaveLobby { lobby_id: id }, Some(&NoBody {}))
            .await
    }

    // ---- members ----

    /// A page of a lobby's members.
    pub async fn members(&self, lobby: LobbyId, query: &PageQuery) -> Result<MemberPage, Error> {
        self.call(&api::ListMembers { lobby_id: lobby }, Some(query), None)
            .await
    }

    /// One member of a lobby.
    pub async fn member(&self, lobby: LobbyId, user: UserId) -> Result<Member, Error> {
        let endpoint = api::GetMember {
            lobby_id: lobby,
            user_id: user,
        };
        self.call(&endpoint, None, None).await
    }

    /// Adds a user to a lobby (admins). Returns the member and whether they were added now.
    pub async fn add_member(
        &self,
        lobby: LobbyId,
        user: UserId,
        role: Role,
    ) -> Result<(Member, bool), Error> {
        let endpoint = api::AddMember {
            lobby_id: lobby,
            user_id: user,
        };
        let (status, body) = self
            .send(&endpoint, None, Some(&AddMemberRequest { role }))
            .await?;
        Ok((body.decode(status)?, status == StatusCode::CREATED))
    }

    /// Promotes or demotes a member (admins).
    pub async fn set_role(
        &self,
        lobby: LobbyId,
        user: UserId,
        role: Role,
    ) -> Result<Member, Error> {
        let endpoint = api::UpdateMember {
            lobby_id: lobby,
            user_id: user,
        };
        self.call(&endpoint, None, Some(&UpdateMemberRequest { role }))
            .await
    }

    /// Removes a member (admins; yourself: leaving).
    pub async fn remove_member(&self, lobby: LobbyId, user: UserId) -> Result<(), Error> {
        let endpoint = api::RemoveMember {
            lobby_id: lobby,
            user_id: user,
        };
        self.no_content(&endpoint, None).await
    }

    // ---- messages ----

    /// Posts a message to a lobby or chat. With a `nonce`, a retry returns the original
    /// message instead of posting twice.
    pub async fn send_message(
        &self,
        conversation: impl Into<Conversation>,
        content: MessageContent,
        nonce: Option<Nonce>,
    ) -> Result<Message, Error> {
        let request = SendMessageRequest {
            content,
            nonce,
            reply_to: None,
        };
        self.post_message(conversation, &request).await
    }

    /// Posts a message that answers `reply_to`, a message of the same conversation; the
    /// message comes back with a preview of the one it answers.
    pub async fn reply(
        &self,
        conversation: impl Into<Conversation>,
        reply_to: MessageId,
        content: MessageContent,
        nonce: Option<Nonce>,
    ) -> Result<Message, Error> {
        let request = SendMessageRequest {
            content,
            nonce,
            reply_to: Some(reply_to),
        };
        self.post_message(conversation, &request).await
    }

    /// Posts a message as `request` describes it (text, nonce, the message it answers).
    pub async fn post_message(
        &self,
        conversation: impl Into<Conversation>,
        request: &SendMessageRequest,
    ) -> Result<Message, Error> {
        let request = Some(request);
        match conversation.into() {
            Conversation::Lobby(lobby_id) => {
                self.call(&api::SendLobbyMessage { lobby_id }, None, request)
                    .await
            }
            Conversation::Chat(chat_id) => {
                self.call(&api::SendChatMessage { chat_id }, None, request)
                    .await
            }
        }
    }

    /// One page of a conversation's history (see [`HistoryQuery`]); for all of it, use
    /// [`Client::history`].
    pub async fn history_page(
        &self,
        conversation: impl Into<Conversation>,
        query: &HistoryQuery,
    ) -> Result<MessagePage, Error> {
        match conversation.into() {
            Conversation::Lobby(lobby_id) => {
                self.call(&api::LobbyHistory { lobby_id }, Some(query), None)
                    .await
            }
            Conversation::Chat(chat_id) => {
                self.call(&api::ChatHistory { chat_id }, Some(query), None)
                    .await
            }
        }
    }

    /// One message of a lobby.
    pub async fn lobby_message(&self, lobby: LobbyId, id: MessageId) -> Result<Message, Error> {
        let endpoint = api::GetLobbyMessage {
            lobby_id: lobby,
            message_id: id,
        };
        self.call(&endpoint, None, None).await
    }

    /// Edits a message (its author).
    pub async fn edit_message(
        &self,
        id: MessageId,
        content: MessageContent,
    ) -> Result<Message, Error> {
        self.call(
            &api::EditMessage { message_id: id },
            None,
            Some(&EditMessageRequest { content }),
        )
        .await
    }

    /// Deletes a message (its author, a lobby admin, or a server admin moderating).
    pub async fn delete_message(&self, id: MessageId) -> Result<(), Error> {
        self.no_content(&api::DeleteMessage { message_id: id }, None)
            .await
    }

    /// Moves the read cursor of a lobby or chat forward to message seq `seq`.
    pub async fn mark_read(
        &self,
        conversation: impl Into<Conversation>,
        seq: u64,
    ) -> Result<ReadCursor, Error> {
        let request = MarkReadRequest { seq };
        match conversation.into() {
            Conversation::Lobby(lobby_id) => {
                self.call(&api::MarkLobbyRead { lobby_id }, None, Some(&request))
                    .await
            }
            Conversation::Chat(chat_id) => {
                self.call(&api::MarkChatRead { chat_id }, None, Some(&request))
                    .await
            }
        }
    }

    // ---- reactions and pins ----

    /// Reacts to a message with `emoji` (idempotent).
    pub async fn react(&self, message: MessageId, emoji: Emoji) -> Result<(), Error> {
        let endpoint = api::React {
            message_id: message,
            emoji,
        };
        self.no_content(&endpoint, None).await
    }

    /// Takes the caller's `emoji` reaction off a message (idempotent).
    pub async fn unreact(&self, message: MessageId, emoji: Emoji) -> Result<(), Error> {
        let endpoint = api::Unreact {
            message_id: message,
            emoji,
        };
        self.no_content(&endpoint, None).await
    }

    /// One page of who reacted to a message with `emoji`, first reacted first.
    pub async fn reactors(
        &self,
        message: MessageId,
        emoji: Emoji,
        query: &PageQuery,
    ) -> Result<ReactorPage, Error> {
        let endpoint = api::Reactors {
            message_id: message,
            emoji,
        };
        self.call(&endpoint, Some(query), None).await
    }

    /// Pins a message (lobby admins; either participant of a chat; idempotent).
    pub async fn pin(&self, message: MessageId) -> Result<(), Error> {
        self.no_content(
            &api::PinMessage {
                message_id: message,
            },
            None,
        )
        .await
    }

    /// Unpins a message (idempotent).
    pub async fn unpin(&self, message: MessageId) -> Result<(), Error> {
        self.no_content(
            &api::UnpinMessage {
                message_id: message,
            },
            None,
        )
        .await
    }

    /// A conversation's pinned messages, newest pin first.
    pub async fn pins(&self, conversation: impl Into<Conversation>) -> Result<Vec<Pin>, Error> {
        let list = match conversation.into() {
            Conversation::Lobby(lobby_id) => {
                self.call(&api::LobbyPins { lobby_id }, None, None).await?
            }
            Conversation::Chat(chat_id) => {
                self.call(&api::ChatPins { chat_id }, None, None).await?
            }
        };
        Ok(list.items)
    }

    /// One page of the caller's mention inbox: messages that call them, newest first, each
    /// with whether it is read. Pass the previous page's `next_cursor` as `before`.
    pub async fn mentions(&self, query: &MentionQuery) -> Result<MentionPage, Error> {
        self.call(&api::Mentions {}, Some(query), None).await
    }

    // ---- chats ----

    /// Opens (or finds) the chat with a user. Returns the chat and whether it is new.
    pub async fn open_chat(&self, user: UserId) -> Result<(Chat, bool), Error> {
        let (status, body) = self
            .send(
                &api::OpenChat,
                None,
                Some(&OpenChatRequest { user_id: user }),
            )
            .await?;
        Ok((body.decode(status)?, status == StatusCode::CREATED))
    }

    /// The caller's chats, most recently active first.
    pub async fn chats(&self) -> Result<Vec<Chat>, Error> {
        let list = self.call(&api::MyChats, None, None).await?;
        Ok(list.items)
    }

    /// One chat.
    pub async fn chat(&self, id: ChatId) -> Result<Chat, Error> {
        self.call(&api::GetChat { chat_id: id }, None, None).await
    }

    /// Deletes a chat for the caller only.
    pub async fn delete_chat(&self, id: ChatId) -> Result<(), Error> {
        self.no_content(&api::DeleteChat { chat_id: id }, None)
            .await
    }

    /// A page of the direct chat with a user, found by their id (`404` when there is none).
    pub async fn direct_history_page(
        &self,
        user: UserId,
        query: &HistoryQuery,
    ) -> Result<MessagePage, Error> {
        self.call(&api::UserHistory { user_id: user }, Some(query), None)
            .await
    }

    /// Sends a direct message to a user, opening the chat if needed.
    pub async fn send_direct_message(
        &self,
        user: UserId,
        content: MessageContent,
        nonce: Option<Nonce>,
    ) -> Result<Message, Error> {
        self.call(
            &api::SendToUser { user_id: user },
            None,
            Some(&SendMessageRequest {
                content,
                nonce,
                reply_to: None,
            }),
        )
        .await
    }
}

impl Client {
    // ---- server administration (server admins only) ----

    /// Users with their admin and disabled flags.
    pub async fn admin_users(&self, query: &ListQuery) -> Result<AdminUserPage, Error> {
        self.call(&api::AdminUsers, Some(query), None).await
    }

    /// Disables (`true`) or enables an account.
    pub async fn admin_set_disabled(
        &self,
        user: UserId,
        disabled: bool,
    ) -> Result<AdminUser, Error> {
        if disabled {
            self.call(&api::DisableUser { user_id: user }, None, Some(&NoBody {}))
                .await
        } else {
            self.call(&api::EnableUser { user_id: user }, None, Some(&NoBody {}))
                .await
        }
    }

    /// Messages of every conversation, newest first, filtered.
    pub async fn admin_messages(&self, query: &AdminMessagesQuery) -> Result<MessagePage, Error> {
        self.call(&api::AdminMessages, Some(query), None).await
    }

    /// Server statistics.
    pub async fn admin_stats(&self) -> Result<ServerStats, Error> {
        self.call(&api::AdminStats, None, None).await
    }

    /// The audit log, newest first.
    pub async fn admin_audit(&self, query: &PageQuery) -> Result<AuditPage, Error> {
        self.call(&api::AdminAudit, Some(query), None).await
    }
}

impl Client {
    // ---- API tokens ----

    /// Creates a personal API token (needs a signed-in session). Its secret is in the answer
    /// only.
    pub async fn create_token(
        &self,
        request: &CreateApiTokenRequest,
    ) -> Result<CreatedApiToken, Error> {
        self.call(&api::CreateToken, None, Some(request)).await
    }

    /// The caller's personal API tokens, without secrets.
    pub async fn tokens(&self) -> Result<Vec<ApiToken>, Error> {
        let list = self.call(&api::ListTokens, None, None).await?;
        Ok(list.items)
    }

    /// Revokes a personal API token.
    pub async fn revoke_token(&self, id: TokenId) -> Result<(), Error> {
        self.no_content(&api::RevokeToken { token_id: id }, None)
            .await
    }

    /// Creates a client token for an app (server admins).
    pub async fn admin_create_client_token(
        &self,
        request: &CreateClientTokenRequest,
    ) -> Result<CreatedApiToken, Error> {
        self.call(&api::CreateClientToken, None, Some(request))
            .await
    }

    /// Every client token (server admins).
    pub async fn admin_client_tokens(&self) -> Result<Vec<ApiToken>, Error> {
        let list = self.call(&api::ListClientTokens, None, None).await?;
        Ok(list.items)
    }

    /// Revokes a client token (server admins).
    pub async fn admin_revoke_client_token(&self, id: TokenId) -> Result<(), Error> {
        self.no_content(&api::RevokeClientToken { token_id: id }, None)
            .await
    }

    /// Creates an account as a client app: this client's token must be a client token. The
    /// answer holds the new user's session token; this client's token is left alone.
    pub async fn provision_user(&self, request: &RegisterRequest) -> Result<AuthResponse, Error> {
        self.call(&api::ProvisionUser, None, Some(request)).await
    }
}

impl Client {
    // ---- avatars and lobby icons ----

    async fn put_image<E: Endpoint<Body = Binary, Response = NoContent>>(
        &self,
        endpoint: &E,
        image: Vec<u8>,
    ) -> Result<(), Error> {
        let mut request = self
            .request(endpoint)
            .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
            .body(image);
        if let Some(token) = self.token() {
            request = request.bearer_auth(token);
        }
        let response = request.send().await?;
        if response.status().is_success() {
            return Ok(());
        }
        let status = response.status().as_u16();
        let bytes = response.bytes().await?;
        Err(match serde_json::from_slice::<ErrorBody>(&bytes) {
            Ok(body) => Error::Api {
                status,
                code: body.error.code,
                message: body.error.message,
                details: body.error.details,
                retry_after: None,
            },
            Err(e) => Error::Decode {
                status,
                message: e.to_string(),
            },
        })
    }

    async fn get_image<E: Endpoint<Body = NoBody, Query = NoQuery, Response = Binary>>(
        &self,
        endpoint: &E,
    ) -> Result<Vec<u8>, Error> {
        let (_, body) = self.send(endpoint, None, None).await?;
        Ok(body.0)
    }

    /// Sets the caller's avatar from PNG, JPEG, WebP or GIF bytes (at most 2 MiB); the server
    /// stores a 256×256 PNG.
    pub async fn set_avatar(&self, image: Vec<u8>) -> Result<(), Error> {
        self.put_image(&api::SetAvatar, image).await
    }

    /// Removes the caller's avatar.
    pub async fn remove_avatar(&self) -> Result<(), Error> {
        self.no_content(&api::RemoveAvatar, None).await
    }

    /// A user's avatar, as PNG bytes: the upload, or their generated identicon.
    pub async fn avatar(&self, user: UserId) -> Result<Vec<u8>, Error> {
        self.get_image(&api::GetAvatar { user_id: user }).await
    }

    /// Sets a lobby's icon (lobby admins).
    pub async fn set_lobby_icon(&self, lobby: LobbyId, image: Vec<u8>) -> Result<(), Error> {
        self.put_image(&api::SetLobbyIcon { lobby_id: lobby }, image)
            .await
    }

    /// Removes a lobby's icon (lobby admins).
    pub async fn remove_lobby_icon(&self, lobby: LobbyId) -> Result<(), Error> {
        self.no_content(&api::RemoveLobbyIcon { lobby_id: lobby }, None)
            .await
    }

    /// A lobby's icon, as PNG bytes: the upload, or the lobby's generated identicon.
    pub async fn lobby_icon(&self, lobby: LobbyId) -> Result<Vec<u8>, Error> {
        self.get_image(&api::GetLobbyIcon { lobby_id: lobby }).await
    }
}

mod bytes_body {
    //! A response body held until the caller decides how to read it.

    use reqwest::StatusCode;
    use serde::de::DeserializeOwned;

    use crate::Error;

    pub(super) struct Body(pub(super) Vec<u8>);

    impl Body {
        pub(super) fn decode<T: DeserializeOwned>(self, status: StatusCode) -> Result<T, Error> {
            serde_json::from_slice(&self.0).map_err(|e| Error::Decode {
                status: status.as_u16(),
                message: e.to_string(),
            })
        }
    }
}
