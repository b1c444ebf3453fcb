//! Every example of every `--help` text runs, and succeeds, against a server with the lobbies
//! and users the examples name.
//!
//! The command tree comes from the CLI's own clap definition; the examples from the help the
//! real binary prints. Each example line runs in `bash` (with `pipefail`, so a failing `chat`
//! in a pipe fails the line) on a fresh server holding the fixture below, as `alice` (the
//! server's admin, password `correct horse`), with `chat`, `jq` and the usual tools on `PATH`.
//! `CHAT_PASSWORD` stands for typing the password at the prompt, and the test server's URL for
//! `http://127.0.0.1:8080`. Streams (`watch`, `--follow`) are interrupted with Ctrl-C (SIGINT)
//! after a message arrives, and must then exit 0 too.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use clap::CommandFactory;

use crate::helpers::Env;

/// The CLI's clap definition, the same source the binary is built from.
#[allow(dead_code, missing_docs, unused_qualifications)]
#[path = "../../src/cli.rs"]
mod cli;

/// Everyone's password, as in the examples.
const PASSWORD: &str = "correct horse";

/// The URL the examples use for the server.
const EXAMPLE_SERVER: &str = "http://127.0.0.1:8080";

/// Every command's path below `chat` (the top level is the empty path), depth first, and
/// whether it is a command proper (no subcommands: its help must have an example).
fn command_paths(command: &clap::Command, prefix: &[String], paths: &mut Vec<(Vec<String>, bool)>) {
    paths.push((prefix.to_vec(), !command.has_subcommands()));
    for sub in command.get_subcommands() {
        if sub.get_name() == "help" {
            continue;
        }
        let mut path = prefix.to_vec();
        path.push(sub.get_name().to_owned());
        command_paths(sub, &path, paths);
    }
}

/// The command lines under the `Example…:` headings of a help text.
fn examples(help: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut in_examples = false;
    for line in help.lines() {
        if line.starts_with("Example") && line.trim_end().ends_with(':') {
            in_examples = true;
        } else if in_examples && line.starts_with("  ") && !line.trim().is_empty() {
            lines.push(line.trim().to_owned());
        } else {
            in_examples = false;
        }
    }
    lines
}

/// The help text of `chat PATH… --help`.
fn help(env: &Env, path: &[String]) -> String {
    let output = env
        .chat()
        .args(path)
        .arg("--help")
        .output()
        .expect("chat ran");
    assert!(output.status.success(), "chat {path:?} --help failed");
    String::from_utf8(output.stdout).expect("UTF-8 help")
}

/// A server with what the examples refer to, and the people on it.
struct Fixture {
    env: Env,
    /// `$HOME` and the working directory of the examples (holds `me.png`).
    home: tempfile::TempDir,
    bob: tempfile::TempDir,
}

impl Fixture {
    /// alice (first, so server admin; signed in where the examples run), bob and mallory;
    /// lobbies general (bob in it), ops (bob and mallory in it, two messages), deploys and
    /// old-room; alice's message last in general; a direct chat with bob; alice's token `ci`.
    /// With `registering`, alice does not exist yet: the example creates her.
    fn new(registering: bool) -> Self {
        let env = Env::start();
        let bob = tempfile::tempdir().expect("temp dir");
        let mallory = tempfile::tempdir().expect("temp dir");
        let home = tempfile::tempdir().expect("temp dir");
        let fixture = Self { env, home, bob };
        let alice = fixture.env.config.path().to_owned();
        if !registering {
            fixture.register(&alice, "alice");
        }
        fixture.register(fixture.bob.path(), "bob");
        fixture.register(mallory.path(), "mallory");
        if registering {
            return fixture;
        }
        let bob = fixture.bob.path();
        for lobby in ["general", "ops", "deploys", "old-room"] {
            fixture.run(&alice, &["lobby", "create", lobby]);
        }
        fixture.run(bob, &["lobby", "join", "general"]);
        fixture.run(&alice, &["lobby", "add", "ops", "bob"]);
        fixture.run(&alice, &["lobby", "add", "ops", "mallory"]);
        fixture.run(bob, &["msg", "send", "ops", "deploying"]);
        fixture.run(&alice, &["msg", "send", "ops", "deploy done"]);
        fixture.run(bob, &["msg", "send", "general", "morning"]);
        fixture.run(&alice, &["msg", "send", "general", "helo"]);
        fixture.run(&alice, &["dm", "send", "bob", "lunch?"]);
        fixture.run(&alice, &["token", "create", "ci"]);
        std::fs::write(fixture.home.path().join("me.png"), PNG).expect("written");
        fixture
    }

    fn register(&self, config: &Path, name: &str) {
        self.env
            .chat_in(config)
            .args(["register", "--username", name, "--password-stdin"])
            .write_stdin(format!("{PASSWORD}\n"))
            .assert()
            .success();
    }

    fn run(&self, config: &Path, args: &[&str]) {
        self.env.chat_in(config).args(args).assert().success();
    }

    /// `bash -c LINE` where the examples run.
    fn example(&self, line: &str) -> Command {
        let chat = assert_cmd::cargo::cargo_bin("chat");
        let bin_dir = chat.parent().expect("the binary's directory");
        let path = std::env::join_paths(std::iter::once(bin_dir.to_owned()).chain(
            std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
        ))
        .expect("PATH");
        let mut command = Command::new("bash");
        command
            .arg("-c")
            .arg(format!(
                "set -o pipefail\n{}",
                line.replace(EXAMPLE_SERVER, &self.env.url)
            ))
            .current_dir(self.home.path())
            .env_clear()
            .env("PATH", path)
            .env("HOME", self.home.path())
            .env("CHAT_SERVER", &self.env.url)
            .env("CHAT_CONFIG_DIR", self.env.config.path())
            .env("CHAT_PASSWORD", PASSWORD)
            .env("NO_COLOR", "1")
            .stdin(Stdio::null());
        command
    }
}

/// A 1×1 PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00, 0x00, 0x00, 0x00, 0x3A, 0x7E, 0x9B,
    0x55, 0x00, 0x00, 0x00, 0x0A, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x68, 0x00, 0x00, 0x00,
    0x82, 0x00, 0x81, 0x77, 0xCD, 0x72, 0xB6, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE,
    0x42, 0x60, 0x82,
];

/// Runs a streaming example: once it is up, bob posts to general; then Ctrl-C.
fn run_stream(fixture: &Fixture, line: &str) -> Output {
    let mut child = fixture
        .example(line)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("bash starts");
    std::thread::sleep(Duration::from_secs(2));
    fixture.run(fixture.bob.path(), &["msg", "send", "general", "streamed"]);
    std::thread::sleep(Duration::from_secs(1));
    let chat = chat_processes(child.id());
    assert!(!chat.is_empty(), "{line}: no chat process is running");
    for pid in chat {
        // bash's own `kill`: no other tool needed.
        let _ = Command::new("bash")
            .arg("-c")
            .arg(format!("kill -INT {pid}"))
            .status();
    }
    let deadline = Instant::now() + Duration::from_secs(20);
    while child.try_wait().expect("waited").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().expect("output")
}

/// The `chat` processes that are `shell` itself (after an `exec`) or its children.
fn chat_processes(shell: u32) -> Vec<u32> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").expect("/proc").flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // `pid (comm) state ppid …`; comm may hold spaces, so split after its `)`.
        let Some((head, rest)) = stat.rsplit_once(") ") else {
            continue;
        };
        let comm = head.split_once(" (").map_or("", |(_, comm)| comm);
        let ppid = rest
            .split_whitespace()
            .nth(1)
            .and_then(|p| p.parse::<u32>().ok());
        if comm == "chat" && (pid == shell || ppid == Some(shell)) {
            found.push(pid);
        }
    }
    found
}

#[cfg(target_os = "linux")]
#[test]
fn every_example_of_every_help_text_runs_and_succeeds() {
    assert!(
        Command::new("jq")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success()),
        "the examples use jq: install it (CI does)"
    );
    let env = Env::start();
    let mut paths = Vec::new();
    command_paths(&cli::Cli::command(), &[], &mut paths);
    let mut lines = Vec::new();
    for (path, leaf) in &paths {
        let examples = examples(&help(&env, path));
        assert!(
            !*leaf || !examples.is_empty(),
            "chat {path:?} --help has no example"
        );
        lines.extend(examples);
    }
    drop(env);
    assert!(lines.len() > 40, "only {} examples found", lines.len());

    let failures: Vec<String> = std::thread::scope(|scope| {
        let workers: Vec<_> = lines
            .chunks(lines.len().div_ceil(3))
            .map(|chunk| {
                scope.spawn(move || {
                    let mut failures = Vec::new();
                    for line in chunk {
                        let fixture = Fixture::new(line.contains(" register "));
                        let output = if line.contains("chat watch") || line.contains("--follow") {
                            run_stream(&fixture, line)
                        } else {
                            fixture.example(line).output().expect("bash ran")
                        };
                        if !output.status.success() {
                            failures.push(format!(
                                "{line}\n  status {:?}\n  stdout: {}\n  stderr: {}",
                                output.status,
                                String::from_utf8_lossy(&output.stdout).trim(),
                                String::from_utf8_lossy(&output.stderr).trim()
                            ));
                        }
                    }
                    failures
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().expect("worker"))
            .collect()
    });
    assert!(
        failures.is_empty(),
        "{} of {} examples failed:\n\n{}",
        failures.len(),
        lines.len(),
        failures.join("\n\n")
    );
}

#[test]
fn example_lines_are_found_under_their_headings_only() {
    let help = "About.\n\nOptions:\n  --x  y\n\nExamples:\n  chat a\n  chat b | jq .\n\n\
                Example (with a note):\n  chat c\nErrors: none\n  not an example\n";
    assert_eq!(examples(help), ["chat a", "chat b | jq .", "chat c"]);
}
