//! The message pane: day separators, `time  author │ text` rows wrapped to the pane's width,
//! edited and deleted markers, own and pending messages, and the conversation header.
//! Message bodies are drawn formatted, from the same Markdown parse every client uses.

use chat_core::markup::Document;
use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::markup::{self, Reader};
use super::wrap::{str_width, truncate};
use super::{bold, dim, name_color};
use crate::state::{App, Conversation, History, Kind};
use crate::time::day_label;

const TIME_WIDTH: usize = 5;
const SEPARATOR: &str = " │ ";
/// The separator's width in cells.
const SEPARATOR_WIDTH: usize = 3;

fn name_width(width: u16) -> usize {
    if width < 50 { 8 } else { 12 }
}

/// Every row of a conversation at `width` columns, oldest first. The reducer counts these
/// to scroll and to decide when to fetch older history, so drawing and logic agree.
pub fn rows(app: &App, conversation: &Conversation, width: u16) -> Vec<Line<'static>> {
    let name_width = name_width(width);
    let indent = TIME_WIDTH + 1 + name_width;
    let text_width = (width as usize)
        .saturating_sub(indent + SEPARATOR_WIDTH)
        .max(8);
    let me = app.me.as_ref();
    let mut out = Vec::new();
    if conversation.history == History::Complete {
        out.push(centered_line(
            format!("beginning of {}", app.title(conversation)),
            width,
            dim(),
        ));
    }
    let mut last_day = None;
    let mut day_separator = |out: &mut Vec<Line<'static>>, millis: i64| {
        let day = app.zone.day(millis);
        if day.is_some() && day != last_day {
            last_day = day;
            if let Some(day) = day {
                out.push(centered_line(day_label(day), width, dim()));
            }
        }
    };
    for message in &conversation.messages {
        day_separator(&mut out, message.created_ms);
        let own = me.is_some_and(|me| message.author_id == Some(me.id));
        let mentioned = !own && message.calls_me;
        let name_style = if own {
            bold().fg(Color::White)
        } else if message.author_id.is_none() {
            dim()
        } else {
            bold().fg(name_color(&message.author))
        };
        let (body, marker) = if message.deleted {
            (
                vec![Line::from(Span::styled(
                    "(message deleted)",
                    dim().add_modifier(Modifier::ITALIC),
                ))],
                None,
            )
        } else {
            // My own messages never call me, so only others' mentions of me stand out.
            let reader = Reader {
                username: me.filter(|_| !own).map(|me| me.username.as_str()),
                broadcast: message.broadcast,
            };
            let mut body = markup::render(&Document::parse(&message.content), text_width, reader);
            if mentioned {
                // The whole message is tinted under its own styles, as before formatting.
                restyle(&mut body, |style| {
                    Style::new().fg(Color::Yellow).patch(style)
                });
            }
            (body, message.edited.then_some("(edited)"))
        };
        if let Some(quote) = message.reply.as_ref().filter(|_| !message.deleted) {
            let quote = truncate(&format!("↪ {quote}"), text_width);
            out.push(Line::from(vec![
                Span::raw(" ".repeat(indent + SEPARATOR_WIDTH)),
                Span::styled(quote, dim().add_modifier(Modifier::ITALIC)),
            ]));
        }
        let marker = match (marker, message.pinned && !message.deleted) {
            (Some(m), true) => Some(format!("{m} 📌")),
            (Some(m), false) => Some(m.to_owned()),
            (None, true) => Some("📌".to_owned()),
            (None, false) => None,
        };
        push_message(
            &mut out,
            Prefix {
                time: app.zone.clock(message.created_ms),
                name: message.author.clone(),
                name_style,
                name_width,
                mention_bar: mentioned,
            },
            body,
            marker.map(|m| (m, dim())),
            text_width,
        );
        if !message.reactions.is_empty() && !message.deleted {
            let mut spans = vec![Span::raw(" ".repeat(indent + SEPARATOR_WIDTH))];
            for (emoji, count, mine) in &message.reactions {
                let style = if *mine {
                    Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD)
                } else {
                    dim()
                };
                spans.push(Span::styled(format!("{emoji} {count}"), style));
                spans.push(Span::raw("  "));
            }
            out.push(Line::from(spans));
        }
    }
    let my_name = me.map(|m| m.username.clone()).unwrap_or_default();
    for pending in &conversation.pending {
        day_separator(&mut out, pending.created_ms);
        let marker = match &pending.failed {
            None => ("⋯ sending".to_owned(), dim()),
            Some(reason) => (format!("✗ not sent: {reason}"), Style::new().fg(Color::Red)),
        };
        // Drawn formatted, as it will look once sent, but dim over every style until then.
        let mut body = markup::render(
            &Document::parse(&pending.content),
            text_width,
            Reader {
                username: None,
                broadcast: false,
            },
        );
        restyle(&mut body, |style| style.patch(dim()));
        push_message(
            &mut out,
            Prefix {
                time: app.zone.clock(pending.created_ms),
                name: my_name.clone(),
                name_style: dim().add_modifier(Modifier::BOLD),
                name_width,
                mention_bar: false,
            },
            body,
            Some(marker),
            text_width,
        );
    }
    out
}

struct Prefix {
    time: String,
    name: String,
    name_style: Style,
    name_width: usize,
    mention_bar: bool,
}

/// Changes the style of every span of `lines`.
fn restyle(lines: &mut [Line<'static>], f: impl Fn(Style) -> Style) {
    for span in lines.iter_mut().flat_map(|line| line.spans.iter_mut()) {
        span.style = f(span.style);
    }
}

fn line_width(line: &Line<'_>) -> usize {
    line.spans.iter().map(|s| str_width(&s.content)).sum()
}

/// Pushes a message's rows: the prefix on the first, the body's rows (already fitted to
/// `text_width`) after the separator, and the marker after the last row, or on a row of
/// its own when it does not fit there.
fn push_message(
    out: &mut Vec<Line<'static>>,
    prefix: Prefix,
    mut lines: Vec<Line<'static>>,
    marker: Option<(String, Style)>,
    text_width: usize,
) {
    if lines.is_empty() {
        lines.push(Line::default());
    }
    let mut marker_line = None;
    if let Some((marker, style)) = marker {
        let last = lines.last().map_or(0, line_width);
        if last + 1 + str_width(&marker) > text_width {
            lines.push(Line::default());
        }
        marker_line = Some((lines.len() - 1, marker, style));
    }
    let bar_style = if prefix.mention_bar {
        Style::new().fg(Color::Yellow)
    } else {
        dim()
    };
    for (i, line) in lines.into_iter().enumerate() {
        let mut spans = if i == 0 {
            let name = truncate(&prefix.name, prefix.name_width);
            let pad = prefix.name_width.saturating_sub(str_width(&name));
            vec![
                Span::styled(prefix.time.clone(), dim()),
                Span::raw(" ".repeat(pad + 1)),
                Span::styled(name, prefix.name_style),
            ]
        } else {
            vec![Span::raw(" ".repeat(TIME_WIDTH + 1 + prefix.name_width))]
        };
        spans.push(Span::styled(SEPARATOR, bar_style));
        let empty = line_width(&line) == 0;
        spans.extend(line.spans);
        if let Some((row, marker, style)) = &marker_line
            && *row == i
        {
            if !empty {
                spans.push(Span::raw(" "));
            }
            spans.push(Span::styled(marker.clone(), *style));
        }
        out.push(Line::from(spans));
    }
}

fn centered_line(text: String, width: u16, style: Style) -> Line<'static> {
    let text = format!(" {text} ");
    let side = (width as usize).saturating_sub(str_width(&text)) / 2;
    let rule = "─".repeat(side.min(20));
    Line::from(vec![
        Span::styled(rule.clone(), dim()),
        Span::styled(text, style),
        Span::styled(rule, dim()),
    ])
    .alignment(Alignment::Center)
}

/// Draws the visible window of the current conversation.
pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let Some(conversation) = app.current() else {
        let hint = Paragraph::new(vec![
            Line::raw(""),
            Line::styled("No conversation yet.", bold()),
            Line::raw(""),
            Line::raw("/join <lobby> or F2 to discover public lobbies,"),
            Line::raw("/create <name> to start one, /dm <user> to talk to someone."),
        ])
        .alignment(Alignment::Center);
        frame.render_widget(hint, area);
        return;
    };
    let all = rows(app, conversation, area.width);
    let height = area.height as usize;
    let end = all.len().saturating_sub(conversation.scroll);
    let start = end.saturating_sub(height);
    let mut visible: Vec<Line<'static>> = all[start..end].to_vec();
    if conversation.loading_older || conversation.history == History::Loading {
        let note = Line::styled("loading history…", dim()).alignment(Alignment::Center);
        if visible.len() >= height && !visible.is_empty() {
            visible[0] = note;
        } else {
            visible.insert(0, note);
        }
    }
    // Short conversations sit at the bottom, next to the input, like every chat client.
    let padding = height.saturating_sub(visible.len());
    let mut lines = vec![Line::raw(""); padding];
    lines.extend(visible);
    frame.render_widget(Paragraph::new(lines), area);
    if conversation.scroll > 0 && area.height > 0 {
        let more = Line::styled(
            format!(
                " ↓ {} more rows · Esc jumps to the newest ",
                conversation.scroll
            ),
            Style::new().fg(Color::Black).bg(Color::Yellow),
        )
        .alignment(Alignment::Right);
        let bottom = Rect::new(area.x, area.y + area.height - 1, area.width, 1);
        frame.render_widget(Paragraph::new(more), bottom);
    }
}

/// The title bar above the messages: name, topic or partner presence.
pub fn draw_header(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let style = Style::new().bg(Color::DarkGray).fg(Color::White);
    let mut spans = Vec::new();
    if app.community.is_some() {
        spans.push(Span::styled(" Community: public lobbies", bold()));
    } else if let Some(conversation) = app.current() {
        spans.push(Span::styled(
            format!(" {}", app.title(conversation)),
            bold(),
        ));
        match &conversation.kind {
            Kind::Lobby {
                topic, visibility, ..
            } => {
                if *visibility == chat_core::v1::Visibility::Private {
                    spans.push(Span::raw(" (private)"));
                }
                if !topic.is_empty() {
                    spans.push(Span::raw(format!(" — {}", topic.replace('\n', " "))));
                }
            }
            Kind::Chat { partner } => {
                let online = app.online.contains(partner);
                spans.push(Span::raw(if online {
                    " — online"
                } else {
                    " — offline"
                }));
            }
            Kind::Unknown => {}
        }
    }
    let text: String = spans.iter().map(|s| s.content.as_ref()).collect();
    let line = if str_width(&text) > area.width as usize {
        Line::from(truncate(&text, area.width as usize))
    } else {
        Line::from(spans)
    };
    frame.render_widget(Paragraph::new(line).style(style), area);
}
