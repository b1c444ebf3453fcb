//! The key-binding overlay (`?` or F1).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph};

use super::{bold, centered, dim};
use crate::commands::COMMANDS;

/// The key bindings, as shown.
pub const KEYS: &[(&str, &str)] = &[
    ("Enter", "send"),
    ("Alt-Enter, Shift-Enter", "new line"),
    (
        "Up (empty input)",
        "edit your last message (empty it to delete)",
    ),
    ("Ctrl-Up / Ctrl-Down", "previous / next sent message"),
    ("Tab", "complete @user, :emoji:, /command, arguments"),
    (
        "Alt-Up / Alt-Down, Ctrl-P / Ctrl-N",
        "previous / next conversation",
    ),
    ("Alt-1 … Alt-9", "jump to a conversation"),
    (
        "PageUp / PageDown, mouse wheel",
        "scroll (older history loads itself)",
    ),
    ("Esc", "jump to the newest message, cancel an edit"),
    ("F2", "community: discover and join lobbies"),
    ("F3, Alt-M", "member list"),
    ("Ctrl-W / Ctrl-U", "delete word / clear input"),
    ("F1, ? (empty input)", "this help"),
    ("Ctrl-C, Ctrl-Q", "quit"),
];

/// Draws the overlay.
pub fn draw(frame: &mut Frame<'_>, area: Rect) {
    let height = u16::try_from(KEYS.len() + COMMANDS.len() + 6).unwrap_or(u16::MAX);
    let rect = centered(area, 86, height);
    frame.render_widget(Clear, rect);
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .title(" keys · any key closes ")
        .title_style(bold());
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let mut lines = Vec::new();
    for (keys, what) in KEYS {
        lines.push(Line::from(vec![
            Span::styled(format!(" {keys:>34}  "), bold()),
            Span::raw(*what),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(" Commands", dim()));
    for (_, usage, what) in COMMANDS {
        lines.push(Line::from(vec![
            Span::styled(format!(" {usage:>34}  "), bold()),
            Span::raw(*what),
        ]));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
