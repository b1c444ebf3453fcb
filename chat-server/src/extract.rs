//! Request extractors that answer failures with the API's own error body.
//!
//! salvo's stock extractors answer a bad body or parameter with their own error format; these
//! read the same inputs but fail with [`Error`], so every 4xx a client sees has the shape of
//! chat-core's `ErrorBody`. Each also registers itself in the OpenAPI document.

use std::str::FromStr;

use chat_core::v1::{PageLimit, SessionId, UserId};
use salvo::extract::{Extractible, Metadata};
use salvo::http::Method;
use salvo::http::header::AUTHORIZATION;
use salvo::oapi::extract::JsonBody;
use salvo::oapi::{
    Components, EndpointArgRegister, Operation, Parameter, ParameterIn, SecurityRequirement,
    ToSchema,
};
use salvo::prelude::*;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::error::Error;
use crate::state::SharedState;

/// The largest request body accepted.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Puts the shared state into every request's depot.
pub struct InjectState(pub SharedState);

#[async_trait]
impl Handler for InjectState {
    async fn handle(
        &self,
        _req: &mut Request,
        depot: &mut Depot,
        _res: &mut Response,
        _ctrl: &mut FlowCtrl,
    ) {
        depot.insert_typed(self.0.clone());
    }
}

/// The shared state, as a handler argument.
pub struct State(pub SharedState);

impl std::ops::Deref for State {
    type Target = crate::state::AppState;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

fn state_from(depot: &Depot) -> Result<SharedState, Error> {
    depot
        .get_typed::<SharedState>()
        .cloned()
        .map_err(|_| Error::Internal("state missing from depot".into()))
}

impl<'ex> Extractible<'ex> for State {
    fn metadata() -> &'static Metadata {
        static METADATA: Metadata = Metadata::new("");
        &METADATA
    }

    #[allow(refining_impl_trait)]
    async fn extract(_req: &'ex mut Request, depot: &'ex mut Depot) -> Result<Self, Error> {
        state_from(depot).map(State)
    }
}

impl EndpointArgRegister for State {
    fn register(_: &mut Components, _: &mut Operation, _: &str) {}
}

/// How a caller authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// A session token (JWT) from login or registration.
    Session,
    /// A personal API token.
    ApiToken,
}

/// The prefix of personal API token secrets.
pub const PERSONAL_TOKEN_PREFIX: &str = "chat_pat_";
/// The prefix of client token secrets.
pub const CLIENT_TOKEN_PREFIX: &str = "chat_ct_";

/// The stored form of a token secret.
pub fn hash_secret(secret: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The authenticated user making the request, from `Authorization: Bearer <token>`.
#[derive(Debug, Clone, Copy)]
pub struct Caller {
    /// Who is calling.
    pub user_id: UserId,
    /// The session id (a JWT's `jti`) or the API token's id: what revocation closes.
    pub session: Uuid,
    /// When the token expires, in seconds since the epoch (`u64::MAX`: never).
    pub expires_at: u64,
    /// Whether the token may change state (a read-only API token may not).
    pub can_write: bool,
    /// Session or API token.
    pub via: Via,
}

impl Caller {
    /// Refuses API tokens where only a signed-in person may act (tokens, password, account).
    pub fn require_session(&self) -> Result<(), Error> {
        match self.via {
            Via::Session => Ok(()),
            Via::ApiToken => Err(Error::Forbidden("API tokens cannot do this; sign in")),
        }
    }

    /// Refuses read-only API tokens.
    pub fn require_write(&self) -> Result<(), Error> {
        if self.can_write {
            Ok(())
        } else {
            Err(Error::Forbidden("this token has only the read scope"))
        }
    }
}

impl Caller {
    /// The session id in its wire form.
    pub fn session_id(&self) -> SessionId {
        SessionId::from_uuid(self.session)
    }
}

/// The token of an `Authorization: Bearer` header.
pub fn bearer_token(req: &Request) -> Option<&str> {
    let value = req.headers().get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// Checks a bearer token: a personal API token by its hash, or a JWT by signature, expiry
/// and an active session. Client tokens are refused here: they only create users.
pub async fn authenticate(state: &crate::state::AppState, token: &str) -> Result<Caller, Error> {
    if token.starts_with(CLIENT_TOKEN_PREFIX) {
        return Err(Error::Unauthorized("client tokens can only create users"));
    }
    if token.starts_with(PERSONAL_TOKEN_PREFIX) {
        let grant = state
            .store
            .token_by_hash(&hash_secret(token))
            .await?
            .filter(|g| g.kind == chat_core::v1::TokenKind::Personal)
            .ok_or(Error::Unauthorized(
                "the token is invalid, expired or revoked",
            ))?;
        let user_id = grant
            .owner
            .ok_or(Error::Unauthorized("the token has no owner"))?;
        return Ok(Caller {
            user_id,
            session: grant.id.as_uuid(),
            expires_at: grant
                .expires_at
                .map_or(u64::MAX, |ms| u64::try_from(ms / 1000).unwrap_or(0)),
            can_write: grant.can_write,
            via: Via::ApiToken,
        });
    }
    let claims = state
        .tokens
        .verify(token)
        .map_err(|_| Error::Unauthorized("the token is invalid or expired"))?;
    if !state
        .store
        .session_is_active(claims.jti, claims.sub)
        .await?
    {
        return Err(Error::Unauthorized("the token was revoked"));
    }
    Ok(Caller {
        user_id: claims.sub,
        session: claims.jti,
        expires_at: claims.exp,
        can_write: true,
        via: Via::Session,
    })
}

impl<'ex> Extractible<'ex> for Caller {
    fn metadata() -> &'static Metadata {
        static METADATA: Metadata = Metadata::new("");
        &METADATA
    }

    #[allow(refining_impl_trait)]
    async fn extract(req: &'ex mut Request, depot: &'ex mut Depot) -> Result<Self, Error> {
        let state = state_from(depot)?;
        let token = bearer_token(req).ok_or(Error::Unauthorized(
            "send a token as `Authorization: Bearer <token>`",
        ))?;
        let caller = authenticate(&state, token).await?;
        let reads = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
        if !reads {
            caller.require_write()?;
        }
        Ok(caller)
    }
}

impl EndpointArgRegister for Caller {
    fn register(_: &mut Components, operation: &mut Operation, _: &str) {
        operation
            .securities
            .get_or_insert_with(Vec::new)
            .push(SecurityRequirement::new("bearer", Vec::<String>::new()));
    }
}

/// An app authenticated by a client token: it may create users, nothing else.
#[derive(Debug, Clone, Copy)]
pub struct ClientApp {
    /// The client token.
    pub token: chat_core::v1::TokenId,
}

impl<'ex> Extractible<'ex> for ClientApp {
    fn metadata() -> &'static Metadata {
        static METADATA: Metadata = Metadata::new("");
        &METADATA
    }

    #[allow(refining_impl_trait)]
    async fn extract(req: &'ex mut Request, depot: &'ex mut Depot) -> Result<Self, Error> {
        let state = state_from(depot)?;
        let token = bearer_token(req)
            .filter(|t| t.starts_with(CLIENT_TOKEN_PREFIX))
            .ok_or(Error::Unauthorized(
                "send a client token as `Authorization: Bearer chat_ct_…`",
            ))?;
        let grant = state
            .store
            .token_by_hash(&hash_secret(token))
            .await?
            .filter(|g| g.kind == chat_core::v1::TokenKind::Client)
            .ok_or(Error::Unauthorized(
                "the client token is invalid, expired or revoked",
            ))?;
        Ok(Self { token: grant.id })
    }
}

impl EndpointArgRegister for ClientApp {
    fn register(_: &mut Components, operation: &mut Operation, _: &str) {
        operation
            .securities
            .get_or_insert_with(Vec::new)
            .push(SecurityRequirement::new(
                "client_token",
                Vec::<String>::new(),
            ));
    }
}

/// Reads a JSON body (at most [`MAX_BODY_BYTES`]) into `T`.
///
/// Malformed JSON is `400 bad_request`; JSON of the wrong shape or with a value that breaks
/// a rule is `422 validation_failed` naming the field; a body that is not JSON is `415`.
pub struct ApiJson<T>(pub T);

async fn read_json<T: DeserializeOwned>(
    req: &mut Request,
    optional: bool,
) -> Result<Option<T>, Error> {
    let declared_json = req
        .content_type()
        .is_some_and(|m| m.subtype() == "json" || m.suffix().is_some_and(|s| s == "json"));
    let bytes = req.payload_with_max_size(MAX_BODY_BYTES).await?;
    if bytes.is_empty() && optional {
        return Ok(None);
    }
    if !declared_json {
        return Err(Error::UnsupportedMediaType);
    }
    // Every body is a JSON object. serde would also fill a struct from an array of its field
    // values (`[null, null]`), a second spelling no client should rely on.
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
        return Err(Error::InvalidBody {
            path: String::new(),
            message: "the body must be a JSON object".into(),
        });
    }
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if inner.is_data() {
            Error::InvalidBody {
                path,
                message: inner.to_string(),
            }
        } else {
            Error::BadRequest(format!("malformed JSON: {inner}"))
        }
    })?;
    deserializer
        .end()
        .map_err(|e| Error::BadRequest(format!("malformed JSON: {e}")))?;
    Ok(Some(value))
}

impl<'ex, T: DeserializeOwned + Send> Extractible<'ex> for ApiJson<T> {
    fn metadata() -> &'static Metadata {
        static METADATA: Metadata = Metadata::new("");
        &METADATA
    }

    #[allow(refining_impl_trait)]
    async fn extract(req: &'ex mut Request, _depot: &'ex mut Depot) -> Result<Self, Error> {
        match read_json(req, false).await? {
            Some(value) => Ok(Self(value)),
            None => Err(Error::BadRequest("a JSON body is required".into())),
        }
    }
}

impl<T: DeserializeOwned + ToSchema> EndpointArgRegister for ApiJson<T> {
    fn register(components: &mut Components, operation: &mut Operation, arg: &str) {
        <JsonBody<T> as EndpointArgRegister>::register(components, operation, arg);
        if let Some(body) = operation.request_body.as_mut() {
            body.required = Some(salvo::oapi::Required::True);
        }
    }
}

/// Like [`ApiJson`], but an empty body means `T::default()`.
pub struct OptionalJson<T>(pub T);

impl<'ex, T: DeserializeOwned + Default + Send> Extractible<'ex> for OptionalJson<T> {
    fn metadata() -> &'static Metadata {
        static METADATA: Metadata = Metadata::new("");
        &METADATA
    }

    #[allow(refining_impl_trait)]
    async fn extract(req: &'ex mut Request, _depot: &'ex mut Depot) -> Result<Self, Error> {
        Ok(Self(read_json(req, true).await?.unwrap_or_default()))
    }
}

impl<T: DeserializeOwned + ToSchema> EndpointArgRegister for OptionalJson<T> {
    fn register(components: &mut Components, operation: &mut Operation, arg: &str) {
        <JsonBody<T> as EndpointArgRegister>::register(components, operation, arg);
        if let Some(body) = operation.request_body.as_mut() {
            body.required = Some(salvo::oapi::Required::False);
        }
    }
}

/// Describes the query parameters of a chat-core query type for the OpenAPI document.
pub trait QueryParams {
    /// Adds the parameters to `operation`.
    fn register(components: &mut Components, operation: &mut Operation);
}

fn query_param<T: ToSchema>(
    components: &mut Components,
    operation: &mut Operation,
    name: &str,
    description: &str,
) {
    operation.parameters.insert(
        Parameter::new(name)
            .location(ParameterIn::Query)
            .description(description)
            .schema(T::to_schema(components))
            .required(false),
    );
}

impl QueryParams for chat_core::v1::ListQuery {
    fn register(c: &mut Components, op: &mut Operation) {
        query_param::<chat_core::v1::SearchQuery>(
            c,
            op,
            "q",
            "Only names starting with this text (case-insensitive).",
        );
        query_param::<PageLimit>(c, op, "limit", "Page size, 1–100 (default 50).");
        query_param::<chat_core::v1::Cursor>(
            c,
            op,
            "after",
            "The `next_cursor` of the previous page.",
        );
    }
}

impl QueryParams for chat_core::v1::PageQuery {
    fn register(c: &mut Components, op: &mut Operation) {
        query_param::<PageLimit>(c, op, "limit", "Page size, 1–100 (default 50).");
        query_param::<chat_core::v1::Cursor>(
            c,
            op,
            "after",
            "The `next_cursor` of the previous page.",
        );
    }
}

impl QueryParams for chat_core::v1::HistoryQuery {
    fn register(c: &mut Components, op: &mut Operation) {
        query_param::<chat_core::v1::MessageId>(
            c,
            op,
            "before",
            "Only messages older than this one (newest first).",
        );
        query_param::<chat_core::v1::MessageId>(
            c,
            op,
            "after",
            "Only messages newer than this one (oldest first).",
        );
        query_param::<PageLimit>(c, op, "limit", "Page size, 1–100 (default 50).");
    }
}

impl QueryParams for chat_core::v1::AdminMessagesQuery {
    fn register(c: &mut Components, op: &mut Operation) {
        query_param::<chat_core::v1::LobbyId>(c, op, "lobby_id", "Only this lobby.");
        query_param::<UserId>(c, op, "user_id", "Only this author.");
        query_param::<chat_core::v1::Timestamp>(
            c,
            op,
            "since",
            "Only messages sent at or after this time.",
        );
        query_param::<chat_core::v1::Timestamp>(
            c,
            op,
            "until",
            "Only messages sent before this time.",
        );
        query_param::<chat_core::v1::MessageId>(
            c,
            op,
            "before",
            "The `next_cursor` of the previous page.",
        );
        query_param::<PageLimit>(c, op, "limit", "Page size, 1–100 (default 50).");
    }
}

/// The query string parsed into `T`; a bad value is `422 validation_failed`, a query that is
/// not UTF-8 `400 bad_request`.
pub struct ApiQuery<T>(pub T);

impl<'ex, T: DeserializeOwned + Send> Extractible<'ex> for ApiQuery<T> {
    fn metadata() -> &'static Metadata {
        static METADATA: Metadata = Metadata::new("");
        &METADATA
    }

    #[allow(refining_impl_trait)]
    async fn extract(req: &'ex mut Request, _depot: &'ex mut Depot) -> Result<Self, Error> {
        let query = req.uri().query().unwrap_or("");
        // The URL decoder replaces invalid UTF-8 with U+FFFD; refuse it instead, so that a
        // value is what the client sent or nothing.
        if std::str::from_utf8(&percent_decode(query)).is_err() {
            return Err(Error::BadRequest(
                "the query string is not UTF-8 once percent-decoded".into(),
            ));
        }
        // Through serde_path_to_error, so that the error names the parameter.
        let deserializer =
            serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(deserializer)
            .map(Self)
            .map_err(|e| Error::InvalidBody {
                path: e.path().to_string(),
                message: format!("invalid query string: {}", e.inner()),
            })
    }
}

impl<T: QueryParams> EndpointArgRegister for ApiQuery<T> {
    fn register(components: &mut Components, operation: &mut Operation, _: &str) {
        T::register(components, operation);
    }
}

/// The bytes of a percent-encoded text (`%` not followed by two hex digits stays as it is).
fn percent_decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(hi), Some(lo)) => {
                // Two hex digits: at most 0xff.
                out.push(u8::try_from(hi * 16 + lo).unwrap_or(u8::MAX));
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

/// An id from the path segment named like the handler argument; a malformed one is `400`.
pub struct PathId<T>(pub T);

impl<T: Copy> PathId<T> {
    /// The id.
    pub fn get(&self) -> T {
        self.0
    }
}

impl<'ex, T: FromStr + Send> Extractible<'ex> for PathId<T> {
    fn metadata() -> &'static Metadata {
        static METADATA: Metadata = Metadata::new("");
        &METADATA
    }

    #[allow(refining_impl_trait)]
    async fn extract(_req: &'ex mut Request, _depot: &'ex mut Depot) -> Result<Self, Error> {
        Err(Error::Internal("path ids need their argument name".into()))
    }

    #[allow(refining_impl_trait)]
    async fn extract_with_arg(
        req: &'ex mut Request,
        _depot: &'ex mut Depot,
        arg: &str,
    ) -> Result<Self, Error> {
        let text: String = req.param(arg).unwrap_or_default();
        text.parse::<T>()
            .map(Self)
            .map_err(|_| Error::BadRequest(format!("`{arg}` is not a valid id")))
    }
}

impl<T: ToSchema> EndpointArgRegister for PathId<T> {
    fn register(components: &mut Components, operation: &mut Operation, arg: &str) {
        operation.parameters.insert(
            Parameter::new(arg)
                .location(ParameterIn::Path)
                .description("An id.")
                .schema(T::to_schema(components))
                .required(true),
        );
    }
}

/// The client's address, for login throttling.
pub fn client_ip(req: &Request) -> String {
    req.remote_addr()
        .as_ipv4()
        .map(|a| a.ip().to_string())
        .or_else(|| req.remote_addr().as_ipv6().map(|a| a.ip().to_string()))
        .unwrap_or_else(|| "unknown".into())
}
