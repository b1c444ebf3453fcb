//! What the gateway reports: its connection's lifecycle (connected with the `ready` state,
//! reconnecting, resumed, resync, closed) and the server frames — messages created, edited
//! and deleted, membership, lobby changes, presence, typing, read cursors and errors.

use chat_client::GatewayEvent;
use chat_core::v1::{ConversationId, Message, ServerFrame};

use super::network::learn_author;
use super::scroll::mark_read_if_visible;
use super::selection::select;
use crate::effect::Effect;
use crate::state::{
    App, Connection, Conversation, History, Kind, LoginField, Me, MemberEntry, Screen,
    TYPING_TTL_MS,
};
use crate::ui;

pub(super) fn gateway(app: &mut App, event: GatewayEvent, fx: &mut Vec<Effect>) {
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
            let me = ready.user.id;
            for c in &mut app.conversations {
                c.update_timeline(|t| t.set_user(me));
            }
            for state in &ready.conversations {
                app.online.extend(state.online.iter().copied());
                if app.conversation(state.conversation_id).is_none() {
                    app.conversations.push(Conversation::new(
                        state.conversation_id,
                        Kind::Unknown,
                        Some(me),
                    ));
                }
                if let Some(c) = app.conversation_mut(state.conversation_id) {
                    // The server's read cursor and counts; replays are not counted again.
                    c.update_timeline(|t| t.apply_state(state));
                }
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
                c.resync();
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
            ref message,
            ..
        } => message_created(app, conversation_id, message, &frame, fx),
        ServerFrame::MessageUpdated {
            conversation_id,
            ref message,
            ..
        } => {
            learn_author(app, message);
            if let Some(c) = app.conversation_mut(conversation_id) {
                c.update_timeline(|t| t.apply_frame(&frame));
            }
        }
        ServerFrame::ReactionAdded(ref event) | ServerFrame::ReactionRemoved(ref event) => {
            let conversation_id = event.conversation_id;
            if let Some(c) = app.conversation_mut(conversation_id) {
                c.update_timeline(|t| t.apply_frame(&frame));
            }
        }
        ServerFrame::MessagePinned(ref event) | ServerFrame::MessageUnpinned(ref event) => {
            let conversation_id = event.conversation_id;
            if let Some(c) = app.conversation_mut(conversation_id) {
                c.update_timeline(|t| t.apply_frame(&frame));
            }
        }
        ServerFrame::MessageDeleted {
            conversation_id, ..
        } => {
            // A message held stays in its place, shown as deleted.
            if let Some(c) = app.conversation_mut(conversation_id) {
                c.update_timeline(|t| t.apply_frame(&frame));
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
            conversation_id, ..
        } => {
            if let Some(c) = app.conversation_mut(conversation_id) {
                c.update_timeline(|t| t.apply_frame(&frame));
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

fn message_created(
    app: &mut App,
    conversation_id: ConversationId,
    message: &Message,
    frame: &ServerFrame,
    fx: &mut Vec<Effect>,
) {
    learn_author(app, message);
    let me = app.me.as_ref().map(|m| m.id);
    let own = message.author.as_ref().map(|a| a.id) == me && me.is_some();
    let added_rows = {
        let (width, _) = ui::message_pane_size(app);
        let mut probe = Conversation::new(conversation_id, Kind::Unknown, None);
        probe.update_timeline(|t| t.apply_frame(frame));
        probe.history = History::Partial;
        let rows = ui::messages::rows(app, &probe, width).len();
        // The probe has a day separator of its own; it is not new on the same day.
        let same_day = app
            .conversation(conversation_id)
            .and_then(|c| c.messages.last())
            .is_some_and(|last| {
                app.zone.day(last.created_ms) == app.zone.day(message.created_at.unix_millis())
            });
        if same_day { rows - 1 } else { rows }
    };
    let selected = app.selected == Some(conversation_id);
    let Some(c) = app.conversation_mut(conversation_id) else {
        return;
    };
    let known =
        c.timeline().find(message.id).is_some() || c.messages.iter().any(|m| m.id == message.id);
    // The timeline counts it as unread (unless counted already, or own) and retires the
    // echo of an own send whose ack has not come yet, so the message never shows twice. A
    // replay of a message known here, or deleted since, changes nothing else.
    c.update_timeline(|t| t.apply_frame(frame));
    if !known && c.timeline().find(message.id).is_some() {
        if !own && let Some(author) = &message.author {
            c.typing.remove(&author.id);
        }
        if c.scroll > 0 && c.messages.iter().any(|m| m.id == message.id) {
            // Keep the rows the reader is looking at in place.
            c.scroll += added_rows;
        }
    }
    if selected {
        mark_read_if_visible(app, fx);
    }
}
