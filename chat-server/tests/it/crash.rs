//! Crash safety: the real server binary killed with SIGKILL while clients send, restarted on
//! the same database, twenty times. Every acknowledged message must be stored exactly once,
//! and the conversation's seqs must run 1, 2, 3, … without a gap. On SQLite, or on
//! PostgreSQL when the suite runs with `CHAT_TEST_DATABASE_URL`.

use std::collections::HashSet;
use std::time::Duration;

use chat_core::v1::{AuthResponse, Lobby, Message};
use serde_json::json;

use crate::process::{ServerProcess, stored_messages};

/// A small deterministic generator, so a failure can be replayed.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % below
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_messages_survive_twenty_sigkills() {
    let dir = tempfile::tempdir().expect("temp dir");
    let database = crate::helpers::TestDatabase::create(dir.path()).await;
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .expect("client");
    let mut server = ServerProcess::start(dir.path(), &database.url, &[]);
    let auth: AuthResponse = http
        .post(format!("{}/api/v1/auth/register", server.url))
        .json(&json!({"username": "writer", "password": "correct horse"}))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("registered");
    let lobby: Lobby = http
        .post(format!("{}/api/v1/lobbies", server.url))
        .bearer_auth(&auth.token)
        .json(&json!({"name": "durable"}))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("lobby");

    let mut acked: Vec<Message> = Vec::new();
    let mut random = Lcg(0x5eed);
    let mut nonce = 0u64;
    for _round in 0..20 {
        // Four writers race; the kill lands after a random number of acknowledgements.
        let kill_after = 5 + random.next(40) as usize;
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let mut writers = Vec::new();
        for _ in 0..4 {
            let (http, url, token, tx) = (
                http.clone(),
                server.url.clone(),
                auth.token.clone(),
                tx.clone(),
            );
            let path = format!("{url}/api/v1/lobbies/{}/messages", lobby.id);
            let start = nonce;
            nonce += 1_000_000;
            writers.push(tokio::spawn(async move {
                for n in start.. {
                    let sent = http
                        .post(&path)
                        .bearer_auth(&token)
                        .json(&json!({"content": format!("m{n}"), "nonce": format!("n{n}")}))
                        .send()
                        .await;
                    let Ok(response) = sent else { break };
                    if response.status() != 201 {
                        break;
                    }
                    let Ok(message) = response.json::<Message>().await else {
                        break;
                    };
                    if tx.send(message).is_err() {
                        break;
                    }
                }
            }));
        }
        drop(tx);
        let mut this_round = 0;
        while let Some(message) = tokio::time::timeout(Duration::from_secs(30), rx.recv())
            .await
            .expect("acknowledgements keep coming")
        {
            acked.push(message);
            this_round += 1;
            if this_round == kill_after {
                server.kill();
                break;
            }
        }
        // Writers stop on their first failed request; acks already in flight are still acks.
        for writer in writers {
            let _ = writer.await;
        }
        while let Ok(message) = rx.try_recv() {
            acked.push(message);
        }
        server = ServerProcess::start(dir.path(), &database.url, &[]);
    }

    let stored = stored_messages(&http, &server.url, &auth.token, lobby.id).await;
    let seqs: Vec<u64> = stored.iter().map(|m| m.seq).collect();
    assert_eq!(
        seqs,
        (1..=stored.len() as u64).collect::<Vec<_>>(),
        "gap-free, in order"
    );
    let stored_ids: HashSet<_> = stored.iter().map(|m| m.id).collect();
    assert_eq!(stored_ids.len(), stored.len(), "no duplicates");
    for message in &acked {
        assert!(
            stored_ids.contains(&message.id),
            "acknowledged message #{} was lost",
            message.seq
        );
    }
    assert!(acked.len() >= 20 * 5, "{} acknowledgements", acked.len());
}
