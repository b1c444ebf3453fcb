//! Configuration: flags, `CHAT_*` environment variables and an optional `.env` file.
//!
//! Every setting has a default, so the server starts with no configuration at all: an
//! SQLite database and a generated JWT secret in `./data`, listening on 127.0.0.1:8080.

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// A secret value; `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself. Call only where it is used, never to log.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl std::str::FromStr for Secret {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self(s.to_owned()))
    }
}

/// Parses durations such as `90s`, `15m`, `24h`, `7d` or a plain number of seconds.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let (number, unit) = match text.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => text.split_at(i),
        None => (text, "s"),
    };
    let n: u64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a duration like 90s, 15m, 24h or 7d"))?;
    let secs = match unit {
        "s" => n,
        "m" => n.saturating_mul(60),
        "h" => n.saturating_mul(3600),
        "d" => n.saturating_mul(86_400),
        _ => return Err(format!("`{text}` has an unknown unit; use s, m, h or d")),
    };
    if secs == 0 {
        return Err("the duration must be positive".into());
    }
    Ok(Duration::from_secs(secs))
}

fn parse_cost(text: &str) -> Result<u32, String> {
    match text.parse::<u32>() {
        Ok(cost) if (4..=31).contains(&cost) => Ok(cost),
        _ => Err("the bcrypt cost must be a number from 4 to 31".into()),
    }
}

/// The server's settings.
#[derive(Debug, Clone, clap::Args)]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "CHAT_HOST", default_value = "127.0.0.1")]
    pub host: IpAddr,

    /// Port to listen on (0 picks a free one).
    #[arg(long, env = "CHAT_PORT", default_value_t = 8080)]
    pub port: u16,

    /// Directory for the database and the generated JWT secret; created if missing.
    #[arg(long, env = "CHAT_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,

    /// Database URL: `sqlite://PATH` or `postgres://USER@HOST/DB`;
    /// `sqlite://<data-dir>/chat.db` when not set.
    #[arg(long, env = "CHAT_DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,

    /// Redis URL (`redis://HOST:PORT`): share live events, presence, typing and rate limits
    /// with the other server nodes on the same database. Unset: one node, all in memory.
    #[arg(long, env = "CHAT_REDIS_URL", hide_env_values = true)]
    pub redis_url: Option<String>,

    /// Prefix of every Redis key and channel of this deployment, so several can share one
    /// Redis.
    #[arg(long, env = "CHAT_REDIS_PREFIX", default_value = "chat")]
    pub redis_prefix: String,

    /// Secret for signing tokens (at least 32 bytes); generated and kept in the data
    /// directory when not set.
    #[arg(long, env = "CHAT_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<Secret>,

    /// How long a token stays valid (e.g. 30m, 24h, 7d).
    #[arg(long, env = "CHAT_TOKEN_TTL", default_value = "24h", value_parser = parse_duration)]
    pub token_ttl: Duration,

    /// bcrypt cost for password hashes (4–31).
    #[arg(long, env = "CHAT_BCRYPT_COST", default_value_t = 12, value_parser = parse_cost)]
    pub bcrypt_cost: u32,

    /// Browser origins allowed to call the API (CORS) and open WebSockets, comma-separated.
    #[arg(long, env = "CHAT_ALLOWED_ORIGINS", value_delimiter = ',')]
    pub allowed_origins: Vec<String>,

    /// Who may create accounts: `open` (anyone), `token` (only client apps with a client
    /// token) or `closed` (nobody).
    #[arg(long, env = "CHAT_REGISTRATION", value_enum, default_value_t = RegistrationMode::Open)]
    pub registration: RegistrationMode,

    /// Registrations one address may make in a burst.
    #[arg(long, env = "CHAT_REGISTER_BURST", default_value_t = 10)]
    pub register_burst: u32,

    /// Registrations the whole server takes in a burst (every address together).
    #[arg(long, env = "CHAT_REGISTER_GLOBAL_BURST", default_value_t = 500)]
    pub register_global_burst: u32,

    /// The time over which full bursts of registrations refill.
    #[arg(long, env = "CHAT_REGISTER_WINDOW", default_value = "1h", value_parser = parse_duration)]
    pub register_window: Duration,

    /// Serve the web client from this directory instead of the copy built into the binary
    /// (for working on `chat-wasm/web/` without rebuilding the server).
    #[arg(long, env = "CHAT_WEB_DIR")]
    pub web_dir: Option<PathBuf>,

    /// Log filter, e.g. `info` or `chat_server=debug,info`.
    #[arg(long, env = "CHAT_LOG", default_value = "info")]
    pub log: String,

    /// WebSocket gateway settings.
    #[command(flatten)]
    pub gateway: GatewayConfig,

    /// HTTP connection and request-body limits.
    #[command(flatten)]
    pub http: HttpConfig,
}

/// Limits on connections and request bodies: what keeps slow or flooding clients from
/// holding the server's connections and memory.
#[derive(Debug, Clone, clap::Args)]
pub struct HttpConfig {
    /// How long a request body may stall (no bytes arriving), and the base of the time a
    /// whole body may take; past it the request is answered `408`.
    #[arg(long, env = "CHAT_BODY_TIMEOUT", default_value = "10s", value_parser = parse_duration_ms)]
    pub body_timeout: Duration,

    /// The slowest a large body may arrive, in bytes per second: a body of N bytes may take
    /// the body timeout plus N / this rate.
    #[arg(long, env = "CHAT_BODY_MIN_RATE", default_value_t = 32 * 1024)]
    pub body_min_rate: u64,

    /// Connections one address may hold open at once (0: no limit). Behind a reverse proxy
    /// every client has the proxy's address: set 0 there and limit at the proxy.
    #[arg(long, env = "CHAT_MAX_CONNECTIONS_PER_IP", default_value_t = 512)]
    pub max_connections_per_ip: usize,

    /// Connections the server holds open at once (0: the open-files limit less a reserve
    /// for the database and files). The last sixteenth is kept for addresses that hold few
    /// connections, so health checks and ordinary users still get in during a flood.
    #[arg(long, env = "CHAT_MAX_CONNECTIONS", default_value_t = 0)]
    pub max_connections: usize,

    /// Image uploads (avatars, lobby icons) a user may make in a burst.
    #[arg(long, env = "CHAT_UPLOAD_BURST", default_value_t = 10)]
    pub upload_burst: u32,

    /// The time over which a full burst of image uploads refills.
    #[arg(long, env = "CHAT_UPLOAD_WINDOW", default_value = "1m", value_parser = parse_duration)]
    pub upload_window: Duration,
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            body_timeout: Duration::from_secs(10),
            body_min_rate: 32 * 1024,
            max_connections_per_ip: 512,
            max_connections: 0,
            upload_burst: 10,
            upload_window: Duration::from_secs(60),
        }
    }
}

/// Who may create accounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RegistrationMode {
    /// Anyone may register.
    Open,
    /// Registration is refused (`403`), also for client apps.
    Closed,
    /// Only client apps (client tokens, `POST /api/v1/users`) create accounts, except the
    /// very first one (the admin who creates client tokens).
    Token,
}

/// Settings of the WebSocket gateway and of message sending.
#[derive(Debug, Clone, clap::Args)]
pub struct GatewayConfig {
    /// Messages a user may send in a burst (REST and WebSocket together).
    #[arg(long, env = "CHAT_SEND_BURST", default_value_t = 20)]
    pub send_burst: u32,

    /// The time over which a full burst refills.
    #[arg(long, env = "CHAT_SEND_WINDOW", default_value = "10s", value_parser = parse_duration)]
    pub send_window: Duration,

    /// Other state-changing actions (edits, deletions, reactions, pins, joins, leaves, member,
    /// lobby and chat changes) a user may make in a burst, REST and WebSocket together.
    #[arg(long, env = "CHAT_ACTION_BURST", default_value_t = 60)]
    pub action_burst: u32,

    /// The time over which a full burst of actions refills.
    #[arg(long, env = "CHAT_ACTION_WINDOW", default_value = "30s", value_parser = parse_duration)]
    pub action_window: Duration,

    /// Call-signaling frames a user may send in a burst, over all their connections.
    #[arg(long, env = "CHAT_CALL_BURST", default_value_t = 40)]
    pub call_burst: u32,

    /// The time over which a full burst of call-signaling frames refills.
    #[arg(long, env = "CHAT_CALL_WINDOW", default_value = "10s", value_parser = parse_duration)]
    pub call_window: Duration,

    /// WebSocket connections one user may have open at once.
    #[arg(long, env = "CHAT_MAX_CONNECTIONS_PER_USER", default_value_t = 16)]
    pub max_connections_per_user: usize,

    /// Frames queued per connection before a slow reader is disconnected (`lagged`).
    #[arg(long, env = "CHAT_WS_QUEUE", default_value_t = 1024)]
    pub queue: usize,

    /// The largest gap (in events) a resume replays; past it the client must resync.
    #[arg(long, env = "CHAT_RESUME_MAX_GAP", default_value_t = 1000)]
    pub resume_max_gap: u32,

    /// How often the server pings each connection.
    #[arg(long, env = "CHAT_WS_PING_INTERVAL", default_value = "30s", value_parser = parse_duration_ms)]
    pub ping_interval: Duration,

    /// A connection silent this long is closed.
    #[arg(long, env = "CHAT_WS_IDLE_TIMEOUT", default_value = "60s", value_parser = parse_duration_ms)]
    pub idle_timeout: Duration,

    /// Time allowed for the `auth` frame of a connection opened without a token.
    #[arg(long, env = "CHAT_WS_AUTH_TIMEOUT", default_value = "10s", value_parser = parse_duration_ms)]
    pub auth_timeout: Duration,

    /// Kernel send buffer of each connection, in bytes (the kernel doubles it). Bounded
    /// buffers keep memory per connection predictable and let a stalled reader be noticed
    /// (and cut off as `lagged`) quickly.
    #[arg(long, env = "CHAT_SOCKET_SEND_BUFFER", default_value_t = 64 * 1024)]
    pub socket_send_buffer: usize,

    /// How long a `typing` indication lasts unless renewed.
    #[arg(long, env = "CHAT_TYPING_TTL", default_value = "6s", value_parser = parse_duration_ms)]
    pub typing_ttl: Duration,

    /// With Redis: how long the connections of a node that stopped renewing them (it
    /// crashed) still count as online. Nodes renew every third of it.
    #[arg(long, env = "CHAT_PRESENCE_TTL", default_value = "45s", value_parser = parse_duration_ms)]
    pub presence_ttl: Duration,
}

impl Default for GatewayConfig {
    fn default() -> Self {
        Self {
            send_burst: 20,
            send_window: Duration::from_secs(10),
            action_burst: 60,
            action_window: Duration::from_secs(30),
            call_burst: 40,
            call_window: Duration::from_secs(10),
            max_connections_per_user: 16,
            queue: 1024,
            resume_max_gap: 1000,
            ping_interval: Duration::from_secs(30),
            idle_timeout: Duration::from_secs(60),
            auth_timeout: Duration::from_secs(10),
            socket_send_buffer: 64 * 1024,
            typing_ttl: Duration::from_secs(6),
            presence_ttl: Duration::from_secs(45),
        }
    }
}

/// Like [`parse_duration`], also accepting milliseconds (`250ms`).
pub fn parse_duration_ms(text: &str) -> Result<Duration, String> {
    match text.trim().strip_suffix("ms") {
        Some(ms) => match ms.parse::<u64>() {
            Ok(ms) if ms > 0 => Ok(Duration::from_millis(ms)),
            _ => Err(format!("`{text}` is not a duration")),
        },
        None => parse_duration(text),
    }
}

impl Config {
    /// The defaults, with data kept in `data_dir`: what a start without configuration uses.
    pub fn with_data_dir(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            host: IpAddr::from([127, 0, 0, 1]),
            port: 8080,
            data_dir: data_dir.into(),
            database_url: None,
            redis_url: None,
            redis_prefix: "chat".into(),
            jwt_secret: None,
            token_ttl: Duration::from_secs(24 * 3600),
            bcrypt_cost: 12,
            allowed_origins: Vec::new(),
            log: "info".into(),
            web_dir: None,
            registration: RegistrationMode::Open,
            register_burst: 10,
            register_global_burst: 500,
            register_window: Duration::from_secs(3600),
            gateway: GatewayConfig::default(),
            http: HttpConfig::default(),
        }
    }

    /// The database the server uses.
    pub fn database(&self) -> Result<Database, String> {
        let Some(url) = &self.database_url else {
            return Ok(Database::Sqlite(self.data_dir.join("chat.db")));
        };
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Database::Postgres(url.clone()));
        }
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .ok_or_else(|| {
                format!(
                    "unsupported database URL (expected sqlite://PATH or postgres://…): {}",
                    redact_url(url)
                )
            })?;
        let path = path.split('?').next().unwrap_or(path);
        if path.is_empty() {
            return Err("the database URL names no file".into());
        }
        Ok(Database::Sqlite(Path::new(path).to_path_buf()))
    }
}

/// Where the data lives.
#[derive(Clone, PartialEq, Eq)]
pub enum Database {
    /// An SQLite file (created if missing).
    Sqlite(PathBuf),
    /// A PostgreSQL server, by URL (which may hold a password: never log it whole).
    Postgres(String),
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_string())
    }
}

impl std::fmt::Display for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Sqlite(path) => write!(f, "sqlite://{}", path.display()),
            Self::Postgres(url) => f.write_str(&redact_url(url)),
        }
    }
}

/// A URL with any password replaced, for logs and error messages.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            format!("{}://…@{}", &url[..scheme], &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_accept_common_units() {
        assert_eq!(parse_duration("90"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("15m"), Ok(Duration::from_secs(900)));
        assert_eq!(parse_duration("24h"), Ok(Duration::from_secs(86_400)));
        assert_eq!(parse_duration("7d"), Ok(Duration::from_secs(604_800)));
        assert!(parse_duration("0").is_err());
        assert!(parse_duration("5y").is_err());
        assert!(parse_duration("soon").is_err());
    }

    #[test]
    fn secrets_do_not_show_in_debug_output() {
        let mut config = Config::with_data_dir("x");
        config.jwt_secret = Some(Secret::new("hunter2hunter2"));
        assert!(!format!("{config:?}").contains("hunter2"));
    }

    #[test]
    fn database_urls_name_a_backend() {
        let mut config = Config::with_data_dir("d");
        assert_eq!(
            config.database(),
            Ok(Database::Sqlite(PathBuf::from("d/chat.db")))
        );
        config.database_url = Some("sqlite:///tmp/x.db?mode=rwc".into());
        assert_eq!(
            config.database(),
            Ok(Database::Sqlite(PathBuf::from("/tmp/x.db")))
        );
        config.database_url = Some("postgres://u:pw@h/db".into());
        let db = config.database().expect("postgres");
        assert!(!db.to_string().contains("pw"), "{db}");
        config.database_url = Some("mysql://u:pw@h/db".into());
        let err = config.database().expect_err("not supported");
        assert!(!err.contains("pw"), "{err}");
    }
}
