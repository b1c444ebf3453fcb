//! `spawn_app()` and typed request helpers.

use std::ops::Deref;

use chat_core::v1::{AuthResponse, ErrorBody, ErrorCode, Lobby, Message, UserId};
use chat_server::Config;
use chat_server::testkit::TestServer;
pub use chat_server::testkit::{POSTGRES_VAR, TestDatabase};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// A running server with its own database (the test kit's [`TestServer`], whose `addr`,
/// `dir` and `database_url` it derefs to) and an HTTP client for it.
pub struct TestApp {
    pub client: reqwest::Client,
    server: TestServer,
}

impl Deref for TestApp {
    type Target = TestServer;

    fn deref(&self) -> &TestServer {
        &self.server
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
    TestApp {
        client: reqwest::Client::new(),
        server: TestServer::spawn_with(configure).await,
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
