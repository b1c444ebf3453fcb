//! Inputs found by the fuzz targets in `fuzz/` (see `scripts/fuzz.sh`), kept as regression
//! tests: each once crashed a target. The property each target checks is repeated here for
//! its input.

use chat_core::v1::{AdminMessagesQuery, CreateApiTokenRequest, Timestamp};

/// `validators`, crash-bd90faf0: a time in the year 9999 with a negative offset is in the year
/// 10000 in UTC; converting it to UTC panicked inside `time`. Such timestamps are now refused
/// when decoded, like any other malformed value.
#[test]
fn a_timestamp_past_the_year_9999_in_utc_is_refused_not_a_panic() {
    for text in [
        "9999-12-31T18:22:20-11:00",
        "9999-12-31T23:59:59.999-00:01",
        "0000-01-01T00:00:00+00:01",
        "0000-01-01T00:59:59+01:00",
    ] {
        let json = serde_json::Value::String(text.to_owned());
        assert!(
            serde_json::from_value::<Timestamp>(json).is_err(),
            "{text} decodes"
        );
    }
}

#[test]
fn timestamps_at_both_ends_of_the_range_round_trip() {
    for (text, written) in [
        ("0000-01-01T00:00:00Z", "\"0000-01-01T00:00:00Z\""),
        ("0000-01-01T01:00:00+01:00", "\"0000-01-01T00:00:00Z\""),
        ("9999-12-31T23:59:59.999Z", "\"9999-12-31T23:59:59.999Z\""),
        (
            "9999-12-31T22:59:59.999999-01:00",
            "\"9999-12-31T23:59:59.999Z\"",
        ),
    ] {
        let t: Timestamp = serde_json::from_value(serde_json::Value::String(text.to_owned()))
            .unwrap_or_else(|e| panic!("{text}: {e}"));
        let json = serde_json::to_string(&t).expect("encodes");
        assert_eq!(json, written);
        assert_eq!(
            serde_json::from_str::<Timestamp>(&json).expect("decodes"),
            t
        );
        assert!(t >= Timestamp::MIN && t <= Timestamp::MAX);
    }
}

#[test]
fn out_of_range_unix_times_are_none_and_conversions_saturate() {
    assert_eq!(Timestamp::from_unix_millis(i64::MAX), None);
    assert_eq!(
        Timestamp::from_unix_millis(-62_167_219_200_001),
        None,
        "year -1"
    );
    assert_eq!(
        Timestamp::from_unix_millis(-62_167_219_200_000),
        Some(Timestamp::MIN)
    );
    assert_eq!(
        Timestamp::from(
            time::OffsetDateTime::UNIX_EPOCH
                .replace_year(-5)
                .expect("valid")
        ),
        Timestamp::MIN
    );
}

/// The same input reached through the REST bodies and queries that carry timestamps.
#[test]
fn bodies_and_queries_with_such_a_timestamp_are_refused() {
    let body = r#"{"name": "bot", "scopes": ["read"], "expires_at": "9999-12-31T18:22:20-11:00"}"#;
    assert!(serde_json::from_str::<CreateApiTokenRequest>(body).is_err());
    let json = serde_json::json!({"since": "9999-12-31T18:22:20-11:00"});
    assert!(serde_json::from_value::<AdminMessagesQuery>(json).is_err());
}
