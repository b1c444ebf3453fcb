//! `dm send|list|history|delete`.

use chat_core::v1::ChatList;

use crate::cli::DmCommand;
use crate::context::Context;
use crate::failure::Failure;
use crate::input::message_text;
use crate::output::{local_time, truncate};
use crate::resolve;

pub async fn run(ctx: &Context, command: DmCommand) -> Result<(), Failure> {
    match command {
        DmCommand::Send { user, text } => {
            let content = message_text(&text)?;
            let user = resolve::user(ctx, &user).await?;
            let message = ctx
                .client
                .send_direct_message(user.id, content, None)
                .await?;
            ctx.out.either(&message, |out| out.message_line(&message))
        }
        DmCommand::List => {
            let list = ChatList {
                items: ctx.client.chats().await?,
            };
            ctx.out.either(&list, |out| {
                let rows: Vec<Vec<String>> = list
                    .items
                    .iter()
                    .map(|c| {
                        let (when, last) = c
                            .last_message
                            .as_ref()
                            .map_or((String::new(), String::new()), |m| {
                                (local_time(&m.created_at), truncate(m.content.as_str(), 40))
                            });
                        vec![
                            c.partner.username.to_string(),
                            c.unread_count.to_string(),
                            when,
                            last,
                        ]
                    })
                    .collect();
                out.table(&["WITH", "UNREAD", "LAST", "MESSAGE"], &rows)
            })
        }
        DmCommand::History { user, page } => {
            let user = resolve::user(ctx, &user).await?;
            let (chat, _) = ctx.client.open_chat(user.id).await?;
            super::messages::history(ctx, chat_client::Conversation::Chat(chat.id), &page, false)
                .await
        }
        DmCommand::Delete { user } => {
            let user = resolve::user(ctx, &user).await?;
            let chat = ctx
                .client
                .chats()
                .await?
                .into_iter()
                .find(|c| c.partner.id == user.id)
                .ok_or_else(|| Failure::usage(format!("no chat with {}", user.username)))?;
            ctx.client.delete_chat(chat.id).await?;
            ctx.out.done(&format!(
                "deleted the chat with {} (for you)",
                user.username
            ))
        }
    }
}
