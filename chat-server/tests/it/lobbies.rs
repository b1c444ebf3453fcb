//! Lobbies: creation, listing, discovery, changes, joining and leaving.

use chat_core::v1::{ErrorCode, Lobby, LobbyList, LobbyPage, Role, Visibility};
use serde_json::json;

use crate::helpers::spawn_app;

#[tokio::test]
async fn the_creator_of_a_lobby_becomes_its_admin() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let lobby: Lobby = app
        .post(
            "/api/v1/lobbies",
            &alice.token,
            json!({"name": "  Rust  ", "description": "all things rust", "visibility": "private"}),
        )
        .await
        .expect(201);
    assert_eq!(lobby.name.as_str(), "Rust");
    assert_eq!(lobby.visibility, Visibility::Private);
    assert_eq!(lobby.member_count, 1);
    assert_eq!(lobby.created_by, Some(alice.id));
    assert_eq!(lobby.membership.as_ref().map(|m| m.role), Some(Role::Admin));

    let mine: LobbyList = app.get("/api/v1/lobbies", &alice.token).await.expect(200);
    assert_eq!(mine.items, vec![lobby]);
}

#[tokio::test]
async fn community_lists_public_lobbies_i_have_not_joined_with_search_and_paging() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    for name in ["Gamma", "alpha", "Beta", "alpine", "delta"] {
        app.create_lobby(&alice, name, "public").await;
    }
    app.create_lobby(&alice, "secret", "private").await;
    let joined = app.create_lobby(&alice, "already", "public").await;
    app.join(&bob, &joined).await;

    let mut names = Vec::new();
    let mut path = "/api/v1/lobbies/community?limit=2".to_owned();
    loop {
        let page: LobbyPage = app.get(&path, &bob.token).await.expect(200);
        for lobby in &page.items {
            assert!(lobby.membership.is_none());
            assert_eq!(lobby.member_count, 1);
            names.push(lobby.name.to_string());
        }
        match page.next_cursor {
            Some(c) => {
                path = format!(
                    "/api/v1/lobbies/community?limit=2&after={}",
                    urlencode(c.as_str())
                );
            }
            None => break,
        }
    }
    assert_eq!(names, ["alpha", "alpine", "Beta", "delta", "Gamma"]);

    let page: LobbyPage = app
        .get("/api/v1/lobbies/community?q=ALP", &bob.token)
        .await
        .expect(200);
    let names: Vec<_> = page.items.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["alpha", "alpine"]);
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn admins_rename_describe_and_change_visibility() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let lobby = app.create_lobby(&alice, "general", "public").await;
    let updated: Lobby = app
        .patch(
            &format!("/api/v1/lobbies/{}", lobby.id),
            &alice.token,
            json!({"name": "lounge", "description": "be nice", "visibility": "private"}),
        )
        .await
        .expect(200);
    assert_eq!(updated.name.as_str(), "lounge");
    assert_eq!(updated.description.as_str(), "be nice");
    assert_eq!(updated.visibility, Visibility::Private);
}

#[tokio::test]
async fn joining_a_public_lobby_twice_changes_nothing() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let lobby = app.create_lobby(&alice, "general", "public").await;
    app.join(&bob, &lobby).await;
    let again: Lobby = app
        .post(
            &format!("/api/v1/lobbies/{}/join", lobby.id),
            &bob.token,
            json!({}),
        )
        .await
        .expect(200);
    assert_eq!(again.member_count, 2);
    assert_eq!(again.membership.map(|m| m.role), Some(Role::Member));
}

#[tokio::test]
async fn when_the_last_admin_leaves_the_longest_standing_member_takes_over() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let carol = app.register("carol").await;
    let lobby = app.create_lobby(&alice, "general", "public").await;
    app.join(&bob, &lobby).await;
    app.join(&carol, &lobby).await;
    app.leave(&alice, &lobby).await.assert_status(204);
    let seen: Lobby = app
        .get(&format!("/api/v1/lobbies/{}", lobby.id), &bob.token)
        .await
        .expect(200);
    assert_eq!(seen.membership.map(|m| m.role), Some(Role::Admin));
    assert_eq!(seen.member_count, 2);
    let mine: LobbyList = app.get("/api/v1/lobbies", &alice.token).await.expect(200);
    assert!(mine.items.is_empty());
}

#[tokio::test]
async fn the_only_member_cannot_leave_and_nothing_changes() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let lobby = app.create_lobby(&alice, "solo", "public").await;
    app.say(&alice, &lobby, "anyone?").await;
    // Both ways of leaving: the leave action and removing oneself.
    app.leave(&alice, &lobby)
        .await
        .assert_error(ErrorCode::Conflict);
    app.delete(
        &format!("/api/v1/lobbies/{}/members/{}", lobby.id, alice.id),
        &alice.token,
    )
    .await
    .assert_error(ErrorCode::Conflict);
    let kept: Lobby = app
        .get(&format!("/api/v1/lobbies/{}", lobby.id), &alice.token)
        .await
        .expect(200);
    assert_eq!(kept.member_count, 1);
    assert_eq!(kept.membership.map(|m| m.role), Some(Role::Admin));
    let messages: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM messages")
        .fetch_one(&app.db().await)
        .await
        .expect("query");
    assert_eq!(messages, 1);
    // Once someone else is in, the creator may go; the newcomer inherits the lobby.
    let bob = app.register("bob").await;
    app.join(&bob, &lobby).await;
    app.leave(&alice, &lobby).await.assert_status(204);
    let inherited: Lobby = app
        .get(&format!("/api/v1/lobbies/{}", lobby.id), &bob.token)
        .await
        .expect(200);
    assert_eq!(inherited.membership.map(|m| m.role), Some(Role::Admin));
    app.leave(&bob, &lobby)
        .await
        .assert_error(ErrorCode::Conflict);
}

#[tokio::test]
async fn deleting_a_lobby_removes_it_for_everyone() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let lobby = app.create_lobby(&alice, "general", "public").await;
    app.join(&bob, &lobby).await;
    app.delete(&format!("/api/v1/lobbies/{}", lobby.id), &alice.token)
        .await
        .assert_status(204);
    app.get(&format!("/api/v1/lobbies/{}", lobby.id), &bob.token)
        .await
        .assert_error(ErrorCode::NotFound);
    let mine: LobbyList = app.get("/api/v1/lobbies", &bob.token).await.expect(200);
    assert!(mine.items.is_empty());
}

#[tokio::test]
async fn unread_counts_follow_other_peoples_messages() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let lobby = app.create_lobby(&alice, "general", "public").await;
    app.say(&alice, &lobby, "before bob joined").await;
    app.join(&bob, &lobby).await;
    app.say(&alice, &lobby, "one").await;
    app.say(&alice, &lobby, "two").await;
    app.say(&bob, &lobby, "mine").await;
    let mine: LobbyList = app.get("/api/v1/lobbies", &bob.token).await.expect(200);
    let membership = mine.items[0].membership.clone().expect("member");
    // Bob's own message marks everything before it read.
    assert_eq!(membership.unread_count, 0);
    assert_eq!(membership.read_seq, 4);
    let theirs: LobbyList = app.get("/api/v1/lobbies", &alice.token).await.expect(200);
    assert_eq!(
        theirs.items[0].membership.as_ref().map(|m| m.unread_count),
        Some(1)
    );
    assert_eq!(theirs.items[0].last_seq, 4);
}
