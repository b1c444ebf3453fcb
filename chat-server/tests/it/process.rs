//! The real server binary as a child process, for tests that kill it or run several.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// A server process on its own port (port 0), reporting where it listens.
pub struct ServerProcess {
    child: Child,
    pub url: String,
    log: std::sync::Arc<std::sync::Mutex<std::collections::VecDeque<String>>>,
}

impl ServerProcess {
    /// Starts the server on `database_url` with its own data directory and these extra
    /// `CHAT_*` settings; returns once it logs its listening address.
    pub fn start(data_dir: &Path, database_url: &str, settings: &[(&str, &str)]) -> Self {
        Self::spawn(
            Command::new(env!("CARGO_BIN_EXE_chat-server")),
            data_dir,
            database_url,
            settings,
        )
    }

    /// [`ServerProcess::start`] with the open-files soft limit lowered to `limit` before the
    /// server starts (through the shell's `ulimit`).
    pub fn start_with_open_files(data_dir: &Path, database_url: &str, limit: u32) -> Self {
        let mut shell = Command::new("/bin/sh");
        shell
            .arg("-c")
            .arg(format!("ulimit -S -n {limit} && exec \"$0\""))
            .arg(env!("CARGO_BIN_EXE_chat-server"));
        Self::spawn(shell, data_dir, database_url, &[])
    }

    fn spawn(
        mut command: Command,
        data_dir: &Path,
        database_url: &str,
        settings: &[(&str, &str)],
    ) -> Self {
        command
            .env_clear()
            .env("CHAT_DATA_DIR", data_dir)
            .env("CHAT_DATABASE_URL", database_url)
            .env("CHAT_PORT", "0")
            .env("CHAT_BCRYPT_COST", "4")
            .env("CHAT_SEND_BURST", "1000000")
            .env("CHAT_ACTION_BURST", "1000000")
            .env("CHAT_REGISTER_BURST", "1000000")
            .env("CHAT_REGISTER_GLOBAL_BURST", "1000000")
            .env("CHAT_LOG", "info");
        for (name, value) in settings {
            command.env(name, value);
        }
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("server starts");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let url = loop {
            let line = lines
                .next()
                .expect("the server logs its address")
                .expect("a line");
            if let Some(rest) = line
                .split("address=")
                .nth(1)
                .filter(|_| line.contains("listening"))
            {
                break format!(
                    "http://{}",
                    rest.split_whitespace().next().expect("an address")
                );
            }
        };
        // Keep draining the log so the server never blocks on a full pipe; the last lines
        // stay for a failing test to show.
        let log = std::sync::Arc::new(std::sync::Mutex::new(std::collections::VecDeque::new()));
        let kept = log.clone();
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                let mut kept = kept
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                if kept.len() == 200 {
                    kept.pop_front();
                }
                kept.push_back(line);
            }
        });
        Self { child, url, log }
    }

    /// The last lines the server logged (at most 200), for a failing test to show.
    pub fn log_tail(&self) -> String {
        let kept = self
            .log
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        kept.iter().cloned().collect::<Vec<_>>().join("\n")
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The gateway's URL.
    pub fn ws_url(&self) -> String {
        format!("{}/api/v1/ws", self.url.replacen("http", "ws", 1))
    }

    /// Kills the process with SIGKILL: no graceful shutdown, nothing flushed.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Every message stored in `lobby`, oldest first, walked back page by page from the newest.
pub async fn stored_messages(
    http: &reqwest::Client,
    url: &str,
    token: &str,
    lobby: chat_core::v1::LobbyId,
) -> Vec<chat_core::v1::Message> {
    let mut stored = Vec::new();
    let mut before: Option<String> = None;
    loop {
        let mut request = http
            .get(format!("{url}/api/v1/lobbies/{lobby}/messages"))
            .bearer_auth(token)
            .query(&[("limit", "100")]);
        if let Some(id) = &before {
            request = request.query(&[("before", id.as_str())]);
        }
        let page: chat_core::v1::MessagePage = request
            .send()
            .await
            .expect("sent")
            .json()
            .await
            .expect("page");
        stored.extend(page.items);
        match page.next_cursor {
            Some(cursor) => before = Some(cursor.to_string()),
            None => break,
        }
    }
    stored.reverse();
    stored
}
