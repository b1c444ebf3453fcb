//! The server under test and the settings every scenario test shares.

use std::time::Duration;

use chat_bench::Common;
use chat_server::config::Secret;
use chat_server::{Config, Server};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

/// A server running in this process until dropped.
pub struct TestServer {
    pub url: String,
    _dir: tempfile::TempDir,
    _stop: oneshot::Sender<()>,
}

/// Starts a server tuned for benching: cheap bcrypt (cost 4) and no practical send limit.
pub async fn spawn_server() -> TestServer {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut config = Config::with_data_dir(dir.path());
    config.bcrypt_cost = 4;
    config.jwt_secret = Some(Secret::new("bench-tests-secret-bench-tests-secret"));
    config.gateway.send_burst = 100_000;
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let server = Server::with_listener(listener, config)
        .await
        .expect("server starts");
    let url = format!("http://{}", server.local_addr());
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(server.run(async {
        let _ = stopped.await;
    }));
    TestServer {
        url,
        _dir: dir,
        _stop: stop,
    }
}

/// A short run against `server`: a brief warm-up, then about a second of measuring.
pub fn short_run(server: &TestServer) -> Common {
    Common {
        server: server.url.clone(),
        warmup: Duration::from_millis(200),
        duration: Duration::from_millis(800),
        progress: false,
    }
}
