//! The user directory.

use chat_core::v1::{ErrorCode, User, UserPage};

use crate::helpers::spawn_app;

#[tokio::test]
async fn users_are_listed_by_username_in_pages_without_gaps() {
    let app = spawn_app().await;
    let me = app.register("zed").await;
    for name in ["carol", "alice", "bob", "dave", "erin"] {
        app.register(name).await;
    }
    let mut seen = Vec::new();
    let mut path = "/api/v1/users?limit=2".to_owned();
    loop {
        let page: UserPage = app.get(&path, &me.token).await.expect(200);
        assert!(page.items.len() <= 2);
        seen.extend(page.items.iter().map(|u| u.username.to_string()));
        match page.next_cursor {
            Some(cursor) => path = format!("/api/v1/users?limit=2&after={cursor}"),
            None => break,
        }
    }
    assert_eq!(seen, ["alice", "bob", "carol", "dave", "erin", "zed"]);
}

#[tokio::test]
async fn users_can_be_searched_by_the_start_of_their_names() {
    let app = spawn_app().await;
    let me = app.register("alice").await;
    app.register("albert").await;
    app.register("bob").await;
    app.patch(
        "/api/v1/users/me",
        &me.token,
        serde_json::json!({"display_name": "Queen"}),
    )
    .await
    .assert_status(200);
    let page: UserPage = app.get("/api/v1/users?q=AL", &me.token).await.expect(200);
    let names: Vec<_> = page.items.iter().map(|u| u.username.as_str()).collect();
    assert_eq!(names, ["albert", "alice"]);
    let page: UserPage = app.get("/api/v1/users?q=que", &me.token).await.expect(200);
    assert_eq!(page.items.len(), 1);
    // LIKE wildcards are matched literally.
    let page: UserPage = app.get("/api/v1/users?q=%25", &me.token).await.expect(200);
    assert!(page.items.is_empty());
}

#[tokio::test]
async fn a_user_is_found_by_id_and_shows_no_private_fields() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let reply = app
        .get(&format!("/api/v1/users/{}", alice.id), &bob.token)
        .await;
    let user: User = reply.expect(200);
    assert_eq!(user.id, alice.id);
    let raw: serde_json::Value = reply.json();
    assert!(raw.get("email").is_none() && raw.get("password_hash").is_none());
}

#[tokio::test]
async fn unknown_and_malformed_user_ids_are_refused() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    app.get(
        "/api/v1/users/01937a4c-3b5e-7c2a-9f1e-2b3c4d5e6f70",
        &alice.token,
    )
    .await
    .assert_error(ErrorCode::NotFound);
    // Id-shaped but not an id: a bad request; not id-shaped at all: no such route.
    app.get("/api/v1/users/0123-abcd", &alice.token)
        .await
        .assert_error(ErrorCode::BadRequest);
    app.get("/api/v1/users/not-an-id", &alice.token)
        .await
        .assert_error(ErrorCode::NotFound);
}

#[tokio::test]
async fn listing_users_needs_a_token() {
    let app = spawn_app().await;
    app.request(reqwest::Method::GET, "/api/v1/users", None, None)
        .await
        .assert_error(ErrorCode::Unauthorized);
}
