//! Microbenchmarks of chat-core's hot paths: the JSON of the frame every member receives for
//! every message, the frame every send arrives as, and the validation of every username and
//! message. Run with `cargo bench -p chat-bench --features criterion`.

use std::hint::black_box;

use chat_core::v1::{ClientFrame, MessageContent, ServerFrame, Username};
use criterion::{Criterion, criterion_group, criterion_main};

/// 100 characters: a typical chat line.
const TEXT_100: &str = "Meeting moved to 3pm tomorrow, same room. Bring the Q3 numbers and the draft roadmap, thanks, all!!!";

fn message_created_json() -> String {
    format!(
        r#"{{"type":"message.created","conversation_id":"01937a4c-3b5e-7c2a-9f1e-2b3c4d5e6f71","seq":43,"message":{{"id":"01937a4c-3b5e-7c2a-9f1e-2b3c4d5e6f72","conversation_id":"01937a4c-3b5e-7c2a-9f1e-2b3c4d5e6f71","seq":31,"author":{{"id":"01937a4c-3b5e-7c2a-9f1e-2b3c4d5e6f70","username":"alice","display_name":"Alice"}},"content":"{TEXT_100}","created_at":"2026-11-21T18:22:08.123Z","edited_at":null}}}}"#
    )
}

fn message_send_json() -> String {
    format!(
        r#"{{"type":"message.send","conversation_id":"01937a4c-3b5e-7c2a-9f1e-2b3c4d5e6f71","content":"{TEXT_100}","nonce":"8f0e2a1c-4b7d-4e3a-9c6b-1d2e3f4a5b6c"}}"#
    )
}

fn frames(c: &mut Criterion) {
    let created_json = message_created_json();
    let created: ServerFrame =
        serde_json::from_str(&created_json).expect("the message.created fixture is a valid frame");
    let send_json = message_send_json();
    serde_json::from_str::<ClientFrame>(&send_json)
        .expect("the message.send fixture is a valid frame");

    c.bench_function("ServerFrame::MessageCreated encode", |b| {
        b.iter(|| serde_json::to_string(black_box(&created)))
    });
    c.bench_function("ServerFrame::MessageCreated decode", |b| {
        b.iter(|| serde_json::from_str::<ServerFrame>(black_box(&created_json)))
    });
    c.bench_function("ClientFrame::MessageSend decode", |b| {
        b.iter(|| serde_json::from_str::<ClientFrame>(black_box(&send_json)))
    });
}

fn validation(c: &mut Criterion) {
    let long: String = TEXT_100.chars().cycle().take(MessageContent::MAX).collect();
    assert_eq!(
        TEXT_100.chars().count(),
        100,
        "the short text is 100 characters"
    );

    c.bench_function("Username::parse", |b| {
        b.iter(|| Username::parse(black_box("alice_in_chains")))
    });
    c.bench_function("MessageContent::parse 100 chars", |b| {
        b.iter(|| MessageContent::parse(black_box(TEXT_100)))
    });
    c.bench_function("MessageContent::parse 4000 chars", |b| {
        b.iter(|| MessageContent::parse(black_box(&long)))
    });
}

criterion_group!(benches, frames, validation);
criterion_main!(benches);
