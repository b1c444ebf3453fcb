//! The live gateway of a `ChatClient`: one browser `WebSocket` at a time, authenticated by
//! an `auth` frame (browsers cannot set headers), resumed after every reconnect.
//!
//! The lifecycle mirrors the Rust SDK's worker: open, send `auth`, wait for `ready`, send
//! `resume` with the cursors of [`chat_sync::Tracker`], then deliver frames to the
//! application's handlers, dropping duplicates. A gap, silence or a dropped socket closes the
//! connection and reconnects after the shared [`chat_sync::Backoff`] schedule; a refused token
//! (`4001`) stops for good, as does a failure of the very first attempt (reported to
//! `connect()` instead of retried).
//!
//! Browsers answer the server's WebSocket pings without telling the page, so the page cannot
//! hear them: the gateway sends its own `ping` frame every [`HEARTBEAT_MS`] and reconnects
//! when nothing at all arrived for [`SILENCE_MS`].
//!
//! State lives in one `RefCell`; borrows never span a call into JavaScript handlers, so a
//! handler may call back into the client.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::{Rc, Weak};
use std::time::Duration;

use chat_core::v1::{ClientFrame, ConversationId, ErrorCode, ServerFrame, close_code};
use serde_json::{Value, json};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{CloseEvent, MessageEvent, WebSocket};

use crate::error::ClientError;
use crate::http::Endpoint;
use chat_sync::{Backoff, Tracker, Verdict};

/// How often the gateway sends `ping` while connected.
pub const HEARTBEAT_MS: f64 = 20_000.0;
/// Silence after which the connection is taken for dead.
pub const SILENCE_MS: f64 = 50_000.0;
/// The reconnect schedule: the first delay's ceiling is 500 ms (it doubles per attempt), the
/// largest delay 30 s.
const BACKOFF: Backoff = Backoff::new(Duration::from_millis(500), Duration::from_secs(30));
/// The shortest interval between two `typing` frames for one conversation (the server
/// broadcasts at most one per 2 s and lets one last 6 s).
const TYPING_EVERY_MS: f64 = 2_500.0;

/// Everything a `ChatClient` holds.
pub struct Shared {
    /// Where REST and WebSocket go, and the token.
    pub endpoint: Endpoint,
    /// Event handlers: `(type, callback)`, `"*"` for every event.
    pub handlers: Vec<(String, js_sys::Function)>,
    /// The gateway's state.
    pub gateway: Gateway,
}

/// The client's state as its callbacks hold it.
pub type SharedRef = Rc<RefCell<Shared>>;

/// Where the gateway is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// No socket and none wanted.
    Off,
    /// A socket is opening or waiting for `ready`.
    Connecting,
    /// `ready` came; frames flow.
    Live,
    /// Waiting to reconnect.
    Waiting,
}

/// One open socket and the callbacks it needs kept alive.
struct Connection {
    socket: WebSocket,
    _on_open: Closure<dyn FnMut()>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_close: Closure<dyn FnMut(CloseEvent)>,
}

impl Drop for Connection {
    fn drop(&mut self) {
        // Detach first: the browser fires `close` later, when these callbacks are gone.
        self.socket.set_onopen(None);
        self.socket.set_onmessage(None);
        self.socket.set_onclose(None);
        let _ = self.socket.close_with_code(1000);
    }
}

/// Promise callbacks of a pending `connect()`.
type Waiter = (js_sys::Function, js_sys::Function);

/// The gateway's state.
pub struct Gateway {
    phase: Phase,
    /// Counts sockets, so events of a replaced socket are recognised and ignored.
    generation: u64,
    connection: Option<Connection>,
    tracker: Tracker,
    attempt: u32,
    /// Whether the current `connect()` reached `ready` once (its first failure is reported,
    /// later ones retried).
    reached_ready: bool,
    waiters: Vec<Waiter>,
    /// The last `ready`, as JSON text, for `connect()` calls while live.
    last_ready: Option<String>,
    last_heard: f64,
    heartbeat: Option<(JsValue, Closure<dyn FnMut()>)>,
    retry_timer: Option<JsValue>,
    typing_sent: HashMap<ConversationId, f64>,
}

impl Gateway {
    /// A gateway that is not connected.
    pub fn new() -> Self {
        Self {
            phase: Phase::Off,
            generation: 0,
            connection: None,
            tracker: Tracker::new(),
            attempt: 0,
            reached_ready: false,
            waiters: Vec::new(),
            last_ready: None,
            last_heard: 0.0,
            heartbeat: None,
            retry_timer: None,
            typing_sent: HashMap::new(),
        }
    }

    /// Whether frames flow.
    pub fn is_live(&self) -> bool {
        self.phase == Phase::Live
    }

    /// The resume cursors, as JSON.
    pub fn cursors_json(&self) -> Value {
        serde_json::to_value(self.tracker.cursors()).unwrap_or(Value::Null)
    }

    fn send(&self, frame: &ClientFrame) -> Result<(), ClientError> {
        let connection = self
            .connection
            .as_ref()
            .filter(|_| self.phase == Phase::Live)
            .ok_or(ClientError::NotConnected)?;
        let text = crate::frames::encode(frame)?;
        connection
            .socket
            .send_with_str(&text)
            .map_err(|_| ClientError::NotConnected)
    }
}

impl Default for Gateway {
    fn default() -> Self {
        Self::new()
    }
}

/// Something to tell JavaScript once no borrow is held.
enum Effect {
    /// Call the handlers of this event.
    Emit(JsValue),
    /// Resolve the pending `connect()` calls.
    Resolve(Vec<Waiter>, JsValue),
    /// Reject the pending `connect()` calls.
    Reject(Vec<Waiter>, ClientError),
}

fn event(value: Value) -> Effect {
    Effect::Emit(crate::js::json_to_js(&value))
}

/// Runs effects: handlers first get events, then promises settle.
fn run(shared: &SharedRef, effects: Vec<Effect>) {
    for effect in effects {
        match effect {
            Effect::Emit(event) => {
                let kind = js_sys::Reflect::get(&event, &"type".into())
                    .ok()
                    .and_then(|t| t.as_string())
                    .unwrap_or_default();
                let handlers: Vec<js_sys::Function> = shared
                    .borrow()
                    .handlers
                    .iter()
                    .filter(|(t, _)| t == "*" || *t == kind)
                    .map(|(_, f)| f.clone())
                    .collect();
                for handler in handlers {
                    // A throwing handler must not stop the others or the gateway.
                    if let Err(error) = handler.call1(&JsValue::NULL, &event) {
                        web_sys_console_error(&error);
                    }
                }
            }
            Effect::Resolve(waiters, value) => {
                for (resolve, _) in waiters {
                    let _ = resolve.call1(&JsValue::NULL, &value);
                }
            }
            Effect::Reject(waiters, error) => {
                let value = error.to_js();
                for (_, reject) in waiters {
                    let _ = reject.call1(&JsValue::NULL, &value);
                }
            }
        }
    }
}

#[wasm_bindgen]
extern "C" {
    /// `console.error`.
    #[wasm_bindgen(js_namespace = console, js_name = error)]
    fn web_sys_console_error(value: &JsValue);
}

/// `connect()`: opens the gateway unless it is open; the promise settles with `ready`.
pub fn connect(shared: &SharedRef, resolve: js_sys::Function, reject: js_sys::Function) {
    let mut effects = Vec::new();
    {
        let mut state = shared.borrow_mut();
        let gateway = &mut state.gateway;
        match gateway.phase {
            Phase::Live => {
                let ready = gateway
                    .last_ready
                    .as_deref()
                    .map(crate::js::text_to_js)
                    .unwrap_or(JsValue::NULL);
                effects.push(Effect::Resolve(vec![(resolve, reject)], ready));
            }
            Phase::Connecting | Phase::Waiting => gateway.waiters.push((resolve, reject)),
            Phase::Off => {
                gateway.waiters.push((resolve, reject));
                gateway.reached_ready = false;
                gateway.attempt = 0;
            }
        }
    }
    run(shared, effects);
    if shared.borrow().gateway.phase == Phase::Off {
        start_heartbeat(shared);
        open(shared);
    }
}

/// `disconnect()`: closes the socket and stops reconnecting. Cursors are kept, so a later
/// `connect()` resumes where this one stopped.
pub fn disconnect(shared: &SharedRef) {
    let effects = {
        let mut state = shared.borrow_mut();
        let gateway = &mut state.gateway;
        gateway.phase = Phase::Off;
        gateway.generation += 1;
        // Dropping the connection detaches its callbacks and closes the socket.
        gateway.connection = None;
        if let Some(timer) = gateway.retry_timer.take() {
            crate::js::clear_timeout(&timer);
        }
        if let Some((handle, _)) = gateway.heartbeat.take() {
            crate::js::clear_interval(&handle);
        }
        let waiters = std::mem::take(&mut gateway.waiters);
        vec![Effect::Reject(
            waiters,
            ClientError::Closed("disconnected".into()),
        )]
    };
    run(shared, effects);
}

/// Forgets the session: closes the gateway and drops its cursors, for a change of account
/// (the cursors of one user mean nothing for another).
pub fn reset(shared: &SharedRef) {
    disconnect(shared);
    shared.borrow_mut().gateway = Gateway::new();
}

/// Sends `typing` for a conversation, at most once per [`TYPING_EVERY_MS`]; `false` when it
/// was not sent (too soon, or not connected).
pub fn typing(shared: &SharedRef, conversation_id: ConversationId) -> bool {
    let mut state = shared.borrow_mut();
    let gateway = &mut state.gateway;
    let now = crate::js::now_ms();
    if gateway
        .typing_sent
        .get(&conversation_id)
        .is_some_and(|last| now - last < TYPING_EVERY_MS)
    {
        return false;
    }
    let sent = gateway
        .send(&ClientFrame::Typing { conversation_id })
        .is_ok();
    if sent {
        gateway.typing_sent.insert(conversation_id, now);
    }
    sent
}

/// Sends a frame that needs no answer (`read`).
pub fn notify(shared: &SharedRef, frame: &ClientFrame) -> Result<(), ClientError> {
    shared.borrow().gateway.send(frame)
}

/// The gateway's WebSocket URL.
fn socket_url(endpoint: &Endpoint) -> Result<String, ClientError> {
    let base = if endpoint.base_url.is_empty() {
        crate::js::page_origin().ok_or_else(|| {
            ClientError::BadRequest("no server URL given and no page origin to use".into())
        })?
    } else {
        endpoint.base_url.clone()
    };
    let base = if let Some(rest) = base.strip_prefix("https://") {
        format!("wss://{rest}")
    } else if let Some(rest) = base.strip_prefix("http://") {
        format!("ws://{rest}")
    } else {
        return Err(ClientError::BadRequest(format!(
            "the server URL must start with http:// or https://: {base}"
        )));
    };
    Ok(format!("{base}{}", chat_core::v1::endpoints::GATEWAY_PATH))
}

fn start_heartbeat(shared: &SharedRef) {
    let weak = Rc::downgrade(shared);
    let tick = Closure::<dyn FnMut()>::new(move || {
        if let Some(shared) = weak.upgrade() {
            heartbeat(&shared);
        }
    });
    let handle = crate::js::set_interval(tick.as_ref().unchecked_ref(), HEARTBEAT_MS);
    let mut state = shared.borrow_mut();
    if let Some((old, _)) = state.gateway.heartbeat.replace((handle, tick)) {
        crate::js::clear_interval(&old);
    }
}

fn heartbeat(shared: &SharedRef) {
    let silent = {
        let state = shared.borrow();
        let gateway = &state.gateway;
        if gateway.phase != Phase::Live {
            return;
        }
        crate::js::now_ms() - gateway.last_heard > SILENCE_MS
    };
    if silent {
        drop_connection(shared, "the server went silent".into());
    } else {
        let _ = notify(shared, &ClientFrame::Ping);
    }
}

/// Opens a new socket.
fn open(shared: &SharedRef) {
    let opened = {
        let mut state = shared.borrow_mut();
        let url = socket_url(&state.endpoint);
        let gateway = &mut state.gateway;
        gateway.retry_timer = None;
        gateway.generation += 1;
        gateway.phase = Phase::Connecting;
        gateway.last_heard = crate::js::now_ms();
        let generation = gateway.generation;
        url.and_then(|url| {
            WebSocket::new(&url).map_err(|_| ClientError::BadRequest(format!("bad URL {url}")))
        })
        .map(|socket| {
            let weak = Rc::downgrade(shared);
            gateway.connection = Some(Connection {
                _on_open: on_open(&socket, weak.clone(), generation),
                _on_message: on_message(&socket, weak.clone(), generation),
                _on_close: on_close(&socket, weak, generation),
                socket,
            });
        })
    };
    if let Err(error) = opened {
        fail(shared, error);
    }
}

fn current(shared: &Weak<RefCell<Shared>>, generation: u64) -> Option<SharedRef> {
    shared
        .upgrade()
        .filter(|s| s.borrow().gateway.generation == generation)
}

fn on_open(
    socket: &WebSocket,
    weak: Weak<RefCell<Shared>>,
    generation: u64,
) -> Closure<dyn FnMut()> {
    let callback = Closure::<dyn FnMut()>::new(move || {
        let Some(shared) = current(&weak, generation) else {
            return;
        };
        let sent = {
            let state = shared.borrow();
            match (&state.endpoint.token, &state.gateway.connection) {
                (Some(token), Some(connection)) => crate::frames::encode(&ClientFrame::Auth {
                    token: token.clone(),
                    resume: None,
                })
                .map(|text| connection.socket.send_with_str(&text).is_ok()),
                _ => Err(unauthorized("no token: log in first")),
            }
        };
        match sent {
            Ok(true) => {}
            Ok(false) => drop_connection(&shared, "sending auth failed".into()),
            Err(error) => fail(&shared, error),
        }
    });
    socket.set_onopen(Some(callback.as_ref().unchecked_ref()));
    callback
}

fn on_message(
    socket: &WebSocket,
    weak: Weak<RefCell<Shared>>,
    generation: u64,
) -> Closure<dyn FnMut(MessageEvent)> {
    let callback = Closure::<dyn FnMut(MessageEvent)>::new(move |message: MessageEvent| {
        let Some(shared) = current(&weak, generation) else {
            return;
        };
        // The protocol sends text frames only.
        if let Some(text) = message.data().as_string() {
            receive(&shared, &text);
        }
    });
    socket.set_onmessage(Some(callback.as_ref().unchecked_ref()));
    callback
}

fn on_close(
    socket: &WebSocket,
    weak: Weak<RefCell<Shared>>,
    generation: u64,
) -> Closure<dyn FnMut(CloseEvent)> {
    let callback = Closure::<dyn FnMut(CloseEvent)>::new(move |close: CloseEvent| {
        let Some(shared) = current(&weak, generation) else {
            return;
        };
        shared.borrow_mut().gateway.connection = None;
        if close.code() == close_code::UNAUTHORIZED {
            fail(&shared, unauthorized("the token was revoked or expired"));
        } else {
            let reason = match close.reason() {
                reason if reason.is_empty() => format!("closed ({})", close.code()),
                reason => format!("closed ({}: {reason})", close.code()),
            };
            drop_connection(&shared, reason);
        }
    });
    socket.set_onclose(Some(callback.as_ref().unchecked_ref()));
    callback
}

fn unauthorized(message: &str) -> ClientError {
    ClientError::Api {
        status: 401,
        code: ErrorCode::Unauthorized,
        message: message.into(),
        details: None,
    }
}

/// Handles one text frame.
fn receive(shared: &SharedRef, text: &str) {
    let frame = match crate::frames::decode(text) {
        Ok(frame) => frame,
        Err(error) => return drop_connection(shared, error.to_string()),
    };
    let mut effects = Vec::new();
    let mut gap = None;
    {
        let mut state = shared.borrow_mut();
        let gateway = &mut state.gateway;
        gateway.last_heard = crate::js::now_ms();
        match (gateway.phase, frame) {
            (
                Phase::Connecting,
                ServerFrame::Ready {
                    user,
                    conversations,
                    ..
                },
            ) => {
                let plan = gateway.tracker.on_ready(user.id, &conversations);
                gateway.phase = Phase::Live;
                gateway.attempt = 0;
                gateway.reached_ready = true;
                gateway.last_ready = Some(text.to_owned());
                let ready = crate::js::text_to_js(text);
                // Every connection's `ready` reaches the handlers: it carries the unread
                // counts and who is online now.
                effects.push(Effect::Emit(ready.clone()));
                for conversation_id in plan.resync {
                    effects.push(event(
                        json!({"type": "resync_required", "conversation_id": conversation_id}),
                    ));
                }
                if gateway
                    .send(&ClientFrame::Resume {
                        cursors: plan.resume,
                    })
                    .is_err()
                {
                    gap = Some("sending resume failed".to_owned());
                }
                effects.push(Effect::Resolve(std::mem::take(&mut gateway.waiters), ready));
            }
            (Phase::Connecting, other) => {
                gap = Some(format!("expected ready, got {:?}", frame_type(&other)));
            }
            (Phase::Live, ServerFrame::Pong) => {}
            (Phase::Live, frame) => match gateway.tracker.on_frame(&frame) {
                Verdict::Deliver => effects.push(Effect::Emit(crate::js::text_to_js(text))),
                Verdict::Skip => {}
                verdict @ Verdict::Gap { .. } => gap = verdict.gap_reason(),
            },
            (Phase::Off | Phase::Waiting, _) => {}
        }
    }
    run(shared, effects);
    if let Some(reason) = gap {
        drop_connection(shared, reason);
    }
}

fn frame_type(frame: &ServerFrame) -> String {
    serde_json::to_value(frame)
        .ok()
        .and_then(|v| v.get("type").and_then(Value::as_str).map(str::to_owned))
        .unwrap_or_default()
}

/// The connection is gone or unusable: reconnect later, unless this was the first attempt
/// of a `connect()` (then the caller hears about it) or nobody wants a connection.
fn drop_connection(shared: &SharedRef, reason: String) {
    let first_attempt = {
        let mut state = shared.borrow_mut();
        let gateway = &mut state.gateway;
        if gateway.phase == Phase::Off {
            return;
        }
        gateway.generation += 1;
        // Dropping the connection detaches its callbacks and closes the socket.
        gateway.connection = None;
        !gateway.reached_ready
    };
    if first_attempt {
        return fail(shared, ClientError::Network(reason));
    }
    let (attempt, delay) = {
        let mut state = shared.borrow_mut();
        let gateway = &mut state.gateway;
        gateway.phase = Phase::Waiting;
        gateway.attempt = gateway.attempt.saturating_add(1);
        let attempt = gateway.attempt;
        let delay = backoff(attempt, js_sys::Math::random());
        let weak = Rc::downgrade(shared);
        let retry = Closure::once_into_js(move || {
            if let Some(shared) = weak.upgrade()
                && shared.borrow().gateway.phase == Phase::Waiting
            {
                open(&shared);
            }
        });
        gateway.retry_timer = Some(crate::js::set_timeout(retry.unchecked_ref(), delay));
        (attempt, delay)
    };
    run(
        shared,
        vec![event(json!({
            "type": "reconnecting",
            "attempt": attempt,
            "delay_ms": delay,
            "reason": reason,
        }))],
    );
}

/// Stops for good and tells everyone why.
fn fail(shared: &SharedRef, error: ClientError) {
    let waiters = {
        let mut state = shared.borrow_mut();
        let gateway = &mut state.gateway;
        gateway.phase = Phase::Off;
        gateway.generation += 1;
        // Dropping the connection detaches its callbacks and closes the socket.
        gateway.connection = None;
        if let Some((handle, _)) = gateway.heartbeat.take() {
            crate::js::clear_interval(&handle);
        }
        std::mem::take(&mut gateway.waiters)
    };
    let closed = event(json!({
        "type": "closed",
        "code": error.code(),
        "reason": error.to_string(),
    }));
    run(shared, vec![closed, Effect::Reject(waiters, error)]);
}

/// The reconnect delay of `attempt` in milliseconds ([`BACKOFF`]); `random` is in `[0, 1)`.
pub fn backoff(attempt: u32, random: f64) -> f64 {
    // Whole milliseconds, at most 30 000: exact in an f64.
    BACKOFF.delay(attempt, random).as_millis() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_is_capped_and_jittered() {
        assert_eq!(backoff(1, 0.0), 500.0);
        assert_eq!(backoff(1, 0.999_999), 1000.0);
        assert_eq!(backoff(3, 0.0), 2000.0);
        assert_eq!(backoff(30, 0.0), 15_000.0);
        assert!(backoff(30, 0.999_999) <= BACKOFF.max.as_millis() as f64);
    }

    #[test]
    fn socket_urls_follow_the_server_scheme() {
        let endpoint = |base: &str| Endpoint {
            base_url: base.into(),
            token: None,
        };
        assert_eq!(
            socket_url(&endpoint("http://127.0.0.1:8080")),
            Ok("ws://127.0.0.1:8080/api/v1/ws".into())
        );
        assert_eq!(
            socket_url(&endpoint("https://chat.example")),
            Ok("wss://chat.example/api/v1/ws".into())
        );
        assert!(socket_url(&endpoint("ftp://x")).is_err());
    }
}
