//! Health, the OpenAPI document, the docs page and the error catcher.

use chat_core::v1::ErrorCode;
use reqwest::Method;

use crate::helpers::spawn_app;

#[tokio::test]
async fn healthz_answers_ok() {
    let app = spawn_app().await;
    let reply = app.request(Method::GET, "/healthz", None, None).await;
    let body: serde_json::Value = reply.expect(200);
    assert_eq!(body["status"], "ok");
}

#[tokio::test]
async fn the_openapi_document_lists_every_route() {
    let app = spawn_app().await;
    let doc: serde_json::Value = app
        .request(Method::GET, "/api/openapi.json", None, None)
        .await
        .expect(200);
    assert_eq!(doc["openapi"], "3.1.0");
    let expected = [
        ("post", "/api/v1/auth/register"),
        ("post", "/api/v1/auth/login"),
        ("post", "/api/v1/auth/logout"),
        ("get", "/api/v1/users/me"),
        ("patch", "/api/v1/users/me"),
        ("delete", "/api/v1/users/me"),
        ("get", "/api/v1/users"),
        ("get", "/api/v1/users/{user_id}"),
        ("post", "/api/v1/users/{user_id}/messages"),
        ("post", "/api/v1/lobbies"),
        ("get", "/api/v1/lobbies"),
        ("get", "/api/v1/lobbies/community"),
        ("get", "/api/v1/lobbies/{lobby_id}"),
        ("patch", "/api/v1/lobbies/{lobby_id}"),
        ("delete", "/api/v1/lobbies/{lobby_id}"),
        ("post", "/api/v1/lobbies/{lobby_id}/join"),
        ("post", "/api/v1/lobbies/{lobby_id}/leave"),
        ("get", "/api/v1/lobbies/{lobby_id}/members"),
        ("get", "/api/v1/lobbies/{lobby_id}/members/{user_id}"),
        ("put", "/api/v1/lobbies/{lobby_id}/members/{user_id}"),
        ("patch", "/api/v1/lobbies/{lobby_id}/members/{user_id}"),
        ("delete", "/api/v1/lobbies/{lobby_id}/members/{user_id}"),
        ("post", "/api/v1/lobbies/{lobby_id}/messages"),
        ("get", "/api/v1/lobbies/{lobby_id}/messages"),
        ("get", "/api/v1/lobbies/{lobby_id}/messages/{message_id}"),
        ("patch", "/api/v1/messages/{message_id}"),
        ("delete", "/api/v1/messages/{message_id}"),
        ("post", "/api/v1/chats"),
        ("get", "/api/v1/chats"),
        ("get", "/api/v1/chats/{chat_id}"),
        ("delete", "/api/v1/chats/{chat_id}"),
        ("post", "/api/v1/chats/{chat_id}/messages"),
        ("get", "/api/v1/chats/{chat_id}/messages"),
        ("post", "/api/v1/lobbies/{lobby_id}/read"),
        ("post", "/api/v1/chats/{chat_id}/read"),
    ];
    for (method, path) in expected {
        let operation = &doc["paths"][path][method];
        assert!(
            operation.is_object(),
            "{method} {path} is missing from the OpenAPI document"
        );
        assert!(
            operation["responses"]["422"].is_object() || method == "get",
            "{method} {path} documents no validation error"
        );
    }
    let secured = &doc["paths"]["/api/v1/lobbies"]["post"]["security"];
    assert!(
        secured.is_array(),
        "authenticated routes declare the bearer scheme"
    );
    assert!(doc["paths"]["/api/v1/auth/login"]["post"]["security"].is_null());
}

#[tokio::test]
async fn the_docs_page_is_served() {
    let app = spawn_app().await;
    let reply = app.request(Method::GET, "/docs/", None, None).await;
    reply.assert_status(200);
    assert!(String::from_utf8_lossy(&reply.body).contains("swagger"));
}

#[tokio::test]
async fn unknown_routes_and_methods_get_json_errors() {
    let app = spawn_app().await;
    let reply = app
        .request(Method::GET, "/api/v1/nothing-here", None, None)
        .await;
    reply.assert_error(ErrorCode::NotFound);
    let reply = app
        .request(Method::DELETE, "/api/v1/lobbies", None, None)
        .await;
    reply.assert_error(ErrorCode::MethodNotAllowed);
}

#[tokio::test]
async fn api_responses_carry_security_headers() {
    let app = spawn_app().await;
    let reply = app
        .request(Method::GET, "/api/v1/users/me", None, None)
        .await;
    assert_eq!(reply.headers["x-content-type-options"], "nosniff");
    assert_eq!(reply.headers["cache-control"], "no-store");
    assert!(
        reply.headers["content-security-policy"]
            .to_str()
            .is_ok_and(|v| v.contains("default-src 'none'"))
    );
}

#[tokio::test]
async fn cors_allows_only_configured_origins() {
    let app = crate::helpers::spawn_app_with(|c| {
        c.allowed_origins = vec!["https://chat.example".into()];
    })
    .await;
    let preflight = |origin: &'static str| {
        app.client
            .request(Method::OPTIONS, app.url("/api/v1/lobbies"))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "authorization, content-type",
            )
            .send()
    };
    let allowed = preflight("https://chat.example").await.expect("sent");
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "https://chat.example"
    );
    let refused = preflight("https://evil.example").await.expect("sent");
    assert!(
        refused
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
}

#[cfg(unix)]
#[tokio::test]
async fn a_generated_jwt_secret_is_kept_private_in_the_data_directory() {
    use std::os::unix::fs::PermissionsExt;
    let app = crate::helpers::spawn_app_with(|c| c.jwt_secret = None).await;
    let path = app.dir.path().join("jwt_secret");
    let mode = std::fs::metadata(&path)
        .expect("secret file")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    let secret = std::fs::read_to_string(&path).expect("readable");
    assert_eq!(secret.trim().len(), 64, "256 bits in hex");
    // Tokens signed with it work.
    app.register("alice").await;
}

#[tokio::test]
async fn the_binary_raises_its_open_files_soft_limit_to_the_hard_limit() {
    let dir = tempfile::tempdir().expect("temp dir");
    let database = crate::helpers::TestDatabase::create(dir.path()).await;
    let server =
        crate::process::ServerProcess::start_with_open_files(dir.path(), &database.url, 256);
    let limits = std::fs::read_to_string(format!("/proc/{}/limits", server.pid()))
        .expect("the server's limits");
    let line = limits
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .expect("an open files line");
    let numbers: Vec<&str> = line.split_whitespace().skip(3).take(2).collect();
    assert_eq!(numbers.len(), 2, "{line}");
    assert_ne!(numbers[0], "256", "the soft limit was raised: {line}");
    assert_eq!(numbers[0], numbers[1], "soft = hard: {line}");
}
