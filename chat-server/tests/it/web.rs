//! The browser client at `/`: the built-in files, their headers, `--web-dir`, and the
//! WebSocket as the page opens it (its own origin, token in the `auth` frame).

use chat_core::v1::{ClientFrame, ServerFrame};
use reqwest::Method;

use crate::helpers::{spawn_app, spawn_app_with};

#[tokio::test]
async fn the_page_is_served_at_the_root_under_a_strict_policy() {
    let app = spawn_app().await;
    let reply = app.request(Method::GET, "/", None, None).await;
    reply.assert_status(200);
    assert_eq!(reply.headers["content-type"], "text/html; charset=utf-8");
    assert_eq!(reply.headers["x-content-type-options"], "nosniff");
    let csp = reply.headers["content-security-policy"]
        .to_str()
        .expect("ascii");
    for directive in [
        "default-src 'self'",
        "script-src 'self' 'wasm-unsafe-eval'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(directive), "{directive} missing from {csp}");
    }
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    let page = String::from_utf8(reply.body).expect("utf-8");
    assert!(page.contains(r#"<script type="module" src="app.js">"#));
}

#[tokio::test]
async fn the_bundle_and_assets_have_their_content_types() {
    let app = spawn_app().await;
    for (path, content_type) in [
        ("/app.js", "text/javascript; charset=utf-8"),
        ("/style.css", "text/css; charset=utf-8"),
        ("/pkg/chat_wasm.js", "text/javascript; charset=utf-8"),
        ("/pkg/chat_wasm_bg.wasm", "application/wasm"),
    ] {
        let reply = app.request(Method::GET, path, None, None).await;
        reply.assert_status(200);
        assert_eq!(reply.headers["content-type"], content_type, "{path}");
        assert!(reply.headers.contains_key("content-security-policy"));
    }
    let wasm = app
        .request(Method::GET, "/pkg/chat_wasm_bg.wasm", None, None)
        .await;
    assert!(wasm.body.starts_with(b"\0asm"));
}

#[tokio::test]
async fn a_known_version_is_answered_not_modified() {
    let app = spawn_app().await;
    let first = app.request(Method::GET, "/app.js", None, None).await;
    let etag = first.headers["etag"].clone();
    assert_eq!(first.headers["cache-control"], "no-cache");
    let again = app
        .client
        .get(app.url("/app.js"))
        .header("if-none-match", etag)
        .send()
        .await
        .expect("request sent");
    assert_eq!(again.status().as_u16(), 304);
}

#[tokio::test]
async fn other_paths_stay_json_errors() {
    let app = spawn_app().await;
    for path in ["/nope", "/pkg/other.js", "/../Cargo.toml", "/index.html/x"] {
        let reply = app.request(Method::GET, path, None, None).await;
        reply.assert_status(404);
        assert_eq!(
            reply.headers["content-type"],
            "application/json; charset=utf-8"
        );
    }
}

#[tokio::test]
async fn a_web_directory_replaces_the_built_in_files() {
    let web = tempfile::tempdir().expect("temp dir");
    std::fs::write(web.path().join("index.html"), "<p>custom</p>").expect("write");
    let dir = web.path().to_path_buf();
    let app = spawn_app_with(move |c| c.web_dir = Some(dir)).await;
    let page = app.request(Method::GET, "/", None, None).await;
    page.assert_status(200);
    assert_eq!(page.body, b"<p>custom</p>");
    // A file missing from the directory is missing, not taken from the built-in copy.
    let missing = app.request(Method::GET, "/app.js", None, None).await;
    missing.assert_status(404);
}

#[tokio::test]
async fn the_page_opens_the_gateway_from_its_own_origin_with_an_auth_frame() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let own = format!("http://{}", app.addr);
    let mut ws = app
        .ws_with(None, Some(&own))
        .await
        .expect("same-origin upgrade");
    ws.send(&ClientFrame::Auth {
        token: alice.token.clone(),
        resume: None,
    })
    .await;
    assert!(matches!(ws.next_frame().await, ServerFrame::Ready { .. }));
    assert_eq!(
        app.ws_with(None, Some("http://evil.example")).await.err(),
        Some(403),
        "cross-site upgrades stay refused"
    );
}
