//! A server per test (on its own runtime thread) and a `chat` command bound to it.

use std::path::Path;

use assert_cmd::Command;
use chat_server::config::Secret;
use chat_server::{Config, Server};

/// A running server and a private config directory for the CLI.
pub struct Env {
    pub url: String,
    pub config: tempfile::TempDir,
    _data: tempfile::TempDir,
    _stop: tokio::sync::oneshot::Sender<()>,
}

impl Env {
    pub fn start() -> Self {
        let data = tempfile::tempdir().expect("temp dir");
        let mut config = Config::with_data_dir(data.path());
        config.bcrypt_cost = 4;
        config.jwt_secret = Some(Secret::new("cli-tests-secret-cli-tests-secret-cli"));
        config.gateway.send_burst = 100_000;
        let (url_tx, url_rx) = std::sync::mpsc::channel();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Runtime::new().expect("runtime");
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("bind");
                let server = Server::with_listener(listener, config)
                    .await
                    .expect("server starts");
                url_tx
                    .send(format!("http://{}", server.local_addr()))
                    .expect("url sent");
                server
                    .run(async {
                        let _ = stopped.await;
                    })
                    .await
                    .expect("server ran");
            });
        });
        let url = url_rx.recv().expect("server url");
        Self {
            url,
            config: tempfile::tempdir().expect("temp dir"),
            _data: data,
            _stop: stop,
        }
    }

    /// `chat` with this server and config directory, and a clean environment otherwise.
    pub fn chat(&self) -> Command {
        self.chat_in(self.config.path())
    }

    /// `chat` with another config directory (another person on the same server).
    pub fn chat_in(&self, config: &Path) -> Command {
        let mut command = Command::cargo_bin("chat").expect("the chat binary");
        command
            .env_clear()
            .env("CHAT_SERVER", &self.url)
            .env("CHAT_CONFIG_DIR", config)
            .env("NO_COLOR", "1");
        command
    }

    /// Registers `name` in `config` and returns nothing but success.
    pub fn register(&self, config: &Path, name: &str) {
        self.chat_in(config)
            .args(["register", "--username", name, "--password-stdin"])
            .write_stdin("correct horse\n")
            .assert()
            .success();
    }
}

/// Runs the command and parses its stdout as one JSON document.
pub fn json(command: &mut Command) -> serde_json::Value {
    let output = command.output().expect("ran");
    assert!(
        output.status.success(),
        "status {:?}\nstderr: {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not one JSON document ({e}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}
