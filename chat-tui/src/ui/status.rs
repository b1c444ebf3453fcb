//! The status line: connection state, who is typing, and the latest notice or error.

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::dim;
use super::wrap::{str_width, truncate};
use crate::state::{App, Connection};

/// The typing phrase for a list of names.
pub fn typing_text(names: &[String]) -> Option<String> {
    match names {
        [] => None,
        [one] => Some(format!("{one} is typing…")),
        [one, two] => Some(format!("{one} and {two} are typing…")),
        _ => Some("several people are typing…".to_owned()),
    }
}

/// Draws the status line.
pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let (text, style) = match &app.connection {
        Connection::Connecting => ("◌ connecting…".to_owned(), Style::new().fg(Color::Yellow)),
        Connection::Connected => ("● connected".to_owned(), Style::new().fg(Color::Green)),
        Connection::Resuming => ("◌ resuming…".to_owned(), Style::new().fg(Color::Yellow)),
        Connection::Resumed => ("● resumed".to_owned(), Style::new().fg(Color::Green)),
        Connection::Reconnecting { attempt, .. } => (
            format!("◌ reconnecting (attempt {attempt})"),
            Style::new().fg(Color::Yellow),
        ),
        Connection::Offline { .. } => ("✗ offline".to_owned(), Style::new().fg(Color::Red)),
    };
    let mut spans = vec![Span::raw(" "), Span::styled(text, style)];
    if let Some(conversation) = app.current()
        && let Some(typing) = typing_text(&app.typing_names(conversation))
    {
        spans.push(Span::styled(" │ ", dim()));
        spans.push(Span::styled(typing, Style::new().fg(Color::Cyan)));
    }
    let left_width: usize = spans.iter().map(|s| str_width(&s.content)).sum();
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
    let right = match &app.notice {
        Some(notice) => Span::styled(
            notice.text.clone(),
            if notice.error {
                Style::new().fg(Color::Red)
            } else {
                Style::new().fg(Color::White)
            },
        ),
        None => Span::styled("F1 help ", dim()),
    };
    let room = (area.width as usize).saturating_sub(left_width + 2);
    if room > 3 {
        let right = Span::styled(
            format!("{} ", truncate(&right.content, room - 1)),
            right.style,
        );
        frame.render_widget(
            Paragraph::new(Line::from(right)).alignment(Alignment::Right),
            area,
        );
    }
}
