//! [`Client`]: one method per REST route, typed with chat-core.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use chat_core::v1::{
    Account, AddMemberRequest, AdminMessagesQuery, AdminUser, AdminUserPage, ApiToken,
    ApiTokenList, AuditPage, AuthResponse, Chat, ChatId, ChatList, ConversationId,
    CreateApiTokenRequest, CreateClientTokenRequest, CreateLobbyRequest, CreatedApiToken,
    EditMessageRequest, ErrorBody, HistoryQuery, ListQuery, Lobby, LobbyId, LobbyList, LobbyPage,
    LoginRequest, MarkReadRequest, Member, MemberPage, Message, MessageContent, MessageId,
    MessagePage, Nonce, OpenChatRequest, PageQuery, ReadCursor, RegisterRequest, Role,
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

    fn path(self) -> String {
        match self {
            Self::Lobby(id) => format!("/api/v1/lobbies/{id}"),
            Self::Chat(id) => format!("/api/v1/chats/{id}"),
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

/// Bodies of routes that take none.
#[derive(Serialize)]
struct Empty {}

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

    async fn send<B: Serialize + ?Sized, Q: Serialize + ?Sized>(
        &self,
        method: Method,
        path: &str,
        query: Option<&Q>,
        body: Option<&B>,
    ) -> Result<(StatusCode, bytes_body::Body), Error> {
        let mut request = self
            .inner
            .http
            .request(method, format!("{}{path}", self.inner.base));
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

    async fn call<T: DeserializeOwned, B: Serialize + ?Sized>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<T, Error> {
        let (status, body) = self.send(method, path, None::<&Empty>, body).await?;
        body.decode(status)
    }

    async fn get<T: DeserializeOwned, Q: Serialize + ?Sized>(
        &self,
        path: &str,
        query: Option<&Q>,
    ) -> Result<T, Error> {
        let (status, body) = self.send(Method::GET, path, query, None::<&Empty>).await?;
        body.decode(status)
    }

    async fn no_content<B: Serialize + ?Sized>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<(), Error> {
        self.send(method, path, None::<&Empty>, body)
            .await
            .map(|_| ())
    }

    // ---- auth ----

    /// Registers an account and keeps its token.
    pub async fn register(&self, request: &RegisterRequest) -> Result<AuthResponse, Error> {
        let auth: AuthResponse = self
            .call(Method::POST, "/api/v1/auth/register", Some(request))
            .await?;
        self.set_token(Some(auth.token.clone()));
        Ok(auth)
    }

    /// Logs in and keeps the token.
    pub async fn login(&self, username: &str, password: &str) -> Result<AuthResponse, Error> {
        let request = LoginRequest {
            username: username.to_owned(),
            password: password.to_owned(),
        };
        let auth: AuthResponse = self
            .call(Method::POST, "/api/v1/auth/login", Some(&request))
            .await?;
        self.set_token(Some(auth.token.clone()));
        Ok(auth)
    }

    /// Revokes the token on the server and forgets it.
    pub async fn logout(&self) -> Result<(), Error> {
        self.no_content(Method::POST, "/api/v1/auth/logout", Some(&Empty {}))
            .await?;
        self.set_token(None);
        Ok(())
    }

    // ---- account ----

    /// The signed-in account.
    pub async fn me(&self) -> Result<Account, Error> {
        self.get("/api/v1/users/me", None::<&Empty>).await
    }

    /// Updates the signed-in account.
    pub async fn update_me(&self, request: &UpdateAccountRequest) -> Result<Account, Error> {
        self.call(Method::PATCH, "/api/v1/users/me", Some(request))
            .await
    }

    /// Deletes the signed-in account and forgets the token.
    pub async fn delete_me(&self) -> Result<(), Error> {
        self.no_content(Method::DELETE, "/api/v1/users/me", None::<&Empty>)
            .await?;
        self.set_token(None);
        Ok(())
    }

    // ---- users ----

    /// A page of users (search with `q`).
    pub async fn users(&self, query: &ListQuery) -> Result<UserPage, Error> {
        self.get("/api/v1/users", Some(query)).await
    }

    /// One user's profile.
    pub async fn user(&self, id: UserId) -> Result<User, Error> {
        self.get(&format!("/api/v1/users/{id}"), None::<&Empty>)
            .await
    }

    // ---- lobbies ----

    /// Creates a lobby; the caller becomes its admin.
    pub async fn create_lobby(&self, request: &CreateLobbyRequest) -> Result<Lobby, Error> {
        self.call(Method::POST, "/api/v1/lobbies", Some(request))
            .await
    }

    /// The caller's lobbies.
    pub async fn my_lobbies(&self) -> Result<Vec<Lobby>, Error> {
        let list: LobbyList = self.get("/api/v1/lobbies", None::<&Empty>).await?;
        Ok(list.items)
    }

    /// A page of public lobbies the caller has not joined.
    pub async fn community_lobbies(&self, query: &ListQuery) -> Result<LobbyPage, Error> {
        self.get("/api/v1/lobbies/community", Some(query)).await
    }

    /// One lobby.
    pub async fn lobby(&self, id: LobbyId) -> Result<Lobby, Error> {
        self.get(&format!("/api/v1/lobbies/{id}"), None::<&Empty>)
            .await
    }

    /// Renames, describes or changes the visibility of a lobby (admins).
    pub async fn update_lobby(
        &self,
        id: LobbyId,
        request: &UpdateLobbyRequest,
    ) -> Result<Lobby, Error> {
        self.call(
            Method::PATCH,
            &format!("/api/v1/lobbies/{id}"),
            Some(request),
        )
        .await
    }

    /// Deletes a lobby (its admins, or a server admin moderating).
    pub async fn delete_lobby(&self, id: LobbyId) -> Result<(), Error> {
        self.no_content(
            Method::DELETE,
            &format!("/api/v1/lobbies/{id}"),
            None::<&Empty>,
        )
        .await
    }

    /// Joins a public lobby.
    pub async fn join_lobby(&self, id: LobbyId) -> Result<Lobby, Error> {
        self.call(
            Method::POST,
            &format!("/api/v1/lobbies/{id}/join"),
            Some(&Empty {}),
        )
        .await
    }

    /// Leaves a lobby.
    pub async fn leave_lobby(&self, id: LobbyId) -> Result<(), Error> {
        self.no_content(
            Method::POST,
            &format!("/api/v1/lobbies/{id}/leave"),
            Some(&Empty {}),
        )
        .await
    }

    // ---- members ----

    /// A page of a lobby's members.
    pub async fn members(&self, lobby: LobbyId, query: &PageQuery) -> Result<MemberPage, Error> {
        self.get(&format!("/api/v1/lobbies/{lobby}/members"), Some(query))
            .await
    }

    /// One member of a lobby.
    pub async fn member(&self, lobby: LobbyId, user: UserId) -> Result<Member, Error> {
        self.get(
            &format!("/api/v1/lobbies/{lobby}/members/{user}"),
            None::<&Empty>,
        )
        .await
    }

    /// Adds a user to a lobby (admins). Returns the member and whether they were added now.
    pub async fn add_member(
        &self,
        lobby: LobbyId,
        user: UserId,
        role: Role,
    ) -> Result<(Member, bool), Error> {
        let (status, body) = self
            .send(
                Method::PUT,
                &format!("/api/v1/lobbies/{lobby}/members/{user}"),
                None::<&Empty>,
                Some(&AddMemberRequest { role }),
            )
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
        self.call(
            Method::PATCH,
            &format!("/api/v1/lobbies/{lobby}/members/{user}"),
            Some(&UpdateMemberRequest { role }),
        )
        .await
    }

    /// Removes a member (admins; yourself: leaving).
    pub async fn remove_member(&self, lobby: LobbyId, user: UserId) -> Result<(), Error> {
        self.no_content(
            Method::DELETE,
            &format!("/api/v1/lobbies/{lobby}/members/{user}"),
            None::<&Empty>,
        )
        .await
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
        let path = format!("{}/messages", conversation.into().path());
        self.call(
            Method::POST,
            &path,
            Some(&SendMessageRequest { content, nonce }),
        )
        .await
    }

    /// One page of a conversation's history (see [`HistoryQuery`]); for all of it, use
    /// [`Client::history`].
    pub async fn history_page(
        &self,
        conversation: impl Into<Conversation>,
        query: &HistoryQuery,
    ) -> Result<MessagePage, Error> {
        let path = format!("{}/messages", conversation.into().path());
        self.get(&path, Some(query)).await
    }

    /// One message of a lobby.
    pub async fn lobby_message(&self, lobby: LobbyId, id: MessageId) -> Result<Message, Error> {
        self.get(
            &format!("/api/v1/lobbies/{lobby}/messages/{id}"),
            None::<&Empty>,
        )
        .await
    }

    /// Edits a message (its author).
    pub async fn edit_message(
        &self,
        id: MessageId,
        content: MessageContent,
    ) -> Result<Message, Error> {
        self.call(
            Method::PATCH,
            &format!("/api/v1/messages/{id}"),
            Some(&EditMessageRequest { content }),
        )
        .await
    }

    /// Deletes a message (its author, a lobby admin, or a server admin moderating).
    pub async fn delete_message(&self, id: MessageId) -> Result<(), Error> {
        self.no_content(
            Method::DELETE,
            &format!("/api/v1/messages/{id}"),
            None::<&Empty>,
        )
        .await
    }

    /// Moves the read cursor of a lobby or chat forward to message seq `seq`.
    pub async fn mark_read(
        &self,
        conversation: impl Into<Conversation>,
        seq: u64,
    ) -> Result<ReadCursor, Error> {
        let path = format!("{}/read", conversation.into().path());
        self.call(Method::POST, &path, Some(&MarkReadRequest { seq }))
            .await
    }

    // ---- chats ----

    /// Opens (or finds) the chat with a user. Returns the chat and whether it is new.
    pub async fn open_chat(&self, user: UserId) -> Result<(Chat, bool), Error> {
        let (status, body) = self
            .send(
                Method::POST,
                "/api/v1/chats",
                None::<&Empty>,
                Some(&OpenChatRequest { user_id: user }),
            )
            .await?;
        Ok((body.decode(status)?, status == StatusCode::CREATED))
    }

    /// The caller's chats, most recently active first.
    pub async fn chats(&self) -> Result<Vec<Chat>, Error> {
        let list: ChatList = self.get("/api/v1/chats", None::<&Empty>).await?;
        Ok(list.items)
    }

    /// One chat.
    pub async fn chat(&self, id: ChatId) -> Result<Chat, Error> {
        self.get(&format!("/api/v1/chats/{id}"), None::<&Empty>)
            .await
    }

    /// Deletes a chat for the caller only.
    pub async fn delete_chat(&self, id: ChatId) -> Result<(), Error> {
        self.no_content(
            Method::DELETE,
            &format!("/api/v1/chats/{id}"),
            None::<&Empty>,
        )
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
            Method::POST,
            &format!("/api/v1/users/{user}/messages"),
            Some(&SendMessageRequest { content, nonce }),
        )
        .await
    }
}

impl Client {
    // ---- server administration (server admins only) ----

    /// Users with their admin and disabled flags.
    pub async fn admin_users(&self, query: &ListQuery) -> Result<AdminUserPage, Error> {
        self.get("/api/v1/admin/users", Some(query)).await
    }

    /// Disables (`true`) or enables an account.
    pub async fn admin_set_disabled(
        &self,
        user: UserId,
        disabled: bool,
    ) -> Result<AdminUser, Error> {
        let action = if disabled { "disable" } else { "enable" };
        self.call(
            Method::POST,
            &format!("/api/v1/admin/users/{user}/{action}"),
            Some(&Empty {}),
        )
        .await
    }

    /// Messages of every conversation, newest first, filtered.
    pub async fn admin_messages(&self, query: &AdminMessagesQuery) -> Result<MessagePage, Error> {
        self.get("/api/v1/admin/messages", Some(query)).await
    }

    /// Server statistics.
    pub async fn admin_stats(&self) -> Result<ServerStats, Error> {
        self.get("/api/v1/admin/stats", None::<&Empty>).await
    }

    /// The audit log, newest first.
    pub async fn admin_audit(&self, query: &PageQuery) -> Result<AuditPage, Error> {
        self.get("/api/v1/admin/audit", Some(query)).await
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
        self.call(Method::POST, "/api/v1/tokens", Some(request))
            .await
    }

    /// The caller's personal API tokens, without secrets.
    pub async fn tokens(&self) -> Result<Vec<ApiToken>, Error> {
        let list: ApiTokenList = self.get("/api/v1/tokens", None::<&Empty>).await?;
        Ok(list.items)
    }

    /// Revokes a personal API token.
    pub async fn revoke_token(&self, id: TokenId) -> Result<(), Error> {
        self.no_content(
            Method::DELETE,
            &format!("/api/v1/tokens/{id}"),
            None::<&Empty>,
        )
        .await
    }

    /// Creates a client token for an app (server admins).
    pub async fn admin_create_client_token(
        &self,
        request: &CreateClientTokenRequest,
    ) -> Result<CreatedApiToken, Error> {
        self.call(Method::POST, "/api/v1/admin/client-tokens", Some(request))
            .await
    }

    /// Every client token (server admins).
    pub async fn admin_client_tokens(&self) -> Result<Vec<ApiToken>, Error> {
        let list: ApiTokenList = self
            .get("/api/v1/admin/client-tokens", None::<&Empty>)
            .await?;
        Ok(list.items)
    }

    /// Revokes a client token (server admins).
    pub async fn admin_revoke_client_token(&self, id: TokenId) -> Result<(), Error> {
        self.no_content(
            Method::DELETE,
            &format!("/api/v1/admin/client-tokens/{id}"),
            None::<&Empty>,
        )
        .await
    }

    /// Creates an account as a client app: this client's token must be a client token. The
    /// answer holds the new user's session token; this client's token is left alone.
    pub async fn provision_user(&self, request: &RegisterRequest) -> Result<AuthResponse, Error> {
        self.call(Method::POST, "/api/v1/users", Some(request))
            .await
    }
}

impl Client {
    // ---- avatars and lobby icons ----

    async fn put_image(&self, path: &str, image: Vec<u8>) -> Result<(), Error> {
        let mut request = self
            .inner
            .http
            .put(format!("{}{path}", self.inner.base))
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

    async fn get_image(&self, path: &str) -> Result<Vec<u8>, Error> {
        let (_, body) = self
            .send(Method::GET, path, None::<&Empty>, None::<&Empty>)
            .await?;
        Ok(body.0)
    }

    /// Sets the caller's avatar from PNG, JPEG, WebP or GIF bytes (at most 2 MiB); the server
    /// stores a 256×256 PNG.
    pub async fn set_avatar(&self, image: Vec<u8>) -> Result<(), Error> {
        self.put_image("/api/v1/users/me/avatar", image).await
    }

    /// Removes the caller's avatar.
    pub async fn remove_avatar(&self) -> Result<(), Error> {
        self.no_content(Method::DELETE, "/api/v1/users/me/avatar", None::<&Empty>)
            .await
    }

    /// A user's avatar, as PNG bytes: the upload, or their generated identicon.
    pub async fn avatar(&self, user: UserId) -> Result<Vec<u8>, Error> {
        self.get_image(&format!("/api/v1/users/{user}/avatar"))
            .await
    }

    /// Sets a lobby's icon (lobby admins).
    pub async fn set_lobby_icon(&self, lobby: LobbyId, image: Vec<u8>) -> Result<(), Error> {
        self.put_image(&format!("/api/v1/lobbies/{lobby}/icon"), image)
            .await
    }

    /// Removes a lobby's icon (lobby admins).
    pub async fn remove_lobby_icon(&self, lobby: LobbyId) -> Result<(), Error> {
        self.no_content(
            Method::DELETE,
            &format!("/api/v1/lobbies/{lobby}/icon"),
            None::<&Empty>,
        )
        .await
    }

    /// A lobby's icon, as PNG bytes: the upload, or the lobby's generated identicon.
    pub async fn lobby_icon(&self, lobby: LobbyId) -> Result<Vec<u8>, Error> {
        self.get_image(&format!("/api/v1/lobbies/{lobby}/icon"))
            .await
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
