//! The reconnect delay schedule of a gateway: exponential backoff with jitter.
//!
//! The ceiling of attempt `n` is `min × 2^n` (the exponent stops growing at 16), capped at
//! `max`; the delay is drawn between half the ceiling and all of it, so clients that lost
//! their connection together (a server restart) do not all come back in the same instant,
//! while none retries sooner than half its schedule. The random number is a parameter: the
//! caller draws it (`rand` in the SDK, `Math.random()` in the browser), which keeps this
//! module pure and its tests exact.

use std::time::Duration;

/// A reconnect schedule: the first delay's ceiling and the largest delay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// The ceiling of the first retry's delay; it doubles per attempt.
    pub min: Duration,
    /// The longest delay.
    pub max: Duration,
}

impl Backoff {
    /// The highest exponent: beyond it the ceiling stops doubling (it is capped long before
    /// with any sensible `max`, and `2^16` cannot overflow the shift).
    const MAX_EXPONENT: u32 = 16;

    /// A schedule from `min` doubling up to `max`.
    pub const fn new(min: Duration, max: Duration) -> Self {
        Self { min, max }
    }

    /// The longest delay of attempt `attempt` (1 for the first retry): `min × 2^attempt`,
    /// capped at `max`, and at least one millisecond.
    pub fn ceiling(&self, attempt: u32) -> Duration {
        self.min
            .saturating_mul(1u32 << attempt.min(Self::MAX_EXPONENT))
            .min(self.max)
            .max(Duration::from_millis(1))
    }

    /// The delay before attempt `attempt`, in whole milliseconds, between half the ceiling
    /// and the ceiling. `random` is uniform in `[0, 1)` (values outside are clamped).
    pub fn delay(&self, attempt: u32, random: f64) -> Duration {
        let ceiling = u64::try_from(self.ceiling(attempt).as_millis()).unwrap_or(u64::MAX);
        let half = ceiling / 2;
        let span = (ceiling - half) as f64;
        // Rounding lets `random` just below 1 reach the ceiling itself, as both clients did.
        let jitter = (span * random.clamp(0.0, 1.0)).round() as u64;
        Duration::from_millis(half.saturating_add(jitter.min(ceiling - half)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn the_delay_doubles_per_attempt_between_half_and_all_of_the_ceiling() {
        let backoff = Backoff::new(ms(500), ms(30_000));
        assert_eq!(backoff.delay(1, 0.0), ms(500));
        assert_eq!(backoff.delay(1, 0.999_999), ms(1000));
        assert_eq!(backoff.delay(3, 0.0), ms(2000));
        assert_eq!(backoff.delay(3, 0.5), ms(3000));
    }

    #[test]
    fn the_delay_is_capped_and_never_overflows() {
        let backoff = Backoff::new(ms(500), ms(30_000));
        assert_eq!(backoff.delay(30, 0.0), ms(15_000));
        assert_eq!(backoff.delay(u32::MAX, 0.999_999), ms(30_000));
        let huge = Backoff::new(Duration::MAX, Duration::MAX);
        assert!(huge.delay(u32::MAX, 1.0) >= huge.delay(u32::MAX, 0.0));
    }

    #[test]
    fn a_tiny_schedule_still_waits_a_millisecond_and_bad_randoms_are_clamped() {
        let backoff = Backoff::new(Duration::ZERO, Duration::ZERO);
        assert_eq!(backoff.ceiling(1), ms(1));
        assert!(backoff.delay(1, 0.5) <= ms(1));
        let backoff = Backoff::new(ms(10), ms(100));
        assert_eq!(backoff.delay(2, -3.0), ms(20));
        assert_eq!(backoff.delay(2, 7.0), ms(40));
        assert_eq!(backoff.delay(2, f64::NAN), backoff.delay(2, f64::NAN));
    }
}
