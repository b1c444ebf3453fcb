//! The sidebar (lobbies and direct chats with unread counts, mentions and presence) and the
//! community view (public lobbies to join).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::wrap::{str_width, truncate};
use super::{bold, dim};
use crate::state::{App, Community, Conversation, Kind};

/// Draws the sidebar.
pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App) {
    if area.width == 0 {
        return;
    }
    let block = Block::new().borders(Borders::RIGHT).border_style(dim());
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = inner.width as usize;
    let mut lines = vec![Line::styled(" Lobbies", dim())];
    let lobbies: Vec<&Conversation> = app
        .conversations
        .iter()
        .filter(|c| !matches!(c.kind, Kind::Chat { .. }))
        .collect();
    if lobbies.is_empty() {
        lines.push(Line::styled("  (none: /join, F2)", dim()));
    }
    for conversation in lobbies {
        lines.push(row(app, conversation, width));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(" Direct", dim()));
    let chats: Vec<&Conversation> = app
        .conversations
        .iter()
        .filter(|c| matches!(c.kind, Kind::Chat { .. }))
        .collect();
    if chats.is_empty() {
        lines.push(Line::styled("  (none: /dm user)", dim()));
    }
    for conversation in chats {
        lines.push(row(app, conversation, width));
    }
    lines.push(Line::raw(""));
    let community_style = if app.community.is_some() {
        Style::new().add_modifier(Modifier::REVERSED)
    } else {
        dim()
    };
    lines.push(Line::styled(" ✦ Community (F2)", community_style));
    frame.render_widget(Paragraph::new(lines), inner);
}

fn row(app: &App, conversation: &Conversation, width: usize) -> Line<'static> {
    let selected = app.selected == Some(conversation.id) && app.community.is_none();
    let (marker, marker_style) = match &conversation.kind {
        Kind::Chat { partner } if app.online.contains(partner) => {
            ("●", Style::new().fg(Color::Green))
        }
        Kind::Chat { .. } => ("○", dim()),
        _ => ("#", dim()),
    };
    let title = app.title(conversation);
    let title = title.strip_prefix('#').unwrap_or(&title).to_owned();
    // Mentions outrank the plain count: `@2` says two unread messages call you.
    let badge = match (conversation.unread, conversation.mentions) {
        (0, 0) => String::new(),
        (_, m) if m > 999 => "@999+".to_owned(),
        (_, m) if m > 0 => format!("@{m}"),
        (n, _) if n > 999 => "999+".to_owned(),
        (n, _) => n.to_string(),
    };
    let badge_style = if conversation.mentions > 0 {
        Style::new()
            .fg(Color::Black)
            .bg(Color::Magenta)
            .add_modifier(Modifier::BOLD)
    } else {
        Style::new().fg(Color::Black).bg(Color::Cyan)
    };
    let room = width.saturating_sub(3 + str_width(&badge) + 1);
    let title = truncate(&title, room);
    let pad = width.saturating_sub(3 + str_width(&title) + str_width(&badge) + 1);
    let title_style = if conversation.unread > 0 {
        bold()
    } else {
        Style::new()
    };
    let line = Line::from(vec![
        Span::raw(" "),
        Span::styled(marker.to_owned(), marker_style),
        Span::raw(" "),
        Span::styled(title, title_style),
        Span::raw(" ".repeat(pad)),
        Span::styled(badge, badge_style),
        Span::raw(" "),
    ]);
    if selected {
        line.style(Style::new().add_modifier(Modifier::REVERSED))
    } else {
        line
    }
}

/// Draws the community view in the message pane.
pub fn draw_community(frame: &mut Frame<'_>, area: Rect, community: &Community) {
    let mut lines = vec![
        Line::styled(
            " Public lobbies you have not joined. ↑↓ choose · Enter join · Esc close",
            dim(),
        ),
        Line::raw(""),
    ];
    if community.loading {
        lines.push(Line::styled(" loading…", dim()));
    } else if community.lobbies.is_empty() {
        lines.push(Line::raw(
            " Nothing new here: /create <name> starts a lobby.",
        ));
    }
    let width = area.width as usize;
    for (i, lobby) in community.lobbies.iter().enumerate() {
        let members = format!("{} members", lobby.member_count);
        let text = format!(
            " #{:<20} {:>11}  {}",
            lobby.name, members, lobby.description
        );
        let line = Line::raw(truncate(&text.replace('\n', " "), width));
        lines.push(if i == community.selected {
            line.style(Style::new().add_modifier(Modifier::REVERSED))
        } else {
            line
        });
    }
    frame.render_widget(Paragraph::new(lines), area);
}
