//! The caller's own account: read, update, password change, deletion.

use chat_core::v1::{Account, ErrorCode, MessagePage};
use serde_json::json;

use crate::helpers::spawn_app;

#[tokio::test]
async fn updating_the_account_changes_only_the_given_fields() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let updated: Account = app
        .patch(
            "/api/v1/users/me",
            &alice.token,
            json!({"display_name": "Alice", "description": "hi\nthere", "email": "a@b.c"}),
        )
        .await
        .expect(200);
    assert_eq!(updated.display_name.as_str(), "Alice");
    assert_eq!(updated.description.as_str(), "hi\nthere");
    assert_eq!(updated.email.as_ref().map(|e| e.as_str()), Some("a@b.c"));

    let cleared: Account = app
        .patch("/api/v1/users/me", &alice.token, json!({"email": null}))
        .await
        .expect(200);
    assert_eq!(cleared.email, None);
    assert_eq!(cleared.display_name.as_str(), "Alice");
}

#[tokio::test]
async fn a_patch_cannot_change_the_username_or_id() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    for body in [
        json!({"username": "mallory"}),
        json!({"id": alice.id}),
        json!({"created_at": "2020-01-01T00:00:00Z"}),
    ] {
        app.patch("/api/v1/users/me", &alice.token, body)
            .await
            .assert_error(ErrorCode::ValidationFailed);
    }
    let me: Account = app.get("/api/v1/users/me", &alice.token).await.expect(200);
    assert_eq!(me.username.as_str(), "alice");
}

#[tokio::test]
async fn changing_the_password_needs_the_current_one_and_signs_out_other_sessions() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let other_session: chat_core::v1::AuthResponse =
        app.login("alice", "correct horse").await.expect(200);

    app.patch(
        "/api/v1/users/me",
        &alice.token,
        json!({"password": "new password"}),
    )
    .await
    .assert_error(ErrorCode::ValidationFailed);
    app.patch(
        "/api/v1/users/me",
        &alice.token,
        json!({"password": "new password", "current_password": "wrong one"}),
    )
    .await
    .assert_error(ErrorCode::Forbidden);
    // The refused attempts changed nothing.
    app.get("/api/v1/users/me", &other_session.token)
        .await
        .assert_status(200);

    app.patch(
        "/api/v1/users/me",
        &alice.token,
        json!({"password": "new password", "current_password": "correct horse"}),
    )
    .await
    .assert_status(200);
    app.get("/api/v1/users/me", &alice.token)
        .await
        .assert_status(200);
    app.get("/api/v1/users/me", &other_session.token)
        .await
        .assert_error(ErrorCode::Unauthorized);
    app.login("alice", "correct horse")
        .await
        .assert_error(ErrorCode::Unauthorized);
    app.login("alice", "new password").await.assert_status(200);
}

#[tokio::test]
async fn deleting_the_account_keeps_lobby_messages_without_author_and_removes_direct_chats() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let lobby = app.create_lobby(&bob, "general", "public").await;
    app.join(&alice, &lobby).await;
    app.say(&alice, &lobby, "hello from alice").await;
    let dm = app.say_to(&alice, &bob, "psst").await;

    app.delete("/api/v1/users/me", &alice.token)
        .await
        .assert_status(204);

    app.get("/api/v1/users/me", &alice.token)
        .await
        .assert_error(ErrorCode::Unauthorized);
    // Refused by authentication itself, on a route that would have an answer for anyone.
    app.get("/api/v1/lobbies/community", &alice.token)
        .await
        .assert_error(ErrorCode::Unauthorized);
    app.login("alice", "correct horse")
        .await
        .assert_error(ErrorCode::Unauthorized);
    let history: MessagePage = app
        .get(
            &format!("/api/v1/lobbies/{}/messages", lobby.id),
            &bob.token,
        )
        .await
        .expect(200);
    assert_eq!(history.items.len(), 1);
    assert_eq!(history.items[0].content.as_str(), "hello from alice");
    assert_eq!(history.items[0].author, None);
    let chats: chat_core::v1::ChatList = app.get("/api/v1/chats", &bob.token).await.expect(200);
    assert!(chats.items.is_empty());
    app.get(&format!("/api/v1/chats/{}", dm.conversation_id), &bob.token)
        .await
        .assert_error(ErrorCode::NotFound);
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM messages WHERE id = $1")
        .bind(dm.id.to_string())
        .fetch_one(&app.db().await)
        .await
        .expect("query");
    assert_eq!(stored, 0, "direct messages are deleted with the account");
    // The name is free again.
    app.register("alice").await;
}

#[tokio::test]
async fn the_last_admin_deleting_their_account_hands_the_lobby_on() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let lobby = app.create_lobby(&alice, "general", "private").await;
    app.add_member(&alice, &lobby, &bob).await;
    app.delete("/api/v1/users/me", &alice.token)
        .await
        .assert_status(204);
    let seen: chat_core::v1::Lobby = app
        .get(&format!("/api/v1/lobbies/{}", lobby.id), &bob.token)
        .await
        .expect(200);
    assert_eq!(
        seen.membership.map(|m| m.role),
        Some(chat_core::v1::Role::Admin)
    );
    assert_eq!(seen.member_count, 1);
}
