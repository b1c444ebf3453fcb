//! How a command fails, and the exit code for each kind of failure.
//!
//! | code | meaning |
//! |---|---|
//! | 0 | success |
//! | 1 | usage error (bad arguments, missing input, local files) |
//! | 2 | the server refused (its error code is printed) |
//! | 3 | the server cannot be reached |
//!
//! With `--json`, the error is one JSON document on stderr in the wire error shape
//! ([`chat_core::v1::ErrorBody`]): the server's own error as it sent it, or one of the CLI's
//! codes: `usage`, `ambiguous` (with the candidates in `details`), `unreachable`.

use chat_client::Error;
use chat_core::v1::ErrorCode;

/// A failed command.
#[derive(Debug)]
pub enum Failure {
    /// The command line or its input is wrong.
    Usage(String),
    /// A name matches several objects: `details` lists them.
    Ambiguous {
        /// The sentence, listing the candidates.
        message: String,
        /// The candidates, for `--json`.
        details: serde_json::Value,
    },
    /// The server answered with an error.
    Refused(Error),
    /// The server refused the request for want of a valid token.
    NotSignedIn {
        /// The profile in use.
        profile: String,
        /// Whether a token was sent (then it expired or was revoked).
        had_token: bool,
    },
    /// No answer from the server.
    Unreachable(String),
    /// Whoever read our output stopped (`chat … | head`): not an error.
    BrokenPipe,
}

impl Failure {
    /// The process exit code.
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::BrokenPipe => 0,
            Self::Usage(_) | Self::Ambiguous { .. } => 1,
            Self::Refused(_) | Self::NotSignedIn { .. } => 2,
            Self::Unreachable(_) => 3,
        }
    }

    /// The one line printed on stderr.
    pub fn message(&self) -> String {
        match self {
            Self::Usage(message) | Self::Ambiguous { message, .. } => format!("error: {message}"),
            Self::NotSignedIn { .. } => format!("error: unauthorized: {}", self.sentence()),
            Self::Refused(Error::Api {
                code,
                message,
                details,
                ..
            }) => match details {
                Some(details) => format!("error: {code}: {message} ({details})"),
                None => format!("error: {code}: {message}"),
            },
            Self::Refused(other) => format!("error: {other}"),
            Self::Unreachable(message) => format!("error: cannot reach the server: {message}"),
            Self::BrokenPipe => String::new(),
        }
    }

    /// The error as one JSON document, in the wire shape `{"error": {...}}`: the fields of
    /// [`chat_core::v1::ErrorObject`], in its order, with a code of the CLI's own where no
    /// wire code applies.
    pub fn json(&self) -> String {
        let body = |code: &str, message: String, details: Option<&serde_json::Value>| {
            let body = WireError {
                error: WireErrorObject {
                    code,
                    message,
                    details,
                },
            };
            serde_json::to_string(&body).unwrap_or_default()
        };
        match self {
            Self::Usage(message) => body("usage", message.clone(), None),
            Self::Ambiguous { message, details } => {
                body("ambiguous", message.clone(), Some(details))
            }
            Self::Refused(Error::Api {
                code,
                message,
                details,
                ..
            }) => body(code.as_str(), message.clone(), details.as_ref()),
            Self::Refused(other) => body(ErrorCode::Internal.as_str(), other.to_string(), None),
            Self::NotSignedIn { profile, .. } => body(
                ErrorCode::Unauthorized.as_str(),
                self.sentence(),
                Some(&serde_json::json!({ "profile": profile })),
            ),
            Self::Unreachable(message) => body(
                "unreachable",
                format!("cannot reach the server: {message}"),
                None,
            ),
            Self::BrokenPipe => String::new(),
        }
    }

    /// The explanation of [`Failure::NotSignedIn`].
    fn sentence(&self) -> String {
        let Self::NotSignedIn { profile, had_token } = self else {
            return String::new();
        };
        let flag = if profile == chat_client::profile::DEFAULT_PROFILE {
            String::new()
        } else {
            format!("--profile {profile} ")
        };
        if *had_token {
            format!(
                "the session of profile {profile:?} has expired or was revoked: sign in again \
                 with `chat {flag}login --username NAME`"
            )
        } else {
            format!(
                "not signed in (profile {profile:?}): sign in with `chat {flag}login --username \
                 NAME`, or create an account with `chat {flag}register --username NAME`"
            )
        }
    }

    /// A usage error.
    pub fn usage(message: impl Into<String>) -> Self {
        Self::Usage(message.into())
    }

    /// A refusal by the server for want of a token becomes [`Failure::NotSignedIn`].
    pub fn signed_out(self, profile: &str, had_token: bool) -> Self {
        match self {
            Self::Refused(error) if error.is_unauthorized() => Self::NotSignedIn {
                profile: profile.to_owned(),
                had_token,
            },
            other => other,
        }
    }
}

/// [`chat_core::v1::ErrorBody`], with codes beyond the wire's.
#[derive(serde::Serialize)]
struct WireError<'a> {
    error: WireErrorObject<'a>,
}

#[derive(serde::Serialize)]
struct WireErrorObject<'a> {
    code: &'a str,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    details: Option<&'a serde_json::Value>,
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        match error {
            Error::Transport(e) => Self::Unreachable(describe_transport(&e)),
            Error::WebSocket(e) => Self::Unreachable(e.to_string()),
            Error::Timeout | Error::Closed => Self::Unreachable(error.to_string()),
            Error::Invalid(e) => Self::Usage(e.to_string()),
            Error::InvalidUrl(e) => Self::Usage(format!("invalid server URL: {e}")),
            other => Self::Refused(other),
        }
    }
}

impl From<chat_core::v1::ValidationError> for Failure {
    fn from(error: chat_core::v1::ValidationError) -> Self {
        Self::Usage(error.to_string())
    }
}

impl From<chat_client::profile::ProfileError> for Failure {
    fn from(error: chat_client::profile::ProfileError) -> Self {
        Self::Usage(error.to_string())
    }
}

impl From<std::io::Error> for Failure {
    fn from(error: std::io::Error) -> Self {
        if error.kind() == std::io::ErrorKind::BrokenPipe {
            Self::BrokenPipe
        } else {
            Self::Usage(error.to_string())
        }
    }
}

/// reqwest's errors nest their cause; show the innermost, which names the real problem.
fn describe_transport(error: &(dyn std::error::Error + 'static)) -> String {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        message = cause.to_string();
        source = cause.source();
    }
    message
}
