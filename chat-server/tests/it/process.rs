//! The real server binary as a child process, for tests that kill it or run several.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// A server process on its own port (port 0), reporting where it listens.
pub struct ServerProcess {
    child: Child,
    pub url: String,
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
        // Keep draining the log so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Self { child, url }
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
