//! Timestamps: RFC 3339 in UTC on the wire, millisecond precision.

use std::fmt;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// A point in time, written as RFC 3339 in UTC (`2026-11-21T18:22:08.123Z`).
///
/// Precision is one millisecond, which is what the server stores; a value read back from the
/// wire compares equal to the one that was sent.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "openapi", derive(salvo_oapi::ToSchema))]
#[cfg_attr(feature = "openapi", salvo(schema(value_type = String, format = DateTime, example = "2026-11-21T18:22:08.123Z")))]
pub struct Timestamp(OffsetDateTime);

impl Timestamp {
    /// The earliest timestamp: 0000-01-01T00:00:00.000Z.
    pub const MIN: Self = Self::utc(0, time::Month::January, 1, 0, 0, 0, 0);
    /// The latest timestamp: 9999-12-31T23:59:59.999Z.
    pub const MAX: Self = Self::utc(9999, time::Month::December, 31, 23, 59, 59, 999);

    /// A UTC time from its parts, for constants: invalid parts fail the build.
    const fn utc(y: i32, m: time::Month, d: u8, h: u8, min: u8, s: u8, ms: u16) -> Self {
        let (Ok(date), Ok(time)) = (
            time::Date::from_calendar_date(y, m, d),
            time::Time::from_hms_milli(h, min, s, ms),
        ) else {
            panic!("invalid constant timestamp")
        };
        Self(time::PrimitiveDateTime::new(date, time).assume_utc())
    }

    /// The time `millis` milliseconds after the Unix epoch, or `None` when out of range.
    pub fn from_unix_millis(millis: i64) -> Option<Self> {
        OffsetDateTime::from_unix_timestamp_nanos(i128::from(millis) * 1_000_000)
            .ok()
            .and_then(Self::from_offset_date_time)
    }

    /// Converts to UTC and truncates to whole milliseconds; `None` when the time is outside
    /// years 0000–9999 in UTC, which RFC 3339 cannot write (a parsed `9999-12-31T23:00:00-11:00`
    /// is such a time: it falls in the year 10000).
    pub fn from_offset_date_time(t: OffsetDateTime) -> Option<Self> {
        let utc = t.checked_to_offset(time::UtcOffset::UTC)?;
        if !(0..=9999).contains(&utc.year()) {
            return None;
        }
        let millis = utc.millisecond();
        Some(Self(utc.replace_millisecond(millis).unwrap_or(utc)))
    }

    /// Milliseconds since the Unix epoch.
    pub fn unix_millis(&self) -> i64 {
        // In range by construction: every Timestamp is built from whole milliseconds of an
        // OffsetDateTime, which spans far less than i64 milliseconds.
        (self.0.unix_timestamp_nanos() / 1_000_000) as i64
    }

    /// The underlying date-time, in UTC.
    pub fn to_offset_date_time(&self) -> OffsetDateTime {
        self.0
    }
}

impl From<OffsetDateTime> for Timestamp {
    /// Converts to UTC and truncates to whole milliseconds; a time outside years 0000–9999
    /// (in UTC) saturates to the nearest end of that range.
    fn from(t: OffsetDateTime) -> Self {
        Self::from_offset_date_time(t).unwrap_or(if t.year() < 0 { Self::MIN } else { Self::MAX })
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.format(&Rfc3339) {
            Ok(s) => f.write_str(&s),
            Err(_) => Err(fmt::Error),
        }
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timestamp({self})")
    }
}

impl Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let text = self.0.format(&Rfc3339).map_err(serde::ser::Error::custom)?;
        serializer.serialize_str(&text)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Timestamp;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an RFC 3339 timestamp")
            }

            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Timestamp, E> {
                let parsed = OffsetDateTime::parse(v, &Rfc3339).map_err(E::custom)?;
                Timestamp::from_offset_date_time(parsed)
                    .ok_or_else(|| E::custom("the timestamp is outside years 0000–9999 in UTC"))
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_rfc3339_utc_with_milliseconds() {
        let t = Timestamp::from_unix_millis(1_795_000_000_123).expect("in range");
        assert_eq!(t.to_string(), "2026-11-18T11:06:40.123Z");
        assert_eq!(t.unix_millis(), 1_795_000_000_123);
    }

    #[test]
    fn offsets_are_normalised_to_utc_and_round_trip() {
        let parsed: Timestamp =
            serde_json::from_str("\"2026-11-18T12:06:40.123456+01:00\"").expect("valid");
        assert_eq!(parsed.unix_millis(), 1_795_000_000_123);
        let json = serde_json::to_string(&parsed).expect("serializes");
        assert_eq!(json, "\"2026-11-18T11:06:40.123Z\"");
    }

    #[test]
    fn garbage_is_not_a_timestamp() {
        assert!(serde_json::from_str::<Timestamp>("\"yesterday\"").is_err());
        assert!(serde_json::from_str::<Timestamp>("12").is_err());
    }
}
