//! Direct chats.

use chat_core::v1::{Chat, ChatList, ErrorCode, Message, MessagePage};
use serde_json::json;

use crate::helpers::spawn_app;

#[tokio::test]
async fn opening_a_chat_twice_finds_the_same_one() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let chat: Chat = app
        .post("/api/v1/chats", &alice.token, json!({"user_id": bob.id}))
        .await
        .expect(201);
    assert_eq!(chat.partner.id, bob.id);
    assert!(chat.last_message.is_none());
    let again: Chat = app
        .post("/api/v1/chats", &alice.token, json!({"user_id": bob.id}))
        .await
        .expect(200);
    assert_eq!(again.id, chat.id);
    let from_bob: Chat = app
        .post("/api/v1/chats", &bob.token, json!({"user_id": alice.id}))
        .await
        .expect(200);
    assert_eq!(from_bob.id, chat.id);
    assert_eq!(from_bob.partner.id, alice.id);
}

#[tokio::test]
async fn a_chat_with_yourself_or_nobody_is_refused() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    app.post("/api/v1/chats", &alice.token, json!({"user_id": alice.id}))
        .await
        .assert_error(ErrorCode::ValidationFailed);
    app.post(
        "/api/v1/chats",
        &alice.token,
        json!({"user_id": "01937a4c-3b5e-7c2a-9f1e-2b3c4d5e6f70"}),
    )
    .await
    .assert_error(ErrorCode::NotFound);
}

#[tokio::test]
async fn sending_to_a_user_opens_the_chat_and_both_see_the_history() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let first = app.say_to(&alice, &bob, "hi bob").await;
    assert_eq!(first.seq, 1);
    let chat_id = first.conversation_id;
    let reply: Message = app
        .post(
            &format!("/api/v1/chats/{chat_id}/messages"),
            &bob.token,
            json!({"content": "hi alice"}),
        )
        .await
        .expect(201);
    assert_eq!(reply.seq, 2);

    for user in [&alice, &bob] {
        let page: MessagePage = app
            .get(&format!("/api/v1/chats/{chat_id}/messages"), &user.token)
            .await
            .expect(200);
        let texts: Vec<_> = page.items.iter().map(|m| m.content.as_str()).collect();
        assert_eq!(texts, ["hi alice", "hi bob"]);
    }
    let chats: ChatList = app.get("/api/v1/chats", &alice.token).await.expect(200);
    assert_eq!(chats.items.len(), 1);
    let chat = &chats.items[0];
    assert_eq!(chat.partner.id, bob.id);
    assert_eq!(chat.last_message.as_ref().map(|m| m.id), Some(reply.id));
    assert_eq!(chat.unread_count, 1);
    assert_eq!(chat.last_seq, 2);
}

#[tokio::test]
async fn chats_are_listed_most_recently_active_first() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let carol = app.register("carol").await;
    app.post(
        &format!("/api/v1/users/{}/messages", bob.id),
        &alice.token,
        json!({"content": "1"}),
    )
    .await
    .assert_status(201);
    app.post(
        &format!("/api/v1/users/{}/messages", carol.id),
        &alice.token,
        json!({"content": "2"}),
    )
    .await
    .assert_status(201);
    let chats: ChatList = app.get("/api/v1/chats", &alice.token).await.expect(200);
    let partners: Vec<_> = chats.items.iter().map(|c| c.partner.id).collect();
    assert_eq!(partners, [carol.id, bob.id]);
}

#[tokio::test]
async fn direct_messages_are_edited_and_deleted_by_their_author_only() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let message = app.say_to(&alice, &bob, "typo").await;
    let path = format!("/api/v1/messages/{}", message.id);
    app.patch(&path, &bob.token, json!({"content": "nope"}))
        .await
        .assert_error(ErrorCode::Forbidden);
    app.delete(&path, &bob.token)
        .await
        .assert_error(ErrorCode::Forbidden);
    let edited: Message = app
        .patch(&path, &alice.token, json!({"content": "fixed"}))
        .await
        .expect(200);
    assert_eq!(edited.content.as_str(), "fixed");
    app.delete(&path, &alice.token).await.assert_status(204);
    let page: MessagePage = app
        .get(
            &format!("/api/v1/chats/{}/messages", message.conversation_id),
            &bob.token,
        )
        .await
        .expect(200);
    assert!(page.items.is_empty());
}

#[tokio::test]
async fn deleting_a_chat_hides_it_for_me_only_until_a_new_message() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let old = app.say_to(&alice, &bob, "old").await;
    let chat_id = old.conversation_id;
    app.delete(&format!("/api/v1/chats/{chat_id}"), &alice.token)
        .await
        .assert_status(204);

    let mine: ChatList = app.get("/api/v1/chats", &alice.token).await.expect(200);
    assert!(mine.items.is_empty());
    app.get(&format!("/api/v1/chats/{chat_id}"), &alice.token)
        .await
        .assert_error(ErrorCode::NotFound);
    let theirs: ChatList = app.get("/api/v1/chats", &bob.token).await.expect(200);
    assert_eq!(theirs.items.len(), 1);

    let new: Message = app
        .post(
            &format!("/api/v1/chats/{chat_id}/messages"),
            &bob.token,
            json!({"content": "new"}),
        )
        .await
        .expect(201);
    let back: Chat = app
        .get(&format!("/api/v1/chats/{chat_id}"), &alice.token)
        .await
        .expect(200);
    assert_eq!(back.last_message.map(|m| m.id), Some(new.id));
    let page: MessagePage = app
        .get(&format!("/api/v1/chats/{chat_id}/messages"), &alice.token)
        .await
        .expect(200);
    assert_eq!(
        page.items.iter().map(|m| m.id).collect::<Vec<_>>(),
        [new.id]
    );
    let bobs: MessagePage = app
        .get(&format!("/api/v1/chats/{chat_id}/messages"), &bob.token)
        .await
        .expect(200);
    assert_eq!(bobs.items.len(), 2);
}

#[tokio::test]
async fn outsiders_cannot_see_a_chat() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let eve = app.register("eve").await;
    let message = app.say_to(&alice, &bob, "private").await;
    let chat_id = message.conversation_id;
    app.get(&format!("/api/v1/chats/{chat_id}"), &eve.token)
        .await
        .assert_error(ErrorCode::NotFound);
    app.get(&format!("/api/v1/chats/{chat_id}/messages"), &eve.token)
        .await
        .assert_error(ErrorCode::NotFound);
    app.post(
        &format!("/api/v1/chats/{chat_id}/messages"),
        &eve.token,
        json!({"content": "hi"}),
    )
    .await
    .assert_error(ErrorCode::NotFound);
    app.delete(&format!("/api/v1/chats/{chat_id}"), &eve.token)
        .await
        .assert_error(ErrorCode::NotFound);
    app.patch(
        &format!("/api/v1/messages/{}", message.id),
        &eve.token,
        json!({"content": "x"}),
    )
    .await
    .assert_error(ErrorCode::NotFound);
    // A chat id is not a lobby id.
    app.get(&format!("/api/v1/lobbies/{chat_id}"), &alice.token)
        .await
        .assert_error(ErrorCode::NotFound);
    app.get(&format!("/api/v1/lobbies/{chat_id}/messages"), &alice.token)
        .await
        .assert_error(ErrorCode::NotFound);
}

#[tokio::test]
async fn a_new_chat_appears_for_the_other_side_only_with_its_first_message() {
    // Before, anyone could add empty chats to a stranger's list by opening them.
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let chat: Chat = app
        .post("/api/v1/chats", &alice.token, json!({"user_id": bob.id}))
        .await
        .expect(201);
    let mine: ChatList = app.get("/api/v1/chats", &alice.token).await.expect(200);
    assert_eq!(mine.items.len(), 1);
    let theirs: ChatList = app.get("/api/v1/chats", &bob.token).await.expect(200);
    assert!(theirs.items.is_empty(), "{theirs:?}");
    app.get(&format!("/api/v1/chats/{}", chat.id), &bob.token)
        .await
        .assert_error(ErrorCode::NotFound);
    let first: Message = app
        .post(
            &format!("/api/v1/chats/{}/messages", chat.id),
            &alice.token,
            json!({"content": "hello"}),
        )
        .await
        .expect(201);
    let theirs: ChatList = app.get("/api/v1/chats", &bob.token).await.expect(200);
    assert_eq!(theirs.items.len(), 1);
    assert_eq!(
        theirs.items[0].last_message.as_ref().map(|m| m.id),
        Some(first.id)
    );
}

#[tokio::test]
async fn the_chat_with_a_user_is_read_by_their_id() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let eve = app.register("eve").await;
    let first = app.say_to(&alice, &bob, "one").await;
    app.say_to(&bob, &alice, "two").await;
    let by_chat: MessagePage = app
        .get(
            &format!("/api/v1/chats/{}/messages?limit=1", first.conversation_id),
            &alice.token,
        )
        .await
        .expect(200);
    let by_user: MessagePage = app
        .get(
            &format!("/api/v1/users/{}/messages?limit=1", bob.id),
            &alice.token,
        )
        .await
        .expect(200);
    assert_eq!(by_user, by_chat);
    assert!(by_user.next_cursor.is_some());
    // No chat between them, or with oneself: not found.
    app.get(&format!("/api/v1/users/{}/messages", eve.id), &alice.token)
        .await
        .assert_error(ErrorCode::NotFound);
    app.get(
        &format!("/api/v1/users/{}/messages", alice.id),
        &alice.token,
    )
    .await
    .assert_error(ErrorCode::NotFound);
    // A chat deleted for me reads as mine to start again: empty until a new message.
    app.delete(
        &format!("/api/v1/chats/{}", first.conversation_id),
        &alice.token,
    )
    .await
    .assert_status(204);
    app.get(&format!("/api/v1/users/{}/messages", bob.id), &alice.token)
        .await
        .assert_error(ErrorCode::NotFound);
}
