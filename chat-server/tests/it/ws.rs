//! A WebSocket test client: typed frames, waits with timeouts, never sleeps.

use std::time::Duration;

use chat_core::v1::{ClientFrame, ConversationId, Cursors, ServerFrame};
use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::helpers::TestApp;

/// How long a test waits for an expected frame.
pub const PATIENCE: Duration = Duration::from_secs(10);

pub struct Ws {
    stream: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

/// How a connection ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Closed {
    /// A close frame with this code.
    Code(u16),
    /// The socket ended without a close frame.
    Abrupt,
}

impl TestApp {
    pub fn ws_url(&self) -> String {
        format!("ws://{}/api/v1/ws", self.addr)
    }

    /// Opens a WebSocket with `Authorization: Bearer` and returns it after `ready`.
    pub async fn ws(&self, token: &str) -> (Ws, ServerFrame) {
        Ws::ready(&self.ws_url(), token).await
    }

    /// Like [`TestApp::ws`], then starts live delivery with an empty `resume`.
    pub async fn ws_live(&self, token: &str) -> Ws {
        let (mut ws, _) = self.ws(token).await;
        ws.send(&ClientFrame::Resume {
            cursors: Cursors::new(),
        })
        .await;
        assert_eq!(ws.next_frame().await, ServerFrame::Resumed);
        ws
    }

    /// Opens a WebSocket with an optional token and `Origin`; the HTTP status on refusal.
    pub async fn ws_with(&self, token: Option<&str>, origin: Option<&str>) -> Result<Ws, u16> {
        Ws::connect(&self.ws_url(), token, origin).await
    }
}

impl Ws {
    /// Opens a WebSocket to `url` with an optional token and `Origin`; the HTTP status on
    /// refusal.
    pub async fn connect(url: &str, token: Option<&str>, origin: Option<&str>) -> Result<Ws, u16> {
        let mut request = url.into_client_request().expect("request");
        if let Some(token) = token {
            request.headers_mut().insert(
                "authorization",
                format!("Bearer {token}").parse().expect("header"),
            );
        }
        if let Some(origin) = origin {
            request
                .headers_mut()
                .insert("origin", origin.parse().expect("header"));
        }
        match tokio_tungstenite::connect_async(request).await {
            Ok((stream, _)) => Ok(Ws { stream }),
            Err(WsError::Http(response)) => Err(response.status().as_u16()),
            Err(e) => panic!("connect failed: {e}"),
        }
    }

    /// Opens a WebSocket to `url` with a token and returns it with its `ready` frame.
    pub async fn ready(url: &str, token: &str) -> (Ws, ServerFrame) {
        let mut ws = Ws::connect(url, Some(token), None)
            .await
            .expect("upgrade accepted");
        let ready = ws.next_frame().await;
        assert!(
            matches!(ready, ServerFrame::Ready { .. }),
            "first frame: {ready:?}"
        );
        (ws, ready)
    }

    pub fn from_stream(stream: WebSocketStream<MaybeTlsStream<TcpStream>>) -> Self {
        Self { stream }
    }

    pub async fn send(&mut self, frame: &ClientFrame) {
        let text = serde_json::to_string(frame).expect("encodes");
        self.send_text(&text).await;
    }

    pub async fn send_text(&mut self, text: &str) {
        self.stream.send(Message::text(text)).await.expect("sent");
    }

    pub async fn send_raw(&mut self, message: Message) {
        self.stream.send(message).await.expect("sent");
    }

    /// The next server frame (pings are answered and skipped).
    pub async fn next_frame(&mut self) -> ServerFrame {
        match self.next_or_close().await {
            Ok(frame) => frame,
            Err(closed) => panic!("connection closed ({closed:?}) while a frame was expected"),
        }
    }

    /// The next frame, or how the connection ended.
    pub async fn next_or_close(&mut self) -> Result<ServerFrame, Closed> {
        loop {
            let message = tokio::time::timeout(PATIENCE, self.stream.next())
                .await
                .expect("a frame within the time limit");
            match message {
                Some(Ok(Message::Text(text))) => {
                    return Ok(serde_json::from_str(&text)
                        .unwrap_or_else(|e| panic!("undecodable frame {text}: {e}")));
                }
                Some(Ok(Message::Close(frame))) => {
                    return Err(
                        frame.map_or(Closed::Abrupt, |f: CloseFrame| Closed::Code(f.code.into()))
                    );
                }
                Some(Ok(_)) => continue,
                Some(Err(_)) | None => return Err(Closed::Abrupt),
            }
        }
    }

    /// Reads until the connection closes, returning how (frames in between are skipped).
    pub async fn closed(&mut self) -> Closed {
        loop {
            if let Err(closed) = self.next_or_close().await {
                return closed;
            }
        }
    }

    /// Reads frames until one matches, returning it; the skipped ones are returned too.
    pub async fn until(
        &mut self,
        mut wanted: impl FnMut(&ServerFrame) -> bool,
    ) -> (ServerFrame, Vec<ServerFrame>) {
        let mut skipped = Vec::new();
        loop {
            let frame = self.next_frame().await;
            if wanted(&frame) {
                return (frame, skipped);
            }
            skipped.push(frame);
        }
    }

    /// Reads conversation events of `conversation` until one with `seq`, returning them all.
    pub async fn events_until(
        &mut self,
        conversation: ConversationId,
        seq: u64,
    ) -> Vec<ServerFrame> {
        let mut events = Vec::new();
        loop {
            let frame = self.next_frame().await;
            if let Some((c, s)) = frame.conversation_seq()
                && c == conversation
            {
                events.push(frame);
                if s >= seq {
                    return events;
                }
            }
        }
    }

    /// Sends `resume` and returns the replayed frames, up to (without) `resumed`.
    pub async fn resume(&mut self, cursors: Cursors) -> Vec<ServerFrame> {
        self.send(&ClientFrame::Resume { cursors }).await;
        let mut replay = Vec::new();
        loop {
            match self.next_frame().await {
                ServerFrame::Resumed => return replay,
                frame => replay.push(frame),
            }
        }
    }

    /// Drops the connection without a close handshake.
    pub fn cut(self) {
        drop(self.stream);
    }
}
