//! A server per test (on its own runtime thread) and a `chat` command bound to it.

use std::path::Path;

use assert_cmd::Command;
use chat_server::testkit::TestServer;

/// A running server and a private config directory for the CLI.
pub struct Env {
    pub url: String,
    pub config: tempfile::TempDir,
    // Fields drop in order: the runtime, and the server on it, stop before the server's
    // database and data directory go.
    _runtime: tokio::runtime::Runtime,
    _server: TestServer,
}

impl Env {
    /// Starts a server of the test kit on a runtime of its own (the tests are synchronous).
    pub fn start() -> Self {
        let runtime = tokio::runtime::Runtime::new().expect("runtime");
        let server = runtime.block_on(TestServer::spawn());
        Self {
            url: server.url(),
            config: tempfile::tempdir().expect("temp dir"),
            _runtime: runtime,
            _server: server,
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
