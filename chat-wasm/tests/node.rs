//! The bindings as JavaScript sees them, run in Node by `wasm-bindgen-test-runner`:
//!
//! ```sh
//! CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
//!     cargo test -p chat-wasm --target wasm32-unknown-unknown
//! ```
//!
//! Validators, frame encoding and decoding, the errors promises reject with, and the
//! `ChatClient` refusing bad input without a server. The client against a real server is
//! covered by the browser end-to-end test (`chat-wasm/e2e/`).
#![cfg(target_arch = "wasm32")]

use chat_wasm::ChatClient;
use chat_wasm::frames::{decode_server_frame, encode_client_frame};
use chat_wasm::validate::{
    limits, normalize_emoji, search_emoji, validate_lobby_name, validate_message_content,
    validate_password, validate_username,
};
use js_sys::{JSON, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::wasm_bindgen_test;

const LOBBY: &str = "01937a4c-3b5e-7c2a-9f1e-2b3c4d5e6f71";

fn get(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &key.into()).expect("a property")
}

fn object(json: &str) -> JsValue {
    JSON::parse(json).expect("valid JSON")
}

/// The rejection of a promise.
async fn rejection(promise: js_sys::Promise) -> JsValue {
    match JsFuture::from(promise).await {
        Ok(value) => panic!("expected a rejection, got {value:?}"),
        Err(error) => error,
    }
}

#[wasm_bindgen_test]
fn validators_answer_the_servers_sentence_or_nothing() {
    assert_eq!(validate_username("alice"), None);
    assert_eq!(
        validate_username("al").as_deref(),
        Some("username must be at least 3 characters long")
    );
    assert_eq!(
        validate_password("short").as_deref(),
        Some("password must be at least 8 characters long")
    );
    assert!(validate_message_content("\u{1b}[2J").is_some());
    assert_eq!(validate_lobby_name(" general "), None);
}

#[wasm_bindgen_test]
fn limits_reach_javascript_as_an_object() {
    let limits = limits();
    assert_eq!(get(&get(&limits, "message_content"), "max"), 4000);
    assert_eq!(get(&get(&limits, "username"), "min"), 3);
}

#[wasm_bindgen_test]
fn client_frames_encode_from_plain_objects() {
    let frame = object(&format!(
        r#"{{"type":"message.send","conversation_id":"{LOBBY}","content":" hi ","nonce":"n-1"}}"#
    ));
    let text = encode_client_frame(frame).expect("a valid frame");
    let decoded = object(&text);
    assert_eq!(get(&decoded, "type"), "message.send");
    assert_eq!(get(&decoded, "content"), "hi");
}

#[wasm_bindgen_test]
fn invalid_client_frames_throw_chat_errors() {
    let error = encode_client_frame(object(r#"{"type":"typing","conversation_id":"nope"}"#))
        .expect_err("a bad id");
    assert!(error.is_instance_of::<js_sys::Error>());
    assert_eq!(get(&error, "code"), "bad_request");
    assert_eq!(get(&error, "status"), 400);
    let error = encode_client_frame(JsValue::UNDEFINED).expect_err("not an object");
    assert_eq!(get(&error, "code"), "bad_request");
}

#[wasm_bindgen_test]
fn server_frames_decode_to_objects() {
    let text = format!(
        r#"{{"type":"message.deleted","conversation_id":"{LOBBY}","seq":45,"message_id":"{LOBBY}","message_seq":31}}"#
    );
    let frame = decode_server_frame(&text).expect("a valid frame");
    assert_eq!(get(&frame, "type"), "message.deleted");
    assert_eq!(get(&frame, "seq"), 45);
    let error = decode_server_frame(r#"{"type":"message.deleted"}"#).expect_err("incomplete");
    assert_eq!(get(&error, "code"), "decode");
}

#[wasm_bindgen_test]
async fn registering_with_a_bad_username_rejects_like_the_server() {
    let client = ChatClient::new("http://127.0.0.1:9");
    let error = rejection(client.register("ab", "correct horse", None)).await;
    assert_eq!(get(&error, "code"), "validation_failed");
    assert_eq!(get(&error, "status"), 422);
    assert_eq!(get(&get(&error, "details"), "field"), "username");
    assert_eq!(
        get(&error, "message"),
        "username must be at least 3 characters long"
    );
}

#[wasm_bindgen_test]
async fn bad_ids_and_empty_messages_are_refused_before_sending() {
    let client = ChatClient::new("http://127.0.0.1:9");
    let error = rejection(client.lobby("42")).await;
    assert_eq!(get(&error, "code"), "bad_request");
    let error = rejection(client.send_lobby_message(LOBBY, "   ", None)).await;
    assert_eq!(get(&error, "code"), "validation_failed");
    assert_eq!(get(&get(&error, "details"), "field"), "content");
    let error = rejection(client.send_lobby_message(LOBBY, "hi", Some("nope".into()))).await;
    assert_eq!(get(&error, "code"), "bad_request");
    let error = rejection(client.react(LOBBY, "not an emoji")).await;
    assert_eq!(get(&error, "code"), "validation_failed");
    assert_eq!(get(&get(&error, "details"), "field"), "emoji");
    let error = rejection(client.pin("42")).await;
    assert_eq!(get(&error, "code"), "bad_request");
}

#[wasm_bindgen_test]
fn the_emoji_picker_searches_the_servers_emoji_data() {
    assert!(search_emoji("thumbs", 10).iter().any(|e| e == "👍"));
    assert_eq!(search_emoji("", 7).len(), 7);
    assert_eq!(normalize_emoji(":+1:").as_deref(), Some("👍"));
    assert_eq!(normalize_emoji("nope"), None);
}

#[wasm_bindgen_test]
async fn an_unreachable_server_rejects_with_a_network_error() {
    let client = ChatClient::new("http://127.0.0.1:9");
    client.set_token(Some("t".into()));
    let error = rejection(client.me()).await;
    assert_eq!(get(&error, "code"), "network");
    assert_eq!(get(&error, "status"), 0);
}

#[wasm_bindgen_test]
fn gateway_actions_need_a_connection() {
    let client = ChatClient::new("http://127.0.0.1:9");
    assert!(!client.connected());
    assert!(!client.typing(LOBBY).expect("a valid id"));
    let error = client.mark_read(LOBBY, 3.0).expect_err("not connected");
    assert_eq!(get(&error, "code"), "not_connected");
    assert!(client.typing("nope").is_err());
}

#[wasm_bindgen_test]
fn the_token_can_be_restored_and_forgotten() {
    let client = ChatClient::new("https://chat.example/");
    assert_eq!(client.base_url(), "https://chat.example");
    assert_eq!(client.token(), None);
    client.set_token(Some("abc".into()));
    assert_eq!(client.token().as_deref(), Some("abc"));
    client.set_token(None);
    assert_eq!(client.token(), None);
    let handler: js_sys::Function = js_sys::Function::new_no_args("");
    client.on("*", handler.clone());
    client.off("*", Some(handler));
}
