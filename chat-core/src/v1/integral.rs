//! Integers as JSON Schema counts them: `719` and `719.0` are the same integer, so every
//! integer a client sends is accepted in either spelling (a fraction, a negative number or a
//! number past `u64` is still refused). Answers always write the plain form.

use serde::de::{self, Deserializer, Visitor};

/// Deserializes a `u64` from a JSON integer or an integral JSON float.
pub(crate) fn u64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
    struct Integral;

    impl Visitor<'_> for Integral {
        type Value = u64;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a non-negative integer")
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<u64, E> {
            Ok(v)
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<u64, E> {
            u64::try_from(v).map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
        }

        fn visit_f64<E: de::Error>(self, v: f64) -> Result<u64, E> {
            // 2^64 as f64; every integral f64 below it converts exactly.
            const LIMIT: f64 = 18_446_744_073_709_551_616.0;
            if v.fract() == 0.0 && (0.0..LIMIT).contains(&v) {
                // In range and integral, checked just above.
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                Ok(v as u64)
            } else {
                Err(E::invalid_value(de::Unexpected::Float(v), &self))
            }
        }
    }

    deserializer.deserialize_any(Integral)
}

/// The largest seq a client may name: 2^53 − 1, the largest integer every JSON reader holds
/// exactly (a conversation would need a million messages a second for 285 years to pass it).
pub(crate) const MAX_SEQ: u64 = (1 << 53) - 1;

/// Deserializes a seq: [`u64`] up to [`MAX_SEQ`].
pub(crate) fn seq<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
    let n = u64(deserializer)?;
    if n > MAX_SEQ {
        return Err(de::Error::invalid_value(
            de::Unexpected::Unsigned(n),
            &"a seq of at most 2^53 - 1",
        ));
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    #[derive(Debug, serde::Deserialize)]
    struct Seq {
        #[serde(deserialize_with = "super::u64")]
        seq: u64,
    }

    fn parse(json: &str) -> Result<u64, serde_json::Error> {
        serde_json::from_str::<Seq>(json).map(|s| s.seq)
    }

    #[test]
    fn integral_floats_are_integers_and_nothing_else_is() {
        assert_eq!(parse(r#"{"seq": 719}"#).ok(), Some(719));
        assert_eq!(parse(r#"{"seq": 719.0}"#).ok(), Some(719));
        assert_eq!(parse(r#"{"seq": 7.19e2}"#).ok(), Some(719));
        assert_eq!(parse(r#"{"seq": 0.0}"#).ok(), Some(0));
        for bad in ["719.5", "-1", "-1.0", "1e20", "\"7\"", "null", "true"] {
            assert!(parse(&format!(r#"{{"seq": {bad}}}"#)).is_err(), "{bad}");
        }
    }

    #[test]
    fn seqs_stop_where_json_numbers_stop_being_exact() {
        #[derive(Debug, serde::Deserialize)]
        struct Read {
            #[serde(deserialize_with = "super::seq")]
            seq: u64,
        }
        let read = |json: &str| serde_json::from_str::<Read>(json).map(|r| r.seq).ok();
        assert_eq!(read(r#"{"seq": 9007199254740991}"#), Some(super::MAX_SEQ));
        assert_eq!(read(r#"{"seq": 9007199254740992}"#), None);
        assert_eq!(read(r#"{"seq": 2.27e20}"#), None);
    }
}
