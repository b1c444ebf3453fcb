//! The gateway: acks, live events, reconnects that lose and duplicate nothing, queued sends.

use std::time::Duration;

use chat_client::{Client, Gateway, GatewayConfig, GatewayEvent};
use chat_core::v1::{
    CallSignal, ConversationId, CreateLobbyRequest, Lobby, LobbyName, MessageContent, ServerFrame,
};

use crate::helpers::{Proxy, fast_reconnects, next_event, spawn_server, spawn_server_with};

fn text(s: &str) -> MessageContent {
    MessageContent::parse(s).expect("valid content")
}

async fn lobby(client: &Client, name: &str) -> Lobby {
    client
        .create_lobby(&CreateLobbyRequest {
            name: LobbyName::parse(name).expect("name"),
            description: None,
            visibility: Default::default(),
        })
        .await
        .expect("lobby")
}

/// A gateway for `user` whose connections pass through `proxy`.
async fn gateway_through(proxy: &Proxy, user: &Client) -> Gateway {
    let client = Client::builder(&proxy.url)
        .token(user.token().expect("token"))
        .build()
        .expect("client");
    Gateway::connect_with(&client, fast_reconnects())
        .await
        .expect("connect")
}

/// Cuts the gateway off and keeps it off until `proxy.refuse(false)`.
async fn go_offline(proxy: &Proxy, gateway: &mut Gateway) {
    proxy.refuse(true);
    proxy.cut();
    loop {
        if let GatewayEvent::Reconnecting { .. } = next_event(gateway).await {
            break;
        }
    }
}

/// Reads events until a message with this content arrives; returns the events before it.
async fn until_message(gateway: &mut Gateway, content: &str) -> Vec<GatewayEvent> {
    let mut before = Vec::new();
    loop {
        match next_event(gateway).await {
            GatewayEvent::Frame(ServerFrame::MessageCreated { message, .. })
                if message.content.as_str() == content =>
            {
                return before;
            }
            event => before.push(event),
        }
    }
}

#[tokio::test]
async fn connecting_reports_ready_and_sends_resolve_with_the_stored_message() {
    let server = spawn_server().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    let room = lobby(&alice, "general").await;
    bob.join_lobby(room.id).await.expect("join");

    let mut alice_gw = Gateway::connect(&alice).await.expect("connect");
    let GatewayEvent::Connected(ready) = next_event(&mut alice_gw).await else {
        panic!("connected first")
    };
    assert_eq!(ready.user.username.as_str(), "alice");
    assert_eq!(ready.conversations.len(), 1);
    let mut bob_gw = Gateway::connect(&bob).await.expect("connect");

    let message = alice_gw
        .send_message(room.id.into(), text("hello"))
        .await
        .expect("acked");
    assert_eq!(message.seq, 1);
    assert_eq!(
        bob.lobby_message(room.id, message.id)
            .await
            .expect("stored"),
        message
    );
    until_message(&mut bob_gw, "hello").await;
}

#[tokio::test]
async fn edits_deletes_joins_reads_and_typing_go_through_the_gateway() {
    let server = spawn_server().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    let room = lobby(&alice, "general").await;
    let alice_gw = Gateway::connect(&alice).await.expect("connect");
    let mut bob_gw = Gateway::connect(&bob).await.expect("connect");
    bob_gw.join_lobby(room.id).await.expect("joined");

    let message = alice_gw
        .send_message(room.id.into(), text("draft"))
        .await
        .expect("sent");
    let edited = alice_gw
        .edit_message(message.id, text("final"))
        .await
        .expect("edited");
    assert_eq!(edited.content.as_str(), "final");
    alice_gw.typing(room.id.into()).expect("typing");
    alice_gw.delete_message(message.id).await.expect("deleted");

    let mut seen = Vec::new();
    while !seen
        .iter()
        .any(|e| matches!(e, GatewayEvent::Frame(ServerFrame::MessageDeleted { .. })))
    {
        seen.push(next_event(&mut bob_gw).await);
    }
    assert!(
        seen.iter()
            .any(|e| matches!(e, GatewayEvent::Frame(ServerFrame::MessageUpdated { .. })))
    );
    assert!(seen.iter().any(|e| matches!(
        e,
        GatewayEvent::Frame(ServerFrame::Typing { typing: true, .. })
    )));

    let mut bob_other = Gateway::connect(&bob).await.expect("second connection");
    bob_gw.mark_read(room.id.into(), 1).expect("read");
    loop {
        if let GatewayEvent::Frame(ServerFrame::Read { seq: 1, .. }) =
            next_event(&mut bob_other).await
        {
            break;
        }
    }
}

#[tokio::test]
async fn call_signals_reach_the_peer() {
    let server = spawn_server().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    let room = lobby(&alice, "general").await;
    bob.join_lobby(room.id).await.expect("join");
    let bob_id = bob.me().await.expect("me").id;
    let alice_gw = Gateway::connect(&alice).await.expect("connect");
    let mut bob_gw = Gateway::connect(&bob).await.expect("connect");
    alice_gw
        .call_invite(CallSignal {
            call_id: "c1".into(),
            user_id: bob_id,
            payload: serde_json::json!({"sdp": "x"}),
        })
        .expect("invite");
    loop {
        if let GatewayEvent::Frame(ServerFrame::CallInvite(relay)) = next_event(&mut bob_gw).await {
            assert_eq!(relay.call_id, "c1");
            break;
        }
    }
}

#[tokio::test]
async fn the_gateway_survives_repeated_drops_and_sees_every_message_once_in_order() {
    let server = spawn_server().await;
    let proxy = Proxy::start(server.addr).await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    let room = lobby(&bob, "busy").await;
    alice.join_lobby(room.id).await.expect("join");
    let conversation: ConversationId = room.id.into();

    let mut gateway = gateway_through(&proxy, &alice).await;

    let total = 300u64;
    let sender = {
        let bob = bob.clone();
        tokio::spawn(async move {
            for i in 1..=total {
                bob.send_message(room.id, text(&format!("m{i}")), None)
                    .await
                    .expect("sent");
            }
        })
    };
    let mut seqs = Vec::new();
    let (mut cuts, mut resumes) = (0, 0);
    while seqs.len() < total as usize {
        match next_event(&mut gateway).await {
            GatewayEvent::Frame(ServerFrame::MessageCreated {
                conversation_id,
                message,
                ..
            }) if conversation_id == conversation => {
                seqs.push(message.seq);
                if seqs.len() % 40 == 0 {
                    proxy.cut();
                    cuts += 1;
                }
            }
            GatewayEvent::Resumed => resumes += 1,
            _ => {}
        }
    }
    sender.await.expect("sender");
    assert_eq!(seqs, (1..=total).collect::<Vec<u64>>());
    assert!(cuts >= 7 && resumes >= 1, "cuts {cuts}, resumes {resumes}");
}

#[tokio::test]
async fn messages_sent_while_disconnected_go_out_on_reconnect_exactly_once() {
    let server = spawn_server().await;
    let proxy = Proxy::start(server.addr).await;
    let alice = server.user("alice").await;
    let room = lobby(&alice, "general").await;
    let mut gateway = gateway_through(&proxy, &alice).await;
    assert!(matches!(
        next_event(&mut gateway).await,
        GatewayEvent::Connected(_)
    ));

    go_offline(&proxy, &mut gateway).await;
    let sends: Vec<_> = (1..=3)
        .map(|i| gateway.send_message(room.id.into(), text(&format!("offline {i}"))))
        .collect();
    proxy.refuse(false);
    let mut stored = Vec::new();
    let results = tokio::spawn(futures_util::future::join_all(sends));
    let mut states = Vec::new();
    while !states.iter().any(|e| matches!(e, GatewayEvent::Resumed)) {
        states.push(next_event(&mut gateway).await);
    }
    for result in results.await.expect("sends") {
        stored.push(result.expect("acked after reconnect").seq);
    }
    assert_eq!(stored, [1, 2, 3]);
    let history = alice
        .history_page(room.id, &chat_core::v1::HistoryQuery::default())
        .await
        .expect("history");
    let contents: Vec<_> = history
        .items
        .iter()
        .rev()
        .map(|m| m.content.to_string())
        .collect();
    assert_eq!(contents, ["offline 1", "offline 2", "offline 3"]);
}

#[tokio::test]
async fn a_revoked_token_stops_the_gateway_and_fails_waiting_sends() {
    let server = spawn_server().await;
    let alice = server.user("alice").await;
    let room = lobby(&alice, "general").await;
    let mut gateway = Gateway::connect(&alice).await.expect("connect");
    alice.logout().await.expect("logout");
    loop {
        match next_event(&mut gateway).await {
            GatewayEvent::Closed { reason } => {
                assert!(reason.contains("revoked"), "{reason}");
                break;
            }
            GatewayEvent::Reconnecting { .. } => panic!("a revoked token is not retried"),
            _ => {}
        }
    }
    let e = gateway
        .send_message(room.id.into(), text("too late"))
        .await
        .expect_err("closed");
    assert!(matches!(e, chat_client::Error::Closed), "{e:?}");
}

#[tokio::test]
async fn connecting_with_a_bad_token_fails_at_once() {
    let server = spawn_server().await;
    let client = Client::builder(&server.url)
        .token("not-a-token")
        .build()
        .expect("client");
    let e = Gateway::connect(&client).await.expect_err("refused");
    assert!(e.is_unauthorized(), "{e:?}");
}

#[tokio::test]
async fn a_gap_too_large_is_reported_as_resync_required_and_live_events_follow() {
    let server = spawn_server_with(|c| c.gateway.resume_max_gap = 5).await;
    let proxy = Proxy::start(server.addr).await;
    let alice = server.user("alice").await;
    let room = lobby(&alice, "general").await;
    let mut gateway = gateway_through(&proxy, &alice).await;
    // Deliver one live event, so the gateway has a position in the lobby.
    alice
        .send_message(room.id, text("before"), None)
        .await
        .expect("sent");
    until_message(&mut gateway, "before").await;

    go_offline(&proxy, &mut gateway).await;
    for i in 0..10 {
        alice
            .send_message(room.id, text(&format!("missed {i}")), None)
            .await
            .expect("sent");
    }
    proxy.refuse(false);
    let mut events = Vec::new();
    while !events.iter().any(|e| matches!(e, GatewayEvent::Resumed)) {
        events.push(next_event(&mut gateway).await);
    }
    assert!(
        events
            .iter()
            .any(|e| matches!(e, GatewayEvent::ResyncRequired { conversation_id } if *conversation_id == room.id.into())),
        "{events:?}"
    );
    alice
        .send_message(room.id, text("after"), None)
        .await
        .expect("sent");
    until_message(&mut gateway, "after").await;
}

#[tokio::test]
async fn server_pings_keep_a_quiet_connection_and_a_silent_one_is_replaced() {
    let silence = Duration::from_millis(600);
    let server = spawn_server_with(|config| {
        config.gateway.ping_interval = Duration::from_millis(100);
    })
    .await;
    let proxy = Proxy::start(server.addr).await;
    let alice = server.user("alice").await;
    let client = Client::builder(&proxy.url)
        .token(alice.token().expect("token"))
        .build()
        .expect("client");
    let config = GatewayConfig {
        silence_timeout: silence,
        ..fast_reconnects()
    };
    let mut gateway = Gateway::connect_with(&client, config)
        .await
        .expect("connect");

    // Nothing but the server's pings for several silence timeouts: the connection stays.
    let quiet_until = tokio::time::Instant::now() + 4 * silence;
    while let Ok(event) = tokio::time::timeout_at(quiet_until, gateway.next_event()).await {
        let event = event.expect("the gateway is running");
        assert!(
            !matches!(event, GatewayEvent::Reconnecting { .. }),
            "a pinged connection was given up: {event:?}"
        );
    }

    // Then the path goes dead without closing: the gateway notices and connects again.
    proxy.freeze();
    let reason = loop {
        if let GatewayEvent::Reconnecting { reason, .. } = next_event(&mut gateway).await {
            break reason;
        }
    };
    assert!(reason.contains("silent"), "{reason}");
    loop {
        if let GatewayEvent::Connected(_) = next_event(&mut gateway).await {
            break;
        }
    }
}

#[tokio::test]
async fn a_gateway_restarted_with_the_same_file_store_resumes_from_its_saved_cursors() {
    use chat_client::sync::{FileStore, ResumeStore};
    use std::sync::Arc;

    let server = spawn_server().await;
    let alice = server.user("alice").await;
    let room = lobby(&alice, "general").await;
    let conversation: ConversationId = room.id.into();
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Arc::new(FileStore::new(dir.path().join("resume.json")));
    let config = GatewayConfig {
        resume_store: Some(store.clone()),
        ..fast_reconnects()
    };

    // The first run sees one message, then stops (the application exits).
    let mut gateway = Gateway::connect_with(&alice, config.clone())
        .await
        .expect("connect");
    alice
        .send_message(room.id, text("before the restart"), None)
        .await
        .expect("sent");
    let seen = loop {
        if let GatewayEvent::Frame(ServerFrame::MessageCreated { seq, message, .. }) =
            next_event(&mut gateway).await
            && message.content.as_str() == "before the restart"
        {
            break seq;
        }
    };
    drop(gateway);
    // The gateway's task writes the store as it stops.
    tokio::time::timeout(crate::helpers::PATIENCE, async {
        while store
            .load()
            .expect("a readable store")
            .and_then(|state| state.cursors.get(&conversation).copied())
            != Some(seen)
        {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .expect("the cursor saved in time");

    // While no gateway runs, the conversation moves on.
    alice
        .send_message(room.id, text("while away"), None)
        .await
        .expect("sent");

    // The second run starts from the saved cursor, not from the server's position: it
    // receives what it missed, and nothing it had seen.
    let mut gateway = Gateway::connect_with(&alice, config)
        .await
        .expect("connect again");
    let before = until_message(&mut gateway, "while away").await;
    assert!(
        matches!(before.as_slice(), [GatewayEvent::Connected(_)]),
        "{before:?}"
    );
    assert_eq!(next_event(&mut gateway).await, GatewayEvent::Resumed);
}
