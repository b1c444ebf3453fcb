//! The member list with presence: online first, admins marked.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::wrap::truncate;
use super::{dim, name_color};
use crate::state::{App, Kind};
use chat_core::v1::{Role, UserId};

/// Draws the member list of the current conversation.
pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let block = Block::new().borders(Borders::LEFT).border_style(dim());
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(conversation) = app.current() else {
        return;
    };
    let mut people: Vec<(UserId, Role)> = match (&conversation.kind, &conversation.members) {
        (Kind::Chat { partner }, _) => app
            .me
            .iter()
            .map(|me| (me.id, Role::Member))
            .chain([(*partner, Role::Member)])
            .collect(),
        (_, Some(members)) => members.iter().map(|m| (m.user_id, m.role)).collect(),
        (_, None) => {
            frame.render_widget(Paragraph::new(Line::styled(" loading…", dim())), inner);
            return;
        }
    };
    people.sort_by_key(|(id, _)| (!app.online.contains(id), app.user_name(*id)));
    let online = people
        .iter()
        .filter(|(id, _)| app.online.contains(id))
        .count();
    let mut lines = vec![Line::styled(
        format!(" Members {online}/{}", people.len()),
        dim(),
    )];
    let width = inner.width as usize;
    for (id, role) in people {
        let name = app.user_name(id);
        let (dot, dot_style) = if app.online.contains(&id) {
            ("●", Style::new().fg(Color::Green))
        } else {
            ("○", dim())
        };
        let mut spans = vec![
            Span::raw(" "),
            Span::styled(dot, dot_style),
            Span::raw(" "),
            Span::styled(
                truncate(&name, width.saturating_sub(10)),
                Style::new().fg(name_color(&name)),
            ),
        ];
        if role == Role::Admin {
            spans.push(Span::styled(" admin", dim()));
        }
        lines.push(Line::from(spans));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
