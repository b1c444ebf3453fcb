//! Names of conversations and users for people-readable output, looked up once and kept.

use std::collections::HashMap;

use chat_core::v1::{ConversationId, UserId};

use crate::context::Context;

/// Names of conversations (`general`, `@bob`) and users, looked up as events name them.
#[derive(Default)]
pub struct Names {
    pub conversations: HashMap<ConversationId, String>,
    pub users: HashMap<UserId, String>,
}

impl Names {
    /// Reloads the caller's lobbies and chats.
    pub async fn refresh(&mut self, ctx: &Context) {
        if let Ok(lobbies) = ctx.client.my_lobbies().await {
            for lobby in lobbies {
                self.conversations
                    .insert(lobby.id.into(), lobby.name.to_string());
            }
        }
        if let Ok(chats) = ctx.client.chats().await {
            for chat in chats {
                self.conversations
                    .insert(chat.id.into(), format!("@{}", chat.partner.username));
                self.users
                    .insert(chat.partner.id, chat.partner.username.to_string());
            }
        }
    }

    /// `[general]` or `[@bob]`; the id when the conversation cannot be found (any more).
    pub async fn conversation(&mut self, ctx: &Context, id: ConversationId) -> String {
        if !self.conversations.contains_key(&id) {
            self.refresh(ctx).await;
        }
        let name = self
            .conversations
            .get(&id)
            .cloned()
            .unwrap_or_else(|| id.to_string());
        ctx.out.bold(&format!("[{name}]"))
    }

    /// A user's username; the id when the user cannot be found.
    pub async fn user(&mut self, ctx: &Context, id: UserId) -> String {
        if let Some(name) = self.users.get(&id) {
            return name.clone();
        }
        let name = match ctx.client.user(id).await {
            Ok(user) => user.username.to_string(),
            Err(_) => id.to_string(),
        };
        self.users.insert(id, name.clone());
        name
    }
}
