//! `watch`: live events until interrupted.

use chat_client::{Gateway, GatewayEvent};
use chat_core::v1::ServerFrame;

use crate::context::Context;
use crate::failure::Failure;

pub async fn run(ctx: &Context) -> Result<(), Failure> {
    let mut gateway = Gateway::connect(&ctx.client).await?;
    loop {
        let event = tokio::select! {
            event = gateway.next_event() => event,
            _ = tokio::signal::ctrl_c() => return Ok(()),
        };
        let Some(event) = event else { return Ok(()) };
        if ctx.out.json {
            ctx.out.json_line(&event)?;
        } else if let Some(line) = describe(ctx, &event) {
            println!("{line}");
        }
        if let GatewayEvent::Closed { reason } = event {
            return Err(Failure::Unreachable(reason));
        }
    }
}

fn describe(ctx: &Context, event: &GatewayEvent) -> Option<String> {
    let out = &ctx.out;
    Some(match event {
        GatewayEvent::Connected(ready) => format!(
            "{} as {} ({} conversations)",
            out.dim("connected"),
            ready.user.username,
            ready.conversations.len()
        ),
        GatewayEvent::Reconnecting {
            attempt,
            delay,
            reason,
        } => out.dim(&format!(
            "connection lost ({reason}); retry {attempt} in {delay:?}"
        )),
        GatewayEvent::Resumed => out.dim("resumed"),
        GatewayEvent::ResyncRequired { conversation_id } => out.dim(&format!(
            "missed too much in {conversation_id}; read its history"
        )),
        GatewayEvent::Closed { reason } => out.dim(&format!("closed: {reason}")),
        GatewayEvent::Frame(frame) => match frame {
            ServerFrame::MessageCreated { message, .. } => out.message_line(message),
            ServerFrame::MessageUpdated { message, .. } => {
                format!("{} {}", out.dim("edited"), out.message_line(message))
            }
            ServerFrame::MessageDeleted { message_seq, .. } => {
                out.dim(&format!("#{message_seq} deleted"))
            }
            ServerFrame::MemberJoined { member, .. } => {
                out.dim(&format!("{} joined", member.user.username))
            }
            ServerFrame::MemberLeft { user_id, .. } => out.dim(&format!("{user_id} left")),
            ServerFrame::MemberRemoved { user_id, .. } => {
                out.dim(&format!("{user_id} was removed"))
            }
            ServerFrame::LobbyUpdated { name, .. } => out.dim(&format!("lobby is now {name}")),
            ServerFrame::LobbyDeleted {
                conversation_id, ..
            } => out.dim(&format!("lobby {conversation_id} deleted")),
            ServerFrame::Presence { user_id, online } => out.dim(&format!(
                "{user_id} is {}",
                if *online { "online" } else { "offline" }
            )),
            ServerFrame::Error { code, message, .. } => format!("error: {code}: {message}"),
            _ => return None,
        },
        _ => return None,
    })
}
