//! The server, a cutting proxy, and signed-in clients.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use chat_client::{Client, Gateway, GatewayConfig, GatewayEvent};
use chat_core::v1::{Password, RegisterRequest, Username};
use chat_server::Config;
use chat_server::testkit;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::broadcast;

/// How long a test waits for something expected.
pub const PATIENCE: Duration = Duration::from_secs(15);

/// A server of the test kit, with its URL at hand.
pub struct TestServer {
    pub url: String,
    pub addr: SocketAddr,
    _server: testkit::TestServer,
}

pub async fn spawn_server() -> TestServer {
    spawn_server_with(|_| {}).await
}

pub async fn spawn_server_with(configure: impl FnOnce(&mut Config)) -> TestServer {
    let server = testkit::TestServer::spawn_with(configure).await;
    TestServer {
        url: server.url(),
        addr: server.addr,
        _server: server,
    }
}

impl TestServer {
    /// A client signed in as a new user.
    pub async fn user(&self, name: &str) -> Client {
        signed_in(&self.url, name).await
    }
}

pub async fn signed_in(url: &str, name: &str) -> Client {
    let client = Client::new(url).expect("client");
    client
        .register(&RegisterRequest {
            username: Username::parse(name).expect("username"),
            password: Password::parse("correct horse").expect("password"),
            email: None,
            display_name: None,
        })
        .await
        .expect("registered");
    client
}

/// Gateway tuning for tests: quick reconnects.
pub fn fast_reconnects() -> GatewayConfig {
    GatewayConfig {
        min_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(100),
        ..GatewayConfig::default()
    }
}

/// The next event, within the test's patience.
pub async fn next_event(gateway: &mut Gateway) -> GatewayEvent {
    tokio::time::timeout(PATIENCE, gateway.next_event())
        .await
        .expect("an event in time")
        .expect("the gateway is running")
}

/// A TCP proxy in front of the server that can cut every connection through it and refuse
/// new ones: a server "dropping connections", seen from the client.
pub struct Proxy {
    pub url: String,
    cut: broadcast::Sender<()>,
    freeze: broadcast::Sender<()>,
    refusing: Arc<AtomicBool>,
    cuts: Arc<AtomicUsize>,
    live: Arc<Live>,
}

/// The connections opened since the last cut. Counting per generation matters: right after a
/// cut, the connections it ended may not have closed yet, and must not count as reconnected.
#[derive(Default)]
struct Live {
    since_cut: std::sync::Mutex<Generation>,
    changed: tokio::sync::Notify,
}

#[derive(Default)]
struct Generation {
    number: u64,
    open: usize,
}

impl Live {
    fn opened(&self) -> u64 {
        let mut current = self.since_cut.lock().expect("lock");
        current.open += 1;
        self.changed.notify_waiters();
        current.number
    }

    fn closed(&self, generation: u64) {
        let mut current = self.since_cut.lock().expect("lock");
        if current.number == generation {
            current.open -= 1;
        }
        self.changed.notify_waiters();
    }

    fn open(&self) -> usize {
        self.since_cut.lock().expect("lock").open
    }
}

impl Proxy {
    pub async fn start(target: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let (cut, _) = broadcast::channel(16);
        let (freeze, _) = broadcast::channel(16);
        let refusing = Arc::new(AtomicBool::new(false));
        let cuts = Arc::new(AtomicUsize::new(0));
        let live = Arc::new(Live::default());
        let (cut_tx, freeze_tx, refusing_flag, counter, tracked) = (
            cut.clone(),
            freeze.clone(),
            refusing.clone(),
            cuts.clone(),
            live.clone(),
        );
        tokio::spawn(async move {
            while let Ok((inbound, _)) = listener.accept().await {
                if refusing_flag.load(Ordering::SeqCst) {
                    drop(inbound);
                    continue;
                }
                let mut cut_rx = cut_tx.subscribe();
                let mut freeze_rx = freeze_tx.subscribe();
                let counter = counter.clone();
                let tracked = tracked.clone();
                tokio::spawn(async move {
                    let Ok(outbound) = TcpStream::connect(target).await else {
                        return;
                    };
                    let (mut inbound, mut outbound) = (inbound, outbound);
                    let generation = tracked.opened();
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => {}
                        _ = cut_rx.recv() => {
                            counter.fetch_add(1, Ordering::SeqCst);
                        }
                        _ = freeze_rx.recv() => {
                            // Open but silent both ways until cut.
                            let _ = cut_rx.recv().await;
                            counter.fetch_add(1, Ordering::SeqCst);
                        }
                    }
                    tracked.closed(generation);
                });
            }
        });
        Self {
            url,
            cut,
            freeze,
            refusing,
            cuts,
            live,
        }
    }

    /// Drops every connection through the proxy.
    pub fn cut(&self) {
        let mut current = self.live.since_cut.lock().expect("lock");
        current.number += 1;
        current.open = 0;
        let _ = self.cut.send(());
    }

    /// Stops forwarding anything on the connections open now, without closing them: a peer
    /// gone silent (a dead network path), which only a timeout notices.
    pub fn freeze(&self) {
        let _ = self.freeze.send(());
    }

    /// How many connections the proxy has cut.
    pub fn cuts(&self) -> usize {
        self.cuts.load(Ordering::SeqCst)
    }

    /// Waits until `n` connections have been opened through the proxy since the last cut
    /// (and are still open).
    pub async fn wait_for_connections(&self, n: usize) {
        let wait = async {
            loop {
                let changed = self.live.changed.notified();
                if self.live.open() >= n {
                    return;
                }
                changed.await;
            }
        };
        if tokio::time::timeout(PATIENCE, wait).await.is_err() {
            panic!(
                "only {} of {n} clients reconnected in time",
                self.live.open()
            );
        }
    }

    /// Refuses (or accepts again) new connections.
    pub fn refuse(&self, refusing: bool) {
        self.refusing.store(refusing, Ordering::SeqCst);
    }
}
