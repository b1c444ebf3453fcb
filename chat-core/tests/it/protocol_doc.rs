//! Every JSON example in `docs/PROTOCOL.md` decodes into chat-core's frame types and encodes
//! back to the same JSON, and every frame type has an example.

use std::collections::BTreeSet;

use chat_core::v1::{ClientFrame, ServerFrame};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

const DOC: &str = include_str!("../../../docs/PROTOCOL.md");

/// The (info string, body) of every fenced code block.
fn code_blocks(doc: &str) -> Vec<(&str, String)> {
    let mut blocks = Vec::new();
    let mut current: Option<(&str, String)> = None;
    for line in doc.lines() {
        match (&mut current, line.strip_prefix("```")) {
            (None, Some(info)) => current = Some((info.trim(), String::new())),
            (Some(_), Some(_)) => blocks.extend(current.take()),
            (Some((_, body)), None) => {
                body.push_str(line);
                body.push('\n');
            }
            (None, None) => {}
        }
    }
    blocks
}

fn round_trip<T: Serialize + DeserializeOwned>(json: &str) -> String {
    let expected: Value =
        serde_json::from_str(json).unwrap_or_else(|e| panic!("not JSON: {e}\n{json}"));
    let frame: T =
        serde_json::from_str(json).unwrap_or_else(|e| panic!("does not decode: {e}\n{json}"));
    let encoded = serde_json::to_value(&frame).expect("encodes");
    assert_eq!(encoded, expected, "does not encode back to the example");
    expected["type"].as_str().expect("a type").to_owned()
}

#[test]
fn every_example_in_the_protocol_doc_is_a_valid_frame() {
    let mut client = BTreeSet::new();
    let mut server = BTreeSet::new();
    for (info, body) in code_blocks(DOC) {
        match info {
            "json client" => client.insert(round_trip::<ClientFrame>(&body)),
            "json server" => server.insert(round_trip::<ServerFrame>(&body)),
            other => panic!("untagged code block `{other}` in PROTOCOL.md"),
        };
    }
    let client_types = [
        "auth",
        "resume",
        "message.send",
        "message.edit",
        "message.delete",
        "reaction.add",
        "reaction.remove",
        "message.pin",
        "message.unpin",
        "typing",
        "read",
        "lobby.join",
        "lobby.leave",
        "call.invite",
        "call.answer",
        "call.ice",
        "call.reject",
        "call.end",
        "ping",
    ];
    let server_types = [
        "ready",
        "resumed",
        "resync_required",
        "ack",
        "error",
        "pong",
        "message.created",
        "message.updated",
        "message.deleted",
        "reaction.added",
        "reaction.removed",
        "message.pinned",
        "message.unpinned",
        "member.joined",
        "member.left",
        "member.removed",
        "member.updated",
        "lobby.updated",
        "lobby.deleted",
        "chat.deleted",
        "presence",
        "typing",
        "read",
        "call.invite",
        "call.answer",
        "call.ice",
        "call.reject",
        "call.end",
        "call.unavailable",
    ];
    assert_eq!(
        client,
        client_types.iter().map(|t| t.to_string()).collect(),
        "client frames documented"
    );
    assert_eq!(
        server,
        server_types.iter().map(|t| t.to_string()).collect(),
        "server frames documented"
    );
}

#[test]
fn unknown_or_malformed_frames_are_refused() {
    assert!(serde_json::from_str::<ClientFrame>(r#"{"type":"fly"}"#).is_err());
    assert!(serde_json::from_str::<ClientFrame>(r#"{"type":"typing"}"#).is_err());
    assert!(
        serde_json::from_str::<ClientFrame>(
            r#"{"type":"message.send","conversation_id":"01937a4c-3b5e-7c2a-9f1e-2b3c4d5e6f71","content":"x","nonce":""}"#
        )
        .is_err()
    );
}
