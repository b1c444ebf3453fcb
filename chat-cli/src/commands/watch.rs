//! `watch`: live events until interrupted.

use chat_client::{Gateway, GatewayEvent};
use chat_core::v1::ServerFrame;

use super::names::Names;
use crate::context::Context;
use crate::failure::Failure;
use crate::output::plural;

pub async fn run(ctx: &Context) -> Result<(), Failure> {
    let mut gateway = Gateway::connect(&ctx.client).await?;
    let mut names = Names::default();
    loop {
        let event = tokio::select! {
            event = gateway.next_event() => event,
            _ = tokio::signal::ctrl_c() => return Ok(()),
        };
        let Some(event) = event else { return Ok(()) };
        if ctx.out.json {
            ctx.out.json_line(&event)?;
        } else if let Some(line) = describe(ctx, &mut names, &event).await {
            println!("{line}");
        }
        if let GatewayEvent::Closed { reason } = event {
            return Err(Failure::Unreachable(reason));
        }
    }
}

async fn describe(ctx: &Context, names: &mut Names, event: &GatewayEvent) -> Option<String> {
    let out = &ctx.out;
    Some(match event {
        GatewayEvent::Connected(ready) => {
            names.refresh(ctx).await;
            format!(
                "{} as {} ({})",
                out.dim("connected"),
                ready.user.username,
                plural(
                    ready.conversations.len() as u64,
                    "conversation",
                    "conversations"
                )
            )
        }
        GatewayEvent::Reconnecting {
            attempt,
            delay,
            reason,
        } => out.dim(&format!(
            "connection lost ({reason}); retry {attempt} in {delay:?}"
        )),
        GatewayEvent::Resumed => out.dim("resumed"),
        GatewayEvent::ResyncRequired { conversation_id } => {
            let name = names.conversation(ctx, *conversation_id).await;
            format!(
                "{name} {}",
                out.dim("missed too much here; read its history")
            )
        }
        GatewayEvent::Closed { reason } => out.dim(&format!("closed: {reason}")),
        GatewayEvent::Frame(frame) => match frame {
            ServerFrame::MessageCreated {
                conversation_id,
                message,
                ..
            } => {
                let name = names.conversation(ctx, *conversation_id).await;
                format!("{name} {}", out.message_line(message))
            }
            ServerFrame::MessageUpdated {
                conversation_id,
                message,
                ..
            } => {
                let name = names.conversation(ctx, *conversation_id).await;
                format!("{name} {} {}", out.dim("edited"), out.message_line(message))
            }
            ServerFrame::MessageDeleted {
                conversation_id,
                message_seq,
                ..
            } => {
                let name = names.conversation(ctx, *conversation_id).await;
                format!("{name} {}", out.dim(&format!("#{message_seq} deleted")))
            }
            ServerFrame::MemberJoined {
                conversation_id,
                member,
                ..
            } => {
                let name = names.conversation(ctx, *conversation_id).await;
                names
                    .users
                    .insert(member.user.id, member.user.username.to_string());
                format!(
                    "{name} {}",
                    out.dim(&format!("{} joined", member.user.username))
                )
            }
            ServerFrame::MemberLeft {
                conversation_id,
                user_id,
                ..
            } => {
                let name = names.conversation(ctx, *conversation_id).await;
                let user = names.user(ctx, *user_id).await;
                format!("{name} {}", out.dim(&format!("{user} left")))
            }
            ServerFrame::MemberRemoved {
                conversation_id,
                user_id,
                ..
            } => {
                let name = names.conversation(ctx, *conversation_id).await;
                let user = names.user(ctx, *user_id).await;
                format!("{name} {}", out.dim(&format!("{user} was removed")))
            }
            ServerFrame::LobbyUpdated {
                conversation_id,
                name,
                ..
            } => {
                let old = names.conversation(ctx, *conversation_id).await;
                names
                    .conversations
                    .insert(*conversation_id, name.to_string());
                format!(
                    "{old} {}",
                    out.dim(&format!("lobby updated (name: {name})"))
                )
            }
            ServerFrame::LobbyDeleted {
                conversation_id, ..
            } => {
                let name = names.conversation(ctx, *conversation_id).await;
                format!("{name} {}", out.dim("deleted"))
            }
            ServerFrame::Presence { user_id, online } => {
                let user = names.user(ctx, *user_id).await;
                out.dim(&format!(
                    "{user} is {}",
                    if *online { "online" } else { "offline" }
                ))
            }
            ServerFrame::Error { code, message, .. } => format!("error: {code}: {message}"),
            _ => return None,
        },
        _ => return None,
    })
}
