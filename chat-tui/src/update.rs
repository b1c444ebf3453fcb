//! The reducer: `update(&mut app, event) -> effects`. It does no I/O and reads no clock (time
//! comes in as [`Event::Tick`]), so every behaviour of the client is unit-tested without a
//! terminal or a network.

use chat_client::{Conversation as Target, GatewayEvent};
use chat_core::v1::{ConversationId, Message, MessageContent, ServerFrame, UserId};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseEventKind};

use crate::commands::{self, Command};
use crate::effect::{Effect, Secret};
use crate::event::{Event, NetEvent};
use crate::state::{
    App, Community, CommunityLobby, Connection, Conversation, History, Kind, LoginField,
    MAX_SEND_ATTEMPTS, Me, MemberEntry, Msg, Pending, Screen, TYPING_REPEAT_MS, TYPING_TTL_MS,
};
use crate::ui;

/// Rows scrolled per mouse-wheel step.
const WHEEL_ROWS: isize = 3;

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

// ---- the sign-in form ----

fn login_field(app: &mut App) -> &mut String {
    match app.login.focus {
        LoginField::Server => &mut app.login.server,
        LoginField::Username => &mut app.login.username,
        LoginField::Password => &mut app.login.password,
    }
}

fn login_key(app: &mut App, key: KeyEvent, fx: &mut Vec<Effect>) {
    if is_quit(key) || key.code == KeyCode::Esc {
        app.quit = true;
        return;
    }
    if app.login.busy {
        return;
    }
    let next = |f: LoginField| match f {
        LoginField::Server => LoginField::Username,
        LoginField::Username => LoginField::Password,
        LoginField::Password => LoginField::Server,
    };
    let previous = |f: LoginField| next(next(f));
    match key.code {
        KeyCode::Char('r') if key.modifiers.contains(KeyModifiers::CONTROL) => {
            app.login.register = !app.login.register;
        }
        KeyCode::F(2) => app.login.register = !app.login.register,
        KeyCode::Tab | KeyCode::Down => app.login.focus = next(app.login.focus),
        KeyCode::BackTab | KeyCode::Up => app.login.focus = previous(app.login.focus),
        KeyCode::Enter => {
            let form = &app.login;
            if form.focus != LoginField::Password && form.password.is_empty() {
                app.login.focus = next(form.focus);
            } else {
                submit_login(app, fx);
            }
        }
        KeyCode::Backspace => {
            login_field(app).pop();
        }
        KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
            let field = login_field(app);
            if field.len() < 512 {
                field.push(c);
            }
        }
        _ => {}
    }
}

fn submit_login(app: &mut App, fx: &mut Vec<Effect>) {
    let form = &mut app.login;
    let server = form.server.trim().trim_end_matches('/').to_owned();
    if !(server.starts_with("http://") || server.starts_with("https://")) {
        form.error = Some("the server URL starts with http:// or https://".into());
        form.focus = LoginField::Server;
        return;
    }
    if let Err(e) = chat_core::v1::Username::parse(form.username.trim()) {
        form.error = Some(e.to_string());
        form.focus = LoginField::Username;
        return;
    }
    if form.password.is_empty() {
        form.error = Some("enter your password".into());
        form.focus = LoginField::Password;
        return;
    }
    form.error = None;
    form.busy = true;
    form.server = server.clone();
    fx.push(Effect::Login {
        server,
        username: form.username.trim().to_owned(),
        password: Secret(form.password.clone()),
        register: form.register,
    });
}

// ---- the main screen ----

fn main_key(app: &mut App, key: KeyEvent, fx: &mut Vec<Effect>) {
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

fn page(app: &App) -> isize {
    let (_, rows) = ui::message_pane_size(app);
    (rows as isize / 2).max(1)
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

fn load_members_if_needed(app: &mut App, fx: &mut Vec<Effect>) {
    if let Some(conversation) = app.current()
        && conversation.is_lobby()
        && conversation.members.is_none()
    {
        fx.push(Effect::LoadMembers(conversation.id.as_lobby()));
    }
}

fn typing(app: &mut App, fx: &mut Vec<Effect>) {
    let Some(id) = app.selected else {
        return;
    };
    // A chat opened a moment ago has no event yet, and the server's connection does not
    // know it until its first message: typing there would be answered `not_found`.
    let fresh = app.conversation(id).is_none_or(|c| c.last_message_seq == 0);
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
        conversation.pending.push(Pending {
            nonce: nonce.clone(),
            content: content.as_str().to_owned(),
            created_ms: now,
            attempts: 1,
            failed: None,
        });
        conversation.scroll = 0;
    }
    fx.push(Effect::Send {
        conversation: id,
        nonce,
        content,
        delay_ms: 0,
    });
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
        Command::Members => toggle_members(app, fx),
        Command::Community => open_community(app, fx),
        Command::Help => app.show_help = true,
        Command::Quit => app.quit = true,
    }
}

// ---- selection, scrolling, reading ----

fn select_offset(app: &mut App, offset: isize, fx: &mut Vec<Effect>) {
    let count = app.conversations.len() as isize;
    if count == 0 {
        return;
    }
    let index = app
        .selected
        .and_then(|id| app.conversations.iter().position(|c| c.id == id))
        .map_or(0, |i| (i as isize + offset).rem_euclid(count));
    let id = app.conversations[index as usize].id;
    select(app, id, fx);
}

/// Shows a conversation: loads its history and members when needed and marks it read.
pub fn select(app: &mut App, id: ConversationId, fx: &mut Vec<Effect>) {
    if app.selected != Some(id) {
        app.selected = Some(id);
        app.community = None;
        // An edit belongs to a message of the conversation that was shown.
        if app.editor.editing.is_some() {
            app.editor.clear();
        }
    }
    let Some(conversation) = app.conversation_mut(id) else {
        return;
    };
    if conversation.history == History::NotLoaded
        && let Some(target) = target(conversation)
    {
        conversation.history = History::Loading;
        fx.push(Effect::LoadHistory {
            target,
            before: None,
        });
    }
    load_members_if_needed(app, fx);
    mark_read_if_visible(app, fx);
}

fn target(conversation: &Conversation) -> Option<Target> {
    match conversation.kind {
        Kind::Lobby { .. } => Some(Target::Lobby(conversation.id.as_lobby())),
        Kind::Chat { .. } => Some(Target::Chat(conversation.id.as_chat())),
        Kind::Unknown => None,
    }
}

fn scroll_by(app: &mut App, rows: isize, fx: &mut Vec<Effect>) {
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

fn scroll_to_bottom(app: &mut App, fx: &mut Vec<Effect>) {
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

fn clamp_scroll(app: &mut App) {
    let (max, _) = max_scroll(app);
    if let Some(conversation) = app.current_mut() {
        conversation.scroll = conversation.scroll.min(max);
    }
}

/// Fetches the next older page when less than half a screen of loaded rows is left above
/// the view, so scrolling up never hits a wall while history remains.
fn load_older_if_near_top(app: &mut App, fx: &mut Vec<Effect>) {
    let (max, height) = max_scroll(app);
    let Some(conversation) = app.current_mut() else {
        return;
    };
    let above = max.saturating_sub(conversation.scroll);
    if conversation.history != History::Partial || conversation.loading_older || above >= height / 2
    {
        return;
    }
    let before = conversation
        .messages
        .iter()
        .find(|m| !m.deleted)
        .or(conversation.messages.first())
        .map(|m| m.id);
    if let (Some(before), Some(target)) = (before, target(conversation)) {
        conversation.loading_older = true;
        fx.push(Effect::LoadHistory {
            target,
            before: Some(before),
        });
    }
}

/// Moves the read cursor when the newest message of the shown conversation is on screen.
fn mark_read_if_visible(app: &mut App, fx: &mut Vec<Effect>) {
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
    if conversation.last_message_seq > conversation.read_seq {
        conversation.read_seq = conversation.last_message_seq;
        fx.push(Effect::MarkRead {
            conversation: conversation.id,
            seq: conversation.last_message_seq,
        });
    }
    conversation.unread = 0;
    conversation.mentioned = false;
}

/// Whether `text` mentions `@username` (not as part of a longer name).
pub fn mentions(text: &str, username: &str) -> bool {
    let needle = format!("@{username}");
    let name_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-');
    text.match_indices(&needle).any(|(i, _)| {
        let before_ok = text[..i].chars().next_back().is_none_or(|c| !name_char(c));
        let after = text[i + needle.len()..].chars().next();
        // A trailing dot ends a sentence rather than continuing the name.
        let after_ok = match after {
            None => true,
            Some('.') => text[i + needle.len() + 1..]
                .chars()
                .next()
                .is_none_or(|c| !name_char(c)),
            Some(c) => !name_char(c),
        };
        before_ok && after_ok
    })
}

// ---- the network ----

fn to_msg(message: &Message) -> Msg {
    Msg {
        id: message.id,
        seq: message.seq,
        author_id: message.author.as_ref().map(|a| a.id),
        author: message
            .author
            .as_ref()
            .map_or_else(|| "(deleted user)".to_owned(), |a| a.username.to_string()),
        content: message.content.as_str().to_owned(),
        created_ms: message.created_at.unix_millis(),
        edited: message.edited_at.is_some(),
        deleted: false,
    }
}

fn learn_author(app: &mut App, message: &Message) {
    if let Some(author) = &message.author {
        app.users.insert(author.id, author.username.to_string());
    }
}

fn network(app: &mut App, event: NetEvent, fx: &mut Vec<Effect>) {
    match event {
        NetEvent::SignedIn { username } => {
            app.screen = Screen::Connecting;
            app.connection = Connection::Connecting;
            app.login.busy = false;
            app.login.error = None;
            app.login.password.clear();
            app.login.username = username;
        }
        NetEvent::LoginFailed(reason) => {
            app.login.busy = false;
            app.login.error = Some(reason);
        }
        NetEvent::ConnectFailed {
            reason,
            unauthorized,
        } => {
            app.screen = Screen::Login;
            app.login.busy = false;
            app.login.focus = LoginField::Password;
            app.login.error = Some(if unauthorized {
                "your session has ended; sign in again".to_owned()
            } else {
                format!("cannot connect: {reason}")
            });
        }
        NetEvent::Gateway(event) => gateway(app, event, fx),
        NetEvent::Conversations {
            lobbies,
            chats,
            select: wanted,
        } => conversations(app, lobbies, chats, wanted, fx),
        NetEvent::History {
            conversation,
            before,
            messages,
            more,
        } => {
            for message in &messages {
                learn_author(app, message);
            }
            let Some(c) = app.conversation_mut(conversation) else {
                return;
            };
            for message in &messages {
                c.last_message_seq = c.last_message_seq.max(message.seq);
                // A message deleted live while the page was on its way stays deleted.
                let deleted = c.messages.iter().any(|m| m.id == message.id && m.deleted);
                if !deleted {
                    c.upsert(to_msg(message));
                }
            }
            if before.is_some() {
                c.loading_older = false;
            }
            if !more {
                c.history = History::Complete;
            } else if c.history != History::Complete {
                c.history = History::Partial;
            }
            if app.selected == Some(conversation) {
                load_older_if_near_top(app, fx);
                mark_read_if_visible(app, fx);
            }
        }
        NetEvent::HistoryFailed {
            conversation,
            reason,
        } => {
            if let Some(c) = app.conversation_mut(conversation) {
                if c.history == History::Loading {
                    c.history = History::NotLoaded;
                }
                c.loading_older = false;
            }
            app.error(format!("history: {reason}"));
        }
        NetEvent::Members {
            conversation,
            members,
        } => {
            for member in &members {
                app.users
                    .insert(member.user.id, member.user.username.to_string());
            }
            if let Some(c) = app.conversation_mut(conversation) {
                c.members = Some(
                    members
                        .iter()
                        .map(|m| MemberEntry {
                            user_id: m.user.id,
                            role: m.role,
                        })
                        .collect(),
                );
            }
        }
        NetEvent::Community(lobbies) => {
            if let Some(community) = app.community.as_mut() {
                community.loading = false;
                community.selected = 0;
                community.lobbies = lobbies
                    .into_iter()
                    .map(|l| CommunityLobby {
                        id: l.id,
                        name: l.name.to_string(),
                        description: l.description.to_string(),
                        member_count: l.member_count,
                    })
                    .collect();
            }
        }
        NetEvent::Sent { nonce, message } => {
            learn_author(app, &message);
            if let Some(c) = app.conversation_mut(message.conversation_id) {
                c.pending.retain(|p| p.nonce != nonce);
                c.last_message_seq = c.last_message_seq.max(message.seq);
                if !c.messages.iter().any(|m| m.id == message.id) {
                    c.upsert(to_msg(&message));
                }
            }
        }
        NetEvent::SendFailed {
            nonce,
            reason,
            retry_after_ms,
        } => {
            let mut retry = None;
            for c in &mut app.conversations {
                if let Some(p) = c.pending.iter_mut().find(|p| p.nonce == nonce) {
                    match retry_after_ms {
                        Some(delay) if p.attempts < MAX_SEND_ATTEMPTS => {
                            p.attempts += 1;
                            retry = Some((c.id, p.content.clone(), delay));
                        }
                        _ => p.failed = Some(reason.clone()),
                    }
                }
            }
            match retry {
                Some((conversation, content, delay_ms)) => {
                    if let Ok(content) = MessageContent::parse(&content) {
                        fx.push(Effect::Send {
                            conversation,
                            nonce,
                            content,
                            delay_ms,
                        });
                    }
                    app.info(format!(
                        "rate limited: sending again in {:.1} s",
                        delay_ms as f64 / 1000.0
                    ));
                }
                None => app.error(format!("not sent: {reason} (Up brings it back)")),
            }
        }
        NetEvent::Done(text) => app.info(text),
        NetEvent::Failed(text) => app.error(text),
    }
}

fn conversations(
    app: &mut App,
    lobbies: Vec<chat_core::v1::Lobby>,
    chats: Vec<chat_core::v1::Chat>,
    wanted: Option<ConversationId>,
    fx: &mut Vec<Effect>,
) {
    let mut old: Vec<Conversation> = std::mem::take(&mut app.conversations);
    let mut take_old = |id: ConversationId| {
        old.iter()
            .position(|c| c.id == id)
            .map(|i| old.swap_remove(i))
    };
    let mut lobbies = lobbies;
    lobbies.sort_by(|a, b| a.name.as_str().cmp(b.name.as_str()));
    let mut list = Vec::new();
    for lobby in lobbies {
        let kind = Kind::Lobby {
            name: lobby.name.to_string(),
            topic: lobby.description.to_string(),
            visibility: lobby.visibility,
        };
        let mut c = take_old(lobby.id.into()).unwrap_or_else(|| {
            let mut c = Conversation::new(lobby.id.into(), Kind::Unknown);
            if let Some(m) = &lobby.membership {
                c.read_seq = m.read_seq;
                c.unread = m.unread_count;
            }
            c
        });
        c.kind = kind;
        c.last_message_seq = c.last_message_seq.max(lobby.last_seq);
        list.push(c);
    }
    for chat in chats {
        app.users
            .insert(chat.partner.id, chat.partner.username.to_string());
        let mut c = take_old(chat.id.into()).unwrap_or_else(|| {
            let mut c = Conversation::new(chat.id.into(), Kind::Unknown);
            c.read_seq = chat.read_seq;
            c.unread = chat.unread_count;
            c
        });
        c.kind = Kind::Chat {
            partner: chat.partner.id,
        };
        c.last_message_seq = c.last_message_seq.max(chat.last_seq);
        list.push(c);
    }
    app.conversations = list;
    let wanted = wanted.or(app.select_when_listed.take());
    let still_selected = app.selected.filter(|id| app.conversation(*id).is_some());
    match wanted.filter(|id| app.conversation(*id).is_some()) {
        Some(id) => select(app, id, fx),
        None => match still_selected.or(app.conversations.first().map(|c| c.id)) {
            Some(id) => select(app, id, fx),
            None => app.selected = None,
        },
    }
}

fn gateway(app: &mut App, event: GatewayEvent, fx: &mut Vec<Effect>) {
    match event {
        GatewayEvent::Connected(ready) => {
            app.users
                .insert(ready.user.id, ready.user.username.to_string());
            app.me = Some(Me {
                id: ready.user.id,
                username: ready.user.username.to_string(),
            });
            app.screen = Screen::Main;
            app.connection = match app.connection {
                Connection::Reconnecting { .. } => Connection::Resuming,
                _ => Connection::Connected,
            };
            app.online.clear();
            // The user is online by definition, even with no conversation to say so yet.
            app.online.insert(ready.user.id);
            for state in &ready.conversations {
                app.online.extend(state.online.iter().copied());
                if app.conversation(state.conversation_id).is_none() {
                    app.conversations
                        .push(Conversation::new(state.conversation_id, Kind::Unknown));
                }
                let Some(c) = app.conversation_mut(state.conversation_id) else {
                    continue;
                };
                c.last_message_seq = c.last_message_seq.max(state.last_message_seq);
                c.read_seq = c.read_seq.max(state.read_seq);
                c.unread = if c.read_seq >= c.last_message_seq {
                    0
                } else {
                    state.unread_count
                };
            }
            fx.push(Effect::LoadConversations { select: None });
        }
        GatewayEvent::Reconnecting {
            attempt, reason, ..
        } => {
            app.connection = Connection::Reconnecting { attempt, reason };
        }
        GatewayEvent::Resumed => app.connection = Connection::Resumed,
        GatewayEvent::ResyncRequired { conversation_id } => {
            if let Some(c) = app.conversation_mut(conversation_id) {
                c.messages.clear();
                c.history = History::NotLoaded;
                c.loading_older = false;
                c.scroll = 0;
            }
            if app.selected == Some(conversation_id) {
                select(app, conversation_id, fx);
            }
        }
        GatewayEvent::Closed { reason } => {
            app.connection = Connection::Offline {
                reason: reason.clone(),
            };
            app.screen = Screen::Login;
            app.login.busy = false;
            app.login.focus = LoginField::Password;
            app.login.error = Some(format!("disconnected: {reason}; sign in again"));
        }
        GatewayEvent::Frame(frame) => server_frame(app, frame, fx),
        _ => {}
    }
}

fn remove_conversation(
    app: &mut App,
    id: ConversationId,
    why: Option<String>,
    fx: &mut Vec<Effect>,
) {
    let title = app.conversation(id).map(|c| app.title(c));
    app.conversations.retain(|c| c.id != id);
    if let (Some(why), Some(title)) = (why, title) {
        app.error(format!("{why} {title}"));
    }
    if app.selected == Some(id) {
        app.selected = None;
        if let Some(first) = app.conversations.first().map(|c| c.id) {
            select(app, first, fx);
        }
    }
}

fn server_frame(app: &mut App, frame: ServerFrame, fx: &mut Vec<Effect>) {
    let me = app.me.as_ref().map(|m| m.id);
    let my_name = app
        .me
        .as_ref()
        .map(|m| m.username.clone())
        .unwrap_or_default();
    if let Some((id, _)) = frame.conversation_seq()
        && app.conversation(id).is_none()
    {
        // A conversation the sidebar does not list yet (a new chat, a lobby joined
        // elsewhere): list it. Its messages come with its history.
        fx.push(Effect::LoadConversations { select: None });
        return;
    }
    match frame {
        ServerFrame::MessageCreated {
            conversation_id,
            message,
            ..
        } => {
            learn_author(app, &message);
            let own = message.author.as_ref().map(|a| a.id) == me && me.is_some();
            let added_rows = {
                let (width, _) = ui::message_pane_size(app);
                let mut probe = Conversation::new(conversation_id, Kind::Unknown);
                probe.messages.push(to_msg(&message));
                probe.history = History::Partial;
                let rows = ui::messages::rows(app, &probe, width).len();
                // The probe has a day separator of its own; it is not new on the same day.
                let same_day = app
                    .conversation(conversation_id)
                    .and_then(|c| c.messages.last())
                    .is_some_and(|last| {
                        app.zone.day(last.created_ms)
                            == app.zone.day(message.created_at.unix_millis())
                    });
                if same_day { rows - 1 } else { rows }
            };
            let selected = app.selected == Some(conversation_id);
            let Some(c) = app.conversation_mut(conversation_id) else {
                return;
            };
            if c.messages.iter().any(|m| m.id == message.id) {
                return;
            }
            c.last_message_seq = c.last_message_seq.max(message.seq);
            if own {
                // The echo of a send may come before its ack: retire the oldest pending
                // copy now, so the message never shows twice.
                if let Some(i) = c
                    .pending
                    .iter()
                    .position(|p| p.failed.is_none() && p.content == message.content.as_str())
                {
                    c.pending.remove(i);
                }
            } else {
                c.unread += 1;
                if mentions(message.content.as_str(), &my_name) {
                    c.mentioned = true;
                }
                if let Some(author) = &message.author {
                    c.typing.remove(&author.id);
                }
            }
            let loaded = c.history != History::NotLoaded;
            if loaded {
                c.upsert(to_msg(&message));
                if c.scroll > 0 {
                    // Keep the rows the reader is looking at in place.
                    c.scroll += added_rows;
                }
            }
            if selected {
                mark_read_if_visible(app, fx);
            }
        }
        ServerFrame::MessageUpdated {
            conversation_id,
            message,
            ..
        } => {
            learn_author(app, &message);
            if let Some(c) = app.conversation_mut(conversation_id)
                && let Some(m) = c.messages.iter_mut().find(|m| m.id == message.id)
            {
                m.content = message.content.as_str().to_owned();
                m.edited = true;
            }
        }
        ServerFrame::MessageDeleted {
            conversation_id,
            message_id,
            message_seq,
            ..
        } => {
            if let Some(c) = app.conversation_mut(conversation_id) {
                match c.messages.iter().position(|m| m.id == message_id) {
                    Some(i) => {
                        c.messages[i].deleted = true;
                        c.messages[i].content.clear();
                    }
                    None if c.history != History::NotLoaded
                        && c.messages.first().is_some_and(|m| m.seq < message_seq) =>
                    {
                        // Deleted before we saw it (a replay): keep its place as a tombstone.
                        c.upsert(Msg {
                            id: message_id,
                            seq: message_seq,
                            author_id: None,
                            author: String::new(),
                            content: String::new(),
                            created_ms: 0,
                            edited: false,
                            deleted: true,
                        });
                    }
                    None => {}
                }
            }
        }
        ServerFrame::MemberJoined {
            conversation_id,
            member,
            ..
        } => {
            app.users
                .insert(member.user.id, member.user.username.to_string());
            if let Some(c) = app.conversation_mut(conversation_id)
                && let Some(members) = c.members.as_mut()
                && !members.iter().any(|m| m.user_id == member.user.id)
            {
                members.push(MemberEntry {
                    user_id: member.user.id,
                    role: member.role,
                });
            }
        }
        ServerFrame::MemberLeft {
            conversation_id,
            user_id,
            ..
        } => {
            if Some(user_id) == me {
                remove_conversation(app, conversation_id, None, fx);
            } else if let Some(c) = app.conversation_mut(conversation_id)
                && let Some(members) = c.members.as_mut()
            {
                members.retain(|m| m.user_id != user_id);
            }
        }
        ServerFrame::MemberRemoved {
            conversation_id,
            user_id,
            ..
        } => {
            if Some(user_id) == me {
                remove_conversation(
                    app,
                    conversation_id,
                    Some("you were removed from".to_owned()),
                    fx,
                );
            } else if let Some(c) = app.conversation_mut(conversation_id)
                && let Some(members) = c.members.as_mut()
            {
                members.retain(|m| m.user_id != user_id);
            }
        }
        ServerFrame::MemberUpdated {
            conversation_id,
            user_id,
            role,
            ..
        } => {
            if let Some(c) = app.conversation_mut(conversation_id)
                && let Some(members) = c.members.as_mut()
                && let Some(m) = members.iter_mut().find(|m| m.user_id == user_id)
            {
                m.role = role;
            }
        }
        ServerFrame::LobbyUpdated {
            conversation_id,
            name,
            description,
            visibility,
            ..
        } => {
            if let Some(c) = app.conversation_mut(conversation_id) {
                c.kind = Kind::Lobby {
                    name: name.to_string(),
                    topic: description.to_string(),
                    visibility,
                };
            }
        }
        ServerFrame::LobbyDeleted {
            conversation_id, ..
        } => remove_conversation(
            app,
            conversation_id,
            Some("deleted by its admins:".to_owned()),
            fx,
        ),
        ServerFrame::ChatDeleted { conversation_id } => {
            remove_conversation(app, conversation_id, None, fx);
        }
        ServerFrame::Presence { user_id, online } => {
            if online {
                app.online.insert(user_id);
            } else {
                app.online.remove(&user_id);
            }
        }
        ServerFrame::Typing {
            conversation_id,
            user_id,
            typing,
        } => {
            let until = app.now_ms + TYPING_TTL_MS;
            if Some(user_id) != me
                && let Some(c) = app.conversation_mut(conversation_id)
            {
                if typing {
                    c.typing.insert(user_id, until);
                } else {
                    c.typing.remove(&user_id);
                }
            }
        }
        ServerFrame::Read {
            conversation_id,
            seq,
        } => {
            if let Some(c) = app.conversation_mut(conversation_id) {
                c.read_seq = c.read_seq.max(seq);
                if c.read_seq >= c.last_message_seq {
                    c.unread = 0;
                    c.mentioned = false;
                }
            }
        }
        ServerFrame::Error {
            code,
            message,
            retry_after_ms,
            ..
        } => {
            let retry = retry_after_ms
                .map(|ms| format!(" (retry in {:.1} s)", ms as f64 / 1000.0))
                .unwrap_or_default();
            app.error(format!("{}: {message}{retry}", code.as_str()));
        }
        _ => {}
    }
}

/// The users typing in a conversation, by name, for the status line.
pub fn typing_names(app: &App, conversation: &Conversation) -> Vec<String> {
    conversation
        .typing
        .keys()
        .map(|id: &UserId| app.user_name(*id))
        .collect()
}
