//! REST request bodies and query strings: the first byte picks the type, the rest is the
//! JSON body (or the query string) the server would decode. Whatever decodes must encode and
//! decode to the same value.
#![no_main]

use chat_core::v1::{
    AddMemberRequest, AdminMessagesQuery, CreateApiTokenRequest, CreateClientTokenRequest,
    CreateLobbyRequest, EditMessageRequest, ErrorBody, HistoryQuery, ListQuery, LoginRequest,
    MarkReadRequest, OpenChatRequest, PageQuery, RegisterRequest, SendMessageRequest,
    UpdateAccountRequest, UpdateLobbyRequest, UpdateMemberRequest,
};
use chat_fuzz::json_round_trip;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    match selector % 18 {
        0 => drop(json_round_trip::<RegisterRequest>(body)),
        1 => drop(json_round_trip::<LoginRequest>(body)),
        2 => drop(json_round_trip::<UpdateAccountRequest>(body)),
        3 => drop(json_round_trip::<CreateLobbyRequest>(body)),
        4 => drop(json_round_trip::<UpdateLobbyRequest>(body)),
        5 => drop(json_round_trip::<AddMemberRequest>(body)),
        6 => drop(json_round_trip::<UpdateMemberRequest>(body)),
        7 => drop(json_round_trip::<SendMessageRequest>(body)),
        8 => drop(json_round_trip::<EditMessageRequest>(body)),
        9 => drop(json_round_trip::<MarkReadRequest>(body)),
        10 => drop(json_round_trip::<OpenChatRequest>(body)),
        11 => drop(json_round_trip::<CreateApiTokenRequest>(body)),
        12 => drop(json_round_trip::<CreateClientTokenRequest>(body)),
        13 => drop(json_round_trip::<ErrorBody>(body)),
        // Query strings, decoded as the server's `ApiQuery` extractor does.
        14 => query::<ListQuery>(body),
        15 => query::<PageQuery>(body),
        16 => query::<HistoryQuery>(body),
        _ => query::<AdminMessagesQuery>(body),
    }
});

/// Decodes a query string; whatever decodes must encode to a query string that decodes to
/// the same value.
fn query<T>(data: &[u8])
where
    T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let Ok(value) = serde_urlencoded::from_bytes::<T>(data) else {
        return;
    };
    let text = serde_urlencoded::to_string(&value)
        .unwrap_or_else(|e| panic!("decoded {value:?} but cannot encode it: {e}"));
    let again: T = serde_urlencoded::from_str(&text)
        .unwrap_or_else(|e| panic!("{value:?} encodes to {text} which does not decode: {e}"));
    assert_eq!(again, value, "{text} decodes to a different value");
}
