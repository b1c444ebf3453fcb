//! Server administration: the first admin, the admin API, disabling accounts, the audit log.

use chat_core::v1::{
    Account, AdminUser, AdminUserPage, AuditAction, AuditPage, ErrorCode, MessagePage, ServerStats,
    close_code,
};
use reqwest::Method;
use serde_json::json;

use crate::helpers::{spawn_app, spawn_app_with};
use crate::ws::Closed;

#[tokio::test]
async fn the_first_account_is_the_server_admin() {
    let app = spawn_app().await;
    let first = app.register("first").await;
    let second = app.register("second").await;
    let me: Account = app.get("/api/v1/users/me", &first.token).await.expect(200);
    assert!(me.is_admin);
    let them: Account = app.get("/api/v1/users/me", &second.token).await.expect(200);
    assert!(!them.is_admin);
}

#[tokio::test]
async fn every_admin_route_refuses_non_admins_and_anonymous_callers() {
    let app = spawn_app().await;
    let _admin = app.register("admin").await;
    let user = app.register("user").await;
    let lobby = app.create_lobby(&user, "mine", "public").await;
    let message = app.say(&user, &lobby, "hello").await;
    let routes = [
        (Method::GET, "/api/v1/admin/users".to_owned()),
        (
            Method::POST,
            format!("/api/v1/admin/users/{}/disable", user.id),
        ),
        (
            Method::POST,
            format!("/api/v1/admin/users/{}/enable", user.id),
        ),
        (
            Method::GET,
            format!("/api/v1/admin/users/{}/messages", user.id),
        ),
        (Method::GET, "/api/v1/admin/messages".to_owned()),
        (Method::GET, "/api/v1/admin/stats".to_owned()),
        (Method::GET, "/api/v1/admin/audit".to_owned()),
    ];
    for (method, path) in routes {
        let body = (method == Method::POST).then(|| json!({}));
        app.request(method.clone(), &path, Some(&user.token), body.as_ref())
            .await
            .assert_error(ErrorCode::Forbidden);
        app.request(method.clone(), &path, None, body.as_ref())
            .await
            .assert_error(ErrorCode::Unauthorized);
    }
    // Nothing was changed by the refused calls.
    app.get(
        &format!("/api/v1/lobbies/{}/messages/{}", lobby.id, message.id),
        &user.token,
    )
    .await
    .assert_status(200);
}

#[tokio::test]
async fn a_disabled_user_cannot_log_in_and_their_tokens_and_sockets_stop_at_once() {
    let app = spawn_app().await;
    let admin = app.register("admin").await;
    let user = app.register("user").await;
    let mut socket = app.ws_live(&user.token).await;
    // A token in use (and so remembered as active) stops as surely as one never used.
    app.get("/api/v1/users/me", &user.token)
        .await
        .assert_status(200);

    let disabled: AdminUser = app
        .post(
            &format!("/api/v1/admin/users/{}/disable", user.id),
            &admin.token,
            json!({}),
        )
        .await
        .expect(200);
    assert!(disabled.disabled);
    assert_eq!(
        socket.closed().await,
        Closed::Code(close_code::UNAUTHORIZED)
    );
    app.get("/api/v1/users/me", &user.token)
        .await
        .assert_error(ErrorCode::Unauthorized);
    app.login("user", "correct horse")
        .await
        .assert_error(ErrorCode::Forbidden);
    // A wrong password still looks like any wrong password.
    app.login("user", "wrong password")
        .await
        .assert_error(ErrorCode::Unauthorized);

    let enabled: AdminUser = app
        .post(
            &format!("/api/v1/admin/users/{}/enable", user.id),
            &admin.token,
            json!({}),
        )
        .await
        .expect(200);
    assert!(!enabled.disabled);
    // Enabling does not bring back the sessions the account had: they sign in again.
    app.get("/api/v1/users/me", &user.token)
        .await
        .assert_error(ErrorCode::Unauthorized);
    app.login("user", "correct horse").await.assert_status(200);
    app.post(
        &format!("/api/v1/admin/users/{}/disable", admin.id),
        &admin.token,
        json!({}),
    )
    .await
    .assert_error(ErrorCode::Conflict);
}

#[tokio::test]
async fn admins_read_all_messages_filtered_by_lobby_author_and_time() {
    let app = spawn_app().await;
    let admin = app.register("admin").await;
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let secret = app.create_lobby(&alice, "secret", "private").await;
    app.add_member(&alice, &secret, &bob).await;
    let first = app.say(&alice, &secret, "one").await;
    app.say(&bob, &secret, "two").await;
    let other = app.create_lobby(&bob, "other", "public").await;
    app.say(&bob, &other, "three").await;
    app.post(
        &format!("/api/v1/users/{}/messages", alice.id),
        &bob.token,
        json!({"content": "dm"}),
    )
    .await
    .assert_status(201);

    let all: MessagePage = app
        .get("/api/v1/admin/messages", &admin.token)
        .await
        .expect(200);
    let texts: Vec<_> = all.items.iter().map(|m| m.content.as_str()).collect();
    assert_eq!(texts, ["dm", "three", "two", "one"]);

    let in_secret: MessagePage = app
        .get(
            &format!("/api/v1/admin/messages?lobby_id={}", secret.id),
            &admin.token,
        )
        .await
        .expect(200);
    assert_eq!(in_secret.items.len(), 2);
    let by_bob: MessagePage = app
        .get(
            &format!("/api/v1/admin/users/{}/messages", bob.id),
            &admin.token,
        )
        .await
        .expect(200);
    assert_eq!(
        by_bob
            .items
            .iter()
            .map(|m| m.content.as_str())
            .collect::<Vec<_>>(),
        ["dm", "three", "two"]
    );
    let since = first.created_at.to_string();
    let later: MessagePage = app
        .get(
            &format!("/api/v1/admin/messages?until={}", since.replace('+', "%2B")),
            &admin.token,
        )
        .await
        .expect(200);
    assert!(later.items.is_empty(), "nothing before the first message");

    // Paging walks everything once.
    let mut seen = Vec::new();
    let mut path = "/api/v1/admin/messages?limit=3".to_owned();
    loop {
        let page: MessagePage = app.get(&path, &admin.token).await.expect(200);
        seen.extend(page.items.iter().map(|m| m.id));
        match page.next_cursor {
            Some(cursor) => path = format!("/api/v1/admin/messages?limit=3&before={cursor}"),
            None => break,
        }
    }
    assert_eq!(seen, all.items.iter().map(|m| m.id).collect::<Vec<_>>());
}

#[tokio::test]
async fn admins_delete_any_lobby_or_message_and_every_action_is_audited() {
    let app = spawn_app().await;
    let admin = app.register("admin").await;
    let alice = app.register("alice").await;
    let lobby = app.create_lobby(&alice, "secret", "private").await;
    let message = app.say(&alice, &lobby, "bad words").await;
    let mut alice_ws = app.ws_live(&alice.token).await;

    // Moderation goes through the ordinary routes, for a private lobby the admin is not in.
    app.delete(&format!("/api/v1/messages/{}", message.id), &admin.token)
        .await
        .assert_status(204);
    let (deleted, _) = alice_ws
        .until(|f| matches!(f, chat_core::v1::ServerFrame::MessageDeleted { .. }))
        .await;
    assert!(
        matches!(deleted, chat_core::v1::ServerFrame::MessageDeleted { message_id, .. } if message_id == message.id)
    );
    app.delete(&format!("/api/v1/lobbies/{}", lobby.id), &admin.token)
        .await
        .assert_status(204);
    app.get(&format!("/api/v1/lobbies/{}", lobby.id), &alice.token)
        .await
        .assert_error(ErrorCode::NotFound);
    app.post(
        &format!("/api/v1/admin/users/{}/disable", alice.id),
        &admin.token,
        json!({}),
    )
    .await
    .assert_status(200);

    let audit: AuditPage = app
        .get("/api/v1/admin/audit", &admin.token)
        .await
        .expect(200);
    let actions: Vec<_> = audit
        .items
        .iter()
        .map(|e| (e.action, e.target.clone()))
        .collect();
    assert_eq!(
        actions,
        [
            (AuditAction::UserDisable, alice.id.to_string()),
            (AuditAction::LobbyDelete, lobby.id.to_string()),
            (AuditAction::MessageDelete, message.id.to_string()),
        ]
    );
    assert!(audit.items.iter().all(|e| e.actor_id == Some(admin.id)));
}

#[tokio::test]
async fn the_lobby_route_deletes_only_lobbies_even_for_a_server_admin() {
    let app = spawn_app().await;
    let admin = app.register("admin").await;
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let dm = app.say_to(&alice, &bob, "private words").await;
    app.delete(
        &format!("/api/v1/lobbies/{}", dm.conversation_id),
        &admin.token,
    )
    .await
    .assert_error(ErrorCode::NotFound);
    app.get(
        &format!("/api/v1/chats/{}/messages", dm.conversation_id),
        &bob.token,
    )
    .await
    .assert_status(200);
}

#[tokio::test]
async fn stats_count_users_lobbies_messages_and_connections() {
    let app = spawn_app().await;
    let admin = app.register("admin").await;
    let alice = app.register("alice").await;
    let lobby = app.create_lobby(&alice, "general", "public").await;
    app.say(&alice, &lobby, "one").await;
    let gone = app.say(&alice, &lobby, "two").await;
    app.delete(&format!("/api/v1/messages/{}", gone.id), &alice.token)
        .await
        .assert_status(204);
    let _socket = app.ws_live(&alice.token).await;
    let stats: ServerStats = app
        .get("/api/v1/admin/stats", &admin.token)
        .await
        .expect(200);
    assert_eq!(
        stats,
        ServerStats {
            users: 2,
            lobbies: 1,
            messages: 1,
            open_connections: 1
        }
    );
}

#[tokio::test]
async fn the_server_command_line_grants_and_revokes_admin_on_the_database() {
    let app = spawn_app().await;
    let _first = app.register("first").await;
    let second = app.register("second").await;
    let mut config = chat_server::Config::with_data_dir(app.dir.path());
    config.database_url = Some(app.database_url.clone());
    chat_server::manage::set_admin(&config, "second", true)
        .await
        .expect("granted");
    let users: AdminUserPage = app
        .get("/api/v1/admin/users?q=sec", &second.token)
        .await
        .expect(200);
    assert!(users.items[0].is_admin);
    let audit: AuditPage = app
        .get("/api/v1/admin/audit", &second.token)
        .await
        .expect(200);
    assert_eq!(audit.items[0].action, AuditAction::AdminGrant);
    assert_eq!(audit.items[0].actor_id, None);
    chat_server::manage::set_admin(&config, "second", false)
        .await
        .expect("revoked");
    app.get("/api/v1/admin/stats", &second.token)
        .await
        .assert_error(ErrorCode::Forbidden);
    assert!(
        chat_server::manage::set_admin(&config, "nobody", true)
            .await
            .is_err()
    );
}

#[tokio::test]
async fn closed_registration_refuses_new_accounts() {
    let app =
        spawn_app_with(|c| c.registration = chat_server::config::RegistrationMode::Closed).await;
    app.request(
        Method::POST,
        "/api/v1/auth/register",
        None,
        Some(&json!({"username": "alice", "password": "correct horse"})),
    )
    .await
    .assert_error(ErrorCode::Forbidden);
}
