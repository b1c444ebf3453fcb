//! PATCH bodies cannot change what a client does not own: author, conversation, ids, seqs,
//! roles, admin flags, timestamps. Every PATCH body type refuses unknown fields, so each such
//! field is answered `422 validation_failed` naming the field, and the resource is unchanged
//! (compared field by field through its GET route, before and after).

use chat_core::v1::ErrorCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};

/// One PATCH route: where to send, where to read the resource back, a valid body to which
/// the forbidden fields are added, and the fields that must not be settable.
struct PatchRoute {
    patch: String,
    get: String,
    valid: Value,
    forbidden: Vec<(&'static str, Value)>,
}

async fn routes(app: &TestApp) -> (String, Vec<PatchRoute>) {
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let lobby = app.create_lobby(&alice, "general", "public").await;
    let other = app.create_lobby(&bob, "elsewhere", "public").await;
    app.join(&bob, &lobby).await;
    let message = app.say(&alice, &lobby, "original").await;
    let dm = app.say_to(&alice, &bob, "direct").await;
    let routes = vec![
        PatchRoute {
            patch: "/api/v1/users/me".into(),
            get: "/api/v1/users/me".into(),
            valid: json!({"display_name": "Alice"}),
            forbidden: vec![
                ("id", json!(bob.id)),
                ("username", json!("mallory")),
                ("is_admin", json!(false)),
                ("role", json!("admin")),
                ("created_at", json!("2020-01-01T00:00:00Z")),
                ("disabled", json!(true)),
            ],
        },
        PatchRoute {
            patch: format!("/api/v1/lobbies/{}", lobby.id),
            get: format!("/api/v1/lobbies/{}", lobby.id),
            valid: json!({"name": "renamed"}),
            forbidden: vec![
                ("id", json!(other.id)),
                ("created_by", json!(bob.id)),
                ("created_at", json!("2020-01-01T00:00:00Z")),
                ("member_count", json!(99)),
                ("last_seq", json!(99)),
                ("membership", json!({"role": "member"})),
                ("role", json!("member")),
            ],
        },
        PatchRoute {
            patch: format!("/api/v1/lobbies/{}/members/{}", lobby.id, bob.id),
            get: format!("/api/v1/lobbies/{}/members/{}", lobby.id, bob.id),
            valid: json!({"role": "member"}),
            forbidden: vec![
                ("user_id", json!(alice.id)),
                ("user", json!({"id": alice.id})),
                ("lobby_id", json!(other.id)),
                ("conversation_id", json!(other.id)),
                ("joined_at", json!("2020-01-01T00:00:00Z")),
            ],
        },
        PatchRoute {
            patch: format!("/api/v1/messages/{}", message.id),
            get: format!("/api/v1/lobbies/{}/messages/{}", lobby.id, message.id),
            valid: json!({"content": "edited"}),
            forbidden: vec![
                ("id", json!(dm.id)),
                ("author", json!({"id": bob.id})),
                ("author_id", json!(bob.id)),
                ("conversation_id", json!(other.id)),
                ("lobby_id", json!(other.id)),
                ("seq", json!(7)),
                ("created_at", json!("2020-01-01T00:00:00Z")),
                ("edited_at", json!(null)),
            ],
        },
    ];
    (alice.token, routes)
}

#[tokio::test]
async fn patch_bodies_refuse_author_conversation_id_seq_and_role_fields() {
    let app = spawn_app().await;
    let (token, routes) = routes(&app).await;
    for route in routes {
        let before: Value = app.get(&route.get, &token).await.expect(200);
        for (field, value) in &route.forbidden {
            let mut body = route.valid.clone();
            body[*field] = value.clone();
            let error = app
                .patch(&route.patch, &token, body)
                .await
                .assert_error(ErrorCode::ValidationFailed);
            assert!(
                error.error.message.contains(field),
                "PATCH {} with `{field}`: {}",
                route.patch,
                error.error.message
            );
            // Only the field alone, without a valid change beside it.
            app.patch(&route.patch, &token, json!({ *field: value }))
                .await
                .assert_error(ErrorCode::ValidationFailed);
        }
        let after: Value = app.get(&route.get, &token).await.expect(200);
        assert_eq!(before, after, "PATCH {} changed the resource", route.patch);
        // The valid body alone is accepted: the refusals above were for the extra field.
        app.patch(&route.patch, &token, route.valid.clone())
            .await
            .assert_status(200);
    }
}
