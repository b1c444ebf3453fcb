//! Register (or log in), create a lobby, send a message, read the history.
//!
//! ```sh
//! cargo run --release -p chat-server        # in one terminal
//! cargo run --example quickstart            # in another
//! ```
//!
//! Settings: `CHAT_SERVER`, `CHAT_USERNAME`, `CHAT_PASSWORD`.

#[path = "common.rs"]
mod common;

use chat_core::v1::{CreateLobbyRequest, Description, LobbyName, MessageContent, PageLimit};
use futures_util::TryStreamExt;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let client = common::sign_in("quickstart").await?;

    // Reuse our lobby from an earlier run, or create it.
    let name = LobbyName::parse("quickstart")?;
    let lobby = match client
        .my_lobbies()
        .await?
        .into_iter()
        .find(|l| l.name == name)
    {
        Some(lobby) => lobby,
        None => {
            client
                .create_lobby(&CreateLobbyRequest {
                    name,
                    description: Some(Description::parse("made by examples/quickstart.rs")?),
                    visibility: Default::default(),
                })
                .await?
        }
    };
    println!("lobby {} ({})", lobby.name, lobby.id);

    let sent = client
        .send_message(
            lobby.id,
            MessageContent::parse("hello from the quickstart")?,
            None,
        )
        .await?;
    println!("sent message #{} at {}", sent.seq, sent.created_at);

    // The whole history, newest first, fetched a page at a time.
    let history: Vec<_> = client
        .history(lobby.id, PageLimit::DEFAULT)
        .try_collect()
        .await?;
    println!("history ({} messages, newest first):", history.len());
    for message in history.iter().take(10) {
        let author = message
            .author
            .as_ref()
            .map_or("(deleted user)".to_owned(), |a| a.username.to_string());
        println!("  #{:<4} {author}: {}", message.seq, message.content);
    }
    Ok(())
}
