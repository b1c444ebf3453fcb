//! Client frames as the server's WebSocket session decodes them: arbitrary bytes into
//! `ClientFrame`; whatever decodes must encode and decode to the same frame.
#![no_main]

use chat_core::v1::ClientFrame;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    chat_fuzz::json_round_trip::<ClientFrame>(data);
});
