//! The real `chat-tui` binary in a real terminal (tmux) against the real server: sign in,
//! join a lobby, send a message, and see another client's message appear.

use std::process::Command;
use std::time::{Duration, Instant};

use chat_client::{Client, Gateway, GatewayEvent};
use chat_core::v1::{
    CreateLobbyRequest, LobbyName, MessageContent, Password, RegisterRequest, ServerFrame, Username,
};
use chat_server::testkit::TestServer;

/// How long anything may take on a loaded machine.
const PATIENCE: Duration = Duration::from_secs(30);

/// A detached tmux server of our own; killed on drop, also when the test fails.
struct Tmux {
    socket: String,
}

impl Tmux {
    fn start(command: &[&str], env: &[(&str, &str)]) -> Self {
        let socket = format!(
            "chat-tui-test-{}-{}",
            std::process::id(),
            uuid::Uuid::new_v4().simple()
        );
        let tmux = Self { socket };
        let mut args: Vec<String> = vec![
            "-f".into(),
            "/dev/null".into(),
            "-L".into(),
            tmux.socket.clone(),
            "new-session".into(),
            "-d".into(),
            "-s".into(),
            "e2e".into(),
            "-x".into(),
            "120".into(),
            "-y".into(),
            "40".into(),
            "env".into(),
        ];
        args.extend(env.iter().map(|(k, v)| format!("{k}={v}")));
        args.extend(command.iter().map(|s| (*s).to_owned()));
        let status = Command::new("tmux")
            .args(&args)
            .status()
            .expect("tmux runs");
        assert!(status.success(), "tmux new-session failed");
        tmux
    }

    fn tmux(&self, args: &[&str]) -> std::process::Output {
        Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .output()
            .expect("tmux runs")
    }

    /// Types text literally (no key-name lookup).
    fn type_text(&self, text: &str) {
        assert!(
            self.tmux(&["send-keys", "-t", "e2e", "-l", text])
                .status
                .success()
        );
    }

    /// Presses named keys (`Enter`, `Tab`, `C-c`).
    fn press(&self, key: &str) {
        assert!(self.tmux(&["send-keys", "-t", "e2e", key]).status.success());
    }

    fn screen(&self) -> String {
        String::from_utf8_lossy(&self.tmux(&["capture-pane", "-p", "-t", "e2e"]).stdout)
            .into_owned()
    }

    /// Polls the screen until it shows `text`.
    async fn wait_for(&self, text: &str) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if screen.contains(text) {
                return screen;
            }
            assert!(
                start.elapsed() < PATIENCE,
                "the screen never showed {text:?}; it shows:\n{screen}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.tmux(&["kill-server"]);
    }
}

async fn register(url: &str, name: &str) -> Client {
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_join_send_and_receive_in_a_real_terminal() {
    if Command::new("tmux").arg("-V").output().is_err() {
        panic!("tmux is required for this test (apt-get install tmux)");
    }
    // A real server on a free port with its own database.
    let server = TestServer::spawn().await;
    let url = server.url();

    // Bob has a public lobby; alice has an account but has never used the terminal client.
    let bob = register(&url, "bob").await;
    let lobby = bob
        .create_lobby(&CreateLobbyRequest {
            name: LobbyName::parse("general").expect("name"),
            description: None,
            visibility: Default::default(),
        })
        .await
        .expect("lobby created");
    let mut bob_gateway = Gateway::connect(&bob).await.expect("bob's gateway");
    register(&url, "alice").await;

    let config_dir = tempfile::tempdir().expect("config dir");
    let config_path = config_dir.path().to_str().expect("utf-8 path").to_owned();
    let tmux = Tmux::start(
        &[env!("CARGO_BIN_EXE_chat-tui")],
        &[
            ("CHAT_SERVER", &url),
            ("CHAT_CONFIG_DIR", &config_path),
            ("TERM", "xterm-256color"),
        ],
    );

    // Sign in.
    tmux.wait_for("sign in").await;
    tmux.type_text("alice");
    tmux.press("Tab");
    tmux.type_text("correct horse");
    tmux.press("Enter");
    tmux.wait_for("● connected").await;
    let saved =
        std::fs::read_to_string(config_dir.path().join("config.toml")).expect("session saved");
    assert!(saved.contains(&url), "the server is remembered: {saved}");

    // Join bob's lobby by name.
    tmux.type_text("/join general");
    tmux.press("Enter");
    tmux.wait_for("joined #general").await;
    tmux.wait_for("message #general").await;

    // Send: bob receives it live.
    tmux.type_text("hello from the terminal");
    tmux.press("Enter");
    let received = tokio::time::timeout(PATIENCE, async {
        loop {
            match bob_gateway.next_event().await {
                Some(GatewayEvent::Frame(ServerFrame::MessageCreated { message, .. }))
                    if message.content.as_str() == "hello from the terminal" =>
                {
                    return message;
                }
                Some(_) => {}
                None => panic!("bob's gateway stopped"),
            }
        }
    })
    .await
    .expect("bob receives alice's message");
    assert_eq!(
        received.author.map(|a| a.username.to_string()),
        Some("alice".into())
    );

    // Bob answers: it appears on alice's screen.
    bob.send_message(
        lobby.id,
        MessageContent::parse("hi alice, bob here").expect("content"),
        None,
    )
    .await
    .expect("bob sends");
    let screen = tmux.wait_for("hi alice, bob here").await;
    assert!(screen.contains("hello from the terminal"));
    assert!(
        !screen.contains("sending"),
        "alice's message was acknowledged:\n{screen}"
    );

    // Quit; the process ends (tmux closes the session with it).
    tmux.press("C-c");
    let start = Instant::now();
    while tmux.tmux(&["has-session", "-t", "e2e"]).status.success() {
        assert!(start.elapsed() < PATIENCE, "chat-tui did not quit");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
