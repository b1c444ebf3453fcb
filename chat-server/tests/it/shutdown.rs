//! The server stops on a signal whatever happened to its log output.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

#[tokio::test]
async fn the_server_stops_on_sigterm_after_its_log_reader_went_away() {
    // `chat-server 2>&1 | grep -m1 listening`: the reader exits after one line. Before the
    // fix, the next log line panicked the task that wrote it (tracing reported the failed
    // write on the closed stderr), and SIGTERM, whose handler logs "shutting down", did
    // nothing.
    let dir = tempfile::tempdir().expect("temp dir");
    let mut child = Command::new(env!("CARGO_BIN_EXE_chat-server"))
        .env_clear()
        .env("CHAT_DATA_DIR", dir.path())
        .env("CHAT_PORT", "0")
        .env("CHAT_BCRYPT_COST", "4")
        .env("CHAT_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("server starts");
    let url = {
        let stdout = child.stdout.take().expect("stdout");
        let line = BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .find(|line| line.contains("listening"))
            .expect("the server logs its address");
        let address = line
            .split("address=")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .expect("an address")
            .to_owned();
        format!("http://{address}")
        // The reader (and with it the pipe) is dropped here.
    };
    drop(child.stderr.take());
    // Work that logs, into the closed pipe.
    let client = reqwest::Client::new();
    for i in 0..3 {
        let status = client
            .post(format!("{url}/api/v1/auth/register"))
            .json(&serde_json::json!({"username": format!("user{i}"), "password": "correct horse"}))
            .send()
            .await
            .expect("the server still answers")
            .status();
        assert_eq!(status, 201);
    }
    let terminated = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(terminated.success());
    let pid = child.id().to_string();
    let exited = tokio::task::spawn_blocking(move || child.wait());
    let status = match tokio::time::timeout(Duration::from_secs(20), exited).await {
        Ok(status) => status.expect("joined").expect("waited"),
        Err(_) => {
            let _ = Command::new("kill").args(["-KILL", &pid]).status();
            panic!("the server did not stop on SIGTERM");
        }
    };
    assert!(status.success(), "{status:?}");
}
