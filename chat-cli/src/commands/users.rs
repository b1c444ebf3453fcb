//! `user list|show|update|delete`.

use chat_core::v1::{
    Description, DisplayName, Email, ListQuery, PageLimit, Password, SearchQuery,
    UpdateAccountRequest, UserPage,
};

use crate::cli::UserCommand;
use crate::context::Context;
use crate::failure::Failure;
use crate::input::Passwords;
use crate::output::{local_time, truncate};
use crate::resolve;

pub async fn run(ctx: &Context, command: UserCommand) -> Result<(), Failure> {
    match command {
        UserCommand::List { query, limit } => {
            let page = ctx
                .client
                .users(&ListQuery {
                    q: query.as_deref().map(SearchQuery::new).transpose()?,
                    limit: Some(PageLimit::new(limit)?),
                    after: None,
                })
                .await?;
            ctx.out.either(&page, |out| users_table(out, &page))
        }
        UserCommand::Show { user } => {
            let user = resolve::user(ctx, &user).await?;
            ctx.out.either(&user, |out| {
                format!(
                    "{} ({})\nid       {}\njoined   {}\n{}",
                    out.bold(user.username.as_str()),
                    user.display_name,
                    user.id,
                    local_time(&user.created_at),
                    user.description
                )
            })
        }
        UserCommand::Update {
            display_name,
            description,
            email,
            password,
            password_source,
        } => {
            let (current_password, new_password) = if password {
                let passwords = Passwords::new(&password_source);
                let current = passwords.read("Current password: ")?;
                let new = Password::parse(&passwords.read("New password: ")?)?;
                (Some(current), Some(new))
            } else {
                (None, None)
            };
            let request = UpdateAccountRequest {
                display_name: display_name
                    .as_deref()
                    .map(DisplayName::parse)
                    .transpose()?,
                description: description.as_deref().map(Description::parse).transpose()?,
                email: email
                    .as_deref()
                    .map(|e| Email::parse(e).map(Some))
                    .transpose()?,
                password: new_password,
                current_password,
            };
            let account = ctx.client.update_me(&request).await?;
            ctx.out
                .either(&account, |_| format!("updated {}", account.username))
        }
        UserCommand::Delete { yes } => {
            if !yes {
                return Err(Failure::usage(
                    "deleting your account cannot be undone: add --yes",
                ));
            }
            ctx.client.delete_me().await?;
            ctx.forget_token()?;
            ctx.out.done("account deleted")
        }
    }
}

fn users_table(out: &crate::output::Printer, page: &UserPage) -> String {
    let rows: Vec<Vec<String>> = page
        .items
        .iter()
        .map(|u| {
            vec![
                u.username.to_string(),
                truncate(u.display_name.as_str(), 30),
                u.id.to_string(),
            ]
        })
        .collect();
    out.table(&["USERNAME", "NAME", "ID"], &rows)
}
