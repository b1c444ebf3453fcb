//! The sign-in / registration form, and the screen shown while connecting.

use ratatui::Frame;
use ratatui::layout::{Alignment, Position, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph};

use super::wrap::{str_width, truncate};
use super::{bold, centered, dim};
use crate::state::{App, LoginField};

const LABEL_WIDTH: usize = 11;

/// Draws the form.
pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let form = &app.login;
    let title = if form.register {
        " chat-tui · create an account "
    } else {
        " chat-tui · sign in "
    };
    let rect = centered(area, 64, 14);
    frame.render_widget(Clear, rect);
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .title(title)
        .title_style(bold());
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let value_width = (inner.width as usize).saturating_sub(LABEL_WIDTH + 3);
    let masked = "•".repeat(form.password.chars().count());
    let fields = [
        (LoginField::Server, "Server", form.server.as_str()),
        (LoginField::Username, "Username", form.username.as_str()),
        (LoginField::Password, "Password", masked.as_str()),
    ];
    let mut lines = vec![Line::raw("")];
    let mut cursor = None;
    for (i, (field, label, value)) in fields.iter().enumerate() {
        let focused = form.focus == *field;
        // Show the end of a long value, where the typing happens.
        let shown = if str_width(value) > value_width {
            let tail: String = value
                .chars()
                .rev()
                .take(value_width.saturating_sub(1))
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            format!("…{tail}")
        } else {
            (*value).to_owned()
        };
        if focused {
            cursor = Some((i, str_width(&shown)));
        }
        let value_style = if focused {
            Style::new().add_modifier(Modifier::UNDERLINED)
        } else {
            Style::new()
        };
        let padded = format!(
            "{shown}{}",
            " ".repeat(value_width.saturating_sub(str_width(&shown)))
        );
        lines.push(Line::from(vec![
            Span::styled(
                format!(" {label:>width$}  ", width = LABEL_WIDTH - 1),
                if focused { bold() } else { dim() },
            ),
            Span::styled(padded, value_style),
        ]));
    }
    lines.push(Line::raw(""));
    if form.busy {
        lines.push(Line::styled(
            if form.register {
                "  creating the account…"
            } else {
                "  signing in…"
            },
            Style::new().fg(Color::Yellow),
        ));
    } else if let Some(error) = &form.error {
        lines.push(Line::styled(
            format!(
                "  {}",
                truncate(error, (inner.width as usize).saturating_sub(3))
            ),
            Style::new().fg(Color::Red),
        ));
    } else {
        lines.push(Line::raw(""));
    }
    lines.push(Line::raw(""));
    let switch = if form.register {
        "Ctrl-R sign in instead"
    } else {
        "Ctrl-R create an account"
    };
    lines.push(Line::styled(
        "  Enter submit · Tab next field · Esc quit",
        dim(),
    ));
    lines.push(Line::styled(format!("  {switch}"), dim()));
    lines.push(Line::styled(
        "  The server and your session are saved for next time.",
        dim(),
    ));
    frame.render_widget(Paragraph::new(lines), inner);
    if let Some((row, column)) = cursor
        && !form.busy
    {
        let x = inner.x + u16::try_from(LABEL_WIDTH + 1 + column).unwrap_or(0);
        let y = inner.y + 1 + u16::try_from(row).unwrap_or(0);
        frame.set_cursor_position(Position::new(x.min(inner.right().saturating_sub(1)), y));
    }
}

/// Draws the wait for the first `ready`.
pub fn draw_connecting(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let rect = centered(area, 60, 3);
    let text = Paragraph::new(vec![
        Line::styled(format!("Connecting to {}…", app.login.server), bold()),
        Line::raw(""),
        Line::styled("Ctrl-C quits", dim()),
    ])
    .alignment(Alignment::Center);
    frame.render_widget(text, rect);
}
