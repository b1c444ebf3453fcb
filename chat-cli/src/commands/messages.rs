//! `msg send|history|edit|delete|reply|react|unreact|reactors`, `pins` and `read`.

use chat_client::{Gateway, GatewayEvent};
use chat_core::v1::{
    Cursor, Emoji, HistoryQuery, Message, MessageId, PageLimit, PageQuery, PinList, ServerFrame,
};

use crate::cli::{HistoryPage, MsgCommand, PinsCommand};
use crate::context::Context;
use crate::failure::Failure;
use crate::input::message_text;
use crate::output::local_time;
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
            page,
            follow,
        } => {
            let lobby = resolve::lobby(ctx, &lobby).await?;
            history(
                ctx,
                chat_client::Conversation::Lobby(lobby.id),
                &page,
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
        MsgCommand::Reply {
            lobby,
            message,
            text,
        } => {
            let content = message_text(&text)?;
            let answered = parse_message_id(&message)?;
            let lobby = resolve::lobby(ctx, &lobby).await?;
            let message = ctx.client.reply(lobby.id, answered, content, None).await?;
            ctx.out.either(&message, |out| out.message_line(&message))
        }
        MsgCommand::React { message, emoji } => {
            let (id, emoji) = (parse_message_id(&message)?, Emoji::parse(&emoji)?);
            ctx.client.react(id, emoji).await?;
            ctx.out.done("reacted")
        }
        MsgCommand::Unreact { message, emoji } => {
            let (id, emoji) = (parse_message_id(&message)?, Emoji::parse(&emoji)?);
            ctx.client.unreact(id, emoji).await?;
            ctx.out.done("reaction removed")
        }
        MsgCommand::Reactors {
            message,
            emoji,
            limit,
            after,
        } => {
            let (id, emoji) = (parse_message_id(&message)?, Emoji::parse(&emoji)?);
            let query = PageQuery {
                limit: Some(PageLimit::new(limit)?),
                after: after.map(Cursor::new).transpose()?,
            };
            let page = ctx.client.reactors(id, emoji, &query).await?;
            ctx.out.either(&page, |out| {
                let mut text: Vec<String> = page
                    .items
                    .iter()
                    .map(|a| format!("{} {}", out.accent(a.username.as_str()), a.display_name))
                    .collect();
                if let Some(cursor) = &page.next_cursor {
                    text.push(out.dim(&format!("(more: --after {cursor})")));
                }
                text.join("\n")
            })
        }
    }
}

/// `pins list|pin|unpin`.
pub async fn pins(ctx: &Context, command: PinsCommand) -> Result<(), Failure> {
    match command {
        PinsCommand::List { target, dm } => {
            let conversation = if dm {
                // Looked up, not opened: listing pins must not start a chat.
                let user = resolve::user(ctx, &target).await?;
                let chat = ctx
                    .client
                    .chats()
                    .await?
                    .into_iter()
                    .find(|c| c.partner.id == user.id)
                    .ok_or_else(|| Failure::usage(format!("you have no chat with {target}")))?;
                chat_client::Conversation::Chat(chat.id)
            } else {
                chat_client::Conversation::Lobby(resolve::lobby(ctx, &target).await?.id)
            };
            let pins = PinList {
                items: ctx.client.pins(conversation).await?,
            };
            ctx.out.either(&pins, |out| {
                pins.items
                    .iter()
                    .map(|pin| {
                        let by = pin
                            .pinned_by
                            .as_ref()
                            .map_or("(deleted user)".to_owned(), |a| a.username.to_string());
                        format!(
                            "{}\n  {}",
                            out.message_line(&pin.message),
                            out.dim(&format!("pinned by {by}, {}", local_time(&pin.pinned_at)))
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            })
        }
        PinsCommand::Pin { message } => {
            ctx.client.pin(parse_message_id(&message)?).await?;
            ctx.out.done("pinned")
        }
        PinsCommand::Unpin { message } => {
            ctx.client.unpin(parse_message_id(&message)?).await?;
            ctx.out.done("unpinned")
        }
    }
}

fn parse_message_id(text: &str) -> Result<MessageId, Failure> {
    text.parse()
        .map_err(|_| Failure::usage(format!("{text:?} is not a message id")))
}

/// One page of history, as the REST API returns it. `--json` prints the page unchanged
/// (newest first, or oldest first after `--after`, with `next_cursor`); the table prints it
/// oldest first. With `follow`, the messages are streamed (JSON lines with `--json`), oldest
/// first, then the live ones until Ctrl-C.
pub async fn history(
    ctx: &Context,
    conversation: chat_client::Conversation,
    page: &HistoryPage,
    follow: bool,
) -> Result<(), Failure> {
    let query = HistoryQuery {
        before: page.before,
        after: page.after,
        limit: Some(PageLimit::new(page.limit)?),
    };
    // Connect first when following, so nothing posted meanwhile is missed.
    let mut gateway = if follow {
        Some(Gateway::connect(&ctx.client).await?)
    } else {
        None
    };
    let result = ctx.client.history_page(conversation, &query).await?;
    let forward = page.after.is_some();
    let mut oldest_first = result.items.clone();
    if !forward {
        oldest_first.reverse();
    }
    let Some(gateway) = gateway.as_mut() else {
        return ctx.out.either(&result, |out| {
            let mut text = String::new();
            if let Some(cursor) = result.next_cursor.filter(|_| !forward) {
                text.push_str(&out.dim(&format!("(older messages: --before {cursor})")));
                text.push('\n');
            }
            for message in &oldest_first {
                text.push_str(&out.message_line(message));
                text.push('\n');
            }
            if let Some(cursor) = result.next_cursor.filter(|_| forward) {
                text.push_str(&out.dim(&format!("(newer messages: --after {cursor})")));
                text.push('\n');
            }
            text
        });
    };
    let last_seq = oldest_first.last().map_or(0, |m| m.seq);
    for message in &oldest_first {
        print_streamed(ctx, message)?;
    }
    let wanted = conversation.id();
    loop {
        let event = tokio::select! {
            event = gateway.next_event() => event,
            _ = tokio::signal::ctrl_c() => return Ok(()),
        };
        let Some(event) = event else { return Ok(()) };
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
