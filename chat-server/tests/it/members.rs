//! Lobby membership administered by lobby admins.

use chat_core::v1::{ErrorCode, Lobby, Member, MemberPage, Role};
use serde_json::json;

use crate::helpers::spawn_app;

#[tokio::test]
async fn an_admin_adds_a_user_to_a_private_lobby() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let lobby = app.create_lobby(&alice, "secret", "private").await;
    let path = format!("/api/v1/lobbies/{}/members/{}", lobby.id, bob.id);

    let member: Member = app.put(&path, &alice.token, None).await.expect(201);
    assert_eq!(member.user.id, bob.id);
    assert_eq!(member.role, Role::Member);
    // Adding again is not an error and changes nothing.
    let again: Member = app
        .put(&path, &alice.token, Some(json!({"role": "admin"})))
        .await
        .expect(200);
    assert_eq!(again.role, Role::Member);

    let seen: Lobby = app
        .get(&format!("/api/v1/lobbies/{}", lobby.id), &bob.token)
        .await
        .expect(200);
    assert_eq!(seen.member_count, 2);
}

#[tokio::test]
async fn members_are_listed_with_roles_in_pages() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let lobby = app.create_lobby(&alice, "general", "public").await;
    for name in ["dave", "bob", "carol"] {
        let user = app.register(name).await;
        app.join(&user, &lobby).await;
    }
    let first: MemberPage = app
        .get(
            &format!("/api/v1/lobbies/{}/members?limit=3", lobby.id),
            &alice.token,
        )
        .await
        .expect(200);
    let names: Vec<_> = first
        .items
        .iter()
        .map(|m| (m.user.username.to_string(), m.role))
        .collect();
    assert_eq!(
        names,
        [
            ("alice".to_owned(), Role::Admin),
            ("bob".to_owned(), Role::Member),
            ("carol".to_owned(), Role::Member)
        ]
    );
    let cursor = first.next_cursor.expect("one more page");
    let second: MemberPage = app
        .get(
            &format!(
                "/api/v1/lobbies/{}/members?limit=3&after={cursor}",
                lobby.id
            ),
            &alice.token,
        )
        .await
        .expect(200);
    assert_eq!(second.items.len(), 1);
    assert_eq!(second.items[0].user.username.as_str(), "dave");
    assert!(second.next_cursor.is_none());
}

#[tokio::test]
async fn admins_promote_and_demote_but_never_remove_the_last_admin() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let lobby = app.create_lobby(&alice, "general", "public").await;
    app.join(&bob, &lobby).await;
    let alice_path = format!("/api/v1/lobbies/{}/members/{}", lobby.id, alice.id);
    let bob_path = format!("/api/v1/lobbies/{}/members/{}", lobby.id, bob.id);

    app.patch(&alice_path, &alice.token, json!({"role": "member"}))
        .await
        .assert_error(ErrorCode::Conflict);
    let promoted: Member = app
        .patch(&bob_path, &alice.token, json!({"role": "admin"}))
        .await
        .expect(200);
    assert_eq!(promoted.role, Role::Admin);
    let demoted: Member = app
        .patch(&alice_path, &alice.token, json!({"role": "member"}))
        .await
        .expect(200);
    assert_eq!(demoted.role, Role::Member);
    let fetched: Member = app.get(&alice_path, &bob.token).await.expect(200);
    assert_eq!(fetched.role, Role::Member);
    // Alice is no longer an admin.
    app.patch(&bob_path, &alice.token, json!({"role": "member"}))
        .await
        .assert_error(ErrorCode::Forbidden);
}

#[tokio::test]
async fn an_admin_removes_a_member() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let lobby = app.create_lobby(&alice, "secret", "private").await;
    app.add_member(&alice, &lobby, &bob).await;
    let path = format!("/api/v1/lobbies/{}/members/{}", lobby.id, bob.id);
    app.delete(&path, &alice.token).await.assert_status(204);
    app.get(&format!("/api/v1/lobbies/{}", lobby.id), &bob.token)
        .await
        .assert_error(ErrorCode::NotFound);
    app.delete(&path, &alice.token)
        .await
        .assert_error(ErrorCode::NotFound);
}

#[tokio::test]
async fn adding_an_unknown_user_is_not_found() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let lobby = app.create_lobby(&alice, "general", "public").await;
    app.put(
        &format!(
            "/api/v1/lobbies/{}/members/01937a4c-3b5e-7c2a-9f1e-2b3c4d5e6f70",
            lobby.id
        ),
        &alice.token,
        None,
    )
    .await
    .assert_error(ErrorCode::NotFound);
}

#[tokio::test]
async fn a_role_patch_refuses_other_fields() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let lobby = app.create_lobby(&alice, "general", "public").await;
    app.join(&bob, &lobby).await;
    app.patch(
        &format!("/api/v1/lobbies/{}/members/{}", lobby.id, bob.id),
        &alice.token,
        json!({"role": "admin", "user_id": alice.id}),
    )
    .await
    .assert_error(ErrorCode::ValidationFailed);
    app.patch(
        &format!("/api/v1/lobbies/{}/members/{}", lobby.id, bob.id),
        &alice.token,
        json!({"role": "owner"}),
    )
    .await
    .assert_error(ErrorCode::ValidationFailed);
}
