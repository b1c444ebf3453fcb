//! The error of the API layer, shared by REST routes and (later) the WebSocket gateway.
//!
//! Every failure a client can see is an [`Error`]; [`Error::to_body`] turns it into chat-core's
//! wire [`ErrorBody`] in one exhaustive match, and the HTTP status comes from the code
//! ([`ErrorCode::http_status`]). Internal failures are logged here and reach the client only
//! as a bare `internal` code: no SQL, no file names.

use std::time::Duration;

use chat_core::v1::{ErrorBody, ErrorCode, ValidationError};
use salvo::http::header::{HeaderValue, RETRY_AFTER};
use salvo::http::{ParseError, StatusCode};
use salvo::oapi::{Components, EndpointOutRegister, Operation, ToSchema};
use salvo::prelude::*;

use crate::store::{Outage, StoreError};

/// The message of a `415` for a body that should have been JSON.
pub const NOT_JSON: &str = "the body must be JSON, sent with Content-Type: application/json";

/// A request that cannot be answered with success.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The request could not be read.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// A value in the request breaks a rule.
    #[error(transparent)]
    Validation(#[from] ValidationError),
    /// A JSON body of the right syntax but the wrong shape (type, missing or unknown field).
    #[error("invalid body: {message}")]
    InvalidBody {
        /// Where in the body, as a path like `items[2].name` (empty for the root).
        path: String,
        /// What serde said.
        message: String,
    },
    /// No valid credentials.
    #[error("unauthorized: {0}")]
    Unauthorized(&'static str),
    /// Not allowed.
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    /// No such object, or one the caller may not know about.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// Clashes with the current state.
    #[error("conflict: {0}")]
    Conflict(&'static str),
    /// The body is too large.
    #[error("payload too large")]
    PayloadTooLarge,
    /// The body did not arrive in time.
    #[error("request body timeout")]
    RequestTimeout,
    /// The body is not of a type the route takes: JSON for most, an image for uploads. The
    /// message says which.
    #[error("unsupported media type: {0}")]
    UnsupportedMediaType(&'static str),
    /// Too many requests.
    #[error("rate limited")]
    RateLimited {
        /// When a retry may succeed.
        retry_after: Duration,
    },
    /// The server failed.
    #[error("internal error: {0}")]
    Internal(String),
    /// The database failed; the cause stays attached, so logs show its whole chain.
    #[error("the store failed")]
    Store(StoreError),
    /// The server cannot serve the request now (its database is down, its disk is full); the
    /// same request may succeed later.
    #[error("unavailable: {outage:?}: {cause}")]
    Unavailable {
        /// What is down.
        outage: Outage,
        /// The failure, for the log.
        cause: String,
    },
}

impl From<StoreError> for Error {
    fn from(error: StoreError) -> Self {
        match error.outage() {
            Some(outage) => Self::Unavailable {
                outage,
                cause: chain(&error),
            },
            None => Self::Store(error),
        }
    }
}

/// An error and every cause in its source chain ("a: b: c"); a cause whose message its
/// wrapper already printed is not repeated.
fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = String::new();
    let mut cause = Some(error);
    while let Some(e) = cause {
        let message = e.to_string();
        if !text.ends_with(&message) {
            if !text.is_empty() {
                text.push_str(": ");
            }
            text.push_str(&message);
        }
        cause = e.source();
    }
    text
}

/// How long a client should wait before retrying during an outage: a database restart or a
/// failover takes seconds; freeing disk space takes a person.
fn outage_retry_after(outage: Outage) -> Duration {
    match outage {
        Outage::Unreachable => Duration::from_secs(2),
        Outage::StorageFull => Duration::from_secs(30),
    }
}

impl Error {
    /// What an internal failure was, with every cause in its source chain ("a: b: c"), for
    /// the log; `None` for errors that are the client's.
    pub fn internal_cause(&self) -> Option<String> {
        match self {
            Self::Internal(cause) => Some(cause.clone()),
            Self::Store(e) => Some(chain(e)),
            _ => None,
        }
    }

    /// Logs what the operator must know of this error: failures of the server at `error`, an
    /// outage at `warn` (it is the environment's, and each request meeting it says so).
    pub fn log(&self, context: &'static str) {
        if let Some(cause) = self.internal_cause() {
            tracing::error!(%cause, "{context} failed");
        } else if let Self::Unavailable { cause, .. } = self {
            tracing::warn!(%cause, "{context} failed: unavailable");
        }
    }

    /// When a retry may succeed, for errors that say so.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::RateLimited { retry_after } => Some(*retry_after),
            Self::Unavailable { outage, .. } => Some(outage_retry_after(*outage)),
            _ => None,
        }
    }
}

impl From<tokio::task::JoinError> for Error {
    fn from(e: tokio::task::JoinError) -> Self {
        Self::Internal(format!("blocking task failed: {e}"))
    }
}

impl From<ParseError> for Error {
    fn from(e: ParseError) -> Self {
        match e {
            ParseError::PayloadTooLarge => Self::PayloadTooLarge,
            ParseError::InvalidContentType => Self::UnsupportedMediaType(NOT_JSON),
            other => Self::BadRequest(other.to_string()),
        }
    }
}

impl Error {
    /// The wire body of this error.
    pub fn to_body(&self) -> ErrorBody {
        match self {
            Self::BadRequest(message) => ErrorBody::new(ErrorCode::BadRequest, message.clone()),
            Self::Validation(e) => ErrorBody::new(ErrorCode::ValidationFailed, e.to_string())
                .with_details(serde_json::json!({ "field": e.field })),
            Self::InvalidBody { path, message } => {
                let body = ErrorBody::new(ErrorCode::ValidationFailed, message.clone());
                if path.is_empty() || path == "." {
                    body
                } else {
                    body.with_details(serde_json::json!({ "field": path }))
                }
            }
            Self::Unauthorized(message) => ErrorBody::new(ErrorCode::Unauthorized, *message),
            Self::Forbidden(message) => ErrorBody::new(ErrorCode::Forbidden, *message),
            Self::NotFound(what) => {
                ErrorBody::new(ErrorCode::NotFound, format!("{what} not found"))
            }
            Self::Conflict(message) => ErrorBody::new(ErrorCode::Conflict, *message),
            Self::PayloadTooLarge => ErrorBody::new(
                ErrorCode::PayloadTooLarge,
                "the body is larger than the server accepts",
            ),
            Self::RequestTimeout => ErrorBody::new(
                ErrorCode::RequestTimeout,
                "the request body did not arrive in time",
            ),
            Self::UnsupportedMediaType(message) => {
                ErrorBody::new(ErrorCode::UnsupportedMediaType, *message)
            }
            Self::RateLimited { retry_after } => {
                ErrorBody::new(ErrorCode::RateLimited, "too many requests; try again later")
                    .with_details(serde_json::json!({ "retry_after_ms": millis(*retry_after) }))
            }
            Self::Unavailable { outage, .. } => {
                let message = match outage {
                    Outage::Unreachable => "the server's database is unavailable; try again later",
                    Outage::StorageFull => "the server's storage is full; try again later",
                };
                ErrorBody::new(ErrorCode::Unavailable, message).with_details(serde_json::json!({
                    "retry_after_ms": millis(outage_retry_after(*outage))
                }))
            }
            Self::Internal(_) | Self::Store(_) => {
                ErrorBody::new(ErrorCode::Internal, "the server failed")
            }
        }
    }
}

impl Error {
    /// The WebSocket `error` frame of this error, echoing the failed frame's nonce.
    pub fn to_frame(&self, nonce: Option<chat_core::v1::Nonce>) -> chat_core::v1::ServerFrame {
        self.log("frame");
        let body = self.to_body();
        let retry_after_ms = self.retry_after().map(|after| millis(after).max(1));
        chat_core::v1::ServerFrame::Error {
            code: body.error.code,
            message: body.error.message,
            nonce,
            retry_after_ms,
        }
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// Writes `body` as the response, with the status of its code.
pub fn render_error(res: &mut Response, body: &ErrorBody) {
    let status = StatusCode::from_u16(body.error.code.http_status())
        .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    res.status_code(status);
    res.render(Json(body));
}

#[async_trait]
impl Writer for Error {
    async fn write(self, _req: &mut Request, _depot: &mut Depot, res: &mut Response) {
        self.log("request");
        if let Some(retry_after) = self.retry_after() {
            // Whole seconds, rounded up, so a client waiting that long is never early.
            let secs = retry_after.as_secs() + u64::from(retry_after.subsec_nanos() > 0);
            res.headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from(secs.max(1)));
        }
        render_error(res, &self.to_body());
    }
}

impl EndpointOutRegister for Error {
    fn register(components: &mut Components, operation: &mut Operation) {
        let schema = ErrorBody::to_schema(components);
        for (status, description) in [
            ("400", "The request could not be read (`bad_request`)."),
            (
                "401",
                "Missing, invalid, expired or revoked token (`unauthorized`).",
            ),
            ("403", "Not allowed (`forbidden`)."),
            (
                "404",
                "No such object, or one the caller may not see (`not_found`).",
            ),
            (
                "408",
                "The body stalled or came too slowly (`request_timeout`).",
            ),
            ("409", "Clashes with the current state (`conflict`)."),
            ("413", "The body is over 64 KiB (`payload_too_large`)."),
            (
                "415",
                "The body is not of the type the route takes: JSON, or an image for uploads \
                 (`unsupported_media_type`).",
            ),
            ("422", "A value breaks a rule (`validation_failed`)."),
            (
                "429",
                "Too many requests (`rate_limited`); see `Retry-After`.",
            ),
            ("500", "The server failed (`internal`)."),
            (
                "503",
                "The database is unavailable or the disk full (`unavailable`); see `Retry-After`.",
            ),
        ] {
            operation.responses.insert(
                status,
                salvo::oapi::Response::new(description)
                    .add_content("application/json", schema.clone()),
            );
        }
    }
}
