//! Prints every gateway event as one JSON line, until interrupted.
//!
//! ```sh
//! cargo run --example tail | jq .
//! ```
//!
//! Settings: `CHAT_SERVER`, `CHAT_USERNAME`, `CHAT_PASSWORD`. With `CHAT_TAIL_LIMIT=N` it
//! stops after N events (handy in scripts).

#[path = "common.rs"]
mod common;

use std::io::Write;

use chat_client::Gateway;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let client = common::sign_in("tail").await?;
    let limit: Option<usize> = std::env::var("CHAT_TAIL_LIMIT")
        .ok()
        .map(|n| n.parse())
        .transpose()?;
    let mut gateway = Gateway::connect(&client).await?;
    let mut stdout = std::io::stdout().lock();
    let mut printed = 0;
    while let Some(event) = gateway.next_event().await {
        serde_json::to_writer(&mut stdout, &event)?;
        writeln!(stdout)?;
        stdout.flush()?;
        printed += 1;
        if limit.is_some_and(|limit| printed >= limit) {
            break;
        }
    }
    Ok(())
}
