//! Request extractors that answer failures with the API's own error body.
//!
//! salvo's stock extractors answer a bad body or parameter with their own error format; these
//! read the same inputs but fail with [`Error`], so every 4xx a client sees has the shape of
//! chat-core's `ErrorBody`. Each also registers itself in the OpenAPI document.

use std::str::FromStr;
use std::time::Duration;

use chat_core::v1::{PageLimit, UserId, ValidationError};
use salvo::extract::{Extractible, Metadata};
use salvo::http::Method;
use salvo::http::ParseError;
use salvo::http::header::{AUTHORIZATION, CONTENT_LENGTH};
use salvo::oapi::extract::JsonBody;
use salvo::oapi::{
    Components, EndpointArgRegister, Operation, Parameter, ParameterIn, SecurityRequirement,
    ToSchema,
};
use salvo::prelude::*;
use serde::de::DeserializeOwned;

use crate::auth::caller::{CLIENT_TOKEN_PREFIX, Caller, ClientApp};
use crate::config::HttpConfig;
use crate::error::Error;
use crate::service::sessions;
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

/// The shared state from the depot (put there by [`InjectState`]).
pub fn state_from(depot: &Depot) -> Result<SharedState, Error> {
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

/// The token of an `Authorization: Bearer` header.
pub fn bearer_token(req: &Request) -> Option<&str> {
    let value = req.headers().get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
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
        let caller = sessions::authenticate(&state, token).await?;
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

/// The caller when the request carries a token, for routes that also answer anonymous
/// callers (a lobby's icon: anyone's for a public lobby, members' for a private one). A token
/// that is sent must be valid.
pub struct MaybeCaller(pub Option<Caller>);

impl<'ex> Extractible<'ex> for MaybeCaller {
    fn metadata() -> &'static Metadata {
        static METADATA: Metadata = Metadata::new("");
        &METADATA
    }

    #[allow(refining_impl_trait)]
    async fn extract(req: &'ex mut Request, depot: &'ex mut Depot) -> Result<Self, Error> {
        let state = state_from(depot)?;
        match bearer_token(req) {
            Some(token) => Ok(Self(Some(sessions::authenticate(&state, token).await?))),
            None => Ok(Self(None)),
        }
    }
}

impl EndpointArgRegister for MaybeCaller {
    /// Optional authentication in OpenAPI's terms: no requirement, or a bearer token.
    fn register(_: &mut Components, operation: &mut Operation, _: &str) {
        let securities = operation.securities.get_or_insert_with(Vec::new);
        securities.push(SecurityRequirement::default());
        securities.push(SecurityRequirement::new("bearer", Vec::<String>::new()));
    }
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
        sessions::client_app(&state, token).await
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

/// Reads a whole request body of at most `limit` bytes.
///
/// A declared `Content-Length` over the limit is refused before anything is read, and the
/// body must arrive within the body timeout plus its size at the minimum rate: a client
/// that declares a body and never sends it gets `408`, and its connection is closed, instead
/// of holding it forever.
pub async fn read_body<'r>(
    req: &'r mut Request,
    limit: usize,
    limits: &HttpConfig,
) -> Result<&'r [u8], Error> {
    let declared = req
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    let limit_bytes = u64::try_from(limit).unwrap_or(u64::MAX);
    if declared.is_some_and(|n| n > limit_bytes) {
        return Err(Error::PayloadTooLarge);
    }
    let expected = declared.unwrap_or(limit_bytes);
    // Precision loss is irrelevant at the scale of a time limit.
    #[allow(clippy::cast_precision_loss)]
    let transfer = Duration::from_secs_f64(expected as f64 / limits.body_min_rate.max(1) as f64);
    match tokio::time::timeout(
        limits.body_timeout + transfer,
        req.payload_with_max_size(limit),
    )
    .await
    {
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(e)) if stalled(&e) => Err(Error::RequestTimeout),
        Ok(Err(e)) => Err(e.into()),
        Err(_) => Err(Error::RequestTimeout),
    }
}

/// Whether reading failed because the body stalled past the connection's fuse (salvo's
/// per-frame body timeout, set to the same body timeout).
fn stalled(error: &ParseError) -> bool {
    let ParseError::Other(inner) = error else {
        return false;
    };
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(inner.as_ref());
    while let Some(e) = cause {
        if e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::TimedOut)
        {
            return true;
        }
        cause = e.source();
    }
    false
}

async fn read_json<T: DeserializeOwned>(
    req: &mut Request,
    depot: &Depot,
    optional: bool,
) -> Result<Option<T>, Error> {
    let declared_json = req
        .content_type()
        .is_some_and(|m| m.subtype() == "json" || m.suffix().is_some_and(|s| s == "json"));
    let limits = state_from(depot)?;
    let bytes = read_body(req, MAX_BODY_BYTES, &limits.http).await?;
    if bytes.is_empty() && optional {
        return Ok(None);
    }
    if !declared_json {
        return Err(Error::UnsupportedMediaType(crate::error::NOT_JSON));
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
            let message = without_position(&inner);
            Error::InvalidBody {
                path: field_of(&path, &message),
                message,
            }
        } else {
            Error::BadRequest(format!("malformed JSON: {}", without_position(&inner)))
        }
    })?;
    deserializer
        .end()
        .map_err(|e| Error::BadRequest(format!("malformed JSON: {}", without_position(&e))))?;
    Ok(Some(value))
}

/// serde_json's message without its " at line L column C" (a body is one line for most
/// clients; the position helps nobody and reads like an internal error).
fn without_position(error: &serde_json::Error) -> String {
    let message = error.to_string();
    let position = format!(" at line {} column {}", error.line(), error.column());
    message
        .strip_suffix(&position)
        .map_or(message.clone(), str::to_owned)
}

/// The field a body error is about: serde's path, or for a missing field (which serde
/// reports at the enclosing object) that field under the path.
fn field_of(path: &str, message: &str) -> String {
    let named = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next());
    match named {
        Some(name) if path.is_empty() || path == "." => name.to_owned(),
        Some(name) => format!("{path}.{name}"),
        None => path.to_owned(),
    }
}

impl<'ex, T: DeserializeOwned + Send> Extractible<'ex> for ApiJson<T> {
    fn metadata() -> &'static Metadata {
        static METADATA: Metadata = Metadata::new("");
        &METADATA
    }

    #[allow(refining_impl_trait)]
    async fn extract(req: &'ex mut Request, depot: &'ex mut Depot) -> Result<Self, Error> {
        match read_json(req, depot, false).await? {
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
    async fn extract(req: &'ex mut Request, depot: &'ex mut Depot) -> Result<Self, Error> {
        Ok(Self(read_json(req, depot, true).await?.unwrap_or_default()))
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

impl QueryParams for chat_core::v1::MentionQuery {
    fn register(c: &mut Components, op: &mut Operation) {
        query_param::<chat_core::v1::MessageId>(
            c,
            op,
            "before",
            "The `next_cursor` of the previous page.",
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

/// A value other than an id from the path segment named like the handler argument (an
/// emoji, say), parsed by its chat-core type: a malformed one is `422`, naming the segment.
pub struct PathValue<T>(pub T);

impl<'ex, T: FromStr<Err = ValidationError> + Send> Extractible<'ex> for PathValue<T> {
    fn metadata() -> &'static Metadata {
        static METADATA: Metadata = Metadata::new("");
        &METADATA
    }

    #[allow(refining_impl_trait)]
    async fn extract(_req: &'ex mut Request, _depot: &'ex mut Depot) -> Result<Self, Error> {
        Err(Error::Internal(
            "path values need their argument name".into(),
        ))
    }

    #[allow(refining_impl_trait)]
    async fn extract_with_arg(
        req: &'ex mut Request,
        _depot: &'ex mut Depot,
        arg: &str,
    ) -> Result<Self, Error> {
        let text: String = req.param(arg).unwrap_or_default();
        text.parse::<T>().map(Self).map_err(Error::Validation)
    }
}

impl<T: ToSchema> EndpointArgRegister for PathValue<T> {
    fn register(components: &mut Components, operation: &mut Operation, arg: &str) {
        operation.parameters.insert(
            Parameter::new(arg)
                .location(ParameterIn::Path)
                .schema(T::to_schema(components))
                .required(true),
        );
    }
}

/// The client's address as throttles and limits count it (logins, registrations): IPv4 as
/// is, IPv6 by its /64 (see [`crate::connections::address_key`]).
pub fn client_ip(req: &Request) -> String {
    req.remote_addr()
        .clone()
        .into_std()
        .map(|a| crate::connections::address_key(a.ip()).to_string())
        .unwrap_or_else(|| "unknown".into())
}
