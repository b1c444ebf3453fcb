//! A bot that answers every message in a lobby, in real time.
//!
//! ```sh
//! CHAT_LOBBY=echo cargo run --example echo_bot
//! ```
//!
//! It joins (or creates) the public lobby `CHAT_LOBBY` (default `echo`) and answers each
//! message from someone else with `echo: <text>`. Reconnects are handled by the gateway.
//! Settings: `CHAT_SERVER`, `CHAT_USERNAME`, `CHAT_PASSWORD`, `CHAT_LOBBY`.

#[path = "common.rs"]
mod common;

use chat_client::{Gateway, GatewayEvent};
use chat_core::v1::{
    CreateLobbyRequest, ListQuery, LobbyName, MessageContent, SearchQuery, ServerFrame,
};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let client = common::sign_in("echo_bot").await?;
    let me = client.me().await?;
    let name = LobbyName::parse(&std::env::var("CHAT_LOBBY").unwrap_or_else(|_| "echo".into()))?;

    let lobby = if let Some(lobby) = client
        .my_lobbies()
        .await?
        .into_iter()
        .find(|l| l.name == name)
    {
        lobby
    } else {
        let query = ListQuery {
            q: Some(SearchQuery::new(name.as_str())?),
            ..Default::default()
        };
        match client
            .community_lobbies(&query)
            .await?
            .items
            .into_iter()
            .find(|l| l.name == name)
        {
            Some(lobby) => client.join_lobby(lobby.id).await?,
            None => {
                client
                    .create_lobby(&CreateLobbyRequest {
                        name,
                        description: None,
                        visibility: Default::default(),
                    })
                    .await?
            }
        }
    };
    eprintln!("echoing in {} ({})", lobby.name, lobby.id);

    let mut gateway = Gateway::connect(&client).await?;
    while let Some(event) = gateway.next_event().await {
        match event {
            GatewayEvent::Frame(ServerFrame::MessageCreated {
                conversation_id,
                message,
                ..
            }) if conversation_id == lobby.id.into()
                && message.author.as_ref().is_some_and(|a| a.id != me.id) =>
            {
                let reply = format!("echo: {}", message.content);
                let content = MessageContent::parse(
                    &reply.chars().take(MessageContent::MAX).collect::<String>(),
                )?;
                match gateway.send_message(conversation_id, content).await {
                    Ok(sent) => eprintln!("answered #{} with #{}", message.seq, sent.seq),
                    Err(e) if e.is_rate_limited() => eprintln!("slowing down: {e}"),
                    Err(e) => return Err(e.into()),
                }
            }
            GatewayEvent::Reconnecting {
                attempt,
                delay,
                reason,
            } => {
                eprintln!("connection lost ({reason}); attempt {attempt} in {delay:?}");
            }
            GatewayEvent::Closed { reason } => anyhow::bail!("gateway closed: {reason}"),
            _ => {}
        }
    }
    Ok(())
}
