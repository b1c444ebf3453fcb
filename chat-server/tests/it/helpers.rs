//! `spawn_app()` and typed request helpers.

use std::net::SocketAddr;

use chat_core::v1::{AuthResponse, ErrorBody, ErrorCode, Lobby, Message, UserId};
use chat_server::config::Secret;
use chat_server::{Config, Server};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use tokio::sync::oneshot;

/// A running server with its own database.
pub struct TestApp {
    pub addr: SocketAddr,
    pub client: reqwest::Client,
    pub dir: tempfile::TempDir,
    /// The database URL the server uses.
    pub database_url: String,
    // Fields drop in order: the server stops before its database is dropped.
    _stop: oneshot::Sender<()>,
    _database: TestDatabase,
}

/// The variable that runs the suite against PostgreSQL: the URL of a server and a database
/// to connect to for creating one fresh database per test (`postgres://postgres@127.0.0.1/postgres`).
pub const POSTGRES_VAR: &str = "CHAT_TEST_DATABASE_URL";

/// One test's database: an SQLite file in the test's directory, or, when
/// [`POSTGRES_VAR`] is set, a fresh PostgreSQL database dropped when the test ends.
pub struct TestDatabase {
    pub url: String,
    postgres: Option<(String, String)>,
}

impl TestDatabase {
    pub async fn create(dir: &std::path::Path) -> Self {
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

/// A registered user.
#[derive(Clone)]
pub struct TestUser {
    pub id: UserId,
    pub token: String,
}

/// A response, with its body read.
pub struct Reply {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    /// The body as `T`, panicking with the body text when it is not.
    #[track_caller]
    pub fn json<T: DeserializeOwned>(&self) -> T {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "{e}: status {} body {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    /// Asserts the status and decodes the body.
    #[track_caller]
    pub fn expect<T: DeserializeOwned>(&self, status: u16) -> T {
        self.assert_status(status);
        self.json()
    }

    #[track_caller]
    pub fn assert_status(&self, status: u16) {
        assert_eq!(
            self.status.as_u16(),
            status,
            "unexpected status; body: {}",
            String::from_utf8_lossy(&self.body)
        );
    }

    /// Asserts an error response: status and code agree with chat-core's table.
    #[track_caller]
    pub fn assert_error(&self, code: ErrorCode) -> ErrorBody {
        let body: ErrorBody = self.json();
        assert_eq!(
            body.error.code,
            code,
            "body: {}",
            String::from_utf8_lossy(&self.body)
        );
        assert_eq!(
            self.status.as_u16(),
            code.http_status(),
            "status for {code}"
        );
        body
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

pub async fn spawn_app_with(configure: impl FnOnce(&mut Config)) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let database = TestDatabase::create(dir.path()).await;
    let mut config = Config::with_data_dir(dir.path());
    config.database_url = Some(database.url.clone());
    config.bcrypt_cost = 4;
    // Tests send in bursts; the limit itself is tested with its own settings.
    config.gateway.send_burst = 100_000;
    config.jwt_secret = Some(Secret::new("test-secret-test-secret-test-secret!"));
    configure(&mut config);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let server = Server::with_listener(listener, config)
        .await
        .expect("server starts");
    let addr = server.local_addr();
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(server.run(async {
        let _ = stopped.await;
    }));
    TestApp {
        addr,
        client: reqwest::Client::new(),
        dir,
        database_url: database.url.clone(),
        _stop: stop,
        _database: database,
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// Sends a request with an optional token and JSON body.
    pub async fn request(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Reply {
        let mut request = self.client.request(method, self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await.expect("request sent");
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.bytes().await.expect("body read").to_vec();
        Reply {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&self, path: &str, token: &str) -> Reply {
        self.request(Method::GET, path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> Reply {
        self.request(Method::POST, path, Some(token), Some(&body))
            .await
    }

    pub async fn patch(&self, path: &str, token: &str, body: Value) -> Reply {
        self.request(Method::PATCH, path, Some(token), Some(&body))
            .await
    }

    pub async fn put(&self, path: &str, token: &str, body: Option<Value>) -> Reply {
        self.request(Method::PUT, path, Some(token), body.as_ref())
            .await
    }

    pub async fn delete(&self, path: &str, token: &str) -> Reply {
        self.request(Method::DELETE, path, Some(token), None).await
    }

    pub async fn register(&self, username: &str) -> TestUser {
        let reply = self
            .request(
                Method::POST,
                "/api/v1/auth/register",
                None,
                Some(&json!({"username": username, "password": "correct horse"})),
            )
            .await;
        let auth: AuthResponse = reply.expect(201);
        TestUser {
            id: auth.user.id,
            token: auth.token,
        }
    }

    pub async fn login(&self, username: &str, password: &str) -> Reply {
        self.request(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(&json!({"username": username, "password": password})),
        )
        .await
    }

    pub async fn create_lobby(&self, owner: &TestUser, name: &str, visibility: &str) -> Lobby {
        self.post(
            "/api/v1/lobbies",
            &owner.token,
            json!({"name": name, "visibility": visibility}),
        )
        .await
        .expect(201)
    }

    pub async fn join(&self, user: &TestUser, lobby: &Lobby) {
        self.post(
            &format!("/api/v1/lobbies/{}/join", lobby.id),
            &user.token,
            json!({}),
        )
        .await
        .assert_status(200);
    }

    /// `POST /lobbies/{id}/leave`; the caller asserts the answer.
    pub async fn leave(&self, user: &TestUser, lobby: &Lobby) -> Reply {
        self.post(
            &format!("/api/v1/lobbies/{}/leave", lobby.id),
            &user.token,
            json!({}),
        )
        .await
    }

    pub async fn add_member(&self, admin: &TestUser, lobby: &Lobby, user: &TestUser) {
        self.put(
            &format!("/api/v1/lobbies/{}/members/{}", lobby.id, user.id),
            &admin.token,
            None,
        )
        .await
        .assert_status(201);
    }

    pub async fn say(&self, user: &TestUser, lobby: &Lobby, content: &str) -> Message {
        self.post(
            &format!("/api/v1/lobbies/{}/messages", lobby.id),
            &user.token,
            json!({"content": content}),
        )
        .await
        .expect(201)
    }

    /// Sends a direct message, which opens the chat between the two users if needed.
    pub async fn say_to(&self, from: &TestUser, to: &TestUser, content: &str) -> Message {
        self.post(
            &format!("/api/v1/users/{}/messages", to.id),
            &from.token,
            json!({"content": content}),
        )
        .await
        .expect(201)
    }

    /// A connection to the test's database, to check what is stored (SQL with `$N`
    /// placeholders runs on both backends).
    pub async fn db(&self) -> sqlx::AnyPool {
        sqlx::any::install_default_drivers();
        sqlx::AnyPool::connect(&self.database_url)
            .await
            .expect("open db")
    }
}
