//! The WebSocket connection lifecycle: authentication, origin, `ready`, heartbeats, limits
//! and bad frames.

use std::time::Duration;

use chat_core::v1::{ClientFrame, ConversationKind, Cursors, ErrorCode, ServerFrame, close_code};
use serde_json::json;
use tokio_tungstenite::tungstenite::Message;

use crate::helpers::{spawn_app, spawn_app_with};
use crate::ws::Closed;

#[tokio::test]
async fn ready_lists_the_users_conversations_with_counters_and_who_is_online() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let lobby = app.create_lobby(&alice, "general", "public").await;
    app.join(&bob, &lobby).await;
    app.say(&alice, &lobby, "one").await;
    app.say(&alice, &lobby, "two").await;
    let _bob_online = app.ws_live(&bob.token).await;

    let (_ws, ready) = app.ws(&alice.token).await;
    let ServerFrame::Ready {
        user,
        conversations,
        ..
    } = ready
    else {
        unreachable!()
    };
    assert_eq!(user.id, alice.id);
    assert_eq!(conversations.len(), 1);
    let state = &conversations[0];
    assert_eq!(state.conversation_id, lobby.id.into());
    assert_eq!(state.kind, ConversationKind::Lobby);
    // Events: alice joined, bob joined, two messages.
    assert_eq!(state.seq, 4);
    assert_eq!(state.last_message_seq, 2);
    assert_eq!(state.read_seq, 2);
    assert_eq!(state.unread_count, 0);
    assert!(state.online.contains(&bob.id), "{:?}", state.online);
}

#[tokio::test]
async fn browsers_authenticate_with_a_first_auth_frame() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let mut ws = app.ws_with(None, None).await.expect("upgrade");
    ws.send(&ClientFrame::Auth {
        token: alice.token.clone(),
        resume: Some(Cursors::new()),
    })
    .await;
    let ready = ws.next_frame().await;
    assert!(matches!(ready, ServerFrame::Ready { .. }), "{ready:?}");
    assert_eq!(ws.next_frame().await, ServerFrame::Resumed);
    ws.send(&ClientFrame::Ping).await;
    assert_eq!(ws.next_frame().await, ServerFrame::Pong);
}

#[tokio::test]
async fn a_bad_token_in_the_auth_frame_closes_with_unauthorized() {
    let app = spawn_app().await;
    let mut ws = app.ws_with(None, None).await.expect("upgrade");
    ws.send(&ClientFrame::Auth {
        token: "nope".into(),
        resume: None,
    })
    .await;
    assert_eq!(ws.closed().await, Closed::Code(close_code::UNAUTHORIZED));
}

#[tokio::test]
async fn a_bad_token_on_the_upgrade_is_refused_with_401() {
    let app = spawn_app().await;
    assert_eq!(app.ws_with(Some("nope"), None).await.err(), Some(401));
}

#[tokio::test]
async fn any_other_first_frame_closes_the_connection() {
    let app = spawn_app().await;
    let mut ws = app.ws_with(None, None).await.expect("upgrade");
    ws.send(&ClientFrame::Ping).await;
    assert_eq!(ws.closed().await, Closed::Code(close_code::AUTH_EXPECTED));
    let mut ws = app.ws_with(None, None).await.expect("upgrade");
    ws.send_text("not json").await;
    assert_eq!(ws.closed().await, Closed::Code(close_code::AUTH_EXPECTED));
}

#[tokio::test]
async fn no_auth_frame_in_time_closes_the_connection() {
    let app = spawn_app_with(|c| c.gateway.auth_timeout = Duration::from_millis(200)).await;
    let mut ws = app.ws_with(None, None).await.expect("upgrade");
    assert_eq!(ws.closed().await, Closed::Code(close_code::AUTH_TIMEOUT));
}

#[tokio::test]
async fn cross_site_upgrades_are_refused_and_allowed_origins_accepted() {
    let app = spawn_app_with(|c| c.allowed_origins = vec!["https://chat.example".into()]).await;
    let alice = app.register("alice").await;
    assert_eq!(
        app.ws_with(Some(&alice.token), Some("https://evil.example"))
            .await
            .err(),
        Some(403)
    );
    assert!(
        app.ws_with(Some(&alice.token), Some("https://chat.example"))
            .await
            .is_ok()
    );
    let own = format!("http://{}", app.addr);
    assert!(
        app.ws_with(Some(&alice.token), Some(&own)).await.is_ok(),
        "same origin"
    );
    assert!(
        app.ws_with(Some(&alice.token), None).await.is_ok(),
        "non-browser clients"
    );
}

#[tokio::test]
async fn the_server_answers_ping_frames() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let mut ws = app.ws_live(&alice.token).await;
    ws.send(&ClientFrame::Ping).await;
    assert_eq!(ws.next_frame().await, ServerFrame::Pong);
}

#[tokio::test]
async fn a_silent_connection_is_closed() {
    // No server pings within the test, so the client never sends a pong: it is silent.
    let app = spawn_app_with(|c| {
        c.gateway.ping_interval = Duration::from_secs(3600);
        c.gateway.idle_timeout = Duration::from_millis(300);
    })
    .await;
    let alice = app.register("alice").await;
    let (mut ws, _) = app.ws(&alice.token).await;
    assert_eq!(
        ws.closed().await,
        Closed::Code(close_code::HEARTBEAT_TIMEOUT)
    );
}

#[tokio::test]
async fn bad_frames_get_error_frames_and_the_connection_stays_up() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let mut ws = app.ws_live(&alice.token).await;
    for (text, code) in [
        ("{not json", ErrorCode::BadRequest),
        (r#"{"type":"fly"}"#, ErrorCode::ValidationFailed),
        (
            r#"{"type":"message.send","conversation_id":"x","content":"hi","nonce":"n"}"#,
            ErrorCode::ValidationFailed,
        ),
        (
            r#"{"type":"message.send","conversation_id":"01937a4c-3b5e-7c2a-9f1e-2b3c4d5e6f70","content":"   ","nonce":"n"}"#,
            ErrorCode::ValidationFailed,
        ),
    ] {
        ws.send_text(text).await;
        match ws.next_frame().await {
            ServerFrame::Error { code: got, .. } => assert_eq!(got, code, "{text}"),
            other => panic!("expected an error for {text}, got {other:?}"),
        }
    }
    ws.send_raw(Message::binary(vec![1, 2, 3])).await;
    assert!(matches!(
        ws.next_frame().await,
        ServerFrame::Error {
            code: ErrorCode::BadRequest,
            ..
        }
    ));
    ws.send(&ClientFrame::Ping).await;
    assert_eq!(ws.next_frame().await, ServerFrame::Pong);
}

#[tokio::test]
async fn frames_over_64_kib_close_with_1009_while_others_are_served() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let mut big = app.ws_live(&alice.token).await;
    let mut other = app.ws_live(&bob.token).await;
    big.send_text(&json!({"type": "ping", "pad": "x".repeat(70 * 1024)}).to_string())
        .await;
    assert_eq!(big.closed().await, Closed::Code(1009));
    other.send(&ClientFrame::Ping).await;
    assert_eq!(other.next_frame().await, ServerFrame::Pong);
}

#[tokio::test]
async fn a_user_may_open_only_so_many_connections() {
    let app = spawn_app_with(|c| c.gateway.max_connections_per_user = 2).await;
    let alice = app.register("alice").await;
    let _first = app.ws(&alice.token).await;
    let _second = app.ws(&alice.token).await;
    let mut third = app
        .ws_with(Some(&alice.token), None)
        .await
        .expect("upgrade");
    assert_eq!(
        third.closed().await,
        Closed::Code(close_code::TOO_MANY_CONNECTIONS)
    );
}

#[tokio::test]
async fn logging_out_closes_open_connections_of_that_token() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let other_session: chat_core::v1::AuthResponse =
        app.login("alice", "correct horse").await.expect(200);
    let mut revoked = app.ws_live(&alice.token).await;
    let mut kept = app.ws_live(&other_session.token).await;
    app.post("/api/v1/auth/logout", &alice.token, json!({}))
        .await
        .assert_status(204);
    assert_eq!(
        revoked.closed().await,
        Closed::Code(close_code::UNAUTHORIZED)
    );
    kept.send(&ClientFrame::Ping).await;
    assert_eq!(kept.next_frame().await, ServerFrame::Pong);
}

#[tokio::test]
async fn changing_the_password_closes_the_other_sessions_connections() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let other_session: chat_core::v1::AuthResponse =
        app.login("alice", "correct horse").await.expect(200);
    let mut other = app.ws_live(&other_session.token).await;
    app.patch(
        "/api/v1/users/me",
        &alice.token,
        json!({"password": "new password", "current_password": "correct horse"}),
    )
    .await
    .assert_status(200);
    assert_eq!(other.closed().await, Closed::Code(close_code::UNAUTHORIZED));
}

#[tokio::test]
async fn an_expired_token_closes_the_connection() {
    let app = spawn_app_with(|c| c.token_ttl = Duration::from_secs(1)).await;
    let alice = app.register("alice").await;
    let (mut ws, _) = app.ws(&alice.token).await;
    // The token lives one second; the server closes the connection when it expires.
    assert_eq!(ws.closed().await, Closed::Code(close_code::UNAUTHORIZED));
}
