//! Local times for people. The zone is part of the state, so tests render fixed times in a
//! fixed zone while the app uses the machine's local zone (as `chat` does, via chrono).

use chrono::{DateTime, FixedOffset, Local, NaiveDate, TimeZone, Utc};

/// The time zone messages are shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    /// The machine's local zone (with its daylight-saving rules).
    Local,
    /// A fixed offset (tests).
    Fixed(FixedOffset),
}

impl Zone {
    /// UTC.
    pub fn utc() -> Self {
        Self::Fixed(FixedOffset::east_opt(0).expect("0 is a valid offset"))
    }

    fn date_time(self, millis: i64) -> Option<DateTime<FixedOffset>> {
        let utc = Utc.timestamp_millis_opt(millis).single()?;
        Some(match self {
            Self::Local => utc.with_timezone(&Local).fixed_offset(),
            Self::Fixed(offset) => utc.with_timezone(&offset),
        })
    }

    /// `HH:MM` of an instant.
    pub fn clock(self, millis: i64) -> String {
        self.date_time(millis)
            .map(|t| t.format("%H:%M").to_string())
            .unwrap_or_else(|| "--:--".to_owned())
    }

    /// The calendar day of an instant.
    pub fn day(self, millis: i64) -> Option<NaiveDate> {
        self.date_time(millis).map(|t| t.date_naive())
    }
}

/// A day as shown in separators: `Tuesday, 1 December 2026`.
pub fn day_label(day: NaiveDate) -> String {
    day.format("%A, %-d %B %Y").to_string()
}

/// Now, in milliseconds since the epoch.
pub fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_and_day_follow_the_zone() {
        // 2026-12-01T23:30:00Z
        let t = 1_796_167_800_000;
        assert_eq!(Zone::utc().clock(t), "23:30");
        let plus_one = Zone::Fixed(FixedOffset::east_opt(3600).expect("offset"));
        assert_eq!(plus_one.clock(t), "00:30");
        let day = plus_one.day(t).expect("a day");
        assert_eq!(day_label(day), "Wednesday, 2 December 2026");
    }
}
