//! Scrolling and paging the message pane (keys, mouse wheel, resize), fetching the older page
//! before the reader reaches the top, and moving the read cursor when the newest message is on
//! screen. Row counts come from [`crate::ui::messages::rows`], so they match the drawing.

use super::selection::target;
use crate::effect::Effect;
use crate::state::{App, History, Screen};
use crate::ui;

/// Rows scrolled per mouse-wheel step.
pub(super) const WHEEL_ROWS: isize = 3;

pub(super) fn page(app: &App) -> isize {
    let (_, rows) = ui::message_pane_size(app);
    (rows as isize / 2).max(1)
}

pub(super) fn scroll_by(app: &mut App, rows: isize, fx: &mut Vec<Effect>) {
    let Some(conversation) = app.current() else {
        return;
    };
    let scroll = conversation.scroll.saturating_add_signed(rows);
    if let Some(conversation) = app.current_mut() {
        conversation.scroll = scroll;
    }
    clamp_scroll(app);
    load_older_if_near_top(app, fx);
    mark_read_if_visible(app, fx);
}

pub(super) fn scroll_to_bottom(app: &mut App, fx: &mut Vec<Effect>) {
    if let Some(conversation) = app.current_mut() {
        conversation.scroll = 0;
    }
    mark_read_if_visible(app, fx);
}

/// The largest scroll for the current conversation: its rows above one screen.
fn max_scroll(app: &App) -> (usize, usize) {
    let (width, height) = ui::message_pane_size(app);
    let rows = app
        .current()
        .map_or(0, |c| ui::messages::rows(app, c, width).len());
    (rows.saturating_sub(height as usize), height as usize)
}

pub(super) fn clamp_scroll(app: &mut App) {
    let (max, _) = max_scroll(app);
    if let Some(conversation) = app.current_mut() {
        conversation.scroll = conversation.scroll.min(max);
    }
}

/// Fetches the next older page when less than half a screen of loaded rows is left above
/// the view, so scrolling up never hits a wall while history remains.
pub(super) fn load_older_if_near_top(app: &mut App, fx: &mut Vec<Effect>) {
    let (max, height) = max_scroll(app);
    let Some(conversation) = app.current_mut() else {
        return;
    };
    let above = max.saturating_sub(conversation.scroll);
    if conversation.history != History::Partial || conversation.loading_older || above >= height / 2
    {
        return;
    }
    let Some(target) = target(conversation) else {
        return;
    };
    // The timeline knows the page before the oldest one it holds.
    if let Some(before) = conversation.request_history(true) {
        fx.push(Effect::LoadHistory { target, before });
    }
}

/// Moves the read cursor when the newest message of the shown conversation is on screen.
pub(super) fn mark_read_if_visible(app: &mut App, fx: &mut Vec<Effect>) {
    if app.screen != Screen::Main || app.community.is_some() {
        return;
    }
    let Some(conversation) = app.current_mut() else {
        return;
    };
    let loaded = matches!(conversation.history, History::Partial | History::Complete);
    if !loaded || conversation.scroll != 0 {
        return;
    }
    let newest = conversation.timeline().newest_seq();
    if newest > conversation.timeline().read_seq() {
        conversation.update_timeline(|t| t.mark_read(newest));
        fx.push(Effect::MarkRead {
            conversation: conversation.id,
            seq: newest,
        });
    }
}
