//! The WebSocket gateway: `GET /api/v1/ws`.
//!
//! - [`session`]: one task per connection: authentication, `ready`, resume, client frames,
//!   heartbeats, typing and call relay.
//!
//! The upgrade request is checked like any other request first: a browser `Origin` must be
//! the server's own or in the allowed list (403), and an `Authorization` header, when
//! present, must hold a valid token (401). Without one, the first frame must be `auth`.

pub mod session;

use chat_core::v1::ErrorBody;
use salvo::http::header::{HOST, ORIGIN};
use salvo::prelude::*;
use salvo::websocket::WebSocketUpgrade;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

use crate::error::{Error, render_error};
use crate::extract::bearer_token;
use crate::service::sessions::authenticate;
use crate::state::SharedState;

/// The largest frame a client may send.
pub const MAX_FRAME_BYTES: usize = 64 * 1024;

/// Whether a browser `Origin` may open a WebSocket: its own origin, or a configured one.
/// Requests without `Origin` come from non-browser clients and are allowed.
fn origin_allowed(req: &Request, allowed: &[String]) -> bool {
    let Some(origin) = req.headers().get(ORIGIN).and_then(|o| o.to_str().ok()) else {
        return req.headers().get(ORIGIN).is_none();
    };
    if allowed
        .iter()
        .any(|a| a.trim().eq_ignore_ascii_case(origin))
    {
        return true;
    }
    let host = req.headers().get(HOST).and_then(|h| h.to_str().ok());
    let origin_host = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"));
    matches!((origin_host, host), (Some(o), Some(h)) if o.eq_ignore_ascii_case(h))
}

fn refuse(res: &mut Response, error: &Error) {
    let body: ErrorBody = error.to_body();
    render_error(res, &body);
}

/// Upgrades `GET /api/v1/ws` to a WebSocket session.
#[handler]
pub async fn connect(req: &mut Request, depot: &mut Depot, res: &mut Response) {
    let Ok(state) = depot.get_typed::<SharedState>().cloned() else {
        refuse(res, &Error::Internal("state missing from depot".into()));
        return;
    };
    if !origin_allowed(req, &state.allowed_origins) {
        refuse(
            res,
            &Error::Forbidden("this origin may not open a WebSocket"),
        );
        return;
    }
    let caller = match bearer_token(req) {
        Some(token) => match authenticate(&state, token).await {
            Ok(caller) => Some(caller),
            Err(e) => {
                refuse(res, &e);
                return;
            }
        },
        None => None,
    };
    // Small buffers: an idle connection should cost a few KiB, not the 64–128 KiB defaults.
    // Writes gather up to 8 KiB before going to the socket, which only matters for a burst
    // of events (the session flushes after each burst and after every single frame).
    let config = WebSocketConfig::default()
        .read_buffer_size(2 * 1024)
        .write_buffer_size(8 * 1024)
        .max_write_buffer_size(1024 * 1024)
        .max_message_size(Some(MAX_FRAME_BYTES))
        .max_frame_size(Some(MAX_FRAME_BYTES));
    let upgraded = WebSocketUpgrade::with_config(config)
        .upgrade(req, res, move |ws| session::run(state, ws, caller))
        .await;
    if let Err(e) = upgraded {
        refuse(res, &Error::BadRequest(e.brief));
    }
}
