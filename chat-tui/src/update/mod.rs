//! The reducer: `update(&mut app, event) -> effects`. It does no I/O and reads no clock (time
//! comes in as [`Event::Tick`]), so every behaviour of the client is unit-tested without a
//! terminal or a network.
//!
//! This file holds the entry point, [`update`], which dispatches each event to the file that
//! handles it, and the clock tick. The seams:
//!
//! - `login.rs`: keys on the sign-in form (and the field a paste goes to), and its submission.
//! - `keys.rs`: keys on the main screen — the editor, the community view, the member list,
//!   typing indications, sending, editing and deleting messages, slash commands.
//! - `selection.rs`: switching conversations; loads history and members as needed.
//! - `scroll.rs`: scrolling and paging the message pane, fetching older pages near the top,
//!   and moving the read cursor when the newest message is on screen.
//! - `network.rs`: the worker's reports ([`crate::event::NetEvent`]): sign-in, REST results
//!   (conversation list, history pages, members, community, sends) and failures.
//! - `frames.rs`: what the gateway reports: its connection's lifecycle and the server frames.
//!
//! Nothing under `crate::ui` imports from here; what both need lives in [`crate::state`].

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseEventKind};

use crate::effect::Effect;
use crate::event::Event;
use crate::state::{App, Screen};

mod frames;
mod keys;
mod login;
mod network;
mod scroll;
mod selection;

pub use selection::select;

use keys::main_key;
use login::{login_field, login_key};
use network::network;
use scroll::{WHEEL_ROWS, clamp_scroll, load_older_if_near_top, scroll_by};

/// Applies one event to the state and returns what should happen outside.
pub fn update(app: &mut App, event: Event) -> Vec<Effect> {
    let mut fx = Vec::new();
    match event {
        Event::Tick(now) => tick(app, now),
        Event::Resize(columns, rows) => {
            app.size = (columns, rows);
            clamp_scroll(app);
            load_older_if_near_top(app, &mut fx);
        }
        Event::Key(key) if key.kind != KeyEventKind::Release => match app.screen {
            Screen::Login => login_key(app, key, &mut fx),
            Screen::Connecting => {
                if is_quit(key) {
                    app.quit = true;
                }
            }
            Screen::Main => main_key(app, key, &mut fx),
        },
        Event::Key(_) => {}
        Event::Mouse(mouse) if app.screen == Screen::Main => match mouse.kind {
            MouseEventKind::ScrollUp => scroll_by(app, WHEEL_ROWS, &mut fx),
            MouseEventKind::ScrollDown => scroll_by(app, -WHEEL_ROWS, &mut fx),
            _ => {}
        },
        Event::Mouse(_) => {}
        Event::Paste(text) => match app.screen {
            Screen::Login => login_field(app).push_str(text.trim_end_matches(['\r', '\n'])),
            Screen::Main => app
                .editor
                .insert(&text.replace("\r\n", "\n").replace('\r', "\n")),
            Screen::Connecting => {}
        },
        Event::Net(net) => network(app, net, &mut fx),
    }
    fx
}

fn is_quit(key: KeyEvent) -> bool {
    key.modifiers.contains(KeyModifiers::CONTROL)
        && matches!(key.code, KeyCode::Char('c') | KeyCode::Char('q'))
}

fn tick(app: &mut App, now: i64) {
    app.now_ms = now;
    for conversation in &mut app.conversations {
        conversation.typing.retain(|_, until| *until > now);
    }
    if app.notice.as_ref().is_some_and(|n| n.until_ms <= now) {
        app.notice = None;
    }
}
