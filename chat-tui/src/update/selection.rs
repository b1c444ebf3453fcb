//! Switching conversations: the next or previous one in the sidebar, or a given one, which
//! loads its history and member list when needed and marks it read.

use chat_client::Conversation as Target;
use chat_core::v1::ConversationId;

use super::scroll::mark_read_if_visible;
use crate::effect::Effect;
use crate::state::{App, Conversation, History, Kind};

pub(super) fn select_offset(app: &mut App, offset: isize, fx: &mut Vec<Effect>) {
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
        && let Some(before) = conversation.request_history(false)
    {
        fx.push(Effect::LoadHistory { target, before });
    }
    load_members_if_needed(app, fx);
    mark_read_if_visible(app, fx);
}

pub(super) fn target(conversation: &Conversation) -> Option<Target> {
    match conversation.kind {
        Kind::Lobby { .. } => Some(Target::Lobby(conversation.id.as_lobby())),
        Kind::Chat { .. } => Some(Target::Chat(conversation.id.as_chat())),
        Kind::Unknown => None,
    }
}

pub(super) fn load_members_if_needed(app: &mut App, fx: &mut Vec<Effect>) {
    if let Some(conversation) = app.current()
        && conversation.is_lobby()
        && conversation.members.is_none()
    {
        fx.push(Effect::LoadMembers(conversation.id.as_lobby()));
    }
}
