//! The report of a run: [`Report`] holds any scenario's figures and prints them as a table
//! for people or as one JSON object (tagged by `"scenario"`) for machines.

use std::fmt::{Display, Write as _};

use serde::Serialize;

use crate::latency::LatencySummary;
use crate::scenarios::fanout::FanoutReport;
use crate::scenarios::history::HistoryReport;
use crate::scenarios::idle::IdleReport;
use crate::scenarios::login::LoginReport;
use crate::scenarios::me::MeReport;
use crate::scenarios::persist::PersistReport;

/// The report of one scenario.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "scenario", rename_all = "snake_case")]
pub enum Report {
    /// `fanout`.
    Fanout(FanoutReport),
    /// `idle`.
    Idle(IdleReport),
    /// `history`.
    History(HistoryReport),
    /// `persist`.
    Persist(PersistReport),
    /// `login`.
    Login(LoginReport),
    /// `me`.
    Me(MeReport),
}

impl Report {
    /// Why the run failed (the binary then exits non-zero); empty when it passed.
    pub fn failures(&self) -> Vec<String> {
        match self {
            Self::Fanout(report) => report.failures(),
            Self::Login(report) => report.failures(),
            Self::Idle(_) | Self::History(_) | Self::Persist(_) | Self::Me(_) => Vec::new(),
        }
    }

    /// The report as one line of JSON.
    pub fn to_json(&self) -> serde_json::Result<String> {
        serde_json::to_string(self)
    }

    /// The report as a plain-text table.
    pub fn to_table(&self) -> String {
        let mut table = Table::default();
        match self {
            Self::Fanout(report) => report.fill(&mut table),
            Self::Idle(report) => report.fill(&mut table),
            Self::History(report) => report.fill(&mut table),
            Self::Persist(report) => report.fill(&mut table),
            Self::Login(report) => report.fill(&mut table),
            Self::Me(report) => report.fill(&mut table),
        }
        for failure in self.failures() {
            table.note(format!("FAILED: {failure}"));
        }
        table.render()
    }
}

/// Rows of a label and a value, with notes under them.
#[derive(Debug, Default)]
pub struct Table {
    rows: Vec<(String, String)>,
    notes: Vec<String>,
}

impl Table {
    /// Adds a row.
    pub fn row(&mut self, label: impl Into<String>, value: impl Display) {
        self.rows.push((label.into(), value.to_string()));
    }

    /// Adds a heading row (a label alone).
    pub fn heading(&mut self, label: impl Into<String>) {
        self.rows.push((label.into(), String::new()));
    }

    /// Adds the rows of a latency summary, labelled `what` (e.g. `"latency"`).
    pub fn latency(&mut self, what: &str, latency: &LatencySummary) {
        self.row(format!("{what} samples"), latency.samples);
        self.row(format!("{what} p50"), ms(latency.p50_ms));
        self.row(format!("{what} p99"), ms(latency.p99_ms));
        self.row(format!("{what} p99.9"), ms(latency.p999_ms));
        self.row(format!("{what} max"), ms(latency.max_ms));
    }

    /// Adds a note below the rows.
    pub fn note(&mut self, note: impl Into<String>) {
        self.notes.push(note.into());
    }

    /// The table as text.
    pub fn render(&self) -> String {
        // Headings (rows without a value) span the table and do not widen the label column.
        let width = self
            .rows
            .iter()
            .filter(|(_, value)| !value.is_empty())
            .map(|(label, _)| label.len())
            .max()
            .unwrap_or(0);
        let mut out = String::new();
        for (label, value) in &self.rows {
            if value.is_empty() {
                let _ = writeln!(out, "{label}");
            } else {
                let _ = writeln!(out, "{label:<width$}  {value}");
            }
        }
        for note in &self.notes {
            let _ = writeln!(out, "{note}");
        }
        out
    }
}

/// Milliseconds, for a table.
pub(crate) fn ms(value: f64) -> String {
    format!("{value:.2} ms")
}

/// A rate per second, for a table.
pub(crate) fn per_sec(value: f64) -> String {
    format!("{value:.1}/s")
}

/// The hint shown whenever the server refused sends as `rate_limited`.
pub(crate) const RATE_LIMIT_HINT: &str = "hint: the server refused sends as rate_limited; start it with a high send burst, \
     e.g. CHAT_SEND_BURST=1000000";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_aligns_its_values_and_lists_notes_last() {
        let mut table = Table::default();
        table.heading("a long heading");
        table.row("a", 1);
        table.row("longer", "x");
        table.note("note");
        assert_eq!(
            table.render(),
            "a long heading\na       1\nlonger  x\nnote\n"
        );
    }
}
