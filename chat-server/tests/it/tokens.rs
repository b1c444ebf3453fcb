//! API tokens: personal tokens with scopes, client tokens that create users.

use chat_core::v1::{
    ApiTokenList, AuthResponse, ClientFrame, CreatedApiToken, ErrorCode, MessageContent, Nonce,
    ServerFrame, TokenScope, UserId, close_code,
};
use reqwest::Method;
use serde_json::json;

use crate::helpers::{TestApp, TestUser, spawn_app, spawn_app_with};
use crate::ws::Closed;

async fn personal_token(app: &TestApp, user: &TestUser, scopes: &[&str]) -> CreatedApiToken {
    app.post(
        "/api/v1/tokens",
        &user.token,
        json!({"name": "bot", "scopes": scopes}),
    )
    .await
    .expect(201)
}

#[tokio::test]
async fn a_personal_token_is_shown_once_listed_without_secret_and_revocable() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let created = personal_token(&app, &alice, &["read", "write"]).await;
    assert!(created.token.starts_with("chat_pat_") && created.token.len() >= 9 + 64);
    assert_eq!(created.info.scopes, [TokenScope::Read, TokenScope::Write]);

    let me: chat_core::v1::Account = app
        .get("/api/v1/users/me", &created.token)
        .await
        .expect(200);
    assert_eq!(me.id, alice.id);
    let reply = app.get("/api/v1/tokens", &alice.token).await;
    let list: ApiTokenList = reply.expect(200);
    assert_eq!(list.items.len(), 1);
    assert!(list.items[0].last_used_at.is_some());
    assert!(
        !String::from_utf8_lossy(&reply.body).contains(&created.token[9..]),
        "no secret in the list"
    );

    let stored: String = sqlx::query_scalar("SELECT secret_hash FROM api_tokens")
        .fetch_one(&app.db().await)
        .await
        .expect("row");
    assert!(
        !stored.contains(&created.token[9..]),
        "only a hash is stored"
    );

    let mut socket = app.ws_live(&created.token).await;
    app.delete(&format!("/api/v1/tokens/{}", created.info.id), &alice.token)
        .await
        .assert_status(204);
    assert_eq!(
        socket.closed().await,
        Closed::Code(close_code::UNAUTHORIZED)
    );
    app.get("/api/v1/users/me", &created.token)
        .await
        .assert_error(ErrorCode::Unauthorized);
    // The session that made it is unaffected.
    app.get("/api/v1/users/me", &alice.token)
        .await
        .assert_status(200);
}

#[tokio::test]
async fn a_read_token_reads_but_cannot_write_over_rest_or_the_socket() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let lobby = app.create_lobby(&alice, "general", "public").await;
    let reader = personal_token(&app, &alice, &["read"]).await;
    app.get(
        &format!("/api/v1/lobbies/{}/messages", lobby.id),
        &reader.token,
    )
    .await
    .assert_status(200);
    app.post(
        &format!("/api/v1/lobbies/{}/messages", lobby.id),
        &reader.token,
        json!({"content": "hi"}),
    )
    .await
    .assert_error(ErrorCode::Forbidden);
    let mut socket = app.ws_live(&reader.token).await;
    socket
        .send(&ClientFrame::MessageSend {
            conversation_id: lobby.id.into(),
            content: MessageContent::parse("hi").expect("content"),
            nonce: Nonce::new("n1").expect("nonce"),
            reply_to: None,
        })
        .await;
    let (refused, _) = socket
        .until(|f| matches!(f, ServerFrame::Error { .. }))
        .await;
    assert!(matches!(
        refused,
        ServerFrame::Error {
            code: ErrorCode::Forbidden,
            ..
        }
    ));
    // It still receives live events.
    app.say(&alice, &lobby, "for the bot").await;
    socket
        .until(|f| matches!(f, ServerFrame::MessageCreated { .. }))
        .await;
}

#[tokio::test]
async fn tokens_cannot_mint_tokens_change_passwords_or_delete_accounts() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let writer = personal_token(&app, &alice, &["read", "write"]).await;
    app.post(
        "/api/v1/tokens",
        &writer.token,
        json!({"name": "x", "scopes": ["read"]}),
    )
    .await
    .assert_error(ErrorCode::Forbidden);
    app.patch(
        "/api/v1/users/me",
        &writer.token,
        json!({"password": "new password", "current_password": "correct horse"}),
    )
    .await
    .assert_error(ErrorCode::Forbidden);
    app.delete("/api/v1/users/me", &writer.token)
        .await
        .assert_error(ErrorCode::Forbidden);
}

#[tokio::test]
async fn bad_token_requests_fail_validation() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    for body in [
        json!({"name": "x", "scopes": []}),
        json!({"name": "x", "scopes": ["admin"]}),
        json!({"name": "", "scopes": ["read"]}),
        json!({"name": "x", "scopes": ["read"], "expires_at": "2000-01-01T00:00:00Z"}),
    ] {
        app.post("/api/v1/tokens", &alice.token, body)
            .await
            .assert_error(ErrorCode::ValidationFailed);
    }
}

#[tokio::test]
async fn a_token_created_without_scopes_can_only_read() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let created: CreatedApiToken = app
        .post("/api/v1/tokens", &alice.token, json!({"name": "reader"}))
        .await
        .expect(201);
    assert_eq!(created.info.scopes, [TokenScope::Read]);
    app.get("/api/v1/users/me", &created.token)
        .await
        .assert_status(200);
    app.post("/api/v1/lobbies", &created.token, json!({"name": "nope"}))
        .await
        .assert_error(ErrorCode::Forbidden);
}

#[tokio::test]
async fn an_expired_token_is_refused() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let created: CreatedApiToken = app
        .post(
            "/api/v1/tokens",
            &alice.token,
            json!({"name": "short", "scopes": ["read"], "expires_at": "2999-01-01T00:00:00Z"}),
        )
        .await
        .expect(201);
    app.get("/api/v1/users/me", &created.token)
        .await
        .assert_status(200);
    // Let its time pass, as far as the database is concerned.
    let db = app.db().await;
    sqlx::query("UPDATE api_tokens SET expires_at = 1")
        .execute(&db)
        .await
        .expect("updated");
    app.get("/api/v1/users/me", &created.token)
        .await
        .assert_error(ErrorCode::Unauthorized);
}

#[tokio::test]
async fn a_client_token_creates_users_and_nothing_else() {
    let app = spawn_app().await;
    let admin = app.register("admin").await;
    let client: CreatedApiToken = app
        .post(
            "/api/v1/admin/client-tokens",
            &admin.token,
            json!({"name": "signup app"}),
        )
        .await
        .expect(201);
    assert!(client.token.starts_with("chat_ct_"));
    let made: AuthResponse = app
        .request(
            Method::POST,
            "/api/v1/users",
            Some(&client.token),
            Some(&json!({"username": "newbie", "password": "correct horse"})),
        )
        .await
        .expect(201);
    // The new user's token works; the client token is no user token.
    app.get("/api/v1/users/me", &made.token)
        .await
        .assert_status(200);
    app.get("/api/v1/users/me", &client.token)
        .await
        .assert_error(ErrorCode::Unauthorized);
    // A user token (JWT or personal) cannot create users.
    app.request(
        Method::POST,
        "/api/v1/users",
        Some(&admin.token),
        Some(&json!({"username": "sneaky", "password": "correct horse"})),
    )
    .await
    .assert_error(ErrorCode::Unauthorized);
    let pat = personal_token(&app, &admin, &["read", "write"]).await;
    app.request(
        Method::POST,
        "/api/v1/users",
        Some(&pat.token),
        Some(&json!({"username": "sneaky", "password": "correct horse"})),
    )
    .await
    .assert_error(ErrorCode::Unauthorized);

    let list: ApiTokenList = app
        .get("/api/v1/admin/client-tokens", &admin.token)
        .await
        .expect(200);
    assert_eq!(list.items.len(), 1);
    app.delete(
        &format!("/api/v1/admin/client-tokens/{}", client.info.id),
        &admin.token,
    )
    .await
    .assert_status(204);
    app.request(
        Method::POST,
        "/api/v1/users",
        Some(&client.token),
        Some(&json!({"username": "another", "password": "correct horse"})),
    )
    .await
    .assert_error(ErrorCode::Unauthorized);
    let audit: chat_core::v1::AuditPage = app
        .get("/api/v1/admin/audit", &admin.token)
        .await
        .expect(200);
    let actions: Vec<_> = audit.items.iter().map(|e| e.action).collect();
    assert_eq!(
        actions,
        [
            chat_core::v1::AuditAction::ClientTokenRevoke,
            chat_core::v1::AuditAction::ClientTokenCreate
        ]
    );
}

#[tokio::test]
async fn only_server_admins_manage_client_tokens() {
    let app = spawn_app().await;
    let _admin = app.register("admin").await;
    let user = app.register("user").await;
    app.post(
        "/api/v1/admin/client-tokens",
        &user.token,
        json!({"name": "x"}),
    )
    .await
    .assert_error(ErrorCode::Forbidden);
    app.get("/api/v1/admin/client-tokens", &user.token)
        .await
        .assert_error(ErrorCode::Forbidden);
}

#[tokio::test]
async fn in_token_registration_mode_only_client_apps_create_accounts() {
    let app =
        spawn_app_with(|c| c.registration = chat_server::config::RegistrationMode::Token).await;
    // The first account may register: it becomes the admin who makes client tokens.
    let admin = app.register("admin").await;
    app.request(
        Method::POST,
        "/api/v1/auth/register",
        None,
        Some(&json!({"username": "alice", "password": "correct horse"})),
    )
    .await
    .assert_error(ErrorCode::Forbidden);
    let client: CreatedApiToken = app
        .post(
            "/api/v1/admin/client-tokens",
            &admin.token,
            json!({"name": "signup app"}),
        )
        .await
        .expect(201);
    app.request(
        Method::POST,
        "/api/v1/users",
        Some(&client.token),
        Some(&json!({"username": "alice", "password": "correct horse"})),
    )
    .await
    .assert_status(201);
}

#[tokio::test]
async fn a_client_token_stops_working_when_its_creator_loses_admin_or_is_disabled() {
    let app = spawn_app().await;
    let first = app.register("first").await;
    let second = app.register("second").await;
    let set_admin = |user: UserId, admin: bool| {
        let app = &app;
        async move {
            sqlx::query("UPDATE users SET is_admin = $1 WHERE id = $2")
                .bind(i64::from(admin))
                .bind(user.to_string())
                .execute(&app.db().await)
                .await
                .expect("admin flag set");
        }
    };
    set_admin(second.id, true).await;
    let client: CreatedApiToken = app
        .post(
            "/api/v1/admin/client-tokens",
            &second.token,
            json!({"name": "signup app"}),
        )
        .await
        .expect(201);
    let create = |username: &'static str| {
        let (app, token) = (&app, client.token.clone());
        async move {
            app.request(
                Method::POST,
                "/api/v1/users",
                Some(&token),
                Some(&json!({"username": username, "password": "correct horse"})),
            )
            .await
        }
    };
    create("one").await.assert_status(201);
    // No longer a server admin: the token's power ended with its creator's.
    set_admin(second.id, false).await;
    create("two").await.assert_error(ErrorCode::Unauthorized);
    set_admin(second.id, true).await;
    create("three").await.assert_status(201);
    // Disabled by another admin: the same.
    app.post(
        &format!("/api/v1/admin/users/{}/disable", second.id),
        &first.token,
        json!({}),
    )
    .await
    .assert_status(200);
    create("four").await.assert_error(ErrorCode::Unauthorized);
}
