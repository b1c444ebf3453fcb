//! `chat-tui`: chat in the terminal. `--server` and `--profile` work as in `chat`.

use anyhow::Context;
use chat_client::profile::{self, DEFAULT_PROFILE, Profiles};
use chat_tui::effect::Secret;
use chat_tui::worker::Session;
use clap::Parser;

/// The server used when neither a flag, a variable nor the profile names one (as `chat`).
const DEFAULT_SERVER: &str = "http://127.0.0.1:8080";

/// Chat in the terminal.
#[derive(Debug, Parser)]
#[command(
    name = "chat-tui",
    version,
    about = "Chat in the terminal: lobbies, direct messages, live.",
    after_help = "Examples:\n  chat-tui --server http://127.0.0.1:8080\n  chat-tui --profile work\n\nPress ? (or F1) inside for the key bindings."
)]
struct Args {
    /// Server URL (default: the profile's, else http://127.0.0.1:8080).
    #[arg(long, env = "CHAT_SERVER")]
    server: Option<String>,

    /// Named profile in the config file shared with `chat` (server and token).
    #[arg(long, env = "CHAT_PROFILE", default_value = DEFAULT_PROFILE)]
    profile: String,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let config_dir = profile::config_dir()?;
    let saved = Profiles::load(&config_dir)?.get(&args.profile);
    let server = args
        .server
        .clone()
        .or_else(|| saved.server.clone())
        .unwrap_or_else(|| DEFAULT_SERVER.to_owned());
    // CHAT_TOKEN wins, as in `chat`; a saved token is used only for the server it came from.
    let token = std::env::var("CHAT_TOKEN")
        .ok()
        .filter(|t| !t.is_empty())
        .or_else(|| {
            saved
                .token
                .filter(|_| saved.server.as_deref() == Some(server.as_str()))
        })
        .map(Secret);
    let options = chat_tui::Options {
        server,
        token,
        username: saved.username.unwrap_or_default(),
        session: Session {
            config_dir,
            profile: args.profile,
        },
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the runtime")?;
    runtime.block_on(chat_tui::run(options))
}
