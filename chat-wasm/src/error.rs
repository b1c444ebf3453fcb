//! The one error type of the bindings, and how it reaches JavaScript.
//!
//! Every rejected promise and every thrown exception is a JavaScript `Error` whose `code` is
//! one of the protocol's error codes (`validation_failed`, `not_found`, …) or one of the
//! client's own (`network`, `decode`, `not_connected`, `closed`), with the HTTP `status`
//! (0 when there was no response) and the server's `details`. A form failing a validator
//! here rejects exactly as the server would: `validation_failed`, 422, `{field}`.

use chat_core::v1::{ErrorBody, ErrorCode, ValidationError};
use serde_json::{Value, json};

/// Why a call failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ClientError {
    /// The server answered with an error body.
    #[error("{message}")]
    Api {
        /// The HTTP status.
        status: u16,
        /// The protocol's code.
        code: ErrorCode,
        /// The server's sentence.
        message: String,
        /// Structured details (`{"field": …}`, `{"retry_after_ms": …}`).
        details: Option<Value>,
    },
    /// An input breaks a rule of `chat-core`; nothing was sent.
    #[error(transparent)]
    Validation(#[from] ValidationError),
    /// An id or argument that cannot be read; nothing was sent.
    #[error("{0}")]
    BadRequest(String),
    /// The server could not be reached.
    #[error("cannot reach the server: {0}")]
    Network(String),
    /// The server answered something that is not the protocol.
    #[error("unexpected answer from the server: {0}")]
    Decode(String),
    /// A gateway action while no connection is live.
    #[error("not connected")]
    NotConnected,
    /// The gateway stopped for good (a refused token, or `disconnect()`).
    #[error("{0}")]
    Closed(String),
}

impl ClientError {
    /// The code JavaScript sees as `error.code`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Api { code, .. } => code.as_str(),
            Self::Validation(_) => ErrorCode::ValidationFailed.as_str(),
            Self::BadRequest(_) => ErrorCode::BadRequest.as_str(),
            Self::Network(_) => "network",
            Self::Decode(_) => "decode",
            Self::NotConnected => "not_connected",
            Self::Closed(_) => "closed",
        }
    }

    /// The HTTP status JavaScript sees as `error.status`: the server's, or the one the server
    /// would have answered for a refused input; 0 when no answer is involved.
    pub fn status(&self) -> u16 {
        match self {
            Self::Api { status, .. } => *status,
            Self::Validation(_) => ErrorCode::ValidationFailed.http_status(),
            Self::BadRequest(_) => ErrorCode::BadRequest.http_status(),
            Self::Network(_) | Self::Decode(_) | Self::NotConnected | Self::Closed(_) => 0,
        }
    }

    /// The details JavaScript sees as `error.details`.
    pub fn details(&self) -> Option<Value> {
        match self {
            Self::Api { details, .. } => details.clone(),
            Self::Validation(e) => Some(json!({ "field": e.field })),
            _ => None,
        }
    }

    /// Reads an error response: the protocol's body when there is one.
    pub fn from_response(status: u16, body: &str) -> Self {
        match serde_json::from_str::<ErrorBody>(body) {
            Ok(ErrorBody { error }) => Self::Api {
                status,
                code: error.code,
                message: error.message,
                details: error.details,
            },
            Err(_) => Self::Api {
                status,
                code: if status >= 500 {
                    ErrorCode::Internal
                } else {
                    ErrorCode::BadRequest
                },
                message: format!("the server answered {status}"),
                details: None,
            },
        }
    }

    /// Whether trying again may succeed: no answer at all, or an overloaded server.
    pub fn is_retryable(&self) -> bool {
        matches!(self, Self::Network(_))
            || matches!(self, Self::Api { status, .. } if *status == 502 || *status == 503 || *status == 504)
    }

    /// The JavaScript `Error` for this error.
    pub fn to_js(&self) -> wasm_bindgen::JsValue {
        let error = js_sys::Error::new(&self.to_string());
        error.set_name("ChatError");
        let set = |key: &str, value: wasm_bindgen::JsValue| {
            // Setting a property on a fresh Error object cannot fail.
            let _ = js_sys::Reflect::set(&error, &key.into(), &value);
        };
        set("code", self.code().into());
        set("status", self.status().into());
        if let Some(details) = self.details() {
            set("details", crate::js::json_to_js(&details));
        }
        error.into()
    }
}

impl From<ClientError> for wasm_bindgen::JsValue {
    fn from(error: ClientError) -> Self {
        error.to_js()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chat_core::v1::Username;

    #[test]
    fn a_refused_input_reads_like_the_servers_answer() {
        let error = ClientError::from(Username::parse("ab").expect_err("too short"));
        assert_eq!(error.code(), "validation_failed");
        assert_eq!(error.status(), 422);
        assert_eq!(error.details(), Some(json!({"field": "username"})));
        assert_eq!(
            error.to_string(),
            "username must be at least 3 characters long"
        );
    }

    #[test]
    fn error_bodies_keep_code_status_and_details() {
        let body = r#"{"error":{"code":"rate_limited","message":"slow down","details":{"retry_after_ms":5}}}"#;
        let error = ClientError::from_response(429, body);
        assert_eq!(error.code(), "rate_limited");
        assert_eq!(error.status(), 429);
        assert_eq!(error.details(), Some(json!({"retry_after_ms": 5})));
        assert!(!error.is_retryable());
    }

    #[test]
    fn answers_without_a_protocol_body_still_have_a_code() {
        assert_eq!(ClientError::from_response(502, "<html>").code(), "internal");
        assert!(ClientError::from_response(502, "<html>").is_retryable());
        assert_eq!(ClientError::from_response(404, "").code(), "bad_request");
    }
}
