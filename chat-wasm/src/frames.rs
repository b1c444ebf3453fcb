//! WebSocket frames across the boundary: a JavaScript object in, protocol JSON out, and the
//! reverse, both checked against `chat_core::v1::frames`.
//!
//! `encodeClientFrame({type: "message.send", …})` refuses what the server would refuse — an
//! unknown type or field, a bad id, text breaking the content rules — and returns the exact
//! text to send. `decodeServerFrame(text)` reads a server frame into a plain object, or
//! throws when it is not one.

use chat_core::v1::{ClientFrame, ServerFrame};
use wasm_bindgen::prelude::*;

use crate::error::ClientError;

/// Checks client frame JSON and returns it in its canonical form.
pub fn encode_client_frame_json(json: &str) -> Result<String, ClientError> {
    let frame: ClientFrame =
        serde_json::from_str(json).map_err(|e| ClientError::BadRequest(e.to_string()))?;
    encode(&frame)
}

/// The text of a client frame.
pub fn encode(frame: &ClientFrame) -> Result<String, ClientError> {
    serde_json::to_string(frame).map_err(|e| ClientError::Decode(e.to_string()))
}

/// Reads a server frame.
pub fn decode(text: &str) -> Result<ServerFrame, ClientError> {
    serde_json::from_str(text).map_err(|e| ClientError::Decode(e.to_string()))
}

/// Checks server frame JSON and returns it in its canonical form.
pub fn decode_server_frame_json(text: &str) -> Result<String, ClientError> {
    let frame = decode(text)?;
    serde_json::to_string(&frame).map_err(|e| ClientError::Decode(e.to_string()))
}

/// Encodes a client frame object (`{type: "typing", conversation_id: "…"}`) as the JSON text
/// to send on the WebSocket. Throws a `ChatError` (`bad_request`) when the object is not a
/// valid client frame: an unknown `type` or field, a malformed id, or a value breaking an
/// input rule.
#[wasm_bindgen(js_name = encodeClientFrame)]
pub fn encode_client_frame(
    #[wasm_bindgen(unchecked_param_type = "ClientFrame")] frame: JsValue,
) -> Result<String, JsValue> {
    let json = crate::js::js_to_text(&frame)
        .ok_or_else(|| ClientError::BadRequest("the frame is not a JSON object".into()))?;
    Ok(encode_client_frame_json(&json)?)
}

/// Decodes the text of a server frame into an object with its `type` and fields, as
/// documented in `docs/PROTOCOL.md`. Throws a `ChatError` (`decode`) when the text is not a
/// frame of this protocol version.
#[wasm_bindgen(js_name = decodeServerFrame, unchecked_return_type = "ServerFrame")]
pub fn decode_server_frame(text: &str) -> Result<JsValue, JsValue> {
    let json = decode_server_frame_json(text)?;
    Ok(crate::js::text_to_js(&json))
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOBBY: &str = "01937a4c-3b5e-7c2a-9f1e-2b3c4d5e6f71";

    #[test]
    fn a_valid_client_frame_encodes_canonically() {
        let json = format!(
            r#"{{"nonce":"n-1","content":"  hello ","conversation_id":"{LOBBY}","type":"message.send"}}"#
        );
        let text = encode_client_frame_json(&json).expect("valid frame");
        let value: serde_json::Value = serde_json::from_str(&text).expect("json");
        assert_eq!(value["type"], "message.send");
        // Content is trimmed exactly as the server stores it.
        assert_eq!(value["content"], "hello");
    }

    #[test]
    fn invalid_client_frames_are_refused() {
        for bad in [
            r#"{"type":"no.such.frame"}"#.to_owned(),
            format!(r#"{{"type":"typing","conversation_id":"{LOBBY}","extra":1}}"#),
            r#"{"type":"typing","conversation_id":"not-an-id"}"#.to_owned(),
            format!(
                r#"{{"type":"message.send","conversation_id":"{LOBBY}","content":"   ","nonce":"n"}}"#
            ),
            format!(
                r#"{{"type":"message.send","conversation_id":"{LOBBY}","content":"x","nonce":"has space"}}"#
            ),
        ] {
            let error = encode_client_frame_json(&bad).expect_err(&bad);
            assert_eq!(error.code(), "bad_request", "{bad}");
        }
    }

    #[test]
    fn server_frames_decode_and_unknown_ones_do_not() {
        let text = decode_server_frame_json(r#"{"type":"pong"}"#).expect("pong");
        assert_eq!(text, r#"{"type":"pong"}"#);
        let typing = format!(
            r#"{{"type":"typing","conversation_id":"{LOBBY}","user_id":"{LOBBY}","typing":true}}"#
        );
        assert!(decode_server_frame_json(&typing).is_ok());
        let error = decode_server_frame_json(r#"{"type":"surprise"}"#).expect_err("unknown");
        assert_eq!(error.code(), "decode");
    }
}
