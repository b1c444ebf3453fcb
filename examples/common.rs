//! Shared by the examples: where the server is and who to sign in as, from the environment.

use chat_client::Client;
use chat_core::v1::{Password, RegisterRequest, Username};

/// `CHAT_SERVER` (default `http://127.0.0.1:8080`).
pub fn server() -> String {
    std::env::var("CHAT_SERVER").unwrap_or_else(|_| "http://127.0.0.1:8080".into())
}

/// Signs in as `CHAT_USERNAME` / `CHAT_PASSWORD` (defaults: `default_user` /
/// `correct horse battery`), registering the account the first time.
pub async fn sign_in(default_user: &str) -> anyhow::Result<Client> {
    let client = Client::new(server())?;
    let username = std::env::var("CHAT_USERNAME").unwrap_or_else(|_| default_user.into());
    let password =
        std::env::var("CHAT_PASSWORD").unwrap_or_else(|_| "correct horse battery".into());
    let request = RegisterRequest {
        username: Username::parse(&username)?,
        password: Password::parse(&password)?,
        email: None,
        display_name: None,
    };
    match client.register(&request).await {
        Ok(_) => eprintln!("registered {username}"),
        Err(e) if e.is_conflict() => {
            client.login(&username, &password).await?;
            eprintln!("logged in as {username}");
        }
        Err(e) => return Err(e.into()),
    }
    Ok(client)
}
