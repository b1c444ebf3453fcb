//! Keys on the main screen: the editor, the help overlay, the community view, the member
//! list, conversation switching keys, typing indications, and what Enter does — send, edit or
//! delete a message, or run a slash command.

use chat_core::v1::MessageContent;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::is_quit;
use super::scroll::{page, scroll_by, scroll_to_bottom};
use super::selection::{load_members_if_needed, select, select_offset};
use crate::commands::{self, Command};
use crate::effect::Effect;
use crate::state::{App, Community, Kind, TYPING_REPEAT_MS};

pub(super) fn main_key(app: &mut App, key: KeyEvent, fx: &mut Vec<Effect>) {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let alt = key.modifiers.contains(KeyModifiers::ALT);
    let shift = key.modifiers.contains(KeyModifiers::SHIFT);
    if is_quit(key) {
        app.quit = true;
        return;
    }
    if app.show_help {
        app.show_help = false;
        return;
    }
    if app.community.is_some() && community_key(app, key, fx) {
        return;
    }
    match key.code {
        KeyCode::F(1) => app.show_help = true,
        KeyCode::Char('?') if app.editor.is_empty() && !ctrl && !alt => app.show_help = true,
        KeyCode::F(2) => open_community(app, fx),
        KeyCode::F(3) => toggle_members(app, fx),
        KeyCode::Char('m') if alt => toggle_members(app, fx),
        KeyCode::Esc => {
            if app.editor.editing.is_some() {
                app.editor.clear();
            } else {
                scroll_to_bottom(app, fx);
            }
        }
        KeyCode::Up if alt => select_offset(app, -1, fx),
        KeyCode::Down if alt => select_offset(app, 1, fx),
        KeyCode::Char('p') if ctrl => select_offset(app, -1, fx),
        KeyCode::Char('n') if ctrl => select_offset(app, 1, fx),
        KeyCode::Char(c @ '1'..='9') if alt => {
            let index = (c as usize) - ('1' as usize);
            if let Some(id) = app.conversations.get(index).map(|c| c.id) {
                select(app, id, fx);
            }
        }
        KeyCode::PageUp => scroll_by(app, page(app), fx),
        KeyCode::PageDown => scroll_by(app, -page(app), fx),
        KeyCode::Enter if alt || shift => app.editor.insert("\n"),
        KeyCode::Enter => submit(app, fx),
        KeyCode::Tab => {
            let names = app.completion_names();
            app.editor.complete(&names, &commands::names());
        }
        KeyCode::Up if ctrl => app.editor.history_prev(),
        KeyCode::Down if ctrl => app.editor.history_next(),
        KeyCode::Up => {
            if app.editor.is_empty() {
                recall_last(app);
            } else {
                app.editor.up();
            }
        }
        KeyCode::Down => {
            app.editor.down();
        }
        KeyCode::Left => app.editor.left(),
        KeyCode::Right => app.editor.right(),
        KeyCode::Home => app.editor.home(),
        KeyCode::End => app.editor.end(),
        KeyCode::Char('a') if ctrl => app.editor.home(),
        KeyCode::Char('e') if ctrl => app.editor.end(),
        KeyCode::Char('w') if ctrl => app.editor.delete_word(),
        KeyCode::Char('u') if ctrl => app.editor.set_text(""),
        KeyCode::Backspace => app.editor.backspace(),
        KeyCode::Delete => app.editor.delete(),
        KeyCode::Char(c) if !ctrl && !alt => {
            app.editor.insert(c.encode_utf8(&mut [0; 4]));
            typing(app, fx);
        }
        _ => {}
    }
}

fn community_key(app: &mut App, key: KeyEvent, fx: &mut Vec<Effect>) -> bool {
    let Some(community) = app.community.as_mut() else {
        return false;
    };
    match key.code {
        KeyCode::Esc | KeyCode::F(2) => app.community = None,
        KeyCode::Up => community.selected = community.selected.saturating_sub(1),
        KeyCode::Down => {
            if community.selected + 1 < community.lobbies.len() {
                community.selected += 1;
            }
        }
        KeyCode::Enter => {
            if let Some(lobby) = community.lobbies.get(community.selected) {
                let (id, name) = (lobby.id, lobby.name.clone());
                fx.push(Effect::Join(id));
                app.community = None;
                app.info(format!("joining #{name}…"));
            }
        }
        _ => return false,
    }
    true
}

fn open_community(app: &mut App, fx: &mut Vec<Effect>) {
    if app.community.is_some() {
        app.community = None;
    } else {
        app.community = Some(Community {
            loading: true,
            ..Community::default()
        });
        fx.push(Effect::LoadCommunity);
    }
}

fn toggle_members(app: &mut App, fx: &mut Vec<Effect>) {
    app.show_members = !app.show_members;
    load_members_if_needed(app, fx);
}

fn typing(app: &mut App, fx: &mut Vec<Effect>) {
    let Some(id) = app.selected else {
        return;
    };
    // A chat opened a moment ago has no event yet, and the server's connection does not
    // know it until its first message: typing there would be answered `not_found`.
    let fresh = app
        .conversation(id)
        .is_none_or(|c| c.timeline().newest_seq() == 0);
    if app.editor.text().starts_with('/') || app.editor.editing.is_some() || fresh {
        return;
    }
    let last = app.typing_sent.get(&id).copied().unwrap_or(i64::MIN);
    if app.now_ms.saturating_sub(last) >= TYPING_REPEAT_MS {
        app.typing_sent.insert(id, app.now_ms);
        fx.push(Effect::Typing(id));
    }
}

/// Up in an empty editor: bring back a message that failed to send, else edit the user's
/// last message.
fn recall_last(app: &mut App) {
    let me = app.me.as_ref().map(|m| m.id);
    let Some(conversation) = app.current_mut() else {
        return;
    };
    if let Some(i) = conversation
        .pending
        .iter()
        .rposition(|p| p.failed.is_some())
    {
        let failed = conversation.pending.remove(i);
        app.editor.set_text(&failed.content);
        return;
    }
    let last = conversation
        .messages
        .iter()
        .rev()
        .find(|m| !m.deleted && m.author_id.is_some() && m.author_id == me)
        .map(|m| (m.id, m.content.clone()));
    if let Some((id, content)) = last {
        app.editor.set_text(&content);
        app.editor.editing = Some(id);
    }
}

fn submit(app: &mut App, fx: &mut Vec<Effect>) {
    let text = app.editor.text().to_owned();
    if let Some(message) = app.editor.editing {
        app.editor.clear();
        if text.trim().is_empty() {
            fx.push(Effect::Delete(message));
        } else {
            match MessageContent::parse(text.trim_end()) {
                Ok(content) => fx.push(Effect::Edit { message, content }),
                Err(e) => app.error(e.to_string()),
            }
        }
        return;
    }
    if text.trim().is_empty() {
        return;
    }
    if text.starts_with('/') && !text.starts_with("//") {
        match commands::parse(&text) {
            Ok(command) => {
                app.editor.take();
                run_command(app, command, fx);
            }
            Err(e) => app.error(e.0),
        }
        return;
    }
    // `//text` sends `/text`.
    let body = text
        .strip_prefix('/')
        .filter(|t| t.starts_with('/'))
        .unwrap_or(&text);
    let Some(id) = app.selected else {
        app.error("no conversation selected: /join a lobby or /dm someone");
        return;
    };
    let content = match MessageContent::parse(body.trim_end()) {
        Ok(content) => content,
        Err(e) => {
            app.error(e.to_string());
            return;
        }
    };
    app.editor.take();
    let nonce = app.next_nonce();
    let now = app.now_ms;
    app.typing_sent.remove(&id);
    if let Some(conversation) = app.conversation_mut(id) {
        conversation.push_send(nonce.clone(), content.clone(), now);
        conversation.scroll = 0;
    }
    fx.push(Effect::Send {
        conversation: id,
        nonce,
        content,
        delay_ms: 0,
    });
}

/// The newest message of the shown conversation that is not deleted and passes `wanted`.
fn newest(
    app: &App,
    wanted: impl Fn(&crate::state::Msg) -> bool,
) -> Option<(chat_core::v1::ConversationId, chat_core::v1::MessageId)> {
    let conversation = app.current()?;
    conversation
        .messages
        .iter()
        .rev()
        .find(|m| !m.deleted && wanted(m))
        .map(|m| (conversation.id, m.id))
}

fn run_command(app: &mut App, command: Command, fx: &mut Vec<Effect>) {
    let current = app.current().map(|c| (c.id, c.kind.clone()));
    let lobby = match &current {
        Some((id, Kind::Lobby { .. })) => Some(id.as_lobby()),
        _ => None,
    };
    let need_lobby = |app: &mut App| app.error("this command works in a lobby");
    match command {
        Command::Join(name) => fx.push(Effect::JoinByName(name)),
        Command::Create { name, private } => fx.push(Effect::Create { name, private }),
        Command::Leave => match current {
            Some((id, Kind::Lobby { .. })) => fx.push(Effect::Leave(id.as_lobby())),
            Some((id, Kind::Chat { .. })) => fx.push(Effect::CloseChat(id.as_chat())),
            _ => app.error("nothing to leave"),
        },
        Command::Dm(user) => fx.push(Effect::OpenDm(user)),
        Command::Invite(user) => match lobby {
            Some(lobby) => fx.push(Effect::Invite { lobby, user }),
            None => need_lobby(app),
        },
        Command::Kick(user) => match lobby {
            Some(lobby) => fx.push(Effect::Kick { lobby, user }),
            None => need_lobby(app),
        },
        Command::Topic(None) => match current {
            Some((_, Kind::Lobby { name, topic, .. })) if topic.is_empty() => {
                app.info(format!("#{name} has no topic; /topic <text> sets one"));
            }
            Some((_, Kind::Lobby { name, topic, .. })) => app.info(format!("#{name}: {topic}")),
            _ => need_lobby(app),
        },
        Command::Topic(Some(topic)) => match lobby {
            Some(lobby) => fx.push(Effect::SetTopic { lobby, topic }),
            None => need_lobby(app),
        },
        Command::Delete => {
            recall_last(app);
            match app.editor.editing {
                Some(id) => {
                    app.editor.clear();
                    fx.push(Effect::Delete(id));
                }
                None => app.error("you have no message here to delete"),
            }
        }
        Command::Reply(content) => match newest(app, |_| true) {
            Some((conversation, reply_to)) => fx.push(Effect::Reply {
                conversation,
                reply_to,
                content,
            }),
            None => app.error("no message here to answer"),
        },
        Command::React(emoji, add) => match newest(app, |_| true) {
            Some((_, message)) => fx.push(Effect::React {
                message,
                emoji,
                add,
            }),
            None => app.error("no message here to react to"),
        },
        Command::Pin(pin) => match newest(app, |m| pin || m.pinned) {
            Some((_, message)) => fx.push(Effect::Pin { message, pin }),
            None if pin => app.error("no message here to pin"),
            None => app.error("no pinned message here"),
        },
        Command::Members => toggle_members(app, fx),
        Command::Community => open_community(app, fx),
        Command::Help => app.show_help = true,
        Command::Quit => app.quit = true,
    }
}
