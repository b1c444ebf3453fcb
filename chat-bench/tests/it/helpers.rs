//! The server under test and the settings every scenario test shares.

use std::time::Duration;

use chat_bench::Common;
use chat_server::testkit;

/// A server running in this process until dropped.
pub struct TestServer {
    pub url: String,
    _server: testkit::TestServer,
}

/// Starts a server tuned for benching: the test kit's settings, with cheap bcrypt (cost 4)
/// and no practical send limit.
pub async fn spawn_server() -> TestServer {
    let server = testkit::TestServer::spawn().await;
    TestServer {
        url: server.url(),
        _server: server,
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
