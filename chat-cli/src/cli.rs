//! The command line, as clap types. Every command's `--help` ends with an example.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// `chat`: talk to a chat server from the shell.
#[derive(Debug, Parser)]
#[command(
    name = "chat",
    version,
    about = "Talk to a chat server from the shell: post, read, administer.",
    after_help = "Examples:\n  chat --server http://127.0.0.1:8080 register --username alice\n  echo 'deploy done' | chat msg send ops -\n  chat history ops --json | jq '.items[].content'"
)]
pub struct Cli {
    /// Server URL (default: the profile's, else http://127.0.0.1:8080).
    #[arg(long, global = true, env = "CHAT_SERVER")]
    pub server: Option<String>,

    /// Named profile in the config file (server and token).
    #[arg(long, global = true, env = "CHAT_PROFILE", default_value = chat_client::profile::DEFAULT_PROFILE)]
    pub profile: String,

    /// Print exactly one JSON document (JSON lines for streams) made of protocol types.
    #[arg(long, global = true)]
    pub json: bool,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// How a password is given: never as an argument.
#[derive(Debug, Clone, Args)]
pub struct PasswordSource {
    /// Read the password from the first line of stdin (else `CHAT_PASSWORD`, else a prompt).
    #[arg(long)]
    pub password_stdin: bool,
}

/// Message text: an argument, `-` for stdin, or `--file`.
#[derive(Debug, Clone, Args)]
pub struct Text {
    /// The text; `-` reads it from stdin.
    pub text: Option<String>,
    /// Read the text from a file.
    #[arg(long, conflicts_with = "text")]
    pub file: Option<PathBuf>,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create an account and sign in.
    #[command(after_help = "Example:\n  chat register --username alice --display-name 'Alice'")]
    Register {
        /// The username (3–32 of a-z 0-9 _ . -).
        #[arg(long)]
        username: String,
        /// The name shown to others.
        #[arg(long)]
        display_name: Option<String>,
        /// An e-mail address.
        #[arg(long)]
        email: Option<String>,
        #[command(flatten)]
        password: PasswordSource,
    },
    /// Sign in and remember the token in the profile.
    #[command(after_help = "Example:\n  CHAT_PASSWORD=secret chat login --username alice")]
    Login {
        /// The username.
        #[arg(long)]
        username: String,
        #[command(flatten)]
        password: PasswordSource,
    },
    /// Revoke the token and forget it.
    #[command(after_help = "Example:\n  chat logout")]
    Logout,
    /// Show the signed-in account.
    #[command(after_help = "Example:\n  chat whoami --json | jq -r .username")]
    Whoami,
    /// Users: list, show, update yourself, delete yourself.
    #[command(subcommand)]
    User(UserCommand),
    /// Lobbies and their members.
    #[command(subcommand)]
    Lobby(LobbyCommand),
    /// Lobby messages.
    #[command(subcommand)]
    Msg(MsgCommand),
    /// Direct messages.
    #[command(subcommand)]
    Dm(DmCommand),
    /// Mark a lobby (or, with --dm, a direct chat) read up to its newest message.
    #[command(after_help = "Example:\n  chat read general\n  chat read --dm bob")]
    Read {
        /// The lobby (id or name), or the user with --dm.
        target: String,
        /// The target is a user: mark the direct chat with them.
        #[arg(long)]
        dm: bool,
        /// Read up to this message seq instead of the newest.
        #[arg(long)]
        seq: Option<u64>,
    },
    /// Your avatar.
    #[command(subcommand)]
    Avatar(AvatarCommand),
    /// Personal API tokens for bots and scripts.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Server administration (server admins only).
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Stream live events until interrupted, reconnecting and resuming by itself.
    #[command(after_help = "Example:\n  chat watch --json | jq -c 'select(.event == \"frame\")'")]
    Watch,
    /// Print a shell completion script.
    #[command(
        after_help = "Example:\n  chat completions bash > ~/.local/share/bash-completion/completions/chat"
    )]
    Completions {
        /// The shell.
        shell: Shell,
    },
}

/// Shells with completion scripts.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Shell {
    /// Bash.
    Bash,
    /// Zsh.
    Zsh,
    /// Fish.
    Fish,
    /// PowerShell.
    Powershell,
}

/// `chat user …`
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// List or search users.
    #[command(after_help = "Example:\n  chat user list --query al")]
    List {
        /// Only names starting with this.
        #[arg(long)]
        query: Option<String>,
        /// At most this many (default 50).
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// Show a user (id or username).
    #[command(after_help = "Example:\n  chat user show bob")]
    Show {
        /// The user.
        user: String,
    },
    /// Update your account.
    #[command(
        after_help = "Example:\n  chat user update --display-name 'Alice L.' --description 'on call'"
    )]
    Update {
        /// A new display name.
        #[arg(long)]
        display_name: Option<String>,
        /// A new description.
        #[arg(long)]
        description: Option<String>,
        /// A new e-mail address.
        #[arg(long)]
        email: Option<String>,
        /// Change the password (asks for the current and the new one; with
        /// --password-stdin, reads both lines from stdin).
        #[arg(long)]
        password: bool,
        #[command(flatten)]
        password_source: PasswordSource,
    },
    /// Delete your account.
    #[command(after_help = "Example:\n  chat user delete --yes")]
    Delete {
        /// Confirm.
        #[arg(long)]
        yes: bool,
    },
}

/// `chat lobby …`
#[derive(Debug, Subcommand)]
pub enum LobbyCommand {
    /// Create a lobby (you become its admin).
    #[command(
        after_help = "Example:\n  chat lobby create ops --private --description 'deploys and alerts'"
    )]
    Create {
        /// The name.
        name: String,
        /// Make it private (invisible to non-members).
        #[arg(long)]
        private: bool,
        /// What it is about.
        #[arg(long)]
        description: Option<String>,
    },
    /// List your lobbies.
    #[command(after_help = "Example:\n  chat lobby list")]
    List,
    /// Discover public lobbies you have not joined.
    #[command(after_help = "Example:\n  chat lobby community --query rust")]
    Community {
        /// Only names starting with this.
        #[arg(long)]
        query: Option<String>,
        /// At most this many (default 50).
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// Show a lobby.
    #[command(after_help = "Example:\n  chat lobby info general")]
    Info {
        /// The lobby (id or name).
        lobby: String,
    },
    /// List a lobby's members.
    #[command(after_help = "Example:\n  chat lobby members general")]
    Members {
        /// The lobby.
        lobby: String,
    },
    /// Join a public lobby.
    #[command(after_help = "Example:\n  chat lobby join general")]
    Join {
        /// The lobby.
        lobby: String,
    },
    /// Leave a lobby.
    #[command(after_help = "Example:\n  chat lobby leave general")]
    Leave {
        /// The lobby.
        lobby: String,
    },
    /// Add a user to a lobby (admins).
    #[command(after_help = "Example:\n  chat lobby add ops bob")]
    Add {
        /// The lobby.
        lobby: String,
        /// The user (id or username).
        user: String,
        /// Add as admin.
        #[arg(long)]
        admin: bool,
    },
    /// Remove a member (admins).
    #[command(after_help = "Example:\n  chat lobby remove ops mallory")]
    Remove {
        /// The lobby.
        lobby: String,
        /// The user.
        user: String,
    },
    /// Make a member an admin (admins).
    #[command(after_help = "Example:\n  chat lobby promote ops bob")]
    Promote {
        /// The lobby.
        lobby: String,
        /// The user.
        user: String,
    },
    /// Make an admin a plain member (admins).
    #[command(after_help = "Example:\n  chat lobby demote ops bob")]
    Demote {
        /// The lobby.
        lobby: String,
        /// The user.
        user: String,
    },
    /// Rename or describe a lobby (admins).
    #[command(
        after_help = "Example:\n  chat lobby rename ops operations --description 'on-call room'"
    )]
    Rename {
        /// The lobby.
        lobby: String,
        /// The new name.
        name: String,
        /// A new description.
        #[arg(long)]
        description: Option<String>,
    },
    /// Delete a lobby and all its messages (admins).
    #[command(after_help = "Example:\n  chat lobby delete old-room --yes")]
    Delete {
        /// The lobby.
        lobby: String,
        /// Confirm.
        #[arg(long)]
        yes: bool,
    },
}

/// `chat msg …`
#[derive(Debug, Subcommand)]
pub enum MsgCommand {
    /// Post to a lobby.
    #[command(
        after_help = "Examples:\n  chat msg send general 'hello'\n  git log -1 --oneline | chat msg send deploys -"
    )]
    Send {
        /// The lobby (id or name).
        lobby: String,
        #[command(flatten)]
        text: Text,
    },
    /// Show a lobby's history, newest last.
    #[command(
        after_help = "Examples:\n  chat msg history general --limit 20\n  chat msg history general --follow --json"
    )]
    History {
        /// The lobby.
        lobby: String,
        /// How many of the newest messages (default 50).
        #[arg(long, default_value_t = 50)]
        limit: usize,
        /// Keep printing new messages as they arrive.
        #[arg(long)]
        follow: bool,
    },
    /// Edit one of your messages.
    #[command(
        after_help = "Example:\n  chat msg edit 01937a4c-3b5e-7c2a-9f1e-2b3c4d5e6f72 'fixed typo'"
    )]
    Edit {
        /// The message id.
        message: String,
        #[command(flatten)]
        text: Text,
    },
    /// Delete a message (yours, or any as a lobby admin).
    #[command(after_help = "Example:\n  chat msg delete 01937a4c-3b5e-7c2a-9f1e-2b3c4d5e6f72")]
    Delete {
        /// The message id.
        message: String,
    },
}

/// `chat dm …`
#[derive(Debug, Subcommand)]
pub enum DmCommand {
    /// Send a direct message.
    #[command(after_help = "Example:\n  chat dm send bob 'lunch?'")]
    Send {
        /// The user (id or username).
        user: String,
        #[command(flatten)]
        text: Text,
    },
    /// List your direct chats.
    #[command(after_help = "Example:\n  chat dm list")]
    List,
    /// Show the history with a user, newest last.
    #[command(after_help = "Example:\n  chat dm history bob --limit 20")]
    History {
        /// The user.
        user: String,
        /// How many of the newest messages (default 50).
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
    /// Delete the chat with a user, for you only.
    #[command(after_help = "Example:\n  chat dm delete bob")]
    Delete {
        /// The user.
        user: String,
    },
}

/// `chat admin …`
#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// List users with their admin and disabled flags.
    #[command(after_help = "Example:\n  chat admin users --query al")]
    Users {
        /// Only usernames starting with this.
        #[arg(long)]
        query: Option<String>,
        /// At most this many (default 50).
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// Disable an account: no login, tokens refused, connections closed.
    #[command(after_help = "Example:\n  chat admin disable mallory")]
    Disable {
        /// The user (id or username).
        user: String,
    },
    /// Enable a disabled account.
    #[command(after_help = "Example:\n  chat admin enable mallory")]
    Enable {
        /// The user (id or username).
        user: String,
    },
    /// Read all messages, newest first, filtered by lobby, author and time.
    #[command(
        after_help = "Example:\n  chat admin messages --user mallory --since 2026-11-20T00:00:00Z --json"
    )]
    Messages {
        /// Only this lobby (id or name).
        #[arg(long)]
        lobby: Option<String>,
        /// Only this author (id or username).
        #[arg(long)]
        user: Option<String>,
        /// Only messages sent at or after this RFC 3339 time.
        #[arg(long)]
        since: Option<String>,
        /// Only messages sent before this RFC 3339 time.
        #[arg(long)]
        until: Option<String>,
        /// At most this many (default 50).
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// Show the audit log of admin actions, newest first.
    #[command(after_help = "Example:\n  chat admin audit --limit 20")]
    Audit {
        /// At most this many (default 50).
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// Show server statistics.
    #[command(after_help = "Example:\n  chat admin stats --json")]
    Stats,
}

/// `chat token …`
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a personal API token; its secret is shown once.
    #[command(
        after_help = "Example:\n  chat token create 'deploy bot' --write --expires-in-days 90"
    )]
    Create {
        /// What it is for.
        name: String,
        /// Also allow changes (posting, editing, joining); without it the token only reads.
        #[arg(long)]
        write: bool,
        /// Stop working after this many days.
        #[arg(long)]
        expires_in_days: Option<u32>,
    },
    /// List your personal API tokens (without secrets).
    #[command(after_help = "Example:\n  chat token list")]
    List,
    /// Revoke a personal API token.
    #[command(after_help = "Example:\n  chat token revoke 01937a4c-3b5e-7c2a-9f1e-2b3c4d5e6f75")]
    Revoke {
        /// The token's id (from `chat token list`).
        id: String,
    },
}

/// `chat avatar …`
#[derive(Debug, Subcommand)]
pub enum AvatarCommand {
    /// Upload a PNG, JPEG, WebP or GIF (at most 2 MiB) as your avatar.
    #[command(after_help = "Example:\n  chat avatar set ~/me.jpg")]
    Set {
        /// The image file.
        file: PathBuf,
    },
    /// Remove your avatar.
    #[command(after_help = "Example:\n  chat avatar remove")]
    Remove,
}
