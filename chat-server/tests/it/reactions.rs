//! Replies, reactions and pins over REST and the WebSocket: who may do what, the limits, the
//! aggregates in history, and the events live and on resume.

use std::collections::BTreeMap;

use chat_core::v1::{
    ClientFrame, ConversationId, ErrorCode, Message, MessagePage, Nonce, PinList, ReactorPage,
    ServerFrame,
};
use serde_json::json;

use crate::helpers::spawn_app;

fn react_path(message: &Message, emoji: &str) -> String {
    format!("/api/v1/messages/{}/reactions/{emoji}", message.id)
}

fn pin_path(message: &Message) -> String {
    format!("/api/v1/messages/{}/pin", message.id)
}

#[tokio::test]
async fn a_reply_carries_a_preview_of_the_message_it_answers_as_it_is_now() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let lobby = app.create_lobby(&alice, "replies", "public").await;
    app.join(&bob, &lobby).await;
    let long = "a".repeat(150);
    let original = app.say(&alice, &lobby, &long).await;
    let path = format!("/api/v1/lobbies/{}/messages", lobby.id);

    let reply: Message = app
        .post(
            &path,
            &bob.token,
            json!({"content": "agreed", "reply_to": original.id}),
        )
        .await
        .expect(201);
    let preview = reply.reply_to.expect("a preview");
    assert_eq!(preview.id, original.id);
    assert_eq!(preview.author.expect("author").id, alice.id);
    assert_eq!(preview.excerpt, format!("{}…", "a".repeat(100)));
    assert!(!preview.deleted);

    // The preview follows the original: edited, then deleted.
    app.patch(
        &format!("/api/v1/messages/{}", original.id),
        &alice.token,
        json!({"content": "short now"}),
    )
    .await
    .assert_status(200);
    let page: MessagePage = app.get(&path, &bob.token).await.expect(200);
    assert_eq!(
        page.items[0].reply_to.as_ref().expect("preview").excerpt,
        "short now"
    );
    app.delete(&format!("/api/v1/messages/{}", original.id), &alice.token)
        .await
        .assert_status(204);
    let page: MessagePage = app.get(&path, &bob.token).await.expect(200);
    let preview = page.items[0].reply_to.as_ref().expect("preview");
    assert!(preview.deleted && preview.excerpt.is_empty() && preview.author.is_none());

    // Replies only to live messages of the same conversation.
    let other = app.create_lobby(&bob, "elsewhere", "public").await;
    let elsewhere = app.say(&bob, &other, "over here").await;
    for target in [elsewhere.id, original.id] {
        let refused = app
            .post(
                &path,
                &bob.token,
                json!({"content": "x", "reply_to": target}),
            )
            .await;
        let body = refused.assert_error(ErrorCode::ValidationFailed);
        assert_eq!(body.error.details.expect("details")["field"], "reply_to");
    }
}

#[tokio::test]
async fn reactions_are_idempotent_aggregated_per_viewer_and_limited_to_20_emojis() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let lobby = app.create_lobby(&alice, "reacts", "public").await;
    app.join(&bob, &lobby).await;
    let message = app.say(&alice, &lobby, "react to me").await;

    // A shortcode and the emoji itself are one reaction; reacting twice changes nothing.
    for (user, emoji) in [(&alice, "👍"), (&bob, ":+1:"), (&bob, "👍"), (&bob, "🎉")] {
        app.put(&react_path(&message, emoji), &user.token, None)
            .await
            .assert_status(204);
    }
    let path = format!("/api/v1/lobbies/{}/messages", lobby.id);
    let seen_by = |page: MessagePage| {
        page.items[0]
            .reactions
            .iter()
            .map(|r| (r.emoji.as_str().to_owned(), r.count, r.me))
            .collect::<Vec<_>>()
    };
    let alice_view = seen_by(app.get(&path, &alice.token).await.expect(200));
    assert_eq!(
        alice_view,
        [("👍".to_owned(), 2, true), ("🎉".to_owned(), 1, false)]
    );
    let bob_view = seen_by(app.get(&path, &bob.token).await.expect(200));
    assert_eq!(
        bob_view,
        [("👍".to_owned(), 2, true), ("🎉".to_owned(), 1, true)]
    );

    let reactors: ReactorPage = app
        .get(
            &format!("{}?limit=1", react_path(&message, "👍")),
            &bob.token,
        )
        .await
        .expect(200);
    assert_eq!(reactors.items[0].id, alice.id, "first reacted first");
    let cursor = reactors.next_cursor.expect("a second page");
    let rest: ReactorPage = app
        .get(
            &format!("{}?limit=1&after={cursor}", react_path(&message, "👍")),
            &bob.token,
        )
        .await
        .expect(200);
    assert_eq!(rest.items[0].id, bob.id);
    assert!(rest.next_cursor.is_none());

    // Taking it back, twice.
    for _ in 0..2 {
        app.delete(&react_path(&message, "%F0%9F%8E%89"), &bob.token)
            .await
            .assert_status(204);
    }
    let bob_view = seen_by(app.get(&path, &bob.token).await.expect(200));
    assert_eq!(bob_view, [("👍".to_owned(), 2, true)]);

    // Not an emoji: 422 naming it.
    for bad in ["hello", "%F0%9F%91%8D%F0%9F%91%8D", ":not-a-code:"] {
        let body = app
            .put(&react_path(&message, bad), &bob.token, None)
            .await
            .assert_error(ErrorCode::ValidationFailed);
        assert_eq!(body.error.details.expect("details")["field"], "emoji");
    }

    // 20 distinct emojis fit; the 21st is refused, an existing one still counts.
    let emojis = chat_core::v1::Emoji::search("", 40);
    let mut distinct = 1;
    for emoji in emojis.iter().filter(|e| e.as_str() != "👍") {
        let reply = app
            .put(&react_path(&message, emoji.as_str()), &alice.token, None)
            .await;
        if distinct < 20 {
            reply.assert_status(204);
            distinct += 1;
        } else {
            reply.assert_error(ErrorCode::Conflict);
            break;
        }
    }
    let page: MessagePage = app.get(&path, &alice.token).await.expect(200);
    assert_eq!(page.items[0].reactions.len(), 20);
}

#[tokio::test]
async fn outsiders_and_former_members_can_neither_react_nor_see_pins() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let eve = app.register("eve").await;
    let private = app.create_lobby(&alice, "secret", "private").await;
    app.add_member(&alice, &private, &bob).await;
    let message = app.say(&alice, &private, "inside").await;
    let pins = format!("/api/v1/lobbies/{}/pins", private.id);

    app.put(&react_path(&message, "👍"), &eve.token, None)
        .await
        .assert_error(ErrorCode::NotFound);
    app.get(&react_path(&message, "👍"), &eve.token)
        .await
        .assert_error(ErrorCode::NotFound);
    app.get(&pins, &eve.token)
        .await
        .assert_error(ErrorCode::NotFound);
    app.put(&pin_path(&message), &eve.token, None)
        .await
        .assert_error(ErrorCode::NotFound);

    // A member reacts but cannot pin in a lobby.
    app.put(&react_path(&message, "👍"), &bob.token, None)
        .await
        .assert_status(204);
    app.put(&pin_path(&message), &bob.token, None)
        .await
        .assert_error(ErrorCode::Forbidden);

    // Once out of the lobby, nothing.
    app.leave(&bob, &private).await.assert_status(204);
    app.delete(&react_path(&message, "👍"), &bob.token)
        .await
        .assert_error(ErrorCode::NotFound);
    app.get(&pins, &bob.token)
        .await
        .assert_error(ErrorCode::NotFound);
}

#[tokio::test]
async fn admins_pin_up_to_50_messages_and_a_deleted_message_leaves_the_pins() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let lobby = app.create_lobby(&alice, "pins", "public").await;
    app.join(&bob, &lobby).await;
    let pins_path = format!("/api/v1/lobbies/{}/pins", lobby.id);
    let mut messages = Vec::new();
    for i in 0..51 {
        messages.push(app.say(&bob, &lobby, &format!("m{i}")).await);
    }
    for message in &messages[..50] {
        app.put(&pin_path(message), &alice.token, None)
            .await
            .assert_status(204);
    }
    // Pinning again is no change; the 51st is refused.
    app.put(&pin_path(&messages[0]), &alice.token, None)
        .await
        .assert_status(204);
    app.put(&pin_path(&messages[50]), &alice.token, None)
        .await
        .assert_error(ErrorCode::Conflict);

    let pins: PinList = app.get(&pins_path, &bob.token).await.expect(200);
    assert_eq!(pins.items.len(), 50);
    assert_eq!(
        pins.items[0].message.id, messages[49].id,
        "newest pin first"
    );
    assert_eq!(
        pins.items[0].pinned_by.as_ref().expect("pinner").id,
        alice.id
    );
    assert!(pins.items[0].message.pinned_at.is_some());

    // Unpin one, delete another: both leave; room for the 51st.
    app.delete(&pin_path(&messages[0]), &alice.token)
        .await
        .assert_status(204);
    app.delete(&format!("/api/v1/messages/{}", messages[1].id), &bob.token)
        .await
        .assert_status(204);
    let pins: PinList = app.get(&pins_path, &bob.token).await.expect(200);
    assert_eq!(pins.items.len(), 48);
    app.put(&pin_path(&messages[50]), &alice.token, None)
        .await
        .assert_status(204);

    // In a direct chat, either participant pins.
    let dm = app.say_to(&alice, &bob, "pin this").await;
    app.put(&pin_path(&dm), &bob.token, None)
        .await
        .assert_status(204);
    let chat_pins: PinList = app
        .get(
            &format!("/api/v1/chats/{}/pins", dm.conversation_id),
            &alice.token,
        )
        .await
        .expect(200);
    assert_eq!(chat_pins.items[0].message.id, dm.id);
}

#[tokio::test]
async fn reactions_pins_and_replies_arrive_live_over_the_socket_and_replay_on_resume() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let lobby = app.create_lobby(&alice, "live", "public").await;
    app.join(&bob, &lobby).await;
    let conversation: ConversationId = lobby.id.into();
    let message = app.say(&alice, &lobby, "hello").await;
    let mut watcher = app.ws_live(&bob.token).await;
    let mut actor = app.ws_live(&alice.token).await;
    let nonce = |n: &str| Nonce::new(n).expect("nonce");

    // One at a time, each acknowledged before the next, so their events come in this order.
    let frames = [
        ClientFrame::ReactionAdd {
            message_id: message.id,
            emoji: chat_core::v1::Emoji::parse(":tada:").expect("emoji"),
            nonce: Some(nonce("r1")),
        },
        ClientFrame::MessagePin {
            message_id: message.id,
            nonce: Some(nonce("p1")),
        },
        ClientFrame::MessageSend {
            conversation_id: conversation,
            content: "a reply".parse().expect("content"),
            nonce: nonce("s1"),
            reply_to: Some(message.id),
        },
        ClientFrame::ReactionRemove {
            message_id: message.id,
            emoji: chat_core::v1::Emoji::parse("🎉").expect("emoji"),
            nonce: Some(nonce("r2")),
        },
    ];
    for frame in &frames {
        actor.send(frame).await;
        let (answer, _) = actor
            .until(|f| matches!(f, ServerFrame::Ack { .. } | ServerFrame::Error { .. }))
            .await;
        assert!(
            matches!(answer, ServerFrame::Ack { .. }),
            "{frame:?}: {answer:?}"
        );
    }

    let (first, skipped) = watcher
        .until(|f| matches!(f, ServerFrame::ReactionAdded(_)))
        .await;
    assert!(
        skipped.iter().all(|f| f.conversation_seq().is_none()),
        "the reaction is the first event: {skipped:?}"
    );
    let ServerFrame::ReactionAdded(added) = first else {
        unreachable!()
    };
    assert_eq!((added.emoji.as_str(), added.count), ("🎉", 1));
    assert_eq!(added.user_id, alice.id);
    let live = watcher.events_until(conversation, added.seq + 3).await;
    assert!(matches!(&live[0], ServerFrame::MessagePinned(p) if p.message_id == message.id));
    assert!(
        matches!(&live[1], ServerFrame::MessageCreated { message: m, .. }
        if m.reply_to.as_ref().is_some_and(|r| r.id == message.id))
    );
    assert!(matches!(&live[2], ServerFrame::ReactionRemoved(r) if r.count == 0));

    // A client that saw up to before the reaction gets the same four back on resume.
    let (mut again, _) = app.ws(&bob.token).await;
    let replay = again
        .resume(BTreeMap::from([(conversation, added.seq - 1)]))
        .await;
    assert_eq!(replay.len(), 4, "{replay:?}");
    assert_eq!(replay[0], ServerFrame::ReactionAdded(added));
    // The same pin, to the millisecond, live and replayed, and as the pins list shows it.
    assert_eq!(replay[1], live[0]);
    let ServerFrame::MessagePinned(pinned) = &live[0] else {
        unreachable!()
    };
    let pins: PinList = app
        .get(&format!("/api/v1/lobbies/{}/pins", lobby.id), &bob.token)
        .await
        .expect(200);
    assert_eq!(pins.items[0].pinned_at, pinned.at);
    assert!(
        matches!(&replay[2], ServerFrame::MessageCreated { message: m, .. }
        if m.reply_to.as_ref().is_some_and(|r| r.id == message.id))
    );
    assert_eq!(replay[3], live[2]);
}

#[tokio::test]
async fn a_keycap_emoji_travels_percent_encoded_in_the_descriptors_path() {
    use chat_core::v1::endpoints::{Endpoint, React};
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let lobby = app.create_lobby(&alice, "keys", "public").await;
    let message = app.say(&alice, &lobby, "pick one").await;
    let emoji = chat_core::v1::Emoji::parse(":hash:").expect("the keycap #");
    let path = React {
        message_id: message.id,
        emoji: emoji.clone(),
    }
    .path();
    app.put(&path, &alice.token, None).await.assert_status(204);
    let page: MessagePage = app
        .get(
            &format!("/api/v1/lobbies/{}/messages", lobby.id),
            &alice.token,
        )
        .await
        .expect(200);
    assert_eq!(page.items[0].reactions[0].emoji, emoji);
}
