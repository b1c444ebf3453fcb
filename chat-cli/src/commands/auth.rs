//! `register`, `login`, `logout`, `whoami`.

use chat_core::v1::{Account, DisplayName, Email, Password, RegisterRequest, Username};

use crate::cli::PasswordSource;
use crate::context::Context;
use crate::failure::Failure;
use crate::input::Passwords;

fn describe(account: &Account) -> String {
    let email = account
        .email
        .as_ref()
        .map_or(String::new(), |e| format!(" <{e}>"));
    format!(
        "{} ({}){email}\nid {}\n",
        account.username, account.display_name, account.id
    )
}

pub async fn register(
    ctx: &Context,
    username: &str,
    display_name: Option<String>,
    email: Option<String>,
    password: &PasswordSource,
) -> Result<(), Failure> {
    let request = RegisterRequest {
        username: Username::parse(username)?,
        password: Password::parse(&Passwords::new(password).read("New password: ")?)?,
        email: email.as_deref().map(Email::parse).transpose()?,
        display_name: display_name
            .as_deref()
            .map(DisplayName::parse)
            .transpose()?,
    };
    let auth = ctx.client.register(&request).await?;
    ctx.save_session(auth.user.username.as_str())?;
    ctx.out.either(&auth.user, |_| {
        format!("registered and signed in as {}", describe(&auth.user))
    })
}

pub async fn login(
    ctx: &Context,
    username: &str,
    password: &PasswordSource,
) -> Result<(), Failure> {
    let password = Passwords::new(password).read("Password: ")?;
    let auth = ctx.client.login(username, &password).await?;
    ctx.save_session(auth.user.username.as_str())?;
    ctx.out.either(&auth.user, |_| {
        format!("signed in as {}", describe(&auth.user))
    })
}

pub async fn logout(ctx: &Context) -> Result<(), Failure> {
    if ctx.client.token().is_some() {
        match ctx.client.logout().await {
            // A token the server no longer accepts is as good as revoked: forget it.
            Err(e) if e.is_unauthorized() => {}
            other => other?,
        }
    }
    ctx.forget_token()?;
    ctx.out.done("signed out")
}

pub async fn whoami(ctx: &Context) -> Result<(), Failure> {
    let me = ctx.client.me().await?;
    ctx.out.either(&me, |_| describe(&me))
}
