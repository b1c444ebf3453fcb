//! Mentions: names resolved to members, `@here` and `@everyone` with their rules, the inbox,
//! unread-mention counts in lobbies, chats and `ready`, and edits and deletions.

use chat_core::v1::{Broadcast, ErrorCode, Lobby, MentionPage, Message, ServerFrame};
use serde_json::json;

use crate::helpers::{TestApp, TestUser, spawn_app};

async fn inbox(app: &TestApp, user: &TestUser) -> MentionPage {
    app.get("/api/v1/mentions", &user.token).await.expect(200)
}

async fn lobby_mentions(app: &TestApp, user: &TestUser, lobby: &Lobby) -> u64 {
    let lobby: Lobby = app
        .get(&format!("/api/v1/lobbies/{}", lobby.id), &user.token)
        .await
        .expect(200);
    lobby.membership.expect("a member").unread_mention_count
}

#[tokio::test]
async fn names_of_members_are_mentions_and_everything_else_stays_text() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let carol = app.register("carol").await;
    let lobby = app.create_lobby(&alice, "names", "public").await;
    app.join(&bob, &lobby).await;

    let message = app
        .say(
            &alice,
            &lobby,
            "hi @Bob, @carol and @nobody; `@bob` in code, @alice, and @bob again",
        )
        .await;
    // Bob once; carol is no member, nobody does not exist, code is code; alice names herself.
    assert_eq!(message.mentions, vec![bob.id, alice.id]);
    assert_eq!(message.broadcast, None);
    assert!(message.mentions_user(bob.id) && !message.mentions_user(alice.id));

    let page = inbox(&app, &bob).await;
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].message.id, message.id);
    assert!(!page.items[0].read);
    assert_eq!(lobby_mentions(&app, &bob, &lobby).await, 1);
    // Nobody's inbox holds their own message.
    assert!(inbox(&app, &alice).await.items.is_empty());
    assert!(inbox(&app, &carol).await.items.is_empty());

    // Reading past it clears the count and marks it read in the inbox.
    app.post(
        &format!("/api/v1/lobbies/{}/read", lobby.id),
        &bob.token,
        json!({"seq": message.seq}),
    )
    .await
    .assert_status(200);
    assert_eq!(lobby_mentions(&app, &bob, &lobby).await, 0);
    assert!(inbox(&app, &bob).await.items[0].read);
}

#[tokio::test]
async fn edits_and_deletions_change_who_is_called() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let carol = app.register("carol").await;
    let lobby = app.create_lobby(&alice, "edits", "public").await;
    app.join(&bob, &lobby).await;
    app.join(&carol, &lobby).await;
    let message = app.say(&alice, &lobby, "ping @bob").await;
    assert_eq!(lobby_mentions(&app, &bob, &lobby).await, 1);

    let edited: Message = app
        .patch(
            &format!("/api/v1/messages/{}", message.id),
            &alice.token,
            json!({"content": "ping @carol instead"}),
        )
        .await
        .expect(200);
    assert_eq!(edited.mentions, vec![carol.id]);
    assert!(inbox(&app, &bob).await.items.is_empty());
    assert_eq!(lobby_mentions(&app, &bob, &lobby).await, 0);
    assert_eq!(
        inbox(&app, &carol).await.items[0].message.content.as_str(),
        "ping @carol instead"
    );

    // History shows the mentions as stored.
    let fetched: Message = app
        .get(
            &format!("/api/v1/lobbies/{}/messages/{}", lobby.id, message.id),
            &bob.token,
        )
        .await
        .expect(200);
    assert_eq!(fetched.mentions, vec![carol.id]);

    app.delete(&format!("/api/v1/messages/{}", message.id), &alice.token)
        .await
        .assert_status(204);
    assert!(inbox(&app, &carol).await.items.is_empty());
    assert_eq!(lobby_mentions(&app, &carol, &lobby).await, 0);
}

#[tokio::test]
async fn here_calls_who_is_online_and_everyone_only_from_admins() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let carol = app.register("carol").await;
    let lobby = app.create_lobby(&alice, "broadcasts", "public").await;
    app.join(&bob, &lobby).await;
    app.join(&carol, &lobby).await;
    // Alice is online; carol is not.
    let mut alice_ws = app.ws_live(&alice.token).await;

    let here = app.say(&bob, &lobby, "@here standup").await;
    assert_eq!(here.broadcast, Some(Broadcast::Here));
    assert_eq!(inbox(&app, &alice).await.items.len(), 1);
    assert!(inbox(&app, &carol).await.items.is_empty());
    // It reaches alice live, marked as calling everyone who reads it.
    let (frame, _) = alice_ws
        .until(
            |f| matches!(f, ServerFrame::MessageCreated { message, .. } if message.id == here.id),
        )
        .await;
    let ServerFrame::MessageCreated { message, .. } = frame else {
        unreachable!()
    };
    assert!(message.mentions_user(alice.id));

    // A member's @everyone is text; an admin's calls every member, online or not.
    let from_member = app.say(&bob, &lobby, "@everyone look").await;
    assert_eq!(from_member.broadcast, None);
    assert!(inbox(&app, &carol).await.items.is_empty());
    let from_admin = app.say(&alice, &lobby, "@all meeting now").await;
    assert_eq!(from_admin.broadcast, Some(Broadcast::Everyone));
    let carol_inbox = inbox(&app, &carol).await;
    assert_eq!(carol_inbox.items.len(), 1);
    assert_eq!(carol_inbox.items[0].message.id, from_admin.id);
    assert_eq!(inbox(&app, &bob).await.items.len(), 1);
    assert_eq!(lobby_mentions(&app, &carol, &lobby).await, 1);

    // `ready` carries the count per conversation.
    let (mut carol_ws, ready) = app.ws(&carol.token).await;
    let ServerFrame::Ready { conversations, .. } = ready else {
        panic!("{ready:?}")
    };
    let state = conversations
        .iter()
        .find(|c| c.conversation_id == lobby.id.into())
        .expect("the lobby");
    assert_eq!(state.unread_mention_count, 1);
    // A resume replays the messages as stored, mentions included.
    let mut cursors = chat_core::v1::Cursors::new();
    cursors.insert(lobby.id.into(), 0);
    let replayed = carol_ws
        .resume(cursors)
        .await
        .into_iter()
        .find_map(|f| match f {
            ServerFrame::MessageCreated { message, .. } if message.id == from_admin.id => {
                Some(message)
            }
            _ => None,
        })
        .expect("replayed");
    assert_eq!(replayed.broadcast, Some(Broadcast::Everyone));
    assert!(replayed.mentions_user(carol.id));
}

/// Adds `n` accounts straight into the database as members of `lobby` (registering a
/// thousand users through bcrypt would take minutes).
async fn add_silent_members(app: &TestApp, lobby: &Lobby, n: usize) {
    let db = app.db().await;
    let mut users = Vec::new();
    let mut members = Vec::new();
    for k in 0..n {
        let id = format!("00000000-0000-7000-8000-{k:012x}");
        users.push(format!("('{id}', 'silent{k}', '!', 'silent{k}', 0, 0)"));
        members.push(format!("('{}', '{id}', 'member', 0)", lobby.id));
    }
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO users (id, username, password_hash, display_name, created_at, updated_at) VALUES {}",
        users.join(", ")
    )))
    .execute(&db)
    .await
    .expect("users");
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO members (conversation_id, user_id, role, joined_at) VALUES {}",
        members.join(", ")
    )))
    .execute(&db)
    .await
    .expect("members");
}

#[tokio::test]
async fn everyone_in_a_lobby_of_over_a_thousand_is_for_server_admins() {
    let app = spawn_app().await;
    // The first account is the server admin.
    let admin = app.register("root").await;
    let bob = app.register("bob").await;
    let lobby = app.create_lobby(&bob, "crowd", "public").await;
    app.join(&admin, &lobby).await;
    add_silent_members(&app, &lobby, 1000).await;

    // Bob administers the lobby but not the server.
    let refused = app
        .post(
            &format!("/api/v1/lobbies/{}/messages", lobby.id),
            &bob.token,
            json!({"content": "@everyone hello"}),
        )
        .await;
    let body = refused.assert_error(ErrorCode::ValidationFailed);
    assert_eq!(body.error.details.expect("details")["field"], "content");
    // His @here is fine (nobody is online).
    assert_eq!(
        app.say(&bob, &lobby, "@here hello").await.broadcast,
        Some(Broadcast::Here)
    );

    // The server admin is no lobby admin: their @everyone is plain text...
    assert_eq!(
        app.say(&admin, &lobby, "@everyone hi").await.broadcast,
        None
    );
    // ...until made one; then it reaches all 1,002 members but the author.
    app.patch(
        &format!("/api/v1/lobbies/{}/members/{}", lobby.id, admin.id),
        &bob.token,
        json!({"role": "admin"}),
    )
    .await
    .assert_status(200);
    let sent = app.say(&admin, &lobby, "@everyone hi").await;
    assert_eq!(sent.broadcast, Some(Broadcast::Everyone));
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM mentions WHERE message_id = $1")
        .bind(sent.id.to_string())
        .fetch_one(&app.db().await)
        .await
        .expect("count");
    assert_eq!(rows, 1001);
    assert_eq!(inbox(&app, &bob).await.items[0].message.id, sent.id);
}

#[tokio::test]
async fn the_inbox_shows_only_what_one_can_still_read_newest_first_in_pages() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let lobby = app.create_lobby(&alice, "paged", "public").await;
    app.join(&bob, &lobby).await;
    let mut sent = Vec::new();
    for n in 0..5 {
        sent.push(
            app.say(&alice, &lobby, &format!("@bob number {n}"))
                .await
                .id,
        );
    }
    // In a direct chat, a name counts and @everyone does not.
    let direct = app.say_to(&alice, &bob, "@bob @everyone psst").await;
    assert_eq!(direct.mentions, vec![bob.id]);
    assert_eq!(direct.broadcast, None);

    let first: MentionPage = app
        .get("/api/v1/mentions?limit=4", &bob.token)
        .await
        .expect(200);
    let ids: Vec<_> = first.items.iter().map(|m| m.message.id).collect();
    assert_eq!(ids, vec![direct.id, sent[4], sent[3], sent[2]]);
    let cursor = first.next_cursor.expect("more");
    let second: MentionPage = app
        .get(
            &format!("/api/v1/mentions?limit=4&before={cursor}"),
            &bob.token,
        )
        .await
        .expect(200);
    let ids: Vec<_> = second.items.iter().map(|m| m.message.id).collect();
    assert_eq!(ids, vec![sent[1], sent[0]]);
    assert_eq!(second.next_cursor, None);

    // Leaving the lobby takes its mentions out of the inbox.
    app.leave(&bob, &lobby).await.assert_status(204);
    let left = inbox(&app, &bob).await;
    assert_eq!(left.items.len(), 1);
    assert_eq!(left.items[0].message.id, direct.id);

    // A bad cursor or limit is a 422, never a 500.
    for query in ["before=nope", "limit=0", "limit=101", "after=x"] {
        let reply = app
            .get(&format!("/api/v1/mentions?{query}"), &bob.token)
            .await;
        reply.assert_error(ErrorCode::ValidationFailed);
    }
}
