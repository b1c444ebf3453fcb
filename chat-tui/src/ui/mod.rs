//! Drawing: `draw(&App)` renders the state and never changes it. One file per area.

mod help;
mod input;
mod login;
mod markup;
mod members;
pub mod messages;
mod sidebar;
mod status;
pub mod wrap;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};

use crate::state::{App, Screen};

/// Sidebar width in columns.
pub const SIDEBAR_WIDTH: u16 = 24;
/// Member list width in columns.
pub const MEMBERS_WIDTH: u16 = 22;
/// The editor shows at most this many lines before it scrolls.
const MAX_INPUT_LINES: u16 = 6;

/// Where each part of the main screen goes.
#[derive(Debug, Clone, Copy)]
pub struct Areas {
    /// Lobbies and chats.
    pub sidebar: Rect,
    /// The conversation's title and topic.
    pub header: Rect,
    /// The messages (or the community list).
    pub messages: Rect,
    /// The member list, when open.
    pub members: Option<Rect>,
    /// Connection, typing, notices.
    pub status: Rect,
    /// The editor.
    pub input: Rect,
}

/// Splits the screen. The reducer uses the same split to know how many rows the message
/// pane has (for scrolling and history paging).
pub fn areas(area: Rect, app: &App) -> Areas {
    let input_rows = input::rows_needed(app, area.width).clamp(1, MAX_INPUT_LINES) + 1;
    let [top, status, input] = Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(1),
        Constraint::Length(input_rows),
    ])
    .areas(area);
    let sidebar_width = if area.width >= 60 { SIDEBAR_WIDTH } else { 0 };
    let members_width = if app.show_members && area.width >= 80 {
        MEMBERS_WIDTH
    } else {
        0
    };
    let [sidebar, middle, members] = Layout::horizontal([
        Constraint::Length(sidebar_width),
        Constraint::Fill(1),
        Constraint::Length(members_width),
    ])
    .areas(top);
    let [header, messages] =
        Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(middle);
    // One column of air between the sidebar's rule and the times.
    let messages = Rect {
        x: messages.x + 1,
        width: messages.width.saturating_sub(1),
        ..messages
    };
    Areas {
        sidebar,
        header,
        messages,
        members: (members_width > 0).then_some(members),
        status,
        input,
    }
}

/// The message pane's size (columns, rows) at the app's terminal size.
pub fn message_pane_size(app: &App) -> (u16, u16) {
    let area = Rect::new(0, 0, app.size.0, app.size.1);
    let pane = areas(area, app).messages;
    (pane.width, pane.height)
}

/// Draws the whole screen.
pub fn draw(frame: &mut Frame<'_>, app: &App) {
    let area = frame.area();
    match app.screen {
        Screen::Login => login::draw(frame, area, app),
        Screen::Connecting => login::draw_connecting(frame, area, app),
        Screen::Main => {
            let areas = areas(area, app);
            sidebar::draw(frame, areas.sidebar, app);
            messages::draw_header(frame, areas.header, app);
            match &app.community {
                Some(community) => sidebar::draw_community(frame, areas.messages, community),
                None => messages::draw(frame, areas.messages, app),
            }
            if let Some(rect) = areas.members {
                members::draw(frame, rect, app);
            }
            status::draw(frame, areas.status, app);
            input::draw(frame, areas.input, app);
            if app.show_help {
                help::draw(frame, area);
            }
        }
    }
}

/// The color of a username: stable per name, so people are easy to tell apart.
pub fn name_color(name: &str) -> Color {
    const COLORS: [Color; 6] = [
        Color::Green,
        Color::Yellow,
        Color::Blue,
        Color::Magenta,
        Color::Cyan,
        Color::LightRed,
    ];
    let hash = name
        .bytes()
        .fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)));
    COLORS[hash as usize % COLORS.len()]
}

/// Dim text.
pub fn dim() -> Style {
    Style::new().fg(Color::DarkGray)
}

/// Bold text.
pub fn bold() -> Style {
    Style::new().add_modifier(Modifier::BOLD)
}

/// A rectangle of at most `width` × `height` centred in `area`.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect::new(
        area.x + (area.width - width) / 2,
        area.y + (area.height - height) / 2,
        width,
        height,
    )
}
