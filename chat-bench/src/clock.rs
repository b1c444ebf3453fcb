//! Time: the base instant that send times in messages are counted from, and the window a
//! scenario measures in.
//!
//! Senders and receivers run in the same process, so a send time written into a message as
//! nanoseconds since one shared [`Clock`] base can be compared with the receive time without
//! any clock synchronisation.

use std::time::{Duration, Instant};

/// The time base of one run; copied into every task that stamps or reads send times.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    base: Instant,
}

impl Default for Clock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock {
    /// A clock counting from now.
    pub fn new() -> Self {
        Self {
            base: Instant::now(),
        }
    }

    /// `at` as nanoseconds since the base (0 before it).
    pub fn nanos(&self, at: Instant) -> u64 {
        u64::try_from(at.saturating_duration_since(self.base).as_nanos()).unwrap_or(u64::MAX)
    }

    /// The instant `nanos` after the base.
    pub fn at(&self, nanos: u64) -> Instant {
        self.base + Duration::from_nanos(nanos)
    }
}

/// The timed part of a scenario: a warm-up, whose events are left out of every figure, then
/// the measured span.
#[derive(Debug, Clone, Copy)]
pub struct Window {
    /// When the warm-up starts.
    pub start: Instant,
    /// When measuring starts (the end of the warm-up).
    pub from: Instant,
    /// When measuring ends.
    pub until: Instant,
}

impl Window {
    /// A window whose warm-up starts now.
    pub fn starting_now(warmup: Duration, duration: Duration) -> Self {
        let start = Instant::now();
        Self {
            start,
            from: start + warmup,
            until: start + warmup + duration,
        }
    }

    /// Whether an event at `at` counts.
    pub fn contains(&self, at: Instant) -> bool {
        at >= self.from && at < self.until
    }

    /// The measured span in seconds.
    pub fn secs(&self) -> f64 {
        self.until.duration_since(self.from).as_secs_f64()
    }

    /// `count` events per measured second.
    pub fn rate(&self, count: u64) -> f64 {
        count as f64 / self.secs().max(1e-9)
    }

    /// The whole window, warm-up included.
    pub fn total(&self) -> Duration {
        self.until.duration_since(self.start)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn send_times_round_trip_through_nanoseconds() {
        let clock = Clock::new();
        let later = Instant::now() + Duration::from_millis(5);
        assert_eq!(clock.at(clock.nanos(later)), later);
    }

    #[test]
    fn the_warm_up_is_outside_the_window() {
        let window = Window::starting_now(Duration::from_secs(1), Duration::from_secs(2));
        assert!(!window.contains(window.start));
        assert!(window.contains(window.from));
        assert!(!window.contains(window.until));
        assert!((window.rate(4) - 2.0).abs() < 1e-9);
    }
}
