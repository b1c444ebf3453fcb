//! Outages of what the server stands on, on the real services: its PostgreSQL restarted
//! mid-stream, and the disk under its SQLite database and its files filling up. Requests
//! during an outage get `503` with `Retry-After` (never a `500`, never a hang past their
//! timeout), nothing acknowledged is lost, and the server recovers by itself.
//!
//! The PostgreSQL test runs its own PostgreSQL server (`initdb`, `pg_ctl`), so that stopping it
//! disturbs no other test; it runs in the PostgreSQL pass (`CHAT_TEST_DATABASE_URL` set). The
//! disk test mounts a small tmpfs (root only); it runs in the SQLite pass. `.ci/run` runs both.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use chat_core::v1::{AuthResponse, ErrorBody, ErrorCode, Lobby, Message};
use serde_json::json;
use tokio::sync::watch;

use crate::helpers::POSTGRES_VAR;
use crate::process::{ServerProcess, stored_messages};

/// What a request may take during an outage: the server's 5 s wait for a database connection,
/// plus slack for a busy machine. A client's timeout is longer.
const OUTAGE_ANSWER: Duration = Duration::from_secs(9);

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| out.stdout.trim_ascii() == b"0")
}

/// A PostgreSQL server of the test's own, in a temporary directory, on a free port.
struct OwnPostgres {
    bin: PathBuf,
    dir: tempfile::TempDir,
    port: u16,
    root: bool,
}

impl OwnPostgres {
    /// Initialises and starts a server; `None` when no PostgreSQL installation is found.
    fn start() -> Option<Self> {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .filter_map(Result::ok)
            .map(|entry| entry.path().join("bin"))
            .filter(|bin| bin.join("initdb").exists())
            .max()?;
        let dir = tempfile::tempdir().expect("temp dir");
        let root = is_root();
        if root {
            // PostgreSQL refuses to run as root: its files belong to the postgres user.
            let status = Command::new("chown")
                .args(["postgres:", &dir.path().display().to_string()])
                .status()
                .expect("chown runs");
            assert!(status.success(), "chown postgres");
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let postgres = Self {
            bin,
            dir,
            port,
            root,
        };
        let data = postgres.data();
        postgres.run(
            "initdb",
            &["-D", &data, "-A", "trust", "-U", "postgres", "--no-sync"],
        );
        postgres.resume();
        Some(postgres)
    }

    fn data(&self) -> String {
        self.dir.path().join("data").display().to_string()
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// A PostgreSQL tool, run as the postgres user when the test runs as root.
    fn command(&self, tool: &str) -> Command {
        let program = self.bin.join(tool);
        if self.root {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(program);
            command
        } else {
            Command::new(program)
        }
    }

    fn run(&self, tool: &str, args: &[&str]) {
        let output = self
            .command(tool)
            .args(args)
            .output()
            .expect("PostgreSQL tool runs");
        assert!(
            output.status.success(),
            "{tool} {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// Starts the server and waits until it accepts connections.
    fn resume(&self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1",
            self.port,
            self.dir.path().display()
        );
        let log = self.dir.path().join("postgres.log").display().to_string();
        self.run(
            "pg_ctl",
            &[
                "-D",
                &self.data(),
                "-l",
                &log,
                "-o",
                &options,
                "-w",
                "start",
            ],
        );
    }

    /// Stops the server (fast shutdown: open connections are cut, as in a restart).
    fn stop(&self) {
        self.run("pg_ctl", &["-D", &self.data(), "-m", "fast", "-w", "stop"]);
    }
}

impl Drop for OwnPostgres {
    fn drop(&mut self) {
        let data = self.data();
        let _ = self
            .command("pg_ctl")
            .args(["-D", &data, "-m", "immediate", "-w", "stop"])
            .output();
    }
}

/// Checks an outage answer: `503`, code `unavailable`, a `Retry-After` of at least a second.
async fn assert_unavailable(response: reqwest::Response) {
    let status = response.status();
    if status != 503 {
        let body = response.text().await.unwrap_or_default();
        panic!("an outage is 503, not {status}: {body}");
    }
    let retry_after: u64 = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("a Retry-After in seconds");
    assert!(retry_after >= 1);
    let body: ErrorBody = response.json().await.expect("an error body");
    assert_eq!(body.error.code, ErrorCode::Unavailable);
}

async fn register_with_lobby(http: &reqwest::Client, url: &str) -> (AuthResponse, Lobby) {
    let auth: AuthResponse = http
        .post(format!("{url}/api/v1/auth/register"))
        .json(&json!({"username": "writer", "password": "correct horse"}))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("registered");
    let lobby: Lobby = http
        .post(format!("{url}/api/v1/lobbies"))
        .bearer_auth(&auth.token)
        .json(&json!({"name": "outage"}))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("lobby");
    (auth, lobby)
}

/// What a writer saw so far.
#[derive(Clone, Debug, Default)]
struct Progress {
    acked: Vec<Message>,
    unavailable: usize,
}

/// Posts numbered messages one after another until told to stop (between posts, never in
/// the middle of one: a post cut off after it was sent may be stored without its answer, and
/// the test compares what was stored with what was acknowledged); a post answered `503` is
/// sent again with the same nonce, as a client following `Retry-After` would (without the
/// wait: the test wants to see the outage). Anything but `201` or `503`, or an answer slower
/// than [`OUTAGE_ANSWER`], fails the test.
async fn write_through_outage(
    http: reqwest::Client,
    path: String,
    token: String,
    progress: watch::Sender<Progress>,
    stop: Arc<AtomicBool>,
) {
    let mut n = 0;
    while !stop.load(Ordering::Relaxed) {
        let started = tokio::time::Instant::now();
        let sent = http
            .post(&path)
            .bearer_auth(&token)
            .json(&json!({"content": format!("m{n}"), "nonce": format!("n{n}")}))
            .send()
            .await;
        let response = sent.expect("every request is answered during the outage");
        assert!(
            started.elapsed() < OUTAGE_ANSWER,
            "a post took {:?}",
            started.elapsed()
        );
        if response.status() == 201 {
            let message: Message = response.json().await.expect("a message");
            progress.send_modify(|p| p.acked.push(message));
            n += 1;
        } else {
            assert_unavailable(response).await;
            progress.send_modify(|p| p.unavailable += 1);
        }
    }
}

/// Waits until the writer's progress passes `until`.
async fn wait_for(seen: &watch::Receiver<Progress>, what: &str, until: impl Fn(&Progress) -> bool) {
    let mut seen = seen.clone();
    tokio::time::timeout(Duration::from_secs(60), seen.wait_for(|p| until(p)))
        .await
        .unwrap_or_else(|_| panic!("timed out waiting for {what}"))
        .expect("the writer runs");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgres_restart_mid_stream_answers_503_loses_nothing_and_recovers_by_itself() {
    if std::env::var(POSTGRES_VAR).is_err() {
        eprintln!("PostgreSQL outage test not run: set {POSTGRES_VAR}");
        return;
    }
    let postgres = OwnPostgres::start().expect("a PostgreSQL installation (initdb, pg_ctl)");
    let dir = tempfile::tempdir().expect("temp dir");
    let server = ServerProcess::start(dir.path(), &postgres.url(), &[]);
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client");
    let (auth, lobby) = register_with_lobby(&http, &server.url).await;
    let path = format!("{}/api/v1/lobbies/{}/messages", server.url, lobby.id);
    let (progress, seen) = watch::channel(Progress::default());
    let stop = Arc::new(AtomicBool::new(false));
    let writer = tokio::spawn(write_through_outage(
        http.clone(),
        path.clone(),
        auth.token.clone(),
        progress,
        stop.clone(),
    ));
    wait_for(&seen, "posts before the outage", |p| p.acked.len() >= 20).await;

    postgres.stop();
    // The writer meets the outage; a read does too, just as promptly.
    wait_for(&seen, "a 503", |p| p.unavailable >= 2).await;
    let started = tokio::time::Instant::now();
    let history = http.get(&path).bearer_auth(&auth.token).send().await;
    assert_unavailable(history.expect("answered")).await;
    assert!(started.elapsed() < OUTAGE_ANSWER);

    // PostgreSQL comes back; the server reconnects without a restart of its own.
    postgres.resume();
    let before = seen.borrow().acked.len();
    wait_for(&seen, "posts after the restart", |p| {
        p.acked.len() >= before + 20
    })
    .await;
    stop.store(true, Ordering::Relaxed);
    writer.await.expect("the writer passed every check");

    let acked = seen.borrow().acked.clone();
    let stored = stored_messages(&http, &server.url, &auth.token, lobby.id).await;
    let stored_ids: Vec<_> = stored.iter().map(|m| m.id).collect();
    let acked_ids: Vec<_> = acked.iter().map(|m| m.id).collect();
    assert_eq!(
        stored_ids, acked_ids,
        "every acknowledged post stored once, in order"
    );
    let seqs: Vec<u64> = stored.iter().map(|m| m.seq).collect();
    assert_eq!(
        seqs,
        (1..=stored.len() as u64).collect::<Vec<_>>(),
        "gap-free"
    );
}

/// A tmpfs of a fixed size mounted on a temporary directory, unmounted when dropped.
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(size: &str) -> Option<Self> {
        let dir = tempfile::tempdir().expect("temp dir");
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .output()
            .is_ok_and(|out| out.status.success());
        mounted.then_some(Self { dir })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Fills the disk with one file (returned) until the file system refuses more.
    fn fill(&self) -> PathBuf {
        let filler = self.path().join("filler");
        let mut file = std::fs::File::create(&filler).expect("filler");
        let chunk = vec![0xa5u8; 64 * 1024];
        loop {
            match file.write_all(&chunk).and_then(|()| file.flush()) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::StorageFull => break,
                Err(e) => panic!("filling the disk: {e}"),
            }
        }
        // Whatever partial chunk fit stays; the disk is full to the byte.
        let _ = file.write_all(&chunk[..1]);
        filler
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount")
            .arg("-l")
            .arg(self.dir.path())
            .status();
    }
}

/// A small PNG for avatar uploads.
fn small_png() -> Vec<u8> {
    let image = image::DynamicImage::ImageRgb8(image::RgbImage::from_fn(64, 64, |x, y| {
        image::Rgb([(x * 4) as u8, (y * 4) as u8, 77])
    }));
    let mut out = std::io::Cursor::new(Vec::new());
    image
        .write_to(&mut out, image::ImageFormat::Png)
        .expect("encodes");
    out.into_inner()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_answers_503_corrupts_nothing_and_the_server_recovers_when_space_returns() {
    if std::env::var(POSTGRES_VAR).is_ok() {
        eprintln!("disk-full test not run in the PostgreSQL pass (it runs on SQLite)");
        return;
    }
    let Some(disk) = SmallDisk::mount("24m") else {
        assert!(
            std::env::var_os("CI").is_none() || !is_root(),
            "CI runs as root and must run the disk-full test"
        );
        eprintln!("disk-full test not run: mounting a tmpfs needs root");
        return;
    };
    let database = format!("sqlite://{}", disk.path().join("chat.db").display());
    let mut server = ServerProcess::start(disk.path(), &database, &[("CHAT_UPLOAD_BURST", "1000")]);
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client");
    let (auth, lobby) = register_with_lobby(&http, &server.url).await;
    let path = format!("{}/api/v1/lobbies/{}/messages", server.url, lobby.id);
    let avatar = format!("{}/api/v1/users/me/avatar", server.url);
    let upload = |http: &reqwest::Client| {
        http.put(&avatar)
            .bearer_auth(&auth.token)
            .header("content-type", "image/png")
            .body(small_png())
            .send()
    };
    let mut acked: Vec<Message> = Vec::new();
    let long = "x".repeat(3000);
    let post = |n: usize| {
        http.post(&path)
            .bearer_auth(&auth.token)
            .json(&json!({"content": format!("{n} {long}"), "nonce": format!("n{n}")}))
            .send()
    };
    for n in 0..20 {
        let response = post(n).await.expect("answered");
        assert_eq!(response.status(), 201);
        acked.push(response.json().await.expect("a message"));
    }
    assert_eq!(upload(&http).await.expect("answered").status(), 204);

    // The disk fills up. The avatar's file cannot be written; posts go on until the
    // database's write-ahead log needs room it cannot get, then are refused the same way.
    let filler = disk.fill();
    assert_unavailable(upload(&http).await.expect("answered")).await;
    let mut refused = 0;
    let mut n = acked.len();
    while refused < 3 {
        assert!(n < 5_000, "the database never ran out of room");
        let response = post(n).await.expect("answered");
        if response.status() == 201 {
            acked.push(response.json().await.expect("a message"));
            n += 1;
        } else {
            assert_unavailable(response).await;
            refused += 1;
        }
    }
    // Reads still work.
    let history = http.get(&path).bearer_auth(&auth.token).send().await;
    assert_eq!(history.expect("answered").status(), 200);

    // Space returns: the very post that was refused goes through, no restart needed.
    std::fs::remove_file(filler).expect("filler removed");
    let response = post(n).await.expect("answered");
    assert_eq!(
        response.status(),
        201,
        "the server recovers when space returns: {}",
        server.log_tail()
    );
    acked.push(response.json().await.expect("a message"));
    assert_eq!(upload(&http).await.expect("answered").status(), 204);

    let stored = stored_messages(&http, &server.url, &auth.token, lobby.id).await;
    let stored_ids: Vec<_> = stored.iter().map(|m| m.id).collect();
    let acked_ids: Vec<_> = acked.iter().map(|m| m.id).collect();
    assert_eq!(
        stored_ids, acked_ids,
        "every acknowledged post stored once, in order"
    );
    // No image upload left a partial file behind.
    let leftovers: Vec<_> = std::fs::read_dir(disk.path().join("avatars"))
        .expect("avatars")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "partial files: {leftovers:?}");

    // The database file is sound.
    server.kill();
    use sqlx::Connection as _;
    let mut conn = sqlx::SqliteConnection::connect(&database)
        .await
        .expect("open the database");
    let check: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut conn)
        .await
        .expect("integrity_check");
    assert_eq!(check, "ok");
}
