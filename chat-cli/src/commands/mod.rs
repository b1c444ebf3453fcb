//! One file per group of commands; [`run`] dispatches.

mod admin;
mod auth;
mod dms;
mod lobbies;
mod mentions;
mod messages;
mod names;
mod tokens;
mod users;
mod watch;

use crate::cli::{Cli, Command};
use crate::context::Context;
use crate::failure::Failure;

/// Runs a parsed command line.
pub async fn run(cli: Cli) -> Result<(), Failure> {
    let signs_in = matches!(
        cli.command,
        Command::Register { .. } | Command::Login { .. }
    );
    let ctx = Context::new(cli.server, cli.profile, cli.json, signs_in)?;
    let had_token = ctx.client.token().is_some();
    let result = dispatch(&ctx, cli.command).await;
    if signs_in {
        // There, `unauthorized` means a wrong password, not a missing session.
        return result;
    }
    result.map_err(|failure| failure.signed_out(ctx.profile_name(), had_token))
}

async fn dispatch(ctx: &Context, command: Command) -> Result<(), Failure> {
    match command {
        Command::Register {
            username,
            display_name,
            email,
            password,
        } => auth::register(ctx, &username, display_name, email, &password).await,
        Command::Login { username, password } => auth::login(ctx, &username, &password).await,
        Command::Logout => auth::logout(ctx).await,
        Command::Whoami => auth::whoami(ctx).await,
        Command::User(command) => users::run(ctx, command).await,
        Command::Lobby(command) => lobbies::run(ctx, command).await,
        Command::Msg(command) => messages::run(ctx, command).await,
        Command::Dm(command) => dms::run(ctx, command).await,
        Command::Pins(command) => messages::pins(ctx, command).await,
        Command::Mentions {
            limit,
            before,
            unread,
        } => mentions::run(ctx, limit, before, unread).await,
        Command::Read { target, dm, seq } => messages::read(ctx, &target, dm, seq).await,
        Command::Admin(command) => admin::run(ctx, command).await,
        Command::Token(command) => tokens::run(ctx, command).await,
        Command::Avatar(command) => match command {
            crate::cli::AvatarCommand::Set { file } => {
                let image = std::fs::read(&file)
                    .map_err(|e| Failure::usage(format!("cannot read {}: {e}", file.display())))?;
                ctx.client.set_avatar(image).await?;
                ctx.out.done("avatar set")
            }
            crate::cli::AvatarCommand::Remove => {
                ctx.client.remove_avatar().await?;
                ctx.out.done("avatar removed")
            }
        },
        Command::Watch => watch::run(ctx).await,
        // Handled before a context exists (no server needed).
        Command::Completions { .. } => Ok(()),
    }
}
