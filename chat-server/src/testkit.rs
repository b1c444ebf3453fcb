//! The test kit (feature `test-util`): a server running in the test's process with test
//! settings and a database of its own.
//!
//! Every crate's integration tests start servers through [`TestServer`]; their own helper
//! files keep only what is specific to them (typed requests, signed-in SDK clients, the CLI
//! command). Dev-dependency: `chat-server = { workspace = true, features = ["test-util"] }`.

use std::net::SocketAddr;
use std::path::Path;

use tempfile::TempDir;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::config::Secret;
use crate::{Config, Server, StartupError};

/// The JWT secret of [`test_config`]: fixed, so that runs are reproducible.
pub const TEST_JWT_SECRET: &str = "test-secret-test-secret-test-secret!";

/// The variable that runs tests against PostgreSQL: the URL of a server and a database to
/// connect to for creating one fresh database per test (`postgres://postgres@127.0.0.1/postgres`).
pub const POSTGRES_VAR: &str = "CHAT_TEST_DATABASE_URL";

/// The settings tests share: cheap bcrypt (cost 4), a fixed JWT secret, and rate limits
/// raised out of the way (tests send and register in bursts; the limits themselves are tested
/// with their own settings). The database is the default SQLite file in `data_dir`.
pub fn test_config(data_dir: &Path) -> Config {
    let mut config = Config::with_data_dir(data_dir);
    config.bcrypt_cost = 4;
    config.jwt_secret = Some(Secret::new(TEST_JWT_SECRET));
    config.gateway.send_burst = 100_000;
    config.gateway.action_burst = 100_000;
    config.register_burst = 100_000;
    config.register_global_burst = 100_000;
    config
}

/// One test's database: an SQLite file in the test's directory, or, when [`POSTGRES_VAR`]
/// is set, a fresh PostgreSQL database dropped when this value is.
pub struct TestDatabase {
    /// The URL to give the server (`CHAT_DATABASE_URL`).
    pub url: String,
    postgres: Option<(String, String)>,
}

impl TestDatabase {
    /// Creates the database for a test whose directory is `dir`.
    ///
    /// # Panics
    ///
    /// When [`POSTGRES_VAR`] is set and the database cannot be created.
    pub async fn create(dir: &Path) -> Self {
        let Some(admin_url) = std::env::var(POSTGRES_VAR).ok().filter(|u| !u.is_empty()) else {
            return Self {
                url: format!("sqlite://{}", dir.join("chat.db").display()),
                postgres: None,
            };
        };
        use sqlx::Connection;
        let name = format!("chat_test_{}", uuid::Uuid::now_v7().simple());
        let mut conn = sqlx::PgConnection::connect(&admin_url)
            .await
            .expect("connect to the test PostgreSQL server");
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut conn)
            .await
            .expect("create the test database");
        let base = admin_url
            .rsplit_once('/')
            .map_or(admin_url.as_str(), |(base, _)| base);
        Self {
            url: format!("{base}/{name}"),
            postgres: Some((admin_url, name)),
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Some((admin_url, name)) = self.postgres.take() else {
            return;
        };
        // Drop is synchronous; a thread with its own runtime does the async work.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async {
                use sqlx::Connection;
                if let Ok(mut conn) = sqlx::PgConnection::connect(&admin_url).await {
                    let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                        "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                    )))
                    .execute(&mut conn)
                    .await;
                }
            });
        });
        let _ = dropped.join();
    }
}

/// A server running on the current Tokio runtime, on a free port of 127.0.0.1, with its own
/// data directory and [`TestDatabase`]. Dropping it stops the server, then drops the
/// database, then removes the directory.
pub struct TestServer {
    /// Where the server listens.
    pub addr: SocketAddr,
    /// The database URL the server uses.
    pub database_url: String,
    // Fields drop in order: the server stops before its database is dropped and its
    // directory removed.
    stop: oneshot::Sender<()>,
    task: JoinHandle<Result<(), StartupError>>,
    database: TestDatabase,
    /// The server's data directory (`Config::data_dir`).
    pub dir: TempDir,
}

impl TestServer {
    /// Starts a server with [`test_config`].
    pub async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    /// Starts a server with [`test_config`] changed by `configure`.
    ///
    /// # Panics
    ///
    /// When the server does not start.
    pub async fn spawn_with(configure: impl FnOnce(&mut Config)) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let database = TestDatabase::create(dir.path()).await;
        let mut config = test_config(dir.path());
        config.database_url = Some(database.url.clone());
        configure(&mut config);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let server = Server::with_listener(listener, config)
            .await
            .expect("server starts");
        let addr = server.local_addr();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(server.run(async {
            let _ = stopped.await;
        }));
        Self {
            addr,
            database_url: database.url.clone(),
            stop,
            task,
            database,
            dir,
        }
    }

    /// The server's base URL, `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The gateway's URL, `ws://127.0.0.1:PORT/api/v1/ws`.
    pub fn ws_url(&self) -> String {
        format!("ws://{}/api/v1/ws", self.addr)
    }

    /// The server's data directory.
    pub fn data_dir(&self) -> &Path {
        self.dir.path()
    }

    /// Stops the server gracefully and waits until it has, then drops its database.
    ///
    /// # Panics
    ///
    /// When the server failed.
    pub async fn stop(self) {
        let Self {
            stop,
            task,
            database,
            dir,
            ..
        } = self;
        drop(stop);
        task.await.expect("server task").expect("server ran");
        drop(database);
        drop(dir);
    }
}
