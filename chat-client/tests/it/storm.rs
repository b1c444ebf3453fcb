//! A reconnect storm: 50 clients in 10 lobbies, every connection cut again and again (over
//! 1,000 cuts in all) while messages flow. Afterwards each client has seen every message of its
//! lobby exactly once, in order.

use chat_client::{Client, Gateway, GatewayEvent};
use chat_core::v1::{ConversationId, CreateLobbyRequest, LobbyName, MessageContent, ServerFrame};

use crate::helpers::{PATIENCE, Proxy, fast_reconnects, spawn_server};

const LOBBIES: usize = 10;
const PER_LOBBY: usize = 5;
/// Rounds of: wait until all 50 clients have reconnected since the last cut, post one message
/// to every lobby, cut everything (25 × 50 = 1,250 cuts).
const ROUNDS: usize = 25;
const MESSAGES_PER_LOBBY: u64 = ROUNDS as u64;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_client_sees_every_message_of_its_lobby_once_in_order_through_a_reconnect_storm() {
    let server = spawn_server().await;
    let proxy = Proxy::start(server.addr).await;
    let owner = server.user("owner").await;
    let mut lobbies = Vec::new();
    for i in 0..LOBBIES {
        let lobby = owner
            .create_lobby(&CreateLobbyRequest {
                name: LobbyName::parse(&format!("room {i}")).expect("name"),
                description: None,
                visibility: Default::default(),
            })
            .await
            .expect("lobby");
        lobbies.push(lobby.id);
    }
    // 50 members, each with a gateway through the proxy, collecting its lobby's messages.
    let mut watchers = Vec::new();
    for i in 0..LOBBIES * PER_LOBBY {
        let lobby = lobbies[i % LOBBIES];
        let user = server.user(&format!("member{i}")).await;
        user.join_lobby(lobby).await.expect("join");
        let through_proxy = Client::builder(&proxy.url)
            .token(user.token().expect("token"))
            .build()
            .expect("client");
        let mut gateway = Gateway::connect_with(&through_proxy, fast_reconnects())
            .await
            .expect("connect");
        let conversation: ConversationId = lobby.into();
        watchers.push(tokio::spawn(async move {
            let mut seqs = Vec::new();
            while seqs.len() < MESSAGES_PER_LOBBY as usize {
                let event = tokio::time::timeout(PATIENCE, gateway.next_event())
                    .await
                    .expect("an event in time")
                    .expect("the gateway runs");
                if let GatewayEvent::Frame(ServerFrame::MessageCreated {
                    conversation_id,
                    message,
                    ..
                }) = event
                    && conversation_id == conversation
                {
                    seqs.push(message.seq);
                }
            }
            seqs
        }));
    }
    // Each round: all clients connected, a message to every lobby, then every connection cut
    // (messages posted just before a cut must come back through the resume).
    for round in 0..ROUNDS {
        proxy.wait_for_connections(LOBBIES * PER_LOBBY).await;
        for (i, lobby) in lobbies.iter().enumerate() {
            owner
                .send_message(
                    *lobby,
                    MessageContent::parse(&format!("r{round} l{i}")).expect("content"),
                    None,
                )
                .await
                .expect("sent");
        }
        proxy.cut();
    }
    for watcher in watchers {
        let seqs = watcher.await.expect("watcher");
        assert_eq!(seqs, (1..=MESSAGES_PER_LOBBY).collect::<Vec<_>>());
    }
    assert!(proxy.cuts() >= 1_000, "{} connections cut", proxy.cuts());
}
