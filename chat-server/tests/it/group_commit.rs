//! The group-commit writer: many posts in one transaction keep every per-post guarantee
//! (gap-free seqs in queue order, nonces, read cursors, events), and a bad post fails alone.

use chat_core::v1::{ConversationId, LobbyId, MessageContent, Nonce, UserId};
use chat_server::store::Store;
use chat_server::store::writer::{Expect, MAX_BATCH, NewPost, Written};

use crate::helpers::{TestApp, spawn_app};

fn text(s: &str) -> MessageContent {
    MessageContent::parse(s).expect("content")
}

fn nonce(s: &str) -> Nonce {
    Nonce::new(s.to_owned()).expect("nonce")
}

#[tokio::test]
async fn a_burst_of_posts_is_stored_in_queue_order_with_every_guarantee_of_a_single_post() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let lobby = app.create_lobby(&alice, "general", "public").await;
    app.join(&bob, &lobby).await;
    let other = app.create_lobby(&bob, "other", "public").await;
    let store = Store::connect(&app.database_url).await.expect("store");
    let general: ConversationId = lobby.id.into();
    let elsewhere: ConversationId = other.id.into();
    let gone: ConversationId = LobbyId::from_uuid(uuid::Uuid::now_v7()).into();

    // More posts than one batch holds, queued back to back so that batches fill up: two
    // authors in two lobbies, a nonce repeated within the burst, and three posts the batch's
    // membership check refuses: to a lobby that does not exist (7), by a non-member (8),
    // through a chat route to a lobby (9).
    let refused = [7, 8, 9];
    let total = MAX_BATCH + 100;
    let mut queued = Vec::new();
    for i in 0..total {
        let (author, conversation): (UserId, ConversationId) = match i % 3 {
            0 => (alice.id, general),
            1 => (bob.id, general),
            _ => (bob.id, elsewhere),
        };
        let conversation = if i == 7 { gone } else { conversation };
        let author = if i == 8 { alice.id } else { author };
        let key = if i == 10 || i == 13 {
            Some(nonce("repeated"))
        } else {
            Some(nonce(&format!("n{i}")))
        };
        let pending = store
            .submit_message(NewPost {
                conversation,
                author,
                content: text(&format!("m{i}")),
                nonce: key,
                reply_to: None,
                mentions: Default::default(),
                expect: if i == 9 { Expect::Chat } else { Expect::Either },
            })
            .await
            .expect("queued");
        queued.push((i, conversation, pending));
    }
    let mut seqs: std::collections::HashMap<ConversationId, Vec<u64>> = Default::default();
    let mut first_of_repeated = None;
    let mut acked = Vec::new();
    for (i, conversation, pending) in queued {
        match pending.committed().await.expect("answered") {
            Written::Refused => assert!(refused.contains(&i), "post {i} refused"),
            Written::BadReply => panic!("post {i} replies to nothing, yet was refused as a reply"),
            Written::New { message, .. } => {
                assert!(!refused.contains(&i), "post {i} written");
                assert_eq!(message.content.as_str(), format!("m{i}"));
                assert_ne!(i, 13, "a repeated nonce is not posted twice");
                if i == 10 {
                    first_of_repeated = Some(message.id);
                }
                seqs.entry(conversation).or_default().push(message.seq);
                acked.push(message);
            }
            Written::Duplicate(original) => {
                assert_eq!(i, 13);
                assert_eq!(Some(original), first_of_repeated);
            }
        }
    }
    // Queue order is seq order, without gaps, in each lobby.
    for (conversation, seqs) in &seqs {
        let expected: Vec<u64> = (1..=seqs.len() as u64).collect();
        assert_eq!(seqs, &expected, "seqs of {conversation:?}");
    }
    let stored_general = seqs[&general].len() as u64;
    // Each acknowledgement carries the message exactly as it is stored (author, times).
    for message in acked {
        let stored = store
            .message(message.id)
            .await
            .expect("read")
            .expect("stored");
        assert_eq!(stored, *message);
        assert!(
            message
                .author
                .is_some_and(|a| a.username.as_str() == "alice" || a.username.as_str() == "bob")
        );
    }

    // One `message.created` event per message, after the lobby's own events, and a nonce row
    // per posted message.
    let db = app.db().await;
    let (messages, events): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM messages WHERE conversation_id = $1),
                (SELECT COUNT(*) FROM events WHERE conversation_id = $1 AND kind = 'message.created')",
    )
    .bind(general.to_string())
    .fetch_one(&db)
    .await
    .expect("counts");
    assert_eq!(
        (messages as u64, events as u64),
        (stored_general, stored_general)
    );
    let nonces: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM nonces")
        .fetch_one(&db)
        .await
        .expect("nonces");
    assert_eq!(
        nonces as usize,
        total - refused.len() - 1,
        "all but the refused posts and the repeat"
    );
    let event_seqs: Vec<i64> =
        sqlx::query_scalar("SELECT seq FROM events WHERE conversation_id = $1 ORDER BY seq")
            .bind(general.to_string())
            .fetch_all(&db)
            .await
            .expect("event seqs");
    let expected: Vec<i64> = (1..=event_seqs.len() as i64).collect();
    assert_eq!(event_seqs, expected, "event seqs have no gaps");

    // Each author has read up to their own newest post.
    let read: Vec<(String, i64)> = sqlx::query_as(
        "SELECT user_id, read_seq FROM members WHERE conversation_id = $1 ORDER BY user_id",
    )
    .bind(general.to_string())
    .fetch_all(&db)
    .await
    .expect("read cursors");
    let newest = |author: UserId| {
        sqlx::query_scalar::<_, i64>(
            "SELECT MAX(seq) FROM messages WHERE conversation_id = $1 AND author_id = $2",
        )
        .bind(general.to_string())
        .bind(author.to_string())
        .fetch_one(&db)
    };
    for (user, read_seq) in read {
        let author: UserId = user.parse().expect("id");
        assert_eq!(read_seq, newest(author).await.expect("newest"), "{user}");
    }

    // The server's own view agrees: history has every message once, newest first.
    let page: chat_core::v1::MessagePage = app
        .get(
            &format!("/api/v1/lobbies/{}/messages?limit=100", lobby.id),
            &alice.token,
        )
        .await
        .expect(200);
    assert_eq!(page.items.first().map(|m| m.seq), Some(stored_general));
}

/// A store whose writer has written one post to a new lobby, and so keeps a connection; and
/// how to make more posts to that lobby.
async fn store_after_one_post() -> (TestApp, Store, impl Fn(&str) -> NewPost) {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let lobby = app.create_lobby(&alice, "general", "public").await;
    let store = Store::connect(&app.database_url).await.expect("store");
    let (conversation, author): (ConversationId, UserId) = (lobby.id.into(), alice.id);
    let post = move |content: &str| NewPost {
        conversation,
        author,
        content: text(content),
        nonce: None,
        reply_to: None,
        mentions: Default::default(),
        expect: Expect::Lobby,
    };
    let first = store.submit_message(post("one")).await.expect("queued");
    assert!(matches!(
        first.committed().await.expect("posted"),
        Written::New { .. }
    ));
    (app, store, post)
}

#[tokio::test]
async fn closing_the_store_takes_back_the_writers_connection() {
    // The writer keeps a connection between batches; closing must not wait for it forever.
    let (_app, store, post) = store_after_one_post().await;

    tokio::time::timeout(std::time::Duration::from_secs(10), store.close())
        .await
        .expect("the store closes");
    let after = store.submit_message(post("hello")).await.expect("queued");
    assert!(
        after.committed().await.is_err(),
        "a closed store writes nothing"
    );
}

#[tokio::test]
async fn a_post_after_the_writers_connection_died_is_written() {
    let (app, store, post) = store_after_one_post().await;

    // The writer keeps its connection between batches. On PostgreSQL, end it from the
    // server's side (as a restart or an idle timeout would); SQLite has no such thing.
    if app.database_url.starts_with("postgres") {
        let db = app.db().await;
        let ended: Vec<bool> = sqlx::query_scalar(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
             WHERE datname = current_database() AND pid <> pg_backend_pid()",
        )
        .fetch_all(&db)
        .await
        .expect("terminate");
        assert!(
            !ended.is_empty(),
            "the writer's connection was there to end"
        );
    }

    let second = store.submit_message(post("two")).await.expect("queued");
    match second
        .committed()
        .await
        .expect("posted after a lost connection")
    {
        Written::New { message, .. } => assert_eq!(message.seq, 2),
        other => panic!("{other:?}"),
    }
}
