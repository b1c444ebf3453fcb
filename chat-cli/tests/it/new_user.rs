//! What a new user ran into: history that was not the REST page, errors that did not say what
//! to do, output that named ids instead of names, and lobby names that became unusable.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use chat_client::Client;
use chat_core::v1::{HistoryQuery, LobbyId, PageLimit};

use crate::helpers::{Env, json};

/// The token stored in a config directory.
fn token(config: &Path) -> String {
    let stored = std::fs::read_to_string(config.join("config.toml")).expect("config");
    stored
        .lines()
        .find_map(|l| l.strip_prefix("token = "))
        .expect("a token line")
        .trim_matches('"')
        .to_owned()
}

/// Runs the command, which must fail with `code`, and returns its stderr.
fn fails(command: &mut assert_cmd::Command, code: i32) -> String {
    let output = command.output().expect("ran");
    assert_eq!(
        output.status.code(),
        Some(code),
        "stdout: {}\nstderr: {}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stderr).expect("UTF-8")
}

/// The JSON document on stderr of a failing `--json` command, which prints nothing on stdout.
fn json_error(command: &mut assert_cmd::Command, code: i32) -> serde_json::Value {
    let output = command.output().expect("ran");
    assert_eq!(output.status.code(), Some(code));
    assert!(output.stdout.is_empty(), "stdout: {:?}", output.stdout);
    serde_json::from_slice(&output.stderr).unwrap_or_else(|e| {
        panic!(
            "stderr is not one JSON document ({e}): {}",
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

fn stdout(command: &mut assert_cmd::Command) -> String {
    let output = command.output().expect("ran");
    assert!(
        output.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8")
}

#[test]
fn msg_history_json_is_the_rest_page_and_pages_back_and_forth() {
    let env = Env::start();
    env.register(env.config.path(), "alice");
    let lobby = json(env.chat().args(["--json", "lobby", "create", "room"]));
    for text in ["one", "two", "three"] {
        env.chat()
            .args(["msg", "send", "room", text])
            .assert()
            .success();
    }
    let contents = |page: &serde_json::Value| -> Vec<String> {
        page["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|m| m["content"].as_str().expect("content").to_owned())
            .collect()
    };

    // The newest two, newest first, with the cursor to the older ones.
    let first = json(
        env.chat()
            .args(["msg", "history", "room", "--limit", "2", "--json"]),
    );
    assert_eq!(contents(&first), ["three", "two"]);
    assert_eq!(first["next_cursor"], first["items"][1]["id"]);

    // Exactly what the REST route answers.
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let client = Client::builder(&env.url)
        .token(token(env.config.path()))
        .build()
        .expect("client");
    let lobby_id: LobbyId = lobby["id"].as_str().expect("id").parse().expect("lobby id");
    let rest = runtime
        .block_on(client.history_page(
            lobby_id,
            &HistoryQuery {
                before: None,
                after: None,
                limit: Some(PageLimit::new(2).expect("limit")),
            },
        ))
        .expect("REST page");
    assert_eq!(first, serde_json::to_value(&rest).expect("JSON"));

    // --before pages back to the end.
    let cursor = first["next_cursor"].as_str().expect("cursor").to_owned();
    let older = json(env.chat().args([
        "msg", "history", "room", "--limit", "2", "--before", &cursor, "--json",
    ]));
    assert_eq!(contents(&older), ["one"]);
    assert_eq!(older["next_cursor"], serde_json::Value::Null);

    // --after pages forward, oldest first, as REST does.
    let one = older["items"][0]["id"].as_str().expect("id").to_owned();
    let newer = json(env.chat().args([
        "msg", "history", "room", "--limit", "1", "--after", &one, "--json",
    ]));
    assert_eq!(contents(&newer), ["two"]);
    assert_eq!(newer["next_cursor"], newer["items"][0]["id"]);

    // --before and --after together are a usage error; so is a limit REST would refuse.
    fails(
        env.chat()
            .args(["msg", "history", "room", "--before", &one, "--after", &one]),
        1,
    );
    fails(
        env.chat()
            .args(["msg", "history", "room", "--limit", "101"]),
        1,
    );

    // The table is oldest first, and says where older messages are.
    let table = stdout(env.chat().args(["msg", "history", "room", "--limit", "2"]));
    let two = table.find("two").expect("two");
    let three = table.find("three").expect("three");
    assert!(two < three, "{table}");
    assert!(table.contains(&format!("--before {cursor}")), "{table}");
    // … and its help says so.
    let help = stdout(env.chat().args(["msg", "history", "--help"]));
    assert!(help.contains("oldest first"), "{help}");
    assert!(help.contains("--before"), "{help}");

    // Direct chats page the same way.
    let bob = tempfile::tempdir().expect("temp dir");
    env.register(bob.path(), "bob");
    for text in ["a", "b"] {
        env.chat()
            .args(["dm", "send", "bob", text])
            .assert()
            .success();
    }
    let dm = json(
        env.chat()
            .args(["dm", "history", "bob", "--limit", "1", "--json"]),
    );
    assert_eq!(contents(&dm), ["b"]);
    assert_eq!(dm["next_cursor"], dm["items"][0]["id"]);
}

#[test]
fn without_a_session_the_cli_says_to_log_in() {
    let env = Env::start();
    let stderr = fails(env.chat().args(["lobby", "list"]), 2);
    assert!(stderr.contains("not signed in"), "{stderr}");
    assert!(stderr.contains("chat login"), "{stderr}");
    assert!(!stderr.contains("Authorization"), "{stderr}");
    let stderr = fails(env.chat().arg("watch"), 2);
    assert!(stderr.contains("not signed in"), "{stderr}");

    let error = json_error(env.chat().args(["--json", "whoami"]), 2);
    assert_eq!(error["error"]["code"], "unauthorized");
    assert!(
        error["error"]["message"]
            .as_str()
            .expect("message")
            .contains("chat login"),
        "{error}"
    );

    // A revoked session says to sign in again, and logging out still works.
    env.register(env.config.path(), "alice");
    let token = token(env.config.path());
    env.chat().arg("logout").assert().success();
    let stderr = fails(env.chat().arg("whoami").env("CHAT_TOKEN", &token), 2);
    assert!(stderr.contains("chat login"), "{stderr}");

    // A wrong password is still a wrong password.
    let stderr = fails(
        env.chat()
            .args(["login", "--username", "alice", "--password-stdin"])
            .write_stdin("wrong password\n"),
        2,
    );
    assert!(!stderr.contains("not signed in"), "{stderr}");
}

#[test]
fn an_unknown_profile_is_an_error_naming_the_profiles() {
    let env = Env::start();
    env.register(env.config.path(), "alice");
    env.chat()
        .args(["--profile", "work", "login", "--username", "alice"])
        .env("CHAT_PASSWORD", "correct horse")
        .assert()
        .success();
    json(env.chat().args(["--profile", "work", "--json", "whoami"]));
    let stderr = fails(env.chat().args(["--profile", "wrok", "whoami"]), 1);
    assert!(stderr.contains("wrok"), "{stderr}");
    assert!(stderr.contains("default, work"), "{stderr}");
    let error = json_error(
        env.chat().args(["--profile", "wrok", "--json", "whoami"]),
        1,
    );
    assert_eq!(error["error"]["code"], "usage");
}

#[test]
fn with_json_errors_are_json_on_stderr_in_the_wire_shape() {
    let env = Env::start();
    env.register(env.config.path(), "alice");
    // The server's error, as it sent it.
    let error = json_error(env.chat().args(["--json", "lobby", "info", "nowhere"]), 2);
    assert_eq!(error["error"]["code"], "not_found");
    assert!(error["error"]["message"].is_string(), "{error}");
    let error = json_error(
        env.chat()
            .args(["--json", "lobby", "create", " "])
            .env("CHAT_TOKEN", token(env.config.path())),
        1,
    );
    assert_eq!(error["error"]["code"], "usage");
    // The CLI's own: usage errors, found by clap or later, and an unreachable server.
    let error = json_error(env.chat().args(["--json", "no-such-command"]), 1);
    assert_eq!(error["error"]["code"], "usage");
    let error = json_error(env.chat().args(["--json", "msg", "send", "x"]), 1);
    assert_eq!(error["error"]["code"], "usage");
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr");
    let error = json_error(
        env.chat()
            .args(["--json", "whoami"])
            .env("CHAT_SERVER", format!("http://{closed}")),
        3,
    );
    assert_eq!(error["error"]["code"], "unreachable");
}

#[test]
fn watch_names_the_conversation_of_each_event() {
    let env = Env::start();
    let bob = tempfile::tempdir().expect("temp dir");
    env.register(env.config.path(), "alice");
    env.register(bob.path(), "bob");
    env.chat()
        .args(["lobby", "create", "general"])
        .assert()
        .success();
    env.chat_in(bob.path())
        .args(["lobby", "join", "general"])
        .assert()
        .success();

    let mut watch = Command::new(assert_cmd::cargo::cargo_bin("chat"))
        .arg("watch")
        .env_clear()
        .env("CHAT_SERVER", &env.url)
        .env("CHAT_CONFIG_DIR", env.config.path())
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .spawn()
        .expect("watch starts");
    let stdout = watch.stdout.take().expect("stdout");
    let (lines_tx, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if lines_tx.send(line).is_err() {
                break;
            }
        }
    });
    let next = |wanted: &str| loop {
        let line = lines
            .recv_timeout(Duration::from_secs(15))
            .expect("a line in time");
        if line.contains(wanted) {
            return line;
        }
    };
    let connected = next("connected");
    assert!(connected.contains("(1 conversation)"), "{connected}");
    env.chat_in(bob.path())
        .args(["msg", "send", "general", "hello lobby"])
        .assert()
        .success();
    let line = next("hello lobby");
    assert!(line.starts_with("[general] "), "{line}");
    assert!(line.contains("bob: hello lobby"), "{line}");
    env.chat_in(bob.path())
        .args(["dm", "send", "alice", "hello you"])
        .assert()
        .success();
    let line = next("hello you");
    assert!(line.starts_with("[@bob] "), "{line}");
    let _ = watch.kill();
    let _ = watch.wait();
}

#[test]
fn admin_audit_shows_usernames_and_counts_are_plural_only_when_plural() {
    let env = Env::start();
    let bob = tempfile::tempdir().expect("temp dir");
    env.register(env.config.path(), "alice");
    env.register(bob.path(), "bob");
    let mallory = tempfile::tempdir().expect("temp dir");
    env.register(mallory.path(), "mallory");
    env.chat()
        .args(["admin", "disable", "mallory"])
        .assert()
        .success();
    let audit = stdout(env.chat().args(["admin", "audit"]));
    let row = audit
        .lines()
        .find(|l| l.contains("user.disable"))
        .expect("the disable entry");
    assert!(row.contains("alice"), "{audit}");
    assert!(row.contains("mallory"), "{audit}");

    env.chat()
        .args(["lobby", "create", "general"])
        .assert()
        .success();
    let info = stdout(env.chat().args(["lobby", "info", "general"]));
    assert!(info.contains("1 member;"), "{info}");
    env.chat_in(bob.path())
        .args(["lobby", "join", "general"])
        .assert()
        .success();
    let info = stdout(env.chat().args(["lobby", "info", "general"]));
    assert!(info.contains("2 members;"), "{info}");
}

#[test]
fn a_shared_lobby_name_resolves_to_your_lobby_or_lists_the_candidates() {
    let env = Env::start();
    let bob = tempfile::tempdir().expect("temp dir");
    let carol = tempfile::tempdir().expect("temp dir");
    env.register(env.config.path(), "alice");
    env.register(bob.path(), "bob");
    env.register(carol.path(), "carol");
    let alices = json(env.chat().args(["--json", "lobby", "create", "general"]));
    let bobs = json(
        env.chat_in(bob.path())
            .args(["--json", "lobby", "create", "general"]),
    );
    let ids = [
        alices["id"].as_str().expect("id").to_owned(),
        bobs["id"].as_str().expect("id").to_owned(),
    ];
    // Each creator's `general` is their own.
    let info = json(env.chat().args(["--json", "lobby", "info", "general"]));
    assert_eq!(info["id"], alices["id"]);
    let info = json(
        env.chat_in(bob.path())
            .args(["--json", "lobby", "info", "general"]),
    );
    assert_eq!(info["id"], bobs["id"]);

    // For carol, in neither, the name is ambiguous: the error lists both, with their ids.
    let stderr = fails(
        env.chat_in(carol.path()).args(["lobby", "join", "general"]),
        1,
    );
    for id in &ids {
        assert!(stderr.contains(id.as_str()), "{stderr}");
    }
    let error = json_error(
        env.chat_in(carol.path())
            .args(["--json", "lobby", "join", "general"]),
        1,
    );
    assert_eq!(error["error"]["code"], "ambiguous");
    let mut candidates: Vec<String> = error["error"]["details"]["candidates"]
        .as_array()
        .expect("candidates")
        .iter()
        .map(|c| c["id"].as_str().expect("id").to_owned())
        .collect();
    candidates.sort();
    let mut expected = ids.to_vec();
    expected.sort();
    assert_eq!(candidates, expected);

    // With the id she joins one; from then on the name means that one.
    env.chat_in(carol.path())
        .args(["lobby", "join", &ids[1]])
        .assert()
        .success();
    let sent = json(
        env.chat_in(carol.path())
            .args(["--json", "msg", "send", "general", "hi"]),
    );
    assert_eq!(sent["conversation_id"], bobs["id"]);

    // A member of both must choose, by id.
    env.chat_in(carol.path())
        .args(["lobby", "join", &ids[0]])
        .assert()
        .success();
    let stderr = fails(
        env.chat_in(carol.path()).args(["lobby", "info", "general"]),
        1,
    );
    for id in &ids {
        assert!(stderr.contains(id.as_str()), "{stderr}");
    }
}

#[cfg(unix)]
#[test]
fn the_walkthrough_script_leaves_no_lobby_behind() {
    let env = Env::start();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/walkthrough.sh");
    let output = Command::new("bash")
        .arg(&script)
        .arg(&env.url)
        .output()
        .expect("the walkthrough ran (it needs curl and jq)");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // Someone creates `general`; someone else joins it by name.
    let bob = tempfile::tempdir().expect("temp dir");
    env.register(env.config.path(), "alice");
    env.register(bob.path(), "bob");
    env.chat()
        .args(["lobby", "create", "general"])
        .assert()
        .success();
    env.chat_in(bob.path())
        .args(["lobby", "join", "general"])
        .assert()
        .success();
    let stats = json(env.chat().args(["--json", "admin", "stats"]));
    assert_eq!(stats["lobbies"], 1, "{stats}");
}
