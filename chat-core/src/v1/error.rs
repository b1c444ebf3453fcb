//! The wire error: one body shape and one code enum for REST and WebSocket alike.
//!
//! ```json
//! {"error": {"code": "not_found", "message": "lobby not found"}}
//! ```
//!
//! The HTTP status of every code is defined here, in [`ErrorCode::http_status`], and nowhere
//! else.

use serde::{Deserialize, Serialize};

/// What went wrong, as a stable machine-readable code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(salvo_oapi::ToSchema))]
#[non_exhaustive]
pub enum ErrorCode {
    /// The request could not be read: malformed JSON, a bad query string or a bad id.
    #[serde(rename = "bad_request")]
    BadRequest,
    /// No valid credentials: missing, malformed, expired or revoked token, or a failed login.
    #[serde(rename = "unauthorized")]
    Unauthorized,
    /// Authenticated, but not allowed to do this.
    #[serde(rename = "forbidden")]
    Forbidden,
    /// No such object, or one the caller may not know about.
    #[serde(rename = "not_found")]
    NotFound,
    /// The path exists, but not with this method.
    #[serde(rename = "method_not_allowed")]
    MethodNotAllowed,
    /// The request clashes with the current state (a taken username, the last admin leaving).
    #[serde(rename = "conflict")]
    Conflict,
    /// The body is larger than the server accepts.
    #[serde(rename = "payload_too_large")]
    PayloadTooLarge,
    /// The request body did not arrive in time (it stalled, or came too slowly).
    #[serde(rename = "request_timeout")]
    RequestTimeout,
    /// The body is not JSON.
    #[serde(rename = "unsupported_media_type")]
    UnsupportedMediaType,
    /// The request was read but a value breaks a rule; `details` names the field.
    #[serde(rename = "validation_failed")]
    ValidationFailed,
    /// Too many requests; retry after the time given in `Retry-After` or `details`.
    #[serde(rename = "rate_limited")]
    RateLimited,
    /// The server failed. Nothing about the cause is sent to the client.
    #[serde(rename = "internal")]
    Internal,
    /// The server is starting, stopping or overloaded.
    #[serde(rename = "unavailable")]
    Unavailable,
    /// A code this version of the protocol does not know (sent by a newer server).
    #[serde(other, rename = "unknown")]
    Unknown,
}

impl ErrorCode {
    /// The HTTP status answered with this code.
    pub const fn http_status(self) -> u16 {
        match self {
            Self::BadRequest => 400,
            Self::Unauthorized => 401,
            Self::Forbidden => 403,
            Self::NotFound => 404,
            Self::MethodNotAllowed => 405,
            Self::Conflict => 409,
            Self::RequestTimeout => 408,
            Self::PayloadTooLarge => 413,
            Self::UnsupportedMediaType => 415,
            Self::ValidationFailed => 422,
            Self::RateLimited => 429,
            Self::Internal | Self::Unknown => 500,
            Self::Unavailable => 503,
        }
    }

    /// The code as written on the wire.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::BadRequest => "bad_request",
            Self::Unauthorized => "unauthorized",
            Self::Forbidden => "forbidden",
            Self::NotFound => "not_found",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::Conflict => "conflict",
            Self::RequestTimeout => "request_timeout",
            Self::PayloadTooLarge => "payload_too_large",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::ValidationFailed => "validation_failed",
            Self::RateLimited => "rate_limited",
            Self::Internal => "internal",
            Self::Unavailable => "unavailable",
            Self::Unknown => "unknown",
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The body of every error response: `{"error": {...}}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(salvo_oapi::ToSchema))]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorObject,
}

/// One error: a code, a sentence for people, and optional structured details.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(salvo_oapi::ToSchema))]
pub struct ErrorObject {
    /// The machine-readable code.
    pub code: ErrorCode,
    /// A human-readable sentence. Not stable: match on `code`, not on this.
    pub message: String,
    /// Structured details, e.g. `{"field": "username"}` for `validation_failed` or
    /// `{"retry_after_ms": 1200}` for `rate_limited`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<serde_json::Value>,
}

impl ErrorBody {
    /// An error without details.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            error: ErrorObject {
                code,
                message: message.into(),
                details: None,
            },
        }
    }

    /// Adds structured details.
    pub fn with_details(mut self, details: serde_json::Value) -> Self {
        self.error.details = Some(details);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_codes_from_newer_servers_still_decode() {
        let body: ErrorBody =
            serde_json::from_str(r#"{"error":{"code":"brand_new","message":"m"}}"#)
                .expect("decodes");
        assert_eq!(body.error.code, ErrorCode::Unknown);
    }

    #[test]
    fn wire_names_and_as_str_agree() {
        for code in [
            ErrorCode::BadRequest,
            ErrorCode::Unauthorized,
            ErrorCode::Forbidden,
            ErrorCode::NotFound,
            ErrorCode::MethodNotAllowed,
            ErrorCode::Conflict,
            ErrorCode::RequestTimeout,
            ErrorCode::PayloadTooLarge,
            ErrorCode::UnsupportedMediaType,
            ErrorCode::ValidationFailed,
            ErrorCode::RateLimited,
            ErrorCode::Internal,
            ErrorCode::Unavailable,
        ] {
            let json = serde_json::to_value(code).expect("serializes");
            assert_eq!(json, serde_json::Value::from(code.as_str()));
            assert!(code.http_status() >= 400);
        }
    }
}
