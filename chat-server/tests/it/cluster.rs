//! Three server processes on one PostgreSQL database and one Redis act as one server:
//! messages, presence and typing cross nodes, and the clients of a node killed with SIGKILL
//! resume on another without losing an acknowledged message.
//!
//! Runs when both `CHAT_TEST_DATABASE_URL` (PostgreSQL) and `CHAT_TEST_REDIS_URL` are set, as
//! `.ci/run` does; without them there is nothing to cluster on and the test says so.

use std::collections::BTreeMap;
use std::time::Duration;

use chat_core::v1::{AuthResponse, ClientFrame, ConversationId, Lobby, Message, ServerFrame};
use serde_json::json;

use crate::helpers::{POSTGRES_VAR, TestDatabase};
use crate::process::ServerProcess;
use crate::ws::Ws;

/// The variable naming the Redis the cluster tests use.
const REDIS_VAR: &str = "CHAT_TEST_REDIS_URL";

struct Cluster {
    nodes: Vec<Option<ServerProcess>>,
    http: reqwest::Client,
    _dirs: Vec<tempfile::TempDir>,
    _database: TestDatabase,
}

impl Cluster {
    /// Starts `n` nodes, or `None` when the environment has no PostgreSQL and Redis.
    async fn start(n: usize) -> Option<Self> {
        let redis = std::env::var(REDIS_VAR).ok().filter(|v| !v.is_empty())?;
        Self::start_on(n, &redis).await
    }

    /// Starts `n` nodes on the Redis at `redis`, or `None` without PostgreSQL.
    async fn start_on(n: usize, redis: &str) -> Option<Self> {
        let postgres = std::env::var(POSTGRES_VAR).ok().filter(|v| !v.is_empty());
        if postgres.is_none() {
            eprintln!("cluster test not run: set {POSTGRES_VAR} and {REDIS_VAR}");
            return None;
        }
        let root = tempfile::tempdir().expect("temp dir");
        let database = TestDatabase::create(root.path()).await;
        // A prefix of its own keeps parallel test clusters apart on the shared Redis.
        let prefix = format!("chat-test-{}", uuid::Uuid::now_v7().simple());
        let mut dirs = vec![root];
        let mut nodes = Vec::new();
        for _ in 0..n {
            let dir = tempfile::tempdir().expect("temp dir");
            nodes.push(Some(ServerProcess::start(
                dir.path(),
                &database.url,
                &[
                    ("CHAT_REDIS_URL", redis),
                    ("CHAT_REDIS_PREFIX", &prefix),
                    ("CHAT_JWT_SECRET", "cluster-secret-cluster-secret-cluster!"),
                    ("CHAT_PRESENCE_TTL", "2s"),
                ],
            )));
            dirs.push(dir);
        }
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .expect("client");
        Some(Self {
            nodes,
            http,
            _dirs: dirs,
            _database: database,
        })
    }

    fn node(&self, i: usize) -> &ServerProcess {
        self.nodes[i].as_ref().expect("a running node")
    }

    async fn post<T: serde::de::DeserializeOwned>(
        &self,
        node: usize,
        path: &str,
        token: Option<&str>,
        body: serde_json::Value,
    ) -> T {
        let mut request = self
            .http
            .post(format!("{}{path}", self.node(node).url))
            .json(&body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("sent");
        let status = response.status();
        let text = response.text().await.expect("body");
        assert!(status.is_success(), "{path}: {status} {text}");
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}: {text}"))
    }

    /// Posts to `path` through `node` until `acked` holds `total` acknowledged messages, each
    /// with a nonce of its own.
    async fn write(
        &self,
        node: usize,
        path: &str,
        token: &str,
        acked: &mut Vec<Message>,
        total: usize,
    ) {
        while acked.len() < total {
            let n = acked.len();
            let message: Message = self
                .post(
                    node,
                    path,
                    Some(token),
                    json!({"content": format!("k{n}"), "nonce": format!("k{n}")}),
                )
                .await;
            acked.push(message);
        }
    }

    async fn register(&self, node: usize, username: &str) -> AuthResponse {
        self.post(
            node,
            "/api/v1/auth/register",
            None,
            json!({"username": username, "password": "correct horse"}),
        )
        .await
    }

    /// Alice on node 0 (the lobby's admin), bob on node 1 and carol on node 2, all in a new
    /// public lobby.
    async fn three_in_one_lobby(
        &self,
        name: &str,
    ) -> (AuthResponse, AuthResponse, AuthResponse, Lobby) {
        let alice = self.register(0, "alice").await;
        let bob = self.register(1, "bob").await;
        let carol = self.register(2, "carol").await;
        let lobby: Lobby = self
            .post(
                0,
                "/api/v1/lobbies",
                Some(&alice.token),
                json!({"name": name}),
            )
            .await;
        let join = format!("/api/v1/lobbies/{}/join", lobby.id);
        let _: serde_json::Value = self.post(1, &join, Some(&bob.token), json!({})).await;
        let _: serde_json::Value = self.post(2, &join, Some(&carol.token), json!({})).await;
        (alice, bob, carol, lobby)
    }

    async fn live(&self, node: usize, token: &str) -> Ws {
        let (mut ws, _) = Ws::ready(&self.node(node).ws_url(), token).await;
        let replay = ws.resume(BTreeMap::new()).await;
        assert!(replay.is_empty(), "nothing to replay: {replay:?}");
        ws
    }
}

/// The next `presence` frame about `user`.
async fn presence_of(ws: &mut Ws, user: chat_core::v1::UserId) -> bool {
    let (frame, _) = ws
        .until(|f| matches!(f, ServerFrame::Presence { user_id, .. } if *user_id == user))
        .await;
    match frame {
        ServerFrame::Presence { online, .. } => online,
        _ => unreachable!("matched a presence frame"),
    }
}

/// Records the `message.created` events of one conversation, in arrival order, and the
/// last event seq seen (the resume cursor).
#[derive(Default)]
struct Seen {
    messages: Vec<Message>,
    cursor: u64,
}

impl Seen {
    fn take(&mut self, conversation: ConversationId, frame: ServerFrame) {
        if let Some((c, seq)) = frame.conversation_seq()
            && c == conversation
        {
            assert!(seq > self.cursor, "event {seq} after {}", self.cursor);
            self.cursor = seq;
            if let ServerFrame::MessageCreated { message, .. } = frame {
                self.messages.push(message);
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_nodes_act_as_one_and_clients_survive_a_node_killed_mid_stream() {
    let Some(mut cluster) = Cluster::start(3).await else {
        return;
    };
    // Arrange: alice on node 0, bob on node 1, carol on node 2, all in one lobby.
    let (alice, bob, carol, lobby) = cluster.three_in_one_lobby("everywhere").await;
    let conversation: ConversationId = lobby.id.into();

    // Presence crosses nodes: alice (node 0) sees bob come online on node 1.
    let mut alice_ws = cluster.live(0, &alice.token).await;
    let mut bob_ws = cluster.live(1, &bob.token).await;
    assert!(presence_of(&mut alice_ws, bob.user.id).await, "bob online");

    // Typing crosses nodes.
    bob_ws
        .send(&ClientFrame::Typing {
            conversation_id: conversation,
        })
        .await;
    let (typing, _) = alice_ws
        .until(|f| matches!(f, ServerFrame::Typing { .. }))
        .await;
    assert_eq!(
        typing,
        ServerFrame::Typing {
            conversation_id: conversation,
            user_id: bob.user.id,
            typing: true,
        }
    );

    // Messages posted on node 2 reach node 0 and node 1 in order.
    let path = format!("/api/v1/lobbies/{}/messages", lobby.id);
    let mut posted = Vec::new();
    for n in 0..20 {
        let message: Message = cluster
            .post(
                2,
                &path,
                Some(&carol.token),
                json!({"content": format!("m{n}")}),
            )
            .await;
        posted.push(message.id);
    }
    for ws in [&mut alice_ws, &mut bob_ws] {
        let mut seen = Seen::default();
        while seen.messages.len() < posted.len() {
            let frame = ws.next_frame().await;
            seen.take(conversation, frame);
        }
        let ids: Vec<_> = seen.messages.iter().map(|m| m.id).collect();
        assert_eq!(ids, posted, "every message once, in order");
    }

    // Act: carol listens on node 2 while a writer posts there; node 2 dies mid-stream.
    let (mut carol_ws, _) = Ws::ready(&cluster.node(2).ws_url(), &carol.token).await;
    let mut carol_seen = Seen::default();
    for frame in carol_ws.resume(BTreeMap::new()).await {
        carol_seen.take(conversation, frame);
    }
    assert!(
        presence_of(&mut alice_ws, carol.user.id).await,
        "carol online"
    );
    let mut acked: Vec<Message> = Vec::new();
    cluster.write(2, &path, &bob.token, &mut acked, 30).await;
    // Carol reads part of the stream before her node goes.
    while carol_seen.messages.len() < 10 {
        let frame = carol_ws.next_frame().await;
        carol_seen.take(conversation, frame);
    }
    if let Some(mut node) = cluster.nodes[2].take() {
        node.kill();
    }
    carol_ws.cut();

    // Carol's presence on the dead node expires: alice is told she went offline.
    assert!(
        !presence_of(&mut alice_ws, carol.user.id).await,
        "carol offline"
    );

    // The writer goes on through another node.
    cluster.write(0, &path, &bob.token, &mut acked, 60).await;

    // Carol resumes on node 1 from her last cursor and then receives live.
    let (mut carol_ws, _) = Ws::ready(&cluster.node(1).ws_url(), &carol.token).await;
    let cursors = BTreeMap::from([(conversation, carol_seen.cursor)]);
    for frame in carol_ws.resume(cursors).await {
        carol_seen.take(conversation, frame);
    }
    assert!(
        presence_of(&mut alice_ws, carol.user.id).await,
        "carol back"
    );
    let last: Message = cluster
        .post(0, &path, Some(&alice.token), json!({"content": "last"}))
        .await;
    acked.push(last.clone());
    while carol_seen.messages.last().map(|m| m.id) != Some(last.id) {
        let frame = carol_ws.next_frame().await;
        carol_seen.take(conversation, frame);
    }

    // Assert: carol saw every acknowledged message exactly once, in seq order.
    let seen: Vec<_> = carol_seen.messages.iter().map(|m| m.id).collect();
    let tail = &seen[seen.len() - acked.len()..];
    let expected: Vec<_> = acked.iter().map(|m| m.id).collect();
    assert_eq!(tail, expected.as_slice(), "nothing lost, nothing doubled");
    let seqs: Vec<u64> = carol_seen.messages.iter().map(|m| m.seq).collect();
    assert!(
        seqs.windows(2).all(|w| w[1] == w[0] + 1),
        "gap-free seqs: {seqs:?}"
    );
}

/// A Redis server of the test's own, which it may stop and start again on the same port.
struct OwnRedis {
    port: u16,
    child: Option<std::process::Child>,
}

impl OwnRedis {
    fn start() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let mut redis = Self { port, child: None };
        redis.restart();
        redis
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// Starts the server and returns once it accepts connections.
    fn restart(&mut self) {
        use std::io::{BufRead, BufReader};
        let mut child = std::process::Command::new("redis-server")
            .args(["--bind", "127.0.0.1", "--port", &self.port.to_string()])
            .args(["--save", "", "--appendonly", "no"])
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("redis-server starts");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        assert!(
            lines
                .by_ref()
                .map_while(Result::ok)
                .any(|line| line.contains("Ready to accept connections")),
            "redis-server did not get ready"
        );
        std::thread::spawn(move || for _ in lines {});
        self.child = Some(child);
    }

    /// Stops (`SIGSTOP`) or continues (`SIGCONT`) the server: while stopped its port still
    /// accepts connections but nothing answers, as when the network to it is cut.
    fn signal(&self, signal: &str) {
        let pid = self.child.as_ref().expect("a running redis-server").id();
        let status = std::process::Command::new("kill")
            .args([signal, &pid.to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success(), "kill {signal} {pid}");
    }

    /// Kills the server (no shutdown: as if it crashed) and waits until it is gone.
    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for OwnRedis {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Reads `ws` until a message with `content` arrives (true), or `within` passes (false).
async fn saw_within(
    ws: &mut Ws,
    seen: &mut Seen,
    conversation: ConversationId,
    content: &str,
    within: Duration,
) -> bool {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        match tokio::time::timeout_at(deadline, ws.next_frame()).await {
            Ok(frame) => {
                seen.take(conversation, frame);
                if seen
                    .messages
                    .last()
                    .is_some_and(|m| m.content.as_str() == content)
                {
                    return true;
                }
            }
            Err(_) => return false,
        }
    }
}

/// What happens to the cluster's Redis mid-stream.
enum RedisFault {
    /// Killed, then started again on the same port: connections refused meanwhile.
    Restart,
    /// Unreachable for this long: connections hang, nothing answers.
    Unreachable(Duration),
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redis_restart_loses_nothing_and_live_delivery_across_nodes_recovers_by_itself() {
    redis_fault_loses_nothing(RedisFault::Restart).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_unreachable_for_30_s_loses_nothing_and_delivery_recovers_by_itself() {
    redis_fault_loses_nothing(RedisFault::Unreachable(Duration::from_secs(30))).await;
}

/// Messages flow across three nodes while Redis fails: the nodes keep accepting and storing
/// posts (each answered well within a client's timeout), live delivery across nodes comes
/// back by itself, and every watcher ends with every acknowledged message exactly once.
async fn redis_fault_loses_nothing(fault: RedisFault) {
    if std::env::var(REDIS_VAR)
        .ok()
        .filter(|v| !v.is_empty())
        .is_none()
    {
        eprintln!("cluster test not run: set {POSTGRES_VAR} and {REDIS_VAR}");
        return;
    }
    let mut redis = OwnRedis::start();
    let Some(cluster) = Cluster::start_on(3, &redis.url()).await else {
        return;
    };
    let (alice, bob, carol, lobby) = cluster.three_in_one_lobby("outage").await;
    let conversation: ConversationId = lobby.id.into();
    let mut watchers = [
        (cluster.live(1, &bob.token).await, Seen::default()),
        (cluster.live(2, &carol.token).await, Seen::default()),
    ];
    let path = format!("/api/v1/lobbies/{}/messages", lobby.id);
    let mut acked: Vec<Message> = Vec::new();
    cluster.write(0, &path, &alice.token, &mut acked, 5).await;
    for (ws, seen) in &mut watchers {
        assert!(saw_within(ws, seen, conversation, "k4", Duration::from_secs(10)).await);
    }

    match fault {
        RedisFault::Restart => {
            // Redis dies: the nodes keep accepting and storing posts.
            redis.kill();
            cluster.write(0, &path, &alice.token, &mut acked, 15).await;
            redis.restart();
        }
        RedisFault::Unreachable(outage) => {
            // Posts go on, to every node, for the whole outage; none waits on Redis for long.
            redis.signal("-STOP");
            let until = tokio::time::Instant::now() + outage;
            let mut node = 0;
            // Paced, so the gap each watcher's node fills afterwards stays a few hundred
            // events, as a busy lobby's would.
            let mut pace = tokio::time::interval(Duration::from_millis(250));
            while tokio::time::Instant::now() < until {
                pace.tick().await;
                let started = tokio::time::Instant::now();
                let total = acked.len() + 1;
                cluster
                    .write(node, &path, &alice.token, &mut acked, total)
                    .await;
                assert!(
                    started.elapsed() < Duration::from_secs(5),
                    "a post waited {:?} on an unreachable Redis",
                    started.elapsed()
                );
                node = (node + 1) % 3;
            }
            redis.signal("-CONT");
        }
    }

    // Live delivery across nodes comes back without any node restarting: posts go on until
    // each watcher hears one live (the nodes re-subscribe with a backoff of at most 5 s).
    for (ws, seen) in &mut watchers {
        let mut recovered = false;
        for _ in 0..30 {
            let probe = format!("probe{}", acked.len());
            let message: Message = cluster
                .post(0, &path, Some(&alice.token), json!({"content": probe}))
                .await;
            acked.push(message);
            if saw_within(ws, seen, conversation, &probe, Duration::from_secs(1)).await {
                recovered = true;
                break;
            }
        }
        assert!(recovered, "live delivery did not recover");
    }

    // Every acknowledged message reached both watchers exactly once, in order: what was
    // posted while Redis was down came as a gap, filled from the database.
    let last = acked.last().expect("messages").content.as_str().to_owned();
    for (ws, seen) in &mut watchers {
        if seen.messages.last().map(|m| m.content.as_str()) != Some(last.as_str()) {
            assert!(saw_within(ws, seen, conversation, &last, Duration::from_secs(10)).await);
        }
        let ids: Vec<_> = seen.messages.iter().map(|m| m.id).collect();
        let expected: Vec<_> = acked.iter().map(|m| m.id).collect();
        assert_eq!(ids, expected, "nothing lost, nothing doubled");
    }

    // Presence settles across nodes too: alice comes online on node 0 and leaves again; bob,
    // on node 1, hears both.
    let alice_ws = cluster.live(0, &alice.token).await;
    let bob_ws = &mut watchers[0].0;
    assert!(presence_of(bob_ws, alice.user.id).await, "alice online");
    drop(alice_ws);
    assert!(!presence_of(bob_ws, alice.user.id).await, "alice offline");
}
