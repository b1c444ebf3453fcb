//! Latency recording: an HDR histogram of microseconds per task, merged at the end and
//! summarised as percentiles in milliseconds.
//!
//! Each task owns its own [`Latency`] (no lock on the hot path); scenarios merge them once
//! the tasks are done.

use std::time::Duration;

use hdrhistogram::Histogram;
use serde::Serialize;

/// The longest latency recorded exactly; longer ones count as this (one hour).
const MAX_MICROS: u64 = 3_600_000_000;

/// A latency histogram.
#[derive(Debug, Clone)]
pub struct Latency(Histogram<u64>);

impl Default for Latency {
    fn default() -> Self {
        Self::new()
    }
}

impl Latency {
    /// An empty histogram: 1 µs to one hour, three significant digits.
    pub fn new() -> Self {
        Self(
            Histogram::new_with_bounds(1, MAX_MICROS, 3)
                .expect("1 µs to 1 h at 3 significant digits are valid histogram bounds"),
        )
    }

    /// Records one latency (clamped to 1 µs – 1 h).
    pub fn record(&mut self, latency: Duration) {
        let micros = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX);
        self.0.saturating_record(micros.clamp(1, MAX_MICROS));
    }

    /// Adds another task's recordings.
    pub fn merge(&mut self, other: &Self) {
        // Both histograms have the same bounds, so no value of `other` is out of range.
        self.0
            .add(&other.0)
            .expect("histograms with equal bounds always add");
    }

    /// How many latencies were recorded.
    pub fn len(&self) -> u64 {
        self.0.len()
    }

    /// Whether nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Percentiles of what was recorded.
    pub fn summary(&self) -> LatencySummary {
        if self.0.is_empty() {
            return LatencySummary::default();
        }
        let ms = |micros: u64| micros as f64 / 1000.0;
        LatencySummary {
            samples: self.0.len(),
            mean_ms: self.0.mean() / 1000.0,
            p50_ms: ms(self.0.value_at_quantile(0.50)),
            p99_ms: ms(self.0.value_at_quantile(0.99)),
            p999_ms: ms(self.0.value_at_quantile(0.999)),
            max_ms: ms(self.0.max()),
        }
    }
}

/// Latency percentiles, in milliseconds (all zero without samples).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct LatencySummary {
    /// How many latencies were recorded.
    pub samples: u64,
    /// The mean.
    pub mean_ms: f64,
    /// The median.
    pub p50_ms: f64,
    /// The 99th percentile.
    pub p99_ms: f64,
    /// The 99.9th percentile.
    pub p999_ms: f64,
    /// The largest.
    pub max_ms: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_come_from_merged_recordings() {
        let mut a = Latency::new();
        let mut b = Latency::new();
        for ms in 1..=99 {
            a.record(Duration::from_millis(ms));
        }
        b.record(Duration::from_millis(100));
        a.merge(&b);
        let summary = a.summary();
        assert_eq!(summary.samples, 100);
        assert!((summary.p50_ms - 50.0).abs() < 0.1, "{summary:?}");
        assert!((summary.max_ms - 100.0).abs() < 0.1, "{summary:?}");
    }

    #[test]
    fn an_empty_histogram_summarises_to_zero() {
        assert_eq!(Latency::new().summary(), LatencySummary::default());
    }
}
