//! The command line, as clap types. Every command's `--help` ends with an example.

use std::path::PathBuf;

use chat_core::v1::MessageId;
use clap::{Args, Parser, Subcommand, ValueEnum};

/// `chat`: talk to a chat server from the shell.
#[derive(Debug, Parser)]
#[command(
    name = "chat",
    version,
    about = "Talk to a chat server from the shell: post, read, administer.",
    after_help = "Examples:\n  chat --server http://127.0.0.1:8080 register --username alice\n  echo 'deploy done' | chat msg send ops -\n  chat msg history ops --json | jq -r '.items[].content'\n\nErrors: with --json, an error is one JSON document on stderr, {\"error\": {\"code\", \"message\", \"details\"}}: the server's error as it sent it, or a code of the CLI's own (usage, ambiguous, unreachable). Exit codes: 0 success, 1 usage error, 2 the server refused, 3 the server cannot be reached."
)]
pub struct Cli {
    /// Server URL (default: the profile's, else http://127.0.0.1:8080).
    #[arg(long, global = true, env = "CHAT_SERVER")]
    pub server: Option<String>,

    /// Named profile in the config file (server and token); `login` and `register` create it.
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

/// Which page of a conversation's history.
#[derive(Debug, Clone, Args)]
pub struct HistoryPage {
    /// How many messages, 1–100 (default 50).
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub limit: u32,
    /// Only messages older than this message (a page's `next_cursor`).
    #[arg(long, value_name = "ID", conflicts_with = "after")]
    pub before: Option<MessageId>,
    /// Only messages newer than this message; the JSON page is then oldest first.
    #[arg(long, value_name = "ID")]
    pub after: Option<MessageId>,
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
    #[command(after_help = "Example:\n  CHAT_PASSWORD='correct horse' chat login --username alice")]
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
    ///
    /// Wherever a command takes a lobby, give its id or its name. Names need not be unique: a
    /// name means the lobby of that name you are a member of, else the public lobby of that
    /// name; when several match, the error lists them with their ids.
    #[command(subcommand)]
    Lobby(LobbyCommand),
    /// Lobby messages.
    #[command(subcommand)]
    Msg(MsgCommand),
    /// Direct messages.
    #[command(subcommand)]
    Dm(DmCommand),
    /// Pinned messages.
    #[command(subcommand)]
    Pins(PinsCommand),
    /// Messages that mention you (by name, @here or @everyone), newest first; ● marks unread.
    #[command(
        after_help = "Examples:\n  chat mentions\n  chat mentions --unread --json | jq '.items | length'"
    )]
    Mentions {
        /// How many, 1–100.
        #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=100))]
        limit: u32,
        /// The `next_cursor` of the previous page: older mentions.
        #[arg(long, value_name = "ID")]
        before: Option<MessageId>,
        /// Only those not read yet (of this page).
        #[arg(long)]
        unread: bool,
    },
    /// Mark a lobby (or, with --dm, a direct chat) read up to its newest message.
    #[command(after_help = "Examples:\n  chat read general\n  chat read --dm bob")]
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
    ///
    /// People see one line per event, prefixed with its lobby (`[general]`) or direct chat
    /// (`[@bob]`); --json prints the SDK's events as JSON lines. Ctrl-C ends it (exit 0).
    #[command(after_help = "Example:\n  chat watch --json | jq -c 'select(.event == \"frame\")'")]
    Watch,
    /// Print a shell completion script.
    #[command(after_help = "Example (in ~/.bashrc):\n  source <(chat completions bash)")]
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
        after_help = "Examples:\n  chat msg send general 'hello'\n  date | chat msg send deploys -"
    )]
    Send {
        /// The lobby (id or name).
        lobby: String,
        #[command(flatten)]
        text: Text,
    },
    /// Show one page of a lobby's history.
    ///
    /// The table prints oldest first (the newest message last, at the bottom). --json prints
    /// the page exactly as the REST API returns it: newest first (oldest first with --after),
    /// with `next_cursor`, the id to pass as --before (or --after) for the next page, `null`
    /// at the end.
    #[command(
        after_help = "Examples:\n  chat msg history general --limit 20\n  chat msg history ops --before \"$(chat msg history ops --limit 1 --json | jq -r .next_cursor)\"\n  chat msg history general --follow --json"
    )]
    History {
        /// The lobby.
        lobby: String,
        #[command(flatten)]
        page: HistoryPage,
        /// Then keep printing new messages as they arrive (JSON lines with --json), until
        /// Ctrl-C.
        #[arg(long, conflicts_with_all = ["before", "after"])]
        follow: bool,
    },
    /// Edit one of your messages.
    #[command(
        after_help = "Example (the newest message of general, if it is yours):\n  chat msg edit \"$(chat msg history general --limit 1 --json | jq -r '.items[0].id')\" 'fixed typo'"
    )]
    Edit {
        /// The message id.
        message: String,
        #[command(flatten)]
        text: Text,
    },
    /// Delete a message (yours, or any as a lobby admin).
    #[command(
        after_help = "Example (the newest message of general):\n  chat msg delete \"$(chat msg history general --limit 1 --json | jq -r '.items[0].id')\""
    )]
    Delete {
        /// The message id.
        message: String,
    },
    /// Answer a message of a lobby: the reply quotes it.
    #[command(
        after_help = "Example (answer the newest message of general):\n  chat msg reply general \"$(chat msg history general --limit 1 --json | jq -r .items[0].id)\" ok"
    )]
    Reply {
        /// The lobby (id or name).
        lobby: String,
        /// The id of the message answered.
        message: String,
        #[command(flatten)]
        text: Text,
    },
    /// React to a message with an emoji (or a :shortcode: naming one).
    #[command(
        after_help = "Examples (the newest message of general):\n  chat msg react \"$(chat msg history general --limit 1 --json | jq -r .items[0].id)\" 👍\n  chat msg react \"$(chat msg history general --limit 1 --json | jq -r .items[0].id)\" :tada:"
    )]
    React {
        /// The message id.
        message: String,
        /// The emoji, or a :shortcode: such as :+1:.
        emoji: String,
    },
    /// Take your reaction back.
    #[command(
        after_help = "Example (the newest message of general):\n  chat msg unreact \"$(chat msg history general --limit 1 --json | jq -r .items[0].id)\" :+1:"
    )]
    Unreact {
        /// The message id.
        message: String,
        /// The emoji, or its :shortcode:.
        emoji: String,
    },
    /// Who reacted to a message with an emoji, first reacted first (one page).
    #[command(
        after_help = "Example (the newest message of general):\n  chat msg reactors \"$(chat msg history general --limit 1 --json | jq -r .items[0].id)\" :+1: --json"
    )]
    Reactors {
        /// The message id.
        message: String,
        /// The emoji, or its :shortcode:.
        emoji: String,
        /// How many users, 1–100.
        #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=100))]
        limit: u32,
        /// The `next_cursor` of the previous page.
        #[arg(long)]
        after: Option<String>,
    },
}

/// `chat pins …`
#[derive(Debug, Subcommand)]
pub enum PinsCommand {
    /// A lobby's (or, with --dm, a direct chat's) pinned messages, newest pin first.
    #[command(after_help = "Examples:\n  chat pins list general\n  chat pins list --dm bob --json")]
    List {
        /// The lobby (id or name), or the user with --dm.
        target: String,
        /// The target is a user: the direct chat with them.
        #[arg(long)]
        dm: bool,
    },
    /// Pin a message (lobby admins; either participant of a direct chat).
    #[command(
        after_help = "Example (the newest message of general):\n  chat pins pin \"$(chat msg history general --limit 1 --json | jq -r .items[0].id)\""
    )]
    Pin {
        /// The message id.
        message: String,
    },
    /// Unpin a message.
    #[command(
        after_help = "Example (the newest message of general):\n  chat pins unpin \"$(chat msg history general --limit 1 --json | jq -r .items[0].id)\""
    )]
    Unpin {
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
    /// Show one page of the history with a user.
    ///
    /// The table prints oldest first (the newest message last, at the bottom). --json prints
    /// the page exactly as the REST API returns it: newest first (oldest first with --after),
    /// with `next_cursor` for the next page.
    #[command(after_help = "Example:\n  chat dm history bob --limit 20")]
    History {
        /// The user.
        user: String,
        #[command(flatten)]
        page: HistoryPage,
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
    #[command(after_help = "Example:\n  chat token create ci --write --expires-in-days 90")]
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
    #[command(
        after_help = "Example:\n  chat token revoke \"$(chat token list --json | jq -r '.items[] | select(.name == \"ci\").id')\""
    )]
    Revoke {
        /// The token's id (from `chat token list`).
        id: String,
    },
}

/// `chat avatar …`
#[derive(Debug, Subcommand)]
pub enum AvatarCommand {
    /// Upload a PNG, JPEG, WebP or GIF (at most 2 MiB) as your avatar.
    #[command(after_help = "Example:\n  chat avatar set ~/me.png")]
    Set {
        /// The image file.
        file: PathBuf,
    },
    /// Remove your avatar.
    #[command(after_help = "Example:\n  chat avatar remove")]
    Remove,
}
