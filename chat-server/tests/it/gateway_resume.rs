//! Resume without loss, resync for large gaps, and backpressure on slow readers.

use std::collections::BTreeMap;

use chat_core::v1::{ClientFrame, ConversationId, Cursors, ServerFrame, close_code};
use serde_json::json;

use crate::helpers::{TestApp, TestUser, spawn_app, spawn_app_with};
use crate::ws::{Closed, Ws};

/// Sends `n` operations to a lobby over REST: mostly messages, with edits and deletes of
/// earlier ones mixed in. Each operation is exactly one event.
async fn churn(app: &TestApp, user: &TestUser, lobby: ConversationId, n: usize) {
    let mut posted = Vec::new();
    for i in 0..n {
        let reply = if i % 5 == 4 && !posted.is_empty() {
            let id = posted[posted.len() / 2];
            app.patch(
                &format!("/api/v1/messages/{id}"),
                &user.token,
                json!({"content": format!("edit {i}")}),
            )
            .await
        } else if i % 7 == 6 && posted.len() > 1 {
            let id = posted.remove(0);
            app.delete(&format!("/api/v1/messages/{id}"), &user.token)
                .await
        } else {
            let reply = app
                .post(
                    &format!("/api/v1/lobbies/{lobby}/messages"),
                    &user.token,
                    json!({"content": format!("m{i}")}),
                )
                .await;
            posted.push(reply.json::<chat_core::v1::Message>().id);
            reply
        };
        assert!(reply.status.is_success(), "operation {i}: {}", reply.status);
    }
}

fn seq_of(frame: &ServerFrame, conversation: ConversationId) -> Option<u64> {
    frame
        .conversation_seq()
        .filter(|(c, _)| *c == conversation)
        .map(|(_, s)| s)
}

#[tokio::test]
async fn a_client_cut_off_repeatedly_sees_every_event_once_and_in_order() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let lobby = app.create_lobby(&bob, "busy", "public").await;
    app.join(&alice, &lobby).await;
    let conversation: ConversationId = lobby.id.into();

    let (mut ws, ready) = app.ws(&alice.token).await;
    let start = only_conversation_seq(ready);
    ws.send(&ClientFrame::Resume {
        cursors: Cursors::new(),
    })
    .await;
    assert_eq!(ws.next_frame().await, ServerFrame::Resumed);

    let operations = 500;
    let last = start + operations as u64;
    let writer = churn(&app, &bob, conversation, operations);
    let reader = async {
        let mut seen: Vec<u64> = Vec::new();
        let mut cuts = 0;
        while seen.last().copied().unwrap_or(start) < last {
            let frame = ws.next_frame().await;
            if let Some(seq) = seq_of(&frame, conversation) {
                seen.push(seq);
                // Cut the connection every 60 events and come back with a resume.
                if seen.len().is_multiple_of(60) {
                    cuts += 1;
                    let cursor = *seen.last().expect("non-empty");
                    let (fresh, _) = app.ws(&alice.token).await;
                    std::mem::replace(&mut ws, fresh).cut();
                    ws.send(&ClientFrame::Resume {
                        cursors: BTreeMap::from([(conversation, cursor)]),
                    })
                    .await;
                }
            }
        }
        (seen, cuts)
    };
    let ((), (seen, cuts)) = tokio::join!(writer, reader);
    assert!(cuts >= 5, "the connection was cut {cuts} times");
    assert_eq!(seen, (start + 1..=last).collect::<Vec<u64>>());
}

#[tokio::test]
async fn a_resume_replays_edits_and_deletions_from_the_stored_state() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let lobby = app.create_lobby(&alice, "general", "public").await;
    let conversation: ConversationId = lobby.id.into();
    let (ws, ready) = app.ws(&alice.token).await;
    let cursor = only_conversation_seq(ready);
    ws.cut();

    let kept = app.say(&alice, &lobby, "kept").await;
    let gone = app.say(&alice, &lobby, "secret").await;
    app.patch(
        &format!("/api/v1/messages/{}", kept.id),
        &alice.token,
        json!({"content": "kept, edited"}),
    )
    .await
    .assert_status(200);
    app.delete(&format!("/api/v1/messages/{}", gone.id), &alice.token)
        .await
        .assert_status(204);

    let (mut ws, _) = app.ws(&alice.token).await;
    let replay = ws.resume(BTreeMap::from([(conversation, cursor)])).await;
    assert_eq!(replay.len(), 4, "{replay:?}");
    assert!(
        matches!(&replay[0], ServerFrame::MessageCreated { message, .. } if message.content.as_str() == "kept, edited")
    );
    // The deleted message's creation replays as a deletion: its text is gone for good.
    assert!(
        matches!(&replay[1], ServerFrame::MessageDeleted { message_id, .. } if *message_id == gone.id)
    );
    assert!(matches!(&replay[2], ServerFrame::MessageUpdated { .. }));
    assert!(
        matches!(&replay[3], ServerFrame::MessageDeleted { message_id, .. } if *message_id == gone.id)
    );
    let seqs: Vec<u64> = replay
        .iter()
        .filter_map(|f| seq_of(f, conversation))
        .collect();
    assert_eq!(seqs, (cursor + 1..=cursor + 4).collect::<Vec<_>>());
}

#[tokio::test]
async fn a_gap_too_large_to_replay_asks_for_a_resync_and_live_delivery_continues() {
    let app = spawn_app_with(|c| c.gateway.resume_max_gap = 5).await;
    let alice = app.register("alice").await;
    let lobby = app.create_lobby(&alice, "general", "public").await;
    let conversation: ConversationId = lobby.id.into();
    let (ws, ready) = app.ws(&alice.token).await;
    let cursor = only_conversation_seq(ready);
    ws.cut();
    for i in 0..10 {
        app.say(&alice, &lobby, &format!("m{i}")).await;
    }
    let (mut ws, _) = app.ws(&alice.token).await;
    ws.send(&ClientFrame::Resume {
        cursors: BTreeMap::from([(conversation, cursor)]),
    })
    .await;
    assert_eq!(
        ws.next_frame().await,
        ServerFrame::ResyncRequired {
            conversation_id: conversation
        }
    );
    assert_eq!(ws.next_frame().await, ServerFrame::Resumed);
    let next = app.say(&alice, &lobby, "after the resync").await;
    let (frame, _) = ws
        .until(|f| matches!(f, ServerFrame::MessageCreated { .. }))
        .await;
    assert!(
        matches!(frame, ServerFrame::MessageCreated { message, seq, .. } if message.id == next.id && seq == cursor + 11)
    );
}

#[tokio::test]
async fn resuming_a_conversation_one_no_longer_belongs_to_asks_for_a_resync() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let lobby = app.create_lobby(&alice, "secret", "private").await;
    app.add_member(&alice, &lobby, &bob).await;
    app.delete(
        &format!("/api/v1/lobbies/{}/members/{}", lobby.id, bob.id),
        &alice.token,
    )
    .await
    .assert_status(204);
    let (mut ws, _) = app.ws(&bob.token).await;
    ws.send(&ClientFrame::Resume {
        cursors: BTreeMap::from([(lobby.id.into(), 1)]),
    })
    .await;
    assert_eq!(
        ws.next_frame().await,
        ServerFrame::ResyncRequired {
            conversation_id: lobby.id.into()
        }
    );
    assert_eq!(ws.next_frame().await, ServerFrame::Resumed);
}

/// A client whose socket takes in almost nothing until it reads.
async fn slow_client(app: &TestApp, token: &str) -> Ws {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let socket = tokio::net::TcpSocket::new_v4().expect("socket");
    socket.set_recv_buffer_size(2048).expect("small buffer");
    let stream = socket.connect(app.addr).await.expect("connect");
    let mut request = app.ws_url().into_client_request().expect("request");
    request.headers_mut().insert(
        "authorization",
        format!("Bearer {token}").parse().expect("header"),
    );
    let (stream, _) =
        tokio_tungstenite::client_async(request, tokio_tungstenite::MaybeTlsStream::Plain(stream))
            .await
            .expect("upgrade");
    Ws::from_stream(stream)
}

#[tokio::test]
async fn a_reader_that_stops_reading_is_dropped_while_the_others_receive_everything() {
    let app = spawn_app_with(|c| {
        // Room for a busy test machine to pause the fast reader now and then, and still far
        // less than the stalled reader is sent.
        c.gateway.queue = 64;
        c.gateway.socket_send_buffer = 16 * 1024;
    })
    .await;
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let carol = app.register("carol").await;
    let lobby = app.create_lobby(&alice, "general", "public").await;
    app.join(&bob, &lobby).await;
    app.join(&carol, &lobby).await;
    let conversation: ConversationId = lobby.id.into();

    let mut slow = slow_client(&app, &bob.token).await;
    assert!(matches!(slow.next_frame().await, ServerFrame::Ready { .. }));
    slow.send(&ClientFrame::Resume {
        cursors: Cursors::new(),
    })
    .await;
    let mut fast = app.ws_live(&carol.token).await;

    let text = "x".repeat(3000);
    let total = 400;
    let send = async {
        let mut last = 0;
        for _ in 0..total {
            last = app.say(&alice, &lobby, &text).await.seq;
        }
        last
    };
    // Carol reads as the messages come and gets every one, although Bob reads nothing.
    let (last, received) = tokio::join!(send, fast.events_until(conversation, 3 + total as u64));
    let messages = received
        .iter()
        .filter(|f| matches!(f, ServerFrame::MessageCreated { .. }))
        .count();
    assert_eq!((messages, last), (total, total as u64));
    // Bob is cut off with `lagged` once he reads what was buffered for him.
    assert_eq!(slow.closed().await, Closed::Code(close_code::LAGGED));
}

#[tokio::test]
async fn a_resume_across_leaving_and_rejoining_delivers_what_came_after_the_rejoin() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let lobby = app.create_lobby(&bob, "general", "public").await;
    app.join(&alice, &lobby).await;
    let conversation: ConversationId = lobby.id.into();
    let (ws, ready) = app.ws(&alice.token).await;
    let cursor = only_conversation_seq(ready);
    ws.cut();

    app.leave(&alice, &lobby).await.assert_status(204);
    app.say(&bob, &lobby, "while alice was away").await;
    app.join(&alice, &lobby).await;
    app.say(&bob, &lobby, "welcome back").await;

    let (mut ws, _) = app.ws(&alice.token).await;
    let replay = ws.resume(BTreeMap::from([(conversation, cursor)])).await;
    let kinds: Vec<String> = replay
        .iter()
        .map(|f| {
            serde_json::to_value(f).expect("json")["type"]
                .as_str()
                .expect("type")
                .to_owned()
        })
        .collect();
    // Her own departure, then nothing of the time away, then her return and what followed.
    assert_eq!(
        kinds,
        ["member.left", "member.joined", "message.created"],
        "{replay:?}"
    );
    assert!(
        matches!(&replay[2], ServerFrame::MessageCreated { message, .. } if message.content.as_str() == "welcome back")
    );
    // And live delivery continues.
    app.say(&bob, &lobby, "live").await;
    let (frame, _) = ws
        .until(|f| matches!(f, ServerFrame::MessageCreated { .. }))
        .await;
    assert!(
        matches!(frame, ServerFrame::MessageCreated { message, .. } if message.content.as_str() == "live")
    );
}

#[tokio::test]
async fn a_resume_never_brings_back_the_text_of_a_chat_deleted_for_oneself() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let old = app.say_to(&alice, &bob, "old secret").await;
    let chat = old.conversation_id;
    let (ws, ready) = app.ws(&alice.token).await;
    let cursor = only_conversation_seq(ready) - 1;
    ws.cut();
    app.delete(&format!("/api/v1/chats/{chat}"), &alice.token)
        .await
        .assert_status(204);
    app.post(
        &format!("/api/v1/chats/{chat}/messages"),
        &bob.token,
        json!({"content": "new"}),
    )
    .await
    .assert_status(201);

    let (mut ws, _) = app.ws(&alice.token).await;
    let replay = ws.resume(BTreeMap::from([(chat, cursor)])).await;
    let text = serde_json::to_string(&replay).expect("json");
    assert!(!text.contains("old secret"), "{text}");
    assert!(text.contains("\"new\""), "{text}");
}

/// The event seq that `ready` reports for the first (in these tests, the only) conversation.
fn only_conversation_seq(ready: ServerFrame) -> u64 {
    let ServerFrame::Ready { conversations, .. } = ready else {
        unreachable!("not a ready frame: {ready:?}")
    };
    conversations[0].seq
}
