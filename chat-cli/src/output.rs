//! Output for people (tables, local times, colors on terminals only) or for machines (JSON).

use std::io::{IsTerminal, Write};

use chat_core::v1::{Message, Timestamp};
use serde::Serialize;

use crate::failure::Failure;

/// Prints results in the chosen style.
pub struct Printer {
    /// One JSON document (or JSON lines) instead of text.
    pub json: bool,
    color: bool,
}

impl Printer {
    /// Colors only on a terminal, and never with `NO_COLOR` set.
    pub fn new(json: bool) -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Self {
            json,
            color: !json && !no_color && std::io::stdout().is_terminal(),
        }
    }

    /// Prints one JSON document.
    pub fn json<T: Serialize>(&self, value: &T) -> Result<(), Failure> {
        let mut stdout = std::io::stdout().lock();
        serde_json::to_writer_pretty(&mut stdout, value).map_err(json_error)?;
        writeln!(stdout)?;
        Ok(())
    }

    /// Prints one JSON line (for streams), flushed at once.
    pub fn json_line<T: Serialize>(&self, value: &T) -> Result<(), Failure> {
        let mut stdout = std::io::stdout().lock();
        serde_json::to_writer(&mut stdout, value).map_err(json_error)?;
        writeln!(stdout)?;
        stdout.flush()?;
        Ok(())
    }

    /// `value` as JSON, or `human` as text.
    pub fn either<T: Serialize>(
        &self,
        value: &T,
        human: impl FnOnce(&Self) -> String,
    ) -> Result<(), Failure> {
        if self.json {
            self.json(value)
        } else {
            let text = human(self);
            let mut stdout = std::io::stdout().lock();
            write!(stdout, "{text}")?;
            if !text.ends_with('\n') && !text.is_empty() {
                writeln!(stdout)?;
            }
            Ok(())
        }
    }

    /// A done-with-nothing-to-show result: `{}` in JSON, `message` for people.
    pub fn done(&self, message: &str) -> Result<(), Failure> {
        self.either(&serde_json::json!({}), |_| message.to_owned())
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    /// Bold text.
    pub fn bold(&self, text: &str) -> String {
        self.paint("1", text)
    }

    /// Dim text.
    pub fn dim(&self, text: &str) -> String {
        self.paint("2", text)
    }

    /// Highlighted text.
    pub fn accent(&self, text: &str) -> String {
        self.paint("36", text)
    }

    /// A table with a header row; columns are padded to their widest cell.
    pub fn table(&self, headers: &[&str], rows: &[Vec<String>]) -> String {
        let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
        for row in rows {
            for (i, cell) in row.iter().enumerate() {
                if let Some(width) = widths.get_mut(i) {
                    *width = (*width).max(cell.chars().count());
                }
            }
        }
        let line = |cells: Vec<String>| {
            cells
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let pad = widths[i].saturating_sub(c.chars().count());
                    format!("{c}{}", " ".repeat(pad))
                })
                .collect::<Vec<_>>()
                .join("  ")
                .trim_end()
                .to_owned()
        };
        let mut out = self.bold(&line(headers.iter().map(|h| h.to_string()).collect()));
        out.push('\n');
        for row in rows {
            out.push_str(&line(row.clone()));
            out.push('\n');
        }
        out
    }

    /// One message as a line: local time, author, text.
    pub fn message_line(&self, message: &Message) -> String {
        let author = message
            .author
            .as_ref()
            .map_or("(deleted user)".to_owned(), |a| a.username.to_string());
        let edited = if message.edited_at.is_some() {
            self.dim(" (edited)")
        } else {
            String::new()
        };
        let quote = message.reply_to.as_ref().map_or(String::new(), |r| {
            let text = if r.deleted {
                "(deleted message)".to_owned()
            } else {
                let who = r
                    .author
                    .as_ref()
                    .map_or("(deleted user)", |a| a.username.as_str());
                format!("{who}: {}", r.excerpt.lines().next().unwrap_or_default())
            };
            format!("{}\n  ", self.dim(&format!("↪ {text}")))
        });
        let reactions: String = message
            .reactions
            .iter()
            .map(|r| format!(" {}{}", r.emoji, r.count))
            .collect();
        let pinned = if message.pinned_at.is_some() {
            self.dim(" (pinned)")
        } else {
            String::new()
        };
        format!(
            "{quote}{} {} {}: {}{edited}{pinned}{}",
            self.dim(&format!("#{}", message.seq)),
            self.dim(&local_time(&message.created_at)),
            self.accent(&author),
            message.content,
            self.dim(&reactions),
        )
    }
}

/// Writing JSON fails only when stdout does.
fn json_error(error: serde_json::Error) -> Failure {
    match error.io_error_kind() {
        Some(kind) => Failure::from(std::io::Error::from(kind)),
        None => Failure::usage(error.to_string()),
    }
}

/// A timestamp in the local time zone, to the minute.
pub fn local_time(t: &Timestamp) -> String {
    chrono::DateTime::from_timestamp_millis(t.unix_millis())
        .map(|utc| {
            utc.with_timezone(&chrono::Local)
                .format("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_else(|| t.to_string())
}

/// A count with its noun: "1 member", "2 members", "0 members".
pub fn plural(count: u64, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

/// At most `max` characters of `text`, on one line.
pub fn truncate(text: &str, max: usize) -> String {
    let one_line = text.replace(['\n', '\t'], " ");
    if one_line.chars().count() <= max {
        one_line
    } else {
        let mut cut: String = one_line.chars().take(max.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_keeps_short_text_and_marks_cuts() {
        assert_eq!(truncate("short", 10), "short");
        assert_eq!(truncate("a\nb", 10), "a b");
        assert_eq!(truncate("abcdefghij", 5), "abcd…");
    }

    #[test]
    fn counts_take_the_singular_for_one_only() {
        assert_eq!(plural(0, "member", "members"), "0 members");
        assert_eq!(plural(1, "member", "members"), "1 member");
        assert_eq!(plural(2, "lobby", "lobbies"), "2 lobbies");
    }

    #[test]
    fn tables_pad_columns_to_the_widest_cell() {
        let printer = Printer {
            json: false,
            color: false,
        };
        let table = printer.table(
            &["NAME", "N"],
            &[
                vec!["general".into(), "3".into()],
                vec!["x".into(), "12".into()],
            ],
        );
        assert_eq!(table, "NAME     N\ngeneral  3\nx        12\n");
    }
}
