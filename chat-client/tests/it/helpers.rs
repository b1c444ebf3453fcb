//! The server, a cutting proxy, and signed-in clients.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use chat_client::{Client, Gateway, GatewayConfig, GatewayEvent};
use chat_core::v1::{Password, RegisterRequest, Username};
use chat_server::config::Secret;
use chat_server::{Config, Server};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{broadcast, oneshot};

/// How long a test waits for something expected.
pub const PATIENCE: Duration = Duration::from_secs(15);

pub struct TestServer {
    pub url: String,
    pub addr: SocketAddr,
    _dir: tempfile::TempDir,
    _stop: oneshot::Sender<()>,
}

pub async fn spawn_server() -> TestServer {
    spawn_server_with(|_| {}).await
}

pub async fn spawn_server_with(configure: impl FnOnce(&mut Config)) -> TestServer {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut config = Config::with_data_dir(dir.path());
    config.bcrypt_cost = 4;
    config.jwt_secret = Some(Secret::new("client-tests-secret-client-tests-secret"));
    config.gateway.send_burst = 100_000;
    configure(&mut config);
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let server = Server::with_listener(listener, config)
        .await
        .expect("server starts");
    let addr = server.local_addr();
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(server.run(async {
        let _ = stopped.await;
    }));
    TestServer {
        url: format!("http://{addr}"),
        addr,
        _dir: dir,
        _stop: stop,
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
    refusing: Arc<AtomicBool>,
    cuts: Arc<std::sync::atomic::AtomicUsize>,
    active: Arc<(std::sync::atomic::AtomicUsize, tokio::sync::Notify)>,
}

impl Proxy {
    pub async fn start(target: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let (cut, _) = broadcast::channel(16);
        let refusing = Arc::new(AtomicBool::new(false));
        let cuts = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let active = Arc::new((
            std::sync::atomic::AtomicUsize::new(0),
            tokio::sync::Notify::new(),
        ));
        let (cut_tx, refusing_flag, counter, live) =
            (cut.clone(), refusing.clone(), cuts.clone(), active.clone());
        tokio::spawn(async move {
            while let Ok((inbound, _)) = listener.accept().await {
                if refusing_flag.load(Ordering::SeqCst) {
                    drop(inbound);
                    continue;
                }
                let mut cut_rx = cut_tx.subscribe();
                let counter = counter.clone();
                let live = live.clone();
                tokio::spawn(async move {
                    let Ok(outbound) = TcpStream::connect(target).await else {
                        return;
                    };
                    let (mut inbound, mut outbound) = (inbound, outbound);
                    live.0.fetch_add(1, Ordering::SeqCst);
                    live.1.notify_waiters();
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => {}
                        _ = cut_rx.recv() => {
                            counter.fetch_add(1, Ordering::SeqCst);
                        }
                    }
                    live.0.fetch_sub(1, Ordering::SeqCst);
                    live.1.notify_waiters();
                });
            }
        });
        Self {
            url,
            cut,
            refusing,
            cuts,
            active,
        }
    }

    /// Drops every connection through the proxy.
    pub fn cut(&self) {
        let _ = self.cut.send(());
    }

    /// How many connections the proxy has cut.
    pub fn cuts(&self) -> usize {
        self.cuts.load(Ordering::SeqCst)
    }

    /// Waits until `n` connections pass through the proxy.
    pub async fn wait_for_connections(&self, n: usize) {
        let wait = async {
            loop {
                let notified = self.active.1.notified();
                if self.active.0.load(Ordering::SeqCst) >= n {
                    return;
                }
                notified.await;
            }
        };
        if tokio::time::timeout(PATIENCE, wait).await.is_err() {
            panic!(
                "only {} of {n} clients reconnected in time",
                self.active.0.load(Ordering::SeqCst)
            );
        }
    }

    /// Refuses (or accepts again) new connections.
    pub fn refuse(&self, refusing: bool) {
        self.refusing.store(refusing, Ordering::SeqCst);
    }
}
