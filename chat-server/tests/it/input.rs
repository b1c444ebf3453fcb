//! Bad input: every malformed, oversized or rule-breaking request gets its documented 4xx
//! and leaves nothing half-written.

use chat_core::v1::{ErrorCode, MessagePage};
use reqwest::Method;
use serde_json::json;

use crate::helpers::spawn_app;

async fn raw_post(
    app: &crate::helpers::TestApp,
    path: &str,
    token: &str,
    content_type: Option<&str>,
    body: Vec<u8>,
) -> crate::helpers::Reply {
    let mut request = app.client.post(app.url(path)).bearer_auth(token).body(body);
    if let Some(content_type) = content_type {
        request = request.header("content-type", content_type);
    }
    let response = request.send().await.expect("sent");
    crate::helpers::Reply {
        status: response.status(),
        headers: response.headers().clone(),
        body: response.bytes().await.expect("body").to_vec(),
    }
}

#[tokio::test]
async fn malformed_bodies_are_bad_requests_and_wrong_shapes_fail_validation() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let path = "/api/v1/lobbies";
    let json = Some("application/json");
    let cases: Vec<(Option<&str>, Vec<u8>, ErrorCode)> = vec![
        (json, b"{\"name\":".to_vec(), ErrorCode::BadRequest),
        (
            json,
            b"{\"name\": \"a\"} trailing".to_vec(),
            ErrorCode::BadRequest,
        ),
        (json, vec![b'"', 0xff, 0xfe, b'"'], ErrorCode::BadRequest),
        (json, b"".to_vec(), ErrorCode::BadRequest),
        (
            json,
            format!("{}1{}", "[".repeat(200), "]".repeat(200)).into_bytes(),
            ErrorCode::ValidationFailed,
        ),
        (
            json,
            format!("{{\"name\": {}1{}}}", "[".repeat(5000), "]".repeat(5000)).into_bytes(),
            ErrorCode::ValidationFailed,
        ),
        (json, b"{\"name\": 5}".to_vec(), ErrorCode::ValidationFailed),
        (json, b"[]".to_vec(), ErrorCode::ValidationFailed),
        (
            json,
            b"{\"name\": \"a\", \"owner\": \"me\"}".to_vec(),
            ErrorCode::ValidationFailed,
        ),
        (
            json,
            b"{\"name\": \"a\", \"visibility\": \"hidden\"}".to_vec(),
            ErrorCode::ValidationFailed,
        ),
        (
            None,
            b"{\"name\": \"a\"}".to_vec(),
            ErrorCode::UnsupportedMediaType,
        ),
        (
            Some("text/plain"),
            b"{\"name\": \"a\"}".to_vec(),
            ErrorCode::UnsupportedMediaType,
        ),
    ];
    for (content_type, body, code) in cases {
        let shown = String::from_utf8_lossy(&body)
            .chars()
            .take(40)
            .collect::<String>();
        let reply = raw_post(&app, path, &alice.token, content_type, body).await;
        assert_eq!(
            reply.status.as_u16(),
            code.http_status(),
            "{content_type:?} {shown}"
        );
        reply.assert_error(code);
    }
    let mine: chat_core::v1::LobbyList = app.get(path, &alice.token).await.expect(200);
    assert!(mine.items.is_empty(), "nothing was created");
}

#[tokio::test]
async fn every_validation_error_names_its_field_without_parser_positions() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let json = Some("application/json");
    // (path, token, body, field): a missing field, a wrong type, an unknown field.
    let cases: &[(&str, Option<&str>, &str, &str)] = &[
        (
            "/api/v1/auth/register",
            None,
            r#"{"username":"zed"}"#,
            "password",
        ),
        (
            "/api/v1/auth/register",
            None,
            r#"{"password":"correct horse"}"#,
            "username",
        ),
        (
            "/api/v1/lobbies",
            Some(&alice.token),
            r#"{"name": 5}"#,
            "name",
        ),
        (
            "/api/v1/lobbies",
            Some(&alice.token),
            r#"{"name": "a", "owner": "me"}"#,
            "owner",
        ),
        ("/api/v1/lobbies", Some(&alice.token), r#"{}"#, "name"),
    ];
    for (path, token, body, field) in cases {
        let reply = match token {
            Some(token) => raw_post(&app, path, token, json, body.as_bytes().to_vec()).await,
            None => {
                let response = app
                    .client
                    .post(app.url(path))
                    .header("content-type", "application/json")
                    .body(body.to_string())
                    .send()
                    .await
                    .expect("sent");
                crate::helpers::Reply {
                    status: response.status(),
                    headers: response.headers().clone(),
                    body: response.bytes().await.expect("body").to_vec(),
                }
            }
        };
        let error = reply.assert_error(ErrorCode::ValidationFailed);
        assert_eq!(
            error.error.details.as_ref().map(|d| d["field"].clone()),
            Some(serde_json::Value::from(*field)),
            "{path} {body}: {error:?}"
        );
        assert!(
            !error.error.message.contains("line") && !error.error.message.contains("column"),
            "{}",
            error.error.message
        );
    }
}

#[tokio::test]
async fn bodies_over_64_kib_are_refused_and_nothing_is_stored() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let lobby = app.create_lobby(&alice, "general", "public").await;
    let body = serde_json::to_vec(&json!({"content": "x".repeat(70 * 1024)})).expect("json");
    let reply = raw_post(
        &app,
        &format!("/api/v1/lobbies/{}/messages", lobby.id),
        &alice.token,
        Some("application/json"),
        body,
    )
    .await;
    reply.assert_error(ErrorCode::PayloadTooLarge);
    let page: MessagePage = app
        .get(
            &format!("/api/v1/lobbies/{}/messages", lobby.id),
            &alice.token,
        )
        .await
        .expect(200);
    assert!(page.items.is_empty());
}

#[tokio::test]
async fn message_content_limits_and_characters_are_enforced() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let lobby = app.create_lobby(&alice, "general", "public").await;
    let path = format!("/api/v1/lobbies/{}/messages", lobby.id);
    for bad in ["", "   \n\t ", "bell\u{7}", "esc\u{1b}[31m", "nul\u{0}"] {
        app.post(&path, &alice.token, json!({"content": bad}))
            .await
            .assert_error(ErrorCode::ValidationFailed);
    }
    app.post(&path, &alice.token, json!({"content": "🦀".repeat(4001)}))
        .await
        .assert_error(ErrorCode::ValidationFailed);
    app.post(&path, &alice.token, json!({"content": "🦀".repeat(4000)}))
        .await
        .assert_status(201);
    let tricky = "\u{200f}שלום 👩\u{200d}💻 e\u{301}\nline two\ttabbed";
    let message: chat_core::v1::Message = app
        .post(&path, &alice.token, json!({"content": tricky}))
        .await
        .expect(201);
    assert_eq!(message.content.as_str(), tricky);
}

#[tokio::test]
async fn bad_query_parameters_fail_validation() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let lobby = app.create_lobby(&alice, "general", "public").await;
    let other = app.create_lobby(&alice, "other", "public").await;
    let elsewhere = app.say(&alice, &other, "elsewhere").await;
    let base = format!("/api/v1/lobbies/{}/messages", lobby.id);
    let id = elsewhere.id;
    for query in [
        "limit=0".to_owned(),
        "limit=101".to_owned(),
        "limit=abc".to_owned(),
        "limit=99999999999999999999".to_owned(),
        "before=nope".to_owned(),
        format!("before={id}&after={id}"),
        format!("before={id}"),
        "surprise=1".to_owned(),
    ] {
        app.get(&format!("{base}?{query}"), &alice.token)
            .await
            .assert_error(ErrorCode::ValidationFailed);
    }
    app.get(&format!("/api/v1/users?q={}", "q".repeat(65)), &alice.token)
        .await
        .assert_error(ErrorCode::ValidationFailed);
}

#[tokio::test]
async fn malformed_ids_in_paths_are_bad_requests() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    // A segment that is not even id-shaped (hex digits and dashes) names no route.
    for path in ["/api/v1/lobbies/not-an-id/messages", "/api/v1/users/alice"] {
        app.request(Method::GET, path, Some(&alice.token), None)
            .await
            .assert_error(ErrorCode::NotFound);
    }
    for path in [
        "/api/v1/lobbies/123",
        "/api/v1/lobbies/0123-4567/messages",
        "/api/v1/users/abc",
        "/api/v1/chats/%00",
        "/api/v1/lobbies/01937a4c3b5e7c2a9f1e2b3c4d5e6f70",
    ] {
        app.request(Method::GET, path, Some(&alice.token), None)
            .await
            .assert_error(ErrorCode::BadRequest);
    }
    app.patch(
        "/api/v1/messages/zzz",
        &alice.token,
        json!({"content": "x"}),
    )
    .await
    .assert_error(ErrorCode::BadRequest);
}

#[tokio::test]
async fn an_authorization_header_without_bearer_is_unauthorized() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let reply = app
        .client
        .get(app.url("/api/v1/users/me"))
        .header("authorization", format!("Basic {}", alice.token))
        .send()
        .await
        .expect("sent");
    assert_eq!(reply.status(), 401);
}

#[tokio::test]
async fn a_body_of_exactly_64_kib_is_read_and_one_byte_more_is_refused() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let lobby = app.create_lobby(&alice, "general", "public").await;
    let path = format!("/api/v1/lobbies/{}/messages", lobby.id);
    // Valid JSON padded with white space to the exact size.
    let padded = |size: usize| {
        let head = br#"{"content": "at the limit""#.to_vec();
        let mut body = head.clone();
        body.resize(size - 1, b' ');
        body.push(b'}');
        body
    };
    let at = raw_post(
        &app,
        &path,
        &alice.token,
        Some("application/json"),
        padded(64 * 1024),
    )
    .await;
    at.assert_status(201);
    let past = raw_post(
        &app,
        &path,
        &alice.token,
        Some("application/json"),
        padded(64 * 1024 + 1),
    )
    .await;
    past.assert_error(ErrorCode::PayloadTooLarge);
    let page: MessagePage = app.get(&path, &alice.token).await.expect(200);
    assert_eq!(page.items.len(), 1, "only the body at the limit was stored");
}

#[tokio::test]
async fn huge_negative_and_fractional_numbers_are_refused() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let lobby = app.create_lobby(&alice, "general", "public").await;
    app.say(&alice, &lobby, "one").await;
    let path = format!("/api/v1/lobbies/{}/read", lobby.id);
    // (body, code): a number JSON itself cannot hold is malformed JSON; one of the wrong kind
    // for the field fails validation.
    let cases: &[(&str, ErrorCode)] = &[
        (r#"{"seq": 1e400}"#, ErrorCode::BadRequest),
        (r#"{"seq": -1e400}"#, ErrorCode::BadRequest),
        (
            r#"{"seq": 18446744073709551616}"#,
            ErrorCode::ValidationFailed,
        ),
        (
            r#"{"seq": 99999999999999999999999999999999999999999}"#,
            ErrorCode::ValidationFailed,
        ),
        (r#"{"seq": -1}"#, ErrorCode::ValidationFailed),
        (r#"{"seq": 1.5}"#, ErrorCode::ValidationFailed),
        (r#"{"seq": "1"}"#, ErrorCode::ValidationFailed),
        (r#"{"seq": NaN}"#, ErrorCode::BadRequest),
    ];
    for (body, code) in cases {
        let reply = raw_post(
            &app,
            &path,
            &alice.token,
            Some("application/json"),
            body.as_bytes().to_vec(),
        )
        .await;
        assert_eq!(reply.status.as_u16(), code.http_status(), "{body}");
        reply.assert_error(*code);
    }
    // The largest seq (2^53 - 1, exact in every JSON reader) is accepted (clamped to the
    // newest message); one more is refused, and nothing else moved the cursor.
    let reply = raw_post(
        &app,
        &path,
        &alice.token,
        Some("application/json"),
        br#"{"seq": 9007199254740991}"#.to_vec(),
    )
    .await;
    assert!(reply.status.is_success(), "{}", reply.status);
    for past in ["9007199254740992", "18446744073709551615"] {
        let reply = raw_post(
            &app,
            &path,
            &alice.token,
            Some("application/json"),
            format!(r#"{{"seq": {past}}}"#).into_bytes(),
        )
        .await;
        reply.assert_error(ErrorCode::ValidationFailed);
    }
    // JSON Schema's integers include integral floats, and so does the server.
    let reply = raw_post(
        &app,
        &path,
        &alice.token,
        Some("application/json"),
        br#"{"seq": 1.0}"#.to_vec(),
    )
    .await;
    assert!(reply.status.is_success(), "{}", reply.status);
}

#[tokio::test]
async fn deeply_nested_json_is_refused_on_every_body_route() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let lobby = app.create_lobby(&alice, "general", "public").await;
    let message = app.say(&alice, &lobby, "hello").await;
    let nested = |depth: usize| format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
    let routes = [
        (Method::POST, "/api/v1/auth/register".to_owned(), "username"),
        (Method::POST, "/api/v1/auth/login".to_owned(), "username"),
        (Method::PATCH, "/api/v1/users/me".to_owned(), "display_name"),
        (Method::POST, "/api/v1/lobbies".to_owned(), "name"),
        (
            Method::PATCH,
            format!("/api/v1/lobbies/{}", lobby.id),
            "name",
        ),
        (
            Method::PUT,
            format!("/api/v1/lobbies/{}/members/{}", lobby.id, bob.id),
            "role",
        ),
        (
            Method::POST,
            format!("/api/v1/lobbies/{}/messages", lobby.id),
            "content",
        ),
        (
            Method::PATCH,
            format!("/api/v1/messages/{}", message.id),
            "content",
        ),
        (
            Method::POST,
            format!("/api/v1/lobbies/{}/read", lobby.id),
            "seq",
        ),
        (Method::POST, "/api/v1/chats".to_owned(), "user_id"),
        (Method::POST, "/api/v1/tokens".to_owned(), "name"),
    ];
    for (method, path, field) in routes {
        for body in [
            nested(10_000),
            format!("{{\"{field}\": {}}}", nested(10_000)),
            format!(
                "{{\"{field}\": {}}}",
                "{\"a\":".repeat(10_000) + "1" + &"}".repeat(10_000)
            ),
        ] {
            let response = app
                .client
                .request(method.clone(), app.url(&path))
                .bearer_auth(&alice.token)
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .expect("sent");
            let status = response.status().as_u16();
            assert!(status == 400 || status == 422, "{method} {path}: {status}");
        }
    }
    let lobbies: chat_core::v1::LobbyList =
        app.get("/api/v1/lobbies", &alice.token).await.expect(200);
    assert_eq!(lobbies.items.len(), 1, "nothing was created");
}

#[tokio::test]
async fn oversized_headers_are_refused_before_any_handler() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    // A token far longer than any real one is just an invalid token.
    let long = "x".repeat(16 * 1024);
    app.request(Method::GET, "/api/v1/users/me", Some(&long), None)
        .await
        .assert_error(ErrorCode::Unauthorized);
    // Past hyper's header buffer the request is refused as a whole, with 431.
    let huge = "x".repeat(1024 * 1024);
    let response = app
        .client
        .get(app.url("/api/v1/users/me"))
        .bearer_auth(&alice.token)
        .header("x-padding", huge)
        .send()
        .await;
    match response {
        Ok(response) => assert_eq!(response.status(), 431),
        // hyper may close the connection before the client has written everything.
        Err(e) => assert!(e.is_request() || e.is_connect(), "{e}"),
    }
    // The server is unharmed.
    app.get("/api/v1/users/me", &alice.token)
        .await
        .assert_status(200);
}
