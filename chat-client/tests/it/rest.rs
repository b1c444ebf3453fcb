//! Every REST method of the client against the real server.

use chat_core::v1::{
    CreateLobbyRequest, Description, DisplayName, HistoryQuery, ListQuery, LobbyName,
    MessageContent, Nonce, PageLimit, PageQuery, Role, SearchQuery, UpdateAccountRequest,
    UpdateLobbyRequest, Visibility,
};
use futures_util::TryStreamExt;

use crate::helpers::spawn_server;

fn text(s: &str) -> MessageContent {
    MessageContent::parse(s).expect("valid content")
}

fn lobby_request(name: &str, visibility: Visibility) -> CreateLobbyRequest {
    CreateLobbyRequest {
        name: LobbyName::parse(name).expect("name"),
        description: Some(Description::parse("a test lobby").expect("description")),
        visibility,
    }
}

#[tokio::test]
async fn account_methods_round_trip() {
    let server = spawn_server().await;
    let alice = server.user("alice").await;
    let me = alice.me().await.expect("me");
    assert_eq!(me.username.as_str(), "alice");
    let updated = alice
        .update_me(&UpdateAccountRequest {
            display_name: Some(DisplayName::parse("Alice").expect("name")),
            ..Default::default()
        })
        .await
        .expect("update");
    assert_eq!(updated.display_name.as_str(), "Alice");

    // A second session through login; logout forgets and revokes the token.
    let other = chat_client::Client::new(&server.url).expect("client");
    let auth = other.login("alice", "correct horse").await.expect("login");
    assert_eq!(other.token(), Some(auth.token.clone()));
    other.logout().await.expect("logout");
    assert_eq!(other.token(), None);
    let stale = chat_client::Client::builder(&server.url)
        .token(auth.token)
        .build()
        .expect("client");
    assert!(stale.me().await.expect_err("revoked").is_unauthorized());

    alice.delete_me().await.expect("delete");
    assert_eq!(alice.token(), None);
}

#[tokio::test]
async fn user_directory_methods() {
    let server = spawn_server().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    let bob_id = bob.me().await.expect("me").id;
    let page = alice
        .users(&ListQuery {
            q: Some(SearchQuery::new("bo").expect("q")),
            ..Default::default()
        })
        .await
        .expect("users");
    assert_eq!(
        page.items.iter().map(|u| u.id).collect::<Vec<_>>(),
        [bob_id]
    );
    assert_eq!(
        alice.user(bob_id).await.expect("user").username.as_str(),
        "bob"
    );
}

#[tokio::test]
async fn lobby_and_member_methods() {
    let server = spawn_server().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    let carol = server.user("carol").await;
    let (bob_id, carol_id) = (
        bob.me().await.expect("me").id,
        carol.me().await.expect("me").id,
    );

    let lobby = alice
        .create_lobby(&lobby_request("general", Visibility::Public))
        .await
        .expect("create");
    let secret = alice
        .create_lobby(&lobby_request("secret", Visibility::Private))
        .await
        .expect("create");
    assert_eq!(alice.my_lobbies().await.expect("mine").len(), 2);
    let community = bob
        .community_lobbies(&ListQuery::default())
        .await
        .expect("community");
    assert_eq!(
        community.items.iter().map(|l| l.id).collect::<Vec<_>>(),
        [lobby.id]
    );

    let joined = bob.join_lobby(lobby.id).await.expect("join");
    assert_eq!(joined.member_count, 2);
    assert_eq!(bob.lobby(lobby.id).await.expect("lobby").id, lobby.id);
    let renamed = alice
        .update_lobby(
            lobby.id,
            &UpdateLobbyRequest {
                name: Some(LobbyName::parse("lounge").expect("name")),
                ..Default::default()
            },
        )
        .await
        .expect("update");
    assert_eq!(renamed.name.as_str(), "lounge");

    let (member, added) = alice
        .add_member(secret.id, carol_id, Role::Member)
        .await
        .expect("add");
    assert!(added);
    assert_eq!(member.user.id, carol_id);
    let (_, again) = alice
        .add_member(secret.id, carol_id, Role::Member)
        .await
        .expect("add again");
    assert!(!again);
    let promoted = alice
        .set_role(secret.id, carol_id, Role::Admin)
        .await
        .expect("promote");
    assert_eq!(promoted.role, Role::Admin);
    assert_eq!(
        carol
            .member(secret.id, carol_id)
            .await
            .expect("member")
            .role,
        Role::Admin
    );
    let members = alice
        .members(secret.id, &PageQuery::default())
        .await
        .expect("members");
    assert_eq!(members.items.len(), 2);
    alice
        .remove_member(secret.id, carol_id)
        .await
        .expect("remove");
    assert!(
        carol
            .lobby(secret.id)
            .await
            .expect_err("gone")
            .is_not_found()
    );

    bob.leave_lobby(lobby.id).await.expect("leave");
    assert!(bob.my_lobbies().await.expect("mine").is_empty());
    alice.delete_lobby(lobby.id).await.expect("delete");
    assert!(
        alice
            .lobby(lobby.id)
            .await
            .expect_err("deleted")
            .is_not_found()
    );
    let _ = bob_id;
}

#[tokio::test]
async fn message_methods_and_read_cursors() {
    let server = spawn_server().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    let lobby = alice
        .create_lobby(&lobby_request("general", Visibility::Public))
        .await
        .expect("create");
    bob.join_lobby(lobby.id).await.expect("join");

    let first = alice
        .send_message(lobby.id, text("hello"), None)
        .await
        .expect("send");
    let nonce = Nonce::new("retry-me").expect("nonce");
    let second = alice
        .send_message(lobby.id, text("again"), Some(nonce.clone()))
        .await
        .expect("send");
    let retried = alice
        .send_message(lobby.id, text("again"), Some(nonce))
        .await
        .expect("retry");
    assert_eq!(retried.id, second.id);
    assert_eq!((first.seq, second.seq), (1, 2));

    assert_eq!(
        bob.lobby_message(lobby.id, first.id).await.expect("get"),
        first
    );
    let edited = alice
        .edit_message(first.id, text("hello, world"))
        .await
        .expect("edit");
    assert!(edited.edited_at.is_some());
    let page = bob
        .history_page(lobby.id, &HistoryQuery::default())
        .await
        .expect("page");
    assert_eq!(
        page.items.iter().map(|m| m.id).collect::<Vec<_>>(),
        [second.id, first.id]
    );
    alice.delete_message(second.id).await.expect("delete");

    let cursor = bob.mark_read(lobby.id, 2).await.expect("read");
    assert_eq!(cursor.read_seq, 2);
}

#[tokio::test]
async fn chat_methods() {
    let server = spawn_server().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    let bob_id = bob.me().await.expect("me").id;
    let (chat, created) = alice.open_chat(bob_id).await.expect("open");
    assert!(created);
    let (same, created) = alice.open_chat(bob_id).await.expect("open again");
    assert!(!created);
    assert_eq!(same.id, chat.id);
    let dm = alice
        .send_direct_message(bob_id, text("psst"), None)
        .await
        .expect("dm");
    let reply = bob
        .send_message(chat.id, text("hi"), None)
        .await
        .expect("reply");
    assert_eq!((dm.seq, reply.seq), (1, 2));
    assert_eq!(bob.chats().await.expect("chats").len(), 1);
    assert_eq!(
        alice
            .chat(chat.id)
            .await
            .expect("chat")
            .last_message
            .map(|m| m.id),
        Some(reply.id)
    );
    let by_user = alice
        .direct_history_page(bob_id, &HistoryQuery::default())
        .await
        .expect("history by user");
    assert_eq!(
        by_user.items.iter().map(|m| m.id).collect::<Vec<_>>(),
        [reply.id, dm.id]
    );
    alice.mark_read(chat.id, 2).await.expect("read");
    alice.delete_chat(chat.id).await.expect("delete for me");
    assert!(alice.chats().await.expect("chats").is_empty());
    assert_eq!(bob.chats().await.expect("chats").len(), 1);
}

#[tokio::test]
async fn the_history_stream_walks_a_long_conversation_without_gaps() {
    let server = spawn_server().await;
    let alice = server.user("alice").await;
    let lobby = alice
        .create_lobby(&lobby_request("long", Visibility::Public))
        .await
        .expect("create");
    let mut first = None;
    for i in 1..=230 {
        let message = alice
            .send_message(lobby.id, text(&format!("m{i}")), None)
            .await
            .expect("send");
        first.get_or_insert(message.id);
    }
    let page = PageLimit::new(17).expect("limit");
    let backwards: Vec<u64> = alice
        .history(lobby.id, page)
        .map_ok(|m| m.seq)
        .try_collect()
        .await
        .expect("history");
    assert_eq!(backwards, (1..=230).rev().collect::<Vec<u64>>());
    let forwards: Vec<u64> = alice
        .history_after(lobby.id, first.expect("a first message"), page)
        .map_ok(|m| m.seq)
        .try_collect()
        .await
        .expect("history");
    assert_eq!(forwards, (2..=230).collect::<Vec<u64>>());
}

#[tokio::test]
async fn admin_methods() {
    let server = spawn_server().await;
    let admin = server.user("admin").await;
    let alice = server.user("alice").await;
    let alice_id = alice.me().await.expect("me").id;
    let lobby = alice
        .create_lobby(&lobby_request("general", Visibility::Public))
        .await
        .expect("create");
    let message = alice
        .send_message(lobby.id, text("hello"), None)
        .await
        .expect("send");

    let users = admin
        .admin_users(&ListQuery::default())
        .await
        .expect("users");
    assert_eq!(users.items.len(), 2);
    let all = admin
        .admin_messages(&Default::default())
        .await
        .expect("messages");
    assert_eq!(all.items.len(), 1);
    assert!(
        alice
            .admin_stats()
            .await
            .expect_err("not an admin")
            .is_forbidden()
    );
    let stats = admin.admin_stats().await.expect("stats");
    assert_eq!((stats.users, stats.lobbies, stats.messages), (2, 1, 1));
    // Moderation goes through the ordinary routes.
    admin
        .delete_message(message.id)
        .await
        .expect("delete message");
    admin.delete_lobby(lobby.id).await.expect("delete lobby");
    assert!(
        admin
            .admin_set_disabled(alice_id, true)
            .await
            .expect("disable")
            .disabled
    );
    assert!(
        !admin
            .admin_set_disabled(alice_id, false)
            .await
            .expect("enable")
            .disabled
    );
    let audit = admin
        .admin_audit(&PageQuery::default())
        .await
        .expect("audit");
    assert_eq!(audit.items.len(), 4);
}

#[tokio::test]
async fn token_methods() {
    use chat_core::v1::{
        CreateApiTokenRequest, CreateClientTokenRequest, Password, RegisterRequest, TokenName,
        TokenScope, Username,
    };
    let server = spawn_server().await;
    let admin = server.user("admin").await;
    let created = admin
        .create_token(&CreateApiTokenRequest {
            name: TokenName::parse("bot").expect("name"),
            scopes: vec![TokenScope::Read],
            expires_at: None,
        })
        .await
        .expect("token");
    let bot = chat_client::Client::builder(&server.url)
        .token(created.token)
        .build()
        .expect("client");
    assert_eq!(bot.me().await.expect("me").username.as_str(), "admin");
    assert_eq!(admin.tokens().await.expect("list").len(), 1);
    admin.revoke_token(created.info.id).await.expect("revoke");
    assert!(bot.me().await.expect_err("revoked").is_unauthorized());

    let client_token = admin
        .admin_create_client_token(&CreateClientTokenRequest {
            name: TokenName::parse("app").expect("name"),
            expires_at: None,
        })
        .await
        .expect("client token");
    let app = chat_client::Client::builder(&server.url)
        .token(client_token.token)
        .build()
        .expect("client");
    let made = app
        .provision_user(&RegisterRequest {
            username: Username::parse("newbie").expect("name"),
            password: Password::parse("correct horse").expect("password"),
            email: None,
            display_name: None,
        })
        .await
        .expect("provisioned");
    assert_eq!(made.user.username.as_str(), "newbie");
    assert_eq!(admin.admin_client_tokens().await.expect("list").len(), 1);
    admin
        .admin_revoke_client_token(client_token.info.id)
        .await
        .expect("revoke");
}

#[tokio::test]
async fn avatar_and_icon_methods() {
    let server = spawn_server().await;
    let alice = server.user("alice").await;
    let me = alice.me().await.expect("me").id;
    // A 1×1 grey PNG.
    let png: Vec<u8> = vec![
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44,
        0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00, 0x00, 0x00, 0x00, 0x3A,
        0x7E, 0x9B, 0x55, 0x00, 0x00, 0x00, 0x0A, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x68,
        0x00, 0x00, 0x00, 0x82, 0x00, 0x81, 0x77, 0xCD, 0x72, 0xB6, 0x00, 0x00, 0x00, 0x00, 0x49,
        0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
    ];
    // Before an upload, and after removing it: the generated picture.
    let generated = alice.avatar(me).await.expect("identicon");
    assert!(generated.starts_with(b"\x89PNG"));
    alice.set_avatar(png.clone()).await.expect("set");
    let stored = alice.avatar(me).await.expect("get");
    assert!(stored.starts_with(b"\x89PNG"));
    assert_ne!(stored, generated);
    alice.remove_avatar().await.expect("remove");
    assert_eq!(alice.avatar(me).await.expect("identicon again"), generated);
    let e = alice
        .set_avatar(b"not an image".to_vec())
        .await
        .expect_err("refused");
    assert_eq!(
        e.code(),
        Some(chat_core::v1::ErrorCode::UnsupportedMediaType)
    );

    let lobby = alice
        .create_lobby(&lobby_request("general", Visibility::Public))
        .await
        .expect("lobby");
    alice.set_lobby_icon(lobby.id, png).await.expect("icon");
    assert!(
        alice
            .lobby_icon(lobby.id)
            .await
            .expect("icon")
            .starts_with(b"\x89PNG")
    );
    alice.remove_lobby_icon(lobby.id).await.expect("removed");
}
