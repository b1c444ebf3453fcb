//! Lobby messages: posting, history, pagination, editing and deleting.

use std::collections::HashSet;

use chat_core::v1::{ErrorCode, Message, MessagePage};
use serde_json::json;

use crate::helpers::spawn_app;

#[tokio::test]
async fn messages_get_consecutive_seqs_starting_at_one() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let lobby = app.create_lobby(&alice, "general", "public").await;
    for expected in 1..=5u64 {
        let message = app
            .say(&alice, &lobby, &format!("message {expected}"))
            .await;
        assert_eq!(message.seq, expected);
        assert_eq!(message.conversation_id, lobby.id.into());
        assert_eq!(message.author.as_ref().map(|a| a.id), Some(alice.id));
    }
}

#[tokio::test]
async fn concurrent_posts_never_share_or_skip_a_seq() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let lobby = app.create_lobby(&alice, "general", "public").await;
    app.join(&bob, &lobby).await;
    let mut tasks = Vec::new();
    for i in 0..40 {
        let (client, url, token) = (
            app.client.clone(),
            app.url(&format!("/api/v1/lobbies/{}/messages", lobby.id)),
            if i % 2 == 0 {
                alice.token.clone()
            } else {
                bob.token.clone()
            },
        );
        tasks.push(tokio::spawn(async move {
            let reply = client
                .post(url)
                .bearer_auth(token)
                .json(&json!({"content": format!("m{i}")}))
                .send()
                .await
                .expect("sent");
            assert_eq!(reply.status(), 201);
            reply.json::<Message>().await.expect("message").seq
        }));
    }
    let mut seqs = Vec::new();
    for task in tasks {
        seqs.push(task.await.expect("task"));
    }
    seqs.sort_unstable();
    assert_eq!(seqs, (1..=40).collect::<Vec<u64>>());
}

#[tokio::test]
async fn history_is_newest_first_and_walks_back_without_gaps_while_messages_arrive() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let lobby = app.create_lobby(&alice, "general", "public").await;
    for i in 1..=25 {
        app.say(&alice, &lobby, &format!("m{i}")).await;
    }
    let base = format!("/api/v1/lobbies/{}/messages", lobby.id);
    let mut seen = Vec::new();
    let mut path = format!("{base}?limit=7");
    let mut pages = 0;
    loop {
        let page: MessagePage = app.get(&path, &alice.token).await.expect(200);
        seen.extend(page.items.iter().map(|m| m.seq));
        pages += 1;
        // New messages keep arriving; walking backwards is not disturbed by them.
        app.say(&alice, &lobby, &format!("late {pages}")).await;
        match page.next_cursor {
            Some(cursor) => path = format!("{base}?limit=7&before={cursor}"),
            None => break,
        }
    }
    assert_eq!(seen, (1..=25).rev().collect::<Vec<u64>>());
    assert_eq!(pages, 4);
}

#[tokio::test]
async fn history_after_a_message_walks_forward_and_reaches_new_messages() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let lobby = app.create_lobby(&alice, "general", "public").await;
    let first = app.say(&alice, &lobby, "first").await;
    for i in 2..=10 {
        app.say(&alice, &lobby, &format!("m{i}")).await;
    }
    let base = format!("/api/v1/lobbies/{}/messages", lobby.id);
    let mut seen = vec![first.seq];
    let mut cursor = first.id;
    let mut sent = 10;
    loop {
        let page: MessagePage = app
            .get(&format!("{base}?limit=4&after={cursor}"), &alice.token)
            .await
            .expect(200);
        seen.extend(page.items.iter().map(|m| m.seq));
        if let Some(last) = page.items.last() {
            cursor = last.id;
        }
        if sent < 14 {
            sent += 1;
            app.say(&alice, &lobby, &format!("m{sent}")).await;
        } else if page.items.is_empty() {
            break;
        }
    }
    let unique: HashSet<u64> = seen.iter().copied().collect();
    assert_eq!(unique.len(), seen.len(), "no duplicates: {seen:?}");
    assert_eq!(seen, (1..=sent).collect::<Vec<u64>>());
}

#[tokio::test]
async fn one_message_can_be_fetched_by_id() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let lobby = app.create_lobby(&alice, "general", "public").await;
    let other = app.create_lobby(&alice, "other", "public").await;
    let message = app.say(&alice, &lobby, "hello").await;
    let fetched: Message = app
        .get(
            &format!("/api/v1/lobbies/{}/messages/{}", lobby.id, message.id),
            &alice.token,
        )
        .await
        .expect(200);
    assert_eq!(fetched, message);
    app.get(
        &format!("/api/v1/lobbies/{}/messages/{}", other.id, message.id),
        &alice.token,
    )
    .await
    .assert_error(ErrorCode::NotFound);
}

#[tokio::test]
async fn the_author_edits_a_message_and_the_edit_is_recorded() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let lobby = app.create_lobby(&alice, "general", "public").await;
    app.join(&bob, &lobby).await;
    let message = app.say(&alice, &lobby, "helo").await;
    let path = format!("/api/v1/messages/{}", message.id);
    let edited: Message = app
        .patch(&path, &alice.token, json!({"content": "hello"}))
        .await
        .expect(200);
    assert_eq!(edited.content.as_str(), "hello");
    assert_eq!(edited.seq, message.seq);
    assert!(edited.edited_at.is_some());
    app.patch(&path, &bob.token, json!({"content": "hijacked"}))
        .await
        .assert_error(ErrorCode::Forbidden);
    // An edit cannot move the message or change its author.
    app.patch(
        &path,
        &alice.token,
        json!({"content": "x", "conversation_id": lobby.id}),
    )
    .await
    .assert_error(ErrorCode::ValidationFailed);
    app.patch(&path, &alice.token, json!({"content": "x", "author": null}))
        .await
        .assert_error(ErrorCode::ValidationFailed);
}

#[tokio::test]
async fn a_deleted_message_disappears_for_everyone_and_its_text_is_erased() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let lobby = app.create_lobby(&alice, "general", "public").await;
    app.join(&bob, &lobby).await;
    let keep = app.say(&bob, &lobby, "keep me").await;
    let gone = app.say(&bob, &lobby, "top secret").await;
    app.delete(&format!("/api/v1/messages/{}", gone.id), &bob.token)
        .await
        .assert_status(204);

    for user in [&alice, &bob] {
        let page: MessagePage = app
            .get(
                &format!("/api/v1/lobbies/{}/messages", lobby.id),
                &user.token,
            )
            .await
            .expect(200);
        assert_eq!(page.items, vec![keep.clone()]);
    }
    app.get(
        &format!("/api/v1/lobbies/{}/messages/{}", lobby.id, gone.id),
        &alice.token,
    )
    .await
    .assert_error(ErrorCode::NotFound);
    app.delete(&format!("/api/v1/messages/{}", gone.id), &bob.token)
        .await
        .assert_error(ErrorCode::NotFound);
    app.patch(
        &format!("/api/v1/messages/{}", gone.id),
        &bob.token,
        json!({"content": "back"}),
    )
    .await
    .assert_error(ErrorCode::NotFound);
    let stored: String = sqlx::query_scalar("SELECT content FROM messages WHERE id = $1")
        .bind(gone.id.to_string())
        .fetch_one(&app.db().await)
        .await
        .expect("tombstone row");
    assert_eq!(stored, "");
    // The seq stays taken: the next message does not reuse it.
    assert_eq!(app.say(&bob, &lobby, "next").await.seq, gone.seq + 1);
}

#[tokio::test]
async fn a_lobby_admin_deletes_anyones_message_but_a_member_cannot() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let carol = app.register("carol").await;
    let lobby = app.create_lobby(&alice, "general", "public").await;
    app.join(&bob, &lobby).await;
    app.join(&carol, &lobby).await;
    let message = app.say(&bob, &lobby, "spam").await;
    let path = format!("/api/v1/messages/{}", message.id);
    app.delete(&path, &carol.token)
        .await
        .assert_error(ErrorCode::Forbidden);
    app.delete(&path, &alice.token).await.assert_status(204);
}
