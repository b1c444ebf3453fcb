//! Properties shared by the fuzz targets.
//!
//! Every target feeds arbitrary bytes to a decoder of chat-core and checks, besides "no panic",
//! that whatever decodes also encodes, and decodes again to the same value: a value the server
//! accepts can always be sent back to a client without loss.

use std::fmt::Debug;

use serde::Serialize;
use serde::de::DeserializeOwned;

/// Decodes `data` as JSON into `T`; when that succeeds, asserts the JSON round trip.
pub fn json_round_trip<T>(data: &[u8]) -> Option<T>
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
{
    let value: T = serde_json::from_slice(data).ok()?;
    assert_round_trip(&value);
    Some(value)
}

/// Asserts that `value` encodes to JSON and decodes back to itself.
pub fn assert_round_trip<T>(value: &T)
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
{
    let text = serde_json::to_string(value)
        .unwrap_or_else(|e| panic!("decoded {value:?} but cannot encode it: {e}"));
    let again: T = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{value:?} encodes to {text} which does not decode: {e}"));
    assert_eq!(&again, value, "{text} decodes to a different value");
}
