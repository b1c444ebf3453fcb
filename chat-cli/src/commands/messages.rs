//! `msg send|history|edit|delete` and `read`.

use chat_client::{Gateway, GatewayEvent};
use chat_core::v1::{Message, MessageId, MessagePage, PageLimit, ServerFrame};
use futures_util::{StreamExt, TryStreamExt};

use crate::cli::MsgCommand;
use crate::context::Context;
use crate::failure::Failure;
use crate::input::message_text;
use crate::resolve;

pub async fn run(ctx: &Context, command: MsgCommand) -> Result<(), Failure> {
    match command {
        MsgCommand::Send { lobby, text } => {
            let content = message_text(&text)?;
            let lobby = resolve::lobby(ctx, &lobby).await?;
            let message = ctx.client.send_message(lobby.id, content, None).await?;
            ctx.out.either(&message, |out| out.message_line(&message))
        }
        MsgCommand::History {
            lobby,
            limit,
            follow,
        } => {
            let lobby = resolve::lobby(ctx, &lobby).await?;
            history(
                ctx,
                chat_client::Conversation::Lobby(lobby.id),
                limit,
                follow,
            )
            .await
        }
        MsgCommand::Edit { message, text } => {
            let content = message_text(&text)?;
            let id = parse_message_id(&message)?;
            let message = ctx.client.edit_message(id, content).await?;
            ctx.out.either(&message, |out| out.message_line(&message))
        }
        MsgCommand::Delete { message } => {
            let id = parse_message_id(&message)?;
            ctx.client.delete_message(id).await?;
            ctx.out.done("deleted")
        }
    }
}

fn parse_message_id(text: &str) -> Result<MessageId, Failure> {
    text.parse()
        .map_err(|_| Failure::usage(format!("{text:?} is not a message id")))
}

/// The newest `limit` messages, printed oldest first; with `follow`, then live ones.
pub async fn history(
    ctx: &Context,
    conversation: chat_client::Conversation,
    limit: usize,
    follow: bool,
) -> Result<(), Failure> {
    let page_size = PageLimit::new(u32::try_from(limit.clamp(1, 100)).unwrap_or(100))?;
    // Connect first when following, so nothing posted meanwhile is missed.
    let mut gateway = if follow {
        Some(Gateway::connect(&ctx.client).await?)
    } else {
        None
    };
    let mut items: Vec<Message> = ctx
        .client
        .history(conversation, page_size)
        .take(limit)
        .try_collect()
        .await?;
    items.reverse();
    let last_seq = items.last().map_or(0, |m| m.seq);
    let Some(gateway) = gateway.as_mut() else {
        let page = MessagePage {
            items,
            next_cursor: None,
        };
        return ctx.out.either(&page, |out| {
            page.items
                .iter()
                .map(|m| out.message_line(m) + "\n")
                .collect::<String>()
        });
    };
    for message in &items {
        print_streamed(ctx, message)?;
    }
    let wanted = conversation.id();
    while let Some(event) = gateway.next_event().await {
        match event {
            GatewayEvent::Frame(ServerFrame::MessageCreated {
                conversation_id,
                message,
                ..
            }) if conversation_id == wanted && message.seq > last_seq => {
                print_streamed(ctx, &message)?;
            }
            GatewayEvent::Closed { reason } => return Err(Failure::Unreachable(reason)),
            _ => {}
        }
    }
    Ok(())
}

fn print_streamed(ctx: &Context, message: &Message) -> Result<(), Failure> {
    if ctx.out.json {
        ctx.out.json_line(message)
    } else {
        println!("{}", ctx.out.message_line(message));
        Ok(())
    }
}

/// `read`: moves the read cursor of a lobby (or a direct chat) to its newest message.
pub async fn read(ctx: &Context, target: &str, dm: bool, seq: Option<u64>) -> Result<(), Failure> {
    let (conversation, newest) = if dm {
        let user = resolve::user(ctx, target).await?;
        let (chat, _) = ctx.client.open_chat(user.id).await?;
        (chat_client::Conversation::Chat(chat.id), chat.last_seq)
    } else {
        let lobby = resolve::lobby(ctx, target).await?;
        (chat_client::Conversation::Lobby(lobby.id), lobby.last_seq)
    };
    let cursor = ctx
        .client
        .mark_read(conversation, seq.unwrap_or(newest))
        .await?;
    ctx.out
        .either(&cursor, |_| format!("read up to #{}", cursor.read_seq))
}
