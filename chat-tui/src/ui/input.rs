//! The editor area: a top rule naming the target (or the message being edited), and the
//! text soft-wrapped by character, with the terminal cursor placed in it.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Paragraph};
use unicode_width::UnicodeWidthChar;

use super::dim;
use crate::state::App;

/// The editor's text as display rows of at most `width` cells, and the cursor's row and
/// column among them.
pub fn layout(text: &str, cursor: usize, width: u16) -> (Vec<String>, (usize, usize)) {
    let width = (width as usize).max(2);
    let mut rows = vec![String::new()];
    let mut used = 0;
    let mut at = (0, 0);
    for (i, c) in text.char_indices() {
        if i == cursor {
            at = (rows.len() - 1, used);
        }
        if c == '\n' {
            rows.push(String::new());
            used = 0;
            continue;
        }
        let w = c.width().unwrap_or(0);
        if used + w > width {
            rows.push(String::new());
            used = 0;
            if i == cursor {
                at = (rows.len() - 1, 0);
            }
        }
        if let Some(row) = rows.last_mut() {
            row.push(c);
        }
        used += w;
    }
    if cursor >= text.len() {
        at = (rows.len() - 1, used);
        if used >= width {
            rows.push(String::new());
            at = (rows.len() - 1, 0);
        }
    }
    (rows, at)
}

/// Rows the editor wants at this terminal width.
pub fn rows_needed(app: &App, width: u16) -> u16 {
    let (rows, _) = layout(
        app.editor.text(),
        app.editor.cursor(),
        width.saturating_sub(2),
    );
    u16::try_from(rows.len()).unwrap_or(u16::MAX)
}

/// Draws the editor.
pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let title = if app.editor.editing.is_some() {
        " editing your message: Enter saves, empty deletes, Esc cancels ".to_owned()
    } else {
        match app.current() {
            Some(c) => format!(" message {} ", app.title(c)),
            None => " /join a lobby or /dm someone ".to_owned(),
        }
    };
    let border = if app.editor.editing.is_some() {
        Style::new().fg(Color::Yellow)
    } else {
        dim()
    };
    let block = Block::new()
        .borders(Borders::TOP)
        .border_style(border)
        .title(title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let text_area = Rect::new(
        inner.x + 1,
        inner.y,
        inner.width.saturating_sub(2),
        inner.height,
    );
    let (rows, (row, column)) = layout(app.editor.text(), app.editor.cursor(), text_area.width);
    // Keep the cursor's row visible when the text is taller than the area.
    let first = (row + 1).saturating_sub(text_area.height as usize);
    let lines: Vec<Line> = rows
        .into_iter()
        .skip(first)
        .take(text_area.height as usize)
        .map(Line::raw)
        .collect();
    frame.render_widget(Paragraph::new(lines), text_area);
    if !app.show_help {
        let x = text_area.x + u16::try_from(column).unwrap_or(0);
        let y = text_area.y + u16::try_from(row - first).unwrap_or(0);
        frame.set_cursor_position(Position::new(x, y));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cursor_follows_wrapped_and_wide_text() {
        let (rows, at) = layout("ab日本", 5, 4);
        assert_eq!(rows, vec!["ab日", "本"]);
        assert_eq!(at, (1, 0));
        let (rows, at) = layout("one\ntwo", 7, 10);
        assert_eq!(rows, vec!["one", "two"]);
        assert_eq!(at, (1, 3));
    }
}
