//! Registration, login, logout, tokens and login throttling.

use chat_core::v1::{Account, AuthResponse, ErrorCode};
use reqwest::Method;
use serde_json::json;

use crate::helpers::{spawn_app, spawn_app_with};

#[tokio::test]
async fn registering_returns_the_account_and_a_working_token() {
    let app = spawn_app().await;
    let reply = app
        .request(
            Method::POST,
            "/api/v1/auth/register",
            None,
            Some(&json!({
                "username": "Alice",
                "password": "correct horse",
                "email": "alice@example.com",
                "display_name": "Alice L."
            })),
        )
        .await;
    let auth: AuthResponse = reply.expect(201);
    assert_eq!(auth.user.username.as_str(), "alice");
    assert_eq!(auth.user.display_name.as_str(), "Alice L.");
    assert_eq!(
        auth.user.email.as_ref().map(|e| e.as_str()),
        Some("alice@example.com")
    );

    let me: Account = app.get("/api/v1/users/me", &auth.token).await.expect(200);
    assert_eq!(me, auth.user);
}

#[tokio::test]
async fn usernames_are_unique_regardless_of_case() {
    let app = spawn_app().await;
    app.register("alice").await;
    let reply = app
        .request(
            Method::POST,
            "/api/v1/auth/register",
            None,
            Some(&json!({"username": "ALICE", "password": "another pass"})),
        )
        .await;
    reply.assert_error(ErrorCode::Conflict);
}

#[tokio::test]
async fn invalid_registrations_name_the_field() {
    let app = spawn_app().await;
    let cases = [
        (
            json!({"username": "al", "password": "correct horse"}),
            "username",
        ),
        (
            json!({"username": "al ice", "password": "correct horse"}),
            "username",
        ),
        (
            json!({"username": "alice", "password": "short"}),
            "password",
        ),
        (
            json!({"username": "alice", "password": "p".repeat(73)}),
            "password",
        ),
        (
            json!({"username": "alice", "password": "correct horse", "email": "nope"}),
            "email",
        ),
        (
            json!({"username": "alice", "password": "correct horse", "display_name": " "}),
            "display_name",
        ),
        (
            json!({"username": "alice", "password": "correct horse", "is_admin": true}),
            "",
        ),
        (json!({"password": "correct horse"}), ""),
        // Reserved by mentions, in any case.
        (
            json!({"username": "Here", "password": "correct horse"}),
            "username",
        ),
        (
            json!({"username": "everyone", "password": "correct horse"}),
            "username",
        ),
        (
            json!({"username": "all", "password": "correct horse"}),
            "username",
        ),
        // `@bob.` is bob at the end of a sentence: a name may not end so.
        (
            json!({"username": "bob.", "password": "correct horse"}),
            "username",
        ),
    ];
    for (body, field) in cases {
        let reply = app
            .request(Method::POST, "/api/v1/auth/register", None, Some(&body))
            .await;
        let error = reply.assert_error(ErrorCode::ValidationFailed);
        if !field.is_empty() {
            assert_eq!(error.error.details, Some(json!({"field": field})), "{body}");
        }
    }
    // Nothing was half-written: the name is still free.
    app.register("alice").await;
}

#[tokio::test]
async fn login_accepts_the_right_password_in_any_username_case() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let auth: AuthResponse = app.login("ALICE", "correct horse").await.expect(200);
    assert_eq!(auth.user.id, alice.id);
    app.get("/api/v1/users/me", &auth.token)
        .await
        .assert_status(200);
}

#[tokio::test]
async fn an_unknown_user_is_answered_exactly_like_a_wrong_password() {
    let app = spawn_app().await;
    app.register("alice").await;
    let wrong = app.login("alice", "wrong password").await;
    let unknown = app.login("nobody", "wrong password").await;
    let impossible = app.login("no such user!", "wrong password").await;
    wrong.assert_error(ErrorCode::Unauthorized);
    assert_eq!(wrong.body, unknown.body);
    assert_eq!(wrong.body, impossible.body);
    assert_eq!(unknown.status, impossible.status);
}

#[tokio::test]
async fn logout_revokes_the_token() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    // Used first, so the server has seen it active.
    app.get("/api/v1/users/me", &alice.token)
        .await
        .assert_status(200);
    app.post("/api/v1/auth/logout", &alice.token, json!({}))
        .await
        .assert_status(204);
    app.get("/api/v1/users/me", &alice.token)
        .await
        .assert_error(ErrorCode::Unauthorized);
}

#[tokio::test]
async fn missing_malformed_and_forged_tokens_are_refused() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    app.request(Method::GET, "/api/v1/users/me", None, None)
        .await
        .assert_error(ErrorCode::Unauthorized);
    app.get("/api/v1/users/me", "not-a-jwt")
        .await
        .assert_error(ErrorCode::Unauthorized);

    // The same claims, unsigned (`alg: none`).
    let mut parts = alice.token.split('.');
    let (_, payload) = (parts.next(), parts.next().expect("payload"));
    let none_header = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0";
    app.get("/api/v1/users/me", &format!("{none_header}.{payload}."))
        .await
        .assert_error(ErrorCode::Unauthorized);

    // A tampered signature.
    let mut forged = alice.token.clone();
    let last = forged.pop().expect("non-empty");
    forged.push(if last == 'A' { 'B' } else { 'A' });
    app.get("/api/v1/users/me", &forged)
        .await
        .assert_error(ErrorCode::Unauthorized);
}

#[tokio::test]
async fn tokens_of_another_server_secret_are_refused() {
    let app = spawn_app().await;
    let other = spawn_app_with(|c| {
        c.jwt_secret = Some(chat_server::config::Secret::new(
            "a-completely-different-secret-value",
        ));
    })
    .await;
    let stranger = other.register("alice").await;
    app.register("alice").await;
    app.get("/api/v1/users/me", &stranger.token)
        .await
        .assert_error(ErrorCode::Unauthorized);
}

#[tokio::test]
async fn five_failures_lock_out_a_username_from_one_address_until_the_window_passes() {
    let app = spawn_app().await;
    app.register("alice").await;
    for _ in 0..5 {
        app.login("alice", "wrong password")
            .await
            .assert_error(ErrorCode::Unauthorized);
    }
    // Even the right password is refused now, with a time to wait.
    let locked = app.login("alice", "correct horse").await;
    let body = locked.assert_error(ErrorCode::RateLimited);
    let retry_after: u64 = locked.headers["retry-after"]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("seconds");
    assert!((1..=900).contains(&retry_after), "{retry_after}");
    assert!(
        body.error
            .details
            .is_some_and(|d| d["retry_after_ms"].as_u64().is_some())
    );
    // Another username from the same address is not affected.
    app.register("bob").await;
    app.login("bob", "correct horse").await.assert_status(200);
}

#[tokio::test]
async fn concurrent_guesses_verify_no_more_passwords_than_the_limit() {
    // Attempts are reserved before bcrypt runs, so a burst of guesses that all arrive before
    // the first failure is recorded still gets only five passwords checked (before the fix,
    // every one of them was verified).
    let app = spawn_app().await;
    app.register("alice").await;
    let attempts = (0..60).map(|_| app.login("alice", "wrong password"));
    let replies = futures_util::future::join_all(attempts).await;
    let verified = replies.iter().filter(|r| r.status != 429).count();
    assert_eq!(verified, 5, "every answer but 429 is a verified password");
    for reply in replies.iter().filter(|r| r.status != 429) {
        reply.assert_error(ErrorCode::Unauthorized);
    }
    for reply in replies.iter().filter(|r| r.status == 429) {
        reply.assert_error(ErrorCode::RateLimited);
    }
    // The right password, guessed sixth, is never checked.
    app.login("alice", "correct horse")
        .await
        .assert_error(ErrorCode::RateLimited);
}

#[tokio::test]
async fn a_successful_login_clears_the_failure_count() {
    let app = spawn_app().await;
    app.register("alice").await;
    for _ in 0..4 {
        app.login("alice", "wrong password")
            .await
            .assert_error(ErrorCode::Unauthorized);
    }
    app.login("alice", "correct horse").await.assert_status(200);
    for _ in 0..4 {
        app.login("alice", "wrong password")
            .await
            .assert_error(ErrorCode::Unauthorized);
    }
    app.login("alice", "correct horse").await.assert_status(200);
}

#[tokio::test]
async fn twenty_failures_from_one_address_throttle_every_username() {
    let app = spawn_app().await;
    app.register("alice").await;
    for i in 0..20 {
        app.login(&format!("user{i}"), "wrong password")
            .await
            .assert_error(ErrorCode::Unauthorized);
    }
    app.login("alice", "correct horse")
        .await
        .assert_error(ErrorCode::RateLimited);
}

#[tokio::test]
async fn a_hundred_failures_for_one_username_from_anywhere_throttle_it() {
    let app = spawn_app().await;
    app.register("alice").await;
    // 25 addresses × 4 failures: under the per-address limits, 100 for the username.
    for host in 2..27u8 {
        let client = reqwest::Client::builder()
            .local_address(std::net::IpAddr::from([127, 0, 0, host]))
            .build()
            .expect("client");
        for _ in 0..4 {
            let status = client
                .post(app.url("/api/v1/auth/login"))
                .json(&json!({"username": "alice", "password": "wrong password"}))
                .send()
                .await
                .expect("sent")
                .status();
            assert_eq!(status, 401);
        }
    }
    app.login("alice", "correct horse")
        .await
        .assert_error(ErrorCode::RateLimited);
}

#[tokio::test]
async fn a_store_shared_with_other_nodes_asks_the_database_about_every_session() {
    use chat_server::store::Store;
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let session = uuid::Uuid::now_v7();
    let far_future = i64::MAX / 2;
    // Three stores on one database, as three processes would be: one alone (it may cache),
    // one told that it shares the database (cluster mode), and the node that revokes.
    let alone = Store::connect(&app.database_url).await.expect("store");
    let mut shared = Store::connect(&app.database_url).await.expect("store");
    shared.share_sessions();
    let other = Store::connect(&app.database_url).await.expect("store");
    other
        .create_session(session, alice.id, far_future)
        .await
        .expect("created");
    for store in [&alone, &shared] {
        assert!(
            store
                .session_is_active(session, alice.id)
                .await
                .expect("read")
        );
    }
    other.revoke_session(session).await.expect("revoked");
    assert!(
        !shared
            .session_is_active(session, alice.id)
            .await
            .expect("read")
    );
    // The hazard that `share_sessions` exists for: a store that believes it owns its SQLite
    // database keeps a session another process revoked (PostgreSQL never caches).
    let cached = alone
        .session_is_active(session, alice.id)
        .await
        .expect("read");
    assert_eq!(cached, app.database_url.starts_with("sqlite"));
}

#[tokio::test]
async fn registrations_are_limited_per_address_and_for_the_whole_server() {
    // Before the limit, 64 anonymous clients created 282 accounts in 40 s and took the
    // bcrypt threads from logins.
    let app = spawn_app_with(|config| {
        config.register_burst = 3;
        config.register_global_burst = 5;
        config.register_window = std::time::Duration::from_secs(3600);
    })
    .await;
    let from = |host: u8| {
        reqwest::Client::builder()
            .local_address(std::net::IpAddr::from([127, 0, 0, host]))
            .build()
            .expect("client")
    };
    let register = |client: reqwest::Client, name: String| {
        let url = app.url("/api/v1/auth/register");
        async move {
            client
                .post(url)
                .json(&json!({"username": name, "password": "correct horse"}))
                .send()
                .await
                .expect("sent")
        }
    };
    for i in 0..3 {
        assert_eq!(register(from(1), format!("one{i}")).await.status(), 201);
    }
    let refused = register(from(1), "one3".into()).await;
    assert_eq!(refused.status(), 429);
    assert!(refused.headers().contains_key("retry-after"));
    // Another address has its own budget, until the server's is spent (5 in all).
    for i in 0..2 {
        assert_eq!(register(from(2), format!("two{i}")).await.status(), 201);
    }
    assert_eq!(register(from(3), "three".into()).await.status(), 429);
    // Logging in is not a registration.
    app.login("one0", "correct horse").await.assert_status(200);
}
