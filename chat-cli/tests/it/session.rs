//! Scripted sessions, exit codes, token storage, JSON output and help.

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::sync::mpsc;
use std::time::Duration;

use crate::helpers::{Env, json};

#[test]
fn a_scripted_session_registers_posts_from_stdin_and_reads_history_as_json() {
    let env = Env::start();
    env.chat()
        .args(["register", "--username", "alice", "--password-stdin"])
        .write_stdin("correct horse\n")
        .assert()
        .success();
    // Logging in again, with the password from the environment.
    env.chat()
        .args(["login", "--username", "alice"])
        .env("CHAT_PASSWORD", "correct horse")
        .assert()
        .success();
    let lobby = json(env.chat().args([
        "--json",
        "lobby",
        "create",
        "deploys",
        "--description",
        "CI news",
    ]));
    assert_eq!(lobby["name"], "deploys");
    env.chat()
        .args(["msg", "send", "deploys", "-"])
        .write_stdin("build 42 is live\n")
        .assert()
        .success();
    env.chat()
        .args(["msg", "send", "deploys", "second line"])
        .assert()
        .success();

    let history = json(env.chat().args(["msg", "history", "deploys", "--json"]));
    let items = history["items"].as_array().expect("items");
    let contents: Vec<_> = items
        .iter()
        .map(|m| m["content"].as_str().expect("content"))
        .collect();
    // The REST page: newest first.
    assert_eq!(contents, ["second line", "build 42 is live"]);
    assert_eq!(items[1]["seq"], 1);
    assert_eq!(items[1]["author"]["username"], "alice");
}

#[test]
fn watch_streams_a_message_sent_by_another_user_as_json_lines() {
    let env = Env::start();
    let bob_config = tempfile::tempdir().expect("temp dir");
    env.register(env.config.path(), "alice");
    env.register(bob_config.path(), "bob");
    env.chat()
        .args(["lobby", "create", "general"])
        .assert()
        .success();
    env.chat_in(bob_config.path())
        .args(["lobby", "join", "general"])
        .assert()
        .success();

    let mut watch = std::process::Command::new(assert_cmd::cargo::cargo_bin("chat"))
        .args(["watch", "--json"])
        .env_clear()
        .env("CHAT_SERVER", &env.url)
        .env("CHAT_CONFIG_DIR", env.config.path())
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
        let value: serde_json::Value = serde_json::from_str(&line).expect("each line is JSON");
        if line.contains(wanted) {
            return value;
        }
    };
    next("\"connected\"");
    env.chat_in(bob_config.path())
        .args(["msg", "send", "general", "hello alice"])
        .assert()
        .success();
    let event = next("hello alice");
    assert_eq!(event["event"], "frame");
    assert_eq!(event["type"], "message.created");
    assert_eq!(event["message"]["author"]["username"], "bob");
    let _ = watch.kill();
    let _ = watch.wait();
}

#[test]
fn exit_codes_tell_usage_refusal_and_unreachable_apart() {
    let env = Env::start();
    env.register(env.config.path(), "alice");
    // 0
    env.chat().arg("whoami").assert().code(0);
    // 1: usage
    env.chat().arg("no-such-command").assert().code(1);
    env.chat().args(["msg", "send", "general"]).assert().code(1);
    env.chat()
        .args(["lobby", "delete", "general"])
        .assert()
        .code(1)
        .stderr(predicate_contains("--yes"));
    // A password is never taken as an argument.
    env.chat()
        .args(["login", "--username", "alice", "--password", "x"])
        .assert()
        .code(1);
    // 2: the server refused, with its code on stderr
    env.chat()
        .args(["lobby", "info", "nowhere"])
        .assert()
        .code(2)
        .stderr(predicate_contains("not_found"));
    env.chat()
        .args(["login", "--username", "alice", "--password-stdin"])
        .write_stdin("wrong password\n")
        .assert()
        .code(2)
        .stderr(predicate_contains("unauthorized"));
    // 3: nobody listening
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr");
    env.chat()
        .arg("whoami")
        .env("CHAT_SERVER", format!("http://{closed}"))
        .assert()
        .code(3)
        .stderr(predicate_contains("cannot reach"));
}

fn predicate_contains(needle: &'static str) -> predicates::str::ContainsPredicate {
    predicates::str::contains(needle)
}

#[cfg(unix)]
#[test]
fn the_token_is_stored_readable_by_its_owner_only_and_logout_forgets_it() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::start();
    env.register(env.config.path(), "alice");
    let file = env.config.path().join("config.toml");
    let mode = std::fs::metadata(&file)
        .expect("config file")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    let text = std::fs::read_to_string(&file).expect("readable");
    assert!(text.contains("token"), "{text}");
    env.chat().arg("logout").assert().success();
    let text = std::fs::read_to_string(&file).expect("readable");
    assert!(!text.contains("token"), "{text}");
    env.chat().arg("whoami").assert().code(2);
}

#[test]
fn chat_token_overrides_the_stored_token() {
    let env = Env::start();
    let other = tempfile::tempdir().expect("temp dir");
    env.register(other.path(), "bob");
    let stored = std::fs::read_to_string(other.path().join("config.toml")).expect("config");
    let token = stored
        .lines()
        .find_map(|l| l.strip_prefix("token = "))
        .expect("a token line")
        .trim_matches('"')
        .to_owned();
    // A config directory with no session at all, and the token in the environment.
    let me = json(
        env.chat()
            .args(["whoami", "--json"])
            .env("CHAT_TOKEN", token),
    );
    assert_eq!(me["username"], "bob");
}

#[test]
fn mentions_lists_what_calls_you_and_marks_the_unread() {
    let env = Env::start();
    let bob_config = tempfile::tempdir().expect("temp dir");
    env.register(env.config.path(), "alice");
    env.register(bob_config.path(), "bob");
    json(env.chat().args(["--json", "lobby", "create", "general"]));
    json(
        env.chat_in(bob_config.path())
            .args(["--json", "lobby", "join", "general"]),
    );
    json(
        env.chat()
            .args(["--json", "msg", "send", "general", "look @bob"]),
    );

    let human = env
        .chat_in(bob_config.path())
        .arg("mentions")
        .env("NO_COLOR", "1")
        .assert()
        .success();
    let text = String::from_utf8_lossy(&human.get_output().stdout).into_owned();
    assert!(
        text.contains("● [general]") && text.contains("alice") && text.contains("look @bob"),
        "{text}"
    );

    json(
        env.chat_in(bob_config.path())
            .args(["--json", "read", "general"]),
    );
    let unread = json(
        env.chat_in(bob_config.path())
            .args(["mentions", "--unread", "--json"]),
    );
    assert_eq!(unread["items"], serde_json::json!([]));
    let all = json(env.chat_in(bob_config.path()).args(["mentions", "--json"]));
    assert_eq!(all["items"][0]["read"], true);
}

#[test]
fn every_command_prints_one_json_document_with_json() {
    let env = Env::start();
    let bob_config = tempfile::tempdir().expect("temp dir");
    env.register(env.config.path(), "alice");
    env.register(bob_config.path(), "bob");
    let message = json(env.chat().args(["--json", "lobby", "create", "general"]));
    assert_eq!(message["visibility"], "public");
    let sent = json(env.chat().args(["--json", "msg", "send", "general", "hi"]));
    let message_id = sent["id"].as_str().expect("id").to_owned();
    // A lobby of bob's for alice to join and leave (its only member could not leave).
    json(
        env.chat_in(bob_config.path())
            .args(["--json", "lobby", "create", "bobs"]),
    );
    let commands: Vec<Vec<&str>> = vec![
        vec!["whoami"],
        vec!["user", "list"],
        vec!["user", "show", "bob"],
        vec!["user", "update", "--description", "here"],
        vec!["lobby", "list"],
        vec!["lobby", "community"],
        vec!["lobby", "info", "general"],
        vec!["lobby", "members", "general"],
        vec!["lobby", "add", "general", "bob"],
        vec!["lobby", "promote", "general", "bob"],
        vec!["lobby", "demote", "general", "bob"],
        vec!["lobby", "remove", "general", "bob"],
        vec!["lobby", "rename", "general", "lounge"],
        vec!["msg", "history", "lounge"],
        vec!["msg", "edit", &message_id, "hello"],
        vec!["msg", "reply", "lounge", &message_id, "indeed"],
        vec!["msg", "react", &message_id, ":+1:"],
        vec!["msg", "reactors", &message_id, "👍"],
        vec!["msg", "unreact", &message_id, "👍"],
        vec!["pins", "pin", &message_id],
        vec!["pins", "list", "lounge"],
        vec!["pins", "unpin", &message_id],
        vec!["mentions"],
        vec!["read", "lounge"],
        vec!["msg", "delete", &message_id],
        vec!["dm", "send", "bob", "psst"],
        vec!["dm", "list"],
        vec!["dm", "history", "bob"],
        vec!["read", "--dm", "bob"],
        vec!["dm", "delete", "bob"],
        vec!["lobby", "join", "bobs"],
        vec!["lobby", "leave", "bobs"],
        vec!["admin", "users"],
        vec!["admin", "messages", "--user", "alice"],
        vec!["admin", "stats"],
        vec!["admin", "disable", "bob"],
        vec!["admin", "enable", "bob"],
        vec!["admin", "audit"],
        vec!["lobby", "delete", "lounge", "--yes"],
    ];
    for command in commands {
        let value = json(env.chat().arg("--json").args(&command));
        assert!(value.is_object(), "{command:?} printed {value}");
    }
    // Disabling bob revoked his session: he signs in again.
    json(env.chat_in(bob_config.path()).args(["--json", "logout"]));
    json(
        env.chat_in(bob_config.path())
            .args(["--json", "login", "--username", "bob", "--password-stdin"])
            .write_stdin("correct horse\n"),
    );
    json(
        env.chat_in(bob_config.path())
            .args(["--json", "lobby", "join", "bobs"]),
    );
    json(env.chat().args(["--json", "user", "delete", "--yes"]));
}

#[test]
fn every_command_has_an_example_in_its_help() {
    let env = Env::start();
    let commands: &[&[&str]] = &[
        &[],
        &["register"],
        &["login"],
        &["logout"],
        &["whoami"],
        &["read"],
        &["mentions"],
        &["watch"],
        &["completions"],
        &["user", "list"],
        &["user", "show"],
        &["user", "update"],
        &["user", "delete"],
        &["lobby", "create"],
        &["lobby", "list"],
        &["lobby", "community"],
        &["lobby", "info"],
        &["lobby", "members"],
        &["lobby", "join"],
        &["lobby", "leave"],
        &["lobby", "add"],
        &["lobby", "remove"],
        &["lobby", "promote"],
        &["lobby", "demote"],
        &["lobby", "rename"],
        &["lobby", "delete"],
        &["msg", "send"],
        &["msg", "history"],
        &["msg", "edit"],
        &["msg", "delete"],
        &["msg", "reply"],
        &["msg", "react"],
        &["msg", "unreact"],
        &["msg", "reactors"],
        &["pins", "list"],
        &["pins", "pin"],
        &["pins", "unpin"],
        &["dm", "send"],
        &["dm", "list"],
        &["dm", "history"],
        &["dm", "delete"],
        &["admin", "users"],
        &["admin", "disable"],
        &["admin", "enable"],
        &["admin", "messages"],
        &["admin", "audit"],
        &["admin", "stats"],
        &["token", "create"],
        &["token", "list"],
        &["token", "revoke"],
        &["avatar", "set"],
        &["avatar", "remove"],
    ];
    for command in commands {
        let output = env
            .chat()
            .args(*command)
            .arg("--help")
            .output()
            .expect("ran");
        assert!(output.status.success(), "{command:?}");
        let help = String::from_utf8_lossy(&output.stdout);
        assert!(
            help.contains("Example"),
            "{command:?} --help has no example:\n{help}"
        );
    }
}

#[test]
fn completions_are_printed_for_every_shell() {
    let env = Env::start();
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let output = env
            .chat()
            .args(["completions", shell])
            .output()
            .expect("ran");
        assert!(output.status.success(), "{shell}");
        assert!(
            String::from_utf8_lossy(&output.stdout).contains("lobby"),
            "{shell}"
        );
    }
}

#[test]
fn admin_commands_need_a_server_admin() {
    let env = Env::start();
    let other = tempfile::tempdir().expect("temp dir");
    env.register(env.config.path(), "alice");
    env.register(other.path(), "bob");
    env.chat_in(other.path())
        .args(["admin", "stats"])
        .assert()
        .code(2)
        .stderr(predicate_contains("forbidden"));
    let audit = json(env.chat().args(["--json", "admin", "disable", "bob"]));
    assert_eq!(audit["disabled"], true);
    env.chat_in(other.path()).arg("whoami").assert().code(2);
}

#[test]
fn a_token_made_with_the_cli_works_as_chat_token_and_can_be_revoked() {
    let env = Env::start();
    env.register(env.config.path(), "alice");
    let created = json(env.chat().args(["--json", "token", "create", "bot"]));
    let secret = created["token"].as_str().expect("secret").to_owned();
    let id = created["info"]["id"].as_str().expect("id").to_owned();
    let empty = tempfile::tempdir().expect("temp dir");
    let me = json(
        env.chat_in(empty.path())
            .args(["--json", "whoami"])
            .env("CHAT_TOKEN", &secret),
    );
    assert_eq!(me["username"], "alice");
    // Read-only: posting is refused by the server.
    env.chat_in(empty.path())
        .args(["lobby", "create", "nope"])
        .env("CHAT_TOKEN", &secret)
        .assert()
        .code(2)
        .stderr(predicate_contains("read scope"));
    let list = json(env.chat().args(["--json", "token", "list"]));
    assert_eq!(list["items"].as_array().map(Vec::len), Some(1));
    env.chat().args(["token", "revoke", &id]).assert().success();
    env.chat_in(empty.path())
        .arg("whoami")
        .env("CHAT_TOKEN", &secret)
        .assert()
        .code(2);
}

#[test]
fn avatars_are_set_from_a_file_and_removed() {
    let env = Env::start();
    env.register(env.config.path(), "alice");
    let dir = tempfile::tempdir().expect("temp dir");
    // The smallest valid PNG: 1×1, one grey pixel.
    let png: &[u8] = &[
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44,
        0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00, 0x00, 0x00, 0x00, 0x3A,
        0x7E, 0x9B, 0x55, 0x00, 0x00, 0x00, 0x0A, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x68,
        0x00, 0x00, 0x00, 0x82, 0x00, 0x81, 0x77, 0xCD, 0x72, 0xB6, 0x00, 0x00, 0x00, 0x00, 0x49,
        0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
    ];
    let file = dir.path().join("me.png");
    std::fs::write(&file, png).expect("written");
    env.chat()
        .args(["avatar", "set"])
        .arg(&file)
        .assert()
        .success();
    let fake = dir.path().join("fake.jpg");
    std::fs::write(&fake, b"not an image").expect("written");
    env.chat()
        .args(["avatar", "set"])
        .arg(&fake)
        .assert()
        .code(2)
        .stderr(predicate_contains("unsupported_media_type"));
    // Removing is idempotent: a script may run it whatever the current state.
    env.chat().args(["avatar", "remove"]).assert().success();
    env.chat().args(["avatar", "remove"]).assert().success();
}

#[test]
fn replies_reactions_and_pins_show_in_history_and_in_the_pins() {
    let env = Env::start();
    env.register(env.config.path(), "alice");
    json(env.chat().args(["--json", "lobby", "create", "general"]));
    let first = json(
        env.chat()
            .args(["--json", "msg", "send", "general", "ship it?"]),
    );
    let id = first["id"].as_str().expect("id").to_owned();
    let reply = json(
        env.chat()
            .args(["--json", "msg", "reply", "general", &id, "shipped"]),
    );
    assert_eq!(reply["reply_to"]["id"], id.as_str());
    assert_eq!(reply["reply_to"]["excerpt"], "ship it?");
    env.chat()
        .args(["msg", "react", &id, ":tada:"])
        .assert()
        .success();
    env.chat().args(["pins", "pin", &id]).assert().success();

    let history = json(env.chat().args(["--json", "msg", "history", "general"]));
    let original = &history["items"][1];
    assert_eq!(original["reactions"][0]["emoji"], "🎉");
    assert_eq!(original["reactions"][0]["me"], true);
    assert!(original["pinned_at"].is_string());
    // The table shows the quote, the reactions and the pin.
    let table = env
        .chat()
        .args(["msg", "history", "general"])
        .output()
        .expect("ran");
    let table = String::from_utf8_lossy(&table.stdout);
    assert!(table.contains("↪ alice: ship it?"), "{table}");
    assert!(
        table.contains("🎉1") && table.contains("(pinned)"),
        "{table}"
    );

    let pins = json(env.chat().args(["--json", "pins", "list", "general"]));
    assert_eq!(pins["items"][0]["message"]["id"], id.as_str());
    // Not an emoji: a usage error before any request.
    env.chat()
        .args(["msg", "react", &id, "nope"])
        .assert()
        .code(1);
}
