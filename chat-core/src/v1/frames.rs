//! WebSocket frames: what clients send ([`ClientFrame`]) and what the server sends
//! ([`ServerFrame`]), as JSON text frames internally tagged by `"type"`.

use serde::{Deserialize, Serialize};

use super::error::ErrorObject;

/// A frame sent by a client.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", deny_unknown_fields)]
#[non_exhaustive]
pub enum ClientFrame {
    /// Asks the server for a `pong`.
    #[serde(rename = "ping")]
    Ping,
}

/// A frame sent by the server.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
#[non_exhaustive]
pub enum ServerFrame {
    /// The answer to a `ping`.
    #[serde(rename = "pong")]
    Pong,
    /// A frame failed; the connection stays up.
    #[serde(rename = "error")]
    Error(ErrorObject),
}
