//! The worker's reports ([`NetEvent`]): sign-in and connection failures, the conversation
//! list, history pages, member lists, the community list, sends and their failures (with the
//! retry of rate-limited sends), and the outcome of other REST calls. Gateway events go on to
//! `frames.rs`.

use chat_core::v1::{ConversationId, ConversationKind, ConversationState, Message, MessageContent};

use super::frames::gateway;
use super::scroll::{load_older_if_near_top, mark_read_if_visible};
use super::selection::select;
use crate::effect::Effect;
use crate::event::NetEvent;
use crate::state::{
    App, CommunityLobby, Connection, Conversation, Kind, LoginField, MAX_SEND_ATTEMPTS,
    MemberEntry, Screen,
};

pub(super) fn learn_author(app: &mut App, message: &Message) {
    if let Some(author) = &message.author {
        app.users.insert(author.id, author.username.to_string());
    }
}

pub(super) fn network(app: &mut App, event: NetEvent, fx: &mut Vec<Effect>) {
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
        NetEvent::Gateway(event) => gateway(app, *event, fx),
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
            // The timeline merges it: a message deleted or edited live while the page was
            // on its way stays so.
            c.apply_history(before, messages, more);
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
                c.history_failed();
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
                c.acknowledge(&nonce, &message);
            }
        }
        NetEvent::SendFailed {
            nonce,
            reason,
            retry_after_ms,
        } => {
            let mut retry = None;
            for c in &mut app.conversations {
                let Some(p) = c.pending.iter_mut().find(|p| p.nonce == nonce) else {
                    continue;
                };
                match retry_after_ms {
                    Some(delay) if p.attempts < MAX_SEND_ATTEMPTS => {
                        p.attempts += 1;
                        retry = Some((c.id, p.content.clone(), delay));
                    }
                    _ => c.fail_send(&nonce, &reason),
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
    let me = app.me.as_ref().map(|m| m.id);
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
            let (read_seq, unread, mentions) = lobby.membership.as_ref().map_or((0, 0, 0), |m| {
                (m.read_seq, m.unread_count, m.unread_mention_count)
            });
            listed(
                lobby.id.into(),
                ConversationKind::Lobby,
                me,
                (lobby.last_seq, read_seq, unread, mentions),
            )
        });
        c.kind = kind;
        list.push(c);
    }
    for chat in chats {
        app.users
            .insert(chat.partner.id, chat.partner.username.to_string());
        let mut c = take_old(chat.id.into()).unwrap_or_else(|| {
            listed(
                chat.id.into(),
                ConversationKind::Chat,
                me,
                (
                    chat.last_seq,
                    chat.read_seq,
                    chat.unread_count,
                    chat.unread_mention_count,
                ),
            )
        });
        c.kind = Kind::Chat {
            partner: chat.partner.id,
        };
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

/// A conversation the REST list brought before `ready` did: its timeline starts from the
/// list's counters (newest message seq, read cursor, unread and unread-mention counts).
fn listed(
    id: ConversationId,
    kind: ConversationKind,
    me: Option<chat_core::v1::UserId>,
    (last_message_seq, read_seq, unread_count, unread_mention_count): (u64, u64, u64, u64),
) -> Conversation {
    let mut c = Conversation::new(id, Kind::Unknown, me);
    c.update_timeline(|t| {
        t.apply_state(&ConversationState {
            conversation_id: id,
            kind,
            seq: 0,
            last_message_seq,
            read_seq,
            unread_count,
            unread_mention_count,
            online: Vec::new(),
        });
    });
    c
}
