//! Server and transport errors decode into the right variants.

use std::time::Duration;

use chat_client::{Client, Error};
use chat_core::v1::{
    CreateLobbyRequest, ErrorCode, LobbyId, LobbyName, MessageContent, Password, RegisterRequest,
    UpdateAccountRequest, Username,
};

use crate::helpers::{spawn_server, spawn_server_with};

#[tokio::test]
async fn not_found_unauthorized_conflict_and_validation_are_told_apart() {
    let server = spawn_server().await;
    let alice = server.user("alice").await;
    let missing: LobbyId = "01937a4c-3b5e-7c2a-9f1e-2b3c4d5e6f70".parse().expect("id");
    let e = alice.lobby(missing).await.expect_err("missing");
    assert!(e.is_not_found(), "{e}");
    assert_eq!(
        (e.status(), e.code()),
        (Some(404), Some(ErrorCode::NotFound))
    );
    assert!(!e.is_retryable());

    let anonymous = Client::new(&server.url).expect("client");
    assert!(
        anonymous
            .me()
            .await
            .expect_err("no token")
            .is_unauthorized()
    );

    let taken = anonymous
        .register(&RegisterRequest {
            username: Username::parse("alice").expect("name"),
            password: Password::parse("another one").expect("password"),
            email: None,
            display_name: None,
        })
        .await
        .expect_err("taken");
    assert!(taken.is_conflict());

    let wrong = alice
        .update_me(&UpdateAccountRequest {
            password: Some(Password::parse("new password").expect("password")),
            ..Default::default()
        })
        .await
        .expect_err("needs the current password");
    assert!(wrong.is_validation());
    let Error::Api { details, .. } = wrong else {
        panic!("an API error")
    };
    assert_eq!(
        details,
        Some(serde_json::json!({"field": "current_password"}))
    );
}

#[tokio::test]
async fn rate_limits_carry_the_time_to_wait() {
    let server = spawn_server_with(|c| {
        c.gateway.send_burst = 1;
        c.gateway.send_window = Duration::from_secs(60);
    })
    .await;
    let alice = server.user("alice").await;
    let lobby = alice
        .create_lobby(&CreateLobbyRequest {
            name: LobbyName::parse("general").expect("name"),
            description: None,
            visibility: Default::default(),
        })
        .await
        .expect("lobby");
    let content = MessageContent::parse("hi").expect("content");
    alice
        .send_message(lobby.id, content.clone(), None)
        .await
        .expect("first");
    let e = alice
        .send_message(lobby.id, content, None)
        .await
        .expect_err("second");
    assert!(e.is_rate_limited());
    assert!(e.is_retryable());
    assert!(
        e.retry_after().is_some_and(|d| d >= Duration::from_secs(1)),
        "{:?}",
        e.retry_after()
    );
}

#[tokio::test]
async fn an_unreachable_server_is_a_retryable_transport_error() {
    // Bind and drop a listener: nothing listens on that port now.
    let addr = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr");
    let client = Client::new(format!("http://{addr}")).expect("client");
    let e = client.me().await.expect_err("refused");
    assert!(matches!(e, Error::Transport(_)), "{e:?}");
    assert!(e.is_retryable());
}

#[tokio::test]
async fn a_bad_base_url_is_refused_up_front() {
    assert!(matches!(
        Client::new("ftp://example.com"),
        Err(Error::InvalidUrl(_))
    ));
}
