//! Slow and flooding clients: declared bodies over the limit, bodies that never arrive, and
//! one address opening more connections than its share.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use chat_core::v1::{ErrorBody, ErrorCode};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

use crate::helpers::{TestApp, spawn_app, spawn_app_with};

/// A TCP connection to the app from `from` (any 127.x address works on loopback).
async fn connect_from(app: &TestApp, from: [u8; 4]) -> TcpStream {
    let socket = TcpSocket::new_v4().expect("socket");
    socket
        .bind(SocketAddr::new(IpAddr::from(from), 0))
        .expect("bind");
    socket.connect(app.addr).await.expect("connect")
}

/// A request head declaring a JSON body of `length` bytes.
fn head(length: usize) -> String {
    format!(
        "POST /api/v1/auth/register HTTP/1.1\r\nhost: test\r\ncontent-type: application/json\r\n\
         content-length: {length}\r\n\r\n"
    )
}

/// Reads the whole response until the server closes the connection.
async fn read_to_close(stream: &mut TcpStream, within: Duration) -> String {
    let mut out = Vec::new();
    tokio::time::timeout(within, stream.read_to_end(&mut out))
        .await
        .expect("the server answers and closes in time")
        .expect("read");
    String::from_utf8_lossy(&out).into_owned()
}

fn error_of(response: &str) -> ErrorBody {
    let body = response.split("\r\n\r\n").nth(1).expect("a body");
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {response}"))
}

#[tokio::test]
async fn a_declared_body_over_the_limit_is_refused_before_it_is_sent() {
    let app = spawn_app().await;
    let mut stream = connect_from(&app, [127, 0, 0, 1]).await;
    stream
        .write_all(head(10 * 1024 * 1024).as_bytes())
        .await
        .expect("head");
    let response = read_to_close(&mut stream, Duration::from_secs(5)).await;
    assert!(response.starts_with("HTTP/1.1 413"), "{response}");
    assert_eq!(error_of(&response).error.code, ErrorCode::PayloadTooLarge);
}

#[tokio::test]
async fn a_body_that_never_arrives_is_answered_408_and_its_connection_closed() {
    let app = spawn_app_with(|config| {
        config.http.body_timeout = Duration::from_millis(300);
    })
    .await;
    // Part of the body, then nothing: before the fix the connection stayed open forever.
    let mut stream = connect_from(&app, [127, 0, 0, 1]).await;
    stream.write_all(head(50).as_bytes()).await.expect("head");
    stream.write_all(b"{\"username\":").await.expect("part");
    let response = read_to_close(&mut stream, Duration::from_secs(5)).await;
    assert!(response.starts_with("HTTP/1.1 408"), "{response}");
    assert_eq!(error_of(&response).error.code, ErrorCode::RequestTimeout);
    // The same for an avatar upload, which reads its body through the same limit.
    let alice = app.register("alice").await;
    let mut stream = connect_from(&app, [127, 0, 0, 1]).await;
    let upload = format!(
        "PUT /api/v1/users/me/avatar HTTP/1.1\r\nhost: test\r\nauthorization: Bearer {}\r\n\
         content-type: image/png\r\ncontent-length: 1000\r\n\r\n",
        alice.token
    );
    stream.write_all(upload.as_bytes()).await.expect("upload");
    stream.write_all(b"\x89PNG").await.expect("part");
    let response = read_to_close(&mut stream, Duration::from_secs(5)).await;
    assert!(response.starts_with("HTTP/1.1 408"), "{response}");
}

/// Whether the server closed `stream` (EOF or reset) within `within`.
async fn closed_within(stream: &mut TcpStream, within: Duration) -> bool {
    let mut byte = [0u8; 1];
    match tokio::time::timeout(within, stream.read(&mut byte)).await {
        Ok(Ok(0) | Err(_)) => true,
        Ok(Ok(_)) => false,
        Err(_) => false,
    }
}

#[tokio::test]
async fn one_address_holds_at_most_its_share_of_connections_and_others_still_get_in() {
    let app = spawn_app_with(|config| {
        config.http.max_connections_per_ip = 20;
    })
    .await;
    // 40 connections from one address, each stalled in the middle of a request.
    let mut flood = Vec::new();
    for _ in 0..40 {
        let mut stream = connect_from(&app, [127, 0, 0, 2]).await;
        // A refused connection may already be closed: the write may fail.
        let _ = stream.write_all(head(100).as_bytes()).await;
        flood.push(stream);
    }
    let closed = futures_util::future::join_all(
        flood
            .iter_mut()
            .map(|s| closed_within(s, Duration::from_secs(2))),
    )
    .await;
    let held = closed.iter().filter(|c| !**c).count();
    assert_eq!(held, 20, "connections the flooding address kept open");
    // Everyone else is served while the flood holds its share.
    let health = app
        .client
        .get(app.url("/healthz"))
        .timeout(Duration::from_secs(5))
        .send()
        .await
        .expect("health answers");
    assert_eq!(health.status(), 200);
    drop(flood);
}
