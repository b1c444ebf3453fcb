//! Avatars and lobby icons: each accepted format, and every way an upload can be bad.

use std::io::Cursor;

use chat_core::v1::ErrorCode;
use image::{DynamicImage, ImageFormat, RgbImage};
use reqwest::Method;

use crate::helpers::{Reply, TestApp, spawn_app};

fn encoded(format: ImageFormat, width: u32, height: u32) -> Vec<u8> {
    let image = DynamicImage::ImageRgb8(RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
    }));
    let mut out = Cursor::new(Vec::new());
    image.write_to(&mut out, format).expect("encodes");
    out.into_inner()
}

async fn put(app: &TestApp, path: &str, token: &str, body: Vec<u8>, content_type: &str) -> Reply {
    let response = app
        .client
        .put(app.url(path))
        .bearer_auth(token)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .expect("sent");
    Reply {
        status: response.status(),
        headers: response.headers().clone(),
        body: response.bytes().await.expect("body").to_vec(),
    }
}

#[tokio::test]
async fn every_accepted_format_becomes_a_256_pixel_png_served_with_caching_headers() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    for format in [
        ImageFormat::Png,
        ImageFormat::Jpeg,
        ImageFormat::Gif,
        ImageFormat::WebP,
    ] {
        // The declared type is ignored: the bytes decide.
        put(
            &app,
            "/api/v1/users/me/avatar",
            &alice.token,
            encoded(format, 640, 480),
            "application/octet-stream",
        )
        .await
        .assert_status(204);
        let reply = app
            .request(
                Method::GET,
                &format!("/api/v1/users/{}/avatar", alice.id),
                None,
                None,
            )
            .await;
        reply.assert_status(200);
        assert_eq!(reply.headers["content-type"], "image/png");
        assert_eq!(reply.headers["x-content-type-options"], "nosniff");
        assert!(
            reply.headers["cache-control"]
                .to_str()
                .expect("ascii")
                .contains("max-age")
        );
        let stored =
            image::load_from_memory_with_format(&reply.body, ImageFormat::Png).expect("a PNG");
        assert_eq!((stored.width(), stored.height()), (256, 256), "{format:?}");
        // Revalidation answers 304.
        let etag = reply.headers["etag"].clone();
        let again = app
            .client
            .get(app.url(&format!("/api/v1/users/{}/avatar", alice.id)))
            .header("if-none-match", etag)
            .send()
            .await
            .expect("sent");
        assert_eq!(again.status(), 304);
    }
}

#[tokio::test]
async fn without_an_upload_every_user_and_lobby_has_a_stable_generated_picture() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let picture = |path: String| {
        let app = &app;
        async move {
            let reply = app.request(Method::GET, &path, None, None).await;
            reply.assert_status(200);
            assert_eq!(reply.headers["content-type"], "image/png");
            let decoded =
                image::load_from_memory_with_format(&reply.body, ImageFormat::Png).expect("png");
            assert_eq!((decoded.width(), decoded.height()), (256, 256));
            reply.body
        }
    };
    let alice_avatar = format!("/api/v1/users/{}/avatar", alice.id);
    let generated = picture(alice_avatar.clone()).await;
    assert_eq!(picture(alice_avatar.clone()).await, generated);
    assert_ne!(
        picture(format!("/api/v1/users/{}/avatar", bob.id)).await,
        generated
    );
    // An upload replaces it; removing the upload brings it back. Removing twice is fine.
    put(
        &app,
        "/api/v1/users/me/avatar",
        &alice.token,
        encoded(ImageFormat::Png, 64, 64),
        "image/png",
    )
    .await
    .assert_status(204);
    assert_ne!(picture(alice_avatar.clone()).await, generated);
    for _ in 0..2 {
        app.delete("/api/v1/users/me/avatar", &alice.token)
            .await
            .assert_status(204);
    }
    assert_eq!(picture(alice_avatar).await, generated);
    // Nobody's picture for an id that is nobody.
    app.request(
        Method::GET,
        "/api/v1/users/01a23235-6dfd-718e-b135-2e1b17b49729/avatar",
        None,
        None,
    )
    .await
    .assert_error(ErrorCode::NotFound);

    let lobby = app.create_lobby(&alice, "open", "public").await;
    let icon = format!("/api/v1/lobbies/{}/icon", lobby.id);
    let generated_icon = picture(icon.clone()).await;
    app.delete(&icon, &alice.token).await.assert_status(204);
    assert_eq!(picture(icon).await, generated_icon);
}

#[tokio::test]
async fn bad_uploads_are_refused_and_leave_the_old_avatar_in_place() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    put(
        &app,
        "/api/v1/users/me/avatar",
        &alice.token,
        encoded(ImageFormat::Png, 64, 64),
        "image/png",
    )
    .await
    .assert_status(204);
    let before = app
        .request(
            Method::GET,
            &format!("/api/v1/users/{}/avatar", alice.id),
            None,
            None,
        )
        .await
        .body;

    // Not an image, whatever the header says.
    put(
        &app,
        "/api/v1/users/me/avatar",
        &alice.token,
        b"<svg onload=alert(1)>".to_vec(),
        "image/png",
    )
    .await
    .assert_error(ErrorCode::UnsupportedMediaType);
    // Truncated: the right magic bytes, then garbage.
    let mut broken = encoded(ImageFormat::Png, 64, 64);
    broken.truncate(40);
    put(
        &app,
        "/api/v1/users/me/avatar",
        &alice.token,
        broken,
        "image/png",
    )
    .await
    .assert_error(ErrorCode::ValidationFailed);
    // A decompression bomb: tiny on the wire, 5000×5000 pixels once decoded.
    let bomb = {
        let image = DynamicImage::ImageLuma8(image::GrayImage::new(5000, 5000));
        let mut out = Cursor::new(Vec::new());
        image.write_to(&mut out, ImageFormat::Png).expect("encodes");
        out.into_inner()
    };
    assert!(
        bomb.len() < 2 * 1024 * 1024,
        "the bomb fits under the size limit"
    );
    put(
        &app,
        "/api/v1/users/me/avatar",
        &alice.token,
        bomb,
        "image/png",
    )
    .await
    .assert_error(ErrorCode::ValidationFailed);
    // Over 2 MiB.
    let mut huge = encoded(ImageFormat::Png, 8, 8);
    huge.resize(3 * 1024 * 1024, 0);
    put(
        &app,
        "/api/v1/users/me/avatar",
        &alice.token,
        huge,
        "image/png",
    )
    .await
    .assert_error(ErrorCode::PayloadTooLarge);

    let after = app
        .request(
            Method::GET,
            &format!("/api/v1/users/{}/avatar", alice.id),
            None,
            None,
        )
        .await
        .body;
    assert_eq!(before, after, "nothing half-written");
}

#[tokio::test]
async fn lobby_icons_are_set_by_admins_and_hidden_with_private_lobbies() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let eve = app.register("eve").await;
    let secret = app.create_lobby(&alice, "secret", "private").await;
    app.add_member(&alice, &secret, &bob).await;
    let path = format!("/api/v1/lobbies/{}/icon", secret.id);
    put(
        &app,
        &path,
        &bob.token,
        encoded(ImageFormat::Png, 32, 32),
        "image/png",
    )
    .await
    .assert_error(ErrorCode::Forbidden);
    put(
        &app,
        &path,
        &alice.token,
        encoded(ImageFormat::Jpeg, 32, 32),
        "image/jpeg",
    )
    .await
    .assert_status(204);
    app.get(&path, &bob.token).await.assert_status(200);
    app.get(&path, &eve.token)
        .await
        .assert_error(ErrorCode::NotFound);
    app.request(Method::GET, &path, None, None)
        .await
        .assert_error(ErrorCode::NotFound);

    let public = app.create_lobby(&alice, "open", "public").await;
    let public_path = format!("/api/v1/lobbies/{}/icon", public.id);
    put(
        &app,
        &public_path,
        &alice.token,
        encoded(ImageFormat::Gif, 32, 32),
        "image/gif",
    )
    .await
    .assert_status(204);
    app.request(Method::GET, &public_path, None, None)
        .await
        .assert_status(200);
    app.delete(&public_path, &bob.token)
        .await
        .assert_error(ErrorCode::Forbidden);
    app.delete(&public_path, &alice.token)
        .await
        .assert_status(204);
}

#[tokio::test]
async fn a_lobby_that_goes_with_its_last_members_account_takes_its_icon_file_along() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let lobby = app.create_lobby(&alice, "solo", "public").await;
    put(
        &app,
        &format!("/api/v1/lobbies/{}/icon", lobby.id),
        &alice.token,
        encoded(ImageFormat::Png, 32, 32),
        "image/png",
    )
    .await
    .assert_status(204);
    let file = app
        .dir
        .path()
        .join("lobby-icons")
        .join(format!("{}.png", lobby.id));
    assert!(file.exists(), "{file:?}");
    app.delete("/api/v1/users/me", &alice.token)
        .await
        .assert_status(204);
    assert!(!file.exists(), "{file:?}");
}

/// A PNG of zeros: a few hundred KiB on the wire, `width × height × channels × bytes`
/// in memory once decoded.
fn zeros_png(side: u32, sixteen_bit: bool) -> Vec<u8> {
    let image = if sixteen_bit {
        DynamicImage::ImageRgba16(image::ImageBuffer::new(side, side))
    } else {
        DynamicImage::ImageRgba8(image::ImageBuffer::new(side, side))
    };
    let mut out = Cursor::new(Vec::new());
    image.write_to(&mut out, ImageFormat::Png).expect("encodes");
    out.into_inner()
}

#[tokio::test]
async fn an_image_that_would_decode_to_more_than_the_budget_is_refused_before_decoding() {
    // 4096×4096 at 16 bits per RGBA channel: 128 KiB compressed, 128 MiB decoded.
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let body = put(
        &app,
        "/api/v1/users/me/avatar",
        &alice.token,
        zeros_png(4096, true),
        "image/png",
    )
    .await
    .assert_error(ErrorCode::ValidationFailed);
    assert!(body.error.message.contains("too large"), "{body:?}");
}

#[tokio::test]
async fn image_uploads_are_rate_limited_per_user() {
    let app = crate::helpers::spawn_app_with(|config| {
        config.http.upload_burst = 3;
        config.http.upload_window = std::time::Duration::from_secs(3600);
    })
    .await;
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    for _ in 0..3 {
        put(
            &app,
            "/api/v1/users/me/avatar",
            &alice.token,
            encoded(ImageFormat::Png, 32, 32),
            "image/png",
        )
        .await
        .assert_status(204);
    }
    let refused = put(
        &app,
        "/api/v1/users/me/avatar",
        &alice.token,
        encoded(ImageFormat::Png, 32, 32),
        "image/png",
    )
    .await;
    refused.assert_error(ErrorCode::RateLimited);
    assert!(refused.headers.contains_key("retry-after"));
    // Another user has a budget of their own.
    put(
        &app,
        "/api/v1/users/me/avatar",
        &bob.token,
        encoded(ImageFormat::Png, 32, 32),
        "image/png",
    )
    .await
    .assert_status(204);
}

/// The peak resident memory of a process, in KiB.
fn peak_rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("status");
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|kib| kib.parse().ok())
        .expect("VmHWM")
}

#[tokio::test]
async fn concurrent_image_uploads_decode_a_few_at_a_time_in_bounded_memory() {
    // 24 users each upload a 4096×4096 RGBA image at once: 64 MiB each when decoded. Without
    // a bound on concurrent decodes the server's peak grows by well over a GiB; with one
    // decode per core it stays within a few hundred MiB.
    let dir = tempfile::tempdir().expect("temp dir");
    let database = crate::helpers::TestDatabase::create(dir.path()).await;
    let server = crate::process::ServerProcess::start(
        dir.path(),
        &database.url,
        &[("CHAT_UPLOAD_BURST", "1000")],
    );
    let client = reqwest::Client::new();
    let mut tokens = Vec::new();
    for i in 0..24 {
        let auth: chat_core::v1::AuthResponse = client
            .post(format!("{}/api/v1/auth/register", server.url))
            .json(&serde_json::json!({"username": format!("user{i}"), "password": "correct horse"}))
            .send()
            .await
            .expect("register")
            .json()
            .await
            .expect("auth");
        tokens.push(auth.token);
    }
    let image = zeros_png(4096, false);
    let before = peak_rss_kib(server.pid());
    let uploads = tokens.iter().map(|token| {
        client
            .put(format!("{}/api/v1/users/me/avatar", server.url))
            .bearer_auth(token)
            .header("content-type", "image/png")
            .body(image.clone())
            .send()
    });
    for reply in futures_util::future::join_all(uploads).await {
        assert_eq!(reply.expect("sent").status(), 204);
    }
    let grown_mib = (peak_rss_kib(server.pid()) - before) / 1024;
    assert!(
        grown_mib < 600,
        "peak memory grew by {grown_mib} MiB during the uploads"
    );
}

#[tokio::test]
async fn uploads_are_documented_as_binary_image_bodies_and_refused_as_images() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let doc: serde_json::Value = app
        .client
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    for (path, method) in [
        ("/api/v1/users/me/avatar", "put"),
        ("/api/v1/lobbies/{lobby_id}/icon", "put"),
    ] {
        let body = &doc["paths"][path][method]["requestBody"];
        assert_eq!(body["required"], true, "{path}");
        assert_eq!(
            body["content"]["image/png"]["schema"]["format"], "binary",
            "{path}: {body}"
        );
    }
    // Declared as an image, but not one: the answer talks about images, not JSON.
    let refused = put(
        &app,
        "/api/v1/users/me/avatar",
        &alice.token,
        b"hello".to_vec(),
        "image/png",
    )
    .await
    .assert_error(ErrorCode::UnsupportedMediaType);
    assert!(
        refused.error.message.contains("image") && !refused.error.message.contains("JSON"),
        "{}",
        refused.error.message
    );
}
