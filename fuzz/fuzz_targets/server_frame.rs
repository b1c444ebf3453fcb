//! Server frames as the SDK and the web client decode them: arbitrary bytes into
//! `ServerFrame`; whatever decodes must encode and decode to the same frame.
#![no_main]

use chat_core::v1::ServerFrame;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    chat_fuzz::json_round_trip::<ServerFrame>(data);
});
