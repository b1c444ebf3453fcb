//! Authentication of a connection opened without a token: its first frame must be `auth`.

use chat_core::v1::{ClientFrame, Cursors, close_code};
use salvo::websocket::WebSocket;

use super::{End, internal};
use crate::auth::caller::Caller;
use crate::error::Error;
use crate::service::sessions::authenticate;
use crate::state::SharedState;

/// Waits for the `auth` frame of a connection opened without a token.
pub(super) async fn authenticate_first_frame(
    state: &SharedState,
    ws: &mut WebSocket,
) -> Result<(Caller, Option<Cursors>), End> {
    let first = tokio::time::timeout(state.gateway.auth_timeout, ws.recv()).await;
    let message = match first {
        Err(_) => {
            return Err(End::Close(
                close_code::AUTH_TIMEOUT,
                "no auth frame in time",
            ));
        }
        Ok(None) | Ok(Some(Err(_))) => return Err(End::Gone),
        Ok(Some(Ok(message))) => message,
    };
    if message.is_close() {
        return Err(End::Gone);
    }
    let frame = message
        .as_str()
        .ok()
        .and_then(|text| serde_json::from_str::<ClientFrame>(text).ok());
    match frame {
        Some(ClientFrame::Auth { token, resume }) => match authenticate(state, &token).await {
            Ok(caller) => Ok((caller, resume)),
            Err(e) if e.internal_cause().is_some() => Err(internal(e)),
            // Not the token's fault: the client reconnects later with the same token.
            Err(e @ Error::Unavailable { .. }) => {
                e.log("authentication");
                Err(End::Close(
                    close_code::TRY_AGAIN_LATER,
                    "the server is unavailable; reconnect later",
                ))
            }
            Err(_) => Err(End::Close(
                close_code::UNAUTHORIZED,
                "invalid, expired or revoked token",
            )),
        },
        _ => Err(End::Close(
            close_code::AUTH_EXPECTED,
            "the first frame must be auth",
        )),
    }
}
