//! How a command fails, and the exit code for each kind of failure.
//!
//! | code | meaning |
//! |---|---|
//! | 0 | success |
//! | 1 | usage error (bad arguments, missing input, local files) |
//! | 2 | the server refused (its error code is printed) |
//! | 3 | the server cannot be reached |

use chat_client::Error;

/// A failed command.
#[derive(Debug)]
pub enum Failure {
    /// The command line or its input is wrong.
    Usage(String),
    /// The server answered with an error.
    Refused(Error),
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
            Self::Usage(_) => 1,
            Self::Refused(_) => 2,
            Self::Unreachable(_) => 3,
        }
    }

    /// The one line printed on stderr.
    pub fn message(&self) -> String {
        match self {
            Self::Usage(message) => format!("error: {message}"),
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

    /// A usage error.
    pub fn usage(message: impl Into<String>) -> Self {
        Self::Usage(message.into())
    }
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
