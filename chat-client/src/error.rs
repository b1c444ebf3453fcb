//! The SDK's one error type.

use std::time::Duration;

use chat_core::v1::ErrorCode;

/// Anything that can go wrong talking to a chat server.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The server answered with an error.
    #[error("{status} {code}: {message}")]
    Api {
        /// The HTTP status (for WebSocket errors, the status of the code).
        status: u16,
        /// The machine-readable code.
        code: ErrorCode,
        /// The server's sentence.
        message: String,
        /// Structured details, such as the invalid field.
        details: Option<serde_json::Value>,
        /// When a retry may succeed (from `Retry-After` or `retry_after_ms`).
        retry_after: Option<Duration>,
    },
    /// The request did not get an answer: connection refused, reset, timed out, TLS failure.
    #[error("transport error: {0}")]
    Transport(#[from] reqwest::Error),
    /// The WebSocket failed.
    #[error("websocket error: {0}")]
    WebSocket(Box<tokio_tungstenite::tungstenite::Error>),
    /// The server answered something that is not what the protocol says.
    #[error("could not decode the server's answer (status {status}): {message}")]
    Decode {
        /// The HTTP status of the answer.
        status: u16,
        /// What failed.
        message: String,
    },
    /// The base URL is not usable.
    #[error("invalid URL: {0}")]
    InvalidUrl(String),
    /// A value given to the SDK breaks a protocol rule.
    #[error(transparent)]
    Invalid(#[from] chat_core::v1::ValidationError),
    /// The gateway is closed (dropped, or stopped after a fatal error).
    #[error("the gateway is closed")]
    Closed,
    /// Too many frames are waiting to be sent.
    #[error("the gateway's send queue is full")]
    QueueFull,
    /// No answer in time.
    #[error("timed out")]
    Timeout,
}

impl From<tokio_tungstenite::tungstenite::Error> for Error {
    fn from(e: tokio_tungstenite::tungstenite::Error) -> Self {
        Self::WebSocket(Box::new(e))
    }
}

impl Error {
    /// The server's error code, if the server answered.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            Self::Api { code, .. } => Some(*code),
            _ => None,
        }
    }

    /// The HTTP status, if the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Api { status, .. } | Self::Decode { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Whether the server said `not_found`.
    pub fn is_not_found(&self) -> bool {
        self.code() == Some(ErrorCode::NotFound)
    }

    /// Whether the server said `unauthorized` (no, bad or revoked token).
    pub fn is_unauthorized(&self) -> bool {
        self.code() == Some(ErrorCode::Unauthorized)
    }

    /// Whether the server said `forbidden`.
    pub fn is_forbidden(&self) -> bool {
        self.code() == Some(ErrorCode::Forbidden)
    }

    /// Whether the server said `validation_failed`.
    pub fn is_validation(&self) -> bool {
        self.code() == Some(ErrorCode::ValidationFailed)
    }

    /// Whether the server said `conflict`.
    pub fn is_conflict(&self) -> bool {
        self.code() == Some(ErrorCode::Conflict)
    }

    /// Whether the server said `rate_limited`.
    pub fn is_rate_limited(&self) -> bool {
        self.code() == Some(ErrorCode::RateLimited)
    }

    /// How long to wait before retrying, when the server said.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::Api { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// Whether the same request may succeed later: rate limits, an unavailable or failing
    /// server, and transport failures. Client mistakes (4xx) are not worth retrying.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Api { code, status, .. } => {
                matches!(code, ErrorCode::RateLimited | ErrorCode::Unavailable) || *status >= 500
            }
            Self::Transport(e) => e.is_connect() || e.is_timeout() || e.is_request(),
            Self::WebSocket(_) | Self::Timeout => true,
            Self::Decode { .. }
            | Self::InvalidUrl(_)
            | Self::Invalid(_)
            | Self::Closed
            | Self::QueueFull => false,
        }
    }

    /// An error from a WebSocket `error` frame.
    pub(crate) fn from_frame(
        code: ErrorCode,
        message: String,
        retry_after_ms: Option<u64>,
    ) -> Self {
        Self::Api {
            status: code.http_status(),
            code,
            message,
            details: None,
            retry_after: retry_after_ms.map(Duration::from_millis),
        }
    }
}
